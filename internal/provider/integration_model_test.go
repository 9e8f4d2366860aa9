// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	fwresource "github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
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

func integrationSchemaState(t *testing.T) tfsdk.State {
	t.Helper()
	var resp fwresource.SchemaResponse
	newIntegrationResource().Schema(context.Background(), fwresource.SchemaRequest{}, &resp)
	if resp.Diagnostics.HasError() {
		t.Fatalf("schema: %v", resp.Diagnostics)
	}
	return tfsdk.State{Schema: resp.Schema, Raw: tftypes.NewValue(resp.Schema.Type().TerraformType(context.Background()), nil)}
}

// trinoBlock is a Trino block with a rotation counter and a key.
func trinoBlock(t *testing.T) types.Object {
	t.Helper()
	attrTypes := integrationtype.Trino.AttrTypes()
	attrs := map[string]attr.Value{}
	for name, typ := range attrTypes {
		v, err := typ.ValueFromTerraform(context.Background(), tftypes.NewValue(typ.TerraformType(context.Background()), nil))
		if err != nil {
			t.Fatal(err)
		}
		attrs[name] = v
	}
	attrs["rotate_api_key"] = types.Int64Value(3)
	attrs["api_key"] = types.StringValue("k")
	return types.ObjectValueMust(attrTypes, attrs)
}

func TestWriteStateThenReadItBack(t *testing.T) {
	ctx := context.Background()
	state := integrationSchemaState(t)
	written := integrationState{
		Type: integrationtype.Trino, ID: "42", AutoBootstrap: types.BoolValue(true), Status: "enabled",
		ValidationResults: validationResultsValue(nil), Block: trinoBlock(t),
	}
	// timeouts never read (an import) must not break the write.
	if diags := writeState(ctx, &state, written, timeouts.Value{}); diags.HasError() {
		t.Fatalf("writeState: %v", diags)
	}

	// The model and the framework's own reader agree on what was written.
	m, diags := stateModel(ctx, state)
	if diags.HasError() {
		t.Fatal(diags)
	}
	var id, status types.String
	var rotation types.Int64
	state.GetAttribute(ctx, path.Root("id"), &id)
	state.GetAttribute(ctx, path.Root("status"), &status)
	state.GetAttribute(ctx, trinoRotation, &rotation)
	if id.ValueString() != "42" || status.ValueString() != "enabled" || rotation.ValueInt64() != 3 {
		t.Errorf("the framework read id=%s status=%s rotate_api_key=%s", id, status, rotation)
	}
	if !m.ID.Equal(id) || !m.Status.Equal(status) || !m.AutoBootstrap.ValueBool() || !m.Timeouts.IsNull() {
		t.Errorf("the model read id=%s status=%s auto_bootstrap=%s timeouts=%s", m.ID, m.Status, m.AutoBootstrap, m.Timeouts)
	}
	got, block, ok := m.typeBlock()
	if !ok || got != integrationtype.Trino || !block.Equal(written.Block) {
		t.Errorf("typeBlock = %v %v", got, ok)
	}
	if other := m.Blocks[integrationtype.Snowflake.Block]; !other.IsNull() {
		t.Errorf("the snowflake block of a Trino integration = %s, want null", other)
	}
}

func TestModelOfNothing(t *testing.T) {
	// A create has no state and a destroy no plan: the zero model, with no
	// type block.
	m, diags := stateModel(context.Background(), integrationSchemaState(t))
	if diags.HasError() || !m.ID.IsNull() || m.Blocks != nil {
		t.Fatalf("the model of a null state = %+v (%v)", m, diags)
	}
	if _, _, ok := m.typeBlock(); ok {
		t.Error("a null state has a type block")
	}
}

func TestWriteStateRefusesAMistypedValue(t *testing.T) {
	ctx := context.Background()
	state := integrationSchemaState(t)
	before := state.Raw
	// A Trino block under the Snowflake type: dropping it would lose the
	// integration from state (and leave it orphaned in Immuta).
	mistyped := integrationState{Type: integrationtype.Snowflake, ID: "1", AutoBootstrap: types.BoolValue(false),
		ValidationResults: validationResultsValue(nil), Block: trinoBlock(t)}
	diags := writeState(ctx, &state, mistyped, timeouts.Value{})
	if !diags.HasError() || !strings.Contains(diags.Errors()[0].Detail(), "cannot save snowflake in state") {
		t.Fatalf("writeState of a mistyped block: %v", diags)
	}
	if !state.Raw.Equal(before) {
		t.Error("a refused write changed the state")
	}
}

// A host name answered in lower case and an https URL answered without its
// trailing slash are the configured values: the apply is consistent and the
// next plan empty; a real change to the same field still shows as drift.
// (What a real tenant may answer, beyond the echoing emulator: the literal
// answer style, IMMUTA_API.md, Sparse answers.)
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
