// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package client

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"
)

// A server that trickles its answer cannot hold a read longer than
// request_timeout × (max_retries + 1).
func TestReadHasAnOverallLimit(t *testing.T) {
	t.Parallel()
	r := newRecorder(t, func(w http.ResponseWriter, req *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(200)
		for range 100 { // a byte every 100 ms: 10 s for the whole answer
			if _, err := w.Write([]byte(" ")); err != nil {
				return
			}
			w.(http.Flusher).Flush()
			select {
			case <-req.Context().Done():
				return
			case <-time.After(100 * time.Millisecond):
			}
		}
	})
	c := newTestClient(t, r.URL, func(cfg *Config) { cfg.RequestTimeout, cfg.MaxRetries = 300*time.Millisecond, 2 })
	start := time.Now()
	_, err := c.GetIntegration(context.Background(), "7")
	var le *ReadLimitError
	if !errors.As(err, &le) || le.Limit != 900*time.Millisecond || !strings.Contains(err.Error(), "request_timeout 300ms × (max_retries 2 + 1)") {
		t.Fatalf("err = %v", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("the read took %v, beyond its limit", d)
	}
}

// A Retry-After that ends beyond the read's limit is not waited for: the read
// fails at once and says what the server asked for.
func TestRetryAfterBeyondTheLimitFailsAtOnce(t *testing.T) {
	t.Parallel()
	r := newRecorder(t, func(w http.ResponseWriter, req *http.Request) {
		w.Header().Set("Retry-After", "86400")
		errorAnswer(429, "Too many requests")(w, req)
	})
	c := newTestClient(t, r.URL, func(cfg *Config) { cfg.RequestTimeout, cfg.MaxRetries = time.Second, 5 })
	start := time.Now()
	_, err := c.GetIntegration(context.Background(), "7")
	if e, ok := asAPIError(err); !ok || e.StatusCode != 429 || !strings.Contains(err.Error(), "asked to retry after 24h0m0s") {
		t.Fatalf("err = %v", err)
	}
	if d := time.Since(start); d > time.Second || r.count() != 1 {
		t.Errorf("%d requests in %v: the read waited for a Retry-After it could not honour", r.count(), d)
	}
}

// A URL's credentials never reach a message, even when the URL does not parse.
func TestURLCredentialsNeverEchoed(t *testing.T) {
	for _, raw := range []string{"https://admin:hun{ter2@acme.example.com/", "ftp://admin:hunter2@acme.example.com",
		"https://admin:hunter2@acme.example.com", "https://admin:hun/ter2@acme.example.com", "https://hunter2/ter2@acme.example.com"} {
		_, err := New(Config{URL: raw, APIKey: "k"})
		if err == nil || strings.Contains(err.Error(), "hunter2") || strings.Contains(err.Error(), "ter2") {
			t.Errorf("%s: err = %v", raw, err)
		}
	}
}

// A control character in the API key is refused when the client is made,
// not at the first request, and the key is not echoed.
func TestAPIKeyWithControlCharacter(t *testing.T) {
	for _, key := range []string{"abc\tdef-key", "abc\x00def-key", "abc\ndef-key"} {
		_, err := New(Config{URL: "https://acme.example.com", APIKey: key})
		if err == nil || !strings.Contains(err.Error(), "control character") || strings.Contains(err.Error(), "def-key") {
			t.Errorf("%q: err = %v", key, err)
		}
	}
}

// An address that cannot be dialled (an invalid port) is not retried as if
// it were transient.
func TestInvalidPortIsNotRetried(t *testing.T) {
	c := newTestClient(t, "http://127.0.0.1:99999", func(cfg *Config) { cfg.RetryWaitMin, cfg.RetryWaitMax = 200*time.Millisecond, time.Second })
	start := time.Now()
	_, err := c.GetIntegration(context.Background(), "7")
	if err == nil || !strings.Contains(err.Error(), "invalid port") || strings.Contains(err.Error(), "giving up after") {
		t.Fatalf("err = %v", err)
	}
	if d := time.Since(start); d > 150*time.Millisecond {
		t.Errorf("took %v: retried", d)
	}
}

// A large list answer costs a small multiple of its size, not dozens: the
// body is read once, sized up front, and not parsed again for a log line.
func TestLargeListMemoryIsBounded(t *testing.T) {
	var b strings.Builder
	b.WriteString("[")
	for i := 0; b.Len() < 24<<20; i++ {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `{"id":"%d","type":"Snowflake","autoBootstrap":false,"status":"enabled","validationResults":{"status":"passed",`+
			`"validationTests":[{"name":"Initial Validation: Basic Connection Test","status":"passed"}]},`+
			`"config":{"host":"h%d.snowflakecomputing.com","warehouse":"WH","database":"DB","password":"[REDACTED]"}}`, i, i)
	}
	b.WriteString("]")
	body := []byte(b.String())
	r := newRecorder(t, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body)
	})
	c := newTestClient(t, r.URL)
	// TotalAlloc counts every goroutine of the test binary, and what the
	// others allocate (servers and timers of earlier tests, on a loaded
	// machine) only adds to it: the least of three tries is the list's cost.
	var allocated uint64
	for try := 0; try < 3; try++ {
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		list, err := c.ListIntegrations(context.Background())
		runtime.ReadMemStats(&after)
		if err != nil || len(list) < 1000 {
			t.Fatalf("%d integrations, %v", len(list), err)
		}
		if a := after.TotalAlloc - before.TotalAlloc; try == 0 || a < allocated {
			allocated = a
		}
	}
	// Measured: about 7× (the body, the decoded list and its growth); it
	// was 26× when every answer was parsed again to mask it for the log.
	if allocated > 12*uint64(len(body)) {
		t.Errorf("listing a %d MiB answer allocated %d MiB (%.1f×)", len(body)>>20, allocated>>20, float64(allocated)/float64(len(body)))
	}
}

// A Retry-After on an answer whose wait it does not set (502, 504) does not
// fail the request: it is retried with the usual backoff.
func TestRetryAfterOnlyWhereItApplies(t *testing.T) {
	n := 0
	r := newRecorder(t, func(w http.ResponseWriter, req *http.Request) {
		n++
		if n == 1 {
			w.Header().Set("Retry-After", "86400")
			errorAnswer(502, "Bad gateway")(w, req)
			return
		}
		jsonAnswer(200, `{"id":"7","type":"Trino","status":"enabled","config":{}}`)(w, req)
	})
	if _, err := newTestClient(t, r.URL).GetIntegration(context.Background(), "7"); err != nil || r.count() != 2 {
		t.Fatalf("err = %v after %d requests", err, r.count())
	}
}
