# Automatic set-up: Immuta signs in with a privileged role and creates the
# database, roles and grants itself. The same privileged credentials are
# needed again when the integration is destroyed or replaced.

variable "snowflake_admin_password" {
  description = "Password of the Snowflake user IMMUTA_SETUP, which can use ACCOUNTADMIN."
  type        = string
  sensitive   = true
  ephemeral   = true
}

resource "immuta_integration" "snowflake" {
  auto_bootstrap = true

  snowflake = {
    host      = "acme-analytics.snowflakecomputing.com"
    warehouse = "IMMUTA_WH"
    database  = "IMMUTA"
    role      = "ACCOUNTADMIN" # required with auto_bootstrap = true

    authentication_type = "userPassword"
    username            = "IMMUTA_SETUP"
    password_wo         = var.snowflake_admin_password
  }
}
