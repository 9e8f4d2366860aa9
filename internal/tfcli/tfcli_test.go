// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package tfcli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseVersion(t *testing.T) {
	for _, tc := range []struct {
		out, product, version string
	}{
		{"Terraform v1.11.4\non linux_amd64\n", "Terraform", "1.11.4"},
		{"Terraform v1.14.0-rc1\non linux_amd64\n", "Terraform", "1.14.0-rc1"},
		{"OpenTofu v1.11.5\non linux_amd64\n+ provider registry.opentofu.org/immuta/immuta v0.1.0\n", "OpenTofu", "1.11.5"},
		{"\nOpenTofu v1.12.0-dev\n", "OpenTofu", "1.12.0-dev"},
		// OpenTofu warns first when TF_CLI_CONFIG_FILE names a missing file.
		{"There are some problems with the CLI configuration:\n\nWarning: Unable to open CLI configuration file\n\nOpenTofu v1.12.6\non linux_amd64\n", "OpenTofu", "1.12.6"},
		// OpenTofu 1.12 with TF_CLI_CONFIG_FILE naming a missing file
		{"\nWarning: Unable to open CLI configuration file\n\nThe CLI configuration file at \"/root/.terraformrc\" does not exist.\n" +
			"OpenTofu v1.12.6\non linux_amd64\n", "OpenTofu", "1.12.6"},
	} {
		product, version, err := parseVersion(tc.out)
		if err != nil || product != tc.product || version != tc.version {
			t.Errorf("parseVersion(%q) = %q, %q, %v; want %q, %q", tc.out, product, version, err, tc.product, tc.version)
		}
	}
	for _, out := range []string{"", "Usage: terraform [global options]", "Pulumi v3.0.0", "on linux_amd64\nTerraform v1.11.4",
		"Warning: Unable to open CLI configuration file\n\nsomething else"} {
		if p, v, err := parseVersion(out); err == nil {
			t.Errorf("parseVersion(%q) = %q, %q; want an error", out, p, v)
		}
	}
}

func TestRegistryHostAndCommand(t *testing.T) {
	tf := CLI{Product: "Terraform", Version: "1.11.4"}
	tofu := CLI{Product: "OpenTofu", Version: "1.11.5"}
	if tf.ProviderAddress() != "registry.terraform.io/immuta/immuta" || tf.Command() != "terraform" || tf.OpenTofu() {
		t.Errorf("Terraform: %s, %s, %v", tf.ProviderAddress(), tf.Command(), tf.OpenTofu())
	}
	if tofu.ProviderAddress() != "registry.opentofu.org/immuta/immuta" || tofu.Command() != "tofu" || !tofu.OpenTofu() {
		t.Errorf("OpenTofu: %s, %s, %v", tofu.ProviderAddress(), tofu.Command(), tofu.OpenTofu())
	}
}

// fakeCLI writes a shell script that stands in for a CLI.
func fakeCLI(t *testing.T, script string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "cli")
	if err := os.WriteFile(p, []byte("#!/bin/sh\n"+script+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestIdentify(t *testing.T) {
	// The version is only printed with the release check off: Terraform
	// would otherwise ask HashiCorp for the latest release.
	tofu := fakeCLI(t, `[ "$1" = version ] && [ "$CHECKPOINT_DISABLE" = 1 ] && printf 'OpenTofu v1.11.5\non linux_amd64\n'`)
	cli, err := Identify(context.Background(), tofu)
	if err != nil {
		t.Fatal(err)
	}
	if cli.Path != tofu || !cli.OpenTofu() || cli.Version != "1.11.5" || cli.RegistryHost() != openTofuRegistry {
		t.Errorf("Identify = %+v", cli)
	}

	failing := fakeCLI(t, `echo "broken install" >&2; exit 3`)
	if _, err := Identify(context.Background(), failing); err == nil || !strings.Contains(err.Error(), "broken install") {
		t.Errorf("a failing CLI: err = %v, want its stderr", err)
	}
	other := fakeCLI(t, `echo "Pulumi v3.0.0"`)
	if _, err := Identify(context.Background(), other); err == nil || !strings.Contains(err.Error(), "neither Terraform nor OpenTofu") {
		t.Errorf("another program: err = %v", err)
	}
	if _, err := Identify(context.Background(), filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Error("a missing binary: no error")
	}
}
