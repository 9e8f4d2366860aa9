// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"encoding/json"
	"errors"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// jsonValue normalises a Go value the way an answer decodes it (ints become float64).
func jsonValue(t *testing.T, v any) any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// subsetOf reports whether every leaf of want is in got, at the same place.
func subsetOf(want, got any) bool {
	wm, ok := want.(map[string]any)
	if !ok {
		return reflect.DeepEqual(want, got)
	}
	gm, ok := got.(map[string]any)
	if !ok {
		return false
	}
	for k, v := range wm {
		if !subsetOf(v, gm[k]) {
			return false
		}
	}
	return true
}

// literalSecrets are secret values of the payloads below that no answer may carry.
var literalSecrets = append(slices.Clone(secretValues), "pk-secret", "cert-secret", "m2m-secret", "rs-sk", "rs-st")

// TestLiteralConfigs checks the config every API answer carries in the literal style (IMMUTA_API.md,
// Sparse answers): secrets, auto-bootstrap credentials and fields at their defaults (at every depth)
// left out, host names and authority URLs normalised; the stored config unchanged.
func TestLiteralConfigs(t *testing.T) {
	sfAll := with(snowflake("all.snowflakecomputing.com", false), func(c map[string]any) {
		c["role"] = "SYSADMIN"
		c["port"] = 443
		c["audit"] = map[string]any{"enabled": false}
		c["workspaces"] = map[string]any{"enabled": false, "warehouses": []any{}}
		c["impersonation"] = map[string]any{"enabled": false, "role": "IMMUTA_IMPERSONATION"}
		c["lineage"] = map[string]any{"enabled": false, "ingestBatchSize": 1000, "tableFilter": ".*", "tagFilterRegex": ".*"}
		c["userRolePattern"] = map[string]any{"exclude": []any{}}
	})
	sfDeep := with(snowflake("deep.snowflakecomputing.com", false), func(c map[string]any) {
		c["port"] = 8443
		c["audit"] = map[string]any{"enabled": true}
		c["workspaces"] = map[string]any{"warehouses": []any{"W1"}}
		c["impersonation"] = map[string]any{"enabled": true}
		c["lineage"] = map[string]any{"enabled": true, "ingestBatchSize": 500, "tableFilter": ".*"}
		c["userRolePattern"] = map[string]any{"exclude": []any{"ADMIN"}}
	})
	keyPair := func(host string, auto bool, key map[string]any) map[string]any {
		return with(snowflake(host, auto), func(c map[string]any) {
			delete(c, "password")
			c["authenticationType"] = "keyPair"
			c["privateKey"] = key
			c["privateKeyPassword"] = "kp-pass"
		})
	}
	oauth := func(host string, auto bool) map[string]any {
		return with(snowflake(host, auto), func(c map[string]any) {
			delete(c, "password")
			delete(c, "username")
			c["authenticationType"] = "oAuthClientCredentials"
			c["oAuthClientConfig"] = map[string]any{"provider": "Okta", "clientId": "cid",
				"authorityUrl": "https://Login.Example.com/oauth2/token/", "useCertificate": true,
				"publicCertificateThumbprint": "AB:CD", "oauthPrivateKey": map[string]any{"content": "cert-secret"}}
		})
	}
	m2m := with(databricks("M2M.Cloud.Databricks.com"), func(c map[string]any) {
		delete(c, "token")
		c["authenticationType"] = "oAuthM2M"
		c["oAuthClientConfig"] = map[string]any{"clientId": "sp", "clientSecret": "m2m-secret",
			"useCertificate": false, "scope": "all-apis", "authorityUrl": "https://accounts.example/oidc//"}
		c["catalog"] = "other"
		c["port"] = 443
		c["audit"] = map[string]any{"enabled": true}
		c["groupPattern"] = map[string]any{"deny": "immuta-exempt"}
	})
	rsAccess := with(redshift("RS.Example.COM", true), func(c map[string]any) {
		delete(c, "username")
		delete(c, "password")
		c["authenticationType"] = "accessKey"
		c["databaseUser"], c["accessKeyId"], c["secretKey"], c["sessionToken"] = "dbuser", "AKIA", "rs-sk", "rs-st"
		c["port"] = 5440
		c["impersonation"] = map[string]any{"enabled": true, "role": "IMP"}
	})
	synAuto := with(synapse("WS.sql.AzureSynapse.net", true), func(c map[string]any) {
		c["metadataDelimiters"] = map[string]any{"hashDelimiter": "|", "arrayDelimiter": ";"}
	})

	cases := []struct {
		name    string
		payload map[string]any
		want    map[string]any // the answered config, exactly
	}{
		{"snowflake manual", snowflake("acme.snowflakecomputing.com", false), map[string]any{
			"host": "acme.snowflakecomputing.com", "warehouse": "COMPUTE_WH", "database": "IMMUTA_DB",
			"authenticationType": "userPassword", "username": "IMMUTA_ADMIN"}},
		{"snowflake manual, every default given", sfAll, map[string]any{
			"host": "all.snowflakecomputing.com", "warehouse": "COMPUTE_WH", "database": "IMMUTA_DB", "role": "SYSADMIN",
			"authenticationType": "userPassword", "username": "IMMUTA_ADMIN"}},
		{"snowflake manual, non-defaults at depth", sfDeep, map[string]any{
			"host": "deep.snowflakecomputing.com", "warehouse": "COMPUTE_WH", "database": "IMMUTA_DB",
			"authenticationType": "userPassword", "username": "IMMUTA_ADMIN", "port": 8443.0,
			"audit": map[string]any{"enabled": true}, "workspaces": map[string]any{"warehouses": []any{"W1"}},
			"impersonation":   map[string]any{"enabled": true},
			"lineage":         map[string]any{"enabled": true, "ingestBatchSize": 500.0},
			"userRolePattern": map[string]any{"exclude": []any{"ADMIN"}}}},
		{"snowflake manual keyPair, key file left empty", keyPair("kp.snowflakecomputing.com", false,
			map[string]any{"content": "pk-secret", "keyName": "PRIV_KEY_FILE"}), map[string]any{
			"host": "kp.snowflakecomputing.com", "warehouse": "COMPUTE_WH", "database": "IMMUTA_DB",
			"authenticationType": "keyPair", "username": "IMMUTA_ADMIN"}},
		{"snowflake manual keyPair with file name", keyPair("kpf.snowflakecomputing.com", false,
			map[string]any{"content": "pk-secret", "userFilename": "rsa.p8"}), map[string]any{
			"host": "kpf.snowflakecomputing.com", "warehouse": "COMPUTE_WH", "database": "IMMUTA_DB",
			"authenticationType": "keyPair", "username": "IMMUTA_ADMIN", "privateKey": map[string]any{"userFilename": "rsa.p8"}}},
		{"snowflake manual oauth certificate, host in capitals", oauth("ACME-OAuth.Snowflakecomputing.COM", false), map[string]any{
			"host": "acme-oauth.snowflakecomputing.com", "warehouse": "COMPUTE_WH", "database": "IMMUTA_DB",
			"authenticationType": "oAuthClientCredentials", "oAuthClientConfig": map[string]any{
				"provider": "Okta", "clientId": "cid", "authorityUrl": "https://Login.Example.com/oauth2/token",
				"useCertificate": true, "publicCertificateThumbprint": "AB:CD"}}},
		{"snowflake auto userPassword", snowflake("auto.snowflakecomputing.com", true), map[string]any{
			"host": "auto.snowflakecomputing.com", "warehouse": "COMPUTE_WH", "database": "IMMUTA_DB"}},
		{"snowflake auto keyPair", keyPair("autokp.snowflakecomputing.com", true, map[string]any{"content": "pk-secret", "userFilename": "rsa.p8"}),
			map[string]any{"host": "autokp.snowflakecomputing.com", "warehouse": "COMPUTE_WH", "database": "IMMUTA_DB"}},
		{"snowflake auto oauth", oauth("autooauth.snowflakecomputing.com", true), map[string]any{
			"host": "autooauth.snowflakecomputing.com", "warehouse": "COMPUTE_WH", "database": "IMMUTA_DB"}},
		{"databricks token", databricks("DBC-1.Cloud.Databricks.com"), map[string]any{
			"workspaceUrl": "dbc-1.cloud.databricks.com", "httpPath": "/sql/1.0/warehouses/abc", "authenticationType": "token"}},
		{"databricks oAuthM2M", m2m, map[string]any{
			"workspaceUrl": "m2m.cloud.databricks.com", "httpPath": "/sql/1.0/warehouses/abc", "authenticationType": "oAuthM2M",
			"oAuthClientConfig": map[string]any{"clientId": "sp", "authorityUrl": "https://accounts.example/oidc"},
			"catalog":           "other", "audit": map[string]any{"enabled": true}, "groupPattern": map[string]any{"deny": "immuta-exempt"}}},
		{"redshift manual", redshift("rs.redshift.amazonaws.com", false), map[string]any{
			"host": "rs.redshift.amazonaws.com", "database": "immuta", "initialDatabase": "dev",
			"authenticationType": "userPassword", "username": "awsuser"}},
		{"redshift auto userPassword", redshift("rsa.redshift.amazonaws.com", true), map[string]any{
			"host": "rsa.redshift.amazonaws.com", "database": "immuta", "initialDatabase": "dev"}},
		{"redshift auto accessKey", rsAccess, map[string]any{
			"host": "rs.example.com", "database": "immuta", "initialDatabase": "dev", "port": 5440.0,
			"impersonation": map[string]any{"enabled": true, "role": "IMP"}}},
		{"synapse manual", synapse("s.sql.azuresynapse.net", false), map[string]any{
			"host": "s.sql.azuresynapse.net", "database": "sqlpool", "schema": "immuta",
			"authenticationType": "userPassword", "username": "sqladmin"}},
		{"synapse auto", synAuto, map[string]any{
			"host": "ws.sql.azuresynapse.net", "database": "sqlpool", "schema": "immuta",
			"metadataDelimiters": map[string]any{"arrayDelimiter": ";"}}},
		{"bigquery", bigquery("US"), map[string]any{"role": "immuta_role", "datasetSuffix": "_immuta", "location": "US"}},
		{"bigquery other dataset", with(bigquery("EU"), func(c map[string]any) { c["dataset"] = "gov" }), map[string]any{
			"role": "immuta_role", "datasetSuffix": "_immuta", "location": "EU", "dataset": "gov"}},
		{"s3", s3("lake", "s3://lake/"), map[string]any{
			"name": "lake", "awsAccountId": "123456789012", "awsRegion": "us-east-1",
			"awsLocationRole": "arn:aws:iam::123456789012:role/immuta", "awsLocationPath": "s3://lake/",
			"authenticationType": "accessKey", "awsAccessKeyId": "AKIA123"}},
	}
	srv, c := startStyle(t, 0, AnswerLiteral)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c.t = t
			check := func(what string, r result, cfg any) {
				t.Helper()
				if !reflect.DeepEqual(cfg, tc.want) {
					t.Fatalf("%s config:\n got %v\nwant %v", what, cfg, tc.want)
				}
				for _, s := range literalSecrets {
					if strings.Contains(r.raw, s) {
						t.Fatalf("%s leaks %q: %s", what, s, r.raw)
					}
				}
			}
			post := c.do("POST", "/integrations", tc.payload)
			expectStatus(t, post, 200)
			id := post.str("id")
			check("POST answer", post, post.obj()["config"])
			get := c.do("GET", "/integrations/"+id, nil)
			if get.str("status") != "enabled" {
				t.Fatalf("GET: %s", get.raw)
			}
			check("GET", get, get.obj()["config"])
			list := c.do("GET", "/integrations", nil)
			var item any
			for _, it := range list.body.([]any) {
				if at(it, "id") == id {
					item = it
				}
			}
			check("list", list, at(item, "config"))
			put := c.do("PUT", "/integrations/"+id, tc.payload)
			expectStatus(t, put, 200)
			check("PUT answer", put, put.obj()["config"])

			// The store keeps what was sent (secrets, credentials, spelling) with the defaults filled in.
			stored, _ := srv.Emulator.Integration(id)
			if !subsetOf(jsonValue(t, tc.payload["config"]), jsonValue(t, stored.Config)) {
				t.Fatalf("stored config %v lost some of %v", stored.Config, tc.payload["config"])
			}
			if tc.payload["type"] == "Snowflake" && stored.Config["lineage"] == nil {
				t.Fatalf("stored config has no defaults: %v", stored.Config)
			}
		})
	}
	c.t = t

	// Trino's apiKey is answered in clear, by GET and by regenerate.
	hex32 := regexp.MustCompile(`^[0-9a-f]{32}$`)
	tr := c.create(trino())
	if key := c.do("GET", "/integrations/"+tr, nil).str("config.apiKey"); !hex32.MatchString(key) {
		t.Fatalf("Trino apiKey %q", key)
	}
	if key := c.do("POST", "/integrations/"+tr+"/regenerate", nil).str("config.apiKey"); !hex32.MatchString(key) {
		t.Fatalf("regenerated apiKey %q", key)
	}

	// A DELETE answer renders the same way.
	del := c.do("DELETE", "/integrations/1", nil)
	if del.str("status") != "deleting" || !reflect.DeepEqual(del.obj()["config"], cases[0].want) {
		t.Fatalf("DELETE answer: %s", del.raw)
	}
}

// In the literal style, the credentials GET leaves out are still the ones a DELETE is checked against.
func TestLiteralDeleteChecksStoredCredentials(t *testing.T) {
	_, c := startStyle(t, 0, AnswerLiteral)
	sf := c.create(snowflake("auto.snowflakecomputing.com", true))
	if cfg := c.do("GET", "/integrations/"+sf, nil).obj()["config"].(map[string]any); cfg["username"] != nil || cfg["role"] != nil {
		t.Fatalf("GET shows credentials: %v", cfg)
	}
	expectError(t, c.do("DELETE", "/integrations/"+sf, nil), 400,
		"Integrations that are automatically configured require privileged credentials to disable. Please provide them in your payload.")
	for _, bad := range []map[string]any{
		with(snowflakeCreds(), func(c map[string]any) { c["password"] = "wrong" }),
		with(snowflakeCreds(), func(c map[string]any) { c["role"] = "SYSADMIN" }),
	} {
		expectError(t, c.do("DELETE", "/integrations/"+sf, bad), 422, "Unable to delete integration with ID "+sf+", validation failed.")
	}
	expectStatus(t, c.do("DELETE", "/integrations/"+sf, snowflakeCreds()), 200)

	rs := c.create(redshift("rs.example", true))
	rsCreds := map[string]any{"config": map[string]any{"authenticationType": "userPassword", "username": "awsuser", "password": "rs-secret-pw"}}
	expectError(t, c.do("DELETE", "/integrations/"+rs, with(rsCreds, func(c map[string]any) { c["username"] = "other" })), 422,
		"Unable to delete integration with ID "+rs+", validation failed.")
	expectStatus(t, c.do("DELETE", "/integrations/"+rs, rsCreds), 200)

	syn := c.create(synapse("syn.example", true))
	synCreds := map[string]any{"config": map[string]any{"authenticationType": "userPassword", "username": "sqladmin", "password": "syn-secret-pw"}}
	expectError(t, c.do("DELETE", "/integrations/"+syn, with(synCreds, func(c map[string]any) { c["password"] = "x" })), 422,
		"Unable to delete integration with ID "+syn+", validation failed.")
	expectStatus(t, c.do("DELETE", "/integrations/"+syn, synCreds), 200)

	manual := c.create(snowflake("manual.snowflakecomputing.com", false))
	expectError(t, c.do("DELETE", "/integrations/"+manual, snowflakeCreds()), 400,
		"Credentials are not required for disable unless the integration was configured automatically. If you need to update your integration credentials, use PUT to update the integration before disabling.")
	expectStatus(t, c.do("DELETE", "/integrations/"+manual, nil), 200)
}

// TestLiteralDeletedRecords: a deleted integration stays, answered and listed with status deleted, and
// is gone for every call that would change it; its host is free again.
func TestLiteralDeletedRecords(t *testing.T) {
	srv, c := startStyle(t, 40*time.Millisecond, AnswerLiteral)
	e := srv.Emulator
	p := snowflake("acme.snowflakecomputing.com", false)
	id := c.create(p)
	c.waitStatus(id, "enabled")
	r := c.do("DELETE", "/integrations/"+id, nil)
	if r.str("status") != "deleting" {
		t.Fatalf("DELETE answer: %s", r.raw)
	}
	c.waitStatus(id, "deleted")

	get := c.do("GET", "/integrations/"+id, nil)
	expectStatus(t, get, 200)
	if get.str("id") != id || get.str("type") != "Snowflake" || get.str("config.host") != "acme.snowflakecomputing.com" ||
		at(get.obj(), "config.password") != nil {
		t.Fatalf("GET of the deleted integration: %s", get.raw)
	}
	if got := c.status(id); got != "deleted" {
		t.Fatalf("status: %q", got)
	}
	list := c.do("GET", "/integrations", nil).body.([]any)
	if len(list) != 1 || at(list[0], "id") != id || at(list[0], "status") != "deleted" {
		t.Fatalf("list: %v", list)
	}

	notFound := "No integration found with ID " + id + "."
	expectError(t, c.do("PUT", "/integrations/"+id, p), 404, notFound)
	expectError(t, c.do("DELETE", "/integrations/"+id, nil), 404, notFound)
	expectError(t, c.do("POST", "/integrations/"+id+"/scripts/delete", nil), 404, notFound)
	expectError(t, c.do("POST", "/integrations/"+id+"/scripts/edit", p), 404, notFound)
	expectError(t, c.do("POST", "/integrations/"+id+"/regenerate", nil), 404, notFound)

	// The same host again: a new integration under a new id; the deleted one stays as it was.
	again := c.create(p)
	if again == id {
		t.Fatalf("re-create reused id %s", id)
	}
	c.waitStatus(again, "enabled")
	if got := c.status(id); got != "deleted" {
		t.Fatalf("old record after re-create: %q", got)
	}
	expectError(t, c.do("POST", "/integrations", p), 409,
		"Snowflake integration already exists on acme.snowflakecomputing.com (id = "+again+").")

	// The control views show it, with status deleted and the stored config; changing it is not found.
	all := e.Integrations()
	if len(all) != 2 || all[0].ID != id || all[0].Status != "deleted" || all[0].Config["password"] != "sf-secret-pw" {
		t.Fatalf("Integrations: %+v", all)
	}
	if rec, ok := e.Integration(id); !ok || rec.Status != "deleted" {
		t.Fatalf("Integration: %+v %v", rec, ok)
	}
	if items := c.do("GET", "/_emulator/integrations", nil).body.([]any); len(items) != 2 || at(items[0], "status") != "deleted" {
		t.Fatalf("control list: %v", items)
	}
	if r := c.do("GET", "/_emulator/integrations/"+id, nil); r.status != 200 || r.str("status") != "deleted" ||
		r.str("config.password") != "sf-secret-pw" {
		t.Fatalf("control record: %s", r.raw)
	}
	if err := e.PatchConfig(id, map[string]any{"warehouse": "X"}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("PatchConfig of a deleted id: %v", err)
	}
	if err := e.ForceStatus(id, ForcedStatus{Status: "enabled"}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("ForceStatus of a deleted id: %v", err)
	}
	if err := e.Vanish(id); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Vanish of a deleted id: %v", err)
	}
	expectError(t, c.do("DELETE", "/_emulator/integrations/"+id, nil), 404, notFound)

	// Vanish, a forced "deleted" and a forced status that ends in "deleted" all keep the record.
	e.SetTransitionDelay(0)
	ids := []string{
		c.create(snowflake("v.snowflakecomputing.com", false)),
		c.create(snowflake("f.snowflakecomputing.com", false)),
		c.create(snowflake("t.snowflakecomputing.com", false)),
	}
	if r := c.do("DELETE", "/_emulator/integrations/"+ids[0], nil); r.status != 200 || r.str("id") != ids[0] {
		t.Fatalf("control DELETE: %s", r.raw)
	}
	if r := c.do("POST", "/_emulator/integrations/"+ids[1]+"/status", map[string]any{"status": "deleted"}); r.status != 200 || r.str("status") != "deleted" {
		t.Fatalf("forced deleted: %s", r.raw)
	}
	if err := e.ForceStatus(ids[2], ForcedStatus{Status: "migrating", For: 10 * time.Millisecond, Then: "deleted"}); err != nil {
		t.Fatal(err)
	}
	c.waitStatus(ids[2], "deleted")
	for _, id := range ids {
		if got := c.status(id); got != "deleted" {
			t.Fatalf("%s: %q", id, got)
		}
		expectStatus(t, c.do("GET", "/integrations/"+id, nil), 200)
	}

	// Uniqueness ignores deleted records: a failed create's host, an S3 name and path, Trino.
	e.AddFault(FaultRule{Method: "POST", Path: "/integrations", Times: 1, Action: FaultAction{Fault: Handle{Outcome: "createError"}}})
	failed := c.create(snowflake("ce.snowflakecomputing.com", false))
	if c.status(failed) != "createError" {
		t.Fatal("fault not applied")
	}
	expectStatus(t, c.do("DELETE", "/integrations/"+failed, nil), 200)
	c.create(snowflake("ce.snowflakecomputing.com", false))
	lake := c.create(s3("lake", "s3://lake/"))
	expectStatus(t, c.do("DELETE", "/integrations/"+lake, nil), 200)
	c.create(s3("lake", "s3://lake/"))
	tr := c.create(trino())
	expectStatus(t, c.do("DELETE", "/integrations/"+tr, nil), 200)
	c.create(trino())
}

func TestAnswerStyleSettings(t *testing.T) {
	srv, c := start(t, 0)
	e := srv.Emulator
	r := c.do("GET", "/_emulator/settings", nil)
	if len(r.obj()) != 2 || r.str("transitionDelay") != "0s" || r.str("answerStyle") != "echo" || e.AnswerStyle() != AnswerEcho {
		t.Fatalf("default settings: %s", r.raw)
	}
	id := c.create(snowflake("a.snowflakecomputing.com", false))

	r = c.do("POST", "/_emulator/settings", map[string]any{"answerStyle": "literal"})
	if r.status != 200 || r.str("answerStyle") != "literal" || r.str("transitionDelay") != "0s" {
		t.Fatalf("POST settings: %s", r.raw)
	}
	if got := c.do("GET", "/_emulator/settings", nil).str("answerStyle"); got != "literal" || e.AnswerStyle() != AnswerLiteral {
		t.Fatalf("GET settings after POST: %q", got)
	}
	// From now on, for records made before too.
	if cfg := c.do("GET", "/integrations/"+id, nil).obj()["config"].(map[string]any); cfg["password"] != nil || cfg["port"] != nil {
		t.Fatalf("literal GET of an earlier record: %v", cfg)
	}

	// A bad style changes nothing, not even a valid delay sent with it.
	const bad = `answerStyle: "loud" is not an answer style: want "echo" or "literal"`
	expectError(t, c.do("POST", "/_emulator/settings", map[string]any{"answerStyle": "loud"}), 400, bad)
	expectError(t, c.do("POST", "/_emulator/settings", map[string]any{"transitionDelay": "1h", "answerStyle": "loud"}), 400, bad)
	expectError(t, c.do("POST", "/_emulator/settings", map[string]any{"answerStyle": ""}), 400,
		`answerStyle: "" is not an answer style: want "echo" or "literal"`)
	if r := c.do("GET", "/_emulator/settings", nil); r.str("answerStyle") != "literal" || r.str("transitionDelay") != "0s" {
		t.Fatalf("a rejected POST changed settings: %s", r.raw)
	}

	// Both at once.
	r = c.do("POST", "/_emulator/settings", map[string]any{"transitionDelay": "1s", "answerStyle": "echo"})
	if r.status != 200 || r.str("answerStyle") != "echo" || r.str("transitionDelay") != "1s" {
		t.Fatalf("POST both: %s", r.raw)
	}
	expectStatus(t, c.do("POST", "/_emulator/settings", map[string]any{"transitionDelay": "0s", "answerStyle": "literal"}), 200)

	// Deleted in literal, then back to echo: the record is gone.
	expectStatus(t, c.do("DELETE", "/integrations/"+id, nil), 200)
	if c.status(id) != "deleted" {
		t.Fatal("literal did not keep the deleted record")
	}
	if err := e.setAnswerStyle(AnswerEcho); err != nil {
		t.Fatal(err)
	}
	expectError(t, c.do("GET", "/integrations/"+id, nil), 404, "No Integration found with ID "+id+".")
	if n := len(e.Integrations()); n != 0 {
		t.Fatalf("echo kept %d deleted records", n)
	}
	// Deleted in echo, then literal: still gone.
	id2 := c.create(snowflake("b.snowflakecomputing.com", false))
	expectStatus(t, c.do("DELETE", "/integrations/"+id2, nil), 200)
	c.waitStatus(id2, "404")
	if err := e.setAnswerStyle(AnswerLiteral); err != nil {
		t.Fatal(err)
	}
	expectError(t, c.do("GET", "/integrations/"+id2, nil), 404, "No Integration found with ID "+id2+".")

	// Go: the zero value is echo; an unknown style is an error and changes nothing.
	if err := e.setAnswerStyle("loud"); err == nil || e.AnswerStyle() != AnswerLiteral {
		t.Fatalf("setAnswerStyle(loud): %v, style %q", err, e.AnswerStyle())
	}
	if err := e.setAnswerStyle(""); err != nil || e.AnswerStyle() != AnswerEcho {
		t.Fatalf("setAnswerStyle(\"\"): %v, style %q", err, e.AnswerStyle())
	}
	if s, err := ParseAnswerStyle("literal"); s != AnswerLiteral || err != nil {
		t.Fatalf("ParseAnswerStyle: %q %v", s, err)
	}
	if _, err := ParseAnswerStyle("Literal"); err == nil {
		t.Fatal("ParseAnswerStyle accepted Literal")
	}

	// Reset restores the style the emulator was started with.
	expectStatus(t, c.do("POST", "/_emulator/settings", map[string]any{"answerStyle": "literal"}), 200)
	expectStatus(t, c.do("POST", "/_emulator/reset", nil), 200)
	if got := c.do("GET", "/_emulator/settings", nil).str("answerStyle"); got != "echo" {
		t.Fatalf("after reset: %q", got)
	}
	lit, lc := startStyle(t, 0, AnswerLiteral)
	if got := lc.do("GET", "/_emulator/settings", nil).str("answerStyle"); got != "literal" {
		t.Fatalf("started literal, settings say %q", got)
	}
	_ = lit.Emulator.setAnswerStyle(AnswerEcho)
	lit.Emulator.Reset()
	if lit.Emulator.AnswerStyle() != AnswerLiteral {
		t.Fatalf("Reset restored %q", lit.Emulator.AnswerStyle())
	}

	// Bad options.
	if _, err := Start(Options{APIKey: adminKey, AnswerStyle: "loud"}); err == nil || !strings.Contains(err.Error(), `"loud" is not an answer style`) {
		t.Fatalf("Start with a bad style: %v", err)
	}
	func() {
		defer func() {
			if recover() == nil {
				t.Fatal("New with a bad style did not panic")
			}
		}()
		New(Options{APIKey: adminKey, AnswerStyle: "loud"})
	}()
}

// The echo style, named explicitly, answers as it always did: everything stored, secrets redacted,
// values as sent, deleted integrations gone.
func TestEchoStyleUnchanged(t *testing.T) {
	srv, c := startStyle(t, 0, AnswerEcho)
	id := c.create(snowflake("Acme.Snowflakecomputing.com", true))
	got := c.do("GET", "/integrations/"+id, nil)
	want := map[string]any{
		"host": "Acme.Snowflakecomputing.com", "port": 443.0, "warehouse": "COMPUTE_WH", "database": "IMMUTA_DB",
		"role": "ACCOUNTADMIN", "authenticationType": "userPassword", "username": "IMMUTA_ADMIN", "password": "[REDACTED]",
		"audit":           map[string]any{"enabled": false},
		"workspaces":      map[string]any{"enabled": false, "warehouses": []any{}},
		"impersonation":   map[string]any{"enabled": false, "role": "IMMUTA_IMPERSONATION"},
		"lineage":         map[string]any{"enabled": false, "ingestBatchSize": 1000.0, "tableFilter": ".*", "tagFilterRegex": ".*"},
		"userRolePattern": map[string]any{"exclude": []any{}},
	}
	if !reflect.DeepEqual(got.obj()["config"], want) {
		t.Fatalf("echo config:\n got %v\nwant %v", got.obj()["config"], want)
	}
	m2m := with(databricks("DBC.example"), func(c map[string]any) {
		delete(c, "token")
		c["authenticationType"] = "oAuthM2M"
		c["oAuthClientConfig"] = map[string]any{"clientId": "sp", "clientSecret": "x", "authorityUrl": "https://a.example/"}
	})
	dbx := c.do("GET", "/integrations/"+c.create(m2m), nil)
	if dbx.str("config.workspaceUrl") != "DBC.example" || dbx.str("config.oAuthClientConfig.authorityUrl") != "https://a.example/" ||
		!reflect.DeepEqual(at(dbx.obj(), "config.groupPattern"), map[string]any{}) {
		t.Fatalf("echo Databricks: %s", dbx.raw)
	}

	expectStatus(t, c.do("DELETE", "/integrations/"+id, snowflakeCreds()), 200)
	expectError(t, c.do("GET", "/integrations/"+id, nil), 404, "No Integration found with ID "+id+".")
	expectError(t, c.do("GET", "/integrations/"+id+"/status", nil), 404, "No integration found with ID "+id+".")
	if items := c.do("GET", "/integrations", nil).body.([]any); len(items) != 1 {
		t.Fatalf("list after delete: %v", items)
	}
	if _, ok := srv.Emulator.Integration(id); ok {
		t.Fatal("control view kept a deleted record")
	}
	dbxID := "2"
	if err := srv.Emulator.ForceStatus(dbxID, ForcedStatus{Status: "deleted"}); err != nil {
		t.Fatal(err)
	}
	if r := c.do("POST", "/integrations", m2m); r.status != 200 || r.str("id") != "3" {
		t.Fatalf("re-create after a forced delete: %s", r.raw)
	}
	if n := len(srv.Emulator.Integrations()); n != 1 {
		t.Fatalf("%d records, want 1", n)
	}
}
