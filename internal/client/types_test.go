// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package client

import (
	"encoding/json"
	"testing"
)

func ptr[T any](v T) *T { return &v }

func TestPayloadMarshal(t *testing.T) {
	var nilCfg map[string]any
	cases := []struct {
		name string
		p    any
		want string
	}{
		{"trino has no config", Payload{Type: "Trino"}, `{"type":"Trino"}`},
		{"typed nil config omitted", Payload{Type: "Snowflake", AutoBootstrap: ptr(true), Config: nilCfg}, `{"type":"Snowflake","autoBootstrap":true}`},
		{"false autoBootstrap kept", Payload{Type: "Google BigQuery", AutoBootstrap: ptr(false), Config: map[string]any{"dataset": "immuta"}},
			`{"type":"Google BigQuery","autoBootstrap":false,"config":{"dataset":"immuta"}}`},
		{"map config as given", Payload{Type: "Native S3", AutoBootstrap: ptr(false), Config: map[string]any{"name": "s3", "port": 443}},
			`{"type":"Native S3","autoBootstrap":false,"config":{"name":"s3","port":443}}`},
		// Raw JSON keeps its nesting and its key order.
		{"nested raw config", Payload{Type: "Snowflake", AutoBootstrap: ptr(true), Config: json.RawMessage(`{"host":"h","port":443,` +
			`"privateKey":{"keyName":"PRIV_KEY_FILE","content":"pem"},"workspaces":{"enabled":true,"warehouses":["W1"]}}`)},
			`{"type":"Snowflake","autoBootstrap":true,"config":{"host":"h","port":443,` +
				`"privateKey":{"keyName":"PRIV_KEY_FILE","content":"pem"},"workspaces":{"enabled":true,"warehouses":["W1"]}}}`},
		{"empty delete request", DeleteRequest{}, `{}`},
		{"typed nil delete config omitted", DeleteRequest{Config: nilCfg}, `{}`},
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

func TestIntegrationDecodingTolerance(t *testing.T) {
	for _, raw := range []string{
		`{"id":7,"type":"Snowflake","status":"enabled","unknownField":{"x":1},"config":{"host":"h","port":443}}`,
		`{"id":"7","type":"Snowflake","status":"enabled","config":{"host":"h","port":443,"newThing":true}}`,
	} {
		var i Integration
		if err := json.Unmarshal([]byte(raw), &i); err != nil {
			t.Fatalf("%s: %v", raw, err)
		}
		if i.ID != "7" || i.Status != StatusEnabled || i.Type != "Snowflake" {
			t.Errorf("%s: decoded %+v", raw, i)
		}
		var cfg map[string]any
		if err := i.DecodeConfig(&cfg); err != nil {
			t.Fatal(err)
		}
		if cfg["host"] != "h" || cfg["port"] != float64(443) {
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
		if got := isTransitional(s); got != transitional[s] {
			t.Errorf("isTransitional(%q) = %v", s, got)
		}
		if got := isTerminal(s); got == transitional[s] {
			t.Errorf("isTerminal(%q) = %v", s, got)
		}
		if got := isFailed(s); got != failedSet[s] {
			t.Errorf("isFailed(%q) = %v", s, got)
		}
	}
	if n := len(TerminalStatuses()); n != 8 {
		t.Errorf("TerminalStatuses has %d entries", n)
	}
}
