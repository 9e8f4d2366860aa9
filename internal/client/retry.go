// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package client

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

const (
	defaultRetryWaitMin = 500 * time.Millisecond
	defaultRetryWaitMax = 30 * time.Second
	// maxRetryAfter bounds how long a server's Retry-After can hold a call;
	// beyond that the caller's own timeout is the better judge.
	maxRetryAfter = 5 * time.Minute
)

// call is the per-request state shared, through the request context, with the
// retry policy and the log hooks (go-retryablehttp hands them nothing else).
// One call runs on one goroutine, so it needs no lock.
type call struct {
	method string
	path   string
	// retrySafe: the request may be resent after a 5xx or a broken
	// connection (GET, PUT, DELETE, and side-effect-free POSTs).
	retrySafe bool

	attempts      int
	attemptStart  time.Time
	loggedAttempt int
	// inFlightErr is set when an attempt failed after the request may have
	// reached the server (not a dial error).
	inFlightErr bool
	// retryAfterTooLong is a Retry-After that was not honoured because it
	// ends after the request's deadline (retryAfterLeft away).
	retryAfterTooLong, retryAfterLeft time.Duration
}

type callKey struct{}

func withCall(ctx context.Context, c *call) context.Context {
	return context.WithValue(ctx, callKey{}, c)
}

func callFrom(ctx context.Context) *call {
	c, _ := ctx.Value(callKey{}).(*call)
	return c
}

// checkRetry decides whether an attempt is retried. Its rule: 429 always (the
// server refused the work); 502/503/504 and connection errors only when the
// request is safe to repeat, or when the error proves the request never left.
func checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	c := callFrom(ctx)
	if c == nil {
		c = &call{}
	}
	if err != nil {
		sent := !neverSent(err)
		if sent {
			c.inFlightErr = true
		}
		if ctx.Err() != nil {
			return false, ctx.Err()
		}
		retry := !isPermanent(err) && (c.retrySafe || !sent)
		logDebug(ctx, "Immuta API attempt failed", map[string]any{
			"method": c.method, "path": c.path, "attempt": c.attempts,
			"duration": time.Since(c.attemptStart).String(), "error": err.Error(), "will_retry": retry,
		})
		return retry, nil
	}
	// An answer arrived: use it even if ctx ended meanwhile (for a POST, the
	// answer is the only way to know what happened). A retry wait still
	// stops at once on a done ctx.
	c.inFlightErr = false
	retry := false
	switch resp.StatusCode {
	case http.StatusTooManyRequests:
		retry = true
	case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		retry = c.retrySafe
	}
	if retry && honoursRetryAfter(resp.StatusCode) {
		// Waiting past the deadline only to fail then helps nobody: give up
		// now and say why.
		if d, ok := requestedRetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
			left := maxRetryAfter
			if deadline, has := ctx.Deadline(); has {
				left = min(left, time.Until(deadline))
			}
			if d > left {
				retry = false
				c.retryAfterTooLong, c.retryAfterLeft = d, left
			}
		}
	}
	// go-retryablehttp asks twice about a final response; log it once, and
	// only when there were retries: the response log says the rest.
	if c.loggedAttempt != c.attempts && (retry || c.attempts > 1) {
		c.loggedAttempt = c.attempts
		logDebug(ctx, "Immuta API attempt answered", map[string]any{
			"method": c.method, "path": c.path, "attempt": c.attempts, "status": resp.StatusCode,
			"duration": time.Since(c.attemptStart).String(), "will_retry": retry,
		})
	}
	return retry, nil
}

// neverSent reports whether err proves that no byte of the request reached the
// server: the connection could not even be opened, or the TLS handshake
// failed (the request is written only once it has succeeded).
func neverSent(err error) bool {
	var op *net.OpError
	return (errors.As(err, &op) && op.Op == "dial") || IsCertificateError(err) || notTLS(err)
}

// isPermanent reports transport errors that a retry cannot fix: the server's
// certificate is not trusted, it does not speak TLS, the address cannot be
// dialled at all (an invalid port), or a header value cannot be sent.
func isPermanent(err error) bool {
	var rherr tls.RecordHeaderError
	var addrErr *net.AddrError
	return errors.Is(err, errBodyTooLarge) || IsCertificateError(err) || errors.As(err, &rherr) || notTLS(err) ||
		errors.As(err, &addrErr) || (err != nil && strings.Contains(err.Error(), "net/http: invalid header field"))
}

// IsCertificateError reports whether err is a failure to verify the server's
// TLS certificate (unknown authority, wrong host name, expired, ...).
func IsCertificateError(err error) bool {
	var (
		verr  *tls.CertificateVerificationError
		uaerr x509.UnknownAuthorityError
		herr  x509.HostnameError
		cierr x509.CertificateInvalidError
	)
	return errors.As(err, &verr) || errors.As(err, &uaerr) || errors.As(err, &herr) || errors.As(err, &cierr)
}

// notTLS reports a plain-HTTP server answering the TLS handshake, which
// net/http reports only as text.
func notTLS(err error) bool {
	return err != nil && strings.Contains(err.Error(), "server gave HTTP response to HTTPS client")
}

// backoff returns the wait before retry number attempt+1: the server's
// Retry-After on 429/503 when given, else a capped exponential delay with
// jitter, drawn from [d/2, d] where d = min·2^attempt capped at max.
func backoff(minWait, maxWait time.Duration, attempt int, resp *http.Response) time.Duration {
	if resp != nil && honoursRetryAfter(resp.StatusCode) {
		if d, ok := parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
			return d
		}
	}
	d := expDelay(minWait, maxWait, attempt)
	half := d / 2
	return half + rand.N(half+1)
}

// honoursRetryAfter: the answers whose Retry-After sets the next wait.
func honoursRetryAfter(status int) bool {
	return status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable
}

// expDelay is min·2^attempt, capped at max without overflowing.
func expDelay(minWait, maxWait time.Duration, attempt int) time.Duration {
	if minWait <= 0 {
		minWait = time.Millisecond
	}
	if maxWait < minWait {
		maxWait = minWait
	}
	d := minWait
	for i := 0; i < attempt && d < maxWait; i++ {
		d *= 2
	}
	return min(d, maxWait)
}

// parseRetryAfter reads a Retry-After value, capped at maxRetryAfter.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	d, ok := requestedRetryAfter(v, now)
	return min(d, maxRetryAfter), ok
}

// requestedRetryAfter reads a Retry-After value as the server gave it: delay
// seconds or an HTTP date (at most a year, which also keeps it from
// overflowing).
func requestedRetryAfter(v string, now time.Time) (time.Duration, bool) {
	const year = 365 * 24 * time.Hour
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		if secs > int64(year/time.Second) {
			return year, true
		}
		return time.Duration(secs) * time.Second, true
	}
	if at, err := http.ParseTime(v); err == nil {
		return min(max(at.Sub(now), 0), year), true
	}
	return 0, false
}
