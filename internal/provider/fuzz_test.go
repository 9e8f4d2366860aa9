// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/immuta/terraform-provider-immuta/internal/client"
	"github.com/immuta/terraform-provider-immuta/internal/integrationtype"
)

// Fuzz tests; their seed corpora are in testdata/fuzz/<FuzzName>/.

// FuzzParseImportID: an import ID is accepted exactly when it is 1 to 19
// ASCII digits (around white space), and the error quotes a bounded part of
// what was given.
func FuzzParseImportID(f *testing.F) {
	f.Add("7")
	f.Fuzz(func(t *testing.T, raw string) {
		id, err := ParseImportID(raw)
		trimmed := strings.TrimSpace(raw)
		digits := len(trimmed) >= 1 && len(trimmed) <= 19 && strings.Trim(trimmed, "0123456789") == ""
		switch {
		case err == nil && !digits:
			t.Fatalf("ParseImportID(%q) accepted %q", raw, id)
		case err == nil && id != trimmed:
			t.Fatalf("ParseImportID(%q) = %q, want %q", raw, id, trimmed)
		case err != nil && digits:
			t.Fatalf("ParseImportID(%q) rejected a numeric ID: %v", raw, err)
		case err != nil && id != "":
			t.Fatalf("ParseImportID(%q) returned %q with an error", raw, id)
		case err != nil && len(err.Error()) > 512:
			t.Fatalf("ParseImportID error of %d bytes", len(err.Error()))
		}
	})
}

// FuzzValidationDiagnostics: any validation results Immuta answers turn
// into one diagnostic per failed (and, degraded, warning) test up to
// maxShownTests, then one that counts the rest, on a path inside the type's
// block, for every integration type; a 422 always gives an error.
func FuzzValidationDiagnostics(f *testing.F) {
	f.Add([]byte(`{"status":"failed","validationTests":[{"name":"Initial Validation: Basic Connection Test","status":"failed","message":"bad host"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var res *client.ValidationResults
		if json.Unmarshal(data, &res) != nil {
			return
		}
		// The first maxShownTests failed or warning tests get a diagnostic
		// each; the rest one more, an error when any of them failed.
		failed, warned, shown, hiddenFailed, hidden := 0, 0, 0, 0, 0
		if res != nil {
			for _, test := range res.Tests {
				if test.Status != client.TestFailed && test.Status != client.TestWarning {
					continue
				}
				if shown == maxShownTests {
					hidden++
					if test.Status == client.TestFailed {
						hiddenFailed++
					}
					continue
				}
				shown++
				if test.Status == client.TestFailed {
					failed++
				} else {
					warned++
				}
			}
		}
		if hiddenFailed > 0 {
			failed++
		} else if hidden > 0 {
			warned++
		}
		for _, typ := range integrationtype.All {
			name := describe(typ, "host.example.com", "7")
			diags := validationDiagnostics(typ, name, res, false)
			if n := diags.ErrorsCount(); n != failed {
				t.Fatalf("%s: %d errors for %d failed tests", typ.Block, n, failed)
			}
			if n := diags.WarningsCount(); n != warned {
				t.Fatalf("%s: %d warnings for %d warning tests", typ.Block, n, warned)
			}
			checkPaths(t, typ, diags)
			degraded := validationDiagnostics(typ, name, res, true)
			if degraded.HasError() || degraded.WarningsCount() != failed+warned {
				t.Fatalf("%s degraded: %d errors, %d warnings for %d failed and %d warning tests",
					typ.Block, degraded.ErrorsCount(), degraded.WarningsCount(), failed, warned)
			}
			apiErr := &client.APIError{StatusCode: 422, Message: "Validation failed.", ValidationResults: res}
			for _, op := range []operation{opCreate, opUpdate, opDelete, opRead} {
				if d := apiErrorDiagnostics(typ, name, op, apiErr); !d.HasError() {
					t.Fatalf("%s: a 422 on %s gave no error", typ.Block, op)
				}
			}
		}
	})
}

func checkPaths(t *testing.T, typ *integrationtype.Type, diags diag.Diagnostics) {
	t.Helper()
	for _, d := range diags {
		wp, ok := d.(diag.DiagnosticWithPath)
		if !ok {
			t.Fatalf("%s: diagnostic %q has no attribute path", typ.Block, d.Summary())
		}
		if !wp.Path().Equal(path.Root(typ.Block)) && !strings.HasPrefix(wp.Path().String(), typ.Block+".") {
			t.Fatalf("%s: diagnostic on %s, outside the type block", typ.Block, wp.Path())
		}
		if d.Detail() == "" {
			t.Fatalf("%s: diagnostic %q without detail", typ.Block, d.Summary())
		}
	}
}

// Tens of thousands of failed tests give a bounded number of diagnostics,
// the last of which counts the rest.
func TestValidationDiagnosticsAreCapped(t *testing.T) {
	res := &client.ValidationResults{Status: client.TestFailed}
	for i := range 40000 {
		res.Tests = append(res.Tests, client.ValidationTest{Name: fmt.Sprintf("Test #%d", i), Status: client.TestFailed, Message: "no"})
	}
	diags := validationDiagnostics(integrationtype.Snowflake, "Snowflake integration", res, false)
	if len(diags) != maxShownTests+1 || diags.ErrorsCount() != maxShownTests+1 {
		t.Fatalf("%d diagnostics (%d errors), want %d errors", len(diags), diags.ErrorsCount(), maxShownTests+1)
	}
	last := diags[len(diags)-1]
	if last.Summary() != "39980 more validation tests not shown" || !strings.Contains(last.Detail(), "validation_results") {
		t.Errorf("last diagnostic: %q / %q", last.Summary(), last.Detail())
	}
}

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
