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

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

const (
	defaultMinPollInterval = 250 * time.Millisecond
	defaultMaxPollInterval = 10 * time.Second
)

// Immuta's create, update and delete run in the background: the API answers
// at once, and the integration's status tells when the work ends
// (IMMUTA_API.md, Statuses). The waits below are named for what they wait
// for; they share one poller, waitFor.

// WaitHealthy waits until a create or an update has installed integration
// id: it ends in enabled, or recurringValidationError (installed, but its
// periodic re-validation failed). Any other end is an *OperationFailedError.
func (c *Client) WaitHealthy(ctx context.Context, id string) (*IntegrationStatus, error) {
	return c.waitFor(ctx, id, waitOptions{Target: healthyStatuses()})
}

// WaitGone waits until integration id is deleted: Immuta answers 404, or
// status deleted. Any other end is an *OperationFailedError.
func (c *Client) WaitGone(ctx context.Context, id string) error {
	_, err := c.waitFor(ctx, id, waitOptions{UntilGone: true})
	return err
}

// waitSettled waits until no work runs on integration id, whatever its
// outcome: a failure status ends the wait like any other (as an
// *OperationFailedError).
func (c *Client) waitSettled(ctx context.Context, id string) (*IntegrationStatus, error) {
	return c.waitFor(ctx, id, waitOptions{Target: terminalStatusList()})
}

// WhenIdle runs call, a PUT or DELETE of integration id, and while Immuta
// answers 409 because the integration is busy (creating, editing, deleting,
// migrating), waits until it settles and calls again, within ctx's
// deadline. A 409 while the status already says idle backs off
// exponentially (250 ms doubling to 10 s), so a server that contradicts
// itself gets a few requests, then one every 10 s. waited is the first busy
// status it waited through ("" if none). When the time runs out while Immuta
// still answers busy, the error says so and unwraps to ctx's error.
func (c *Client) WhenIdle(ctx context.Context, id string, call func() error) (waited string, _ error) {
	contradicted := 0 // 409s in a row while the status already said idle
	for {
		err := call()
		state, busy := busyState(err)
		if !busy {
			return waited, err
		}
		if waited == "" {
			waited = state
		}
		tflog.SubsystemInfo(c.logContext(ctx, secretsFrom(ctx)...), LogSubsystem,
			"integration is busy; waiting for it to settle before trying again", map[string]any{"id": id, "status": state})
		waitStart := time.Now()
		if _, werr := c.waitSettled(ctx, id); werr != nil {
			var failed *OperationFailedError
			if !errors.As(werr, &failed) {
				if ctx.Err() != nil {
					return waited, busyTimeoutError{state: state, err: werr}
				}
				return waited, werr
			}
		}
		if time.Since(waitStart) >= time.Second {
			contradicted = 0 // it really was busy, and now is not: try at once
			continue
		}
		contradicted++
		timer := time.NewTimer(busyBackoff(contradicted))
		select {
		case <-ctx.Done():
			timer.Stop()
			return waited, busyTimeoutError{state: state, err: ctx.Err()}
		case <-timer.C:
		}
	}
}

// busyTimeoutError: the time ran out while Immuta kept answering that the
// integration is busy.
type busyTimeoutError struct {
	state string
	err   error
}

func (e busyTimeoutError) Error() string {
	return fmt.Sprintf("Immuta kept answering that the integration is busy (status %s): %v", e.state, e.err)
}

func (e busyTimeoutError) Unwrap() error { return e.err }

// waitOptions tunes waitFor. The zero value waits for any terminal status
// and treats the failure statuses as errors.
type waitOptions struct {
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

// terminalStatusList returns every known terminal status; as a Target it
// waits for a busy integration to settle whatever the outcome.
func terminalStatusList() []string {
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

// busyBackoff is the pause before the n-th retry of a request that Immuta
// keeps answering "busy" while the status says otherwise: 250 ms doubling
// up to 10 s.
func busyBackoff(n int) time.Duration {
	return expDelay(defaultMinPollInterval, defaultMaxPollInterval, n-1)
}

type verdict int

const (
	keepWaiting verdict = iota
	succeeded
	failed
	gone
)

func (o *waitOptions) judge(status string) verdict {
	pending := isTransitional(status)
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
	case o.UntilGone || isFailed(status):
		return failed
	}
	return succeeded
}

// waitErrorTolerance is how many failed status requests in a row a wait
// accepts before an answer that says the request itself is wrong (Immuta's
// own 404 while waiting for a result, 401, 403) ends it: one such answer can
// be a blip of a load balancer or an identity provider; three are not.
const waitErrorTolerance = 3

// waitFor polls GET /integrations/{id}/status, first at once and then
// on the pollInterval schedule, until the status is no longer pending. A
// failed status request does not end the wait: transient errors (429, 5xx, a
// 404 that is not Immuta's, a broken connection or answer) are ridden out
// with backoff until ctx's deadline, and Immuta's 404, 401 and 403 end it
// only when seen waitErrorTolerance times in a row. It returns the final
// status, an *OperationFailedError, a *WaitTimeoutError when ctx's deadline
// passes (with the last error, if the last request failed), or the error
// that ended it. Cancelling ctx stops it at once.
func (c *Client) waitFor(ctx context.Context, id string, opts waitOptions) (*IntegrationStatus, error) {
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
