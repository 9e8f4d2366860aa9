// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"encoding/json"
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

const sfHost = "acme.us-east-1.snowflakecomputing.com"

// snowflake returns a manual Snowflake block body with the given warehouse.
func snowflake(warehouse string) string {
	return fmt.Sprintf(`
    host                = %q
    warehouse           = %q
    database            = "IMMUTA_DB"
    role                = "ACCOUNTADMIN"
    authentication_type = "userPassword"
    username            = "IMMUTA_SYSTEM"
    password            = "snowflake-pw-1"`, sfHost, warehouse)
}

// wrapped matches s in Terraform's output, which wraps long lines.
func wrapped(s string) string {
	return strings.ReplaceAll(regexp.QuoteMeta(s), " ", `\s+`)
}

func failedTest(name, message string) emulator.ValidationTest {
	return emulator.ValidationTest{Name: name, Status: "failed", Message: message}
}

const (
	warehouseTest     = "Initial Validation: Default Warehouse Access Test"
	warehouseMessage  = "Warehouse COMPUTE_WH does not exist or the Immuta role cannot use it. Grant USAGE on the warehouse."
	connectionTest    = "Initial Validation: Basic Connection Test"
	connectionMessage = "Unable to connect: the credentials were rejected."
)

func addFault(t *testing.T, srv *emulator.Server, r emulator.FaultRule) {
	t.Helper()
	srv.Emulator.AddFault(r)
}

func basicCase(srv *emulator.Server, steps ...resource.TestStep) resource.TestCase {
	return resource.TestCase{
		PreCheck:                 nil,
		ProtoV6ProviderFactories: testProviders,
		CheckDestroy:             checkNothingLeft(srv),
		Steps:                    steps,
	}
}

func TestAccIntegration_validationFailureOnCreate(t *testing.T) {
	srv := startEmulator(t)
	addFault(t, srv, emulator.FaultRule{Method: "POST", Path: "/integrations", Times: 1, Action: emulator.FaultAction{
		Validation: []emulator.ValidationTest{
			{Name: connectionTest, Status: "passed"},
			failedTest(warehouseTest, warehouseMessage),
			{Name: "Validate Automatic Bootstrap User Grants", Status: "warning", Message: "The role has more grants than needed."},
		},
	}})
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
				addFault(t, srv, emulator.FaultRule{Method: "PUT", Path: "/integrations/*", Times: 1, Action: emulator.FaultAction{
					Validation: []emulator.ValidationTest{failedTest(warehouseTest, "Warehouse OTHER_WH does not exist.")},
				}})
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
				addFault(t, srv, emulator.FaultRule{Method: "DELETE", Path: "/integrations/*", Times: 1, Action: emulator.FaultAction{
					Validation: []emulator.ValidationTest{failedTest(connectionTest, connectionMessage)},
				}})
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
	addFault(t, srv, emulator.FaultRule{Method: "POST", Path: "/integrations", Times: 1, Action: emulator.FaultAction{
		Outcome:    "createError",
		Validation: []emulator.ValidationTest{failedTest(warehouseTest, warehouseMessage)},
	}})
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
				addFault(t, srv, emulator.FaultRule{Method: "PUT", Path: "/integrations/*", Times: 1, Action: emulator.FaultAction{
					Outcome: "editError", Validation: []emulator.ValidationTest{failedTest(warehouseTest, "Warehouse OTHER_WH is suspended.")},
				}})
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

// deleteBodies returns the logged bodies of DELETE requests.
func deleteBodies(srv *emulator.Server) []string {
	var out []string
	for _, r := range srv.Emulator.Requests() {
		if r.Method == "DELETE" {
			out = append(out, strings.TrimSpace(string(r.Body)))
		}
	}
	return out
}

func TestAccIntegration_deleteCredentials(t *testing.T) {
	t.Run("auto-bootstrapped with credentials in state", func(t *testing.T) {
		srv := startEmulator(t)
		accPreCheck(t)
		resource.ParallelTest(t, basicCase(srv,
			resource.TestStep{Config: integrationConfig(srv, "snowflake", snowflake("COMPUTE_WH"), "true")},
			resource.TestStep{
				Config: providerConfig(srv),
				Check: func(*terraform.State) error {
					bodies := deleteBodies(srv)
					if len(bodies) != 1 {
						return fmt.Errorf("DELETE bodies %v, want one", bodies)
					}
					var body struct {
						Config map[string]any `json:"config"`
					}
					if err := json.Unmarshal([]byte(bodies[0]), &body); err != nil {
						return fmt.Errorf("DELETE body %q: %v", bodies[0], err)
					}
					for _, k := range []string{"authenticationType", "username", "password", "role"} {
						if _, ok := body.Config[k]; !ok {
							return fmt.Errorf("DELETE body %s lacks %s", bodies[0], k)
						}
					}
					if _, ok := body.Config["warehouse"]; ok {
						return fmt.Errorf("DELETE body %s carries more than the credentials", bodies[0])
					}
					return checkCount(srv, 0)(nil)
				},
			},
		))
	})
	t.Run("manual has no body", func(t *testing.T) {
		srv := startEmulator(t)
		accPreCheck(t)
		resource.ParallelTest(t, basicCase(srv,
			resource.TestStep{Config: integrationConfig(srv, "snowflake", snowflake("COMPUTE_WH"), "false")},
			resource.TestStep{
				Config: providerConfig(srv),
				Check: func(*terraform.State) error {
					bodies := deleteBodies(srv)
					if len(bodies) != 1 || (bodies[0] != "" && bodies[0] != "null") {
						return fmt.Errorf("DELETE bodies %q, want one without a body", bodies)
					}
					return checkCount(srv, 0)(nil)
				},
			},
		))
	})
	t.Run("databricks auto-bootstrapped has no body", func(t *testing.T) {
		srv := startEmulator(t)
		accPreCheck(t)
		resource.ParallelTest(t, basicCase(srv,
			resource.TestStep{Config: integrationConfig(srv, "databricks", lifecycleCases[1].minimal, "true")},
			resource.TestStep{
				Config: providerConfig(srv),
				Check: func(*terraform.State) error {
					bodies := deleteBodies(srv)
					if len(bodies) != 1 || (bodies[0] != "" && bodies[0] != "null") {
						return fmt.Errorf("DELETE bodies %q, want one without a body", bodies)
					}
					return nil
				},
			},
		))
	})
}

const writeOnlySnowflake = `
    host                = "acme.us-east-1.snowflakecomputing.com"
    warehouse           = "COMPUTE_WH"
    database            = "IMMUTA_DB"
    role                = "ACCOUNTADMIN"
    authentication_type = "userPassword"
    username            = "IMMUTA_SYSTEM"
    password_wo         = %q
    password_wo_version = %d`

func TestAccIntegration_writeOnlySecrets(t *testing.T) {
	srv := startEmulator(t)
	ids := &idRecorder{}
	accPreCheck(t)
	// Not parallel: the test sets an environment variable.
	resource.Test(t, basicCase(srv,
		resource.TestStep{
			Config: integrationConfig(srv, "snowflake", fmt.Sprintf(writeOnlySnowflake, "wo-secret-1", 1), "true"),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(resourceAddress, tfjsonpath.New("snowflake").AtMapKey("password"), knownvalue.Null()),
				statecheck.ExpectKnownValue(resourceAddress, tfjsonpath.New("snowflake").AtMapKey("password_wo"), knownvalue.Null()),
				statecheck.ExpectKnownValue(resourceAddress, tfjsonpath.New("snowflake").AtMapKey("password_wo_version"), knownvalue.Int64Exact(1)),
			},
			Check: resource.ComposeTestCheckFunc(ids.record(resourceAddress), checkStoredField(srv, ids, "password", "wo-secret-1")),
		},
		resource.TestStep{ // a new version sends the new write-only value
			Config: integrationConfig(srv, "snowflake", fmt.Sprintf(writeOnlySnowflake, "wo-secret-2", 2), "true"),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(resourceAddress, plancheck.ResourceActionUpdate)},
			},
			Check: resource.ComposeTestCheckFunc(checkSameID(ids), checkStoredField(srv, ids, "password", "wo-secret-2")),
		},
		resource.TestStep{ // destroy finds no password: the plan warns, delete fails before calling Immuta
			Config:      integrationConfig(srv, "snowflake", fmt.Sprintf(writeOnlySnowflake, "wo-secret-2", 2), "true"),
			Destroy:     true,
			ExpectError: regexp.MustCompile(`(?s)Privileged credentials needed to delete the integration.*IMMUTA_DELETE_PASSWORD`),
			Check: func(*terraform.State) error {
				if n := requestsMatching(srv, "DELETE", "/integrations"); n != 0 {
					return fmt.Errorf("%d DELETE requests reached Immuta without credentials", n)
				}
				return nil
			},
		},
		resource.TestStep{ // with the variable set, the destroy goes through with that password
			PreConfig: func() { t.Setenv("IMMUTA_DELETE_PASSWORD", "wo-secret-2") },
			Config:    integrationConfig(srv, "snowflake", fmt.Sprintf(writeOnlySnowflake, "wo-secret-2", 2), "true"),
			Destroy:   true,
			Check:     checkCount(srv, 0),
		},
	))
}

func TestAccIntegration_secretsAreSensitiveInPlans(t *testing.T) {
	srv := startEmulator(t)
	accPreCheck(t)
	resource.ParallelTest(t, basicCase(srv, resource.TestStep{
		Config: integrationConfig(srv, "redshift", lifecycleCases[2].full, "true"),
		ConfigPlanChecks: resource.ConfigPlanChecks{
			PreApply: []plancheck.PlanCheck{
				plancheck.ExpectSensitiveValue(resourceAddress, tfjsonpath.New("redshift").AtMapKey("secret_key")),
				plancheck.ExpectSensitiveValue(resourceAddress, tfjsonpath.New("redshift").AtMapKey("session_token")),
			},
		},
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
	addFault(t, srv, emulator.FaultRule{Method: "POST", Path: "/integrations", Times: 1, Action: emulator.FaultAction{Drop: "after"}})
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

// seedSnowflake creates a Snowflake integration directly in the emulator, as
// if someone had made it outside Terraform, and returns its ID.
func seedSnowflake(t *testing.T, srv *emulator.Server, autoBootstrap bool) string {
	t.Helper()
	seed := fmt.Sprintf(`[{"type":"Snowflake","autoBootstrap":%t,"config":{"host":%q,"warehouse":"COMPUTE_WH","database":"IMMUTA_DB",
		"role":"ACCOUNTADMIN","authenticationType":"userPassword","username":"IMMUTA_SYSTEM","password":"seeded-pw"}}]`, autoBootstrap, sfHost)
	if err := srv.Emulator.LoadSeed(strings.NewReader(seed)); err != nil {
		t.Fatal(err)
	}
	recs := srv.Emulator.Integrations()
	return recs[len(recs)-1].ID
}

func TestAccIntegration_importThenApplyWithSecretsUpdatesInPlace(t *testing.T) {
	srv := startEmulator(t)
	id := seedSnowflake(t, srv, false)
	config := integrationConfig(srv, "snowflake", snowflake("COMPUTE_WH"), "")
	accPreCheck(t)
	resource.ParallelTest(t, basicCase(srv,
		resource.TestStep{Config: config, ResourceName: resourceAddress, ImportState: true, ImportStateId: id, ImportStatePersist: true},
		resource.TestStep{ // the imported state has no password; the configuration's is sent in place
			Config: config,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(resourceAddress, plancheck.ResourceActionUpdate)},
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			Check: resource.ComposeTestCheckFunc(checkCount(srv, 1), func(s *terraform.State) error {
				if got := s.RootModule().Resources[resourceAddress].Primary.ID; got != id {
					return fmt.Errorf("id %s, want the imported %s", got, id)
				}
				if rec, _ := srv.Emulator.Integration(id); rec.Config["password"] != "snowflake-pw-1" {
					return fmt.Errorf("Immuta holds password %v, want the configured one", rec.Config["password"])
				}
				return nil
			}),
		},
	))
}

// generateConfigStep imports integration id with an import block and
// -generate-config-out, then plans the generated configuration.
func generateConfigStep(srv *emulator.Server, id string) resource.TestStep {
	return resource.TestStep{
		Config:          providerConfig(srv),
		ResourceName:    resourceAddress,
		ImportStateId:   id,
		ImportState:     true,
		ImportStateKind: resource.ImportBlockWithID,
		GenerateConfig:  true,
	}
}

// An import block with -generate-config-out yields a configuration that
// plans cleanly: secrets are left out, and nothing is planned but the import.
func TestAccIntegration_importBlockGeneratesValidConfig(t *testing.T) {
	for _, style := range answerStyles {
		t.Run(string(style), func(t *testing.T) {
			srv := startEmulatorStyle(t, style)
			id := seedSnowflake(t, srv, false)
			accPreCheck(t)
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviders,
				Steps:                    []resource.TestStep{generateConfigStep(srv, id)},
			})
		})
	}
}

// An auto-bootstrapped integration's privileged credentials are not kept by
// Immuta, so the configuration generated for it lacks them, and the plan
// names what to add instead of planning a broken integration.
func TestAccIntegration_importBlockOfAutoBootstrapNamesMissingCredentials(t *testing.T) {
	srv := startEmulatorStyle(t, emulator.AnswerLiteral)
	id := seedSnowflake(t, srv, true)
	accPreCheck(t)
	step := generateConfigStep(srv, id)
	step.ExpectError = regexp.MustCompile(`(?s)` + anyOrder(`snowflake\.role is required when auto_bootstrap = true`, `snowflake\.authentication_type`))
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps:                    []resource.TestStep{step},
	})
}

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
