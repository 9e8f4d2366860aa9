// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"
)

// The fault actions that change what an answer looks like: body, answerBody, override,
// validationRepeat, trickle.

// expectRaw asserts an answer's status, exact body and exact Content-Type.
func expectRaw(t *testing.T, r result, status int, body, contentType string) {
	t.Helper()
	if r.status != status || r.raw != body || r.header.Get("Content-Type") != contentType {
		t.Fatalf("got %d %q (Content-Type %q), want %d %q (%q)", r.status, r.raw, r.header.Get("Content-Type"),
			status, body, contentType)
	}
}

// expectLog asserts the statuses of the request log, oldest first.
func expectLog(t *testing.T, e *Emulator, statuses ...int) {
	t.Helper()
	log := e.Requests()
	got := make([]int, len(log))
	for i, r := range log {
		got[i] = r.Status
	}
	if !reflect.DeepEqual(got, statuses) {
		t.Fatalf("logged statuses %v, want %v", got, statuses)
	}
}

// A status with a body answers that body as it is, like a proxy's page, and handles nothing.
func TestFaultBody(t *testing.T) {
	srv, c := start(t, 0)
	id := c.create(snowflake("a.snowflakecomputing.com", false))
	srv.Emulator.ClearRequests()

	const page = "<html><body><h1>404 Not Found</h1>nginx</body></html>"
	addFault(t, c, `{"method":"GET","path":"/integrations/*","action":{"status":404,"body":"`+page+`","contentType":"text/html"}}`)
	expectRaw(t, c.doRaw("GET", "/integrations/"+id, nil), 404, page, "text/html")
	expectStatus(t, c.do("GET", "/integrations/"+id, nil), 200)

	// A 2xx body is answered without handling: the POST creates nothing.
	addFault(t, c, `{"method":"POST","path":"/integrations","action":{"status":200,"body":"<html>Welcome</html>","contentType":"text/html; charset=iso-8859-1"}}`)
	expectRaw(t, c.doRaw("POST", "/integrations", snowflake("b.snowflakecomputing.com", false)), 200,
		"<html>Welcome</html>", "text/html; charset=iso-8859-1")
	if n := len(srv.Emulator.Integrations()); n != 1 {
		t.Fatalf("a body fault handled the POST: %d integrations", n)
	}

	// contentType defaults to application/json; an empty body is answered empty; retryAfter goes along,
	// however large.
	addFault(t, c, `{"path":"/integrations","action":{"status":503,"retryAfter":86400,"body":"{\"statusCode\":5"}}`)
	r := c.doRaw("GET", "/integrations", nil)
	expectRaw(t, r, 503, `{"statusCode":5`, "application/json")
	if r.header.Get("Retry-After") != "86400" {
		t.Fatalf("Retry-After %q", r.header.Get("Retry-After"))
	}
	addFault(t, c, `{"path":"/integrations","action":{"status":502,"body":""}}`)
	r = c.doRaw("GET", "/integrations", nil)
	expectRaw(t, r, 502, "", "application/json")
	if r.header.Get("Content-Length") != "0" {
		t.Fatalf("Content-Length %q", r.header.Get("Content-Length"))
	}

	// The Go form.
	srv.Emulator.AddFault(FaultRule{Times: 1, Action: FaultAction{Fault: RespondBody{Status: 403, Body: "Forbidden by policy", ContentType: "text/plain"}}})
	expectRaw(t, c.doRaw("DELETE", "/integrations/"+id, nil), 403, "Forbidden by policy", "text/plain")
	if c.status(id) != "enabled" {
		t.Fatal("a body fault handled the DELETE")
	}

	expectLog(t, srv.Emulator, 404, 200, 200, 503, 502, 403, 200)
}

// answerBody replaces the answer of a request that was handled: the change happens, the client cannot
// read about it.
func TestFaultAnswerBody(t *testing.T) {
	srv, c := start(t, 0)

	// Truncated JSON after a POST (answerContentType defaults to application/json): created anyway.
	addFault(t, c, `{"method":"POST","path":"/integrations","action":{"answerBody":"{\"id\":\"1\",\"sta"}}`)
	expectRaw(t, c.doRaw("POST", "/integrations", snowflake("a.snowflakecomputing.com", true)), 200, `{"id":"1","sta`, "application/json")
	recs := srv.Emulator.Integrations()
	if len(recs) != 1 || recs[0].Config["host"] != "a.snowflakecomputing.com" {
		t.Fatalf("the POST was not handled: %+v", recs)
	}
	id := recs[0].ID
	expectError(t, c.do("POST", "/integrations", snowflake("a.snowflakecomputing.com", true)), 409,
		"Snowflake integration already exists on a.snowflakecomputing.com (id = 1).")

	// A proxy's HTML 200 after a PUT: edited anyway.
	c.waitStatus(id, "enabled")
	addFault(t, c, `{"method":"PUT","action":{"answerBody":"<html>Login</html>","answerContentType":"text/html"}}`)
	edited := with(snowflake("a.snowflakecomputing.com", true), func(c map[string]any) { c["warehouse"] = "OTHER" })
	expectRaw(t, c.doRaw("PUT", "/integrations/"+id, edited), 200, "<html>Login</html>", "text/html")
	if rec, _ := srv.Emulator.Integration(id); rec.Config["warehouse"] != "OTHER" {
		t.Fatalf("the PUT was not handled: %+v", rec)
	}

	// Odd field types on a GET; the status is the handler's, also for an error.
	addFault(t, c, `{"method":"GET","action":{"answerBody":"{\"id\":7,\"status\":[\"enabled\"],\"config\":\"x\"}"}}`)
	expectRaw(t, c.doRaw("GET", "/integrations/"+id, nil), 200, `{"id":7,"status":["enabled"],"config":"x"}`, "application/json")
	addFault(t, c, `{"method":"GET","action":{"answerBody":"oops","answerContentType":"text/plain"}}`)
	expectRaw(t, c.doRaw("GET", "/integrations/404", nil), 404, "oops", "text/plain")

	// An empty answer to a DELETE (Go form): deleted anyway.
	srv.Emulator.AddFault(FaultRule{Method: "DELETE", Times: 1, Action: FaultAction{Fault: Handle{Answer: ReplaceAnswer{Body: ""}}}})
	expectRaw(t, c.doRaw("DELETE", "/integrations/"+id, snowflakeCreds()), 200, "", "application/json")
	c.waitStatus(id, "404")

	expectLog(t, srv.Emulator, 200, 409, 200, 200, 200, 404, 200, 404)
	// The log masks secrets as always, whatever the answer.
	if raw := c.do("GET", "/_emulator/requests", nil).raw; strings.Contains(raw, "sf-secret-pw") {
		t.Fatalf("the log leaks a secret: %s", raw)
	}
}

// override changes fields of a handled request's successful answer; the stored state is the handler's.
func TestFaultOverride(t *testing.T) {
	srv, c := start(t, time.Hour)

	// POST: the change happens, the answer names another id.
	addFault(t, c, `{"method":"POST","path":"/integrations","action":{"override":{"id":"999"}}}`)
	r := c.do("POST", "/integrations", snowflake("a.snowflakecomputing.com", false))
	if r.str("id") != "999" || r.str("status") != "creating" || r.str("config.host") != "a.snowflakecomputing.com" {
		t.Fatalf("overridden POST answer: %s", r.raw)
	}
	id := "1"
	if rec, ok := srv.Emulator.Integration(id); !ok || rec.Status != "creating" {
		t.Fatalf("the POST was not handled: %+v", rec)
	}

	// GET: null removes a key; the other keys keep their order and their text.
	plain := c.doRaw("GET", "/integrations/"+id, nil).raw
	addFault(t, c, `{"method":"GET","path":"/integrations/`+id+`","action":{"override":{"id":null}}}`)
	if got, want := c.doRaw("GET", "/integrations/"+id, nil).raw, strings.Replace(plain, `"id":"1",`, "", 1); got != want || got == plain {
		t.Fatalf("id removed:\n got %s\nwant %s", got, want)
	}
	addFault(t, c, `{"method":"GET","path":"/integrations/`+id+`","action":{"override":{"config":null}}}`)
	if r := c.do("GET", "/integrations/"+id, nil); r.obj()["config"] != nil || r.str("id") != id {
		t.Fatalf("config removed: %s", r.raw)
	}
	// Keys that were not there are added at the end, numbers as written.
	addFault(t, c, `{"method":"GET","path":"/integrations/`+id+`","action":{"override":{"status":"enabled","zz":1.50,"aa":{"x":[1]}}}}`)
	want := strings.Replace(strings.TrimSuffix(plain, "}"), `"status":"creating"`, `"status":"enabled"`, 1) + `,"aa":{"x":[1]},"zz":1.50}`
	if got := c.doRaw("GET", "/integrations/"+id, nil).raw; got != want {
		t.Fatalf("status replaced, keys added:\n got %s\nwant %s", got, want)
	}

	// /status says enabled while the integration is still creating.
	addFault(t, c, `{"path":"/integrations/`+id+`/status","action":{"override":{"status":"enabled"}}}`)
	if got := c.status(id); got != "enabled" {
		t.Fatalf("overridden status %q", got)
	}
	if got := c.status(id); got != "creating" {
		t.Fatalf("stored status %q", got)
	}

	// PUT and DELETE: handled, answered as overridden.
	srv.Emulator.SetTransitionDelay(0)
	if err := srv.Emulator.ForceStatus(id, ForcedStatus{Status: "enabled"}); err != nil {
		t.Fatal(err)
	}
	addFault(t, c, `{"method":"PUT","action":{"override":{"status":"enabled","config":{}}}}`)
	edited := with(snowflake("a.snowflakecomputing.com", false), func(c map[string]any) { c["warehouse"] = "OTHER" })
	r = c.do("PUT", "/integrations/"+id, edited)
	if r.str("status") != "enabled" || len(r.obj()["config"].(map[string]any)) != 0 {
		t.Fatalf("overridden PUT answer: %s", r.raw)
	}
	if rec, _ := srv.Emulator.Integration(id); rec.Config["warehouse"] != "OTHER" {
		t.Fatalf("the PUT was not handled: %+v", rec)
	}
	c.waitStatus(id, "enabled")
	srv.Emulator.AddFault(FaultRule{Method: "DELETE", Times: 1, Action: FaultAction{Fault: Handle{Answer: OverrideAnswer{"status": "enabled", "id": 7}}}})
	r = c.do("DELETE", "/integrations/"+id, nil)
	if r.str("status") != "enabled" || r.obj()["id"] != 7.0 {
		t.Fatalf("overridden DELETE answer: %s", r.raw)
	}
	c.waitStatus(id, "404")

	// regenerate: the key rotates, the answer carries another.
	tid := c.create(trino())
	c.waitStatus(tid, "enabled")
	before, _ := srv.Emulator.Integration(tid)
	addFault(t, c, `{"path":"/integrations/`+tid+`/regenerate","action":{"override":{"config":{"apiKey":12345}}}}`)
	r = c.do("POST", "/integrations/"+tid+"/regenerate", nil)
	if at(r.obj(), "config.apiKey") != 12345.0 {
		t.Fatalf("overridden regenerate answer: %s", r.raw)
	}
	if after, _ := srv.Emulator.Integration(tid); after.Config["apiKey"] == before.Config["apiKey"] {
		t.Fatal("regenerate was not handled")
	}

	// The list: every element.
	c.create(snowflake("b.snowflakecomputing.com", false))
	addFault(t, c, `{"method":"GET","path":"/integrations","action":{"override":{"status":"migrating"}}}`)
	items := c.do("GET", "/integrations", nil).body.([]any)
	if len(items) != 2 || at(items[0], "status") != "migrating" || at(items[1], "status") != "migrating" {
		t.Fatalf("overridden list: %v", items)
	}

	// Error answers and scripts are left as they are (and the rule is used up).
	addFault(t, c, `{"method":"GET","path":"/integrations/404","action":{"override":{"status":"enabled"}}}`)
	r = c.do("GET", "/integrations/404", nil)
	expectError(t, r, 404, "No Integration found with ID 404.")
	if _, ok := r.obj()["status"]; ok {
		t.Fatalf("error overridden: %s", r.raw)
	}
	addFault(t, c, `{"path":"/integrations/scripts/create","action":{"override":{"status":"enabled"}}}`)
	if r := c.doRaw("POST", "/integrations/scripts/create", snowflake("c.snowflakecomputing.com", false)); r.status != 200 ||
		strings.Contains(r.raw, "enabled") || !strings.HasPrefix(r.header.Get("Content-Type"), "text/plain") {
		t.Fatalf("script overridden: %d %s", r.status, r.raw)
	}
	if rules := c.do("GET", "/_emulator/faults", nil).body.([]any); len(rules) != 0 {
		t.Fatalf("rules left: %v", rules)
	}
}

func TestOverrideJSON(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`{"a":1,"b":"x","c":null}`, `{"a":1,"b":2,"c":null,"d":true}`},
		{`{"b":{"deep":1}}`, `{"b":2,"d":true}`},
		{`[{"a":1},3,{"b":1,"z":0}]`, `[{"a":1,"b":2,"d":true},3,{"b":2,"z":0,"d":true}]`},
		{`{}`, `{"b":2,"d":true}`},
		{`{"a":1}`, `{"a":1,"b":2,"d":true}`},
		{`"text"`, `"text"`},
		{``, ``},
	} {
		got, err := overrideJSON([]byte(tc.in), map[string]any{"a": nil, "b": json.Number("2"), "d": true, "e": nil})
		// "a" is deleted where present; "e" (absent, null) is never added.
		want := strings.Replace(tc.want, `"a":1,`, "", 1)
		if err != nil || string(got) != want {
			t.Fatalf("%s: got %s %v, want %s", tc.in, got, err, want)
		}
	}
	if _, err := overrideJSON([]byte(`{"a":`), map[string]any{"a": 1}); err == nil {
		t.Fatal("bad JSON merged")
	}
}

// validationRepeat makes a long list of tests, in the 422 and in an outcome's results.
func TestFaultValidationRepeat(t *testing.T) {
	srv, c := start(t, 0)
	addFault(t, c, `{"method":"POST","action":{"validationRepeat":3,"validation":[`+
		`{"name":"Initial Validation: Basic Connection Test","message":"down"},`+
		`{"name":"Validate Automatic Bootstrap User Grants","status":"warning","message":"grants"}]}}`)
	r := c.do("POST", "/integrations", snowflake("a.snowflakecomputing.com", false))
	expectError(t, r, 422, msgCreateValidation)
	var names, statuses []string
	for _, vt := range at(r.obj(), "validationResults.validationTests").([]any) {
		names = append(names, at(vt, "name").(string))
		statuses = append(statuses, at(vt, "status").(string))
	}
	wantNames := []string{
		"Initial Validation: Basic Connection Test #1", "Validate Automatic Bootstrap User Grants #1",
		"Initial Validation: Basic Connection Test #2", "Validate Automatic Bootstrap User Grants #2",
		"Initial Validation: Basic Connection Test #3", "Validate Automatic Bootstrap User Grants #3",
	}
	if !reflect.DeepEqual(names, wantNames) || statuses[0] != "failed" || statuses[5] != "warning" ||
		r.str("validationResults.status") != "failed" {
		t.Fatalf("repeated tests: %v %v", names, statuses)
	}
	if len(srv.Emulator.Integrations()) != 0 {
		t.Fatal("a 422 created the integration")
	}

	// Tens of thousands of failed tests, as the end of a create.
	const n = 50000
	srv.Emulator.AddFault(FaultRule{Method: "POST", Times: 1, Action: FaultAction{Fault: Handle{Outcome: "createError", Validation: []ValidationTest{{Name: "Initial Validation: Default Warehouse Access Test", Message: "No access."}}, ValidationRepeat: n}}})
	id := c.create(snowflake("a.snowflakecomputing.com", false))
	r = c.do("GET", "/integrations/"+id+"/status", nil)
	tests := at(r.obj(), "validationResults.validationTests").([]any)
	if r.str("status") != "createError" || len(tests) != n ||
		at(tests[n-1], "name") != fmt.Sprintf("Initial Validation: Default Warehouse Access Test #%d", n) ||
		at(tests[n-1], "status") != "failed" || at(tests[n-1], "message") != "No access." {
		t.Fatalf("status %q, %d tests, last %v", r.str("status"), len(tests), tests[len(tests)-1])
	}
}

// trickle writes the answer one byte at a time.
func TestFaultTrickle(t *testing.T) {
	srv, c := start(t, 0)

	// A status fault's body, trickled: the headers come at once, the bytes one by one.
	const pause = 20 * time.Millisecond
	const body = "unavailable"
	addFault(t, c, `{"action":{"status":503,"body":"`+body+`","contentType":"text/plain","trickle":"20ms"}}`)
	req, _ := http.NewRequest("GET", c.base+"/integrations", nil)
	req.Header.Set("Authorization", adminKey)
	began := time.Now()
	resp, err := c.hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	headers := time.Now()
	var got []byte
	reads := 0
	buf := make([]byte, 64)
	for {
		n, err := resp.Body.Read(buf)
		if n > 0 {
			reads++
			got = append(got, buf[:n]...)
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	last := time.Now()
	_ = resp.Body.Close()
	if resp.StatusCode != 503 || string(got) != body || resp.Header.Get("Content-Type") != "text/plain" {
		t.Fatalf("trickled answer %d %q %q", resp.StatusCode, got, resp.Header.Get("Content-Type"))
	}
	if reads < 3 || last.Sub(began) < time.Duration(len(body))*pause || last.Sub(headers) < time.Duration(len(body)-3)*pause {
		t.Fatalf("%d reads; headers after %v, body after %v: not trickled", reads, headers.Sub(began), last.Sub(began))
	}

	// The error envelope, trickled, with its Retry-After.
	addFault(t, c, `{"action":{"status":429,"retryAfter":3,"trickle":"1ms"}}`)
	r := c.do("GET", "/integrations", nil)
	expectError(t, r, 429, "Too Many Requests")
	if r.header.Get("Retry-After") != "3" {
		t.Fatalf("Retry-After %q", r.header.Get("Retry-After"))
	}

	// A handled request, trickled (Go form), with its answer changed.
	srv.Emulator.AddFault(FaultRule{Method: "POST", Times: 1, Action: FaultAction{Fault: Handle{Answer: OverrideAnswer{"id": "42"}}, Deliver: Trickle(time.Millisecond)}})
	r = c.do("POST", "/integrations", trino())
	if r.status != 200 || r.str("id") != "42" || r.str("type") != "Trino" || len(srv.Emulator.Integrations()) != 1 {
		t.Fatalf("trickled POST: %s", r.raw)
	}
	expectLog(t, srv.Emulator, 503, 429, 200)
}

// A trickling answer stops when the client goes away.
func TestFaultTrickleClientGone(t *testing.T) {
	e := New(Options{APIKey: adminKey})
	done := make(chan struct{}, 1)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		e.ServeHTTP(w, r)
		if r.URL.Path == "/integrations" && r.Method == http.MethodGet {
			done <- struct{}{}
		}
	}))
	t.Cleanup(ts.Close)
	// A pause so long that only the client's going away can end the answer in time.
	e.AddFault(FaultRule{Method: "GET", Times: 1, Action: FaultAction{Fault: RespondBody{Status: 502, Body: strings.Repeat("x", 1000)}, Deliver: Trickle(time.Minute)}})

	ctx, cancel := context.WithCancel(t.Context())
	req, _ := http.NewRequestWithContext(ctx, "GET", ts.URL+"/integrations", nil)
	req.Header.Set("Authorization", adminKey)
	resp, err := ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 502 || resp.Header.Get("Content-Length") != "1000" {
		t.Fatalf("headers: %d %v", resp.StatusCode, resp.Header)
	}
	cancel()
	_ = resp.Body.Close()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("the trickle went on after the client went away")
	}
}

// The control surface takes the new actions and gives them back as they were given.
func TestFaultAnswerActionsControl(t *testing.T) {
	_, c := start(t, 0)
	accepted := []string{
		`{"status":404,"body":"<html></html>","contentType":"text/html"}`,
		`{"status":200,"body":"<html></html>","contentType":"text/html"}`,
		`{"status":502,"body":""}`,
		`{"status":503,"retryAfter":86400}`,
		`{"status":503,"retryAfter":86400,"body":"busy","trickle":"200ms"}`,
		`{"answerBody":"{\"id\":"}`,
		`{"answerBody":"<html></html>","answerContentType":"text/html","outcome":"createError"}`,
		`{"override":{"id":"999"}}`,
		`{"override":{"id":null,"config":null}}`,
		`{"override":{"status":"enabled"},"outcome":"editError","validation":[{"name":"t","status":"failed"}],"validationRepeat":2}`,
		`{"validation":[{"name":"t","status":"failed"}],"validationRepeat":100000}`,
		`{"validation":[{"name":"t","status":"failed"}],"validationRepeat":1,"message":"m"}`,
		`{"trickle":"200ms"}`,
		`{"trickle":"1ms","hang":"1ms","answerBody":""}`,
		`{"drop":"after","outcome":"createError"}`,
		`{"drop":"before","hang":"1s"}`,
	}
	for _, a := range accepted {
		addFault(t, c, `{"method":"HEAD","action":`+a+`}`)
	}
	rules := c.do("GET", "/_emulator/faults", nil).body.([]any)
	if len(rules) != len(accepted) {
		t.Fatalf("%d rules kept, want %d", len(rules), len(accepted))
	}
	for i, a := range accepted {
		var want, got any
		_ = json.Unmarshal([]byte(a), &want)
		b, _ := json.Marshal(at(rules[i], "action"))
		_ = json.Unmarshal(b, &got)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("rule %d: gave %s, got back %s", i, a, b)
		}
	}

	rejected := map[string]string{
		`{"body":"x"}`: "body needs status",
		`{"status":500,"contentType":"text/html"}`:                "contentType needs body",
		`{"status":204,"body":"x"}`:                               "status 204 has no body",
		`{"status":500,"body":"x","message":"m"}`:                 "message goes in the error envelope",
		`{"retryAfter":5,"outcome":"createError"}`:                "retryAfter needs status",
		`{"message":"m","outcome":"createError"}`:                 "message needs status",
		`{"status":500,"outcome":"createError"}`:                  "cannot go with validation or outcome",
		`{"status":500,"validation":[{"name":"t"}]}`:              "cannot go with validation or outcome",
		`{"status":200,"answerBody":"x"}`:                         "answerBody replaces the answer of a handled request",
		`{"status":200,"override":{"id":"1"}}`:                    "override changes the answer of a handled request",
		`{}`:                                                      "action does nothing",
		`{"answerContentType":"text/html"}`:                       "answerContentType needs answerBody",
		`{"answerBody":"x","override":{"id":"1"}}`:                "answerBody replaces the whole answer",
		`{"validation":[{"name":"t"}],"answerBody":"x"}`:          "validation without outcome answers a 422",
		`{"validation":[{"name":"t"}],"override":{"a":1}}`:        "override changes successful answers",
		`{"override":{}}`:                                         "override names no key",
		`{"override":[1]}`:                                        "override must be a JSON object",
		`{"validationRepeat":2,"outcome":"createError"}`:          "validationRepeat needs validation",
		`{"validationRepeat":100001,"validation":[{"name":"t"}]}`: "validationRepeat must be from 1 to 100000",
		`{"validationRepeat":-1,"validation":[{"name":"t"}]}`:     "validationRepeat must be from 1 to 100000",
		`{"validationRepeat":100000,"validation":[` + strings.Repeat(`{"name":"t"},`, 10) + `{"name":"u"}]}`: "more than 1000000 tests",
		`{"trickle":"fast"}`:                             "trickle",
		`{"trickle":"-1s"}`:                              "must not be negative",
		`{"drop":"before","status":500}`:                 `drop "before"`,
		`{"drop":"before","trickle":"1s"}`:               `drop "before"`,
		`{"drop":"after","trickle":"1s"}`:                `drop "after"`,
		`{"drop":"after","override":{"id":"1"}}`:         `drop "after"`,
		`{"drop":"after","status":500}`:                  `drop "after"`,
		`{"status":500,"body":"x","contentType":"a\nb"}`: "contentType must not contain control characters",
	}
	for a, msg := range rejected {
		r := c.do("POST", "/_emulator/faults", `{"action":`+a+`}`)
		if r.status != 400 || !strings.Contains(r.msg(), msg) {
			t.Fatalf("action %s: %d %q, want 400 with %q", a, r.status, r.msg(), msg)
		}
	}
	if n := len(c.do("GET", "/_emulator/faults", nil).body.([]any)); n != len(accepted) {
		t.Fatalf("rejected rules were kept: %d", n)
	}
}

// The new fields in Go and JSON.
func TestFaultActionJSON(t *testing.T) {
	a := FaultAction{Fault: RespondBody{Status: 404, RetryAfter: 86400, Body: "<html>", ContentType: "text/html"},
		Deliver: Trickle(200 * time.Millisecond)}
	b, err := json.Marshal(a)
	if want := `{"status":404,"retryAfter":86400,"body":"\u003chtml\u003e","contentType":"text/html","trickle":"200ms"}`; err != nil || string(b) != want {
		t.Fatalf("got %s %v, want %s", b, err, want)
	}
	var back FaultAction
	if err := json.Unmarshal(b, &back); err != nil || !reflect.DeepEqual(back, a) {
		t.Fatalf("round trip: %+v %v", back, err)
	}

	a = FaultAction{Fault: Handle{Outcome: "createError", Validation: []ValidationTest{{Name: "n"}}, ValidationRepeat: 2,
		Answer: ReplaceAnswer{Body: "", ContentType: "text/plain"}}}
	b, _ = json.Marshal(a)
	if want := `{"validation":[{"name":"n","status":""}],"validationRepeat":2,"outcome":"createError","answerBody":"","answerContentType":"text/plain"}`; string(b) != want {
		t.Fatalf("got %s, want %s", b, want)
	}
	back = FaultAction{}
	if err := json.Unmarshal(b, &back); err != nil || !reflect.DeepEqual(back, a) {
		t.Fatalf("round trip: %+v %v", back, err)
	}

	// Override numbers keep their text; null stays a key that removes.
	if err := json.Unmarshal([]byte(`{"override":{"id":12345678901234567890,"config":null}}`), &back); err != nil {
		t.Fatal(err)
	}
	override := back.Fault.(Handle).Answer
	if want := (OverrideAnswer{"id": json.Number("12345678901234567890"), "config": nil}); !reflect.DeepEqual(override, want) {
		t.Fatalf("override %#v", override)
	}
	b, _ = json.Marshal(back)
	if want := `{"override":{"config":null,"id":12345678901234567890}}`; string(b) != want {
		t.Fatalf("got %s, want %s", b, want)
	}
}
