// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package client

import (
	"context"
	"encoding/json"
	"mime"
	"net/http"
	"strings"
)

// The script endpoints render SQL for an admin to run; they change nothing,
// so, although they are POSTs, they are retried like GETs.

// CreateScript returns the setup script for a payload with autoBootstrap
// false (POST /integrations/scripts/create).
func (c *Client) CreateScript(ctx context.Context, p Payload) (string, error) {
	return c.script(ctx, integrationsPath+"/scripts/create", p)
}

// InitialCreateScript returns the first of the two setup scripts of Azure
// Synapse and Redshift (POST /integrations/scripts/initial-create).
func (c *Client) InitialCreateScript(ctx context.Context, p Payload) (string, error) {
	return c.script(ctx, integrationsPath+"/scripts/initial-create", p)
}

// EditScript returns the script that applies an edit to an existing
// integration (POST /integrations/{id}/scripts/edit).
func (c *Client) EditScript(ctx context.Context, id string, p Payload) (string, error) {
	if id == "" {
		return "", errNoID
	}
	return c.script(ctx, integrationPath(id, "/scripts/edit"), p)
}

// DeleteScript returns the script that removes Immuta's objects from the
// platform (POST /integrations/{id}/scripts/delete); nil sends no body.
func (c *Client) DeleteScript(ctx context.Context, id string, req *DeleteRequest) (string, error) {
	if id == "" {
		return "", errNoID
	}
	var body any
	if req != nil {
		body = req
	}
	return c.script(ctx, integrationPath(id, "/scripts/delete"), body)
}

// CleanupScript returns the script that cleans up after a failed create
// (POST /integrations/scripts/cleanup).
func (c *Client) CleanupScript(ctx context.Context, p Payload) (string, error) {
	return c.script(ctx, integrationsPath+"/scripts/cleanup", p)
}

// PostCleanupScript returns the second clean-up script
// (POST /integrations/scripts/post-cleanup).
func (c *Client) PostCleanupScript(ctx context.Context, p Payload) (string, error) {
	return c.script(ctx, integrationsPath+"/scripts/post-cleanup", p)
}

func (c *Client) script(ctx context.Context, path string, body any) (string, error) {
	resp, err := c.do(ctx, request{
		method: http.MethodPost, path: path, body: body, retrySafe: true,
		accept: "text/plain, application/json;q=0.9",
	})
	if err != nil {
		return "", err
	}
	return decodeScript(resp.header.Get("Content-Type"), resp.body), nil
}

// decodeScript accepts the script as text/plain, or as a JSON string; text
// labelled JSON that is no JSON string is taken as it is.
func decodeScript(contentType string, body []byte) string {
	mt, _, _ := mime.ParseMediaType(contentType)
	if mt != "application/json" && !strings.HasSuffix(mt, "+json") {
		return string(body)
	}
	trimmed := strings.TrimSpace(string(body))
	if trimmed == "" || trimmed == "null" {
		return ""
	}
	var s string
	if err := json.Unmarshal([]byte(trimmed), &s); err != nil {
		// Mislabelled plain text: the text is still the script.
		return string(body)
	}
	return s
}
