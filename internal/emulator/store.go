// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"cmp"
	"slices"
	"strconv"
	"time"
)

// Integration statuses (contract §4).
const (
	statusCreating     = "creating"
	statusEditing      = "editing"
	statusDeleting     = "deleting"
	statusMigrating    = "migrating"
	statusEnabled      = "enabled"
	statusRecurring    = "recurringValidationError"
	statusCreateError  = "createError"
	statusEditError    = "editError"
	statusMigrateError = "migrateError"
	statusDeleteError  = "deleteError"
	statusDisabled     = "disabled"
	statusDeleted      = "deleted" // never stored: reaching it removes the record
)

func isTransitional(s string) bool {
	switch s {
	case statusCreating, statusEditing, statusDeleting, statusMigrating:
		return true
	}
	return false
}

// isTerminal reports the statuses a transition may end in (including deleted).
func isTerminal(s string) bool {
	switch s {
	case statusEnabled, statusRecurring, statusCreateError, statusEditError, statusMigrateError,
		statusDeleteError, statusDisabled, statusDeleted:
		return true
	}
	return false
}

// Validation test statuses.
const (
	testPassed  = "passed"
	testFailed  = "failed"
	testWarning = "warning"
	testSkipped = "skipped"
)

// ValidationTest is one entry of validationResults.validationTests.
type ValidationTest struct {
	Name    string `json:"name"`
	Status  string `json:"status"`
	Message string `json:"message,omitempty"`
	Result  any    `json:"result,omitempty"`
}

// ValidationResults is the validationResults object of an integration (contract §4).
type ValidationResults struct {
	Status          string           `json:"status"`
	ValidationTests []ValidationTest `json:"validationTests"`
}

// Record is an integration as stored: the current status resolved, config unredacted. Its JSON form is
// the integration object of contract §4.
type Record struct {
	ID                string            `json:"id"`
	Type              string            `json:"type"`
	AutoBootstrap     bool              `json:"autoBootstrap"`
	Status            string            `json:"status"`
	ValidationResults ValidationResults `json:"validationResults"`
	Config            map[string]any    `json:"config"`
}

// resultsOf builds validation results whose overall status is the worst of its tests.
func resultsOf(tests []ValidationTest) ValidationResults {
	r := ValidationResults{Status: testPassed, ValidationTests: slices.Clone(tests)}
	if r.ValidationTests == nil {
		r.ValidationTests = []ValidationTest{}
	}
	for _, t := range tests {
		switch {
		case t.Status == testFailed:
			r.Status = testFailed
		case t.Status == testWarning && r.Status != testFailed:
			r.Status = testWarning
		}
	}
	return r
}

// passingResults are the results of a successful create or edit.
func passingResults(spec *typeSpec, autoBootstrap bool, cfg map[string]any) ValidationResults {
	var tests []ValidationTest
	for _, name := range spec.tests(autoBootstrap, cfg) {
		tests = append(tests, ValidationTest{Name: name, Status: testPassed})
	}
	return resultsOf(tests)
}

func failedResults(name, message string) ValidationResults {
	return resultsOf([]ValidationTest{{Name: name, Status: testFailed, Message: message}})
}

// integration is one stored record. Timed transitions are not run by goroutines: next holds the status
// to take at a given time, and every access settles it first (settle).
type integration struct {
	num           int
	typ           string
	autoBootstrap bool
	config        map[string]any
	status        string
	results       ValidationResults
	next          *pendingStatus
}

func (rec *integration) id() string { return strconv.Itoa(rec.num) }

type pendingStatus struct {
	at      time.Time
	status  string             // statusDeleted removes the record
	results *ValidationResults // nil: keep the current results
	restore map[string]any     // config to roll back to, nil: keep
}

// settle applies rec's pending status if its time has come; false means the record is gone.
// Callers hold e.mu.
func (e *Emulator) settle(rec *integration, now time.Time) bool {
	p := rec.next
	if p == nil || now.Before(p.at) {
		return true
	}
	rec.next = nil
	if p.status == statusDeleted {
		delete(e.records, rec.id())
		return false
	}
	rec.status = p.status
	if p.results != nil {
		rec.results = *p.results
	}
	if p.restore != nil {
		rec.config = p.restore
	}
	return true
}

// lookup returns the settled record with that id, or nil. Callers hold e.mu.
func (e *Emulator) lookup(id string, now time.Time) *integration {
	rec := e.records[id]
	if rec == nil || !e.settle(rec, now) {
		return nil
	}
	return rec
}

// settledAll returns every settled record in id order. Callers hold e.mu.
func (e *Emulator) settledAll(now time.Time) []*integration {
	out := make([]*integration, 0, len(e.records))
	for _, rec := range e.records {
		if e.settle(rec, now) {
			out = append(out, rec)
		}
	}
	slices.SortFunc(out, func(a, b *integration) int { return cmp.Compare(a.num, b.num) })
	return out
}

// insert stores a new record under the next id. Callers hold e.mu.
func (e *Emulator) insert(rec *integration) {
	rec.num = e.nextID
	e.nextID++
	e.records[rec.id()] = rec
}

// view renders rec; redacted views (every API answer) hide secrets.
func (rec *integration) view(redacted bool) Record {
	cfg := copyConfig(rec.config)
	if redacted {
		if spec := specs[rec.typ]; spec != nil {
			redact(spec.fields, cfg)
		}
	}
	res := rec.results
	res.ValidationTests = slices.Clone(res.ValidationTests)
	if res.ValidationTests == nil {
		res.ValidationTests = []ValidationTest{}
	}
	return Record{
		ID:                rec.id(),
		Type:              rec.typ,
		AutoBootstrap:     rec.autoBootstrap,
		Status:            rec.status,
		ValidationResults: res,
		Config:            cfg,
	}
}

// redact replaces every secret value in obj, in place.
func redact(fields []field, obj map[string]any) {
	for _, f := range fields {
		v, ok := obj[f.name]
		if !ok {
			continue
		}
		if f.secret {
			obj[f.name] = "[REDACTED]"
			continue
		}
		if m, isMap := v.(map[string]any); isMap && f.kind == kindObject {
			redact(f.members, m)
		}
	}
}

// deepCopy copies a decoded JSON value so stored state never aliases caller data.
// copyConfig deep-copies a config object.
func copyConfig(m map[string]any) map[string]any {
	out, _ := deepCopy(m).(map[string]any)
	return out
}

func deepCopy(v any) any {
	switch t := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(t))
		for k, x := range t {
			m[k] = deepCopy(x)
		}
		return m
	case []any:
		s := make([]any, len(t))
		for i, x := range t {
			s[i] = deepCopy(x)
		}
		return s
	default:
		return t
	}
}

// deepMerge merges src into dst: objects merge recursively, null deletes a key, anything else replaces.
func deepMerge(dst, src map[string]any) {
	for k, v := range src {
		if v == nil {
			delete(dst, k)
			continue
		}
		if sm, ok := v.(map[string]any); ok {
			if dm, ok := dst[k].(map[string]any); ok {
				deepMerge(dm, sm)
				continue
			}
		}
		dst[k] = deepCopy(v)
	}
}
