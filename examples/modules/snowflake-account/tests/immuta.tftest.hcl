# The module against the Immuta emulator: real applies, with the provider
# talking to the emulator at IMMUTA_URL with IMMUTA_API_KEY. terraform test
# destroys what the runs created when the file ends.

variables {
  account         = "acme-analytics"
  environment     = "prod"
  system_password = "first-password"
}

run "onboard" {
  assert {
    condition     = output.status == "enabled"
    error_message = "Immuta must report the new integration enabled, not ${output.status}."
  }
  assert {
    condition     = output.host == "acme-analytics.snowflakecomputing.com" && immuta_integration.this.snowflake.database == "IMMUTA_PROD"
    error_message = "The integration must carry the module's names."
  }
  assert {
    condition     = immuta_integration.this.snowflake.audit.enabled
    error_message = "Audit must be on in prod."
  }
  assert {
    condition     = length(immuta_integration.this.validation_results) > 0 && alltrue([for t in immuta_integration.this.validation_results : t.status == "passed"])
    error_message = "Every validation test Immuta ran must have passed."
  }
}

run "rotate_password" {
  variables {
    system_password         = "second-password"
    system_password_version = 2
    onboarded_id            = run.onboard.integration_id # for the assertion; the module has no such input
  }

  assert {
    condition     = output.integration_id == var.onboarded_id && output.status == "enabled"
    error_message = "A new password must update the integration in place, not replace it."
  }
}
