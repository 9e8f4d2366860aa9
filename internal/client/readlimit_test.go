package client

import (
	"context"
	"errors"
	"net/http"
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
