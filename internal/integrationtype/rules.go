// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package integrationtype

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
)

// Validate checks the cross-field rules of a configured type block: what
// each authentication type needs, and that no field of another one is set.
// Missing secrets are reported only when checkSecrets is true, i.e. when a
// payload is about to be sent: an imported integration's generated
// configuration has no secrets and must still validate.
func (t *Type) Validate(block types.Object, autoBootstrap types.Bool, checkSecrets bool) diag.Diagnostics {
	return t.validate(block, autoBootstrap, checkSecrets, true)
}

// validate is Validate; writeOnly says whether secrets have write-only
// alternatives to mention (the resource's blocks, not the data sources').
func (t *Type) validate(block types.Object, autoBootstrap types.Bool, checkSecrets, writeOnly bool) diag.Diagnostics {
	var diags diag.Diagnostics
	attrs := attributes(block)
	if attrs == nil {
		return diags
	}
	root := path.Root(t.Block)

	if autoBootstrap.ValueBool() {
		for _, name := range t.RequiredWithAutoBootstrap {
			if t.state(attrs, name) == unset {
				diags.AddAttributeError(root.AtName(name), "Missing attribute required by auto_bootstrap",
					fmt.Sprintf("%s.%s is required when auto_bootstrap = true: Immuta uses it to set the platform up and tear it down. "+
						"Set it, or set auto_bootstrap = false and run the setup script yourself.", t.Block, name))
			}
		}
	}

	for _, v := range t.Variants {
		objAttrs, objFields, objPath := attrs, t.Fields, root
		if v.Object != "" {
			f, _ := t.Field(v.Object)
			o, ok := attrs[v.Object].(basetypes.ObjectValue)
			if !ok || o.IsNull() || o.IsUnknown() {
				continue
			}
			objAttrs, objFields, objPath = o.Attributes(), f.Fields, root.AtName(v.Object)
		}
		key, known := discriminator(objFields, objAttrs, v.Discriminator)
		if !known {
			continue
		}
		rule, ok := v.Rules[key]
		if !ok {
			continue // an invalid value is reported by the attribute's own validator
		}
		condition := ""
		if v.Discriminator != "" {
			condition = fmt.Sprintf(" when %s = %s", v.Discriminator, quoteIfString(objFields, v.Discriminator, key))
		}
		for _, req := range rule.Requires {
			s := fieldState(objFields, objAttrs, req)
			if s == unset || (s == secretUnset && checkSecrets) {
				diags.AddAttributeError(pathOf(objPath, req), "Missing required attribute",
					fmt.Sprintf("%s is required%s. %s", dotted(objPath, req), condition, howToSet(objFields, req, writeOnly)))
			}
		}
		if !v.Exclusive {
			continue
		}
		for _, other := range ownedElsewhere(v, key) {
			if s := fieldState(objFields, objAttrs, other.name); s == set || s == secretSet {
				diags.AddAttributeError(objPath.AtName(other.name), "Attribute not used with this setting",
					fmt.Sprintf("%s applies only when %s = %s, not %s. Remove it, or change %s.",
						dotted(objPath, other.name), v.Discriminator, quoteIfString(objFields, v.Discriminator, other.owner),
						quoteIfString(objFields, v.Discriminator, key), v.Discriminator))
			}
		}
	}
	return diags
}

type ownership struct{ name, owner string }

// ownedElsewhere lists the top-level fields that belong to the variant's
// other values and not to key.
func ownedElsewhere(v Variant, key string) []ownership {
	mine := map[string]bool{}
	for _, p := range append(append([]string{}, v.Rules[key].Requires...), v.Rules[key].Allows...) {
		mine[strings.SplitN(p, ".", 2)[0]] = true
	}
	seen := map[string]bool{}
	var out []ownership
	owners := make([]string, 0, len(v.Rules))
	for k := range v.Rules {
		owners = append(owners, k)
	}
	sort.Strings(owners)
	for _, owner := range owners {
		r := v.Rules[owner]
		for _, p := range append(append([]string{}, r.Requires...), r.Allows...) {
			top := strings.SplitN(p, ".", 2)[0]
			if !mine[top] && !seen[top] {
				seen[top] = true
				out = append(out, ownership{top, owner})
			}
		}
	}
	return out
}

type presence int

const (
	unset presence = iota
	set
	secretUnset
	secretSet
	unknown
)

func (t *Type) state(attrs map[string]attr.Value, dottedPath string) presence {
	return fieldState(t.Fields, attrs, dottedPath)
}

// fieldState says whether the field at a dotted path is set; a secret counts
// as set when either it or its write-only alternative is.
func fieldState(fields []Field, attrs map[string]attr.Value, dottedPath string) presence {
	parts := strings.Split(dottedPath, ".")
	for i, name := range parts {
		f, ok := findField(fields, name)
		if !ok {
			return unset
		}
		v := attrs[name]
		if v != nil && v.IsUnknown() {
			return unknown
		}
		if i == len(parts)-1 {
			if f.Secret {
				wo := attrs[f.WriteOnlyName()]
				if (wo != nil && wo.IsUnknown()) || (v != nil && v.IsUnknown()) {
					return unknown
				}
				if !isEmpty(v) || !isEmpty(wo) {
					return secretSet
				}
				return secretUnset
			}
			if isEmpty(v) {
				return unset
			}
			return set
		}
		o, ok := v.(basetypes.ObjectValue)
		if !ok || o.IsNull() {
			if leafIsSecret(f.Fields, parts[i+1:]) {
				return secretUnset
			}
			return unset
		}
		fields, attrs = f.Fields, o.Attributes()
	}
	return unset
}

func leafIsSecret(fields []Field, parts []string) bool {
	for i, name := range parts {
		f, ok := findField(fields, name)
		if !ok {
			return false
		}
		if i == len(parts)-1 {
			return f.Secret
		}
		fields = f.Fields
	}
	return false
}

// discriminator returns the variant key selected by the configuration: the
// field's value, or its default when left out.
func discriminator(fields []Field, attrs map[string]attr.Value, name string) (string, bool) {
	if name == "" {
		return "", true
	}
	f, ok := findField(fields, name)
	if !ok {
		return "", false
	}
	v := attrs[name]
	if v != nil && v.IsUnknown() {
		return "", false
	}
	if isEmpty(v) {
		switch {
		case f.Default != nil:
			return fmt.Sprint(f.Default), true
		case f.Implied != nil:
			return fmt.Sprint(f.Implied), true
		}
		return "", false
	}
	switch val := v.(type) {
	case basetypes.StringValuable:
		if sv, d := val.ToStringValue(context.Background()); !d.HasError() {
			return sv.ValueString(), true
		}
	case basetypes.BoolValue:
		return strconv.FormatBool(val.ValueBool()), true
	}
	return "", false
}

func quoteIfString(fields []Field, name, value string) string {
	if f, ok := findField(fields, name); ok && f.Kind == String {
		return strconv.Quote(value)
	}
	return value
}

func pathOf(base path.Path, dottedPath string) path.Path {
	for _, p := range strings.Split(dottedPath, ".") {
		base = base.AtName(p)
	}
	return base
}

func dotted(base path.Path, dottedPath string) string {
	return base.String() + "." + dottedPath
}

func howToSet(fields []Field, dottedPath string, writeOnly bool) string {
	parts := strings.Split(dottedPath, ".")
	if writeOnly && leafIsSecret(fields, parts) {
		leaf := parts[len(parts)-1]
		return fmt.Sprintf("Set %s, or its write-only alternative %s_wo.", leaf, leaf)
	}
	return "Set it."
}
