// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/immuta/terraform-provider-immuta/internal/integrationtype"
)

func integrationSchemaState(t *testing.T) tfsdk.State {
	t.Helper()
	var resp resource.SchemaResponse
	newIntegrationResource().Schema(context.Background(), resource.SchemaRequest{}, &resp)
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

func TestExactlyOneTypeBlock(t *testing.T) {
	blocks := func(values map[string]types.Object) integrationModel {
		m := integrationModel{Blocks: map[string]types.Object{}}
		for _, t := range integrationtype.All {
			v, ok := values[t.Block]
			if !ok {
				v = types.ObjectNull(map[string]attr.Type{})
			}
			m.Blocks[t.Block] = v
		}
		return m
	}
	set := types.ObjectValueMust(map[string]attr.Type{}, map[string]attr.Value{})
	unknown := types.ObjectUnknown(map[string]attr.Type{})
	cases := []struct {
		name   string
		blocks map[string]types.Object
		ok     bool
		errs   []string
	}{
		{"one", map[string]types.Object{"bigquery": set}, true, nil},
		{"none", nil, false, []string{"Set exactly one integration type block: snowflake, databricks, redshift, azure_synapse, bigquery, s3, trino."}},
		{"two", map[string]types.Object{"snowflake": set, "s3": set}, false, []string{"snowflake and s3 are set"}},
		{"three", map[string]types.Object{"snowflake": set, "s3": set, "trino": set}, false, []string{"snowflake and s3 and trino", "snowflake and s3 and trino"}},
		{"unknown only", map[string]types.Object{"redshift": unknown}, false, nil},
		{"one and an unknown", map[string]types.Object{"redshift": unknown, "s3": set}, true, nil},
	}
	for _, c := range cases {
		var diags diag.Diagnostics
		got, _, ok := exactlyOneTypeBlock(blocks(c.blocks), &diags)
		if ok != c.ok || len(diags.Errors()) != len(c.errs) {
			t.Errorf("%s: ok=%v with %d errors %v, want ok=%v with %d", c.name, ok, len(diags.Errors()), diags, c.ok, len(c.errs))
			continue
		}
		if c.ok {
			var want *integrationtype.Type
			for _, t := range integrationtype.All {
				if _, set := c.blocks[t.Block]; set && !c.blocks[t.Block].IsUnknown() {
					want = t
				}
			}
			if got != want {
				t.Errorf("%s: returned %v, want the %s type", c.name, got, want.Block)
			}
		}
		for i, want := range c.errs {
			if !strings.Contains(diags.Errors()[i].Detail(), want) {
				t.Errorf("%s: error %q does not say %q", c.name, diags.Errors()[i].Detail(), want)
			}
		}
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

func TestWithArticleReadsAsEnglish(t *testing.T) {
	want := map[string]string{
		"Snowflake": "a Snowflake", "Databricks Unity Catalog": "a Databricks Unity Catalog", "Amazon Redshift": "an Amazon Redshift",
		"Azure Synapse Analytics": "an Azure Synapse Analytics", "Google BigQuery": "a Google BigQuery", "Amazon S3": "an Amazon S3",
		"Starburst (Trino)": "a Starburst (Trino)", "redshift": "a redshift", "azure_synapse": "an azure_synapse",
	}
	for _, typ := range integrationtype.All {
		if _, ok := want[typ.DisplayName]; !ok {
			t.Errorf("no expectation for the display name %q", typ.DisplayName)
		}
	}
	for name, w := range want {
		if got := withArticle(name); got != w {
			t.Errorf("withArticle(%q) = %q, want %q", name, got, w)
		}
	}
}
