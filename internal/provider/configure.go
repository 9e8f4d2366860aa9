// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/immuta/terraform-provider-immuta/internal/client"
)

// providerData is what the provider hands its resources, data sources, list
// resources, ephemeral resources and actions.
type providerData struct {
	client            *client.Client
	deleteCredentials deleteCredentials
}

// configured is the provider's data as each of them keeps it: embedded
// through the Configure of its kind below, so that every one takes it the
// same way. It is empty while Terraform validates, before the provider is
// configured.
type configured struct{ providerData }

func (c *configured) take(data any, diags *diag.Diagnostics) {
	switch d := data.(type) {
	case nil:
	case *providerData:
		c.providerData = *d
	default:
		diags.AddError("Unexpected provider data", fmt.Sprintf("expected the provider's data, got %T", data))
	}
}

// requireClient reports whether the provider handed over a client.
func (c *configured) requireClient(diags *diag.Diagnostics) bool {
	if c.client == nil {
		diags.AddError("Provider not configured", "The Immuta provider has no client; check the provider configuration (url and api_key).")
		return false
	}
	return true
}

// configuredResource is embedded by resources and list resources.
type configuredResource struct{ configured }

func (c *configuredResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	c.take(req.ProviderData, &resp.Diagnostics)
}

// configuredDataSource is embedded by data sources.
type configuredDataSource struct{ configured }

func (c *configuredDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	c.take(req.ProviderData, &resp.Diagnostics)
}

// configuredEphemeral is embedded by ephemeral resources.
type configuredEphemeral struct{ configured }

func (c *configuredEphemeral) Configure(_ context.Context, req ephemeral.ConfigureRequest, resp *ephemeral.ConfigureResponse) {
	c.take(req.ProviderData, &resp.Diagnostics)
}

// configuredAction is embedded by actions.
type configuredAction struct{ configured }

func (c *configuredAction) Configure(_ context.Context, req action.ConfigureRequest, resp *action.ConfigureResponse) {
	c.take(req.ProviderData, &resp.Diagnostics)
}
