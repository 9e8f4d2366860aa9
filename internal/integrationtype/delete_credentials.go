// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package integrationtype

import (
	"slices"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Immuta does not keep the privileged credentials of an auto-bootstrapped
// integration after set-up, yet DELETE needs them all again (authentication
// type, user, role, secret). They come from Terraform only: the state, or a
// fallback the caller supplies (for write-only secrets, which state never
// holds, and for an imported integration, whose state Immuta could not fill).

// credentialLookup supplies a credential the state lacks, by its Terraform
// path relative to the type block ("password", "private_key.content").
type credentialLookup func(path string) (string, bool)

// DeleteCredentialsFrom builds DELETE's privileged credentials from state,
// filling what state lacks from lookup. missing lists the Terraform paths
// (relative to the type block) of required credentials found in neither.
// It returns nil credentials for a type whose DELETE takes none.
func (t *Type) DeleteCredentialsFrom(state types.Object, lookup credentialLookup) (creds map[string]any, missing []string) {
	if len(t.DeleteCredentials) == 0 {
		return nil, nil
	}
	creds = t.apiConfigSubset(state, t.DeleteCredentials)
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
	lookup  credentialLookup
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
				setPath(c.creds, jsonPath, v)
				return s, true
			}
		}
	}
	if f.Default != nil { // documented: Immuta would assume it too
		setPath(c.creds, jsonPath, f.Default)
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

// deleteCredentialPaths lists the Terraform paths (relative to the type
// block, objects expanded to their leaves) that DELETE's privileged
// credentials may hold: what a caller may supply for a state that lacks them.
func (t *Type) deleteCredentialPaths() []string {
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

// AllDeleteCredentialPaths is deleteCredentialPaths of every type, sorted
// and without repeats.
func AllDeleteCredentialPaths() []string {
	var out []string
	for _, t := range All {
		out = append(out, t.deleteCredentialPaths()...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}
