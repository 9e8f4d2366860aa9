# The tenant of tenant-twin-integrations.json brought under Terraform: an
# import block and a resource block per integration. Plan it against the
# emulator seeded with that file, then against the tenant itself.

variable "snowflake_setup_password" {
  description = "Password of IMMUTA_SETUP, the privileged user of the auto-bootstrapped Snowflake integration."
  type        = string
  sensitive   = true
  ephemeral   = true
}

variable "snowflake_system_password" {
  description = "Password of IMMUTA_SYSTEM in the sandbox account."
  type        = string
  sensitive   = true
  ephemeral   = true
}

variable "databricks_token" {
  description = "Personal access token of Immuta's Databricks service principal."
  type        = string
  sensitive   = true
  ephemeral   = true
}

import {
  to = immuta_integration.snowflake_analytics
  id = "12"
}

import {
  to = immuta_integration.snowflake_sandbox
  id = "15"
}

import {
  to = immuta_integration.databricks
  id = "21"
}

import {
  to = immuta_integration.lake
  id = "22"
}

resource "immuta_integration" "snowflake_analytics" {
  auto_bootstrap = true

  snowflake = {
    host      = "acme-analytics.snowflakecomputing.com"
    warehouse = "IMMUTA_WH"
    database  = "IMMUTA"

    # Immuta does not keep the privileged credentials it set Snowflake up with:
    # the answer leaves them out, and the configuration supplies them.
    role                = "ACCOUNTADMIN"
    authentication_type = "userPassword"
    username            = "IMMUTA_SETUP"
    password_wo         = var.snowflake_setup_password
    password_wo_version = 1

    audit = {
      enabled = true
    }
  }
}

resource "immuta_integration" "snowflake_sandbox" {
  auto_bootstrap = false

  snowflake = {
    host      = "acme-sandbox.snowflakecomputing.com"
    warehouse = "SANDBOX_WH"
    database  = "IMMUTA_SANDBOX"

    authentication_type = "userPassword"
    username            = "IMMUTA_SYSTEM"
    password_wo         = var.snowflake_system_password
    password_wo_version = 1

    impersonation = {
      enabled = true
    }
  }
}

resource "immuta_integration" "databricks" {
  auto_bootstrap = false

  databricks = {
    workspace_url = "dbc-a1b2c3d4-e5f6.cloud.databricks.com"
    http_path     = "/sql/1.0/warehouses/4b9e2f7a1c3d5e60"

    authentication_type = "token"
    token_wo            = var.databricks_token
    token_wo_version    = 1
  }
}

resource "immuta_integration" "lake" {
  s3 = {
    name              = "analytics-lake"
    aws_account_id    = "123456789012"
    aws_region        = "us-east-1"
    aws_location_role = "arn:aws:iam::123456789012:role/immuta-access-grants-location"
    aws_location_path = "s3://acme-analytics-lake/"

    authentication_type = "auto"
  }
}
