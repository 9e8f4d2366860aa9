// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/immuta/terraform-provider-immuta/internal/client"
	"github.com/immuta/terraform-provider-immuta/internal/emulator"
	"github.com/immuta/terraform-provider-immuta/internal/integrationtype"
)

// Tests of what a real tenant may answer, beyond the echoing emulator
// (IMMUTA_API.md, Sparse answers): the emulator's literal style.

// An imported auto-bootstrapped integration has no privileged credentials
// in state (Immuta does not keep them): destroy names every one it needs and
// sends nothing to Immuta; with the IMMUTA_DELETE_ variables set, the
// destroy sends the full privileged set and Immuta accepts it.
func TestAccIntegration_importedAutoBootstrapDeletesWithCredentialsFromEnvironment(t *testing.T) {
	srv := startEmulatorStyle(t, emulator.AnswerLiteral)
	id := seedSnowflake(t, srv, true)
	config := integrationConfig(srv, "snowflake", fmt.Sprintf(writeOnlySnowflake, "seeded-pw", 1), "true")
	accPreCheck(t)
	// Not parallel: the test sets environment variables.
	resource.Test(t, basicCase(srv,
		resource.TestStep{Config: config, ResourceName: resourceAddress, ImportState: true, ImportStateId: id, ImportStatePersist: true},
		resource.TestStep{
			Config:  config,
			Destroy: true,
			ExpectError: regexp.MustCompile(`(?s)Privileged credentials needed to delete the integration.*` +
				`IMMUTA_DELETE_AUTHENTICATION_TYPE.*IMMUTA_DELETE_ROLE.*userPassword:\s+username,\s+password`),
			Check: func(*terraform.State) error {
				if n := requestsMatching(srv, "DELETE", "/integrations"); n != 0 {
					return fmt.Errorf("%d DELETE requests reached Immuta without credentials", n)
				}
				return nil
			},
		},
		resource.TestStep{
			PreConfig: func() {
				t.Setenv("IMMUTA_DELETE_AUTHENTICATION_TYPE", "userPassword")
				t.Setenv("IMMUTA_DELETE_ROLE", "ACCOUNTADMIN")
				t.Setenv("IMMUTA_DELETE_USERNAME", "IMMUTA_SYSTEM")
				t.Setenv("IMMUTA_DELETE_PASSWORD", "seeded-pw")
			},
			Config:  config,
			Destroy: true,
			Check:   checkCount(srv, 0),
		},
	))
}

// A host name answered in lower case and an https URL answered without its
// trailing slash are the configured values: the apply is consistent and the
// next plan empty; a real change to the same field still shows as drift.
func TestAccIntegration_normalisedAnswersAreNoDrift(t *testing.T) {
	srv := startEmulatorStyle(t, emulator.AnswerLiteral)
	ids := &idRecorder{}
	const host, authority = "ACME.us-east-1.SnowflakeComputing.com", "https://IdP.example.com/oauth2/token/"
	config := integrationConfig(srv, "snowflake", fmt.Sprintf(`
    host                = %q
    warehouse           = "COMPUTE_WH"
    database            = "IMMUTA_DB"
    authentication_type = "oAuthClientCredentials"
    oauth_client_config = {
      provider      = "Okta"
      client_id     = "immuta"
      authority_url = %q
      client_secret = "oauth-secret-1"
    }`, host, authority), "")
	accPreCheck(t)
	resource.ParallelTest(t, basicCase(srv,
		resource.TestStep{
			Config: config,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(resourceAddress, tfjsonpath.New("snowflake").AtMapKey("host"), knownvalue.StringExact(host)),
				statecheck.ExpectKnownValue(resourceAddress, tfjsonpath.New("snowflake").AtMapKey("oauth_client_config").AtMapKey("authority_url"),
					knownvalue.StringExact(authority)),
			},
			Check: resource.ComposeTestCheckFunc(ids.record(resourceAddress), func(*terraform.State) error {
				// The test means something only if Immuta answered another form.
				cfg := getConfig(t, srv, ids.get())
				oauth, _ := cfg["oAuthClientConfig"].(map[string]any)
				if cfg["host"] != strings.ToLower(host) || oauth["authorityUrl"] != strings.TrimSuffix(authority, "/") {
					return fmt.Errorf("the emulator answered host %v and authorityUrl %v, not their normalised forms", cfg["host"], oauth["authorityUrl"])
				}
				return nil
			}),
		},
		resource.TestStep{ // a real change of the same field is drift
			PreConfig: func() {
				if err := srv.Emulator.PatchConfig(ids.get(), map[string]any{"oAuthClientConfig": map[string]any{"authorityUrl": "https://other.example.com/token"}}); err != nil {
					t.Fatal(err)
				}
			},
			Config: config,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(resourceAddress, plancheck.ResourceActionUpdate)},
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			Check: checkSameID(ids),
		},
	))
}

// getConfig is the config of integration id as the API answers it.
func getConfig(t *testing.T, srv *emulator.Server, id string) map[string]any {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.URL+"/integrations/"+id, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", testAPIKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var obj struct {
		Config map[string]any `json:"config"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&obj); err != nil {
		t.Fatal(err)
	}
	return obj.Config
}

// An answer without a config, or naming another integration, is an error
// for that read that leaves the state alone; it never becomes a plan to
// replace nor a switch to another integration.
func TestStateFromAPIRefusesAnswersItCannotTrust(t *testing.T) {
	typ := integrationtype.Snowflake
	prior := priorState{Block: types.ObjectNull(typ.AttrTypes()), AutoBootstrap: types.BoolValue(false)}
	for name, tc := range map[string]struct {
		obj  client.Integration
		want string
	}{
		"config missing":  {client.Integration{ID: "7", Type: "Snowflake", Status: "enabled"}, "has no configuration"},
		"config null":     {client.Integration{ID: "7", Type: "Snowflake", Status: "enabled", Config: json.RawMessage("null")}, "has no configuration"},
		"another id":      {client.Integration{ID: "8", Type: "Snowflake", Status: "enabled", Config: json.RawMessage(`{}`)}, "answered for another integration"},
		"config not JSON": {client.Integration{ID: "7", Type: "Snowflake", Status: "enabled", Config: json.RawMessage(`"text"`)}, "Cannot decode"},
	} {
		_, diags := stateFromAPI(typ, "7", &tc.obj, prior)
		if !diags.HasError() || !strings.Contains(diags.Errors()[0].Summary()+diags.Errors()[0].Detail(), tc.want) {
			t.Errorf("%s: diagnostics %v, want an error containing %q", name, diags, tc.want)
		}
	}
	// An answer without id is the one requested; one without status or
	// validation results keeps the prior ones.
	prior.Status = types.StringValue("recurringValidationError")
	prior.ValidationResults = validationResultsValue(&client.ValidationResults{Tests: []client.ValidationTest{{Name: "T", Status: "failed"}}})
	s, diags := stateFromAPI(typ, "7", &client.Integration{Type: "Snowflake", Config: json.RawMessage(`{"host":"h"}`)}, prior)
	if diags.HasError() || s.ID != "7" || s.Status != "recurringValidationError" || !s.ValidationResults.Equal(prior.ValidationResults) {
		t.Errorf("got id %q status %q results %v (%v)", s.ID, s.Status, s.ValidationResults, diags)
	}
}
