// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/immuta/terraform-provider-immuta/internal/emulator"
)

// checkStateKey checks trino.api_key in state against Immuta's key: null
// when stored is false.
func checkStateKey(t *testing.T, srv *emulator.Server, stored bool) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		got, ok := s.RootModule().Resources[resourceAddress].Primary.Attributes["trino.api_key"]
		_, want := trinoKey(t, srv)
		switch {
		case !stored && ok && got != "":
			return fmt.Errorf("trino.api_key is in state although store_api_key = false")
		case stored && got != want:
			return fmt.Errorf("trino.api_key = %q, Immuta holds %q", got, want)
		}
		return nil
	}
}

// store_api_key = false keeps the key out of state through create, rotation
// by the counter and refresh; turning it back on reads the key again. This
// works on every supported Terraform version, so it runs on the oldest.
func TestAccTrinoStoreAPIKey(t *testing.T) {
	for _, style := range answerStyles {
		t.Run(string(style), func(t *testing.T) {
			srv := startEmulatorStyle(t, style)
			var before string
			keyNull := statecheck.ExpectKnownValue(resourceAddress, tfjsonpath.New("trino").AtMapKey("api_key"), knownvalue.Null())
			accPreCheck(t)
			resource.ParallelTest(t, basicCase(srv,
				resource.TestStep{
					Config: trinoConfig(srv, `{ store_api_key = false }`),
					ConfigPlanChecks: resource.ConfigPlanChecks{
						PreApply:             []plancheck.PlanCheck{plancheck.ExpectKnownValue(resourceAddress, tfjsonpath.New("trino").AtMapKey("api_key"), knownvalue.Null())},
						PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
					},
					ConfigStateChecks: []statecheck.StateCheck{keyNull},
					Check:             checkStateKey(t, srv, false),
				},
				resource.TestStep{ // the counter still rotates, and the new key stays out of state too
					PreConfig: func() { _, before = trinoKey(t, srv) },
					Config:    trinoConfig(srv, `{ store_api_key = false, rotate_api_key = 1 }`),
					ConfigPlanChecks: resource.ConfigPlanChecks{
						PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(resourceAddress, plancheck.ResourceActionUpdate)},
						PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
					},
					ConfigStateChecks: []statecheck.StateCheck{keyNull},
					Check: func(*terraform.State) error {
						if _, after := trinoKey(t, srv); after == before {
							return fmt.Errorf("rotate_api_key did not rotate the key")
						}
						return nil
					},
				},
				resource.TestStep{ // stored again: the plan says the key will be read, and the state holds Immuta's
					Config: trinoConfig(srv, `{ store_api_key = true, rotate_api_key = 1 }`),
					ConfigPlanChecks: resource.ConfigPlanChecks{
						PreApply: []plancheck.PlanCheck{
							plancheck.ExpectResourceAction(resourceAddress, plancheck.ResourceActionUpdate),
							plancheck.ExpectUnknownValue(resourceAddress, tfjsonpath.New("trino").AtMapKey("api_key")),
						},
						PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
					},
					Check: checkStateKey(t, srv, true),
				},
				resource.TestStep{ // and out again
					Config: trinoConfig(srv, `{ store_api_key = false, rotate_api_key = 1 }`),
					ConfigPlanChecks: resource.ConfigPlanChecks{
						PreApply:             []plancheck.PlanCheck{plancheck.ExpectKnownValue(resourceAddress, tfjsonpath.New("trino").AtMapKey("api_key"), knownvalue.Null())},
						PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
					},
					ConfigStateChecks: []statecheck.StateCheck{keyNull},
				},
			))
		})
	}
}

// TestAccTrinoRotation_tenantWithoutTheRoute: a self-managed Immuta 2024.x
// may not have POST /integrations/{id}/regenerate and answers it with a 404
// that is not its integration-not-found message (a fault rule stands in for
// it). rotate_api_key then fails saying so, the state keeps the previous
// rotate_api_key (the next apply tries again) and the key is unchanged.
func TestAccTrinoRotation_tenantWithoutTheRoute(t *testing.T) {
	accPreCheck(t)
	srv := startEmulatorStyle(t, emulator.AnswerLiteral)
	var before string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{
				Config: trinoConfig(srv, `{ rotate_api_key = 1 }`),
				Check: func(*terraform.State) error {
					id, key := trinoKey(t, srv)
					before = key
					page := "<html><body><h1>404 Not Found</h1></body></html>"
					srv.Emulator.AddFault(emulator.FaultRule{Method: "POST", Path: "/integrations/" + id + "/regenerate", Times: 0,
						Action: emulator.FaultAction{Fault: emulator.RespondBody{Status: 404, Body: page, ContentType: "text/html"}}})
					return nil
				},
			},
			{
				Config:      trinoConfig(srv, `{ rotate_api_key = 2 }`),
				ExpectError: errorPattern(`This Immuta may not offer API key rotation.*regenerate with a 404 that is not its answer for a missing integration.*Nothing was rotated.*rotate_api_key included`),
			},
			{ // the state keeps rotate_api_key = 1: the rotation is still to do
				RefreshState:       true,
				ExpectNonEmptyPlan: true,
				Check: resource.ComposeTestCheckFunc(
					resource.TestCheckResourceAttr(resourceAddress, "trino.rotate_api_key", "1"),
					func(*terraform.State) error {
						if _, key := trinoKey(t, srv); key != before {
							return fmt.Errorf("the key changed although the rotation failed")
						}
						return nil
					}),
			},
			{
				Config: trinoConfig(srv, `{ rotate_api_key = 1 }`),
				Check:  resource.TestCheckResourceAttr(resourceAddress, "trino.rotate_api_key", "1"),
			},
		},
	})
}
