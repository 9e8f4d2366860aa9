// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/immuta/terraform-provider-immuta/internal/emulator"
)

// A server that keeps answering 409 "busy" while the integration's status
// says enabled gets a bounded number of requests (the waiter's pace: a few a
// second at first, well under one a second later), not tens of thousands,
// and the error names the busy state and the timeout to raise.
func TestAccIntegration_busyForeverIsPacedAndNamed(t *testing.T) {
	srv := startEmulator(t)
	ids := &idRecorder{}
	accPreCheck(t)
	update := integrationConfig(srv, "snowflake", snowflake("OTHER_WH")+"\n  }\n  timeouts = {\n    update = \"6s\"", "")
	resource.ParallelTest(t, basicCase(srv,
		resource.TestStep{Config: integrationConfig(srv, "snowflake", snowflake("COMPUTE_WH"), ""), Check: ids.record(resourceAddress)},
		resource.TestStep{
			PreConfig: func() {
				srv.Emulator.ClearRequests()
				addFault(t, srv, emulator.FaultRule{Method: "PUT", Path: "/integrations/" + ids.get(), Times: 0, Action: emulator.FaultAction{Fault: emulator.Respond{Status: 409, Message: "Unable to edit integration with ID " + ids.get() + " in current state editing."}}})
			},
			Config:      update,
			ExpectError: regexp.MustCompile(`(?s)Timed out trying to update integration.*busy\s+\(status\s+editing\).*timeouts\.update`),
		},
		resource.TestStep{
			PreConfig: func() {
				// Over 6 s: about 20 PUTs at the waiter's pace; the old loop sent
				// thousands a second.
				n := requestsMatching(srv, "PUT", "/integrations/"+ids.get())
				t.Logf("%d PUT requests while busy", n)
				if n == 0 || n > 40 {
					t.Errorf("%d PUT requests in 6 s of busy answers", n)
				}
				srv.Emulator.ClearFaults()
			},
			Config: update,
			Check: func(*terraform.State) error {
				rec, _ := srv.Emulator.Integration(ids.get())
				if rec.Config["warehouse"] != "OTHER_WH" {
					return fmt.Errorf("warehouse %v after the busy spell", rec.Config["warehouse"])
				}
				return nil
			},
		},
	))
}

// A create whose wait ended healthy is never tainted because the read-back
// that follows failed: the state keeps the planned values with a warning,
// and the next plan reads the integration again and is empty.
func TestAccIntegration_healthyCreateSurvivesAFailedReadBack(t *testing.T) {
	srv := startEmulator(t)
	accPreCheck(t)
	addFault(t, srv, emulator.FaultRule{Method: "GET", Path: "/integrations/1", Times: 1,
		Action: emulator.FaultAction{Fault: emulator.Handle{Answer: emulator.OverrideAnswer{"config": nil}}}})
	resource.ParallelTest(t, basicCase(srv, resource.TestStep{
		Config: integrationConfig(srv, "snowflake", snowflake("COMPUTE_WH"), ""),
		ConfigPlanChecks: resource.ConfigPlanChecks{
			PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
		},
		Check: resource.ComposeTestCheckFunc(
			resource.TestCheckResourceAttr(resourceAddress, "id", "1"),
			resource.TestCheckResourceAttr(resourceAddress, "status", "enabled"),
			checkCount(srv, 1),
		),
	}))
}

func TestAccIntegration_validationFailureOnCreate(t *testing.T) {
	srv := startEmulator(t)
	addFault(t, srv, emulator.FaultRule{Method: "POST", Path: "/integrations", Times: 1, Action: emulator.FaultAction{Fault: emulator.Refuse{Validation: []emulator.ValidationTest{
		{Name: connectionTest, Status: "passed"},
		failedTest(warehouseTest, warehouseMessage),
		{Name: "Validate Automatic Bootstrap User Grants", Status: "warning", Message: "The role has more grants than needed."},
	}}}})
	accPreCheck(t)
	resource.ParallelTest(t, basicCase(srv, resource.TestStep{
		Config: integrationConfig(srv, "snowflake", snowflake("COMPUTE_WH"), ""),
		ExpectError: regexp.MustCompile(`(?s)` + wrapped(warehouseTest) + `.*` +
			wrapped("Grant USAGE on the warehouse") + `.*` + wrapped("Snowflake integration on "+sfHost)),
		Check: checkCount(srv, 0),
	}))
	if n := len(srv.Emulator.Integrations()); n != 0 {
		t.Fatalf("a 422 at create left %d integrations", n)
	}
}

func TestAccIntegration_validationFailureOnUpdateAndDelete(t *testing.T) {
	srv := startEmulator(t)
	ids := &idRecorder{}
	accPreCheck(t)
	resource.ParallelTest(t, basicCase(srv,
		resource.TestStep{
			Config: integrationConfig(srv, "snowflake", snowflake("COMPUTE_WH"), ""),
			Check:  ids.record(resourceAddress),
		},
		resource.TestStep{
			PreConfig: func() {
				addFault(t, srv, emulator.FaultRule{Method: "PUT", Path: "/integrations/*", Times: 1, Action: emulator.FaultAction{Fault: emulator.Refuse{Validation: []emulator.ValidationTest{failedTest(warehouseTest, "Warehouse OTHER_WH does not exist.")}}}})
			},
			Config:      integrationConfig(srv, "snowflake", snowflake("OTHER_WH"), ""),
			ExpectError: regexp.MustCompile(`(?s)` + regexp.QuoteMeta(warehouseTest) + `.*Warehouse OTHER_WH does not exist`),
		},
		resource.TestStep{ // the state kept the previous values: the change is still planned
			Config:             integrationConfig(srv, "snowflake", snowflake("OTHER_WH"), ""),
			PlanOnly:           true,
			ExpectNonEmptyPlan: true,
			Check:              checkStoredField(srv, ids, "warehouse", "COMPUTE_WH"),
		},
		resource.TestStep{
			PreConfig: func() {
				addFault(t, srv, emulator.FaultRule{Method: "DELETE", Path: "/integrations/*", Times: 1, Action: emulator.FaultAction{Fault: emulator.Refuse{Validation: []emulator.ValidationTest{failedTest(connectionTest, connectionMessage)}}}})
			},
			Config:      integrationConfig(srv, "snowflake", snowflake("COMPUTE_WH"), ""),
			Destroy:     true,
			ExpectError: regexp.MustCompile(`(?s)` + regexp.QuoteMeta(connectionTest) + `.*credentials were rejected`),
		},
	))
}

func checkStoredField(srv *emulator.Server, ids *idRecorder, field string, want any) func(*terraform.State) error {
	return func(*terraform.State) error {
		rec, ok := srv.Emulator.Integration(ids.get())
		if !ok {
			return fmt.Errorf("integration %s is not in the emulator", ids.get())
		}
		if fmt.Sprint(rec.Config[field]) != fmt.Sprint(want) {
			return fmt.Errorf("Immuta holds %s = %v, want %v", field, rec.Config[field], want)
		}
		return nil
	}
}

func TestAccIntegration_createErrorThenConverges(t *testing.T) {
	srv := startEmulator(t)
	addFault(t, srv, emulator.FaultRule{Method: "POST", Path: "/integrations", Times: 1, Action: emulator.FaultAction{Fault: emulator.Handle{Outcome: "createError", Validation: []emulator.ValidationTest{failedTest(warehouseTest, warehouseMessage)}}}})
	config := integrationConfig(srv, "snowflake", snowflake("COMPUTE_WH"), "")
	accPreCheck(t)
	resource.ParallelTest(t, basicCase(srv,
		resource.TestStep{
			Config:      config,
			ExpectError: regexp.MustCompile(`(?s)` + anyOrder(regexp.QuoteMeta(warehouseTest), `Integration create failed \(createError\).*tainted`)),
			Check:       checkCount(srv, 1),
		},
		resource.TestStep{ // the failed integration is in state, tainted: the next apply replaces it
			Config: config,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(resourceAddress, plancheck.ResourceActionReplace)},
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(resourceAddress, tfjsonpath.New("status"), knownvalue.StringExact("enabled")),
			},
			Check: checkCount(srv, 1),
		},
	))
}

func TestAccIntegration_editErrorKeepsPreviousState(t *testing.T) {
	srv := startEmulator(t)
	ids := &idRecorder{}
	accPreCheck(t)
	resource.ParallelTest(t, basicCase(srv,
		resource.TestStep{Config: integrationConfig(srv, "snowflake", snowflake("COMPUTE_WH"), ""), Check: ids.record(resourceAddress)},
		resource.TestStep{
			PreConfig: func() {
				addFault(t, srv, emulator.FaultRule{Method: "PUT", Path: "/integrations/*", Times: 1, Action: emulator.FaultAction{Fault: emulator.Handle{Outcome: "editError", Validation: []emulator.ValidationTest{failedTest(warehouseTest, "Warehouse OTHER_WH is suspended.")}}}})
			},
			Config:      integrationConfig(srv, "snowflake", snowflake("OTHER_WH"), ""),
			ExpectError: regexp.MustCompile(`(?s)` + anyOrder(`Warehouse OTHER_WH is suspended`, `Integration update failed \(editError\).*rolled the integration back`)),
		},
		resource.TestStep{
			Config:             integrationConfig(srv, "snowflake", snowflake("OTHER_WH"), ""),
			PlanOnly:           true,
			ExpectNonEmptyPlan: true,
			Check:              checkStoredField(srv, ids, "warehouse", "COMPUTE_WH"),
		},
		resource.TestStep{ // the next apply converges
			Config: integrationConfig(srv, "snowflake", snowflake("OTHER_WH"), ""),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(resourceAddress, plancheck.ResourceActionUpdate)},
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			Check: checkStoredField(srv, ids, "warehouse", "OTHER_WH"),
		},
	))
}

// busyThenOK asserts that the log holds a 409 for method on the
// integration, followed by a success.
func busyThenOK(srv *emulator.Server, ids *idRecorder, method string) func(*terraform.State) error {
	return func(*terraform.State) error {
		var statuses []int
		for _, r := range srv.Emulator.Requests() {
			if r.Method == method && r.Path == "/integrations/"+ids.get() {
				statuses = append(statuses, r.Status)
			}
		}
		if len(statuses) < 2 || statuses[0] != 409 || statuses[len(statuses)-1] != 200 {
			return fmt.Errorf("%s statuses %v: want a 409 answered while busy, then a 200", method, statuses)
		}
		return nil
	}
}

func TestAccIntegration_busyDuringUpdateAndDeleteIsWaitedOut(t *testing.T) {
	srv := startEmulator(t)
	ids := &idRecorder{}
	accPreCheck(t)
	resource.ParallelTest(t, basicCase(srv,
		resource.TestStep{Config: integrationConfig(srv, "snowflake", snowflake("COMPUTE_WH"), ""), Check: ids.record(resourceAddress)},
		resource.TestStep{
			PreConfig: func() {
				srv.Emulator.ClearRequests()
				if err := srv.Emulator.ForceStatus(ids.get(), emulator.ForcedStatus{Status: "migrating", For: 1500 * time.Millisecond, Then: "enabled"}); err != nil {
					t.Fatal(err)
				}
			},
			Config: integrationConfig(srv, "snowflake", snowflake("OTHER_WH"), ""),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(resourceAddress, plancheck.ResourceActionUpdate)},
			},
			Check: resource.ComposeTestCheckFunc(busyThenOK(srv, ids, "PUT"), checkStoredField(srv, ids, "warehouse", "OTHER_WH")),
		},
		resource.TestStep{
			PreConfig: func() {
				srv.Emulator.ClearRequests()
				if err := srv.Emulator.ForceStatus(ids.get(), emulator.ForcedStatus{Status: "editing", For: 1500 * time.Millisecond, Then: "enabled"}); err != nil {
					t.Fatal(err)
				}
			},
			Config: providerConfig(srv), // the resource is removed: delete
			Check:  resource.ComposeTestCheckFunc(busyThenOK(srv, ids, "DELETE"), checkCount(srv, 0)),
		},
	))
}

func TestAccIntegration_timeoutExpires(t *testing.T) {
	srv := startEmulator(t)
	srv.Emulator.SetTransitionDelay(4 * time.Second)
	config := providerConfig(srv) + fmt.Sprintf(`
resource "immuta_integration" "test" {
  snowflake = {
%s
  }
  timeouts = { create = "1s" }
}
`, snowflake("COMPUTE_WH"))
	accPreCheck(t)
	resource.ParallelTest(t, basicCase(srv, resource.TestStep{
		Config:      config,
		ExpectError: regexp.MustCompile(`(?s)Timed out waiting for integration create.*still creating after 1s.*timeouts.create`),
		Check:       checkCount(srv, 1),
	}))
}

func TestAccIntegration_alreadyExists(t *testing.T) {
	srv := startEmulator(t)
	seed := fmt.Sprintf(`[{"type":"Snowflake","autoBootstrap":false,"config":{"host":%q,"warehouse":"WH","database":"OTHER",
		"authenticationType":"userPassword","username":"U","password":"P"}}]`, sfHost)
	if err := srv.Emulator.LoadSeed(strings.NewReader(seed)); err != nil {
		t.Fatal(err)
	}
	existing := srv.Emulator.Integrations()[0].ID
	accPreCheck(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config: integrationConfig(srv, "snowflake", snowflake("COMPUTE_WH"), ""),
			ExpectError: regexp.MustCompile(`(?s)Integration already exists.*ID ` + existing + `.*terraform import <resource address> ` + existing +
				`.*import \{.*id = "` + existing + `"`),
		}},
	})
}

func TestAccIntegration_previouslyFailedToCreate(t *testing.T) {
	srv := startEmulator(t)
	seed := fmt.Sprintf(`[{"type":"Snowflake","autoBootstrap":false,"config":{"host":%q,"warehouse":"WH","database":"OTHER",
		"authenticationType":"userPassword","username":"U","password":"P"}}]`, sfHost)
	if err := srv.Emulator.LoadSeed(strings.NewReader(seed)); err != nil {
		t.Fatal(err)
	}
	existing := srv.Emulator.Integrations()[0].ID
	if err := srv.Emulator.ForceStatus(existing, emulator.ForcedStatus{Status: "createError"}); err != nil {
		t.Fatal(err)
	}
	accPreCheck(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config:      integrationConfig(srv, "snowflake", snowflake("COMPUTE_WH"), ""),
			ExpectError: regexp.MustCompile(`(?s)previously failed to create.*\(ID ` + existing + `\).*terraform import <resource address> ` + existing),
		}},
	})
}

func TestAccIntegration_lostCreateAnswerIsNotDuplicated(t *testing.T) {
	srv := startEmulator(t)
	addFault(t, srv, emulator.FaultRule{Method: "POST", Path: "/integrations", Times: 1, Action: emulator.FaultAction{Deliver: emulator.DropAnswer{}}})
	accPreCheck(t)
	resource.ParallelTest(t, basicCase(srv, resource.TestStep{
		Config: integrationConfig(srv, "snowflake", snowflake("COMPUTE_WH"), ""),
		ConfigPlanChecks: resource.ConfigPlanChecks{
			PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
		},
		Check: resource.ComposeTestCheckFunc(checkCount(srv, 1), func(*terraform.State) error {
			if n := requestsMatching(srv, "POST", "/integrations"); n != 1 {
				return fmt.Errorf("%d POSTs: the lost answer must be looked up, not posted again", n)
			}
			return nil
		}),
	}))
}

func TestAccIntegration_recurringValidationErrorIsReported(t *testing.T) {
	srv := startEmulator(t)
	ids := &idRecorder{}
	config := integrationConfig(srv, "snowflake", snowflake("COMPUTE_WH"), "")
	accPreCheck(t)
	resource.ParallelTest(t, basicCase(srv,
		resource.TestStep{Config: config, Check: ids.record(resourceAddress)},
		resource.TestStep{
			PreConfig: func() {
				err := srv.Emulator.ForceStatus(ids.get(), emulator.ForcedStatus{Status: "recurringValidationError",
					Validation: []emulator.ValidationTest{failedTest(warehouseTest, "Warehouse COMPUTE_WH was dropped.")}})
				if err != nil {
					t.Fatal(err)
				}
			},
			RefreshState: true,
			Check: resource.ComposeTestCheckFunc(
				resource.TestCheckResourceAttr(resourceAddress, "status", "recurringValidationError"),
				resource.TestCheckResourceAttr(resourceAddress, "validation_results.0.message", "Warehouse COMPUTE_WH was dropped."),
			),
		},
	))
}

// TestAccRefreshWarnings_disabledAndGone: a force-disabled integration stays
// in state with a warning; one deleted in Immuta is dropped with a warning
// and planned again (the drift guide's promise).
func TestAccRefreshWarnings_disabledAndGone(t *testing.T) {
	tf, ctx := parallelCLITest(t, 3*time.Minute)
	srv := startEmulator(t)
	tf.write(providerBlock(srv.URL, testAPIKey) + manualSnowflake("sf", "refresh.snowflakecomputing.com"))
	tf.mustRun(ctx, "apply", "-auto-approve")
	id := srv.Emulator.Integrations()[0].ID

	if err := srv.Emulator.ForceStatus(id, emulator.ForcedStatus{Status: "disabled"}); err != nil {
		t.Fatal(err)
	}
	out := tf.mustRun(ctx, "plan")
	for _, want := range []string{"Warning: Integration is disabled", "force-disabled and is not in use", "terraform apply -replace=", "No changes"} {
		if !shows(out, want) {
			t.Errorf("the plan of a disabled integration lacks %q:\n%s", want, out)
		}
	}

	if err := srv.Emulator.Vanish(id); err != nil {
		t.Fatal(err)
	}
	out = tf.mustRun(ctx, "plan")
	for _, want := range []string{"Warning: Integration no longer exists", "deleted outside Terraform", "1 to add, 0 to change, 0 to destroy"} {
		if !shows(out, want) {
			t.Errorf("the plan of an integration deleted in Immuta lacks %q:\n%s", want, out)
		}
	}
}

func addFault(t *testing.T, srv *emulator.Server, r emulator.FaultRule) {
	t.Helper()
	srv.Emulator.AddFault(r)
}
