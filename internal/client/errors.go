// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"unicode/utf8"
)

// APIError is a non-2xx answer of the Immuta API. It carries the error
// envelope of IMMUTA_API.md, Errors ({statusCode, error, message}) plus, for a 422 caused
// by failed validation, the validation results. It never holds a request body
// or the API key.
type APIError struct {
	StatusCode        int
	ErrorText         string // the envelope's "error", or the HTTP status text
	Message           string // the envelope's "message", or a snippet of a non-JSON body
	ValidationResults *ValidationResults
	Method            string
	Path              string
	// URL is where the request went (for messages about a wrong url).
	URL string
	// FromImmuta is true when the body was Immuta's JSON error envelope: a
	// proxy's page or a wrong base path answers something else.
	FromImmuta bool
	// Attempts is how many times the request was sent. A 409 or 404 after a
	// retried PUT or DELETE may be the echo of the caller's own first attempt.
	Attempts int
}

func (e *APIError) Error() string {
	var b strings.Builder
	if e.Method != "" || e.Path != "" {
		fmt.Fprintf(&b, "%s %s: ", e.Method, e.Path)
	}
	fmt.Fprintf(&b, "%d", e.StatusCode)
	if e.ErrorText != "" {
		b.WriteString(" " + e.ErrorText)
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	return b.String()
}

// maxErrorSnippet bounds the message taken from a non-JSON error body, and
// maxErrorMessage the texts taken from a JSON one: a hostile or broken server
// cannot fill a diagnostic with megabytes.
const (
	maxErrorSnippet = 512
	maxErrorMessage = 4096
)

// newAPIError builds an APIError from a response body; it never fails.
func newAPIError(method, path string, status int, body []byte) *APIError {
	e := &APIError{StatusCode: status, Method: method, Path: path}
	var env struct {
		StatusCode        json.RawMessage    `json:"statusCode"`
		Error             json.RawMessage    `json:"error"`
		Message           json.RawMessage    `json:"message"`
		ValidationResults *ValidationResults `json:"validationResults"`
	}
	if err := json.Unmarshal(body, &env); err == nil {
		e.ErrorText = jsonText(env.Error)
		e.Message = jsonText(env.Message)
		e.ValidationResults = env.ValidationResults
		e.FromImmuta = len(env.Message) > 0 && (len(env.StatusCode) > 0 || len(env.Error) > 0)
	} else {
		e.Message = snippet(body)
	}
	if e.ErrorText == "" {
		e.ErrorText = http.StatusText(status)
	}
	return e
}

// jsonText renders a JSON value as text: a string as itself, anything else
// (an array of messages, say) as compact JSON, capped like a body snippet.
func jsonText(raw json.RawMessage) string {
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return capText(s, maxErrorMessage)
	}
	return snippet(raw)
}

// snippet trims and caps a body for use as an error message.
func snippet(b []byte) string {
	return capText(strings.TrimSpace(string(b)), maxErrorSnippet)
}

// capText cuts s to at most n bytes, without cutting a UTF-8 sequence in half.
func capText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// masker returns the one redaction rule for everything a server answers: the
// API key is always masked; other secret values shorter than
// minMaskedSecretLen are left alone, as masking them would mangle unrelated
// text. A server may echo the API key, or a secret it was sent, in its
// messages.
func masker(apiKey string, secrets []string) func(string) string {
	return func(s string) string {
		if apiKey != "" {
			s = strings.ReplaceAll(s, apiKey, maskReplacement)
		}
		for _, v := range secrets {
			if len(v) >= minMaskedSecretLen && v != RedactedValue {
				s = strings.ReplaceAll(s, v, maskReplacement)
			}
		}
		return s
	}
}

// redact masks secrets in the error's texts and validation results.
func (e *APIError) redact(mask func(string) string) {
	e.ErrorText, e.Message = mask(e.ErrorText), mask(e.Message)
	e.ValidationResults.redact(mask)
}

// redact masks secrets in the names and messages of the tests.
func (v *ValidationResults) redact(mask func(string) string) {
	if v == nil {
		return
	}
	for i := range v.Tests {
		test := &v.Tests[i]
		test.Name, test.Message = mask(test.Name), mask(test.Message)
	}
}

// answerResults lists the validation results a decoded answer carries.
func answerResults(out any) []*ValidationResults {
	switch v := out.(type) {
	case **Integration:
		if *v != nil {
			return []*ValidationResults{(*v).ValidationResults}
		}
	case *[]Integration:
		res := make([]*ValidationResults, len(*v))
		for i := range *v {
			res[i] = (*v)[i].ValidationResults
		}
		return res
	case **IntegrationStatus:
		if *v != nil {
			return []*ValidationResults{(*v).ValidationResults}
		}
	}
	return nil
}

func asAPIError(err error) (*APIError, bool) {
	var e *APIError
	if errors.As(err, &e) {
		return e, true
	}
	return nil, false
}

func hasStatus(err error, code int) bool {
	e, ok := asAPIError(err)
	return ok && e.StatusCode == code
}

// notFoundRE is Immuta's own message for an integration it does not have:
// "No Integration found with ID 5." (GET) or "No integration found with ID
// 5." (the other calls).
var notFoundRE = regexp.MustCompile(`(?i)\bno integration found\b`)

// IsNotFound reports whether err is Immuta's own answer that the integration
// does not exist: a 404 with its JSON error envelope and its not-found
// message. A 404 from anything else (a proxy's page, a wrong base path) is
// not "gone": see IsForeignNotFound.
func IsNotFound(err error) bool {
	e, ok := asAPIError(err)
	return ok && e.StatusCode == http.StatusNotFound && e.FromImmuta && notFoundRE.MatchString(e.Message)
}

// IsForeignNotFound reports a 404 that is not Immuta's not-found answer: the
// request did not reach Immuta's Integrations API (check the URL).
func IsForeignNotFound(err error) bool {
	return hasStatus(err, http.StatusNotFound) && !IsNotFound(err)
}

// IsGone reports whether an integration no longer exists: Immuta answered
// that it has none with that id, or answered it with status "deleted". It is
// the one rule for "gone" wherever the provider reads an integration.
func IsGone(obj *Integration, err error) bool {
	if err != nil {
		return IsNotFound(err)
	}
	return obj != nil && IsDeleted(obj.Status)
}

// IsValidationFailed reports whether err is a 422 (failed prerequisite
// validation, or a processing error such as Databricks' metastore lookup).
func IsValidationFailed(err error) bool { return hasStatus(err, http.StatusUnprocessableEntity) }

// IsUnauthorized reports whether err is a 401 (missing or wrong API key).
func IsUnauthorized(err error) bool { return hasStatus(err, http.StatusUnauthorized) }

// IsForbidden reports whether err is a 403 (key lacks APPLICATION_ADMIN).
func IsForbidden(err error) bool { return hasStatus(err, http.StatusForbidden) }

// IsConnectionError reports a request that got no HTTP answer at all (see
// transportError), a timeout or cancellation aside.
func IsConnectionError(err error) bool {
	var te *transportError
	return errors.As(err, &te) && !errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, context.Canceled) && !IsCertificateError(err)
}

var (
	busyRE          = regexp.MustCompile(`in current state ([A-Za-z_-]+)`)
	alreadyExistsRE = regexp.MustCompile(`already exists on .*\(id = ([^)\s]+)\)`)
	usePutRE        = regexp.MustCompile(`Use PUT /integrations/([^/\s]+) endpoint`)
	idEqualsRE      = regexp.MustCompile(`\(id = ([^)\s]+)\)`)
	nonEditableRE   = regexp.MustCompile(`(?s)non-editable attribute\(s\)[.:]?(.*)$`)
)

// busyState reports the current status named by a 409 "Unable to edit
// integration with ID 10 in current state editing." answer.
func busyState(err error) (state string, ok bool) {
	e, ok := asAPIError(err)
	if !ok || e.StatusCode != http.StatusConflict {
		return "", false
	}
	m := busyRE.FindStringSubmatch(e.Message)
	if m == nil {
		return "", false
	}
	return m[1], true
}

// AlreadyExistsID reports the id of the existing integration named by a 409
// "... integration already exists on HOST (id = N)." answer to a POST.
func AlreadyExistsID(err error) (id string, ok bool) {
	e, ok := asAPIError(err)
	if !ok || e.StatusCode != http.StatusConflict {
		return "", false
	}
	m := alreadyExistsRE.FindStringSubmatch(e.Message)
	if m == nil {
		return "", false
	}
	return m[1], true
}

// PreviouslyFailedID reports the id named by a 400 "Use PUT /integrations/N
// endpoint ... that previously failed to create." answer to a POST: the host
// already has an integration in createError that must be repaired with PUT.
func PreviouslyFailedID(err error) (id string, ok bool) {
	e, ok := asAPIError(err)
	if !ok || e.StatusCode != http.StatusBadRequest || !strings.Contains(e.Message, "previously failed to create") {
		return "", false
	}
	if m := usePutRE.FindStringSubmatch(e.Message); m != nil {
		return m[1], true
	}
	if m := idEqualsRE.FindStringSubmatch(e.Message); m != nil {
		return m[1], true
	}
	return "", false
}

// NonEditableAttributes reports the attributes listed by a 400 "Unable to
// edit integration due to changes of non-editable attribute(s). host,
// database" answer to a PUT. ok is true for that error even when the list is
// missing.
func NonEditableAttributes(err error) (attrs []string, ok bool) {
	e, ok := asAPIError(err)
	if !ok || e.StatusCode != http.StatusBadRequest {
		return nil, false
	}
	m := nonEditableRE.FindStringSubmatch(e.Message)
	if m == nil {
		return nil, false
	}
	for _, a := range strings.Split(m[1], ",") {
		a = strings.TrimSpace(strings.Trim(strings.TrimSpace(a), "."))
		if a != "" {
			attrs = append(attrs, a)
		}
	}
	return attrs, true
}

// outcomeUnknownError marks a non-idempotent request (a POST with side
// effects) that may or may not have been applied: its answer was lost, or the
// server failed with a 5xx after receiving it.
type outcomeUnknownError struct{ err error }

func (e *outcomeUnknownError) Error() string {
	return e.err.Error() + " (the request may or may not have been applied)"
}

func (e *outcomeUnknownError) Unwrap() error { return e.err }

// IsOutcomeUnknown reports whether err comes from a POST with side effects
// (create, regenerate) that may have been applied although no success was
// seen: the connection broke after the request was sent, the server answered
// 5xx, or it answered 2xx with a body that cannot be read. The caller must
// look before posting again.
func IsOutcomeUnknown(err error) bool {
	var u *outcomeUnknownError
	return errors.As(err, &u)
}
