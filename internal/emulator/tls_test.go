// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"crypto/tls"
	"crypto/x509"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestStartTLS(t *testing.T) {
	srv, err := StartTLS(Options{APIKey: adminKey})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	if !strings.HasPrefix(srv.URL, "https://127.0.0.1:") || len(srv.CACertPEM) == 0 {
		t.Fatalf("URL %q, CA %d bytes", srv.URL, len(srv.CACertPEM))
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(srv.CACertPEM) {
		t.Fatal("CACertPEM is not a PEM certificate")
	}
	trusting := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	c := &client{t: t, base: srv.URL, key: adminKey, hc: trusting}
	id := c.create(trino())
	if c.status(id) != "enabled" {
		t.Fatal("trino not enabled over TLS")
	}
	// localhost is in the certificate too.
	local := &client{t: t, base: strings.Replace(srv.URL, "127.0.0.1", "localhost", 1), key: adminKey, hc: trusting}
	expectStatus(t, local.do("GET", "/integrations", nil), 200)

	// Drop works over TLS as well (the server speaks HTTP/1.1 only, so it can hijack).
	srv.Emulator.AddFault(FaultRule{Times: 1, Action: FaultAction{Deliver: DropAnswer{}}})
	fresh := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}, DisableKeepAlives: true}}
	dropped := &client{t: t, base: srv.URL, key: adminKey, hc: fresh}
	if _, err := dropped.try("GET", "/integrations", nil); err == nil {
		t.Fatal("drop over TLS: got an answer")
	}

	// A client that does not trust the CA fails the handshake.
	untrusting := &client{t: t, base: srv.URL, key: adminKey, hc: &http.Client{Timeout: 5 * time.Second}}
	if _, err := untrusting.try("GET", "/integrations", nil); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Fatalf("untrusted client: %v", err)
	}

	plain, err := Start(Options{APIKey: adminKey})
	if err != nil {
		t.Fatal(err)
	}
	defer plain.Close()
	if !strings.HasPrefix(plain.URL, "http://127.0.0.1:") || plain.CACertPEM != nil {
		t.Fatalf("plain server: %q %v", plain.URL, plain.CACertPEM)
	}
}
