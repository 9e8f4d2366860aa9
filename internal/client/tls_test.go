// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package client

import (
	"context"
	"encoding/pem"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

func TestTLSVerification(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		jsonAnswer(200, `[]`)(w, r)
	}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshake is expected
	srv.StartTLS()
	t.Cleanup(srv.Close)
	caPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	ctx := context.Background()

	// Refused without the CA, at once: a certificate error is not retried.
	c := newTestClient(t, srv.URL, func(cfg *Config) { cfg.RetryWaitMin, cfg.RetryWaitMax = 0, 0 })
	_, err := c.ListIntegrations(ctx)
	if err == nil || strings.Contains(err.Error(), "giving up") {
		t.Fatalf("untrusted certificate: err = %v, want a single failed attempt", err)
	}
	if hits.Load() != 0 {
		t.Errorf("%d requests reached the server", hits.Load())
	}

	c = newTestClient(t, srv.URL, func(cfg *Config) { cfg.CACertPEM = caPEM })
	if _, err := c.ListIntegrations(ctx); err != nil {
		t.Fatalf("with CACertPEM: %v", err)
	}
	c = newTestClient(t, srv.URL, func(cfg *Config) { cfg.Insecure = true })
	if _, err := c.ListIntegrations(ctx); err != nil {
		t.Fatalf("with Insecure: %v", err)
	}
	if hits.Load() != 2 {
		t.Errorf("%d requests, want 2", hits.Load())
	}
}

func TestPlainHTTPServerWithHTTPSURLNotRetried(t *testing.T) {
	r := newRecorder(t, jsonAnswer(200, `[]`))
	c := newTestClient(t, "https://"+r.Listener.Addr().String())
	_, err := c.ListIntegrations(context.Background())
	if err == nil || strings.Contains(err.Error(), "giving up") || !strings.Contains(err.Error(), "HTTP response to HTTPS client") {
		t.Fatalf("err = %v, want a single failed attempt", err)
	}
}
