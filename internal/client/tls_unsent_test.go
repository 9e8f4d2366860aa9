// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package client

import (
	"context"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
)

// A certificate that cannot be verified fails the handshake, before the
// request is written: a create is then known not to have happened (no
// lookup and re-post), and the error says it is about the certificate.
func TestUntrustedCertificateMeansNotSent(t *testing.T) {
	var requests atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		requests.Add(1)
		w.WriteHeader(http.StatusOK)
	}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshake is expected
	srv.StartTLS()
	defer srv.Close()
	c := newTestClient(t, srv.URL)
	_, err := c.CreateIntegration(context.Background(), Payload{Type: "Trino"})
	if err == nil || !IsCertificateError(err) {
		t.Fatalf("err = %v, want a certificate error", err)
	}
	if IsOutcomeUnknown(err) {
		t.Fatalf("a failed handshake left the outcome unknown: %v", err)
	}
	if IsCertificateError(nil) || IsCertificateError(context.Canceled) {
		t.Fatal("IsCertificateError on other errors")
	}
	if n := requests.Load(); n != 0 {
		t.Fatalf("%d requests reached the server", n)
	}
}
