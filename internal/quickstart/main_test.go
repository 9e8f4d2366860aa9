// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package main

import (
	"os"
	"os/exec"
	"testing"
)

// The quickstart is the README's first command: it must run end to end,
// catch the drift it makes, and converge again, with the CLI the acceptance
// tests run (TF_ACC_TERRAFORM_PATH: Terraform, or OpenTofu under make test-tofu).
func TestQuickstartRunsEndToEnd(t *testing.T) {
	bin := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if bin == "" {
		if _, err := exec.LookPath("terraform"); err != nil {
			t.Fatal("terraform is not on PATH")
		}
		bin = "terraform"
	}
	if err := run(bin); err != nil {
		t.Fatalf("quickstart: %v", err)
	}
}
