// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/immuta/terraform-provider-immuta/internal/emulator"
)

// stateTrinoKey is trino.api_key of immuta_integration.starburst in the
// state terraform show -json prints ("" when null).
func stateTrinoKey(t *testing.T, showJSON string) string {
	t.Helper()
	var state struct {
		Values struct {
			RootModule struct {
				Resources []struct {
					Address string `json:"address"`
					Values  struct {
						Trino *struct {
							APIKey *string `json:"api_key"`
						} `json:"trino"`
					} `json:"values"`
				} `json:"resources"`
			} `json:"root_module"`
		} `json:"values"`
	}
	if err := json.Unmarshal([]byte(showJSON), &state); err != nil {
		t.Fatalf("terraform show -json: %v\n%s", err, showJSON)
	}
	for _, r := range state.Values.RootModule.Resources {
		if r.Address == "immuta_integration.starburst" && r.Values.Trino != nil {
			if r.Values.Trino.APIKey == nil {
				return ""
			}
			return *r.Values.Trino.APIKey
		}
	}
	t.Fatalf("immuta_integration.starburst is not in the state:\n%s", showJSON)
	return ""
}

// The action rotates the key with terraform apply -invoke, once per
// invocation and outside the resource's plan; a key kept out of state stays
// out, a stored one is refreshed, and an action naming an integration that
// is not Starburst (Trino) fails at plan time, before anything is sent.
func TestAccNewerTerraform_rotateAction(t *testing.T) {
	t.Parallel()
	providerDir := buildProvider(t)
	srv := startEmulatorStyle(t, emulator.AnswerLiteral)
	snowflakeID := seedIntegrations(t, srv, seedSnowflakeAt(dsSnowflakeHost, "SEED_DB"))[0]
	c := latestCLI(t, providerDir)
	t.Logf("running %s", c.version())
	config := func(store bool) string {
		s := "false"
		if store {
			s = "true"
		}
		return providerConfig(srv) + `
resource "immuta_integration" "starburst" {
  trino = { store_api_key = ` + s + ` }
}

action "immuta_trino_rotate_api_key" "starburst" {
  config {
    integration_id = immuta_integration.starburst.id
  }
}

action "immuta_trino_rotate_api_key" "not_trino" {
  config {
    integration_id = "` + snowflakeID + `"
  }
}
`
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	c.write(config(false))
	c.mustRun(ctx, "apply", "-auto-approve")
	id, first := trinoKey(t, srv)
	regenerate := "/integrations/" + id + "/regenerate"
	if n := len(loggedCalls(srv, "POST", regenerate)); n != 0 {
		t.Fatalf("a plain apply rotated the key %d times: actions run only when invoked", n)
	}

	out := c.mustRun(ctx, "apply", "-auto-approve", "-invoke=action.immuta_trino_rotate_api_key.starburst")
	if !strings.Contains(out, "Actions: 1 invoked") {
		t.Errorf("the apply did not report the invoked action:\n%s", out)
	}
	_, second := trinoKey(t, srv)
	if second == first {
		t.Fatal("the action did not rotate the key")
	}
	if n := len(loggedCalls(srv, "POST", regenerate)); n != 1 {
		t.Fatalf("the action sent %d regenerate requests, want 1", n)
	}
	if out, err := c.run(ctx, "plan", "-detailed-exitcode"); err != nil {
		t.Fatalf("after the rotation the plan is not empty (%v):\n%s", err, out)
	}
	for _, key := range []string{first, second} {
		if leaks := filesHolding(t, c.dir, key); len(leaks) > 0 {
			t.Errorf("a Trino key is in %s", strings.Join(leaks, ", "))
		}
	}

	// Stored in state, the key Immuta issues next is read by the refresh.
	c.write(config(true))
	c.mustRun(ctx, "apply", "-auto-approve")
	if got := stateTrinoKey(t, c.mustRun(ctx, "show", "-json")); got != second {
		t.Fatalf("with store_api_key = true the state holds %q, Immuta %q", got, second)
	}
	c.mustRun(ctx, "apply", "-auto-approve", "-invoke=action.immuta_trino_rotate_api_key.starburst")
	_, third := trinoKey(t, srv)
	c.mustRun(ctx, "apply", "-auto-approve", "-refresh-only")
	if got := stateTrinoKey(t, c.mustRun(ctx, "show", "-json")); got != third || third == second {
		t.Fatalf("after the second rotation and a refresh the state holds %q, Immuta %q (before: %q)", got, third, second)
	}

	out, err := c.run(ctx, "plan", "-invoke=action.immuta_trino_rotate_api_key.not_trino")
	if err == nil || !strings.Contains(out, "Not a Starburst (Trino) integration") || !strings.Contains(out, "integration_id") ||
		!strings.Contains(out, "Integration "+snowflakeID+" is a Snowflake integration") {
		t.Fatalf("an action on a Snowflake integration did not fail at plan time naming integration_id (%v):\n%s", err, out)
	}
	if n := len(loggedCalls(srv, "POST", "/integrations/"+snowflakeID+"/regenerate")); n != 0 {
		t.Fatalf("the failed plan sent %d regenerate requests", n)
	}

	// A tenant without the route (self-managed 2024.x) answers a 404 that is not Immuta's.
	page := "<html><body>Cannot POST " + regenerate + "</body></html>"
	srv.Emulator.AddFault(emulator.FaultRule{Method: "POST", Path: regenerate, Times: 0,
		Action: emulator.FaultAction{Fault: emulator.RespondBody{Status: 404, Body: page, ContentType: "text/html"}}})
	out, err = c.run(ctx, "apply", "-auto-approve", "-invoke=action.immuta_trino_rotate_api_key.starburst")
	if err == nil || !shows(out, "This Immuta may not offer API key rotation") || !shows(out, "Nothing was rotated") {
		t.Fatalf("a rotation on a tenant without the route did not say so (%v):\n%s", err, out)
	}
	if _, key := trinoKey(t, srv); key != third {
		t.Fatal("the key changed although the rotation failed")
	}
}
