// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/path"
	fwprovider "github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/immuta/terraform-provider-immuta/internal/client"
	"github.com/immuta/terraform-provider-immuta/internal/emulator"
)

func TestProviderSchemaIsValid(t *testing.T) {
	server, err := testProviders["immuta"]()
	if err != nil {
		t.Fatal(err)
	}
	resp, err := server.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range resp.Diagnostics {
		t.Errorf("schema diagnostic: %s: %s", d.Summary, d.Detail)
	}
	if _, ok := resp.ResourceSchemas["immuta_integration"]; !ok {
		t.Fatalf("no immuta_integration resource in %v", resp.ResourceSchemas)
	}
}

func nullSettings() providerModel {
	return providerModel{
		URL: types.StringNull(), APIKey: types.StringNull(), CACertificate: types.StringNull(),
		Insecure: types.BoolNull(), RequestTimeout: types.StringNull(), MaxRetries: types.Int64Null(),
	}
}

func clearEnv(t *testing.T) {
	for _, v := range []string{envURL, envAPIKey, envCACertificate, envInsecure, envRequestTimeout, envMaxRetries} {
		t.Setenv(v, "")
	}
}

func TestResolveSettingsFallsBackToEnvironment(t *testing.T) {
	clearEnv(t)
	t.Setenv(envURL, "https://acme.hosted.immutacloud.com")
	t.Setenv(envAPIKey, "env-key")
	t.Setenv(envRequestTimeout, "90s")
	t.Setenv(envMaxRetries, "7")
	t.Setenv(envInsecure, "true")
	got, diags := resolveSettings(nullSettings())
	if diags.HasError() {
		t.Fatalf("diagnostics: %v", diags)
	}
	if got.URL != "https://acme.hosted.immutacloud.com" || got.APIKey != "env-key" || got.RequestTimeout != 90*time.Second ||
		got.MaxRetries != 7 || !got.Insecure {
		t.Errorf("settings from the environment: %+v", got)
	}

	cfg := nullSettings()
	cfg.URL = types.StringValue("https://other.example.com")
	cfg.MaxRetries = types.Int64Value(0)
	got, _ = resolveSettings(cfg)
	if got.URL != "https://other.example.com" || got.MaxRetries != client.NoRetries {
		t.Errorf("the configuration must win over the environment: %+v", got)
	}
}

func TestResolveSettingsDefaults(t *testing.T) {
	clearEnv(t)
	cfg := nullSettings()
	cfg.URL = types.StringValue("https://acme.example.com")
	cfg.APIKey = types.StringValue("k")
	got, diags := resolveSettings(cfg)
	if diags.HasError() {
		t.Fatal(diags)
	}
	if got.RequestTimeout != client.DefaultRequestTimeout || got.MaxRetries != client.DefaultMaxRetries || got.Insecure {
		t.Errorf("defaults: %+v", got)
	}
}

func TestResolveSettingsErrorsNameAttributeAndVariable(t *testing.T) {
	pemFile := filepath.Join(t.TempDir(), "not-a-cert.txt")
	if err := os.WriteFile(pemFile, []byte("hello"), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name     string
		env      map[string]string
		attr     string
		contains []string
	}{
		{"missing url", map[string]string{envAPIKey: "k"}, "url", []string{"url", envURL}},
		{"missing key", map[string]string{envURL: "https://a.example.com"}, "api_key", []string{"api_key", envAPIKey}},
		{"url without scheme", map[string]string{envURL: "acme.example.com", envAPIKey: "k"}, "url", []string{"https://", envURL}},
		{"bad timeout", map[string]string{envURL: "https://a.example.com", envAPIKey: "k", envRequestTimeout: "soon"}, "request_timeout", []string{envRequestTimeout}},
		{"bad retries", map[string]string{envURL: "https://a.example.com", envAPIKey: "k", envMaxRetries: "-1"}, "max_retries", []string{envMaxRetries}},
		{"bad insecure", map[string]string{envURL: "https://a.example.com", envAPIKey: "k", envInsecure: "maybe"}, "insecure", []string{envInsecure}},
		{"ca file without PEM", map[string]string{envURL: "https://a.example.com", envAPIKey: "k", envCACertificate: pemFile}, "ca_certificate", []string{"PEM"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			clearEnv(t)
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			_, diags := resolveSettings(nullSettings())
			if !diags.HasError() {
				t.Fatal("no error")
			}
			d := diags.Errors()[0]
			wp, ok := d.(interface{ Path() path.Path })
			if !ok || wp.Path().String() != tc.attr {
				t.Errorf("error %q is not on attribute %s", d.Summary(), tc.attr)
			}
			for _, c := range tc.contains {
				if !strings.Contains(d.Summary()+" "+d.Detail(), c) {
					t.Errorf("error %q / %q does not mention %s", d.Summary(), d.Detail(), c)
				}
			}
		})
	}
}

func TestProviderMetadata(t *testing.T) {
	var resp fwprovider.MetadataResponse
	New("1.2.3")().Metadata(context.Background(), fwprovider.MetadataRequest{}, &resp)
	if resp.TypeName != "immuta" || resp.Version != "1.2.3" {
		t.Errorf("metadata %+v", resp)
	}
}

// A misconfigured provider fails at plan time, before any request.
func TestAccProvider_configurationErrorsAtPlanTime(t *testing.T) {
	srv := startEmulator(t)
	accPreCheck(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{
				Config: `
provider "immuta" {
  url     = "acme.hosted.immutacloud.com"
  api_key = "k"
}
resource "immuta_integration" "test" {
  trino = {}
}`,
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)url.*must start with https://`),
			},
			{
				Config: `
provider "immuta" {
  url             = "` + srv.URL + `"
  api_key         = "k"
  request_timeout = "soon"
}
resource "immuta_integration" "test" {
  trino = {}
}`,
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)request_timeout.*Go duration`),
			},
			{
				Config: `
provider "immuta" {
  url = "` + srv.URL + `"
}
resource "immuta_integration" "test" {
  trino = {}
}`,
				PreConfig:   func() { t.Setenv(envAPIKey, "") },
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Missing Immuta API key.*IMMUTA_API_KEY`),
			},
		},
	})
	if n := len(srv.Emulator.Requests()); n != 0 {
		t.Errorf("%d requests reached Immuta from a misconfigured provider", n)
	}
}

// A wrong API key is reported as such, with the fix.
func TestAccProvider_wrongAPIKey(t *testing.T) {
	srv := startEmulator(t)
	accPreCheck(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config: `
provider "immuta" {
  url     = "` + srv.URL + `"
  api_key = "not-the-key"
}
resource "immuta_integration" "test" {
  trino = {}
}`,
			ExpectError: regexp.MustCompile(`(?s)Immuta rejected the API key.*401`),
		}},
	})
}

// TestMaxRetriesZeroMeansOneAttempt: as documented, max_retries = 0 (or
// IMMUTA_MAX_RETRIES=0) turns retries off: one request to a server that
// always answers 503, not the default six.
func TestMaxRetriesZeroMeansOneAttempt(t *testing.T) {
	for _, fromEnv := range []bool{false, true} {
		clearEnv(t)
		var mu sync.Mutex
		requests := 0
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			mu.Lock()
			requests++
			mu.Unlock()
			w.WriteHeader(http.StatusServiceUnavailable)
		}))
		cfg := nullSettings()
		cfg.URL = types.StringValue(srv.URL)
		cfg.APIKey = types.StringValue("k")
		if fromEnv {
			t.Setenv(envMaxRetries, "0")
		} else {
			cfg.MaxRetries = types.Int64Value(0)
		}
		settings, diags := resolveSettings(cfg)
		if diags.HasError() {
			t.Fatal(diags)
		}
		c, err := client.New(settings)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.GetIntegration(context.Background(), "1"); err == nil {
			t.Fatal("a 503 was not an error")
		}
		srv.Close()
		if requests != 1 {
			t.Errorf("max_retries = 0 (from the environment: %t) sent %d requests, want 1", fromEnv, requests)
		}
	}
}

// What a platform team runs into in CI, through the terraform binary and its
// exit codes: one error for a wrong key or url, whatever the plan holds.

// TestAccProviderCheck_oneErrorPerRun: a plan with only creates pending
// fails with a wrong or non-admin key, and a plan with three integrations in
// state prints the 401 once, not once per resource; nothing else is asked.
func TestAccProviderCheck_oneErrorPerRun(t *testing.T) {
	tf, ctx := parallelCLITest(t, 3*time.Minute)
	srv, err := emulator.Start(emulator.Options{APIKey: testAPIKey, NonAdminAPIKey: "non-admin-key-3c1f"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	resources := manualSnowflake("a", "a.snowflakecomputing.com") + manualSnowflake("b", "b.snowflakecomputing.com") +
		manualSnowflake("c", "c.snowflakecomputing.com")

	for _, tc := range []struct{ key, want, fix string }{
		{"wrong-key-0000", "Error: Immuta rejected the API key", "expired or revoked"},
		{"non-admin-key-3c1f", "Error: The API key may not manage integrations", "APPLICATION_ADMIN"},
	} {
		tf.write(providerBlock(srv.URL, tc.key) + resources)
		out, err := tf.run(ctx, "plan")
		if err == nil || countOf(out, tc.want) != 1 || !shows(out, tc.fix) || !strings.Contains(out, "api_key") {
			t.Fatalf("plan of creates with key %s: %v, want exactly one %q:\n%s", tc.key, err, tc.want, out)
		}
	}
	if calls := callsBeyondAccessCheck(srv); len(calls) != 0 {
		t.Fatalf("a refused key still reached the API: %+v", calls)
	}

	tf.write(providerBlock(srv.URL, testAPIKey) + resources)
	tf.mustRun(ctx, "apply", "-auto-approve")
	tf.write(providerBlock(srv.URL, "wrong-key-0000") + resources)
	out, err := tf.run(ctx, "plan")
	if err == nil || countOf(out, "Error: Immuta rejected the API key") != 1 || strings.Contains(out, "Cannot read integration") {
		t.Fatalf("plan with three integrations in state and a wrong key: %v, want one error:\n%s", err, out)
	}
	tf.write(providerBlock(srv.URL, testAPIKey) + resources)
	tf.mustRun(ctx, "destroy", "-auto-approve")
}

// TestAccProviderCheck_urlErrors: a url nobody answers on, a url of http
// server written as https, and a url with a path that is not Immuta's API
// each get one error on url that says what to check.
func TestAccProviderCheck_urlErrors(t *testing.T) {
	tf, ctx := parallelCLITest(t, 3*time.Minute)
	srv := startEmulator(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + ln.Addr().String()
	ln.Close() // nothing listens there any more
	for _, tc := range []struct{ name, url, want, detail string }{
		{"connection refused", closed, "Error: Cannot reach Immuta", "connection refused"},
		{"http server, https url", strings.Replace(srv.URL, "http://", "https://", 1), "Error: Cannot reach Immuta",
			"server gave HTTP response to HTTPS client"},
		{"wrong base path", srv.URL + "/not-immuta", "Error: The url does not lead to Immuta's API", "root URL without a path"},
	} {
		tf.write(providerBlock(tc.url, testAPIKey) + manualSnowflake("a", "a.snowflakecomputing.com"))
		out, err := tf.run(ctx, "plan")
		if err == nil || countOf(out, tc.want) != 1 || !shows(out, tc.detail) ||
			!shows(out, "IMMUTA_URL") || !strings.Contains(out, "provider[") {
			t.Errorf("%s: %v, want one %q naming url:\n%s", tc.name, err, tc.want, out)
		}
	}
	if n := len(srv.Emulator.Integrations()); n != 0 {
		t.Fatalf("%d integrations made through wrong urls", n)
	}
}
