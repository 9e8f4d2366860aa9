// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
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
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/immuta/terraform-provider-immuta/internal/emulator"
)

// importByIdentity is an import block that names the integration by its
// identity (Terraform 1.12 and later), and the resource it imports into.
func importByIdentity(name, id, body string) string {
	return fmt.Sprintf(`
import {
  to = immuta_integration.%s
  identity = {
    id = %q
  }
}
`, name, id) + resourceBlock(name, body)
}

// The seeded Snowflake integration as a configuration: what Immuta holds,
// but the password, which Immuta never returns.
const seededSnowflakeBody = `
  snowflake = {
    host                = "` + sfHost + `"
    warehouse           = "COMPUTE_WH"
    database            = "IMMUTA_DB"
    role                = "ACCOUNTADMIN"
    authentication_type = "userPassword"
    username            = "IMMUTA_SYSTEM"
  }`

// Terraform 1.12 and OpenTofu 1.12 import by identity: make test runs this
// on the newest Terraform, make test-tofu on the newest OpenTofu.
func TestAccNewerTerraform_importByIdentity(t *testing.T) {
	useNewerCLI(t, workflowIdentity)
	srv := startEmulatorStyle(t, emulator.AnswerLiteral)
	id := seedSnowflake(t, srv, false)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.RequireAbove(tfversion.Version1_12_0)},
		Steps: []resource.TestStep{
			{ // adopting by identity: an import, nothing else, and the identity in state
				Config: providerConfig(srv) + importByIdentity("test", id, seededSnowflakeBody),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(resourceAddress, plancheck.ResourceActionNoop)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectIdentity(resourceAddress, map[string]knownvalue.Check{"id": knownvalue.StringExact(id)}),
					statecheck.ExpectIdentityValueMatchesState(resourceAddress, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(resourceAddress, tfjsonpath.New("snowflake").AtMapKey("port"), knownvalue.Int64Exact(443)),
				},
			},
			{ // the identity in state imports the same integration again
				Config:          providerConfig(srv) + resourceBlock("test", seededSnowflakeBody),
				ResourceName:    resourceAddress,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithResourceIdentity,
			},
			{ // a string ID keeps working, next to identities
				Config:          providerConfig(srv) + resourceBlock("test", seededSnowflakeBody),
				ResourceName:    resourceAddress,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
				ImportStateId:   id,
			},
			{
				Config:      providerConfig(srv) + importByIdentity("other", "seven", `  trino = {}`),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Invalid import ID.*numeric Immuta ID, such as 7`),
			},
			{
				Config:      providerConfig(srv) + importByIdentity("other", "999", `  trino = {}`),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`Cannot import non-existent remote object`),
			},
		},
	})
}

// State written by a Terraform without identity support (the oldest
// supported, 1.11) gets its identity at the first refresh by a newer one,
// with nothing to change.
func TestAccNewerTerraform_identityAfterUpgrade(t *testing.T) {
	t.Parallel()
	newerCLI(t, workflowIdentity)
	providerDir := buildProvider(t)
	srv := startEmulator(t)
	c := newTerraformCLI(t, providerDir)
	c.write(trinoConfig(srv, `{}`))
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	c.mustRun(ctx, "apply", "-auto-approve")
	id, _ := trinoKey(t, srv)
	if state := c.readFile("terraform.tfstate"); strings.Contains(state, `"identity"`) {
		t.Fatalf("%s stored an identity; this test needs a Terraform without identity support:\n%s", c.version(), state)
	}

	c.bin = newerCLI(t, workflowIdentity)
	if out, err := c.run(ctx, "plan", "-detailed-exitcode"); err != nil {
		t.Fatalf("%s plans changes to the state of %s (%v):\n%s", c.version(), terraformBinary(t), err, out)
	}
	c.mustRun(ctx, "apply", "-auto-approve", "-refresh-only")
	if state := c.mustRun(ctx, "show", "-json"); !strings.Contains(state, `"identity":{"id":"`+id+`"}`) {
		t.Fatalf("after a refresh by %s the state holds no identity for integration %s:\n%s", c.version(), id, state)
	}
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

// FuzzParseImportID: an import ID is accepted exactly when it is 1 to 19
// ASCII digits (around white space), and the error quotes a bounded part of
// what was given. Its seed corpus is in testdata/fuzz/FuzzParseImportID/.
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
