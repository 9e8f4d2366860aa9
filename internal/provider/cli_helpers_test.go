// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// terraformCLI runs the real terraform binary, outside terraform-plugin-testing,
// against the provider built from this module and installed through
// dev_overrides in a CLI configuration of its own (no terraform init, nothing
// downloaded, ~/.terraformrc untouched). It is for what the test framework
// does not expose: -parallelism, and Terraform's own output.
type terraformCLI struct {
	t   *testing.T
	bin string
	dir string
	env []string
}

// providerRequirement makes the configuration use this provider's address.
const providerRequirement = `
terraform {
  required_providers {
    immuta = { source = "immuta/immuta" }
  }
}
`

// buildProvider builds the provider into a temporary directory. It is built
// without -race even under go test -race: the race detector would double the
// load test's time (the examples and quickstart tests build it the same way,
// so the build cache is shared).
func buildProvider(t *testing.T) string {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("go is needed to build the provider: %v", err)
	}
	dir := t.TempDir()
	args := []string{"build", "-o", filepath.Join(dir, "terraform-provider-immuta"), "github.com/immuta/terraform-provider-immuta"}
	began := time.Now()
	cmd := exec.Command(goBin, args...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	t.Logf("built the provider in %s", time.Since(began).Round(time.Millisecond))
	return dir
}

func terraformBinary(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("TF_ACC_TERRAFORM_PATH"); p != "" {
		return p
	}
	p, err := exec.LookPath("terraform")
	if err != nil {
		t.Fatal("terraform not found: set TF_ACC_TERRAFORM_PATH or put it on PATH")
	}
	return p
}

// newTerraformCLI prepares a working directory and the environment of the
// terraform processes: the test process's, without any TF_* or IMMUTA_*
// variable, plus a CLI configuration with the dev override and extra.
func newTerraformCLI(t *testing.T, providerDir string, extra ...string) *terraformCLI {
	t.Helper()
	dir := t.TempDir()
	cliConfig := filepath.Join(dir, "cli.tfrc")
	rc := fmt.Sprintf(`provider_installation {
  dev_overrides {
    %q = %q
  }
  direct {}
}
`, testCLI(t).ProviderAddress(), providerDir)
	if err := os.WriteFile(cliConfig, []byte(rc), 0o600); err != nil {
		t.Fatal(err)
	}
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "TF_") || strings.HasPrefix(name, "IMMUTA_") || name == "CHECKPOINT_DISABLE" {
			continue
		}
		env = append(env, kv)
	}
	env = append(env, "TF_CLI_CONFIG_FILE="+cliConfig, "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1")
	env = append(env, extra...)
	work := filepath.Join(dir, "work")
	if err := os.Mkdir(work, 0o755); err != nil {
		t.Fatal(err)
	}
	return &terraformCLI{t: t, bin: terraformBinary(t), dir: work, env: env}
}

// write replaces the working directory's configuration.
func (c *terraformCLI) write(config string) {
	c.t.Helper()
	if err := os.WriteFile(filepath.Join(c.dir, "main.tf"), []byte(providerRequirement+config), 0o600); err != nil {
		c.t.Fatal(err)
	}
}

// run runs terraform with args (and -no-color -input=false where they
// apply) and returns its combined output.
func (c *terraformCLI) run(ctx context.Context, args ...string) (string, error) {
	c.t.Helper()
	words := 1 // the command, and the subcommand of "state"
	if args[0] == "state" || args[0] == "providers" {
		words = 2
	}
	full := append(append([]string{}, args[:words]...), "-no-color")
	switch args[0] {
	case "plan", "apply", "destroy", "import", "refresh":
		full = append(full, "-input=false")
	}
	full = append(full, args[words:]...)
	cmd := exec.CommandContext(ctx, c.bin, full...)
	cmd.Dir = c.dir
	cmd.Env = c.env
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	err := cmd.Run()
	return out.String(), err
}

// mustRun is run that fails the test on an error.
func (c *terraformCLI) mustRun(ctx context.Context, args ...string) string {
	c.t.Helper()
	out, err := c.run(ctx, args...)
	if err != nil {
		c.t.Fatalf("terraform %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

// parallelCLITest opens a test that drives the terraform binary itself: an
// acceptance test, run in parallel, with the provider built and a working
// directory whose runs share a context bounded by limit.
func parallelCLITest(t *testing.T, limit time.Duration, extraEnv ...string) (*terraformCLI, context.Context) {
	t.Helper()
	accPreCheck(t)
	t.Parallel()
	tf := newTerraformCLI(t, buildProvider(t), extraEnv...)
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	t.Cleanup(cancel)
	return tf, ctx
}
