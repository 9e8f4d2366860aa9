// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/immuta/terraform-provider-immuta/internal/emulator"
)

const (
	loadCount       = 200
	loadParallelism = 20
	// Every loadEvery429-th API request is answered 429 (without Retry-After:
	// the client backs off 250-500ms), and every loadEvery409-th PUT or DELETE
	// 409 busy.
	loadEvery429 = 7
	loadEvery409 = 5
)

// TestAccLoad applies 200 integrations with -parallelism=20 while the
// emulator answers a share of the requests 429 and 409 busy, then updates
// and destroys them: everything converges, with no duplicate and nothing
// left. terraform-plugin-testing cannot pass -parallelism, so the test runs
// the terraform binary against the provider built from this module.
func TestAccLoad(t *testing.T) {
	accPreCheck(t)
	t.Parallel()
	began := time.Now()
	providerDir := buildProvider(t)
	built := time.Since(began)

	srv := startEmulator(t)
	srv.Emulator.AddFault(emulator.FaultRule{Every: loadEvery429, Action: emulator.FaultAction{Fault: emulator.Respond{Status: 429}}})
	for _, method := range []string{"PUT", "DELETE"} {
		srv.Emulator.AddFault(emulator.FaultRule{Method: method, Path: "/integrations/*", Every: loadEvery409, Action: emulator.FaultAction{Fault: emulator.Respond{Status: 409, Message: "Unable to edit integration in current state migrating."}}})
	}
	tf := newTerraformCLI(t, providerDir)
	tf.write(fmt.Sprintf(`
provider "immuta" {
  url     = %q
  api_key = %q
}

variable "warehouse" {
  type = string
}

resource "immuta_integration" "load" {
  count = %d
  snowflake = {
    host                = "acme-${count.index}.us-east-1.snowflakecomputing.com"
    warehouse           = var.warehouse
    database            = "IMMUTA_DB"
    authentication_type = "userPassword"
    username            = "IMMUTA_SYSTEM"
    password            = "load-pw-${count.index}"
  }
}
`, srv.URL, testAPIKey, loadCount))

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	parallelism := fmt.Sprintf("-parallelism=%d", loadParallelism)
	var timings []string
	phase := func(name string, args ...string) string {
		t.Helper()
		srv.Emulator.ClearRequests()
		start := time.Now()
		out := tf.mustRun(ctx, args...)
		took := time.Since(start).Round(10 * time.Millisecond)
		n429, n409 := 0, 0
		for _, r := range srv.Emulator.Requests() {
			switch r.Status {
			case 429:
				n429++
			case 409:
				n409++
			}
		}
		timings = append(timings, fmt.Sprintf("%s %s (%d requests, %d answered 429, %d answered 409)",
			name, took, len(srv.Emulator.Requests()), n429, n409))
		return out
	}
	emptyPlan := func(name string) {
		t.Helper()
		out := phase(name, "plan", "-detailed-exitcode", "-var", "warehouse=OTHER_WH", parallelism)
		if !strings.Contains(out, "No changes.") {
			t.Fatalf("%s: the plan is not empty:\n%s", name, out)
		}
	}

	phase("apply (create)", "apply", "-auto-approve", "-var", "warehouse=COMPUTE_WH", parallelism)
	checkLoad(t, srv, loadCount, "COMPUTE_WH")
	phase("apply (update)", "apply", "-auto-approve", "-var", "warehouse=OTHER_WH", parallelism)
	checkLoad(t, srv, loadCount, "OTHER_WH")
	emptyPlan("plan")
	out := phase("destroy", "destroy", "-auto-approve", "-var", "warehouse=OTHER_WH", parallelism)
	if n := len(srv.Emulator.Integrations()); n != 0 {
		t.Fatalf("%d integrations left after destroy:\n%s", n, out)
	}
	t.Logf("load: %d integrations, -parallelism=%d, every %dth request 429, every %dth PUT/DELETE 409; provider built in %s; %s; total %s",
		loadCount, loadParallelism, loadEvery429, loadEvery409, built.Round(10*time.Millisecond),
		strings.Join(timings, "; "), time.Since(began).Round(10*time.Millisecond))
}

// checkLoad asserts that Immuta holds exactly n integrations, all enabled,
// on distinct hosts, with the warehouse applied.
func checkLoad(t *testing.T, srv *emulator.Server, n int, warehouse string) {
	t.Helper()
	recs := srv.Emulator.Integrations()
	if len(recs) != n {
		t.Fatalf("Immuta holds %d integrations, want %d", len(recs), n)
	}
	hosts := map[any]bool{}
	for _, rec := range recs {
		if rec.Status != "enabled" || rec.Config["warehouse"] != warehouse {
			t.Fatalf("integration %s is %s with warehouse %v, want enabled with %s", rec.ID, rec.Status, rec.Config["warehouse"], warehouse)
		}
		hosts[rec.Config["host"]] = true
	}
	if len(hosts) != n {
		t.Fatalf("%d integrations on %d hosts: a duplicate", n, len(hosts))
	}
}
