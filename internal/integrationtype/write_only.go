// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package integrationtype

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// WriteOnlySecret is one secret field of a type with its write-only
// alternative, found at Path (Terraform names relative to the type block,
// "private_key.content").
type WriteOnlySecret struct {
	Field Field
	// Path of the secret, and of its write-only value and version.
	Path, WriteOnlyPath, VersionPath string
	parents                          []string
}

// WriteOnlySecrets lists every secret of the type, at any depth.
func (t *Type) WriteOnlySecrets() []WriteOnlySecret {
	var out []WriteOnlySecret
	var walk func(parents []string, fields []Field)
	walk = func(parents []string, fields []Field) {
		for _, f := range fields {
			switch {
			case f.Secret:
				prefix := strings.Join(append(append([]string{}, parents...), ""), ".")
				out = append(out, WriteOnlySecret{Field: f, parents: append([]string{}, parents...),
					Path: prefix + f.Name, WriteOnlyPath: prefix + f.WriteOnlyName(), VersionPath: prefix + f.WriteOnlyVersionName()})
			case f.Kind == Object:
				walk(append(parents, f.Name), f.Fields)
			}
		}
	}
	walk(nil, t.Fields)
	return out
}

// Stored, WriteOnly and Version read the secret's three attributes from a
// type block; nil when the block, or an object on the way, is null or
// unknown.
func (s WriteOnlySecret) Stored(block types.Object) attr.Value { return s.at(block, s.Field.Name) }

func (s WriteOnlySecret) WriteOnly(block types.Object) attr.Value {
	return s.at(block, s.Field.WriteOnlyName())
}

func (s WriteOnlySecret) Version(block types.Object) attr.Value {
	return s.at(block, s.Field.WriteOnlyVersionName())
}

func (s WriteOnlySecret) at(block types.Object, name string) attr.Value {
	attrs := attributes(block)
	for _, p := range s.parents {
		o, ok := attrs[p].(basetypes.ObjectValue)
		if !ok {
			return nil
		}
		attrs = attributes(o)
	}
	return attrs[name]
}

// WithVersion returns block with the secret's version set to v; the block
// is returned unchanged when the object holding the secret is null or
// unknown (there is nothing to version).
func (s WriteOnlySecret) WithVersion(block types.Object, v types.Int64) (types.Object, error) {
	return withValueAt(block, s.parents, s.Field.WriteOnlyVersionName(), v)
}

func withValueAt(obj types.Object, parents []string, name string, v attr.Value) (types.Object, error) {
	attrs := attributes(obj)
	if attrs == nil {
		return obj, nil
	}
	out := make(map[string]attr.Value, len(attrs))
	for k, a := range attrs {
		out[k] = a
	}
	if len(parents) == 0 {
		out[name] = v
	} else {
		child, ok := attrs[parents[0]].(basetypes.ObjectValue)
		if !ok {
			return obj, fmt.Errorf("%s is not an object", parents[0])
		}
		next, err := withValueAt(child, parents[1:], name, v)
		if err != nil {
			return obj, err
		}
		out[parents[0]] = next
	}
	return objectValue(obj.AttributeTypes(context.Background()), out)
}

// WriteOnlyAttributePaths are the paths, from the resource's root, of the
// type's write-only values: where to look in a raw configuration, without
// converting it, for whether it holds any.
func (t *Type) WriteOnlyAttributePaths() []*tftypes.AttributePath {
	var out []*tftypes.AttributePath
	for _, s := range t.WriteOnlySecrets() {
		p := tftypes.NewAttributePath().WithAttributeName(t.Block)
		for _, part := range strings.Split(s.WriteOnlyPath, ".") {
			p = p.WithAttributeName(part)
		}
		out = append(out, p)
	}
	return out
}
