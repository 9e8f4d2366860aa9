// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
)

// addFault posts a rule over the control surface and returns its id.
func addFault(t *testing.T, c *client, rule string) string {
	t.Helper()
	r := c.do("POST", "/_emulator/faults", rule)
	expectStatus(t, r, 200)
	id := r.str("id")
	if id == "" {
		t.Fatalf("no rule id: %s", r.raw)
	}
	return id
}

func TestFaultStatusActions(t *testing.T) {
	_, c := start(t, 0)
	addFault(t, c, `{"method":"GET","path":"/integrations","action":{"status":429,"retryAfter":2}}`)
	r := c.do("GET", "/integrations", nil)
	expectError(t, r, 429, "Too Many Requests")
	if got := r.header.Get("Retry-After"); got != "2" {
		t.Fatalf("Retry-After %q, want 2", got)
	}
	// times defaults to 1: the next call is normal.
	r = c.do("GET", "/integrations", nil)
	expectStatus(t, r, 200)
	if r.header.Get("Retry-After") != "" {
		t.Fatal("Retry-After on a normal answer")
	}

	addFault(t, c, `{"path":"/integrations","times":2,"action":{"status":503}}`)
	expectError(t, c.do("GET", "/integrations", nil), 503, "Service Unavailable")
	expectError(t, c.do("POST", "/integrations", trino()), 503, "Service Unavailable")
	expectStatus(t, c.do("GET", "/integrations", nil), 200)
	if n := len(c.do("GET", "/integrations", nil).body.([]any)); n != 0 {
		t.Fatalf("a faulted POST created something: %d", n)
	}

	// Databricks' documented processing error, as a status action with a message.
	addFault(t, c, `{"method":"POST","path":"/integrations","action":{"status":422,"message":"Processing Error: Error trying to get the current metastore info."}}`)
	expectError(t, c.do("POST", "/integrations", databricks("d.example")), 422, "Processing Error: Error trying to get the current metastore info.")
	expectStatus(t, c.do("POST", "/integrations", databricks("d.example")), 200)
}

func TestFaultMatching(t *testing.T) {
	_, c := start(t, 0)
	id := c.create(snowflake("a.snowflakecomputing.com", false))

	// Prefix paths, method filters, first matching rule wins, times 0 is forever.
	addFault(t, c, `{"method":"PUT","path":"/integrations/*","times":1,"action":{"status":500,"message":"first"}}`)
	addFault(t, c, `{"path":"/integrations/`+id+`/*","times":0,"action":{"status":502,"message":"forever"}}`)
	addFault(t, c, `{"method":"put","path":"/integrations/`+id+`","times":1,"action":{"status":504,"message":"third"}}`)

	expectStatus(t, c.do("GET", "/integrations/"+id, nil), 200) // GET /integrations/1 is not under /integrations/1/
	expectError(t, c.do("PUT", "/integrations/"+id, snowflake("a.snowflakecomputing.com", false)), 500, "first")
	expectError(t, c.do("PUT", "/integrations/"+id, snowflake("a.snowflakecomputing.com", false)), 504, "third")
	expectStatus(t, c.do("PUT", "/integrations/"+id, snowflake("a.snowflakecomputing.com", false)), 200)
	for range 3 {
		expectError(t, c.do("GET", "/integrations/"+id+"/status", nil), 502, "forever")
	}
	list := c.do("GET", "/_emulator/faults", nil)
	if items := list.body.([]any); len(items) != 1 || at(items[0], "times") != 0.0 || at(items[0], "action.message") != "forever" {
		t.Fatalf("remaining rules: %s", list.raw)
	}
	expectStatus(t, c.do("DELETE", "/_emulator/faults", nil), 200)
	expectStatus(t, c.do("GET", "/integrations/"+id+"/status", nil), 200)

	// Faults never touch control calls, and bad-key requests do not use them up.
	addFault(t, c, `{"action":{"status":500}}`)
	expectStatus(t, c.do("GET", "/_emulator/integrations", nil), 200)
	bad := &client{t: t, base: c.base, key: "wrong", hc: c.hc}
	expectError(t, bad.do("GET", "/integrations", nil), 401, "Invalid API key.")
	expectError(t, c.do("GET", "/integrations", nil), 500, "Internal Server Error")
}

func TestFaultValidation(t *testing.T) {
	srv, c := start(t, 0)
	tests := `[{"name":"Initial Validation: Default Warehouse Access Test","status":"failed","message":"Warehouse COMPUTE_WH does not exist."}]`
	check422 := func(r result, msg string) {
		t.Helper()
		expectError(t, r, 422, msg)
		vt := at(r.obj(), "validationResults.validationTests").([]any)
		if r.str("validationResults.status") != "failed" || len(vt) != 1 || at(vt[0], "message") != "Warehouse COMPUTE_WH does not exist." {
			t.Fatalf("422 body: %s", r.raw)
		}
	}
	p := snowflake("v.snowflakecomputing.com", false)

	// A validation rule skips requests that start no transition (the GET below).
	addFault(t, c, `{"action":{"validation":`+tests+`}}`)
	expectStatus(t, c.do("GET", "/integrations", nil), 200)
	check422(c.do("POST", "/integrations", p), "Validation of prerequisite setup failed. Unable to create integration.")
	if len(srv.Emulator.Integrations()) != 0 {
		t.Fatal("a failed validation created the integration")
	}

	id := c.create(p)
	addFault(t, c, `{"method":"PUT","action":{"validation":`+tests+`}}`)
	edited := with(p, func(c map[string]any) { c["warehouse"] = "OTHER" })
	check422(c.do("PUT", "/integrations/"+id, edited), "Unable to edit integration with ID "+id+", validation failed.")
	if got := c.do("GET", "/integrations/"+id, nil); got.str("config.warehouse") != "COMPUTE_WH" || got.str("status") != "enabled" {
		t.Fatalf("a failed edit changed the integration: %s", got.raw)
	}

	addFault(t, c, `{"method":"DELETE","action":{"validation":`+tests+`}}`)
	check422(c.do("DELETE", "/integrations/"+id, nil), "Unable to delete integration with ID "+id+", validation failed.")
	if c.status(id) != "enabled" {
		t.Fatal("a failed delete changed the status")
	}

	// The message can be overridden.
	addFault(t, c, `{"method":"DELETE","action":{"message":"custom","validation":`+tests+`}}`)
	check422(c.do("DELETE", "/integrations/"+id, nil), "custom")
}

// freshClient opens a new connection per request, so Go's transport never silently retries a request
// whose reused connection was dropped.
func freshClient(c *client) *client {
	return &client{t: c.t, base: c.base, key: c.key, hc: &http.Client{
		Timeout:   5 * time.Second,
		Transport: &http.Transport{DisableKeepAlives: true},
	}}
}

func TestFaultDrop(t *testing.T) {
	srv, c := start(t, 0)
	fc := freshClient(c)

	addFault(t, c, `{"method":"POST","path":"/integrations","action":{"drop":"before"}}`)
	if _, err := fc.try("POST", "/integrations", snowflake("a.snowflakecomputing.com", false)); err == nil {
		t.Fatal("drop before: the client got an answer")
	}
	if n := len(srv.Emulator.Integrations()); n != 0 {
		t.Fatalf("drop before: the request was handled (%d integrations)", n)
	}

	addFault(t, c, `{"method":"POST","path":"/integrations","action":{"drop":"after"}}`)
	if _, err := fc.try("POST", "/integrations", snowflake("a.snowflakecomputing.com", false)); err == nil {
		t.Fatal("drop after: the client got an answer")
	}
	recs := srv.Emulator.Integrations()
	if len(recs) != 1 || recs[0].Config["host"] != "a.snowflakecomputing.com" {
		t.Fatalf("drop after: the change did not happen: %+v", recs)
	}
	// The retry then sees the integration it created.
	expectError(t, c.do("POST", "/integrations", snowflake("a.snowflakecomputing.com", false)), 409,
		"Snowflake integration already exists on a.snowflakecomputing.com (id = 1).")

	log := srv.Emulator.Requests()
	if len(log) != 3 || log[0].Status != 0 || log[1].Status != 200 || log[2].Status != 409 {
		t.Fatalf("log: %+v", log)
	}
}

func TestFaultHang(t *testing.T) {
	srv, c := start(t, 0)
	const hang = 150 * time.Millisecond
	srv.Emulator.AddFault(FaultRule{Method: "GET", Times: 1, Action: FaultAction{Hang: hang}})
	began := time.Now()
	expectStatus(t, c.do("GET", "/integrations", nil), 200)
	if took := time.Since(began); took < hang {
		t.Fatalf("answered after %v, want at least %v", took, hang)
	}

	// A client that gives up does not stop the request from being handled.
	srv.Emulator.AddFault(FaultRule{Method: "POST", Times: 1, Action: FaultAction{Hang: hang}})
	impatient := &client{t: t, base: c.base, key: adminKey, hc: &http.Client{Timeout: 20 * time.Millisecond}}
	if _, err := impatient.try("POST", "/integrations", trino()); err == nil {
		t.Fatal("the impatient client got an answer")
	}
	deadline := time.Now().Add(2 * time.Second)
	for len(srv.Emulator.Integrations()) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the hung request was never handled")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestFaultRuleRejected(t *testing.T) {
	_, c := start(t, 0)
	for _, rule := range []string{
		`{"action":{}}`,
		`{"action":{"drop":"sideways"}}`,
		`{"action":{"outcome":"creating"}}`,
		`{"action":{"status":42}}`,
		`{"action":{"hang":"soon"}}`,
		`{"action":{"status":500},"tims":2}`,
		`{"action":{"validation":[{"status":"failed"}]}}`,
		`{"times":-1,"action":{"status":500}}`,
		`not json`,
	} {
		r := c.do("POST", "/_emulator/faults", rule)
		if r.status != 400 || r.obj()["error"] != "Bad Request" || r.msg() == "" {
			t.Fatalf("rule %s: %d %s", rule, r.status, r.raw)
		}
	}
	if n := len(c.do("GET", "/_emulator/faults", nil).body.([]any)); n != 0 {
		t.Fatalf("%d rejected rules were kept", n)
	}
}

func TestRequestLogMasking(t *testing.T) {
	srv, c := start(t, 0)
	kp := with(snowflake("kp.snowflakecomputing.com", true), func(c map[string]any) {
		delete(c, "password")
		c["authenticationType"] = "keyPair"
		c["privateKey"] = map[string]any{"content": "kp-secret", "userFilename": "rsa.p8"}
		c["privateKeyPassword"] = "kp-pass"
	})
	id := c.create(kp)
	c.do("GET", "/integrations/"+id, nil)
	c.do("DELETE", "/integrations/"+id, map[string]any{"config": map[string]any{"authenticationType": "keyPair",
		"username": "IMMUTA_ADMIN", "privateKey": map[string]any{"content": "kp-secret"}, "privateKeyPassword": "kp-pass", "role": "ACCOUNTADMIN"}})
	c.do("POST", "/integrations", databricks("d.example"))
	c.do("POST", "/integrations", "not json sf-secret-pw")
	bad := &client{t: t, base: c.base, key: "wrong-key", hc: c.hc}
	bad.do("POST", "/integrations", s3("n", "s3://n/"))

	r := c.do("GET", "/_emulator/requests", nil)
	expectStatus(t, r, 200)
	for _, leak := range append(secretValues, adminKey, "wrong-key") {
		if strings.Contains(r.raw, leak) {
			t.Fatalf("request log leaks %q: %s", leak, r.raw)
		}
	}
	log := srv.Emulator.Requests()
	want := []struct {
		method, path string
		status       int
	}{
		{"POST", "/integrations", 200}, {"GET", "/integrations/1", 200}, {"DELETE", "/integrations/1", 200},
		{"POST", "/integrations", 200}, {"POST", "/integrations", 400}, {"POST", "/integrations", 401},
	}
	if len(log) != len(want) {
		t.Fatalf("log has %d entries, want %d: %+v", len(log), len(want), log)
	}
	for i, w := range want {
		if log[i].Method != w.method || log[i].Path != w.path || log[i].Status != w.status {
			t.Fatalf("entry %d = %s %s %d, want %+v", i, log[i].Method, log[i].Path, log[i].Status, w)
		}
	}
	var body map[string]any
	if err := json.Unmarshal(log[0].Body, &body); err != nil {
		t.Fatal(err)
	}
	if at(body, "config.privateKey.content") != "***" || at(body, "config.privateKeyPassword") != "***" ||
		at(body, "config.privateKey.userFilename") != "rsa.p8" || at(body, "config.host") != "kp.snowflakecomputing.com" {
		t.Fatalf("masked body: %s", log[0].Body)
	}
	if string(log[1].Body) != "null" {
		t.Fatalf("GET body logged as %s", log[1].Body)
	}
	if err := json.Unmarshal(log[3].Body, &body); err != nil || at(body, "config.token") != "***" {
		t.Fatalf("databricks body: %s", log[3].Body)
	}

	expectStatus(t, c.do("DELETE", "/_emulator/requests", nil), 200)
	if got := c.do("GET", "/_emulator/requests", nil); strings.TrimSpace(got.raw) != "[]" {
		t.Fatalf("after clearing: %s", got.raw)
	}
}

// A FaultAction holds one kind of fault, so most mixtures cannot be written in Go; what the types still
// let through and cannot mean anything is refused as over JSON.
func TestFaultKindsCheck(t *testing.T) {
	for name, tc := range map[string]struct {
		action FaultAction
		want   string
	}{
		"status answer dropped":  {FaultAction{Fault: Respond{Status: 500}, Deliver: DropAnswer{}}, `drop "after"`},
		"body answer dropped":    {FaultAction{Fault: RespondBody{Status: 500, Body: "x"}, Deliver: DropAnswer{}}, `drop "after"`},
		"changed answer dropped": {FaultAction{Fault: Handle{Answer: ReplaceAnswer{Body: "x"}}, Deliver: DropAnswer{}}, `drop "after"`},
		"dropped and trickled":   {FaultAction{Fault: Drop{}, Deliver: Trickle(time.Second)}, `drop "before"`},
		"refusal without tests":  {FaultAction{Fault: Refuse{Message: "m"}}, "needs validation tests"},
		"results without outcome": {FaultAction{Fault: Handle{Validation: []ValidationTest{{Name: "t"}}}},
			"validation without outcome is a refusal"},
		"nothing": {FaultAction{}, "action does nothing"},
	} {
		r := FaultRule{Action: tc.action}
		if err := r.check(); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want an error with %q", name, err, tc.want)
		}
	}
	for _, ok := range []FaultAction{
		{Fault: Refuse{Validation: []ValidationTest{{Name: "t"}}}, Deliver: DropAnswer{}},
		{Fault: Handle{Outcome: "createError"}, Deliver: DropAnswer{}},
		{Fault: RespondBody{Status: 503, Body: "busy"}, Deliver: Trickle(time.Millisecond)},
		{Hang: time.Second, Fault: Drop{}},
	} {
		r := FaultRule{Action: ok}
		if err := r.check(); err != nil {
			t.Errorf("%+v refused: %v", ok, err)
		}
	}
}
