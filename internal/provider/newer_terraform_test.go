// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/immuta/terraform-provider-immuta/internal/tfcli"
)

// envLatestTerraform names the newer CLI that runs the tests of the
// workflows the oldest supported Terraform lacks (resource identity,
// terraform query, actions): make test sets it to the newest Terraform
// (TERRAFORM_NEWEST), and make test-tofu to the newest OpenTofu, for the
// workflows OpenTofu has. The rest of the suite runs TF_ACC_TERRAFORM_PATH.
const envLatestTerraform = "TF_ACC_TERRAFORM_LATEST_PATH"

// newerWorkflow is a workflow only newer CLIs have, and the first minor
// version of Terraform and of OpenTofu (1.x; 0: none yet) that has it.
type newerWorkflow struct {
	name                    string
	terraform, openTofuFrom int
}

var (
	// Import blocks by identity: Terraform 1.12, OpenTofu 1.12.
	workflowIdentity = newerWorkflow{name: "import by resource identity", terraform: 12, openTofuFrom: 12}
	// terraform query, list resources and actions: Terraform 1.14 only.
	workflowQueryAndActions = newerWorkflow{name: "terraform query and actions", terraform: 14}
)

// minor is the CLI's 1.x minor version (-1 if not 1.x).
func minor(cli tfcli.CLI) int {
	parts := strings.SplitN(cli.Version, ".", 3)
	if len(parts) < 2 || parts[0] != "1" {
		return -1
	}
	m, err := strconv.Atoi(parts[1])
	if err != nil {
		return -1
	}
	return m
}

// has reports whether the CLI has the workflow.
func (w newerWorkflow) has(cli tfcli.CLI) bool {
	from := w.terraform
	if cli.OpenTofu() {
		from = w.openTofuFrom
	}
	return from > 0 && minor(cli) >= from
}

// newerCLI returns the path of the newer CLI (TF_ACC_TERRAFORM_LATEST_PATH),
// which must have the workflow. Like every acceptance test, a test that
// needs it fails, never skips, when it is missing.
func newerCLI(t *testing.T, w newerWorkflow) string {
	t.Helper()
	accPreCheck(t)
	bin := os.Getenv(envLatestTerraform)
	if bin == "" {
		t.Fatalf("%s is not set: this test needs Terraform >= 1.%d. make test obtains one; by hand: "+
			"%s=$(scripts/obtain-cli.sh terraform <version>), such as TERRAFORM_NEWEST in GNUmakefile", envLatestTerraform, w.terraform, envLatestTerraform)
	}
	v, ok := latestCLIs.Load(bin)
	if !ok {
		cli, err := tfcli.Identify(context.Background(), bin)
		if err != nil {
			t.Fatalf("%s=%s: %v", envLatestTerraform, bin, err)
		}
		v, _ = latestCLIs.LoadOrStore(bin, cli)
	}
	cli := v.(tfcli.CLI)
	if !w.has(cli) {
		t.Fatalf("%s is %s, which lacks %s (Terraform 1.%d or later needed)", envLatestTerraform, cli, w.name, w.terraform)
	}
	return bin
}

var latestCLIs sync.Map // binary path -> tfcli.CLI

// latestTerraform returns the path of the Terraform >= 1.14 binary, for
// terraform query and actions.
func latestTerraform(t *testing.T) string {
	t.Helper()
	return newerCLI(t, workflowQueryAndActions)
}

// useNewerCLI makes terraform-plugin-testing run the newer CLI, which must
// have the workflow, in this test. It reads TF_ACC_TERRAFORM_PATH from the
// process environment, so such a test cannot run in parallel (t.Setenv
// refuses it): Go runs it before the parallel tests start.
func useNewerCLI(t *testing.T, w newerWorkflow) {
	t.Helper()
	t.Setenv("TF_ACC_TERRAFORM_PATH", newerCLI(t, w))
}

// useLatestTerraform is useNewerCLI for terraform query and actions.
func useLatestTerraform(t *testing.T) {
	t.Helper()
	useNewerCLI(t, workflowQueryAndActions)
}

// latestCLI is a terraformCLI (the CLI run outside terraform-plugin-testing)
// with the Terraform >= 1.14 binary; such tests may run in parallel.
func latestCLI(t *testing.T, providerDir string) *terraformCLI {
	t.Helper()
	bin := latestTerraform(t)
	c := newTerraformCLI(t, providerDir)
	c.bin = bin
	return c
}

// writeFile adds a file to the working directory of c.
func (c *terraformCLI) writeFile(name, content string) {
	c.t.Helper()
	if err := os.WriteFile(filepath.Join(c.dir, name), []byte(content), 0o600); err != nil {
		c.t.Fatal(err)
	}
}

// readFile reads a file of the working directory of c.
func (c *terraformCLI) readFile(name string) string {
	c.t.Helper()
	b, err := os.ReadFile(filepath.Join(c.dir, name))
	if err != nil {
		c.t.Fatal(err)
	}
	return string(b)
}

// version prints the binary c runs, for the test log.
func (c *terraformCLI) version() string {
	out, err := exec.Command(c.bin, "version").Output()
	if err != nil {
		return fmt.Sprintf("%s (version unknown: %v)", c.bin, err)
	}
	return strings.SplitN(string(out), "\n", 2)[0]
}
