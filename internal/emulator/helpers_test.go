// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

const (
	adminKey    = "admin-key"
	nonAdminKey = "reader-key"
)

// start runs an emulator for one test.
func start(t *testing.T, delay time.Duration) (*Server, *client) {
	t.Helper()
	return startStyle(t, delay, "")
}

// startStyle runs an emulator in the given answer style for one test.
func startStyle(t *testing.T, delay time.Duration, style AnswerStyle) (*Server, *client) {
	t.Helper()
	srv, err := Start(Options{APIKey: adminKey, NonAdminAPIKey: nonAdminKey, TransitionDelay: delay, AnswerStyle: style})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	return srv, &client{t: t, base: srv.URL, key: adminKey, hc: &http.Client{Timeout: 10 * time.Second}}
}

// client is a small HTTP helper: it sends JSON (or a raw string body) and decodes JSON answers.
type client struct {
	t    *testing.T
	base string
	key  string
	hc   *http.Client
}

type result struct {
	status int
	header http.Header
	raw    string
	body   any
}

func (r result) obj() map[string]any { m, _ := r.body.(map[string]any); return m }
func (r result) msg() string         { s, _ := r.obj()["message"].(string); return s }
func (r result) str(path string) string {
	s, _ := at(r.obj(), path).(string)
	return s
}

func (c *client) do(method, path string, body any) result {
	c.t.Helper()
	r, err := c.try(method, path, body)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	return r
}

func (c *client) try(method, path string, body any) (result, error) {
	r, err := c.tryRaw(method, path, body)
	if err != nil {
		return result{}, err
	}
	if strings.HasPrefix(r.header.Get("Content-Type"), "application/json") {
		if err := json.Unmarshal([]byte(r.raw), &r.body); err != nil {
			return result{}, fmt.Errorf("bad JSON %q: %w", r.raw, err)
		}
	}
	return r, nil
}

// doRaw is do without decoding the answer, for answers that are deliberately not JSON.
func (c *client) doRaw(method, path string, body any) result {
	c.t.Helper()
	r, err := c.tryRaw(method, path, body)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	return r
}

func (c *client) tryRaw(method, path string, body any) (result, error) {
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			return result{}, err
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, c.base+path, rd)
	if err != nil {
		return result{}, err
	}
	if c.key != "" {
		req.Header.Set("Authorization", c.key)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return result{}, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return result{}, err
	}
	return result{status: resp.StatusCode, header: resp.Header, raw: string(raw)}, nil
}

// expectError asserts an error envelope with the exact status and message.
func expectError(t *testing.T, r result, status int, message string) {
	t.Helper()
	if r.status != status || r.msg() != message {
		t.Fatalf("got %d %q, want %d %q (body %s)", r.status, r.msg(), status, message, r.raw)
	}
	o := r.obj()
	if o["statusCode"] != float64(status) || o["error"] != http.StatusText(status) {
		t.Fatalf("bad envelope %s", r.raw)
	}
}

func expectStatus(t *testing.T, r result, status int) {
	t.Helper()
	if r.status != status {
		t.Fatalf("got %d, want %d: %s", r.status, status, r.raw)
	}
}

// at walks a dotted path through decoded JSON ("config.audit.enabled").
func at(v any, path string) any {
	for _, k := range strings.Split(path, ".") {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

// create POSTs a payload and returns the new id.
func (c *client) create(p map[string]any) string {
	c.t.Helper()
	r := c.do("POST", "/integrations", p)
	expectStatus(c.t, r, 200)
	if got := r.str("status"); got != "creating" {
		c.t.Fatalf("POST answered status %q, want creating", got)
	}
	return r.str("id")
}

func (c *client) status(id string) string {
	c.t.Helper()
	r := c.do("GET", "/integrations/"+id+"/status", nil)
	expectStatus(c.t, r, 200)
	return r.str("status")
}

// waitStatus polls until the integration has the status ("404" waits for it to be gone).
func (c *client) waitStatus(id, want string) {
	c.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		r := c.do("GET", "/integrations/"+id, nil)
		got := r.str("status")
		if r.status == 404 {
			got = "404"
		}
		if got == want {
			return
		}
		if time.Now().After(deadline) {
			c.t.Fatalf("integration %s: status %q, want %q", id, got, want)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// Valid payloads per type; every call returns a fresh map.

func snowflake(host string, auto bool) map[string]any {
	cfg := map[string]any{
		"host": host, "warehouse": "COMPUTE_WH", "database": "IMMUTA_DB",
		"authenticationType": "userPassword", "username": "IMMUTA_ADMIN", "password": "sf-secret-pw",
	}
	if auto {
		cfg["role"] = "ACCOUNTADMIN"
	}
	return map[string]any{"type": "Snowflake", "autoBootstrap": auto, "config": cfg}
}

func databricks(url string) map[string]any {
	return map[string]any{"type": "Databricks", "autoBootstrap": true, "config": map[string]any{
		"workspaceUrl": url, "httpPath": "/sql/1.0/warehouses/abc",
		"authenticationType": "token", "token": "dapi-secret-token",
	}}
}

func redshift(host string, auto bool) map[string]any {
	return map[string]any{"type": "Redshift", "autoBootstrap": auto, "config": map[string]any{
		"host": host, "database": "immuta", "initialDatabase": "dev",
		"authenticationType": "userPassword", "username": "awsuser", "password": "rs-secret-pw",
	}}
}

func synapse(host string, auto bool) map[string]any {
	return map[string]any{"type": "Azure Synapse Analytics", "autoBootstrap": auto, "config": map[string]any{
		"host": host, "database": "sqlpool", "schema": "immuta",
		"authenticationType": "userPassword", "username": "sqladmin", "password": "syn-secret-pw",
	}}
}

func bigquery(location string) map[string]any {
	return map[string]any{"type": "Google BigQuery", "autoBootstrap": false, "config": map[string]any{
		"role": "immuta_role", "datasetSuffix": "_immuta", "location": location,
		"credential": `{"private_key":"bq-secret-key"}`,
	}}
}

func s3(name, path string) map[string]any {
	return map[string]any{"type": "Native S3", "autoBootstrap": false, "config": map[string]any{
		"name": name, "awsAccountId": "123456789012", "awsRegion": "us-east-1",
		"awsLocationRole": "arn:aws:iam::123456789012:role/immuta", "awsLocationPath": path,
		"authenticationType": "accessKey", "awsAccessKeyId": "AKIA123", "awsSecretAccessKey": "s3-secret-key",
	}}
}

func trino() map[string]any { return map[string]any{"type": "Trino"} }

// cfgOf returns the config map of a payload for editing in a test.
func cfgOf(p map[string]any) map[string]any { return p["config"].(map[string]any) }

// snowflakeCreds is the DELETE body matching snowflake(host, true).
func snowflakeCreds() map[string]any {
	return map[string]any{"config": map[string]any{
		"authenticationType": "userPassword", "username": "IMMUTA_ADMIN", "password": "sf-secret-pw",
		"role": "ACCOUNTADMIN",
	}}
}
