// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package client

import (
	"encoding/json"
	"testing"
)

func ptr[T any](v T) *T { return &v }

func TestPayloadMarshal(t *testing.T) {
	var nilCfg *SnowflakeConfig
	cases := []struct {
		name string
		p    Payload
		want string
	}{
		{"trino has no config", Payload{Type: TypeTrino}, `{"type":"Trino"}`},
		{"typed nil config omitted", Payload{Type: TypeSnowflake, AutoBootstrap: ptr(true), Config: nilCfg}, `{"type":"Snowflake","autoBootstrap":true}`},
		{"false autoBootstrap kept", Payload{Type: TypeBigQuery, AutoBootstrap: ptr(false), Config: &BigQueryConfig{Dataset: ptr("immuta")}},
			`{"type":"Google BigQuery","autoBootstrap":false,"config":{"dataset":"immuta"}}`},
		{"map config as given", Payload{Type: TypeS3, AutoBootstrap: ptr(false), Config: map[string]any{"name": "s3", "port": 443}},
			`{"type":"Native S3","autoBootstrap":false,"config":{"name":"s3","port":443}}`},
		{"nested snowflake", Payload{Type: TypeSnowflake, AutoBootstrap: ptr(true), Config: &SnowflakeConfig{
			Host: ptr("h"), Port: ptr(443), AuthenticationType: ptr(AuthKeyPair),
			PrivateKey:        &PrivateKey{KeyName: ptr("PRIV_KEY_FILE"), Content: ptr("pem")},
			OAuthClientConfig: &SnowflakeOAuthClientConfig{ClientID: ptr("cid"), OAuthPrivateKey: &PrivateKey{Content: ptr("k")}},
			Workspaces:        &SnowflakeWorkspaces{Enabled: ptr(true), Warehouses: []string{"W1"}},
			Lineage:           &SnowflakeLineage{IngestBatchSize: ptr(1000)},
			UserRolePattern:   &SnowflakeUserRolePattern{Exclude: []string{"R"}},
		}}, `{"type":"Snowflake","autoBootstrap":true,"config":{"host":"h","port":443,"authenticationType":"keyPair",` +
			`"privateKey":{"keyName":"PRIV_KEY_FILE","content":"pem"},"oAuthClientConfig":{"clientId":"cid","oauthPrivateKey":{"content":"k"}},` +
			`"workspaces":{"enabled":true,"warehouses":["W1"]},"lineage":{"ingestBatchSize":1000},"userRolePattern":{"exclude":["R"]}}}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b, err := json.Marshal(tc.p)
			if err != nil {
				t.Fatal(err)
			}
			if string(b) != tc.want {
				t.Errorf("got  %s\nwant %s", b, tc.want)
			}
		})
	}
}

func TestConfigFieldNames(t *testing.T) {
	// One JSON name per type that is easy to get wrong.
	cases := []struct {
		v    any
		want string
	}{
		{DatabricksConfig{WorkspaceURL: ptr("w"), HTTPPath: ptr("/p"), GroupPattern: &DatabricksGroupPattern{Deny: ptr("g")}}, `{"workspaceUrl":"w","httpPath":"/p","groupPattern":{"deny":"g"}}`},
		{RedshiftConfig{InitialDatabase: ptr("d"), AccessKeyID: ptr("a"), SecretKey: ptr("s"), SessionToken: ptr("t")}, `{"initialDatabase":"d","accessKeyId":"a","secretKey":"s","sessionToken":"t"}`},
		{AzureSynapseConfig{MetadataDelimiters: &MetadataDelimiters{HashDelimiter: ptr("|"), HashKeyDelimiter: ptr(":"), ArrayDelimiter: ptr(",")}}, `{"metadataDelimiters":{"hashDelimiter":"|","hashKeyDelimiter":":","arrayDelimiter":","}}`},
		{BigQueryConfig{DatasetSuffix: ptr("_x"), Credential: ptr("{}")}, `{"datasetSuffix":"_x","credential":"{}"}`},
		{S3Config{AWSAccountID: ptr("1"), AWSLocationPath: ptr("s3://b"), AWSSecretAccessKey: ptr("k")}, `{"awsAccountId":"1","awsLocationPath":"s3://b","awsSecretAccessKey":"k"}`},
		{TrinoConfig{APIKey: ptr("k")}, `{"apiKey":"k"}`},
		{DeleteRequest{}, `{}`},
	}
	for _, tc := range cases {
		b, err := json.Marshal(tc.v)
		if err != nil {
			t.Fatal(err)
		}
		if string(b) != tc.want {
			t.Errorf("%T: got %s, want %s", tc.v, b, tc.want)
		}
	}
}

func TestIntegrationDecodingTolerance(t *testing.T) {
	for _, raw := range []string{
		`{"id":7,"type":"Snowflake","status":"enabled","unknownField":{"x":1},"config":{"host":"h","port":443}}`,
		`{"id":"7","type":"Snowflake","status":"enabled","config":{"host":"h","port":443,"newThing":true}}`,
	} {
		var i Integration
		if err := json.Unmarshal([]byte(raw), &i); err != nil {
			t.Fatalf("%s: %v", raw, err)
		}
		if i.ID != "7" || i.Status != StatusEnabled || i.Type != TypeSnowflake {
			t.Errorf("%s: decoded %+v", raw, i)
		}
		var cfg SnowflakeConfig
		if err := i.DecodeConfig(&cfg); err != nil {
			t.Fatal(err)
		}
		if cfg.Host == nil || *cfg.Host != "h" || cfg.Port == nil || *cfg.Port != 443 {
			t.Errorf("config %+v", cfg)
		}
	}
	var bad Integration
	if err := json.Unmarshal([]byte(`{"id":true}`), &bad); err == nil {
		t.Error("a boolean id was accepted")
	}
	var s IntegrationStatus
	if err := json.Unmarshal([]byte(`{"id":12,"status":"creating","validationResults":{"status":"failed","validationTests":[{"name":"n","status":"failed","message":"m","result":[1]}]}}`), &s); err != nil {
		t.Fatal(err)
	}
	if s.ID != "12" || s.ValidationResults == nil || len(s.ValidationResults.Tests) != 1 || s.ValidationResults.Tests[0].Message != "m" || string(s.ValidationResults.Tests[0].Result) != "[1]" {
		t.Errorf("status %+v", s)
	}
	// No config: DecodeConfig leaves the target alone.
	i := Integration{ID: "1"}
	m := map[string]any{"keep": true}
	if err := i.DecodeConfig(&m); err != nil || m["keep"] != true {
		t.Errorf("DecodeConfig on empty config: %v %v", err, m)
	}
}

func TestStatusHelpers(t *testing.T) {
	all := []string{StatusCreating, StatusEditing, StatusDeleting, StatusMigrating, StatusEnabled, StatusRecurringValidationError,
		StatusCreateError, StatusEditError, StatusMigrateError, StatusDeleteError, StatusDisabled, StatusDeleted}
	if len(all) != 12 {
		t.Fatal("twelve statuses")
	}
	transitional := map[string]bool{StatusCreating: true, StatusEditing: true, StatusDeleting: true, StatusMigrating: true, "somethingNew": true, "": true}
	failedSet := map[string]bool{StatusCreateError: true, StatusEditError: true, StatusMigrateError: true, StatusDeleteError: true}
	for _, s := range append(all, "somethingNew", "") {
		if got := IsTransitional(s); got != transitional[s] {
			t.Errorf("IsTransitional(%q) = %v", s, got)
		}
		if got := IsTerminal(s); got == transitional[s] {
			t.Errorf("IsTerminal(%q) = %v", s, got)
		}
		if got := IsFailed(s); got != failedSet[s] {
			t.Errorf("IsFailed(%q) = %v", s, got)
		}
	}
	if n := len(TerminalStatuses()); n != 8 {
		t.Errorf("TerminalStatuses has %d entries", n)
	}
}
