// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

// Command immuta-emulator serves the Immuta Integrations API emulator until SIGINT or SIGTERM.
//
//	immuta-emulator --listen 127.0.0.1:8089 --api-key KEY [--transition-delay 2s]
//	    [--answer-style echo|literal] [--non-admin-api-key K] [--tls --ca-out ca.pem]
//	    [--seed integrations.json]
//	immuta-emulator --version
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
	"time"

	"github.com/immuta/terraform-provider-immuta/internal/emulator"
)

// version is set by goreleaser through -ldflags "-X main.version=..."; without it, the module version
// `go install ...@version` records is used.
var version string

// buildVersion is the version --version prints.
func buildVersion() string {
	if version != "" {
		return version
	}
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" && info.Main.Version != "(devel)" {
		return info.Main.Version
	}
	return "dev"
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}

// run is the whole command; it returns the exit status (2 for usage errors).
func run(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	fs := flag.NewFlagSet("immuta-emulator", flag.ContinueOnError)
	fs.SetOutput(stderr)
	listen := fs.String("listen", "127.0.0.1:8089", "address to listen on (port 0 picks a free one)")
	apiKey := fs.String("api-key", "", "API key with APPLICATION_ADMIN (default $IMMUTA_API_KEY)")
	nonAdmin := fs.String("non-admin-api-key", "", "optional key that authenticates but gets 403")
	delay := fs.Duration("transition-delay", 2*time.Second, "how long creating/editing/deleting last")
	useTLS := fs.Bool("tls", false, "serve HTTPS with a self-signed certificate")
	caOut := fs.String("ca-out", "", "with --tls: write the certificate to trust to this file")
	seed := fs.String("seed", "", "integrations to start with: a tenant's GET /integrations answer (then the answer style\n"+
		"defaults to literal), or a JSON array of POST payloads")
	answerStyle := fs.String("answer-style", string(emulator.AnswerEcho),
		"how answers render integrations: echo (everything, secrets redacted) or literal (IMMUTA_API.md)")
	showVersion := fs.Bool("version", false, "print the version and exit")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *showVersion {
		fmt.Fprintln(stdout, "immuta-emulator", buildVersion())
		return 0
	}
	if *apiKey == "" {
		*apiKey = getenv("IMMUTA_API_KEY")
	}
	if *apiKey == "" {
		fmt.Fprintln(stderr, "immuta-emulator: --api-key (or IMMUTA_API_KEY) is required")
		return 2
	}
	if *caOut != "" && !*useTLS {
		fmt.Fprintln(stderr, "immuta-emulator: --ca-out needs --tls")
		return 2
	}
	style, err := emulator.ParseAnswerStyle(*answerStyle)
	if err != nil {
		fmt.Fprintln(stderr, "immuta-emulator: --answer-style:", err)
		return 2
	}
	var seedJSON []byte
	if *seed != "" {
		if seedJSON, err = os.ReadFile(*seed); err != nil {
			fmt.Fprintln(stderr, "immuta-emulator:", err)
			return 1
		}
		form, err := emulator.DetectSeedForm(seedJSON)
		if err != nil {
			fmt.Fprintln(stderr, "immuta-emulator:", *seed+":", err)
			return 1
		}
		// A copy of a real tenant's answer is answered as literally as a tenant would, unless told otherwise.
		if form == emulator.SeedAnswer && !flagGiven(fs, "answer-style") {
			style = emulator.AnswerLiteral
		}
	}

	srv, err := emulator.Listen(*listen, emulator.Options{
		APIKey: *apiKey, NonAdminAPIKey: *nonAdmin, TransitionDelay: *delay, AnswerStyle: style,
	}, *useTLS)
	if err != nil {
		fmt.Fprintln(stderr, "immuta-emulator:", err)
		return 1
	}
	defer srv.Close()
	if err := setUp(srv, seedJSON, *caOut); err != nil {
		fmt.Fprintln(stderr, "immuta-emulator:", err)
		return 1
	}
	fmt.Fprintln(stdout, "immuta-emulator listening on", srv.URL)

	<-ctx.Done()
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		fmt.Fprintln(stderr, "immuta-emulator:", err)
	}
	return 0
}

// flagGiven reports whether the command line set the flag name.
func flagGiven(fs *flag.FlagSet, name string) bool {
	given := false
	fs.Visit(func(f *flag.Flag) { given = given || f.Name == name })
	return given
}

// setUp loads the seed and writes the CA certificate, before the URL is announced.
func setUp(srv *emulator.Server, seed []byte, caOut string) error {
	if seed != nil {
		if err := srv.Emulator.LoadSeed(bytes.NewReader(seed)); err != nil {
			return err
		}
	}
	if caOut != "" {
		if err := os.WriteFile(caOut, srv.CACertPEM, 0o644); err != nil {
			return err
		}
	}
	return nil
}
