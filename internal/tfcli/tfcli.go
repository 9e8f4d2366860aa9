// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

// Package tfcli tells the Terraform and OpenTofu command-line tools apart.
// Both run this provider the same way, but OpenTofu resolves a source such
// as "immuta/immuta" on its own registry host, registry.opentofu.org, so
// whatever installs the provider for a CLI (dev_overrides, a filesystem
// mirror, a provider reattached by the tests) must use that CLI's host.
package tfcli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"time"
)

// The registry hosts each CLI resolves a provider source without a host on.
const (
	TerraformRegistry = "registry.terraform.io"
	OpenTofuRegistry  = "registry.opentofu.org"
)

// CLI is one Terraform or OpenTofu binary.
type CLI struct {
	Path    string
	Product string // "Terraform" or "OpenTofu"
	Version string // such as "1.11.5"
}

// OpenTofu reports whether the binary is OpenTofu.
func (c CLI) OpenTofu() bool { return c.Product == "OpenTofu" }

// RegistryHost is the host the CLI installs "immuta/immuta" from.
func (c CLI) RegistryHost() string {
	if c.OpenTofu() {
		return OpenTofuRegistry
	}
	return TerraformRegistry
}

// ProviderAddress is the full address of the immuta provider for this CLI.
func (c CLI) ProviderAddress() string { return c.RegistryHost() + "/immuta/immuta" }

// Command is the name users type for this CLI: "terraform" or "tofu".
func (c CLI) Command() string {
	if c.OpenTofu() {
		return "tofu"
	}
	return "terraform"
}

func (c CLI) String() string { return c.Product + " v" + c.Version + " (" + c.Path + ")" }

// versionLine is the first line of `terraform version` and `tofu version`
// ("Terraform v1.11.4", "OpenTofu v1.11.5"). `version -json` cannot tell
// them apart: both name the version "terraform_version".
var versionLine = regexp.MustCompile(`^(Terraform|OpenTofu) v(\d+\.\d+\.\d+\S*)`)

// Identify runs `<path> version` and says which CLI and version it is.
func Identify(ctx context.Context, path string) (CLI, error) {
	if p, err := exec.LookPath(path); err == nil {
		path = p
	}
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, path, "version")
	// No check for a newer release: Terraform would call HashiCorp for it.
	cmd.Env = append(os.Environ(), "CHECKPOINT_DISABLE=1")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return CLI{}, fmt.Errorf("%s version: %w\n%s%s", path, err, stdout.String(), stderr.String())
	}
	product, version, err := ParseVersion(stdout.String())
	if err != nil {
		return CLI{}, fmt.Errorf("%s: %w", path, err)
	}
	return CLI{Path: path, Product: product, Version: version}, nil
}

// ParseVersion reads the product and version from the output of `version`.
// The version is on the first line, unless warnings come first: OpenTofu
// 1.12 prints problems with the CLI configuration (such as a
// TF_CLI_CONFIG_FILE naming a missing file) there, on stdout.
func ParseVersion(out string) (product, version string, err error) {
	lines := strings.Split(strings.TrimSpace(out), "\n")
	first := strings.TrimSpace(lines[0])
	if !warningsFirst.MatchString(first) {
		lines = lines[:1]
	}
	for _, l := range lines {
		if m := versionLine.FindStringSubmatch(strings.TrimSpace(l)); m != nil {
			return m[1], m[2], nil
		}
	}
	return "", "", fmt.Errorf("neither Terraform nor OpenTofu: `version` printed %q", first)
}

// warningsFirst is the first line of warnings printed before the version.
var warningsFirst = regexp.MustCompile(`^(Warning: |There are some problems with the CLI configuration)`)
