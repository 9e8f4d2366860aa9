// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package client_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"

	"github.com/immuta/terraform-provider-immuta/internal/client"
	"github.com/immuta/terraform-provider-immuta/internal/integrationtype"
)

const maskKey = "mask-test-key-4e1f0a"

// maskingClient is configured as the provider configures it: with the
// secret keys of the type tables.
func maskingClient(t *testing.T, url string) *client.Client {
	t.Helper()
	c, err := client.New(client.Config{URL: url, APIKey: maskKey, MaxRetries: -1,
		SecretKeys: integrationtype.SecretJSONKeys()})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// secretPath is where a secret field sits in an integration's config.
type secretPath struct {
	typ  *integrationtype.Type
	path []string // JSON names, outermost first
}

func (p secretPath) String() string { return p.typ.APIName + ": " + strings.Join(p.path, ".") }

// value is a value found nowhere else in a test's bodies.
func (p secretPath) value() string {
	return "leak-" + p.typ.Block + "-" + strings.Join(p.path, "-") + "-7d3b"
}

// tableSecrets walks the tables themselves, not SecretJSONKeys: every field
// marked Secret or Sensitive, at any depth, of every type.
func tableSecrets() []secretPath {
	var out []secretPath
	var walk func(typ *integrationtype.Type, fields []integrationtype.Field, prefix []string)
	walk = func(typ *integrationtype.Type, fields []integrationtype.Field, prefix []string) {
		for _, f := range fields {
			p := append(slices.Clone(prefix), f.JSON)
			if f.Secret || f.Sensitive {
				out = append(out, secretPath{typ, p})
			}
			walk(typ, f.Fields, p)
		}
	}
	for _, typ := range integrationtype.All {
		walk(typ, typ.Fields, nil)
	}
	return out
}

// setPath sets v at path in obj, creating the objects on the way.
func setPath(obj map[string]any, path []string, v any) {
	for _, name := range path[:len(path)-1] {
		next, ok := obj[name].(map[string]any)
		if !ok {
			next = map[string]any{}
			obj[name] = next
		}
		obj = next
	}
	obj[path[len(path)-1]] = v
}

func integrationBody(t *testing.T, typ *integrationtype.Type, config map[string]any) []byte {
	t.Helper()
	b, err := json.Marshal(map[string]any{"id": "1", "type": typ.APIName, "status": "enabled", "config": config})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestEveryTableSecretIsMasked: a field marked secret in the tables is
// masked in a logged body, whatever its depth, with nothing else to change.
func TestEveryTableSecretIsMasked(t *testing.T) {
	c := maskingClient(t, "https://acme.example.com")
	secrets := tableSecrets()
	if len(secrets) < 10 {
		t.Fatalf("the tables hold only %d secret fields: is the walk broken?", len(secrets))
	}
	for _, s := range secrets {
		t.Run(s.String(), func(t *testing.T) {
			// A non-secret neighbour shows the body is logged, not dropped.
			config := map[string]any{"host": "visible.example.com"}
			setPath(config, s.path, s.value())
			body := integrationBody(t, s.typ, config)

			logged := c.MaskBody(body)
			if strings.Contains(logged, s.value()) {
				t.Errorf("the secret is in the logged body: %s", logged)
			}
			if !strings.Contains(logged, `"host":"visible.example.com"`) || !strings.Contains(logged, `"***"`) {
				t.Errorf("the logged body lacks its other fields or the mask: %s", logged)
			}
			// The value found also masks its echoes (in errors and messages).
			if _, found, ok := c.MaskJSON(body); !ok || !slices.Contains(found, s.value()) {
				t.Errorf("the secret value is not among those found: %q", found)
			}
		})
	}
}

// TestTableSecretsMaskedInTheLog sends every type's secrets in a request
// and answers others, then reads the debug log: bodies are there, secrets
// are not.
func TestTableSecretsMaskedInTheLog(t *testing.T) {
	secrets := tableSecrets()
	byType := map[*integrationtype.Type][]secretPath{}
	for _, s := range secrets {
		byType[s.typ] = append(byType[s.typ], s)
	}
	var answer []byte
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(answer)
	}))
	defer srv.Close()
	c := maskingClient(t, srv.URL)
	var buf bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &buf)

	var leaks []string
	for typ, paths := range byType {
		sent, answered := map[string]any{"host": "visible.example.com"}, map[string]any{"host": "visible.example.com"}
		for _, p := range paths {
			setPath(sent, p.path, "sent-"+p.value())
			setPath(answered, p.path, "answered-"+p.value())
			leaks = append(leaks, "sent-"+p.value(), "answered-"+p.value())
		}
		answer = integrationBody(t, typ, answered)
		if _, err := c.UpdateIntegration(ctx, "1", client.Payload{Type: typ.APIName, Config: sent}); err != nil {
			t.Fatal(err)
		}
	}
	out := buf.String()
	for _, leak := range append(leaks, maskKey) {
		if strings.Contains(out, leak) {
			t.Errorf("%q is in the log", leak)
		}
	}
	if n := strings.Count(out, `\"host\":\"visible.example.com\"`); n != 2*len(byType) {
		t.Errorf("%d bodies with their host in the log, want %d:\n%s", n, 2*len(byType), out)
	}
}

func TestMaskJSON(t *testing.T) {
	c := maskingClient(t, "https://acme.example.com")
	in := `{"type":"Snowflake","config":{"username":"admin","password":"p1","Token":"t1",
	"privateKey":{"keyName":"PRIV_KEY_FILE","content":"-----BEGIN"},
	"oAuthClientConfig":{"clientId":"cid","clientSecret":"cs","oauthPrivateKey":{"content":"k2"}},
	"list":[{"secretKey":"sk","sessionToken":"st"},{"apiKey":{"nested":"ak"}}],
	"credential":"{\"private_key\":\"x\"}","awsSecretAccessKey":"aws","privateKeyPassword":"pkp","empty":null,"password2":"visible"}}`
	masked, secrets, ok := c.MaskJSON([]byte(in))
	if !ok {
		t.Fatal("not JSON?")
	}
	for _, s := range []string{`"p1"`, `"t1"`, "BEGIN", `"cs"`, `"k2"`, `"sk"`, `"st"`, `"ak"`, "private_key", `"aws"`, `"pkp"`} {
		if strings.Contains(masked, s) {
			t.Errorf("%s survived masking: %s", s, masked)
		}
	}
	for _, s := range []string{`"username":"admin"`, `"clientId":"cid"`, `"keyName":"PRIV_KEY_FILE"`, `"password2":"visible"`, `"password":"***"`, `"apiKey":"***"`} {
		if !strings.Contains(masked, s) {
			t.Errorf("%s missing from %s", s, masked)
		}
	}
	if len(secrets) != 11 {
		t.Errorf("collected %d secrets: %q", len(secrets), secrets)
	}
	if _, _, ok := c.MaskJSON([]byte("CREATE ROLE x;")); ok {
		t.Error("text taken for JSON")
	}
	long := strings.Repeat("GRANT x;\n", 5000)
	if got := c.MaskBody([]byte(long)); len(got) > client.MaxLogBody+100 || !strings.Contains(got, "truncated, 45000 bytes") {
		t.Errorf("truncated script is %d bytes: %q", len(got), got[len(got)-60:])
	}
}

// TestLogsCarryBodiesButNoSecrets drives a create, a read and a failing call
// and checks the debug log: bodies are there, secrets and the key are not.
func TestLogsCarryBodiesButNoSecrets(t *testing.T) {
	const (
		password  = "Sup3r-Secret-Pw"
		pemBody   = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC"
		trinoKey  = "trino-api-key-0d9e8f"
		errSecret = "leaked-in-error-9b7"
	)
	answer := func(w http.ResponseWriter, status int, body string) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		switch {
		case req.Method == "POST":
			answer(w, 200, `{"id":"1","type":"Snowflake","status":"creating","config":{"username":"admin","password":"`+password+`"}}`)
		case strings.HasSuffix(req.URL.Path, "/2"):
			// A server echoing the key and a secret in an error message.
			answer(w, 400, `{"statusCode":400,"error":"Bad Request","message":"bad key `+maskKey+` and password `+password+`"}`)
		default:
			answer(w, 200, `{"id":"3","type":"Trino","status":"enabled","config":{"apiKey":"`+trinoKey+`"}}`)
		}
	}))
	defer srv.Close()
	c := maskingClient(t, srv.URL)
	var buf bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &buf)

	_, err := c.CreateIntegration(ctx, client.Payload{Type: "Snowflake", AutoBootstrap: ptr(true), Config: map[string]any{
		"host": "acme.snowflakecomputing.com", "username": "admin", "password": password,
		"privateKey": map[string]any{"keyName": "PRIV_KEY_FILE", "content": pemBody},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetIntegration(ctx, "3"); err != nil {
		t.Fatal(err)
	}
	_, err = c.UpdateIntegration(ctx, "2", client.Payload{Type: "Snowflake", Config: map[string]any{"password": password, "token": errSecret}})
	if err == nil {
		t.Fatal("want an error")
	}

	out := buf.String()
	for _, secret := range []string{password, pemBody, trinoKey, maskKey, errSecret} {
		if strings.Contains(out, secret) {
			t.Errorf("secret %q is in the log", secret)
		}
	}
	entries, err := tflogtest.MultilineJSONDecode(&buf)
	if err != nil {
		t.Fatal(err)
	}
	var sawReqBody, sawRespBody, sawStatus, sawMaskedErr bool
	for _, e := range entries {
		if e["@module"] != "provider."+client.LogSubsystem {
			t.Errorf("entry outside the subsystem: %v", e)
		}
		body, _ := e["body"].(string)
		if strings.Contains(body, `"host":"acme.snowflakecomputing.com"`) && strings.Contains(body, `"password":"***"`) && strings.Contains(body, `"content":"***"`) {
			sawReqBody = true
		}
		if strings.Contains(body, `"apiKey":"***"`) {
			sawRespBody = true
		}
		if e["status"] == float64(200) && e["method"] == "GET" && e["duration"] != nil && e["url"] == srv.URL+"/integrations/3" {
			sawStatus = true
		}
		if strings.Contains(body, "bad key *** and password ***") {
			sawMaskedErr = true
		}
	}
	if !sawReqBody || !sawRespBody || !sawStatus || !sawMaskedErr {
		t.Errorf("log lacks request body %v, response body %v, status %v, masked error %v:\n%s", sawReqBody, sawRespBody, sawStatus, sawMaskedErr, out)
	}
}
