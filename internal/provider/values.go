// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/immuta/terraform-provider-immuta/internal/integrationtype"
)

// Each GetAttribute or SetAttribute of the framework walks the schema and
// converts values again; with seven type blocks that was most of the
// provider's own CPU time in a plan of a thousand integrations (see
// BENCHMARKS.md). So a plan, state or configuration is converted once into
// an integrationModel, and a state is written in one piece.

// schemaTyper is what the framework's plan, state and configuration say of
// their schema.
type schemaTyper interface {
	Type() attr.Type
}

// integrationModel is a plan, state or configuration of immuta_integration.
// The type blocks are kept by block name, as the type tables define them; a
// null plan or state (a destroy, a create) is the zero model.
type integrationModel struct {
	ID                types.String
	AutoBootstrap     types.Bool
	Status            types.String
	ValidationResults types.List
	Timeouts          timeouts.Value
	UnmanagedSettings types.String
	Blocks            map[string]types.Object
}

// modelOf converts a whole plan, state or configuration.
func modelOf(ctx context.Context, schema schemaTyper, raw tftypes.Value) (integrationModel, diag.Diagnostics) {
	var m integrationModel
	var diags diag.Diagnostics
	if raw.IsNull() || !raw.IsKnown() {
		return m, diags
	}
	converted, err := schema.Type().ValueFromTerraform(ctx, raw)
	root, ok := converted.(basetypes.ObjectValue)
	if err != nil || !ok {
		diags.AddError("Provider error", fmt.Sprintf("cannot read the resource's values: %v", err))
		return m, diags
	}
	attrs := root.Attributes()
	m.ID, _ = attrs["id"].(types.String)
	m.AutoBootstrap, _ = attrs["auto_bootstrap"].(types.Bool)
	m.Status, _ = attrs["status"].(types.String)
	m.ValidationResults, _ = attrs["validation_results"].(types.List)
	m.Timeouts, _ = attrs["timeouts"].(timeouts.Value)
	m.UnmanagedSettings, _ = attrs["unmanaged_settings"].(types.String)
	m.Blocks = make(map[string]types.Object, len(integrationtype.All))
	for _, t := range integrationtype.All {
		m.Blocks[t.Block], _ = attrs[t.Block].(types.Object)
	}
	return m, diags
}

func planModel(ctx context.Context, p tfsdk.Plan) (integrationModel, diag.Diagnostics) {
	return modelOf(ctx, p.Schema, p.Raw)
}

func stateModel(ctx context.Context, s tfsdk.State) (integrationModel, diag.Diagnostics) {
	return modelOf(ctx, s.Schema, s.Raw)
}

func configModel(ctx context.Context, c tfsdk.Config) (integrationModel, diag.Diagnostics) {
	return modelOf(ctx, c.Schema, c.Raw)
}

// typeBlock finds the one type block that is set and known.
func (m integrationModel) typeBlock() (*integrationtype.Type, types.Object, bool) {
	for _, t := range integrationtype.All {
		if b := m.Blocks[t.Block]; !b.IsNull() && !b.IsUnknown() {
			return t, b, true
		}
	}
	return nil, types.Object{}, false
}

// writeState replaces the whole state with s in one conversion. Attributes
// the state does not speak of (none today) are null.
func writeState(ctx context.Context, state *tfsdk.State, s integrationState, to timeouts.Value) diag.Diagnostics {
	var diags diag.Diagnostics
	if s.Type == nil {
		return diags
	}
	rootType, ok := state.Schema.Type().(attr.TypeWithAttributeTypes)
	if !ok {
		diags.AddError("Provider error", "the resource schema is not an object")
		return diags
	}
	attrTypes := rootType.AttributeTypes()
	attrs := map[string]attr.Value{
		"id":                 types.StringValue(s.ID),
		"auto_bootstrap":     s.AutoBootstrap,
		"status":             types.StringValue(s.Status),
		"validation_results": s.ValidationResults,
		"timeouts":           to,
		"unmanaged_settings": types.StringNull(),
		s.Type.Block:         s.Block,
	}
	if j := s.Unmanaged.JSON(); j != "" {
		attrs["unmanaged_settings"] = types.StringValue(j)
	}
	if len(to.AttributeTypes(ctx)) == 0 {
		delete(attrs, "timeouts") // never read (an import): null
	}
	for name, typ := range attrTypes {
		v, ok := attrs[name]
		switch {
		case !ok || v == nil:
			v, diags = nullOf(ctx, typ, name, diags) // the other type blocks
		case !typ.Equal(v.Type(ctx)):
			diags.AddError("Provider error", fmt.Sprintf("cannot save %s in state: it is a %s, the schema wants a %s", name, v.Type(ctx), typ))
		}
		attrs[name] = v
	}
	if diags.HasError() {
		return diags
	}
	obj, d := types.ObjectValue(attrTypes, attrs)
	diags.Append(d...)
	if diags.HasError() {
		return diags
	}
	raw, err := obj.ToTerraformValue(ctx)
	if err != nil {
		diags.AddError("Provider error", fmt.Sprintf("cannot build the state: %s", err))
		return diags
	}
	state.Raw = raw
	return diags
}

func nullOf(ctx context.Context, typ attr.Type, name string, diags diag.Diagnostics) (attr.Value, diag.Diagnostics) {
	v, err := typ.ValueFromTerraform(ctx, tftypes.NewValue(typ.TerraformType(ctx), nil))
	if err != nil {
		diags.AddError("Provider error", fmt.Sprintf("cannot build a null %s: %s", name, err))
	}
	return v, diags
}
