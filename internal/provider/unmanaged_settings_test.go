// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/immuta/terraform-provider-immuta/internal/emulator"
)

// proxyOptions is a setting Immuta documents (Databricks' proxy server
// settings, members undocumented) that the provider does not model.
func proxyOptions() map[string]any {
	return map[string]any{
		"host": "proxy.acme.internal", "port": float64(3128),
		"nonProxyHosts": []any{"*.acme.internal", "169.254.169.254"},
		"tls":           map[string]any{"verify": true, "caBundle": "corp-root"},
	}
}

func databricksConfig(srv *emulator.Server, name, workspace, httpPath string) string {
	return providerBlock(srv.URL, testAPIKey) + fmt.Sprintf(`
variable "token" {
  type      = string
  ephemeral = true
}

resource "immuta_integration" %q {
  databricks = {
    workspace_url       = %q
    http_path           = %q
    authentication_type = "token"
    token_wo            = var.token
  }
}
`, name, workspace, httpPath)
}

// heldProxyOptions checks that Immuta holds proxyOptions exactly as set.
func heldProxyOptions(t *testing.T, srv *emulator.Server, what string) {
	t.Helper()
	recs := liveIntegrations(srv)
	if len(recs) != 1 {
		t.Fatalf("%s: %d integrations in Immuta, want 1", what, len(recs))
	}
	if got := recs[0].Config["proxyOptions"]; !reflect.DeepEqual(got, proxyOptions()) {
		t.Errorf("%s: Immuta holds proxyOptions %#v, want %#v", what, got, proxyOptions())
	}
}

// TestAccUnmanagedSettings_keptByEveryUpdate: a setting Immuta holds that the
// provider does not model plans empty, is shown in unmanaged_settings, and
// survives in-place updates exactly as Immuta holds it, also after an
// import (which says once what the configuration will not manage); a
// change of a modelled setting still applies. Both answer styles.
func TestAccUnmanagedSettings_keptByEveryUpdate(t *testing.T) {
	for _, style := range answerStyles {
		t.Run(string(style), func(t *testing.T) {
			tf, ctx := parallelCLITest(t, 5*time.Minute, "TF_VAR_token=dapi-unmanaged-1")
			srv := startEmulatorStyle(t, style)
			workspace := "dbc-unmanaged-" + string(style) + ".cloud.databricks.com"
			tf.write(databricksConfig(srv, "dbx", workspace, "/sql/1.0/warehouses/a"))
			tf.mustRun(ctx, "apply", "-auto-approve")
			id := liveIntegrations(srv)[0].ID
			if err := srv.Emulator.PatchConfig(id, map[string]any{"proxyOptions": proxyOptions()}); err != nil {
				t.Fatal(err)
			}

			if code, out := tf.detailedExitCode(ctx); code != 0 || providerWarnings(out) > 0 {
				t.Fatalf("a setting the provider does not model: plan exit %d, want 0 and no warning:\n%s", code, out)
			}
			tf.mustRun(ctx, "apply", "-refresh-only", "-auto-approve")
			shown, ok := stateAttr(t, tf, ctx, "immuta_integration.dbx", "unmanaged_settings").(string)
			var decoded map[string]any
			if !ok || json.Unmarshal([]byte(shown), &decoded) != nil || !reflect.DeepEqual(decoded["proxyOptions"], proxyOptions()) {
				t.Errorf("unmanaged_settings = %q, want the proxyOptions Immuta holds", shown)
			}

			tf.write(databricksConfig(srv, "dbx", workspace, "/sql/1.0/warehouses/b"))
			if code, out := tf.detailedExitCode(ctx); code != 2 || strings.Contains(out, "unmanaged_settings") {
				t.Fatalf("a change of http_path: plan exit %d, want 2, without unmanaged_settings in it:\n%s", code, out)
			}
			tf.mustRun(ctx, "apply", "-auto-approve")
			if n := len(loggedCallsPrefix(srv, "PUT", "/integrations/")); n != 1 {
				t.Errorf("%d PUTs, want 1", n)
			}
			heldProxyOptions(t, srv, "after an update")
			if got := liveIntegrations(srv)[0].Config["httpPath"]; got != "/sql/1.0/warehouses/b" {
				t.Errorf("Immuta holds httpPath %v after the update, want the configured one", got)
			}
			if code, out := tf.detailedExitCode(ctx); code != 0 {
				t.Fatalf("after the update: plan exit %d, want 0:\n%s", code, out)
			}

			// Imported: one warning names the setting; updates keep it.
			tf.mustRun(ctx, "state", "rm", "immuta_integration.dbx")
			out := tf.mustRun(ctx, "import", "immuta_integration.dbx", id)
			if countOf(out, "Warning: Settings this provider does not manage") != 1 || !shows(out, "does not model: proxyOptions.") {
				t.Errorf("the import does not say once that proxyOptions is not managed:\n%s", out)
			}
			if code, out := tf.detailedExitCode(ctx); code != 0 || providerWarnings(out) > 0 {
				t.Fatalf("after the import: plan exit %d, want 0 and no warning:\n%s", code, out)
			}
			tf.write(databricksConfig(srv, "dbx", workspace, "/sql/1.0/warehouses/c"))
			tf.mustRun(ctx, "apply", "-auto-approve")
			heldProxyOptions(t, srv, "after an update of the imported integration")
			tf.mustRun(ctx, "destroy", "-auto-approve")
		})
	}
}

// TestAccNewerTerraform_unmanagedSettingsAfterQuery: an integration adopted
// with terraform query -generate-config-out keeps a setting the provider
// does not model through the adoption and the next update. Both styles.
func TestAccNewerTerraform_unmanagedSettingsAfterQuery(t *testing.T) {
	t.Parallel()
	latestTerraform(t)
	providerDir := buildProvider(t)
	for _, style := range answerStyles {
		t.Run(string(style), func(t *testing.T) {
			t.Parallel()
			srv := startEmulatorStyle(t, style)
			workspace := "dbc-adopted-" + string(style) + ".cloud.databricks.com"
			seedIntegrations(t, srv, seedPayload{Type: "Databricks", AutoBootstrap: boolPtr(false), Config: map[string]any{
				"workspaceUrl": workspace, "httpPath": "/sql/1.0/warehouses/a", "authenticationType": "token",
				"token": "dapi-unmanaged-1", "proxyOptions": proxyOptions(),
			}})
			c := latestCLI(t, providerDir)
			c.write(providerConfig(srv))
			c.writeFile("adopt.tfquery.hcl", "list \"immuta_integration\" \"tenant\" {\n  provider = immuta\n  include_resource = true\n}\n")
			ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
			defer cancel()
			c.mustRun(ctx, "query", "-generate-config-out=generated.tf")
			generated := c.readFile("generated.tf")
			out := c.mustRun(ctx, "plan", "-out=adopt.tfplan")
			if got := planSummary.FindStringSubmatch(out); got == nil || got[1] != "1" || got[2] != "0" || got[3] != "0" || got[4] != "0" {
				t.Fatalf("the adoption plan is not one import and nothing else:\n%s", out)
			}
			c.mustRun(ctx, "apply", "adopt.tfplan")
			heldProxyOptions(t, srv, "after the adoption")

			// The generated configuration holds no secret: the next update needs the token.
			m := regexp.MustCompile(`resource "immuta_integration" "(\w+)"`).FindStringSubmatch(generated)
			if m == nil {
				t.Fatalf("generated.tf has no immuta_integration:\n%s", generated)
			}
			c.writeFile("generated.tf", fmt.Sprintf(`
resource "immuta_integration" %q {
  databricks = {
    workspace_url       = %q
    http_path           = "/sql/1.0/warehouses/b"
    authentication_type = "token"
    token               = "dapi-unmanaged-1"
  }
}
`, m[1], workspace))
			c.mustRun(ctx, "apply", "-auto-approve")
			heldProxyOptions(t, srv, "after an update of the adopted integration")
			if got := liveIntegrations(srv)[0].Config["httpPath"]; got != "/sql/1.0/warehouses/b" {
				t.Errorf("Immuta holds httpPath %v after the update, want the configured one", got)
			}
		})
	}
}

// TestAccUnmanagedSettings_readBeforeUpdateFails: when the read that
// precedes an update fails, nothing is sent (a PUT without it could wipe
// what the provider does not manage); the error says so, Immuta and the
// state are unchanged, and the next apply updates it.
func TestAccUnmanagedSettings_readBeforeUpdateFails(t *testing.T) {
	tf, ctx := parallelCLITest(t, 4*time.Minute, "TF_VAR_token=dapi-unmanaged-1")
	srv := startEmulatorStyle(t, emulator.AnswerLiteral)
	workspace := "dbc-unread.cloud.databricks.com"
	tf.write(databricksConfig(srv, "dbx", workspace, "/sql/1.0/warehouses/a"))
	tf.mustRun(ctx, "apply", "-auto-approve")
	id := liveIntegrations(srv)[0].ID
	if err := srv.Emulator.PatchConfig(id, map[string]any{"proxyOptions": proxyOptions()}); err != nil {
		t.Fatal(err)
	}
	tf.write(databricksConfig(srv, "dbx", workspace, "/sql/1.0/warehouses/b"))
	// No refresh: the only read of the integration is the one before the PUT.
	srv.Emulator.AddFault(emulator.FaultRule{Method: "GET", Path: "/integrations/" + id, Times: 0, Action: emulator.FaultAction{Fault: emulator.Respond{Status: 500}}})
	out, err := tf.run(ctx, "apply", "-auto-approve", "-refresh=false")
	if err == nil || !shows(out, "Cannot update integration: reading it first failed") ||
		!shows(out, "Nothing was sent: Immuta and the state are unchanged") {
		t.Fatalf("an update whose read failed: %v, want the error saying nothing was sent:\n%s", err, out)
	}
	if n := len(loggedCallsPrefix(srv, "PUT", "/integrations/")); n != 0 {
		t.Fatalf("%d PUTs were sent without the read", n)
	}
	heldProxyOptions(t, srv, "after the failed read")
	srv.Emulator.ClearFaults()
	tf.mustRun(ctx, "apply", "-auto-approve")
	heldProxyOptions(t, srv, "after the next apply")
	if got := liveIntegrations(srv)[0].Config["httpPath"]; got != "/sql/1.0/warehouses/b" {
		t.Errorf("Immuta holds httpPath %v, want the configured one", got)
	}
}
