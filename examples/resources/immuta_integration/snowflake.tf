# Snowflake, set up by Immuta itself (auto_bootstrap = true): Immuta signs in as
# a user holding the privileged role, creates its database, roles and grants,
# and removes them again when the integration is destroyed.
#
# The private key is write-only (content_wo): Terraform sends it to Immuta on
# create, with every update, and when it differs from the key last applied (the
# plan then shows content_wo_version going up by one), but never stores it in
# the state or in plan files. Because the state does not hold it, destroying
# this integration needs the key once more, from the environment:
#
#   export IMMUTA_DELETE_PRIVATE_KEY_CONTENT="$(cat immuta_setup_rsa_key.p8)"
#   terraform destroy

variable "snowflake_private_key" {
  description = "PEM-encoded private key of the Snowflake user IMMUTA_SETUP."
  type        = string
  sensitive   = true
  ephemeral   = true # never written to state or plan files
}

resource "immuta_integration" "snowflake" {
  auto_bootstrap = true

  snowflake = {
    host      = "acme-analytics.snowflakecomputing.com"
    warehouse = "IMMUTA_WH"
    database  = "IMMUTA"       # created and owned by Immuta; must not exist yet
    role      = "ACCOUNTADMIN" # privileged role, used for set-up and teardown only

    authentication_type = "keyPair"
    username            = "IMMUTA_SETUP"
    private_key = {
      content_wo = var.snowflake_private_key
    }

    audit = {
      enabled = true
    }
    impersonation = {
      enabled = true
      role    = "IMMUTA_IMPERSONATION"
    }
    workspaces = {
      enabled    = true
      warehouses = ["IMMUTA_WH", "ANALYST_WH"]
    }
    user_role_pattern = {
      exclude = ["ACCOUNTADMIN", "SYSADMIN"]
    }
  }

  # Immuta's set-up can take several minutes on a busy account.
  timeouts = {
    create = "45m"
  }
}

output "snowflake_integration_status" {
  value = immuta_integration.snowflake.status
}
