// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"testing"
)

// A rule with "every" applies to a share of the matching requests: every N-th one.
func TestFaultEvery(t *testing.T) {
	_, c := start(t, 0)

	addFault(t, c, `{"method":"GET","path":"/integrations","times":0,"every":3,"action":{"status":429,"retryAfter":1}}`)
	var got []int
	for range 9 {
		got = append(got, c.do("GET", "/integrations", nil).status)
	}
	want := []int{200, 200, 429, 200, 200, 429, 200, 200, 429}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("statuses %v, want %v", got, want)
		}
	}
	// Requests the rule does not match do not count.
	expectStatus(t, c.do("GET", "/integrations/1", nil), 404)
	expectStatus(t, c.do("GET", "/integrations", nil), 200)
	expectStatus(t, c.do("GET", "/integrations", nil), 200)
	expectError(t, c.do("GET", "/integrations", nil), 429, "Too Many Requests")
	expectStatus(t, c.do("DELETE", "/_emulator/faults", nil), 200)

	// times counts the requests the rule applied to; the ones let through fall to later rules.
	addFault(t, c, `{"method":"GET","path":"/integrations","times":2,"every":2,"action":{"status":503}}`)
	addFault(t, c, `{"method":"GET","path":"/integrations","times":1,"action":{"status":500}}`)
	got = got[:0]
	for range 6 {
		got = append(got, c.do("GET", "/integrations", nil).status)
	}
	want = []int{500, 503, 200, 503, 200, 200}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("statuses %v, want %v", got, want)
		}
	}
	if rules := c.do("GET", "/_emulator/faults", nil).body.([]any); len(rules) != 0 {
		t.Fatalf("used-up rules remain: %v", rules)
	}

	// every 0 and 1 mean every request; a negative every is rejected.
	addFault(t, c, `{"path":"/integrations","every":1,"action":{"status":502}}`)
	expectError(t, c.do("GET", "/integrations", nil), 502, "Bad Gateway")
	r := c.do("POST", "/_emulator/faults", `{"every":-1,"action":{"status":500}}`)
	if r.status != 400 || r.msg() == "" {
		t.Fatalf("negative every: %d %s", r.status, r.raw)
	}

	// The Go form: every 2 of the POSTs, forever.
	s2, c2 := start(t, 0)
	s2.Emulator.AddFault(FaultRule{Method: "POST", Path: "/integrations", Every: 2, Action: FaultAction{Fault: Respond{Status: 503}}})
	for i := range 4 {
		r := c2.do("POST", "/integrations", snowflake(string(rune('a'+i))+".snowflakecomputing.com", false))
		if want := map[bool]int{true: 503, false: 200}[i%2 == 1]; r.status != want {
			t.Fatalf("POST %d: %d, want %d", i+1, r.status, want)
		}
	}
	if n := len(s2.Emulator.Integrations()); n != 2 {
		t.Fatalf("%d integrations, want 2", n)
	}
}
