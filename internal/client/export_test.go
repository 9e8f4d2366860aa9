// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package client

import "context"

// The masking tests live in client_test, which may use the provider's type
// tables (this package must not); these reach the unexported masking.

// MaskBody is maskBody, as the log shows a body.
func (c *Client) MaskBody(b []byte) string { return c.maskBody(b) }

// MaskJSON is maskJSON: the masked text, the secret values found, and
// whether b was JSON.
func (c *Client) MaskJSON(b []byte) (string, []string, bool) { return c.maskJSON(b) }

// MaxLogBody is the longest body the log keeps.
const MaxLogBody = maxLogBody

// The tests drive the poller behind the named waits (WaitHealthy, WaitGone,
// WhenIdle) with options of their own, such as shorter poll intervals.

// WaitOptions are waitFor's options.
type WaitOptions = waitOptions

// WaitForStatus is waitFor.
func (c *Client) WaitForStatus(ctx context.Context, id string, opts WaitOptions) (*IntegrationStatus, error) {
	return c.waitFor(ctx, id, opts)
}

// TerminalStatuses is terminalStatusList.
var TerminalStatuses = terminalStatusList

// BusyState is busyState.
var BusyState = busyState
