# Manual set-up: a Snowflake administrator first ran the setup script Immuta
# generated for this configuration. The script created the database, the
# roles and the user IMMUTA_SYSTEM_ACCOUNT; Immuta only ever signs in as that
# user, which holds no account-level privileges.

variable "immuta_system_private_key" {
  description = "PEM-encoded private key of IMMUTA_SYSTEM_ACCOUNT."
  type        = string
  sensitive   = true
}

resource "immuta_integration" "snowflake" {
  auto_bootstrap = false

  snowflake = {
    host      = "acme-analytics.snowflakecomputing.com"
    warehouse = "IMMUTA_WH"
    database  = "IMMUTA"

    authentication_type = "keyPair"
    username            = "IMMUTA_SYSTEM_ACCOUNT"
    private_key = {
      content = var.immuta_system_private_key
    }
  }
}
