// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
)

// LoggedRequest is one entry of the API request log (IMMUTA_API.md, Control surface). Body is the
// request body as JSON with every secret value masked as "***" (null when there was none); headers,
// and so the API key, are never logged. Status 0 means the connection was dropped before the request
// was handled.
type LoggedRequest struct {
	Method string          `json:"method"`
	Path   string          `json:"path"`
	Status int             `json:"status"`
	Body   json.RawMessage `json:"body"`
}

// maxLogEntries bounds the log's memory in long benchmark runs: when full, the oldest half goes.
const maxLogEntries = 10000

const masked = "***"

// maskBody renders a request body for the log.
func maskBody(raw []byte) json.RawMessage {
	if len(bytes.TrimSpace(raw)) == 0 {
		return json.RawMessage("null")
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		// Not JSON: it could hold anything, so only its size is logged.
		b, _ := json.Marshal(fmt.Sprintf("<non-JSON body, %d bytes>", len(raw)))
		return b
	}
	b, err := json.Marshal(maskSecrets(v))
	if err != nil {
		return json.RawMessage("null")
	}
	return b
}

// maskSecrets masks the value of every key named like a secret field, at any depth, so a secret can
// never reach the log whatever the shape of the body.
func maskSecrets(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, x := range t {
			if secretNames[k] {
				t[k] = masked
			} else {
				t[k] = maskSecrets(x)
			}
		}
	case []any:
		for i, x := range t {
			t[i] = maskSecrets(x)
		}
	}
	return v
}

func (e *Emulator) logRequest(c *call, status int) {
	entry := LoggedRequest{Method: c.method, Path: c.path, Status: status, Body: maskBody(c.body)}
	e.mu.Lock()
	defer e.mu.Unlock()
	if len(e.log) >= maxLogEntries {
		e.log = slices.Delete(e.log, 0, maxLogEntries/2)
	}
	e.log = append(e.log, entry)
}

// Requests returns a copy of the API request log, oldest first.
func (e *Emulator) Requests() []LoggedRequest {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make([]LoggedRequest, len(e.log))
	for i, r := range e.log {
		r.Body = slices.Clone(r.Body)
		out[i] = r
	}
	return out
}

// ClearRequests empties the request log.
func (e *Emulator) ClearRequests() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.log = nil
}
