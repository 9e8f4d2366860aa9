// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/immuta/terraform-provider-immuta/internal/integrationtype"
)

var (
	_ ephemeral.EphemeralResource              = (*trinoAPIKeyEphemeral)(nil)
	_ ephemeral.EphemeralResourceWithConfigure = (*trinoAPIKeyEphemeral)(nil)
)

// newTrinoAPIKeyEphemeralResource returns the immuta_trino_api_key
// ephemeral resource: the key of a Starburst (Trino) integration, read at
// run time and never stored in state or plan files.
func newTrinoAPIKeyEphemeralResource() ephemeral.EphemeralResource { return &trinoAPIKeyEphemeral{} }

type trinoAPIKeyEphemeral struct{ configuredEphemeral }

func (e *trinoAPIKeyEphemeral) Metadata(_ context.Context, req ephemeral.MetadataRequest, resp *ephemeral.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_trino_api_key"
}

func (e *trinoAPIKeyEphemeral) Schema(_ context.Context, _ ephemeral.SchemaRequest, resp *ephemeral.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The Immuta API key of a Starburst (Trino) integration, read from Immuta each time Terraform runs and never " +
			"stored in the state or in plan files. Pass it to write-only arguments or to other ephemeral " +
			"consumers, such as a secret in a secrets manager, and set `store_api_key = false` in the integration's `trino` block " +
			"to keep the key out of the state altogether.",
		Attributes: map[string]schema.Attribute{
			"integration_id": schema.StringAttribute{
				MarkdownDescription: "Immuta's ID of the Starburst (Trino) integration, such as `immuta_integration.starburst.id`.",
				Required:            true,
				Validators:          integrationIDValidators(),
			},
			"api_key": schema.StringAttribute{
				MarkdownDescription: "The Immuta API key the Starburst cluster must be configured with.",
				Computed:            true,
				Sensitive:           true,
			},
		},
	}
}

func (e *trinoAPIKeyEphemeral) Open(ctx context.Context, req ephemeral.OpenRequest, resp *ephemeral.OpenResponse) {
	if !e.requireClient(&resp.Diagnostics) {
		return
	}
	var id types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("integration_id"), &id)...)
	if resp.Diagnostics.HasError() {
		return
	}
	obj := findTrinoIntegration(ctx, e.client, id.ValueString(), &resp.Diagnostics)
	if obj == nil {
		return
	}
	var cfg map[string]any
	if err := obj.DecodeConfig(&cfg); err != nil {
		resp.Diagnostics.AddError("Cannot read the API key", fmt.Sprintf("%s: Immuta's answer has an unexpected config: %s.", describe(integrationtype.Trino, "", id.ValueString()), err))
		return
	}
	key, _ := cfg[trinoAPIKeyJSON()].(string)
	if key == "" {
		resp.Diagnostics.AddError("Immuta's answer holds no API key",
			fmt.Sprintf("%s: the answer to GET /integrations/%s has no API key. Try again; if it persists, rotate the key "+
				"(the immuta_trino_rotate_api_key action) to have Immuta issue one.", describe(integrationtype.Trino, "", id.ValueString()), id.ValueString()))
		return
	}
	resp.Diagnostics.Append(resp.Result.SetAttribute(ctx, path.Root("integration_id"), id)...)
	resp.Diagnostics.Append(resp.Result.SetAttribute(ctx, path.Root("api_key"), types.StringValue(key))...)
}

// trinoAPIKeyJSON is the API name of Trino's api_key.
func trinoAPIKeyJSON() string {
	f, _ := integrationtype.Trino.Field("api_key")
	return f.JSON
}
