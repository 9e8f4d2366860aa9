// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package client

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
)

func TestAPIErrorFromEnvelope(t *testing.T) {
	body := `{"statusCode":422,"error":"Unprocessable Entity","message":"Validation of prerequisite setup failed. Unable to create integration.",
	"validationResults":{"status":"failed","validationTests":[{"name":"Initial Validation: Basic Connection Test","status":"failed","message":"bad host"}]},"extra":1}`
	e := newAPIError("POST", "/integrations", 422, []byte(body))
	if e.ErrorText != "Unprocessable Entity" || !strings.HasPrefix(e.Message, "Validation of prerequisite") {
		t.Errorf("%+v", e)
	}
	if e.ValidationResults == nil || len(e.ValidationResults.Tests) != 1 || e.ValidationResults.Tests[0].Message != "bad host" {
		t.Errorf("validation results %+v", e.ValidationResults)
	}
	if got := e.Error(); got != "POST /integrations: 422 Unprocessable Entity: Validation of prerequisite setup failed. Unable to create integration." {
		t.Errorf("Error() = %q", got)
	}
	e = newAPIError("PUT", "/integrations/7", 409, []byte(`{"statusCode":409,"error":"Conflict","message":"Unable to edit integration with ID 7 in current state editing."}`))
	if got := e.Error(); got != "PUT /integrations/7: 409 Conflict: Unable to edit integration with ID 7 in current state editing." {
		t.Errorf("Error() = %q", got)
	}
}

func TestAPIErrorFromOddBodies(t *testing.T) {
	html := "<html><body>" + strings.Repeat("Bad gateway é ", 200) + "</body></html>"
	e := newAPIError("GET", "/integrations", 502, []byte("  "+html+"\n"))
	if e.ErrorText != "Bad Gateway" {
		t.Errorf("ErrorText %q", e.ErrorText)
	}
	if !strings.HasPrefix(e.Message, "<html>") || len(e.Message) > maxErrorSnippet+len("…") || !strings.HasSuffix(e.Message, "…") {
		t.Errorf("snippet (%d bytes) %q", len(e.Message), e.Message)
	}
	if !strings.Contains(e.Error(), "GET /integrations: 502 Bad Gateway: <html>") {
		t.Errorf("Error() = %q", e.Error())
	}
	e = newAPIError("GET", "/integrations", 500, nil)
	if e.Error() != "GET /integrations: 500 Internal Server Error" {
		t.Errorf("Error() = %q", e.Error())
	}
	e = newAPIError("GET", "/x", 400, []byte(`{"message":["a","b"]}`))
	if e.Message != `["a","b"]` || e.ErrorText != "Bad Request" {
		t.Errorf("%+v", e)
	}
}

func TestErrorHelpers(t *testing.T) {
	mk := func(code int, msg string) error {
		// Wrapped, as callers will see it after adding context.
		return fmt.Errorf("reading: %w", &APIError{StatusCode: code, Message: msg})
	}
	notFound := fmt.Errorf("reading: %w", newAPIError("GET", "/integrations/5", 404,
		[]byte(`{"statusCode":404,"error":"Not Found","message":"No Integration found with ID 5."}`)))
	if !IsNotFound(notFound) || IsNotFound(mk(400, "x")) || IsNotFound(errors.New("404")) || IsNotFound(nil) {
		t.Error("IsNotFound")
	}
	// Only Immuta's own not-found answer means gone: a proxy's page, another
	// JSON body or another message is a 404 from somewhere else.
	for name, body := range map[string]string{
		"html page":       "<html><body><h1>404 Not Found</h1>nginx</body></html>",
		"empty":           "",
		"other JSON":      `{"detail":"Not Found"}`,
		"another message": `{"statusCode":404,"error":"Not Found","message":"Cannot GET /api/integrations/5"}`,
	} {
		err := newAPIError("GET", "/integrations/5", 404, []byte(body))
		if IsNotFound(err) || !IsForeignNotFound(err) || IsGone(nil, err) {
			t.Errorf("%s: a 404 that is not Immuta's was taken as gone", name)
		}
	}
	if !IsGone(nil, notFound) || !IsGone(&Integration{Status: StatusDeleted}, nil) || IsGone(&Integration{Status: StatusDisabled}, nil) {
		t.Error("IsGone")
	}
	if !IsValidationFailed(mk(422, "")) || !IsUnauthorized(mk(401, "")) || !IsForbidden(mk(403, "")) || IsForbidden(mk(401, "")) {
		t.Error("status helpers")
	}

	if s, ok := BusyState(mk(409, "Unable to edit integration with ID 10 in current state editing.")); !ok || s != "editing" {
		t.Errorf("BusyState = %q %v", s, ok)
	}
	if s, ok := BusyState(mk(409, "Unable to edit integration with ID 10 in current state migrating")); !ok || s != "migrating" {
		t.Errorf("BusyState without dot = %q %v", s, ok)
	}
	if _, ok := BusyState(mk(400, "in current state editing.")); ok {
		t.Error("BusyState on a 400")
	}
	if _, ok := BusyState(mk(409, "Snowflake integration already exists on h (id = 1).")); ok {
		t.Error("BusyState on already-exists")
	}

	if id, ok := AlreadyExistsID(mk(409, "Snowflake integration already exists on test-account.snowflakecomputing.com (id = 1).")); !ok || id != "1" {
		t.Errorf("AlreadyExistsID = %q %v", id, ok)
	}
	if id, ok := AlreadyExistsID(mk(409, "Azure Synapse Analytics integration already exists on a.b (id = 42).")); !ok || id != "42" {
		t.Errorf("AlreadyExistsID = %q %v", id, ok)
	}
	if _, ok := AlreadyExistsID(mk(409, "Unable to edit integration with ID 10 in current state editing.")); ok {
		t.Error("AlreadyExistsID on busy")
	}

	pf := "Use PUT /integrations/13 endpoint to update connection information for Snowflake integration on host test-account.snowflakecomputing.com (id = 13) that previously failed to create."
	if id, ok := PreviouslyFailedID(mk(400, pf)); !ok || id != "13" {
		t.Errorf("PreviouslyFailedID = %q %v", id, ok)
	}
	if _, ok := PreviouslyFailedID(mk(409, pf)); ok {
		t.Error("PreviouslyFailedID on a 409")
	}
	if _, ok := PreviouslyFailedID(mk(400, "config.host is required")); ok {
		t.Error("PreviouslyFailedID on a plain 400")
	}

	attrs, ok := NonEditableAttributes(mk(400, "Unable to edit integration due to changes of non-editable attribute(s). host, database"))
	if !ok || !slices.Equal(attrs, []string{"host", "database"}) {
		t.Errorf("NonEditableAttributes = %q %v", attrs, ok)
	}
	attrs, ok = NonEditableAttributes(mk(400, "Unable to edit integration due to changes of non-editable attribute(s)."))
	if !ok || len(attrs) != 0 {
		t.Errorf("NonEditableAttributes without list = %q %v", attrs, ok)
	}
	if _, ok := NonEditableAttributes(mk(400, "Credentials are not required to disable a Databricks integration.")); ok {
		t.Error("NonEditableAttributes on another 400")
	}
}

func TestAPIErrorHidesKeyAndBody(t *testing.T) {
	r := newRecorder(t, func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(400)
		_, _ = w.Write([]byte("proxy echo: Authorization: " + testKey))
	})
	c := newTestClient(t, r.URL, withSecretKeys("password"))
	_, err := c.CreateIntegration(context.Background(), Payload{Type: "Snowflake", Config: map[string]any{"password": "pw-secret-123"}})
	if err == nil || strings.Contains(err.Error(), testKey) || strings.Contains(err.Error(), "pw-secret-123") {
		t.Errorf("err = %v", err)
	}
	if !strings.Contains(err.Error(), "proxy echo") {
		t.Errorf("snippet missing: %v", err)
	}
}
