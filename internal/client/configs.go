// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package client

// Typed "config" objects (IMMUTA_API.md, Payload), one per integration type. Every field
// is a pointer (or a slice) with omitempty so that a payload carries exactly
// what the caller set, and a decoded GET response tells absent from zero.
// Fields marked secret come back from GET as "[REDACTED]".

// Authentication types used across the configs.
const (
	AuthUserPassword           = "userPassword"
	AuthKeyPair                = "keyPair"
	AuthOAuthClientCredentials = "oAuthClientCredentials"
	AuthToken                  = "token"
	AuthOAuthM2M               = "oAuthM2M"
	AuthAccessKey              = "accessKey"
	AuthAuto                   = "auto"
)

// RedactedValue is what GET answers in place of a secret.
const RedactedValue = "[REDACTED]"

// Toggle is an object with a single "enabled" flag (e.g. audit).
type Toggle struct {
	Enabled *bool `json:"enabled,omitempty"`
}

// Impersonation configures user impersonation (Snowflake, Redshift, Synapse).
type Impersonation struct {
	Enabled *bool   `json:"enabled,omitempty"`
	Role    *string `json:"role,omitempty"`
}

// PrivateKey is an uploaded key file; Content is secret.
type PrivateKey struct {
	KeyName      *string `json:"keyName,omitempty"`
	UserFilename *string `json:"userFilename,omitempty"`
	Content      *string `json:"content,omitempty"`
}

// SnowflakeConfig is the config of a "Snowflake" integration.
type SnowflakeConfig struct {
	Host               *string                     `json:"host,omitempty"`
	Port               *int                        `json:"port,omitempty"`
	Warehouse          *string                     `json:"warehouse,omitempty"`
	Database           *string                     `json:"database,omitempty"`
	Role               *string                     `json:"role,omitempty"`
	AuthenticationType *string                     `json:"authenticationType,omitempty"`
	Username           *string                     `json:"username,omitempty"`
	Password           *string                     `json:"password,omitempty"`
	PrivateKey         *PrivateKey                 `json:"privateKey,omitempty"`
	PrivateKeyPassword *string                     `json:"privateKeyPassword,omitempty"`
	OAuthClientConfig  *SnowflakeOAuthClientConfig `json:"oAuthClientConfig,omitempty"`
	Audit              *Toggle                     `json:"audit,omitempty"`
	Workspaces         *SnowflakeWorkspaces        `json:"workspaces,omitempty"`
	Impersonation      *Impersonation              `json:"impersonation,omitempty"`
	Lineage            *SnowflakeLineage           `json:"lineage,omitempty"`
	UserRolePattern    *SnowflakeUserRolePattern   `json:"userRolePattern,omitempty"`
}

// SnowflakeOAuthClientConfig is Snowflake's oAuthClientCredentials setup.
type SnowflakeOAuthClientConfig struct {
	Provider                    *string     `json:"provider,omitempty"`
	ClientID                    *string     `json:"clientId,omitempty"`
	AuthorityURL                *string     `json:"authorityUrl,omitempty"`
	UseCertificate              *bool       `json:"useCertificate,omitempty"`
	PublicCertificateThumbprint *string     `json:"publicCertificateThumbprint,omitempty"`
	OAuthPrivateKey             *PrivateKey `json:"oauthPrivateKey,omitempty"`
	ClientSecret                *string     `json:"clientSecret,omitempty"`
	Resource                    *string     `json:"resource,omitempty"`
	Scope                       *string     `json:"scope,omitempty"`
}

// SnowflakeWorkspaces configures project workspaces.
type SnowflakeWorkspaces struct {
	Enabled    *bool    `json:"enabled,omitempty"`
	Warehouses []string `json:"warehouses,omitempty"`
}

// SnowflakeLineage configures lineage tag propagation.
type SnowflakeLineage struct {
	Enabled         *bool   `json:"enabled,omitempty"`
	IngestBatchSize *int    `json:"ingestBatchSize,omitempty"`
	TableFilter     *string `json:"tableFilter,omitempty"`
	TagFilterRegex  *string `json:"tagFilterRegex,omitempty"`
}

// SnowflakeUserRolePattern lists roles Immuta leaves alone.
type SnowflakeUserRolePattern struct {
	Exclude []string `json:"exclude,omitempty"`
}

// DatabricksConfig is the config of a "Databricks" (Unity Catalog) integration.
type DatabricksConfig struct {
	WorkspaceURL       *string                      `json:"workspaceUrl,omitempty"`
	HTTPPath           *string                      `json:"httpPath,omitempty"`
	Port               *int                         `json:"port,omitempty"`
	Catalog            *string                      `json:"catalog,omitempty"`
	AuthenticationType *string                      `json:"authenticationType,omitempty"`
	Token              *string                      `json:"token,omitempty"`
	OAuthClientConfig  *DatabricksOAuthClientConfig `json:"oAuthClientConfig,omitempty"`
	Audit              *Toggle                      `json:"audit,omitempty"`
	GroupPattern       *DatabricksGroupPattern      `json:"groupPattern,omitempty"`
}

// DatabricksOAuthClientConfig is Databricks' oAuthM2M setup.
type DatabricksOAuthClientConfig struct {
	UseCertificate *bool   `json:"useCertificate,omitempty"`
	ClientID       *string `json:"clientId,omitempty"`
	ClientSecret   *string `json:"clientSecret,omitempty"`
	Scope          *string `json:"scope,omitempty"`
	AuthorityURL   *string `json:"authorityUrl,omitempty"`
}

// DatabricksGroupPattern names the group exempt from data policies.
type DatabricksGroupPattern struct {
	Deny *string `json:"deny,omitempty"`
}

// RedshiftConfig is the config of a "Redshift" integration.
type RedshiftConfig struct {
	Host               *string        `json:"host,omitempty"`
	Port               *int           `json:"port,omitempty"`
	Database           *string        `json:"database,omitempty"`
	InitialDatabase    *string        `json:"initialDatabase,omitempty"`
	AuthenticationType *string        `json:"authenticationType,omitempty"`
	Username           *string        `json:"username,omitempty"`
	Password           *string        `json:"password,omitempty"`
	DatabaseUser       *string        `json:"databaseUser,omitempty"`
	AccessKeyID        *string        `json:"accessKeyId,omitempty"`
	SecretKey          *string        `json:"secretKey,omitempty"`
	SessionToken       *string        `json:"sessionToken,omitempty"`
	Impersonation      *Impersonation `json:"impersonation,omitempty"`
}

// AzureSynapseConfig is the config of an "Azure Synapse Analytics" integration.
type AzureSynapseConfig struct {
	Host               *string             `json:"host,omitempty"`
	Port               *int                `json:"port,omitempty"`
	Database           *string             `json:"database,omitempty"`
	Schema             *string             `json:"schema,omitempty"`
	AuthenticationType *string             `json:"authenticationType,omitempty"`
	Username           *string             `json:"username,omitempty"`
	Password           *string             `json:"password,omitempty"`
	MetadataDelimiters *MetadataDelimiters `json:"metadataDelimiters,omitempty"`
	Impersonation      *Impersonation      `json:"impersonation,omitempty"`
}

// MetadataDelimiters are Synapse's profile-data delimiters; they can never
// change once set.
type MetadataDelimiters struct {
	HashDelimiter    *string `json:"hashDelimiter,omitempty"`
	HashKeyDelimiter *string `json:"hashKeyDelimiter,omitempty"`
	ArrayDelimiter   *string `json:"arrayDelimiter,omitempty"`
}

// BigQueryConfig is the config of a "Google BigQuery" integration.
type BigQueryConfig struct {
	Role          *string `json:"role,omitempty"`
	DatasetSuffix *string `json:"datasetSuffix,omitempty"`
	Dataset       *string `json:"dataset,omitempty"`
	Location      *string `json:"location,omitempty"`
	// Credential is the service-account key file (JSON) as a string; secret.
	Credential *string `json:"credential,omitempty"`
}

// S3Config is the config of a "Native S3" integration.
type S3Config struct {
	Name               *string `json:"name,omitempty"`
	AWSAccountID       *string `json:"awsAccountId,omitempty"`
	AWSRegion          *string `json:"awsRegion,omitempty"`
	AWSLocationRole    *string `json:"awsLocationRole,omitempty"`
	AWSLocationPath    *string `json:"awsLocationPath,omitempty"`
	AuthenticationType *string `json:"authenticationType,omitempty"`
	AWSRoleToAssume    *string `json:"awsRoleToAssume,omitempty"`
	AWSAccessKeyID     *string `json:"awsAccessKeyId,omitempty"`
	AWSSecretAccessKey *string `json:"awsSecretAccessKey,omitempty"`
}

// TrinoConfig is what GET returns as the config of a "Trino" integration
// (a Trino payload has no config): the API key the Starburst cluster must be
// configured with. Secret, although GET returns it in clear.
type TrinoConfig struct {
	APIKey *string `json:"apiKey,omitempty"`
}
