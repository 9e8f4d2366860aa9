// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"os"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/immuta/terraform-provider-immuta/internal/tfcli"
)

var (
	testCLIs     sync.Map // binary path -> tfcli.CLI
	testHostOnce sync.Once
)

// testCLI is the Terraform or OpenTofu binary the acceptance tests drive
// (TF_ACC_TERRAFORM_PATH, else terraform on PATH). The first call points
// terraform-plugin-testing at that CLI's registry host: it reattaches the
// in-process provider as registry.terraform.io/hashicorp/immuta unless told
// another host, and OpenTofu looks for "immuta" on registry.opentofu.org.
func testCLI(t *testing.T) tfcli.CLI {
	t.Helper()
	path := terraformBinary(t)
	v, ok := testCLIs.Load(path)
	if !ok {
		cli, err := tfcli.Identify(context.Background(), path)
		if err != nil {
			t.Fatalf("identifying the CLI the acceptance tests run: %v", err)
		}
		v, _ = testCLIs.LoadOrStore(path, cli)
	}
	cli := v.(tfcli.CLI)
	if f := os.Getenv("TF_CLI_CONFIG_FILE"); cli.OpenTofu() && f != "" {
		if _, err := os.Stat(f); err != nil {
			// OpenTofu then prints a warning before its version, which
			// terraform-plugin-testing cannot parse: every test would fail
			// with "unable to parse version".
			t.Fatalf("TF_CLI_CONFIG_FILE=%s cannot be read (%v), so %s would print a warning before its version, which "+
				"terraform-plugin-testing cannot parse: unset TF_CLI_CONFIG_FILE (make test-tofu drops it when the file is missing)", f, err, cli)
		}
	}
	testHostOnce.Do(func() {
		if os.Getenv(resource.EnvTfAccProviderHost) == "" {
			// For the whole process, not one test: t.Setenv would undo it
			// when this test ends, and refuses parallel tests.
			_ = os.Setenv(resource.EnvTfAccProviderHost, cli.RegistryHost()) //nolint:usetesting // see above
		}
	})
	// A host the CLI does not use would fail every test with an obscure
	// "provider not found", and a run meant for OpenTofu (make test-tofu
	// sets registry.opentofu.org) must not pass on Terraform.
	if host := os.Getenv(resource.EnvTfAccProviderHost); host != cli.RegistryHost() {
		t.Fatalf("%s=%s, but the acceptance tests run %s, which installs providers from %s",
			resource.EnvTfAccProviderHost, host, cli, cli.RegistryHost())
	}
	return cli
}
