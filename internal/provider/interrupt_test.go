// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/immuta/terraform-provider-immuta/internal/emulator"
)

// interruptedRun starts terraform with args, sends it Ctrl-C (SIGINT) once
// ready says so, and returns everything it printed.
func (c *terraformCLI) interruptedRun(ctx context.Context, ready func() bool, args ...string) string {
	c.t.Helper()
	cmd := exec.CommandContext(ctx, c.bin, append([]string{args[0], "-no-color", "-input=false"}, args[1:]...)...)
	cmd.Dir, cmd.Env = c.dir, c.env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		c.t.Fatal(err)
	}
	for !ready() {
		if ctx.Err() != nil {
			c.t.Fatalf("terraform %s never got ready to be interrupted:\n%s", strings.Join(args, " "), out.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		c.t.Fatal(err)
	}
	if err := cmd.Wait(); err == nil {
		c.t.Fatalf("terraform %s succeeded although interrupted:\n%s", strings.Join(args, " "), out.String())
	}
	return out.String()
}

func loggedAny(srv *emulator.Server, method, suffix string) bool {
	for _, r := range srv.Emulator.Requests() {
		if r.Method == method && strings.HasSuffix(r.Path, suffix) {
			return true
		}
	}
	return false
}

const interruptConfig = `
provider "immuta" {
  url             = %q
  api_key         = %q
  request_timeout = "10s"
}

resource "immuta_integration" "sf" {
  snowflake = {
    host                = "interrupt.us-east-1.snowflakecomputing.com"
    warehouse           = "COMPUTE_WH"
    database            = "IMMUTA"
    authentication_type = "userPassword"
    username            = "IMMUTA_SYSTEM"
    password            = "interrupt-secret-1"
  }
}
`

// TestAccInterrupt_duringCreateWait: Ctrl-C while Immuta is still creating
// says that the state holds the integration, tainted, that Immuta carries
// on, and what to do next; the next apply, which replaces it, waits for
// Immuta's earlier create and says so.
func TestAccInterrupt_duringCreateWait(t *testing.T) {
	tf, ctx := parallelCLITest(t, 3*time.Minute)
	srv := startEmulator(t)
	tf.write(fmt.Sprintf(interruptConfig, srv.URL, testAPIKey))

	srv.Emulator.SetTransitionDelay(6 * time.Second)
	out := tf.interruptedRun(ctx, func() bool { return loggedAny(srv, "GET", "/status") }, "apply", "-auto-approve")
	for _, want := range []string{
		"Error: Interrupted while Immuta was working on the integration",
		"waiting for Immuta to create Snowflake integration on interrupt.us-east-1.snowflakecomputing.com (id 1)",
		"Immuta carries on in the background", "holds the integration, tainted",
		"terraform untaint <resource address>", "first waiting for Immuta to finish this create",
	} {
		if !shows(out, want) {
			t.Errorf("the interrupted apply does not say %q:\n%s", want, out)
		}
	}
	if show := tf.mustRun(ctx, "show"); !strings.Contains(show, "(tainted)") {
		t.Fatalf("the state does not hold the integration tainted:\n%s", show)
	}
	if rec, ok := srv.Emulator.Integration("1"); !ok || rec.Status != "creating" {
		t.Fatalf("integration 1 is %+v, want it still creating (the test must re-apply during Immuta's create)", rec)
	}

	srv.Emulator.SetTransitionDelay(200 * time.Millisecond)
	out = tf.mustRun(ctx, "apply", "-auto-approve")
	for _, want := range []string{
		"Warning: Waited for Immuta's earlier create",
		"Immuta was still creating Snowflake integration on interrupt.us-east-1.snowflakecomputing.com (id 1)",
		"1 added, 0 changed, 1 destroyed",
	} {
		if !shows(out, want) {
			t.Errorf("the apply after the interrupt does not say %q:\n%s", want, out)
		}
	}
	var live []string
	for _, rec := range srv.Emulator.Integrations() {
		live = append(live, rec.ID+":"+rec.Status)
	}
	if len(live) != 1 || live[0] == "1:enabled" {
		t.Fatalf("Immuta has %v, want only the replacement", live)
	}
	tf.mustRun(ctx, "destroy", "-auto-approve")
}

// TestAccInterrupt_duringCreateRequest: Ctrl-C while Immuta's answer to the
// POST is still arriving (the integration is made): the state holds
// nothing, and the error gives the import command with the id Immuta now
// has on that host.
func TestAccInterrupt_duringCreateRequest(t *testing.T) {
	tf, ctx := parallelCLITest(t, 3*time.Minute)
	srv := startEmulator(t)
	tf.write(fmt.Sprintf(interruptConfig, srv.URL, testAPIKey))

	srv.Emulator.AddFault(emulator.FaultRule{Method: "POST", Path: "/integrations", Times: 1,
		Action: emulator.FaultAction{Deliver: emulator.Trickle(500 * time.Millisecond)}})
	out := tf.interruptedRun(ctx, func() bool { return len(srv.Emulator.Integrations()) == 1 }, "apply", "-auto-approve")
	for _, want := range []string{
		"Error: Interrupted while creating the integration",
		"Terraform's state holds nothing for this resource",
		"Immuta now has a Snowflake integration on this host, with id 1",
		"terraform import <resource address> 1",
	} {
		if !shows(out, want) {
			t.Errorf("the interrupted apply does not say %q:\n%s", want, out)
		}
	}
	if list, err := tf.run(ctx, "state", "list"); strings.TrimSpace(list) != "" && err == nil {
		t.Fatalf("the state holds %q, want nothing", list)
	}
	tf.mustRun(ctx, "import", "immuta_integration.sf", "1")
	// Adopted, not duplicated: nothing to add (the password, which Immuta
	// never returns, is sent again in place).
	if out := tf.mustRun(ctx, "plan"); !strings.Contains(out, "No changes") && !strings.Contains(out, "0 to add, 1 to change, 0 to destroy") {
		t.Fatalf("after the import, the plan adds or destroys:\n%s", out)
	}
	tf.mustRun(ctx, "destroy", "-auto-approve")
}

// TestAccInterrupt_duringUpdateAndDeleteWaits: Ctrl-C while Immuta applies a
// change keeps the previous values in state, and the next plan, once Immuta
// has finished, shows what still differs (here: nothing); Ctrl-C while Immuta
// deletes keeps the integration in state, and the same command run again
// finishes the delete.
func TestAccInterrupt_duringUpdateAndDeleteWaits(t *testing.T) {
	tf, ctx := parallelCLITest(t, 3*time.Minute)
	srv := startEmulator(t)
	config := fmt.Sprintf(interruptConfig, srv.URL, testAPIKey)
	tf.write(config)
	tf.mustRun(ctx, "apply", "-auto-approve")

	srv.Emulator.SetTransitionDelay(3 * time.Second)
	tf.write(strings.Replace(config, `"COMPUTE_WH"`, `"OTHER_WH"`, 1))
	srv.Emulator.ClearRequests()
	out := tf.interruptedRun(ctx, func() bool { return loggedAny(srv, "GET", "/status") }, "apply", "-auto-approve")
	for _, want := range []string{"Error: Interrupted while Immuta was working on the integration",
		"waiting for Immuta to apply the change", "keeps the previous values", "run terraform plan once Immuta has finished"} {
		if !shows(out, want) {
			t.Errorf("the interrupted update does not say %q:\n%s", want, out)
		}
	}
	if show := tf.mustRun(ctx, "show"); !strings.Contains(show, `"COMPUTE_WH"`) {
		t.Fatalf("the state does not keep the previous warehouse:\n%s", show)
	}
	time.Sleep(3500 * time.Millisecond) // Immuta finishes the change
	srv.Emulator.SetTransitionDelay(0)
	if plan := tf.mustRun(ctx, "plan"); !strings.Contains(plan, "No changes") {
		t.Fatalf("after Immuta finished the interrupted change, the plan is not empty:\n%s", plan)
	}

	srv.Emulator.SetTransitionDelay(3 * time.Second)
	srv.Emulator.ClearRequests()
	out = tf.interruptedRun(ctx, func() bool { return loggedAny(srv, "GET", "/status") }, "destroy", "-auto-approve")
	for _, want := range []string{"waiting for Immuta to delete", "still holds the integration", "run the same terraform command again"} {
		if !shows(out, want) {
			t.Errorf("the interrupted delete does not say %q:\n%s", want, out)
		}
	}
	if list := tf.mustRun(ctx, "state", "list"); !strings.Contains(list, "immuta_integration.sf") {
		t.Fatalf("the interrupted delete left the state without the integration: %q", list)
	}
	srv.Emulator.SetTransitionDelay(0)
	tf.mustRun(ctx, "destroy", "-auto-approve")
	if list, _ := tf.run(ctx, "state", "list"); strings.TrimSpace(list) != "" {
		t.Fatalf("after the second destroy the state holds %q", list)
	}
}
