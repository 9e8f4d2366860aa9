// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"encoding/json"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/immuta/terraform-provider-immuta/internal/emulator"
)

// What a platform team runs into in CI, through the terraform binary and its
// exit codes: one error for a wrong key or url, whatever the plan holds.

func countOf(out, s string) int { return strings.Count(flat(out), flat(s)) }

func manualSnowflake(name, host string) string {
	return fmt.Sprintf(`
resource "immuta_integration" %q {
  snowflake = {
    host                = %q
    warehouse           = "COMPUTE_WH"
    database            = "IMMUTA"
    authentication_type = "userPassword"
    username            = "IMMUTA_SYSTEM"
    password            = "platform-team-pw-1"
  }
}
`, name, host)
}

func providerBlock(url, key string) string {
	return fmt.Sprintf("provider \"immuta\" {\n  url = %q\n  api_key = %q\n  request_timeout = \"5s\"\n  max_retries = 0\n}\n", url, key)
}

// TestAccProviderCheck_oneErrorPerRun: a plan with only creates pending
// fails with a wrong or non-admin key, and a plan with three integrations in
// state prints the 401 once, not once per resource; nothing else is asked.
func TestAccProviderCheck_oneErrorPerRun(t *testing.T) {
	tf, ctx := parallelCLITest(t, 3*time.Minute)
	srv, err := emulator.Start(emulator.Options{APIKey: testAPIKey, NonAdminAPIKey: "non-admin-key-3c1f"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	resources := manualSnowflake("a", "a.snowflakecomputing.com") + manualSnowflake("b", "b.snowflakecomputing.com") +
		manualSnowflake("c", "c.snowflakecomputing.com")

	for _, tc := range []struct{ key, want, fix string }{
		{"wrong-key-0000", "Error: Immuta rejected the API key", "expired or revoked"},
		{"non-admin-key-3c1f", "Error: The API key may not manage integrations", "APPLICATION_ADMIN"},
	} {
		tf.write(providerBlock(srv.URL, tc.key) + resources)
		out, err := tf.run(ctx, "plan")
		if err == nil || countOf(out, tc.want) != 1 || !strings.Contains(flat(out), tc.fix) || !strings.Contains(out, "api_key") {
			t.Fatalf("plan of creates with key %s: %v, want exactly one %q:\n%s", tc.key, err, tc.want, out)
		}
	}
	if calls := callsBeyondAccessCheck(srv); len(calls) != 0 {
		t.Fatalf("a refused key still reached the API: %+v", calls)
	}

	tf.write(providerBlock(srv.URL, testAPIKey) + resources)
	tf.mustRun(ctx, "apply", "-auto-approve")
	tf.write(providerBlock(srv.URL, "wrong-key-0000") + resources)
	out, err := tf.run(ctx, "plan")
	if err == nil || countOf(out, "Error: Immuta rejected the API key") != 1 || strings.Contains(out, "Cannot read integration") {
		t.Fatalf("plan with three integrations in state and a wrong key: %v, want one error:\n%s", err, out)
	}
	tf.write(providerBlock(srv.URL, testAPIKey) + resources)
	tf.mustRun(ctx, "destroy", "-auto-approve")
}

// TestAccProviderCheck_urlErrors: a url nobody answers on, a url of http
// server written as https, and a url with a path that is not Immuta's API
// each get one error on url that says what to check.
func TestAccProviderCheck_urlErrors(t *testing.T) {
	tf, ctx := parallelCLITest(t, 3*time.Minute)
	srv := startEmulator(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + ln.Addr().String()
	ln.Close() // nothing listens there any more
	for _, tc := range []struct{ name, url, want, detail string }{
		{"connection refused", closed, "Error: Cannot reach Immuta", "connection refused"},
		{"http server, https url", strings.Replace(srv.URL, "http://", "https://", 1), "Error: Cannot reach Immuta",
			"server gave HTTP response to HTTPS client"},
		{"wrong base path", srv.URL + "/not-immuta", "Error: The url does not lead to Immuta's API", "root URL without a path"},
	} {
		tf.write(providerBlock(tc.url, testAPIKey) + manualSnowflake("a", "a.snowflakecomputing.com"))
		out, err := tf.run(ctx, "plan")
		if err == nil || countOf(out, tc.want) != 1 || !strings.Contains(flat(out), tc.detail) ||
			!strings.Contains(flat(out), "IMMUTA_URL") || !strings.Contains(out, "provider[") {
			t.Errorf("%s: %v, want one %q naming url:\n%s", tc.name, err, tc.want, out)
		}
	}
	if n := len(srv.Emulator.Integrations()); n != 0 {
		t.Fatalf("%d integrations made through wrong urls", n)
	}
}

// TestAccSchema_describedAndOneErrorPerConflict: timeouts is described in
// `terraform providers schema -json`; `token` with `token_wo` is one error,
// and `password_wo` without its version is an error naming the version.
func TestAccSchema_describedAndOneErrorPerConflict(t *testing.T) {
	tf, ctx := parallelCLITest(t, 2*time.Minute)

	tf.write(`
resource "immuta_integration" "db" {
  databricks = {
    workspace_url       = "dbc-1234.cloud.databricks.com"
    http_path           = "/sql/1.0/warehouses/abc123"
    authentication_type = "token"
    token               = "dapi-1"
    token_wo            = "dapi-2"
    token_wo_version    = 1
  }
}
`)
	out, err := tf.run(ctx, "validate")
	if err == nil || countOf(out, "Error:") != 1 || !strings.Contains(flat(out), `"databricks.token_wo" cannot be specified when "databricks.token" is specified`) {
		t.Fatalf("token with token_wo: %v, want one error:\n%s", err, out)
	}
	tf.write(strings.Replace(manualSnowflake("a", "a.snowflakecomputing.com"),
		`password            = "platform-team-pw-1"`, `password_wo         = "platform-team-pw-1"`, 1))
	out, err = tf.run(ctx, "validate")
	if err == nil || !strings.Contains(flat(out), `"snowflake.password_wo_version" must be specified when "snowflake.password_wo" is specified`) {
		t.Fatalf("password_wo without password_wo_version: %v:\n%s", err, out)
	}

	tf.write("")
	out = tf.mustRun(ctx, "providers", "schema", "-json")
	var schema struct {
		ProviderSchemas map[string]struct {
			ResourceSchemas map[string]struct {
				Block struct {
					Attributes map[string]struct {
						Description string `json:"description"`
					} `json:"attributes"`
				} `json:"block"`
			} `json:"resource_schemas"`
		} `json:"provider_schemas"`
	}
	if err := json.Unmarshal([]byte(out[strings.Index(out, "{"):]), &schema); err != nil {
		t.Fatalf("schema JSON: %v\n%s", err, out)
	}
	res, ok := schema.ProviderSchemas[testCLI(t).ProviderAddress()].ResourceSchemas["immuta_integration"]
	if !ok {
		t.Fatalf("no immuta_integration under %s in providers schema -json:\n%s", testCLI(t).ProviderAddress(), out)
	}
	for _, name := range []string{"timeouts", "validation_results", "status", "auto_bootstrap"} {
		if d := res.Block.Attributes[name].Description; len(d) < 40 {
			t.Errorf("%s has no real description in providers schema -json: %q", name, d)
		}
	}
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

// TestAccWriteOnly_inPlaceUpdateNeedsNewVersion: the write-only rule as
// documented. An in-place change with the version unchanged is refused at
// plan time and sends nothing; with the version increased it sends the
// configured value; a change of timeouts alone sends nothing at all; and
// the update plans leave validation_results known (quiet).
func TestAccWriteOnly_inPlaceUpdateNeedsNewVersion(t *testing.T) {
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
			{ // a stale (here: changed) value with the same version never goes out
				Config:      config("WH_2", "pw-stale", 1, ""),
				ExpectError: errorPattern(`Write-only secret would be sent without a new version.*increase snowflake\.password_wo_version`),
			},
			{
				Config: config("WH_2", "pw-two", 2, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(resourceAddress, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(resourceAddress, tfjsonpath.New("validation_results"), knownvalue.NotNull()),
				}},
				Check: resource.ComposeTestCheckFunc(storedPassword("pw-two"), putsAre(1),
					resource.TestCheckResourceAttr(resourceAddress, "snowflake.warehouse", "WH_2"),
					sentBack(`"workspaces":{"enabled":false`)),
			},
			{ // any change of the version sends the value, down as well as up
				Config: config("WH_2", "pw-three", 1, ""),
				Check:  resource.ComposeTestCheckFunc(storedPassword("pw-three"), putsAre(2)),
			},
			{ // timeouts are Terraform's own: nothing to send, no version needed
				Config: config("WH_2", "pw-three", 1, `timeouts = { update = "5m" }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(resourceAddress, plancheck.ResourceActionUpdate),
				}},
				Check: resource.ComposeTestCheckFunc(putsAre(2), resource.TestCheckResourceAttr(resourceAddress, "timeouts.update", "5m")),
			},
		},
	})
}

func loggedCallsPrefix(srv *emulator.Server, method, prefix string) []emulator.LoggedRequest {
	var out []emulator.LoggedRequest
	for _, r := range srv.Emulator.Requests() {
		if r.Method == method && strings.HasPrefix(r.Path, prefix) {
			out = append(out, r)
		}
	}
	return out
}

// TestAccValidationDiagnostics_asDocumented: a failed check at create is an
// error named after the test, with Immuta's message, on the resource; a
// failure of Immuta's periodic re-validation is a warning that says so.
func TestAccValidationDiagnostics_asDocumented(t *testing.T) {
	tf, ctx := parallelCLITest(t, 3*time.Minute)
	srv := startEmulator(t)
	tf.write(providerBlock(srv.URL, testAPIKey) + manualSnowflake("sf", "checks.snowflakecomputing.com"))

	srv.Emulator.AddFault(emulator.FaultRule{Method: "POST", Path: "/integrations", Times: 1, Action: emulator.FaultAction{
		Validation: []emulator.ValidationTest{failedTest(connectionTest, connectionMessage)},
	}})
	out, err := tf.run(ctx, "apply", "-auto-approve")
	for _, want := range []string{"Error: " + connectionTest, connectionMessage, "with immuta_integration.sf"} {
		if err == nil || !strings.Contains(flat(out), want) {
			t.Errorf("a failed check at create: %v, want %q:\n%s", err, want, out)
		}
	}

	tf.mustRun(ctx, "apply", "-auto-approve")
	id := srv.Emulator.Integrations()[0].ID
	if err := srv.Emulator.ForceStatus(id, emulator.ForcedStatus{Status: "recurringValidationError",
		Validation: []emulator.ValidationTest{failedTest(warehouseTest, "Warehouse COMPUTE_WH was dropped.")}}); err != nil {
		t.Fatal(err)
	}
	out = tf.mustRun(ctx, "plan")
	for _, want := range []string{
		"Warning: Immuta's periodic re-validation failed: " + warehouseTest,
		"Warehouse COMPUTE_WH was dropped.", "The integration stays installed", "No changes",
	} {
		if !strings.Contains(flat(out), want) {
			t.Errorf("a failed re-validation: want %q:\n%s", want, out)
		}
	}
	tf.mustRun(ctx, "destroy", "-auto-approve")
}

// TestAccRefreshWarnings_disabledAndGone: a force-disabled integration stays
// in state with a warning; one deleted in Immuta is dropped with a warning
// and planned again (the drift guide's promise).
func TestAccRefreshWarnings_disabledAndGone(t *testing.T) {
	tf, ctx := parallelCLITest(t, 3*time.Minute)
	srv := startEmulator(t)
	tf.write(providerBlock(srv.URL, testAPIKey) + manualSnowflake("sf", "refresh.snowflakecomputing.com"))
	tf.mustRun(ctx, "apply", "-auto-approve")
	id := srv.Emulator.Integrations()[0].ID

	if err := srv.Emulator.ForceStatus(id, emulator.ForcedStatus{Status: "disabled"}); err != nil {
		t.Fatal(err)
	}
	out := flat(tf.mustRun(ctx, "plan"))
	for _, want := range []string{"Warning: Integration is disabled", "force-disabled and is not in use", "terraform apply -replace=", "No changes"} {
		if !strings.Contains(out, want) {
			t.Errorf("the plan of a disabled integration lacks %q:\n%s", want, out)
		}
	}

	if err := srv.Emulator.Vanish(id); err != nil {
		t.Fatal(err)
	}
	out = flat(tf.mustRun(ctx, "plan"))
	for _, want := range []string{"Warning: Integration no longer exists", "deleted outside Terraform", "1 to add, 0 to change, 0 to destroy"} {
		if !strings.Contains(out, want) {
			t.Errorf("the plan of an integration deleted in Immuta lacks %q:\n%s", want, out)
		}
	}
}
