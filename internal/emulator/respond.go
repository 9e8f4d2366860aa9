// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"time"
)

// apiError is an error answer: the envelope of IMMUTA_API.md, Errors.
type apiError struct {
	status  int
	message string
	results *ValidationResults // set on 422s caused by validation
}

func (e *apiError) Error() string { return e.message }

// errorBody is the error envelope {"statusCode","error","message"} (+ validationResults on 422s).
type errorBody struct {
	StatusCode        int                `json:"statusCode"`
	Error             string             `json:"error"`
	Message           string             `json:"message"`
	ValidationResults *ValidationResults `json:"validationResults,omitempty"`
}

const (
	contentTypeJSON = "application/json; charset=utf-8"
	contentTypeText = "text/plain; charset=utf-8"
)

// response is an answer computed under the lock and written (or dropped) afterwards.
type response struct {
	status      int
	body        any    // encoded as JSON unless raw is set
	raw         []byte // the body as it is sent, with contentType; nil = encode body
	contentType string
	retryAfter  int // seconds; 0 = no Retry-After header
}

func jsonResponse(body any) response { return response{status: http.StatusOK, body: body} }

func textResponse(text string) response {
	return response{status: http.StatusOK, raw: []byte(text), contentType: contentTypeText}
}

func (e *apiError) response() response {
	return response{status: e.status, body: errorBody{
		StatusCode:        e.status,
		Error:             http.StatusText(e.status),
		Message:           e.message,
		ValidationResults: e.results,
	}}
}

func errorResponse(status int, message string) response {
	return (&apiError{status: status, message: message}).response()
}

var notFoundRoute = errorResponse(http.StatusNotFound, "Not Found")

// encoded returns r with its body encoded (raw and contentType set), as it goes on the wire. A body that
// cannot be encoded becomes a 500.
func (r response) encoded() response {
	if r.raw != nil {
		return r
	}
	b, err := json.Marshal(r.body)
	if err != nil {
		r.status, b = http.StatusInternalServerError, []byte(`{"statusCode":500,"error":"Internal Server Error","message":"An internal server error occurred"}`)
	}
	r.body, r.raw, r.contentType = nil, b, contentTypeJSON
	return r
}

// isJSON reports whether r's body is JSON the emulator encodes (not a script or a fault's own body).
func (r response) isJSON() bool { return r.raw == nil }

func (r response) writeHeader(w http.ResponseWriter, body []byte) {
	h := w.Header()
	if r.retryAfter > 0 {
		h.Set("Retry-After", strconv.Itoa(r.retryAfter))
	}
	h.Set("Content-Type", r.contentType)
	if bodyAllowed(r.status) {
		h.Set("Content-Length", strconv.Itoa(len(body)))
	}
	w.WriteHeader(r.status)
}

func (r response) write(w http.ResponseWriter) {
	r = r.encoded()
	r.writeHeader(w, r.raw)
	_, _ = w.Write(r.raw)
}

// trickle writes r as a server that trickles its answer: the status line and headers at once, then the
// body one byte at a time, each after pause and flushed on its own. It stops when ctx is done (the
// client went away) or a write fails.
func (r response) trickle(ctx context.Context, w http.ResponseWriter, pause time.Duration) {
	r = r.encoded()
	r.writeHeader(w, r.raw)
	rc := http.NewResponseController(w)
	if err := rc.Flush(); err != nil {
		return
	}
	t := time.NewTimer(pause)
	defer t.Stop()
	for i := range r.raw {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if _, err := w.Write(r.raw[i : i+1]); err != nil {
			return
		}
		if err := rc.Flush(); err != nil {
			return
		}
		t.Reset(pause)
	}
}

// bodyAllowed reports whether an answer with this status may have a body (RFC 9110).
func bodyAllowed(status int) bool {
	return status >= 200 && status != http.StatusNoContent && status != http.StatusNotModified
}
