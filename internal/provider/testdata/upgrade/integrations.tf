# The configuration TestAccUpgrade_fromPreviousRelease applies with the previous release
# (scripts/previous-release) and plans with the current build, expecting no change. It covers
# every integration type, automatic and manual set-up, secrets kept in state and write-only ones
# with their versions, settings left for Immuta to fill in, nested settings, timeouts and the data
# sources. It must stay valid for the previous release: add what a new release introduces once
# that release is the previous one. The test adds the provider block (with delete_credentials for
# the write-only auto-bootstrapped Snowflake) and the Starburst (Trino) integration.

# Snowflake, set up by Immuta, key pair with every optional setting; secrets in state.
resource "immuta_integration" "snowflake_full" {
  auto_bootstrap = true
  snowflake = {
    host                = "upgrade-full.us-east-1.snowflakecomputing.com"
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
    private_key_password = "upgrade-key-pass"
    audit                = { enabled = true }
    workspaces           = { enabled = true, warehouses = ["WS_WH_1", "WS_WH_2"] }
    impersonation        = { enabled = true, role = "IMMUTA_IMP" }
    lineage = {
      enabled           = true
      ingest_batch_size = 500
      table_filter      = "ANALYTICS\\..*"
      tag_filter_regex  = "pii.*"
    }
    user_role_pattern = { exclude = ["ACCOUNTADMIN", "SYSADMIN"] }
  }
  timeouts = {
    create = "20m"
    delete = "15m"
  }
}

# Snowflake, set up by Immuta, with a write-only password: its delete takes the password from the
# provider's delete_credentials. The settings Immuta fills in are left out.
resource "immuta_integration" "snowflake_write_only" {
  auto_bootstrap = true
  snowflake = {
    host                = "upgrade-wo.us-east-1.snowflakecomputing.com"
    warehouse           = "COMPUTE_WH"
    database            = "IMMUTA_WO"
    role                = "ACCOUNTADMIN"
    authentication_type = "userPassword"
    username            = "IMMUTA_SETUP"
    password_wo         = "upgrade-snowflake-wo-1"
    password_wo_version = 1
  }
}

# Snowflake, set up manually, OAuth client credentials with a write-only client secret.
resource "immuta_integration" "snowflake_oauth" {
  snowflake = {
    host                = "upgrade-oauth.eu-west-1.snowflakecomputing.com"
    warehouse           = "OAUTH_WH"
    database            = "IMMUTA_OAUTH"
    authentication_type = "oAuthClientCredentials"
    oauth_client_config = {
      provider                 = "Okta"
      client_id                = "immuta-upgrade"
      authority_url            = "https://acme.okta.com/oauth2/default/v1/token"
      scope                    = "session:role:IMMUTA"
      client_secret_wo         = "upgrade-oauth-secret-1"
      client_secret_wo_version = 3
    }
  }
}

resource "immuta_integration" "databricks_oauth" {
  auto_bootstrap = true
  databricks = {
    workspace_url       = "dbc-upgrade-1.cloud.databricks.com"
    http_path           = "/sql/1.0/warehouses/upgrade01"
    port                = 443
    catalog             = "immuta_catalog"
    authentication_type = "oAuthM2M"
    oauth_client_config = {
      client_id     = "sp-client-id"
      client_secret = "upgrade-sp-secret"
      scope         = "all-apis"
    }
    audit         = { enabled = true }
    group_pattern = { deny = "immuta_exempt" }
  }
}

resource "immuta_integration" "databricks_token_write_only" {
  databricks = {
    workspace_url       = "dbc-upgrade-2.cloud.databricks.com"
    http_path           = "/sql/1.0/warehouses/upgrade02"
    authentication_type = "token"
    token_wo            = "dapi-upgrade-wo-1"
    token_wo_version    = 1
  }
}

resource "immuta_integration" "redshift_access_key" {
  auto_bootstrap = true
  redshift = {
    host                = "upgrade.abc123.us-east-1.redshift.amazonaws.com"
    port                = 5439
    database            = "immuta_db"
    initial_database    = "dev"
    authentication_type = "accessKey"
    database_user       = "immuta_system"
    access_key_id       = "AKIAEXAMPLE"
    secret_key          = "upgrade-aws-secret"
    session_token       = "upgrade-aws-session"
    impersonation       = { enabled = true, role = "immuta_impersonation" }
  }
}

# Redshift, set up manually (the immuta_integration_script data source renders its scripts).
resource "immuta_integration" "redshift_manual_write_only" {
  redshift = {
    host                = "upgrade-manual.def456.us-west-2.redshift.amazonaws.com"
    database            = "immuta_manual"
    initial_database    = "dev"
    authentication_type = "userPassword"
    username            = "immuta_manual"
    password_wo         = "upgrade-redshift-wo-1"
    password_wo_version = 2
  }
}

resource "immuta_integration" "azure_synapse" {
  auto_bootstrap = true
  azure_synapse = {
    host                = "upgrade.sql.azuresynapse.net"
    port                = 1433
    database            = "pool1"
    schema              = "immuta"
    authentication_type = "userPassword"
    username            = "immuta_system"
    password            = "upgrade-synapse-pw"
    metadata_delimiters = { hash_delimiter = "~", hash_key_delimiter = "=", array_delimiter = ";" }
    impersonation       = { enabled = true, role = "immuta_imp" }
  }
}

resource "immuta_integration" "bigquery" {
  bigquery = {
    role           = "projects/acme/roles/immutaRole"
    dataset_suffix = "_immuta"
    dataset        = "immuta_bq"
    location       = "US"
    credential     = "{\"type\":\"service_account\",\"private_key\":\"upgrade-bq-secret\"}"
  }
}

resource "immuta_integration" "bigquery_write_only" {
  auto_bootstrap = false
  bigquery = {
    role                  = "projects/acme/roles/immutaRole"
    dataset_suffix        = "_secure"
    dataset               = "immuta_bq_eu"
    location              = "europe-west1"
    credential_wo         = "{\"type\":\"service_account\",\"private_key\":\"upgrade-bq-wo\"}"
    credential_wo_version = 1
  }
}

resource "immuta_integration" "s3_access_key" {
  s3 = {
    name                  = "upgrade-lake"
    aws_account_id        = "123456789012"
    aws_region            = "us-east-1"
    aws_location_role     = "arn:aws:iam::123456789012:role/immuta-location"
    aws_location_path     = "s3://upgrade-lake/"
    authentication_type   = "accessKey"
    aws_role_to_assume    = "arn:aws:iam::123456789012:role/immuta-assumed"
    aws_access_key_id     = "AKIAEXAMPLE"
    aws_secret_access_key = "upgrade-s3-secret"
  }
}

resource "immuta_integration" "s3_write_only" {
  s3 = {
    name                             = "upgrade-raw"
    aws_account_id                   = "123456789012"
    aws_region                       = "eu-west-1"
    aws_location_role                = "arn:aws:iam::123456789012:role/immuta-raw"
    aws_location_path                = "s3://upgrade-raw/landing/"
    authentication_type              = "accessKey"
    aws_access_key_id                = "AKIAEXAMPLE2"
    aws_secret_access_key_wo         = "upgrade-s3-wo-1"
    aws_secret_access_key_wo_version = 1
  }
}

resource "immuta_integration" "s3_auto" {
  s3 = {
    name                = "upgrade-auto"
    aws_account_id      = "123456789012"
    aws_region          = "us-east-1"
    aws_location_role   = "arn:aws:iam::123456789012:role/immuta-auto"
    aws_location_path   = "s3://upgrade-auto/"
    authentication_type = "auto"
  }
}

data "immuta_integration" "by_id" {
  id = immuta_integration.snowflake_full.id
}

data "immuta_integration" "by_host" {
  type = "databricks"
  host = immuta_integration.databricks_oauth.databricks.workspace_url
}

data "immuta_integrations" "all" {
  depends_on = [
    immuta_integration.snowflake_full, immuta_integration.snowflake_write_only, immuta_integration.snowflake_oauth,
    immuta_integration.databricks_oauth, immuta_integration.databricks_token_write_only,
    immuta_integration.redshift_access_key, immuta_integration.redshift_manual_write_only,
    immuta_integration.azure_synapse, immuta_integration.bigquery, immuta_integration.bigquery_write_only,
    immuta_integration.s3_access_key, immuta_integration.s3_write_only, immuta_integration.s3_auto,
    immuta_integration.trino,
  ]
}

data "immuta_integration_script" "redshift_teardown" {
  action         = "delete"
  integration_id = immuta_integration.redshift_manual_write_only.id
}

data "immuta_integration_script" "snowflake_create" {
  action = "create"
  snowflake = {
    host                = "upgrade-script.us-east-1.snowflakecomputing.com"
    warehouse           = "SCRIPT_WH"
    database            = "IMMUTA_SCRIPT"
    authentication_type = "userPassword"
    username            = "IMMUTA_SYSTEM"
    password            = "upgrade-script-pw"
  }
}
