// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/immuta/terraform-provider-immuta/internal/emulator"
	"github.com/immuta/terraform-provider-immuta/internal/integrationtype"
)

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

// dsWrapped matches s in Terraform's output, which wraps long lines.
func dsWrapped(s string) string {
	return strings.ReplaceAll(regexp.QuoteMeta(s), " ", `\s+`)
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
