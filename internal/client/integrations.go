// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package client

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
)

const integrationsPath = "/integrations"

func integrationPath(id string, suffix string) string {
	return integrationsPath + "/" + url.PathEscape(id) + suffix
}

// errNoID guards against an empty id, which would address the collection.
var errNoID = errors.New("integration id is empty")

// ListIntegrations returns every integration (GET /integrations).
func (c *Client) ListIntegrations(ctx context.Context) ([]Integration, error) {
	var out []Integration
	err := c.doJSON(ctx, request{method: http.MethodGet, path: integrationsPath, retrySafe: true}, &out)
	return out, err
}

// CheckAccess makes one cheap authenticated request, so that a wrong url or
// API key is reported once, when the provider is configured, rather than
// once per resource (or, in a plan of creates only, not at all). It asks for
// integration 0, which Immuta never has: its own not-found answer (or any
// other answer in its error envelope but 401, 403 and 404) proves that the
// url reaches Immuta's Integrations API and that the key is accepted. A 404
// of another kind is a url with a wrong path.
func (c *Client) CheckAccess(ctx context.Context) error {
	_, err := c.GetIntegration(ctx, "0")
	var apiErr *APIError
	switch {
	case err == nil || IsNotFound(err):
		return nil
	case errors.As(err, &apiErr) && apiErr.FromImmuta:
		switch apiErr.StatusCode {
		case http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound:
			return err
		}
		return nil
	}
	return err
}

// BaseURL is the tenant's root URL the client calls.
func (c *Client) BaseURL() string { return c.baseURL }

// GetIntegration returns one integration; a missing one is an *APIError for
// which IsNotFound is true.
func (c *Client) GetIntegration(ctx context.Context, id string) (*Integration, error) {
	if id == "" {
		return nil, errNoID
	}
	var out *Integration
	path := integrationPath(id, "")
	err := c.doJSON(ctx, request{method: http.MethodGet, path: path, retrySafe: true}, &out)
	if err == nil && out == nil {
		// An empty or null answer: callers rely on an integration or an error.
		return nil, fmt.Errorf("GET %s: Immuta's answer held no integration", path)
	}
	return out, err
}

// CreateIntegration posts a payload (POST /integrations). The answer carries
// the new id with status "creating"; wait with WaitHealthy. A POST has side
// effects, so it is not retried once it may have reached the server: check
// IsOutcomeUnknown on error.
func (c *Client) CreateIntegration(ctx context.Context, p Payload) (*Integration, error) {
	var out *Integration
	err := c.doJSON(ctx, request{method: http.MethodPost, path: integrationsPath, body: p}, &out)
	return out, err
}

// UpdateIntegration replaces the configuration with a full payload (PUT).
func (c *Client) UpdateIntegration(ctx context.Context, id string, p Payload) (*Integration, error) {
	if id == "" {
		return nil, errNoID
	}
	var out *Integration
	// PUT is a full replacement, so sending it twice does no harm.
	err := c.doJSON(ctx, request{method: http.MethodPut, path: integrationPath(id, ""), body: p, retrySafe: true}, &out)
	return acceptedAnswer(out, err)
}

// acceptedAnswer: a 2xx answer to a PUT or DELETE says Immuta took the
// request; when its body cannot be read (a proxy's page), the request still
// went through, and the caller follows it through the status anyway.
func acceptedAnswer(out *Integration, err error) (*Integration, error) {
	var decodeErr *DecodeError
	if errors.As(err, &decodeErr) {
		return nil, nil
	}
	return out, err
}

// DeleteIntegration disables and removes an integration. req carries the
// privileged credentials where IMMUTA_API.md (Deleting) requires them; nil sends no body.
func (c *Client) DeleteIntegration(ctx context.Context, id string, req *DeleteRequest) (*Integration, error) {
	if id == "" {
		return nil, errNoID
	}
	r := request{method: http.MethodDelete, path: integrationPath(id, ""), retrySafe: true}
	if req != nil {
		r.body = req
	}
	var out *Integration
	err := c.doJSON(ctx, r, &out)
	return acceptedAnswer(out, err)
}

// GetIntegrationStatus returns the status of one integration.
func (c *Client) GetIntegrationStatus(ctx context.Context, id string) (*IntegrationStatus, error) {
	if id == "" {
		return nil, errNoID
	}
	var out *IntegrationStatus
	err := c.doJSON(ctx, request{method: http.MethodGet, path: integrationPath(id, "/status"), retrySafe: true}, &out)
	return out, err
}

// RegenerateAPIKey rotates the API key of a Trino integration and returns the
// integration with the new key in its config. Not retried once sent: a second
// rotation would invalidate the key the first one returned.
func (c *Client) RegenerateAPIKey(ctx context.Context, id string) (*Integration, error) {
	if id == "" {
		return nil, errNoID
	}
	var out *Integration
	err := c.doJSON(ctx, request{method: http.MethodPost, path: integrationPath(id, "/regenerate")}, &out)
	return out, err
}
