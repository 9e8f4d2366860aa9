// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package client

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestPollInterval(t *testing.T) {
	minI, maxI := 250*time.Millisecond, 10*time.Second
	cases := []struct{ elapsed, want time.Duration }{
		{0, 250 * time.Millisecond},
		{time.Second, 250 * time.Millisecond},
		{2500 * time.Millisecond, 250 * time.Millisecond},
		{5 * time.Second, 500 * time.Millisecond},
		{30 * time.Second, 3 * time.Second},
		{100 * time.Second, 10 * time.Second},
		{time.Hour, 10 * time.Second},
	}
	for _, tc := range cases {
		if got := pollInterval(tc.elapsed, minI, maxI); got != tc.want {
			t.Errorf("pollInterval(%v) = %v, want %v", tc.elapsed, got, tc.want)
		}
	}
	// The promise behind the schedule: over a long wait, at most ~1 poll a second.
	var polls int
	for elapsed := time.Duration(0); elapsed < 10*time.Minute; elapsed += pollInterval(elapsed, minI, maxI) {
		polls++
	}
	if polls > 600 || polls < 60 {
		t.Errorf("%d polls in 10 minutes", polls)
	}
	// ...and the end of an operation is seen within max(0.5s, 10%) of it.
	for _, d := range []time.Duration{time.Second, 20 * time.Second, 90 * time.Second} {
		if lag := pollInterval(d, minI, maxI); lag > max(500*time.Millisecond, d/10) {
			t.Errorf("lag %v after %v", lag, d)
		}
	}
}

// statusServer answers GET /integrations/{id}/status from a list of statuses
// (the last one repeats), or with 404 for the entry "404".
type statusServer struct {
	*recorder
	mu    sync.Mutex
	seq   []string
	times []time.Time
}

func newStatusServer(t *testing.T, seq ...string) *statusServer {
	s := &statusServer{seq: seq}
	s.recorder = newRecorder(t, func(w http.ResponseWriter, req *http.Request) {
		s.mu.Lock()
		i := len(s.times)
		s.times = append(s.times, time.Now())
		st := s.seq[min(i, len(s.seq)-1)]
		s.mu.Unlock()
		switch st {
		case "404":
			errorAnswer(404, "No integration found with ID 7.")(w, req)
			return
		case "html404":
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(404)
			_, _ = w.Write([]byte("<html><body>404 Not Found</body></html>"))
			return
		case "400", "401", "403", "429", "500", "502":
			code, _ := strconv.Atoi(st)
			errorAnswer(code, "blip")(w, req)
			return
		case "garbage":
			jsonAnswer(200, `{"id":7,"status":`)(w, req)
			return
		}
		jsonAnswer(200, `{"id":7,"status":"`+st+`","validationResults":{"status":"failed","validationTests":[
			{"name":"Initial Validation: Basic Connection Test","status":"failed","message":"cannot connect"},
			{"name":"Validate Automatic Bootstrap User Grants","status":"passed"}]}}`)(w, req)
	})
	return s
}

func fastWait() WaitOptions {
	return WaitOptions{MinInterval: 5 * time.Millisecond, MaxInterval: 20 * time.Millisecond}
}

func TestWaitSuccess(t *testing.T) {
	s := newStatusServer(t, "creating", "creating", "enabled")
	c := newTestClient(t, s.URL)
	start := time.Now()
	st, err := c.WaitForStatus(context.Background(), "7", fastWait())
	if err != nil || st == nil || st.Status != StatusEnabled || st.ID != "7" {
		t.Fatalf("%v %v", st, err)
	}
	if s.count() != 3 {
		t.Errorf("%d polls", s.count())
	}
	if first := s.times[0].Sub(start); first > 100*time.Millisecond {
		t.Errorf("first poll after %v, want at once", first)
	}
	if gap := s.times[1].Sub(s.times[0]); gap < 5*time.Millisecond {
		t.Errorf("second poll after %v, want ≥ MinInterval", gap)
	}
}

func TestWaitUnknownStatusIsPending(t *testing.T) {
	s := newStatusServer(t, "reticulating", "enabled")
	st, err := newTestClient(t, s.URL).WaitForStatus(context.Background(), "7", fastWait())
	if err != nil || st.Status != StatusEnabled || s.count() != 2 {
		t.Fatalf("%v %v after %d polls", st, err, s.count())
	}
}

func TestWaitFailureStatuses(t *testing.T) {
	for _, status := range []string{StatusCreateError, StatusEditError, StatusMigrateError, StatusDeleteError} {
		s := newStatusServer(t, "editing", status)
		st, err := newTestClient(t, s.URL).WaitForStatus(context.Background(), "7", fastWait())
		var fe *OperationFailedError
		if st != nil || !errors.As(err, &fe) {
			t.Fatalf("%s: %v %v", status, st, err)
		}
		if fe.ID != "7" || fe.Status != status || fe.ValidationResults == nil || len(fe.ValidationResults.Problems()) != 1 {
			t.Errorf("%s: %+v", status, fe)
		}
		if msg := err.Error(); !strings.Contains(msg, status) || !strings.Contains(msg, "Basic Connection Test failed: cannot connect") {
			t.Errorf("Error() = %q", msg)
		}
	}
}

func TestWaitNonFailureTerminalIsSuccess(t *testing.T) {
	for _, status := range []string{StatusRecurringValidationError, StatusDisabled} {
		s := newStatusServer(t, status)
		st, err := newTestClient(t, s.URL).WaitForStatus(context.Background(), "7", fastWait())
		if err != nil || st.Status != status {
			t.Errorf("%s: %v %v", status, st, err)
		}
	}
}

func TestWaitTargetAndPendingOverride(t *testing.T) {
	// Waiting for a busy integration to settle: a failed edit also ends it.
	s := newStatusServer(t, "editing", "editError")
	opts := fastWait()
	opts.Target = TerminalStatuses()
	st, err := newTestClient(t, s.URL).WaitForStatus(context.Background(), "7", opts)
	if err != nil || st.Status != StatusEditError {
		t.Fatalf("%v %v", st, err)
	}
	// A Target that the status misses is a failure.
	s = newStatusServer(t, "creating", "disabled")
	opts = fastWait()
	opts.Target = []string{StatusEnabled}
	_, err = newTestClient(t, s.URL).WaitForStatus(context.Background(), "7", opts)
	var fe *OperationFailedError
	if !errors.As(err, &fe) || fe.Status != StatusDisabled {
		t.Fatalf("err = %v", err)
	}
	// Pending overrides which statuses keep the wait going.
	s = newStatusServer(t, "recurringValidationError", "recurringValidationError", "enabled")
	opts = fastWait()
	opts.Pending = []string{StatusRecurringValidationError}
	st, err = newTestClient(t, s.URL).WaitForStatus(context.Background(), "7", opts)
	if err != nil || st.Status != StatusEnabled || s.count() != 3 {
		t.Fatalf("%v %v after %d polls", st, err, s.count())
	}
}

func TestWaitUntilGone(t *testing.T) {
	opts := fastWait()
	opts.UntilGone = true
	s := newStatusServer(t, "deleting", "deleting", "404")
	st, err := newTestClient(t, s.URL).WaitForStatus(context.Background(), "7", opts)
	if st != nil || err != nil || s.count() != 3 {
		t.Fatalf("%v %v after %d polls", st, err, s.count())
	}
	s = newStatusServer(t, "deleting", "deleted")
	if st, err := newTestClient(t, s.URL).WaitForStatus(context.Background(), "7", opts); st != nil || err != nil {
		t.Fatalf("deleted: %v %v", st, err)
	}
	s = newStatusServer(t, "deleting", "deleteError")
	_, err = newTestClient(t, s.URL).WaitForStatus(context.Background(), "7", opts)
	var fe *OperationFailedError
	if !errors.As(err, &fe) || fe.Status != StatusDeleteError {
		t.Fatalf("deleteError: %v", err)
	}
	s = newStatusServer(t, "deleting", "enabled")
	if _, err = newTestClient(t, s.URL).WaitForStatus(context.Background(), "7", opts); !errors.As(err, &fe) || fe.Status != StatusEnabled {
		t.Fatalf("still there: %v", err)
	}
}

func TestWaitNotFoundIsAnError(t *testing.T) {
	s := newStatusServer(t, "creating", "404")
	_, err := newTestClient(t, s.URL).WaitForStatus(context.Background(), "7", fastWait())
	e, ok := asAPIError(err)
	if !IsNotFound(err) || !ok || e.Message != "No integration found with ID 7." || e.Path != "/integrations/7/status" {
		t.Fatalf("err = %v", err)
	}
}

func TestWaitTimeout(t *testing.T) {
	t.Parallel()
	s := newStatusServer(t, "reticulating")
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := newTestClient(t, s.URL).WaitForStatus(ctx, "7", fastWait())
	var te *WaitTimeoutError
	if !errors.As(err, &te) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v", err)
	}
	if te.ID != "7" || te.LastStatus != "reticulating" || te.LastValidationResults == nil {
		t.Errorf("%+v", te)
	}
	if !strings.Contains(err.Error(), `"reticulating"`) {
		t.Errorf("Error() = %q", err.Error())
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("returned after %v", d)
	}
}

func TestWaitCancel(t *testing.T) {
	t.Parallel()
	s := newStatusServer(t, "editing")
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	opts := WaitOptions{MinInterval: 10 * time.Second} // cancel must cut the sleep short
	start := time.Now()
	_, err := newTestClient(t, s.URL).WaitForStatus(ctx, "7", opts)
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "editing") {
		t.Fatalf("err = %v", err)
	}
	var te *WaitTimeoutError
	if errors.As(err, &te) {
		t.Error("a cancel is not a timeout")
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("returned after %v", d)
	}
}

// A wait rides out what a long wait meets on the way: rate limiting beyond
// the client's own retries, 5xx, a proxy's 404, a broken answer, and a lone
// 401, 403 or Immuta 404 (a blip of a load balancer or an identity
// provider), and still sees the integration end enabled.
func TestWaitRidesOutTransientErrors(t *testing.T) {
	seq := []string{"creating"}
	for range 6 {
		seq = append(seq, "429")
	}
	seq = append(seq, "500", "html404", "garbage", "401", "creating", "403", "creating", "404", "creating", "enabled")
	s := newStatusServer(t, seq...)
	c := newTestClient(t, s.URL, func(cfg *Config) { cfg.MaxRetries = -1 })
	st, err := c.WaitForStatus(context.Background(), "7", fastWait())
	if err != nil || st == nil || st.Status != StatusEnabled {
		t.Fatalf("got %v, %v after %d polls: a transient error ended the wait", st, err, s.count())
	}
	if s.count() != len(seq) {
		t.Errorf("%d polls, want %d", s.count(), len(seq))
	}
	// Failed polls back off: the gaps after failures grow beyond the poll interval.
	if gap := s.times[7].Sub(s.times[6]); gap < 2*fastWait().MinInterval {
		t.Errorf("no backoff after repeated failures: %v between polls", gap)
	}
}

// The same answer three times in a row is not a blip: Immuta's 404 (the
// integration is gone), 401 and 403 end the wait with that error.
func TestWaitEndsOnRepeatedDefinitiveAnswers(t *testing.T) {
	for _, code := range []string{"404", "401", "403", "400"} {
		s := newStatusServer(t, "creating", code)
		_, err := newTestClient(t, s.URL).WaitForStatus(context.Background(), "7", fastWait())
		e, ok := asAPIError(err)
		if !ok || strconv.Itoa(e.StatusCode) != code || s.count() != 1+waitErrorTolerance {
			t.Errorf("%s: %v after %d polls", code, err, s.count())
		}
	}
}

// A wait that runs out of time while its requests fail says so, with the
// last status seen and the last error.
func TestWaitTimeoutWhileFailingNamesTheError(t *testing.T) {
	t.Parallel()
	s := newStatusServer(t, "creating", "502")
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	_, err := newTestClient(t, s.URL, func(cfg *Config) { cfg.MaxRetries = -1 }).WaitForStatus(ctx, "7", fastWait())
	var te *WaitTimeoutError
	if !errors.As(err, &te) || te.LastStatus != "creating" || te.LastError == nil || !strings.Contains(err.Error(), "502") {
		t.Fatalf("err = %v", err)
	}
}
