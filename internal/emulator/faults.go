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

// FaultAction is what a matching request gets, in this order: Hang, then one kind of Fault, then the
// answer delivered as Deliver says. Its JSON is flat (faults_json.go): one object with the fields of
// every kind, which decoding sorts into one kind, refusing a rule that mixes kinds.
type FaultAction struct {
	// Hang holds the request that long before anything else happens to it ("hang" in JSON, a duration
	// string).
	Hang time.Duration
	// Fault is the one kind of fault: Respond, RespondBody, Refuse, Handle or Drop. Nil lets the request
	// be handled as usual (for a Hang or a Deliver alone).
	Fault Fault
	// Deliver is how the answer goes out: nil writes it at once; Trickle and DropAnswer need an answer
	// (not with Drop), and DropAnswer one the fault leaves as handled (not with Respond, RespondBody or
	// a Handle that changes the answer).
	Deliver Delivery
}

// Fault is one kind of fault.
type Fault interface{ isFault() }

// Respond answers Status with Immuta's error envelope without handling the request: Message (default
// the status text), and Retry-After when RetryAfter (seconds) is set.
type Respond struct {
	Status     int
	RetryAfter int
	Message    string
}

// RespondBody answers Status with Body as it is ("" = an empty body), with ContentType (default
// application/json), without handling the request: a proxy's page, say. Retry-After as in Respond.
type RespondBody struct {
	Status      int
	RetryAfter  int
	Body        string
	ContentType string
}

// Refuse answers a create, edit or delete 422 with these validation results, as Immuta does when its
// validation fails (Message replaces its message): nothing changes. Other requests pass it by.
type Refuse struct {
	Validation       []ValidationTest
	ValidationRepeat int // 1..100000 copies of Validation, names suffixed " #i"
	Message          string
}

// Handle lets the request be handled. With Outcome, a create, edit or delete ends its transition in that
// terminal status with Validation (ValidationRepeat times) as its results, and other requests pass the
// rule by; Answer, when set, changes the handled request's answer.
type Handle struct {
	Outcome          string
	Validation       []ValidationTest
	ValidationRepeat int
	Answer           AnswerChange
}

// Drop closes the connection before the request is handled.
type Drop struct{}

func (Respond) isFault()     {}
func (RespondBody) isFault() {}
func (Refuse) isFault()      {}
func (Handle) isFault()      {}
func (Drop) isFault()        {}

// AnswerChange changes a handled request's answer: ReplaceAnswer or OverrideAnswer.
type AnswerChange interface{ isAnswerChange() }

// ReplaceAnswer replaces the answer's body, whatever its status, with Body and ContentType (default
// application/json); the status is kept.
type ReplaceAnswer struct {
	Body        string
	ContentType string
}

// OverrideAnswer merges its keys into a successful (2xx) JSON answer: into the object, or into every
// object of an array. A nil (JSON null) value removes the key; others replace or add it.
type OverrideAnswer map[string]any

func (ReplaceAnswer) isAnswerChange()  {}
func (OverrideAnswer) isAnswerChange() {}

// Delivery is how an answer goes out: Trickle or DropAnswer.
type Delivery interface{ isDelivery() }

// Trickle writes the answer one byte at a time, this long before each, until the client goes away.
type Trickle time.Duration

// DropAnswer closes the connection instead of answering.
type DropAnswer struct{}

func (Trickle) isDelivery()    {}
func (DropAnswer) isDelivery() {}

const (
	// maxValidationRepeat bounds ValidationRepeat, and maxRepeatedTests the tests it may make in all.
	maxValidationRepeat = 100000
	maxRepeatedTests    = 1000000

	defaultFaultContentType = "application/json"
)

// check rejects, in a rule the types let through, what cannot mean anything, so a test's mistake is
// reported, not ignored.
func (r *FaultRule) check() error {
	a := &r.Action
	switch {
	case r.Times < 0:
		return errors.New("times must not be negative")
	case r.Every < 0:
		return errors.New("every must not be negative")
	case a.Fault == nil && a.Hang == 0 && a.Deliver == nil:
		return errors.New("action does nothing: give status, validation, outcome, answerBody, override, trickle, drop or hang")
	}
	if t, ok := a.Deliver.(Trickle); ok && t < 0 {
		return errors.New("trickle must not be negative")
	}
	if _, drops := a.Deliver.(DropAnswer); drops && !answerCanDrop(a.Fault) {
		return errors.New(`drop "after" handles the request and closes the connection instead of answering: status, answerBody, override and trickle would never be seen`)
	}
	if _, ok := a.Fault.(Drop); ok && a.Deliver != nil {
		return errors.New(`drop "before" closes the connection before the request is handled: only hang goes with it`)
	}
	switch f := a.Fault.(type) {
	case Respond:
		return checkStatus(f.Status, f.RetryAfter)
	case RespondBody:
		if err := checkStatus(f.Status, f.RetryAfter); err != nil {
			return err
		}
		if f.Body != "" && !bodyAllowed(f.Status) {
			return fmt.Errorf("status %d has no body", f.Status)
		}
		return checkContentType("contentType", f.ContentType)
	case Refuse:
		if len(f.Validation) == 0 {
			return errors.New("a refusal needs validation tests: it answers them in a 422")
		}
		return checkRepeated(f.Validation, f.ValidationRepeat)
	case Handle:
		switch {
		case f.Outcome != "" && !isTerminal(f.Outcome):
			return fmt.Errorf("outcome %q is not a terminal status", f.Outcome)
		case f.Outcome == "" && len(f.Validation) > 0:
			return errors.New("validation without outcome is a refusal (a 422), not a handled request")
		}
		switch c := f.Answer.(type) {
		case ReplaceAnswer:
			if err := checkContentType("answerContentType", c.ContentType); err != nil {
				return err
			}
		case OverrideAnswer:
			if len(c) == 0 {
				return errors.New("override names no key")
			}
		}
		return checkRepeated(f.Validation, f.ValidationRepeat)
	}
	return nil
}

// answerCanDrop reports whether a fault leaves an answer that DropAnswer may drop: one the request was
// handled for and that no answer change would have shaped.
func answerCanDrop(f Fault) bool {
	switch f := f.(type) {
	case Respond, RespondBody, Drop:
		return false
	case Handle:
		return f.Answer == nil
	}
	return true
}

func checkStatus(status, retryAfter int) error {
	switch {
	case status < 100 || status > 599:
		return fmt.Errorf("status %d is not an HTTP status", status)
	case retryAfter < 0:
		return errors.New("retryAfter must not be negative")
	}
	return nil
}

func checkContentType(name, ct string) error {
	if strings.ContainsFunc(ct, func(r rune) bool { return r < ' ' || r == 0x7f }) {
		return fmt.Errorf("%s must not contain control characters", name)
	}
	return nil
}

// checkRepeated checks tests and how often they are repeated.
func checkRepeated(tests []ValidationTest, repeat int) error {
	switch {
	case repeat != 0 && len(tests) == 0:
		return errors.New("validationRepeat needs validation: it repeats that list")
	case repeat < 0 || repeat > maxValidationRepeat:
		return fmt.Errorf("validationRepeat must be from 1 to %d", maxValidationRepeat)
	case repeat*len(tests) > maxRepeatedTests:
		return fmt.Errorf("validationRepeat %d × %d tests is more than %d tests", repeat, len(tests), maxRepeatedTests)
	}
	return checkTests(tests)
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

// repeatedTests returns tests, repeat times over when it is set (names then suffixed " #1", " #2",
// ...); a test given without a status failed.
func repeatedTests(tests []ValidationTest, repeat int) []ValidationTest {
	n := max(repeat, 1)
	out := make([]ValidationTest, 0, n*len(tests))
	for i := 1; i <= n; i++ {
		for _, t := range tests {
			if repeat > 0 {
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

// validationFailure is the 422 a Refuse answers instead of accepting the request.
func (a *FaultAction) validationFailure(message string) *apiError {
	if a == nil {
		return nil
	}
	f, ok := a.Fault.(Refuse)
	if !ok {
		return nil
	}
	if f.Message != "" {
		message = f.Message
	}
	res := resultsOf(repeatedTests(f.Validation, f.ValidationRepeat))
	return &apiError{status: http.StatusUnprocessableEntity, message: message, results: &res}
}

// outcome is where a transition ends: a Handle's outcome or def, with its results (nil = keep). An
// error outcome without tests gets a generic failed test so it never ends silently.
func (a *FaultAction) outcome(def string) (string, *ValidationResults) {
	if a == nil {
		return def, nil
	}
	f, ok := a.Fault.(Handle)
	if !ok || f.Outcome == "" {
		return def, nil
	}
	if len(f.Validation) > 0 {
		res := resultsOf(repeatedTests(f.Validation, f.ValidationRepeat))
		return f.Outcome, &res
	}
	if strings.HasSuffix(f.Outcome, "Error") {
		res := failedResults(testConnection, "The operation failed on the platform ("+f.Outcome+").")
		return f.Outcome, &res
	}
	return f.Outcome, nil
}

// unhandled is the answer of a Respond or RespondBody, given instead of handling the request.
func (a *FaultAction) unhandled() (response, bool) {
	if a == nil {
		return response{}, false
	}
	switch f := a.Fault.(type) {
	case Respond:
		msg := f.Message
		if msg == "" {
			msg = http.StatusText(f.Status)
		}
		r := errorResponse(f.Status, msg)
		r.retryAfter = f.RetryAfter
		return r, true
	case RespondBody:
		return response{status: f.Status, raw: []byte(f.Body), contentType: cmp.Or(f.ContentType, defaultFaultContentType),
			retryAfter: f.RetryAfter}, true
	}
	return response{}, false
}

// changeAnswer applies a Handle's answer change to the answer of a handled request; r comes back
// encoded.
func (a *FaultAction) changeAnswer(r response) response {
	if a == nil {
		return r
	}
	f, _ := a.Fault.(Handle)
	switch c := f.Answer.(type) {
	case ReplaceAnswer:
		r = r.encoded()
		r.raw, r.contentType = []byte(c.Body), cmp.Or(c.ContentType, defaultFaultContentType)
	case OverrideAnswer:
		if len(c) > 0 && r.isJSON() && r.status >= 200 && r.status < 300 {
			r = r.encoded()
			if b, err := overrideJSON(r.raw, c); err == nil {
				r.raw = b
			}
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

// matches reports whether the rule applies to c.
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
	if r.Action.onTransitionsOnly() && !c.startsTransition() {
		return false
	}
	return true
}

// onTransitionsOnly: a refusal and an outcome only make sense for requests that start a transition.
func (a *FaultAction) onTransitionsOnly() bool {
	switch f := a.Fault.(type) {
	case Refuse:
		return true
	case Handle:
		return f.Outcome != ""
	}
	return false
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
	r.Action.Fault = cloneFault(r.Action.Fault)
	e.rules = append(e.rules, &r)
	return r.ID
}

// cloneFault copies what the caller could change after AddFault: validation lists and overrides.
func cloneFault(f Fault) Fault {
	switch f := f.(type) {
	case Refuse:
		f.Validation = slices.Clone(f.Validation)
		return f
	case Handle:
		f.Validation = slices.Clone(f.Validation)
		if o, ok := f.Answer.(OverrideAnswer); ok {
			f.Answer = maps.Clone(o)
		}
		return f
	}
	return f
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
