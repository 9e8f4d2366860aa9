// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/immuta/terraform-provider-immuta/internal/integrationtype"
)

// checkOtherBlocksNull asserts that every type block but the given one is null.
func checkOtherBlocksNull(address, block string) []statecheck.StateCheck {
	var checks []statecheck.StateCheck
	for _, t := range integrationtype.All {
		if t.Block != block {
			checks = append(checks, statecheck.ExpectKnownValue(address, tfjsonpath.New(t.Block), knownvalue.Null()))
		}
	}
	return checks
}

func TestAccDataSourceIntegration_createdInSameConfig(t *testing.T) {
	srv := startEmulator(t)
	ids := &idRecorder{}
	const password = "same-config-pw-4e1d"
	config := providerConfig(srv) + fmt.Sprintf(`
resource "immuta_integration" "test" {
  snowflake = {
    host                = %q
    warehouse           = "COMPUTE_WH"
    database            = "IMMUTA_SAME"
    authentication_type = "userPassword"
    username            = "IMMUTA_SYSTEM"
    password            = %q
    impersonation       = { enabled = true, role = "IMP_ROLE" }
  }
}

data "immuta_integration" "by_id" {
  id = immuta_integration.test.id
}

data "immuta_integration" "by_host" {
  type = "snowflake"
  host = immuta_integration.test.snowflake.host
}
`, dsCreatedHost, password)
	checks := []statecheck.StateCheck{
		statecheck.CompareValuePairs("data.immuta_integration.by_id", tfjsonpath.New("id"), resourceAddress, tfjsonpath.New("id"), compare.ValuesSame()),
		statecheck.CompareValuePairs("data.immuta_integration.by_host", tfjsonpath.New("id"), resourceAddress, tfjsonpath.New("id"), compare.ValuesSame()),
	}
	for _, ds := range []string{"data.immuta_integration.by_id", "data.immuta_integration.by_host"} {
		checks = append(checks,
			statecheck.ExpectKnownValue(ds, tfjsonpath.New("type"), knownvalue.StringExact("snowflake")),
			statecheck.ExpectKnownValue(ds, tfjsonpath.New("host"), knownvalue.StringExact(dsCreatedHost)),
			statecheck.ExpectKnownValue(ds, tfjsonpath.New("status"), knownvalue.StringExact("enabled")),
			statecheck.ExpectKnownValue(ds, tfjsonpath.New("auto_bootstrap"), knownvalue.Bool(false)),
			statecheck.ExpectKnownValue(ds, tfjsonpath.New("snowflake").AtMapKey("database"), knownvalue.StringExact("IMMUTA_SAME")),
			statecheck.ExpectKnownValue(ds, tfjsonpath.New("snowflake").AtMapKey("impersonation").AtMapKey("role"), knownvalue.StringExact("IMP_ROLE")),
			// filled in by Immuta's defaults
			statecheck.ExpectKnownValue(ds, tfjsonpath.New("snowflake").AtMapKey("port"), knownvalue.Int64Exact(443)),
			statecheck.ExpectKnownValue(ds, tfjsonpath.New("snowflake").AtMapKey("lineage").AtMapKey("ingest_batch_size"), knownvalue.Int64Exact(1000)),
			statecheck.ExpectKnownValue(ds, tfjsonpath.New("validation_results"), knownvalue.ListPartial(map[int]knownvalue.Check{
				0: knownvalue.ObjectPartial(map[string]knownvalue.Check{"status": knownvalue.StringExact("passed")}),
			})),
		)
		checks = append(checks, checkOtherBlocksNull(ds, "snowflake")...)
	}
	accPreCheck(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		CheckDestroy:             checkNothingLeft(srv),
		Steps: []resource.TestStep{{
			Config:            config,
			ConfigStateChecks: checks,
			Check: resource.ComposeTestCheckFunc(
				ids.record(resourceAddress),
				checkNoSecrets("data.immuta_integration.by_id", password),
				checkNoSecrets("data.immuta_integration.by_host", password),
				resource.TestCheckNoResourceAttr("data.immuta_integration.by_id", "snowflake.password"),
				resource.TestCheckNoResourceAttr("data.immuta_integration.by_host", "snowflake.password_wo_version"),
				func(*terraform.State) error {
					if n := len(loggedCalls(srv, "GET", "/integrations/"+ids.get())); n == 0 {
						return fmt.Errorf("the lookup by id did not GET /integrations/%s", ids.get())
					}
					if n := len(loggedCalls(srv, "GET", "/integrations")); n == 0 {
						return fmt.Errorf("the lookup by host did not list the integrations")
					}
					return nil
				},
			),
		}},
	})
}

func TestAccDataSourceIntegration_seededEveryHostKey(t *testing.T) {
	srv := startEmulator(t)
	ids := seedIntegrations(t, srv, seedSnowflakeAt(dsSnowflakeHost, "SEED_DB"), seedDatabricks(), seedRedshift(true),
		seedBigQuery(), seedS3(), seedTrino())
	sfID, dbID, rsID, bqID, s3ID, trinoID := ids[0], ids[1], ids[2], ids[3], ids[4], ids[5]
	var apiKey string
	for _, r := range srv.Emulator.Integrations() {
		if r.ID == trinoID {
			apiKey, _ = r.Config["apiKey"].(string)
		}
	}
	if apiKey == "" {
		t.Fatal("the seeded Trino integration has no API key")
	}
	config := providerConfig(srv) + fmt.Sprintf(`
data "immuta_integration" "sf_id" {
  id = %q
}
data "immuta_integration" "sf" {
  type = "snowflake"
  host = %q
}
data "immuta_integration" "db" {
  type = "databricks"
  host = %q
}
data "immuta_integration" "db_any_case" {
  type = "databricks"
  host = %q
}
data "immuta_integration" "rs" {
  type = "redshift"
  host = %q
}
data "immuta_integration" "bq" {
  type = "bigquery"
  host = "immuta/US"
}
data "immuta_integration" "s3" {
  type = "s3"
  host = %q
}
data "immuta_integration" "trino" {
  type = "trino"
}
`, sfID, dsSnowflakeHost, dsDatabricksHost, strings.ToUpper(dsDatabricksHost[:4])+dsDatabricksHost[4:], dsRedshiftHost, dsS3Path)

	secrets := []string{dsSeedPassword, dsSeedToken, dsSeedRSPassword, dsSeedCredentialS}
	checks := []statecheck.StateCheck{
		statecheck.ExpectKnownValue("data.immuta_integration.sf_id", tfjsonpath.New("type"), knownvalue.StringExact("snowflake")),
		statecheck.ExpectKnownValue("data.immuta_integration.sf_id", tfjsonpath.New("host"), knownvalue.StringExact(dsSnowflakeHost)),
		statecheck.ExpectKnownValue("data.immuta_integration.sf_id", tfjsonpath.New("snowflake").AtMapKey("warehouse"), knownvalue.StringExact("SEED_WH")),
		statecheck.ExpectKnownValue("data.immuta_integration.sf", tfjsonpath.New("id"), knownvalue.StringExact(sfID)),
		statecheck.ExpectKnownValue("data.immuta_integration.sf", tfjsonpath.New("snowflake").AtMapKey("private_key"), knownvalue.Null()),
		statecheck.ExpectKnownValue("data.immuta_integration.db", tfjsonpath.New("id"), knownvalue.StringExact(dbID)),
		// Immuta compares hosts in any case, and so does the look-up.
		statecheck.ExpectKnownValue("data.immuta_integration.db_any_case", tfjsonpath.New("id"), knownvalue.StringExact(dbID)),
		statecheck.ExpectKnownValue("data.immuta_integration.db_any_case", tfjsonpath.New("host"), knownvalue.StringExact(dsDatabricksHost)),
		statecheck.ExpectKnownValue("data.immuta_integration.db", tfjsonpath.New("databricks").AtMapKey("http_path"), knownvalue.StringExact("/sql/1.0/warehouses/seeded01")),
		statecheck.ExpectKnownValue("data.immuta_integration.db", tfjsonpath.New("databricks").AtMapKey("catalog"), knownvalue.StringExact("immuta")),
		statecheck.ExpectKnownValue("data.immuta_integration.rs", tfjsonpath.New("id"), knownvalue.StringExact(rsID)),
		statecheck.ExpectKnownValue("data.immuta_integration.rs", tfjsonpath.New("auto_bootstrap"), knownvalue.Bool(true)),
		statecheck.ExpectKnownValue("data.immuta_integration.rs", tfjsonpath.New("redshift").AtMapKey("initial_database"), knownvalue.StringExact("dev")),
		statecheck.ExpectKnownValue("data.immuta_integration.rs", tfjsonpath.New("redshift").AtMapKey("port"), knownvalue.Int64Exact(5439)),
		statecheck.ExpectKnownValue("data.immuta_integration.bq", tfjsonpath.New("id"), knownvalue.StringExact(bqID)),
		statecheck.ExpectKnownValue("data.immuta_integration.bq", tfjsonpath.New("host"), knownvalue.StringExact("immuta/US")),
		statecheck.ExpectKnownValue("data.immuta_integration.bq", tfjsonpath.New("bigquery").AtMapKey("dataset_suffix"), knownvalue.StringExact("_secure")),
		statecheck.ExpectKnownValue("data.immuta_integration.s3", tfjsonpath.New("id"), knownvalue.StringExact(s3ID)),
		statecheck.ExpectKnownValue("data.immuta_integration.s3", tfjsonpath.New("s3").AtMapKey("aws_region"), knownvalue.StringExact("eu-west-1")),
		statecheck.ExpectKnownValue("data.immuta_integration.trino", tfjsonpath.New("id"), knownvalue.StringExact(trinoID)),
		statecheck.ExpectKnownValue("data.immuta_integration.trino", tfjsonpath.New("host"), knownvalue.Null()),
		statecheck.ExpectKnownValue("data.immuta_integration.trino", tfjsonpath.New("trino").AtMapKey("api_key"), knownvalue.StringExact(apiKey)),
	}
	checks = append(checks, checkOtherBlocksNull("data.immuta_integration.bq", "bigquery")...)
	checks = append(checks, checkOtherBlocksNull("data.immuta_integration.trino", "trino")...)
	var noSecrets []resource.TestCheckFunc
	for _, name := range []string{"sf_id", "sf", "db", "rs", "bq", "s3", "trino"} {
		noSecrets = append(noSecrets, checkNoSecrets("data.immuta_integration."+name, secrets...))
	}
	accPreCheck(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config:            config,
			ConfigStateChecks: checks,
			Check: resource.ComposeTestCheckFunc(append(noSecrets,
				resource.TestCheckNoResourceAttr("data.immuta_integration.db", "databricks.token"),
				resource.TestCheckNoResourceAttr("data.immuta_integration.bq", "bigquery.credential"),
				resource.TestCheckNoResourceAttr("data.immuta_integration.rs", "redshift.password"),
				resource.TestCheckNoResourceAttr("data.immuta_integration.trino", "trino.rotate_api_key"),
			)...),
		}},
	})
	if n := len(srv.Emulator.Integrations()); n != 6 {
		t.Errorf("reading data sources changed Immuta: %d integrations, want the 6 seeded", n)
	}
}

func TestAccDataSourceIntegration_notFound(t *testing.T) {
	srv := startEmulator(t)
	ids := seedIntegrations(t, srv, seedSnowflakeAt(dsSnowflakeHost, "SEED_DB"), seedSnowflakeAt(dsSnowflakeHost2, "OTHER_DB"))
	accPreCheck(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{
				Config:      providerConfig(srv) + `data "immuta_integration" "x" { id = "9999" }`,
				ExpectError: regexp.MustCompile(`Integration not found(.|\n)*Immuta has no integration with ID 9999`),
			},
			{
				Config: providerConfig(srv) + `data "immuta_integration" "x" {
  type = "snowflake"
  host = "missing.snowflakecomputing.com"
}`,
				// names the type and the host, and lists what exists on that type
				ExpectError: regexp.MustCompile(`(?s)Integration not found.*Immuta has no Snowflake integration whose host is\s+"missing.snowflakecomputing.com".*` +
					wrapped(fmt.Sprintf("%s (id %s), %s (id %s)", dsSnowflakeHost, ids[0], dsSnowflakeHost2, ids[1]))),
			},
			{
				Config: providerConfig(srv) + `data "immuta_integration" "x" {
  type = "redshift"
  host = "rs.example.com"
}`,
				ExpectError: regexp.MustCompile(`(?s)Immuta has no Amazon Redshift integration whose host is\s+"rs.example.com".*` +
					wrapped("It has no Amazon Redshift integration at all.")),
			},
			{
				Config:      providerConfig(srv) + `data "immuta_integration" "x" { type = "trino" }`,
				ExpectError: regexp.MustCompile(`(?s)Integration not found.*Immuta has no Starburst \(Trino\) integration`),
			},
		},
	})
}

func TestAccDataSourceIntegration_invalidLookup(t *testing.T) {
	srv := startEmulator(t)
	step := func(body string, want string) resource.TestStep {
		return resource.TestStep{
			Config:      providerConfig(srv) + "data \"immuta_integration\" \"x\" {\n" + body + "\n}\n",
			ExpectError: regexp.MustCompile(want),
		}
	}
	accPreCheck(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			step(``, `(?s)Missing Attribute Configuration.*Exactly one of these attributes must be configured: \[id,type\]`),
			step(`id = "1"
type = "snowflake"
host = "a.snowflakecomputing.com"`, `(?s)Exactly one of these attributes must be configured: \[id,type\]`),
			step(`id = "1"
host = "a.snowflakecomputing.com"`, `(?s)(These attributes cannot be configured together: \[id,host\]|Attribute "type" must be specified when "host" is)`),
			step(`type = "snowflake"`, `(?s)Missing host.*`+wrapped("needs host: the integration's host,")),
			step(`type = "bigquery"`, `(?s)Missing host.*`+wrapped("needs host: the integration's dataset/location,")),
			step(`type = "trino"
host = "starburst.example.com"`, `(?s)host is not used with this type.*`+wrapped("Immuta allows one Starburst (Trino) integration")),
			step(`type = "oracle"
host = "x"`, `(?s)Invalid Attribute Value Match.*type value must be one of`),
			step(`id = "seven"`, `(?s)must be an Immuta integration ID`),
		},
	})
	checkNoRequests(t, srv)
}
