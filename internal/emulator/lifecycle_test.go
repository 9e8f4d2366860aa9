// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestTimedTransitions(t *testing.T) {
	_, c := start(t, 80*time.Millisecond)
	p := snowflake("acme.snowflakecomputing.com", false)
	id := c.create(p)
	if got := c.status(id); got != "creating" {
		t.Fatalf("right after POST: %q, want creating", got)
	}
	c.waitStatus(id, "enabled")

	cfgOf(p)["warehouse"] = "BIG_WH"
	r := c.do("PUT", "/integrations/"+id, p)
	expectStatus(t, r, 200)
	if r.str("status") != "editing" || r.str("config.warehouse") != "BIG_WH" {
		t.Fatalf("PUT answer: %s", r.raw)
	}
	if got := c.status(id); got != "editing" {
		t.Fatalf("right after PUT: %q, want editing", got)
	}
	c.waitStatus(id, "enabled")

	r = c.do("DELETE", "/integrations/"+id, nil)
	expectStatus(t, r, 200)
	if r.str("status") != "deleting" {
		t.Fatalf("DELETE answer: %s", r.raw)
	}
	if got := c.status(id); got != "deleting" {
		t.Fatalf("right after DELETE: %q, want deleting", got)
	}
	c.waitStatus(id, "404")
	expectError(t, c.do("GET", "/integrations/"+id+"/status", nil), 404, "No integration found with ID "+id+".")
}

func TestZeroDelayNextReadIsTerminal(t *testing.T) {
	_, c := start(t, 0)
	p := snowflake("acme.snowflakecomputing.com", false)
	id := c.create(p)
	if got := c.status(id); got != "enabled" {
		t.Fatalf("after POST: %q", got)
	}
	expectStatus(t, c.do("PUT", "/integrations/"+id, p), 200) // identical payload still edits
	if got := c.status(id); got != "enabled" {
		t.Fatalf("after PUT: %q", got)
	}
	expectStatus(t, c.do("DELETE", "/integrations/"+id, nil), 200)
	expectError(t, c.do("GET", "/integrations/"+id, nil), 404, "No Integration found with ID "+id+".")
}

func TestBusyWhileTransitional(t *testing.T) {
	srv, c := start(t, time.Hour)
	p := snowflake("acme.snowflakecomputing.com", false)
	busyMsg := func(id, state string) string {
		return fmt.Sprintf("Unable to edit integration with ID %s in current state %s.", id, state)
	}
	id := c.create(p)
	expectError(t, c.do("PUT", "/integrations/"+id, p), 409, busyMsg(id, "creating"))
	expectError(t, c.do("DELETE", "/integrations/"+id, nil), 409, busyMsg(id, "creating"))

	for _, state := range []string{"editing", "deleting", "migrating"} {
		if err := srv.Emulator.ForceStatus(id, ForcedStatus{Status: state}); err != nil {
			t.Fatal(err)
		}
		expectError(t, c.do("PUT", "/integrations/"+id, p), 409, busyMsg(id, state))
		expectError(t, c.do("DELETE", "/integrations/"+id, nil), 409, busyMsg(id, state))
	}

	// A real editing state, started by a PUT.
	srv.Emulator.SetTransitionDelay(0)
	_ = srv.Emulator.ForceStatus(id, ForcedStatus{Status: "enabled"})
	srv.Emulator.SetTransitionDelay(time.Hour)
	expectStatus(t, c.do("PUT", "/integrations/"+id, p), 200)
	expectError(t, c.do("PUT", "/integrations/"+id, p), 409, busyMsg(id, "editing"))
}

// Every terminal status accepts a PUT (and so a DELETE, which shares the check).
func TestTerminalStatusesAcceptChanges(t *testing.T) {
	srv, c := start(t, 0)
	for i, state := range []string{"enabled", "recurringValidationError", "createError", "editError",
		"migrateError", "deleteError", "disabled"} {
		t.Run(state, func(t *testing.T) {
			c.t = t
			p := snowflake(fmt.Sprintf("h%d.snowflakecomputing.com", i), false)
			id := c.create(p)
			if err := srv.Emulator.ForceStatus(id, ForcedStatus{Status: state}); err != nil {
				t.Fatal(err)
			}
			if got := c.status(id); got != state {
				t.Fatalf("forced %q, reads %q", state, got)
			}
			r := c.do("PUT", "/integrations/"+id, p)
			expectStatus(t, r, 200)
			if r.str("status") != "editing" || c.status(id) != "enabled" {
				t.Fatalf("PUT from %s: %s", state, r.raw)
			}
			_ = srv.Emulator.ForceStatus(id, ForcedStatus{Status: state})
			expectStatus(t, c.do("DELETE", "/integrations/"+id, nil), 200)
			c.waitStatus(id, "404")
		})
	}
}

func TestOutcomeFaults(t *testing.T) {
	srv, c := start(t, 0)
	e := srv.Emulator
	failed := []ValidationTest{{Name: "Validate Automatic: Database Does Not Exist", Status: "failed", Message: "Database IMMUTA_DB already exists."}}

	t.Run("createError then repair with PUT", func(t *testing.T) {
		c.t = t
		e.AddFault(FaultRule{Method: "POST", Path: "/integrations", Times: 1, Action: FaultAction{Fault: Handle{Outcome: "createError", Validation: failed}}})
		p := snowflake("ce.snowflakecomputing.com", true)
		id := c.create(p)
		r := c.do("GET", "/integrations/"+id, nil)
		if r.str("status") != "createError" || r.str("validationResults.status") != "failed" {
			t.Fatalf("after failed create: %s", r.raw)
		}
		tests := at(r.obj(), "validationResults.validationTests").([]any)
		if len(tests) != 1 || at(tests[0], "message") != "Database IMMUTA_DB already exists." {
			t.Fatalf("results: %s", r.raw)
		}
		expectError(t, c.do("POST", "/integrations", p), 400, "Use PUT /integrations/"+id+
			" endpoint to update connection information for Snowflake integration on host ce.snowflakecomputing.com (id = "+id+") that previously failed to create.")
		r = c.do("PUT", "/integrations/"+id, p)
		expectStatus(t, r, 200)
		if r.str("status") != "editing" {
			t.Fatalf("repair PUT: %s", r.raw)
		}
		if c.status(id) != "enabled" {
			t.Fatal("repair did not enable")
		}
		if got := c.do("GET", "/integrations/"+id, nil).str("validationResults.status"); got != "passed" {
			t.Fatalf("results after repair: %s", got)
		}
	})

	t.Run("editError rolls back", func(t *testing.T) {
		c.t = t
		p := snowflake("ee.snowflakecomputing.com", false)
		id := c.create(p)
		e.AddFault(FaultRule{Method: "PUT", Path: "/integrations/" + id, Times: 1, Action: FaultAction{Fault: Handle{Outcome: "editError"}}})
		edited := with(p, func(c map[string]any) { c["warehouse"] = "NEW_WH"; c["password"] = "new-pw" })
		r := c.do("PUT", "/integrations/"+id, edited)
		if r.str("status") != "editing" || r.str("config.warehouse") != "NEW_WH" {
			t.Fatalf("PUT answer: %s", r.raw)
		}
		r = c.do("GET", "/integrations/"+id, nil)
		if r.str("status") != "editError" || r.str("config.warehouse") != "COMPUTE_WH" || r.str("validationResults.status") != "failed" {
			t.Fatalf("after failed edit: %s", r.raw)
		}
		stored, _ := e.Integration(id)
		if stored.Config["password"] != "sf-secret-pw" {
			t.Fatalf("secret not rolled back: %v", stored.Config["password"])
		}
	})

	t.Run("deleteError keeps the record", func(t *testing.T) {
		c.t = t
		id := c.create(snowflake("de.snowflakecomputing.com", false))
		e.AddFault(FaultRule{Method: "DELETE", Path: "/integrations/*", Times: 1, Action: FaultAction{Fault: Handle{Outcome: "deleteError", Validation: failed}}})
		expectStatus(t, c.do("DELETE", "/integrations/"+id, nil), 200)
		r := c.do("GET", "/integrations/"+id, nil)
		if r.str("status") != "deleteError" || r.str("validationResults.status") != "failed" {
			t.Fatalf("after failed delete: %s", r.raw)
		}
		expectStatus(t, c.do("DELETE", "/integrations/"+id, nil), 200) // retry from deleteError
		c.waitStatus(id, "404")
	})

	t.Run("enabled with warnings", func(t *testing.T) {
		c.t = t
		warn := []ValidationTest{{Name: "Validate Automatic Bootstrap User Grants", Status: "warning", Message: "Grant MANAGE GRANTS is missing."}}
		e.AddFault(FaultRule{Path: "/integrations", Action: FaultAction{Fault: Handle{Outcome: "enabled", Validation: warn}}, Times: 1})
		id := c.create(snowflake("w.snowflakecomputing.com", true))
		r := c.do("GET", "/integrations/"+id, nil)
		if r.str("status") != "enabled" || r.str("validationResults.status") != "warning" {
			t.Fatalf("warning outcome: %s", r.raw)
		}
	})
}

func TestForcedStatusForThen(t *testing.T) {
	srv, c := start(t, 0)
	id := c.create(snowflake("m.snowflakecomputing.com", false))
	if err := srv.Emulator.ForceStatus(id, ForcedStatus{Status: "migrating", For: 60 * time.Millisecond, Then: "enabled"}); err != nil {
		t.Fatal(err)
	}
	if got := c.status(id); got != "migrating" {
		t.Fatalf("forced: %q", got)
	}
	expectError(t, c.do("PUT", "/integrations/"+id, snowflake("m.snowflakecomputing.com", false)), 409,
		"Unable to edit integration with ID "+id+" in current state migrating.")
	c.waitStatus(id, "enabled")

	// recurringValidationError with results, set over HTTP.
	r := c.do("POST", "/_emulator/integrations/"+id+"/status", map[string]any{
		"status":     "recurringValidationError",
		"validation": []any{map[string]any{"name": "Initial Validation: Basic Connection Test", "status": "failed", "message": "Password expired."}},
	})
	expectStatus(t, r, 200)
	st := c.do("GET", "/integrations/"+id+"/status", nil)
	if st.str("status") != "recurringValidationError" || st.str("validationResults.status") != "failed" {
		t.Fatalf("recurring: %s", st.raw)
	}

	// "for" without "then" returns to the previous status.
	_ = srv.Emulator.ForceStatus(id, ForcedStatus{Status: "enabled"})
	_ = srv.Emulator.ForceStatus(id, ForcedStatus{Status: "disabled", For: 30 * time.Millisecond})
	if got := c.status(id); got != "disabled" {
		t.Fatalf("forced disabled: %q", got)
	}
	c.waitStatus(id, "enabled")

	// Forcing "deleted" removes it.
	_ = srv.Emulator.ForceStatus(id, ForcedStatus{Status: "migrating", For: 10 * time.Millisecond, Then: "deleted"})
	c.waitStatus(id, "404")

	for _, bad := range []ForcedStatus{{Status: "bogus"}, {Status: "enabled", Then: "nope"}} {
		if err := srv.Emulator.ForceStatus("1", bad); err == nil {
			t.Fatalf("ForceStatus accepted %+v", bad)
		}
	}
}

func TestUniqueness(t *testing.T) {
	srv, c := start(t, 0)
	cases := []struct {
		name          string
		first, second map[string]any
		msg           string // with %s for the first id
	}{
		{"snowflake host", snowflake("acme.snowflakecomputing.com", true), snowflake("acme.snowflakecomputing.com", false),
			"Snowflake integration already exists on acme.snowflakecomputing.com (id = %s)."},
		{"databricks workspaceUrl", databricks("dbc.cloud.databricks.com"), databricks("dbc.cloud.databricks.com"),
			"Databricks integration already exists on dbc.cloud.databricks.com (id = %s)."},
		{"redshift host", redshift("r.example", false), redshift("r.example", true),
			"Redshift integration already exists on r.example (id = %s)."},
		{"synapse host", synapse("s.example", false), synapse("s.example", false),
			"Azure Synapse Analytics integration already exists on s.example (id = %s)."},
		{"bigquery dataset and location", bigquery("US"), with(bigquery("US"), func(c map[string]any) { c["datasetSuffix"] = "_other" }),
			"Google BigQuery integration already exists on immuta/US (id = %s)."},
		{"s3 path", s3("one", "s3://bucket/"), s3("two", "s3://bucket/"),
			"Native S3 integration already exists on s3://bucket/ (id = %s)."},
		{"s3 name", s3("lake", "s3://a/"), s3("lake", "s3://b/"),
			"Native S3 integration with name lake already exists (id = %s)."},
		{"trino", trino(), trino(), "Trino integration already exists on Starburst (id = %s)."},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c.t = t
			id := c.create(tc.first)
			expectError(t, c.do("POST", "/integrations", tc.second), 409, fmt.Sprintf(tc.msg, id))
		})
	}
	c.t = t

	// Same host, other type: fine. Other BigQuery location: fine.
	c.create(redshift("acme.snowflakecomputing.com", false))
	c.create(bigquery("EU"))

	// A deleting integration still holds its host; once gone, the host is free.
	srv.Emulator.SetTransitionDelay(time.Hour)
	expectStatus(t, c.do("DELETE", "/integrations/1", snowflakeCreds()), 200)
	expectError(t, c.do("POST", "/integrations", snowflake("acme.snowflakecomputing.com", true)), 409,
		"Snowflake integration already exists on acme.snowflakecomputing.com (id = 1).")
	_ = srv.Emulator.ForceStatus("1", ForcedStatus{Status: "deleted"})
	c.create(snowflake("acme.snowflakecomputing.com", true))
}

func TestNonEditableAttributes(t *testing.T) {
	_, c := start(t, 0)
	const msg = "Unable to edit integration due to changes of non-editable attribute(s). "
	sf := snowflake("acme.snowflakecomputing.com", true)
	sfID := c.create(sf)
	syn := synapse("s.example", false)
	synID := c.create(syn)
	bq := bigquery("US")
	bqID := c.create(bq)
	s3p := s3("lake", "s3://lake/")
	s3ID := c.create(s3p)
	dbx := databricks("d.example")
	dbxID := c.create(dbx)
	synPortID := c.create(with(synapse("p.example", false), func(c map[string]any) { c["port"] = 1500 }))

	cases := []struct {
		name string
		id   string
		body any
		list string
	}{
		// The list follows the payload's key order (a marshalled map has its keys sorted).
		{"host and database", sfID, `{"type":"Snowflake","autoBootstrap":true,"config":{"host":"b.example","warehouse":"COMPUTE_WH",` +
			`"database":"B","role":"ACCOUNTADMIN","authenticationType":"userPassword","username":"IMMUTA_ADMIN","password":"p"}}`, "host, database"},
		{"payload order", sfID, `{"type":"Snowflake","autoBootstrap":true,"config":{"database":"B","warehouse":"COMPUTE_WH","host":"b.example",` +
			`"role":"ACCOUNTADMIN","authenticationType":"userPassword","username":"IMMUTA_ADMIN","password":"p"}}`, "database, host"},
		{"sorted map", sfID, with(sf, func(c map[string]any) { c["host"] = "b.example"; c["database"] = "B" }), "database, host"},
		{"config first", sfID, `{"config":{"host":"b.example","warehouse":"COMPUTE_WH","database":"IMMUTA_DB","role":"R",` +
			`"authenticationType":"userPassword","username":"u","password":"p"},"autoBootstrap":false,"type":"Snowflake"}`, "host, autoBootstrap"},
		{"omitted field last", synPortID, `{"type":"Azure Synapse Analytics","autoBootstrap":false,"config":{"schema":"s2","host":"p.example",` +
			`"database":"sqlpool","authenticationType":"userPassword","username":"u","password":"p"}}`, "schema, port"},
		{"port through default", sfID, with(sf, func(c map[string]any) { c["port"] = 8443 }), "port"},
		{"autoBootstrap", sfID, top(with(sf, func(c map[string]any) { delete(c, "role") }), func(p map[string]any) { p["autoBootstrap"] = false }), "autoBootstrap"},
		{"type", sfID, redshift("acme.snowflakecomputing.com", true), "type"},
		{"synapse delimiters as a whole", synID, with(syn, func(c map[string]any) { c["metadataDelimiters"] = map[string]any{"arrayDelimiter": ";"} }), "metadataDelimiters"},
		{"synapse schema", synID, with(syn, func(c map[string]any) { c["schema"] = "other" }), "schema"},
		{"bigquery", bqID, with(bq, func(c map[string]any) { c["location"] = "EU"; c["role"] = "r2"; c["dataset"] = "d2" }), "dataset, location, role"},
		{"s3", s3ID, with(s3p, func(c map[string]any) { c["name"] = "n2"; c["awsRegion"] = "eu-west-1" }), "awsRegion, name"},
		{"databricks catalog", dbxID, with(dbx, func(c map[string]any) { c["catalog"] = "other" }), "catalog"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c.t = t
			expectError(t, c.do("PUT", "/integrations/"+tc.id, tc.body), 400, msg+tc.list)
		})
	}
	c.t = t

	// Editable fields change in place.
	edited := with(sf, func(c map[string]any) {
		c["warehouse"] = "W2"
		c["password"] = "rotated"
		c["audit"] = map[string]any{"enabled": true}
		c["impersonation"] = map[string]any{"enabled": true, "role": "IMP"}
		c["workspaces"] = map[string]any{"enabled": true, "warehouses": []any{"W2"}}
	})
	expectStatus(t, c.do("PUT", "/integrations/"+sfID, edited), 200)
	r := c.do("GET", "/integrations/"+sfID, nil)
	if r.str("status") != "enabled" || r.str("config.warehouse") != "W2" || at(r.obj(), "config.audit.enabled") != true ||
		r.str("config.impersonation.role") != "IMP" {
		t.Fatalf("after edit: %s", r.raw)
	}
	// PUT is a full replacement: omitted optional fields come back as defaults.
	expectStatus(t, c.do("PUT", "/integrations/"+sfID, sf), 200)
	r = c.do("GET", "/integrations/"+sfID, nil)
	if at(r.obj(), "config.audit.enabled") != false || r.str("config.impersonation.role") != "IMMUTA_IMPERSONATION" {
		t.Fatalf("PUT did not replace: %s", r.raw)
	}
}

func TestDeleteCredentialRules(t *testing.T) {
	srv, c := start(t, 0)
	const (
		manual    = "Credentials are not required for disable unless the integration was configured automatically. If you need to update your integration credentials, use PUT to update the integration before disabling."
		automatic = "Integrations that are automatically configured require privileged credentials to disable. Please provide them in your payload."
		dbxMsg    = "Credentials are not required to disable a Databricks integration. If you need to update your integration credentials, use PUT to update the integration before disabling."
	)
	rsCreds := map[string]any{"config": map[string]any{"authenticationType": "userPassword", "username": "awsuser", "password": "rs-secret-pw"}}
	synCreds := map[string]any{"config": map[string]any{"authenticationType": "userPassword", "username": "sqladmin", "password": "syn-secret-pw"}}
	anyCreds := map[string]any{"config": map[string]any{"username": "u", "password": "p"}}

	sfAuto := c.create(snowflake("auto.snowflakecomputing.com", true))
	sfManual := c.create(snowflake("manual.snowflakecomputing.com", false))
	rsAuto := c.create(redshift("rs.example", true))
	synAuto := c.create(synapse("syn.example", true))
	dbx := c.create(databricks("dbc.example"))
	bq := c.create(bigquery("US"))
	s3ID := c.create(s3("lake", "s3://lake/"))
	tr := c.create(trino())

	rejections := []struct {
		name   string
		id     string
		body   any
		status int
		msg    string
	}{
		{"automatic snowflake without body", sfAuto, nil, 400, automatic},
		{"automatic snowflake with empty config", sfAuto, map[string]any{"config": map[string]any{}}, 400, automatic},
		{"automatic redshift without body", rsAuto, nil, 400, automatic},
		{"automatic synapse without body", synAuto, map[string]any{}, 400, automatic},
		{"manual snowflake with credentials", sfManual, snowflakeCreds(), 400, manual},
		{"bigquery with credentials", bq, anyCreds, 400, manual},
		{"s3 with credentials", s3ID, anyCreds, 400, manual},
		{"trino with credentials", tr, anyCreds, 400, manual},
		{"databricks with credentials", dbx, map[string]any{"config": map[string]any{"token": "x"}}, 400, dbxMsg},
		{"wrong snowflake password", sfAuto, with(snowflakeCreds(), func(c map[string]any) { c["password"] = "wrong" }), 422,
			"Unable to delete integration with ID " + sfAuto + ", validation failed."},
		{"wrong snowflake role", sfAuto, with(snowflakeCreds(), func(c map[string]any) { c["role"] = "SYSADMIN" }), 422,
			"Unable to delete integration with ID " + sfAuto + ", validation failed."},
		{"other redshift auth type", rsAuto, map[string]any{"config": map[string]any{"authenticationType": "accessKey",
			"databaseUser": "u", "accessKeyId": "a", "secretKey": "s"}}, 422, "Unable to delete integration with ID " + rsAuto + ", validation failed."},
		{"wrong synapse user", synAuto, with(synCreds, func(c map[string]any) { c["username"] = "other" }), 422,
			"Unable to delete integration with ID " + synAuto + ", validation failed."},
	}
	for _, tc := range rejections {
		t.Run(tc.name, func(t *testing.T) {
			c.t = t
			r := c.do("DELETE", "/integrations/"+tc.id, tc.body)
			expectError(t, r, tc.status, tc.msg)
			if tc.status == 422 {
				tests := at(r.obj(), "validationResults.validationTests").([]any)
				msg, _ := at(tests[0], "message").(string)
				if r.str("validationResults.status") != "failed" || at(tests[0], "name") != "Initial Validation: Basic Connection Test" ||
					at(tests[0], "status") != "failed" || !containsAll(msg, "credentials", "rejected") {
					t.Fatalf("422 results: %s", r.raw)
				}
			}
			if c.status(tc.id) != "enabled" {
				t.Fatal("rejected DELETE changed the status")
			}
		})
	}
	c.t = t

	// Accepted bodies.
	accepted := []struct {
		id   string
		body any
	}{
		{sfAuto, snowflakeCreds()}, {sfManual, nil}, {sfManual, nil}, {rsAuto, rsCreds}, {synAuto, synCreds},
		{dbx, map[string]any{"config": map[string]any{}}}, {bq, nil}, {s3ID, nil}, {tr, nil},
	}
	for _, a := range accepted {
		if _, ok := srv.Emulator.Integration(a.id); !ok {
			continue
		}
		r := c.do("DELETE", "/integrations/"+a.id, a.body)
		expectStatus(t, r, 200)
		c.waitStatus(a.id, "404")
	}
	if n := len(srv.Emulator.Integrations()); n != 0 {
		t.Fatalf("%d integrations left", n)
	}

	// After drift the stored credentials differ, so the configured ones are rejected.
	id := c.create(snowflake("drift.snowflakecomputing.com", true))
	if err := srv.Emulator.PatchConfig(id, map[string]any{"password": "changed-behind-our-back"}); err != nil {
		t.Fatal(err)
	}
	expectError(t, c.do("DELETE", "/integrations/"+id, snowflakeCreds()), 422, "Unable to delete integration with ID "+id+", validation failed.")

	// Key-pair credentials: file metadata does not matter, the key does.
	kp := with(snowflake("kp.snowflakecomputing.com", true), func(c map[string]any) {
		delete(c, "password")
		c["authenticationType"] = "keyPair"
		c["privateKey"] = map[string]any{"content": "PEM", "userFilename": "rsa.p8"}
	})
	kpID := c.create(kp)
	kpCreds := map[string]any{"config": map[string]any{"authenticationType": "keyPair", "username": "IMMUTA_ADMIN",
		"privateKey": map[string]any{"content": "OTHER"}, "role": "ACCOUNTADMIN"}}
	expectError(t, c.do("DELETE", "/integrations/"+kpID, kpCreds), 422, "Unable to delete integration with ID "+kpID+", validation failed.")
	kpCreds["config"].(map[string]any)["privateKey"] = map[string]any{"content": "PEM"}
	expectStatus(t, c.do("DELETE", "/integrations/"+kpID, kpCreds), 200)
}

func containsAll(s string, parts ...string) bool {
	for _, p := range parts {
		if !strings.Contains(s, p) {
			return false
		}
	}
	return true
}
