// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

// Fuzz tests of what the client makes of hostile or broken answers. Their
// seed corpora are in testdata/fuzz/<FuzzName>/ and run with every `go test`;
// `make fuzz` explores beyond them.

// FuzzDecodeIntegration: decoding an integration object never panics, a
// decoded object survives a round trip, and only JSON null decodes to nil.
func FuzzDecodeIntegration(f *testing.F) {
	f.Add([]byte(`{"id":"7","type":"Snowflake","autoBootstrap":true,"status":"enabled","config":{"host":"a"}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var in *Integration
		if err := json.Unmarshal(data, &in); err != nil {
			return
		}
		if in == nil {
			if string(bytes.TrimSpace(data)) != "null" {
				t.Fatalf("%q decoded to nil without an error", data)
			}
			return
		}
		var cfg map[string]any
		_ = in.DecodeConfig(&cfg)
		_ = in.ValidationResults.Problems()
		_ = (&OperationFailedError{ID: in.ID, Status: in.Status, ValidationResults: in.ValidationResults}).Error()

		out, err := json.Marshal(in)
		if err != nil {
			t.Fatalf("re-encoding %+v: %v", in, err)
		}
		var again Integration
		if err := json.Unmarshal(out, &again); err != nil {
			t.Fatalf("decoding the re-encoded %s: %v", out, err)
		}
		if again.ID != in.ID || again.Type != in.Type || again.Status != in.Status ||
			(again.AutoBootstrap == nil) != (in.AutoBootstrap == nil) ||
			len(again.ValidationResults.Problems()) != len(in.ValidationResults.Problems()) {
			t.Fatalf("round trip changed the integration:\n%+v\n%+v", in, again)
		}
	})
}

// FuzzDecodeIntegrationStatus: decoding a status answer never panics, the
// waiter can judge any status, and an ID keeps its digits whether it came as
// a number or a string.
func FuzzDecodeIntegrationStatus(f *testing.F) {
	f.Add([]byte(`{"id":7,"status":"editing","validationResults":null}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var st *IntegrationStatus
		if err := json.Unmarshal(data, &st); err != nil || st == nil {
			return
		}
		for _, opts := range []WaitOptions{{}, {UntilGone: true}, {Target: TerminalStatuses()}, {Pending: []string{StatusEditing}}} {
			_ = opts.judge(st.Status)
		}
		if isTerminal(st.Status) == isTransitional(st.Status) {
			t.Fatalf("status %q is both or neither terminal and transitional", st.Status)
		}
		var raw struct {
			ID json.RawMessage `json:"id"`
		}
		if json.Unmarshal(data, &raw) == nil && len(raw.ID) > 0 && raw.ID[0] != '"' && string(raw.ID) != "null" {
			if st.ID != strings.TrimSpace(string(raw.ID)) {
				t.Fatalf("numeric id %s decoded as %q", raw.ID, st.ID)
			}
		}
	})
}

// FuzzAPIError: an error built from any answer body never panics, keeps the
// status, names the request, stays short, and the message parsers only
// report what they really found.
func FuzzAPIError(f *testing.F) {
	f.Add(409, []byte(`{"statusCode":409,"error":"Conflict","message":"Unable to edit integration with ID 10 in current state editing."}`))
	busyState := regexp.MustCompile(`^[A-Za-z_-]+$`)
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		e := newAPIError("PUT", "/integrations/7", status, body)
		if e == nil || e.StatusCode != status {
			t.Fatalf("newAPIError(%d) = %+v", status, e)
		}
		msg := e.Error()
		if !strings.HasPrefix(msg, "PUT /integrations/7: ") {
			t.Fatalf("Error() does not name the request: %q", msg)
		}
		if len(e.Message) > maxErrorMessage+len("…") || len(e.ErrorText) > maxErrorMessage+len("…") {
			t.Fatalf("message of %d bytes, error of %d bytes", len(e.Message), len(e.ErrorText))
		}
		if utf8.Valid(body) && (!utf8.ValidString(e.Message) || !utf8.ValidString(e.ErrorText)) {
			t.Fatalf("valid UTF-8 body, invalid message %q", e.Message)
		}
		if state, ok := BusyState(e); ok && (status != http.StatusConflict || !busyState.MatchString(state)) {
			t.Fatalf("BusyState = %q on %d", state, status)
		}
		if id, ok := AlreadyExistsID(e); ok && (status != http.StatusConflict || id == "" || strings.ContainsAny(id, ") \t\n")) {
			t.Fatalf("AlreadyExistsID = %q on %d", id, status)
		}
		if id, ok := PreviouslyFailedID(e); ok && (status != http.StatusBadRequest || id == "") {
			t.Fatalf("PreviouslyFailedID = %q on %d", id, status)
		}
		if attrs, ok := NonEditableAttributes(e); ok {
			for _, a := range attrs {
				if a == "" || a != strings.TrimSpace(a) {
					t.Fatalf("NonEditableAttributes = %q", attrs)
				}
			}
		}
		_ = e.ValidationResults.Problems()
	})
}

type answerTransport struct {
	status int
	body   []byte
}

func (a answerTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		_, _ = io.Copy(io.Discard, req.Body)
		_ = req.Body.Close()
	}
	return &http.Response{
		StatusCode: a.status, Status: http.StatusText(a.status), Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header:  http.Header{"Content-Type": {"application/json"}},
		Body:    io.NopCloser(bytes.NewReader(a.body)),
		Request: req,
	}, nil
}

// fuzzSecret is a secret the client sends; a hostile server may echo it.
const fuzzSecret = "pw-fuzz-secret-8c2d"

// FuzzClientAnswers: whatever status and body Immuta answers, the client's
// calls return without panicking; a successful read holds an integration; a
// failure is an *APIError with that status; and no error repeats the API key
// or a secret the request carried (a server may echo what it was sent).
func FuzzClientAnswers(f *testing.F) {
	f.Add(200, []byte(`{"id":"1","type":"Snowflake","status":"enabled","config":{}}`))
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		if status < 200 || status > 599 {
			return
		}
		c, err := New(Config{URL: "https://immuta.example.com", APIKey: testKey, MaxRetries: -1, SecretKeys: []string{"password"},
			HTTPClient: &http.Client{Transport: answerTransport{status, body}}})
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		ok := status < 300
		payload := Payload{Type: "Snowflake", Config: map[string]any{"host": "a.example.com", "password": fuzzSecret}}

		// leaks reports whether s holds the key, or the secret when the
		// request carried it.
		check := func(call string, err error, sent bool) {
			t.Helper()
			if err == nil {
				return
			}
			leaks := func(s string) bool { return strings.Contains(s, testKey) || (sent && strings.Contains(s, fuzzSecret)) }
			if msg := err.Error(); leaks(msg) {
				t.Fatalf("%s: the error repeats a secret: %q", call, msg)
			}
			if !ok {
				var apiErr *APIError
				if !errors.As(err, &apiErr) || apiErr.StatusCode != status {
					t.Fatalf("%s: %d answered, error %v", call, status, err)
				}
				for _, p := range apiErr.ValidationResults.Problems() {
					if leaks(p.Name) || leaks(p.Message) {
						t.Fatalf("%s: a validation result repeats a secret: %+v", call, p)
					}
				}
			}
		}

		got, err := c.GetIntegration(ctx, "7")
		check("GetIntegration", err, false)
		if err == nil && got == nil {
			t.Fatalf("GetIntegration: %d %q gave neither an integration nor an error", status, body)
		}
		_, err = c.GetIntegrationStatus(ctx, "7")
		check("GetIntegrationStatus", err, false)
		_, err = c.ListIntegrations(ctx)
		check("ListIntegrations", err, false)
		_, err = c.CreateIntegration(ctx, payload)
		check("CreateIntegration", err, true)
		if status >= 500 && !IsOutcomeUnknown(err) {
			t.Fatalf("CreateIntegration: %d answered, the outcome must be unknown: %v", status, err)
		}
		_, err = c.UpdateIntegration(ctx, "7", payload)
		check("UpdateIntegration", err, true)
		_, err = c.DeleteIntegration(ctx, "7", &DeleteRequest{Config: map[string]any{"password": fuzzSecret}})
		check("DeleteIntegration", err, true)
	})
}
