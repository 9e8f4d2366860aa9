// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package integrationtype

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// walkDataSource calls fn for every attribute, nested ones included, with its dotted path.
func walkDataSource(prefix string, attrs map[string]schema.Attribute, fn func(string, schema.Attribute)) {
	for name, a := range attrs {
		p := prefix + name
		fn(p, a)
		if n, ok := a.(schema.SingleNestedAttribute); ok {
			walkDataSource(p+".", n.Attributes, fn)
		}
	}
}

// walkFields calls fn for every field, nested ones included, with its dotted path.
func walkFields(prefix string, fields []Field, fn func(string, Field)) {
	for _, f := range fields {
		p := prefix + f.Name
		fn(p, f)
		walkFields(p+".", f.Fields, fn)
	}
}

func TestDataSourceAttributes_noSecretsAllComputed(t *testing.T) {
	for _, typ := range All {
		attrs := map[string]schema.Attribute{}
		walkDataSource("", typ.DataSourceBlock().Attributes, func(p string, a schema.Attribute) { attrs[p] = a })
		walkFields("", typ.Fields, func(p string, f Field) {
			_, present := attrs[p]
			switch {
			case f.Secret || f.Local:
				if present {
					t.Errorf("%s.%s (secret or local) is in the data source", typ.Block, p)
				}
			case !present && !hasSecretOrLocalAncestor(typ, p):
				t.Errorf("%s.%s is missing from the data source", typ.Block, p)
			}
		})
		for p, a := range attrs {
			if strings.HasSuffix(p, "_wo") || strings.HasSuffix(p, "_wo_version") {
				t.Errorf("%s.%s: write-only siblings have no place in a data source", typ.Block, p)
			}
			if !a.IsComputed() || a.IsOptional() || a.IsRequired() {
				t.Errorf("%s.%s must be computed only", typ.Block, p)
			}
		}
	}
	key, ok := Trino.DataSourceBlock().Attributes["api_key"]
	if !ok || !key.IsSensitive() {
		t.Errorf("trino.api_key must be in the data source and sensitive, got %#v", key)
	}
	if _, ok := Trino.DataSourceBlock().Attributes["rotate_api_key"]; ok {
		t.Error("trino.rotate_api_key is a resource-only trigger")
	}
}

func hasSecretOrLocalAncestor(typ *Type, dotted string) bool {
	fields := typ.Fields
	for _, name := range strings.Split(dotted, ".") {
		f, ok := findField(fields, name)
		if !ok {
			return false
		}
		if f.Secret || f.Local {
			return true
		}
		fields = f.Fields
	}
	return false
}

func TestDataSourceBlockFromAPI(t *testing.T) {
	cfg := map[string]any{
		"host": "acme.snowflakecomputing.com", "port": float64(443), "warehouse": "WH", "database": "DB",
		"authenticationType": "keyPair", "username": "U", "password": "[REDACTED]",
		"privateKey":  map[string]any{"keyName": "PRIV_KEY_FILE", "content": "[REDACTED]"},
		"workspaces":  map[string]any{"enabled": true, "warehouses": []any{"A", "B"}},
		"unknownNext": "ignored",
	}
	obj, err := Snowflake.DataSourceBlockFromAPI(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if !obj.Type(t.Context()).Equal(types.ObjectType{AttrTypes: Snowflake.DataSourceAttrTypes()}) {
		t.Fatalf("block type %s does not match DataSourceAttrTypes", obj.Type(t.Context()))
	}
	a := obj.Attributes()
	if _, ok := a["password"]; ok {
		t.Error("password is in the block")
	}
	if got := a["host"]; !got.Equal(types.StringValue("acme.snowflakecomputing.com")) {
		t.Errorf("host = %s", got)
	}
	pk, ok := a["private_key"].(types.Object)
	if !ok {
		t.Fatalf("private_key is %T", a["private_key"])
	}
	if _, ok := pk.Attributes()["content"]; ok {
		t.Error("private_key.content is in the block")
	}
	if got := pk.Attributes()["key_name"]; !got.Equal(types.StringValue("PRIV_KEY_FILE")) {
		t.Errorf("private_key.key_name = %s", got)
	}
	ws, _ := a["workspaces"].(types.Object)
	want := types.ListValueMust(types.StringType, []attr.Value{types.StringValue("A"), types.StringValue("B")})
	if got := ws.Attributes()["warehouses"]; !got.Equal(want) {
		t.Errorf("workspaces.warehouses = %s", got)
	}
	if got := a["role"]; !got.IsNull() {
		t.Errorf("role, absent from the API's answer, = %s, want null", got)
	}

	trino, err := Trino.DataSourceBlockFromAPI(map[string]any{"apiKey": "k-123"})
	if err != nil {
		t.Fatal(err)
	}
	if got := trino.Attributes()["api_key"]; !got.Equal(types.StringValue("k-123")) {
		t.Errorf("trino api_key = %s", got)
	}

	if _, err := Snowflake.DataSourceBlockFromAPI(map[string]any{"port": "not a number"}); err == nil {
		t.Error("a malformed port was accepted")
	}
}

func TestDataSourceInputAttributes(t *testing.T) {
	for _, typ := range All {
		attrs := map[string]schema.Attribute{}
		walkDataSource("", typ.DataSourceInputBlock().Attributes, func(p string, a schema.Attribute) { attrs[p] = a })
		walkFields("", typ.Fields, func(p string, f Field) {
			a, present := attrs[p]
			if f.Computed || f.Local {
				if present {
					t.Errorf("%s.%s (computed or local) is an input", typ.Block, p)
				}
				return
			}
			if !present {
				t.Errorf("%s.%s is missing from the inputs", typ.Block, p)
				return
			}
			if a.IsRequired() != f.Required || a.IsComputed() {
				t.Errorf("%s.%s: required = %t, computed = %t; want required = %t, not computed", typ.Block, p, a.IsRequired(), a.IsComputed(), f.Required)
			}
			if f.Secret && !a.IsSensitive() {
				t.Errorf("%s.%s is a secret and must be sensitive", typ.Block, p)
			}
		})
		for p := range attrs {
			if strings.HasSuffix(p, "_wo") || strings.HasSuffix(p, "_wo_version") {
				t.Errorf("%s.%s: data sources have no write-only attributes", typ.Block, p)
			}
		}
	}
	host, ok := Snowflake.DataSourceInputBlock().Attributes["host"].(schema.StringAttribute)
	if !ok || len(host.Validators) != 2 {
		t.Errorf("snowflake.host must keep the length and host-name validators, got %#v", host)
	}
	if got := Snowflake.DataSourceInputBlock().Attributes["port"].(schema.Int64Attribute); len(got.Validators) != 1 {
		t.Errorf("snowflake.port must keep its range validator, got %d validators", len(got.Validators))
	}
}

func TestValidateDataSourceInput(t *testing.T) {
	at := Redshift.inputAttrTypes()
	values := map[string]attr.Value{}
	for name, typ := range at {
		v, _ := defaultNullOf(typ)
		values[name] = v
	}
	values["host"] = types.StringValue("rs.example.com")
	values["database"] = types.StringValue("IMMUTA")
	values["initial_database"] = types.StringValue("dev")
	values["authentication_type"] = types.StringValue("userPassword")
	values["username"] = types.StringValue("admin")
	block := types.ObjectValueMust(at, values)

	diags := Redshift.ValidateDataSourceInput(block)
	if !diags.HasError() {
		t.Fatal("a userPassword block without password validated")
	}
	detail := diags.Errors()[0].Detail()
	if !strings.Contains(detail, "redshift.password is required") || strings.Contains(detail, "_wo") {
		t.Errorf("detail %q must name redshift.password and no write-only alternative", detail)
	}

	values["password"] = types.StringValue("pw")
	if diags := Redshift.ValidateDataSourceInput(types.ObjectValueMust(at, values)); diags.HasError() {
		t.Errorf("a complete block failed: %v", diags)
	}
}

func defaultNullOf(t attr.Type) (attr.Value, bool) {
	switch tt := t.(type) {
	case types.ObjectType:
		return types.ObjectNull(tt.AttrTypes), true
	case types.ListType:
		return types.ListNull(tt.ElemType), true
	}
	switch t {
	case types.Int64Type:
		return types.Int64Null(), true
	case types.BoolType:
		return types.BoolNull(), true
	}
	return types.StringNull(), true
}

// The object types that values are built with must be the schema's, or the
// framework rejects the state.
func TestDataSourceAttrTypesMatchSchema(t *testing.T) {
	for _, typ := range All {
		if got, want := typ.DataSourceBlock().GetType(), (types.ObjectType{AttrTypes: typ.DataSourceAttrTypes()}); !got.Equal(want) {
			t.Errorf("%s output: schema type %s, values built as %s", typ.Block, got, want)
		}
		if got, want := typ.DataSourceInputBlock().GetType(), (types.ObjectType{AttrTypes: typ.inputAttrTypes()}); !got.Equal(want) {
			t.Errorf("%s input: schema type %s, values built as %s", typ.Block, got, want)
		}
		null := types.ObjectNull(typ.inputAttrTypes())
		if _, err := typ.DataSourceInputWithDefaults(null); err != nil {
			t.Errorf("%s: defaults of a null block: %v", typ.Block, err)
		}
	}
}

func TestDataSourceInputWithDefaults(t *testing.T) {
	at := AzureSynapse.inputAttrTypes()
	values := map[string]attr.Value{}
	for name, typ := range at {
		values[name], _ = defaultNullOf(typ)
	}
	values["host"] = types.StringValue("acme.sql.azuresynapse.net")
	values["impersonation"] = types.ObjectValueMust(at["impersonation"].(types.ObjectType).AttrTypes, map[string]attr.Value{
		"enabled": types.BoolValue(true), "role": types.StringNull(),
	})
	got, err := AzureSynapse.DataSourceInputWithDefaults(types.ObjectValueMust(at, values))
	if err != nil {
		t.Fatal(err)
	}
	cfg := AzureSynapse.APIConfig(got, got)
	if cfg["authenticationType"] != "userPassword" || cfg["port"] != int64(1433) || cfg["host"] != "acme.sql.azuresynapse.net" {
		t.Errorf("defaults not filled in: %v", cfg)
	}
	if d, _ := cfg["metadataDelimiters"].(map[string]any); d["hashDelimiter"] != "|" {
		t.Errorf("metadata_delimiters default not filled in: %v", cfg["metadataDelimiters"])
	}
	if imp, _ := cfg["impersonation"].(map[string]any); imp["enabled"] != true || imp["role"] != nil {
		t.Errorf("impersonation = %v: set values kept, no default role", cfg["impersonation"])
	}
	if _, ok := cfg["password"]; ok {
		t.Error("an unset secret was sent")
	}
}
