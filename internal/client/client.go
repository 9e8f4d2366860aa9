// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

// Package client is the provider's client for the Immuta Integrations API
// (/integrations on a tenant): typed calls, Immuta's error model, retries that
// never repeat a side effect blindly, masked debug logging, and a status
// waiter for the API's asynchronous operations.
package client

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode"

	"github.com/hashicorp/go-cleanhttp"
	"github.com/hashicorp/go-retryablehttp"
)

// The defaults of a request's time limit and retries: the provider's too
// (request_timeout, max_retries).
const (
	DefaultRequestTimeout = 60 * time.Second
	DefaultMaxRetries     = 5
	// NoRetries, as Config.MaxRetries, turns retries off (0 there means
	// DefaultMaxRetries).
	NoRetries = -1
)

const registryURL = "https://registry.terraform.io/providers/immuta/immuta"

// Config configures a Client. Zero values mean the defaults.
type Config struct {
	// URL is the tenant's root URL, e.g. https://acme.immuta.com.
	URL string
	// APIKey is sent raw in the Authorization header (IMMUTA_API.md, Transport).
	APIKey    string
	UserAgent string
	// CACertPEM is a PEM bundle trusted in addition to the system roots.
	CACertPEM []byte
	// Insecure disables TLS certificate verification; an explicit opt-in.
	Insecure bool
	// RequestTimeout bounds each attempt (default DefaultRequestTimeout).
	RequestTimeout time.Duration
	// MaxRetries is the number of retries after the first attempt (default
	// DefaultMaxRetries; NoRetries, or any negative number, for none).
	MaxRetries int
	// RetryWaitMin and RetryWaitMax bound the backoff (defaults 500ms, 30s).
	RetryWaitMin, RetryWaitMax time.Duration
	// HTTPClient replaces the client's own transport (tests). It cannot be
	// combined with CACertPEM or Insecure, which configure that transport.
	HTTPClient *http.Client
	// SecretKeys are the JSON keys (any case) whose values are secrets at
	// any depth of a payload or an answer; the provider passes those of its
	// type tables. Their values are masked in logged bodies and in errors.
	// The API key is masked whatever this holds. Without any, the client
	// cannot tell a secret in a body, so it logs no bodies at all (only
	// their size) and masks in errors only the API key and the values
	// given with WithSecrets.
	SecretKeys []string
}

// Client calls the Immuta Integrations API. It is safe for concurrent use.
type Client struct {
	baseURL   string
	apiKey    string
	userAgent string
	http      *retryablehttp.Client
	// secretKeys is Config.SecretKeys lower-cased, as JSON keys are
	// matched without regard to case.
	secretKeys map[string]bool
}

// readLimit bounds a read (a GET with all its retries and waits):
// request_timeout × (max_retries + 1).
func (c *Client) readLimit() time.Duration {
	return c.http.HTTPClient.Timeout * time.Duration(c.http.RetryMax+1)
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
	if strings.ContainsFunc(key, unicode.IsControl) {
		return nil, errors.New("the Immuta API key contains a control character (a line break, tab or similar): copy it again without one")
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
		retries = DefaultMaxRetries
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
	return &Client{baseURL: base, apiKey: key, userAgent: ua, http: rc, secretKeys: keySet(cfg.SecretKeys)}, nil
}

func parseBaseURL(raw string) (string, error) {
	if strings.Contains(raw, "@") {
		// Credentials, whatever they hold: never parsed, never echoed.
		return "", errors.New("invalid Immuta URL: it must not contain credentials (an @)")
	}
	shown := raw // holds no credentials: it has no @
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // its text repeats the URL, credentials and all
		}
		return "", fmt.Errorf("invalid Immuta URL %q: %w", shown, err)
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return "", fmt.Errorf("invalid Immuta URL %q: the scheme must be http or https", shown)
	case u.Host == "":
		return "", fmt.Errorf("invalid Immuta URL %q: no host", shown)
	case u.RawQuery != "" || u.Fragment != "":
		return "", fmt.Errorf("invalid Immuta URL %q: it must not have a query or fragment", shown)
	}
	return strings.TrimRight(u.String(), "/"), nil
}

// maxIdleConnsPerHost covers Terraform's default parallelism with room to spare.
const maxIdleConnsPerHost = 32

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
		// Terraform runs up to -parallelism operations (10 by default) at once,
		// all against one host. Keeping that many connections idle spares a
		// TCP and TLS handshake per request: with the default (GOMAXPROCS+1)
		// a plan of 1000 opened some 50 connections.
		tr.MaxIdleConnsPerHost = maxIdleConnsPerHost
		hc = &http.Client{Transport: tr}
	}
	if cfg.RequestTimeout > 0 {
		hc.Timeout = cfg.RequestTimeout
	} else if hc.Timeout == 0 {
		hc.Timeout = DefaultRequestTimeout
	}
	if hc.CheckRedirect == nil {
		// A redirect would turn a POST into a GET; surface it instead.
		hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	}
	return hc, nil
}
