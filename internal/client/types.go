// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package client

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
)

// The payloads' types and fields are described once, in the provider's
// type tables (internal/integrationtype); the client carries configs as
// given (maps or raw JSON) and learns their secret keys from Config.SecretKeys.

// RedactedValue is what GET answers in place of a secret.
const RedactedValue = "[REDACTED]"

// Integration statuses (IMMUTA_API.md, Statuses).
const (
	StatusCreating                 = "creating"
	StatusEditing                  = "editing"
	StatusDeleting                 = "deleting"
	StatusMigrating                = "migrating"
	StatusEnabled                  = "enabled"
	StatusRecurringValidationError = "recurringValidationError"
	StatusCreateError              = "createError"
	StatusEditError                = "editError"
	StatusMigrateError             = "migrateError"
	StatusDeleteError              = "deleteError"
	StatusDisabled                 = "disabled"
	StatusDeleted                  = "deleted"
)

// Validation test statuses.
const (
	TestPassed  = "passed"
	TestFailed  = "failed"
	TestWarning = "warning"
	TestSkipped = "skipped"
)

// Statuses are every status Immuta documents, in the order of its
// response schema: what a filter by status may name.
func Statuses() []string {
	return []string{StatusCreating, StatusEditing, StatusDeleting, StatusMigrating, StatusEnabled, StatusRecurringValidationError,
		StatusCreateError, StatusEditError, StatusMigrateError, StatusDeleteError, StatusDisabled, StatusDeleted}
}

var terminalStatuses = map[string]bool{
	StatusEnabled:                  true,
	StatusRecurringValidationError: true,
	StatusCreateError:              true,
	StatusEditError:                true,
	StatusMigrateError:             true,
	StatusDeleteError:              true,
	StatusDisabled:                 true,
	StatusDeleted:                  true,
}

// isTerminal reports whether status is a known status in which no work is
// running.
func isTerminal(status string) bool { return terminalStatuses[status] }

// isTransitional reports whether work may still be running. Unknown statuses
// count as transitional: IMMUTA_API.md (Statuses) says to keep waiting on them until the
// operation's timeout rather than guess.
func isTransitional(status string) bool { return !isTerminal(status) }

// IsDeleted reports whether status says the integration is gone: Immuta
// may keep answering and listing a deleted record.
func IsDeleted(status string) bool { return status == StatusDeleted }

// healthyStatuses are the statuses a create or update succeeds in: the
// integration is installed (recurringValidationError: installed, but its
// periodic re-validation failed). Any other terminal status, "disabled"
// and "deleted" included, is a failure.
func healthyStatuses() []string {
	return []string{StatusEnabled, StatusRecurringValidationError}
}

// IsHealthy reports whether status is one a create or update succeeds in
// (WaitHealthy's end).
func IsHealthy(status string) bool { return slices.Contains(healthyStatuses(), status) }

// isFailed reports whether status is one of the terminal failure statuses.
func isFailed(status string) bool {
	switch status {
	case StatusCreateError, StatusEditError, StatusMigrateError, StatusDeleteError:
		return true
	}
	return false
}

// Payload is the body of POST and PUT /integrations (IMMUTA_API.md, Payload).
type Payload struct {
	Type          string `json:"type"`
	AutoBootstrap *bool  `json:"autoBootstrap,omitempty"`
	// Config is a map[string]any, a json.RawMessage or nil (Trino). It is
	// marshalled as given and omitted when nil.
	Config any `json:"config,omitempty"`
}

// MarshalJSON omits config also when it holds a typed nil (e.g. a nil
// map[string]any), which encoding/json would otherwise send as null.
func (p Payload) MarshalJSON() ([]byte, error) {
	type plain Payload
	q := plain(p)
	if isNil(q.Config) {
		q.Config = nil
	}
	return json.Marshal(q)
}

// DeleteRequest is the optional body of DELETE /integrations/{id}: the
// privileged credentials of an auto-bootstrapped Snowflake, Redshift or Azure
// Synapse integration (IMMUTA_API.md, Deleting). Config is typically a
// map[string]any of the credential fields.
type DeleteRequest struct {
	Config any `json:"config,omitempty"`
}

// MarshalJSON: see Payload.MarshalJSON.
func (d DeleteRequest) MarshalJSON() ([]byte, error) {
	type plain DeleteRequest
	q := plain(d)
	if isNil(q.Config) {
		q.Config = nil
	}
	return json.Marshal(q)
}

func isNil(v any) bool {
	if v == nil {
		return true
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Slice, reflect.Interface:
		return rv.IsNil()
	}
	return false
}

// Integration is the integration object (IMMUTA_API.md, Integration object).
type Integration struct {
	// ID is always kept as a string, whether the API sends a number or a string.
	ID                string             `json:"id"`
	Type              string             `json:"type"`
	AutoBootstrap     *bool              `json:"autoBootstrap,omitempty"`
	Status            string             `json:"status"`
	ValidationResults *ValidationResults `json:"validationResults,omitempty"`
	// Config is kept raw; decode it with DecodeConfig (into a map).
	Config json.RawMessage `json:"config,omitempty"`
}

// UnmarshalJSON accepts "id" as a JSON number or string.
func (i *Integration) UnmarshalJSON(b []byte) error {
	type plain Integration
	aux := struct {
		ID flexID `json:"id"`
		*plain
	}{plain: (*plain)(i)}
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	i.ID = string(aux.ID)
	return nil
}

// HasConfig reports whether the answer holds a config object (not absent,
// not null).
func (i *Integration) HasConfig() bool {
	if i == nil {
		return false
	}
	raw := bytes.TrimSpace(i.Config)
	return len(raw) > 0 && !bytes.Equal(raw, []byte("null"))
}

// DecodeConfig decodes the integration's config into v (typically a pointer
// to a map). An absent or null config leaves v as is.
func (i *Integration) DecodeConfig(v any) error {
	if !i.HasConfig() {
		return nil
	}
	if err := json.Unmarshal(i.Config, v); err != nil {
		return fmt.Errorf("decoding config of integration %s: %w", i.ID, err)
	}
	return nil
}

// IntegrationStatus is the body of GET /integrations/{id}/status.
type IntegrationStatus struct {
	ID                string             `json:"id"`
	Status            string             `json:"status"`
	ValidationResults *ValidationResults `json:"validationResults,omitempty"`
}

// UnmarshalJSON accepts "id" as a JSON number or string.
func (s *IntegrationStatus) UnmarshalJSON(b []byte) error {
	type plain IntegrationStatus
	aux := struct {
		ID flexID `json:"id"`
		*plain
	}{plain: (*plain)(s)}
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	s.ID = string(aux.ID)
	return nil
}

// ValidationResults is the outcome of Immuta's prerequisite validation.
type ValidationResults struct {
	Status string           `json:"status"`
	Tests  []ValidationTest `json:"validationTests"`
}

// Problems returns the tests that failed or warned, in order.
func (v *ValidationResults) Problems() []ValidationTest {
	if v == nil {
		return nil
	}
	var out []ValidationTest
	for _, t := range v.Tests {
		if t.Status == TestFailed || t.Status == TestWarning {
			out = append(out, t)
		}
	}
	return out
}

// ValidationTest is one validation test; Message says what is wrong when the
// test failed or warned.
type ValidationTest struct {
	Name    string          `json:"name"`
	Status  string          `json:"status"`
	Message string          `json:"message,omitempty"`
	Result  json.RawMessage `json:"result,omitempty"`
}

// flexID decodes a JSON string or number (or null) into a string.
type flexID string

func (f *flexID) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case bytes.Equal(b, []byte("null")):
		*f = ""
		return nil
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*f = flexID(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return errors.New("id is neither a string nor a number")
	}
	*f = flexID(n.String())
	return nil
}
