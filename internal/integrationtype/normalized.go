// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package integrationtype

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// Normalization names how Immuta may rewrite a value without changing what
// it means. Such values compare with the framework's semantic equality: an
// answer that differs only in form keeps the configured value, so neither
// the apply is inconsistent nor the next plan shows drift, while any real
// change still does.
type Normalization int

const (
	// AsIs values compare exactly.
	AsIs Normalization = iota
	// HostName values compare case-insensitively, a trailing dot aside.
	HostName
	// HTTPSURL values compare with the scheme and host case-insensitive and
	// a trailing slash aside.
	HTTPSURL
)

func (n Normalization) normalize(s string) string {
	switch n {
	case HostName:
		return strings.TrimSuffix(strings.ToLower(s), ".")
	case HTTPSURL:
		u, err := url.Parse(s)
		if err != nil || u.Host == "" {
			return strings.TrimSuffix(s, "/")
		}
		u.Scheme, u.Host = strings.ToLower(u.Scheme), strings.ToLower(u.Host)
		if u.Scheme == "https" && u.Port() == "443" {
			u.Host = u.Hostname() // the default port is no difference
		}
		return strings.TrimSuffix(u.String(), "/")
	}
	return s
}

// normalizedStringType is the attribute type of a normalised string.
type normalizedStringType struct {
	basetypes.StringType
	norm Normalization
}

var _ basetypes.StringTypable = normalizedStringType{}

func (t normalizedStringType) Equal(o attr.Type) bool {
	other, ok := o.(normalizedStringType)
	return ok && other.norm == t.norm
}

func (t normalizedStringType) String() string {
	return fmt.Sprintf("integrationtype.normalizedStringType[%d]", t.norm)
}

func (t normalizedStringType) ValueType(context.Context) attr.Value {
	return normalizedString{norm: t.norm}
}

func (t normalizedStringType) ValueFromString(_ context.Context, v basetypes.StringValue) (basetypes.StringValuable, diag.Diagnostics) {
	return normalizedString{StringValue: v, norm: t.norm}, nil
}

func (t normalizedStringType) ValueFromTerraform(ctx context.Context, in tftypes.Value) (attr.Value, error) {
	v, err := t.StringType.ValueFromTerraform(ctx, in)
	if err != nil {
		return nil, err
	}
	s, ok := v.(basetypes.StringValue)
	if !ok {
		return nil, fmt.Errorf("unexpected value type %T", v)
	}
	return normalizedString{StringValue: s, norm: t.norm}, nil
}

// normalizedString is a string value that is semantically equal to its
// normalised forms.
type normalizedString struct {
	basetypes.StringValue
	norm Normalization
}

var _ basetypes.StringValuableWithSemanticEquals = normalizedString{}

func (v normalizedString) Type(context.Context) attr.Type { return normalizedStringType{norm: v.norm} }

func (v normalizedString) Equal(o attr.Value) bool {
	other, ok := o.(normalizedString)
	return ok && other.norm == v.norm && v.StringValue.Equal(other.StringValue)
}

func (v normalizedString) StringSemanticEquals(ctx context.Context, other basetypes.StringValuable) (bool, diag.Diagnostics) {
	o, diags := other.ToStringValue(ctx)
	if diags.HasError() || v.IsNull() || v.IsUnknown() || o.IsNull() || o.IsUnknown() {
		return false, diags
	}
	return v.norm.normalize(v.ValueString()) == v.norm.normalize(o.ValueString()), diags
}

// stringType is the attribute type of a string field.
func stringType(f Field) attr.Type {
	if f.Normalize != AsIs {
		return normalizedStringType{norm: f.Normalize}
	}
	return basetypes.StringType{}
}

// customStringType is the schema's CustomType of a string field (nil: plain).
func customStringType(f Field) basetypes.StringTypable {
	if f.Normalize != AsIs {
		return normalizedStringType{norm: f.Normalize}
	}
	return nil
}

// stringValue is s as a value of field f's type.
func stringValue(f Field, s string) attr.Value {
	if f.Normalize != AsIs {
		return normalizedString{StringValue: basetypes.NewStringValue(s), norm: f.Normalize}
	}
	return basetypes.NewStringValue(s)
}

// stringNull is the null value of field f's type.
func stringNull(f Field) attr.Value {
	if f.Normalize != AsIs {
		return normalizedString{StringValue: basetypes.NewStringNull(), norm: f.Normalize}
	}
	return basetypes.NewStringNull()
}
