// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/hashicorp/go-retryablehttp"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// maxResponseBody guards memory against a runaway answer; real bodies are a
// few kilobytes.
const maxResponseBody = 32 << 20

var errBodyTooLarge = errors.New("response body too large")

// request describes one API call.
type request struct {
	method string
	path   string // below the base URL, escaped
	body   any    // JSON-encoded when non-nil
	// retrySafe: may be resent after a 5xx or a broken connection.
	retrySafe bool
	accept    string
}

type response struct {
	status int
	header http.Header
	body   []byte
	// mask redacts the secrets of this request from the server's words.
	mask func(string) string
}

type secretsKey struct{}

// WithSecrets returns ctx carrying secret values that the requests made with
// it must never log nor hand back: a server may echo a configured password in
// a validation message on any path (an error, a status, an integration).
func WithSecrets(ctx context.Context, values ...string) context.Context {
	return context.WithValue(ctx, secretsKey{}, slices.Concat(secretsFrom(ctx), values))
}

func secretsFrom(ctx context.Context) []string {
	v, _ := ctx.Value(secretsKey{}).([]string)
	return v
}

// do sends r with retries and returns a 2xx response, or an *APIError, or a
// transport error (marked outcome-unknown where that applies).
func (c *Client) do(ctx context.Context, r request) (_ *response, err error) {
	var payload []byte
	if r.body != nil {
		if payload, err = json.Marshal(r.body); err != nil {
			return nil, fmt.Errorf("%s %s: encoding the request: %w", r.method, r.path, err)
		}
	}
	secrets := slices.Concat(secretsFrom(ctx), c.secretValues(payload))
	mask := masker(c.apiKey, secrets)
	ctx = c.logContext(ctx, secrets...)
	cl := &call{method: r.method, path: r.path, retrySafe: r.retrySafe}
	ctx = withCall(ctx, cl)
	if limit := c.readLimit(); r.method == http.MethodGet && limit > 0 {
		// A read has an overall limit a user can reason about, whatever a
		// server trickles or asks to wait; writes run within the resource's
		// timeouts instead.
		var cancel context.CancelFunc
		parent := ctx
		ctx, cancel = context.WithTimeout(ctx, limit)
		defer cancel()
		defer func() {
			if err != nil && parent.Err() == nil && errors.Is(ctx.Err(), context.DeadlineExceeded) {
				err = &ReadLimitError{Method: r.method, Path: r.path, Limit: limit,
					RequestTimeout: c.http.HTTPClient.Timeout, MaxRetries: c.http.RetryMax, Err: err}
			}
		}()
	}

	var raw any // retryablehttp wants an untyped nil for "no body"
	if payload != nil {
		raw = payload
	}
	req, err := retryablehttp.NewRequestWithContext(ctx, r.method, c.baseURL+r.path, raw)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", r.method, r.path, err)
	}
	accept := r.accept
	if accept == "" {
		accept = "application/json"
	}
	req.Header.Set("Authorization", c.apiKey)
	req.Header.Set("Accept", accept)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", c.userAgent)
	// Reading the body inside the retry loop lets a connection that breaks
	// mid-body be retried like any other broken connection.
	req.SetResponseHandler(bufferBody)

	logDebug(ctx, "Immuta API request", map[string]any{
		"method": r.method, "url": c.baseURL + r.path, "body": c.maskBody(payload),
	})
	start := time.Now()
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, c.noAnswer(cl, err)
	}
	defer resp.Body.Close()
	body, err := bufferedBytes(resp.Body)
	if err != nil {
		return nil, c.noAnswer(cl, err)
	}
	logDebug(ctx, "Immuta API response", map[string]any{
		"method": r.method, "url": c.baseURL + r.path, "status": resp.StatusCode,
		"attempts": cl.attempts, "duration": time.Since(start).String(), "body": c.maskBody(body),
	})

	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return &response{status: resp.StatusCode, header: resp.Header, body: body, mask: mask}, nil
	}
	apiErr := newAPIError(r.method, r.path, resp.StatusCode, body)
	apiErr.Attempts = cl.attempts
	apiErr.URL = c.baseURL + r.path
	apiErr.redact(mask)
	c.traceLargeResults(ctx, r, apiErr.ValidationResults)
	if cl.retryAfterTooLong > 0 {
		apiErr.Message += fmt.Sprintf(" (Immuta asked to retry after %s, more than this request waits: %s)",
			cl.retryAfterTooLong, cl.retryAfterLeft.Round(time.Second))
	}
	if !r.retrySafe && resp.StatusCode >= 500 {
		return nil, &outcomeUnknownError{apiErr}
	}
	return nil, apiErr
}

// ReadLimitError: a read did not complete within its overall limit,
// request_timeout × (max_retries + 1).
type ReadLimitError struct {
	Method, Path   string
	Limit          time.Duration
	RequestTimeout time.Duration
	MaxRetries     int
	Err            error
}

func (e *ReadLimitError) Error() string {
	return fmt.Sprintf("%s %s: no complete answer within %s (request_timeout %s × (max_retries %d + 1)): %v",
		e.Method, e.Path, e.Limit, e.RequestTimeout, e.MaxRetries, e.Err)
}

func (e *ReadLimitError) Unwrap() error { return e.Err }

// doJSON calls do and decodes a non-empty answer into out; an empty body
// leaves out untouched.
func (c *Client) doJSON(ctx context.Context, r request, out any) error {
	resp, err := c.do(ctx, r)
	if err != nil {
		return err
	}
	if len(bytes.TrimSpace(resp.body)) == 0 {
		return nil
	}
	if err := json.Unmarshal(resp.body, out); err != nil {
		decodeErr := &DecodeError{Method: r.method, Path: r.path, Status: resp.status, ContentType: resp.header.Get("Content-Type"), Err: err}
		if !r.retrySafe {
			// A request with side effects was accepted, but what it did
			// cannot be read: as good as a lost answer.
			return &outcomeUnknownError{decodeErr}
		}
		return decodeErr
	}
	for _, res := range answerResults(out) {
		res.redact(resp.mask)
		c.traceLargeResults(ctx, r, res)
	}
	return nil
}

// KeptTests is how many validation tests are kept where room is short: the
// provider's state keeps that many of larger results (validation_results),
// and the response log skips large bodies, so the client logs every test of
// larger results at TRACE.
const KeptTests = 100

func (c *Client) traceLargeResults(ctx context.Context, r request, res *ValidationResults) {
	if res == nil || len(res.Tests) <= KeptTests {
		return
	}
	tflog.SubsystemTrace(c.logContext(ctx, secretsFrom(ctx)...), LogSubsystem, "every validation test of the answer", map[string]any{
		"method": r.method, "path": r.path, "tests": res.Tests,
	})
}

// DecodeError: a 2xx answer that is not the JSON the call expects (a proxy's
// HTML page, truncated JSON, fields of the wrong type).
type DecodeError struct {
	Method, Path string
	Status       int
	ContentType  string
	Err          error
}

func (e *DecodeError) Error() string {
	ct := e.ContentType
	if ct == "" {
		ct = "no content type"
	}
	return fmt.Sprintf("%s %s: answered %d (%s), but the answer could not be read as Immuta's JSON: %v", e.Method, e.Path, e.Status, ct, e.Err)
}

func (e *DecodeError) Unwrap() error { return e.Err }

// transportError is a request that got no HTTP answer: refused, unresolved,
// reset, or answered in plain HTTP on an https:// URL. The provider's url is
// the first thing to check.
type transportError struct {
	// URL is where the request went.
	URL string
	Err error
}

func (e *transportError) Error() string { return e.Err.Error() }
func (e *transportError) Unwrap() error { return e.Err }

// noAnswer wraps the error of a request that got no HTTP answer.
func (c *Client) noAnswer(cl *call, err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err // its text repeats method and URL, which we add ourselves
	}
	if cl.attempts > 1 {
		err = fmt.Errorf("%s %s: giving up after %d attempts: %w", cl.method, cl.path, cl.attempts, err)
	} else {
		err = fmt.Errorf("%s %s: %w", cl.method, cl.path, err)
	}
	err = &transportError{URL: c.baseURL + cl.path, Err: err}
	if !cl.retrySafe && cl.inFlightErr {
		return &outcomeUnknownError{err}
	}
	return err
}

// readBody reads a body of at most maxResponseBody bytes, sized up front
// when the length is announced (growing a buffer by doubling would allocate
// about twice the body again).
func readBody(r io.Reader, length int64) ([]byte, error) {
	var buf bytes.Buffer
	if length > 0 && length <= maxResponseBody {
		buf.Grow(int(length) + bytes.MinRead)
	}
	if _, err := buf.ReadFrom(io.LimitReader(r, maxResponseBody+1)); err != nil {
		return nil, err
	}
	if buf.Len() > maxResponseBody {
		return nil, errBodyTooLarge
	}
	return buf.Bytes(), nil
}

// bufferedBody is a response body already read into memory.
type bufferedBody struct {
	*bytes.Reader
	b []byte
}

func (bufferedBody) Close() error { return nil }

// bufferedBytes returns the bytes of a body read by bufferBody without
// copying them, or reads any other body.
func bufferedBytes(r io.Reader) ([]byte, error) {
	if bb, ok := r.(bufferedBody); ok {
		return bb.b, nil
	}
	return readBody(r, -1)
}

// bufferBody reads the whole body of a final response and replaces it with an
// in-memory copy.
func bufferBody(resp *http.Response) error {
	b, err := readBody(resp.Body, resp.ContentLength)
	resp.Body.Close()
	if err != nil {
		return err
	}
	resp.Body = bufferedBody{Reader: bytes.NewReader(b), b: b}
	return nil
}

// passthroughErrors hands the last response (retries exhausted on a 429 or
// 5xx) back to do, which turns it into an APIError; errors pass unchanged.
func passthroughErrors(resp *http.Response, err error, _ int) (*http.Response, error) {
	if err != nil {
		if resp != nil {
			resp.Body.Close()
		}
		return nil, err
	}
	return resp, nil
}

func onAttempt(_ retryablehttp.Logger, req *http.Request, attempt int) {
	if cl := callFrom(req.Context()); cl != nil {
		cl.attempts = attempt + 1
		cl.attemptStart = time.Now()
	}
}
