// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package client

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"
)

// A client given no secret keys cannot tell a secret in a body: it logs no
// body, and still keeps the API key out of the log and its errors.
func TestNoSecretKeysNoBodies(t *testing.T) {
	const password = "pw-unkeyed-51c2"
	r := newRecorder(t, jsonAnswer(200, `{"id":"1","config":{"password":"`+password+`","host":"h.example.com"}}`),
		errorAnswer(400, "bad key "+testKey))
	c := newTestClient(t, r.URL)
	var buf bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &buf)
	if _, err := c.CreateIntegration(ctx, Payload{Type: "Snowflake", Config: map[string]any{"password": password, "host": "h.example.com"}}); err != nil {
		t.Fatal(err)
	}
	_, err := c.GetIntegration(ctx, "1")
	if err == nil || strings.Contains(err.Error(), testKey) || !strings.Contains(err.Error(), "bad key ***") {
		t.Errorf("err = %v", err)
	}
	out := buf.String()
	for _, leak := range []string{password, "h.example.com", testKey} {
		if strings.Contains(out, leak) {
			t.Errorf("%q is in the log:\n%s", leak, out)
		}
	}
	if n := strings.Count(out, "not logged: the client was given no secret keys"); n != 3 {
		t.Errorf("%d bodies said not logged, want 3 (create request and answer, failed read answer):\n%s", n, out)
	}
}

// Secret keys match whatever their case, in Config and in the body.
func TestSecretKeysIgnoreCase(t *testing.T) {
	c := newTestClient(t, "https://acme.example.com", withSecretKeys(" PassWord ", ""))
	masked, found, ok := c.maskJSON([]byte(`{"PASSWORD":"p-upper","password":"p-lower","host":"h"}`))
	if !ok || strings.Contains(masked, "p-upper") || strings.Contains(masked, "p-lower") || !strings.Contains(masked, `"host":"h"`) {
		t.Errorf("masked %s", masked)
	}
	if len(found) != 2 {
		t.Errorf("found %q", found)
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
