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
	NewIntegrationResource().Schema(context.Background(), resource.SchemaRequest{}, &resp)
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
		Type: integrationtype.Trino, ID: "42", AutoBootstrap: types.BoolValue(false), Status: "enabled",
		ValidationResults: validationResultsValue(nil), Block: trinoBlock(t),
	}
	// timeouts never read (an import) must not break the write.
	if diags := writeState(ctx, &state, written, timeouts.Value{}); diags.HasError() {
		t.Fatalf("writeState: %v", diags)
	}

	// The framework's own reader and the one-conversion reader agree.
	for _, get := range map[string]getter{"framework": state.GetAttribute, "values": stateValues(ctx, state)} {
		var id, status types.String
		var rotation types.Int64
		get(ctx, path.Root("id"), &id)
		get(ctx, path.Root("status"), &status)
		get(ctx, trinoRotation, &rotation)
		if id.ValueString() != "42" || status.ValueString() != "enabled" || rotation.ValueInt64() != 3 {
			t.Errorf("read back id=%s status=%s rotate_api_key=%s", id, status, rotation)
		}
		got, block, ok := typeBlock(ctx, get)
		if !ok || got != integrationtype.Trino || !block.Equal(written.Block) {
			t.Errorf("typeBlock = %v %v", got, ok)
		}
		var other types.Object
		get(ctx, path.Root(integrationtype.Snowflake.Block), &other)
		if !other.IsNull() {
			t.Errorf("the snowflake block of a Trino integration = %s, want null", other)
		}
		var to timeouts.Value
		if d := get(ctx, path.Root("timeouts"), &to); d.HasError() || !to.IsNull() {
			t.Errorf("timeouts = %v (%v), want null", to, d)
		}
	}
}

func TestValuesOfFallsBackWhenItCannotAnswer(t *testing.T) {
	ctx := context.Background()
	state := integrationSchemaState(t) // null: nothing converted
	calls := 0
	fallback := func(context.Context, path.Path, any) diag.Diagnostics { calls++; return nil }
	get := valuesOf(ctx, state.Schema, state.Raw, fallback)
	var id types.String
	get(ctx, path.Root("id"), &id)
	if calls != 1 {
		t.Errorf("a null state went to the fallback %d times, want 1", calls)
	}

	if d := writeState(ctx, &state, integrationState{Type: integrationtype.Trino, ID: "1", AutoBootstrap: types.BoolValue(false),
		ValidationResults: validationResultsValue(nil), Block: trinoBlock(t)}, timeouts.Value{}); d.HasError() {
		t.Fatal(d)
	}
	calls = 0
	get = valuesOf(ctx, state.Schema, state.Raw, fallback)
	var wrongType types.Bool
	get(ctx, path.Root("id"), &wrongType) // a target of another type
	get(ctx, path.Root("id").AtListIndex(0), &id)
	get(ctx, path.Root("no_such_attribute"), &id)
	get(ctx, path.Root(integrationtype.Snowflake.Block).AtName("host"), &id) // inside a null block
	if calls != 4 {
		t.Errorf("%d of 4 unanswerable reads went to the fallback", calls)
	}
	get(ctx, path.Root("id"), &id)
	if calls != 4 || id.ValueString() != "1" {
		t.Errorf("a plain read went to the fallback or read %s", id)
	}
}

func TestExactlyOneTypeBlock(t *testing.T) {
	ctx := context.Background()
	blocks := func(values map[string]types.Object) getter {
		return func(_ context.Context, p path.Path, target any) diag.Diagnostics {
			name := p.String()
			v, ok := values[name]
			if !ok {
				v = types.ObjectNull(map[string]attr.Type{})
			}
			*target.(*types.Object) = v
			return nil
		}
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
		got, _, ok := exactlyOneTypeBlock(ctx, blocks(c.blocks), &diags)
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

func TestValuesAnswerWithoutTheFramework(t *testing.T) {
	ctx := context.Background()
	state := integrationSchemaState(t)
	if d := writeState(ctx, &state, integrationState{Type: integrationtype.Trino, ID: "9", AutoBootstrap: types.BoolValue(true),
		ValidationResults: validationResultsValue(nil), Block: trinoBlock(t)}, timeouts.Value{}); d.HasError() {
		t.Fatal(d)
	}
	get := valuesOf(ctx, state.Schema, state.Raw, func(_ context.Context, p path.Path, _ any) diag.Diagnostics {
		t.Errorf("%s went to the framework", p)
		return nil
	})
	var id types.String
	var autoBootstrap types.Bool
	var rotation types.Int64
	var to timeouts.Value
	var block types.Object
	for p, target := range map[string]any{"id": &id, "auto_bootstrap": &autoBootstrap, "timeouts": &to, "trino": &block} {
		if d := get(ctx, path.Root(p), target); d.HasError() {
			t.Errorf("%s: %v", p, d)
		}
	}
	if d := get(ctx, trinoRotation, &rotation); d.HasError() {
		t.Error(d)
	}
	if id.ValueString() != "9" || !autoBootstrap.ValueBool() || !to.IsNull() || block.IsNull() || rotation.ValueInt64() != 3 {
		t.Errorf("read id=%s auto_bootstrap=%s timeouts=%s rotate_api_key=%s", id, autoBootstrap, to, rotation)
	}
}
