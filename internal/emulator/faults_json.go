// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// The control surface's JSON of a fault action is flat: one object with the fields of every kind of
// fault (IMMUTA_API.md, Control surface; the README's table of actions). Decoding sorts it into one
// kind, and refuses a rule that mixes kinds, or gives a field that its kind would ignore, saying which.

// faultRuleJSON is a FaultRule as the control surface takes it.
type faultRuleJSON struct {
	ID     string     `json:"id,omitempty"`
	Method string     `json:"method,omitempty"`
	Path   string     `json:"path,omitempty"`
	Times  int        `json:"times"`
	Every  int        `json:"every,omitempty"`
	Action flatAction `json:"action"`
}

// rule is the FaultRule r describes, or why it describes none.
func (r *faultRuleJSON) rule() (FaultRule, error) {
	a, err := r.Action.action()
	if err != nil {
		return FaultRule{}, err
	}
	return FaultRule{ID: r.ID, Method: r.Method, Path: r.Path, Times: r.Times, Every: r.Every, Action: a}, nil
}

func (r *FaultRule) UnmarshalJSON(b []byte) error {
	j := faultRuleJSON{Times: 1}
	if err := decodeStrict(b, &j); err != nil {
		return err
	}
	rule, err := j.rule()
	if err != nil {
		return err
	}
	*r = rule
	return nil
}

func (a *FaultAction) UnmarshalJSON(b []byte) error {
	var f flatAction
	if err := json.Unmarshal(b, &f); err != nil {
		return err
	}
	action, err := f.action()
	if err != nil {
		return err
	}
	*a = action
	return nil
}

func (a FaultAction) MarshalJSON() ([]byte, error) { return json.Marshal(flatten(a)) }

// flatAction is a fault action's JSON, its durations and override decoded.
type flatAction struct {
	Status            int
	RetryAfter        int
	Message           string
	Body              *string
	ContentType       string
	Validation        []ValidationTest
	ValidationRepeat  int
	Outcome           string
	AnswerBody        *string
	AnswerContentType string
	Override          map[string]any
	Drop              string
	Hang              time.Duration
	Trickle           time.Duration
}

const (
	dropBefore = "before"
	dropAfter  = "after"
)

// faultActionJSON is the wire form of flatAction, in the order its fields are written.
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

func (f *flatAction) UnmarshalJSON(b []byte) error {
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
	*f = flatAction{Status: j.Status, RetryAfter: j.RetryAfter, Message: j.Message,
		Body: j.Body, ContentType: j.ContentType,
		Validation: j.Validation, ValidationRepeat: j.ValidationRepeat, Outcome: j.Outcome,
		AnswerBody: j.AnswerBody, AnswerContentType: j.AnswerContentType, Override: override,
		Drop: j.Drop, Hang: hang, Trickle: trickle}
	return nil
}

func (f flatAction) MarshalJSON() ([]byte, error) {
	j := faultActionJSON{Status: f.Status, RetryAfter: f.RetryAfter, Message: f.Message,
		Body: f.Body, ContentType: f.ContentType,
		Validation: f.Validation, ValidationRepeat: f.ValidationRepeat, Outcome: f.Outcome,
		AnswerBody: f.AnswerBody, AnswerContentType: f.AnswerContentType,
		Drop: f.Drop, Hang: durationString(f.Hang), Trickle: durationString(f.Trickle)}
	if f.Override != nil {
		b, err := json.Marshal(f.Override)
		if err != nil {
			return nil, fmt.Errorf("override: %w", err)
		}
		j.Override = b
	}
	return json.Marshal(j)
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

// errDropAfter and errDropBefore name what a drop leaves no room for.
var (
	errDropAfter = errors.New(`drop "after" handles the request and closes the connection instead of answering: status, answerBody, ` +
		`override and trickle would never be seen`)
	errDropBefore = errors.New(`drop "before" closes the connection before the request is handled: only hang goes with it`)
)

// action sorts the fields into one kind of fault: drop "before" is a Drop, a status a Respond (with
// body a RespondBody), validation without outcome a Refuse, anything else a Handle. A field that kind
// has no use for is an error that says so.
func (f *flatAction) action() (FaultAction, error) {
	a := FaultAction{Hang: f.Hang}
	if f.Trickle != 0 {
		a.Deliver = Trickle(f.Trickle)
	}
	switch f.Drop {
	case "", dropBefore:
	case dropAfter:
		if f.Trickle != 0 {
			return a, errDropAfter
		}
		a.Deliver = DropAnswer{}
	default:
		return a, fmt.Errorf("drop must be %q or %q", dropBefore, dropAfter)
	}
	switch {
	case f.ContentType != "" && f.Body == nil:
		return a, errors.New("contentType needs body")
	case f.AnswerContentType != "" && f.AnswerBody == nil:
		return a, errors.New("answerContentType needs answerBody")
	case f.ValidationRepeat != 0 && len(f.Validation) == 0:
		return a, errors.New("validationRepeat needs validation: it repeats that list")
	}
	validated, handled := len(f.Validation) > 0 || f.Outcome != "", f.AnswerBody != nil || f.Override != nil
	switch {
	case f.Drop == dropBefore:
		if f.Status != 0 || f.RetryAfter != 0 || f.Message != "" || f.Body != nil || validated || handled || f.Trickle != 0 {
			return a, errDropBefore
		}
		a.Fault = Drop{}
	case f.Status != 0:
		switch {
		case validated:
			return a, errors.New("status answers without handling the request: it cannot go with validation or outcome")
		case f.AnswerBody != nil:
			return a, errors.New("answerBody replaces the answer of a handled request, and status answers without handling it: " +
				"for a status with a body of your own, give status and body")
		case f.Override != nil:
			return a, errors.New("override changes the answer of a handled request, and status answers without handling it")
		case f.Drop == dropAfter:
			return a, errDropAfter
		case f.Body != nil && f.Message != "":
			return a, errors.New("message goes in the error envelope, which body replaces: give one of them")
		case f.Body != nil:
			a.Fault = RespondBody{Status: f.Status, RetryAfter: f.RetryAfter, Body: *f.Body, ContentType: f.ContentType}
		default:
			a.Fault = Respond{Status: f.Status, RetryAfter: f.RetryAfter, Message: f.Message}
		}
	default:
		switch {
		case f.Body != nil:
			return a, errors.New("body needs status: it is the answer given instead of handling the request " +
				"(to replace a handled request's answer, use answerBody)")
		case f.RetryAfter != 0:
			return a, errors.New("retryAfter needs status")
		case len(f.Validation) > 0 && f.Outcome == "":
			return a, f.refusal(&a)
		case f.Message != "":
			return a, errors.New("message needs status, or validation without outcome: nothing else answers an error envelope")
		case f.AnswerBody != nil && f.Override != nil:
			return a, errors.New("answerBody replaces the whole answer, leaving override nothing to change: give one of them")
		case f.Drop == dropAfter && handled:
			return a, errDropAfter
		case validated || handled:
			h := Handle{Outcome: f.Outcome, Validation: f.Validation, ValidationRepeat: f.ValidationRepeat}
			switch {
			case f.AnswerBody != nil:
				h.Answer = ReplaceAnswer{Body: *f.AnswerBody, ContentType: f.AnswerContentType}
			case f.Override != nil:
				h.Answer = OverrideAnswer(f.Override)
			}
			a.Fault = h
		}
	}
	return a, nil
}

// refusal sorts validation without outcome into a Refuse: it answers a 422, and changes no answer.
func (f *flatAction) refusal(a *FaultAction) error {
	switch {
	case f.AnswerBody != nil:
		return errors.New("validation without outcome answers a 422 and changes nothing: for a 422 with a body of your own, " +
			"give status 422 and body")
	case f.Override != nil:
		return errors.New("override changes successful answers, and validation without outcome answers a 422: add outcome, or drop override")
	}
	a.Fault = Refuse{Validation: f.Validation, ValidationRepeat: f.ValidationRepeat, Message: f.Message}
	return nil
}

// flatten is a's JSON form.
func flatten(a FaultAction) flatAction {
	f := flatAction{Hang: a.Hang}
	switch d := a.Deliver.(type) {
	case Trickle:
		f.Trickle = time.Duration(d)
	case DropAnswer:
		f.Drop = dropAfter
	}
	switch k := a.Fault.(type) {
	case Drop:
		f.Drop = dropBefore
	case Respond:
		f.Status, f.RetryAfter, f.Message = k.Status, k.RetryAfter, k.Message
	case RespondBody:
		f.Status, f.RetryAfter, f.Body, f.ContentType = k.Status, k.RetryAfter, &k.Body, k.ContentType
	case Refuse:
		f.Validation, f.ValidationRepeat, f.Message = k.Validation, k.ValidationRepeat, k.Message
	case Handle:
		f.Outcome, f.Validation, f.ValidationRepeat = k.Outcome, k.Validation, k.ValidationRepeat
		switch c := k.Answer.(type) {
		case ReplaceAnswer:
			f.AnswerBody, f.AnswerContentType = &c.Body, c.ContentType
		case OverrideAnswer:
			f.Override = c
		}
	}
	return f
}
