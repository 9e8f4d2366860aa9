// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"slices"
	"strings"
)

// This file is the emulator's table of IMMUTA_API.md (Payload, Deleting, Validation results) in one
// place: for every integration type its config schema (required fields, allowed values, defaults,
// secrets, non-editable fields), the key that makes an integration unique, the credentials a DELETE
// takes and the validation tests a successful create or edit reports, written from Immuta's payload
// page. Everything else in the package is driven by it.

const (
	typeSnowflake  = "Snowflake"
	typeDatabricks = "Databricks"
	typeRedshift   = "Redshift"
	typeSynapse    = "Azure Synapse Analytics"
	typeBigQuery   = "Google BigQuery"
	typeS3         = "Native S3"
	typeTrino      = "Trino"
)

// kind is the JSON shape a config field must have.
type kind int

const (
	kindString    kind = iota // non-empty string
	kindBool                  // boolean
	kindPort                  // integer 1..65535
	kindCount                 // integer >= 1
	kindObject                // object with its own members
	kindStrings               // array of non-empty strings
	kindAnyObject             // object whose members Immuta does not document: any object, kept as sent
)

// payloadCtx is what conditional rules may look at: the payload's autoBootstrap and its config.
type payloadCtx struct {
	autoBootstrap bool
	config        map[string]any
	// answerOf is set when the config comes from an API answer (a seed; see leftOutOfAnswer), nil for a payload.
	answerOf *typeSpec
}

func (p *payloadCtx) authType() string {
	s, _ := p.config["authenticationType"].(string)
	return s
}

// cond decides, for one payload, whether a field is required or allowed; parent is the object holding
// the field (the config itself for top-level fields).
type cond func(p *payloadCtx, parent map[string]any) bool

type field struct {
	name     string
	kind     kind
	required cond                  // nil: optional
	allowed  cond                  // nil: always allowed; otherwise "is not allowed" when present and false
	oneOf    []string              // allowed string values
	check    func(v string) string // extra string rule: the failure text, "" when fine
	def      any                   // default filled in when absent (and allowed); the literal style leaves it out
	create   bool                  // an absent object is created with its members' defaults
	members  []field               // kindObject only
	secret   bool                  // answered as "[REDACTED]" (echo) or left out (literal), masked in the request log
	ne       bool                  // non-editable: a PUT must not change it
	norm     func(v string) string // how Immuta may normalise the value; the literal style answers it so
}

type typeSpec struct {
	name       string
	fields     []field // config schema, in payload order
	manualOnly bool    // autoBootstrap must be false
	noConfig   bool    // the payload has no config (Trino)
	// hostKey renders the value that must be unique per type, as it appears in messages.
	hostKey func(cfg map[string]any) string
	// uniqueName is a second config field unique among integrations of the type ("" = none).
	uniqueName string
	// deleteCreds are the top-level config fields an autoBootstrap DELETE must carry; nil = none.
	deleteCreds []string
	// initialScript: the type has a first setup script (POST /integrations/scripts/initial-create).
	initialScript bool
	// tests names the validation tests a successful create or edit reports.
	tests func(autoBootstrap bool, cfg map[string]any) []string
	// object names the Immuta-owned platform object in generated scripts.
	object func(cfg map[string]any) string
}

func (s *typeSpec) field(name string) *field {
	for i := range s.fields {
		if s.fields[i].name == name {
			return &s.fields[i]
		}
	}
	return nil
}

// credentialFields is the config schema a DELETE body is checked against.
func (s *typeSpec) credentialFields() []field {
	var out []field
	for _, f := range s.fields {
		if slices.Contains(s.deleteCreds, f.name) {
			out = append(out, f)
		}
	}
	return out
}

// Conditions used by the table.

func always(*payloadCtx, map[string]any) bool { return true }

func ifAutoBootstrap(p *payloadCtx, _ map[string]any) bool { return p.autoBootstrap }

func ifAuth(types ...string) cond {
	return func(p *payloadCtx, _ map[string]any) bool { return slices.Contains(types, p.authType()) }
}

func ifParentTrue(key string) cond {
	return func(_ *payloadCtx, parent map[string]any) bool { b, _ := parent[key].(bool); return b }
}

func ifParentNotTrue(key string) cond {
	return func(_ *payloadCtx, parent map[string]any) bool { b, _ := parent[key].(bool); return !b }
}

// Reusable pieces of the table.

func keyFileMembers(keyNameDefault any) []field {
	return []field{
		{name: "keyName", kind: kindString, def: keyNameDefault},
		{name: "userFilename", kind: kindString},
		{name: "content", kind: kindString, required: always, secret: true},
	}
}

func enabledFlag(name string) field {
	return field{name: name, kind: kindObject, create: true, members: []field{
		{name: "enabled", kind: kindBool, def: false},
	}}
}

// impersonation is the Redshift/Synapse shape: the role has no default, so it is required when enabled.
func impersonation() field {
	return field{name: "impersonation", kind: kindObject, create: true, members: []field{
		{name: "enabled", kind: kindBool, def: false},
		{name: "role", kind: kindString, required: ifParentTrue("enabled")},
	}}
}

func configString(name string) func(map[string]any) string {
	return func(cfg map[string]any) string { s, _ := cfg[name].(string); return s }
}

func impersonationEnabled(cfg map[string]any) bool {
	m, _ := cfg["impersonation"].(map[string]any)
	b, _ := m["enabled"].(bool)
	return b
}

const testConnection = "Initial Validation: Basic Connection Test"

var specList = []*typeSpec{
	{
		name: typeSnowflake,
		fields: []field{
			{name: "host", kind: kindString, required: always, ne: true, norm: strings.ToLower},
			{name: "port", kind: kindPort, def: 443.0, ne: true},
			{name: "warehouse", kind: kindString, required: always},
			{name: "database", kind: kindString, required: always, ne: true},
			{name: "role", kind: kindString, required: ifAutoBootstrap},
			{name: "authenticationType", kind: kindString, required: always,
				oneOf: []string{"userPassword", "keyPair", "oAuthClientCredentials"}},
			{name: "username", kind: kindString,
				required: ifAuth("userPassword", "keyPair"), allowed: ifAuth("userPassword", "keyPair")},
			{name: "password", kind: kindString, secret: true,
				required: ifAuth("userPassword"), allowed: ifAuth("userPassword")},
			{name: "privateKey", kind: kindObject, members: keyFileMembers("PRIV_KEY_FILE"),
				required: ifAuth("keyPair"), allowed: ifAuth("keyPair")},
			{name: "privateKeyPassword", kind: kindString, secret: true, allowed: ifAuth("keyPair")},
			{name: "oAuthClientConfig", kind: kindObject,
				required: ifAuth("oAuthClientCredentials"), allowed: ifAuth("oAuthClientCredentials"),
				members: []field{
					{name: "provider", kind: kindString, required: always},
					{name: "clientId", kind: kindString, required: always},
					{name: "authorityUrl", kind: kindString, required: always, norm: noTrailingSlash},
					{name: "useCertificate", kind: kindBool},
					{name: "publicCertificateThumbprint", kind: kindString,
						required: ifParentTrue("useCertificate"), allowed: ifParentTrue("useCertificate")},
					{name: "oauthPrivateKey", kind: kindObject, members: keyFileMembers(nil),
						required: ifParentTrue("useCertificate"), allowed: ifParentTrue("useCertificate")},
					{name: "clientSecret", kind: kindString, secret: true,
						required: ifParentNotTrue("useCertificate"), allowed: ifParentNotTrue("useCertificate")},
					{name: "resource", kind: kindString},
					{name: "scope", kind: kindString},
				}},
			enabledFlag("audit"),
			{name: "workspaces", kind: kindObject, create: true, members: []field{
				{name: "enabled", kind: kindBool, def: false},
				{name: "warehouses", kind: kindStrings, def: []any{}},
			}},
			{name: "impersonation", kind: kindObject, create: true, members: []field{
				{name: "enabled", kind: kindBool, def: false},
				{name: "role", kind: kindString, def: "IMMUTA_IMPERSONATION"},
			}},
			{name: "lineage", kind: kindObject, create: true, members: []field{
				{name: "enabled", kind: kindBool, def: false},
				{name: "ingestBatchSize", kind: kindCount, def: 1000.0},
				{name: "tableFilter", kind: kindString, def: ".*"},
				{name: "tagFilterRegex", kind: kindString, def: ".*"},
			}},
			{name: "userRolePattern", kind: kindObject, create: true, members: []field{
				{name: "exclude", kind: kindStrings, def: []any{}},
			}},
		},
		hostKey: configString("host"),
		deleteCreds: []string{"authenticationType", "username", "password", "privateKey",
			"privateKeyPassword", "oAuthClientConfig", "role"},
		tests: func(auto bool, cfg map[string]any) []string {
			names := []string{testConnection, "Initial Validation: Default Warehouse Access Test"}
			if !auto {
				names = append(names, "Validate Manual: Database Exists")
				if impersonationEnabled(cfg) {
					names = append(names, "Validate Manual: Impersonation Role Exists")
				}
				return names
			}
			names = append(names, "Initial Validation: Validate access to Privileged Role",
				"Validate Automatic: Database Does Not Exist")
			if impersonationEnabled(cfg) {
				names = append(names, "Validate Automatic: Impersonation Role Does Not Exist")
			}
			return append(names, "Validate Automatic Bootstrap User Grants")
		},
		object: func(cfg map[string]any) string { return `DATABASE "` + configString("database")(cfg) + `"` },
	},
	{
		name: typeDatabricks,
		fields: []field{
			{name: "workspaceUrl", kind: kindString, required: always, ne: true, check: noScheme, norm: strings.ToLower},
			{name: "httpPath", kind: kindString, required: always},
			{name: "port", kind: kindPort, def: 443.0, ne: true},
			{name: "catalog", kind: kindString, def: "immuta", ne: true},
			{name: "authenticationType", kind: kindString, required: always, oneOf: []string{"token", "oAuthM2M"}},
			{name: "token", kind: kindString, secret: true, required: ifAuth("token"), allowed: ifAuth("token")},
			{name: "oAuthClientConfig", kind: kindObject, required: ifAuth("oAuthM2M"), allowed: ifAuth("oAuthM2M"),
				members: []field{
					{name: "useCertificate", kind: kindBool, def: false},
					{name: "clientId", kind: kindString, required: always},
					{name: "clientSecret", kind: kindString, required: always, secret: true},
					{name: "scope", kind: kindString, def: "all-apis"},
					{name: "authorityUrl", kind: kindString, norm: noTrailingSlash},
				}},
			enabledFlag("audit"),
			// deny is one exemption group name (IMMUTA_API.md, Sparse answers); the object is created
			// empty when absent.
			{name: "groupPattern", kind: kindObject, create: true, members: []field{
				{name: "deny", kind: kindString},
			}},
			// The proxy server settings (IMMUTA_API.md, Payload: Databricks); their members are not
			// documented, so any object is held and answered as sent.
			{name: "proxyOptions", kind: kindAnyObject},
		},
		hostKey: configString("workspaceUrl"),
		tests: func(auto bool, _ map[string]any) []string {
			last := "Validate Catalog Exists"
			if auto {
				last = "Validate Catalog Does Not Exist"
			}
			return []string{testConnection, "Validate Metastore Access", last}
		},
		object: func(cfg map[string]any) string { return "CATALOG `" + configString("catalog")(cfg) + "`" },
	},
	{
		name: typeRedshift,
		fields: []field{
			{name: "host", kind: kindString, required: always, ne: true, norm: strings.ToLower},
			{name: "port", kind: kindPort, def: 5439.0, ne: true},
			{name: "database", kind: kindString, required: always, ne: true},
			{name: "initialDatabase", kind: kindString, required: always, ne: true},
			{name: "authenticationType", kind: kindString, required: always, oneOf: []string{"userPassword", "accessKey"}},
			{name: "username", kind: kindString, required: ifAuth("userPassword"), allowed: ifAuth("userPassword")},
			{name: "password", kind: kindString, secret: true, required: ifAuth("userPassword"), allowed: ifAuth("userPassword")},
			{name: "databaseUser", kind: kindString, required: ifAuth("accessKey"), allowed: ifAuth("accessKey")},
			{name: "accessKeyId", kind: kindString, required: ifAuth("accessKey"), allowed: ifAuth("accessKey")},
			{name: "secretKey", kind: kindString, secret: true, required: ifAuth("accessKey"), allowed: ifAuth("accessKey")},
			{name: "sessionToken", kind: kindString, secret: true, allowed: ifAuth("accessKey")},
			impersonation(),
		},
		hostKey: configString("host"),
		deleteCreds: []string{"authenticationType", "username", "password", "databaseUser", "accessKeyId",
			"secretKey", "sessionToken"},
		initialScript: true,
		tests: func(auto bool, cfg map[string]any) []string {
			names := []string{testConnection, "Validate Manual: Database Exists"}
			if auto {
				names[1] = "Validate Automatic: Database Does Not Exist"
			}
			if impersonationEnabled(cfg) {
				names = append(names, "Validate Impersonation Role")
			}
			return names
		},
		object: func(cfg map[string]any) string { return "DATABASE " + configString("database")(cfg) },
	},
	{
		name: typeSynapse,
		fields: []field{
			{name: "host", kind: kindString, required: always, ne: true, norm: strings.ToLower},
			{name: "port", kind: kindPort, def: 1433.0, ne: true},
			{name: "database", kind: kindString, required: always, ne: true},
			{name: "schema", kind: kindString, required: always, ne: true},
			{name: "authenticationType", kind: kindString, required: always, oneOf: []string{"userPassword"}},
			{name: "username", kind: kindString, required: always},
			{name: "password", kind: kindString, required: always, secret: true},
			{name: "metadataDelimiters", kind: kindObject, create: true, ne: true, members: []field{
				{name: "hashDelimiter", kind: kindString, def: "|"},
				{name: "hashKeyDelimiter", kind: kindString, def: ":"},
				{name: "arrayDelimiter", kind: kindString, def: ","},
			}},
			impersonation(),
		},
		hostKey:       configString("host"),
		deleteCreds:   []string{"authenticationType", "username", "password"},
		initialScript: true,
		tests: func(auto bool, cfg map[string]any) []string {
			names := []string{testConnection, "Validate Schema Access", "Validate Manual: Schema Exists"}
			if auto {
				names[2] = "Validate Automatic: Schema Does Not Exist"
			}
			if impersonationEnabled(cfg) {
				names = append(names, "Validate Impersonation Role")
			}
			return names
		},
		object: func(cfg map[string]any) string { return "SCHEMA [" + configString("schema")(cfg) + "]" },
	},
	{
		name: typeBigQuery,
		fields: []field{
			{name: "role", kind: kindString, required: always, ne: true},
			{name: "datasetSuffix", kind: kindString, required: always, ne: true, check: startsWithUnderscore},
			{name: "dataset", kind: kindString, def: "immuta", ne: true},
			{name: "location", kind: kindString, required: always, ne: true},
			{name: "credential", kind: kindString, required: always, secret: true},
		},
		manualOnly: true,
		hostKey: func(cfg map[string]any) string {
			return configString("dataset")(cfg) + "/" + configString("location")(cfg)
		},
		tests: func(bool, map[string]any) []string {
			return []string{testConnection, "Validate Service Account Role", "Validate Dataset Location"}
		},
		object: func(cfg map[string]any) string { return "SCHEMA `" + configString("dataset")(cfg) + "`" },
	},
	{
		name: typeS3,
		fields: []field{
			{name: "name", kind: kindString, required: always, ne: true},
			{name: "awsAccountId", kind: kindString, required: always, ne: true},
			{name: "awsRegion", kind: kindString, required: always, ne: true},
			{name: "awsLocationRole", kind: kindString, required: always},
			{name: "awsLocationPath", kind: kindString, required: always, ne: true},
			{name: "authenticationType", kind: kindString, required: always, oneOf: []string{"auto", "accessKey"}},
			{name: "awsRoleToAssume", kind: kindString},
			{name: "awsAccessKeyId", kind: kindString, required: ifAuth("accessKey"), allowed: ifAuth("accessKey")},
			{name: "awsSecretAccessKey", kind: kindString, secret: true, required: ifAuth("accessKey"), allowed: ifAuth("accessKey")},
		},
		manualOnly: true,
		hostKey:    configString("awsLocationPath"),
		uniqueName: "name",
		tests: func(bool, map[string]any) []string {
			return []string{testConnection, "Validate AWS Location Role", "Validate AWS Location Path Access"}
		},
		object: func(cfg map[string]any) string { return "LOCATION " + configString("awsLocationPath")(cfg) },
	},
	{
		name:     typeTrino,
		noConfig: true,
		hostKey:  func(map[string]any) string { return "Starburst" },
		tests: func(bool, map[string]any) []string {
			return []string{"Initial Validation: Generate Immuta API Key"}
		},
		object: func(map[string]any) string { return "STARBURST CLUSTER" },
	},
}

// specs indexes specList by type name.
var specs = func() map[string]*typeSpec {
	m := make(map[string]*typeSpec, len(specList))
	for _, s := range specList {
		m[s.name] = s
	}
	return m
}()

// typeNames lists the types in the order of the `"type" must be one of [...]` message.
func typeNames() []string {
	names := make([]string, len(specList))
	for i, s := range specList {
		names[i] = s.name
	}
	return names
}

// secretNames are the key names whose values the request log masks, wherever they appear: every secret
// field of the table plus Trino's apiKey.
var secretNames = func() map[string]bool {
	m := map[string]bool{"apiKey": true}
	var walk func([]field)
	walk = func(fs []field) {
		for _, f := range fs {
			if f.secret {
				m[f.name] = true
			}
			walk(f.members)
		}
	}
	for _, s := range specList {
		walk(s.fields)
	}
	return m
}()

func noScheme(v string) string {
	if strings.Contains(v, "://") {
		return "must not include a scheme"
	}
	return ""
}

func noTrailingSlash(v string) string { return strings.TrimRight(v, "/") }

func startsWithUnderscore(v string) string {
	if !strings.HasPrefix(v, "_") {
		return `must start with "_"`
	}
	return ""
}
