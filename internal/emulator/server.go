// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"time"
)

// Server is an Emulator listening on a real socket.
type Server struct {
	URL       string    // "http://127.0.0.1:PORT" or "https://..."
	Emulator  *Emulator // for Go-level control
	CACertPEM []byte    // the certificate to trust; nil for plain HTTP

	srv *http.Server
}

// Start serves a new Emulator over plain HTTP on 127.0.0.1 at a free port.
func Start(opts Options) (*Server, error) { return Listen("127.0.0.1:0", opts, false) }

// StartTLS serves a new Emulator over HTTPS on 127.0.0.1 at a free port, with a self-signed
// certificate generated now (CACertPEM).
func StartTLS(opts Options) (*Server, error) { return Listen("127.0.0.1:0", opts, true) }

// Listen serves a new Emulator on addr ("host:port"; port 0 picks a free one).
func Listen(addr string, opts Options, useTLS bool) (*Server, error) {
	if _, err := opts.AnswerStyle.resolve(); err != nil {
		return nil, fmt.Errorf("answer style: %w", err)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	s := &Server{Emulator: New(opts)}
	// HTTP/1.1 only, so the drop faults can hijack the connection.
	var protocols http.Protocols
	protocols.SetHTTP1(true)
	s.srv = &http.Server{
		Handler:           s.Emulator,
		ReadHeaderTimeout: 10 * time.Second,
		Protocols:         &protocols,
		ErrorLog:          log.New(io.Discard, "", 0), // dropped connections are expected, not news
	}
	scheme := "http"
	if useTLS {
		cert, certPEM, err := selfSignedCert()
		if err != nil {
			_ = ln.Close()
			return nil, err
		}
		s.CACertPEM = certPEM
		s.srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
		ln = tls.NewListener(ln, s.srv.TLSConfig)
		scheme = "https"
	}
	s.URL = scheme + "://" + ln.Addr().String()
	go func() { _ = s.srv.Serve(ln) }()
	return s, nil
}

// Close stops listening and closes every connection at once; hanging handlers are not waited for.
func (s *Server) Close() { _ = s.srv.Close() }

// Shutdown stops gracefully: it waits for running requests until ctx ends.
func (s *Server) Shutdown(ctx context.Context) error { return s.srv.Shutdown(ctx) }
