// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"fmt"
	"reflect"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// Each GetAttribute or SetAttribute of the framework walks the schema and
// converts values again; with seven type blocks that was most of the
// provider's own CPU time in a plan of a thousand integrations (see
// BENCHMARKS.md). So a plan, state or configuration is converted once, read
// from that conversion, and a state is written in one piece.

// schemaTyper is what the framework's plan, state and configuration say of
// their schema.
type schemaTyper interface {
	Type() attr.Type
}

// valuesOf converts a whole plan, state or configuration once and returns a
// getter over it: root attributes and attributes of nested objects are read
// from the conversion; any other path goes to fallback, the framework's own
// GetAttribute.
func valuesOf(ctx context.Context, schema schemaTyper, raw tftypes.Value, fallback getter) getter {
	converted, err := schema.Type().ValueFromTerraform(ctx, raw)
	root, ok := converted.(basetypes.ObjectValue)
	if err != nil || !ok || root.IsNull() || root.IsUnknown() {
		return fallback
	}
	attrs := root.Attributes()
	return func(ctx context.Context, p path.Path, target any) diag.Diagnostics {
		if v, ok := lookup(attrs, p); ok && assign(v, target) {
			return nil
		}
		return fallback(ctx, p, target)
	}
}

func planValues(ctx context.Context, p tfsdk.Plan) getter {
	return valuesOf(ctx, p.Schema, p.Raw, p.GetAttribute)
}

func stateValues(ctx context.Context, s tfsdk.State) getter {
	return valuesOf(ctx, s.Schema, s.Raw, s.GetAttribute)
}

func configValues(ctx context.Context, c tfsdk.Config) getter {
	return valuesOf(ctx, c.Schema, c.Raw, c.GetAttribute)
}

// lookup follows a path of attribute names through known objects.
func lookup(attrs map[string]attr.Value, p path.Path) (attr.Value, bool) {
	steps := p.Steps()
	if len(steps) == 0 {
		return nil, false
	}
	var cur attr.Value
	for i, step := range steps {
		name, ok := step.(path.PathStepAttributeName)
		if !ok {
			return nil, false
		}
		if i > 0 {
			obj, ok := cur.(basetypes.ObjectValue)
			if !ok || obj.IsNull() || obj.IsUnknown() {
				return nil, false
			}
			attrs = obj.Attributes()
		}
		if cur, ok = attrs[string(name)]; !ok {
			return nil, false
		}
	}
	return cur, true
}

// assign stores v in *target when it has exactly target's type.
func assign(v attr.Value, target any) bool {
	dst := reflect.ValueOf(target)
	if dst.Kind() != reflect.Pointer || dst.IsNil() {
		return false
	}
	src := reflect.ValueOf(v)
	if !src.IsValid() || src.Type() != dst.Elem().Type() {
		return false
	}
	dst.Elem().Set(src)
	return true
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
		s.Type.Block:         s.Block,
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
