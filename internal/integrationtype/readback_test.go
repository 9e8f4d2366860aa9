// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package integrationtype

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// objectOf builds a nested object of field name in typ with the given
// children set and every other one null.
func objectOf(t *testing.T, typ *Type, name string, set map[string]attr.Value) types.Object {
	t.Helper()
	ot := typ.AttrTypes()[name].(types.ObjectType)
	values := map[string]attr.Value{}
	for n, at := range ot.AttrTypes {
		if v, ok := set[n]; ok {
			values[n] = asType(at, v)
		} else {
			values[n] = nullOf(at)
		}
	}
	obj, diags := types.ObjectValue(ot.AttrTypes, values)
	if diags.HasError() {
		t.Fatalf("building %s: %v", name, diags)
	}
	return obj
}

func strList(items ...string) types.List {
	elems := make([]attr.Value, len(items))
	for i, s := range items {
		elems[i] = sv(s)
	}
	return types.ListValueMust(types.StringType, elems)
}

// A field the answer leaves out (or answers null) keeps its prior value at
// every depth; only a field present with another value changes.
func TestBlockFromAPIKeepsWhatTheAnswerLeavesOut(t *testing.T) {
	prior := objectFrom(t, Snowflake, map[string]attr.Value{
		"host": sv("acme.snowflakecomputing.com"), "port": types.Int64Value(8443), "warehouse": sv("WH"), "database": sv("DB"),
		"authentication_type": sv("userPassword"), "username": sv("U"), "password": sv("secret"),
		"workspaces": objectOf(t, Snowflake, "workspaces", map[string]attr.Value{"enabled": types.BoolValue(true), "warehouses": strList("A", "B")}),
		"lineage": objectOf(t, Snowflake, "lineage", map[string]attr.Value{
			"enabled": types.BoolValue(true), "ingest_batch_size": types.Int64Value(500), "table_filter": sv("T.*"), "tag_filter_regex": sv(".*")}),
	})
	answer := map[string]any{
		"host":      "acme.snowflakecomputing.com",
		"warehouse": "OTHER_WH", // present with another value: drift
		// port, database, credentials left out; workspaces answered null
		"workspaces": nil,
		"lineage":    map[string]any{"enabled": true, "tableFilter": "T.*"}, // ingestBatchSize left out
	}
	block, err := Snowflake.BlockFromAPI(answer, prior, false)
	if err != nil {
		t.Fatal(err)
	}
	got := block.Attributes()
	want := map[string]attr.Value{
		"warehouse": sv("OTHER_WH"), "port": types.Int64Value(8443), "database": sv("DB"),
		"authentication_type": sv("userPassword"), "username": sv("U"), "password": sv("secret"),
		"workspaces": prior.Attributes()["workspaces"],
	}
	for name, w := range want {
		if !got[name].Equal(w) {
			t.Errorf("%s = %v, want %v", name, got[name], w)
		}
	}
	lineage := got["lineage"].(types.Object).Attributes()
	if !lineage["ingest_batch_size"].Equal(types.Int64Value(500)) {
		t.Errorf("lineage.ingest_batch_size = %v: a nested field left out must keep its prior value 500", lineage["ingest_batch_size"])
	}
}

// With no prior value (an import), a field left out takes its documented
// default, and one without a default is null.
func TestBlockFromAPIFillsDefaultsOnlyWithoutPrior(t *testing.T) {
	block, err := Snowflake.BlockFromAPI(map[string]any{"host": "h.snowflakecomputing.com"}, types.ObjectNull(Snowflake.AttrTypes()), false)
	if err != nil {
		t.Fatal(err)
	}
	got := block.Attributes()
	if !got["port"].Equal(types.Int64Value(443)) {
		t.Errorf("port = %v, want the documented default 443", got["port"])
	}
	if !got["audit"].(types.Object).Attributes()["enabled"].Equal(types.BoolValue(false)) {
		t.Errorf("audit = %v, want the documented default (enabled = false)", got["audit"])
	}
	for _, name := range []string{"workspaces", "lineage", "impersonation", "username"} {
		if !got[name].IsNull() {
			t.Errorf("%s = %v: no documented default, so an import leaves it null", name, got[name])
		}
	}
}

// Immuta keeps no privileged credentials after an auto-bootstrap: they come
// from Terraform only, whatever the answer holds. A manual set-up's
// credentials are Immuta's and read back.
func TestBlockFromAPIAutoBootstrapCredentialsComeFromTerraform(t *testing.T) {
	prior := objectFrom(t, Redshift, map[string]attr.Value{
		"host": sv("r.redshift.amazonaws.com"), "authentication_type": sv("userPassword"), "username": sv("setup_admin"),
	})
	answer := map[string]any{"host": "r.redshift.amazonaws.com", "authenticationType": "accessKey", "username": "someone_else"}
	auto, err := Redshift.BlockFromAPI(answer, prior, true)
	if err != nil {
		t.Fatal(err)
	}
	if got := auto.Attributes(); !got["username"].Equal(sv("setup_admin")) || !got["authentication_type"].Equal(sv("userPassword")) {
		t.Errorf("auto-bootstrapped: username %v, authentication_type %v: must stay as Terraform has them", got["username"], got["authentication_type"])
	}
	manual, err := Redshift.BlockFromAPI(answer, prior, false)
	if err != nil {
		t.Fatal(err)
	}
	if got := manual.Attributes(); !got["username"].Equal(sv("someone_else")) {
		t.Errorf("manual set-up: username %v, want Immuta's answer", got["username"])
	}
}

// Databricks' groupPattern.deny is one string; an answer holding a list of
// one is read as that string, an empty list as nothing, a longer one is an
// error.
func TestDatabricksDenyIsOneString(t *testing.T) {
	prior := objectFrom(t, Databricks, map[string]attr.Value{
		"group_pattern": objectOf(t, Databricks, "group_pattern", map[string]attr.Value{"deny": sv("exempt")}),
	})
	for name, tc := range map[string]struct {
		deny any
		want string
	}{
		"string":             {"exempt-2", "exempt-2"},
		"one-element list":   {[]any{"exempt-3"}, "exempt-3"},
		"empty list (prior)": {[]any{}, "exempt"},
	} {
		block, err := Databricks.BlockFromAPI(map[string]any{"groupPattern": map[string]any{"deny": tc.deny}}, prior, false)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		got := block.Attributes()["group_pattern"].(types.Object).Attributes()["deny"]
		if !got.Equal(sv(tc.want)) {
			t.Errorf("%s: deny = %v, want %q", name, got, tc.want)
		}
	}
	_, err := Databricks.BlockFromAPI(map[string]any{"groupPattern": map[string]any{"deny": []any{"a", "b"}}}, prior, false)
	if err == nil || !strings.Contains(err.Error(), "deny") {
		t.Errorf("a list of two groups was accepted or the error does not name deny: %v", err)
	}
}

// BigQuery and S3 have no port: Immuta documents none.
func TestNoPortWhereImmutaDocumentsNone(t *testing.T) {
	for _, typ := range []*Type{BigQuery, S3, Trino} {
		if _, ok := typ.Field("port"); ok {
			t.Errorf("%s has a port field", typ.Block)
		}
	}
	for _, typ := range []*Type{Snowflake, Databricks, Redshift, AzureSynapse} {
		if _, ok := typ.Field("port"); !ok {
			t.Errorf("%s lost its port field", typ.Block)
		}
	}
}

// Nothing the user left out goes on the wire unless Immuta documents it as a
// default: a minimal block's payload holds only what was set and the
// documented defaults the plan filled in.
func TestPayloadOfUnsetServerComputedFieldsIsEmpty(t *testing.T) {
	plan := objectFrom(t, Snowflake, map[string]attr.Value{
		"host": sv("h.snowflakecomputing.com"), "warehouse": sv("WH"), "database": sv("DB"), "authentication_type": sv("oAuthClientCredentials"),
		"workspaces": types.ObjectUnknown(Snowflake.AttrTypes()["workspaces"].(types.ObjectType).AttrTypes),
		"oauth_client_config": objectOf(t, Snowflake, "oauth_client_config", map[string]attr.Value{
			"provider": sv("Okta"), "client_id": sv("c"), "authority_url": sv("https://idp/token"), "client_secret": sv("s"),
			"use_certificate": types.BoolUnknown(),
		}),
	})
	payload := Snowflake.APIConfig(plan, types.ObjectNull(Snowflake.AttrTypes()))
	if _, ok := payload["workspaces"]; ok {
		t.Errorf("workspaces sent although unknown in the plan: %v", payload["workspaces"])
	}
	oauth := payload["oAuthClientConfig"].(map[string]any)
	if _, ok := oauth["useCertificate"]; ok {
		t.Errorf("useCertificate sent although the user left it out: %v", oauth)
	}
	// The provider's checks read a missing use_certificate as Immuta does: false.
	config := objectFrom(t, Snowflake, map[string]attr.Value{
		"host": sv("h.snowflakecomputing.com"), "warehouse": sv("WH"), "database": sv("DB"), "authentication_type": sv("oAuthClientCredentials"),
		"oauth_client_config": objectOf(t, Snowflake, "oauth_client_config", map[string]attr.Value{
			"provider": sv("Okta"), "client_id": sv("c"), "authority_url": sv("https://idp/token")}),
	})
	diags := Snowflake.Validate(config, types.BoolValue(false), true)
	if !diags.HasError() || !strings.Contains(diags[0].Detail(), "client_secret") {
		t.Errorf("a missing client_secret (use_certificate left out, read as false) was not reported: %v", diags)
	}
}

func TestDeleteCredentialsFromStateAndLookup(t *testing.T) {
	env := map[string]string{}
	lookup := func(p string) (string, bool) { v, ok := env[p]; return v, ok }

	// Everything in state: sent as is, nothing looked up.
	full := objectFrom(t, Snowflake, map[string]attr.Value{
		"host": sv("h"), "role": sv("ACCOUNTADMIN"), "authentication_type": sv("userPassword"), "username": sv("U"), "password": sv("p"),
	})
	creds, missing := Snowflake.DeleteCredentialsFrom(full, lookup)
	if len(missing) != 0 || creds["password"] != "p" || creds["role"] != "ACCOUNTADMIN" || creds["username"] != "U" || creds["authenticationType"] != "userPassword" {
		t.Errorf("from state: creds %v, missing %v", creds, missing)
	}
	if _, ok := creds["host"]; ok {
		t.Errorf("host is not a credential: %v", creds)
	}

	// An imported integration: state holds none of them; what the lookup has
	// fills in, the rest is reported by path.
	imported := objectFrom(t, Snowflake, map[string]attr.Value{"host": sv("h")})
	_, missing = Snowflake.DeleteCredentialsFrom(imported, lookup)
	if strings.Join(missing, ",") != "authentication_type,role" {
		t.Errorf("imported, empty lookup: missing %v, want authentication_type and role (the rest depends on the type)", missing)
	}
	env["authentication_type"], env["role"], env["username"] = "keyPair", "SYSADMIN", "KP_USER"
	_, missing = Snowflake.DeleteCredentialsFrom(imported, lookup)
	if strings.Join(missing, ",") != "private_key.content" {
		t.Errorf("keyPair from the lookup: missing %v, want private_key.content", missing)
	}
	env["private_key.content"] = "PEM"
	creds, missing = Snowflake.DeleteCredentialsFrom(imported, lookup)
	pk, _ := creds["privateKey"].(map[string]any)
	if len(missing) != 0 || creds["authenticationType"] != "keyPair" || creds["username"] != "KP_USER" || pk["content"] != "PEM" {
		t.Errorf("keyPair: creds %v, missing %v", creds, missing)
	}

	// OAuth: the object's required fields and the variant of use_certificate
	// (left out: read as false, so the client secret).
	clear(env)
	env["authentication_type"], env["role"] = "oAuthClientCredentials", "R"
	_, missing = Snowflake.DeleteCredentialsFrom(imported, lookup)
	want := []string{"oauth_client_config.provider", "oauth_client_config.client_id", "oauth_client_config.authority_url", "oauth_client_config.client_secret"}
	slices.Sort(want)
	slices.Sort(missing)
	if !slices.Equal(missing, want) {
		t.Errorf("oauth: missing %v, want %v", missing, want)
	}

	// Synapse's one authentication type is its documented default.
	clear(env)
	creds, missing = AzureSynapse.DeleteCredentialsFrom(objectFrom(t, AzureSynapse, map[string]attr.Value{"host": sv("s")}), lookup)
	if creds["authenticationType"] != "userPassword" || strings.Join(missing, ",") != "username,password" {
		t.Errorf("synapse: creds %v, missing %v", creds, missing)
	}

	// Types whose DELETE takes no credentials.
	for _, typ := range []*Type{Databricks, BigQuery, S3, Trino} {
		if creds, missing := typ.DeleteCredentialsFrom(objectFrom(t, typ, nil), lookup); creds != nil || missing != nil {
			t.Errorf("%s: DELETE never takes credentials, got %v / %v", typ.Block, creds, missing)
		}
	}
}

// Host names and https URLs that Immuta answers in another form are
// semantically equal to the configured value; a real change is not.
func TestNormalizedValuesCompareByMeaning(t *testing.T) {
	ctx := context.Background()
	host, _ := Snowflake.Field("host")
	oauth, _ := Snowflake.Field("oauth_client_config")
	authority, _ := oauth.child("authority_url")
	for _, tc := range []struct {
		f      Field
		a, b   string
		banner string
		equal  bool
	}{
		{host, "ACME.us-east-1.snowflakecomputing.com", "acme.us-east-1.snowflakecomputing.com", "host case", true},
		{host, "acme.snowflakecomputing.com", "acme.snowflakecomputing.com.", "host trailing dot", true},
		{host, "acme.snowflakecomputing.com", "other.snowflakecomputing.com", "another host", false},
		{authority, "https://IdP.example.com/oauth2/token/", "https://idp.example.com/oauth2/token", "URL host case and trailing slash", true},
		{authority, "https://idp.example.com/OAuth2/token", "https://idp.example.com/oauth2/token", "URL path case", false},
	} {
		a := stringValue(tc.f, tc.a).(normalizedString)
		equal, diags := a.StringSemanticEquals(ctx, stringValue(tc.f, tc.b).(normalizedString))
		if diags.HasError() || equal != tc.equal {
			t.Errorf("%s: %q vs %q semantically equal = %t, want %t (%v)", tc.banner, tc.a, tc.b, equal, tc.equal, diags)
		}
	}
	if d, _ := Snowflake.Field("database"); d.Normalize != AsIs {
		t.Error("database names are not normalised")
	}
}

// The host key of an answer matches the payload's although the answer leaves
// a field at its default out, or answers a host name in lower case.
func TestHostKeyOfReadsDefaultsAndNormalForms(t *testing.T) {
	payload := map[string]any{"dataset": "immuta", "location": "US"}
	answer := map[string]any{"location": "US"}
	if a, b := BigQuery.HostKeyOf(payload), BigQuery.HostKeyOf(answer); a != b || a != "immuta/US" {
		t.Errorf("payload %q, answer %q", a, b)
	}
	if a, b := Snowflake.HostKeyOf(map[string]any{"host": "ACME.snowflakecomputing.com"}), Snowflake.HostKeyOf(map[string]any{"host": "acme.snowflakecomputing.com"}); a != b {
		t.Errorf("payload %q, answer %q", a, b)
	}
}
