// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/immuta/terraform-provider-immuta/internal/emulator"
)

// The fault matrix: every operation of the resource (create, update, delete,
// refresh) against every kind of fault the emulator can inject. Each cell
// runs against its own emulator and asserts that the run either succeeds
// after retries or fails with a clear message; that afterwards the state
// matches Immuta with no duplicate and no orphan; and that the next apply
// converges. The outcomes observed are rendered as FAULT_MATRIX.md at the
// repository root: UPDATE_FAULT_MATRIX=1 rewrites it, otherwise the test
// fails when a cell differs from the committed file.

const (
	faultMatrixFile = "FAULT_MATRIX.md"
	// The request timeout of the matrix's provider, and a hang past it.
	matrixRequestTimeout = 3 * time.Second
	matrixHang           = 4500 * time.Millisecond
	// The lost create that lands late: it is handled a second after the
	// timeout, after the lookup, and a second before the slowed re-post, which
	// is answered a second before its own timeout.
	matrixLateHang   = 4 * time.Second
	matrixLateRepost = 2 * time.Second
	// How long an integration stays busy after the first 409 it causes.
	matrixBusyFor = time.Second
)

var matrixOps = []string{"create", "update", "delete", "refresh"}

// matrixExpect is what a cell must do: fail with an error matching err (nil:
// succeed), and leave a state whose next plan is next ("no-op", "create",
// "update", "replace" or "delete").
type matrixExpect struct {
	err  *regexp.Regexp
	next string
}

type matrixFault struct {
	key, label string
	// rule is the fault for op on the integration's API path; nil when the
	// fault is not a rule (busy).
	rule func(op string) emulator.FaultAction
	// then, when set, is a fault for the next request of the same kind.
	then func(op string) emulator.FaultAction
	busy bool
	hang bool
	// goneBefore deletes the integration behind Terraform's back before the
	// operation (for a create: a deleted record on the same host).
	goneBefore bool
	// style is how the emulator answers (zero: echo).
	style emulator.AnswerStyle
	// times is how many matching requests the rule applies to (default 1).
	times int
	// target, when set, is the request the rule applies to instead of the
	// operation's own (the status requests of its wait, say).
	target func(op, id string) (method, path string)
	// describe, when set, is the cell of a successful run.
	describe func(op string) string
	// extra, when set, is one more rule armed with the fault's.
	extra func() emulator.FaultRule
	want  map[string]matrixExpect // by operation; a missing operation is n/a
	na    string                  // why the missing operations do not apply
}

func succeeds() matrixExpect { return matrixExpect{next: "no-op"} }

func fails(pattern, next string) matrixExpect {
	return matrixExpect{err: regexp.MustCompile(`(?s)` + pattern), next: next}
}

var matrixValidation = []emulator.ValidationTest{failedTest(warehouseTest, warehouseMessage)}

var matrixFaults = []matrixFault{
	{
		key: "429", label: "429 Too Many Requests, Retry-After: 1",
		rule: func(string) emulator.FaultAction {
			return emulator.FaultAction{Fault: emulator.Respond{Status: 429, RetryAfter: 1}}
		},
		want: map[string]matrixExpect{"create": succeeds(), "update": succeeds(), "delete": succeeds(), "refresh": succeeds()},
	},
	{
		key: "500", label: "500 Internal Server Error",
		rule: func(string) emulator.FaultAction { return emulator.FaultAction{Fault: emulator.Respond{Status: 500}} },
		want: map[string]matrixExpect{
			"create":  succeeds(),
			"update":  fails(`Cannot update integration.*500 Internal Server Error`, "update"),
			"delete":  fails(`Cannot delete integration.*500 Internal Server Error`, "delete"),
			"refresh": fails(`Cannot read integration.*500 Internal Server Error`, "no-op"),
		},
	},
	{
		key: "503", label: "503 Service Unavailable",
		rule: func(string) emulator.FaultAction { return emulator.FaultAction{Fault: emulator.Respond{Status: 503}} },
		want: map[string]matrixExpect{"create": succeeds(), "update": succeeds(), "delete": succeeds(), "refresh": succeeds()},
	},
	{
		key: "drop-before", label: "connection dropped before the request is handled",
		rule: func(string) emulator.FaultAction { return emulator.FaultAction{Fault: emulator.Drop{}} },
		want: map[string]matrixExpect{"create": succeeds(), "update": succeeds(), "delete": succeeds(), "refresh": succeeds()},
	},
	{
		key: "drop-after", label: "connection dropped after the work was done (lost answer)",
		rule: func(string) emulator.FaultAction { return emulator.FaultAction{Deliver: emulator.DropAnswer{}} },
		want: map[string]matrixExpect{"create": succeeds(), "update": succeeds(), "delete": succeeds(), "refresh": succeeds()},
	},
	{
		key: "hang", label: fmt.Sprintf("request hangs %s, past request_timeout = %q", matrixHang, matrixRequestTimeout.String()),
		rule: func(string) emulator.FaultAction { return emulator.FaultAction{Hang: matrixHang} },
		hang: true,
		want: map[string]matrixExpect{"create": succeeds(), "update": succeeds(), "delete": succeeds(), "refresh": succeeds()},
	},
	{
		// The lost request lands after the provider has looked for it and
		// before its re-post: the re-post is answered 409 "already exists".
		key: "late-create", label: fmt.Sprintf("create hangs %s (request_timeout %s) and lands between the lookup and a re-post slowed by %s",
			matrixLateHang, matrixRequestTimeout, matrixLateRepost),
		rule: func(string) emulator.FaultAction { return emulator.FaultAction{Hang: matrixLateHang} },
		then: func(string) emulator.FaultAction { return emulator.FaultAction{Hang: matrixLateRepost} },
		hang: true,
		want: map[string]matrixExpect{"create": succeeds()},
		na:   "n/a: only a create is looked up before it is sent again",
	},
	{
		// The same, and the lost create fails on the platform: the re-post is
		// answered 400 "previously failed to create".
		key: "late-create-error", label: "the same late create, which then ends in createError",
		rule: func(string) emulator.FaultAction {
			return emulator.FaultAction{Hang: matrixLateHang, Fault: emulator.Handle{Outcome: "createError", Validation: matrixValidation}}
		},
		then: func(string) emulator.FaultAction { return emulator.FaultAction{Hang: matrixLateRepost} },
		hang: true,
		want: map[string]matrixExpect{
			"create": fails(anyOrder(regexp.QuoteMeta(warehouseTest), `Integration create failed \(createError\)`), "replace"),
		},
		na: "n/a: only a create is looked up before it is sent again",
	},
	{
		key: "busy", label: fmt.Sprintf("409 busy: integration migrating/editing, until %s after the first 409", matrixBusyFor),
		busy: true,
		want: map[string]matrixExpect{"update": succeeds(), "delete": succeeds(), "refresh": succeeds()},
		na:   "n/a: a new integration cannot be busy",
	},
	{
		key: "op-error", label: "operation ends in createError / editError / deleteError",
		rule: func(op string) emulator.FaultAction {
			outcome := map[string]string{"create": "createError", "update": "editError", "delete": "deleteError"}[op]
			return emulator.FaultAction{Fault: emulator.Handle{Outcome: outcome, Validation: matrixValidation}}
		},
		want: map[string]matrixExpect{
			"create": fails(anyOrder(regexp.QuoteMeta(warehouseTest), `Integration create failed \(createError\)`), "replace"),
			"update": fails(anyOrder(regexp.QuoteMeta(warehouseTest), `Integration update failed \(editError\)`), "update"),
			"delete": fails(anyOrder(regexp.QuoteMeta(warehouseTest), `Integration delete failed \(deleteError\)`), "delete"),
		},
		na: "n/a: a read starts no operation",
	},
	{
		key: "422", label: "422 validation failed",
		rule: func(op string) emulator.FaultAction {
			if op == "refresh" {
				return emulator.FaultAction{Fault: emulator.Respond{Status: 422}}
			}
			return emulator.FaultAction{Fault: emulator.Refuse{Validation: matrixValidation}}
		},
		want: map[string]matrixExpect{
			"create":  fails(anyOrder(regexp.QuoteMeta(warehouseTest), `Cannot create integration: validation failed`), "create"),
			"update":  fails(anyOrder(regexp.QuoteMeta(warehouseTest), `Cannot update integration: validation failed`), "update"),
			"delete":  fails(anyOrder(regexp.QuoteMeta(warehouseTest), `Cannot delete integration: validation failed`), "delete"),
			"refresh": fails(`Cannot read integration.*Unprocessable Entity`, "no-op"),
		},
	},
	{
		// Immuta may keep a deleted integration, answered and listed with
		// status deleted (the emulator's literal answers).
		key: "gone-before", label: "literal answers: deleted behind Terraform's back, the record kept with status deleted " +
			"(create: a deleted record on the same host, and the create's answer is lost)",
		style: emulator.AnswerLiteral, goneBefore: true,
		rule: func(string) emulator.FaultAction { return emulator.FaultAction{Deliver: emulator.DropAnswer{}} },
		want: map[string]matrixExpect{"create": succeeds(), "update": succeeds(), "delete": succeeds(), "refresh": {next: "create"}},
	},
	{
		key: "ends-deleted", label: "literal answers: the operation ends with the integration deleted (status deleted, record kept)",
		style: emulator.AnswerLiteral,
		rule: func(string) emulator.FaultAction {
			return emulator.FaultAction{Fault: emulator.Handle{Outcome: "deleted"}}
		},
		want: map[string]matrixExpect{
			"create": fails(`Integration create failed \(deleted\)`, "create"),
			"update": fails(`Integration update failed \(deleted\)`, "create"),
			"delete": succeeds(),
		},
		na: "n/a: a read starts no operation",
	},
	{
		// Finding: any 404 was taken as "deleted" (state dropped, "0 destroyed").
		key: "proxy-404", label: "404 that is not Immuta's (a proxy's HTML page, or a url with a wrong path)",
		rule: func(string) emulator.FaultAction {
			page := proxyPage
			return emulator.FaultAction{Fault: emulator.RespondBody{Status: 404, Body: page, ContentType: "text/html"}}
		},
		want: map[string]matrixExpect{
			"create":  fails(`Cannot create integration: the answer did not come from Immuta's API`, "create"),
			"update":  fails(`Cannot update integration: the answer did not come from Immuta's API`, "update"),
			"delete":  fails(`Cannot delete integration: the answer did not come from Immuta's API`, "delete"),
			"refresh": fails(`Cannot read integration: the answer did not come from Immuta's API`, "no-op"),
		},
	},
	{
		// Finding: a transient error during the wait tainted a healthy integration.
		key: "status-blips", label: "the wait's status requests fail: six 429s (past max_retries), then a 401",
		rule:   func(string) emulator.FaultAction { return emulator.FaultAction{Fault: emulator.Respond{Status: 429}} },
		times:  6,
		then:   func(string) emulator.FaultAction { return emulator.FaultAction{Fault: emulator.Respond{Status: 401}} },
		target: statusTarget,
		describe: func(string) string {
			return "status requests failed (429 past the retries, 401): waited through them, succeeded, not tainted"
		},
		want: map[string]matrixExpect{"create": succeeds(), "update": succeeds(), "delete": succeeds()},
		na:   "n/a: a read waits for nothing",
	},
	{
		// Finding: an undecodable 2xx answer to a create orphaned the integration.
		key: "unreadable-2xx", label: "the request is handled, but its 200 answer is a proxy's HTML page",
		rule: func(string) emulator.FaultAction {
			page := "<html><body>OK</body></html>"
			return emulator.FaultAction{Fault: emulator.Handle{Answer: emulator.ReplaceAnswer{Body: page, ContentType: "text/html"}}}
		},
		want: map[string]matrixExpect{
			"create": succeeds(), "update": succeeds(), "delete": succeeds(),
			"refresh": fails(`Cannot read integration.*could\s+not\s+be\s+read\s+as\s+Immuta's\s+JSON`, "no-op"),
		},
	},
	{
		// Finding: the id was taken from the answer's body, not the request.
		key: "answer-without-id", label: "the answer leaves out the integration's id",
		rule: func(string) emulator.FaultAction {
			return emulator.FaultAction{Fault: emulator.Handle{Answer: emulator.OverrideAnswer{"id": nil}}}
		},
		want: map[string]matrixExpect{"create": succeeds(), "update": succeeds(), "delete": succeeds(), "refresh": succeeds()},
	},
	{
		key: "answer-other-id", label: `the answer names another integration ("id": "999")`,
		rule: func(string) emulator.FaultAction {
			return emulator.FaultAction{Fault: emulator.Handle{Answer: emulator.OverrideAnswer{"id": "999"}}}
		},
		describe: func(op string) string {
			if op == "create" {
				return "Immuta has no integration 999: found the new one by host and adopted it, succeeded"
			}
			return "the answer is not used: succeeded"
		},
		want: map[string]matrixExpect{
			"create": succeeds(), "update": succeeds(), "delete": succeeds(),
			"refresh": fails(`Immuta answered for another integration`, "no-op"),
		},
	},
	{
		// Finding: memory amplification (a 32 MB list answer cost 1.8 GB).
		key: "huge-list", label: "the create's answer is lost, and the list the look-up reads is 24 MiB (about 100,000 other integrations)",
		rule: func(string) emulator.FaultAction { return emulator.FaultAction{Deliver: emulator.DropAnswer{}} },
		extra: func() emulator.FaultRule {
			body := hugeList()
			return emulator.FaultRule{Method: "GET", Path: "/integrations", Times: 1, Action: emulator.FaultAction{Fault: emulator.Handle{Answer: emulator.ReplaceAnswer{Body: body}}}}
		},
		describe: func(string) string { return "answer lost: found by host in the 24 MiB list and adopted, succeeded" },
		want:     map[string]matrixExpect{"create": succeeds()},
		na:       "n/a: only a lost create reads the whole list",
	},
	{
		key: "answer-without-config", label: "the answer holds no config (`\"config\": null`)",
		rule: func(string) emulator.FaultAction {
			return emulator.FaultAction{Fault: emulator.Handle{Answer: emulator.OverrideAnswer{"config": nil}}}
		},
		describe: func(op string) string {
			return "the answer's config is not used: succeeded"
		},
		want: map[string]matrixExpect{
			"create": succeeds(), "update": succeeds(), "delete": succeeds(),
			"refresh": fails(`Immuta's answer has no configuration`, "no-op"),
		},
	},
	{
		// Finding: 409 "busy" was retried with no backoff (69,000 requests in 20 s).
		key: "busy-but-enabled", label: "409 busy (\"in current state editing\") five times while the status says enabled",
		rule: func(string) emulator.FaultAction {
			return emulator.FaultAction{Fault: emulator.Respond{Status: 409, Message: "Unable to edit integration in current state editing."}}
		},
		times: 5,
		want:  map[string]matrixExpect{"update": succeeds(), "delete": succeeds()},
		na:    "n/a: only a PUT or DELETE meets a busy integration",
	},
	{
		// Finding: validation messages were not redacted on the status and GET paths.
		key: "echoed-secret", label: "the operation fails with a message echoing the API key and the password (the status path)",
		rule: func(op string) emulator.FaultAction {
			outcome := map[string]string{"create": "createError", "update": "editError", "delete": "deleteError"}[op]
			return emulator.FaultAction{Fault: emulator.Handle{Outcome: outcome, Validation: []emulator.ValidationTest{
				failedTest(warehouseTest, "Login with password "+matrixPassword+" and key "+testAPIKey+" failed.")}}}
		},
		want: map[string]matrixExpect{
			"create": fails(anyOrder(`Login with password \*\*\* and key \*\*\* failed`, `Integration create failed \(createError\)`), "replace"),
			"update": fails(anyOrder(`Login with password \*\*\* and key \*\*\* failed`, `Integration update failed \(editError\)`), "update"),
			"delete": fails(anyOrder(`Login with password \*\*\* and key \*\*\* failed`, `Integration delete failed \(deleteError\)`), "delete"),
		},
		na: "n/a: a read starts no operation",
	},
	{
		// Finding: diagnostics cost quadratic CPU (40,000 tests: 44 s).
		key: "many-tests", label: "the operation fails with 40,000 failed validation tests",
		rule: func(op string) emulator.FaultAction {
			outcome := map[string]string{"create": "createError", "update": "editError", "delete": "deleteError"}[op]
			return emulator.FaultAction{Fault: emulator.Handle{Outcome: outcome, Validation: matrixValidation, ValidationRepeat: 40000}}
		},
		want: map[string]matrixExpect{
			"create": fails(`39980 more validation tests not shown.*Integration create failed \(createError\)`, "replace"),
			"update": fails(`39980 more validation tests not shown.*Integration update failed \(editError\)`, "update"),
			"delete": fails(`39980 more validation tests not shown.*Integration delete failed \(deleteError\)`, "delete"),
		},
		na: "n/a: a read starts no operation",
	},
	{
		// Finding: reads had no overall bound (a trickling server, a Retry-After of a day).
		key: "trickle", label: fmt.Sprintf("the answer trickles in, a byte every 200 ms (a read is limited to request_timeout %s × (max_retries 2 + 1))", matrixRequestTimeout),
		rule: func(string) emulator.FaultAction {
			return emulator.FaultAction{Deliver: emulator.Trickle(200 * time.Millisecond)}
		},
		times: 3,
		hang:  true,
		want:  map[string]matrixExpect{"refresh": fails(`Timed out trying to read integration.*request_timeout`, "no-op")},
		na:    "n/a: a write runs within the resource's timeouts",
	},
	{
		key: "retry-after-day", label: "429 with Retry-After: 86400 (a day)",
		rule: func(string) emulator.FaultAction {
			return emulator.FaultAction{Fault: emulator.Respond{Status: 429, RetryAfter: 86400}}
		},
		want: map[string]matrixExpect{
			"create":  fails(`Cannot create integration.*asked\s+to\s+retry\s+after\s+24h0m0s`, "create"),
			"update":  fails(`Cannot update integration.*asked\s+to\s+retry\s+after\s+24h0m0s`, "update"),
			"delete":  fails(`Cannot delete integration.*asked\s+to\s+retry\s+after\s+24h0m0s`, "delete"),
			"refresh": fails(`Cannot read integration.*asked\s+to\s+retry\s+after\s+24h0m0s`, "no-op"),
		},
	},
	{
		key: "ends-disabled", label: "the operation ends with the integration force-disabled (status disabled)",
		rule: func(string) emulator.FaultAction {
			return emulator.FaultAction{Fault: emulator.Handle{Outcome: "disabled"}}
		},
		want: map[string]matrixExpect{
			"create": fails(`Integration create failed \(disabled\)`, "replace"),
			"update": fails(`Integration update failed \(disabled\)`, "no-op"),
			"delete": fails(`Integration delete failed \(disabled\)`, "delete"),
		},
		na: "n/a: a read starts no operation",
	},
}

// matrixRequest is the API request of an operation.
func matrixRequest(op, id string) (method, path string) {
	switch op {
	case "create":
		return "POST", "/integrations"
	case "update":
		return "PUT", "/integrations/" + id
	case "delete":
		return "DELETE", "/integrations/" + id
	}
	return "GET", "/integrations/" + id
}

// matrixBaseline is how many requests of its kind an operation sends when
// nothing goes wrong, up to where the log is taken: the faulted step's checks
// (before its follow-up plan) or the next step.
const matrixBaseline = 1

func matrixProviderConfig(srv *emulator.Server) string {
	return fmt.Sprintf(`
provider "immuta" {
  url             = %q
  api_key         = %q
  request_timeout = %q
  max_retries     = 2
}
`, srv.URL, testAPIKey, matrixRequestTimeout.String())
}

func matrixConfig(srv *emulator.Server, warehouse string) string {
	return matrixProviderConfig(srv) + fmt.Sprintf(`
resource "immuta_integration" "test" {
  snowflake = {
%s
  }
}
`, snowflake(warehouse))
}

// matrixObservation is what one cell's run showed.
type matrixObservation struct {
	mu          sync.Mutex
	gone        bool // the integration was deleted before the operation
	capturing   bool
	err         error
	log         []emulator.LoggedRequest
	stateStatus string
	next        string
}

// outcome renders the observation as a table cell.
func (o *matrixObservation) outcome(op, id string) string {
	o.mu.Lock()
	defer o.mu.Unlock()
	method, path := matrixRequest(op, id)
	sends, lookups, busy, adoptedAfter409 := 0, 0, false, false
	for _, r := range o.log {
		if r.Method == method && r.Path == path {
			sends++
			busy = busy || r.Status == 409
		}
		if r.Method == "GET" && r.Path == "/integrations" {
			lookups++
		}
		// A create answered 409, then waited on: the provider adopted the
		// integration that its lost request had made.
		if op == "create" && busy && r.Method == "GET" && strings.HasSuffix(r.Path, "/status") {
			adoptedAfter409 = true
		}
	}
	next := map[string]string{
		"no-op": "nothing to do", "create": "creates it", "replace": "replaces it",
		"update": "updates it in place", "delete": "deletes it",
	}[o.next]
	if o.err != nil {
		return fmt.Sprintf("clear error (%q); next apply %s, converges", errorSummary(o.err), next)
	}
	var s string
	switch {
	case o.gone && op == "create":
		s = "answer lost: found by host and adopted (the deleted record on that host skipped), succeeded"
	case o.gone && op == "update":
		s = "Immuta answered status deleted: removed from state, created again, succeeded"
	case o.gone && op == "delete":
		s = "Immuta answered status deleted: removed from state, nothing left to delete, succeeded"
	case o.gone && op == "refresh":
		s = "Immuta answered status deleted: removed from state"
	case adoptedAfter409:
		s = "outcome unknown: looked up by host, posted again, answered 409 (the lost request had landed), adopted it, succeeded"
	case op == "create" && lookups > 0 && sends == 1:
		s = "answer lost: found by host and adopted, succeeded"
	case op == "create" && lookups > 0:
		s = "outcome unknown: looked up by host, posted again, succeeded"
	case busy:
		s = "waited while busy, retried, succeeded"
	case sends > matrixBaseline:
		s = "retried, succeeded"
	default:
		s = "succeeded, no retry needed"
	}
	if o.stateStatus != "" && o.stateStatus != "enabled" {
		s += fmt.Sprintf(" (status %s recorded)", o.stateStatus)
	}
	if o.next != "no-op" {
		s += "; next apply " + next
	}
	return s
}

var errorSummaryRE = regexp.MustCompile(`(?m)^\s*(?:│ )?Error: (.+)$`)

// diagnosticRE starts each diagnostic in Terraform's output, and
// attributeSnippetRE is the source line of one about an attribute (such as
// `23:     warehouse = "COMPUTE_WH"`) rather than the resource.
var (
	diagnosticRE       = regexp.MustCompile(`(?m)^\s*(?:│ )?(?:Error|Warning): `)
	attributeSnippetRE = regexp.MustCompile(`(?m)^\s*(?:│\s*)?\d+:\s+[a-z_]+\s+=`)
)

// errorSummary is the summary of the operation's error in Terraform's
// output: the last error diagnostic about the resource rather than one of
// its attributes (Immuta's failed validation tests are reported on the
// attribute they concern). Position alone does not tell: Terraform 1.11
// prints diagnostics in the provider's order, 1.16 sorts them by source
// position, so a test's diagnostic comes after the resource's.
func errorSummary(err error) string {
	text := err.Error()
	errs := errorSummaryRE.FindAllStringSubmatchIndex(text, -1)
	if len(errs) == 0 {
		return strings.TrimSpace(strings.SplitN(text, "\n", 2)[0])
	}
	summary := ""
	for _, e := range errs {
		block := text[e[1]:]
		if next := diagnosticRE.FindStringIndex(block); next != nil {
			block = block[:next[0]]
		}
		if !attributeSnippetRE.MatchString(block) || summary == "" {
			summary = strings.TrimSpace(text[e[2]:e[3]])
		}
	}
	return summary
}

// recordNextAction is a plan check that records the resource's planned action.
type recordNextAction struct{ obs *matrixObservation }

func (r recordNextAction) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, _ *plancheck.CheckPlanResponse) {
	action := "no-op"
	for _, rc := range req.Plan.ResourceChanges {
		if rc.Address != resourceAddress || rc.Change == nil {
			continue
		}
		a := rc.Change.Actions
		switch {
		case a.Replace():
			action = "replace"
		case a.Create():
			action = "create"
		case a.Update():
			action = "update"
		case a.Delete():
			action = "delete"
		}
	}
	r.obs.mu.Lock()
	r.obs.next = action
	r.obs.mu.Unlock()
}

// stateMatchesImmuta checks that the integrations in state are exactly those
// in the emulator (no duplicate, no orphan) and hold the same values.
func stateMatchesImmuta(srv *emulator.Server, withStatus bool) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		inState := map[string]*terraform.InstanceState{}
		for _, rs := range s.RootModule().Resources {
			if rs.Type == "immuta_integration" && rs.Primary != nil {
				inState[rs.Primary.ID] = rs.Primary
			}
		}
		recs := liveIntegrations(srv)
		if len(recs) != len(inState) {
			return fmt.Errorf("Immuta holds %d integrations, the state %d (a duplicate or an orphan)", len(recs), len(inState))
		}
		fields := map[string]string{"host": "host", "warehouse": "warehouse", "database": "database",
			"authentication_type": "authenticationType", "username": "username", "port": "port"}
		for _, rec := range recs {
			is, ok := inState[rec.ID]
			if !ok {
				return fmt.Errorf("integration %s is in Immuta but not in the state (an orphan)", rec.ID)
			}
			for attr, key := range fields {
				if got, want := is.Attributes["snowflake."+attr], fmt.Sprint(rec.Config[key]); got != want {
					return fmt.Errorf("integration %s: the state has snowflake.%s = %q, Immuta %q", rec.ID, attr, got, want)
				}
			}
			if withStatus && is.Attributes["status"] != rec.Status {
				return fmt.Errorf("integration %s: the state has status %q, Immuta %q", rec.ID, is.Attributes["status"], rec.Status)
			}
		}
		return nil
	}
}

// seedDeleted leaves a deleted Snowflake integration on the matrix's host.
func seedDeleted(t *testing.T, srv *emulator.Server) {
	t.Helper()
	seed := fmt.Sprintf(`[{"type":"Snowflake","autoBootstrap":false,"config":{"host":%q,"warehouse":"OLD_WH","database":"OLD_DB",`+
		`"authenticationType":"userPassword","username":"OLD","password":"old-pw"}}]`, sfHost)
	if err := srv.Emulator.LoadSeed(strings.NewReader(seed)); err != nil {
		t.Fatal(err)
	}
	recs := srv.Emulator.Integrations()
	if err := srv.Emulator.Vanish(recs[len(recs)-1].ID); err != nil {
		t.Fatal(err)
	}
}

// endBusyAfterFirst409 ends the forced busy status of integration id
// matrixBusyFor after the first 409 answered to method on path, so that the
// request always meets a busy integration and then waits a while.
func endBusyAfterFirst409(t *testing.T, srv *emulator.Server, id, method, path string) {
	done := make(chan struct{})
	finished := make(chan struct{})
	t.Cleanup(func() { close(done); <-finished })
	go func() {
		defer close(finished)
		deadline := time.Now().Add(30 * time.Second)
		for time.Now().Before(deadline) {
			for _, r := range srv.Emulator.Requests() {
				if r.Method == method && r.Path == path && r.Status == 409 {
					select {
					case <-done:
					case <-time.After(matrixBusyFor):
					}
					_ = srv.Emulator.ForceStatus(id, emulator.ForcedStatus{Status: "enabled"})
					return
				}
			}
			select {
			case <-done:
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	}()
}

// waitForRequests waits until the log holds at least n requests of method on
// path: a hung request is logged only once it has been handled.
func waitForRequests(srv *emulator.Server, method, path string, n int) {
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		count := 0
		for _, r := range srv.Emulator.Requests() {
			if r.Method == method && r.Path == path {
				count++
			}
		}
		if count >= n {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// runMatrixCell runs one cell and returns its outcome.
func runMatrixCell(t *testing.T, op string, f matrixFault, want matrixExpect) string {
	srv := startEmulatorStyle(t, f.style)
	ids := &idRecorder{}
	obs := &matrixObservation{gone: f.goneBefore}
	before, after := matrixConfig(srv, "COMPUTE_WH"), matrixConfig(srv, "COMPUTE_WH")
	switch op {
	case "update":
		after = matrixConfig(srv, "OTHER_WH")
	case "delete":
		after = matrixProviderConfig(srv)
	}

	arm := func() {
		srv.Emulator.ClearRequests()
		method, path := matrixRequest(op, ids.get())
		switch {
		case f.goneBefore && op == "create":
			seedDeleted(t, srv)
			srv.Emulator.AddFault(emulator.FaultRule{Method: method, Path: path, Times: 1, Action: f.rule(op)})
		case f.goneBefore:
			if err := srv.Emulator.Vanish(ids.get()); err != nil {
				t.Fatal(err)
			}
		case f.busy && op == "refresh":
			if err := srv.Emulator.ForceStatus(ids.get(), emulator.ForcedStatus{Status: "migrating"}); err != nil {
				t.Fatal(err)
			}
		case f.busy:
			status := map[string]string{"update": "migrating", "delete": "editing"}[op]
			if err := srv.Emulator.ForceStatus(ids.get(), emulator.ForcedStatus{Status: status, For: time.Minute, Then: "enabled"}); err != nil {
				t.Fatal(err)
			}
			endBusyAfterFirst409(t, srv, ids.get(), method, path)
		default:
			times := max(f.times, 1)
			if f.target != nil {
				method, path = f.target(op, ids.get())
			}
			srv.Emulator.AddFault(emulator.FaultRule{Method: method, Path: path, Times: times, Action: f.rule(op)})
			if f.then != nil {
				srv.Emulator.AddFault(emulator.FaultRule{Method: method, Path: path, Times: 1, Action: f.then(op)})
			}
			if f.extra != nil {
				srv.Emulator.AddFault(f.extra())
			}
		}
		obs.mu.Lock()
		obs.capturing = true
		obs.mu.Unlock()
	}
	disarm := func() {
		method, path := matrixRequest(op, ids.get())
		if f.hang {
			waitForRequests(srv, method, path, matrixBaseline+1)
		}
		if f.busy && op == "refresh" {
			if err := srv.Emulator.ForceStatus(ids.get(), emulator.ForcedStatus{Status: "enabled"}); err != nil {
				t.Fatal(err)
			}
		}
		obs.mu.Lock()
		defer obs.mu.Unlock()
		obs.capturing = false
		obs.log = srv.Emulator.Requests()
		created := 0
		for _, r := range obs.log {
			if r.Method == "POST" && r.Path == "/integrations" && r.Status == 200 {
				created++
			}
		}
		if created > 1 {
			t.Errorf("%d integrations were created by one create (a duplicate)", created)
		}
	}
	recordStatus := func(s *terraform.State) error {
		if rs, ok := s.RootModule().Resources[resourceAddress]; ok {
			obs.mu.Lock()
			obs.stateStatus = rs.Primary.Attributes["status"]
			obs.mu.Unlock()
		}
		return nil
	}

	// A run that succeeds is checked at once, and the plan that follows it
	// must be empty; a run that fails is followed by an apply that converges.
	success := want.err == nil
	checks := []resource.TestCheckFunc{recordStatus, stateMatchesImmuta(srv, true)}
	if success {
		checks = append(checks, func(*terraform.State) error { disarm(); return nil })
	}
	faulted := resource.TestStep{PreConfig: arm, Check: resource.ComposeTestCheckFunc(checks...)}
	if op == "refresh" {
		faulted.RefreshState = true
		if success {
			faulted.RefreshPlanChecks.PostRefresh = []plancheck.PlanCheck{recordNextAction{obs}}
			faulted.ExpectNonEmptyPlan = want.next != "no-op" // a refresh that finds it gone leaves a create to plan
		}
	} else {
		faulted.Config = after
		if success {
			faulted.ConfigPlanChecks.PostApplyPostRefresh = []plancheck.PlanCheck{recordNextAction{obs}}
		}
	}
	steps := []resource.TestStep{}
	if op != "create" {
		steps = append(steps, resource.TestStep{Config: before, Check: ids.record(resourceAddress)})
	}
	steps = append(steps, faulted)
	if !success {
		steps = append(steps, resource.TestStep{ // the next apply converges
			PreConfig: disarm,
			Config:    after,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply:             []plancheck.PlanCheck{recordNextAction{obs}},
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			Check: stateMatchesImmuta(srv, true),
		})
	}

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		CheckDestroy:             checkNothingLeft(srv),
		ErrorCheck: func(err error) error {
			obs.mu.Lock()
			defer obs.mu.Unlock()
			if !obs.capturing || obs.err != nil {
				return err
			}
			obs.err = err
			return nil
		},
		Steps: steps,
	})
	if t.Failed() {
		return ""
	}

	obs.mu.Lock()
	gotErr, next := obs.err, obs.next
	obs.mu.Unlock()
	switch {
	case want.err == nil && gotErr != nil:
		t.Fatalf("%s with %s: want success, got: %v", op, f.key, gotErr)
	case want.err != nil && gotErr == nil:
		t.Fatalf("%s with %s: want an error matching %s, got success", op, f.key, want.err)
	case want.err != nil && !want.err.MatchString(gotErr.Error()):
		t.Fatalf("%s with %s: want an error matching %s, got: %v", op, f.key, want.err, gotErr)
	case next != want.next:
		t.Fatalf("%s with %s: the next apply plans %s, want %s", op, f.key, next, want.next)
	}
	if gotErr != nil {
		t.Logf("the faulted run failed as expected: %v", gotErr)
		for _, secret := range []string{testAPIKey, matrixPassword} {
			if strings.Contains(gotErr.Error(), secret) {
				t.Fatalf("%s with %s: the error shows a secret", op, f.key)
			}
		}
	}
	if gotErr == nil && f.describe != nil {
		return f.describe(op)
	}
	return obs.outcome(op, ids.get())
}

// hugeList is a 24 MiB answer to GET /integrations: the integration the
// lost create made (id 1, on the matrix's host) among ones on other hosts.
var hugeList = sync.OnceValue(func() string {
	var b strings.Builder
	fmt.Fprintf(&b, `[{"id":"1","type":"Snowflake","autoBootstrap":false,"status":"creating","config":{"host":%q,"warehouse":"COMPUTE_WH","database":"IMMUTA_DB"}}`, sfHost)
	for i := 2; b.Len() < 24<<20; i++ {
		fmt.Fprintf(&b, `,{"id":"%d","type":"Snowflake","autoBootstrap":false,"status":"enabled","validationResults":{"status":"passed",`+
			`"validationTests":[{"name":"Initial Validation: Basic Connection Test","status":"passed"}]},`+
			`"config":{"host":"other-%d.us-east-1.snowflakecomputing.com","warehouse":"WH","database":"DB"}}`, i, i)
	}
	b.WriteString("]")
	return b.String()
})

// matrixPassword is the password of the matrix's integration (snowflake()).
const matrixPassword = "snowflake-pw-1"

// statusTarget is the wait's status requests of an operation (a new
// integration is the emulator's first: id 1).
func statusTarget(op, id string) (string, string) {
	if op == "create" {
		id = "1"
	}
	return "GET", "/integrations/" + id + "/status"
}

const proxyPage = "<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1><hr>nginx</body></html>"

func TestAccFaultMatrix(t *testing.T) {
	accPreCheck(t)
	t.Parallel()
	var mu sync.Mutex
	got := map[string]map[string]string{}
	t.Run("cells", func(t *testing.T) {
		for _, f := range matrixFaults {
			for _, op := range matrixOps {
				want, ok := f.want[op]
				if !ok {
					continue
				}
				t.Run(op+"/"+f.key, func(t *testing.T) {
					t.Parallel()
					outcome := runMatrixCell(t, op, f, want)
					if outcome == "" {
						return
					}
					t.Logf("outcome: %s", outcome)
					mu.Lock()
					defer mu.Unlock()
					if got[f.key] == nil {
						got[f.key] = map[string]string{}
					}
					got[f.key][op] = outcome
				})
			}
		}
	})
	if t.Failed() {
		return
	}
	checkFaultMatrixFile(t, got)
}

// checkFaultMatrixFile compares the outcomes with the committed table, or
// rewrites it when UPDATE_FAULT_MATRIX=1.
func checkFaultMatrixFile(t *testing.T, got map[string]map[string]string) {
	file := filepath.Join("..", "..", faultMatrixFile)
	if os.Getenv("UPDATE_FAULT_MATRIX") == "1" {
		for _, f := range matrixFaults {
			for _, op := range matrixOps {
				if _, ok := f.want[op]; ok && got[f.key][op] == "" {
					t.Fatalf("UPDATE_FAULT_MATRIX=1 needs the whole matrix; %s/%s did not run", op, f.key)
				}
			}
		}
		if err := os.WriteFile(file, []byte(renderFaultMatrix(got)), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s", file)
		return
	}
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("reading the committed fault matrix: %v (run with UPDATE_FAULT_MATRIX=1 to write it)", err)
	}
	committed := parseFaultMatrix(string(raw))
	var diffs []string
	for _, f := range matrixFaults {
		for _, op := range matrixOps {
			outcome, ran := got[f.key][op]
			if !ran {
				continue
			}
			if c := committed[f.label][op]; c != escapeCell(outcome) {
				diffs = append(diffs, fmt.Sprintf("%s × %s:\n  committed: %s\n  this run:  %s", op, f.label, c, escapeCell(outcome)))
			}
		}
	}
	if len(diffs) > 0 {
		t.Fatalf("%s differs from this run (check the change, then rerun with UPDATE_FAULT_MATRIX=1 and commit it):\n%s",
			faultMatrixFile, strings.Join(diffs, "\n"))
	}
}

func escapeCell(s string) string { return strings.ReplaceAll(s, "|", `\|`) }

func renderFaultMatrix(got map[string]map[string]string) string {
	var b strings.Builder
	b.WriteString(`# Fault matrix

How the ` + "`immuta_integration`" + ` resource behaves when the Immuta API misbehaves: each cell is one run
of TestAccFaultMatrix (internal/provider/fault_matrix_test.go) against its own in-process emulator, which
injects the fault into the operation's own request (POST for create, PUT for update, DELETE for delete, GET
of the integration for refresh). The provider runs with ` + "`request_timeout = \"" + matrixRequestTimeout.String() + "\"`" + ` and ` + "`max_retries = 2`" + `.

This file is generated from the test run: ` + "`UPDATE_FAULT_MATRIX=1 TF_ACC=1 go test ./internal/provider -run TestAccFaultMatrix`" + `
rewrites it, and ` + "`make test`" + ` fails when a cell of a run differs from it.

Every cell also asserts that the integrations in the state are exactly those in Immuta, with the same values
(no duplicate, no orphan): after the faulted run when it succeeded, and after the next apply when it failed;
that the plan that follows is empty (the run converged); and that destroy leaves nothing behind.

`)
	b.WriteString("| fault |")
	for _, op := range matrixOps {
		b.WriteString(" " + op + " |")
	}
	b.WriteString("\n|---|")
	for range matrixOps {
		b.WriteString("---|")
	}
	b.WriteString("\n")
	for _, f := range matrixFaults {
		b.WriteString("| " + escapeCell(f.label) + " |")
		for _, op := range matrixOps {
			cell := got[f.key][op]
			if _, ok := f.want[op]; !ok {
				cell = f.na
			}
			b.WriteString(" " + escapeCell(cell) + " |")
		}
		b.WriteString("\n")
	}
	b.WriteString(`
Two findings of the hostile-world review are about local input, not the API, so they have no row; their
tests are named here:

- *an endless ca_certificate* (` + "`/dev/zero`" + `): refused after 4 MiB at plan time
  (TestAccBadConfigurationsRejectedAtPlanTime, "provider ca_certificate an endless file"); a large list
  answer costs a small multiple of its size (TestLargeListMemoryIsBounded, internal/client; and the row
  above with a 24 MiB list);
- *a URL with credentials, a control character in api_key, an invalid port*: refused at plan time without
  echoing the value (TestAccBadConfigurationsRejectedAtPlanTime), and not retried (TestInvalidPortIsNotRetried,
  TestURLCredentialsNeverEchoed, TestAPIKeyWithControlCharacter, internal/client).

Reading a cell:

- *retried, succeeded*: the client sent the request again (after Retry-After, backoff or a timeout) and the
  operation completed.
- *outcome unknown: looked up by host, posted again*: a create whose result was unknown (5xx, broken
  connection) is never re-sent blindly; the provider looked for an integration on the same host first.
- *answered 409 (the lost request had landed), adopted it*: the lost create went through after the lookup;
  the re-post was answered 409 "already exists" and the provider adopted the integration named in it.
- *answer lost: found by host and adopted*: the create had happened; the provider found it and kept it,
  instead of creating a duplicate.
- *waited while busy, retried*: Immuta answered 409 because the integration was in a transitional status; the
  provider waited until it settled, then sent the request again.
- *clear error ("…")*: the run failed with that error (the summary of Terraform's last error diagnostic, whose
  detail names the integration and Immuta's answer); *next apply …* says what the following apply did to
  converge.
`)
	return b.String()
}

// parseFaultMatrix reads the committed table: fault label → operation → cell.
func parseFaultMatrix(md string) map[string]map[string]string {
	out := map[string]map[string]string{}
	var header []string
	for _, line := range strings.Split(md, "\n") {
		if !strings.HasPrefix(line, "| ") {
			continue
		}
		cells := splitRow(line)
		if header == nil {
			header = cells
			continue
		}
		row := map[string]string{}
		for i := 1; i < len(cells) && i < len(header); i++ {
			row[header[i]] = cells[i]
		}
		out[strings.ReplaceAll(cells[0], `\|`, "|")] = row
	}
	return out
}

// splitRow splits a markdown table row on unescaped pipes.
func splitRow(line string) []string {
	line = strings.TrimSpace(line)
	line = strings.TrimPrefix(line, "|")
	line = strings.TrimSuffix(line, "|")
	var cells []string
	var cur strings.Builder
	for i := 0; i < len(line); i++ {
		if line[i] == '\\' && i+1 < len(line) && line[i+1] == '|' {
			cur.WriteString(`\|`)
			i++
			continue
		}
		if line[i] == '|' {
			cells = append(cells, strings.TrimSpace(cur.String()))
			cur.Reset()
			continue
		}
		cur.WriteByte(line[i])
	}
	return append(cells, strings.TrimSpace(cur.String()))
}
