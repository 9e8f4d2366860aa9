// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// The control surface (IMMUTA_API.md, Control surface): HTTP under /_emulator/ (no key) and the same
// effects as Go methods. Control calls are not logged and never faulted.

// ErrNotFound is returned by the Go controls for an id that names no integration.
var ErrNotFound = errors.New("emulator: integration not found")

// ForcedStatus forces an integration's status, optionally only For a while, after which it becomes
// Then (or, without Then, the status it had before). Validation, when given, replaces its results.
type ForcedStatus struct {
	Status     string           `json:"status"`
	For        time.Duration    `json:"-"` // "for" in JSON, as a duration string
	Then       string           `json:"then,omitempty"`
	Validation []ValidationTest `json:"validation,omitempty"`
}

type forcedStatusJSON struct {
	Status     string           `json:"status"`
	For        *string          `json:"for,omitempty"`
	Then       string           `json:"then,omitempty"`
	Validation []ValidationTest `json:"validation,omitempty"`
}

func (f *ForcedStatus) UnmarshalJSON(b []byte) error {
	var j forcedStatusJSON
	if err := decodeStrict(b, &j); err != nil {
		return err
	}
	d, err := parseDuration("for", j.For)
	if err != nil {
		return err
	}
	*f = ForcedStatus{Status: j.Status, For: d, Then: j.Then, Validation: j.Validation}
	return nil
}

func (f ForcedStatus) MarshalJSON() ([]byte, error) {
	return json.Marshal(forcedStatusJSON{Status: f.Status, For: durationString(f.For), Then: f.Then, Validation: f.Validation})
}

func knownStatus(s string) bool { return isTransitional(s) || isTerminal(s) }

func (f *ForcedStatus) check() error {
	if !knownStatus(f.Status) {
		return fmt.Errorf("unknown status %q", f.Status)
	}
	if f.Then != "" && !knownStatus(f.Then) {
		return fmt.Errorf("unknown status %q", f.Then)
	}
	return checkTests(f.Validation)
}

// Integrations returns every stored integration in id order: status resolved, config as stored (secrets
// in clear, in either answer style). In the literal style, deleted integrations are listed with status
// "deleted".
func (e *Emulator) Integrations() []Record {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := []Record{}
	for _, rec := range e.settledAll(time.Now()) {
		out = append(out, rec.stored())
	}
	return out
}

// Integration returns one stored integration, config as stored (secrets in clear). In the literal style
// a deleted integration is found, with status "deleted".
func (e *Emulator) Integration(id string) (Record, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	rec := e.lookup(id, time.Now())
	if rec == nil {
		return Record{}, false
	}
	return rec.stored(), true
}

// PatchConfig merges config into the stored config behind the provider's back (drift); objects merge
// recursively and null removes a key. The status is unchanged. A deleted integration is not found.
func (e *Emulator) PatchConfig(id string, config map[string]any) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	rec := e.lookupLive(id, time.Now())
	if rec == nil {
		return fmt.Errorf("%w: %s", ErrNotFound, id)
	}
	cfg := copyConfig(rec.config)
	deepMerge(cfg, config)
	rec.config = cfg
	return nil
}

// ForceStatus forces a status now (cancelling any running transition); "deleted" ends the integration as
// a finished DELETE does (removed in the echo style, kept with status deleted in the literal style). A
// deleted integration is not found.
func (e *Emulator) ForceStatus(id string, f ForcedStatus) error {
	if err := f.check(); err != nil {
		return err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	now := time.Now()
	rec := e.lookupLive(id, now)
	if rec == nil {
		return fmt.Errorf("%w: %s", ErrNotFound, id)
	}
	previous := rec.status
	if isTransitional(previous) {
		previous = statusEnabled // the cancelled transition would have succeeded
	}
	rec.next = nil
	if f.Validation != nil {
		rec.results = resultsOf(repeatedTests(f.Validation, 0))
	}
	if f.Status == statusDeleted {
		e.markDeleted(rec)
		return nil
	}
	rec.status = f.Status
	if f.For > 0 || f.Then != "" {
		then := f.Then
		if then == "" {
			then = previous
		}
		rec.next = &pendingStatus{at: now.Add(f.For), status: then}
	}
	return nil
}

// Vanish deletes an integration at once, as if removed behind the provider's back (in the literal style
// it stays, with status deleted). A deleted integration is not found.
func (e *Emulator) Vanish(id string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	rec := e.lookupLive(id, time.Now())
	if rec == nil {
		return fmt.Errorf("%w: %s", ErrNotFound, id)
	}
	e.markDeleted(rec)
	return nil
}

// serveControl serves /_emulator/.
func (e *Emulator) serveControl(w http.ResponseWriter, r *http.Request) {
	path := strings.TrimPrefix(r.URL.Path, controlPrefix)
	seg := strings.Split(path, "/")
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		errorResponse(http.StatusBadRequest, err.Error()).write(w)
		return
	}
	var resp response
	switch {
	case path == "settings":
		resp = e.controlSettings(r.Method, body)
	case path == "faults":
		resp = e.controlFaults(r.Method, body)
	case path == "requests" && r.Method == http.MethodGet:
		resp = jsonResponse(e.Requests())
	case path == "requests" && r.Method == http.MethodDelete:
		e.ClearRequests()
		resp = jsonResponse(struct{}{})
	case path == "reset" && r.Method == http.MethodPost:
		e.Reset()
		resp = jsonResponse(struct{}{})
	case path == "integrations" && r.Method == http.MethodGet:
		resp = jsonResponse(e.Integrations())
	case len(seg) == 2 && seg[0] == "integrations":
		resp = e.controlIntegration(r.Method, seg[1], body)
	case len(seg) == 3 && seg[0] == "integrations" && seg[2] == "status" && r.Method == http.MethodPost:
		var f ForcedStatus
		resp = decodeControl(body, &f, func() error { return e.ForceStatus(seg[1], f) })
		if rec, ok := e.Integration(seg[1]); ok && resp.status == http.StatusOK {
			resp = jsonResponse(rec) // forced to "deleted" leaves {} in the echo style
		}
	default:
		resp = notFoundRoute
	}
	resp.write(w)
}

// decodeControl decodes a control body strictly and runs apply, mapping errors to 400/404.
func decodeControl(body []byte, v any, apply func() error) response {
	if err := decodeStrict(body, v); err != nil {
		return errorResponse(http.StatusBadRequest, "Invalid control payload: "+err.Error())
	}
	if err := apply(); err != nil {
		if errors.Is(err, ErrNotFound) {
			return errorResponse(http.StatusNotFound, err.Error())
		}
		return errorResponse(http.StatusBadRequest, err.Error())
	}
	return jsonResponse(struct{}{})
}

type settingsJSON struct {
	TransitionDelay *string `json:"transitionDelay,omitempty"`
	AnswerStyle     *string `json:"answerStyle,omitempty"`
}

// controlSettings serves /_emulator/settings: POST changes the settings it names (all or none), GET and
// POST answer them all.
func (e *Emulator) controlSettings(method string, body []byte) response {
	switch method {
	case http.MethodGet:
	case http.MethodPost:
		var s settingsJSON
		resp := decodeControl(body, &s, func() error {
			d, err := parseDuration("transitionDelay", s.TransitionDelay)
			if err != nil {
				return err
			}
			var style AnswerStyle
			if s.AnswerStyle != nil {
				if style, err = ParseAnswerStyle(*s.AnswerStyle); err != nil {
					return fmt.Errorf("answerStyle: %w", err)
				}
			}
			if s.TransitionDelay != nil {
				e.SetTransitionDelay(d)
			}
			if s.AnswerStyle != nil {
				return e.setAnswerStyle(style)
			}
			return nil
		})
		if resp.status != http.StatusOK {
			return resp
		}
	default:
		return notFoundRoute
	}
	e.mu.Lock()
	d, style := e.delay.String(), string(e.style)
	e.mu.Unlock()
	return jsonResponse(settingsJSON{TransitionDelay: &d, AnswerStyle: &style})
}

func (e *Emulator) controlFaults(method string, body []byte) response {
	switch method {
	case http.MethodGet:
		return jsonResponse(e.faults())
	case http.MethodDelete:
		e.ClearFaults()
		return jsonResponse(struct{}{})
	case http.MethodPost:
		given := faultRuleJSON{Times: 1}
		var id string
		resp := decodeControl(body, &given, func() error {
			rule, err := given.rule()
			if err != nil {
				return err
			}
			if err := rule.check(); err != nil {
				return err
			}
			id = e.AddFault(rule)
			return nil
		})
		if resp.status != http.StatusOK {
			return resp
		}
		return jsonResponse(map[string]string{"id": id})
	}
	return notFoundRoute
}

func (e *Emulator) controlIntegration(method, id string, body []byte) response {
	switch method {
	case http.MethodGet:
		return e.controlRecord(id)
	case http.MethodPatch:
		var patch struct {
			Config map[string]any `json:"config"`
		}
		resp := decodeControl(body, &patch, func() error { return e.PatchConfig(id, patch.Config) })
		if resp.status != http.StatusOK {
			return resp
		}
		return e.controlRecord(id)
	case http.MethodDelete:
		if err := e.Vanish(id); err != nil {
			return notFound(id).response()
		}
		return jsonResponse(map[string]string{"id": id})
	}
	return notFoundRoute
}

// controlRecord answers the stored view of one integration.
func (e *Emulator) controlRecord(id string) response {
	rec, ok := e.Integration(id)
	if !ok {
		return notFound(id).response()
	}
	return jsonResponse(rec)
}
