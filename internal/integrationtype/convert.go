// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package integrationtype

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
)

// APIConfig builds the API "config" object from a type block. plan holds the
// values to send; config is the block as written in the configuration,
// the only place write-only values can be read. Null and unknown values are
// left out, so the API fills in its defaults.
func (t *Type) APIConfig(plan, config types.Object) map[string]any {
	return apiObject(t.Fields, attributes(plan), attributes(config))
}

// apiConfigSubset is APIConfig restricted to the named top-level fields, for
// DELETE's privileged credentials.
func (t *Type) apiConfigSubset(state types.Object, names []string) map[string]any {
	all := apiObject(t.Fields, attributes(state), nil)
	out := map[string]any{}
	for _, name := range names {
		if f, ok := t.Field(name); ok {
			if v, ok := all[f.JSON]; ok {
				out[f.JSON] = v
			}
		}
	}
	return out
}

func attributes(o types.Object) map[string]attr.Value {
	if o.IsNull() || o.IsUnknown() {
		return nil
	}
	return o.Attributes()
}

func apiObject(fields []Field, plan, config map[string]attr.Value) map[string]any {
	out := make(map[string]any, len(fields))
	for _, f := range fields {
		if f.Computed || f.Local {
			continue
		}
		v := plan[f.Name]
		if f.Secret && isEmpty(v) {
			// Write-only values are null in the plan and only present in the configuration.
			v = config[f.WriteOnlyName()]
		}
		if isEmpty(v) {
			continue
		}
		switch val := v.(type) {
		case basetypes.StringValuable:
			if sv, d := val.ToStringValue(context.Background()); !d.HasError() {
				out[f.JSON] = sv.ValueString()
			}
		case basetypes.Int64Value:
			out[f.JSON] = val.ValueInt64()
		case basetypes.BoolValue:
			out[f.JSON] = val.ValueBool()
		case basetypes.ListValue:
			items := make([]string, 0, len(val.Elements()))
			for _, e := range val.Elements() {
				if s, ok := e.(basetypes.StringValue); ok && !s.IsNull() && !s.IsUnknown() {
					items = append(items, s.ValueString())
				}
			}
			out[f.JSON] = items
		case basetypes.ObjectValue:
			var childConfig map[string]attr.Value
			if c, ok := config[f.Name].(basetypes.ObjectValue); ok {
				childConfig = attributes(c)
			}
			out[f.JSON] = apiObject(f.Fields, val.Attributes(), childConfig)
		}
	}
	return out
}

func isEmpty(v attr.Value) bool { return v == nil || v.IsNull() || v.IsUnknown() }

// BlockFromAPI builds a type block from the API's "config". A field Immuta's
// answer leaves out (or answers null) is not a change: it keeps its value
// from prior (the state, or the plan on create and update), at every depth,
// and takes its default only when there is no prior value (an import).
// Secrets, which the API never returns, and the write-only version triggers
// always come from prior; write-only values are always null in state.
// Immuta does not keep the privileged credentials of an auto-bootstrapped
// integration, so with autoBootstrap those come from prior too, whatever the
// answer holds.
func (t *Type) BlockFromAPI(config map[string]any, prior types.Object, autoBootstrap bool) (types.Object, error) {
	priorAttrs := attributes(prior)
	if autoBootstrap && len(t.DeleteCredentials) > 0 {
		config = withoutKeys(config, t.jsonNames(t.DeleteCredentials))
	}
	values, err := blockValues(t.Fields, config, priorAttrs)
	if err != nil {
		return types.ObjectNull(t.AttrTypes()), err
	}
	return objectValue(t.AttrTypes(), values)
}

func (t *Type) jsonNames(names []string) []string {
	out := make([]string, 0, len(names))
	for _, name := range names {
		if f, ok := t.Field(name); ok {
			out = append(out, f.JSON)
		}
	}
	return out
}

// withoutKeys is m without the given keys (m itself is not changed).
func withoutKeys(m map[string]any, keys []string) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	for _, k := range keys {
		delete(out, k)
	}
	return out
}

func objectValue(types_ map[string]attr.Type, values map[string]attr.Value) (types.Object, error) {
	obj, diags := types.ObjectValue(types_, values)
	if diags.HasError() {
		return obj, fmt.Errorf("building object: %v", diags)
	}
	return obj, nil
}

func blockValues(fields []Field, config map[string]any, prior map[string]attr.Value) (map[string]attr.Value, error) {
	values := make(map[string]attr.Value, len(fields))
	for _, f := range fields {
		if f.Local {
			values[f.Name] = priorOr(prior, f.Name, defaultNull(f))
			continue
		}
		if f.Secret {
			values[f.Name] = priorOr(prior, f.Name, types.StringNull())
			values[f.WriteOnlyName()] = types.StringNull()
			values[f.WriteOnlyVersionName()] = priorOr(prior, f.WriteOnlyVersionName(), types.Int64Null())
			continue
		}
		v, err := valueFromAPI(f, config[f.JSON], prior[f.Name])
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f.JSON, err)
		}
		if v == nil { // absent from the answer
			v = priorOr(prior, f.Name, defaultValue(f))
		}
		values[f.Name] = v
	}
	keepOutOfState(fields, values)
	return values, nil
}

func priorOr(prior map[string]attr.Value, name string, fallback attr.Value) attr.Value {
	if v, ok := prior[name]; ok && v != nil && !v.IsUnknown() {
		return v
	}
	return fallback
}

// valueFromAPI converts one answered value; nil (with no error) means the
// answer holds nothing for the field.
func valueFromAPI(f Field, raw any, prior attr.Value) (attr.Value, error) {
	if raw == nil {
		return nil, nil
	}
	switch f.Kind {
	case String:
		switch s := raw.(type) {
		case string:
			return stringValue(f, s), nil
		case json.Number:
			return stringValue(f, s.String()), nil
		case float64, bool:
			return stringValue(f, fmt.Sprint(s)), nil
		case []any:
			if f.ReadsFromList {
				return oneString(f, s)
			}
		}
	case Int64:
		n, err := toInt64(raw)
		if err != nil {
			return nil, err
		}
		return types.Int64Value(n), nil
	case Bool:
		switch b := raw.(type) {
		case bool:
			return types.BoolValue(b), nil
		case string:
			if v, err := strconv.ParseBool(b); err == nil {
				return types.BoolValue(v), nil
			}
		}
	case StringList:
		if l, ok := raw.([]string); ok {
			raw = toAnySlice(l)
		}
		items, ok := raw.([]any)
		if !ok {
			break
		}
		elems := make([]attr.Value, 0, len(items))
		for _, item := range items {
			s, ok := item.(string)
			if !ok {
				return nil, fmt.Errorf("expected a list of strings, got an element of type %T", item)
			}
			elems = append(elems, types.StringValue(s))
		}
		return types.ListValueMust(types.StringType, elems), nil
	case Object:
		obj, ok := raw.(map[string]any)
		if !ok {
			break
		}
		var priorAttrs map[string]attr.Value
		if p, ok := prior.(basetypes.ObjectValue); ok {
			priorAttrs = attributes(p)
		}
		values, err := blockValues(f.Fields, obj, priorAttrs)
		if err != nil {
			return nil, err
		}
		return objectValue(attrTypes(f.Fields), values)
	}
	return nil, fmt.Errorf("unexpected value of type %T", raw)
}

// oneString reads a string answered as a list: one element is the value, an
// empty list says nothing.
func oneString(f Field, items []any) (attr.Value, error) {
	switch len(items) {
	case 0:
		return nil, nil
	case 1:
		if s, ok := items[0].(string); ok {
			return stringValue(f, s), nil
		}
		return nil, fmt.Errorf("expected a string, got a list holding a %T", items[0])
	}
	return nil, fmt.Errorf("expected one string, got a list of %d", len(items))
}

func toInt64(raw any) (int64, error) {
	switch n := raw.(type) {
	case json.Number:
		if i, err := n.Int64(); err == nil {
			return i, nil
		}
		f, err := n.Float64()
		if err != nil {
			return 0, fmt.Errorf("%q is not a number", n.String())
		}
		return floatToInt64(f)
	case float64:
		return floatToInt64(n)
	case int64:
		return n, nil
	case int:
		return int64(n), nil
	case string:
		i, err := strconv.ParseInt(n, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("%q is not an integer", n)
		}
		return i, nil
	}
	return 0, fmt.Errorf("expected a number, got %T", raw)
}

func floatToInt64(f float64) (int64, error) {
	if f != math.Trunc(f) {
		return 0, fmt.Errorf("%v is not an integer", f)
	}
	// float64(math.MaxInt64) rounds up to 2^63, which does not fit: the
	// bound is exclusive, while -2^63 (math.MinInt64) fits exactly.
	if f >= math.MaxInt64 || f < math.MinInt64 {
		return 0, fmt.Errorf("%v is out of range", f)
	}
	return int64(f), nil
}

func defaultNull(f Field) attr.Value {
	switch f.Kind {
	case Int64:
		return types.Int64Null()
	case Bool:
		return types.BoolNull()
	case StringList:
		return types.ListNull(types.StringType)
	case Object:
		return types.ObjectNull(attrTypes(f.Fields))
	default:
		return stringNull(f)
	}
}

func toAnySlice(l []string) []any {
	out := make([]any, len(l))
	for i, s := range l {
		out[i] = s
	}
	return out
}
