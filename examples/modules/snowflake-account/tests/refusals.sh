#!/usr/bin/env bash
# Immuta's refusals stop `terraform apply` with the provider's error, and
# `terraform test` cannot expect a provider's error (expect_failures is for
# the module's own checks). So these runs are plain applies that must fail,
# with Immuta's reason in the output and nothing in the state.
#
# Run from the module's directory, with the emulator at IMMUTA_URL and
# IMMUTA_API_KEY set; TF names the CLI (default terraform, or tofu).
set -euo pipefail
tf=${TF:-terraform}
module=$PWD
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
cat >"$root/main.tf" <<HCL
module "account" {
  source          = "$module"
  account         = "acme-refusals"
  environment     = "dev"
  system_password = "test-only-password"
}
HCL
"$tf" -chdir="$root" init -input=false -no-color >"$root/init.log" || { cat "$root/init.log"; exit 1; }

fault() {
  curl -fsS -X POST -H 'Content-Type: application/json' --data "$1" "$IMMUTA_URL/_emulator/faults" >/dev/null
}

expect_refusal() { # WHAT TEXT...: the apply fails, its output has each TEXT, and the state is empty
  local what=$1 text; shift
  if "$tf" -chdir="$root" apply -auto-approve -input=false -no-color >"$root/apply.log" 2>&1; then
    echo "FAIL: $what: the apply succeeded"; exit 1
  fi
  for text in "$@"; do
    grep -qF "$text" "$root/apply.log" || { echo "FAIL: $what: the output lacks \"$text\":"; cat "$root/apply.log"; exit 1; }
  done
  [ -z "$("$tf" -chdir="$root" state list)" ] || { echo "FAIL: $what: the state is not empty"; exit 1; }
  echo "ok: $what"
}

# 422: Immuta's checks of the prerequisites fail (the setup script has not run).
fault '{"method": "POST", "path": "/integrations", "action": {"validation": [
  {"name": "Validate Manual: Database Exists", "message": "Database IMMUTA_DEV does not exist: run the setup script first."}]}}'
expect_refusal "422 validation failure" "Error: Validate Manual: Database Exists" \
  "Database IMMUTA_DEV does not exist: run the setup script first."

# 409: the account is already onboarded, by someone in Immuta's UI (here, a
# call to Immuta's API); Immuta allows one Snowflake integration per host.
other=$(curl -fsS -X POST -H "Authorization: $IMMUTA_API_KEY" -H 'Content-Type: application/json' "$IMMUTA_URL/integrations" \
  --data '{"type": "Snowflake", "autoBootstrap": false, "config": {"host": "acme-refusals.snowflakecomputing.com",
    "warehouse": "W", "database": "D", "authenticationType": "userPassword", "username": "U", "password": "P"}}' |
  sed -nE 's/^[{]"id":"([0-9]+)".*/\1/p')
[ -n "$other" ] || { echo "FAIL: the emulator did not create the other integration"; exit 1; }
expect_refusal "409 clash on the host" "Error: Integration already exists" "id = \"$other\"" # the import block to adopt it
curl -fsS -X DELETE "$IMMUTA_URL/_emulator/integrations/$other" >/dev/null # as if deleted in the UI
