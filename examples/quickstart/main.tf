# Quickstart: three integrations against the local Immuta emulator.
#
#   go run ./internal/emulator/cmd/immuta-emulator --listen 127.0.0.1:8089 --api-key quickstart-api-key
#   terraform apply
#   terraform destroy
#
# The emulator stands in for an Immuta tenant and accepts any host names and
# credentials; nothing here reaches Snowflake, Databricks or AWS. Against a
# real tenant, set immuta_url and immuta_api_key (or IMMUTA_URL and
# IMMUTA_API_KEY) and use real hosts and secrets.

terraform {
  required_version = ">= 1.11"

  required_providers {
    immuta = {
      source = "immuta/immuta"
    }
  }
}

variable "immuta_url" {
  description = "Root URL of the Immuta tenant (here: the local emulator)."
  type        = string
  default     = "http://127.0.0.1:8089"
}

variable "immuta_api_key" {
  description = "Immuta API key (the emulator's --api-key)."
  type        = string
  sensitive   = true
  default     = "quickstart-api-key"
}

variable "snowflake_password" {
  description = "Password of the privileged Snowflake user. The emulator accepts any."
  type        = string
  sensitive   = true
  default     = "quickstart-snowflake-password"
}

variable "databricks_token" {
  description = "Databricks personal access token. The emulator accepts any."
  type        = string
  sensitive   = true
  default     = "dapi-quickstart-token"
}

provider "immuta" {
  url     = var.immuta_url
  api_key = var.immuta_api_key
}

# Immuta sets Snowflake up itself with a privileged role. The password is kept
# in state here so that `terraform destroy` can hand it back to Immuta for the
# teardown; see the "Credentials and state" guide for the write-only form.
resource "immuta_integration" "snowflake" {
  auto_bootstrap = true

  snowflake = {
    host      = "quickstart.us-east-1.snowflakecomputing.com"
    warehouse = "COMPUTE_WH"
    database  = "IMMUTA"
    role      = "ACCOUNTADMIN"

    authentication_type = "userPassword"
    username            = "IMMUTA_SETUP"
    password            = var.snowflake_password

    audit = {
      enabled = true
    }
  }
}

resource "immuta_integration" "databricks" {
  auto_bootstrap = true

  databricks = {
    workspace_url       = "dbc-quickstart.cloud.databricks.com"
    http_path           = "/sql/1.0/warehouses/quickstart"
    authentication_type = "token"
    token               = var.databricks_token
  }
}

# S3 is always set up manually, so auto_bootstrap stays false (the default).
resource "immuta_integration" "s3" {
  s3 = {
    name                = "quickstart-lake"
    aws_account_id      = "123456789012"
    aws_region          = "us-east-1"
    aws_location_path   = "s3://quickstart-lake/"
    aws_location_role   = "arn:aws:iam::123456789012:role/immuta-quickstart"
    authentication_type = "auto"
  }
}

output "integration_ids" {
  description = "Immuta IDs of the integrations."
  value = {
    snowflake  = immuta_integration.snowflake.id
    databricks = immuta_integration.databricks.id
    s3         = immuta_integration.s3.id
  }
}

output "integration_statuses" {
  description = "Status of each integration in Immuta, such as enabled."
  value = {
    snowflake  = immuta_integration.snowflake.status
    databricks = immuta_integration.databricks.status
    s3         = immuta_integration.s3.status
  }
}
