// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	fwprovider "github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/immuta/terraform-provider-immuta/internal/client"
	"github.com/immuta/terraform-provider-immuta/internal/emulator"
)

// TLS: the provider verifies the tenant's certificate by default, trusts a
// private CA given as ca_certificate, and skips verification only with
// insecure = true, which it warns about.

func startTLSEmulator(t *testing.T) *emulator.Server {
	t.Helper()
	srv, err := emulator.StartTLS(emulator.Options{APIKey: testAPIKey})
	if err != nil {
		t.Fatalf("starting the TLS emulator: %v", err)
	}
	t.Cleanup(srv.Close)
	return srv
}

func tlsConfig(srv *emulator.Server, settings string) string {
	return fmt.Sprintf(`
provider "immuta" {
  url     = %q
  api_key = %q
  %s
}

resource "immuta_integration" "test" {
  trino = {}
}
`, srv.URL, testAPIKey, settings)
}

func TestAccTLS_verifiedByDefault(t *testing.T) {
	accPreCheck(t)
	t.Parallel()
	srv := startTLSEmulator(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config: tlsConfig(srv, ""),
			// The provider's check of its settings finds it before any resource is planned.
			ExpectError: errorPattern(`The Immuta server's certificate is not trusted.*certificate signed by unknown authority.*Nothing was read or changed in Immuta.*ca_certificate`),
		}},
	})
	if n := len(srv.Emulator.Integrations()); n != 0 {
		t.Fatalf("an untrusted server got %d integrations", n)
	}
}

func TestAccTLS_privateCA(t *testing.T) {
	accPreCheck(t)
	t.Parallel()
	srv := startTLSEmulator(t)
	withCA := tlsConfig(srv, fmt.Sprintf("ca_certificate = <<-EOT\n%s  EOT", indent(string(srv.CACertPEM), "    ")))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		CheckDestroy:             checkNothingLeft(srv),
		Steps: []resource.TestStep{
			{Config: withCA, Check: checkCount(srv, 1)},
			{ // without the CA, the plan is refused once, before any refresh, with the same advice
				Config:      tlsConfig(srv, ""),
				PlanOnly:    true,
				ExpectError: errorPattern(`The Immuta server's certificate is not trusted.*ca_certificate`),
			},
			{Config: withCA, PlanOnly: true},
		},
	})
}

func TestAccTLS_insecure(t *testing.T) {
	accPreCheck(t)
	t.Parallel()
	srv := startTLSEmulator(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		CheckDestroy:             checkNothingLeft(srv),
		Steps: []resource.TestStep{{
			Config: tlsConfig(srv, "insecure = true"),
			Check:  checkCount(srv, 1),
		}},
	})
}

func indent(s, prefix string) string {
	var b strings.Builder
	for _, line := range strings.SplitAfter(s, "\n") {
		if line != "" {
			b.WriteString(prefix + line)
		}
	}
	return b.String()
}

// configureProvider runs the provider's Configure with these settings (nil
// for null) and returns the diagnostics and the client.
func configureProvider(t *testing.T, settings map[string]any) (diag.Diagnostics, *client.Client) {
	t.Helper()
	ctx := context.Background()
	p := New("test")()
	var schemaResp fwprovider.SchemaResponse
	p.Schema(ctx, fwprovider.SchemaRequest{}, &schemaResp)
	objType, ok := schemaResp.Schema.Type().TerraformType(ctx).(tftypes.Object)
	if !ok {
		t.Fatal("the provider schema is not an object")
	}
	values := map[string]tftypes.Value{}
	for name, typ := range objType.AttributeTypes {
		values[name] = tftypes.NewValue(typ, settings[name])
	}
	req := fwprovider.ConfigureRequest{Config: tfsdk.Config{Schema: schemaResp.Schema, Raw: tftypes.NewValue(objType, values)}}
	var resp fwprovider.ConfigureResponse
	p.Configure(ctx, req, &resp)
	var diags diag.Diagnostics
	var got configured
	got.take(resp.ResourceData, &diags)
	return resp.Diagnostics, got.client
}

// The warning cannot be seen through terraform-plugin-testing, so the
// provider's Configure is called directly: its check of the settings must
// refuse an unverified server (on ca_certificate), and the client it makes
// otherwise is then tried against the TLS emulator.
func TestProviderTLSSettings(t *testing.T) {
	for _, v := range []string{envURL, envAPIKey, envCACertificate, envInsecure, envRequestTimeout, envMaxRetries} {
		t.Setenv(v, "")
	}
	srv := startTLSEmulator(t)
	base := func(extra map[string]any) map[string]any {
		m := map[string]any{"url": srv.URL, "api_key": testAPIKey}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	warning := regexp.MustCompile(`(?s)anyone on the network path can impersonate it and read the API key.*ca_certificate`)
	for _, tc := range []struct {
		name     string
		settings map[string]any
		warns    bool
		works    bool
	}{
		{"default", base(nil), false, false},
		{"insecure = false", base(map[string]any{"insecure": false}), false, false},
		{"ca_certificate", base(map[string]any{"ca_certificate": string(srv.CACertPEM)}), false, true},
		{"insecure = true", base(map[string]any{"insecure": true}), true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			diags, c := configureProvider(t, tc.settings)
			if !tc.works {
				if len(diags.Errors()) != 1 || diags.Errors()[0].Summary() != "The Immuta server's certificate is not trusted" ||
					!strings.Contains(diags.Errors()[0].Detail(), "ca_certificate") || c != nil {
					t.Fatalf("Configure against an unverified server: %v, want one certificate error and no client", diags)
				}
				return
			}
			if diags.HasError() || c == nil {
				t.Fatalf("Configure: %v", diags)
			}
			var warned []string
			for _, d := range diags.Warnings() {
				warned = append(warned, d.Summary()+": "+d.Detail())
				if d.Summary() != "TLS verification is disabled" || !warning.MatchString(d.Detail()) {
					t.Errorf("unexpected warning %q: %s", d.Summary(), d.Detail())
				}
			}
			if tc.warns != (len(warned) == 1) {
				t.Errorf("warnings %q, want a TLS warning: %t", warned, tc.warns)
			}
			if _, err := c.ListIntegrations(context.Background()); err != nil {
				t.Errorf("listing integrations over TLS: %v", err)
			}
		})
	}
	// Each trusting provider's check of its settings, and its list.
	if n := len(srv.Emulator.Requests()); n != 4 {
		t.Errorf("%d requests reached the TLS emulator, want 4 (from the trusting clients)", n)
	}
}
