// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/immuta/terraform-provider-immuta/internal/emulator"
)

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
