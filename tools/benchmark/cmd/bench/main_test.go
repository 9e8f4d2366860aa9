// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"testing"

	"github.com/immuta/terraform-provider-immuta/tools/benchmark"
)

func TestParseSteps(t *testing.T) {
	got, err := parseSteps("apply, plan,destroy")
	if err != nil || !reflect.DeepEqual(got, []benchmark.Step{benchmark.StepApply, benchmark.StepPlan, benchmark.StepDestroy}) {
		t.Errorf("parseSteps = %v, %v", got, err)
	}
	for _, bad := range []string{"plan,destroy", "apply,plan", "apply,destroy,plan", "apply,plan,plan,destroy", "apply,refresh,destroy"} {
		if _, err := parseSteps(bad); err == nil {
			t.Errorf("parseSteps(%q) accepted", bad)
		}
	}
}

func TestParseVariants(t *testing.T) {
	got, err := parseVariants("write-only, stored")
	if err != nil || !reflect.DeepEqual(got, []benchmark.Variant{benchmark.VariantWriteOnly, benchmark.VariantStored}) {
		t.Errorf("parseVariants = %v, %v", got, err)
	}
	for _, bad := range []string{"stored,stored", "wo", "stored,ephemeral"} {
		if _, err := parseVariants(bad); err == nil {
			t.Errorf("parseVariants(%q) accepted", bad)
		}
	}
}

// TestBenchEndToEnd runs the whole benchmark at a tiny size: both providers
// build, start under the real terraform, go through every step of both
// variants (the password stored, and write-only) with the expected requests
// and the password in Immuta, and leave states of the same shape.
func TestBenchEndToEnd(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("set TF_ACC=1 (make test does) to run terraform")
	}
	terraform := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if terraform == "" {
		var err error
		if terraform, err = exec.LookPath("terraform"); err != nil {
			t.Fatal("terraform not found: set TF_ACC_TERRAFORM_PATH or put it on PATH")
		}
	}
	out := filepath.Join(t.TempDir(), "report.md")
	o := options{sizes: []int{2}, steps: benchmark.Steps, variants: benchmark.Variants, rounds: 1, parallelism: 2, terraform: terraform, out: out}
	if err := run(t.Context(), o); err != nil {
		t.Fatalf("bench: %v", err)
	}
	report, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, step := range benchmark.Steps {
		for _, label := range []string{string(step), regexp.QuoteMeta(string(step) + " (write-only)")} {
			row := regexp.MustCompile(`(?m)^\| 2 \| ` + label + ` \|.*\| yes \|`)
			if !row.Match(report) {
				t.Errorf("the report has no row for %s with the expected requests:\n%s", label, report)
			}
		}
		// The fingerprints' cost, against the stored password of the same run.
		cost := regexp.MustCompile(`(?m)^\| 2 \| ` + string(step) + ` \|( [0-9.]+ s \|){2}( [0-9.]+ \|){2}( [+-][0-9.]+ ms \|){3}$`)
		if !cost.Match(report) {
			t.Errorf("the write-only table has no row for %s:\n%s", step, report)
		}
	}
}
