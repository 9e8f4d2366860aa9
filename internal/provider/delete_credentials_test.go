// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/immuta/terraform-provider-immuta/internal/emulator"
)

// Two auto-bootstrapped Snowflake integrations whose privileged passwords
// differ and are write-only: the state never holds them, and Immuta needs
// each one again to delete its integration.
var deleteCredsHosts = []struct{ name, host, password string }{
	{"alpha", "alpha-7f3e.us-east-1.snowflakecomputing.com", "alpha-Pa55word-91c2e7"},
	{"beta", "beta-2b8d.us-east-1.snowflakecomputing.com", "beta-Pa55word-4d60fa"},
}

// deleteCredsConfig writes both integrations, their passwords from ephemeral
// variables, and delete_credentials for the hosts in withCreds (given with
// the host in upper case: hosts compare as Immuta compares them).
func deleteCredsConfig(srv *emulator.Server, database string, withCreds ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "provider \"immuta\" {\n  url = %q\n  api_key = %q\n  request_timeout = \"10s\"\n  delete_credentials = {\n", srv.URL, testAPIKey)
	for _, h := range deleteCredsHosts {
		for _, w := range withCreds {
			if w == h.name {
				fmt.Fprintf(&b, "    %q = { password = var.%s_password }\n", strings.ToUpper(h.host), h.name)
			}
		}
	}
	b.WriteString("  }\n}\n")
	for _, h := range deleteCredsHosts {
		fmt.Fprintf(&b, `
variable "%[1]s_password" {
  type      = string
  ephemeral = true
  sensitive = true
}

resource "immuta_integration" "%[1]s" {
  auto_bootstrap = true
  snowflake = {
    host                = %[2]q
    warehouse           = "COMPUTE_WH"
    database            = %[3]q
    role                = "ACCOUNTADMIN"
    authentication_type = "userPassword"
    username            = "IMMUTA_SETUP"
    password_wo         = var.%[1]s_password
    password_wo_version = 1
  }
}
`, h.name, h.host, database)
	}
	return b.String()
}

// TestAccDeleteCredentials_perHostInOneRun: two auto-bootstrapped
// integrations with different write-only privileged passwords are replaced
// in one apply (from a saved plan) and destroyed in one destroy, the
// passwords coming from ephemeral variables through the provider's
// delete_credentials; neither password is ever in the state or a plan file.
// Missing credentials are named at plan time for a destroy, a -replace and a
// tainted resource.
func TestAccDeleteCredentials_perHostInOneRun(t *testing.T) {
	env := []string{}
	for _, h := range deleteCredsHosts {
		env = append(env, fmt.Sprintf("TF_VAR_%s_password=%s", h.name, h.password))
	}
	tf, ctx := parallelCLITest(t, 5*time.Minute, env...)
	srv := startEmulatorStyle(t, emulator.AnswerLiteral)
	var outputs []string
	run := func(args ...string) string {
		t.Helper()
		out := tf.mustRun(ctx, args...)
		outputs = append(outputs, out)
		return out
	}
	live := func() map[string]string { // host → id of the integrations not deleted
		out := map[string]string{}
		for _, rec := range srv.Emulator.Integrations() {
			if rec.Status != "deleted" {
				out[fmt.Sprint(rec.Config["host"])] = rec.ID
			}
		}
		return out
	}

	tf.write(deleteCredsConfig(srv, "IMMUTA", "alpha", "beta"))
	run("apply", "-auto-approve")
	first := live()
	if len(first) != 2 {
		t.Fatalf("after apply Immuta has %v, want the two integrations", first)
	}

	// Without beta's credentials, every plan that deletes beta says exactly
	// what to set, and no plan warning speaks as if something had run.
	tf.write(deleteCredsConfig(srv, "IMMUTA", "alpha"))
	wantWarning := func(out, what string) {
		t.Helper()
		beta := deleteCredsHosts[1].host
		for _, want := range []string{
			"Warning: Privileged credentials needed to delete the integration",
			what, beta, "password_wo is write-only", `"password" = ...`, "IMMUTA_DELETE_PASSWORD",
		} {
			if !strings.Contains(strings.Join(strings.Fields(out), " "), strings.Join(strings.Fields(want), " ")) {
				t.Errorf("the plan lacks %q:\n%s", want, out)
			}
		}
		for _, banned := range []string{"run the destroy again", "Nothing was deleted", deleteCredsHosts[0].host + " (id"} {
			if strings.Contains(strings.Join(strings.Fields(out), " "), banned) {
				t.Errorf("the plan says %q:\n%s", banned, out)
			}
		}
	}
	wantWarning(run("plan", "-destroy"), "This plan deletes")
	tf.write(strings.Split(deleteCredsConfig(srv, "IMMUTA", "alpha"), "\nvariable \"beta_password\"")[0]) // beta removed from the configuration
	wantWarning(run("plan"), "This plan deletes")
	tf.write(deleteCredsConfig(srv, "IMMUTA", "alpha"))
	tf.write(deleteCredsConfig(srv, "IMMUTA_V2", "alpha")) // database cannot be edited: both are replaced
	wantWarning(run("plan"), "This plan replaces, deleting first,")
	tf.write(deleteCredsConfig(srv, "IMMUTA", "alpha"))
	run("taint", "immuta_integration.beta")
	wantWarning(run("plan"), "where Immuta already has")
	run("untaint", "immuta_integration.beta")
	// Terraform does not show a provider's warnings for -replace (it plans
	// the replacement a second time and keeps only that planning's errors):
	// the apply stops at the delete, before changing anything, and says what
	// to set.
	out, err := tf.run(ctx, "apply", "-auto-approve", "-replace=immuta_integration.beta")
	if err == nil || !strings.Contains(out, "Error: Privileged credentials needed to delete the integration") ||
		!strings.Contains(strings.Join(strings.Fields(out), " "), "Nothing was deleted: the integration is unchanged in Immuta and stays in Terraform's state") {
		t.Fatalf("apply -replace without beta's credentials: %v\n%s", err, out)
	}
	outputs = append(outputs, out)
	if now := live(); len(now) != 2 || now[deleteCredsHosts[1].host] != first[deleteCredsHosts[1].host] {
		t.Fatalf("after the refused replacement Immuta has %v, want %v unchanged", now, first)
	}

	// A change that forces replacement of both, planned to a file and applied
	// from it: each delete gets its own password.
	tf.write(deleteCredsConfig(srv, "IMMUTA_V2", "alpha", "beta"))
	plan := run("plan", "-out=replace.tfplan")
	if !strings.Contains(plan, "2 to add, 0 to change, 2 to destroy") || strings.Contains(plan, "Privileged credentials needed") {
		t.Fatalf("the replacement plan:\n%s", plan)
	}
	run("apply", "replace.tfplan")
	second := live()
	if len(second) != 2 {
		t.Fatalf("after the replacement Immuta has %v, want two live integrations", second)
	}
	for host, id := range first {
		if second[host] == id {
			t.Errorf("the integration on %s was not replaced (id %s)", host, id)
		}
	}
	for _, rec := range srv.Emulator.Integrations() {
		if rec.Status != "deleted" && rec.Config["database"] != "IMMUTA_V2" {
			t.Errorf("integration %s has database %v after the replacement", rec.ID, rec.Config["database"])
		}
	}

	// Nothing stored anywhere: the state and the plan file (a zip archive,
	// searched entry by entry) hold neither password.
	files := map[string]string{"terraform.tfstate": readFile(t, filepath.Join(tf.dir, "terraform.tfstate"))}
	for name, text := range zipEntries(t, filepath.Join(tf.dir, "replace.tfplan")) {
		files["replace.tfplan:"+name] = text
	}
	if len(files) < 3 {
		t.Fatalf("the plan file has no entries to search: %v", files)
	}
	for _, h := range deleteCredsHosts {
		for name, text := range files {
			if strings.Contains(text, h.password) {
				t.Errorf("%s holds %s's password", name, h.name)
			}
		}
		if !strings.Contains(files["terraform.tfstate"], h.host) {
			t.Fatalf("the state does not hold %s's host: the search above searched the wrong file", h.name)
		}
	}

	// delete_credentials comes before IMMUTA_DELETE_*: a wrong password in
	// the variable changes nothing.
	withEnv := *tf
	withEnv.env = append(append([]string{}, tf.env...), "IMMUTA_DELETE_PASSWORD=wrong-password")
	outputs = append(outputs, withEnv.mustRun(ctx, "destroy", "-auto-approve"))
	if left := live(); len(left) != 0 {
		t.Fatalf("after one destroy Immuta still has %v", left)
	}
	for i, out := range outputs {
		for _, h := range deleteCredsHosts {
			if strings.Contains(out, h.password) {
				t.Errorf("terraform output %d shows %s's password", i+1, h.name)
			}
		}
	}
	deletes := 0
	for _, r := range srv.Emulator.Requests() {
		if r.Method == "DELETE" {
			deletes++
			if r.Status >= 300 {
				t.Errorf("DELETE %s answered %d: %s", r.Path, r.Status, r.Body)
			}
		}
	}
	if deletes != 4 {
		t.Errorf("%d DELETE requests, want 4 (two replaced, two destroyed)", deletes)
	}
}

// TestAccDeleteCredentials_importedIntegration: an imported auto-bootstrapped
// integration's state holds none of its privileged credentials; the destroy
// plan says so (not that they were write-only) and names every one to set,
// the non-secret ones included, and a destroy with them all in
// delete_credentials deletes it.
func TestAccDeleteCredentials_importedIntegration(t *testing.T) {
	tf, ctx := parallelCLITest(t, 3*time.Minute)
	srv := startEmulatorStyle(t, emulator.AnswerLiteral)
	const host = "imported-4a1e.us-east-1.snowflakecomputing.com"
	resourceBlock := fmt.Sprintf(`
resource "immuta_integration" "sf" {
  auto_bootstrap = true
  snowflake = {
    host                = %q
    warehouse           = "COMPUTE_WH"
    database            = "IMMUTA"
    role                = "ACCOUNTADMIN"
    authentication_type = "userPassword"
    username            = "IMMUTA_SETUP"
    password            = "imported-Pa55-7c1d"
  }
}
`, host)
	providerWith := func(creds string) string {
		return fmt.Sprintf("provider \"immuta\" {\n  url = %q\n  api_key = %q\n%s}\n", srv.URL, testAPIKey, creds)
	}
	tf.write(providerWith("") + resourceBlock)
	tf.mustRun(ctx, "apply", "-auto-approve")
	id := srv.Emulator.Integrations()[0].ID
	tf.mustRun(ctx, "state", "rm", "immuta_integration.sf")
	tf.mustRun(ctx, "import", "immuta_integration.sf", id)

	out := tf.mustRun(ctx, "plan", "-destroy")
	for _, want := range []string{
		"Warning: Privileged credentials needed to delete the integration",
		"an imported integration's cannot be read from Immuta",
		`"authentication_type" = ...`, `"role" = ...`, "IMMUTA_DELETE_AUTHENTICATION_TYPE",
		// which secrets follow depends on the authentication type, unknown here
		"Each authentication type also needs its own credentials", "userPassword: username, password",
	} {
		if !shows(out, want) {
			t.Errorf("the destroy plan of an imported integration lacks %q:\n%s", want, out)
		}
	}
	if shows(out, "is write-only") || shows(out, "are write-only") {
		t.Errorf("the destroy plan of an imported integration speaks of write-only values:\n%s", out)
	}

	tf.write(providerWith(fmt.Sprintf(`  delete_credentials = {
    %q = {
      authentication_type = "userPassword"
      username            = "IMMUTA_SETUP"
      password            = "imported-Pa55-7c1d"
      role                = "ACCOUNTADMIN"
    }
  }
`, host)) + resourceBlock)
	if out := tf.mustRun(ctx, "destroy", "-auto-approve"); strings.Contains(out, "Privileged credentials needed") {
		t.Fatalf("the destroy with every credential given still warns:\n%s", out)
	}
	if rec, _ := srv.Emulator.Integration(id); rec.Status != "deleted" {
		t.Fatalf("integration %s is %q after the destroy, want deleted", id, rec.Status)
	}
}

// deleteBodies returns the logged bodies of DELETE requests.
func deleteBodies(srv *emulator.Server) []string {
	var out []string
	for _, r := range srv.Emulator.Requests() {
		if r.Method == "DELETE" {
			out = append(out, strings.TrimSpace(string(r.Body)))
		}
	}
	return out
}

func TestAccIntegration_deleteCredentials(t *testing.T) {
	t.Run("auto-bootstrapped with credentials in state", func(t *testing.T) {
		srv := startEmulator(t)
		accPreCheck(t)
		resource.ParallelTest(t, basicCase(srv,
			resource.TestStep{Config: integrationConfig(srv, "snowflake", snowflake("COMPUTE_WH"), "true")},
			resource.TestStep{
				Config: providerConfig(srv),
				Check: func(*terraform.State) error {
					bodies := deleteBodies(srv)
					if len(bodies) != 1 {
						return fmt.Errorf("DELETE bodies %v, want one", bodies)
					}
					var body struct {
						Config map[string]any `json:"config"`
					}
					if err := json.Unmarshal([]byte(bodies[0]), &body); err != nil {
						return fmt.Errorf("DELETE body %q: %v", bodies[0], err)
					}
					for _, k := range []string{"authenticationType", "username", "password", "role"} {
						if _, ok := body.Config[k]; !ok {
							return fmt.Errorf("DELETE body %s lacks %s", bodies[0], k)
						}
					}
					if _, ok := body.Config["warehouse"]; ok {
						return fmt.Errorf("DELETE body %s carries more than the credentials", bodies[0])
					}
					return checkCount(srv, 0)(nil)
				},
			},
		))
	})
	t.Run("manual has no body", func(t *testing.T) {
		srv := startEmulator(t)
		accPreCheck(t)
		resource.ParallelTest(t, basicCase(srv,
			resource.TestStep{Config: integrationConfig(srv, "snowflake", snowflake("COMPUTE_WH"), "false")},
			resource.TestStep{
				Config: providerConfig(srv),
				Check: func(*terraform.State) error {
					bodies := deleteBodies(srv)
					if len(bodies) != 1 || (bodies[0] != "" && bodies[0] != "null") {
						return fmt.Errorf("DELETE bodies %q, want one without a body", bodies)
					}
					return checkCount(srv, 0)(nil)
				},
			},
		))
	})
	t.Run("databricks auto-bootstrapped has no body", func(t *testing.T) {
		srv := startEmulator(t)
		accPreCheck(t)
		resource.ParallelTest(t, basicCase(srv,
			resource.TestStep{Config: integrationConfig(srv, "databricks", lifecycleCases[1].minimal, "true")},
			resource.TestStep{
				Config: providerConfig(srv),
				Check: func(*terraform.State) error {
					bodies := deleteBodies(srv)
					if len(bodies) != 1 || (bodies[0] != "" && bodies[0] != "null") {
						return fmt.Errorf("DELETE bodies %q, want one without a body", bodies)
					}
					return nil
				},
			},
		))
	})
}

// An imported auto-bootstrapped integration has no privileged credentials
// in state (Immuta does not keep them): destroy names every one it needs and
// sends nothing to Immuta; with the IMMUTA_DELETE_ variables set, the
// destroy sends the full privileged set and Immuta accepts it.
func TestAccIntegration_importedAutoBootstrapDeletesWithCredentialsFromEnvironment(t *testing.T) {
	srv := startEmulatorStyle(t, emulator.AnswerLiteral)
	id := seedSnowflake(t, srv, true)
	config := integrationConfig(srv, "snowflake", fmt.Sprintf(writeOnlySnowflake, "seeded-pw", 1), "true")
	accPreCheck(t)
	// Not parallel: the test sets environment variables.
	resource.Test(t, basicCase(srv,
		resource.TestStep{Config: config, ResourceName: resourceAddress, ImportState: true, ImportStateId: id, ImportStatePersist: true},
		resource.TestStep{
			Config:  config,
			Destroy: true,
			ExpectError: regexp.MustCompile(`(?s)Privileged credentials needed to delete the integration.*` +
				`IMMUTA_DELETE_AUTHENTICATION_TYPE.*IMMUTA_DELETE_ROLE.*userPassword:\s+username,\s+password`),
			Check: func(*terraform.State) error {
				if n := requestsMatching(srv, "DELETE", "/integrations"); n != 0 {
					return fmt.Errorf("%d DELETE requests reached Immuta without credentials", n)
				}
				return nil
			},
		},
		resource.TestStep{
			PreConfig: func() {
				t.Setenv("IMMUTA_DELETE_AUTHENTICATION_TYPE", "userPassword")
				t.Setenv("IMMUTA_DELETE_ROLE", "ACCOUNTADMIN")
				t.Setenv("IMMUTA_DELETE_USERNAME", "IMMUTA_SYSTEM")
				t.Setenv("IMMUTA_DELETE_PASSWORD", "seeded-pw")
			},
			Config:  config,
			Destroy: true,
			Check:   checkCount(srv, 0),
		},
	))
}
