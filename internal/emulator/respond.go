// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"encoding/json"
	"net/http"
	"strconv"
)

// apiError is an error answer: the envelope of contract §5.
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

// response is an answer computed under the lock and written (or dropped) afterwards.
type response struct {
	status     int
	body       any    // encoded as JSON unless plain
	text       string // the body when plain
	plain      bool
	retryAfter int // seconds; 0 = no Retry-After header
}

func jsonResponse(body any) response { return response{status: http.StatusOK, body: body} }

func textResponse(text string) response {
	return response{status: http.StatusOK, text: text, plain: true}
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

func (r response) write(w http.ResponseWriter) {
	if r.retryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(r.retryAfter))
	}
	if r.plain {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(r.status)
		_, _ = w.Write([]byte(r.text))
		return
	}
	b, err := json.Marshal(r.body)
	if err != nil {
		r.status, b = http.StatusInternalServerError, []byte(`{"statusCode":500,"error":"Internal Server Error","message":"An internal server error occurred"}`)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(r.status)
	_, _ = w.Write(b)
}
