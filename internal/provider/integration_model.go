// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/immuta/terraform-provider-immuta/internal/client"
	"github.com/immuta/terraform-provider-immuta/internal/integrationtype"
)

// The values of immuta_integration: integrationModel is a plan, state or
// configuration as Terraform gives it, integrationState what the provider
// writes to state, priorState what a state already holds.
//
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

// integrationState is everything the resource keeps in state.
type integrationState struct {
	Type              *integrationtype.Type
	ID                string
	AutoBootstrap     types.Bool
	Status            string
	ValidationResults types.List
	Block             types.Object
	// Unmanaged are the settings Immuta holds that the type's fields do not
	// describe (kept by every update; shown in unmanaged_settings).
	Unmanaged integrationtype.Unmanaged
}

// priorState is what the state (or, on create and update, the plan) already
// holds: Immuta's answer may leave any of it out, and what is left out is no
// change.
type priorState struct {
	Block             types.Object
	AutoBootstrap     types.Bool
	Status            types.String
	ValidationResults types.List
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

// stateFromAPI builds the state of integration id from Immuta's answer. The
// ID is the one asked for: an answer naming another integration is an error,
// never a silent switch to it.
func stateFromAPI(t *integrationtype.Type, id string, obj *client.Integration, prior priorState) (integrationState, diag.Diagnostics) {
	var diags diag.Diagnostics
	name := describe(t, "", id)
	if obj.ID != "" && obj.ID != id {
		diags.AddError("Immuta answered for another integration",
			fmt.Sprintf("%s was requested, but the answer describes integration %s. The state is unchanged and nothing was changed in Immuta. "+
				"Check that the provider's url points at Immuta itself (not a proxy that rewrites answers), then try again.", name, obj.ID))
		return integrationState{}, diags
	}
	if t.HasSetup() && !obj.HasConfig() {
		diags.AddError("Immuta's answer has no configuration",
			fmt.Sprintf("%s: the answer holds no config, so Terraform cannot compare it with the state. The state is unchanged and nothing was "+
				"changed in Immuta; this is usually a transient answer from Immuta or a proxy: try again.", name))
		return integrationState{}, diags
	}
	var cfg map[string]any
	if err := obj.DecodeConfig(&cfg); err != nil {
		diags.AddError("Cannot decode the integration", fmt.Sprintf("%s: Immuta's answer has an unexpected config: %s. The state is unchanged.", name, err))
		return integrationState{}, diags
	}
	autoBootstrap := prior.AutoBootstrap
	if obj.AutoBootstrap != nil && t.HasSetup() {
		autoBootstrap = types.BoolValue(*obj.AutoBootstrap)
	}
	if autoBootstrap.IsNull() || autoBootstrap.IsUnknown() {
		autoBootstrap = types.BoolValue(false)
	}
	block, err := t.BlockFromAPI(cfg, prior.Block, autoBootstrap.ValueBool())
	if err != nil {
		diags.AddError("Cannot decode the integration", fmt.Sprintf("%s: Immuta's answer has an unexpected config field %s. The state is unchanged.", name, err))
		return integrationState{}, diags
	}
	unmanaged, err := t.Unmanaged(obj.Config, client.RedactedValue)
	if err != nil {
		diags.AddError("Cannot decode the integration", fmt.Sprintf("%s: %s. The state is unchanged.", name, err))
		return integrationState{}, diags
	}
	status := obj.Status
	if status == "" && !prior.Status.IsUnknown() {
		status = prior.Status.ValueString()
	}
	results := validationResultsValue(obj.ValidationResults)
	if obj.ValidationResults == nil && !prior.ValidationResults.IsNull() && !prior.ValidationResults.IsUnknown() {
		results = prior.ValidationResults
	}
	return integrationState{
		Type: t, ID: id, AutoBootstrap: autoBootstrap, Status: status,
		ValidationResults: results, Block: block, Unmanaged: unmanaged,
	}, diags
}

// stateFromPlan is the state saved right after the POST, before the wait:
// the planned values, with the ID and status Immuta answered.
func stateFromPlan(t *integrationtype.Type, plan types.Object, autoBootstrap types.Bool, created *client.Integration) integrationState {
	// A round trip through the API form turns unknown computed values into nulls.
	block, err := t.BlockFromAPI(t.APIConfig(plan, types.ObjectNull(t.AttrTypes())), plan, false)
	if err != nil {
		block = types.ObjectNull(t.AttrTypes())
	}
	status := created.Status
	if status == "" {
		status = client.StatusCreating
	}
	return integrationState{
		Type: t, ID: created.ID, AutoBootstrap: autoBootstrap, Status: status,
		ValidationResults: validationResultsValue(created.ValidationResults), Block: block,
	}
}

// getter is the GetAttribute of a plan, state or configuration.
type getter func(context.Context, path.Path, any) diag.Diagnostics

// attributePath is the path of an attribute of a type block, written dotted
// ("private_key.content").
func attributePath(block, dotted string) path.Path {
	p := path.Root(block)
	for _, part := range strings.Split(dotted, ".") {
		p = p.AtName(part)
	}
	return p
}
