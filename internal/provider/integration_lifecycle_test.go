// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/immuta/terraform-provider-immuta/internal/emulator"
	"github.com/immuta/terraform-provider-immuta/internal/integrationtype"
)

// lifecycleCase is one integration type's walk through the lifecycle.
type lifecycleCase struct {
	block string
	// minimal, full, updated (an editable change) and replaced (a
	// non-editable change) are the bodies of the type block.
	minimal, full, updated, replaced string
	autoBootstrapFull                string
	// drift is a change made in Immuta behind Terraform's back (API names).
	drift map[string]any
	// check is an attribute path inside the block and its value in minimal.
	checkAttr, checkValue string
	// driftAction is what the plan proposes after the drift (default: an
	// update; a type with no editable non-secret field shows a replacement).
	driftAction plancheck.ResourceActionType
	// ignoreOnImport are block attributes Immuta never returns.
	ignoreOnImport []string
	// autoBootstrap is auto_bootstrap in the lifecycle ("" = left out).
	autoBootstrap string
}

// importIgnore lists what an import cannot read back: the secrets, the
// timeouts and, when the integration was set up automatically, the
// privileged credentials, which Immuta does not keep.
func (tc lifecycleCase) importIgnore(autoBootstrap string) []string {
	ignore := []string{"timeouts"}
	for _, a := range tc.ignoreOnImport {
		ignore = append(ignore, tc.block+"."+a)
	}
	if t, _ := integrationtype.ByBlock(tc.block); autoBootstrap == "true" {
		ignore = append(ignore, privilegedCredentials(t)...)
	}
	return ignore
}

// privilegedCredentials are the state paths of an auto-bootstrapped
// integration's privileged credentials: Immuta does not keep them, so an
// import cannot read them back.
func privilegedCredentials(t *integrationtype.Type) []string {
	out := make([]string, 0, len(t.DeleteCredentials))
	for _, a := range t.DeleteCredentials {
		out = append(out, t.Block+"."+a)
	}
	return out
}

func (tc lifecycleCase) driftPlan() plancheck.ResourceActionType {
	if tc.driftAction == "" {
		return plancheck.ResourceActionUpdate
	}
	return tc.driftAction
}

var lifecycleCases = []lifecycleCase{
	{
		block:         "snowflake",
		autoBootstrap: "true",
		minimal: `
    host                = "acme.us-east-1.snowflakecomputing.com"
    warehouse           = "COMPUTE_WH"
    database            = "IMMUTA_DB"
    role                = "ACCOUNTADMIN"
    authentication_type = "userPassword"
    username            = "IMMUTA_SYSTEM"
    password            = "snowflake-pw-1"`,
		full: `
    host                = "acme.us-east-1.snowflakecomputing.com"
    port                = 443
    warehouse           = "COMPUTE_WH"
    database            = "IMMUTA_DB"
    role                = "ACCOUNTADMIN"
    authentication_type = "keyPair"
    username            = "IMMUTA_SYSTEM"
    private_key = {
      user_filename = "rsa_key.p8"
      content       = "-----BEGIN PRIVATE KEY-----\nMIIBVQ==\n-----END PRIVATE KEY-----"
    }
    private_key_password = "key-pass-1"
    audit         = { enabled = true }
    workspaces    = { enabled = true, warehouses = ["WS_WH_1", "WS_WH_2"] }
    impersonation = { enabled = true, role = "IMMUTA_IMP" }
    lineage = {
      enabled           = true
      ingest_batch_size = 500
      table_filter      = "ANALYTICS\\..*"
      tag_filter_regex  = "pii.*"
    }
    user_role_pattern = { exclude = ["ACCOUNTADMIN", "SYSADMIN"] }`,
		autoBootstrapFull: "true",
		updated: `
    host                = "acme.us-east-1.snowflakecomputing.com"
    warehouse           = "OTHER_WH"
    database            = "IMMUTA_DB"
    role                = "ACCOUNTADMIN"
    authentication_type = "userPassword"
    username            = "IMMUTA_SYSTEM"
    password            = "snowflake-pw-1"`,
		replaced: `
    host                = "acme.us-east-1.snowflakecomputing.com"
    warehouse           = "OTHER_WH"
    database            = "IMMUTA_DB_2"
    role                = "ACCOUNTADMIN"
    authentication_type = "userPassword"
    username            = "IMMUTA_SYSTEM"
    password            = "snowflake-pw-1"`,
		drift:          map[string]any{"warehouse": "DRIFTED_WH"},
		checkAttr:      "warehouse",
		checkValue:     "COMPUTE_WH",
		ignoreOnImport: []string{"password", "private_key.content", "private_key_password"},
	},
	{
		block:         "databricks",
		autoBootstrap: "true",
		minimal: `
    workspace_url       = "dbc-1234.cloud.databricks.com"
    http_path           = "/sql/1.0/warehouses/abc123"
    authentication_type = "token"
    token               = "dapi-token-1"`,
		full: `
    workspace_url       = "dbc-1234.cloud.databricks.com"
    http_path           = "/sql/1.0/warehouses/abc123"
    port                = 443
    catalog             = "immuta_catalog"
    authentication_type = "oAuthM2M"
    oauth_client_config = {
      client_id     = "sp-client-id"
      client_secret = "sp-client-secret"
      scope         = "all-apis"
    }
    audit         = { enabled = true }
    group_pattern = { deny = "immuta_exempt" }`,
		autoBootstrapFull: "true",
		updated: `
    workspace_url       = "dbc-1234.cloud.databricks.com"
    http_path           = "/sql/1.0/warehouses/def456"
    authentication_type = "token"
    token               = "dapi-token-1"`,
		replaced: `
    workspace_url       = "dbc-1234.cloud.databricks.com"
    http_path           = "/sql/1.0/warehouses/def456"
    catalog             = "immuta_two"
    authentication_type = "token"
    token               = "dapi-token-1"`,
		drift:          map[string]any{"httpPath": "/sql/1.0/warehouses/drifted"},
		checkAttr:      "http_path",
		checkValue:     "/sql/1.0/warehouses/abc123",
		ignoreOnImport: []string{"token", "oauth_client_config.client_secret"},
	},
	{
		block:         "redshift",
		autoBootstrap: "true",
		minimal: `
    host                = "acme.abc123.us-east-1.redshift.amazonaws.com"
    database            = "immuta_db"
    initial_database    = "dev"
    authentication_type = "userPassword"
    username            = "immuta_system"
    password            = "redshift-pw-1"`,
		full: `
    host                = "acme.abc123.us-east-1.redshift.amazonaws.com"
    port                = 5439
    database            = "immuta_db"
    initial_database    = "dev"
    authentication_type = "accessKey"
    database_user       = "immuta_system"
    access_key_id       = "AKIAEXAMPLE"
    secret_key          = "aws-secret-1"
    session_token       = "aws-session-1"
    impersonation       = { enabled = true, role = "immuta_impersonation" }`,
		autoBootstrapFull: "true",
		updated: `
    host                = "acme.abc123.us-east-1.redshift.amazonaws.com"
    database            = "immuta_db"
    initial_database    = "dev"
    authentication_type = "userPassword"
    username            = "immuta_system_2"
    password            = "redshift-pw-1"`,
		replaced: `
    host                = "acme.abc123.us-east-1.redshift.amazonaws.com"
    database            = "immuta_db"
    initial_database    = "analytics"
    authentication_type = "userPassword"
    username            = "immuta_system_2"
    password            = "redshift-pw-1"
    impersonation       = { enabled = false }`,
		drift:          map[string]any{"impersonation": map[string]any{"enabled": true, "role": "drifted_role"}},
		checkAttr:      "username",
		checkValue:     "immuta_system",
		ignoreOnImport: []string{"password", "secret_key", "session_token"},
	},
	{
		block:         "azure_synapse",
		autoBootstrap: "true",
		minimal: `
    host     = "acme.sql.azuresynapse.net"
    database = "pool1"
    schema   = "immuta"
    username = "immuta_system"
    password = "synapse-pw-1"`,
		full: `
    host                = "acme.sql.azuresynapse.net"
    port                = 1433
    database            = "pool1"
    schema              = "immuta"
    authentication_type = "userPassword"
    username            = "immuta_system"
    password            = "synapse-pw-1"
    metadata_delimiters = { hash_delimiter = "~", hash_key_delimiter = "=", array_delimiter = ";" }
    impersonation       = { enabled = true, role = "immuta_imp" }`,
		autoBootstrapFull: "true",
		updated: `
    host     = "acme.sql.azuresynapse.net"
    database = "pool1"
    schema   = "immuta"
    username = "immuta_system_2"
    password = "synapse-pw-1"`,
		replaced: `
    host          = "acme.sql.azuresynapse.net"
    database      = "pool1"
    schema        = "immuta_two"
    username      = "immuta_system_2"
    password      = "synapse-pw-1"
    impersonation = { enabled = false }`,
		drift:          map[string]any{"impersonation": map[string]any{"enabled": true, "role": "drifted_role"}},
		checkAttr:      "username",
		checkValue:     "immuta_system",
		ignoreOnImport: []string{"password"},
	},
	{
		block: "bigquery",
		minimal: `
    role           = "projects/acme/roles/immutaRole"
    dataset_suffix = "_immuta"
    location       = "US"
    credential     = "{\"type\":\"service_account\",\"private_key\":\"bq-secret-1\"}"`,
		full: `
    role           = "projects/acme/roles/immutaRole"
    dataset_suffix = "_immuta"
    dataset        = "immuta_bq"
    location       = "US"
    credential     = "{\"type\":\"service_account\",\"private_key\":\"bq-secret-1\"}"`,
		autoBootstrapFull: "false",
		updated: `
    role           = "projects/acme/roles/immutaRole"
    dataset_suffix = "_immuta"
    location       = "US"
    credential     = "{\"type\":\"service_account\",\"private_key\":\"bq-secret-2\"}"`,
		replaced: `
    role           = "projects/acme/roles/immutaRole"
    dataset_suffix = "_immuta"
    location       = "EU"
    credential     = "{\"type\":\"service_account\",\"private_key\":\"bq-secret-2\"}"`,
		// Every non-secret BigQuery field is non-editable: drift shows as a replacement.
		drift:          map[string]any{"dataset": "drifted_dataset"},
		driftAction:    plancheck.ResourceActionReplace,
		checkAttr:      "dataset",
		checkValue:     "immuta",
		ignoreOnImport: []string{"credential"},
	},
	{
		block: "s3",
		minimal: `
    name                = "data-lake"
    aws_account_id      = "123456789012"
    aws_region          = "us-east-1"
    aws_location_role   = "arn:aws:iam::123456789012:role/immuta-location"
    aws_location_path   = "s3://acme-data-lake/"
    authentication_type = "auto"`,
		full: `
    name                  = "data-lake"
    aws_account_id        = "123456789012"
    aws_region            = "us-east-1"
    aws_location_role     = "arn:aws:iam::123456789012:role/immuta-location"
    aws_location_path     = "s3://acme-data-lake/"
    authentication_type   = "accessKey"
    aws_role_to_assume    = "arn:aws:iam::123456789012:role/immuta-assumed"
    aws_access_key_id     = "AKIAEXAMPLE"
    aws_secret_access_key = "s3-secret-1"`,
		autoBootstrapFull: "false",
		updated: `
    name                = "data-lake"
    aws_account_id      = "123456789012"
    aws_region          = "us-east-1"
    aws_location_role   = "arn:aws:iam::123456789012:role/immuta-location-2"
    aws_location_path   = "s3://acme-data-lake/"
    authentication_type = "auto"`,
		replaced: `
    name                = "data-lake"
    aws_account_id      = "123456789012"
    aws_region          = "us-west-2"
    aws_location_role   = "arn:aws:iam::123456789012:role/immuta-location-2"
    aws_location_path   = "s3://acme-data-lake/"
    authentication_type = "auto"`,
		drift:          map[string]any{"awsLocationRole": "arn:aws:iam::123456789012:role/drifted"},
		checkAttr:      "aws_location_role",
		checkValue:     "arn:aws:iam::123456789012:role/immuta-location",
		ignoreOnImport: []string{"aws_secret_access_key"},
	},
}

// TestAccIntegration_lifecycle walks every type through create, import,
// an in-place update, a replacement, drift, deletion behind Terraform's back
// and destroy, against both answer styles: after every apply the next plan
// is empty (an inconsistent result fails the apply itself).
func TestAccIntegration_lifecycle(t *testing.T) {
	for _, style := range answerStyles {
		for _, tc := range lifecycleCases {
			t.Run(string(style)+"/"+tc.block, func(t *testing.T) {
				srv := startEmulatorStyle(t, style)
				ids := &idRecorder{}
				ab := tc.autoBootstrap
				driftCheck := checkSameID(ids)
				if tc.driftPlan() == plancheck.ResourceActionReplace {
					driftCheck = resource.ComposeTestCheckFunc(checkNewID(ids), ids.record(resourceAddress), checkCount(srv, 1))
				}
				resource.ParallelTest(t, resource.TestCase{
					PreCheck:                 func() { accPreCheck(t) },
					ProtoV6ProviderFactories: testProviders,
					CheckDestroy:             checkNothingLeft(srv),
					Steps: []resource.TestStep{
						{ // create from a minimal configuration; the next plan is empty
							Config: integrationConfig(srv, tc.block, tc.minimal, ab),
							ConfigPlanChecks: resource.ConfigPlanChecks{
								PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(resourceAddress, plancheck.ResourceActionCreate)},
								PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
							},
							ConfigStateChecks: []statecheck.StateCheck{
								statecheck.ExpectKnownValue(resourceAddress, tfjsonpath.New("status"), knownvalue.StringExact("enabled")),
								statecheck.ExpectKnownValue(resourceAddress, tfjsonpath.New(tc.block).AtMapKey(tc.checkAttr), knownvalue.StringExact(tc.checkValue)),
							},
							Check: ids.record(resourceAddress),
						},
						{ // import by ID reads back every attribute Immuta returns
							ResourceName:            resourceAddress,
							ImportState:             true,
							ImportStateVerify:       true,
							ImportStateVerifyIgnore: tc.importIgnore(ab),
						},
						{ // an editable change updates in place
							Config: integrationConfig(srv, tc.block, tc.updated, ab),
							ConfigPlanChecks: resource.ConfigPlanChecks{
								PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(resourceAddress, plancheck.ResourceActionUpdate)},
								PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
							},
							Check: checkSameID(ids),
						},
						{ // a non-editable change replaces the integration
							Config: integrationConfig(srv, tc.block, tc.replaced, ab),
							ConfigPlanChecks: resource.ConfigPlanChecks{
								PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(resourceAddress, plancheck.ResourceActionReplace)},
								PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
							},
							Check: resource.ComposeTestCheckFunc(checkNewID(ids), ids.record(resourceAddress), checkCount(srv, 1)),
						},
						{ // drift: a change made in Immuta shows in the plan, and apply restores it
							PreConfig: func() {
								if err := srv.Emulator.PatchConfig(ids.get(), tc.drift); err != nil {
									t.Fatalf("drift: %v", err)
								}
							},
							Config: integrationConfig(srv, tc.block, tc.replaced, ab),
							ConfigPlanChecks: resource.ConfigPlanChecks{
								PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(resourceAddress, tc.driftPlan())},
								PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
							},
							Check: driftCheck,
						},
						{ // deleted behind Terraform's back: the plan creates it again
							PreConfig: func() {
								if err := srv.Emulator.Vanish(ids.get()); err != nil {
									t.Fatalf("vanish: %v", err)
								}
							},
							Config: integrationConfig(srv, tc.block, tc.replaced, ab),
							ConfigPlanChecks: resource.ConfigPlanChecks{
								PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(resourceAddress, plancheck.ResourceActionCreate)},
								PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
							},
							Check: resource.ComposeTestCheckFunc(checkNewID(ids), checkCount(srv, 1)),
						},
					},
				})
			})
		}
	}
}

func TestAccIntegration_fullConfiguration(t *testing.T) {
	for _, style := range answerStyles {
		for _, tc := range lifecycleCases {
			t.Run(string(style)+"/"+tc.block, func(t *testing.T) {
				srv := startEmulatorStyle(t, style)
				resource.ParallelTest(t, resource.TestCase{
					PreCheck:                 func() { accPreCheck(t) },
					ProtoV6ProviderFactories: testProviders,
					CheckDestroy:             checkNothingLeft(srv),
					Steps: []resource.TestStep{
						{
							Config: integrationConfig(srv, tc.block, tc.full, tc.autoBootstrapFull),
							ConfigPlanChecks: resource.ConfigPlanChecks{
								PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(resourceAddress, plancheck.ResourceActionCreate)},
								PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
							},
							ConfigStateChecks: []statecheck.StateCheck{
								statecheck.ExpectKnownValue(resourceAddress, tfjsonpath.New("status"), knownvalue.StringExact("enabled")),
								statecheck.ExpectKnownValue(resourceAddress, tfjsonpath.New("auto_bootstrap"), knownvalue.Bool(tc.autoBootstrapFull == "true")),
							},
							Check: checkCount(srv, 1),
						},
						{
							ResourceName:            resourceAddress,
							ImportState:             true,
							ImportStateVerify:       true,
							ImportStateVerifyIgnore: tc.importIgnore(tc.autoBootstrapFull),
						},
					},
				})
			})
		}
	}
}

func TestAccIntegration_trino(t *testing.T) {
	for _, style := range answerStyles {
		t.Run(string(style), func(t *testing.T) { testTrinoLifecycle(t, style) })
	}
}

func testTrinoLifecycle(t *testing.T, style emulator.AnswerStyle) {
	srv := startEmulatorStyle(t, style)
	ids := &idRecorder{}
	config := providerConfig(srv) + `
resource "immuta_integration" "test" {
  trino = {}
}
`
	rotated := providerConfig(srv) + `
resource "immuta_integration" "test" {
  trino = { rotate_api_key = 1 }
}
`
	var oldKey string
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { accPreCheck(t) },
		ProtoV6ProviderFactories: testProviders,
		CheckDestroy:             checkNothingLeft(srv),
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(resourceAddress, plancheck.ResourceActionCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeTestCheckFunc(ids.record(resourceAddress), func(s *terraform.State) error {
					got := s.RootModule().Resources[resourceAddress].Primary.Attributes["trino.api_key"]
					rec, ok := srv.Emulator.Integration(ids.get())
					if !ok {
						return fmt.Errorf("integration %s not in the emulator", ids.get())
					}
					if want, _ := rec.Config["apiKey"].(string); got == "" || got != want {
						return fmt.Errorf("trino.api_key = %q, Immuta holds %q", got, want)
					}
					return nil
				}),
			},
			{ResourceName: resourceAddress, ImportState: true, ImportStateVerify: true, ImportStateVerifyIgnore: []string{"timeouts"}},
			{ // bumping rotate_api_key rotates the key in place
				PreConfig: func() {
					rec, _ := srv.Emulator.Integration(ids.get())
					oldKey, _ = rec.Config["apiKey"].(string)
				},
				Config: rotated,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(resourceAddress, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeTestCheckFunc(checkSameID(ids), func(s *terraform.State) error {
					got := s.RootModule().Resources[resourceAddress].Primary.Attributes["trino.api_key"]
					rec, _ := srv.Emulator.Integration(ids.get())
					if want, _ := rec.Config["apiKey"].(string); got != want || got == oldKey {
						return fmt.Errorf("trino.api_key = %q, Immuta holds %q, the old key was %q", got, want, oldKey)
					}
					return nil
				}),
			},
			{
				PreConfig: func() {
					if err := srv.Emulator.Vanish(ids.get()); err != nil {
						t.Fatalf("vanish: %v", err)
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(resourceAddress, plancheck.ResourceActionCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeTestCheckFunc(checkNewID(ids), checkCount(srv, 1)),
			},
		},
	})
}

func checkNewID(ids *idRecorder) func(*terraform.State) error {
	return func(s *terraform.State) error {
		got := s.RootModule().Resources[resourceAddress].Primary.ID
		if got == ids.get() {
			return fmt.Errorf("id is still %s: expected a new integration", got)
		}
		return nil
	}
}
