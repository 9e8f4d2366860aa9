#!/usr/bin/env bash
# Copyright (c) The terraform-provider-immuta authors
# SPDX-License-Identifier: MPL-2.0
#
# Runs the tests of the example modules (examples/modules/*/tests) as a user's CI would, with the
# release artefacts in dist/ (make release-snapshot) rather than `go run`: the provider installed by
# `init` from a filesystem mirror, and the immuta-emulator binary. For each CLI given, and each module:
#
#   1. `test` of tests/mock.tftest.hcl (mock_provider), with IMMUTA_URL pointing where nothing listens;
#   2. for each answer style, echo and literal: start immuta-emulator, `test` of the other test files,
#      then tests/refusals.sh (the applies Immuta refuses), then check that no integration and no unused
#      fault rule is left;
#      stop the emulator.
#
# Usage: scripts/test-modules.sh CLI...   (paths of terraform or tofu binaries)
# Needs curl (the tests call the emulator's control API with it). Processes it starts are stopped on
# exit, also on failure or Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD

die() { echo "test-modules: $*" >&2; exit 1; }
[ $# -ge 1 ] || die "usage: $0 CLI..."
command -v curl >/dev/null || die "curl is not on PATH; the module tests call the emulator's control API with it"

provider=$(ls dist/provider_*/terraform-provider-immuta_v* 2>/dev/null | sed -n 1p) || true
emulator=$(ls dist/emulator_*/immuta-emulator* 2>/dev/null | sed -n 1p) || true
[ -n "$provider" ] && [ -n "$emulator" ] || die "no provider or emulator binary in dist/: run make release-snapshot"
snapshot=${provider##*/terraform-provider-immuta_v}
snapshot=${snapshot%.exe}
platform=${provider#dist/provider_}
platform=${platform%%/*}
platform=$(echo "$platform" | sed -E 's/^([a-z0-9]+_[a-z0-9]+).*/\1/') # linux_amd64_v1 -> linux_amd64
echo "==> release artefacts: provider $snapshot ($platform), $("$emulator" --version)"

tmp=$(mktemp -d)
emulator_pid=
cleanup() {
  if [ -n "$emulator_pid" ]; then kill "$emulator_pid" 2>/dev/null || true; wait "$emulator_pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
# Ctrl-C reaches terraform, which tears down what its runs made (the emulator, in a process group of
# its own, keeps serving it); the script stops after that step. (Bash runs no trap for a Ctrl-C that
# the command it waits for handled, so the step's output tells.)
trap 'exit 130' INT TERM

# The mirror holds the snapshot as a release version: init picks no pre-release (such as
# 0.0.0-SNAPSHOT-abc) unless a configuration asks for it exactly, and the module asks for none.
version=0.1.0
for host in registry.terraform.io registry.opentofu.org; do
  dir="$tmp/mirror/$host/immuta/immuta/$version/$platform"
  mkdir -p "$dir"
  cp "$provider" "$dir/"
done

emulator_log=
start_emulator() { # STYLE: starts the emulator, sets IMMUTA_URL and IMMUTA_API_KEY
  export IMMUTA_API_KEY=module-tests-key
  emulator_log=$(mktemp "$tmp/emulator.XXXXXX") # a fresh file: never the last emulator's URL
  set -m # a process group of its own, out of reach of Ctrl-C; cleanup stops it
  "$emulator" --listen 127.0.0.1:0 --api-key "$IMMUTA_API_KEY" --transition-delay 1s --answer-style "$1" >"$emulator_log" 2>&1 &
  emulator_pid=$!
  set +m
  for _ in $(seq 100); do
    IMMUTA_URL=$(sed -nE 's/^immuta-emulator listening on (http[^ ]+)$/\1/p' "$emulator_log")
    [ -n "$IMMUTA_URL" ] && export IMMUTA_URL && return
    kill -0 "$emulator_pid" 2>/dev/null || break
    sleep 0.1
  done
  cat "$emulator_log" >&2
  die "the emulator did not start"
}

stop_emulator() {
  kill "$emulator_pid"
  wait "$emulator_pid" || die "the emulator exited with status $?: $(cat "$emulator_log")"
  emulator_pid=
}

# emulator_is_clean: every integration the tests made is deleted (the literal style lists deleted
# ones), and every fault rule they added was used (a rule never hit tested nothing).
emulator_is_clean() {
  local left faults
  left=$(curl -fsS "$IMMUTA_URL/_emulator/integrations" | grep -oE '"autoBootstrap":(true|false),"status":"[A-Za-z]+"' | grep -v '"deleted"' || true)
  [ -z "$left" ] || die "integrations left in the emulator after the tests: $left"
  faults=$(curl -fsS "$IMMUTA_URL/_emulator/faults")
  [ "$faults" = "[]" ] || die "fault rules the tests added were never used: $faults"
}

failed=0
for cli in "$@"; do
  # The line naming the version (OpenTofu may print warnings before it); awk reads all, so no SIGPIPE.
  banner=$("$cli" version 2>/dev/null | awk '/^(Terraform|OpenTofu) v/ && !found { print; found = 1 }')
  case "$banner" in
    OpenTofu*) host=registry.opentofu.org ;;
    Terraform*) host=registry.terraform.io ;;
    *) die "$cli is neither Terraform nor OpenTofu: $banner" ;;
  esac
  export TF_CLI_CONFIG_FILE="$tmp/$host.tfrc" CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1
  printf 'provider_installation {\n  filesystem_mirror {\n    path    = "%s"\n    include = ["%s/immuta/immuta"]\n  }\n  direct {\n    exclude = ["%s/immuta/immuta"]\n  }\n}\n' \
    "$tmp/mirror" "$host" "$host" >"$TF_CLI_CONFIG_FILE"

  for module in examples/modules/*/; do
    module=${module%/}
    work="$tmp/work/$(basename "$cli")/$(basename "$module")"
    mkdir -p "$(dirname "$work")"
    rm -rf "$work"
    cp -r "$module" "$work"
    (cd "$work" && rm -rf .terraform .terraform.lock.hcl && "$cli" init -input=false -no-color >"$tmp/init.log") ||
      { cat "$tmp/init.log"; die "$cli init of $module failed"; }
    # The mock_provider tests: OpenTofu reads tests/mock.tofutest.hcl instead of mock.tftest.hcl.
    mock=tests/mock.tftest.hcl
    [ "$host" = registry.opentofu.org ] && [ -f "$work/tests/mock.tofutest.hcl" ] && mock=tests/mock.tofutest.hcl
    [ -f "$work/$mock" ] || die "$module has no $mock"
    emulator_tests=()
    for f in "$work"/tests/*.tftest.hcl; do
      case "$(basename "$f")" in mock.*) ;; *) emulator_tests+=("-filter=tests/$(basename "$f")") ;; esac
    done

    # step NAME COMMAND...: runs one step in the module's copy, timed. A run skipped fails it: a skipped
    # test is not a passed one (terraform test says "Success!" when a run before it failed to start).
    step() {
      local name=$1 began=$SECONDS log="$tmp/step.log"; shift
      echo "==> $banner: $module: $name"
      if (cd "$work" && "$@") 2>&1 | tee "$log" && ! grep -qE ', [1-9][0-9]* skipped' "$log"; then
        echo "    passed in $((SECONDS - began))s"
      else
        echo "    FAILED after $((SECONDS - began))s"; failed=1
      fi
      ! grep -q '^Interrupt received' "$log" || die "interrupted"
    }

    IMMUTA_URL=http://127.0.0.1:9 IMMUTA_API_KEY=unused step "mock_provider ($mock)" "$cli" test -no-color -filter="$mock"
    for style in echo literal; do
      start_emulator "$style"
      step "emulator, $style answers" "$cli" test -no-color "${emulator_tests[@]}"
      step "emulator, $style answers: refusals" env TF="$cli" bash tests/refusals.sh
      emulator_is_clean
      stop_emulator
    done
  done
done
[ "$failed" = 0 ] || die "some module tests failed (above)"
echo "==> module tests passed"
