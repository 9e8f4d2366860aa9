// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package client

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"
)

const testKey = "test-key-3f9a1c7e5b"

// newTestClient returns a client for url with fast retries.
func newTestClient(t *testing.T, url string, mod ...func(*Config)) *Client {
	t.Helper()
	cfg := Config{
		URL: url, APIKey: testKey,
		RetryWaitMin: time.Millisecond, RetryWaitMax: 5 * time.Millisecond,
		RequestTimeout: 5 * time.Second,
	}
	for _, m := range mod {
		m(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

// withSecretKeys gives the client the secret JSON keys a test's payloads
// use (the provider passes those of its type tables).
func withSecretKeys(keys ...string) func(*Config) {
	return func(c *Config) { c.SecretKeys = keys }
}

// recorder is an httptest server whose handler answers from a script of
// handlers, one per request (the last one repeats), and counts requests.
type recorder struct {
	*httptest.Server
	mu       sync.Mutex
	requests []recorded
	steps    []http.HandlerFunc
}

type recorded struct {
	Method, Path string
	Header       http.Header
	Body         string
}

func newRecorder(t *testing.T, steps ...http.HandlerFunc) *recorder {
	t.Helper()
	r := &recorder{steps: steps}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body := make([]byte, 0)
		if req.Body != nil {
			buf := make([]byte, 1<<16)
			for {
				n, err := req.Body.Read(buf)
				body = append(body, buf[:n]...)
				if err != nil {
					break
				}
			}
		}
		r.mu.Lock()
		i := len(r.requests)
		r.requests = append(r.requests, recorded{req.Method, req.URL.Path, req.Header.Clone(), string(body)})
		step := r.steps[min(i, len(r.steps)-1)]
		r.mu.Unlock()
		step(w, req)
	}))
	t.Cleanup(r.Close)
	return r
}

func (r *recorder) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.requests)
}

func (r *recorder) get(i int) recorded {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.requests[i]
}

func jsonAnswer(status int, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}
}

func errorAnswer(status int, msg string) http.HandlerFunc {
	return jsonAnswer(status, `{"statusCode":`+strconv.Itoa(status)+`,"error":"`+http.StatusText(status)+`","message":"`+msg+`"}`)
}

// dropConn closes the connection without any answer.
func dropConn(w http.ResponseWriter, _ *http.Request) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic("no hijacker")
	}
	conn, _, err := hj.Hijack()
	if err == nil {
		_ = conn.Close()
	}
}
