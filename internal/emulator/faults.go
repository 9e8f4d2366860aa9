// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// FaultRule makes matching API requests misbehave (contract §6). Method and Path are optional filters;
// a Path ending in "*" is a prefix. Times is how many matching requests it applies to; 0 means until
// removed. Over JSON an omitted "times" means 1 (the contract's default); in Go the zero value is 0.
//
// Every (an addition to the contract, for load tests) makes the rule apply to a share of the matching
// requests: to every Every-th one (the Every-th, the 2·Every-th, ...), letting the others through
// untouched and free to match later rules. 0 and 1 mean every matching request. Times then counts the
// requests the rule applied to, not the ones it let through.
type FaultRule struct {
	ID     string      `json:"id,omitempty"`
	Method string      `json:"method,omitempty"`
	Path   string      `json:"path,omitempty"`
	Times  int         `json:"times"`
	Every  int         `json:"every,omitempty"`
	Action FaultAction `json:"action"`

	seen int // matching requests so far, for Every
}

// FaultAction is what a matching request gets. Effects combine in this order: Hang, Drop "before",
// Status (or else the request is handled, with Validation/Outcome applied), Drop "after".
type FaultAction struct {
	Status     int              `json:"status,omitempty"`     // answer this status with the error envelope
	RetryAfter int              `json:"retryAfter,omitempty"` // seconds, sent as Retry-After
	Message    string           `json:"message,omitempty"`    // overrides the envelope message
	Validation []ValidationTest `json:"validation,omitempty"` // alone: 422; with Outcome: the results
	Outcome    string           `json:"outcome,omitempty"`    // terminal status the transition ends in
	Drop       string           `json:"drop,omitempty"`       // "before" or "after"
	Hang       time.Duration    `json:"-"`                    // "hang" in JSON, as a duration string
}

const (
	dropBefore = "before"
	dropAfter  = "after"
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
	Status     int              `json:"status,omitempty"`
	RetryAfter int              `json:"retryAfter,omitempty"`
	Message    string           `json:"message,omitempty"`
	Validation []ValidationTest `json:"validation,omitempty"`
	Outcome    string           `json:"outcome,omitempty"`
	Drop       string           `json:"drop,omitempty"`
	Hang       *string          `json:"hang,omitempty"`
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
	*a = FaultAction{Status: j.Status, RetryAfter: j.RetryAfter, Message: j.Message,
		Validation: j.Validation, Outcome: j.Outcome, Drop: j.Drop, Hang: hang}
	return nil
}

func (a FaultAction) MarshalJSON() ([]byte, error) {
	return json.Marshal(faultActionJSON{Status: a.Status, RetryAfter: a.RetryAfter, Message: a.Message,
		Validation: a.Validation, Outcome: a.Outcome, Drop: a.Drop, Hang: durationString(a.Hang)})
}

// check rejects rules that cannot mean anything, so a test's mistake is reported, not ignored.
func (r *FaultRule) check() error {
	a := &r.Action
	switch {
	case r.Times < 0:
		return errors.New("times must not be negative")
	case r.Every < 0:
		return errors.New("every must not be negative")
	case a.Status == 0 && len(a.Validation) == 0 && a.Outcome == "" && a.Drop == "" && a.Hang == 0:
		return errors.New("action does nothing: give status, validation, outcome, drop or hang")
	case a.Status != 0 && (a.Status < 100 || a.Status > 599):
		return fmt.Errorf("status %d is not an HTTP status", a.Status)
	case a.RetryAfter < 0:
		return errors.New("retryAfter must not be negative")
	case a.Drop != "" && a.Drop != dropBefore && a.Drop != dropAfter:
		return fmt.Errorf("drop must be %q or %q", dropBefore, dropAfter)
	case a.Outcome != "" && !isTerminal(a.Outcome):
		return fmt.Errorf("outcome %q is not a terminal status", a.Outcome)
	}
	return checkTests(a.Validation)
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

// tests returns the action's validation tests; a test given without a status failed.
func (a *FaultAction) tests() []ValidationTest {
	out := slices.Clone(a.Validation)
	for i := range out {
		if out[i].Status == "" {
			out[i].Status = testFailed
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

// statusResponse is the answer of a status action.
func (a *FaultAction) statusResponse() response {
	msg := a.Message
	if msg == "" {
		msg = http.StatusText(a.Status)
	}
	r := errorResponse(a.Status, msg)
	r.retryAfter = a.RetryAfter
	return r
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
