// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package integrationtype

import (
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
)

// SecretRef is one secret of the privileged credentials that DELETE needs.
type SecretRef struct {
	// Path is the Terraform path relative to the type block ("private_key.content").
	Path string
	// JSONPath is the same field in the API payload.
	JSONPath []string
	// Required is false for optional secrets such as a key passphrase.
	Required bool
	// InState is true when the state holds the value (not write-only).
	InState bool
}

// DeleteSecrets lists the secrets that DELETE's privileged credentials need
// for the block's authentication type, and whether state holds them.
func (t *Type) DeleteSecrets(block types.Object) []SecretRef {
	if len(t.DeleteCredentials) == 0 {
		return nil
	}
	attrs := attributes(block)
	var refs []SecretRef
	for _, v := range t.Variants {
		if v.Discriminator == "" || (v.Object != "" && !slices.Contains(t.DeleteCredentials, v.Object)) {
			continue
		}
		// A variant of a nested object (Snowflake's OAuth settings) applies
		// when that object is set; its paths are relative to it.
		fields, objAttrs, prefix := t.Fields, attrs, ""
		if v.Object != "" {
			f, _ := t.Field(v.Object)
			o, ok := attrs[v.Object].(basetypes.ObjectValue)
			if !ok || o.IsNull() || o.IsUnknown() {
				continue
			}
			fields, objAttrs, prefix = f.Fields, o.Attributes(), v.Object+"."
		}
		key, known := discriminator(fields, objAttrs, v.Discriminator)
		if !known {
			continue
		}
		rule := v.Rules[key]
		add := func(rel string, required bool) {
			p := prefix + rel
			parts := strings.Split(p, ".")
			if !leafIsSecret(t.Fields, parts) {
				return
			}
			jsonPath, ok := jsonPathOf(t.Fields, parts)
			if !ok {
				return
			}
			refs = append(refs, SecretRef{Path: p, JSONPath: jsonPath, Required: required, InState: stateHasSecret(t.Fields, attrs, parts)})
		}
		for _, p := range rule.Requires {
			add(p, true)
		}
		for _, p := range rule.Allows {
			add(p, false)
		}
	}
	return refs
}

// stateHasSecret reports whether the secret itself (not its write-only
// alternative, which state never holds) has a value.
func stateHasSecret(fields []Field, attrs map[string]attr.Value, parts []string) bool {
	for i, name := range parts {
		v := attrs[name]
		if isEmpty(v) {
			return false
		}
		if i == len(parts)-1 {
			return true
		}
		f, _ := findField(fields, name)
		o, ok := v.(basetypes.ObjectValue)
		if !ok {
			return false
		}
		fields, attrs = f.Fields, o.Attributes()
	}
	return false
}

func jsonPathOf(fields []Field, parts []string) ([]string, bool) {
	out := make([]string, 0, len(parts))
	for _, name := range parts {
		f, ok := findField(fields, name)
		if !ok {
			return nil, false
		}
		out = append(out, f.JSON)
		fields = f.Fields
	}
	return out, true
}

// SetPath sets a value at a JSON path in an API object, creating the
// intermediate objects.
func SetPath(obj map[string]any, jsonPath []string, value any) {
	for _, k := range jsonPath[:len(jsonPath)-1] {
		next, ok := obj[k].(map[string]any)
		if !ok {
			next = map[string]any{}
			obj[k] = next
		}
		obj = next
	}
	obj[jsonPath[len(jsonPath)-1]] = value
}
