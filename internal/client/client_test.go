// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package client

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestNewValidates(t *testing.T) {
	bad := []Config{
		{URL: "ftp://x", APIKey: "k"},
		{URL: "https://", APIKey: "k"},
		{URL: "acme.immuta.com", APIKey: "k"},
		{URL: "https://user:pw@acme", APIKey: "k"},
		{URL: "https://acme?x=1", APIKey: "k"},
		{URL: "https://acme", APIKey: "  "},
		{URL: "https://acme", APIKey: "a\nb"},
		{URL: "https://acme", APIKey: "k", CACertPEM: []byte("not a pem")},
		{URL: "https://acme", APIKey: "k", Insecure: true, HTTPClient: &http.Client{}},
	}
	for _, cfg := range bad {
		if _, err := New(cfg); err == nil {
			t.Errorf("New(%+v) accepted", cfg)
		} else if strings.Contains(err.Error(), "pw") {
			t.Errorf("error leaks URL credentials: %v", err)
		}
	}
	c, err := New(Config{URL: "https://acme.immuta.com/", APIKey: " k "})
	if err != nil {
		t.Fatal(err)
	}
	if c.baseURL != "https://acme.immuta.com" || c.apiKey != "k" {
		t.Errorf("baseURL %q key %q", c.baseURL, c.apiKey)
	}
	if c.http.RetryMax != 5 || c.http.RetryWaitMin != 500*time.Millisecond || c.http.RetryWaitMax != 30*time.Second || c.http.HTTPClient.Timeout != 60*time.Second {
		t.Errorf("defaults: %d %v %v %v", c.http.RetryMax, c.http.RetryWaitMin, c.http.RetryWaitMax, c.http.HTTPClient.Timeout)
	}
	tr := c.http.HTTPClient.Transport.(*http.Transport)
	if tr.TLSClientConfig.InsecureSkipVerify {
		t.Error("TLS verification off by default")
	}
	c, _ = New(Config{URL: "http://h", APIKey: "k", MaxRetries: -1})
	if c.http.RetryMax != 0 {
		t.Errorf("MaxRetries -1 gives %d retries", c.http.RetryMax)
	}
}

func TestUserAgent(t *testing.T) {
	want := "terraform-provider-immuta/1.2.3 (+https://registry.terraform.io/providers/immuta/immuta) Terraform/1.9.0"
	if got := UserAgent("1.2.3", "1.9.0"); got != want {
		t.Errorf("got %q", got)
	}
	if got := UserAgent("", ""); got != "terraform-provider-immuta/dev (+https://registry.terraform.io/providers/immuta/immuta)" {
		t.Errorf("got %q", got)
	}
}

func TestRequestHeadersAndPaths(t *testing.T) {
	r := newRecorder(t, jsonAnswer(200, `{"id":"1","status":"creating"}`))
	c := newTestClient(t, r.URL+"/", func(cfg *Config) { cfg.UserAgent = "ua/1" })
	ctx := context.Background()
	if _, err := c.CreateIntegration(ctx, Payload{Type: "Trino"}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetIntegration(ctx, "a/b"); err != nil {
		t.Fatal(err)
	}
	got := r.get(0)
	if got.Header.Get("Authorization") != testKey {
		t.Errorf("Authorization %q: want the raw key", got.Header.Get("Authorization"))
	}
	for h, want := range map[string]string{"Accept": "application/json", "Content-Type": "application/json", "User-Agent": "ua/1"} {
		if got.Header.Get(h) != want {
			t.Errorf("%s = %q", h, got.Header.Get(h))
		}
	}
	if got.Method != "POST" || got.Path != "/integrations" || got.Body != `{"type":"Trino"}` {
		t.Errorf("request %+v", got)
	}
	if p := r.get(1).Path; p != "/integrations/a/b" { // Path is decoded by the server; the id was one escaped segment
		t.Errorf("path %q", p)
	}
	if _, err := c.GetIntegration(ctx, ""); err == nil {
		t.Error("empty id accepted")
	}
}

func TestEndpointsMethodsAndPaths(t *testing.T) {
	r := newRecorder(t, func(w http.ResponseWriter, req *http.Request) {
		if req.URL.Path == "/integrations" && req.Method == "GET" {
			jsonAnswer(200, `[]`)(w, req)
			return
		}
		jsonAnswer(200, `{"id":"9","status":"enabled"}`)(w, req)
	})
	c := newTestClient(t, r.URL)
	ctx := context.Background()
	p := Payload{Type: "Snowflake", AutoBootstrap: ptr(false), Config: map[string]any{"host": "h"}}
	calls := []struct {
		do     func() error
		method string
		path   string
		body   string
	}{
		{func() error { _, err := c.ListIntegrations(ctx); return err }, "GET", "/integrations", ""},
		{func() error { _, err := c.GetIntegration(ctx, "9"); return err }, "GET", "/integrations/9", ""},
		{func() error { _, err := c.CreateIntegration(ctx, p); return err }, "POST", "/integrations", `{"type":"Snowflake","autoBootstrap":false,"config":{"host":"h"}}`},
		{func() error { _, err := c.UpdateIntegration(ctx, "9", p); return err }, "PUT", "/integrations/9", `{"type":"Snowflake","autoBootstrap":false,"config":{"host":"h"}}`},
		{func() error { _, err := c.DeleteIntegration(ctx, "9", nil); return err }, "DELETE", "/integrations/9", ""},
		{func() error {
			_, err := c.DeleteIntegration(ctx, "9", &DeleteRequest{Config: map[string]any{"username": "u"}})
			return err
		}, "DELETE", "/integrations/9", `{"config":{"username":"u"}}`},
		{func() error { _, err := c.GetIntegrationStatus(ctx, "9"); return err }, "GET", "/integrations/9/status", ""},
		{func() error { _, err := c.RegenerateAPIKey(ctx, "9"); return err }, "POST", "/integrations/9/regenerate", ""},
		{func() error { _, err := c.CreateScript(ctx, p); return err }, "POST", "/integrations/scripts/create", `{"type":"Snowflake","autoBootstrap":false,"config":{"host":"h"}}`},
		{func() error { _, err := c.InitialCreateScript(ctx, p); return err }, "POST", "/integrations/scripts/initial-create", ""},
		{func() error { _, err := c.EditScript(ctx, "9", p); return err }, "POST", "/integrations/9/scripts/edit", ""},
		{func() error { _, err := c.DeleteScript(ctx, "9", nil); return err }, "POST", "/integrations/9/scripts/delete", ""},
		{func() error { _, err := c.CleanupScript(ctx, p); return err }, "POST", "/integrations/scripts/cleanup", ""},
		{func() error { _, err := c.PostCleanupScript(ctx, p); return err }, "POST", "/integrations/scripts/post-cleanup", ""},
	}
	for i, call := range calls {
		if err := call.do(); err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
		got := r.get(i)
		if got.Method != call.method || got.Path != call.path || (call.body != "" && got.Body != call.body) {
			t.Errorf("call %d: got %s %s %s, want %s %s %s", i, got.Method, got.Path, got.Body, call.method, call.path, call.body)
		}
		if call.body == "" && (call.method == "GET" || call.method == "DELETE" || strings.HasSuffix(call.path, "regenerate")) && got.Body != "" {
			t.Errorf("call %d sent a body: %s", i, got.Body)
		}
	}
}

func TestEmptySuccessBodies(t *testing.T) {
	for _, status := range []int{200, 201, 202, 204} {
		r := newRecorder(t, func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(status) })
		c := newTestClient(t, r.URL)
		ctx := context.Background()
		if i, err := c.CreateIntegration(ctx, Payload{Type: "Trino"}); err != nil || i != nil {
			t.Errorf("%d create: %v %v", status, i, err)
		}
		if i, err := c.DeleteIntegration(ctx, "1", nil); err != nil || i != nil {
			t.Errorf("%d delete: %v %v", status, i, err)
		}
		if l, err := c.ListIntegrations(ctx); err != nil || l != nil {
			t.Errorf("%d list: %v %v", status, l, err)
		}
		if s, err := c.EditScript(ctx, "1", Payload{Type: "Trino"}); err != nil || s != "" {
			t.Errorf("%d script: %q %v", status, s, err)
		}
	}
}

func TestAcceptedWithBody(t *testing.T) {
	r := newRecorder(t, jsonAnswer(202, `[{"id":3,"type":"Trino","status":"enabled","config":{"apiKey":"x"}},{"id":"4","extra":1}]`))
	c := newTestClient(t, r.URL)
	l, err := c.ListIntegrations(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(l) != 2 || l[0].ID != "3" || l[1].ID != "4" {
		t.Errorf("list %+v", l)
	}
	var tc map[string]any
	if err := l[0].DecodeConfig(&tc); err != nil || tc["apiKey"] != "x" {
		t.Errorf("trino config %v %v", tc, err)
	}
}

func TestMalformedSuccessBody(t *testing.T) {
	r := newRecorder(t, jsonAnswer(200, `{"id":`))
	c := newTestClient(t, r.URL)
	_, err := c.GetIntegration(context.Background(), "1")
	var de *DecodeError
	if !errors.As(err, &de) || !strings.Contains(err.Error(), "GET /integrations/1: answered 200 (application/json), but the answer could not be read") {
		t.Errorf("err = %v", err)
	}
	if IsOutcomeUnknown(err) {
		t.Error("a read whose answer cannot be decoded changed nothing: its outcome is known")
	}
}

// A create that Immuta accepted but whose answer cannot be read (a proxy's
// HTML 200, truncated JSON, fields of the wrong type) is as good as a lost
// answer: the caller must look for the integration before posting again.
func TestCreateWithUnreadableAnswerIsOutcomeUnknown(t *testing.T) {
	for name, answer := range map[string]http.HandlerFunc{
		"html 200": func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			_, _ = w.Write([]byte("<html><body>OK</body></html>"))
		},
		"truncated JSON":  jsonAnswer(200, `{"id":"1","status":"crea`),
		"odd field types": jsonAnswer(201, `{"id":{"n":1},"status":["creating"]}`),
	} {
		r := newRecorder(t, answer)
		_, err := newTestClient(t, r.URL).CreateIntegration(context.Background(), Payload{Type: "Trino"})
		if !IsOutcomeUnknown(err) || r.count() != 1 {
			t.Errorf("%s: err = %v after %d requests, want outcome unknown after exactly one", name, err, r.count())
		}
	}
}

func TestScriptDecoding(t *testing.T) {
	cases := []struct {
		ct, body, want string
	}{
		{"text/plain; charset=utf-8", "CREATE ROLE x;\n", "CREATE ROLE x;\n"},
		{"application/json", `"CREATE ROLE \"x\";\n"`, "CREATE ROLE \"x\";\n"},
		{"application/json", `CREATE ROLE y;`, "CREATE ROLE y;"},
		{"", "GRANT;", "GRANT;"},
	}
	for _, tc := range cases {
		r := newRecorder(t, func(w http.ResponseWriter, _ *http.Request) {
			if tc.ct != "" {
				w.Header().Set("Content-Type", tc.ct)
			}
			_, _ = w.Write([]byte(tc.body))
		})
		c := newTestClient(t, r.URL)
		got, err := c.CreateScript(context.Background(), Payload{Type: "Snowflake"})
		if err != nil || got != tc.want {
			t.Errorf("%s %q: got %q, %v", tc.ct, tc.body, got, err)
		}
		if a := r.get(0).Header.Get("Accept"); !strings.Contains(a, "text/plain") {
			t.Errorf("script Accept %q", a)
		}
	}
}

func TestRedirectNotFollowed(t *testing.T) {
	r := newRecorder(t, func(w http.ResponseWriter, req *http.Request) {
		http.Redirect(w, req, "/elsewhere", http.StatusFound)
	})
	c := newTestClient(t, r.URL)
	_, err := c.CreateIntegration(context.Background(), Payload{Type: "Trino"})
	e, ok := asAPIError(err)
	if !ok || e.StatusCode != 302 || r.count() != 1 {
		t.Errorf("err %v, %d requests", err, r.count())
	}
}
