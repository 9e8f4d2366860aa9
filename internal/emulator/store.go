// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"cmp"
	"encoding/json"
	"reflect"
	"slices"
	"strconv"
	"time"
)

// Integration statuses (IMMUTA_API.md, Statuses).
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
	statusDeleted      = "deleted" // stored in the literal answer style only; echo removes the record
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

// ValidationResults is an integration's validationResults object (IMMUTA_API.md, Validation results).
type ValidationResults struct {
	Status          string           `json:"status"`
	ValidationTests []ValidationTest `json:"validationTests"`
}

// Record is an integration as stored: the current status resolved, config unredacted. Its JSON form is
// the integration object (IMMUTA_API.md, Integration object).
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
	// credsUnknown: seeded from an API answer, which never carries the privileged credentials a DELETE
	// must repeat, so a DELETE's are accepted as given (well-formed). It stays set after a PUT, whose
	// rollback (editError) would bring the answer's config back.
	credsUnknown bool
}

func (rec *integration) id() string { return strconv.Itoa(rec.num) }

type pendingStatus struct {
	at      time.Time
	status  string             // statusDeleted: see markDeleted
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
	if p.results != nil {
		rec.results = *p.results
	}
	if p.status == statusDeleted {
		return e.markDeleted(rec)
	}
	rec.status = p.status
	if p.restore != nil {
		rec.config = p.restore
	}
	return true
}

// markDeleted ends rec's life: the echo style removes the record (false: it is gone), the literal style
// keeps it with status deleted (true). Callers hold e.mu.
func (e *Emulator) markDeleted(rec *integration) bool {
	rec.next = nil
	if e.style != AnswerLiteral {
		delete(e.records, rec.id())
		return false
	}
	rec.status = statusDeleted
	return true
}

// lookup returns the settled record with that id, or nil; in the literal style it may be a deleted
// one, which reads answer. Callers hold e.mu.
func (e *Emulator) lookup(id string, now time.Time) *integration {
	rec := e.records[id]
	if rec == nil || !e.settle(rec, now) {
		return nil
	}
	return rec
}

// lookupLive is lookup for the calls that change a record: a deleted record counts as gone.
// Callers hold e.mu.
func (e *Emulator) lookupLive(id string, now time.Time) *integration {
	rec := e.lookup(id, now)
	if rec == nil || rec.status == statusDeleted {
		return nil
	}
	return rec
}

// settledAll returns every settled record in id order, deleted ones (literal style) included.
// Callers hold e.mu.
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

// stored renders rec as the control surface shows it: config as stored, secrets in clear.
func (rec *integration) stored() Record { return rec.record(copyConfig(rec.config)) }

// answer renders rec as an API answer in the given style.
func (rec *integration) answer(style AnswerStyle) Record {
	cfg := copyConfig(rec.config)
	if spec := specs[rec.typ]; spec != nil {
		if style == AnswerLiteral {
			literal(spec, rec.autoBootstrap, cfg)
		} else {
			redact(spec.fields, cfg)
		}
	}
	return rec.record(cfg)
}

func (rec *integration) record(cfg map[string]any) Record {
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

// redacted is how the echo style, and Immuta's connections API, answer a secret.
const redacted = "[REDACTED]"

// redact replaces every secret value in obj, in place (the echo style).
func redact(fields []field, obj map[string]any) {
	for _, f := range fields {
		v, ok := obj[f.name]
		if !ok {
			continue
		}
		if f.secret {
			obj[f.name] = redacted
			continue
		}
		if m, isMap := v.(map[string]any); isMap && f.kind == kindObject {
			redact(f.members, m)
		}
	}
}

// literal renders cfg, in place, as the literal style answers it (IMMUTA_API.md, Sparse answers):
// without the privileged credentials of an auto-bootstrapped integration whose DELETE takes them, then
// (literalObject) without secrets and fields at their defaults, values normalised.
func literal(spec *typeSpec, autoBootstrap bool, cfg map[string]any) {
	if autoBootstrap {
		for _, name := range spec.deleteCreds {
			delete(cfg, name)
		}
	}
	literalObject(spec.fields, cfg)
}

// literalObject leaves secrets and values equal to their field's default out of obj, normalises values,
// and recurses into objects, leaving out those it empties. Keys the schema does not know (drift) stay.
func literalObject(fields []field, obj map[string]any) {
	for i := range fields {
		f := &fields[i]
		v, ok := obj[f.name]
		if !ok {
			continue
		}
		if s, isStr := v.(string); isStr && f.norm != nil {
			v = f.norm(s)
			obj[f.name] = v
		}
		switch m, isMap := v.(map[string]any); {
		case f.secret, f.def != nil && sameJSON(v, f.def):
			delete(obj, f.name)
		case isMap && f.kind == kindObject:
			literalObject(f.members, m)
			if len(m) == 0 {
				delete(obj, f.name)
			}
		}
	}
}

// sameJSON reports whether a and b encode to the same JSON (443 and 443.0 are the same number).
func sameJSON(a, b any) bool {
	if reflect.DeepEqual(a, b) {
		return true
	}
	ja, errA := json.Marshal(a)
	jb, errB := json.Marshal(b)
	return errA == nil && errB == nil && string(ja) == string(jb)
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
