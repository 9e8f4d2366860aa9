#!/usr/bin/env bash
# Copyright (c) The terraform-provider-immuta authors
# SPDX-License-Identifier: MPL-2.0
#
# Prints the path of a Terraform or OpenTofu CLI of exactly the given version, for the test matrix
# (TERRAFORM_OLDEST, TERRAFORM_NEWEST and OPENTOFU_NEWEST in GNUmakefile) and the documentation.
# Only Go and the Go module proxy are needed, never HashiCorp's release site:
#
#   1. a binary on PATH with that name, when it is that version;
#   2. else a build cached under ${XDG_CACHE_HOME:-~/.cache}/immuta-provider-cli/;
#   3. else a build from the module's source, fetched with `go mod download`, then cached
#      (minutes on 2 cores).
#
# Usage: scripts/obtain-cli.sh terraform|tofu VERSION
# Progress goes to stderr; the last line on stdout is the binary's path.
set -euo pipefail

die() { echo "obtain-cli: $*" >&2; exit 1; }
[ $# -eq 2 ] || die "usage: $0 terraform|tofu VERSION"
NAME=$1; VER=${2#v}
case "$NAME" in
  terraform) MOD=github.com/hashicorp/terraform; PKG=.; BANNER="Terraform" ;;
  tofu) MOD=github.com/opentofu/opentofu; PKG=./cmd/tofu; BANNER="OpenTofu" ;;
  *) die "unknown CLI '$NAME' (terraform or tofu)" ;;
esac
[[ "$VER" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || die "VERSION must be a release such as 1.16.4, not '$2'"
command -v go >/dev/null || die "go is not on PATH"

# version_of BINARY: the X.Y.Z of `BINARY version` ("Terraform v1.16.4"), from the first line that
# names it (OpenTofu 1.12 may print warnings about the CLI configuration first).
version_of() { "$1" version 2>/dev/null | sed -nE "s/^$BANNER v([0-9]+\.[0-9]+\.[0-9]+).*/\1/p" | head -n1; }

if onpath=$(command -v "$NAME" 2>/dev/null) && [ "$(version_of "$onpath")" = "$VER" ]; then
  echo "$onpath"; exit 0
fi

CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/immuta-provider-cli"
OUT="$CACHE/$NAME-$VER"
if [ -x "$OUT" ] && [ "$(version_of "$OUT")" = "$VER" ]; then echo "$OUT"; exit 0; fi

tmp=$(mktemp -d)
trap 'chmod -R u+w "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
mkdir -p "$CACHE"
echo "obtain-cli: no $NAME $VER on PATH or in the cache; building $MOD@v$VER from the Go module proxy (minutes the first time, cached in $CACHE)" >&2
json=$(go mod download -json "$MOD@v$VER") || die "go mod download $MOD@v$VER failed: $json"
dir=$(echo "$json" | sed -nE 's/^\s*"Dir": "(.*)",?$/\1/p')
[ -d "$dir" ] || die "no source directory in: $json"
src="$tmp/src"; cp -r "$dir/." "$src"; chmod -R u+w "$src"
cd "$src"
[ "$(tr -d '[:space:]' < version/VERSION)" = "$VER" ] || die "version/VERSION of $MOD@v$VER is not $VER"

if [ "$NAME" = terraform ]; then
  # Terraform's go.mod points at nested modules (remote-state backends) through local `replace`
  # lines, and the module zip does not carry them. Drop each missing one and its backend
  # registration; the local, remote, cloud, http and inmem backends remain, which tests need.
  init=internal/backend/init/init.go
  for p in $(sed -nE "s#^replace ($MOD/[^ ]+) => \./.*#\1#p" go.mod); do
    [ -d "${p#"$MOD"/}" ] && continue
    sed -i -E "\#^(replace )?\s*$p( |\$)#d" go.mod
    alias=$(sed -nE "s#^\s*(\w+) \"$p\"\$#\1#p" "$init")
    if [ -n "$alias" ]; then sed -i -E "/\b$alias\b/d" "$init"; fi
  done
fi

# As the projects' release builds do: no "-dev" suffix on the version, no debug symbols.
CGO_ENABLED=0 nice go build -trimpath -buildvcs=false -ldflags "-s -w -X $MOD/version.dev=no" -o "$OUT.tmp" "$PKG"
mv "$OUT.tmp" "$OUT"
[ "$(version_of "$OUT")" = "$VER" ] || die "$OUT reports '$("$OUT" version 2>&1 | head -n1)', expected $BANNER v$VER"
echo "$OUT"
