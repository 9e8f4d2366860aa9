// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

// tenantPayloads are integrations of every type and setup, with settings at and off their defaults.
func tenantPayloads() []map[string]any {
	keyPair := with(snowflake("KeyPair.snowflakecomputing.com", false), func(c map[string]any) {
		delete(c, "password")
		c["authenticationType"] = "keyPair"
		c["privateKey"] = map[string]any{"content": "kp-secret", "userFilename": "key.p8"}
		c["privateKeyPassword"] = "kp-pass"
		c["impersonation"] = map[string]any{"enabled": true}
	})
	oauth := with(databricks("dbc-1.cloud.databricks.com"), func(c map[string]any) {
		delete(c, "token")
		c["authenticationType"] = "oAuthM2M"
		c["oAuthClientConfig"] = map[string]any{"clientId": "id", "clientSecret": "oauth-secret", "authorityUrl": "https://idp.example.com/"}
		c["groupPattern"] = map[string]any{"deny": "admins"}
	})
	return []map[string]any{
		snowflake("Manual.snowflakecomputing.com", false),
		with(snowflake("auto.snowflakecomputing.com", true), func(c map[string]any) { c["audit"] = map[string]any{"enabled": true} }),
		keyPair, databricks("dbc-2.cloud.databricks.com"), oauth,
		redshift("rs.example.com", true), synapse("syn.example.com", false), bigquery("US"),
		s3("lake", "s3://lake/"), trino(),
	}
}

// A tenant's GET /integrations answer, in either style, given as a seed, makes an emulator that answers
// as that tenant does (README, "Seeds"): same ids, types, statuses, results and literal configs, and
// Trino's API key; new integrations are numbered after the seeded ones.
func TestAnswerSeedIsATwin(t *testing.T) {
	for _, style := range []AnswerStyle{AnswerLiteral, AnswerEcho} {
		t.Run(string(style), func(t *testing.T) {
			tenant, tc := startStyle(t, 0, style)
			for _, p := range tenantPayloads() {
				tc.create(p)
			}
			tc.do("DELETE", "/integrations/1", nil) // ids need not be consecutive
			answer := tc.do("GET", "/integrations", nil).raw
			if style == AnswerEcho && !strings.Contains(answer, `"[REDACTED]"`) {
				t.Fatalf("the echo answer redacts nothing: %s", answer)
			}
			if err := tenant.Emulator.setAnswerStyle(AnswerLiteral); err != nil {
				t.Fatal(err)
			}
			want := tc.do("GET", "/integrations", nil).body

			twin, c := startStyle(t, 0, AnswerLiteral)
			if err := twin.Emulator.LoadSeed(strings.NewReader(answer)); err != nil {
				t.Fatal(err)
			}
			if got := c.do("GET", "/integrations", nil).body; !reflect.DeepEqual(got, want) {
				t.Fatalf("the twin answers\n%v\nthe tenant answered\n%v", got, want)
			}
			if id := c.create(snowflake("new.snowflakecomputing.com", false)); id != "11" {
				t.Fatalf("a new integration got id %s, want 11 (after the seeded 10)", id)
			}
		})
	}
}

// An answer leaves out what a DELETE or a PUT must carry; the seeded integrations still take both.
func TestAnswerSeedTakesChanges(t *testing.T) {
	srv, c := startStyle(t, 0, AnswerLiteral)
	seed := `[
	  {"id": "7", "type": "Snowflake", "autoBootstrap": true, "status": "enabled",
	   "config": {"host": "auto.snowflakecomputing.com", "warehouse": "COMPUTE_WH", "database": "IMMUTA_DB"}},
	  {"id": 8, "type": "Snowflake", "autoBootstrap": true,
	   "config": {"host": "echo.snowflakecomputing.com", "warehouse": "W", "database": "D", "role": "ACCOUNTADMIN",
	              "authenticationType": "userPassword", "username": "u", "password": "[REDACTED]"}}
	]`
	if err := srv.Emulator.LoadSeed(strings.NewReader(seed)); err != nil {
		t.Fatal(err)
	}
	expectError(t, c.do("DELETE", "/integrations/7", nil), 400, msgCredsAutomatic)
	expectError(t, c.do("DELETE", "/integrations/7", map[string]any{"config": map[string]any{"username": "u"}}), 400,
		`Invalid request payload: "config.role" is required.`)
	if r := c.do("DELETE", "/integrations/7", snowflakeCreds()); r.status != 200 || r.str("status") != "deleting" {
		t.Fatalf("DELETE with credentials the answer could not show: %d %s", r.status, r.raw)
	}

	put := snowflake("echo.snowflakecomputing.com", true)
	cfgOf(put)["warehouse"], cfgOf(put)["database"] = "W", "D"
	if r := c.do("PUT", "/integrations/8", put); r.status != 200 {
		t.Fatalf("PUT of the whole payload: %d %s", r.status, r.raw)
	}
	c.waitStatus("8", "enabled")
	if rec, _ := srv.Emulator.Integration("8"); rec.Config["password"] != "sf-secret-pw" || rec.Config["warehouse"] != "W" {
		t.Fatalf("stored after the PUT: %v", rec.Config)
	}
	cfgOf(put)["database"] = "OTHER"
	expectError(t, c.do("PUT", "/integrations/8", put), 400, msgNonEditable+"database")
}

// The parts of an integration object a seed reads, and what it makes of them.
func TestAnswerSeedFields(t *testing.T) {
	for _, style := range []AnswerStyle{AnswerLiteral, AnswerEcho} {
		t.Run(string(style), func(t *testing.T) {
			srv, c := startStyle(t, 150*time.Millisecond, style)
			seed := `[
			  {"id": "3", "type": "Trino", "autoBootstrap": false, "config": {"apiKey": "kept-key"}, "createdAt": "ignored"},
			  {"id": "4", "type": "Native S3", "autoBootstrap": false, "status": "editing",
			   "config": {"name": "lake", "awsAccountId": "1", "awsRegion": "us-east-1", "awsLocationRole": "r",
			              "awsLocationPath": "s3://lake/", "authenticationType": "auto", "futureSetting": {"on": true}}},
			  {"id": "5", "type": "Native S3", "autoBootstrap": false, "status": "deleted",
			   "config": {"name": "lake", "awsAccountId": "1", "awsRegion": "us-east-1", "awsLocationRole": "r",
			              "awsLocationPath": "s3://lake/", "authenticationType": "auto"}},
			  {"id": "6", "type": "Google BigQuery", "autoBootstrap": false, "status": "recurringValidationError",
			   "validationResults": {"status": "failed", "validationTests": [
			     {"name": "Validate Dataset Location", "status": "failed", "message": "moved"}]},
			   "config": {"role": "r", "datasetSuffix": "_s", "location": "EU"}}
			]`
			if err := srv.Emulator.LoadSeed(strings.NewReader(seed)); err != nil {
				t.Fatal(err)
			}
			if r := c.do("GET", "/integrations/3", nil); r.str("config.apiKey") != "kept-key" {
				t.Fatalf("Trino: %s", r.raw)
			}
			if r := c.do("GET", "/integrations/4", nil); r.str("status") != "editing" || at(r.obj(), "config.futureSetting.on") != true {
				t.Fatalf("S3 while editing, with a setting the table does not know: %s", r.raw)
			}
			c.waitStatus("4", "enabled")
			r := c.do("GET", "/integrations/6", nil)
			if r.str("status") != "recurringValidationError" || r.str("validationResults.status") != "failed" ||
				r.str("config.dataset") != map[AnswerStyle]string{AnswerEcho: "immuta", AnswerLiteral: ""}[style] {
				t.Fatalf("BigQuery: %s", r.raw)
			}
			deleted := c.do("GET", "/integrations/5", nil)
			if style == AnswerLiteral && deleted.str("status") != "deleted" {
				t.Fatalf("literal: the deleted integration is answered %d %s", deleted.status, deleted.raw)
			}
			if style == AnswerEcho && deleted.status != 404 {
				t.Fatalf("echo: the deleted integration is answered %d %s", deleted.status, deleted.raw)
			}
		})
	}
}

func TestAnswerSeedErrors(t *testing.T) {
	srv, _ := start(t, 0)
	if err := srv.Emulator.LoadSeed(strings.NewReader(`[{"id": "2", "type": "Trino"}]`)); err != nil {
		t.Fatal(err)
	}
	sf := func(id, host string) string {
		return `{"id": ` + id + `, "type": "Snowflake", "autoBootstrap": false, "config": {"host": "` + host +
			`", "warehouse": "W", "database": "D", "authenticationType": "userPassword", "username": "u"}}`
	}
	for _, tc := range []struct{ seed, err string }{
		{`{"id": 1}`, "seed: want a JSON array of integration objects (as GET /integrations answers) or of POST payloads"},
		{`[` + sf(`"1"`, "a") + `, {"type": "Trino"}]`, `seed[1]: every item has an "id"`},
		{`[{"type": "Trino"}, ` + sf(`"1"`, "a") + `]`, `seed[1]: every item has an "id"`},
		{`[` + sf(`"x1"`, "a") + `]`, `seed[0]: "id" must be a string of digits or a whole number from 1, as Immuta answers it, not "x1"`},
		{`[` + sf(`1.5`, "a") + `]`, `seed[0]: "id" must be a string of digits`},
		{`[` + sf(`0`, "a") + `]`, `seed[0]: "id" must be a string of digits`},
		{`[` + sf(`"2"`, "a") + `]`, `seed[0] (id 2): another integration has id 2`},
		{`[` + sf(`"9"`, "a") + `, ` + sf(`9`, "b") + `]`, `seed[1] (id 9): another integration has id 9`},
		{`[` + sf(`"9"`, "a") + `, ` + sf(`10`, "a") + `]`, `seed[1] (id 10): Snowflake integration already exists on a (id = 9).`},
		{`[{"id": "9", "type": "Snowflake", "config": {}}]`, `seed[0] (id 9): "autoBootstrap" is missing: Immuta answers it for every Snowflake integration`},
		{`[{"id": "9", "type": "Oracle", "autoBootstrap": false, "config": {}}]`, `seed[0] (id 9): "type" must be one of [Snowflake,`},
		{`[{"id": "9", "type": "Google BigQuery", "autoBootstrap": true, "config": {}}]`, `seed[0] (id 9): "autoBootstrap" must be false for Google BigQuery`},
		{`[{"id": "9", "type": "Snowflake", "autoBootstrap": false}]`, `seed[0] (id 9): "config" is missing`},
		{`[{"id": "9", "type": "Snowflake", "autoBootstrap": false, "status": "paused", "config": {}}]`, `seed[0] (id 9): unknown status "paused"`},
		{`[{"id": "9", "type": "Snowflake", "autoBootstrap": false, "config": {"host": "h", "warehouse": "W", "database": "D"}}]`,
			`seed[0] (id 9): "config.authenticationType" is required.`},
		{`[{"id": "9", "type": "Snowflake", "autoBootstrap": false, "config": {"host": "h", "port": "443", "warehouse": "W", "database": "D", "authenticationType": "userPassword", "username": "u"}}]`,
			`seed[0] (id 9): "config.port" must be a number.`},
		{`[{"id": "9", "type": "Trino", "validationResults": {"validationTests": [{"status": "passed"}]}}]`,
			`seed[0] (id 9): validationResults: every validation test needs a name`},
	} {
		err := srv.Emulator.LoadSeed(strings.NewReader(tc.seed))
		if err == nil || !strings.HasPrefix(err.Error(), tc.err) {
			t.Errorf("seed %s:\nerror %v\nwant  %q...", tc.seed, err, tc.err)
		}
	}
	if n := len(srv.Emulator.Integrations()); n != 1 {
		t.Fatalf("failed seeds left %d integrations, want the 1 seeded first", n)
	}
}

func TestDetectSeedForm(t *testing.T) {
	for seed, want := range map[string]SeedForm{
		`[]`:                 SeedPayloads,
		`[{"type":"Trino"}]`: SeedPayloads,
		`[{"id":"1","type":"Trino"},{"id":2,"type":"Trino"}]`: SeedAnswer,
	} {
		if got, err := DetectSeedForm([]byte(seed)); err != nil || got != want {
			t.Errorf("DetectSeedForm(%s) = %q, %v; want %q", seed, got, err, want)
		}
	}
}
