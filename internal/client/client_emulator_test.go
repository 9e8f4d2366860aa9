// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package client_test

// These tests run the client against the project's Immuta emulator
// (internal/emulator), which follows IMMUTA_API.md.

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"

	"github.com/immuta/terraform-provider-immuta/internal/client"
	"github.com/immuta/terraform-provider-immuta/internal/emulator"
	"github.com/immuta/terraform-provider-immuta/internal/integrationtype"
)

const (
	emuKey      = "emu-admin-key-5d1c0b"
	emuNonAdmin = "emu-reader-key-77aa"
	sfPassword  = "Snowflake-Pw-8c2e41"
	dbToken     = "dapi-token-0b7d9f31"
)

func ptr[T any](v T) *T { return &v }

type emu struct {
	*emulator.Server
	e *emulator.Emulator
	c *client.Client
}

func startEmu(t *testing.T, delay time.Duration, mod ...func(*client.Config)) *emu {
	t.Helper()
	srv, err := emulator.Start(emulator.Options{APIKey: emuKey, NonAdminAPIKey: emuNonAdmin, TransitionDelay: delay})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	return &emu{Server: srv, e: srv.Emulator, c: newClient(t, srv.URL, emuKey, mod...)}
}

func newClient(t *testing.T, url, key string, mod ...func(*client.Config)) *client.Client {
	t.Helper()
	cfg := client.Config{URL: url, APIKey: key, RetryWaitMin: 5 * time.Millisecond, RetryWaitMax: 20 * time.Millisecond, RequestTimeout: 5 * time.Second,
		SecretKeys: integrationtype.SecretJSONKeys()}
	for _, m := range mod {
		m(&cfg)
	}
	c, err := client.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

var fastWait = client.WaitOptions{MinInterval: 5 * time.Millisecond, MaxInterval: 20 * time.Millisecond}

func snowflake(host string, auto bool) client.Payload {
	cfg := map[string]any{
		"host": host, "warehouse": "COMPUTE_WH", "database": "IMMUTA_DB",
		"authenticationType": "userPassword", "username": "IMMUTA_ADMIN", "password": sfPassword,
	}
	if auto {
		cfg["role"] = "ACCOUNTADMIN"
	}
	return client.Payload{Type: "Snowflake", AutoBootstrap: ptr(auto), Config: cfg}
}

func snowflakeDeleteCreds() *client.DeleteRequest {
	return &client.DeleteRequest{Config: map[string]any{
		"authenticationType": "userPassword", "username": "IMMUTA_ADMIN", "password": sfPassword, "role": "ACCOUNTADMIN",
	}}
}

func databricks(host string) client.Payload {
	return client.Payload{Type: "Databricks", AutoBootstrap: ptr(true), Config: map[string]any{
		"workspaceUrl": host, "httpPath": "/sql/1.0/warehouses/abc",
		"authenticationType": "token", "token": dbToken,
	}}
}

func redshiftManual(host string) client.Payload {
	return client.Payload{Type: "Redshift", AutoBootstrap: ptr(false), Config: map[string]any{
		"host": host, "database": "immuta", "initialDatabase": "dev",
		"authenticationType": "userPassword", "username": "awsuser", "password": "Redshift-Pw-1",
	}}
}

// create posts p and waits for it to settle as enabled.
func (m *emu) create(t *testing.T, p client.Payload) *client.Integration {
	t.Helper()
	ctx := context.Background()
	in, err := m.c.CreateIntegration(ctx, p)
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	if _, err := m.c.WaitForStatus(ctx, in.ID, fastWait); err != nil {
		t.Fatalf("wait for create: %v", err)
	}
	return in
}

func (m *emu) count(method, path string) int {
	n := 0
	for _, r := range m.e.Requests() {
		if r.Method == method && r.Path == path {
			n++
		}
	}
	return n
}

func wantAPIError(t *testing.T, err error, status int, message string) *client.APIError {
	t.Helper()
	var e *client.APIError
	if !errors.As(err, &e) {
		t.Fatalf("want an APIError %d, got %v", status, err)
	}
	if e.StatusCode != status || (message != "" && e.Message != message) {
		t.Fatalf("got %d %q, want %d %q", e.StatusCode, e.Message, status, message)
	}
	return e
}

func TestEmulatorLifecycle(t *testing.T) {
	t.Parallel()
	m := startEmu(t, 50*time.Millisecond)
	ctx := context.Background()

	created, err := m.c.CreateIntegration(ctx, snowflake("acme.snowflakecomputing.com", true))
	if err != nil {
		t.Fatal(err)
	}
	if created.ID == "" || created.Status != client.StatusCreating || created.Type != "Snowflake" {
		t.Fatalf("created %+v", created)
	}
	st, err := m.c.WaitForStatus(ctx, created.ID, fastWait)
	if err != nil || st.Status != client.StatusEnabled || st.ValidationResults == nil || len(st.ValidationResults.Tests) == 0 {
		t.Fatalf("wait: %+v %v", st, err)
	}

	list, err := m.c.ListIntegrations(ctx)
	if err != nil || len(list) != 1 || list[0].ID != created.ID {
		t.Fatalf("list: %+v %v", list, err)
	}
	got, err := m.c.GetIntegration(ctx, created.ID)
	if err != nil {
		t.Fatal(err)
	}
	var cfg map[string]any
	if err := got.DecodeConfig(&cfg); err != nil {
		t.Fatal(err)
	}
	impersonation, _ := cfg["impersonation"].(map[string]any)
	if cfg["host"] != "acme.snowflakecomputing.com" || cfg["password"] != client.RedactedValue || cfg["port"] != float64(443) ||
		impersonation["role"] != "IMMUTA_IMPERSONATION" || got.AutoBootstrap == nil || !*got.AutoBootstrap {
		t.Errorf("config %+v", cfg)
	}
	status, err := m.c.GetIntegrationStatus(ctx, created.ID)
	if err != nil || status.ID != created.ID || status.Status != client.StatusEnabled {
		t.Errorf("status %+v %v", status, err)
	}

	edit := snowflake("acme.snowflakecomputing.com", true)
	edit.Config.(map[string]any)["warehouse"] = "BIG_WH"
	updated, err := m.c.UpdateIntegration(ctx, created.ID, edit)
	if err != nil || updated.Status != client.StatusEditing {
		t.Fatalf("update: %+v %v", updated, err)
	}
	if _, err := m.c.WaitForStatus(ctx, created.ID, fastWait); err != nil {
		t.Fatal(err)
	}
	got, _ = m.c.GetIntegration(ctx, created.ID)
	cfg = nil
	if err := got.DecodeConfig(&cfg); err != nil || cfg["warehouse"] != "BIG_WH" {
		t.Errorf("after edit: %v %v", cfg["warehouse"], err)
	}

	deleted, err := m.c.DeleteIntegration(ctx, created.ID, snowflakeDeleteCreds())
	if err != nil || deleted.Status != client.StatusDeleting {
		t.Fatalf("delete: %+v %v", deleted, err)
	}
	opts := fastWait
	opts.UntilGone = true
	if st, err := m.c.WaitForStatus(ctx, created.ID, opts); st != nil || err != nil {
		t.Fatalf("wait until gone: %v %v", st, err)
	}
	if _, err := m.c.GetIntegration(ctx, created.ID); !client.IsNotFound(err) {
		t.Fatalf("after delete: %v", err)
	}
	if len(m.e.Integrations()) != 0 {
		t.Error("the emulator still has integrations")
	}
}

func TestEmulatorTrinoRegenerate(t *testing.T) {
	m := startEmu(t, 0)
	ctx := context.Background()
	in := m.create(t, client.Payload{Type: "Trino"})
	got, err := m.c.GetIntegration(ctx, in.ID)
	if err != nil {
		t.Fatal(err)
	}
	var before, after map[string]any
	if err := got.DecodeConfig(&before); err != nil || before["apiKey"] == nil || before["apiKey"] == "" {
		t.Fatalf("trino config %+v %v", before, err)
	}
	regen, err := m.c.RegenerateAPIKey(ctx, in.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := regen.DecodeConfig(&after); err != nil || after["apiKey"] == nil || after["apiKey"] == before["apiKey"] {
		t.Errorf("key not rotated: %v → %v (%v)", before["apiKey"], after["apiKey"], err)
	}
	if _, err := m.c.DeleteIntegration(ctx, in.ID, nil); err != nil {
		t.Fatal(err)
	}
}

func TestEmulatorScripts(t *testing.T) {
	m := startEmu(t, 0)
	ctx := context.Background()
	manual := snowflake("manual.snowflakecomputing.com", false)
	for name, call := range map[string]func() (string, error){
		"create":       func() (string, error) { return m.c.CreateScript(ctx, manual) },
		"cleanup":      func() (string, error) { return m.c.CleanupScript(ctx, manual) },
		"post-cleanup": func() (string, error) { return m.c.PostCleanupScript(ctx, manual) },
		"initial-create": func() (string, error) {
			return m.c.InitialCreateScript(ctx, redshiftManual("rs.example.com"))
		},
	} {
		s, err := call()
		if err != nil || !strings.Contains(s, name+" script") || !strings.Contains(s, ";\n") {
			t.Errorf("%s script: %q %v", name, s, err)
		}
	}
	in := m.create(t, manual)
	edit := snowflake("manual.snowflakecomputing.com", false)
	edit.Config.(map[string]any)["warehouse"] = "OTHER_WH"
	if s, err := m.c.EditScript(ctx, in.ID, edit); err != nil || !strings.Contains(s, "edit script") {
		t.Errorf("edit script: %q %v", s, err)
	}
	if s, err := m.c.DeleteScript(ctx, in.ID, nil); err != nil || !strings.Contains(s, "DROP") {
		t.Errorf("delete script: %q %v", s, err)
	}
	// Scripts are refused for auto-bootstrapped payloads: a plain 400.
	_, err := m.c.CreateScript(ctx, snowflake("x.snowflakecomputing.com", true))
	_ = wantAPIError(t, err, 400, "Scripts are only available for integrations with autoBootstrap set to false.")
}

// TestEmulatorErrorTable walks every row of IMMUTA_API.md, Errors.
func TestEmulatorErrorTable(t *testing.T) {
	m := startEmu(t, 0)
	ctx := context.Background()
	host := "test-account.snowflakecomputing.com"

	t.Run("GET 404", func(t *testing.T) {
		_, err := m.c.GetIntegration(ctx, "5")
		_ = wantAPIError(t, err, 404, "No Integration found with ID 5.")
		if !client.IsNotFound(err) || err.Error() != "GET /integrations/5: 404 Not Found: No Integration found with ID 5." {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("PUT, DELETE, status 404", func(t *testing.T) {
		_, err := m.c.UpdateIntegration(ctx, "5", snowflake(host, true))
		_ = wantAPIError(t, err, 404, "No integration found with ID 5.")
		_, err = m.c.DeleteIntegration(ctx, "5", nil)
		_ = wantAPIError(t, err, 404, "No integration found with ID 5.")
		_, err = m.c.GetIntegrationStatus(ctx, "5")
		_ = wantAPIError(t, err, 404, "No integration found with ID 5.")
	})
	t.Run("POST 400 malformed", func(t *testing.T) {
		p := snowflake(host, true)
		delete(p.Config.(map[string]any), "host")
		_, err := m.c.CreateIntegration(ctx, p)
		e := wantAPIError(t, err, 400, "")
		if !strings.Contains(e.Message, "config.host") {
			t.Errorf("message %q does not name the field", e.Message)
		}
		if _, ok := client.PreviouslyFailedID(err); ok {
			t.Error("a malformed payload is not a previously failed create")
		}
	})

	var existing *client.Integration
	t.Run("POST 409 already exists", func(t *testing.T) {
		existing = m.create(t, snowflake(host, true))
		_, err := m.c.CreateIntegration(ctx, snowflake(host, true))
		_ = wantAPIError(t, err, 409, "Snowflake integration already exists on test-account.snowflakecomputing.com (id = "+existing.ID+").")
		if id, ok := client.AlreadyExistsID(err); !ok || id != existing.ID {
			t.Errorf("AlreadyExistsID = %q %v", id, ok)
		}
		if client.IsOutcomeUnknown(err) {
			t.Error("a 409 is a known outcome")
		}
	})
	t.Run("POST 400 previously failed", func(t *testing.T) {
		failHost := "failed.snowflakecomputing.com"
		m.e.AddFault(emulator.FaultRule{Method: "POST", Path: "/integrations", Times: 1,
			Action: emulator.FaultAction{Fault: emulator.Handle{Outcome: client.StatusCreateError}}})
		in, err := m.c.CreateIntegration(ctx, snowflake(failHost, true))
		if err != nil {
			t.Fatal(err)
		}
		_, err = m.c.WaitForStatus(ctx, in.ID, fastWait)
		var fe *client.OperationFailedError
		if !errors.As(err, &fe) || fe.Status != client.StatusCreateError {
			t.Fatalf("wait: %v", err)
		}
		_, err = m.c.CreateIntegration(ctx, snowflake(failHost, true))
		_ = wantAPIError(t, err, 400, "Use PUT /integrations/"+in.ID+" endpoint to update connection information for Snowflake integration on host failed.snowflakecomputing.com (id = "+in.ID+") that previously failed to create.")
		if id, ok := client.PreviouslyFailedID(err); !ok || id != in.ID {
			t.Errorf("PreviouslyFailedID = %q %v", id, ok)
		}
	})
	t.Run("POST 422 validation", func(t *testing.T) {
		m.e.AddFault(emulator.FaultRule{Method: "POST", Path: "/integrations", Times: 1, Action: emulator.FaultAction{Fault: emulator.Refuse{Validation: []emulator.ValidationTest{{Name: "Initial Validation: Basic Connection Test", Status: "failed", Message: "Cannot reach the account."}}}}})
		_, err := m.c.CreateIntegration(ctx, snowflake("v.snowflakecomputing.com", true))
		e := wantAPIError(t, err, 422, "Validation of prerequisite setup failed. Unable to create integration.")
		if !client.IsValidationFailed(err) || e.ValidationResults == nil {
			t.Fatalf("err = %v", err)
		}
		p := e.ValidationResults.Problems()
		if len(p) != 1 || p[0].Name != "Initial Validation: Basic Connection Test" || p[0].Message != "Cannot reach the account." {
			t.Errorf("problems %+v", p)
		}
	})
	t.Run("POST 422 Databricks metastore", func(t *testing.T) {
		const msg = "Processing Error: Error trying to get the current metastore info."
		m.e.AddFault(emulator.FaultRule{Method: "POST", Path: "/integrations", Times: 1, Action: emulator.FaultAction{Fault: emulator.Respond{Status: 422, Message: msg}}})
		_, err := m.c.CreateIntegration(ctx, databricks("dbc-1.cloud.databricks.com"))
		_ = wantAPIError(t, err, 422, msg)
		if !client.IsValidationFailed(err) {
			t.Error("IsValidationFailed")
		}
	})
	t.Run("PUT 400 non-editable", func(t *testing.T) {
		p := snowflake("other-host.snowflakecomputing.com", true)
		p.Config.(map[string]any)["database"] = "OTHER_DB"
		_, err := m.c.UpdateIntegration(ctx, existing.ID, p)
		// The emulator names them in the payload's order, and a map's keys
		// are sent sorted.
		_ = wantAPIError(t, err, 400, "Unable to edit integration due to changes of non-editable attribute(s). database, host")
		if attrs, ok := client.NonEditableAttributes(err); !ok || !slices.Equal(attrs, []string{"database", "host"}) {
			t.Errorf("NonEditableAttributes = %q %v", attrs, ok)
		}
	})
	t.Run("PUT and DELETE 409 busy", func(t *testing.T) {
		if err := m.e.ForceStatus(existing.ID, emulator.ForcedStatus{Status: client.StatusEditing}); err != nil {
			t.Fatal(err)
		}
		want := "Unable to edit integration with ID " + existing.ID + " in current state editing."
		_, err := m.c.UpdateIntegration(ctx, existing.ID, snowflake(host, true))
		_ = wantAPIError(t, err, 409, want)
		if s, ok := client.BusyState(err); !ok || s != client.StatusEditing {
			t.Errorf("BusyState = %q %v", s, ok)
		}
		_, err = m.c.DeleteIntegration(ctx, existing.ID, snowflakeDeleteCreds())
		_ = wantAPIError(t, err, 409, want)
		if s, ok := client.BusyState(err); !ok || s != client.StatusEditing {
			t.Errorf("BusyState = %q %v", s, ok)
		}
		if err := m.e.ForceStatus(existing.ID, emulator.ForcedStatus{Status: client.StatusEnabled}); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("PUT 422 validation", func(t *testing.T) {
		m.e.AddFault(emulator.FaultRule{Method: "PUT", Times: 1, Action: emulator.FaultAction{Fault: emulator.Refuse{Validation: []emulator.ValidationTest{{Name: "Initial Validation: Default Warehouse Access Test", Message: "No access."}}}}})
		_, err := m.c.UpdateIntegration(ctx, existing.ID, snowflake(host, true))
		e := wantAPIError(t, err, 422, "Unable to edit integration with ID "+existing.ID+", validation failed.")
		if e.ValidationResults == nil || len(e.ValidationResults.Problems()) != 1 {
			t.Errorf("validation %+v", e.ValidationResults)
		}
	})
	t.Run("DELETE 400 credential rules", func(t *testing.T) {
		_, err := m.c.DeleteIntegration(ctx, existing.ID, nil)
		_ = wantAPIError(t, err, 400, "Integrations that are automatically configured require privileged credentials to disable. Please provide them in your payload.")

		manual := m.create(t, snowflake("manual.snowflakecomputing.com", false))
		_, err = m.c.DeleteIntegration(ctx, manual.ID, snowflakeDeleteCreds())
		_ = wantAPIError(t, err, 400, "Credentials are not required for disable unless the integration was configured automatically. If you need to update your integration credentials, use PUT to update the integration before disabling.")

		dbx := m.create(t, databricks("dbc-2.cloud.databricks.com"))
		_, err = m.c.DeleteIntegration(ctx, dbx.ID, &client.DeleteRequest{Config: map[string]any{"token": dbToken}})
		_ = wantAPIError(t, err, 400, "Credentials are not required to disable a Databricks integration. If you need to update your integration credentials, use PUT to update the integration before disabling.")
	})
	t.Run("DELETE 422 validation", func(t *testing.T) {
		m.e.AddFault(emulator.FaultRule{Method: "DELETE", Times: 1, Action: emulator.FaultAction{Fault: emulator.Refuse{Validation: []emulator.ValidationTest{{Name: "Validate Automatic Bootstrap User Grants", Message: "Grants missing."}}}}})
		_, err := m.c.DeleteIntegration(ctx, existing.ID, snowflakeDeleteCreds())
		_ = wantAPIError(t, err, 422, "Unable to delete integration with ID "+existing.ID+", validation failed.")
	})
	t.Run("401 and 403", func(t *testing.T) {
		_, err := newClient(t, m.URL, "wrong-key").ListIntegrations(ctx)
		if !client.IsUnauthorized(err) || client.IsForbidden(err) {
			t.Errorf("wrong key: %v", err)
		}
		_, err = newClient(t, m.URL, emuNonAdmin).ListIntegrations(ctx)
		if !client.IsForbidden(err) || client.IsUnauthorized(err) {
			t.Errorf("non-admin key: %v", err)
		}
		if strings.Contains(err.Error(), emuNonAdmin) {
			t.Error("the key is in the error")
		}
	})
}

func TestEmulatorRetries(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	t.Run("429 with Retry-After on GET", func(t *testing.T) {
		m := startEmu(t, 0)
		m.e.AddFault(emulator.FaultRule{Method: "GET", Path: "/integrations", Times: 1, Action: emulator.FaultAction{Fault: emulator.Respond{Status: 429, RetryAfter: 1}}})
		start := time.Now()
		if _, err := m.c.ListIntegrations(ctx); err != nil {
			t.Fatal(err)
		}
		if d := time.Since(start); d < 950*time.Millisecond {
			t.Errorf("retried after %v, before Retry-After", d)
		}
		if m.count("GET", "/integrations") != 2 {
			t.Errorf("requests %+v", m.e.Requests())
		}
	})
	t.Run("429 on POST is retried", func(t *testing.T) {
		m := startEmu(t, 0)
		m.e.AddFault(emulator.FaultRule{Method: "POST", Path: "/integrations", Times: 2, Action: emulator.FaultAction{Fault: emulator.Respond{Status: 429}}})
		if _, err := m.c.CreateIntegration(ctx, client.Payload{Type: "Trino"}); err != nil {
			t.Fatal(err)
		}
		if n := m.count("POST", "/integrations"); n != 3 || len(m.e.Integrations()) != 1 {
			t.Errorf("%d POSTs, %d integrations", n, len(m.e.Integrations()))
		}
	})
	for _, action := range []emulator.FaultAction{{Fault: emulator.Respond{Status: 503}}, {Fault: emulator.Respond{Status: 502}}, {Fault: emulator.Respond{Status: 504}},
		{Fault: emulator.Drop{}}, {Deliver: emulator.DropAnswer{}}} {
		t.Run("GET survives "+faultName(action), func(t *testing.T) {
			m := startEmu(t, 0)
			in := m.create(t, client.Payload{Type: "Trino"})
			m.e.ClearRequests()
			m.e.AddFault(emulator.FaultRule{Method: "GET", Path: "/integrations/" + in.ID, Times: 2, Action: action})
			got, err := m.c.GetIntegration(ctx, in.ID)
			if err != nil || got.ID != in.ID {
				t.Fatalf("%v %v", got, err)
			}
			if n := m.count("GET", "/integrations/"+in.ID); n != 3 {
				t.Errorf("%d GETs, want 3", n)
			}
		})
	}
	for _, action := range []emulator.FaultAction{{Fault: emulator.Respond{Status: 503}}, {Fault: emulator.Respond{Status: 500}}, {Fault: emulator.Drop{}},
		{Deliver: emulator.DropAnswer{}}} {
		t.Run("POST not retried on "+faultName(action), func(t *testing.T) {
			m := startEmu(t, 0)
			m.e.AddFault(emulator.FaultRule{Method: "POST", Path: "/integrations", Times: 1, Action: action})
			_, err := m.c.CreateIntegration(ctx, snowflake("acme.snowflakecomputing.com", true))
			if !client.IsOutcomeUnknown(err) {
				t.Fatalf("err = %v, want an unknown outcome", err)
			}
			if n := m.count("POST", "/integrations"); n != 1 {
				t.Errorf("%d POSTs, want exactly one", n)
			}
			wantCreated := 0
			if action.Deliver == (emulator.DropAnswer{}) {
				wantCreated = 1 // the change happened although the answer was lost
			}
			if n := len(m.e.Integrations()); n != wantCreated {
				t.Errorf("%d integrations, want %d", n, wantCreated)
			}
		})
	}
	t.Run("scripts POST is retried on 503", func(t *testing.T) {
		m := startEmu(t, 0)
		m.e.AddFault(emulator.FaultRule{Method: "POST", Path: "/integrations/scripts/create", Times: 1, Action: emulator.FaultAction{Fault: emulator.Respond{Status: 503}}})
		if _, err := m.c.CreateScript(ctx, snowflake("a.snowflakecomputing.com", false)); err != nil {
			t.Fatal(err)
		}
		if n := m.count("POST", "/integrations/scripts/create"); n != 2 {
			t.Errorf("%d POSTs, want 2", n)
		}
	})
	t.Run("PUT retried after a lost answer sees its own edit", func(t *testing.T) {
		m := startEmu(t, 0)
		in := m.create(t, snowflake("acme.snowflakecomputing.com", true))
		m.e.SetTransitionDelay(time.Minute)
		m.e.AddFault(emulator.FaultRule{Method: "PUT", Times: 1, Action: emulator.FaultAction{Deliver: emulator.DropAnswer{}}})
		_, err := m.c.UpdateIntegration(ctx, in.ID, snowflake("acme.snowflakecomputing.com", true))
		e := wantAPIError(t, err, 409, "")
		if s, ok := client.BusyState(err); !ok || s != client.StatusEditing || e.Attempts != 2 {
			t.Errorf("BusyState %q %v, attempts %d", s, ok, e.Attempts)
		}
	})
	t.Run("hung GET is retried after the request timeout", func(t *testing.T) {
		m := startEmu(t, 0, func(c *client.Config) { c.RequestTimeout = 200 * time.Millisecond })
		m.e.AddFault(emulator.FaultRule{Method: "GET", Path: "/integrations", Times: 1, Action: emulator.FaultAction{Hang: 2 * time.Second}})
		start := time.Now()
		if _, err := m.c.ListIntegrations(ctx); err != nil {
			t.Fatal(err)
		}
		if d := time.Since(start); d > 1500*time.Millisecond {
			t.Errorf("took %v", d)
		}
	})
	t.Run("retries give up with the last answer", func(t *testing.T) {
		m := startEmu(t, 0, func(c *client.Config) { c.MaxRetries = 2 })
		m.e.AddFault(emulator.FaultRule{Method: "GET", Times: 0, Action: emulator.FaultAction{Fault: emulator.Respond{Status: 503}}})
		_, err := m.c.ListIntegrations(ctx)
		if e := wantAPIError(t, err, 503, ""); e.Attempts != 3 || m.count("GET", "/integrations") != 3 {
			t.Errorf("attempts %d, log %d", e.Attempts, m.count("GET", "/integrations"))
		}
	})
}

func faultName(a emulator.FaultAction) string {
	switch f := a.Fault.(type) {
	case emulator.Drop:
		return "drop before"
	case emulator.Respond:
		return strconv.Itoa(f.Status)
	}
	return "drop after"
}

func TestEmulatorWaiter(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	validation := []emulator.ValidationTest{{Name: "Initial Validation: Basic Connection Test", Status: "failed", Message: "Cannot connect."}}
	t.Run("createError", func(t *testing.T) {
		m := startEmu(t, 30*time.Millisecond)
		m.e.AddFault(emulator.FaultRule{Method: "POST", Path: "/integrations", Action: emulator.FaultAction{Fault: emulator.Handle{Outcome: client.StatusCreateError, Validation: validation}}, Times: 1})
		in, err := m.c.CreateIntegration(ctx, snowflake("a.snowflakecomputing.com", true))
		if err != nil {
			t.Fatal(err)
		}
		wantFailure(t, m, in.ID, client.StatusCreateError, "Cannot connect.")
	})
	t.Run("editError", func(t *testing.T) {
		m := startEmu(t, 30*time.Millisecond)
		in := m.create(t, snowflake("a.snowflakecomputing.com", true))
		m.e.AddFault(emulator.FaultRule{Method: "PUT", Action: emulator.FaultAction{Fault: emulator.Handle{Outcome: client.StatusEditError, Validation: validation}}, Times: 1})
		if _, err := m.c.UpdateIntegration(ctx, in.ID, snowflake("a.snowflakecomputing.com", true)); err != nil {
			t.Fatal(err)
		}
		wantFailure(t, m, in.ID, client.StatusEditError, "Cannot connect.")
	})
	t.Run("deleteError", func(t *testing.T) {
		m := startEmu(t, 30*time.Millisecond)
		in := m.create(t, snowflake("a.snowflakecomputing.com", true))
		m.e.AddFault(emulator.FaultRule{Method: "DELETE", Action: emulator.FaultAction{Fault: emulator.Handle{Outcome: client.StatusDeleteError, Validation: validation}}, Times: 1})
		if _, err := m.c.DeleteIntegration(ctx, in.ID, snowflakeDeleteCreds()); err != nil {
			t.Fatal(err)
		}
		wantFailure(t, m, in.ID, client.StatusDeleteError, "Cannot connect.")
	})
	t.Run("migrateError", func(t *testing.T) {
		m := startEmu(t, 0)
		in := m.create(t, snowflake("a.snowflakecomputing.com", true))
		err := m.e.ForceStatus(in.ID, emulator.ForcedStatus{Status: client.StatusMigrating, For: 100 * time.Millisecond, Then: client.StatusMigrateError, Validation: validation})
		if err != nil {
			t.Fatal(err)
		}
		wantFailure(t, m, in.ID, client.StatusMigrateError, "Cannot connect.")
	})
	t.Run("busy integration settles", func(t *testing.T) {
		m := startEmu(t, 0)
		in := m.create(t, snowflake("a.snowflakecomputing.com", true))
		_ = m.e.ForceStatus(in.ID, emulator.ForcedStatus{Status: client.StatusMigrating, For: 100 * time.Millisecond, Then: client.StatusMigrateError})
		opts := fastWait
		opts.Target = client.TerminalStatuses()
		st, err := m.c.WaitForStatus(ctx, in.ID, opts)
		if err != nil || st.Status != client.StatusMigrateError {
			t.Fatalf("%v %v", st, err)
		}
	})
	t.Run("deadline", func(t *testing.T) {
		m := startEmu(t, time.Minute)
		in, err := m.c.CreateIntegration(ctx, snowflake("a.snowflakecomputing.com", true))
		if err != nil {
			t.Fatal(err)
		}
		dctx, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
		defer cancel()
		_, err = m.c.WaitForStatus(dctx, in.ID, client.WaitOptions{})
		var te *client.WaitTimeoutError
		if !errors.As(err, &te) || te.LastStatus != client.StatusCreating || !strings.Contains(err.Error(), "creating") {
			t.Fatalf("err = %v", err)
		}
		polls := m.count("GET", "/integrations/"+in.ID+"/status")
		if polls < 2 || polls > 4 { // at once, then every 250ms
			t.Errorf("%d polls in 300ms", polls)
		}
	})
	t.Run("vanished while waiting", func(t *testing.T) {
		m := startEmu(t, time.Minute)
		in, err := m.c.CreateIntegration(ctx, snowflake("a.snowflakecomputing.com", true))
		if err != nil {
			t.Fatal(err)
		}
		time.AfterFunc(50*time.Millisecond, func() { _ = m.e.Vanish(in.ID) })
		_, err = m.c.WaitForStatus(ctx, in.ID, fastWait)
		_ = wantAPIError(t, err, 404, "No integration found with ID "+in.ID+".")
	})
}

func wantFailure(t *testing.T, m *emu, id, status, message string) {
	t.Helper()
	_, err := m.c.WaitForStatus(context.Background(), id, fastWait)
	var fe *client.OperationFailedError
	if !errors.As(err, &fe) || fe.Status != status || fe.ID != id {
		t.Fatalf("err = %v, want %s", err, status)
	}
	if fe.ValidationResults == nil || len(fe.ValidationResults.Problems()) == 0 || fe.ValidationResults.Problems()[0].Message != message {
		t.Errorf("validation %+v", fe.ValidationResults)
	}
}

func TestEmulatorTLS(t *testing.T) {
	srv, err := emulator.StartTLS(emulator.Options{APIKey: emuKey})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	ctx := context.Background()
	if _, err := newClient(t, srv.URL, emuKey).ListIntegrations(ctx); err == nil || strings.Contains(err.Error(), "giving up") {
		t.Fatalf("without the CA: %v, want one refused attempt", err)
	}
	if len(srv.Emulator.Requests()) != 0 {
		t.Error("a request got through an untrusted connection")
	}
	if _, err := newClient(t, srv.URL, emuKey, func(c *client.Config) { c.CACertPEM = srv.CACertPEM }).ListIntegrations(ctx); err != nil {
		t.Fatalf("with CACertPEM: %v", err)
	}
	if _, err := newClient(t, srv.URL, emuKey, func(c *client.Config) { c.Insecure = true }).ListIntegrations(ctx); err != nil {
		t.Fatalf("with Insecure: %v", err)
	}
}

func TestEmulatorLogsHaveNoSecrets(t *testing.T) {
	m := startEmu(t, 0)
	var buf bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &buf)
	in, err := m.c.CreateIntegration(ctx, snowflake("acme.snowflakecomputing.com", true))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.c.WaitForStatus(ctx, in.ID, fastWait); err != nil {
		t.Fatal(err)
	}
	dbx := m.create(t, databricks("dbc-9.cloud.databricks.com"))
	if _, err := m.c.GetIntegration(ctx, dbx.ID); err != nil {
		t.Fatal(err)
	}
	trino := m.create(t, client.Payload{Type: "Trino"})
	got, err := m.c.GetIntegration(ctx, trino.ID)
	if err != nil {
		t.Fatal(err)
	}
	var tc map[string]any
	if err := got.DecodeConfig(&tc); err != nil {
		t.Fatal(err)
	}
	trinoKey, _ := tc["apiKey"].(string)
	if trinoKey == "" {
		t.Fatalf("no Trino API key in %v", tc)
	}
	if _, err := m.c.DeleteIntegration(ctx, in.ID, snowflakeDeleteCreds()); err != nil {
		t.Fatal(err)
	}

	out := buf.String()
	for _, secret := range []string{sfPassword, dbToken, emuKey, trinoKey} {
		if strings.Contains(out, secret) {
			t.Errorf("secret %q is in the log", secret)
		}
	}
	for _, want := range []string{`\"host\":\"acme.snowflakecomputing.com\"`, `\"password\":\"***\"`, `\"apiKey\":\"***\"`, `"status":200`, `"method":"DELETE"`} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %s", want)
		}
	}
}
