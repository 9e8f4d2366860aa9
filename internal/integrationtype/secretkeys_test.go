// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package integrationtype

import (
	"slices"
	"strings"
	"testing"
)

// The walk finds secrets at any depth, sensitive fields too, once each.
func TestSecretJSONKeysWalk(t *testing.T) {
	types := []*Type{
		{Block: "a", Fields: []Field{
			{Name: "host", JSON: "host"},
			{Name: "pw", JSON: "pw", Secret: true},
			{Name: "outer", JSON: "outer", Kind: Object, Fields: []Field{
				{Name: "inner", JSON: "inner", Kind: Object, Fields: []Field{
					{Name: "deep", JSON: "deepSecret", Secret: true},
					{Name: "plain", JSON: "plain"},
				}},
			}},
			{Name: "trigger", JSON: "trigger", Local: true},
		}},
		{Block: "b", Fields: []Field{
			{Name: "pw", JSON: "pw", Secret: true},
			{Name: "key", JSON: "issuedKey", Computed: true, Sensitive: true},
		}},
	}
	got := secretJSONKeys(types)
	if want := []string{"deepSecret", "issuedKey", "pw"}; !slices.Equal(got, want) {
		t.Errorf("secretJSONKeys = %q, want %q", got, want)
	}
}

// apiDocSecrets are the secrets column of IMMUTA_API.md (Payload), last
// path segment only: the client masks keys at any depth.
var apiDocSecrets = []string{
	"password", "content", "privateKeyPassword", "clientSecret", // Snowflake
	"token",                     // Databricks
	"secretKey", "sessionToken", // Redshift
	"credential",         // BigQuery
	"awsSecretAccessKey", // S3
	"apiKey",             // Trino
}

func TestSecretJSONKeysCoverTheAPIDocSecrets(t *testing.T) {
	got := SecretJSONKeys()
	for _, k := range apiDocSecrets {
		if !slices.Contains(got, k) {
			t.Errorf("%s is a secret in IMMUTA_API.md but not in SecretJSONKeys %q", k, got)
		}
	}
	for _, k := range got {
		if k == "" || strings.TrimSpace(k) != k {
			t.Errorf("SecretJSONKeys holds an unusable key %q", k)
		}
	}
}

// TestTablesUseTheAPIJSONNames checks the JSON names that are easy to get
// wrong (IMMUTA_API.md, Payload), by JSON path.
func TestTablesUseTheAPIJSONNames(t *testing.T) {
	cases := map[*Type][]string{
		Databricks:   {"workspaceUrl", "httpPath", "groupPattern.deny"},
		Redshift:     {"initialDatabase", "accessKeyId", "secretKey", "sessionToken"},
		AzureSynapse: {"metadataDelimiters.hashDelimiter", "metadataDelimiters.hashKeyDelimiter", "metadataDelimiters.arrayDelimiter"},
		BigQuery:     {"datasetSuffix", "credential"},
		S3:           {"awsAccountId", "awsLocationPath", "awsSecretAccessKey"},
		Trino:        {"apiKey"},
		Snowflake:    {"privateKey.keyName", "privateKey.content", "oAuthClientConfig.oauthPrivateKey.content", "oAuthClientConfig.clientId", "lineage.ingestBatchSize", "userRolePattern.exclude"},
	}
	for typ, paths := range cases {
		for _, p := range paths {
			if !hasJSONPath(typ.Fields, strings.Split(p, ".")) {
				t.Errorf("%s: no field at JSON path %s", typ.APIName, p)
			}
		}
	}
}

func hasJSONPath(fields []Field, parts []string) bool {
	for i, name := range parts {
		j := slices.IndexFunc(fields, func(f Field) bool { return f.JSON == name && !f.Local })
		if j < 0 {
			return false
		}
		if i == len(parts)-1 {
			return true
		}
		fields = fields[j].Fields
	}
	return false
}
