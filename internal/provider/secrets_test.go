// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/immuta/terraform-provider-immuta/internal/emulator"
	"github.com/immuta/terraform-provider-immuta/internal/integrationtype"
)

// Secrets never reach a log, Terraform's output or an error message, and
// the state holds them only as sensitive values (write-only ones not at all).
// Every secret value is distinctive, so that a hit cannot be a coincidence.
const (
	secretSFPassword1    = "S3cr3t-sf-pw-1-a81f"
	secretSFPassword2    = "S3cr3t-sf-pw-2-b92e"
	secretSFPrivateKey   = "S3cr3t-sf-pk-1b58"
	secretSFKeyPassword  = "S3cr3t-sf-kpp-2c69"
	secretRSSecretKey    = "S3cr3t-rs-key-c03d"
	secretRSSessionToken = "S3cr3t-rs-tok-d14c"
	secretRS2Password    = "S3cr3t-rs2-pw-5f9c"
	secretDBXToken       = "S3cr3t-dbx-tok-e25b"
	secretS3Key          = "S3cr3t-s3-key-f36a"
	secretBQPrivateKey   = "S3cr3t-bq-pk-0a47"
	secretSynapseWO1     = "S3cr3t-syn-wo-1-3d7a"
	secretSynapseWO2     = "S3cr3t-syn-wo-2-4e8b"
)

// stateSecrets may be in state, as sensitive values; writeOnlySecrets never.
var (
	stateSecrets = []string{secretSFPassword1, secretSFPassword2, secretSFPrivateKey, secretSFKeyPassword, secretRSSecretKey,
		secretRSSessionToken, secretRS2Password, secretDBXToken, secretS3Key, secretBQPrivateKey}
	writeOnlySecrets = []string{secretSynapseWO1, secretSynapseWO2}
)

// secretsConfig is a configuration with every kind of secret: version 2
// changes the Snowflake password and warehouse and the write-only password.
// withRS2 adds a resource whose create is made to fail, withoutDBX drops the
// Databricks one.
func secretsConfig(srv *emulator.Server, version int, withRS2, withoutDBX bool) string {
	password, warehouse, wo := secretSFPassword1, "COMPUTE_WH", secretSynapseWO1
	if version == 2 {
		password, warehouse, wo = secretSFPassword2, "OTHER_WH", secretSynapseWO2
	}
	var b strings.Builder
	fmt.Fprintf(&b, `
provider "immuta" {
  url     = %q
  api_key = %q
}

resource "immuta_integration" "sf" {
  auto_bootstrap = true
  snowflake = {
    host                = "secrets.us-east-1.snowflakecomputing.com"
    warehouse           = %q
    database            = "IMMUTA_DB"
    role                = "ACCOUNTADMIN"
    authentication_type = "userPassword"
    username            = "IMMUTA_SYSTEM"
    password            = %q
  }
}

resource "immuta_integration" "sf_kp" {
  snowflake = {
    host                 = "keypair.us-east-1.snowflakecomputing.com"
    warehouse            = "COMPUTE_WH"
    database             = "IMMUTA_KP"
    authentication_type  = "keyPair"
    username             = "IMMUTA_SYSTEM"
    private_key          = { content = "-----BEGIN PRIVATE KEY-----\n%s\n-----END PRIVATE KEY-----" }
    private_key_password = %q
  }
}

resource "immuta_integration" "rs" {
  auto_bootstrap = true
  redshift = {
    host                = "secrets.abc123.us-east-1.redshift.amazonaws.com"
    database            = "immuta_db"
    initial_database    = "dev"
    authentication_type = "accessKey"
    database_user       = "immuta_system"
    access_key_id       = "AKIAEXAMPLE"
    secret_key          = %q
    session_token       = %q
  }
}

resource "immuta_integration" "s3" {
  s3 = {
    name                  = "secrets-lake"
    aws_account_id        = "123456789012"
    aws_region            = "us-east-1"
    aws_location_role     = "arn:aws:iam::123456789012:role/immuta-location"
    aws_location_path     = "s3://secrets-lake/"
    authentication_type   = "accessKey"
    aws_access_key_id     = "AKIAEXAMPLE"
    aws_secret_access_key = %q
  }
}

resource "immuta_integration" "bq" {
  bigquery = {
    role           = "projects/acme/roles/immutaRole"
    dataset_suffix = "_immuta"
    location       = "US"
    credential     = jsonencode({ type = "service_account", private_key = %q })
  }
}

resource "immuta_integration" "wo" {
  azure_synapse = {
    host                = "secrets.sql.azuresynapse.net"
    database            = "pool1"
    schema              = "immuta"
    username            = "immuta_system"
    password_wo         = %q
    password_wo_version = %d
  }
}

resource "immuta_integration" "trino" {
  trino = {}
}
`, srv.URL, testAPIKey, warehouse, password, secretSFPrivateKey, secretSFKeyPassword, secretRSSecretKey, secretRSSessionToken,
		secretS3Key, secretBQPrivateKey, wo, version)
	if !withoutDBX {
		fmt.Fprintf(&b, `
resource "immuta_integration" "dbx" {
  databricks = {
    workspace_url       = "secrets.cloud.databricks.com"
    http_path           = "/sql/1.0/warehouses/abc123"
    authentication_type = "token"
    token               = %q
  }
}
`, secretDBXToken)
	}
	if withRS2 {
		fmt.Fprintf(&b, `
resource "immuta_integration" "rs2" {
  redshift = {
    host                = "second.abc123.us-east-1.redshift.amazonaws.com"
    database            = "immuta_db"
    initial_database    = "dev"
    authentication_type = "userPassword"
    username            = "immuta_system"
    password            = %q
  }
}
`, secretRS2Password)
	}
	return b.String()
}

// leakSearch counts the hits of every secret in the texts searched.
type leakSearch struct {
	secrets []string
	bytes   int
	texts   int
	hits    map[string][]string // secret -> where
}

func newLeakSearch(secrets ...string) *leakSearch {
	return &leakSearch{secrets: secrets, hits: map[string][]string{}}
}

func (l *leakSearch) search(where, text string) {
	l.bytes += len(text)
	l.texts++
	for _, s := range l.secrets {
		if n := strings.Count(text, s); n > 0 {
			l.hits[s] = append(l.hits[s], fmt.Sprintf("%s (%d)", where, n))
		}
	}
}

func (l *leakSearch) searchFile(t *testing.T, where, file string) {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("reading %s: %v", where, err)
	}
	l.search(where, string(b))
}

// logRecordStart is where an hclog record begins: its timestamp.
var logRecordStart = regexp.MustCompile(`(?m)^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d`)

// searchTestLog searches a log written under terraform-plugin-testing, minus
// the records in which the test harness itself logs each step's
// configuration: that is the test's own HCL, secrets included, which no
// user's run contains. Terraform's and the provider's records are searched.
func (l *leakSearch) searchTestLog(t *testing.T, where, file string) (excluded int) {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("reading %s: %v", where, err)
	}
	text := string(b)
	starts := logRecordStart.FindAllStringIndex(text, -1)
	var kept strings.Builder
	kept.WriteString(text[:firstStart(starts, len(text))])
	for i, st := range starts {
		end := len(text)
		if i+1 < len(starts) {
			end = starts[i+1][0]
		}
		record := text[st[0]:end]
		first, _, _ := strings.Cut(record, "\n")
		if strings.Contains(first, "sdk.helper_resource: Setting Terraform configuration") {
			excluded += len(record)
			continue
		}
		kept.WriteString(record)
	}
	l.search(where, kept.String())
	return excluded
}

func firstStart(starts [][]int, n int) int {
	if len(starts) == 0 {
		return n
	}
	return starts[0][0]
}

func (l *leakSearch) total() int {
	n := 0
	for _, where := range l.hits {
		n += len(where)
	}
	return n
}

func (l *leakSearch) report(t *testing.T, what string) {
	t.Helper()
	if l.total() > 0 {
		var lines []string
		for s, where := range l.hits {
			lines = append(lines, fmt.Sprintf("%s in %s", s, strings.Join(where, ", ")))
		}
		sort.Strings(lines)
		t.Errorf("%s: secrets leaked:\n%s", what, strings.Join(lines, "\n"))
	}
	t.Logf("%s: %d secret values searched in %d texts, %d bytes: %d hits", what, len(l.secrets), l.texts, l.bytes, l.total())
}

// checkSearchWorks is the control: the same search finds every secret in
// the configurations that hold them.
func checkSearchWorks(t *testing.T, srv *emulator.Server, trinoKey string) {
	t.Helper()
	control := newLeakSearch(append(append([]string{testAPIKey}, stateSecrets...), writeOnlySecrets...)...)
	control.search("configuration 1", secretsConfig(srv, 1, true, false))
	control.search("configuration 2", secretsConfig(srv, 2, true, false))
	control.search("Trino key", trinoKey)
	if len(control.hits) != len(control.secrets) {
		t.Fatalf("the search finds %d of the %d secrets in the configurations", len(control.hits), len(control.secrets))
	}
}

// checkStateFiles reads the raw state files under dir: a secret may appear
// only as the value of an attribute listed in sensitive_attributes, and a
// write-only secret nowhere.
// At least minFound distinct secrets must be found, as sensitive values, in
// the main state file, so that the check cannot pass vacuously; more returns
// secrets known only at check time (the Trino API key).
func checkStateFiles(dir string, secrets, writeOnly []string, minFound int, more func() []string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		files, _ := filepath.Glob(filepath.Join(dir, "plugintest*", "work*", "terraform.tfstate"))
		if len(files) == 0 {
			return fmt.Errorf("no state file under %s", dir)
		}
		all := append(append([]string{}, secrets...), more()...)
		most := 0
		for _, file := range files {
			raw, err := os.ReadFile(file)
			if err != nil {
				return err
			}
			for _, s := range writeOnly {
				if strings.Contains(string(raw), s) {
					return fmt.Errorf("%s holds the write-only secret %s", file, s)
				}
			}
			found, err := checkStateSensitivity(raw, all)
			if err != nil {
				return fmt.Errorf("%s: %w", file, err)
			}
			most = max(most, found)
		}
		if most < minFound {
			return fmt.Errorf("only %d secrets found in state, want at least %d: the check would be vacuous", most, minFound)
		}
		return nil
	}
}

type rawState struct {
	Resources []struct {
		Type      string `json:"type"`
		Name      string `json:"name"`
		Instances []struct {
			Attributes          map[string]any `json:"attributes"`
			SensitiveAttributes []any          `json:"sensitive_attributes"`
		} `json:"instances"`
	} `json:"resources"`
}

// checkStateSensitivity returns how many distinct secrets the state holds,
// all as sensitive attribute values, or an error.
func checkStateSensitivity(raw []byte, secrets []string) (int, error) {
	var st rawState
	if err := json.Unmarshal(raw, &st); err != nil {
		return 0, err
	}
	inSensitive := 0
	distinct := map[string]bool{}
	for _, r := range st.Resources {
		for _, inst := range r.Instances {
			sensitive := map[string]bool{}
			for _, p := range inst.SensitiveAttributes {
				sensitive[sensitivePath(p)] = true
			}
			var walk func(prefix string, v any) error
			walk = func(prefix string, v any) error {
				switch x := v.(type) {
				case map[string]any:
					for k, e := range x {
						if err := walk(strings.TrimPrefix(prefix+"."+k, "."), e); err != nil {
							return err
						}
					}
				case []any:
					for i, e := range x {
						if err := walk(fmt.Sprintf("%s[%d]", prefix, i), e); err != nil {
							return err
						}
					}
				case string:
					for _, s := range secrets {
						if !strings.Contains(x, s) {
							continue
						}
						if !sensitive[prefix] {
							return fmt.Errorf("%s.%s holds secret %s but is not marked sensitive (sensitive: %v)", r.Type, r.Name+"."+prefix, s, sensitive)
						}
						inSensitive++
						distinct[s] = true
					}
				}
				return nil
			}
			if err := walk("", inst.Attributes); err != nil {
				return 0, err
			}
		}
	}
	// Every occurrence in the file is one of those attribute values.
	occurrences := 0
	for _, s := range secrets {
		occurrences += strings.Count(string(raw), s)
	}
	if occurrences != inSensitive {
		return 0, fmt.Errorf("secrets occur %d times in the file, %d of them as sensitive attribute values", occurrences, inSensitive)
	}
	return len(distinct), nil
}

// sensitivePath renders a state path ([{"type":"get_attr","value":"x"}, ...])
// as x.y[0].
func sensitivePath(p any) string {
	steps, _ := p.([]any)
	var b strings.Builder
	for _, s := range steps {
		step, _ := s.(map[string]any)
		switch step["type"] {
		case "get_attr":
			if b.Len() > 0 {
				b.WriteString(".")
			}
			fmt.Fprint(&b, step["value"])
		case "index":
			if v, ok := step["value"].(map[string]any); ok {
				fmt.Fprintf(&b, "[%v]", v["value"])
			}
		}
	}
	return b.String()
}

// errorCapture lets the steps that are meant to fail do so, and keeps their
// errors: they are searched for secrets like the logs.
type errorCapture struct {
	mu        sync.Mutex
	expecting *regexp.Regexp
	errs      []string
	missing   []string
}

// expect lets the next error matching pattern pass.
func (c *errorCapture) expect(pattern string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.expecting = regexp.MustCompile(`(?s)` + pattern)
}

// settled checks, at the step after a failing one, that it did fail.
func (c *errorCapture) settled() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.expecting != nil {
		c.missing = append(c.missing, c.expecting.String())
		c.expecting = nil
	}
}

func (c *errorCapture) check(err error) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.expecting == nil || !c.expecting.MatchString(err.Error()) {
		return err
	}
	c.errs = append(c.errs, err.Error())
	c.expecting = nil
	return nil
}

// TestAccSecretsNeverLeak runs every operation (create, refresh, update,
// import, a create failing with 422, a delete failing with 422, delete) with
// Terraform and the provider logging at TRACE, and searches the logs and the
// errors for every secret value and the API key.
func TestAccSecretsNeverLeak(t *testing.T) {
	accPreCheck(t)
	// Not parallel: it sets environment variables.
	logs, work := t.TempDir(), t.TempDir()
	if d := os.Getenv("SECRETS_TEST_LOG_DIR"); d != "" {
		logs = d // keep the logs to look at them
	}
	accLog, tfLog := filepath.Join(logs, "tf-acc.log"), filepath.Join(logs, "tf.log")
	t.Setenv("TF_LOG", "TRACE")
	t.Setenv("TF_LOG_PATH", tfLog)                     // the in-process provider's sink, unless TF_ACC_LOG_PATH is set
	t.Setenv("TF_ACC_LOG_PATH", accLog)                // terraform (every command) and the in-process provider
	t.Setenv("TF_LOG_PROVIDER_IMMUTA_CLIENT", "TRACE") // the client's request and response logs
	t.Setenv("TF_ACC_TEMP_DIR", work)                  // where the state files are read from

	srv := startEmulator(t)
	ids := &idRecorder{}
	var trinoKey string
	captured := &errorCapture{}
	// Seven of the secrets are in every configuration, and the Trino API key.
	stateCheck := checkStateFiles(work, stateSecrets, writeOnlySecrets, 8, func() []string {
		for _, rec := range srv.Emulator.Integrations() {
			if key, ok := rec.Config["apiKey"].(string); ok && rec.Type == "Trino" {
				return []string{key}
			}
		}
		return nil
	})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		CheckDestroy:             checkNothingLeft(srv),
		ErrorCheck:               captured.check,
		Steps: []resource.TestStep{
			{ // create
				Config: secretsConfig(srv, 1, false, false),
				Check: resource.ComposeTestCheckFunc(ids.record("immuta_integration.sf"), stateCheck, func(s *terraform.State) error {
					trinoKey = s.RootModule().Resources["immuta_integration.trino"].Primary.Attributes["trino.api_key"]
					if trinoKey == "" {
						return fmt.Errorf("no Trino API key in state")
					}
					return nil
				}),
			},
			{RefreshState: true}, // refresh
			{ // update: a new password, a new write-only password
				Config: secretsConfig(srv, 2, false, false),
				Check: resource.ComposeTestCheckFunc(stateCheck, func(*terraform.State) error {
					rec, _ := srv.Emulator.Integration(ids.get())
					if rec.Config["password"] != secretSFPassword2 {
						return fmt.Errorf("Immuta did not get the new password")
					}
					return nil
				}),
			},
			{ // import
				ResourceName:            "immuta_integration.sf",
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: append(privilegedCredentials(integrationtype.Snowflake), "snowflake.password", "timeouts"),
			},
			{ // a create that fails with 422
				PreConfig: func() {
					srv.Emulator.AddFault(emulator.FaultRule{Method: "POST", Path: "/integrations", Times: 1, Action: emulator.FaultAction{Fault: emulator.Refuse{Validation: []emulator.ValidationTest{failedTest(connectionTest, connectionMessage)}}}})
					captured.expect(`Cannot create integration: validation failed`)
				},
				Config: secretsConfig(srv, 2, true, false),
			},
			{ // a create whose set-up fails, Immuta's message echoing the API key and the password (the status path)
				PreConfig: func() {
					captured.settled()
					srv.Emulator.AddFault(emulator.FaultRule{Method: "POST", Path: "/integrations", Times: 1, Action: emulator.FaultAction{Fault: emulator.Handle{Outcome: "createError", Validation: []emulator.ValidationTest{failedTest(connectionTest, "Login failed with password "+secretRS2Password+" and key "+testAPIKey)}}}})
					captured.expect(`Integration create failed \(createError\)`)
				},
				Config: secretsConfig(srv, 2, true, false),
			},
			{ // a delete that fails with 422
				PreConfig: func() {
					captured.settled()
					srv.Emulator.AddFault(emulator.FaultRule{Method: "DELETE", Path: "/integrations/*", Times: 1, Action: emulator.FaultAction{Fault: emulator.Refuse{Validation: []emulator.ValidationTest{failedTest(connectionTest, connectionMessage)}}}})
					captured.expect(`Cannot delete integration: validation failed`)
				},
				Config: secretsConfig(srv, 2, false, true),
			},
			{ // the delete again, then the test's destroy deletes the rest
				PreConfig: captured.settled,
				Config:    secretsConfig(srv, 2, false, true),
				Check:     stateCheck,
			},
		},
	})
	if t.Failed() {
		return
	}
	if len(captured.missing) > 0 || len(captured.errs) != 3 {
		t.Fatalf("the failing steps did not fail as expected: missing %q, got %d errors", captured.missing, len(captured.errs))
	}

	leaks := newLeakSearch(append(append([]string{testAPIKey, trinoKey}, stateSecrets...), writeOnlySecrets...)...)
	excluded := leaks.searchTestLog(t, "TF_ACC_LOG_PATH log", accLog)
	if _, err := os.Stat(tfLog); err == nil {
		excluded += leaks.searchTestLog(t, "TF_LOG_PATH log", tfLog)
	}
	t.Logf("left out %d bytes of the test harness logging each step's configuration", excluded)
	for i, e := range captured.errs {
		leaks.search(fmt.Sprintf("error %d", i+1), e)
	}
	requests, _ := json.Marshal(srv.Emulator.Requests())
	leaks.search("emulator request log", string(requests))
	leaks.report(t, "terraform-plugin-testing run")
	checkSearchWorks(t, srv, trinoKey)

	// The logs really hold the provider's request logs and Terraform's.
	acc, _ := os.ReadFile(accLog)
	for _, want := range []string{"Immuta API request", "Immuta API response", "method=DELETE", "[TRACE]", "Cannot delete integration"} {
		if !strings.Contains(string(acc), want) {
			t.Errorf("the log lacks %q: the provider's or Terraform's logs were not captured", want)
		}
	}
}

// TestAccSecretsNeverLeakCLI runs the same operations with the terraform
// binary and the built provider, as a user would, with TF_LOG=TRACE: the
// provider's logs then reach Terraform's log through the plugin protocol.
// It searches that log and everything Terraform printed (plans, applies,
// imports, errors) for every secret value and the API key.
func TestAccSecretsNeverLeakCLI(t *testing.T) {
	accPreCheck(t)
	t.Parallel()
	providerDir := buildProvider(t)
	srv := startEmulator(t)
	cliLog := filepath.Join(t.TempDir(), "terraform.log")
	tf := newTerraformCLI(t, providerDir, "TF_LOG=TRACE", "TF_LOG_PATH="+cliLog, "TF_LOG_PROVIDER_IMMUTA_CLIENT=TRACE")
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()

	var outputs []string
	run := func(wantErr string, args ...string) {
		t.Helper()
		out, err := tf.run(ctx, args...)
		outputs = append(outputs, out)
		switch {
		case wantErr == "" && err != nil:
			t.Fatalf("terraform %s: %v\n%s", strings.Join(args, " "), err, out)
		case wantErr != "" && err == nil:
			t.Fatalf("terraform %s succeeded, want an error %q\n%s", strings.Join(args, " "), wantErr, out)
		case wantErr != "" && !errorPattern(wantErr).MatchString(out):
			t.Fatalf("terraform %s: want an error %q\n%s", strings.Join(args, " "), wantErr, out)
		}
	}
	tf.write(secretsConfig(srv, 1, false, false))
	run("", "plan")
	run("", "apply", "-auto-approve")
	var trinoKey string
	for _, rec := range srv.Emulator.Integrations() {
		if rec.Type == "Trino" {
			trinoKey, _ = rec.Config["apiKey"].(string)
		}
	}
	if trinoKey == "" {
		t.Fatal("no Trino API key in Immuta")
	}
	run("", "apply", "-refresh-only", "-auto-approve")
	tf.write(secretsConfig(srv, 2, false, false))
	run("", "apply", "-auto-approve")
	id := ""
	for _, rec := range srv.Emulator.Integrations() {
		if rec.Config["host"] == "secrets.us-east-1.snowflakecomputing.com" {
			id = rec.ID
		}
	}
	run("", "state", "rm", "immuta_integration.sf")
	run("", "import", "immuta_integration.sf", id)
	run("", "apply", "-auto-approve") // the imported state lacks the password: sent again in place

	srv.Emulator.AddFault(emulator.FaultRule{Method: "POST", Path: "/integrations", Times: 1, Action: emulator.FaultAction{Fault: emulator.Refuse{Validation: []emulator.ValidationTest{failedTest(connectionTest, connectionMessage)}}}})
	tf.write(secretsConfig(srv, 2, true, false))
	run("Cannot create integration: validation failed", "apply", "-auto-approve")
	srv.Emulator.AddFault(emulator.FaultRule{Method: "DELETE", Path: "/integrations/*", Times: 1, Action: emulator.FaultAction{Fault: emulator.Refuse{Validation: []emulator.ValidationTest{failedTest(connectionTest, connectionMessage)}}}})
	tf.write(secretsConfig(srv, 2, false, true))
	run("Cannot delete integration: validation failed", "apply", "-auto-approve")
	run("", "destroy", "-auto-approve")
	if n := len(srv.Emulator.Integrations()); n != 0 {
		t.Fatalf("%d integrations left after destroy", n)
	}

	leaks := newLeakSearch(append(append([]string{testAPIKey, trinoKey}, stateSecrets...), writeOnlySecrets...)...)
	leaks.searchFile(t, "TF_LOG_PATH log", cliLog)
	for i, out := range outputs {
		leaks.search(fmt.Sprintf("terraform output %d", i+1), out)
	}
	leaks.report(t, "terraform CLI run")
	checkSearchWorks(t, srv, trinoKey)

	logText, _ := os.ReadFile(cliLog)
	for _, want := range []string{"Immuta API request", "Immuta API response", "provider.terraform-provider-immuta", `***`} {
		if !strings.Contains(string(logText), want) {
			t.Errorf("the log lacks %q: the provider's logs (with bodies, their secrets masked) did not reach Terraform's", want)
		}
	}
	// The provider hands the client the secret keys of the type tables, so
	// bodies are logged masked rather than left out.
	if strings.Contains(string(logText), "not logged: the client was given no secret keys") {
		t.Error("the client logged no bodies: the provider did not give it the type tables' secret keys")
	}
	if !strings.Contains(strings.Join(outputs, "\n"), "(sensitive value)") {
		t.Error("no plan showed a sensitive value: the outputs searched are not the plans")
	}
}

func TestAccIntegration_secretsAreSensitiveInPlans(t *testing.T) {
	srv := startEmulator(t)
	accPreCheck(t)
	resource.ParallelTest(t, basicCase(srv, resource.TestStep{
		Config: integrationConfig(srv, "redshift", lifecycleCases[2].full, "true"),
		ConfigPlanChecks: resource.ConfigPlanChecks{
			PreApply: []plancheck.PlanCheck{
				plancheck.ExpectSensitiveValue(resourceAddress, tfjsonpath.New("redshift").AtMapKey("secret_key")),
				plancheck.ExpectSensitiveValue(resourceAddress, tfjsonpath.New("redshift").AtMapKey("session_token")),
			},
		},
	}))
}
