// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/immuta/terraform-provider-immuta/internal/emulator"
	"github.com/immuta/terraform-provider-immuta/internal/integrationtype"
)

// Bad configurations are rejected at plan time, with an error naming the
// attribute, and never reach Immuta.

// attrs is an ordered list of "name = value" lines of a block.
type attrs [][2]string

// with returns a copy of a with name set to value (added when missing), or
// removed when value is "".
func (a attrs) with(changes ...string) attrs {
	out := append(attrs{}, a...)
	for i := 0; i+1 < len(changes); i += 2 {
		name, value := changes[i], changes[i+1]
		found := false
		for j := 0; j < len(out); j++ {
			if out[j][0] == name {
				found = true
				if value == "" {
					out = append(out[:j], out[j+1:]...)
					j--
				} else {
					out[j][1] = value
				}
			}
		}
		if !found && value != "" {
			out = append(out, [2]string{name, value})
		}
	}
	return out
}

func (a attrs) String() string {
	var b strings.Builder
	for _, kv := range a {
		fmt.Fprintf(&b, "    %s = %s\n", kv[0], kv[1])
	}
	return b.String()
}

var (
	badSnowflake = attrs{
		{"host", `"acme.us-east-1.snowflakecomputing.com"`},
		{"warehouse", `"COMPUTE_WH"`},
		{"database", `"IMMUTA_DB"`},
		{"authentication_type", `"userPassword"`},
		{"username", `"IMMUTA_SYSTEM"`},
		{"password", `"snowflake-pw-1"`},
	}
	badDatabricks = attrs{
		{"workspace_url", `"dbc-1234.cloud.databricks.com"`},
		{"http_path", `"/sql/1.0/warehouses/abc123"`},
		{"authentication_type", `"token"`},
		{"token", `"dapi-token-1"`},
	}
	badRedshift = attrs{
		{"host", `"acme.abc123.us-east-1.redshift.amazonaws.com"`},
		{"database", `"immuta_db"`},
		{"initial_database", `"dev"`},
		{"authentication_type", `"userPassword"`},
		{"username", `"immuta_system"`},
		{"password", `"redshift-pw-1"`},
	}
	badBigQuery = attrs{
		{"role", `"projects/acme/roles/immutaRole"`},
		{"dataset_suffix", `"_immuta"`},
		{"location", `"US"`},
		{"credential", `"{\"type\":\"service_account\"}"`},
	}
	badS3 = attrs{
		{"name", `"data-lake"`},
		{"aws_account_id", `"123456789012"`},
		{"aws_region", `"us-east-1"`},
		{"aws_location_role", `"arn:aws:iam::123456789012:role/immuta-location"`},
		{"aws_location_path", `"s3://acme-data-lake/"`},
		{"authentication_type", `"auto"`},
	}
)

type badConfig struct {
	name string
	// provider is the provider block's body; "" means the emulator's.
	provider string
	// resource is the resource block's body.
	resource string
	// err must match the error; it names the attribute.
	err string
}

// typeBlock renders a type block inside the resource body, with extra
// resource-level lines.
func typeBody(block string, a attrs, extra ...string) string {
	return strings.Join(extra, "\n") + "\n  " + block + " = {\n" + a.String() + "  }\n"
}

var longString = strings.Repeat("x", 1025)

var badConfigs = []badConfig{
	// Wrong types.
	{name: "port is a string", resource: typeBody("snowflake", badSnowflake.with("port", `"https"`)),
		err: `port = "https".*Inappropriate value for attribute "snowflake": a number is required`},
	{name: "audit is a bool", resource: typeBody("snowflake", badSnowflake.with("audit", "true")),
		err: `attribute "snowflake": attribute "audit": object required`},
	{name: "warehouses is a string", resource: typeBody("snowflake", badSnowflake.with("workspaces", `{ enabled = true, warehouses = "WH" }`)),
		err: `attribute "workspaces":\s+attribute "warehouses":\s+list of string required`},
	{name: "auto_bootstrap is not a bool", resource: typeBody("snowflake", badSnowflake, `  auto_bootstrap = "sometimes"`),
		err: `attribute "auto_bootstrap":\s+a bool is required`},
	{name: "impersonation.enabled is not a bool", resource: typeBody("redshift", badRedshift.with("impersonation", `{ enabled = "maybe" }`)),
		err: `impersonation = \{ enabled = "maybe" \}.*Inappropriate value for attribute "redshift": a bool is required`},

	// Unknown enum values.
	{name: "snowflake authentication_type", resource: typeBody("snowflake", badSnowflake.with("authentication_type", `"password"`)),
		err: `snowflake\.authentication_type value must be one of`},
	{name: "databricks authentication_type", resource: typeBody("databricks", badDatabricks.with("authentication_type", `"pat"`)),
		err: `databricks\.authentication_type value must be one of`},
	{name: "s3 authentication_type", resource: typeBody("s3", badS3.with("authentication_type", `"iam"`)),
		err: `s3\.authentication_type value must be one of`},
	{name: "synapse authentication_type", resource: typeBody("azure_synapse", attrs{
		{"host", `"acme.sql.azuresynapse.net"`}, {"database", `"pool1"`}, {"schema", `"immuta"`},
		{"authentication_type", `"keyPair"`}, {"username", `"u"`}, {"password", `"synapse-pw-1"`},
	}), err: `azure_synapse\.authentication_type value must be one of`},

	// Fields missing for the authentication type.
	{name: "userPassword without password", resource: typeBody("snowflake", badSnowflake.with("password", "")),
		err: `snowflake\.password is required when authentication_type = "userPassword"`},
	{name: "keyPair without private key", resource: typeBody("snowflake", badSnowflake.with("authentication_type", `"keyPair"`, "password", "")),
		err: `snowflake\.private_key\.content is required when\s+authentication_type = "keyPair"`},
	{name: "oAuthClientCredentials without client config", resource: typeBody("snowflake", badSnowflake.with("authentication_type", `"oAuthClientCredentials"`, "password", "", "username", "")),
		err: `snowflake\.oauth_client_config is required when\s+authentication_type =\s+"oAuthClientCredentials"`},
	{name: "redshift accessKey without secret_key", resource: typeBody("redshift", badRedshift.with("authentication_type", `"accessKey"`, "username", "", "password", "",
		"database_user", `"immuta"`, "access_key_id", `"AKIAEXAMPLE"`)),
		err: `redshift\.secret_key is required when authentication_type = "accessKey"`},
	{name: "databricks oAuthM2M without client secret", resource: typeBody("databricks", badDatabricks.with("authentication_type", `"oAuthM2M"`, "token", "",
		"oauth_client_config", `{ client_id = "sp" }`)),
		err: `databricks\.oauth_client_config\.client_secret is required when\s+authentication_type = "oAuthM2M"`},
	{name: "oauth certificate without thumbprint", resource: typeBody("snowflake", badSnowflake.with("authentication_type", `"oAuthClientCredentials"`, "password", "",
		"oauth_client_config", `{ provider = "Okta", client_id = "c", authority_url = "https://idp.example.com/token", use_certificate = true }`)),
		err: `snowflake\.oauth_client_config\.public_certificate_thumbprint is required`},
	{name: "impersonation without role", resource: typeBody("redshift", badRedshift.with("impersonation", `{ enabled = true }`)),
		err: `redshift\.impersonation\.role is required when enabled = true`},
	{name: "empty type block", resource: typeBody("snowflake", attrs{}),
		err: `Inappropriate value for attribute "snowflake": attributes .*"host".* are required`},

	// Fields of another authentication type, or of another integration type.
	{name: "userPassword with a private key", resource: typeBody("snowflake", badSnowflake.with("private_key", `{ content = "-----BEGIN PRIVATE KEY-----" }`)),
		err: `snowflake\.private_key applies only when authentication_type = "keyPair"`},
	{name: "redshift userPassword with access key", resource: typeBody("redshift", badRedshift.with("access_key_id", `"AKIAEXAMPLE"`)),
		err: `redshift\.access_key_id applies only when authentication_type = "accessKey"`},
	{name: "s3 auto with a secret access key", resource: typeBody("s3", badS3.with("aws_secret_access_key", `"s3-secret"`)),
		err: `s3\.aws_secret_access_key applies only when authentication_type =\s+"accessKey"`},
	// Terraform drops unknown keys inside a nested attribute's object before the provider sees them
	// (hashicorp/terraform#33570), so a field of another type is caught where Terraform checks it: at
	// the resource level.
	{name: "databricks field on the resource", resource: typeBody("snowflake", badSnowflake, `  workspace_url = "dbc-1234.cloud.databricks.com"`),
		err: `An argument named "workspace_url" is not expected here`},
	{name: "credential_wo not JSON", resource: typeBody("bigquery", badBigQuery.with("credential", "", "credential_wo", `"not-a-key-file"`)),
		err: `bigquery\.credential_wo must be the service-account key file`},
	{name: "host with a trailing dot", resource: typeBody("snowflake", badSnowflake.with("host", `"acme.snowflakecomputing.com."`)),
		err: `snowflake\.host must be a host name without scheme`},

	// Bad hosts.
	{name: "host with scheme", resource: typeBody("snowflake", badSnowflake.with("host", `"https://acme.snowflakecomputing.com"`)),
		err: `snowflake\.host must be a host name without scheme`},
	{name: "host with path", resource: typeBody("snowflake", badSnowflake.with("host", `"acme.snowflakecomputing.com/db"`)),
		err: `snowflake\.host must be a host name without scheme`},
	{name: "host with port", resource: typeBody("redshift", badRedshift.with("host", `"acme.redshift.amazonaws.com:5439"`)),
		err: `redshift\.host must be a host name without scheme`},
	{name: "unicode host", resource: typeBody("snowflake", badSnowflake.with("host", `"acmé.snowflakecomputing.com"`)),
		err: `snowflake\.host must be a host name without scheme`},
	{name: "host with a space", resource: typeBody("snowflake", badSnowflake.with("host", `"acme .snowflakecomputing.com"`)),
		err: `snowflake\.host must be a host name without scheme`},
	{name: "workspace_url with scheme", resource: typeBody("databricks", badDatabricks.with("workspace_url", `"https://dbc-1234.cloud.databricks.com"`)),
		err: `databricks\.workspace_url must be a host name without scheme`},
	{name: "http_path without a slash", resource: typeBody("databricks", badDatabricks.with("http_path", `"sql/1.0/warehouses/abc"`)),
		err: `databricks\.http_path must be the SQL warehouse or cluster HTTP path`},
	{name: "authority_url over http", resource: typeBody("snowflake", badSnowflake.with("authentication_type", `"oAuthClientCredentials"`, "password", "",
		"username", "", "oauth_client_config", `{ provider = "Okta", client_id = "c", authority_url = "http://idp.example.com/token", client_secret = "s3cr3t" }`)),
		err: `snowflake\.oauth_client_config\.authority_url must be an https:// URL`},

	// Ports.
	{name: "port 0", resource: typeBody("snowflake", badSnowflake.with("port", "0")), err: `snowflake\.port value must be between 1 and 65535`},
	{name: "port 70000", resource: typeBody("databricks", badDatabricks.with("port", "70000")), err: `databricks\.port value must be between 1 and 65535`},
	{name: "negative port", resource: typeBody("redshift", badRedshift.with("port", "-1")), err: `redshift\.port value must be between 1 and 65535`},
	// Caught by the framework while reading the nested attribute, with its generic "Configuration Read
	// Error" (which calls it a provider bug); the source snippet shows the attribute.
	{name: "fractional port", resource: typeBody("snowflake", badSnowflake.with("port", "443.5")),
		err: `port = 443\.5.*443\.5\S* is not an integer`},

	// AWS: ARNs, S3 paths, account IDs, regions.
	{name: "role ARN with a short account", resource: typeBody("s3", badS3.with("aws_location_role", `"arn:aws:iam::1234:role/immuta"`)),
		err: `s3\.aws_location_role must be an IAM role ARN`},
	{name: "ARN of a user", resource: typeBody("s3", badS3.with("aws_location_role", `"arn:aws:iam::123456789012:user/immuta"`)),
		err: `s3\.aws_location_role must be an IAM role ARN`},
	{name: "role to assume not an ARN", resource: typeBody("s3", badS3.with("aws_role_to_assume", `"immuta-role"`)),
		err: `s3\.aws_role_to_assume must be an IAM role ARN`},
	{name: "S3 path over https", resource: typeBody("s3", badS3.with("aws_location_path", `"https://acme-data-lake.s3.amazonaws.com/"`)),
		err: `s3\.aws_location_path must be an S3 location`},
	{name: "S3 bucket with capitals", resource: typeBody("s3", badS3.with("aws_location_path", `"s3://Acme_Lake/"`)),
		err: `s3\.aws_location_path must be an S3 location`},
	{name: "account id of 11 digits", resource: typeBody("s3", badS3.with("aws_account_id", `"12345678901"`)),
		err: `s3\.aws_account_id must be a 12-digit AWS account ID`},
	{name: "account id with a letter", resource: typeBody("s3", badS3.with("aws_account_id", `"12345678901a"`)),
		err: `s3\.aws_account_id must be a 12-digit AWS account ID`},
	{name: "region without number", resource: typeBody("s3", badS3.with("aws_region", `"us-east"`)),
		err: `s3\.aws_region must be an AWS region code`},
	{name: "region in capitals", resource: typeBody("s3", badS3.with("aws_region", `"US-EAST-1"`)),
		err: `s3\.aws_region must be an AWS region code`},

	// BigQuery.
	{name: "dataset_suffix without underscore", resource: typeBody("bigquery", badBigQuery.with("dataset_suffix", `"immuta"`)),
		err: `bigquery\.dataset_suffix must start with "_"`},
	{name: "dataset_suffix with a dash", resource: typeBody("bigquery", badBigQuery.with("dataset_suffix", `"_imm-uta"`)),
		err: `bigquery\.dataset_suffix must start with "_"`},
	{name: "bigquery credential not JSON", resource: typeBody("bigquery", badBigQuery.with("credential", `"not-a-key-file"`)),
		err: `bigquery\.credential must be the service-account key file`},

	// Secrets and their write-only alternatives.
	{name: "secret and its write-only alternative", resource: typeBody("snowflake", badSnowflake.with("password_wo", `"wo-pw"`, "password_wo_version", "1")),
		err: `"snowflake\.password_wo" cannot be specified when "snowflake\.password" is specified`},
	{name: "write-only version without write-only value", resource: typeBody("snowflake", badSnowflake.with("password_wo_version", "1")),
		err: `"snowflake\.password_wo" must be specified when "snowflake\.password_wo_version" is specified`},
	{name: "secret too long", resource: typeBody("snowflake", badSnowflake.with("password", `"`+strings.Repeat("p", 65537)+`"`)),
		err: `snowflake\.password string length must be between 1 and 65536`},

	// auto_bootstrap.
	{name: "bigquery auto_bootstrap", resource: typeBody("bigquery", badBigQuery, "  auto_bootstrap = true"),
		err: `auto_bootstrap is not supported for this type`},
	{name: "s3 auto_bootstrap", resource: typeBody("s3", badS3, "  auto_bootstrap = true"),
		err: `auto_bootstrap is not supported for this type`},
	{name: "trino auto_bootstrap", resource: "  auto_bootstrap = true\n  trino = {}\n",
		err: `auto_bootstrap is not supported for this type`},
	{name: "snowflake auto_bootstrap without role", resource: typeBody("snowflake", badSnowflake, "  auto_bootstrap = true"),
		err: `snowflake\.role is required when auto_bootstrap = true`},

	// Type blocks.
	{name: "no type block", resource: "", err: `Missing integration type.*Set exactly one integration type block: snowflake, databricks, redshift, azure_synapse, bigquery, s3, trino\.`},
	{name: "two type blocks", resource: typeBody("snowflake", badSnowflake) + "  trino = {}\n",
		err: `More than one integration type.*snowflake and trino are set, but an immuta_integration manages one integration`},

	// Empty and very long strings.
	{name: "empty host", resource: typeBody("snowflake", badSnowflake.with("host", `""`)), err: `snowflake\.host string length must be between 1 and 1024`},
	{name: "empty warehouse", resource: typeBody("snowflake", badSnowflake.with("warehouse", `""`)), err: `snowflake\.warehouse string length must be between 1 and 1024`},
	{name: "empty list element", resource: typeBody("snowflake", badSnowflake.with("user_role_pattern", `{ exclude = [""] }`)),
		err: `snowflake\.user_role_pattern\.exclude\[0\] string length must be between 1 and 1024`},
	{name: "database longer than 1024", resource: typeBody("snowflake", badSnowflake.with("database", `"`+longString+`"`)),
		err: `snowflake\.database string length must be between 1 and 1024`},
	{name: "bigquery location longer than 1024", resource: typeBody("bigquery", badBigQuery.with("location", `"`+longString+`"`)),
		err: `bigquery\.location string length must be between 1 and 1024`},
	{name: "lineage batch size 0", resource: typeBody("snowflake", badSnowflake.with("lineage", `{ enabled = true, ingest_batch_size = 0 }`)),
		err: `snowflake\.lineage\.ingest_batch_size value must be between 1 and 100000`},

	// Provider configuration.
	{name: "provider url without scheme", provider: `url = "acme.hosted.immutacloud.com"` + "\n  api_key = \"k\"", resource: "  trino = {}\n",
		err: `url.*must start with https://`},
	{name: "provider url with credentials", provider: `url = "https://admin:hunter2@acme.hosted.immutacloud.com"` + "\n  api_key = \"k\"", resource: "  trino = {}\n",
		err: `Immuta URL.*must not contain credentials`},
	{name: "provider empty api_key", provider: "url = %q\n  api_key = \"\"", resource: "  trino = {}\n",
		err: `api_key string length must be at least 1`},
	{name: "provider negative request_timeout", provider: "url = %q\n  api_key = \"k\"\n  request_timeout = \"-5s\"", resource: "  trino = {}\n",
		err: `request_timeout must be a positive Go duration`},
	{name: "provider max_retries 50", provider: "url = %q\n  api_key = \"k\"\n  max_retries = 50", resource: "  trino = {}\n",
		err: `max_retries value must be between 0 and 20`},
	{name: "provider ca_certificate not PEM", provider: "url = %q\n  api_key = \"k\"\n  ca_certificate = \"not a certificate\"", resource: "  trino = {}\n",
		err: `Invalid CA certificate`},
	{name: "provider ca_certificate an endless file", provider: "url = %q\n  api_key = \"k\"\n  ca_certificate = \"/dev/zero\"", resource: "  trino = {}\n",
		err: `Invalid CA certificate.*/dev/zero is larger than 4 MiB`},
	{name: "provider api_key with a tab", provider: "url = %q\n  api_key = \"abc\\tdef\"", resource: "  trino = {}\n",
		err: `Invalid Immuta API key.*control character`},
	{name: "provider url with credentials that do not parse", provider: `url = "https://admin:hun{ter2@acme.hosted.immutacloud.com"` + "\n  api_key = \"k\"",
		resource: "  trino = {}\n", err: `invalid Immuta URL: it must not contain credentials`},
}

func TestAccBadConfigurationsRejectedAtPlanTime(t *testing.T) {
	accPreCheck(t)
	t.Parallel()
	if len(badConfigs) < 40 {
		t.Fatalf("only %d bad configurations", len(badConfigs))
	}
	srv := startEmulator(t)
	seen := map[string]bool{}
	var mu sync.Mutex
	t.Run("configs", func(t *testing.T) {
		for _, tc := range badConfigs {
			if seen[tc.name] {
				t.Fatalf("duplicate case %q", tc.name)
			}
			seen[tc.name] = true
			t.Run(tc.name, func(t *testing.T) {
				t.Parallel()
				resource.Test(t, resource.TestCase{
					ProtoV6ProviderFactories: testProviders,
					Steps: []resource.TestStep{{
						Config:      badConfigText(srv, tc),
						PlanOnly:    true,
						ExpectError: errorPattern(tc.err),
					}},
				})
				mu.Lock()
				defer mu.Unlock()
				if n := len(callsBeyondAccessCheck(srv)); n != 0 {
					t.Errorf("%d requests reached Immuta", n)
				}
			})
		}
	})
	if n := len(callsBeyondAccessCheck(srv)); n != 0 {
		t.Fatalf("%d requests reached Immuta from bad configurations: %+v", n, callsBeyondAccessCheck(srv))
	}
}

func badConfigText(srv *emulator.Server, tc badConfig) string {
	provider := fmt.Sprintf("url = %q\n  api_key = %q", srv.URL, testAPIKey)
	if tc.provider != "" {
		provider = tc.provider
		if strings.Contains(provider, "%q") {
			provider = fmt.Sprintf(provider, srv.URL)
		}
	}
	return fmt.Sprintf("provider \"immuta\" {\n  %s\n}\n\nresource \"immuta_integration\" \"test\" {\n%s}\n", provider, tc.resource)
}

// TestAccSchema_describedAndOneErrorPerConflict: timeouts is described in
// `terraform providers schema -json`; `token` with `token_wo` is one error,
// and `password_wo` without its version is valid (the provider counts it).
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
	if err == nil || countOf(out, "Error:") != 1 || !shows(out, `"databricks.token_wo" cannot be specified when "databricks.token" is specified`) {
		t.Fatalf("token with token_wo: %v, want one error:\n%s", err, out)
	}
	tf.write(strings.Replace(manualSnowflake("a", "a.snowflakecomputing.com"),
		`password            = "platform-team-pw-1"`, `password_wo         = "platform-team-pw-1"`, 1))
	out, err = tf.run(ctx, "validate")
	if err != nil || !strings.Contains(out, "The configuration is valid") {
		t.Fatalf("password_wo without password_wo_version (the provider counts it): %v:\n%s", err, out)
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

func TestExactlyOneTypeBlock(t *testing.T) {
	blocks := func(values map[string]types.Object) integrationModel {
		m := integrationModel{Blocks: map[string]types.Object{}}
		for _, t := range integrationtype.All {
			v, ok := values[t.Block]
			if !ok {
				v = types.ObjectNull(map[string]attr.Type{})
			}
			m.Blocks[t.Block] = v
		}
		return m
	}
	set := types.ObjectValueMust(map[string]attr.Type{}, map[string]attr.Value{})
	unknown := types.ObjectUnknown(map[string]attr.Type{})
	cases := []struct {
		name   string
		blocks map[string]types.Object
		ok     bool
		errs   []string
	}{
		{"one", map[string]types.Object{"bigquery": set}, true, nil},
		{"none", nil, false, []string{"Set exactly one integration type block: snowflake, databricks, redshift, azure_synapse, bigquery, s3, trino."}},
		{"two", map[string]types.Object{"snowflake": set, "s3": set}, false, []string{"snowflake and s3 are set"}},
		{"three", map[string]types.Object{"snowflake": set, "s3": set, "trino": set}, false, []string{"snowflake and s3 and trino", "snowflake and s3 and trino"}},
		{"unknown only", map[string]types.Object{"redshift": unknown}, false, nil},
		{"one and an unknown", map[string]types.Object{"redshift": unknown, "s3": set}, true, nil},
	}
	for _, c := range cases {
		var diags diag.Diagnostics
		got, _, ok := exactlyOneTypeBlock(blocks(c.blocks), &diags)
		if ok != c.ok || len(diags.Errors()) != len(c.errs) {
			t.Errorf("%s: ok=%v with %d errors %v, want ok=%v with %d", c.name, ok, len(diags.Errors()), diags, c.ok, len(c.errs))
			continue
		}
		if c.ok {
			var want *integrationtype.Type
			for _, t := range integrationtype.All {
				if _, set := c.blocks[t.Block]; set && !c.blocks[t.Block].IsUnknown() {
					want = t
				}
			}
			if got != want {
				t.Errorf("%s: returned %v, want the %s type", c.name, got, want.Block)
			}
		}
		for i, want := range c.errs {
			if !strings.Contains(diags.Errors()[i].Detail(), want) {
				t.Errorf("%s: error %q does not say %q", c.name, diags.Errors()[i].Detail(), want)
			}
		}
	}
}
