// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/immuta/terraform-provider-immuta/internal/emulator"
)

// writeOnlyConfig is an auto-bootstrapped Snowflake integration whose
// privileged password is write-only, from an ephemeral variable; version is
// the password_wo_version line ("" to let the provider count).
func writeOnlyConfig(srv *emulator.Server, host, warehouse, version string) string {
	return fmt.Sprintf(`
provider "immuta" {
  url             = %q
  api_key         = %q
  request_timeout = "5s"
  max_retries     = 0
  # The delete of an auto-bootstrapped integration needs the password again.
  delete_credentials = { (%q) = { password = var.password } }
}

variable "password" {
  type      = string
  ephemeral = true
  sensitive = true
}

resource "immuta_integration" "wo" {
  auto_bootstrap = true
  snowflake = {
    host                = %q
    warehouse           = %q
    database            = "IMMUTA"
    role                = "ACCOUNTADMIN"
    authentication_type = "userPassword"
    username            = "IMMUTA_SETUP"
    password_wo         = var.password
    %s
  }
}
`, srv.URL, testAPIKey, host, host, warehouse, version)
}

// TestAccWriteOnly_driftAndRotationWithoutVersions: the write-only rule as
// documented, on both answer styles. Drift in a setting of an integration
// whose credential is write-only is an update naming the setting (exit 2),
// repaired by one PUT that carries the configured secret; a changed secret
// alone plans an update (the counted version 1 -> 2) and applies with one
// PUT; other changes need no version; an unchanged configuration plans
// empty; a version set in the configuration still works, and a changed
// secret under an unchanged one is still an update, with a warning.
func TestAccWriteOnly_driftAndRotationWithoutVersions(t *testing.T) {
	for _, style := range answerStyles {
		t.Run(string(style), func(t *testing.T) {
			tf, ctx := parallelCLITest(t, 6*time.Minute)
			srv := startEmulatorStyle(t, style)
			host := "wo-" + string(style) + ".us-east-1.snowflakecomputing.com"
			puts := func() int { return len(loggedCallsPrefix(srv, "PUT", "/integrations/")) }
			holds := func(what, password, warehouse string) {
				t.Helper()
				recs := liveIntegrations(srv)
				if len(recs) != 1 {
					t.Fatalf("%s: %d integrations in Immuta, want 1", what, len(recs))
				}
				if got := recs[0].Config["password"]; got != password {
					t.Errorf("%s: Immuta holds password %v, want %q", what, got, password)
				}
				if got := recs[0].Config["warehouse"]; got != warehouse {
					t.Errorf("%s: Immuta holds warehouse %v, want %q", what, got, warehouse)
				}
			}
			plan := func(what string, want int, password string, contains ...string) string {
				t.Helper()
				code, out := tf.detailedExitCode(ctx, "-var", "password="+password)
				if code != want {
					t.Fatalf("%s: plan -detailed-exitcode exited %d, want %d:\n%s", what, code, want, out)
				}
				for _, s := range contains {
					if !shows(out, s) {
						t.Errorf("%s: the plan does not say %q:\n%s", what, s, out)
					}
				}
				return out
			}
			apply := func(password string) string {
				return tf.mustRun(ctx, "apply", "-auto-approve", "-var", "password="+password)
			}

			tf.write(writeOnlyConfig(srv, host, "WH_1", ""))
			apply("pw-one")
			holds("create", "pw-one", "WH_1")
			if v := stateAttr(t, tf, ctx, "immuta_integration.wo", "snowflake", "password_wo_version"); v != float64(1) {
				t.Errorf("the counted version after create is %v, want 1", v)
			}
			plan("unchanged", 0, "pw-one", "No changes")

			// Drift: someone changes the warehouse in Immuta's UI.
			id := liveIntegrations(srv)[0].ID
			if err := srv.Emulator.PatchConfig(id, map[string]any{"warehouse": "WH_UI"}); err != nil {
				t.Fatal(err)
			}
			out := plan("drift", 2, "pw-one", `~ warehouse = "WH_UI" -> "WH_1"`, "1 to change")
			if strings.Contains(out, "Error") || strings.Contains(out, "password_wo_version") {
				t.Errorf("the drift plan has an error or a version change:\n%s", out)
			}
			apply("pw-one")
			if puts() != 1 {
				t.Errorf("drift repaired with %d PUTs, want 1", puts())
			}
			holds("drift repaired", "pw-one", "WH_1")
			plan("after the repair", 0, "pw-one", "No changes")

			// A new secret, nothing else: the counted version says so.
			plan("rotation", 2, "pw-two", "~ password_wo_version = 1 -> 2", "1 to change")
			apply("pw-two")
			if puts() != 2 {
				t.Errorf("rotation: %d PUTs in all, want 2", puts())
			}
			holds("rotation", "pw-two", "WH_1")
			plan("after the rotation", 0, "pw-two", "No changes")

			// Another setting: no version to touch; the configured secret goes along.
			tf.write(writeOnlyConfig(srv, host, "WH_2", ""))
			out = plan("warehouse change", 2, "pw-two", `~ warehouse = "WH_1" -> "WH_2"`)
			if strings.Contains(out, "password_wo_version") || providerWarnings(out) > 0 {
				t.Errorf("a change of another setting touches the version or warns:\n%s", out)
			}
			apply("pw-two")
			holds("warehouse change", "pw-two", "WH_2")
			if v := stateAttr(t, tf, ctx, "immuta_integration.wo", "snowflake", "password_wo_version"); v != float64(2) {
				t.Errorf("the counted version after a warehouse change is %v, want 2", v)
			}

			// A version in the configuration works as before: a change sends the value.
			tf.write(writeOnlyConfig(srv, host, "WH_2", "password_wo_version = 7"))
			plan("explicit version", 2, "pw-two", "~ password_wo_version = 2 -> 7")
			apply("pw-two")
			if puts() != 4 {
				t.Errorf("explicit version: %d PUTs in all, want 4", puts())
			}
			// ...and a changed value under an unchanged explicit version is still an update.
			out = plan("changed under an explicit version", 2, "pw-three", "Warning: Write-only secret changed",
				"snowflake.password_wo differs from the value last applied", "1 to change")
			if strings.Contains(out, "password_wo_version") && !strings.Contains(out, "increase it in the same change") {
				t.Errorf("the version should not change:\n%s", out)
			}
			apply("pw-three")
			holds("changed under an explicit version", "pw-three", "WH_2")
			plan("after it", 0, "pw-three", "No changes")
			tf.mustRun(ctx, "destroy", "-auto-approve", "-var", "password=pw-three")
		})
	}
}

// TestAccWriteOnly_fingerprintNeverShown: the fingerprint of the value last
// applied lives in the resource's private state only. It is not in the
// state's attributes, `show -json` of the state or of a plan, the plan's
// change records, Terraform's TRACE log or any output; the one copy a plan
// file holds is inside its embedded state snapshot, as in the state itself.
func TestAccWriteOnly_fingerprintNeverShown(t *testing.T) {
	const password = "fp-Pa55word-e41b"
	logFile := filepath.Join(t.TempDir(), "trace.log")
	// The password comes from the environment: Terraform's own log prints
	// its command line, -var values included.
	tf, ctx := parallelCLITest(t, 4*time.Minute, "TF_LOG=TRACE", "TF_LOG_PATH="+logFile, "TF_VAR_password="+password)
	srv := startEmulatorStyle(t, emulator.AnswerLiteral)
	tf.write(writeOnlyConfig(srv, "fp.us-east-1.snowflakecomputing.com", "WH_1", ""))
	outputs := tf.mustRun(ctx, "apply", "-auto-approve")
	tf.write(writeOnlyConfig(srv, "fp.us-east-1.snowflakecomputing.com", "WH_2", ""))
	outputs += tf.mustRun(ctx, "plan", "-out=change.tfplan")
	outputs += tf.mustRun(ctx, "show", "-json")
	outputs += tf.mustRun(ctx, "show", "-json", "change.tfplan")

	stateFile, err := os.ReadFile(filepath.Join(tf.dir, "terraform.tfstate"))
	if err != nil {
		t.Fatal(err)
	}
	private := privateOf(t, stateFile)
	if !strings.Contains(private, `"fingerprints":{"password_wo":"$argon2id$v=19$m=12288,t=3,p=1$`) {
		t.Fatalf("the state's private data holds no argon2id fingerprint of password_wo: %s", private)
	}
	fp := private[strings.Index(private, "$argon2id"):]
	fp = fp[:strings.Index(fp, `"`)]
	salt := strings.Split(fp, "$")[4]

	trace, err := os.ReadFile(logFile)
	if err != nil || len(trace) < 10000 {
		t.Fatalf("no TRACE log (%v, %d bytes)", err, len(trace))
	}
	places := map[string]string{"outputs and show -json": outputs, "TRACE log": string(trace),
		"state attributes": strings.Replace(string(stateFile), base64.StdEncoding.EncodeToString([]byte(private)), "", 1)}
	for name, text := range zipEntries(t, filepath.Join(tf.dir, "change.tfplan")) {
		if name == "tfstate" || name == "tfstate-prev" {
			if got := privateOf(t, []byte(text)); got != private {
				t.Errorf("the plan file's %s holds private data %q, want the state's own", name, got)
			}
			text = strings.Replace(text, base64.StdEncoding.EncodeToString([]byte(private)), "", 1)
		}
		places["plan file: "+name] = text
	}
	for name, text := range places {
		for _, secret := range []string{password, fp, salt, "argon2", base64.StdEncoding.EncodeToString([]byte(private))} {
			if strings.Contains(text, secret) {
				t.Errorf("%s holds %q", name, secret)
			}
		}
	}
	if len(places["plan file: tfplan"]) == 0 {
		t.Error("the plan file has no tfplan entry: the check above looked at nothing")
	}
	tf.mustRun(ctx, "destroy", "-auto-approve")
}

// TestAccWriteOnly_noRecordYet: an integration with no fingerprint (here
// imported) plans empty when nothing changed; its first in-place update
// sends the configured secret with one warning that says so; from then on
// a change of the secret shows in the plan.
func TestAccWriteOnly_noRecordYet(t *testing.T) {
	tf, ctx := parallelCLITest(t, 4*time.Minute)
	srv := startEmulatorStyle(t, emulator.AnswerLiteral)
	config := func(httpPath string) string {
		return providerBlock(srv.URL, testAPIKey) + fmt.Sprintf(`
variable "token" {
  type      = string
  ephemeral = true
  sensitive = true
}

resource "immuta_integration" "dbx" {
  databricks = {
    workspace_url       = "dbc-norecord.cloud.databricks.com"
    http_path           = %q
    authentication_type = "token"
    token_wo            = var.token
  }
}
`, httpPath)
	}
	tf.write(config("/sql/1.0/warehouses/a"))
	tf.mustRun(ctx, "apply", "-auto-approve", "-var", "token=dapi-one")
	id := liveIntegrations(srv)[0].ID
	tf.mustRun(ctx, "state", "rm", "immuta_integration.dbx")
	tf.mustRun(ctx, "import", "-var", "token=dapi-one", "immuta_integration.dbx", id)

	if code, out := tf.detailedExitCode(ctx, "-var", "token=dapi-one"); code != 0 || providerWarnings(out) > 0 {
		t.Fatalf("an imported integration, nothing changed: exit %d, want 0 with no warning:\n%s", code, out)
	}
	tf.write(config("/sql/1.0/warehouses/b"))
	code, out := tf.detailedExitCode(ctx, "-var", "token=dapi-one")
	if code != 2 || countOf(out, "Warning: Configured write-only secrets will be sent") != 1 ||
		!shows(out, "sends the configured databricks.token_wo") || !shows(out, "no record of the value last applied") {
		t.Fatalf("first update without a record: exit %d, want 2 and one warning naming databricks.token_wo:\n%s", code, out)
	}
	tf.mustRun(ctx, "apply", "-auto-approve", "-var", "token=dapi-one")
	if rec := liveIntegrations(srv)[0]; rec.Config["token"] != "dapi-one" || rec.Config["httpPath"] != "/sql/1.0/warehouses/b" {
		t.Errorf("Immuta holds %v after the first update, want the configured token and path", rec.Config)
	}
	if code, out := tf.detailedExitCode(ctx, "-var", "token=dapi-two"); code != 2 || !shows(out, "+ token_wo_version = 1") || providerWarnings(out) > 0 {
		t.Fatalf("a changed token after the first update: exit %d, want 2, the version counted from 1 and no warning:\n%s", code, out)
	}
	tf.mustRun(ctx, "destroy", "-auto-approve", "-var", "token=dapi-one")
}

// privateOf decodes the private data of the only resource instance of a
// state file.
func privateOf(t *testing.T, stateFile []byte) string {
	t.Helper()
	var st struct {
		Resources []struct {
			Instances []struct {
				Private string `json:"private"`
			} `json:"instances"`
		} `json:"resources"`
	}
	if err := json.Unmarshal(stateFile, &st); err != nil || len(st.Resources) != 1 || len(st.Resources[0].Instances) != 1 {
		t.Fatalf("state file: %v\n%s", err, stateFile)
	}
	// Terraform's private data is the framework's JSON object, whose
	// values are base64 in turn.
	outer, err := base64.StdEncoding.DecodeString(st.Resources[0].Instances[0].Private)
	if err != nil {
		t.Fatal(err)
	}
	var keys map[string][]byte
	if err := json.Unmarshal(outer, &keys); err != nil {
		t.Fatalf("private data %q: %v", outer, err)
	}
	return string(keys[writeOnlyKey])
}

func TestAccIntegration_writeOnlySecrets(t *testing.T) {
	srv := startEmulator(t)
	ids := &idRecorder{}
	accPreCheck(t)
	// Not parallel: the test sets an environment variable.
	resource.Test(t, basicCase(srv,
		resource.TestStep{
			Config: integrationConfig(srv, "snowflake", fmt.Sprintf(writeOnlySnowflake, "wo-secret-1", 1), "true"),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(resourceAddress, tfjsonpath.New("snowflake").AtMapKey("password"), knownvalue.Null()),
				statecheck.ExpectKnownValue(resourceAddress, tfjsonpath.New("snowflake").AtMapKey("password_wo"), knownvalue.Null()),
				statecheck.ExpectKnownValue(resourceAddress, tfjsonpath.New("snowflake").AtMapKey("password_wo_version"), knownvalue.Int64Exact(1)),
			},
			Check: resource.ComposeTestCheckFunc(ids.record(resourceAddress), checkStoredField(srv, ids, "password", "wo-secret-1")),
		},
		resource.TestStep{ // a new version sends the new write-only value
			Config: integrationConfig(srv, "snowflake", fmt.Sprintf(writeOnlySnowflake, "wo-secret-2", 2), "true"),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(resourceAddress, plancheck.ResourceActionUpdate)},
			},
			Check: resource.ComposeTestCheckFunc(checkSameID(ids), checkStoredField(srv, ids, "password", "wo-secret-2")),
		},
		resource.TestStep{ // destroy finds no password: the plan warns, delete fails before calling Immuta
			Config:      integrationConfig(srv, "snowflake", fmt.Sprintf(writeOnlySnowflake, "wo-secret-2", 2), "true"),
			Destroy:     true,
			ExpectError: regexp.MustCompile(`(?s)Privileged credentials needed to delete the integration.*IMMUTA_DELETE_PASSWORD`),
			Check: func(*terraform.State) error {
				if n := requestsMatching(srv, "DELETE", "/integrations"); n != 0 {
					return fmt.Errorf("%d DELETE requests reached Immuta without credentials", n)
				}
				return nil
			},
		},
		resource.TestStep{ // with the variable set, the destroy goes through with that password
			PreConfig: func() { t.Setenv("IMMUTA_DELETE_PASSWORD", "wo-secret-2") },
			Config:    integrationConfig(srv, "snowflake", fmt.Sprintf(writeOnlySnowflake, "wo-secret-2", 2), "true"),
			Destroy:   true,
			Check:     checkCount(srv, 0),
		},
	))
}

const writeOnlyUpdateConfig = `
provider "immuta" {
  url             = %q
  api_key         = %q
  request_timeout = "10s"
}

resource "immuta_integration" "test" {
  snowflake = {
    host                = "wo-rule.us-east-1.snowflakecomputing.com"
    warehouse           = %q
    database            = "IMMUTA"
    authentication_type = "userPassword"
    username            = "IMMUTA_SYSTEM"
    password_wo         = %q
    password_wo_version = %d
  }
  %s
}
`

// TestAccWriteOnly_explicitVersions: a version set in the configuration
// works as it always did, without being needed for other changes. An
// in-place change with the version unchanged sends the configured value
// (the configuration is the truth); a changed version sends it, down as
// well as up; a change of timeouts alone sends nothing at all; and the
// update plans leave validation_results known (quiet).
func TestAccWriteOnly_explicitVersions(t *testing.T) {
	accPreCheck(t)
	srv := startEmulator(t)
	config := func(warehouse, password string, version int, extra string) string {
		return fmt.Sprintf(writeOnlyUpdateConfig, srv.URL, testAPIKey, warehouse, password, version, extra)
	}
	puts := func() int { return len(loggedCallsPrefix(srv, "PUT", "/integrations/")) }
	storedPassword := func(want string) resource.TestCheckFunc {
		return func(*terraform.State) error {
			for _, rec := range srv.Emulator.Integrations() {
				if rec.Config["password"] != want {
					return fmt.Errorf("Immuta holds password %v, want %q", rec.Config["password"], want)
				}
			}
			return nil
		}
	}
	// Settings left out and filled in by Immuta (workspaces) are sent back
	// with a full-payload update, as documented.
	sentBack := func(fragment string) resource.TestCheckFunc {
		return func(*terraform.State) error {
			calls := loggedCallsPrefix(srv, "PUT", "/integrations/")
			if len(calls) == 0 || !strings.Contains(string(calls[len(calls)-1].Body), fragment) {
				return fmt.Errorf("the last PUT does not send %s back: %+v", fragment, calls)
			}
			return nil
		}
	}
	putsAre := func(want int) resource.TestCheckFunc {
		return func(*terraform.State) error {
			if n := puts(); n != want {
				return fmt.Errorf("%d PUT requests, want %d", n, want)
			}
			return nil
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		CheckDestroy:             checkNothingLeft(srv),
		Steps: []resource.TestStep{
			{Config: config("WH_1", "pw-one", 1, ""), Check: resource.ComposeTestCheckFunc(storedPassword("pw-one"), putsAre(0))},
			{ // another setting, same value, same version: one PUT with the configured value
				Config: config("WH_2", "pw-one", 1, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(resourceAddress, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(resourceAddress, tfjsonpath.New("validation_results"), knownvalue.NotNull()),
				}},
				Check: resource.ComposeTestCheckFunc(storedPassword("pw-one"), putsAre(1),
					resource.TestCheckResourceAttr(resourceAddress, "snowflake.warehouse", "WH_2"),
					sentBack(`"workspaces":{"enabled":false`)),
			},
			{
				Config: config("WH_2", "pw-two", 2, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(resourceAddress, plancheck.ResourceActionUpdate),
				}},
				Check: resource.ComposeTestCheckFunc(storedPassword("pw-two"), putsAre(2)),
			},
			{ // any change of the version sends the value, down as well as up
				Config: config("WH_2", "pw-three", 1, ""),
				Check:  resource.ComposeTestCheckFunc(storedPassword("pw-three"), putsAre(3)),
			},
			{ // timeouts are Terraform's own: nothing to send, no version needed
				Config: config("WH_2", "pw-three", 1, `timeouts = { update = "5m" }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(resourceAddress, plancheck.ResourceActionUpdate),
				}},
				Check: resource.ComposeTestCheckFunc(putsAre(3), resource.TestCheckResourceAttr(resourceAddress, "timeouts.update", "5m")),
			},
		},
	})
}
