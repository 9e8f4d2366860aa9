#!/usr/bin/env bash
# Drift check for a scheduled CI job. Needs IMMUTA_URL, IMMUTA_API_KEY and
# the TF_VAR_... values of the configuration's variables in the environment.
set -uo pipefail

terraform init -input=false -no-color >/dev/null || exit 1

terraform plan -detailed-exitcode -input=false -no-color -lock-timeout=5m -out=drift.tfplan
code=$?

case "$code" in
  0)
    echo "No drift: Immuta matches the configuration."
    ;;
  2)
    echo "Drift: Immuta differs from the configuration. Review the plan above;"
    echo "'terraform apply drift.tfplan' would put Immuta back as declared."
    ;;
  *)
    echo "terraform plan failed (exit code $code): this says nothing about drift." >&2
    ;;
esac
exit "$code"
