// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

// Package provider wires the Immuta API client into Terraform: the provider
// configuration, the immuta_integration resource and the data sources.
package provider

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/immuta/terraform-provider-immuta/internal/client"
	"github.com/immuta/terraform-provider-immuta/internal/integrationtype"
)

// Address is the provider's source address in the Terraform Registry.
const Address = "registry.terraform.io/immuta/immuta"

// Environment variables read when the matching attribute is not set.
const (
	envURL            = "IMMUTA_URL"
	envAPIKey         = "IMMUTA_API_KEY"
	envCACertificate  = "IMMUTA_CA_CERTIFICATE"
	envInsecure       = "IMMUTA_INSECURE"
	envRequestTimeout = "IMMUTA_REQUEST_TIMEOUT"
	envMaxRetries     = "IMMUTA_MAX_RETRIES"
)

var (
	_ provider.Provider                   = (*immutaProvider)(nil)
	_ provider.ProviderWithValidateConfig = (*immutaProvider)(nil)
)

type immutaProvider struct {
	version string
}

// New returns a constructor of the provider, as providerserver expects.
func New(version string) func() provider.Provider {
	return func() provider.Provider { return &immutaProvider{version: version} }
}

type providerModel struct {
	URL            types.String `tfsdk:"url"`
	APIKey         types.String `tfsdk:"api_key"`
	CACertificate  types.String `tfsdk:"ca_certificate"`
	Insecure       types.Bool   `tfsdk:"insecure"`
	RequestTimeout types.String `tfsdk:"request_timeout"`
	MaxRetries     types.Int64  `tfsdk:"max_retries"`
	DeleteCreds    types.Map    `tfsdk:"delete_credentials"`
}

func (p *immutaProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "immuta"
	resp.Version = p.version
}

var urlPattern = regexp.MustCompile(`^https?://[^\s/]+`)

func (p *immutaProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Manage [Immuta](https://www.immuta.com) integrations (" + typeDisplayNames() + ") through Immuta's Integrations API.",
		Attributes: map[string]schema.Attribute{
			"url": schema.StringAttribute{
				MarkdownDescription: "Root URL of the Immuta tenant, such as `https://acme.hosted.immutacloud.com`. " +
					"May also be set with the `" + envURL + "` environment variable.",
				Optional: true,
				// Checked when the provider is configured, by a check that does
				// not echo the value: a URL may hold credentials.
			},
			"api_key": schema.StringAttribute{
				MarkdownDescription: "Immuta API key of a user with the `APPLICATION_ADMIN` permission. " +
					"May also be set with the `" + envAPIKey + "` environment variable, which keeps it out of configuration files.",
				Optional:   true,
				Sensitive:  true,
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"ca_certificate": schema.StringAttribute{
				MarkdownDescription: "PEM-encoded CA certificates to trust in addition to the system's, for a tenant behind a private CA " +
					"(use `file(\"ca.pem\")`). May also be set with `" + envCACertificate + "`, holding the PEM or a path to a PEM file.",
				Optional: true,
			},
			"insecure": schema.BoolAttribute{
				MarkdownDescription: "Skip TLS certificate verification. Only for testing: anyone on the network path can read the API key. " +
					"May also be set with `" + envInsecure + "`. Defaults to `false`.",
				Optional: true,
			},
			"request_timeout": schema.StringAttribute{
				MarkdownDescription: "Time limit of one HTTP request, as a Go duration such as `60s` or `2m`. " +
					"A read, with all its retries, is limited to `request_timeout` × (`max_retries` + 1). " +
					"May also be set with `" + envRequestTimeout + "`. Defaults to `" + seconds(client.DefaultRequestTimeout) + "`. Waiting for asynchronous operations is governed by each resource's `timeouts`.",
				Optional:   true,
				Validators: []validator.String{durationValidator{}},
			},
			"max_retries": schema.Int64Attribute{
				MarkdownDescription: "How many times a request is retried after a `429`, `502`, `503`, `504` or a connection error, " +
					"with capped, jittered exponential backoff. May also be set with `" + envMaxRetries + "`. Defaults to `" + strconv.Itoa(client.DefaultMaxRetries) + "`.",
				Optional:   true,
				Validators: []validator.Int64{int64validator.Between(0, 20)},
			},
			deleteCredentialsAttr: deleteCredentialsSchema(),
		},
	}
}

// ValidateConfig checks delete_credentials in terraform validate too.
func (p *immutaProvider) ValidateConfig(ctx context.Context, req provider.ValidateConfigRequest, resp *provider.ValidateConfigResponse) {
	var creds types.Map
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root(deleteCredentialsAttr), &creds)...)
	if !resp.Diagnostics.HasError() {
		_, diags := parseDeleteCredentials(ctx, creds)
		resp.Diagnostics.Append(diags...)
	}
}

func (p *immutaProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	settings, diags := resolveSettings(cfg)
	resp.Diagnostics.Append(diags...)
	creds, diags := parseDeleteCredentials(ctx, cfg.DeleteCreds)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	if settings.Insecure {
		resp.Diagnostics.AddAttributeWarning(path.Root("insecure"), "TLS verification is disabled",
			"insecure = true: the provider does not verify the Immuta server's certificate, so anyone on the network path "+
				"can impersonate it and read the API key. Use ca_certificate to trust a private CA instead.")
	}

	settings.UserAgent = client.UserAgent(p.version, req.TerraformVersion)
	// The client masks these in its debug log; without them it logs no bodies.
	settings.SecretKeys = integrationtype.SecretJSONKeys()
	c, err := client.New(settings)
	if err != nil {
		resp.Diagnostics.AddError("Cannot configure the Immuta client", err.Error())
		return
	}
	if err := c.CheckAccess(ctx); err != nil {
		resp.Diagnostics.Append(accessCheckDiagnostics(c.BaseURL(), err)...)
		return
	}
	data := &providerData{client: c, deleteCredentials: creds}
	resp.DataSourceData = data
	resp.ResourceData = data
	resp.EphemeralResourceData, resp.ListResourceData, resp.ActionData = resp.ResourceData, resp.ResourceData, resp.ResourceData
}

// accessCheckDiagnostics explains why the provider's one check of url and
// api_key failed: one error for the whole run, on the setting to fix.
func accessCheckDiagnostics(baseURL string, err error) diag.Diagnostics {
	var diags diag.Diagnostics
	var apiErr *client.APIError
	var decodeErr *client.DecodeError
	const nothing = "Nothing was read or changed in Immuta."
	switch {
	case client.IsUnauthorized(err) || client.IsForbidden(err):
		summary, detail := authProblem(err, "at "+baseURL+" to the provider's check of its settings")
		diags.AddAttributeError(path.Root("api_key"), summary, detail)
	case client.IsCertificateError(err):
		diags.AddAttributeError(path.Root("ca_certificate"), "The Immuta server's certificate is not trusted",
			fmt.Sprintf("Checking the provider's settings against %s: %s.\n\n%s If the tenant uses a private certificate authority, set ca_certificate "+
				"(or %s) to its PEM certificate. insecure = true skips verification, but then anyone on the network path can impersonate Immuta and "+
				"read the API key.", baseURL, err, nothing, envCACertificate))
	case client.IsConnectionError(err):
		diags.AddAttributeError(path.Root("url"), "Cannot reach Immuta",
			fmt.Sprintf("Checking the provider's settings against %s: %s.\n\n%s Check the provider's url (or %s): its scheme (https:// for a tenant; "+
				"\"server gave HTTP response to HTTPS client\" means the server speaks plain http), host name and port, and that this machine "+
				"can reach it (VPN, proxy, firewall).", baseURL, err, nothing, envURL))
	case client.IsForeignNotFound(err) || (errors.As(err, &apiErr) && !apiErr.FromImmuta) || errors.As(err, &decodeErr):
		diags.AddAttributeError(path.Root("url"), "The url does not lead to Immuta's API",
			fmt.Sprintf("Checking the provider's settings: %s.\n\nThe answer is not Immuta's API: %s The provider's url (or %s) must be the "+
				"tenant's root URL without a path, such as https://acme.hosted.immutacloud.com; check it, and any proxy in between.", err, nothing, envURL))
	case errors.Is(err, context.DeadlineExceeded):
		diags.AddAttributeError(path.Root("url"), "Immuta did not answer in time",
			fmt.Sprintf("Checking the provider's settings against %s: %s.\n\n%s Check that Immuta is reachable at the provider's url (or %s); "+
				"raise request_timeout (or %s) if it is just slow.", baseURL, err, nothing, envURL, envRequestTimeout))
	default:
		diags.AddError("Cannot check the provider's settings with Immuta",
			fmt.Sprintf("Checking the provider's url and api_key against %s failed: %s.\n\n%s Try again; if it persists, check Immuta's health.", baseURL, err, nothing))
	}
	return diags
}

// resolveSettings merges the configuration with the IMMUTA_* environment
// variables; errors name both the attribute and the variable.
func resolveSettings(cfg providerModel) (client.Config, diag.Diagnostics) {
	var diags diag.Diagnostics
	for name, v := range map[string]interface{ IsUnknown() bool }{
		"url": cfg.URL, "api_key": cfg.APIKey, "ca_certificate": cfg.CACertificate,
		"insecure": cfg.Insecure, "request_timeout": cfg.RequestTimeout, "max_retries": cfg.MaxRetries,
	} {
		if v.IsUnknown() {
			diags.AddAttributeError(path.Root(name), "Provider setting not known until apply",
				fmt.Sprintf("The provider's %s depends on a value that is only known after apply. "+
					"Set it from a known value, or apply its source first with -target.", name))
		}
	}
	if diags.HasError() {
		return client.Config{}, diags
	}

	out := client.Config{
		URL:            stringSetting(cfg.URL, envURL),
		APIKey:         stringSetting(cfg.APIKey, envAPIKey),
		RequestTimeout: client.DefaultRequestTimeout,
		MaxRetries:     client.DefaultMaxRetries,
	}
	if out.URL == "" {
		diags.AddAttributeError(path.Root("url"), "Missing Immuta URL",
			"Set the provider's url attribute or the "+envURL+" environment variable to the tenant's root URL, such as https://acme.hosted.immutacloud.com.")
	} else if !urlPattern.MatchString(out.URL) {
		diags.AddAttributeError(path.Root("url"), "Invalid Immuta URL",
			fmt.Sprintf("The Immuta URL (url or %s) must start with https:// (or http:// for a local emulator), such as https://acme.hosted.immutacloud.com.", envURL))
	}
	if out.APIKey == "" {
		diags.AddAttributeError(path.Root("api_key"), "Missing Immuta API key",
			"Set the provider's api_key attribute or the "+envAPIKey+" environment variable to an API key of a user with the APPLICATION_ADMIN permission.")
	} else if strings.ContainsFunc(out.APIKey, unicode.IsControl) {
		diags.AddAttributeError(path.Root("api_key"), "Invalid Immuta API key",
			"The API key (api_key or "+envAPIKey+") contains a control character, such as a line break or a tab, which cannot be sent: "+
				"copy the key again without it.")
	}

	if ca := stringSetting(cfg.CACertificate, envCACertificate); ca != "" {
		pem, err := readPEM(ca)
		if err != nil {
			diags.AddAttributeError(path.Root("ca_certificate"), "Invalid CA certificate", err.Error())
		}
		out.CACertPEM = pem
	}

	if !cfg.Insecure.IsNull() {
		out.Insecure = cfg.Insecure.ValueBool()
	} else if v := os.Getenv(envInsecure); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			diags.AddAttributeError(path.Root("insecure"), "Invalid "+envInsecure, envInsecure+" must be true or false.")
		}
		out.Insecure = b
	}

	if v := stringSetting(cfg.RequestTimeout, envRequestTimeout); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			diags.AddAttributeError(path.Root("request_timeout"), "Invalid request timeout",
				fmt.Sprintf("request_timeout (or %s) must be a positive Go duration such as 60s or 2m, not %q.", envRequestTimeout, v))
		}
		out.RequestTimeout = d
	}

	if !cfg.MaxRetries.IsNull() {
		out.MaxRetries = int(cfg.MaxRetries.ValueInt64())
	} else if v := os.Getenv(envMaxRetries); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 20 {
			diags.AddAttributeError(path.Root("max_retries"), "Invalid "+envMaxRetries, envMaxRetries+" must be a whole number between 0 and 20.")
		}
		out.MaxRetries = n
	}
	if out.MaxRetries == 0 {
		out.MaxRetries = client.NoRetries // the client reads 0 as its default
	}
	return out, diags
}

// seconds writes a duration as the descriptions do: "60s".
func seconds(d time.Duration) string { return strconv.Itoa(int(d/time.Second)) + "s" }

func stringSetting(v types.String, env string) string {
	if !v.IsNull() {
		return strings.TrimSpace(v.ValueString())
	}
	return strings.TrimSpace(os.Getenv(env))
}

// maxCABundle bounds a CA bundle read from a file: the system's whole bundle
// is a few hundred kilobytes, and a path such as /dev/zero must not fill the
// memory.
const maxCABundle = 4 << 20

// readBounded reads at most limit bytes of a file, and fails beyond that.
func readBounded(name string, limit int64) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("%s is larger than %d MiB, more than any CA bundle", name, limit>>20)
	}
	return b, nil
}

// readPEM accepts PEM text or, for the environment variable, a path to it.
func readPEM(v string) ([]byte, error) {
	if strings.Contains(v, "-----BEGIN") {
		return []byte(v), nil
	}
	b, err := readBounded(v, maxCABundle)
	if err != nil {
		return nil, fmt.Errorf("ca_certificate (or %s) must hold PEM-encoded certificates or, for the variable, the path of a PEM file: %v", envCACertificate, err)
	}
	if !strings.Contains(string(b), "-----BEGIN") {
		return nil, fmt.Errorf("%s holds no PEM-encoded certificate", v)
	}
	return b, nil
}

func (p *immutaProvider) Resources(_ context.Context) []func() resource.Resource {
	return []func() resource.Resource{newIntegrationResource}
}

func (p *immutaProvider) DataSources(_ context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{newIntegrationDataSource, newIntegrationsDataSource, newIntegrationScriptDataSource}
}

// durationValidator checks a Go duration string at plan time.
type durationValidator struct{}

func (durationValidator) Description(context.Context) string {
	return "must be a positive Go duration such as 60s or 2m"
}

func (v durationValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v durationValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if d, err := time.ParseDuration(req.ConfigValue.ValueString()); err != nil || d <= 0 {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid duration",
			fmt.Sprintf("%s %s, not %q.", req.Path, v.Description(ctx), req.ConfigValue.ValueString()))
	}
}
