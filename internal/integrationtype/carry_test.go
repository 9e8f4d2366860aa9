// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package integrationtype

import (
	"encoding/json"
	"reflect"
	"testing"
)

// redactedValue is how Immuta's answers write a withheld secret, as the
// provider passes it (client.RedactedValue).
const redactedValue = "[REDACTED]"

func TestUnmanagedFindsWhatTheTableDoesNotDescribe(t *testing.T) {
	databricks, _ := ByBlock("databricks")
	answer := `{
	  "workspaceUrl": "dbc-a.cloud.databricks.com", "httpPath": "/sql/1", "authenticationType": "oAuthM2M",
	  "token": "[REDACTED]",
	  "proxyOptions": {"host": "proxy",   "port": 3128, "big": 12345678901234567890, "ratio": 1.50},
	  "oAuthClientConfig": {"clientId": "c", "clientSecret": "[REDACTED]", "tokenEndpointAuthMethod": "private_key_jwt"},
	  "groupPattern": {"deny": "exempt"},
	  "futureSecret": "[REDACTED]",
	  "futureObject": {"password": "[REDACTED]", "user": "u"}
	}`
	u, err := databricks.Unmanaged(json.RawMessage(answer), redactedValue)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := u.Keys(), []string{"futureObject", "oAuthClientConfig.tokenEndpointAuthMethod", "proxyOptions"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("Keys() = %v, want %v", got, want)
	}
	// Immuta's own bytes (compacted): numbers keep their text, keys their order.
	want := `{"futureObject":{"user":"u"},"oAuthClientConfig":{"tokenEndpointAuthMethod":"private_key_jwt"},` +
		`"proxyOptions":{"host":"proxy","port":3128,"big":12345678901234567890,"ratio":1.50}}`
	if got := u.JSON(); got != want {
		t.Errorf("JSON() =\n%s\nwant\n%s", got, want)
	}
}

func TestUnmanagedOfAConfigHoldingOnlyModelledFieldsIsNil(t *testing.T) {
	snowflake, _ := ByBlock("snowflake")
	for _, raw := range []string{``, `null`, `{}`, `{"host": "a", "password": "[REDACTED]", "audit": {"enabled": true}}`} {
		u, err := snowflake.Unmanaged(json.RawMessage(raw), redactedValue)
		if err != nil || u != nil || u.JSON() != "" {
			t.Errorf("Unmanaged(%q) = %v, %v; want nil", raw, u, err)
		}
	}
	if _, err := snowflake.Unmanaged(json.RawMessage(`[1]`), redactedValue); err == nil {
		t.Error("a config that is not an object is not an error")
	}
}

func TestWithUnmanagedKeepsTheConfigurationFirst(t *testing.T) {
	databricks, _ := ByBlock("databricks")
	u, err := databricks.Unmanaged(json.RawMessage(`{"httpPath": "/old", "proxyOptions": {"host": "p"},
	  "oAuthClientConfig": {"clientId": "old", "extra": 1}, "groupPattern": {"deny": "x", "allow": "y"}}`), redactedValue)
	if err != nil {
		t.Fatal(err)
	}
	payload := map[string]any{"httpPath": "/new", "oAuthClientConfig": map[string]any{"clientId": "new"}}
	got, err := json.Marshal(WithUnmanaged(payload, u))
	if err != nil {
		t.Fatal(err)
	}
	// groupPattern is not sent, so its unmodelled key does not bring it back.
	want := `{"httpPath":"/new","oAuthClientConfig":{"clientId":"new","extra":1},"proxyOptions":{"host":"p"}}`
	if string(got) != want {
		t.Errorf("payload = %s, want %s", got, want)
	}
}

func TestOnHostComparesAsImmutaDoes(t *testing.T) {
	databricks, _ := ByBlock("databricks")
	bigquery, _ := ByBlock("bigquery")
	trino, _ := ByBlock("trino")
	for _, c := range []struct {
		t      *Type
		config string
		host   string
		want   bool
	}{
		{databricks, `{"workspaceUrl": "dbc-acme.cloud.databricks.com"}`, "DBC-Acme.cloud.databricks.com", true},
		{databricks, `{"workspaceUrl": "DBC-ACME.cloud.databricks.com."}`, "dbc-acme.cloud.databricks.com", true},
		{databricks, `{"workspaceUrl": "dbc-acme.cloud.databricks.com"}`, "dbc-other.cloud.databricks.com", false},
		{bigquery, `{"location": "US"}`, "immuta/US", true}, // dataset left out: its default
		{bigquery, `{"dataset": "other", "location": "US"}`, "immuta/US", false},
		{trino, `{}`, "", false},
	} {
		if got := c.t.OnHost([]byte(c.config), c.host); got != c.want {
			t.Errorf("%s.OnHost(%s, %q) = %v, want %v", c.t.Block, c.config, c.host, got, c.want)
		}
	}
}

func TestHTTPSURLsCompareWithoutDefaultPortOrSlash(t *testing.T) {
	for _, u := range []string{"https://Login.Example.com:443/tenant/", "https://login.example.com/tenant", "HTTPS://login.example.com:443/tenant"} {
		if got := HTTPSURL.normalize(u); got != "https://login.example.com/tenant" {
			t.Errorf("normalize(%q) = %q", u, got)
		}
	}
	if got := HTTPSURL.normalize("https://login.example.com:8443/"); got != "https://login.example.com:8443" {
		t.Errorf("another port is a difference: %q", got)
	}
}
