// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestControlSettings(t *testing.T) {
	_, c := start(t, 0)
	r := c.do("POST", "/_emulator/settings", map[string]any{"transitionDelay": "1h"})
	expectStatus(t, r, 200)
	if r.str("transitionDelay") != "1h0m0s" {
		t.Fatalf("settings answer: %s", r.raw)
	}
	id := c.create(snowflake("a.snowflakecomputing.com", false))
	if c.status(id) != "creating" {
		t.Fatal("transitionDelay 1h not applied")
	}
	expectStatus(t, c.do("POST", "/_emulator/settings", map[string]any{"transitionDelay": "0s"}), 200)
	id2 := c.create(snowflake("b.snowflakecomputing.com", false))
	if c.status(id2) != "enabled" || c.status(id) != "creating" {
		t.Fatal("a new delay must apply from now on only")
	}
	if got := c.do("GET", "/_emulator/settings", nil); got.str("transitionDelay") != "0s" {
		t.Fatalf("GET settings: %s", got.raw)
	}
	expectError(t, c.do("POST", "/_emulator/settings", map[string]any{"transitionDelay": "soon"}), 400,
		`transitionDelay: "soon" is not a duration such as "2s"`)
	r = c.do("POST", "/_emulator/settings", map[string]any{"delay": "1s"})
	if r.status != 400 || !strings.Contains(r.msg(), "unknown field") {
		t.Fatalf("unknown settings field: %s", r.raw)
	}
}

func TestControlIntegrations(t *testing.T) {
	srv, c := start(t, 0)
	id := c.create(snowflake("a.snowflakecomputing.com", false))

	// GET lists the stored view, secrets in clear.
	list := c.do("GET", "/_emulator/integrations", nil)
	if items := list.body.([]any); len(items) != 1 || at(items[0], "config.password") != "sf-secret-pw" {
		t.Fatalf("control list: %s", list.raw)
	}

	// PATCH merges into the config (drift); the status does not change; null removes a key.
	r := c.do("PATCH", "/_emulator/integrations/"+id, map[string]any{"config": map[string]any{
		"warehouse": "DRIFTED", "audit": map[string]any{"enabled": true}, "lineage": nil,
	}})
	expectStatus(t, r, 200)
	got := c.do("GET", "/integrations/"+id, nil)
	if got.str("config.warehouse") != "DRIFTED" || at(got.obj(), "config.audit.enabled") != true ||
		got.obj()["config"].(map[string]any)["lineage"] != nil || got.str("status") != "enabled" ||
		got.str("config.password") != "[REDACTED]" || got.str("config.host") != "a.snowflakecomputing.com" {
		t.Fatalf("after PATCH: %s", got.raw)
	}
	expectError(t, c.do("PATCH", "/_emulator/integrations/99", map[string]any{"config": map[string]any{}}), 404,
		"emulator: integration not found: 99")

	// POST status forces a status and answers the record.
	r = c.do("POST", "/_emulator/integrations/"+id+"/status", map[string]any{"status": "migrating", "for": "40ms", "then": "migrateError"})
	if r.status != 200 || r.str("status") != "migrating" {
		t.Fatalf("force: %s", r.raw)
	}
	c.waitStatus(id, "migrateError")
	r = c.do("POST", "/_emulator/integrations/"+id+"/status", map[string]any{"status": "sideways"})
	expectError(t, r, 400, `unknown status "sideways"`)
	expectError(t, c.do("POST", "/_emulator/integrations/99/status", map[string]any{"status": "enabled"}), 404,
		"emulator: integration not found: 99")

	// DELETE makes it vanish at once.
	r = c.do("DELETE", "/_emulator/integrations/"+id, nil)
	if r.status != 200 || r.str("id") != id {
		t.Fatalf("vanish: %s", r.raw)
	}
	expectError(t, c.do("GET", "/integrations/"+id, nil), 404, "No Integration found with ID "+id+".")
	expectError(t, c.do("DELETE", "/_emulator/integrations/"+id, nil), 404, "No integration found with ID "+id+".")

	if err := srv.Emulator.Vanish(id); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Vanish of a gone id: %v", err)
	}
	if err := srv.Emulator.PatchConfig("42", nil); !errors.Is(err, ErrNotFound) {
		t.Fatalf("PatchConfig of a missing id: %v", err)
	}
	if err := srv.Emulator.ForceStatus("42", ForcedStatus{Status: "enabled"}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("ForceStatus of a missing id: %v", err)
	}
	expectError(t, c.do("GET", "/_emulator/nothing", nil), 404, "Not Found")
}

func TestControlReset(t *testing.T) {
	srv, c := start(t, 0)
	c.create(trino())
	addFault(t, c, `{"times":0,"action":{"hang":"1ms"}}`)
	expectStatus(t, c.do("POST", "/_emulator/settings", map[string]any{"transitionDelay": "1h"}), 200)
	expectStatus(t, c.do("POST", "/_emulator/reset", nil), 200)

	if n := len(srv.Emulator.Integrations()); n != 0 {
		t.Fatalf("%d integrations after reset", n)
	}
	if n := len(c.do("GET", "/_emulator/faults", nil).body.([]any)); n != 0 {
		t.Fatalf("%d rules after reset", n)
	}
	if n := len(srv.Emulator.Requests()); n != 0 {
		t.Fatalf("%d log entries after reset", n)
	}
	// Settings are back to the options (delay 0) and ids start again at 1.
	if id := c.create(trino()); id != "1" || c.status(id) != "enabled" {
		t.Fatalf("after reset: id %s status %s", id, c.status(id))
	}
}

func TestGoControls(t *testing.T) {
	srv, c := start(t, 0)
	e := srv.Emulator
	id := c.create(snowflake("a.snowflakecomputing.com", true))
	rec, ok := e.Integration(id)
	if !ok || rec.ID != id || rec.Type != "Snowflake" || !rec.AutoBootstrap || rec.Status != "enabled" ||
		rec.Config["password"] != "sf-secret-pw" || rec.ValidationResults.Status != "passed" {
		t.Fatalf("Integration: %+v", rec)
	}
	// The record is a copy: changing it changes nothing stored.
	rec.Config["password"] = "mutated"
	if again, _ := e.Integration(id); again.Config["password"] != "sf-secret-pw" {
		t.Fatal("Integration returned shared state")
	}
	if _, ok := e.Integration("99"); ok {
		t.Fatal("Integration(99) found something")
	}
	e.SetTransitionDelay(time.Hour)
	id2 := c.create(snowflake("b.snowflakecomputing.com", false))
	if all := e.Integrations(); len(all) != 2 || all[1].Status != "creating" {
		t.Fatalf("Integrations: %+v", all)
	}
	e.ClearFaults()
	e.ClearRequests()
	if len(e.Requests()) != 0 {
		t.Fatal("ClearRequests kept entries")
	}
	if err := e.Vanish(id2); err != nil {
		t.Fatal(err)
	}
	e.Reset()
	if len(e.Integrations()) != 0 {
		t.Fatal("Reset kept integrations")
	}
}

func TestLoadSeed(t *testing.T) {
	srv, c := start(t, time.Hour)
	seed := `[
		{"type":"Snowflake","autoBootstrap":false,"config":{"host":"seed.snowflakecomputing.com","warehouse":"W","database":"D",
			"authenticationType":"userPassword","username":"u","password":"seed-pw"}},
		{"type":"Trino"}
	]`
	if err := srv.Emulator.LoadSeed(strings.NewReader(seed)); err != nil {
		t.Fatal(err)
	}
	r := c.do("GET", "/integrations/1", nil)
	if r.str("status") != "enabled" || r.str("config.port") != "" || at(r.obj(), "config.port") != 443.0 ||
		r.str("config.password") != "[REDACTED]" || r.str("validationResults.status") != "passed" {
		t.Fatalf("seeded Snowflake: %s", r.raw)
	}
	if c.do("GET", "/integrations/2", nil).str("config.apiKey") == "" {
		t.Fatal("seeded Trino has no apiKey")
	}

	bad := []struct{ seed, err string }{
		{`{}`, "seed: want a JSON array of integration objects (as GET /integrations answers) or of POST payloads"},
		{`[{"type":"Snowflake"}]`, `seed[0]: Invalid request payload: "autoBootstrap" is required.`},
		{`[{"type":"Trino"}]`, "seed[0]: Trino integration already exists on Starburst (id = 2)."},
		{`[{"type":"Google BigQuery","autoBootstrap":false,"config":{"role":"r","datasetSuffix":"_s","location":"US","credential":"c"}},
		  {"type":"Google BigQuery","autoBootstrap":false,"config":{"role":"r","datasetSuffix":"_t","location":"US","credential":"c"}}]`,
			"seed[1]: Google BigQuery integration already exists on immuta/US (id = 3)."},
	}
	for _, b := range bad {
		err := srv.Emulator.LoadSeed(strings.NewReader(b.seed))
		if err == nil || !strings.HasPrefix(err.Error(), b.err) {
			t.Fatalf("seed %s: error %v, want %q", b.seed, err, b.err)
		}
	}
	if n := len(srv.Emulator.Integrations()); n != 2 {
		t.Fatalf("a failed seed created integrations: %d", n)
	}
}

// The control types are the JSON of IMMUTA_API.md, Control surface; other packages encode them to
// drive the HTTP surface.
func TestControlTypesJSON(t *testing.T) {
	// One rule per kind of fault, between them every field: a status answered unhandled, and a
	// handled request whose transition ends in an error and whose answer is dropped.
	for rule, want := range map[*FaultRule]string{
		{Method: "PUT", Path: "/integrations/7", Times: 1, Action: FaultAction{
			Hang: 2 * time.Second, Fault: Respond{Status: 429, RetryAfter: 2, Message: "m"},
		}}: `{"method":"PUT","path":"/integrations/7","times":1,"action":{"status":429,"retryAfter":2,"message":"m","hang":"2s"}}`,
		{Method: "PUT", Path: "/integrations/7", Times: 1, Action: FaultAction{
			Fault:   Handle{Outcome: "editError", Validation: []ValidationTest{{Name: "n", Status: "failed", Message: "x"}}},
			Deliver: DropAnswer{},
		}}: `{"method":"PUT","path":"/integrations/7","times":1,"action":` +
			`{"validation":[{"name":"n","status":"failed","message":"x"}],"outcome":"editError","drop":"after"}}`,
	} {
		b, err := json.Marshal(rule)
		if err != nil {
			t.Fatal(err)
		}
		if string(b) != want {
			t.Fatalf("FaultRule JSON:\n got %s\nwant %s", b, want)
		}
		var back FaultRule
		if err := json.Unmarshal(b, &back); err != nil || !reflect.DeepEqual(back, *rule) {
			t.Fatalf("round trip: %+v %v", back, err)
		}
	}
	// Their fields in one rule mix two kinds, which no FaultAction holds: decoding refuses it.
	mixed := `{"action":{"status":429,"retryAfter":2,"message":"m","validation":[{"name":"n","status":"failed","message":"x"}],` +
		`"outcome":"editError","drop":"after","hang":"2s"}}`
	if err := json.Unmarshal([]byte(mixed), new(FaultRule)); err == nil || !strings.Contains(err.Error(), "cannot go with validation or outcome") {
		t.Fatalf("a rule mixing kinds decoded: %v", err)
	}
	var dflt FaultRule
	if err := json.Unmarshal([]byte(`{"action":{"status":500}}`), &dflt); err != nil || dflt.Times != 1 {
		t.Fatalf("omitted times: %+v %v", dflt, err)
	}

	fs := ForcedStatus{Status: "migrating", For: 5 * time.Second, Then: "enabled"}
	b, _ := json.Marshal(fs)
	if string(b) != `{"status":"migrating","for":"5s","then":"enabled"}` {
		t.Fatalf("ForcedStatus JSON: %s", b)
	}
	var fsBack ForcedStatus
	if err := json.Unmarshal(b, &fsBack); err != nil || !reflect.DeepEqual(fsBack, fs) {
		t.Fatalf("round trip: %+v %v", fsBack, err)
	}
	if err := json.Unmarshal([]byte(`{"status":"enabled","for":"-1s"}`), &fsBack); err == nil {
		t.Fatal("negative duration accepted")
	}

	b, _ = json.Marshal(LoggedRequest{Method: "GET", Path: "/integrations", Status: 200, Body: json.RawMessage("null")})
	if string(b) != `{"method":"GET","path":"/integrations","status":200,"body":null}` {
		t.Fatalf("LoggedRequest JSON: %s", b)
	}
}
