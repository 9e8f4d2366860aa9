// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/immuta/terraform-provider-immuta/internal/emulator"
)

func idsExact(ids ...string) knownvalue.Check {
	checks := make([]knownvalue.Check, len(ids))
	for i, id := range ids {
		checks[i] = knownvalue.StringExact(id)
	}
	return knownvalue.ListExact(checks)
}

func summary(id, typ, status, host string, autoBootstrap bool) knownvalue.Check {
	var h knownvalue.Check = knownvalue.StringExact(host)
	if host == "" {
		h = knownvalue.Null()
	}
	return knownvalue.ObjectExact(map[string]knownvalue.Check{
		"id": knownvalue.StringExact(id), "type": knownvalue.StringExact(typ), "status": knownvalue.StringExact(status),
		"host": h, "auto_bootstrap": knownvalue.Bool(autoBootstrap),
	})
}

func TestAccDataSourceIntegrations_listAndFilter(t *testing.T) {
	srv := startEmulator(t)
	ids := seedIntegrations(t, srv, seedSnowflakeAt(dsSnowflakeHost, "SEED_DB"), seedRedshift(true),
		seedSnowflakeAt(dsSnowflakeHost2, "OTHER_DB"), seedBigQuery(), seedTrino())
	sf1, rs, sf2, bq, trino := ids[0], ids[1], ids[2], ids[3], ids[4]
	if err := srv.Emulator.ForceStatus(sf2, emulator.ForcedStatus{Status: "createError"}); err != nil {
		t.Fatal(err)
	}
	config := providerConfig(srv) + `
data "immuta_integrations" "all" {}

data "immuta_integrations" "snowflake" {
  type = "snowflake"
}

data "immuta_integrations" "enabled" {
  status = "enabled"
}

data "immuta_integrations" "failed_snowflake" {
  type   = "snowflake"
  status = "createError"
}

data "immuta_integrations" "none" {
  type = "databricks"
}
`
	const all = "data.immuta_integrations.all"
	accPreCheck(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(all, tfjsonpath.New("ids"), idsExact(sf1, rs, sf2, bq, trino)),
				statecheck.ExpectKnownValue(all, tfjsonpath.New("integrations"), knownvalue.ListExact([]knownvalue.Check{
					summary(sf1, "snowflake", "enabled", dsSnowflakeHost, false),
					summary(rs, "redshift", "enabled", dsRedshiftHost, true),
					summary(sf2, "snowflake", "createError", dsSnowflakeHost2, false),
					summary(bq, "bigquery", "enabled", "immuta/US", false),
					summary(trino, "trino", "enabled", "", false),
				})),
				statecheck.ExpectKnownValue("data.immuta_integrations.snowflake", tfjsonpath.New("ids"), idsExact(sf1, sf2)),
				statecheck.ExpectKnownValue("data.immuta_integrations.snowflake", tfjsonpath.New("integrations"), knownvalue.ListSizeExact(2)),
				statecheck.ExpectKnownValue("data.immuta_integrations.enabled", tfjsonpath.New("ids"), idsExact(sf1, rs, bq, trino)),
				statecheck.ExpectKnownValue("data.immuta_integrations.failed_snowflake", tfjsonpath.New("ids"), idsExact(sf2)),
				statecheck.ExpectKnownValue("data.immuta_integrations.failed_snowflake", tfjsonpath.New("integrations"), knownvalue.ListExact([]knownvalue.Check{
					summary(sf2, "snowflake", "createError", dsSnowflakeHost2, false),
				})),
				statecheck.ExpectKnownValue("data.immuta_integrations.none", tfjsonpath.New("ids"), knownvalue.ListSizeExact(0)),
				statecheck.ExpectKnownValue("data.immuta_integrations.none", tfjsonpath.New("integrations"), knownvalue.ListSizeExact(0)),
			},
			Check: resource.ComposeTestCheckFunc(
				resource.TestCheckResourceAttr(all, "integrations.#", "5"),
				resource.TestCheckResourceAttr("data.immuta_integrations.snowflake", "integrations.#", "2"),
				resource.TestCheckResourceAttr("data.immuta_integrations.enabled", "integrations.#", "4"),
				checkNoSecrets(all, dsSeedPassword, dsSeedRSPassword, dsSeedCredentialS),
			),
		}},
	})
}

func TestAccDataSourceIntegrations_emptyAndInvalidFilter(t *testing.T) {
	srv := startEmulator(t)
	accPreCheck(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{
				Config:      providerConfig(srv) + `data "immuta_integrations" "all" { type = "Snowflake" }`,
				ExpectError: regexp.MustCompile(`(?s)Invalid Attribute Value Match.*type value must be one of`),
			},
			{ // a status Immuta does not document (a typo) is refused naming the valid ones, not answered with an empty list
				Config:      providerConfig(srv) + `data "immuta_integrations" "all" { status = "enable" }`,
				ExpectError: regexp.MustCompile(`(?s)Attribute status value must be one of:.*"creating".*"enabled".*"recurringValidationError".*"deleted".*got: "enable"`),
			},
			{
				Config: providerConfig(srv) + `data "immuta_integrations" "all" {}`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.immuta_integrations.all", tfjsonpath.New("ids"), knownvalue.ListSizeExact(0)),
					statecheck.ExpectKnownValue("data.immuta_integrations.all", tfjsonpath.New("integrations"), knownvalue.ListSizeExact(0)),
				},
			},
		},
	})
	if n := len(loggedCalls(srv, "GET", "/integrations")); n == 0 {
		t.Error("the list data source never called GET /integrations")
	}
}
