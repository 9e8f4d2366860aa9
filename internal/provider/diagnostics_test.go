// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/immuta/terraform-provider-immuta/internal/client"
	"github.com/immuta/terraform-provider-immuta/internal/emulator"
	"github.com/immuta/terraform-provider-immuta/internal/integrationtype"
)

// FuzzValidationDiagnostics: any validation results Immuta answers turn
// into one diagnostic per failed (and, degraded, warning) test up to
// maxShownTests, then one that counts the rest, on a path inside the type's
// block, for every integration type; a 422 always gives an error. Its seed
// corpus is in testdata/fuzz/FuzzValidationDiagnostics/.
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

// TestAccValidationDiagnostics_asDocumented: a failed check at create is an
// error named after the test, with Immuta's message, on the resource; a
// failure of Immuta's periodic re-validation is a warning that says so.
func TestAccValidationDiagnostics_asDocumented(t *testing.T) {
	tf, ctx := parallelCLITest(t, 3*time.Minute)
	srv := startEmulator(t)
	tf.write(providerBlock(srv.URL, testAPIKey) + manualSnowflake("sf", "checks.snowflakecomputing.com"))

	srv.Emulator.AddFault(emulator.FaultRule{Method: "POST", Path: "/integrations", Times: 1, Action: emulator.FaultAction{Fault: emulator.Refuse{Validation: []emulator.ValidationTest{failedTest(connectionTest, connectionMessage)}}}})
	out, err := tf.run(ctx, "apply", "-auto-approve")
	for _, want := range []string{"Error: " + connectionTest, connectionMessage, "with immuta_integration.sf"} {
		if err == nil || !shows(out, want) {
			t.Errorf("a failed check at create: %v, want %q:\n%s", err, want, out)
		}
	}

	tf.mustRun(ctx, "apply", "-auto-approve")
	id := srv.Emulator.Integrations()[0].ID
	if err := srv.Emulator.ForceStatus(id, emulator.ForcedStatus{Status: "recurringValidationError",
		Validation: []emulator.ValidationTest{failedTest(warehouseTest, "Warehouse COMPUTE_WH was dropped.")}}); err != nil {
		t.Fatal(err)
	}
	out = tf.mustRun(ctx, "plan")
	for _, want := range []string{
		"Warning: Immuta's periodic re-validation failed: " + warehouseTest,
		"Warehouse COMPUTE_WH was dropped.", "The integration stays installed", "No changes",
	} {
		if !shows(out, want) {
			t.Errorf("a failed re-validation: want %q:\n%s", want, out)
		}
	}
	tf.mustRun(ctx, "destroy", "-auto-approve")
}
