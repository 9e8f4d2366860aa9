// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package main

import (
	"reflect"
	"testing"

	"github.com/immuta/terraform-provider-immuta/internal/benchmark"
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
