// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"encoding/json"
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/immuta/terraform-provider-immuta/internal/emulator"
)

const scriptSFHost = "scripts.eu-central-1.snowflakecomputing.com"

// scriptSnowflake is a manual Snowflake block body for the script data source.
func scriptSnowflake(host, database, warehouse string) string {
	return fmt.Sprintf(`
    host                = %q
    warehouse           = %q
    database            = %q
    authentication_type = "userPassword"
    username            = "IMMUTA_SYSTEM"
    password            = "script-sf-pw"`, host, warehouse, database)
}

const scriptRedshift = `
    host                = "scripts.rs.us-east-1.redshift.amazonaws.com"
    database            = "RS_SCRIPT_DB"
    initial_database    = "dev"
    authentication_type = "userPassword"
    username            = "rs_admin"
    password            = "script-rs-pw"`

const scriptSynapse = `
    host     = "scripts.sql.azuresynapse.net"
    database = "pool1"
    schema   = "immuta_script"
    username = "synapse_admin"
    password = "script-syn-pw"`

const scriptBigQuery = `
    role           = "projects/acme/roles/immuta"
    dataset_suffix = "_secure"
    dataset        = "immuta_bq_script"
    location       = "EU"
    credential     = "{\"type\":\"service_account\"}"`

const scriptS3 = `
    name                = "script-raw"
    aws_account_id      = "123456789012"
    aws_region          = "us-east-1"
    aws_location_role   = "arn:aws:iam::123456789012:role/immuta-s3"
    aws_location_path   = "s3://script-bucket/raw/"
    authentication_type = "auto"`

const scriptDatabricks = `
    workspace_url       = "dbc-9999.cloud.databricks.com"
    http_path           = "/sql/1.0/warehouses/script01"
    catalog             = "immuta_script_catalog"
    authentication_type = "token"
    token               = "dapi-script-token"`

// scriptDataSource renders an immuta_integration_script block.
func scriptDataSource(name, action, extra, block, body string) string {
	b := ""
	if block != "" {
		b = fmt.Sprintf("  %s = {%s\n  }\n", block, body)
	}
	return fmt.Sprintf("\ndata \"immuta_integration_script\" %q {\n  action = %q\n%s%s}\n", name, action, extra, b)
}

// checkScriptCall asserts that the emulator answered at least one POST to
// path with 200, and that every such call's body passes check (nil: none).
func checkScriptCall(srv *emulator.Server, path string, check func(body map[string]any) error) resource.TestCheckFunc {
	return func(*terraform.State) error {
		calls := loggedCalls(srv, "POST", path)
		if len(calls) == 0 {
			return fmt.Errorf("no POST %s reached Immuta", path)
		}
		for _, c := range calls {
			if c.Status != 200 {
				return fmt.Errorf("POST %s answered %d", path, c.Status)
			}
			if check == nil {
				continue
			}
			var body map[string]any
			if err := json.Unmarshal(c.Body, &body); err != nil {
				return fmt.Errorf("POST %s: body %s: %v", path, c.Body, err)
			}
			if err := check(body); err != nil {
				return fmt.Errorf("POST %s: %v (body %s)", path, err, c.Body)
			}
		}
		return nil
	}
}

// bodyHas checks a payload's type, autoBootstrap (always false) and config
// fields (API names); "***" stands for a secret that was sent, masked in the log.
func bodyHas(apiType string, config map[string]any) func(map[string]any) error {
	return func(body map[string]any) error {
		if body["type"] != apiType {
			return fmt.Errorf("type = %v, want %q", body["type"], apiType)
		}
		if body["autoBootstrap"] != false {
			return fmt.Errorf("autoBootstrap = %v, want false", body["autoBootstrap"])
		}
		cfg, _ := body["config"].(map[string]any)
		for k, want := range config {
			if fmt.Sprint(cfg[k]) != fmt.Sprint(want) {
				return fmt.Errorf("config.%s = %v, want %v", k, cfg[k], want)
			}
		}
		return nil
	}
}

func TestAccIntegrationScript_payloadActions(t *testing.T) {
	srv := startEmulator(t)
	config := providerConfig(srv) +
		scriptDataSource("sf_create", "create", "", "snowflake", scriptSnowflake(scriptSFHost, "SCRIPT_DB", "COMPUTE_WH")) +
		scriptDataSource("rs_initial", "initial-create", "", "redshift", scriptRedshift) +
		scriptDataSource("rs_cleanup", "cleanup", "  auto_bootstrap = false\n", "redshift", scriptRedshift) +
		scriptDataSource("syn_post", "post-cleanup", "", "azure_synapse", scriptSynapse) +
		scriptDataSource("syn_initial", "initial-create", "", "azure_synapse", scriptSynapse) +
		scriptDataSource("bq_create", "create", "", "bigquery", scriptBigQuery) +
		scriptDataSource("s3_create", "cleanup", "", "s3", scriptS3) +
		scriptDataSource("db_create", "create", "", "databricks", scriptDatabricks)
	const ds = "data.immuta_integration_script."
	accPreCheck(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config: config,
			Check: resource.ComposeTestCheckFunc(
				resource.TestMatchResourceAttr(ds+"sf_create", "script", regexp.MustCompile(
					`(?s)^-- Immuta Snowflake integration on `+regexp.QuoteMeta(scriptSFHost)+`: create script\..*CREATE DATABASE "SCRIPT_DB";`)),
				resource.TestMatchResourceAttr(ds+"rs_initial", "script", regexp.MustCompile(
					`(?s)Redshift integration on scripts\.rs\.us-east-1\.redshift\.amazonaws\.com: initial-create script.*CREATE DATABASE RS_SCRIPT_DB;`)),
				resource.TestMatchResourceAttr(ds+"rs_cleanup", "script", regexp.MustCompile(`(?s)cleanup script.*DROP DATABASE RS_SCRIPT_DB;`)),
				resource.TestMatchResourceAttr(ds+"syn_post", "script", regexp.MustCompile(
					`(?s)on scripts\.sql\.azuresynapse\.net: post-cleanup script.*DROP USER IF EXISTS`)),
				resource.TestMatchResourceAttr(ds+"syn_initial", "script", regexp.MustCompile(`(?s)initial-create script.*CREATE SCHEMA \[immuta_script\];`)),
				resource.TestMatchResourceAttr(ds+"bq_create", "script", regexp.MustCompile("(?s)on immuta_bq_script/EU: create script.*CREATE SCHEMA `immuta_bq_script`;")),
				resource.TestMatchResourceAttr(ds+"s3_create", "script", regexp.MustCompile(`(?s)cleanup script.*DROP LOCATION s3://script-bucket/raw/;`)),
				resource.TestMatchResourceAttr(ds+"db_create", "script", regexp.MustCompile("(?s)create script.*CREATE CATALOG `immuta_script_catalog`;")),
				// The scripts never hold a secret.
				resource.TestCheckResourceAttr(ds+"sf_create", "snowflake.password", "script-sf-pw"),
				func(s *terraform.State) error {
					for _, name := range []string{"sf_create", "rs_initial", "db_create"} {
						script := s.RootModule().Resources[ds+name].Primary.Attributes["script"]
						if regexp.MustCompile(`script-(sf|rs)-pw|dapi-script-token`).MatchString(script) {
							return fmt.Errorf("%s's script holds a secret", name)
						}
					}
					return nil
				},
				checkScriptCall(srv, "/integrations/scripts/create", nil),
				checkScriptCall(srv, "/integrations/scripts/initial-create", nil),
				checkScriptCall(srv, "/integrations/scripts/cleanup", nil),
				checkScriptCall(srv, "/integrations/scripts/post-cleanup",
					bodyHas("Azure Synapse Analytics", map[string]any{"schema": "immuta_script", "password": "***"})),
				func(*terraform.State) error {
					// The payload is the resource's: the same fields, the password sent.
					for _, c := range loggedCalls(srv, "POST", "/integrations/scripts/initial-create") {
						var body map[string]any
						_ = json.Unmarshal(c.Body, &body)
						if body["type"] == "Redshift" {
							return bodyHas("Redshift", map[string]any{
								"database": "RS_SCRIPT_DB", "initialDatabase": "dev", "username": "rs_admin", "password": "***",
							})(body)
						}
					}
					return fmt.Errorf("no Redshift initial-create call")
				},
			),
		}},
	})
	if n := len(srv.Emulator.Integrations()); n != 0 {
		t.Errorf("rendering scripts created %d integrations", n)
	}
}

func TestAccIntegrationScript_editAndDelete(t *testing.T) {
	srv := startEmulator(t)
	id := seedIntegrations(t, srv, seedSnowflakeAt(dsSnowflakeHost, "SEED_DB"))[0]
	config := providerConfig(srv) +
		scriptDataSource("edit", "edit", fmt.Sprintf("  integration_id = %q\n", id), "snowflake", scriptSnowflake(dsSnowflakeHost, "SEED_DB", "NEW_WH")) +
		scriptDataSource("delete", "delete", fmt.Sprintf("  integration_id = %q\n", id), "", "") +
		scriptDataSource("delete_typed", "delete", fmt.Sprintf("  integration_id = %q\n", id), "snowflake", scriptSnowflake(dsSnowflakeHost, "SEED_DB", "SEED_WH"))
	const ds = "data.immuta_integration_script."
	accPreCheck(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config: config,
			Check: resource.ComposeTestCheckFunc(
				resource.TestMatchResourceAttr(ds+"edit", "script", regexp.MustCompile(
					`(?s)on `+regexp.QuoteMeta(dsSnowflakeHost)+`: edit script.*GRANT ALL PRIVILEGES ON DATABASE "SEED_DB"`)),
				resource.TestMatchResourceAttr(ds+"delete", "script", regexp.MustCompile(`(?s)delete script.*DROP DATABASE "SEED_DB";`)),
				resource.TestMatchResourceAttr(ds+"delete_typed", "script", regexp.MustCompile(`(?s)delete script.*DROP DATABASE "SEED_DB";`)),
				checkScriptCall(srv, "/integrations/"+id+"/scripts/edit",
					bodyHas("Snowflake", map[string]any{"warehouse": "NEW_WH", "host": dsSnowflakeHost, "password": "***"})),
				checkScriptCall(srv, "/integrations/"+id+"/scripts/delete", nil),
				func(*terraform.State) error {
					for _, c := range loggedCalls(srv, "POST", "/integrations/"+id+"/scripts/delete") {
						if string(c.Body) != "null" {
							return fmt.Errorf("the delete script request sent a body: %s", c.Body)
						}
					}
					return nil
				},
			),
		}},
	})
	rec, _ := srv.Emulator.Integration(id)
	if rec.Config["warehouse"] != "SEED_WH" || rec.Status != "enabled" {
		t.Errorf("rendering scripts changed the integration: warehouse %v, status %s", rec.Config["warehouse"], rec.Status)
	}
}

// TestAccIntegrationScript_typicalUse renders the create script, creates
// the integration, then renders its edit and delete scripts from its ID.
func TestAccIntegrationScript_typicalUse(t *testing.T) {
	srv := startEmulator(t)
	block := scriptSnowflake(scriptSFHost, "TYPICAL_DB", "COMPUTE_WH")
	base := providerConfig(srv) + scriptDataSource("setup", "create", "", "snowflake", block) + fmt.Sprintf(`
resource "immuta_integration" "test" {
  snowflake = {%s
  }
  depends_on = [data.immuta_integration_script.setup]
}
`, block)
	ids := &idRecorder{}
	accPreCheck(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		CheckDestroy:             checkNothingLeft(srv),
		Steps: []resource.TestStep{
			{
				Config: base,
				Check: resource.ComposeTestCheckFunc(
					ids.record(resourceAddress),
					resource.TestMatchResourceAttr("data.immuta_integration_script.setup", "script", regexp.MustCompile(`CREATE DATABASE "TYPICAL_DB";`)),
					checkScriptCall(srv, "/integrations/scripts/create", bodyHas("Snowflake", map[string]any{"database": "TYPICAL_DB"})),
				),
			},
			{
				Config: base +
					scriptDataSource("edit", "edit", "  integration_id = immuta_integration.test.id\n", "snowflake",
						scriptSnowflake(scriptSFHost, "TYPICAL_DB", "BIGGER_WH")) +
					scriptDataSource("teardown", "delete", "  integration_id = immuta_integration.test.id\n", "", ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(resourceAddress, plancheck.ResourceActionNoop)},
				},
				Check: resource.ComposeTestCheckFunc(
					resource.TestMatchResourceAttr("data.immuta_integration_script.edit", "script", regexp.MustCompile(`(?s)edit script.*"TYPICAL_DB"`)),
					resource.TestMatchResourceAttr("data.immuta_integration_script.teardown", "script", regexp.MustCompile(`DROP DATABASE "TYPICAL_DB";`)),
					func(s *terraform.State) error {
						if len(loggedCalls(srv, "POST", "/integrations/"+ids.get()+"/scripts/edit")) == 0 {
							return fmt.Errorf("no edit script call for integration %s", ids.get())
						}
						if len(loggedCalls(srv, "POST", "/integrations/"+ids.get()+"/scripts/delete")) == 0 {
							return fmt.Errorf("no delete script call for integration %s", ids.get())
						}
						return nil
					},
				),
			},
		},
	})
}

func TestAccIntegrationScript_planTimeErrors(t *testing.T) {
	srv := startEmulator(t)
	sf := scriptSnowflake(scriptSFHost, "DB", "WH")
	step := func(ds, want string) resource.TestStep {
		return resource.TestStep{Config: providerConfig(srv) + ds, ExpectError: regexp.MustCompile(`(?s)` + want)}
	}
	accPreCheck(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			step(scriptDataSource("x", "edit", "", "snowflake", sf), `Missing integration_id.*`+wrapped(`action = "edit" renders a script for an existing integration`)),
			step(scriptDataSource("x", "delete", "", "", ""), `Missing integration_id.*`+wrapped(`action = "delete" renders`)),
			step(scriptDataSource("x", "create", "  integration_id = \"3\"\n", "snowflake", sf), `integration_id is not used with this action`),
			step(scriptDataSource("x", "create", "  auto_bootstrap = true\n", "snowflake", sf),
				`Setup scripts are for auto_bootstrap = false.*`+wrapped("create the immuta_integration directly, no script needed")),
			step(scriptDataSource("x", "initial-create", "", "snowflake", sf),
				`No initial-create script for this type.*`+wrapped(`Only Amazon Redshift (redshift) and Azure Synapse Analytics (azure_synapse) integrations`)+
					`.*`+wrapped(`Snowflake integrations have a single setup script: use action = "create".`)),
			step(scriptDataSource("x", "create", "", "trino", ""), `No setup script for this type.*`+wrapped("Starburst (Trino) integrations have no setup script")),
			step(scriptDataSource("x", "create", "", "", ""), `Missing integration type block.*`+wrapped(`action = "create" needs the integration's configuration`)),
			step(scriptDataSource("x", "create", "  redshift = {"+scriptRedshift+"\n  }\n", "snowflake", sf),
				`Invalid Attribute Combination.*These attributes cannot be configured together`),
			step(scriptDataSource("x", "create", "", "redshift", `
    host                = "rs.example.com"
    database            = "DB"
    initial_database    = "dev"
    authentication_type = "userPassword"
    username            = "admin"`), `Missing required attribute.*`+wrapped(`redshift.password is required when authentication_type = "userPassword". Set it.`)),
			step(scriptDataSource("x", "rotate", "", "snowflake", sf), `Invalid Attribute Value Match.*action value must be one of`),
			step(scriptDataSource("x", "create", "", "snowflake", scriptSnowflake("https://"+scriptSFHost, "DB", "WH")), `must be a host name without scheme`),
			step(scriptDataSource("x", "edit", "  integration_id = \"seven\"\n", "snowflake", sf), `must be an Immuta integration ID`),
		},
	})
	checkNoRequests(t, srv)
}

func TestAccIntegrationScript_apiErrors(t *testing.T) {
	srv := startEmulator(t)
	ids := seedIntegrations(t, srv, seedSnowflakeAt(dsSnowflakeHost, "SEED_DB"), seedRedshift(true))
	sfID, rsID := ids[0], ids[1]
	step := func(ds, want string) resource.TestStep {
		return resource.TestStep{Config: providerConfig(srv) + ds, ExpectError: regexp.MustCompile(`(?s)` + want)}
	}
	accPreCheck(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			step(scriptDataSource("x", "edit", "  integration_id = \"9999\"\n", "snowflake", scriptSnowflake(dsSnowflakeHost, "SEED_DB", "WH")),
				`Integration not found.*`+wrapped("Immuta has no integration with ID 9999, so it has no edit script.")),
			step(scriptDataSource("x", "delete", fmt.Sprintf("  integration_id = %q\n", sfID), "redshift", scriptRedshift),
				`Integration of another type.*`+wrapped(fmt.Sprintf("Immuta integration %s is a snowflake integration, not redshift", sfID))),
			step(scriptDataSource("x", "delete", fmt.Sprintf("  integration_id = %q\n", rsID), "", ""),
				`Immuta refused to render the delete script.*`+wrapped("Immuta answered 400: Scripts are only available for integrations with autoBootstrap set to false.")),
		},
	})
	if n := len(loggedCalls(srv, "POST", "/integrations/"+rsID+"/scripts/delete")); n == 0 {
		t.Error("the refused delete script was never asked for")
	}
	if n := len(loggedCalls(srv, "POST", "/integrations/"+sfID+"/scripts/delete")); n != 0 {
		t.Errorf("a delete script was asked for the integration of another type (%d calls)", n)
	}
}
