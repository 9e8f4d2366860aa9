// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck/queryfilter"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/immuta/terraform-provider-immuta/internal/emulator"
)

// tenantSecret is the secret of the i-th integration of adoptionTenant: each
// one differs, so a leak names its integration.
func tenantSecret(i int) string { return fmt.Sprintf("tenant-secret-%02d-5e1f", i) }

// adoptionTenant is a tenant set up by hand in Immuta's UI: 20 integrations
// of every type and authentication type, with optional settings on some.
func adoptionTenant() []seedPayload {
	var out []seedPayload
	add := func(typ string, cfg map[string]any) {
		p := seedPayload{Type: typ, Config: cfg}
		if typ != "Trino" {
			p.AutoBootstrap = boolPtr(false)
		}
		out = append(out, p)
	}
	n := func() int { return len(out) }
	add("Snowflake", map[string]any{"host": "sf0.us-east-1.snowflakecomputing.com", "warehouse": "WH", "database": "IMMUTA_0",
		"authenticationType": "userPassword", "username": "IMMUTA", "password": tenantSecret(n())})
	add("Snowflake", map[string]any{"host": "sf1.eu-west-1.snowflakecomputing.com", "warehouse": "WH", "database": "IMMUTA_1",
		"authenticationType": "keyPair", "username": "IMMUTA", "privateKey": map[string]any{"content": tenantSecret(n())},
		"audit": map[string]any{"enabled": true}, "workspaces": map[string]any{"enabled": true, "warehouses": []string{"WS"}}})
	add("Snowflake", map[string]any{"host": "sf2.us-west-2.snowflakecomputing.com", "warehouse": "WH", "database": "IMMUTA_2",
		"authenticationType": "oAuthClientCredentials", "oAuthClientConfig": map[string]any{"provider": "Okta", "clientId": "client-2",
			"authorityUrl": "https://acme.okta.com/oauth2/v1/token", "useCertificate": false, "clientSecret": tenantSecret(n())},
		"impersonation": map[string]any{"enabled": true, "role": "IMP"}})
	add("Snowflake", map[string]any{"host": "sf3.ap-south-1.snowflakecomputing.com", "warehouse": "WH", "database": "IMMUTA_3",
		"authenticationType": "userPassword", "username": "IMMUTA", "password": tenantSecret(n()),
		"lineage": map[string]any{"enabled": true, "ingestBatchSize": 500}})
	add("Databricks", map[string]any{"workspaceUrl": "dbc-0.cloud.databricks.com", "httpPath": "/sql/1.0/warehouses/w0",
		"authenticationType": "token", "token": tenantSecret(n())})
	add("Databricks", map[string]any{"workspaceUrl": "dbc-1.cloud.databricks.com", "httpPath": "/sql/1.0/warehouses/w1", "catalog": "gov",
		"authenticationType": "oAuthM2M", "oAuthClientConfig": map[string]any{"clientId": "sp-1", "clientSecret": tenantSecret(n())}})
	add("Databricks", map[string]any{"workspaceUrl": "dbc-2.cloud.databricks.com", "httpPath": "/sql/1.0/warehouses/w2",
		"authenticationType": "token", "token": tenantSecret(n()), "groupPattern": map[string]any{"deny": "exempt"}})
	add("Redshift", map[string]any{"host": "rs0.example.us-east-1.redshift.amazonaws.com", "database": "IMMUTA", "initialDatabase": "dev",
		"authenticationType": "userPassword", "username": "admin", "password": tenantSecret(n())})
	add("Redshift", map[string]any{"host": "rs1.example.us-east-1.redshift.amazonaws.com", "port": 5440, "database": "IMMUTA", "initialDatabase": "dev",
		"authenticationType": "accessKey", "databaseUser": "immuta", "accessKeyId": "AKIA0000000000000001", "secretKey": tenantSecret(n())})
	add("Redshift", map[string]any{"host": "rs2.example.us-east-1.redshift.amazonaws.com", "database": "IMMUTA", "initialDatabase": "dev",
		"authenticationType": "userPassword", "username": "admin", "password": tenantSecret(n())})
	add("Azure Synapse Analytics", map[string]any{"host": "syn0.sql.azuresynapse.net", "database": "pool", "schema": "immuta",
		"authenticationType": "userPassword", "username": "immuta", "password": tenantSecret(n())})
	add("Azure Synapse Analytics", map[string]any{"host": "syn1.sql.azuresynapse.net", "database": "pool", "schema": "immuta",
		"authenticationType": "userPassword", "username": "immuta", "password": tenantSecret(n())})
	add("Azure Synapse Analytics", map[string]any{"host": "syn2.sql.azuresynapse.net", "database": "pool", "schema": "immuta",
		"authenticationType": "userPassword", "username": "immuta", "password": tenantSecret(n())})
	add("Google BigQuery", map[string]any{"role": "projects/acme/roles/immuta", "datasetSuffix": "_secure", "location": "US",
		"credential": fmt.Sprintf(`{"type":"service_account","private_key":%q}`, tenantSecret(n()))})
	add("Google BigQuery", map[string]any{"role": "projects/acme/roles/immuta", "datasetSuffix": "_secure", "location": "europe-west1", "dataset": "immuta_eu",
		"credential": fmt.Sprintf(`{"type":"service_account","private_key":%q}`, tenantSecret(n()))})
	add("Native S3", map[string]any{"name": "raw", "awsAccountId": "123456789012", "awsRegion": "eu-west-1",
		"awsLocationRole": "arn:aws:iam::123456789012:role/immuta-s3", "awsLocationPath": "s3://acme-raw/", "authenticationType": "auto"})
	add("Native S3", map[string]any{"name": "curated", "awsAccountId": "123456789012", "awsRegion": "eu-west-1",
		"awsLocationRole": "arn:aws:iam::123456789012:role/immuta-s3", "awsLocationPath": "s3://acme-curated/", "authenticationType": "accessKey",
		"awsAccessKeyId": "AKIA0000000000000002", "awsSecretAccessKey": tenantSecret(n())})
	add("Native S3", map[string]any{"name": "shared", "awsAccountId": "210987654321", "awsRegion": "us-east-1",
		"awsLocationRole": "arn:aws:iam::210987654321:role/immuta-s3", "awsLocationPath": "s3://acme-shared/data/", "authenticationType": "auto",
		"awsRoleToAssume": "arn:aws:iam::210987654321:role/immuta-assume"})
	add("Databricks", map[string]any{"workspaceUrl": "dbc-3.cloud.databricks.com", "httpPath": "/sql/1.0/warehouses/w3",
		"authenticationType": "oAuthM2M", "oAuthClientConfig": map[string]any{"clientId": "sp-3", "clientSecret": tenantSecret(n()), "scope": "sql"}})
	add("Trino", nil) // one per tenant
	return out
}

// secretAssignment matches a generated line that sets a secret attribute.
func secretAssignment() *regexp.Regexp {
	var names []string
	for name := range secretAttributeNames() {
		names = append(names, regexp.QuoteMeta(name))
	}
	names = append(names, "api_key")
	return regexp.MustCompile(`(?m)^\s*(` + strings.Join(names, "|") + `)\s*=\s*(.*)$`)
}

// The required adoption test: a tenant of 20 integrations of every type,
// made outside Terraform, is adopted with one terraform query
// -generate-config-out and one plan that imports all 20 and changes
// nothing; the generated file holds no secret, and after the apply the
// plan is empty. Both answer styles: the literal one leaves defaults and
// secrets out of Immuta's answers.
func TestAccNewerTerraform_adoptTenantWithQuery(t *testing.T) {
	t.Parallel()
	latestTerraform(t)
	providerDir := buildProvider(t)
	for _, style := range answerStyles {
		t.Run(string(style), func(t *testing.T) {
			t.Parallel()
			srv := startEmulatorStyle(t, style)
			tenant := adoptionTenant()
			ids := seedIntegrations(t, srv, tenant...)
			if len(ids) != 20 {
				t.Fatalf("seeded %d integrations, want 20", len(ids))
			}
			secrets := []string{}
			for i := range tenant {
				secrets = append(secrets, tenantSecret(i))
			}
			for _, rec := range srv.Emulator.Integrations() {
				if key, ok := rec.Config["apiKey"].(string); ok {
					secrets = append(secrets, key)
				}
			}

			c := latestCLI(t, providerDir)
			t.Logf("running %s", c.version())
			c.write(providerConfig(srv))
			c.writeFile("adopt.tfquery.hcl", `
list "immuta_integration" "tenant" {
  provider         = immuta
  include_resource = true
}
`)
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
			defer cancel()

			out := c.mustRun(ctx, "query")
			for _, id := range ids {
				if !regexp.MustCompile(`list\.immuta_integration\.tenant\s+id=` + id + `\s`).MatchString(out) {
					t.Errorf("terraform query does not list integration %s:\n%s", id, out)
				}
			}

			c.mustRun(ctx, "query", "-generate-config-out=generated.tf")
			generated := c.readFile("generated.tf")
			if n := strings.Count(generated, "\nimport {"); n != 20 {
				t.Errorf("generated.tf holds %d import blocks, want 20", n)
			}
			if n := strings.Count(generated, "identity = {"); n != 20 {
				t.Errorf("generated.tf holds %d identities, want 20 (import by identity)", n)
			}
			for _, s := range secrets {
				if strings.Contains(generated, s) {
					t.Errorf("generated.tf holds the secret %q", s)
				}
			}
			for _, m := range secretAssignment().FindAllStringSubmatch(generated, -1) {
				if !strings.HasPrefix(m[2], "null") {
					t.Errorf("generated.tf sets the secret attribute %s = %s", m[1], m[2])
				}
			}

			out = c.mustRun(ctx, "plan", "-out=adopt.tfplan")
			got := planSummary.FindStringSubmatch(out)
			if got == nil || got[1] != "20" || got[2] != "0" || got[3] != "0" || got[4] != "0" {
				t.Fatalf("the plan of the generated configuration is not 20 imports and nothing else:\n%s", out)
			}
			c.mustRun(ctx, "apply", "adopt.tfplan")
			if out, err := c.run(ctx, "plan", "-detailed-exitcode"); err != nil {
				t.Fatalf("after the adoption, the plan is not empty (%v):\n%s", err, out)
			}
			state := c.mustRun(ctx, "show", "-json")
			for _, s := range secrets[:len(tenant)] {
				if strings.Contains(state, s) {
					t.Errorf("the state holds the secret %q, which Immuta never returns", s)
				}
			}
			if n := strings.Count(state, `"identity":{"id":"`); n != 20 {
				t.Errorf("the state holds %d identities, want 20", n)
			}
			// The state has no secret: a change Terraform must send needs them,
			// and the plan names the one missing rather than sending without it.
			first := regexp.MustCompile(`warehouse\s*=\s*"WH"`).FindStringIndex(generated) // of tenant_0, userPassword
			if first == nil {
				t.Fatalf("generated.tf sets no warehouse:\n%s", generated)
			}
			c.writeFile("generated.tf", generated[:first[0]]+`warehouse = "WH2"`+generated[first[1]:])
			if out, err := c.run(ctx, "plan"); err == nil || !regexp.MustCompile(`snowflake\.password is required when\s+authentication_type = "userPassword"`).MatchString(out) {
				t.Errorf("a change to an adopted integration without its secret did not fail naming it (%v):\n%s", err, out)
			}
			if len(liveIntegrations(srv)) != 20 {
				t.Errorf("the emulator holds %d integrations after the adoption, want the same 20", len(liveIntegrations(srv)))
			}
		})
	}
}

// queryCase runs a query step after a step that only configures the
// provider: terraform-plugin-testing's query mode needs a configuration.
func queryCase(srv *emulator.Server, query resource.TestStep) resource.TestCase {
	query.Query = true
	return resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.RequireAbove(tfversion.Version1_14_0)},
		Steps:                    []resource.TestStep{{Config: providerConfig(srv)}, query},
	}
}

func TestAccNewerTerraform_queryFilters(t *testing.T) {
	useLatestTerraform(t)
	srv := startEmulatorStyle(t, emulator.AnswerLiteral)
	ids := seedIntegrations(t, srv, seedSnowflakeAt(dsSnowflakeHost, "SEED_DB"), seedRedshift(true),
		seedSnowflakeAt(dsSnowflakeHost2, "OTHER_DB"), seedTrino(), seedSnowflakeAt("gone.us-east-1.snowflakecomputing.com", "GONE"))
	sf1, rs, sf2, trino, gone := ids[0], ids[1], ids[2], ids[3], ids[4]
	if err := srv.Emulator.ForceStatus(sf2, emulator.ForcedStatus{Status: "recurringValidationError"}); err != nil {
		t.Fatal(err)
	}
	if err := srv.Emulator.ForceStatus(gone, emulator.ForcedStatus{Status: "deleted"}); err != nil {
		t.Fatal(err)
	}
	byID := func(id string) queryfilter.QueryFilter {
		return queryfilter.ByResourceIdentity(map[string]knownvalue.Check{"id": knownvalue.StringExact(id)})
	}
	identity := func(addr, id string) querycheck.QueryResultCheck {
		return querycheck.ExpectIdentity(addr, map[string]knownvalue.Check{"id": knownvalue.StringExact(id)})
	}
	resource.Test(t, queryCase(srv, resource.TestStep{
		Config: `
list "immuta_integration" "all" {
  provider         = immuta
  include_resource = true
}

list "immuta_integration" "snowflake" {
  provider = immuta
  config {
    type = "snowflake"
  }
}

list "immuta_integration" "failing" {
  provider = immuta
  config {
    status = "recurringValidationError"
  }
}

list "immuta_integration" "manual" {
  provider = immuta
  config {
    auto_bootstrap = false
  }
}

list "immuta_integration" "auto_bootstrapped" {
  provider = immuta
  config {
    auto_bootstrap = true
  }
}

list "immuta_integration" "first_two" {
  provider = immuta
  limit    = 2
}

list "immuta_integration" "host" {
  provider = immuta
  config {
    host = "` + strings.ToUpper(dsSnowflakeHost) + `"
  }
}
`,
		QueryResultChecks: []querycheck.QueryResultCheck{
			// Deleted integrations are never listed: they cannot be imported.
			querycheck.ExpectLength("immuta_integration.all", 4),
			identity("immuta_integration.all", sf1), identity("immuta_integration.all", rs),
			identity("immuta_integration.all", sf2), identity("immuta_integration.all", trino),
			querycheck.ExpectNoIdentity("immuta_integration.all", map[string]knownvalue.Check{"id": knownvalue.StringExact(gone)}),
			querycheck.ExpectResourceDisplayName("immuta_integration.all", byID(rs),
				knownvalue.StringExact("Amazon Redshift integration on "+dsRedshiftHost+" (id "+rs+")")),
			// The resource object is the state an import reads, without secrets:
			// not the password Immuta never returns, nor the Trino key it does.
			querycheck.ExpectResourceKnownValues("immuta_integration.all", byID(sf1), []querycheck.KnownValueCheck{
				{Path: tfjsonpath.New("id"), KnownValue: knownvalue.StringExact(sf1)},
				{Path: tfjsonpath.New("snowflake").AtMapKey("host"), KnownValue: knownvalue.StringExact(dsSnowflakeHost)},
				{Path: tfjsonpath.New("snowflake").AtMapKey("port"), KnownValue: knownvalue.Int64Exact(443)},
				{Path: tfjsonpath.New("snowflake").AtMapKey("password"), KnownValue: knownvalue.Null()},
				{Path: tfjsonpath.New("auto_bootstrap"), KnownValue: knownvalue.Bool(false)},
			}),
			querycheck.ExpectResourceKnownValues("immuta_integration.all", byID(rs), []querycheck.KnownValueCheck{
				{Path: tfjsonpath.New("auto_bootstrap"), KnownValue: knownvalue.Bool(true)},
			}),
			querycheck.ExpectResourceKnownValues("immuta_integration.all", byID(trino), []querycheck.KnownValueCheck{
				{Path: tfjsonpath.New("trino").AtMapKey("api_key"), KnownValue: knownvalue.Null()},
				{Path: tfjsonpath.New("snowflake"), KnownValue: knownvalue.Null()},
			}),
			querycheck.ExpectLength("immuta_integration.snowflake", 2),
			identity("immuta_integration.snowflake", sf1), identity("immuta_integration.snowflake", sf2),
			querycheck.ExpectLength("immuta_integration.failing", 1),
			identity("immuta_integration.failing", sf2),
			querycheck.ExpectLength("immuta_integration.manual", 3),
			identity("immuta_integration.manual", sf1), identity("immuta_integration.manual", sf2), identity("immuta_integration.manual", trino),
			querycheck.ExpectLength("immuta_integration.auto_bootstrapped", 1),
			identity("immuta_integration.auto_bootstrapped", rs),
			// The limit of the list block (Terraform's default is 100), in the order of IDs.
			querycheck.ExpectLength("immuta_integration.first_two", 2),
			identity("immuta_integration.first_two", sf1), identity("immuta_integration.first_two", rs),
			querycheck.ExpectLength("immuta_integration.host", 1),
			identity("immuta_integration.host", sf1),
		},
	}))
}

func TestAccNewerTerraform_queryRejectsBadFilters(t *testing.T) {
	useLatestTerraform(t)
	srv := startEmulator(t)
	cases := []struct{ filter, want string }{
		{`type = "oracle"`, `(?s)Attribute type value must be one of.*snowflake`},
		{`status = "deleted"`, `(?s)Attribute status value must be none of.*deleted`},
		{`status = "bogus"`, `(?s)Attribute status value must be one of:.*"enabled".*"createError".*got: "bogus"`},
	}
	for _, tc := range cases {
		resource.Test(t, queryCase(srv, resource.TestStep{
			Config: `
list "immuta_integration" "bad" {
  provider = immuta
  config {
    ` + tc.filter + `
  }
}
`,
			ExpectError: regexp.MustCompile(tc.want),
		}))
	}
	if n := len(loggedCalls(srv, "GET", "/integrations")); n != 0 {
		t.Errorf("a rejected filter listed the integrations (%d GET /integrations)", n)
	}
}

// An auto-bootstrapped integration's generated configuration lacks the
// privileged credentials Immuta does not keep: the plan names them, and the
// auto_bootstrap filter adopts the others first.
func TestAccNewerTerraform_queryAutoBootstrapped(t *testing.T) {
	t.Parallel()
	latestTerraform(t)
	providerDir := buildProvider(t)
	srv := startEmulatorStyle(t, emulator.AnswerLiteral)
	ids := seedIntegrations(t, srv, seedRedshift(true), seedSnowflakeAt(dsSnowflakeHost, "SEED_DB"))
	c := latestCLI(t, providerDir)
	c.write(providerConfig(srv))
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()

	c.writeFile("adopt.tfquery.hcl", `
list "immuta_integration" "all" {
  provider         = immuta
  include_resource = true
}
`)
	c.mustRun(ctx, "query", "-generate-config-out=generated.tf")
	out, err := c.run(ctx, "plan")
	if err == nil || !regexp.MustCompile(`(?s)redshift\.authentication_type`).MatchString(out) {
		t.Fatalf("the plan of an auto-bootstrapped integration's generated configuration did not name its missing credentials (%v):\n%s", err, out)
	}

	if err := os.Remove(filepath.Join(c.dir, "generated.tf")); err != nil {
		t.Fatal(err)
	}
	c.writeFile("adopt.tfquery.hcl", `
list "immuta_integration" "manual" {
  provider         = immuta
  include_resource = true
  config {
    auto_bootstrap = false
  }
}
`)
	c.mustRun(ctx, "query", "-generate-config-out=generated.tf")
	out = c.mustRun(ctx, "plan")
	if got := planSummary.FindStringSubmatch(out); got == nil || got[1] != "1" || got[2] != "0" || got[3] != "0" || got[4] != "0" {
		t.Fatalf("the plan of the manually set-up integration is not one import:\n%s", out)
	}
	if !strings.Contains(c.readFile("generated.tf"), `id = "`+ids[1]+`"`) {
		t.Errorf("generated.tf does not import the Snowflake integration %s", ids[1])
	}
}
