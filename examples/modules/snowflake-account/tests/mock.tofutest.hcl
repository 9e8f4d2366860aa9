# Tests of the naming rules and input checks with a mocked provider: no Immuta,
# no emulator, no process (Terraform 1.7 or later, OpenTofu 1.8 or later).
# The applies below create nothing: the mock makes up the values Immuta would
# compute, here the defaults given.

mock_provider "immuta" {
  mock_resource "immuta_integration" {
    defaults = {
      id     = "42"
      status = "enabled"
    }
  }
}

variables {
  account         = "acme-analytics"
  environment     = "staging"
  system_password = "not-a-real-password"
}

run "names_follow_the_rules" {
  command = plan

  assert {
    condition     = immuta_integration.this.snowflake.host == "acme-analytics.snowflakecomputing.com"
    error_message = "The host must be built from the account identifier."
  }
  assert {
    condition     = immuta_integration.this.snowflake.database == "IMMUTA_STAGING" && immuta_integration.this.snowflake.warehouse == "IMMUTA_STAGING_WH"
    error_message = "Database and warehouse must be named after the environment."
  }
  assert {
    condition     = immuta_integration.this.snowflake.impersonation.role == "IMMUTA_STAGING_IMPERSONATION"
    error_message = "The impersonation role must be named after the environment."
  }
  assert {
    condition     = !immuta_integration.this.snowflake.audit.enabled
    error_message = "Audit is for prod only."
  }
  assert {
    condition     = immuta_integration.this.snowflake.password_wo_version == 1 && immuta_integration.this.snowflake.password == null
    error_message = "The password must go write-only, never into the plain (stored) attribute."
  }
  assert {
    condition     = output.integration_id == "42" && output.status == "enabled"
    error_message = "The outputs must pass Immuta's ID and status on."
  }
}

run "audit_in_prod" {
  command = plan

  variables {
    environment = "prod"
  }

  assert {
    condition     = immuta_integration.this.snowflake.audit.enabled && output.database == "IMMUTA_PROD"
    error_message = "Audit must be on in prod."
  }
}

run "host_name_is_refused_as_account" {
  command = plan

  variables {
    account = "https://acme-analytics.snowflakecomputing.com"
  }

  expect_failures = [var.account]
}

run "unknown_environment_is_refused" {
  command = plan

  variables {
    environment = "qa"
  }

  expect_failures = [var.environment]
}

run "password_version_must_be_whole" {
  command = plan

  variables {
    system_password_version = 1.5
  }

  expect_failures = [var.system_password_version]
}
