// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

// Package benchmark measures the provider against Terraform's own floor: it
// drives the real terraform binary against the in-process emulator, and the
// same configuration against a provider that makes no API call
// (./cmd/floorprovider). This package holds the measuring instruments (a request
// recorder in front of the emulator, a /proc watcher for the provider's
// memory, the wait analysis) and the report; cmd/bench runs it all.
package benchmark

import (
	"bytes"
	"encoding/json"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Kind is what an API request is, by method and path.
type Kind int

// The request kinds the report counts.
const (
	KindPost      Kind = iota // POST /integrations
	KindPut                   // PUT /integrations/{id}
	KindDelete                // DELETE /integrations/{id}
	KindGetOne                // GET /integrations/{id}
	KindGetStatus             // GET /integrations/{id}/status
	KindGetList               // GET /integrations
	KindCheck                 // GET /integrations/0: the provider's check of url and api_key at configure
	KindOther                 // anything else
	numKinds
)

// Kinds lists every kind in report order.
var Kinds = []Kind{KindPost, KindPut, KindDelete, KindGetOne, KindGetStatus, KindGetList, KindCheck, KindOther}

var kindNames = [numKinds]string{
	"POST", "PUT", "DELETE", "GET /integrations/{id}", "GET /integrations/{id}/status", "GET /integrations",
	"GET /integrations/0 (configure)", "other",
}

func (k Kind) String() string {
	if k < 0 || k >= numKinds {
		return "?"
	}
	return kindNames[k]
}

// KindOf classifies an API request.
func KindOf(method, path string) Kind {
	seg := strings.Split(strings.Trim(path, "/"), "/")
	if seg[0] != "integrations" {
		return KindOther
	}
	switch {
	case len(seg) == 1 && method == http.MethodGet:
		return KindGetList
	case len(seg) == 1 && method == http.MethodPost:
		return KindPost
	case len(seg) == 2 && seg[1] == "0" && method == http.MethodGet:
		return KindCheck // Immuta has no integration 0
	case len(seg) == 2 && seg[1] != "scripts" && method == http.MethodGet:
		return KindGetOne
	case len(seg) == 2 && method == http.MethodPut:
		return KindPut
	case len(seg) == 2 && method == http.MethodDelete:
		return KindDelete
	case len(seg) == 3 && seg[2] == "status" && method == http.MethodGet:
		return KindGetStatus
	}
	return KindOther
}

// Counts are the API requests of one step.
type Counts struct {
	ByKind [numKinds]int64
	// Non2xx counts the answers outside 2xx (the 404 that ends a delete's
	// wait among them), but for the configure checks' 404s.
	Non2xx int64
	// Conns counts the TCP connections the clients opened.
	Conns int64
}

// SameRequests compares the requests of two counts, connections aside.
func (c Counts) SameRequests(o Counts) bool {
	c.Conns, o.Conns = 0, 0
	return c == o
}

// Total is the number of requests.
func (c Counts) Total() int64 {
	var n int64
	for _, v := range c.ByKind {
		n += v
	}
	return n
}

// Event is one API request as the recorder saw it.
type Event struct {
	Kind       Kind
	ID         string    // the integration's ID (from the answer, for POST)
	Start, End time.Time // handler entered, answer written
	Code       int       // HTTP status code
	Status     string    // the integration status in the answer, if any
}

// Recorder is an http.Handler in front of the emulator that counts the API
// requests by kind and, when asked, keeps a timestamped event per request.
// The emulator's control surface (/_emulator/) is passed through uncounted.
type Recorder struct {
	next   http.Handler
	counts [numKinds]atomic.Int64
	non2xx atomic.Int64
	conns  atomic.Int64

	mu         sync.Mutex
	keepEvents bool
	events     []Event
}

// NewRecorder wraps next.
func NewRecorder(next http.Handler) *Recorder { return &Recorder{next: next} }

// KeepEvents turns the event log on or off (it is off by default, so that
// large runs only count).
func (r *Recorder) KeepEvents(on bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.keepEvents = on
}

// Take returns the counts and events since the last Take, and starts afresh.
func (r *Recorder) Take() (Counts, []Event) {
	var c Counts
	for k := range c.ByKind {
		c.ByKind[k] = r.counts[k].Swap(0)
	}
	c.Non2xx = r.non2xx.Swap(0)
	c.Conns = r.conns.Swap(0)
	r.mu.Lock()
	defer r.mu.Unlock()
	ev := r.events
	r.events = nil
	return c, ev
}

// ConnState is the http.Server hook that counts new connections.
func (r *Recorder) ConnState(_ net.Conn, state http.ConnState) {
	if state == http.StateNew {
		r.conns.Add(1)
	}
}

func (r *Recorder) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	if strings.HasPrefix(req.URL.Path, "/_emulator/") {
		r.next.ServeHTTP(w, req)
		return
	}
	kind := KindOf(req.Method, req.URL.Path)
	r.mu.Lock()
	keep := r.keepEvents
	r.mu.Unlock()
	sw := &statusWriter{ResponseWriter: w, code: http.StatusOK}
	if keep && kind != KindOther && kind != KindGetList {
		sw.body = &bytes.Buffer{}
	}
	start := time.Now()
	r.next.ServeHTTP(sw, req)
	end := time.Now()

	r.counts[kind].Add(1)
	if (sw.code < 200 || sw.code > 299) && kind != KindCheck {
		r.non2xx.Add(1)
	}
	if !keep {
		return
	}
	ev := Event{Kind: kind, Start: start, End: end, Code: sw.code}
	if seg := strings.Split(strings.Trim(req.URL.Path, "/"), "/"); len(seg) >= 2 {
		ev.ID = seg[1]
	}
	if sw.body != nil {
		var answer struct {
			ID     json.RawMessage `json:"id"`
			Status string          `json:"status"`
		}
		if json.Unmarshal(sw.body.Bytes(), &answer) == nil {
			ev.Status = answer.Status
			if kind == KindPost && len(answer.ID) > 0 {
				ev.ID = strings.Trim(string(answer.ID), `"`)
			}
		}
	}
	r.mu.Lock()
	r.events = append(r.events, ev)
	r.mu.Unlock()
}

// statusWriter remembers the status code and, when body is set, the body.
type statusWriter struct {
	http.ResponseWriter
	code        int
	wroteHeader bool
	body        *bytes.Buffer
}

func (s *statusWriter) WriteHeader(code int) {
	if !s.wroteHeader {
		s.code, s.wroteHeader = code, true
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusWriter) Write(b []byte) (int, error) {
	s.wroteHeader = true
	if s.body != nil {
		s.body.Write(b)
	}
	return s.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection (the emulator's
// drop faults hijack it).
func (s *statusWriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }
