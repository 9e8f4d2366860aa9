// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/immuta/terraform-provider-immuta/internal/emulator"
	"github.com/immuta/terraform-provider-immuta/internal/integrationtype"
	"github.com/immuta/terraform-provider-immuta/internal/serve"
	"github.com/immuta/terraform-provider-immuta/internal/tfcli"
)

// What the tests of this package share, by section: the provider and the
// emulator; Terraform's CLI driven directly; integrations seeded in the
// emulator and what the data sources may show of them; the newer Terraform;
// configurations and checks of the resource; matching what Terraform prints.
// A helper that one test file alone uses stays in that file.

// ---- The provider and the emulator ----

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

// ---- Terraform's CLI, driven directly (terraform-plugin-testing cannot show
// a CLI's output, exit codes or files) ----

var (
	testCLIs     sync.Map // binary path -> tfcli.CLI
	testHostOnce sync.Once
)

// testCLI is the Terraform or OpenTofu binary the acceptance tests drive
// (TF_ACC_TERRAFORM_PATH, else terraform on PATH). The first call points
// terraform-plugin-testing at that CLI's registry host: it reattaches the
// in-process provider as registry.terraform.io/hashicorp/immuta unless told
// another host, and OpenTofu looks for "immuta" on registry.opentofu.org.
func testCLI(t *testing.T) tfcli.CLI {
	t.Helper()
	path := terraformBinary(t)
	v, ok := testCLIs.Load(path)
	if !ok {
		cli, err := tfcli.Identify(context.Background(), path)
		if err != nil {
			t.Fatalf("identifying the CLI the acceptance tests run: %v", err)
		}
		v, _ = testCLIs.LoadOrStore(path, cli)
	}
	cli := v.(tfcli.CLI)
	if f := os.Getenv("TF_CLI_CONFIG_FILE"); cli.OpenTofu() && f != "" {
		if _, err := os.Stat(f); err != nil {
			// OpenTofu then prints a warning before its version, which
			// terraform-plugin-testing cannot parse: every test would fail
			// with "unable to parse version".
			t.Fatalf("TF_CLI_CONFIG_FILE=%s cannot be read (%v), so %s would print a warning before its version, which "+
				"terraform-plugin-testing cannot parse: unset TF_CLI_CONFIG_FILE (make test-tofu drops it when the file is missing)", f, err, cli)
		}
	}
	testHostOnce.Do(func() {
		if os.Getenv(resource.EnvTfAccProviderHost) == "" {
			// For the whole process, not one test: t.Setenv would undo it
			// when this test ends, and refuses parallel tests.
			_ = os.Setenv(resource.EnvTfAccProviderHost, cli.RegistryHost()) //nolint:usetesting // see above
		}
	})
	// A host the CLI does not use would fail every test with an obscure
	// "provider not found", and a run meant for OpenTofu (make test-tofu
	// sets registry.opentofu.org) must not pass on Terraform.
	if host := os.Getenv(resource.EnvTfAccProviderHost); host != cli.RegistryHost() {
		t.Fatalf("%s=%s, but the acceptance tests run %s, which installs providers from %s",
			resource.EnvTfAccProviderHost, host, cli, cli.RegistryHost())
	}
	return cli
}

// terraformCLI runs the real terraform binary, outside terraform-plugin-testing,
// against the provider built from this module and installed through
// dev_overrides in a CLI configuration of its own (no terraform init, nothing
// downloaded, ~/.terraformrc untouched). It is for what the test framework
// does not expose: -parallelism, and Terraform's own output.
type terraformCLI struct {
	t   *testing.T
	bin string
	dir string
	env []string
}

// providerRequirement makes the configuration use this provider's address.
const providerRequirement = `
terraform {
  required_providers {
    immuta = { source = "immuta/immuta" }
  }
}
`

// buildProvider builds the provider into a temporary directory. It is built
// without -race even under go test -race: the race detector would double the
// load test's time (the examples and quickstart tests build it the same way,
// so the build cache is shared).
func buildProvider(t *testing.T) string {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("go is needed to build the provider: %v", err)
	}
	dir := t.TempDir()
	args := []string{"build", "-o", filepath.Join(dir, "terraform-provider-immuta"), "github.com/immuta/terraform-provider-immuta"}
	began := time.Now()
	cmd := exec.Command(goBin, args...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	t.Logf("built the provider in %s", time.Since(began).Round(time.Millisecond))
	return dir
}

func terraformBinary(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("TF_ACC_TERRAFORM_PATH"); p != "" {
		return p
	}
	p, err := exec.LookPath("terraform")
	if err != nil {
		t.Fatal("terraform not found: set TF_ACC_TERRAFORM_PATH or put it on PATH")
	}
	return p
}

// newTerraformCLI prepares a working directory and the environment of the
// terraform processes: the test process's, without any TF_* or IMMUTA_*
// variable, plus a CLI configuration with the dev override and extra.
func newTerraformCLI(t *testing.T, providerDir string, extra ...string) *terraformCLI {
	t.Helper()
	dir := t.TempDir()
	cliConfig := filepath.Join(dir, "cli.tfrc")
	rc := fmt.Sprintf(`provider_installation {
  dev_overrides {
    %q = %q
  }
  direct {}
}
`, testCLI(t).ProviderAddress(), providerDir)
	if err := os.WriteFile(cliConfig, []byte(rc), 0o600); err != nil {
		t.Fatal(err)
	}
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "TF_") || strings.HasPrefix(name, "IMMUTA_") || name == "CHECKPOINT_DISABLE" {
			continue
		}
		env = append(env, kv)
	}
	env = append(env, "TF_CLI_CONFIG_FILE="+cliConfig, "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1")
	env = append(env, extra...)
	work := filepath.Join(dir, "work")
	if err := os.Mkdir(work, 0o755); err != nil {
		t.Fatal(err)
	}
	return &terraformCLI{t: t, bin: terraformBinary(t), dir: work, env: env}
}

// write replaces the working directory's configuration.
func (c *terraformCLI) write(config string) {
	c.t.Helper()
	if err := os.WriteFile(filepath.Join(c.dir, "main.tf"), []byte(providerRequirement+config), 0o600); err != nil {
		c.t.Fatal(err)
	}
}

// run runs terraform with args (and -no-color -input=false where they
// apply) and returns its combined output.
func (c *terraformCLI) run(ctx context.Context, args ...string) (string, error) {
	c.t.Helper()
	words := 1 // the command, and the subcommand of "state"
	if args[0] == "state" || args[0] == "providers" {
		words = 2
	}
	full := append(append([]string{}, args[:words]...), "-no-color")
	switch args[0] {
	case "plan", "apply", "destroy", "import", "refresh":
		full = append(full, "-input=false")
	}
	full = append(full, args[words:]...)
	cmd := exec.CommandContext(ctx, c.bin, full...)
	cmd.Dir = c.dir
	cmd.Env = c.env
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	err := cmd.Run()
	return out.String(), err
}

// mustRun is run that fails the test on an error.
func (c *terraformCLI) mustRun(ctx context.Context, args ...string) string {
	c.t.Helper()
	out, err := c.run(ctx, args...)
	if err != nil {
		c.t.Fatalf("terraform %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

// parallelCLITest opens a test that drives the terraform binary itself: an
// acceptance test, run in parallel, with the provider built and a working
// directory whose runs share a context bounded by limit.
func parallelCLITest(t *testing.T, limit time.Duration, extraEnv ...string) (*terraformCLI, context.Context) {
	t.Helper()
	accPreCheck(t)
	t.Parallel()
	tf := newTerraformCLI(t, buildProvider(t), extraEnv...)
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	t.Cleanup(cancel)
	return tf, ctx
}

// ---- Integrations seeded in the emulator, and what the data sources may
// show of them ----

// Hosts and secrets of the integrations the data-source tests seed.
const (
	dsCreatedHost     = "created.us-east-1.snowflakecomputing.com"
	dsSnowflakeHost   = "seeded.eu-west-1.snowflakecomputing.com"
	dsSnowflakeHost2  = "other.us-east-2.snowflakecomputing.com"
	dsDatabricksHost  = "dbc-1234.cloud.databricks.com"
	dsRedshiftHost    = "rs.acme.us-east-1.redshift.amazonaws.com"
	dsS3Path          = "s3://acme-data/raw/"
	dsSeedPassword    = "seeded-sf-password-91c2"
	dsSeedToken       = "dapi-seeded-token-55aa"
	dsSeedRSPassword  = "seeded-rs-password-07ee"
	dsSeedCredential  = `{"type":"service_account","private_key":"seeded-gcp-key-3f3f"}`
	dsSeedCredentialS = "seeded-gcp-key-3f3f"
)

// seedPayload is one POST payload for Emulator.LoadSeed.
type seedPayload struct {
	Type          string         `json:"type"`
	AutoBootstrap *bool          `json:"autoBootstrap,omitempty"`
	Config        map[string]any `json:"config,omitempty"`
}

func boolPtr(b bool) *bool { return &b }

// seedIntegrations loads the payloads into the emulator and returns the new
// integrations' IDs, in the order of the payloads (LoadSeed numbers them so).
func seedIntegrations(t *testing.T, srv *emulator.Server, payloads ...seedPayload) []string {
	t.Helper()
	known := map[string]bool{}
	for _, r := range srv.Emulator.Integrations() {
		known[r.ID] = true
	}
	b, err := json.Marshal(payloads)
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Emulator.LoadSeed(strings.NewReader(string(b))); err != nil {
		t.Fatalf("seeding the emulator: %v", err)
	}
	var ids []int
	for _, r := range srv.Emulator.Integrations() {
		if !known[r.ID] {
			n, err := strconv.Atoi(r.ID)
			if err != nil {
				t.Fatalf("emulator ID %q is not a number", r.ID)
			}
			ids = append(ids, n)
		}
	}
	if len(ids) != len(payloads) {
		t.Fatalf("seeded %d integrations, %d are new", len(payloads), len(ids))
	}
	sort.Ints(ids)
	out := make([]string, len(ids))
	for i, n := range ids {
		out[i] = strconv.Itoa(n)
	}
	return out
}

func seedSnowflakeAt(host, database string) seedPayload {
	return seedPayload{Type: "Snowflake", AutoBootstrap: boolPtr(false), Config: map[string]any{
		"host": host, "warehouse": "SEED_WH", "database": database,
		"authenticationType": "userPassword", "username": "IMMUTA_SEED", "password": dsSeedPassword,
	}}
}

func seedDatabricks() seedPayload {
	return seedPayload{Type: "Databricks", AutoBootstrap: boolPtr(false), Config: map[string]any{
		"workspaceUrl": dsDatabricksHost, "httpPath": "/sql/1.0/warehouses/seeded01",
		"authenticationType": "token", "token": dsSeedToken,
	}}
}

func seedRedshift(autoBootstrap bool) seedPayload {
	return seedPayload{Type: "Redshift", AutoBootstrap: boolPtr(autoBootstrap), Config: map[string]any{
		"host": dsRedshiftHost, "database": "IMMUTA_RS", "initialDatabase": "dev",
		"authenticationType": "userPassword", "username": "rs_admin", "password": dsSeedRSPassword,
	}}
}

func seedBigQuery() seedPayload {
	return seedPayload{Type: "Google BigQuery", AutoBootstrap: boolPtr(false), Config: map[string]any{
		"role": "projects/acme/roles/immuta", "datasetSuffix": "_secure", "location": "US", "credential": dsSeedCredential,
	}}
}

func seedS3() seedPayload {
	return seedPayload{Type: "Native S3", AutoBootstrap: boolPtr(false), Config: map[string]any{
		"name": "acme-raw", "awsAccountId": "123456789012", "awsRegion": "eu-west-1",
		"awsLocationRole": "arn:aws:iam::123456789012:role/immuta-s3", "awsLocationPath": dsS3Path, "authenticationType": "auto",
	}}
}

func seedTrino() seedPayload { return seedPayload{Type: "Trino"} }

// secretAttributeNames are the Terraform names of every secret field of
// every type, with their write-only siblings.
func secretAttributeNames() map[string]bool {
	names := map[string]bool{}
	var walk func([]integrationtype.Field)
	walk = func(fields []integrationtype.Field) {
		for _, f := range fields {
			if f.Secret {
				names[f.Name] = true
				names[f.WriteOnlyName()] = true
				names[f.WriteOnlyVersionName()] = true
			}
			walk(f.Fields)
		}
	}
	for _, t := range integrationtype.All {
		walk(t.Fields)
	}
	return names
}

// checkNoSecrets fails when the data source's state holds an attribute
// named like a secret (at any depth), or any of the secret values.
func checkNoSecrets(address string, values ...string) func(*terraform.State) error {
	secretNames := secretAttributeNames()
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[address]
		if !ok {
			return fmt.Errorf("%s not in state", address)
		}
		if len(rs.Primary.Attributes) == 0 {
			return fmt.Errorf("%s has no attributes", address)
		}
		for key, v := range rs.Primary.Attributes {
			parts := strings.Split(key, ".")
			if last := parts[len(parts)-1]; secretNames[last] {
				return fmt.Errorf("%s has the secret attribute %s", address, key)
			}
			for _, secret := range values {
				if strings.Contains(v, secret) {
					return fmt.Errorf("%s.%s holds a secret value", address, key)
				}
			}
		}
		return nil
	}
}

// loggedCalls returns the emulator's logged API requests with exactly that
// method and path.
func loggedCalls(srv *emulator.Server, method, path string) []emulator.LoggedRequest {
	var out []emulator.LoggedRequest
	for _, r := range srv.Emulator.Requests() {
		if r.Method == method && r.Path == path {
			out = append(out, r)
		}
	}
	return out
}

// accessCheckPath is what the provider asks for when it is configured, to
// check its url and api_key once per run (client.CheckAccess).
const accessCheckPath = "/integrations/0"

// callsBeyondAccessCheck are the API requests other than the provider's
// check of its settings: what plan-time errors must not have sent.
func callsBeyondAccessCheck(srv *emulator.Server) []emulator.LoggedRequest {
	var out []emulator.LoggedRequest
	for _, r := range srv.Emulator.Requests() {
		if r.Method != "GET" || r.Path != accessCheckPath {
			out = append(out, r)
		}
	}
	return out
}

// checkNoRequests fails when any API request beyond the provider's check of
// its settings reached the emulator.
func checkNoRequests(t *testing.T, srv *emulator.Server) {
	t.Helper()
	if reqs := callsBeyondAccessCheck(srv); len(reqs) != 0 {
		t.Fatalf("%d API request(s) reached Immuta, want none (plan-time errors): first %s %s", len(reqs), reqs[0].Method, reqs[0].Path)
	}
}

// ---- The newer Terraform (identity, terraform query, actions) ----

// envLatestTerraform names the newer CLI that runs the tests of the
// workflows the oldest supported Terraform lacks (resource identity,
// terraform query, actions): make test sets it to the newest Terraform
// (TERRAFORM_NEWEST), and make test-tofu to the newest OpenTofu, for the
// workflows OpenTofu has. The rest of the suite runs TF_ACC_TERRAFORM_PATH.
const envLatestTerraform = "TF_ACC_TERRAFORM_LATEST_PATH"

// newerWorkflow is a workflow only newer CLIs have, and the first minor
// version of Terraform and of OpenTofu (1.x; 0: none yet) that has it.
type newerWorkflow struct {
	name                    string
	terraform, openTofuFrom int
}

var (
	// Import blocks by identity: Terraform 1.12, OpenTofu 1.12.
	workflowIdentity = newerWorkflow{name: "import by resource identity", terraform: 12, openTofuFrom: 12}
	// terraform query, list resources and actions: Terraform 1.14 only.
	workflowQueryAndActions = newerWorkflow{name: "terraform query and actions", terraform: 14}
)

// minor is the CLI's 1.x minor version (-1 if not 1.x).
func minor(cli tfcli.CLI) int {
	parts := strings.SplitN(cli.Version, ".", 3)
	if len(parts) < 2 || parts[0] != "1" {
		return -1
	}
	m, err := strconv.Atoi(parts[1])
	if err != nil {
		return -1
	}
	return m
}

// has reports whether the CLI has the workflow.
func (w newerWorkflow) has(cli tfcli.CLI) bool {
	from := w.terraform
	if cli.OpenTofu() {
		from = w.openTofuFrom
	}
	return from > 0 && minor(cli) >= from
}

// newerCLI returns the path of the newer CLI (TF_ACC_TERRAFORM_LATEST_PATH),
// which must have the workflow. Like every acceptance test, a test that
// needs it fails, never skips, when it is missing.
func newerCLI(t *testing.T, w newerWorkflow) string {
	t.Helper()
	accPreCheck(t)
	bin := os.Getenv(envLatestTerraform)
	if bin == "" {
		t.Fatalf("%s is not set: this test needs Terraform >= 1.%d. make test obtains one; by hand: "+
			"%s=$(scripts/obtain-cli.sh terraform <version>), such as TERRAFORM_NEWEST in GNUmakefile", envLatestTerraform, w.terraform, envLatestTerraform)
	}
	v, ok := latestCLIs.Load(bin)
	if !ok {
		cli, err := tfcli.Identify(context.Background(), bin)
		if err != nil {
			t.Fatalf("%s=%s: %v", envLatestTerraform, bin, err)
		}
		v, _ = latestCLIs.LoadOrStore(bin, cli)
	}
	cli := v.(tfcli.CLI)
	if !w.has(cli) {
		t.Fatalf("%s is %s, which lacks %s (Terraform 1.%d or later needed)", envLatestTerraform, cli, w.name, w.terraform)
	}
	return bin
}

var latestCLIs sync.Map // binary path -> tfcli.CLI

// latestTerraform returns the path of the Terraform >= 1.14 binary, for
// terraform query and actions.
func latestTerraform(t *testing.T) string {
	t.Helper()
	return newerCLI(t, workflowQueryAndActions)
}

// useNewerCLI makes terraform-plugin-testing run the newer CLI, which must
// have the workflow, in this test. It reads TF_ACC_TERRAFORM_PATH from the
// process environment, so such a test cannot run in parallel (t.Setenv
// refuses it): Go runs it before the parallel tests start.
func useNewerCLI(t *testing.T, w newerWorkflow) {
	t.Helper()
	t.Setenv("TF_ACC_TERRAFORM_PATH", newerCLI(t, w))
}

// useLatestTerraform is useNewerCLI for terraform query and actions.
func useLatestTerraform(t *testing.T) {
	t.Helper()
	useNewerCLI(t, workflowQueryAndActions)
}

// latestCLI is a terraformCLI (the CLI run outside terraform-plugin-testing)
// with the Terraform >= 1.14 binary; such tests may run in parallel.
func latestCLI(t *testing.T, providerDir string) *terraformCLI {
	t.Helper()
	bin := latestTerraform(t)
	c := newTerraformCLI(t, providerDir)
	c.bin = bin
	return c
}

// writeFile adds a file to the working directory of c.
func (c *terraformCLI) writeFile(name, content string) {
	c.t.Helper()
	if err := os.WriteFile(filepath.Join(c.dir, name), []byte(content), 0o600); err != nil {
		c.t.Fatal(err)
	}
}

// readFile reads a file of the working directory of c.
func (c *terraformCLI) readFile(name string) string {
	c.t.Helper()
	b, err := os.ReadFile(filepath.Join(c.dir, name))
	if err != nil {
		c.t.Fatal(err)
	}
	return string(b)
}

// version prints the binary c runs, for the test log.
func (c *terraformCLI) version() string {
	out, err := exec.Command(c.bin, "version").Output()
	if err != nil {
		return fmt.Sprintf("%s (version unknown: %v)", c.bin, err)
	}
	return strings.SplitN(string(out), "\n", 2)[0]
}

// ---- Configurations and checks of the resource ----

const sfHost = "acme.us-east-1.snowflakecomputing.com"

// snowflake returns a manual Snowflake block body with the given warehouse.
func snowflake(warehouse string) string {
	return fmt.Sprintf(`
    host                = %q
    warehouse           = %q
    database            = "IMMUTA_DB"
    role                = "ACCOUNTADMIN"
    authentication_type = "userPassword"
    username            = "IMMUTA_SYSTEM"
    password            = "snowflake-pw-1"`, sfHost, warehouse)
}

func failedTest(name, message string) emulator.ValidationTest {
	return emulator.ValidationTest{Name: name, Status: "failed", Message: message}
}

const (
	warehouseTest     = "Initial Validation: Default Warehouse Access Test"
	warehouseMessage  = "Warehouse COMPUTE_WH does not exist or the Immuta role cannot use it. Grant USAGE on the warehouse."
	connectionTest    = "Initial Validation: Basic Connection Test"
	connectionMessage = "Unable to connect: the credentials were rejected."
)

func basicCase(srv *emulator.Server, steps ...resource.TestStep) resource.TestCase {
	return resource.TestCase{
		PreCheck:                 nil,
		ProtoV6ProviderFactories: testProviders,
		CheckDestroy:             checkNothingLeft(srv),
		Steps:                    steps,
	}
}

const writeOnlySnowflake = `
    host                = "acme.us-east-1.snowflakecomputing.com"
    warehouse           = "COMPUTE_WH"
    database            = "IMMUTA_DB"
    role                = "ACCOUNTADMIN"
    authentication_type = "userPassword"
    username            = "IMMUTA_SYSTEM"
    password_wo         = %q
    password_wo_version = %d`

// seedSnowflake creates a Snowflake integration directly in the emulator, as
// if someone had made it outside Terraform, and returns its ID.
func seedSnowflake(t *testing.T, srv *emulator.Server, autoBootstrap bool) string {
	t.Helper()
	seed := fmt.Sprintf(`[{"type":"Snowflake","autoBootstrap":%t,"config":{"host":%q,"warehouse":"COMPUTE_WH","database":"IMMUTA_DB",
		"role":"ACCOUNTADMIN","authenticationType":"userPassword","username":"IMMUTA_SYSTEM","password":"seeded-pw"}}]`, autoBootstrap, sfHost)
	if err := srv.Emulator.LoadSeed(strings.NewReader(seed)); err != nil {
		t.Fatal(err)
	}
	recs := srv.Emulator.Integrations()
	return recs[len(recs)-1].ID
}

const resourceAddress = "immuta_integration.test"

func integrationConfig(srv *emulator.Server, block, body, autoBootstrap string) string {
	ab := ""
	if autoBootstrap != "" {
		ab = "auto_bootstrap = " + autoBootstrap
	}
	return providerConfig(srv) + fmt.Sprintf(`
resource "immuta_integration" "test" {
  %s
  %s = {
%s
  }
}
`, ab, block, body)
}

func checkSameID(ids *idRecorder) func(*terraform.State) error {
	return func(s *terraform.State) error {
		got := s.RootModule().Resources[resourceAddress].Primary.ID
		if got != ids.get() {
			return fmt.Errorf("id changed from %s to %s: the integration was replaced, not updated", ids.get(), got)
		}
		return nil
	}
}

// checkCount asserts how many integrations the emulator holds: no
// duplicate, no orphan.
func checkCount(srv *emulator.Server, want int) func(*terraform.State) error {
	return func(*terraform.State) error {
		if got := len(liveIntegrations(srv)); got != want {
			return fmt.Errorf("the emulator holds %d integrations, want %d", got, want)
		}
		return nil
	}
}

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

func loggedCallsPrefix(srv *emulator.Server, method, prefix string) []emulator.LoggedRequest {
	var out []emulator.LoggedRequest
	for _, r := range srv.Emulator.Requests() {
		if r.Method == method && strings.HasPrefix(r.Path, prefix) {
			out = append(out, r)
		}
	}
	return out
}

// trinoKey is the API key Immuta holds for the only Trino integration.
func trinoKey(t *testing.T, srv *emulator.Server) (id, key string) {
	t.Helper()
	for _, rec := range liveIntegrations(srv) {
		if rec.Type == "Trino" {
			key, _ := rec.Config["apiKey"].(string)
			if key == "" {
				t.Fatalf("Trino integration %s has no apiKey in the emulator", rec.ID)
			}
			return rec.ID, key
		}
	}
	t.Fatal("no Trino integration in the emulator")
	return "", ""
}

func trinoConfig(srv *emulator.Server, block string) string {
	return providerConfig(srv) + `
resource "immuta_integration" "test" {
  trino = ` + block + `
}
`
}

// filesHolding lists the files under dir whose contents (or, for a plan
// file, a zip archive, whose entries) hold s.
func filesHolding(t *testing.T, dir, s string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.Contains(p, string(filepath.Separator)+".terraform"+string(filepath.Separator)) {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if strings.Contains(string(b), s) {
			out = append(out, p)
		}
		if zr, err := zip.NewReader(strings.NewReader(string(b)), int64(len(b))); err == nil {
			for _, f := range zr.File {
				rc, err := f.Open()
				if err != nil {
					return err
				}
				entry, err := io.ReadAll(rc)
				rc.Close()
				if err != nil {
					return err
				}
				if strings.Contains(string(entry), s) {
					out = append(out, p+":"+f.Name)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// detailedExitCode runs terraform plan -detailed-exitcode and returns its
// exit code (0 no change, 1 error, 2 changes) and output.
// providerWarnings counts the warnings in Terraform's output but the one
// about the development override every test's CLI configuration sets.
func providerWarnings(out string) int {
	return strings.Count(out, "Warning:") - strings.Count(out, "Warning: Provider development overrides are in effect")
}

func (c *terraformCLI) detailedExitCode(ctx context.Context, args ...string) (int, string) {
	c.t.Helper()
	out, err := c.run(ctx, append([]string{"plan", "-detailed-exitcode"}, args...)...)
	var exit *exec.ExitError
	switch {
	case err == nil:
		return 0, out
	case errors.As(err, &exit):
		return exit.ExitCode(), out
	}
	c.t.Fatalf("terraform plan: %v\n%s", err, out)
	return -1, out
}

// stateAttr reads one attribute of a resource from `terraform show -json`.
func stateAttr(t *testing.T, tf *terraformCLI, ctx context.Context, address string, names ...string) any {
	t.Helper()
	var shown struct {
		Values struct {
			RootModule struct {
				Resources []struct {
					Address string         `json:"address"`
					Values  map[string]any `json:"values"`
				} `json:"resources"`
			} `json:"root_module"`
		} `json:"values"`
	}
	out := tf.mustRun(ctx, "show", "-json")
	if err := json.Unmarshal([]byte(out[strings.Index(out, "{"):]), &shown); err != nil {
		t.Fatalf("show -json: %v\n%s", err, out)
	}
	for _, r := range shown.Values.RootModule.Resources {
		if r.Address != address {
			continue
		}
		var v any = r.Values
		for _, n := range names {
			m, _ := v.(map[string]any)
			v = m[n]
		}
		return v
	}
	t.Fatalf("%s is not in the state:\n%s", address, out)
	return nil
}

func readFile(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// zipEntries returns the uncompressed text of every entry of a zip file.
func zipEntries(t *testing.T, name string) map[string]string {
	t.Helper()
	r, err := zip.OpenReader(name)
	if err != nil {
		t.Fatalf("reading the plan file: %v", err)
	}
	defer r.Close()
	out := map[string]string{}
	for _, f := range r.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		out[f.Name] = string(b)
	}
	return out
}

func resourceBlock(name, body string) string {
	return fmt.Sprintf("\nresource \"immuta_integration\" %q {\n%s\n}\n", name, body)
}

var planSummary = regexp.MustCompile(`Plan: (\d+) to import, (\d+) to add, (\d+) to change, (\d+) to destroy\.`)

// ---- Matching what Terraform prints ----

// Terraform wraps the lines it prints wherever they had a space, so the tests
// match what it prints whatever the wrapping: in an expected text or pattern,
// a run of spaces matches any run of white space.
var spaces = regexp.MustCompile(`[ \t\n]+`)

func anyWrapping(pattern string) string { return spaces.ReplaceAllLiteralString(pattern, `\s+`) }

// wrapped is the pattern of a literal text, however Terraform wrapped it.
func wrapped(text string) string { return anyWrapping(regexp.QuoteMeta(text)) }

// errorPattern compiles an expected error, a pattern in which . also
// matches line ends, however Terraform wrapped it.
func errorPattern(pattern string) *regexp.Regexp {
	return regexp.MustCompile(`(?s)` + anyWrapping(pattern))
}

// shows reports whether Terraform's output holds text, however it wrapped it.
func shows(out, text string) bool { return regexp.MustCompile(wrapped(text)).MatchString(out) }

// countOf counts text in Terraform's output, however it wrapped it.
func countOf(out, text string) int {
	return len(regexp.MustCompile(wrapped(text)).FindAllStringIndex(out, -1))
}

// anyOrder is a pattern matching text where a and b both appear, in either
// order: for errors reported as separate diagnostics, which Terraform 1.11
// prints in the provider's order and Terraform 1.16 sorts by source
// position. It is meant for (?s) patterns, where . matches newlines.
func anyOrder(a, b string) string {
	return "(?:" + a + ".*" + b + "|" + b + ".*" + a + ")"
}
