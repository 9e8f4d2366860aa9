// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"bytes"
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/immuta/terraform-provider-immuta/internal/emulator"
)

// The local twin of a tenant, as the guide "Testing your Immuta configuration
// without a tenant" shows it: the emulator seeded with a copy of a tenant's
// GET /integrations answer in Immuta's literal form
// (examples/guides/tenant-twin-integrations.json: secrets and the privileged
// credentials absent, defaults left out, ids as strings and as a number), and
// the import blocks of examples/guides/tenant-twin-adopt.tf. The plan imports
// all four integrations and changes only the three whose write-only secrets
// an imported state cannot hold; the apply sends those secrets to Immuta; the
// next plan is empty.
func TestAccTenantTwin_literalAnswerAdoptedPlansEmpty(t *testing.T) {
	tf, ctx := parallelCLITest(t, 5*time.Minute)
	srv := startEmulatorStyle(t, emulator.AnswerLiteral)
	seed, err := os.ReadFile("../../examples/guides/tenant-twin-integrations.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Emulator.LoadSeed(bytes.NewReader(seed)); err != nil {
		t.Fatalf("the guide's seed: %v", err)
	}
	adopt, err := os.ReadFile("../../examples/guides/tenant-twin-adopt.tf")
	if err != nil {
		t.Fatal(err)
	}
	tf.write(providerConfig(srv) + string(adopt))
	vars := []string{
		"-var", "snowflake_setup_password=setup-Pa55", "-var", "snowflake_system_password=system-Pa55",
		"-var", "databricks_token=dapi-7f3e",
	}

	tf.mustRun(ctx, append([]string{"plan", "-out=adopt.tfplan"}, vars...)...)
	var plan struct {
		ResourceChanges []struct {
			Address string `json:"address"`
			Change  struct {
				Actions   []string        `json:"actions"`
				Importing json.RawMessage `json:"importing"`
			} `json:"change"`
		} `json:"resource_changes"`
	}
	if err := json.Unmarshal([]byte(tf.mustRun(ctx, "show", "-json", "adopt.tfplan")), &plan); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"immuta_integration.snowflake_analytics": "update", "immuta_integration.snowflake_sandbox": "update",
		"immuta_integration.databricks": "update", "immuta_integration.lake": "no-op",
	}
	got := map[string]string{}
	for _, rc := range plan.ResourceChanges {
		if len(rc.Change.Importing) == 0 || string(rc.Change.Importing) == "null" {
			t.Errorf("%s is planned %v without being imported", rc.Address, rc.Change.Actions)
		}
		got[rc.Address] = strings.Join(rc.Change.Actions, ",")
	}
	for address, action := range want {
		if got[address] != action {
			t.Errorf("%s: planned %q, want an import with %q (the whole plan: %v)", address, got[address], action, got)
		}
	}
	if len(got) != len(want) {
		t.Errorf("planned %v, want %v", got, want)
	}
	if t.Failed() {
		t.FailNow()
	}

	// Ephemeral variables set for the plan are given again to apply it.
	tf.mustRun(ctx, append(append([]string{"apply", "-auto-approve"}, vars...), "adopt.tfplan")...)
	for id, secrets := range map[string]map[string]any{
		"12": {"password": "setup-Pa55", "username": "IMMUTA_SETUP", "role": "ACCOUNTADMIN"},
		"15": {"password": "system-Pa55"},
		"21": {"token": "dapi-7f3e"},
	} {
		rec, _ := srv.Emulator.Integration(id)
		for k, v := range secrets {
			if rec.Config[k] != v {
				t.Errorf("integration %s holds %s = %v after the apply, want the configured %v", id, k, rec.Config[k], v)
			}
		}
	}
	if n := len(srv.Emulator.Integrations()); n != 4 {
		t.Errorf("the emulator holds %d integrations after the adoption, want the 4 seeded", n)
	}

	// Exit code 0: no changes (2 would mean changes).
	out := tf.mustRun(ctx, append([]string{"plan", "-detailed-exitcode"}, vars...)...)
	if !strings.Contains(out, "No changes.") {
		t.Errorf("the plan after the adoption is not empty:\n%s", out)
	}
	if ids := recordIDs(srv); !slices.Equal(ids, []string{"12", "15", "21", "22"}) {
		t.Errorf("integrations %v after the adoption, want the seeded 12, 15, 21, 22 (none replaced)", ids)
	}
}

func recordIDs(srv *emulator.Server) []string {
	var ids []string
	for _, rec := range srv.Emulator.Integrations() {
		ids = append(ids, rec.ID)
	}
	return ids
}
