# Immuta misbehaving, through the emulator's control API (tests/emulator-control
# makes one call with curl): a slow set-up the module waits out, a failed
# re-validation the module's check reports, and a repair through a tenant
# that is briefly unavailable.

variables {
  account         = "acme-failures"
  environment     = "dev"
  system_password = "first-password"
}

run "immuta_is_slow" {
  module {
    source = "./tests/emulator-control"
  }

  variables {
    path = "settings"
    body = { transitionDelay = "4s" } # creating, editing and deleting now last 4 seconds
  }
}

run "onboard_waits_for_immuta" {
  assert {
    condition     = output.status == "enabled"
    error_message = "The apply must wait until Immuta has finished, not stop at ${output.status}."
  }
}

run "immuta_is_fast_again" {
  module {
    source = "./tests/emulator-control"
  }

  variables {
    path = "settings"
    body = { transitionDelay = "0s" }
  }
}

run "revalidation_fails" {
  module {
    source = "./tests/emulator-control"
  }

  variables {
    path = "integrations/${run.onboard_waits_for_immuta.integration_id}/status"
    body = {
      status = "recurringValidationError"
      validation = [{
        name    = "Validate Manual: Database Exists"
        status  = "failed"
        message = "Database IMMUTA_DEV does not exist or is not authorized."
      }]
    }
  }
}

run "check_reports_failed_revalidation" {
  command = plan

  # The plan reads the integration back from Immuta; the module's check fails
  # on its status. A failure expected here makes the run pass.
  expect_failures = [check.immuta_validation]
}

run "immuta_is_briefly_unavailable" {
  module {
    source = "./tests/emulator-control"
  }

  variables {
    path = "faults"
    body = { method = "PUT", path = "/integrations/*", times = 2, action = { status = 503, retryAfter = 1 } }
  }
}

run "new_password_repairs" {
  # The fix for the failed test: a new password, sent as an update. The first
  # two attempts are answered 503; the provider retries them.
  variables {
    system_password         = "second-password"
    system_password_version = 2
  }

  assert {
    condition     = output.status == "enabled"
    error_message = "The update must go through the 503s and leave the integration enabled, not ${output.status}."
  }
}
