// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
)

func TestAccIntegration_changingTypeReplaces(t *testing.T) {
	srv := startEmulator(t)
	accPreCheck(t)
	resource.ParallelTest(t, basicCase(srv,
		resource.TestStep{Config: integrationConfig(srv, "snowflake", snowflake("COMPUTE_WH"), "")},
		resource.TestStep{
			Config: integrationConfig(srv, "databricks", lifecycleCases[1].minimal, ""),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(resourceAddress, plancheck.ResourceActionReplace)},
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			Check: func(*terraform.State) error {
				recs := srv.Emulator.Integrations()
				if len(recs) != 1 || recs[0].Type != "Databricks" {
					return fmt.Errorf("the emulator holds %v, want one Databricks integration", recs)
				}
				return nil
			},
		},
	))
}
