// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

// Options configure an Emulator.
type Options struct {
	// APIKey has APPLICATION_ADMIN; accepted raw ("Authorization: KEY") or as "Bearer KEY".
	APIKey string
	// NonAdminAPIKey (optional) authenticates, but every API call made with it answers 403.
	NonAdminAPIKey string
	// TransitionDelay is how long creating/editing/deleting last; 0 = the next read sees the end.
	TransitionDelay time.Duration
	// AnswerStyle is how API answers render integrations (the zero value is AnswerEcho). New panics and
	// Listen fails on a style that is neither AnswerEcho nor AnswerLiteral.
	AnswerStyle AnswerStyle
}

// AnswerStyle is how the emulator answers integrations (IMMUTA_API.md, Sparse answers).
type AnswerStyle string

const (
	// AnswerEcho (the default) answers each integration's whole stored config with its defaults filled
	// in and every secret as "[REDACTED]"; a deleted integration is removed at once and answers 404.
	AnswerEcho AnswerStyle = "echo"
	// AnswerLiteral follows IMMUTA_API.md, Sparse answers, literally. In every integration object an API
	// call answers, the config leaves out secrets (Trino's apiKey aside), the privileged credentials
	// (the DELETE credential fields) of an auto-bootstrapped Snowflake, Redshift or Azure Synapse
	// integration, and every field at its default, at any depth (an object left empty goes too); host
	// names (host, workspaceUrl) are answered in lower case and authorityUrl without a trailing slash.
	// The stored config is unchanged. A deleted integration stays, with status "deleted": GET, the
	// list and /status answer it; PUT, DELETE, regenerate and the per-id scripts answer 404 as if it
	// were gone; uniqueness checks ignore it. The control views (Integrations, Integration and their
	// HTTP forms) show it too, and the control calls that change a record treat it as not found.
	AnswerLiteral AnswerStyle = "literal"
)

// ParseAnswerStyle returns the style named s ("echo" or "literal").
func ParseAnswerStyle(s string) (AnswerStyle, error) {
	switch st := AnswerStyle(s); st {
	case AnswerEcho, AnswerLiteral:
		return st, nil
	}
	return "", fmt.Errorf("%q is not an answer style: want %q or %q", s, AnswerEcho, AnswerLiteral)
}

// resolve maps the zero value to AnswerEcho and checks the style.
func (s AnswerStyle) resolve() (AnswerStyle, error) {
	if s == "" {
		return AnswerEcho, nil
	}
	return ParseAnswerStyle(string(s))
}

// Emulator is the in-memory tenant. It implements http.Handler: the Integrations API plus the control
// surface under /_emulator/. One mutex guards all state; it is never held while sleeping.
type Emulator struct {
	opts Options

	mu       sync.Mutex
	delay    time.Duration
	style    AnswerStyle // never ""
	nextID   int
	records  map[string]*integration
	rules    []*FaultRule
	nextRule int
	log      []LoggedRequest
}

// New returns an Emulator with no integrations. It panics if opts.AnswerStyle is not a style.
func New(opts Options) *Emulator {
	style, err := opts.AnswerStyle.resolve()
	if err != nil {
		panic("emulator: Options.AnswerStyle: " + err.Error())
	}
	opts.AnswerStyle = style
	e := &Emulator{opts: opts}
	e.Reset()
	return e
}

// Reset forgets everything: integrations, fault rules, the request log and settings (the transition
// delay and the answer style go back to the options').
func (e *Emulator) Reset() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.delay = e.opts.TransitionDelay
	e.style = e.opts.AnswerStyle
	e.nextID = 1
	e.records = map[string]*integration{}
	e.rules = nil
	e.nextRule = 0
	e.log = nil
}

// SetTransitionDelay sets how long transitions started from now on last.
func (e *Emulator) SetTransitionDelay(d time.Duration) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.delay = d
}

// setAnswerStyle sets how answers render integrations from now on; the zero value means AnswerEcho.
// Switching to AnswerEcho removes the integrations kept with status "deleted" (echo has none).
func (e *Emulator) setAnswerStyle(s AnswerStyle) error {
	style, err := s.resolve()
	if err != nil {
		return err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.style = style
	if style == AnswerEcho {
		for id, rec := range e.records {
			if rec.status == statusDeleted {
				delete(e.records, id)
			}
		}
	}
	return nil
}

// AnswerStyle returns the answer style in use.
func (e *Emulator) AnswerStyle() AnswerStyle {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.style
}

const controlPrefix = "/_emulator/"

func (e *Emulator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, controlPrefix) {
		e.serveControl(w, r)
		return
	}
	e.serveAPI(w, r)
}

// call is an API request as the emulator sees it.
type call struct {
	method      string
	path        string
	seg         []string // path segments: "/integrations/7/status" -> [integrations 7 status]
	body        []byte
	contentType string
}

// startsTransition reports the requests that create, edit or delete an integration.
func (c *call) startsTransition() bool {
	if len(c.seg) == 1 {
		return c.method == http.MethodPost && c.seg[0] == "integrations"
	}
	return len(c.seg) == 2 && c.seg[0] == "integrations" &&
		(c.method == http.MethodPut || c.method == http.MethodDelete)
}

const maxBody = 1 << 20

// serveAPI is the request pipeline: read, authenticate, apply a fault rule, handle, log, answer (see
// FaultAction for the order in which a fault's effects apply).
func (e *Emulator) serveAPI(w http.ResponseWriter, r *http.Request) {
	c := &call{
		method:      r.Method,
		path:        r.URL.Path,
		seg:         strings.Split(strings.TrimPrefix(r.URL.Path, "/"), "/"),
		contentType: r.Header.Get("Content-Type"),
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	c.body = body
	var resp *response
	if err != nil {
		if errors.As(err, new(*http.MaxBytesError)) {
			resp = ptr(errorResponse(http.StatusRequestEntityTooLarge,
				"Payload content length greater than maximum allowed: 1048576"))
		} else {
			resp = ptr(errorResponse(http.StatusBadRequest, "Invalid request payload input."))
		}
	}
	if resp == nil {
		resp = e.authenticate(r)
	}

	// Faults apply to authenticated API calls only, so a stray bad-key request never uses one up.
	var act *FaultAction
	if resp == nil {
		act = e.takeFault(c)
	}
	var deliver Delivery
	if act != nil {
		if act.Hang > 0 {
			time.Sleep(act.Hang) // deliberately not watching the client: the request is handled anyway
		}
		if _, drop := act.Fault.(Drop); drop {
			e.logRequest(c, 0)
			dropConnection(w)
			return
		}
		deliver = act.Deliver
	}
	if resp == nil {
		if answer, ok := act.unhandled(); ok {
			resp = &answer
		} else {
			resp = ptr(act.changeAnswer(e.handle(c, act)))
		}
	}
	*resp = resp.encoded() // the status logged is the one answered, even if encoding fails
	e.logRequest(c, resp.status)
	switch d := deliver.(type) {
	case DropAnswer:
		dropConnection(w)
	case Trickle:
		resp.trickle(r.Context(), w, time.Duration(d))
	default:
		resp.write(w)
	}
}

func ptr[T any](v T) *T { return &v }

// authenticate answers 401 for a missing or wrong key and 403 for the non-admin key.
func (e *Emulator) authenticate(r *http.Request) *response {
	key := strings.TrimSpace(r.Header.Get("Authorization"))
	if len(key) > 7 && strings.EqualFold(key[:7], "Bearer ") {
		key = strings.TrimSpace(key[7:])
	}
	same := func(want string) bool {
		return want != "" && subtle.ConstantTimeCompare([]byte(key), []byte(want)) == 1
	}
	switch {
	case key == "":
		return ptr(errorResponse(http.StatusUnauthorized, "Missing authentication."))
	case same(e.opts.APIKey):
		return nil
	case same(e.opts.NonAdminAPIKey):
		return ptr(errorResponse(http.StatusForbidden,
			"The user of this API key does not have the APPLICATION_ADMIN permission."))
	default:
		return ptr(errorResponse(http.StatusUnauthorized, "Invalid API key."))
	}
}

// handle routes an authenticated API call (IMMUTA_API.md, Endpoints) and computes its answer under
// the lock.
func (e *Emulator) handle(c *call, act *FaultAction) response {
	if len(c.body) > 0 && c.contentType != "" {
		// Immuta also takes YAML; the emulator speaks JSON only, like the provider.
		if mt, _, err := mime.ParseMediaType(c.contentType); err != nil || mt != "application/json" {
			return errorResponse(http.StatusUnsupportedMediaType,
				fmt.Sprintf("Unsupported Media Type %q: send the body as application/json.", c.contentType))
		}
	}
	seg := c.seg
	if seg[0] != "integrations" || slices.Contains(seg, "") {
		return notFoundRoute
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	now := time.Now()
	switch {
	case len(seg) == 1 && c.method == http.MethodGet:
		return e.listIntegrations(now)
	case len(seg) == 1 && c.method == http.MethodPost:
		return e.createIntegration(c, act, now)
	case len(seg) == 3 && seg[1] == "scripts" && c.method == http.MethodPost:
		return e.payloadScript(seg[2], c)
	case len(seg) == 2 && c.method == http.MethodGet:
		return e.getIntegration(seg[1], now)
	case len(seg) == 2 && c.method == http.MethodPut:
		return e.updateIntegration(seg[1], c, act, now)
	case len(seg) == 2 && c.method == http.MethodDelete:
		return e.deleteIntegration(seg[1], c, act, now)
	case len(seg) == 3 && seg[2] == "status" && c.method == http.MethodGet:
		return e.integrationStatus(seg[1], now)
	case len(seg) == 3 && seg[2] == "regenerate" && c.method == http.MethodPost:
		return e.regenerateKey(seg[1], now)
	case len(seg) == 4 && seg[2] == "scripts" && c.method == http.MethodPost:
		return e.integrationScript(seg[1], seg[3], c, now)
	}
	return notFoundRoute
}
