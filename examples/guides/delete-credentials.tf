# Two Snowflake integrations set up by Immuta, each with its own privileged
# password, given write-only. Immuta needs each password again to delete its
# integration (on destroy, on removal from the configuration, on
# replacement), and Terraform gives a provider only the state then, which
# never holds a write-only value. The provider block is evaluated on every
# run, destroy included, and may hold ephemeral values: delete_credentials
# hands each integration's password to its delete, keyed by host, and
# nothing of it is stored in state or plan files.

variable "sales_setup_password" {
  type      = string
  sensitive = true
  ephemeral = true
}

variable "finance_setup_password" {
  type      = string
  sensitive = true
  ephemeral = true
}

provider "immuta" {
  delete_credentials = {
    "sales.us-east-1.snowflakecomputing.com"   = { password = var.sales_setup_password }
    "finance.us-east-1.snowflakecomputing.com" = { password = var.finance_setup_password }
  }
}

resource "immuta_integration" "sales" {
  auto_bootstrap = true
  snowflake = {
    host                = "sales.us-east-1.snowflakecomputing.com"
    warehouse           = "COMPUTE_WH"
    database            = "IMMUTA"
    role                = "ACCOUNTADMIN"
    authentication_type = "userPassword"
    username            = "IMMUTA_SETUP"
    password_wo         = var.sales_setup_password
  }
}

resource "immuta_integration" "finance" {
  auto_bootstrap = true
  snowflake = {
    host                = "finance.us-east-1.snowflakecomputing.com"
    warehouse           = "COMPUTE_WH"
    database            = "IMMUTA"
    role                = "ACCOUNTADMIN"
    authentication_type = "userPassword"
    username            = "IMMUTA_SETUP"
    password_wo         = var.finance_setup_password
  }
}
