// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/immuta/terraform-provider-immuta/internal/emulator"
	"github.com/immuta/terraform-provider-immuta/internal/serve"
)

const testAPIKey = "acc-test-api-key-7d1f3c9e"

// testProviders runs the provider in-process; terraform-plugin-testing
// drives it with the real terraform binary.
var testProviders = map[string]func() (tfprotov6.ProviderServer, error){
	"immuta": serve.Protocol6WithError(New("test")()),
}

// accPreCheck makes a missing terraform binary a failure, not a skip, and
// points the tests at the registry host of the CLI they run (Terraform or
// OpenTofu).
func accPreCheck(t *testing.T) {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Fatal("acceptance tests need TF_ACC=1 (make test sets it)")
	}
	testCLI(t)
}

// answerStyles are the two ways the emulator answers: echoing everything it
// was sent, and as literally as Immuta's documentation allows (credentials,
// secrets and defaults left out, deleted records kept).
var answerStyles = []emulator.AnswerStyle{emulator.AnswerEcho, emulator.AnswerLiteral}

// startEmulator starts an Immuta emulator for one test, with no transition
// delay, answering in the echo style.
func startEmulator(t *testing.T) *emulator.Server {
	t.Helper()
	return startEmulatorStyle(t, emulator.AnswerEcho)
}

// startEmulatorStyle starts an emulator answering in the given style.
func startEmulatorStyle(t *testing.T, style emulator.AnswerStyle) *emulator.Server {
	t.Helper()
	srv, err := emulator.Start(emulator.Options{APIKey: testAPIKey, AnswerStyle: style})
	if err != nil {
		t.Fatalf("starting the emulator: %v", err)
	}
	t.Cleanup(srv.Close)
	return srv
}

// providerConfig points the provider at the emulator, with fast retries.
func providerConfig(srv *emulator.Server) string {
	return fmt.Sprintf(`
provider "immuta" {
  url             = %q
  api_key         = %q
  request_timeout = "10s"
}
`, srv.URL, testAPIKey)
}

// idRecorder remembers a resource's ID across test steps.
type idRecorder struct {
	mu sync.Mutex
	id string
}

func (r *idRecorder) record(address string) func(*terraform.State) error {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[address]
		if !ok {
			return fmt.Errorf("%s not in state", address)
		}
		r.mu.Lock()
		defer r.mu.Unlock()
		r.id = rs.Primary.ID
		if r.id == "" {
			return fmt.Errorf("%s has no id", address)
		}
		return nil
	}
}

func (r *idRecorder) get() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.id
}

// requestsMatching counts the emulator's logged API requests with that
// method and path prefix.
func requestsMatching(srv *emulator.Server, method, pathPrefix string) int {
	n := 0
	for _, r := range srv.Emulator.Requests() {
		if r.Method == method && strings.HasPrefix(r.Path, pathPrefix) {
			n++
		}
	}
	return n
}

// liveIntegrations are the emulator's integrations that are not deleted
// (the literal style keeps deleted records).
func liveIntegrations(srv *emulator.Server) []emulator.Record {
	var out []emulator.Record
	for _, rec := range srv.Emulator.Integrations() {
		if rec.Status != "deleted" {
			out = append(out, rec)
		}
	}
	return out
}

// checkNothingLeft is a CheckDestroy: the emulator holds no integration.
func checkNothingLeft(srv *emulator.Server) func(*terraform.State) error {
	return func(*terraform.State) error {
		if left := liveIntegrations(srv); len(left) != 0 {
			return fmt.Errorf("%d integration(s) left in Immuta after destroy: first is %s", len(left), left[0].ID)
		}
		return nil
	}
}

// anyOrder is a pattern matching text where a and b both appear, in either
// order: for errors reported as separate diagnostics, which Terraform 1.11
// prints in the provider's order and Terraform 1.16 sorts by source
// position. It is meant for (?s) patterns, where . matches newlines.
func anyOrder(a, b string) string {
	return "(?:" + a + ".*" + b + "|" + b + ".*" + a + ")"
}
