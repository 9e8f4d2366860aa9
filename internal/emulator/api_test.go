// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"net/http"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

func TestAuthentication(t *testing.T) {
	srv, _ := start(t, 0)
	cases := []struct {
		name, key string
		status    int
		message   string
	}{
		{"missing key", "", 401, "Missing authentication."},
		{"wrong key", "nope", 401, "Invalid API key."},
		{"wrong bearer", "Bearer nope", 401, "Invalid API key."},
		{"non-admin key", nonAdminKey, 403, "The user of this API key does not have the APPLICATION_ADMIN permission."},
		{"non-admin bearer", "Bearer " + nonAdminKey, 403, "The user of this API key does not have the APPLICATION_ADMIN permission."},
		{"raw admin key", adminKey, 200, ""},
		{"bearer admin key", "Bearer " + adminKey, 200, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := &client{t: t, base: srv.URL, key: tc.key, hc: http.DefaultClient}
			for _, call := range []struct{ method, path string }{
				{"GET", "/integrations"}, {"POST", "/integrations"}, {"GET", "/integrations/1"},
				{"PUT", "/integrations/1"}, {"DELETE", "/integrations/1"}, {"GET", "/integrations/1/status"},
			} {
				var body any
				if call.method == "POST" {
					body = trino()
				}
				r := c.do(call.method, call.path, body)
				if tc.status == 200 {
					if r.status == 401 || r.status == 403 {
						t.Fatalf("%s %s: %d %s", call.method, call.path, r.status, r.raw)
					}
					continue
				}
				expectError(t, r, tc.status, tc.message)
			}
		})
	}
	if n := len(srv.Emulator.Integrations()); n != 1 {
		t.Fatalf("only the admin POSTs may create: %d integrations", n)
	}
}

func TestUnknownRoutes(t *testing.T) {
	_, c := start(t, 0)
	for _, call := range []struct{ method, path string }{
		{"GET", "/"}, {"GET", "/api/integrations"}, {"PATCH", "/integrations/1"},
		{"GET", "/integrations/1/regenerate"}, {"POST", "/integrations/scripts/bogus"},
		{"POST", "/integrations/1/scripts/bogus"}, {"DELETE", "/integrations"}, {"GET", "/integrations/"},
	} {
		expectError(t, c.do(call.method, call.path, nil), 404, "Not Found")
	}
}

func TestCreateEveryType(t *testing.T) {
	keyPair := snowflake("kp.snowflakecomputing.com", true)
	kc := cfgOf(keyPair)
	delete(kc, "password")
	kc["authenticationType"] = "keyPair"
	kc["privateKey"] = map[string]any{"content": "-----BEGIN PRIVATE KEY-----x", "userFilename": "rsa.p8"}
	kc["privateKeyPassword"] = "kp-pass"

	oauth := snowflake("oauth.snowflakecomputing.com", false)
	oc := cfgOf(oauth)
	delete(oc, "password")
	delete(oc, "username")
	oc["authenticationType"] = "oAuthClientCredentials"
	oc["oAuthClientConfig"] = map[string]any{"provider": "Okta", "clientId": "cid",
		"authorityUrl": "https://okta.example/token", "clientSecret": "oauth-secret"}

	cert := snowflake("cert.snowflakecomputing.com", false)
	cc := cfgOf(cert)
	delete(cc, "password")
	delete(cc, "username")
	cc["authenticationType"] = "oAuthClientCredentials"
	cc["oAuthClientConfig"] = map[string]any{"provider": "Okta", "clientId": "cid",
		"authorityUrl": "https://okta.example/token", "useCertificate": true,
		"publicCertificateThumbprint": "AB:CD", "oauthPrivateKey": map[string]any{"content": "PEM"}}

	m2m := databricks("m2m.cloud.databricks.com")
	mc := cfgOf(m2m)
	delete(mc, "token")
	mc["authenticationType"] = "oAuthM2M"
	mc["oAuthClientConfig"] = map[string]any{"clientId": "sp", "clientSecret": "m2m-secret"}

	accessKey := redshift("ak.redshift.amazonaws.com", true)
	ac := cfgOf(accessKey)
	delete(ac, "username")
	delete(ac, "password")
	ac["authenticationType"] = "accessKey"
	ac["databaseUser"], ac["accessKeyId"], ac["secretKey"], ac["sessionToken"] = "dbuser", "AKIA", "rs-sk", "rs-st"

	s3auto := s3("auto", "s3://auto/")
	sc := cfgOf(s3auto)
	sc["authenticationType"] = "auto"
	delete(sc, "awsAccessKeyId")
	delete(sc, "awsSecretAccessKey")

	cases := []struct {
		name      string
		payload   map[string]any
		firstTest string
		auto      bool
	}{
		{"snowflake userPassword", snowflake("acme.snowflakecomputing.com", true), "Initial Validation: Basic Connection Test", true},
		{"snowflake keyPair", keyPair, "Initial Validation: Basic Connection Test", true},
		{"snowflake oauth secret", oauth, "Initial Validation: Basic Connection Test", false},
		{"snowflake oauth certificate", cert, "Initial Validation: Basic Connection Test", false},
		{"databricks token", databricks("dbc-1.cloud.databricks.com"), "Initial Validation: Basic Connection Test", true},
		{"databricks oAuthM2M", m2m, "Initial Validation: Basic Connection Test", true},
		{"redshift userPassword", redshift("rs.redshift.amazonaws.com", false), "Initial Validation: Basic Connection Test", false},
		{"redshift accessKey", accessKey, "Initial Validation: Basic Connection Test", true},
		{"synapse", synapse("ws.sql.azuresynapse.net", true), "Initial Validation: Basic Connection Test", true},
		{"bigquery", bigquery("US"), "Initial Validation: Basic Connection Test", false},
		{"s3 accessKey", s3("lake", "s3://lake/"), "Initial Validation: Basic Connection Test", false},
		{"s3 auto", s3auto, "Initial Validation: Basic Connection Test", false},
		{"trino", trino(), "Initial Validation: Generate Immuta API Key", false},
	}
	_, c := start(t, 0)
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c.t = t
			r := c.do("POST", "/integrations", tc.payload)
			expectStatus(t, r, 200)
			want := map[string]any{"id": itoa(i + 1), "type": tc.payload["type"], "autoBootstrap": tc.auto, "status": "creating"}
			for k, v := range want {
				if r.obj()[k] != v {
					t.Fatalf("POST answer %s = %v, want %v: %s", k, r.obj()[k], v, r.raw)
				}
			}
			got := c.do("GET", "/integrations/"+itoa(i+1), nil)
			expectStatus(t, got, 200)
			if got.str("status") != "enabled" || got.str("validationResults.status") != "passed" {
				t.Fatalf("GET after create: %s", got.raw)
			}
			tests := at(got.obj(), "validationResults.validationTests").([]any)
			if at(tests[0], "name") != tc.firstTest || at(tests[0], "status") != "passed" {
				t.Fatalf("first test: %v", tests[0])
			}
			st := c.do("GET", "/integrations/"+itoa(i+1)+"/status", nil)
			expectStatus(t, st, 200)
			if len(st.obj()) != 3 || st.str("id") != itoa(i+1) || st.str("status") != "enabled" ||
				!reflect.DeepEqual(st.obj()["validationResults"], got.obj()["validationResults"]) {
				t.Fatalf("status answer: %s", st.raw)
			}
		})
	}
	list := c.do("GET", "/integrations", nil)
	expectStatus(t, list, 200)
	items := list.body.([]any)
	if len(items) != len(cases) {
		t.Fatalf("list has %d items, want %d", len(items), len(cases))
	}
	for i, it := range items {
		if at(it, "id") != itoa(i+1) {
			t.Fatalf("list not in id order: %s", list.raw)
		}
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

func TestValidationTestNames(t *testing.T) {
	_, c := start(t, 0)
	imp := snowflake("imp.snowflakecomputing.com", true)
	cfgOf(imp)["impersonation"] = map[string]any{"enabled": true}
	id := c.create(imp)
	var names []string
	for _, tt := range at(c.do("GET", "/integrations/"+id, nil).obj(), "validationResults.validationTests").([]any) {
		names = append(names, at(tt, "name").(string))
	}
	want := []string{
		"Initial Validation: Basic Connection Test",
		"Initial Validation: Default Warehouse Access Test",
		"Initial Validation: Validate access to Privileged Role",
		"Validate Automatic: Database Does Not Exist",
		"Validate Automatic: Impersonation Role Does Not Exist",
		"Validate Automatic Bootstrap User Grants",
	}
	if !reflect.DeepEqual(names, want) {
		t.Fatalf("snowflake tests %q, want %q", names, want)
	}
}

func TestListEmptyIsArray(t *testing.T) {
	_, c := start(t, 0)
	r := c.do("GET", "/integrations", nil)
	if r.status != 200 || strings.TrimSpace(r.raw) != "[]" {
		t.Fatalf("empty list: %d %s", r.status, r.raw)
	}
}

func TestNotFoundMessages(t *testing.T) {
	_, c := start(t, 0)
	expectError(t, c.do("GET", "/integrations/5", nil), 404, "No Integration found with ID 5.")
	expectError(t, c.do("PUT", "/integrations/5", snowflake("h", false)), 404, "No integration found with ID 5.")
	expectError(t, c.do("DELETE", "/integrations/5", nil), 404, "No integration found with ID 5.")
	expectError(t, c.do("GET", "/integrations/5/status", nil), 404, "No integration found with ID 5.")
	expectError(t, c.do("POST", "/integrations/5/regenerate", nil), 404, "No integration found with ID 5.")
	expectError(t, c.do("POST", "/integrations/5/scripts/delete", nil), 404, "No integration found with ID 5.")
}

func TestDefaultsFilled(t *testing.T) {
	_, c := start(t, 0)
	sfPartial := snowflake("d.snowflakecomputing.com", false)
	cfgOf(sfPartial)["lineage"] = map[string]any{"enabled": true}
	cfgOf(sfPartial)["impersonation"] = map[string]any{"enabled": true}
	kp := snowflake("kp.snowflakecomputing.com", false)
	delete(cfgOf(kp), "password")
	cfgOf(kp)["authenticationType"] = "keyPair"
	cfgOf(kp)["privateKey"] = map[string]any{"content": "PEM"}
	m2m := databricks("m2m.cloud.databricks.com")
	delete(cfgOf(m2m), "token")
	cfgOf(m2m)["authenticationType"] = "oAuthM2M"
	cfgOf(m2m)["oAuthClientConfig"] = map[string]any{"clientId": "sp", "clientSecret": "x"}

	cases := []struct {
		name    string
		payload map[string]any
		want    map[string]any // config path -> value
	}{
		{"snowflake", snowflake("a.snowflakecomputing.com", false), map[string]any{
			"port": 443.0, "audit": map[string]any{"enabled": false},
			"workspaces":      map[string]any{"enabled": false, "warehouses": []any{}},
			"impersonation":   map[string]any{"enabled": false, "role": "IMMUTA_IMPERSONATION"},
			"lineage":         map[string]any{"enabled": false, "ingestBatchSize": 1000.0, "tableFilter": ".*", "tagFilterRegex": ".*"},
			"userRolePattern": map[string]any{"exclude": []any{}},
			"privateKey":      nil,
		}},
		{"snowflake partial objects", sfPartial, map[string]any{
			"lineage":       map[string]any{"enabled": true, "ingestBatchSize": 1000.0, "tableFilter": ".*", "tagFilterRegex": ".*"},
			"impersonation": map[string]any{"enabled": true, "role": "IMMUTA_IMPERSONATION"},
		}},
		{"snowflake keyPair", kp, map[string]any{
			"privateKey": map[string]any{"keyName": "PRIV_KEY_FILE", "content": "[REDACTED]"},
		}},
		{"databricks", databricks("d.cloud.databricks.com"), map[string]any{
			"port": 443.0, "catalog": "immuta", "audit": map[string]any{"enabled": false},
			"groupPattern": map[string]any{}, "oAuthClientConfig": nil,
		}},
		{"databricks groupPattern", with(databricks("g.cloud.databricks.com"), func(c map[string]any) {
			c["groupPattern"] = map[string]any{"deny": "immuta-exempt"}
		}), map[string]any{"groupPattern": map[string]any{"deny": "immuta-exempt"}}},
		{"databricks oauth", m2m, map[string]any{
			"oAuthClientConfig": map[string]any{"clientId": "sp", "clientSecret": "[REDACTED]", "scope": "all-apis", "useCertificate": false},
		}},
		{"redshift", redshift("r.redshift.amazonaws.com", false), map[string]any{
			"port": 5439.0, "impersonation": map[string]any{"enabled": false},
		}},
		{"synapse", synapse("s.sql.azuresynapse.net", false), map[string]any{
			"port": 1433.0, "impersonation": map[string]any{"enabled": false},
			"metadataDelimiters": map[string]any{"hashDelimiter": "|", "hashKeyDelimiter": ":", "arrayDelimiter": ","},
		}},
		// No port for BigQuery and S3 (IMMUTA_API.md, Sparse answers).
		{"bigquery", bigquery("EU"), map[string]any{"dataset": "immuta", "port": nil}},
		{"s3", s3("n", "s3://n/"), map[string]any{"port": nil}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c.t = t
			id := c.create(tc.payload)
			cfg := c.do("GET", "/integrations/"+id, nil).obj()["config"].(map[string]any)
			for k, v := range tc.want {
				if !reflect.DeepEqual(cfg[k], v) {
					t.Errorf("config.%s = %#v, want %#v", k, cfg[k], v)
				}
			}
		})
	}
}

// secretValues are the secret values the payloads of the helpers carry.
var secretValues = []string{"sf-secret-pw", "dapi-secret-token", "rs-secret-pw", "syn-secret-pw",
	"bq-secret-key", "s3-secret-key", "kp-secret", "kp-pass", "oauth-secret"}

func TestRedaction(t *testing.T) {
	srv, c := start(t, 0)
	kp := snowflake("kp.snowflakecomputing.com", false)
	delete(cfgOf(kp), "password")
	cfgOf(kp)["authenticationType"] = "keyPair"
	cfgOf(kp)["privateKey"] = map[string]any{"content": "kp-secret"}
	cfgOf(kp)["privateKeyPassword"] = "kp-pass"
	oauth := snowflake("o.snowflakecomputing.com", false)
	delete(cfgOf(oauth), "password")
	delete(cfgOf(oauth), "username")
	cfgOf(oauth)["authenticationType"] = "oAuthClientCredentials"
	cfgOf(oauth)["oAuthClientConfig"] = map[string]any{"provider": "Okta", "clientId": "c", "authorityUrl": "https://a", "clientSecret": "oauth-secret"}

	cases := []struct {
		payload map[string]any
		secrets map[string]string // config path -> clear value in the store
	}{
		{snowflake("a.snowflakecomputing.com", false), map[string]string{"password": "sf-secret-pw"}},
		{kp, map[string]string{"privateKey.content": "kp-secret", "privateKeyPassword": "kp-pass"}},
		{oauth, map[string]string{"oAuthClientConfig.clientSecret": "oauth-secret"}},
		{databricks("d.cloud.databricks.com"), map[string]string{"token": "dapi-secret-token"}},
		{redshift("r.redshift.amazonaws.com", false), map[string]string{"password": "rs-secret-pw"}},
		{synapse("s.sql.azuresynapse.net", false), map[string]string{"password": "syn-secret-pw"}},
		{bigquery("US"), map[string]string{"credential": `{"private_key":"bq-secret-key"}`}},
		{s3("n", "s3://n/"), map[string]string{"awsSecretAccessKey": "s3-secret-key"}},
	}
	noSecret := func(what, raw string) {
		t.Helper()
		for _, s := range secretValues {
			if strings.Contains(raw, s) {
				t.Fatalf("%s leaks %q: %s", what, s, raw)
			}
		}
	}
	for _, tc := range cases {
		post := c.do("POST", "/integrations", tc.payload)
		expectStatus(t, post, 200)
		noSecret("POST answer", post.raw)
		id := post.str("id")
		get := c.do("GET", "/integrations/"+id, nil)
		noSecret("GET", get.raw)
		put := c.do("PUT", "/integrations/"+id, tc.payload)
		expectStatus(t, put, 200)
		noSecret("PUT answer", put.raw)
		stored, _ := srv.Emulator.Integration(id)
		for path, cleared := range tc.secrets {
			if got := at(get.obj(), "config."+path); got != "[REDACTED]" {
				t.Fatalf("GET config.%s = %v, want [REDACTED]", path, got)
			}
			if got := at(map[string]any{"config": stored.Config}, "config."+path); got != cleared {
				t.Fatalf("stored config.%s = %v, want it in clear", path, got)
			}
		}
	}
	noSecret("list", c.do("GET", "/integrations", nil).raw)
	del := c.do("DELETE", "/integrations/1", nil)
	expectStatus(t, del, 200)
	noSecret("DELETE answer", del.raw)
}

func TestTrinoAPIKey(t *testing.T) {
	_, c := start(t, 0)
	id := c.create(trino())
	hex32 := regexp.MustCompile(`^[0-9a-f]{32}$`)
	first := c.do("GET", "/integrations/"+id, nil).str("config.apiKey")
	if !hex32.MatchString(first) {
		t.Fatalf("apiKey %q is not 32 hex digits", first)
	}
	r := c.do("POST", "/integrations/"+id+"/regenerate", nil)
	expectStatus(t, r, 200)
	second := r.str("config.apiKey")
	if !hex32.MatchString(second) || second == first {
		t.Fatalf("regenerate answered %q after %q", second, first)
	}
	if got := c.do("GET", "/integrations/"+id, nil).str("config.apiKey"); got != second {
		t.Fatalf("GET after regenerate shows %q, want %q", got, second)
	}
	expectError(t, c.do("POST", "/integrations", trino()), 409, "Trino integration already exists on Starburst (id = 1).")
	expectError(t, c.do("POST", "/integrations", map[string]any{"type": "Trino", "config": map[string]any{}}),
		400, `Invalid request payload: "config" is not allowed.`)

	sf := c.create(snowflake("x.snowflakecomputing.com", false))
	expectError(t, c.do("POST", "/integrations/"+sf+"/regenerate", nil), 400,
		"Regenerating the API key is only supported for Trino integrations.")

	// A PUT keeps the key; autoBootstrap is accepted and ignored.
	expectStatus(t, c.do("PUT", "/integrations/"+id, map[string]any{"type": "Trino", "autoBootstrap": true}), 200)
	got := c.do("GET", "/integrations/"+id, nil)
	if got.str("config.apiKey") != second || got.obj()["autoBootstrap"] != false || got.str("status") != "enabled" {
		t.Fatalf("after PUT: %s", got.raw)
	}
}

func TestScripts(t *testing.T) {
	_, c := start(t, 0)
	script := func(path string, body any) string {
		t.Helper()
		r := c.do("POST", path, body)
		expectStatus(t, r, 200)
		if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
			t.Fatalf("%s: Content-Type %q", path, ct)
		}
		for _, s := range secretValues {
			if strings.Contains(r.raw, s) {
				t.Fatalf("script leaks a secret: %s", r.raw)
			}
		}
		return r.raw
	}
	if s := script("/integrations/scripts/create", snowflake("acme.snowflakecomputing.com", false)); !strings.Contains(s, `CREATE DATABASE "IMMUTA_DB"`) {
		t.Fatalf("create script: %s", s)
	}
	if s := script("/integrations/scripts/initial-create", redshift("r.example", false)); !strings.Contains(s, "CREATE USER") {
		t.Fatalf("initial-create script: %s", s)
	}
	script("/integrations/scripts/initial-create", synapse("s.example", false))
	script("/integrations/scripts/cleanup", bigquery("US"))
	script("/integrations/scripts/post-cleanup", s3("n", "s3://n/"))

	expectError(t, c.do("POST", "/integrations/scripts/initial-create", snowflake("h", false)), 400,
		"Initial create scripts are only available for Redshift and Azure Synapse Analytics integrations.")
	expectError(t, c.do("POST", "/integrations/scripts/create", snowflake("h", true)), 400,
		"Scripts are only available for integrations with autoBootstrap set to false.")
	expectError(t, c.do("POST", "/integrations/scripts/create", trino()), 400,
		"Scripts are not available for Trino integrations.")
	expectError(t, c.do("POST", "/integrations/scripts/create", map[string]any{"type": "Snowflake"}), 400,
		`Invalid request payload: "autoBootstrap" is required.`)

	id := c.create(snowflake("acme.snowflakecomputing.com", false))
	edit := snowflake("acme.snowflakecomputing.com", false)
	cfgOf(edit)["warehouse"] = "BIG_WH"
	script("/integrations/"+id+"/scripts/edit", edit)
	if s := script("/integrations/"+id+"/scripts/delete", nil); !strings.Contains(s, `DROP DATABASE "IMMUTA_DB"`) {
		t.Fatalf("delete script: %s", s)
	}
	cfgOf(edit)["database"] = "OTHER"
	expectError(t, c.do("POST", "/integrations/"+id+"/scripts/edit", edit), 400,
		"Unable to edit integration due to changes of non-editable attribute(s). database")
	auto := c.create(snowflake("auto.snowflakecomputing.com", true))
	expectError(t, c.do("POST", "/integrations/"+auto+"/scripts/delete", nil), 400,
		"Scripts are only available for integrations with autoBootstrap set to false.")
}

func TestBodyHandling(t *testing.T) {
	_, c := start(t, 0)
	r := c.do("POST", "/integrations", strings.Repeat(" ", 2<<20))
	expectError(t, r, 413, "Payload content length greater than maximum allowed: 1048576")

	hreq, _ := http.NewRequest("POST", c.base+"/integrations", strings.NewReader("type: Trino"))
	hreq.Header.Set("Authorization", adminKey)
	hreq.Header.Set("Content-Type", "application/x-yaml")
	resp, err := c.hc.Do(hreq)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 415 {
		t.Fatalf("YAML body: %d, want 415", resp.StatusCode)
	}
	// A charset parameter is fine.
	hreq, _ = http.NewRequest("POST", c.base+"/integrations", strings.NewReader(`{"type":"Trino"}`))
	hreq.Header.Set("Authorization", adminKey)
	hreq.Header.Set("Content-Type", "application/json; charset=utf-8")
	if resp, err = c.hc.Do(hreq); err != nil || resp.StatusCode != 200 {
		t.Fatalf("JSON with charset: %v %v", err, resp)
	}
	resp.Body.Close()
}
