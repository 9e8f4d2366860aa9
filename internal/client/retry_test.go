// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package client

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestRetryPolicyPerMethod(t *testing.T) {
	ok := jsonAnswer(200, `{"id":"1","status":"enabled"}`)
	p := Payload{Type: "Trino"}
	type op struct {
		name string
		call func(c *Client) error
	}
	ctx := context.Background()
	get := op{"GET", func(c *Client) error { _, err := c.GetIntegration(ctx, "1"); return err }}
	put := op{"PUT", func(c *Client) error { _, err := c.UpdateIntegration(ctx, "1", p); return err }}
	del := op{"DELETE", func(c *Client) error { _, err := c.DeleteIntegration(ctx, "1", nil); return err }}
	post := op{"POST create", func(c *Client) error { _, err := c.CreateIntegration(ctx, p); return err }}
	regen := op{"POST regenerate", func(c *Client) error { _, err := c.RegenerateAPIKey(ctx, "1"); return err }}
	script := op{"POST script", func(c *Client) error { _, err := c.CreateScript(ctx, p); return err }}

	cases := []struct {
		fault       http.HandlerFunc
		faultName   string
		ops         []op
		retried     bool
		outcomeUnkn bool
	}{
		{errorAnswer(503, "down"), "503", []op{get, put, del, script}, true, false},
		{errorAnswer(502, "bad gw"), "502", []op{get, put, del, script}, true, false},
		{errorAnswer(504, "gw timeout"), "504", []op{get, put, del, script}, true, false},
		{errorAnswer(429, "slow down"), "429", []op{get, put, del, post, regen, script}, true, false},
		{errorAnswer(503, "down"), "503", []op{post, regen}, false, true},
		{errorAnswer(502, "down"), "502", []op{post}, false, true},
		{errorAnswer(500, "boom"), "500", []op{get, put, del, script}, false, false},
		{errorAnswer(500, "boom"), "500", []op{post}, false, true},
		{errorAnswer(400, "bad"), "400", []op{get, post}, false, false},
		{dropConn, "dropped connection", []op{get, put, del, script}, true, false},
		{dropConn, "dropped connection", []op{post, regen}, false, true},
	}
	for _, tc := range cases {
		for _, o := range tc.ops {
			t.Run(tc.faultName+"/"+o.name, func(t *testing.T) {
				r := newRecorder(t, tc.fault, ok)
				err := o.call(newTestClient(t, r.URL))
				wantReqs := 1
				if tc.retried {
					wantReqs = 2
				}
				if r.count() != wantReqs {
					t.Errorf("%d requests, want %d", r.count(), wantReqs)
				}
				if tc.retried != (err == nil) {
					t.Errorf("err = %v", err)
				}
				if IsOutcomeUnknown(err) != tc.outcomeUnkn {
					t.Errorf("IsOutcomeUnknown = %v for %v", !tc.outcomeUnkn, err)
				}
			})
		}
	}
}

func TestOutcomeUnknownKeepsAPIError(t *testing.T) {
	r := newRecorder(t, errorAnswer(503, "maintenance"))
	_, err := newTestClient(t, r.URL).CreateIntegration(context.Background(), Payload{Type: "Trino"})
	e, ok := asAPIError(err)
	if !IsOutcomeUnknown(err) || !ok || e.StatusCode != 503 || e.Message != "maintenance" {
		t.Fatalf("err = %v", err)
	}
	if !strings.Contains(err.Error(), "may or may not have been applied") {
		t.Errorf("Error() = %q", err.Error())
	}
}

func TestRetriesExhaustedReturnsLastAPIError(t *testing.T) {
	r := newRecorder(t, errorAnswer(503, "still down"))
	c := newTestClient(t, r.URL, func(cfg *Config) { cfg.MaxRetries = 3 })
	_, err := c.GetIntegration(context.Background(), "1")
	e, ok := asAPIError(err)
	if !ok || e.StatusCode != 503 || e.Message != "still down" || e.Attempts != 4 {
		t.Fatalf("err = %#v", err)
	}
	if r.count() != 4 {
		t.Errorf("%d requests, want 4", r.count())
	}
	if IsOutcomeUnknown(err) {
		t.Error("a GET is never outcome-unknown")
	}
}

func TestPostRetriedWhenNeverSent(t *testing.T) {
	// A port nothing listens on: every attempt is refused at dial time, which
	// proves the POST never left, so it is retried.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	c := newTestClient(t, "http://"+addr, func(cfg *Config) { cfg.MaxRetries = 2 })
	_, err = c.CreateIntegration(context.Background(), Payload{Type: "Trino"})
	if err == nil || IsOutcomeUnknown(err) {
		t.Fatalf("err = %v", err)
	}
	if !strings.Contains(err.Error(), "giving up after 3 attempts") || !strings.Contains(err.Error(), "POST /integrations") {
		t.Errorf("err = %v", err)
	}
}

func TestMidBodyDropRetriedOnGet(t *testing.T) {
	partial := func(w http.ResponseWriter, _ *http.Request) {
		conn, buf, _ := w.(http.Hijacker).Hijack()
		_, _ = buf.WriteString("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"id\":")
		_ = buf.Flush()
		_ = conn.Close()
	}
	r := newRecorder(t, partial, jsonAnswer(200, `{"id":"1","status":"enabled"}`))
	i, err := newTestClient(t, r.URL).GetIntegration(context.Background(), "1")
	if err != nil || i == nil || i.ID != "1" || r.count() != 2 {
		t.Fatalf("got %v %v after %d requests", i, err, r.count())
	}
	r = newRecorder(t, partial, jsonAnswer(200, `{"id":"1","status":"creating"}`))
	_, err = newTestClient(t, r.URL).CreateIntegration(context.Background(), Payload{Type: "Trino"})
	if !IsOutcomeUnknown(err) || r.count() != 1 {
		t.Fatalf("POST with a broken answer: %v after %d requests", err, r.count())
	}
}

func TestPerAttemptTimeout(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	hang := func(w http.ResponseWriter, req *http.Request) {
		select {
		case <-release:
		case <-req.Context().Done():
		}
	}
	r := newRecorder(t, hang, jsonAnswer(200, `{"id":"1","status":"enabled"}`))
	c := newTestClient(t, r.URL, func(cfg *Config) { cfg.RequestTimeout = 150 * time.Millisecond })
	start := time.Now()
	i, err := c.GetIntegration(context.Background(), "1")
	if err != nil || i.ID != "1" || r.count() != 2 {
		t.Fatalf("%v %v after %d requests", i, err, r.count())
	}
	if d := time.Since(start); d < 150*time.Millisecond || d > 2*time.Second {
		t.Errorf("took %v", d)
	}
	// The same hang on a POST is an unknown outcome, not retried.
	r = newRecorder(t, hang, jsonAnswer(200, `{"id":"1"}`))
	c = newTestClient(t, r.URL, func(cfg *Config) { cfg.RequestTimeout = 150 * time.Millisecond })
	_, err = c.CreateIntegration(context.Background(), Payload{Type: "Trino"})
	if !IsOutcomeUnknown(err) || r.count() != 1 {
		t.Fatalf("POST timeout: %v after %d requests", err, r.count())
	}
}

func TestRetryAfterHonoured(t *testing.T) {
	t.Parallel()
	for _, status := range []int{429, 503} {
		t.Run(strconv.Itoa(status), func(t *testing.T) {
			t.Parallel()
			limited := func(w http.ResponseWriter, req *http.Request) {
				w.Header().Set("Retry-After", "1")
				errorAnswer(status, "wait")(w, req)
			}
			r := newRecorder(t, limited, jsonAnswer(200, `{"id":"1","status":"enabled"}`))
			c := newTestClient(t, r.URL) // backoff alone would wait ≤5ms
			start := time.Now()
			if _, err := c.GetIntegration(context.Background(), "1"); err != nil {
				t.Fatal(err)
			}
			if d := time.Since(start); d < 950*time.Millisecond || d > 3*time.Second {
				t.Errorf("waited %v, want ~1s", d)
			}
		})
	}
}

func TestCancelStopsRetryWait(t *testing.T) {
	t.Parallel()
	limited := func(w http.ResponseWriter, req *http.Request) {
		w.Header().Set("Retry-After", "30")
		errorAnswer(429, "wait")(w, req)
	}
	r := newRecorder(t, limited)
	c := newTestClient(t, r.URL)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	_, err := c.CreateIntegration(ctx, Payload{Type: "Trino"})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("cancel took %v to take effect", d)
	}
	if IsOutcomeUnknown(err) {
		t.Error("cancelled during a wait after a 429: nothing was applied")
	}
	if r.count() != 1 {
		t.Errorf("%d requests", r.count())
	}
}

func TestCancelDuringPostIsOutcomeUnknown(t *testing.T) {
	started := make(chan struct{})
	r := newRecorder(t, func(w http.ResponseWriter, req *http.Request) {
		close(started)
		<-req.Context().Done()
	})
	c := newTestClient(t, r.URL)
	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-started; cancel() }()
	_, err := c.CreateIntegration(ctx, Payload{Type: "Trino"})
	if !errors.Is(err, context.Canceled) || !IsOutcomeUnknown(err) {
		t.Fatalf("err = %v (outcome unknown %v)", err, IsOutcomeUnknown(err))
	}
}

func TestBackoffValues(t *testing.T) {
	minW, maxW := 500*time.Millisecond, 30*time.Second
	want := []time.Duration{500 * time.Millisecond, time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 16 * time.Second, 30 * time.Second, 30 * time.Second}
	for attempt, w := range want {
		if got := expDelay(minW, maxW, attempt); got != w {
			t.Errorf("expDelay(%d) = %v, want %v", attempt, got, w)
		}
		seen := map[time.Duration]bool{}
		for range 200 {
			d := backoff(minW, maxW, attempt, nil)
			if d < w/2 || d > w {
				t.Fatalf("backoff(%d) = %v outside [%v, %v]", attempt, d, w/2, w)
			}
			seen[d] = true
		}
		if len(seen) < 10 {
			t.Errorf("backoff(%d) is hardly jittered: %d distinct values", attempt, len(seen))
		}
	}
	if got := expDelay(minW, maxW, 1000); got != maxW {
		t.Errorf("huge attempt: %v", got)
	}
	resp := &http.Response{StatusCode: 429, Header: http.Header{"Retry-After": {"7"}}}
	if got := backoff(minW, maxW, 0, resp); got != 7*time.Second {
		t.Errorf("Retry-After 7 → %v", got)
	}
	resp = &http.Response{StatusCode: 502, Header: http.Header{"Retry-After": {"7"}}}
	if got := backoff(minW, maxW, 0, resp); got > minW {
		t.Errorf("Retry-After on 502 should be ignored, got %v", got)
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	cases := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"0", 0, true},
		{"12", 12 * time.Second, true},
		{"86400", maxRetryAfter, true},
		{now.Add(3 * time.Second).Format(http.TimeFormat), 3 * time.Second, true},
		{now.Add(-time.Minute).Format(http.TimeFormat), 0, true},
		{"-1", 0, false},
		{"soon", 0, false},
		{"", 0, false},
	}
	for _, tc := range cases {
		got, ok := parseRetryAfter(tc.in, now)
		if got != tc.want || ok != tc.ok {
			t.Errorf("parseRetryAfter(%q) = %v %v, want %v %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}
