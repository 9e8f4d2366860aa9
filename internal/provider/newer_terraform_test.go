// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// envLatestTerraform names the Terraform >= 1.14 binary that runs the tests
// of the newer workflows (resource identity, terraform query, actions);
// make test obtains one with scripts/obtain-cli.sh and sets it. The rest of
// the suite runs TF_ACC_TERRAFORM_PATH, the oldest supported Terraform.
const envLatestTerraform = "TF_ACC_TERRAFORM_LATEST_PATH"

// latestMinor is the oldest Terraform (1.latestMinor) these tests accept.
const latestMinor = 14

var latestVersions sync.Map // binary path -> "1.14.9"

// latestTerraform returns the path of the Terraform >= 1.14 binary. Like
// every acceptance test, a test that needs it fails, never skips, when it is
// missing.
func latestTerraform(t *testing.T) string {
	t.Helper()
	accPreCheck(t)
	bin := os.Getenv(envLatestTerraform)
	if bin == "" {
		t.Fatalf("%s is not set: this test needs Terraform >= 1.%d. make test obtains one; by hand: "+
			"%s=$(scripts/obtain-cli.sh terraform 1.%d.0 1.%d.9)", envLatestTerraform, latestMinor, envLatestTerraform, latestMinor, latestMinor)
	}
	v, ok := latestVersions.Load(bin)
	if !ok {
		out, err := exec.Command(bin, "version", "-json").Output()
		var parsed struct {
			Version string `json:"terraform_version"`
		}
		if err != nil || json.Unmarshal(out, &parsed) != nil || parsed.Version == "" {
			t.Fatalf("%s=%s: `version -json` failed (%v): %s", envLatestTerraform, bin, err, out)
		}
		v, _ = latestVersions.LoadOrStore(bin, parsed.Version)
	}
	parts := strings.SplitN(v.(string), ".", 3)
	minor := -1
	if len(parts) >= 2 && parts[0] == "1" {
		minor, _ = strconv.Atoi(parts[1])
	}
	if minor < latestMinor {
		t.Fatalf("%s=%s is Terraform %s; this test needs 1.%d or later", envLatestTerraform, bin, v, latestMinor)
	}
	return bin
}

// useLatestTerraform makes terraform-plugin-testing run the Terraform >=
// 1.14 binary in this test. It reads TF_ACC_TERRAFORM_PATH from the process
// environment, so such a test cannot run in parallel (t.Setenv refuses it):
// Go runs it before the parallel tests start.
func useLatestTerraform(t *testing.T) {
	t.Helper()
	t.Setenv("TF_ACC_TERRAFORM_PATH", latestTerraform(t))
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
