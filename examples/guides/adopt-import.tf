# Bring the Snowflake integration with Immuta ID 12 under Terraform. The
# resource block describes it as it is in Immuta; secrets, which Immuta never
# returns, come from variables.

variable "snowflake_admin_password" {
  description = "Password of the Snowflake user IMMUTA_SETUP."
  type        = string
  sensitive   = true
}

import {
  to = immuta_integration.snowflake
  id = "12"
}

resource "immuta_integration" "snowflake" {
  auto_bootstrap = true # as Immuta reports it: a different value replaces the integration

  snowflake = {
    host      = "acme-analytics.snowflakecomputing.com"
    warehouse = "IMMUTA_WH"
    database  = "IMMUTA"
    role      = "ACCOUNTADMIN"

    authentication_type = "userPassword"
    username            = "IMMUTA_SETUP"
    password            = var.snowflake_admin_password
  }
}
