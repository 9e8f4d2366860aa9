// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// FaultRule makes matching API requests misbehave (IMMUTA_API.md, Control surface). Method and Path
// are optional filters; a Path ending in "*" is a prefix. Times is how many matching requests it
// applies to; 0 means until removed. Over JSON an omitted "times" means 1 (as IMMUTA_API.md says); in
// Go the zero value is 0.
//
// Every (an addition to IMMUTA_API.md's rules, for load tests) makes the rule apply to a share of the
// matching requests: to every Every-th one (the Every-th, the 2·Every-th, ...), letting the others
// through untouched and free to match later rules. 0 and 1 mean every matching request. Times then
// counts the requests the rule applied to, not the ones it let through.
type FaultRule struct {
	ID     string      `json:"id,omitempty"`
	Method string      `json:"method,omitempty"`
	Path   string      `json:"path,omitempty"`
	Times  int         `json:"times"`
	Every  int         `json:"every,omitempty"`
	Action FaultAction `json:"action"`

	seen int // matching requests so far, for Every
}

// FaultAction is what a matching request gets. Effects combine in this order: Hang; Drop "before";
// then either Status (answered without handling the request: the error envelope, or Body) or the
// request is handled (Validation/Outcome applied) and its answer changed by Override or AnswerBody;
// then Drop "after" (no answer) or the answer is written (slowly with Trickle). FaultRule.check, which
// the control surface runs, rejects every other combination.
type FaultAction struct {
	Status     int    `json:"status,omitempty"`     // answer this status with the error envelope, unhandled
	RetryAfter int    `json:"retryAfter,omitempty"` // seconds, sent as Retry-After; with Status
	Message    string `json:"message,omitempty"`    // overrides the envelope message (Status, or Validation alone)
	// Body, with Status, is answered instead of the error envelope, as is ("" = an empty body), with
	// ContentType (default "application/json"): a proxy's page, say.
	Body        *string `json:"body,omitempty"`
	ContentType string  `json:"contentType,omitempty"`

	Validation       []ValidationTest `json:"validation,omitempty"`       // alone: 422; with Outcome: the results
	ValidationRepeat int              `json:"validationRepeat,omitempty"` // 1..100000 copies of Validation, names suffixed " #i"
	Outcome          string           `json:"outcome,omitempty"`          // terminal status the transition ends in

	// AnswerBody replaces the body of a handled request's answer, whatever its status, with
	// AnswerContentType (default "application/json"); the status is kept.
	AnswerBody        *string `json:"answerBody,omitempty"`
	AnswerContentType string  `json:"answerContentType,omitempty"`
	// Override merges its keys into a handled request's successful (2xx) JSON answer: into the object, or
	// into every object of an array. A nil (JSON null) value removes the key; others replace or add it.
	Override map[string]any `json:"override,omitempty"`

	Drop    string        `json:"drop,omitempty"` // "before" or "after"
	Hang    time.Duration `json:"-"`              // "hang" in JSON, as a duration string
	Trickle time.Duration `json:"-"`              // "trickle" in JSON: the pause before each byte of the answer
}

const (
	dropBefore = "before"
	dropAfter  = "after"

	// maxValidationRepeat bounds ValidationRepeat, and maxRepeatedTests the tests it may make in all.
	maxValidationRepeat = 100000
	maxRepeatedTests    = 1000000

	defaultFaultContentType = "application/json"
)

func (r *FaultRule) UnmarshalJSON(b []byte) error {
	type plain FaultRule
	p := plain{Times: 1}
	if err := decodeStrict(b, &p); err != nil {
		return err
	}
	*r = FaultRule(p)
	return nil
}

type faultActionJSON struct {
	Status            int              `json:"status,omitempty"`
	RetryAfter        int              `json:"retryAfter,omitempty"`
	Message           string           `json:"message,omitempty"`
	Body              *string          `json:"body,omitempty"`
	ContentType       string           `json:"contentType,omitempty"`
	Validation        []ValidationTest `json:"validation,omitempty"`
	ValidationRepeat  int              `json:"validationRepeat,omitempty"`
	Outcome           string           `json:"outcome,omitempty"`
	AnswerBody        *string          `json:"answerBody,omitempty"`
	AnswerContentType string           `json:"answerContentType,omitempty"`
	Override          json.RawMessage  `json:"override,omitempty"`
	Drop              string           `json:"drop,omitempty"`
	Hang              *string          `json:"hang,omitempty"`
	Trickle           *string          `json:"trickle,omitempty"`
}

func (a *FaultAction) UnmarshalJSON(b []byte) error {
	var j faultActionJSON
	if err := decodeStrict(b, &j); err != nil {
		return err
	}
	hang, err := parseDuration("hang", j.Hang)
	if err != nil {
		return err
	}
	trickle, err := parseDuration("trickle", j.Trickle)
	if err != nil {
		return err
	}
	override, err := decodeOverride(j.Override)
	if err != nil {
		return err
	}
	*a = FaultAction{Status: j.Status, RetryAfter: j.RetryAfter, Message: j.Message,
		Body: j.Body, ContentType: j.ContentType,
		Validation: j.Validation, ValidationRepeat: j.ValidationRepeat, Outcome: j.Outcome,
		AnswerBody: j.AnswerBody, AnswerContentType: j.AnswerContentType, Override: override,
		Drop: j.Drop, Hang: hang, Trickle: trickle}
	return nil
}

// decodeOverride decodes "override": a JSON object, its numbers kept as written (json.Number).
func decodeOverride(raw json.RawMessage) (map[string]any, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("override must be a JSON object: %w", err)
	}
	return m, nil
}

func (a FaultAction) MarshalJSON() ([]byte, error) {
	j := faultActionJSON{Status: a.Status, RetryAfter: a.RetryAfter, Message: a.Message,
		Body: a.Body, ContentType: a.ContentType,
		Validation: a.Validation, ValidationRepeat: a.ValidationRepeat, Outcome: a.Outcome,
		AnswerBody: a.AnswerBody, AnswerContentType: a.AnswerContentType,
		Drop: a.Drop, Hang: durationString(a.Hang), Trickle: durationString(a.Trickle)}
	if a.Override != nil {
		b, err := json.Marshal(a.Override)
		if err != nil {
			return nil, fmt.Errorf("override: %w", err)
		}
		j.Override = b
	}
	return json.Marshal(j)
}

// check rejects rules that cannot mean anything, so a test's mistake is reported, not ignored.
func (r *FaultRule) check() error {
	a := &r.Action
	switch {
	case r.Times < 0:
		return errors.New("times must not be negative")
	case r.Every < 0:
		return errors.New("every must not be negative")
	case a.Status != 0 && (a.Status < 100 || a.Status > 599):
		return fmt.Errorf("status %d is not an HTTP status", a.Status)
	case a.RetryAfter < 0:
		return errors.New("retryAfter must not be negative")
	case a.Drop != "" && a.Drop != dropBefore && a.Drop != dropAfter:
		return fmt.Errorf("drop must be %q or %q", dropBefore, dropAfter)
	case a.Outcome != "" && !isTerminal(a.Outcome):
		return fmt.Errorf("outcome %q is not a terminal status", a.Outcome)
	}
	if err := a.checkCombination(); err != nil {
		return err
	}
	if a.Status == 0 && len(a.Validation) == 0 && a.Outcome == "" && a.AnswerBody == nil && a.Override == nil &&
		a.Drop == "" && a.Hang == 0 && a.Trickle == 0 {
		return errors.New("action does nothing: give status, validation, outcome, answerBody, override, trickle, drop or hang")
	}
	return checkTests(a.Validation)
}

// checkCombination rejects fields that the rest of the action would ignore.
func (a *FaultAction) checkCombination() error {
	handled := a.Status == 0                                              // the request reaches the handler
	validationOnly := handled && len(a.Validation) > 0 && a.Outcome == "" // the handler answers the 422
	switch {
	case a.Body != nil && a.Status == 0:
		return errors.New("body needs status: it is the answer given instead of handling the request (to replace a handled request's answer, use answerBody)")
	case a.ContentType != "" && a.Body == nil:
		return errors.New("contentType needs body")
	case a.Body != nil && *a.Body != "" && !bodyAllowed(a.Status):
		return fmt.Errorf("status %d has no body", a.Status)
	case a.Body != nil && a.Message != "":
		return errors.New("message goes in the error envelope, which body replaces: give one of them")
	case a.RetryAfter > 0 && a.Status == 0:
		return errors.New("retryAfter needs status")
	case a.Message != "" && a.Status == 0 && !validationOnly:
		return errors.New("message needs status, or validation without outcome: nothing else answers an error envelope")
	case a.Status != 0 && (len(a.Validation) > 0 || a.Outcome != ""):
		return errors.New("status answers without handling the request: it cannot go with validation or outcome")
	case a.Status != 0 && a.AnswerBody != nil:
		return errors.New("answerBody replaces the answer of a handled request, and status answers without handling it: for a status with a body of your own, give status and body")
	case a.Status != 0 && a.Override != nil:
		return errors.New("override changes the answer of a handled request, and status answers without handling it")
	case a.AnswerContentType != "" && a.AnswerBody == nil:
		return errors.New("answerContentType needs answerBody")
	case a.AnswerBody != nil && a.Override != nil:
		return errors.New("answerBody replaces the whole answer, leaving override nothing to change: give one of them")
	case validationOnly && a.AnswerBody != nil:
		return errors.New("validation without outcome answers a 422 and changes nothing: for a 422 with a body of your own, give status 422 and body")
	case validationOnly && a.Override != nil:
		return errors.New("override changes successful answers, and validation without outcome answers a 422: add outcome, or drop override")
	case a.Override != nil && len(a.Override) == 0:
		return errors.New("override names no key")
	case a.ValidationRepeat != 0 && len(a.Validation) == 0:
		return errors.New("validationRepeat needs validation: it repeats that list")
	case a.ValidationRepeat < 0 || a.ValidationRepeat > maxValidationRepeat:
		return fmt.Errorf("validationRepeat must be from 1 to %d", maxValidationRepeat)
	case a.ValidationRepeat*len(a.Validation) > maxRepeatedTests:
		return fmt.Errorf("validationRepeat %d × %d tests is more than %d tests", a.ValidationRepeat, len(a.Validation), maxRepeatedTests)
	case a.Drop == dropBefore && (a.Status != 0 || a.Body != nil || len(a.Validation) > 0 || a.Outcome != "" ||
		a.AnswerBody != nil || a.Override != nil || a.Trickle != 0 || a.Message != ""):
		return errors.New(`drop "before" closes the connection before the request is handled: only hang goes with it`)
	case a.Drop == dropAfter && (a.Status != 0 || a.AnswerBody != nil || a.Override != nil || a.Trickle != 0):
		return errors.New(`drop "after" handles the request and closes the connection instead of answering: status, answerBody, override and trickle would never be seen`)
	}
	for name, ct := range map[string]string{"contentType": a.ContentType, "answerContentType": a.AnswerContentType} {
		if strings.ContainsFunc(ct, func(r rune) bool { return r < ' ' || r == 0x7f }) {
			return fmt.Errorf("%s must not contain control characters", name)
		}
	}
	return nil
}

func checkTests(tests []ValidationTest) error {
	for _, t := range tests {
		if t.Name == "" {
			return errors.New("every validation test needs a name")
		}
		if !slices.Contains([]string{"", testPassed, testFailed, testWarning, testSkipped}, t.Status) {
			return fmt.Errorf("validation test status %q is not passed, failed, warning or skipped", t.Status)
		}
	}
	return nil
}

// tests returns the action's validation tests, ValidationRepeat times over when it is set (names then
// suffixed " #1", " #2", ...); a test given without a status failed.
func (a *FaultAction) tests() []ValidationTest {
	n := max(a.ValidationRepeat, 1)
	out := make([]ValidationTest, 0, n*len(a.Validation))
	for i := 1; i <= n; i++ {
		for _, t := range a.Validation {
			if a.ValidationRepeat > 0 {
				t.Name += " #" + strconv.Itoa(i)
			}
			if t.Status == "" {
				t.Status = testFailed
			}
			out = append(out, t)
		}
	}
	return out
}

// validationFailure is the 422 a validation-only action answers instead of accepting the request.
func (a *FaultAction) validationFailure(message string) *apiError {
	if a == nil || a.Status != 0 || a.Outcome != "" || len(a.Validation) == 0 {
		return nil
	}
	if a.Message != "" {
		message = a.Message
	}
	res := resultsOf(a.tests())
	return &apiError{status: http.StatusUnprocessableEntity, message: message, results: &res}
}

// outcome is where a transition ends: the action's outcome or def, with the action's results (nil =
// keep). An error outcome without tests gets a generic failed test so it never ends silently.
func (a *FaultAction) outcome(def string) (string, *ValidationResults) {
	if a == nil || a.Outcome == "" {
		return def, nil
	}
	if len(a.Validation) > 0 {
		res := resultsOf(a.tests())
		return a.Outcome, &res
	}
	if strings.HasSuffix(a.Outcome, "Error") {
		res := failedResults(testConnection, "The operation failed on the platform ("+a.Outcome+").")
		return a.Outcome, &res
	}
	return a.Outcome, nil
}

// statusResponse is the answer of a status action: the error envelope, or Body as it is.
func (a *FaultAction) statusResponse() response {
	if a.Body != nil {
		return response{status: a.Status, raw: []byte(*a.Body), contentType: cmp.Or(a.ContentType, defaultFaultContentType),
			retryAfter: a.RetryAfter}
	}
	msg := a.Message
	if msg == "" {
		msg = http.StatusText(a.Status)
	}
	r := errorResponse(a.Status, msg)
	r.retryAfter = a.RetryAfter
	return r
}

// changeAnswer applies AnswerBody or Override to the answer of a handled request; r comes back encoded.
func (a *FaultAction) changeAnswer(r response) response {
	if a == nil {
		return r
	}
	switch {
	case a.AnswerBody != nil:
		r = r.encoded()
		r.raw, r.contentType = []byte(*a.AnswerBody), cmp.Or(a.AnswerContentType, defaultFaultContentType)
	case len(a.Override) > 0 && r.isJSON() && r.status >= 200 && r.status < 300:
		r = r.encoded()
		if b, err := overrideJSON(r.raw, a.Override); err == nil {
			r.raw = b
		}
	}
	return r
}

// overrideJSON merges override's keys into the JSON object b, or into every object of the JSON array b
// (other values stay as they are). b's keys keep their order and their values their exact text; a nil
// value removes a key, another replaces its value or is added at the end (new keys in sorted order).
func overrideJSON(b []byte, override map[string]any) ([]byte, error) {
	b = bytes.TrimSpace(b)
	if len(b) == 0 {
		return b, nil
	}
	switch b[0] {
	case '{':
		return overrideObject(b, override)
	case '[':
		var items []json.RawMessage
		if err := json.Unmarshal(b, &items); err != nil {
			return nil, err
		}
		var out bytes.Buffer
		out.WriteByte('[')
		for i, item := range items {
			if i > 0 {
				out.WriteByte(',')
			}
			if len(item) > 0 && item[0] == '{' {
				merged, err := overrideObject(item, override)
				if err != nil {
					return nil, err
				}
				item = merged
			}
			out.Write(item)
		}
		out.WriteByte(']')
		return out.Bytes(), nil
	}
	return b, nil
}

func overrideObject(b []byte, override map[string]any) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	if _, err := dec.Token(); err != nil { // {
		return nil, err
	}
	var out bytes.Buffer
	out.WriteByte('{')
	member := func(key string, value []byte) {
		if out.Len() > 1 {
			out.WriteByte(',')
		}
		k, _ := json.Marshal(key) // a string always encodes
		out.Write(k)
		out.WriteByte(':')
		out.Write(value)
	}
	encode := func(key string) ([]byte, bool, error) {
		v, ok := override[key]
		if !ok || v == nil {
			return nil, ok, nil
		}
		e, err := json.Marshal(v)
		if err != nil {
			return nil, true, fmt.Errorf("override %q: %w", key, err)
		}
		return e, true, nil
	}
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		key, _ := tok.(string) // object keys are strings
		var value json.RawMessage
		if err := dec.Decode(&value); err != nil {
			return nil, err
		}
		seen[key] = true
		e, overridden, err := encode(key)
		switch {
		case err != nil:
			return nil, err
		case !overridden:
			member(key, value)
		case e != nil:
			member(key, e)
		}
	}
	for _, key := range slices.Sorted(maps.Keys(override)) {
		if seen[key] {
			continue
		}
		e, _, err := encode(key)
		if err != nil {
			return nil, err
		}
		if e != nil {
			member(key, e)
		}
	}
	out.WriteByte('}')
	return out.Bytes(), nil
}

// matches reports whether the rule applies to c. Validation and outcome effects only make sense for
// requests that start a transition, so such rules skip every other request.
func (r *FaultRule) matches(c *call) bool {
	if r.Method != "" && !strings.EqualFold(r.Method, c.method) {
		return false
	}
	if prefix, ok := strings.CutSuffix(r.Path, "*"); ok {
		if !strings.HasPrefix(c.path, prefix) {
			return false
		}
	} else if r.Path != "" && r.Path != c.path {
		return false
	}
	a := &r.Action
	if a.Status == 0 && (len(a.Validation) > 0 || a.Outcome != "") && !c.startsTransition() {
		return false
	}
	return true
}

// takeFault returns the action of the first matching rule with uses left, using one up.
func (e *Emulator) takeFault(c *call) *FaultAction {
	e.mu.Lock()
	defer e.mu.Unlock()
	for i, r := range e.rules {
		if !r.matches(c) {
			continue
		}
		if r.Every > 1 {
			r.seen++
			if r.seen%r.Every != 0 {
				continue
			}
		}
		act := r.Action
		if r.Times > 0 {
			r.Times--
			if r.Times == 0 {
				e.rules = slices.Delete(e.rules, i, i+1)
			}
		}
		return &act
	}
	return nil
}

// AddFault adds a rule after the existing ones and returns its id.
func (e *Emulator) AddFault(r FaultRule) string {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.nextRule++
	r.ID = strconv.Itoa(e.nextRule)
	r.seen = 0
	r.Action.Validation = slices.Clone(r.Action.Validation)
	r.Action.Override = maps.Clone(r.Action.Override)
	for _, b := range []**string{&r.Action.Body, &r.Action.AnswerBody} {
		if *b != nil {
			*b = new(**b)
		}
	}
	e.rules = append(e.rules, &r)
	return r.ID
}

// ClearFaults removes every rule.
func (e *Emulator) ClearFaults() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.rules = nil
}

// faults lists the rules with the uses they have left.
func (e *Emulator) faults() []FaultRule {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make([]FaultRule, 0, len(e.rules))
	for _, r := range e.rules {
		out = append(out, *r)
	}
	return out
}

// dropConnection closes the client's connection without an answer.
func dropConnection(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler) // not hijackable (HTTP/2): abort the stream instead
	}
	_ = conn.Close()
}
