terraform {
  required_providers {
    immuta = {
      source = "immuta/immuta"
    }
  }
}

# Every integration.
data "immuta_integrations" "all" {}

# Only Snowflake integrations whose creation failed.
data "immuta_integrations" "failed_snowflake" {
  type   = "snowflake"
  status = "createError"
}

output "integrations" {
  value = {
    for i in data.immuta_integrations.all.integrations : i.id => "${i.type} on ${coalesce(i.host, "-")} (${i.status})"
  }
}

output "failed_snowflake_ids" {
  value = data.immuta_integrations.failed_snowflake.ids
}

# Warn when periodic re-validation fails on any integration.
data "immuta_integrations" "degraded" {
  status = "recurringValidationError"
}

check "integrations_healthy" {
  assert {
    condition     = length(data.immuta_integrations.degraded.ids) == 0
    error_message = "Integrations failing recurring validation: ${join(", ", data.immuta_integrations.degraded.ids)}."
  }
}
