// Package client is the provider's client for the Immuta Integrations API
// (see /work/shared/immuta-integrations-api.md for the contract it follows).
package client

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/hashicorp/go-cleanhttp"
	"github.com/hashicorp/go-retryablehttp"
)

const (
	defaultRequestTimeout = 60 * time.Second
	// maxResponseBody guards memory against a runaway answer; real bodies
	// are a few kilobytes.
	maxResponseBody = 32 << 20
	registryURL     = "https://registry.terraform.io/providers/immuta/immuta"
)

var errBodyTooLarge = errors.New("response body too large")

// Config configures a Client. Zero values mean the defaults.
type Config struct {
	// URL is the tenant's root URL, e.g. https://acme.immuta.com.
	URL string
	// APIKey is sent raw in the Authorization header (contract §1).
	APIKey    string
	UserAgent string
	// CACertPEM is a PEM bundle trusted in addition to the system roots.
	CACertPEM []byte
	// Insecure disables TLS certificate verification; an explicit opt-in.
	Insecure bool
	// RequestTimeout bounds each attempt (default 60s).
	RequestTimeout time.Duration
	// MaxRetries is the number of retries after the first attempt (default
	// 5; negative disables retries).
	MaxRetries int
	// RetryWaitMin and RetryWaitMax bound the backoff (defaults 500ms, 30s).
	RetryWaitMin, RetryWaitMax time.Duration
	// HTTPClient replaces the client's own transport (tests). It cannot be
	// combined with CACertPEM or Insecure, which configure that transport.
	HTTPClient *http.Client
}

// Client calls the Immuta Integrations API. It is safe for concurrent use.
type Client struct {
	baseURL   string
	apiKey    string
	userAgent string
	http      *retryablehttp.Client
}

// UserAgent builds the provider's User-Agent string.
func UserAgent(providerVersion, terraformVersion string) string {
	if providerVersion == "" {
		providerVersion = "dev"
	}
	ua := fmt.Sprintf("terraform-provider-immuta/%s (+%s)", providerVersion, registryURL)
	if terraformVersion != "" {
		ua += " Terraform/" + terraformVersion
	}
	return ua
}

// New validates cfg and returns a Client.
func New(cfg Config) (*Client, error) {
	base, err := parseBaseURL(cfg.URL)
	if err != nil {
		return nil, err
	}
	key := strings.TrimSpace(cfg.APIKey)
	if key == "" {
		return nil, errors.New("an Immuta API key is required")
	}
	if strings.ContainsAny(key, "\r\n") {
		return nil, errors.New("the Immuta API key must be a single line")
	}
	hc, err := newHTTPClient(cfg)
	if err != nil {
		return nil, err
	}

	waitMin, waitMax := cfg.RetryWaitMin, cfg.RetryWaitMax
	if waitMin <= 0 {
		waitMin = defaultRetryWaitMin
	}
	if waitMax <= 0 {
		waitMax = defaultRetryWaitMax
	}
	waitMax = max(waitMax, waitMin)
	retries := cfg.MaxRetries
	switch {
	case retries == 0:
		retries = defaultMaxRetries
	case retries < 0:
		retries = 0
	}
	ua := cfg.UserAgent
	if ua == "" {
		ua = UserAgent("", "")
	}

	rc := &retryablehttp.Client{
		HTTPClient:     hc,
		Logger:         nil, // we log through tflog in the hooks instead
		RetryWaitMin:   waitMin,
		RetryWaitMax:   waitMax,
		RetryMax:       retries,
		CheckRetry:     checkRetry,
		Backoff:        backoff,
		ErrorHandler:   passthroughErrors,
		RequestLogHook: onAttempt,
	}
	return &Client{baseURL: base, apiKey: key, userAgent: ua, http: rc}, nil
}

func parseBaseURL(raw string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return "", fmt.Errorf("invalid Immuta URL: %w", err)
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return "", fmt.Errorf("invalid Immuta URL %q: the scheme must be http or https", raw)
	case u.Host == "":
		return "", fmt.Errorf("invalid Immuta URL %q: no host", raw)
	case u.User != nil:
		return "", errors.New("invalid Immuta URL: it must not contain credentials")
	case u.RawQuery != "" || u.Fragment != "":
		return "", fmt.Errorf("invalid Immuta URL %q: it must not have a query or fragment", raw)
	}
	return strings.TrimRight(u.String(), "/"), nil
}

func newHTTPClient(cfg Config) (*http.Client, error) {
	var hc *http.Client
	if cfg.HTTPClient != nil {
		if len(cfg.CACertPEM) > 0 || cfg.Insecure {
			return nil, errors.New("HTTPClient cannot be combined with CACertPEM or Insecure")
		}
		cp := *cfg.HTTPClient // a copy, so setting its timeout changes nothing of the caller's
		hc = &cp
	} else {
		tlsCfg := &tls.Config{MinVersion: tls.VersionTLS12}
		if len(cfg.CACertPEM) > 0 {
			pool, err := x509.SystemCertPool()
			if err != nil || pool == nil {
				pool = x509.NewCertPool()
			}
			if !pool.AppendCertsFromPEM(cfg.CACertPEM) {
				return nil, errors.New("the CA bundle contains no PEM certificate")
			}
			tlsCfg.RootCAs = pool
		}
		if cfg.Insecure {
			tlsCfg.InsecureSkipVerify = true // #nosec G402 -- explicit opt-in
		}
		tr := cleanhttp.DefaultPooledTransport()
		tr.TLSClientConfig = tlsCfg
		hc = &http.Client{Transport: tr}
	}
	if cfg.RequestTimeout > 0 {
		hc.Timeout = cfg.RequestTimeout
	} else if hc.Timeout == 0 {
		hc.Timeout = defaultRequestTimeout
	}
	if hc.CheckRedirect == nil {
		// A redirect would turn a POST into a GET; surface it instead.
		hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	}
	return hc, nil
}

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
}

// do sends r with retries and returns a 2xx response, or an *APIError, or a
// transport error (marked outcome-unknown where that applies).
func (c *Client) do(ctx context.Context, r request) (*response, error) {
	var payload []byte
	if r.body != nil {
		var err error
		if payload, err = json.Marshal(r.body); err != nil {
			return nil, fmt.Errorf("%s %s: encoding the request: %w", r.method, r.path, err)
		}
	}
	ctx = c.logContext(ctx, secretValues(payload)...)
	cl := &call{method: r.method, path: r.path, retrySafe: r.retrySafe}
	ctx = withCall(ctx, cl)

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
		"method": r.method, "url": c.baseURL + r.path, "body": maskBody(payload),
	})
	start := time.Now()
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, c.transportError(cl, err)
	}
	defer resp.Body.Close()
	body, err := readBody(resp.Body)
	if err != nil {
		return nil, c.transportError(cl, err)
	}
	logDebug(ctx, "Immuta API response", map[string]any{
		"method": r.method, "url": c.baseURL + r.path, "status": resp.StatusCode,
		"attempts": cl.attempts, "duration": time.Since(start).String(), "body": maskBody(body),
	})

	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return &response{status: resp.StatusCode, header: resp.Header, body: body}, nil
	}
	apiErr := newAPIError(r.method, r.path, resp.StatusCode, body)
	apiErr.Attempts = cl.attempts
	apiErr.Message = strings.ReplaceAll(apiErr.Message, c.apiKey, maskReplacement)
	if !r.retrySafe && resp.StatusCode >= 500 {
		return nil, &outcomeUnknownError{apiErr}
	}
	return nil, apiErr
}

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
		return fmt.Errorf("%s %s: decoding the response: %w", r.method, r.path, err)
	}
	return nil
}

func (c *Client) transportError(cl *call, err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err // its text repeats method and URL, which we add ourselves
	}
	if cl.attempts > 1 {
		err = fmt.Errorf("%s %s: giving up after %d attempts: %w", cl.method, cl.path, cl.attempts, err)
	} else {
		err = fmt.Errorf("%s %s: %w", cl.method, cl.path, err)
	}
	if !cl.retrySafe && cl.inFlightErr {
		return &outcomeUnknownError{err}
	}
	return err
}

func readBody(r io.Reader) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxResponseBody+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxResponseBody {
		return nil, errBodyTooLarge
	}
	return b, nil
}

// bufferBody reads the whole body of a final response and replaces it with an
// in-memory copy.
func bufferBody(resp *http.Response) error {
	b, err := readBody(resp.Body)
	resp.Body.Close()
	if err != nil {
		return err
	}
	resp.Body = io.NopCloser(bytes.NewReader(b))
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
