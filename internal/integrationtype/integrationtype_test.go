// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package integrationtype

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
)

func TestTablesAreConsistent(t *testing.T) {
	blocks := map[string]bool{}
	for _, typ := range All {
		if blocks[typ.Block] {
			t.Errorf("duplicate block %s", typ.Block)
		}
		blocks[typ.Block] = true
		if got, _ := ByAPIName(typ.APIName); got != typ {
			t.Errorf("ByAPIName(%q) does not find %s", typ.APIName, typ.Block)
		}
		for _, name := range append(append([]string{}, typ.HostKey...), typ.DeleteCredentials...) {
			if _, ok := typ.Field(name); !ok {
				t.Errorf("%s: host key or delete credential %q is not a field", typ.Block, name)
			}
		}
		for _, m := range typ.Tests {
			if _, ok := lookupField(typ.Fields, strings.Split(m.Attribute, ".")); !ok {
				t.Errorf("%s: test mapping %q points at unknown attribute %q", typ.Block, m.Substring, m.Attribute)
			}
		}
		for _, v := range typ.Variants {
			fields := typ.Fields
			if v.Object != "" {
				f, ok := typ.Field(v.Object)
				if !ok {
					t.Fatalf("%s: variant object %q is not a field", typ.Block, v.Object)
				}
				fields = f.Fields
			}
			for key, rule := range v.Rules {
				for _, p := range append(append([]string{}, rule.Requires...), rule.Allows...) {
					if _, ok := lookupField(fields, strings.Split(p, ".")); !ok {
						t.Errorf("%s: rule %q names unknown attribute %q", typ.Block, key, p)
					}
				}
			}
		}
		checkNoWriteOnlyUnderComputed(t, typ.Block, typ.Fields, false)
	}
}

func lookupField(fields []Field, parts []string) (Field, bool) {
	var f Field
	for _, name := range parts {
		var ok bool
		if f, ok = findField(fields, name); !ok {
			return f, false
		}
		fields = f.Fields
	}
	return f, true
}

// Terraform refuses write-only attributes inside computed objects.
func checkNoWriteOnlyUnderComputed(t *testing.T, where string, fields []Field, computedParent bool) {
	for _, f := range fields {
		if f.Secret && computedParent {
			t.Errorf("%s.%s is secret (write-only alternative) inside a computed object", where, f.Name)
		}
		if f.Kind == Object {
			checkNoWriteOnlyUnderComputed(t, where+"."+f.Name, f.Fields, computedParent || f.HasDefault || f.Computed)
		}
	}
}

func TestResourceAttributesMatchAttrTypes(t *testing.T) {
	ctx := context.Background()
	for _, typ := range All {
		block := typ.ResourceBlock()
		got := block.GetType().(types.ObjectType).AttrTypes
		want := typ.AttrTypes()
		if !reflect.DeepEqual(attrTypeStrings(ctx, got), attrTypeStrings(ctx, want)) {
			t.Errorf("%s: schema types %v differ from AttrTypes %v", typ.Block, got, want)
		}
	}
}

func attrTypeStrings(_ context.Context, m map[string]attr.Type) map[string]string {
	out := map[string]string{}
	for k, v := range m {
		out[k] = v.String()
	}
	return out
}

func sv(v string) types.String { return types.StringValue(v) }

// objectFrom builds a type block with the given attributes set and every
// other one null.
func objectFrom(t *testing.T, typ *Type, set map[string]attr.Value) types.Object {
	t.Helper()
	values := map[string]attr.Value{}
	for name, at := range typ.AttrTypes() {
		if v, ok := set[name]; ok {
			values[name] = asType(at, v)
			continue
		}
		values[name] = nullOf(at)
	}
	obj, diags := types.ObjectValue(typ.AttrTypes(), values)
	if diags.HasError() {
		t.Fatalf("building block: %v", diags)
	}
	return obj
}

// asType gives a plain string the attribute's own string type (normalised
// host names and URLs have theirs).
func asType(at attr.Type, v attr.Value) attr.Value {
	st, isStringType := at.(basetypes.StringTypable)
	s, isString := v.(basetypes.StringValue)
	if !isStringType || !isString || at.Equal(types.StringType) {
		return v
	}
	out, _ := st.ValueFromString(context.Background(), s)
	return out
}

func nullOf(at attr.Type) attr.Value {
	if _, ok := at.(basetypes.StringTypable); ok {
		return asType(at, types.StringNull())
	}
	switch at := at.(type) {
	case types.ObjectType:
		return types.ObjectNull(at.AttrTypes)
	case types.ListType:
		return types.ListNull(at.ElemType)
	}
	switch at {
	case types.Int64Type:
		return types.Int64Null()
	case types.BoolType:
		return types.BoolNull()
	}
	return types.StringNull()
}

func TestAPIConfigAndBackKeepSecretsAndOmitNulls(t *testing.T) {
	plan := objectFrom(t, Snowflake, map[string]attr.Value{
		"host": sv("acme.snowflakecomputing.com"), "port": types.Int64Value(443), "warehouse": sv("WH"),
		"database": sv("DB"), "authentication_type": sv("userPassword"), "username": sv("U"),
		"password_wo_version": types.Int64Value(2),
	})
	config := objectFrom(t, Snowflake, map[string]attr.Value{"password_wo": sv("from-config-only")})

	payload := Snowflake.APIConfig(plan, config)
	if payload["password"] != "from-config-only" {
		t.Errorf("write-only password not taken from the configuration: %v", payload["password"])
	}
	if payload["port"] != int64(443) || payload["host"] != "acme.snowflakecomputing.com" {
		t.Errorf("payload = %v", payload)
	}
	for _, absent := range []string{"role", "privateKey", "audit", "password_wo", "passwordWoVersion"} {
		if _, ok := payload[absent]; ok {
			t.Errorf("payload has %s, which was null or is not an API field", absent)
		}
	}

	// Immuta answers the secret redacted and fills in a default.
	answer := map[string]any{
		"host": "acme.snowflakecomputing.com", "port": float64(443), "warehouse": "WH", "database": "DB",
		"authenticationType": "userPassword", "username": "U", "password": "[REDACTED]",
		"audit": map[string]any{"enabled": false}, "unknownFutureField": "ignored",
	}
	block, err := Snowflake.BlockFromAPI(answer, plan, false)
	if err != nil {
		t.Fatal(err)
	}
	attrs := block.Attributes()
	if !attrs["password"].IsNull() {
		t.Errorf("password = %v: a redacted secret must keep the prior value (null here: write-only)", attrs["password"])
	}
	if !attrs["password_wo"].IsNull() {
		t.Error("write-only values must never reach state")
	}
	if !attrs["password_wo_version"].Equal(types.Int64Value(2)) {
		t.Errorf("password_wo_version = %v, want the prior 2", attrs["password_wo_version"])
	}
	if !attrs["port"].Equal(types.Int64Value(443)) {
		t.Errorf("port = %v", attrs["port"])
	}
	audit := attrs["audit"].(types.Object).Attributes()
	if !audit["enabled"].Equal(types.BoolValue(false)) {
		t.Errorf("audit.enabled = %v", audit["enabled"])
	}
}

func TestBlockFromAPIRejectsWrongTypes(t *testing.T) {
	for name, answer := range map[string]map[string]any{
		"port as text":     {"port": "not-a-number"},
		"port fractional":  {"port": 443.5},
		"list of numbers":  {"workspaces": map[string]any{"warehouses": []any{1.0}}},
		"object as string": {"audit": "yes"},
	} {
		if _, err := Snowflake.BlockFromAPI(answer, types.ObjectNull(Snowflake.AttrTypes()), false); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestValidateVariants(t *testing.T) {
	cases := []struct {
		name         string
		typ          *Type
		set          map[string]attr.Value
		autoBoot     bool
		checkSecrets bool
		wantPaths    []string
	}{
		{"userPassword without username", Snowflake, map[string]attr.Value{"authentication_type": sv("userPassword"), "password": sv("p")}, false, true,
			[]string{"snowflake.username"}},
		{"secret missing only matters when sending", Snowflake, map[string]attr.Value{"authentication_type": sv("userPassword"), "username": sv("u")}, false, false,
			nil},
		{"secret missing when sending", Snowflake, map[string]attr.Value{"authentication_type": sv("userPassword"), "username": sv("u")}, false, true,
			[]string{"snowflake.password"}},
		{"write-only satisfies the secret", Snowflake, map[string]attr.Value{"authentication_type": sv("userPassword"), "username": sv("u"), "password_wo": sv("p")}, false, true,
			nil},
		{"field of another auth type", Snowflake, map[string]attr.Value{"authentication_type": sv("userPassword"), "username": sv("u"), "password": sv("p"), "private_key_password": sv("x")}, false, true,
			[]string{"snowflake.private_key_password"}},
		{"role needed by auto_bootstrap", Snowflake, map[string]attr.Value{"authentication_type": sv("userPassword"), "username": sv("u"), "password": sv("p")}, true, true,
			[]string{"snowflake.role"}},
		{"unknown discriminator defers", Snowflake, map[string]attr.Value{"authentication_type": types.StringUnknown()}, false, true,
			nil},
		{"redshift access key", Redshift, map[string]attr.Value{"authentication_type": sv("accessKey"), "username": sv("u")}, false, true,
			[]string{"redshift.database_user", "redshift.access_key_id", "redshift.secret_key", "redshift.username"}},
		{"s3 auto with access key secret", S3, map[string]attr.Value{"authentication_type": sv("auto"), "aws_secret_access_key": sv("s")}, false, true,
			[]string{"s3.aws_secret_access_key"}},
		{"bigquery always needs its credential", BigQuery, map[string]attr.Value{}, false, true,
			[]string{"bigquery.credential"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			diags := tc.typ.Validate(objectFrom(t, tc.typ, tc.set), types.BoolValue(tc.autoBoot), tc.checkSecrets)
			var got []string
			for _, d := range diags {
				wp, ok := d.(interface{ Path() path.Path })
				if !ok {
					t.Fatalf("diagnostic without attribute: %s", d.Summary())
				}
				got = append(got, wp.Path().String())
				if !strings.Contains(d.Detail(), wp.Path().String()) {
					t.Errorf("detail %q does not name %s", d.Detail(), wp.Path())
				}
			}
			if strings.Join(got, ",") != strings.Join(tc.wantPaths, ",") {
				t.Errorf("errors on %v, want %v", got, tc.wantPaths)
			}
		})
	}
}
