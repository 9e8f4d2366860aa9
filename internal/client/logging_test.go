// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package client

import (
	"bytes"
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"
)

func TestMaskJSON(t *testing.T) {
	in := `{"type":"Snowflake","config":{"username":"admin","password":"p1","Token":"t1",
	"privateKey":{"keyName":"PRIV_KEY_FILE","content":"-----BEGIN"},
	"oAuthClientConfig":{"clientId":"cid","clientSecret":"cs","oauthPrivateKey":{"content":"k2"}},
	"list":[{"secretKey":"sk","sessionToken":"st"},{"apiKey":{"nested":"ak"}}],
	"credential":"{\"private_key\":\"x\"}","awsSecretAccessKey":"aws","privateKeyPassword":"pkp","empty":null,"password2":"visible"}}`
	masked, secrets, ok := maskJSON([]byte(in))
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
	if _, _, ok := maskJSON([]byte("CREATE ROLE x;")); ok {
		t.Error("text taken for JSON")
	}
	long := strings.Repeat("GRANT x;\n", 5000)
	if got := maskBody([]byte(long)); len(got) > maxLogBody+100 || !strings.Contains(got, "truncated, 45000 bytes") {
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
	r := newRecorder(t, func(w http.ResponseWriter, req *http.Request) {
		switch {
		case req.Method == "POST":
			jsonAnswer(200, `{"id":"1","type":"Snowflake","status":"creating","config":{"username":"admin","password":"`+password+`"}}`)(w, req)
		case strings.HasSuffix(req.URL.Path, "/2"):
			// A server echoing the key and a secret in an error message.
			errorAnswer(400, "bad key "+testKey+" and password "+password)(w, req)
		default:
			jsonAnswer(200, `{"id":"3","type":"Trino","status":"enabled","config":{"apiKey":"`+trinoKey+`"}}`)(w, req)
		}
	})
	c := newTestClient(t, r.URL)
	var buf bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &buf)

	_, err := c.CreateIntegration(ctx, Payload{Type: TypeSnowflake, AutoBootstrap: ptr(true), Config: &SnowflakeConfig{
		Host: ptr("acme.snowflakecomputing.com"), Username: ptr("admin"), Password: ptr(password),
		PrivateKey: &PrivateKey{KeyName: ptr("PRIV_KEY_FILE"), Content: ptr(pemBody)},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetIntegration(ctx, "3"); err != nil {
		t.Fatal(err)
	}
	_, err = c.UpdateIntegration(ctx, "2", Payload{Type: TypeSnowflake, Config: map[string]any{"password": password, "token": errSecret}})
	if err == nil {
		t.Fatal("want an error")
	}

	out := buf.String()
	for _, secret := range []string{password, pemBody, trinoKey, testKey, errSecret} {
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
		if e["@module"] != "provider."+LogSubsystem {
			t.Errorf("entry outside the subsystem: %v", e)
		}
		body, _ := e["body"].(string)
		if strings.Contains(body, `"host":"acme.snowflakecomputing.com"`) && strings.Contains(body, `"password":"***"`) && strings.Contains(body, `"content":"***"`) {
			sawReqBody = true
		}
		if strings.Contains(body, `"apiKey":"***"`) {
			sawRespBody = true
		}
		if e["status"] == float64(200) && e["method"] == "GET" && e["duration"] != nil && e["url"] == r.URL+"/integrations/3" {
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

func TestLogShowsRetries(t *testing.T) {
	r := newRecorder(t, errorAnswer(503, "down"), jsonAnswer(200, `{"id":"1"}`))
	var buf bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &buf)
	if _, err := newTestClient(t, r.URL).GetIntegration(ctx, "1"); err != nil {
		t.Fatal(err)
	}
	logText := buf.String()
	entries, _ := tflogtest.MultilineJSONDecode(&buf)
	var attempts []float64
	for _, e := range entries {
		if e["@message"] == "Immuta API attempt answered" {
			attempts = append(attempts, e["attempt"].(float64))
		}
	}
	if len(attempts) != 2 || attempts[0] != 1 || attempts[1] != 2 {
		t.Errorf("attempt log %v", attempts)
	}
	if testing.Verbose() {
		t.Log(logText)
	}

	// A request answered at once logs its request and its response only.
	buf.Reset()
	r = newRecorder(t, jsonAnswer(200, `{"id":"1"}`))
	if _, err := newTestClient(t, r.URL).GetIntegration(ctx, "1"); err != nil {
		t.Fatal(err)
	}
	entries, _ = tflogtest.MultilineJSONDecode(&buf)
	var messages []string
	for _, e := range entries {
		messages = append(messages, e["@message"].(string))
	}
	if !slices.Equal(messages, []string{"Immuta API request", "Immuta API response"}) {
		t.Errorf("a request answered at once logged %q", messages)
	}
}
