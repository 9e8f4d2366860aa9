# One Snowflake account onboarded to Immuta, named by the platform team's
# rules. The account is set up by an administrator running Immuta's setup
# script (auto_bootstrap = false), so Immuta holds only its own system user's
# password, which Terraform sends write-only.

locals {
  env  = upper(var.environment)
  host = "${var.account}.snowflakecomputing.com"

  # The naming rules: one database, warehouse and impersonation role per environment.
  database           = "IMMUTA_${local.env}"
  warehouse          = "IMMUTA_${local.env}_WH"
  impersonation_role = "IMMUTA_${local.env}_IMPERSONATION"
}

resource "immuta_integration" "this" {
  auto_bootstrap = false

  snowflake = {
    host      = local.host
    warehouse = local.warehouse
    database  = local.database

    authentication_type = "userPassword"
    username            = var.system_user
    password_wo         = var.system_password
    password_wo_version = var.system_password_version

    audit = {
      enabled = var.environment == "prod"
    }
    impersonation = {
      enabled = true
      role    = local.impersonation_role
    }
  }

  timeouts = {
    create = var.timeout
    update = var.timeout
  }
}

# Immuta re-validates installed integrations periodically. When a test fails
# (a grant revoked, the password changed in Snowflake only), the provider
# warns and the plan goes on; this check names the failed tests.
locals {
  failed_tests = [
    for t in immuta_integration.this.validation_results : "${t.name} (${coalesce(t.message, t.status)})" if t.status != "passed"
  ]
}

check "immuta_validation" {
  assert {
    condition     = immuta_integration.this.status == "enabled"
    error_message = "Immuta reports the Snowflake integration on ${local.host} as ${immuta_integration.this.status}. Failed tests: ${join("; ", local.failed_tests)}."
  }
}
