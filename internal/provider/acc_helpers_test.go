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

// accPreCheck makes a missing terraform binary a failure, not a skip.
func accPreCheck(t *testing.T) {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Fatal("acceptance tests need TF_ACC=1 (make test sets it)")
	}
}

// startEmulator starts an Immuta emulator for one test, with no transition delay.
func startEmulator(t *testing.T) *emulator.Server {
	t.Helper()
	srv, err := emulator.Start(emulator.Options{APIKey: testAPIKey})
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

// checkNothingLeft is a CheckDestroy: the emulator holds no integration.
func checkNothingLeft(srv *emulator.Server) func(*terraform.State) error {
	return func(*terraform.State) error {
		if left := srv.Emulator.Integrations(); len(left) != 0 {
			return fmt.Errorf("%d integration(s) left in Immuta after destroy: first is %s", len(left), left[0].ID)
		}
		return nil
	}
}
