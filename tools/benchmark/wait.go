// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package benchmark

import (
	"fmt"
	"net/http"
	"time"
)

// WaitResult is how one asynchronous operation was waited for.
type WaitResult struct {
	Op    Kind // KindPost, KindPut or KindDelete
	ID    string
	Delay time.Duration // the emulator's transition delay
	// Requested is when the emulator began handling the operation's
	// request; the transition ends at Requested+Delay at the earliest (the
	// emulator reads its clock a moment later, so the latency below is an
	// upper bound).
	Requested time.Time
	// Noticed is when the emulator answered the first status request that
	// showed the end: a terminal status, or 404 after a delete.
	Noticed time.Time
	// Polls counts the status requests for the integration from the
	// operation's request up to and including the one that noticed.
	Polls int
	// ReadBacks counts the GET /integrations/{id} after the end was noticed.
	ReadBacks int
}

// End is when the emulator's transition ended.
func (w WaitResult) End() time.Time { return w.Requested.Add(w.Delay) }

// Latency is how long after the end the provider noticed it.
func (w WaitResult) Latency() time.Duration { return w.Noticed.Sub(w.End()) }

// Waited is the time from the request to the notice.
func (w WaitResult) Waited() time.Duration { return w.Noticed.Sub(w.Requested) }

// PollRate is the status requests per second over the wait.
func (w WaitResult) PollRate() float64 {
	if s := w.Waited().Seconds(); s > 0 {
		return float64(w.Polls) / s
	}
	return 0
}

// LatencyBound is the target: the end noticed within max(0.5s, 10% of the
// operation's duration).
func LatencyBound(d time.Duration) time.Duration { return max(500*time.Millisecond, d/10) }

// LongWait is where the rate target starts to apply: "at most one status
// request per second on average over long waits". Immuta's operations take
// minutes; the benchmark's longest transition, a minute, is the long one.
const LongWait = time.Minute

// Met reports whether the wait meets the targets: noticed within the bound,
// and, for a long wait, at most one status request per second on average.
func (w WaitResult) Met() bool {
	if w.Latency() > LatencyBound(w.Delay) {
		return false
	}
	return w.Delay < LongWait || w.PollRate() <= 1
}

func transitional(status string) bool {
	switch status {
	case "creating", "editing", "deleting", "migrating":
		return true
	}
	return false
}

// AnalyzeWait finds the first successful request of kind op in events (in
// the order the recorder logged them) and measures its wait.
func AnalyzeWait(events []Event, op Kind, delay time.Duration) (WaitResult, error) {
	res := WaitResult{Op: op, Delay: delay}
	start := -1
	for i, e := range events {
		if e.Kind == op && e.Code >= 200 && e.Code <= 299 {
			start = i
			res.ID, res.Requested = e.ID, e.Start
			break
		}
	}
	if start < 0 {
		return res, fmt.Errorf("no successful %s request was recorded", op)
	}
	noticed := false
	for _, e := range events[start+1:] {
		if e.ID != res.ID {
			continue
		}
		switch {
		case e.Kind == KindGetStatus && !noticed:
			res.Polls++
			if (e.Code == http.StatusOK && e.Status != "" && !transitional(e.Status)) || e.Code == http.StatusNotFound {
				res.Noticed, noticed = e.End, true
			}
		case e.Kind == KindGetOne && noticed:
			res.ReadBacks++
		}
	}
	if !noticed {
		return res, fmt.Errorf("%s of integration %s: no status request saw the end of the transition", op, res.ID)
	}
	return res, nil
}
