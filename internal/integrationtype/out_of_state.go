// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package integrationtype

import (
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
)

// keepOutOfState nulls each field whose StoreSwitch is set to false.
func keepOutOfState(fields []Field, values map[string]attr.Value) {
	for _, f := range fields {
		if f.StoreSwitch != "" && !Stored(values[f.StoreSwitch]) {
			values[f.Name] = defaultNull(f)
		}
	}
}

// Stored reads a StoreSwitch: only an explicit false keeps the field out of
// state (left out, Terraform stores it); an unknown switch is judged when it
// is known.
func Stored(v attr.Value) bool {
	b, ok := v.(basetypes.BoolValue)
	return !ok || b.IsNull() || b.IsUnknown() || b.ValueBool()
}

// StoreSwitches lists the type block's fields that a StoreSwitch may keep
// out of state.
func (t *Type) StoreSwitches() []Field {
	var out []Field
	for _, f := range t.Fields {
		if f.StoreSwitch != "" {
			out = append(out, f)
		}
	}
	return out
}

// WithoutSensitive is a type block with every sensitive value null, at any
// depth: what may be shown outside the state, such as a terraform query
// result (whose JSON output prints the values it is given). Secrets are null
// in any block read from Immuta already; this covers the sensitive values
// Immuta does return, such as Trino's api_key.
func (t *Type) WithoutSensitive(block types.Object) types.Object {
	attrs := attributes(block)
	if attrs == nil {
		return block
	}
	obj, err := objectValue(t.AttrTypes(), withoutSensitive(t.Fields, attrs))
	if err != nil {
		return types.ObjectNull(t.AttrTypes())
	}
	return obj
}

func withoutSensitive(fields []Field, attrs map[string]attr.Value) map[string]attr.Value {
	out := make(map[string]attr.Value, len(attrs))
	for k, v := range attrs {
		out[k] = v
	}
	for _, f := range fields {
		switch {
		case f.Secret || f.Sensitive:
			out[f.Name] = defaultNull(f)
			if f.Secret {
				out[f.WriteOnlyName()] = types.StringNull()
			}
		case f.Kind == Object:
			o, ok := attrs[f.Name].(basetypes.ObjectValue)
			if !ok || o.IsNull() || o.IsUnknown() {
				continue
			}
			if v, err := objectValue(attrTypes(f.Fields), withoutSensitive(f.Fields, o.Attributes())); err == nil {
				out[f.Name] = v
			}
		}
	}
	return out
}
