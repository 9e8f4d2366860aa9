// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package integrationtype

import (
	"context"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
)

// Which values of an integration are secret: what the client masks in what
// it logs and in errors.

// SecretJSONKeys returns the JSON keys of every Secret or Sensitive field of
// every type, at any depth, sorted and without repeats: the keys the client
// masks in what it logs (client.Config.SecretKeys). A new secret field in a
// table is masked without another list to keep in step.
func SecretJSONKeys() []string { return secretJSONKeys(All) }

func secretJSONKeys(types []*Type) []string {
	var keys []string
	for _, t := range types {
		keys = appendSecretKeys(keys, t.Fields)
	}
	slices.Sort(keys)
	return slices.Compact(keys)
}

func appendSecretKeys(keys []string, fields []Field) []string {
	for _, f := range fields {
		if f.Secret || f.Sensitive {
			keys = append(keys, f.JSON)
		}
		keys = appendSecretKeys(keys, f.Fields)
	}
	return keys
}

// SecretValues lists the values of the secrets (and sensitive fields) that
// the given blocks hold, at every depth, write-only values included: plan,
// configuration and state together name everything a server might echo.
func (t *Type) SecretValues(blocks ...types.Object) []string {
	var out []string
	for _, b := range blocks {
		out = appendSecretValues(out, t.Fields, attributes(b))
	}
	return out
}

func appendSecretValues(out []string, fields []Field, attrs map[string]attr.Value) []string {
	if attrs == nil {
		return out
	}
	for _, f := range fields {
		names := []string{}
		switch {
		case f.Secret:
			names = append(names, f.Name, f.WriteOnlyName())
		case f.Sensitive:
			names = append(names, f.Name)
		case f.Kind == Object:
			if o, ok := attrs[f.Name].(basetypes.ObjectValue); ok {
				out = appendSecretValues(out, f.Fields, attributes(o))
			}
		}
		for _, n := range names {
			if s, ok := attrs[n].(basetypes.StringValuable); ok && !attrs[n].IsNull() && !attrs[n].IsUnknown() {
				if v, d := s.ToStringValue(context.Background()); !d.HasError() && v.ValueString() != "" {
					out = append(out, v.ValueString())
				}
			}
		}
	}
	return out
}

// SecretAPIValues lists the secret values an API object (a payload, or
// DELETE's credentials) holds, at every depth.
func (t *Type) SecretAPIValues(config map[string]any) []string {
	return appendSecretAPIValues(nil, t.Fields, config)
}

func appendSecretAPIValues(out []string, fields []Field, obj map[string]any) []string {
	for _, f := range fields {
		switch v := obj[f.JSON].(type) {
		case string:
			if (f.Secret || f.Sensitive) && v != "" {
				out = append(out, v)
			}
		case map[string]any:
			out = appendSecretAPIValues(out, f.Fields, v)
		}
	}
	return out
}
