package client

import (
	"context"
	"errors"
	"fmt"
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
	var parts []string
	for _, t := range e.ValidationResults.Problems() {
		p := t.Name + " " + t.Status
		if t.Message != "" {
			p += ": " + t.Message
		}
		parts = append(parts, p)
	}
	if len(parts) > 0 {
		msg += " (" + strings.Join(parts, "; ") + ")"
	}
	return msg
}

// WaitTimeoutError: the context's deadline passed while the integration was
// still pending. It unwraps to context.DeadlineExceeded.
type WaitTimeoutError struct {
	ID                    string
	LastStatus            string
	LastValidationResults *ValidationResults
}

func (e *WaitTimeoutError) Error() string {
	if e.LastStatus == "" {
		return fmt.Sprintf("timed out waiting for integration %s (no status seen)", e.ID)
	}
	return fmt.Sprintf("timed out waiting for integration %s: its last status was %q", e.ID, e.LastStatus)
}

func (e *WaitTimeoutError) Unwrap() error { return context.DeadlineExceeded }

// pollInterval is the wait before the next poll, a tenth of the time waited
// so far within [minI, maxI]: the end of a short operation is seen within
// ~0.5s, that of a long one within 10% of its duration, and a long wait
// averages well under one request per second.
func pollInterval(elapsed, minI, maxI time.Duration) time.Duration {
	return min(max(elapsed/10, minI), maxI)
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
	case o.UntilGone && status == StatusDeleted:
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

// WaitForStatus polls GET /integrations/{id}/status, first at once and then
// on the pollInterval schedule, until the status is no longer pending. It
// returns the final status, an *OperationFailedError, a *WaitTimeoutError
// when ctx's deadline passes, or the API error that stopped it (a 404 unless
// opts.UntilGone). Cancelling ctx stops it at once.
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
	for {
		st, err := c.GetIntegrationStatus(ctx, id)
		switch {
		case err == nil:
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
			return nil, waitContextError(ctx, id, last)
		default:
			return nil, err
		}

		timer := time.NewTimer(pollInterval(time.Since(start), minI, maxI))
		select {
		case <-ctx.Done():
			timer.Stop()
			return nil, waitContextError(ctx, id, last)
		case <-timer.C:
		}
	}
}

func waitContextError(ctx context.Context, id string, last *IntegrationStatus) error {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		e := &WaitTimeoutError{ID: id}
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
