// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/immuta/terraform-provider-immuta/internal/client"
	"github.com/immuta/terraform-provider-immuta/internal/integrationtype"
)

var (
	_ ephemeral.EphemeralResource              = (*trinoAPIKeyEphemeral)(nil)
	_ ephemeral.EphemeralResourceWithConfigure = (*trinoAPIKeyEphemeral)(nil)
)

// NewTrinoAPIKeyEphemeralResource returns the immuta_trino_api_key
// ephemeral resource: the key of a Starburst (Trino) integration, read at
// run time and never stored in state or plan files.
func NewTrinoAPIKeyEphemeralResource() ephemeral.EphemeralResource { return &trinoAPIKeyEphemeral{} }

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
	obj := readTrinoIntegration(ctx, e.client, id.ValueString(), &resp.Diagnostics)
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

// readTrinoIntegration reads integration id and checks that it is a live
// Starburst (Trino) integration; on failure it reports why, on
// integration_id, and returns nil.
func readTrinoIntegration(ctx context.Context, c *client.Client, id string, diags *diag.Diagnostics) *client.Integration {
	attr := path.Root("integration_id")
	obj, err := c.GetIntegration(ctx, id)
	switch {
	case client.IsGone(obj, err):
		diags.AddAttributeError(attr, "Integration not found",
			fmt.Sprintf("Immuta has no integration %s (or reports it deleted). Set integration_id to the ID of an existing Starburst (Trino) "+
				"integration, such as immuta_integration.<name>.id; the immuta_integrations data source with type = \"trino\" lists them.", id))
		return nil
	case err != nil:
		diags.Append(readErrorDiagnostics("Cannot read the integration", "Immuta integration "+id, err)...)
		return nil
	}
	if obj.Type != integrationtype.Trino.APIName {
		diags.AddAttributeError(attr, "Not a Starburst (Trino) integration",
			fmt.Sprintf("Integration %s is %s integration; only Starburst (Trino) integrations have an Immuta API key. "+
				"Set integration_id to the ID of a Starburst (Trino) integration.", id, withArticle(displayName(obj.Type))))
		return nil
	}
	return obj
}

// displayName names an API type as the documentation does.
func displayName(apiType string) string {
	if t, ok := integrationtype.ByAPIName(apiType); ok {
		return t.DisplayName
	}
	return fmt.Sprintf("%q", apiType)
}

// planStoredValues plans the fields a StoreSwitch governs (Trino's api_key):
// null while the switch keeps them out of state, unknown when it lets them
// back in (the apply reads them from Immuta).
func planStoredValues(ctx context.Context, t *integrationtype.Type, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	root := path.Root(t.Block)
	for _, f := range t.StoreSwitches() {
		var planned, before types.Bool
		resp.Diagnostics.Append(resp.Plan.GetAttribute(ctx, root.AtName(f.StoreSwitch), &planned)...)
		switch {
		case planned.IsUnknown():
			resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, root.AtName(f.Name), types.StringUnknown())...)
		case !integrationtype.Stored(planned):
			resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, root.AtName(f.Name), types.StringNull())...)
		case !req.State.Raw.IsNull():
			if req.State.GetAttribute(ctx, root.AtName(f.StoreSwitch), &before).HasError() {
				continue // the state holds another type
			}
			if !integrationtype.Stored(before) {
				resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, root.AtName(f.Name), types.StringUnknown())...)
			}
		}
	}
}
