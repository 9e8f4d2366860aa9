// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"archive/zip"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
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

// trinoKey is the API key Immuta holds for the only Trino integration.
func trinoKey(t *testing.T, srv *emulator.Server) (id, key string) {
	t.Helper()
	for _, rec := range liveIntegrations(srv) {
		if rec.Type == "Trino" {
			key, _ := rec.Config["apiKey"].(string)
			if key == "" {
				t.Fatalf("Trino integration %s has no apiKey in the emulator", rec.ID)
			}
			return rec.ID, key
		}
	}
	t.Fatal("no Trino integration in the emulator")
	return "", ""
}

func trinoConfig(srv *emulator.Server, block string) string {
	return providerConfig(srv) + `
resource "immuta_integration" "test" {
  trino = ` + block + `
}
`
}

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

// filesHolding lists the files under dir whose contents (or, for a plan
// file, a zip archive, whose entries) hold s.
func filesHolding(t *testing.T, dir, s string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.Contains(p, string(filepath.Separator)+".terraform"+string(filepath.Separator)) {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if strings.Contains(string(b), s) {
			out = append(out, p)
		}
		if zr, err := zip.NewReader(strings.NewReader(string(b)), int64(len(b))); err == nil {
			for _, f := range zr.File {
				rc, err := f.Open()
				if err != nil {
					return err
				}
				entry, err := io.ReadAll(rc)
				rc.Close()
				if err != nil {
					return err
				}
				if strings.Contains(string(entry), s) {
					out = append(out, p+":"+f.Name)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// The key passes from the ephemeral resource to a write-only consumer
// (another integration's token_wo stands in for a secret manager's
// write-only secret: the emulator shows what it received), and is never in
// the state, the plan file or Terraform's JSON views. Ephemeral resources
// and write-only arguments exist since Terraform 1.10 and 1.11, so this
// runs on the oldest supported Terraform and on the newest.
func TestAccTrinoAPIKeyEphemeral(t *testing.T) {
	providerDir := buildProvider(t)
	for _, which := range []string{"oldest", "latest"} {
		t.Run(which, func(t *testing.T) {
			t.Parallel()
			accPreCheck(t)
			srv := startEmulatorStyle(t, emulator.AnswerLiteral)
			c := newTerraformCLI(t, providerDir)
			if which == "latest" {
				c = latestCLI(t, providerDir)
			}
			t.Logf("running %s", c.version())
			c.write(providerConfig(srv) + `
resource "immuta_integration" "starburst" {
  trino = { store_api_key = false }
}

ephemeral "immuta_trino_api_key" "starburst" {
  integration_id = immuta_integration.starburst.id
}

resource "immuta_integration" "consumer" {
  databricks = {
    workspace_url       = "` + dsDatabricksHost + `"
    http_path           = "/sql/1.0/warehouses/consumer"
    authentication_type = "token"
    token_wo            = ephemeral.immuta_trino_api_key.starburst.api_key
    token_wo_version    = 1
  }
}
`)
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
			defer cancel()
			c.mustRun(ctx, "plan", "-out=create.tfplan")
			c.mustRun(ctx, "apply", "create.tfplan")
			_, key := trinoKey(t, srv)
			var consumer emulator.Record
			for _, rec := range liveIntegrations(srv) {
				if rec.Type == "Databricks" {
					consumer = rec
				}
			}
			if got, _ := consumer.Config["token"].(string); got != key {
				t.Fatalf("the write-only consumer received %q, want the Trino key %q", got, key)
			}

			// A plan of the existing integrations opens the ephemeral resource
			// with a known ID, and changes nothing.
			out, err := c.run(ctx, "plan", "-detailed-exitcode", "-out=again.tfplan")
			if err != nil {
				t.Fatalf("the second plan is not empty (%v):\n%s", err, out)
			}
			if !strings.Contains(out, "ephemeral.immuta_trino_api_key.starburst: Opening") {
				t.Errorf("the plan did not open the ephemeral resource:\n%s", out)
			}
			views := c.mustRun(ctx, "show", "-json") + c.mustRun(ctx, "show", "-json", "again.tfplan") + c.mustRun(ctx, "show", "-json", "create.tfplan")
			if strings.Contains(views, key) {
				t.Error("terraform show -json of the state or a plan holds the Trino key")
			}
			if leaks := filesHolding(t, c.dir, key); len(leaks) > 0 {
				t.Errorf("the Trino key is in %s", strings.Join(leaks, ", "))
			}
			// The search does find what the files hold.
			if leaks := filesHolding(t, c.dir, `"token_wo_version"`); len(leaks) == 0 {
				t.Fatal("the file search finds nothing in the state: it proves nothing")
			}
		})
	}
}

func TestAccTrinoAPIKeyEphemeral_badIntegration(t *testing.T) {
	srv := startEmulator(t)
	ids := seedIntegrations(t, srv, seedSnowflakeAt(dsSnowflakeHost, "SEED_DB"))
	cases := []struct{ id, want string }{
		{ids[0], `(?s)Not a Starburst \(Trino\) integration.*integration_id.*Integration ` + ids[0] + ` is a Snowflake integration`},
		{"999", `(?s)Integration not found.*Immuta has no integration 999`},
		{"seven", `(?s)integration_id.*must be an Immuta integration ID`},
	}
	for _, tc := range cases {
		t.Run(tc.id, func(t *testing.T) {
			accPreCheck(t)
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviders,
				Steps: []resource.TestStep{{
					Config: providerConfig(srv) + `
ephemeral "immuta_trino_api_key" "test" {
  integration_id = "` + tc.id + `"
}
`,
					ExpectError: regexp.MustCompile(tc.want),
				}},
			})
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
