// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"fmt"
	"testing"

	"github.com/immuta/terraform-provider-immuta/internal/client"
)

// The state keeps at most maxStoredTests tests, the failed and warning ones
// first.
func TestStoredTestsAreBounded(t *testing.T) {
	var tests []client.ValidationTest
	for i := range 500 {
		status := client.TestPassed
		if i%5 == 4 {
			status = client.TestFailed
		}
		tests = append(tests, client.ValidationTest{Name: fmt.Sprintf("T%d", i), Status: status})
	}
	got := storedTests(tests)
	if len(got) != maxStoredTests || got[0].Name != "T4" || got[99].Status != client.TestFailed {
		t.Fatalf("%d stored, first %v, last %v", len(got), got[0], got[len(got)-1])
	}
	if few := storedTests(tests[:10]); len(few) != 10 || few[0].Name != "T0" {
		t.Errorf("a short list must be kept as it is: %v", few)
	}
}
