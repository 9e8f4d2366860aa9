// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"reflect"
	"testing"
)

// Databricks' proxyOptions (IMMUTA_API.md, Settings beyond the schema) is
// held and answered as sent, in both answer styles; its members are not
// documented, so any object is accepted and anything else refused. A PUT
// replaces the whole configuration: one that leaves proxyOptions out loses
// it, as on Immuta.
func TestProxyOptionsHeldAndReplacedByPut(t *testing.T) {
	proxy := map[string]any{"host": "proxy.acme.internal", "port": 3128.0, "nested": map[string]any{"list": []any{"a", "b"}}}
	for _, style := range []AnswerStyle{AnswerEcho, AnswerLiteral} {
		t.Run(string(style), func(t *testing.T) {
			_, c := startStyle(t, 0, style)
			p := databricks("dbc-proxy.cloud.databricks.com")
			p["config"].(map[string]any)["proxyOptions"] = proxy
			id := c.create(p)
			c.waitStatus(id, "enabled")
			if got := at(c.do("GET", "/integrations/"+id, nil).body, "config.proxyOptions"); !reflect.DeepEqual(got, proxy) {
				t.Fatalf("GET answers proxyOptions %#v, want %#v", got, proxy)
			}

			bad := databricks("dbc-proxy.cloud.databricks.com")
			bad["config"].(map[string]any)["proxyOptions"] = "proxy.acme.internal:3128"
			expectError(t, c.do("PUT", "/integrations/"+id, bad), 400, `Invalid request payload: "config.proxyOptions" must be of type object.`)

			r := c.do("PUT", "/integrations/"+id, databricks("dbc-proxy.cloud.databricks.com"))
			expectStatus(t, r, 200)
			c.waitStatus(id, "enabled")
			if got := at(c.do("GET", "/integrations/"+id, nil).body, "config.proxyOptions"); got != nil {
				t.Fatalf("after a PUT without proxyOptions, GET answers %#v: a PUT must replace the whole configuration", got)
			}
		})
	}
}
