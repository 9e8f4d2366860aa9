// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package main

import (
	"os/exec"
	"testing"
)

// The quickstart is the README's first command: it must run end to end,
// catch the drift it makes, and converge again.
func TestQuickstartRunsEndToEnd(t *testing.T) {
	if _, err := exec.LookPath("terraform"); err != nil {
		t.Fatal("terraform is not on PATH")
	}
	if err := run(); err != nil {
		t.Fatalf("quickstart: %v", err)
	}
}
