// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package integrationtype

import (
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// All is every integration type, in the order of the documentation.
var All = []*Type{Snowflake, Databricks, Redshift, AzureSynapse, BigQuery, S3, Trino}

// ByBlock returns the type whose resource block has the given name.
func ByBlock(block string) (*Type, bool) {
	for _, t := range All {
		if t.Block == block {
			return t, true
		}
	}
	return nil, false
}

// ByAPIName returns the type whose payload "type" is name.
func ByAPIName(name string) (*Type, bool) {
	for _, t := range All {
		if t.APIName == name {
			return t, true
		}
	}
	return nil, false
}

// Fields that several types share.
// enabledFlag is an on/off switch whose default Immuta's docs do not give:
// left out, it is not sent and Immuta's answer fills it in.
func enabledFlag(what string) Field {
	return Field{Name: "enabled", JSON: "enabled", Kind: Bool, ServerComputed: true, Description: "Whether " + what + " is enabled."}
}

// auditField is the query-audit switch; only Snowflake's docs give its
// default (false).
func auditField(documentedDefault bool) Field {
	if documentedDefault {
		return Field{
			Name: "audit", JSON: "audit", Kind: Object, HasDefault: true,
			Description: "Query audit settings.",
			Fields: []Field{{Name: "enabled", JSON: "enabled", Kind: Bool, Default: false,
				Description: "Whether query audit is enabled."}},
		}
	}
	return Field{
		Name: "audit", JSON: "audit", Kind: Object, ServerComputed: true,
		Description: "Query audit settings.",
		Fields:      []Field{enabledFlag("query audit")},
	}
}

// impersonationField: the role's default is documented for Snowflake only,
// and no type documents the switch's, so the object is Immuta's to fill in.
func impersonationField(defaultRole any) Field {
	return Field{
		Name: "impersonation", JSON: "impersonation", Kind: Object, ServerComputed: true,
		Description: "User impersonation settings.",
		Fields: []Field{
			enabledFlag("user impersonation"),
			{Name: "role", JSON: "role", Kind: String, Default: defaultRole, Description: "Name of the role Immuta creates for impersonation."},
		},
	}
}

// useCertificate chooses between a certificate and a client secret. Its
// default is not documented, but Immuta's rules read a missing value as
// false, and so do the provider's checks.
func useCertificate(description string) Field {
	return Field{Name: "use_certificate", JSON: "useCertificate", Kind: Bool, ServerComputed: true, Implied: false, Description: description}
}

func secret(name, json, description string) Field {
	return Field{Name: name, JSON: json, Kind: String, Secret: true, Description: description}
}

func str(name, json, description string, v ...validator.String) Field {
	return Field{Name: name, JSON: json, Kind: String, Description: description, StringValidators: v}
}

func port(defaultPort int64) Field {
	return Field{
		Name: "port", JSON: "port", Kind: Int64, Default: defaultPort, NonEditable: true,
		Description: "Port of the platform's endpoint.", Int64Validators: []validator.Int64{portValidator},
	}
}

func nonEmptyStringList() []validator.List {
	return []validator.List{listvalidator.ValueStringsAre(stringvalidator.LengthBetween(1, 1024))}
}

// Snowflake is the Snowflake integration.
var Snowflake = &Type{
	Block: "snowflake", APIName: "Snowflake", DisplayName: "Snowflake",
	Description: "A Snowflake account.",
	Setup:       AutoOrManual,
	HostKey:     []string{"host"},
	Variants: []Variant{
		{Discriminator: "authentication_type", Exclusive: true, Rules: map[string]Rule{
			"userPassword":           {Requires: []string{"username", "password"}},
			"keyPair":                {Requires: []string{"username", "private_key.content"}, Allows: []string{"private_key_password"}},
			"oAuthClientCredentials": {Requires: []string{"oauth_client_config"}},
		}},
		{Object: "oauth_client_config", Discriminator: "use_certificate", Exclusive: true, Rules: map[string]Rule{
			"true":  {Requires: []string{"public_certificate_thumbprint", "oauth_private_key.content"}},
			"false": {Requires: []string{"client_secret"}},
		}},
	},
	RequiredWithAutoBootstrap: []string{"role"},
	DeleteCredentials:         []string{"authentication_type", "username", "password", "private_key", "private_key_password", "oauth_client_config", "role"},
	Tests: []TestMapping{
		{"Warehouse", "warehouse"},
		{"Privileged Role", "role"},
		{"Bootstrap User Grants", "role"},
		{"Impersonation", "impersonation.role"},
		{"Database", "database"},
		{"Connection", "host"},
	},
	Fields: []Field{
		{Name: "host", JSON: "host", Kind: String, Required: true, NonEditable: true, StringValidators: these(hostValidator), Normalize: HostName,
			Description: "Snowflake account host, without scheme, such as `acme.us-east-1.snowflakecomputing.com`."},
		port(443),
		{Name: "warehouse", JSON: "warehouse", Kind: String, Required: true, Description: "Default warehouse Immuta uses for its queries."},
		{Name: "database", JSON: "database", Kind: String, Required: true, NonEditable: true,
			Description: "Name of the new database Immuta creates and owns in Snowflake."},
		str("role", "role", "Privileged role used to set the integration up and tear it down, such as `ACCOUNTADMIN`. Required when `auto_bootstrap` is true."),
		{Name: "authentication_type", JSON: "authenticationType", Kind: String, Required: true,
			StringValidators: oneOf("userPassword", "keyPair", "oAuthClientCredentials"),
			Description:      "How Immuta authenticates: `userPassword`, `keyPair` or `oAuthClientCredentials`."},
		str("username", "username", "Snowflake user name (`userPassword` and `keyPair`)."),
		secret("password", "password", "Password of `username` (`userPassword`)."),
		{Name: "private_key", JSON: "privateKey", Kind: Object, Description: "Private key of `username` (`keyPair`).",
			Fields: []Field{
				{Name: "key_name", JSON: "keyName", Kind: String, Default: "PRIV_KEY_FILE", Description: "Name Immuta gives the key file."},
				str("user_filename", "userFilename", "Original file name of the key."),
				secret("content", "content", "The PEM-encoded private key."),
			}},
		secret("private_key_password", "privateKeyPassword", "Passphrase of an encrypted private key (`keyPair`)."),
		{Name: "oauth_client_config", JSON: "oAuthClientConfig", Kind: Object, Description: "OAuth client-credentials settings (`oAuthClientCredentials`).",
			Fields: []Field{
				{Name: "provider", JSON: "provider", Kind: String, Required: true, Description: "Identity provider, such as `Okta` or `Microsoft Entra ID`."},
				{Name: "client_id", JSON: "clientId", Kind: String, Required: true, Description: "OAuth client ID."},
				{Name: "authority_url", JSON: "authorityUrl", Kind: String, Required: true, Description: "Token endpoint of the identity provider.",
					StringValidators: these(stringvalidator.RegexMatches(httpsURL, "must be an https:// URL")), Normalize: HTTPSURL},
				useCertificate("Authenticate with a certificate instead of a client secret."),
				str("public_certificate_thumbprint", "publicCertificateThumbprint", "Thumbprint of the certificate (when `use_certificate` is true)."),
				{Name: "oauth_private_key", JSON: "oauthPrivateKey", Kind: Object, Description: "Certificate private key (when `use_certificate` is true).",
					Fields: []Field{
						str("key_name", "keyName", "Name Immuta gives the key file."),
						str("user_filename", "userFilename", "Original file name of the key."),
						secret("content", "content", "The PEM-encoded private key."),
					}},
				secret("client_secret", "clientSecret", "OAuth client secret (when `use_certificate` is false)."),
				str("resource", "resource", "Resource (audience) requested in the token."),
				str("scope", "scope", "Scope requested in the token."),
			}},
		auditField(true),
		{Name: "workspaces", JSON: "workspaces", Kind: Object, ServerComputed: true, Description: "Project workspaces settings.",
			Fields: []Field{
				enabledFlag("project workspaces"),
				{Name: "warehouses", JSON: "warehouses", Kind: StringList, ServerComputed: true, ListValidators: nonEmptyStringList(),
					Description: "Warehouses available to project workspaces."},
			}},
		impersonationField("IMMUTA_IMPERSONATION"),
		{Name: "lineage", JSON: "lineage", Kind: Object, ServerComputed: true, Description: "Lineage tag propagation settings.",
			Fields: []Field{
				enabledFlag("lineage"),
				{Name: "ingest_batch_size", JSON: "ingestBatchSize", Kind: Int64, Default: int64(1000),
					Int64Validators: []validator.Int64{int64validator.Between(1, 100000)}, Description: "Number of lineage rows ingested per batch."},
				{Name: "table_filter", JSON: "tableFilter", Kind: String, Default: ".*", Description: "Regular expression of the tables whose lineage is ingested."},
				{Name: "tag_filter_regex", JSON: "tagFilterRegex", Kind: String, Default: ".*", Description: "Regular expression of the tags that propagate."},
			}},
		{Name: "user_role_pattern", JSON: "userRolePattern", Kind: Object, ServerComputed: true, Description: "Snowflake roles Immuta leaves alone.",
			Fields: []Field{
				{Name: "exclude", JSON: "exclude", Kind: StringList, ServerComputed: true, ListValidators: nonEmptyStringList(),
					Description: "Patterns of role names to exclude."},
			}},
	},
}

// Databricks is the Databricks Unity Catalog integration.
var Databricks = &Type{
	Block: "databricks", APIName: "Databricks", DisplayName: "Databricks Unity Catalog",
	Description: "A Databricks Unity Catalog workspace.",
	Setup:       AutoOrManual,
	HostKey:     []string{"workspace_url"},
	Variants: []Variant{
		{Discriminator: "authentication_type", Exclusive: true, Rules: map[string]Rule{
			"token":    {Requires: []string{"token"}},
			"oAuthM2M": {Requires: []string{"oauth_client_config.client_id", "oauth_client_config.client_secret"}},
		}},
	},
	Tests: []TestMapping{
		{"Metastore", "workspace_url"},
		{"Catalog", "catalog"},
		{"Warehouse", "http_path"},
		{"Connection", "workspace_url"},
	},
	Fields: []Field{
		{Name: "workspace_url", JSON: "workspaceUrl", Kind: String, Required: true, NonEditable: true, StringValidators: these(hostValidator), Normalize: HostName,
			Description: "Databricks workspace host, without scheme, such as `dbc-1234.cloud.databricks.com`."},
		{Name: "http_path", JSON: "httpPath", Kind: String, Required: true, StringValidators: these(httpPathValidator),
			Description: "HTTP path of the SQL warehouse or cluster Immuta uses."},
		port(443),
		{Name: "catalog", JSON: "catalog", Kind: String, Default: "immuta", NonEditable: true,
			Description: "Name of the catalog Immuta creates and owns."},
		{Name: "authentication_type", JSON: "authenticationType", Kind: String, Required: true,
			StringValidators: oneOf("token", "oAuthM2M"), Description: "How Immuta authenticates: `token` or `oAuthM2M`."},
		secret("token", "token", "Personal access token of the Immuta service principal (`token`)."),
		{Name: "oauth_client_config", JSON: "oAuthClientConfig", Kind: Object, Description: "OAuth machine-to-machine settings (`oAuthM2M`).",
			Fields: []Field{
				useCertificate("Authenticate with a certificate."),
				str("client_id", "clientId", "OAuth client ID of the service principal."),
				secret("client_secret", "clientSecret", "OAuth client secret of the service principal."),
				{Name: "scope", JSON: "scope", Kind: String, Default: "all-apis", Description: "Scope requested in the token."},
				{Name: "authority_url", JSON: "authorityUrl", Kind: String, Description: "Token endpoint, when not the workspace's own.",
					StringValidators: these(stringvalidator.RegexMatches(httpsURL, "must be an https:// URL")), Normalize: HTTPSURL},
			}},
		auditField(false),
		{Name: "group_pattern", JSON: "groupPattern", Kind: Object, ServerComputed: true, Description: "Databricks groups Immuta leaves alone.",
			Fields: []Field{
				{Name: "deny", JSON: "deny", Kind: String, ReadsFromList: true,
					Description: "Name of the exemption group: Immuta does not govern its members."},
			}},
	},
}

// Redshift is the Amazon Redshift integration.
var Redshift = &Type{
	Block: "redshift", APIName: "Redshift", DisplayName: "Amazon Redshift",
	Description: "An Amazon Redshift cluster or serverless workgroup.",
	Setup:       AutoOrManual, InitialCreateScript: true,
	HostKey: []string{"host"},
	Variants: []Variant{
		{Discriminator: "authentication_type", Exclusive: true, Rules: map[string]Rule{
			"userPassword": {Requires: []string{"username", "password"}},
			"accessKey":    {Requires: []string{"database_user", "access_key_id", "secret_key"}, Allows: []string{"session_token"}},
		}},
		{Object: "impersonation", Discriminator: "enabled", Rules: map[string]Rule{"true": {Requires: []string{"role"}}}},
	},
	DeleteCredentials: []string{"authentication_type", "username", "password", "database_user", "access_key_id", "secret_key", "session_token"},
	Tests: []TestMapping{
		{"Initial Database", "initial_database"},
		{"Impersonation", "impersonation.role"},
		{"Database", "database"},
		{"Connection", "host"},
	},
	Fields: []Field{
		{Name: "host", JSON: "host", Kind: String, Required: true, NonEditable: true, StringValidators: these(hostValidator), Normalize: HostName,
			Description: "Redshift endpoint host, without scheme or port."},
		port(5439),
		{Name: "database", JSON: "database", Kind: String, Required: true, NonEditable: true,
			Description: "Name of the new database Immuta creates and manages."},
		{Name: "initial_database", JSON: "initialDatabase", Kind: String, Required: true, NonEditable: true,
			Description: "Existing database Immuta connects to first."},
		{Name: "authentication_type", JSON: "authenticationType", Kind: String, Required: true,
			StringValidators: oneOf("userPassword", "accessKey"), Description: "How Immuta authenticates: `userPassword` or `accessKey`."},
		str("username", "username", "Database user name (`userPassword`)."),
		secret("password", "password", "Password of `username` (`userPassword`)."),
		str("database_user", "databaseUser", "Database user that the access key maps to (`accessKey`)."),
		str("access_key_id", "accessKeyId", "AWS access key ID (`accessKey`)."),
		secret("secret_key", "secretKey", "AWS secret access key (`accessKey`)."),
		secret("session_token", "sessionToken", "AWS session token for temporary credentials (`accessKey`)."),
		impersonationField(nil),
	},
}

// AzureSynapse is the Azure Synapse Analytics integration.
var AzureSynapse = &Type{
	Block: "azure_synapse", APIName: "Azure Synapse Analytics", DisplayName: "Azure Synapse Analytics",
	Description: "An Azure Synapse Analytics dedicated SQL pool.",
	Setup:       AutoOrManual, InitialCreateScript: true,
	HostKey: []string{"host"},
	Variants: []Variant{
		{Discriminator: "authentication_type", Exclusive: true, Rules: map[string]Rule{
			"userPassword": {Requires: []string{"username", "password"}},
		}},
		{Object: "impersonation", Discriminator: "enabled", Rules: map[string]Rule{"true": {Requires: []string{"role"}}}},
	},
	DeleteCredentials: []string{"authentication_type", "username", "password"},
	Tests: []TestMapping{
		{"Schema", "schema"},
		{"Impersonation", "impersonation.role"},
		{"Database", "database"},
		{"Connection", "host"},
	},
	Fields: []Field{
		{Name: "host", JSON: "host", Kind: String, Required: true, NonEditable: true, StringValidators: these(hostValidator), Normalize: HostName,
			Description: "Synapse SQL endpoint host, without scheme, such as `acme.sql.azuresynapse.net`."},
		port(1433),
		{Name: "database", JSON: "database", Kind: String, Required: true, NonEditable: true, Description: "Existing database (dedicated SQL pool)."},
		{Name: "schema", JSON: "schema", Kind: String, Required: true, NonEditable: true, Description: "Schema Immuta creates for its objects."},
		{Name: "authentication_type", JSON: "authenticationType", Kind: String, Default: "userPassword",
			StringValidators: oneOf("userPassword"), Description: "How Immuta authenticates; only `userPassword`."},
		str("username", "username", "SQL user name."),
		secret("password", "password", "Password of `username`."),
		{Name: "metadata_delimiters", JSON: "metadataDelimiters", Kind: Object, HasDefault: true, NonEditable: true,
			Description: "Delimiters Immuta uses in metadata; they can never change once set.",
			Fields: []Field{
				{Name: "hash_delimiter", JSON: "hashDelimiter", Kind: String, Default: "|", Description: "Hash delimiter."},
				{Name: "hash_key_delimiter", JSON: "hashKeyDelimiter", Kind: String, Default: ":", Description: "Hash key delimiter."},
				{Name: "array_delimiter", JSON: "arrayDelimiter", Kind: String, Default: ",", Description: "Array delimiter."},
			}},
		impersonationField(nil),
	},
}

// BigQuery is the Google BigQuery integration; it is always set up manually.
var BigQuery = &Type{
	Block: "bigquery", APIName: "Google BigQuery", DisplayName: "Google BigQuery",
	Description: "A Google BigQuery project.",
	Setup:       ManualOnly,
	HostKey:     []string{"dataset", "location"},
	Variants: []Variant{
		{Rules: map[string]Rule{"": {Requires: []string{"credential"}}}},
	},
	Tests: []TestMapping{
		{"Dataset", "dataset"},
		{"Role", "role"},
		{"Service Account", "credential"},
		{"Connection", "credential"},
	},
	Fields: []Field{
		{Name: "role", JSON: "role", Kind: String, Required: true, NonEditable: true, Description: "Custom role granted to the Immuta service account."},
		{Name: "dataset_suffix", JSON: "datasetSuffix", Kind: String, Required: true, NonEditable: true, StringValidators: these(datasetSuffixValidator),
			Description: "Suffix of the secure datasets Immuta creates; starts with `_`."},
		{Name: "dataset", JSON: "dataset", Kind: String, Default: "immuta", NonEditable: true, Description: "Dataset Immuta creates for its objects."},
		{Name: "location", JSON: "location", Kind: String, Required: true, NonEditable: true, Description: "BigQuery location, such as `US` or `europe-west1`."},
		{Name: "credential", JSON: "credential", Kind: String, Secret: true, StringValidators: these(serviceAccountKeyValidator),
			Description: "Service-account key file (JSON) Immuta authenticates with."},
	},
}

// S3 is the Amazon S3 integration; it is always set up manually.
var S3 = &Type{
	Block: "s3", APIName: "Native S3", DisplayName: "Amazon S3",
	Description: "An Amazon S3 location.",
	Setup:       ManualOnly,
	HostKey:     []string{"aws_location_path"},
	Variants: []Variant{
		{Discriminator: "authentication_type", Exclusive: true, Rules: map[string]Rule{
			"auto":      {},
			"accessKey": {Requires: []string{"aws_access_key_id", "aws_secret_access_key"}},
		}},
	},
	Tests: []TestMapping{
		{"Location Role", "aws_location_role"},
		{"Role To Assume", "aws_role_to_assume"},
		{"Location", "aws_location_path"},
		{"Access Key", "aws_access_key_id"},
	},
	Fields: []Field{
		{Name: "name", JSON: "name", Kind: String, Required: true, NonEditable: true, Description: "Name of the integration, unique among S3 integrations."},
		{Name: "aws_account_id", JSON: "awsAccountId", Kind: String, Required: true, NonEditable: true, StringValidators: these(awsAccountIDValidator),
			Description: "AWS account ID that owns the location."},
		{Name: "aws_region", JSON: "awsRegion", Kind: String, Required: true, NonEditable: true, StringValidators: these(awsRegionValidator),
			Description: "AWS region of the bucket."},
		{Name: "aws_location_role", JSON: "awsLocationRole", Kind: String, Required: true, StringValidators: these(iamRoleValidator),
			Description: "IAM role ARN Immuta uses for S3 Access Grants."},
		{Name: "aws_location_path", JSON: "awsLocationPath", Kind: String, Required: true, NonEditable: true, StringValidators: these(s3PathValidator),
			Description: "S3 location, unique among S3 integrations, such as `s3://bucket/prefix/`."},
		{Name: "authentication_type", JSON: "authenticationType", Kind: String, Required: true,
			StringValidators: oneOf("auto", "accessKey"), Description: "How Immuta authenticates to AWS: `auto` or `accessKey`."},
		str("aws_role_to_assume", "awsRoleToAssume", "IAM role ARN Immuta assumes.", iamRoleValidator),
		str("aws_access_key_id", "awsAccessKeyId", "AWS access key ID (`accessKey`)."),
		secret("aws_secret_access_key", "awsSecretAccessKey", "AWS secret access key (`accessKey`)."),
	},
}

// Trino is the Starburst (Trino) integration: no configuration, and the API
// hands back the key the cluster must be configured with.
var Trino = &Type{
	Block: "trino", APIName: "Trino", DisplayName: "Starburst (Trino)",
	Description: "A Starburst (Trino) cluster. The block takes no arguments: `trino = {}`.",
	Setup:       NoSetup,
	Fields: []Field{
		{Name: "api_key", JSON: "apiKey", Kind: String, Computed: true, Sensitive: true, StoreSwitch: "store_api_key",
			Description: "Immuta API key the Starburst cluster must be configured with."},
		{Name: "store_api_key", Kind: Bool, Local: true,
			Description: "Set to `false` to keep `api_key` out of the state and of plan files: `api_key` is then null, and the " +
				"`immuta_trino_api_key` ephemeral resource reads the key when a configuration needs it. " +
				"Left out or `true`, the key is stored in the state (sensitive)."},
		{Name: "rotate_api_key", JSON: "rotateApiKey", Kind: Int64, Local: true,
			Description: "Change this number to rotate `api_key`: Terraform asks Immuta for a new key (`POST /integrations/{id}/regenerate`) " +
				"and the old one stops working, so update the Starburst cluster's configuration with the new `api_key` right after."},
	},
}
