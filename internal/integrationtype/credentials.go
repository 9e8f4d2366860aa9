// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package integrationtype

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
)

// Immuta does not keep the privileged credentials of an auto-bootstrapped
// integration after set-up, yet DELETE needs them all again (authentication
// type, user, role, secret). They come from Terraform only: the state, or a
// fallback the caller supplies (for write-only secrets, which state never
// holds, and for an imported integration, whose state Immuta could not fill).

// CredentialLookup supplies a credential the state lacks, by its Terraform
// path relative to the type block ("password", "private_key.content").
type CredentialLookup func(path string) (string, bool)

// DeleteCredentialsFrom builds DELETE's privileged credentials from state,
// filling what state lacks from lookup. missing lists the Terraform paths
// (relative to the type block) of required credentials found in neither.
// It returns nil credentials for a type whose DELETE takes none.
func (t *Type) DeleteCredentialsFrom(state types.Object, lookup CredentialLookup) (creds map[string]any, missing []string) {
	if len(t.DeleteCredentials) == 0 {
		return nil, nil
	}
	creds = t.APIConfigSubset(state, t.DeleteCredentials)
	c := &credentialCollector{fields: t.Fields, creds: creds, lookup: lookup}
	for _, name := range t.DeleteCredentials {
		f, _ := t.Field(name)
		if f.Required || slices.Contains(t.RequiredWithAutoBootstrap, name) {
			c.need(name, true)
		}
	}
	for _, v := range t.Variants {
		if v.Object == "" && v.Discriminator != "" && slices.Contains(t.DeleteCredentials, v.Discriminator) {
			c.variant(t.Variants, v, "")
		}
	}
	return creds, c.missing
}

// DeleteCredentialsHint says which credentials each authentication type
// needs for DELETE, for a message when the type itself is not known
// ("userPassword: username, password; keyPair: ...").
func (t *Type) DeleteCredentialsHint() string {
	var parts []string
	for _, v := range t.Variants {
		if v.Object != "" || v.Discriminator == "" || !slices.Contains(t.DeleteCredentials, v.Discriminator) {
			continue
		}
		keys := make([]string, 0, len(v.Rules))
		for k := range v.Rules {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			parts = append(parts, k+": "+strings.Join(v.Rules[k].Requires, ", "))
		}
	}
	return strings.Join(parts, "; ")
}

type credentialCollector struct {
	fields  []Field
	creds   map[string]any
	lookup  CredentialLookup
	missing []string
	seen    map[string]bool
}

// variant adds the fields that the discriminator's current value needs.
func (c *credentialCollector) variant(all []Variant, v Variant, prefix string) {
	key, ok := c.value(prefix + v.Discriminator)
	if !ok {
		return // the discriminator itself is reported missing
	}
	rule, ok := v.Rules[key]
	if !ok {
		return
	}
	for _, p := range rule.Requires {
		c.need(prefix+p, true)
	}
	for _, p := range rule.Allows {
		c.need(prefix+p, false)
	}
	// A required object brings its own required fields and variants.
	for _, p := range rule.Requires {
		f, ok := fieldAt(c.fields, prefix+p)
		if !ok || f.Kind != Object {
			continue
		}
		for _, child := range f.Fields {
			if child.Required {
				c.need(prefix+p+"."+child.Name, true)
			}
		}
		for _, nested := range all {
			if nested.Object == prefix+p {
				c.variant(all, nested, prefix+p+".")
			}
		}
	}
}

// need makes sure the field at path is in creds, from the lookup if state
// lacks it; an object is satisfied by its own required fields.
func (c *credentialCollector) need(path string, required bool) {
	if c.seen == nil {
		c.seen = map[string]bool{}
	}
	if c.seen[path] {
		return
	}
	c.seen[path] = true
	f, ok := fieldAt(c.fields, path)
	if !ok || f.Kind == Object {
		return
	}
	if _, ok := c.value(path); !ok && required {
		c.missing = append(c.missing, path)
	}
}

// value returns the credential at path as text, from creds, else from the
// lookup (which then also sets it in creds), else the field's default or
// implied value.
func (c *credentialCollector) value(path string) (string, bool) {
	parts := strings.Split(path, ".")
	jsonPath, ok := jsonPathOf(c.fields, parts)
	f, found := fieldAt(c.fields, path)
	if !ok || !found {
		return "", false
	}
	if v, ok := getPath(c.creds, jsonPath); ok {
		return textOf(v), true
	}
	if c.lookup != nil {
		if s, ok := c.lookup(path); ok {
			if v, ok := typedValue(f, s); ok {
				SetPath(c.creds, jsonPath, v)
				return s, true
			}
		}
	}
	if f.Default != nil { // documented: Immuta would assume it too
		SetPath(c.creds, jsonPath, f.Default)
		return textOf(f.Default), true
	}
	if f.Implied != nil { // assumed by Immuta's rules, never sent
		return textOf(f.Implied), true
	}
	return "", false
}

func textOf(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	case int64:
		return strconv.FormatInt(x, 10)
	}
	return ""
}

// typedValue converts a looked-up text to the field's API value.
func typedValue(f Field, s string) (any, bool) {
	switch f.Kind {
	case String:
		return s, s != ""
	case Bool:
		b, err := strconv.ParseBool(s)
		return b, err == nil
	case Int64:
		n, err := strconv.ParseInt(s, 10, 64)
		return n, err == nil
	}
	return nil, false
}

func fieldAt(fields []Field, path string) (Field, bool) {
	var f Field
	for _, name := range strings.Split(path, ".") {
		var ok bool
		if f, ok = findField(fields, name); !ok {
			return Field{}, false
		}
		fields = f.Fields
	}
	return f, true
}

func getPath(obj map[string]any, jsonPath []string) (any, bool) {
	var cur any = obj
	for _, k := range jsonPath {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = m[k]; !ok || cur == nil {
			return nil, false
		}
	}
	return cur, true
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

// DeleteCredentialPaths lists the Terraform paths (relative to the type
// block, objects expanded to their leaves) that DELETE's privileged
// credentials may hold: what a caller may supply for a state that lacks them.
func (t *Type) DeleteCredentialPaths() []string {
	var out []string
	var walk func(prefix string, f Field)
	walk = func(prefix string, f Field) {
		if f.Kind == Object {
			for _, c := range f.Fields {
				walk(prefix+f.Name+".", c)
			}
			return
		}
		if !f.Local && !f.Computed {
			out = append(out, prefix+f.Name)
		}
	}
	for _, name := range t.DeleteCredentials {
		if f, ok := t.Field(name); ok {
			walk("", f)
		}
	}
	return out
}

// AllDeleteCredentialPaths is DeleteCredentialPaths of every type, sorted
// and without repeats.
func AllDeleteCredentialPaths() []string {
	var out []string
	for _, t := range All {
		out = append(out, t.DeleteCredentialPaths()...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// ReplacementPlanned reports whether the plan changes a field Immuta cannot
// edit, which makes Terraform replace the integration. (The framework tells
// a resource's ModifyPlan only about the replacements it asks for itself.)
func (t *Type) ReplacementPlanned(plan, state types.Object) bool {
	return nonEditableChanged(t.Fields, attributes(plan), attributes(state))
}

func nonEditableChanged(fields []Field, plan, state map[string]attr.Value) bool {
	for _, f := range fields {
		pv, sv := plan[f.Name], state[f.Name]
		if pv == nil || sv == nil {
			continue
		}
		if f.NonEditable && !pv.Equal(sv) {
			return true
		}
		if f.Kind == Object {
			p, _ := pv.(basetypes.ObjectValue)
			s, _ := sv.(basetypes.ObjectValue)
			if nonEditableChanged(f.Fields, attributes(p), attributes(s)) {
				return true
			}
		}
	}
	return false
}
