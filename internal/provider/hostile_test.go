// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

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
