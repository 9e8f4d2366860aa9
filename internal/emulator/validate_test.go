// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"testing"
)

// with returns p after applying edit to a copy of it.
func with(p map[string]any, edit func(cfg map[string]any)) map[string]any {
	q := deepCopy(p).(map[string]any)
	if cfg, ok := q["config"].(map[string]any); ok {
		edit(cfg)
	}
	return q
}

func top(p map[string]any, edit func(p map[string]any)) map[string]any {
	q := deepCopy(p).(map[string]any)
	edit(q)
	return q
}

func TestPayloadValidation(t *testing.T) {
	sf := snowflake("acme.snowflakecomputing.com", true)
	sfKeyPair := with(sf, func(c map[string]any) {
		delete(c, "password")
		c["authenticationType"] = "keyPair"
		c["privateKey"] = map[string]any{"content": "PEM"}
	})
	sfOAuth := with(sf, func(c map[string]any) {
		delete(c, "password")
		delete(c, "username")
		c["authenticationType"] = "oAuthClientCredentials"
		c["oAuthClientConfig"] = map[string]any{"provider": "Okta", "clientId": "c", "authorityUrl": "https://a", "clientSecret": "s"}
	})
	rsAccess := with(redshift("r.example", false), func(c map[string]any) {
		delete(c, "username")
		delete(c, "password")
		c["authenticationType"] = "accessKey"
		c["databaseUser"], c["accessKeyId"], c["secretKey"] = "u", "AKIA", "sk"
	})
	const p = "Invalid request payload: "
	cases := []struct {
		name string
		body any
		msg  string
	}{
		{"empty body", "", p + `"value" must be of type object.`},
		{"not JSON", "{", "Invalid request payload JSON format."},
		{"array body", []any{}, p + `"value" must be of type object.`},
		{"type missing", map[string]any{"autoBootstrap": true}, p + `"type" is required.`},
		{"type unknown", top(sf, func(p map[string]any) { p["type"] = "Oracle" }),
			p + `"type" must be one of [Snowflake, Databricks, Redshift, Azure Synapse Analytics, Google BigQuery, Native S3, Trino].`},
		{"autoBootstrap missing", top(sf, func(p map[string]any) { delete(p, "autoBootstrap") }), p + `"autoBootstrap" is required.`},
		{"autoBootstrap not bool", top(sf, func(p map[string]any) { p["autoBootstrap"] = "yes" }), p + `"autoBootstrap" must be a boolean.`},
		{"bigquery autoBootstrap", top(bigquery("US"), func(p map[string]any) { p["autoBootstrap"] = true }), p + `"autoBootstrap" must be false for Google BigQuery.`},
		{"s3 autoBootstrap", top(s3("n", "s3://n/"), func(p map[string]any) { p["autoBootstrap"] = true }), p + `"autoBootstrap" must be false for Native S3.`},
		{"config missing", top(sf, func(p map[string]any) { delete(p, "config") }), p + `"config" is required.`},
		{"config not object", top(sf, func(p map[string]any) { p["config"] = "x" }), p + `"config" must be of type object.`},
		{"unknown top-level", top(sf, func(p map[string]any) { p["name"] = "x" }), p + `"name" is not allowed.`},
		{"trino config", map[string]any{"type": "Trino", "config": nil}, p + `"config" is not allowed.`},
		{"trino autoBootstrap not bool", map[string]any{"type": "Trino", "autoBootstrap": 1}, p + `"autoBootstrap" must be a boolean.`},

		{"snowflake warehouse", with(sf, func(c map[string]any) { delete(c, "warehouse") }), p + `"config.warehouse" is required.`},
		{"snowflake host", with(sf, func(c map[string]any) { delete(c, "host") }), p + `"config.host" is required.`},
		{"snowflake host empty", with(sf, func(c map[string]any) { c["host"] = "" }), p + `"config.host" is not allowed to be empty.`},
		{"snowflake database", with(sf, func(c map[string]any) { delete(c, "database") }), p + `"config.database" is required.`},
		{"snowflake port string", with(sf, func(c map[string]any) { c["port"] = "443" }), p + `"config.port" must be a number.`},
		{"snowflake port fraction", with(sf, func(c map[string]any) { c["port"] = 44.5 }), p + `"config.port" must be an integer.`},
		{"snowflake port range", with(sf, func(c map[string]any) { c["port"] = 70000 }), p + `"config.port" must be a valid port.`},
		{"snowflake role when automatic", with(sf, func(c map[string]any) { delete(c, "role") }), p + `"config.role" is required.`},
		{"snowflake authenticationType", with(sf, func(c map[string]any) { delete(c, "authenticationType") }), p + `"config.authenticationType" is required.`},
		{"snowflake authenticationType value", with(sf, func(c map[string]any) { c["authenticationType"] = "token" }),
			p + `"config.authenticationType" must be one of [userPassword, keyPair, oAuthClientCredentials].`},
		{"snowflake username", with(sf, func(c map[string]any) { delete(c, "username") }), p + `"config.username" is required.`},
		{"snowflake password", with(sf, func(c map[string]any) { delete(c, "password") }), p + `"config.password" is required.`},
		{"snowflake password of keyPair", with(sfKeyPair, func(c map[string]any) { c["password"] = "x" }), p + `"config.password" is not allowed.`},
		{"snowflake privateKey", with(sfKeyPair, func(c map[string]any) { delete(c, "privateKey") }), p + `"config.privateKey" is required.`},
		{"snowflake privateKey content", with(sfKeyPair, func(c map[string]any) { c["privateKey"] = map[string]any{"userFilename": "k.p8"} }),
			p + `"config.privateKey.content" is required.`},
		{"snowflake privateKey not object", with(sfKeyPair, func(c map[string]any) { c["privateKey"] = "PEM" }), p + `"config.privateKey" must be of type object.`},
		{"snowflake privateKey of userPassword", with(sf, func(c map[string]any) { c["privateKey"] = map[string]any{"content": "x"} }),
			p + `"config.privateKey" is not allowed.`},
		{"snowflake oauth clientId", with(sfOAuth, func(c map[string]any) { delete(c["oAuthClientConfig"].(map[string]any), "clientId") }),
			p + `"config.oAuthClientConfig.clientId" is required.`},
		{"snowflake oauth provider", with(sfOAuth, func(c map[string]any) { delete(c["oAuthClientConfig"].(map[string]any), "provider") }),
			p + `"config.oAuthClientConfig.provider" is required.`},
		{"snowflake oauth authorityUrl", with(sfOAuth, func(c map[string]any) { delete(c["oAuthClientConfig"].(map[string]any), "authorityUrl") }),
			p + `"config.oAuthClientConfig.authorityUrl" is required.`},
		{"snowflake oauth clientSecret", with(sfOAuth, func(c map[string]any) { delete(c["oAuthClientConfig"].(map[string]any), "clientSecret") }),
			p + `"config.oAuthClientConfig.clientSecret" is required.`},
		{"snowflake oauth certificate thumbprint", with(sfOAuth, func(c map[string]any) {
			o := c["oAuthClientConfig"].(map[string]any)
			delete(o, "clientSecret")
			o["useCertificate"] = true
		}), p + `"config.oAuthClientConfig.publicCertificateThumbprint" is required.`},
		{"snowflake oauth certificate key", with(sfOAuth, func(c map[string]any) {
			o := c["oAuthClientConfig"].(map[string]any)
			delete(o, "clientSecret")
			o["useCertificate"], o["publicCertificateThumbprint"] = true, "AB"
		}), p + `"config.oAuthClientConfig.oauthPrivateKey" is required.`},
		{"snowflake oauth certificate with secret", with(sfOAuth, func(c map[string]any) {
			o := c["oAuthClientConfig"].(map[string]any)
			o["useCertificate"], o["publicCertificateThumbprint"] = true, "AB"
			o["oauthPrivateKey"] = map[string]any{"content": "PEM"}
		}), p + `"config.oAuthClientConfig.clientSecret" is not allowed.`},
		{"snowflake username of oauth", with(sfOAuth, func(c map[string]any) { c["username"] = "u" }), p + `"config.username" is not allowed.`},
		{"snowflake audit not bool", with(sf, func(c map[string]any) { c["audit"] = map[string]any{"enabled": "true"} }),
			p + `"config.audit.enabled" must be a boolean.`},
		{"snowflake nested unknown", with(sf, func(c map[string]any) { c["audit"] = map[string]any{"enabled": true, "x": 1} }),
			p + `"config.audit.x" is not allowed.`},
		{"snowflake warehouses item", with(sf, func(c map[string]any) { c["workspaces"] = map[string]any{"warehouses": []any{"A", 1}} }),
			p + `"config.workspaces.warehouses[1]" must be a string.`},
		{"snowflake warehouses not array", with(sf, func(c map[string]any) { c["workspaces"] = map[string]any{"warehouses": "A"} }),
			p + `"config.workspaces.warehouses" must be an array.`},
		{"snowflake ingestBatchSize", with(sf, func(c map[string]any) { c["lineage"] = map[string]any{"ingestBatchSize": 0} }),
			p + `"config.lineage.ingestBatchSize" must be greater than or equal to 1.`},
		{"snowflake unknown field", with(sf, func(c map[string]any) { c["xyz"] = 1 }), p + `"config.xyz" is not allowed.`},
		{"snowflake null value", with(sf, func(c map[string]any) { c["warehouse"] = nil }), p + `"config.warehouse" must be a string.`},

		{"databricks workspaceUrl", with(databricks("d.example"), func(c map[string]any) { delete(c, "workspaceUrl") }), p + `"config.workspaceUrl" is required.`},
		{"databricks workspaceUrl scheme", with(databricks("https://d.example"), func(map[string]any) {}), p + `"config.workspaceUrl" must not include a scheme.`},
		{"databricks httpPath", with(databricks("d.example"), func(c map[string]any) { delete(c, "httpPath") }), p + `"config.httpPath" is required.`},
		{"databricks token", with(databricks("d.example"), func(c map[string]any) { delete(c, "token") }), p + `"config.token" is required.`},
		{"databricks authenticationType value", with(databricks("d.example"), func(c map[string]any) { c["authenticationType"] = "userPassword" }),
			p + `"config.authenticationType" must be one of [token, oAuthM2M].`},
		{"databricks oAuthClientConfig", with(databricks("d.example"), func(c map[string]any) { delete(c, "token"); c["authenticationType"] = "oAuthM2M" }),
			p + `"config.oAuthClientConfig" is required.`},
		{"databricks oauth clientSecret", with(databricks("d.example"), func(c map[string]any) {
			delete(c, "token")
			c["authenticationType"] = "oAuthM2M"
			c["oAuthClientConfig"] = map[string]any{"clientId": "x"}
		}), p + `"config.oAuthClientConfig.clientSecret" is required.`},
		{"databricks token of oauth", with(databricks("d.example"), func(c map[string]any) {
			c["authenticationType"] = "oAuthM2M"
			c["oAuthClientConfig"] = map[string]any{"clientId": "x", "clientSecret": "y"}
		}), p + `"config.token" is not allowed.`},
		{"databricks groupPattern deny list", with(databricks("d.example"), func(c map[string]any) {
			c["groupPattern"] = map[string]any{"deny": []any{"g"}}
		}), p + `"config.groupPattern.deny" must be a string.`},
		{"databricks groupPattern deny empty", with(databricks("d.example"), func(c map[string]any) {
			c["groupPattern"] = map[string]any{"deny": ""}
		}), p + `"config.groupPattern.deny" is not allowed to be empty.`},

		{"redshift initialDatabase", with(redshift("r.example", false), func(c map[string]any) { delete(c, "initialDatabase") }), p + `"config.initialDatabase" is required.`},
		{"redshift databaseUser", with(rsAccess, func(c map[string]any) { delete(c, "databaseUser") }), p + `"config.databaseUser" is required.`},
		{"redshift accessKeyId", with(rsAccess, func(c map[string]any) { delete(c, "accessKeyId") }), p + `"config.accessKeyId" is required.`},
		{"redshift secretKey", with(rsAccess, func(c map[string]any) { delete(c, "secretKey") }), p + `"config.secretKey" is required.`},
		{"redshift password of accessKey", with(rsAccess, func(c map[string]any) { c["password"] = "x" }), p + `"config.password" is not allowed.`},
		{"redshift sessionToken of userPassword", with(redshift("r.example", false), func(c map[string]any) { c["sessionToken"] = "x" }),
			p + `"config.sessionToken" is not allowed.`},
		{"redshift impersonation role", with(redshift("r.example", false), func(c map[string]any) { c["impersonation"] = map[string]any{"enabled": true} }),
			p + `"config.impersonation.role" is required.`},

		{"synapse schema", with(synapse("s.example", false), func(c map[string]any) { delete(c, "schema") }), p + `"config.schema" is required.`},
		{"synapse authenticationType", with(synapse("s.example", false), func(c map[string]any) { c["authenticationType"] = "token" }),
			p + `"config.authenticationType" must be one of [userPassword].`},
		{"synapse impersonation role", with(synapse("s.example", false), func(c map[string]any) { c["impersonation"] = map[string]any{"enabled": true} }),
			p + `"config.impersonation.role" is required.`},

		{"bigquery datasetSuffix", with(bigquery("US"), func(c map[string]any) { c["datasetSuffix"] = "immuta" }), p + `"config.datasetSuffix" must start with "_".`},
		{"bigquery credential", with(bigquery("US"), func(c map[string]any) { delete(c, "credential") }), p + `"config.credential" is required.`},
		{"bigquery location", with(bigquery("US"), func(c map[string]any) { delete(c, "location") }), p + `"config.location" is required.`},
		{"bigquery role", with(bigquery("US"), func(c map[string]any) { delete(c, "role") }), p + `"config.role" is required.`},
		{"bigquery port", with(bigquery("US"), func(c map[string]any) { c["port"] = 443 }), p + `"config.port" is not allowed.`},

		{"s3 name", with(s3("n", "s3://n/"), func(c map[string]any) { delete(c, "name") }), p + `"config.name" is required.`},
		{"s3 awsLocationRole", with(s3("n", "s3://n/"), func(c map[string]any) { delete(c, "awsLocationRole") }), p + `"config.awsLocationRole" is required.`},
		{"s3 awsSecretAccessKey", with(s3("n", "s3://n/"), func(c map[string]any) { delete(c, "awsSecretAccessKey") }), p + `"config.awsSecretAccessKey" is required.`},
		{"s3 access key of auto", with(s3("n", "s3://n/"), func(c map[string]any) { c["authenticationType"] = "auto" }), p + `"config.awsAccessKeyId" is not allowed.`},
		{"s3 port", with(s3("n", "s3://n/"), func(c map[string]any) { c["port"] = 443 }), p + `"config.port" is not allowed.`},
		{"s3 authenticationType", with(s3("n", "s3://n/"), func(c map[string]any) { c["authenticationType"] = "userPassword" }),
			p + `"config.authenticationType" must be one of [auto, accessKey].`},
	}
	srv, c := start(t, 0)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c.t = t
			expectError(t, c.do("POST", "/integrations", tc.body), 400, tc.msg)
		})
	}
	if n := len(srv.Emulator.Integrations()); n != 0 {
		t.Fatalf("invalid payloads created %d integrations", n)
	}

	// PUT validates the same way, before looking the integration up.
	c.t = t
	id := c.create(sf)
	expectError(t, c.do("PUT", "/integrations/"+id, with(sf, func(c map[string]any) { delete(c, "warehouse") })),
		400, p+`"config.warehouse" is required.`)
	expectError(t, c.do("PUT", "/integrations/99", with(sf, func(c map[string]any) { c["port"] = "443" })),
		400, p+`"config.port" must be a number.`)
}

// TestDeleteBodyValidation covers malformed DELETE bodies.
func TestDeleteBodyValidation(t *testing.T) {
	_, c := start(t, 0)
	id := c.create(snowflake("acme.snowflakecomputing.com", true))
	const p = "Invalid request payload: "
	expectError(t, c.do("DELETE", "/integrations/"+id, "{"), 400, "Invalid request payload JSON format.")
	expectError(t, c.do("DELETE", "/integrations/"+id, map[string]any{"credentials": 1}), 400, p+`"credentials" is not allowed.`)
	expectError(t, c.do("DELETE", "/integrations/"+id, map[string]any{"config": "x"}), 400, p+`"config" must be of type object.`)
	body := snowflakeCreds()
	delete(cfgOf(body), "role")
	expectError(t, c.do("DELETE", "/integrations/"+id, body), 400, p+`"config.role" is required.`)
	body = snowflakeCreds()
	cfgOf(body)["warehouse"] = "WH"
	expectError(t, c.do("DELETE", "/integrations/"+id, body), 400, p+`"config.warehouse" is not allowed.`)
	if c.status(id) != "enabled" {
		t.Fatal("a rejected DELETE changed the status")
	}
}
