// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package client

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
)

const (
	defaultMinPollInterval = 250 * time.Millisecond
	defaultMaxPollInterval = 10 * time.Second
)

// WaitOptions tunes WaitForStatus. The zero value waits for any terminal
// status and treats the failure statuses as errors.
type WaitOptions struct {
	// UntilGone waits for the integration to disappear (404, or status
	// "deleted") and then returns nil, nil; any other terminal status is a
	// failure.
	UntilGone bool
	// Pending, when set, lists the statuses to keep waiting on (default:
	// the transitional ones, and any unknown status).
	Pending []string
	// Target, when set, lists the statuses that end the wait successfully;
	// any other non-pending status is then a failure.
	Target []string
	// MinInterval and MaxInterval bound the poll interval (defaults 250ms
	// and 10s).
	MinInterval, MaxInterval time.Duration
}

// TerminalStatuses returns every known terminal status; as a Target it waits
// for a busy integration to settle whatever the outcome.
func TerminalStatuses() []string {
	out := make([]string, 0, len(terminalStatuses))
	for s := range terminalStatuses {
		out = append(out, s)
	}
	slices.Sort(out)
	return out
}

// OperationFailedError: the integration ended in a failure status (or, with
// Target or UntilGone, in a status that is not the one waited for).
type OperationFailedError struct {
	ID                string
	Status            string
	ValidationResults *ValidationResults
}

func (e *OperationFailedError) Error() string {
	msg := fmt.Sprintf("integration %s ended in status %q", e.ID, e.Status)
	const shown = 5
	problems := e.ValidationResults.Problems()
	var parts []string
	for _, t := range problems[:min(len(problems), shown)] {
		p := t.Name + " " + t.Status
		if t.Message != "" {
			p += ": " + t.Message
		}
		parts = append(parts, p)
	}
	if len(problems) > shown {
		parts = append(parts, fmt.Sprintf("and %d more", len(problems)-shown))
	}
	if len(parts) > 0 {
		msg += " (" + strings.Join(parts, "; ") + ")"
	}
	return msg
}

// WaitTimeoutError: the context's deadline passed while the integration was
// still pending, or while its status could not be read. It unwraps to
// context.DeadlineExceeded.
type WaitTimeoutError struct {
	ID                    string
	LastStatus            string
	LastValidationResults *ValidationResults
	// LastError is the error of the last status request, when it failed.
	LastError error
}

func (e *WaitTimeoutError) Error() string {
	msg := fmt.Sprintf("timed out waiting for integration %s: its last status was %q", e.ID, e.LastStatus)
	if e.LastStatus == "" {
		msg = fmt.Sprintf("timed out waiting for integration %s (no status seen)", e.ID)
	}
	if e.LastError != nil {
		msg += fmt.Sprintf("; the last status request failed: %v", e.LastError)
	}
	return msg
}

func (e *WaitTimeoutError) Unwrap() error { return context.DeadlineExceeded }

// pollInterval is the wait before the next poll, a tenth of the time waited
// so far within [minI, maxI]: the end of a short operation is seen within
// ~0.5s, that of a long one within 10% of its duration, and a long wait
// averages well under one request per second.
func pollInterval(elapsed, minI, maxI time.Duration) time.Duration {
	return min(max(elapsed/10, minI), maxI)
}

// BusyBackoff is the pause before the n-th retry of a request that Immuta
// keeps answering "busy" while the status says otherwise: 250 ms doubling
// up to 10 s.
func BusyBackoff(n int) time.Duration {
	return expDelay(defaultMinPollInterval, defaultMaxPollInterval, n-1)
}

type verdict int

const (
	keepWaiting verdict = iota
	succeeded
	failed
	gone
)

func (o *WaitOptions) judge(status string) verdict {
	pending := IsTransitional(status)
	if o.Pending != nil {
		pending = slices.Contains(o.Pending, status)
	}
	switch {
	case pending:
		return keepWaiting
	case o.UntilGone && IsDeleted(status):
		return gone
	case o.Target != nil:
		if slices.Contains(o.Target, status) {
			return succeeded
		}
		return failed
	case o.UntilGone || IsFailed(status):
		return failed
	}
	return succeeded
}

// waitErrorTolerance is how many failed status requests in a row a wait
// accepts before an answer that says the request itself is wrong (Immuta's
// own 404 while waiting for a result, 401, 403) ends it: one such answer can
// be a blip of a load balancer or an identity provider; three are not.
const waitErrorTolerance = 3

// WaitForStatus polls GET /integrations/{id}/status, first at once and then
// on the pollInterval schedule, until the status is no longer pending. A
// failed status request does not end the wait: transient errors (429, 5xx, a
// 404 that is not Immuta's, a broken connection or answer) are ridden out
// with backoff until ctx's deadline, and Immuta's 404, 401 and 403 end it
// only when seen waitErrorTolerance times in a row. It returns the final
// status, an *OperationFailedError, a *WaitTimeoutError when ctx's deadline
// passes (with the last error, if the last request failed), or the error
// that ended it. Cancelling ctx stops it at once.
func (c *Client) WaitForStatus(ctx context.Context, id string, opts WaitOptions) (*IntegrationStatus, error) {
	minI, maxI := opts.MinInterval, opts.MaxInterval
	if minI <= 0 {
		minI = defaultMinPollInterval
	}
	if maxI <= 0 {
		maxI = defaultMaxPollInterval
	}
	maxI = max(maxI, minI)

	start := time.Now()
	var last *IntegrationStatus
	var lastErr error
	failures, definitive := 0, 0 // failed requests in a row; of them, definitive answers in a row
	for {
		st, err := c.GetIntegrationStatus(ctx, id)
		switch {
		case err == nil:
			failures, definitive, lastErr = 0, 0, nil
			if st == nil {
				st = &IntegrationStatus{ID: id} // empty answer: status unknown, keep polling
			}
			last = st
			switch opts.judge(st.Status) {
			case succeeded:
				return st, nil
			case gone:
				return nil, nil
			case failed:
				return nil, &OperationFailedError{ID: id, Status: st.Status, ValidationResults: st.ValidationResults}
			}
		case opts.UntilGone && IsNotFound(err):
			return nil, nil
		case ctx.Err() != nil:
			return nil, waitContextError(ctx, id, last, lastErr)
		default:
			failures++
			lastErr = err
			definitive++
			if !endsWaitWhenRepeated(err) {
				definitive = 0
			}
			if isPermanent(err) || definitive >= waitErrorTolerance {
				return nil, err
			}
			logDebug(c.logContext(ctx, secretsFrom(ctx)...), "status request failed while waiting; waiting on", map[string]any{
				"id": id, "failures_in_a_row": failures, "error": err.Error(),
			})
		}

		interval := pollInterval(time.Since(start), minI, maxI)
		if failures > 0 {
			interval = max(interval, expDelay(minI, maxI, failures))
		}
		timer := time.NewTimer(interval)
		select {
		case <-ctx.Done():
			timer.Stop()
			return nil, waitContextError(ctx, id, last, lastErr)
		case <-timer.C:
		}
	}
}

// endsWaitWhenRepeated: answers that say the wait itself is wrong (the
// integration is not there, the key is not accepted, the request is
// refused), once repeated: any 4xx but a timeout (408), rate limiting (429)
// and a 404 that is not Immuta's.
func endsWaitWhenRepeated(err error) bool {
	e, ok := asAPIError(err)
	if !ok || e.StatusCode < 400 || e.StatusCode >= 500 {
		return false
	}
	switch {
	case e.StatusCode == http.StatusRequestTimeout, e.StatusCode == http.StatusTooManyRequests, IsForeignNotFound(err):
		return false
	}
	return true
}

func waitContextError(ctx context.Context, id string, last *IntegrationStatus, lastErr error) error {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		e := &WaitTimeoutError{ID: id, LastError: lastErr}
		if last != nil {
			e.LastStatus, e.LastValidationResults = last.Status, last.ValidationResults
		}
		return e
	}
	status := "none seen"
	if last != nil {
		status = last.Status
	}
	return fmt.Errorf("waiting for integration %s (last status %q): %w", id, status, ctx.Err())
}
