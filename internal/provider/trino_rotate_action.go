// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/immuta/terraform-provider-immuta/internal/integrationtype"
)

var (
	_ action.Action               = (*trinoRotateAction)(nil)
	_ action.ActionWithConfigure  = (*trinoRotateAction)(nil)
	_ action.ActionWithModifyPlan = (*trinoRotateAction)(nil)
)

// newTrinoRotateAction returns the immuta_trino_rotate_api_key action: a
// one-off rotation, run with terraform apply -invoke, instead of a counter
// kept in the resource (rotate_api_key, which older Terraform versions use).
func newTrinoRotateAction() action.Action { return &trinoRotateAction{} }

type trinoRotateAction struct{ configuredAction }

func (a *trinoRotateAction) Metadata(_ context.Context, req action.MetadataRequest, resp *action.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_trino_rotate_api_key"
}

func (a *trinoRotateAction) Schema(_ context.Context, _ action.SchemaRequest, resp *action.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Rotates the Immuta API key of a Starburst (Trino) integration (Terraform 1.14 and later): Immuta issues a new key " +
			"(`POST /integrations/{id}/regenerate`) and the old one stops working at once, so configure the Starburst cluster with the " +
			"new key right after. Run it with `terraform apply -invoke=action.immuta_trino_rotate_api_key.<name>`. The new key is read " +
			"by the `immuta_trino_api_key` ephemeral resource, and by the integration's next refresh when it keeps `api_key` in state.",
		Attributes: map[string]schema.Attribute{
			"integration_id": schema.StringAttribute{
				MarkdownDescription: "Immuta's ID of the Starburst (Trino) integration, such as `immuta_integration.starburst.id`.",
				Required:            true,
				Validators:          integrationIDValidators(),
			},
		},
	}
}

// ModifyPlan checks, when the plan is made, that the integration exists and
// is a Starburst (Trino) one, so a wrong ID fails before anything is applied.
func (a *trinoRotateAction) ModifyPlan(ctx context.Context, req action.ModifyPlanRequest, resp *action.ModifyPlanResponse) {
	var id types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("integration_id"), &id)...)
	if resp.Diagnostics.HasError() || id.IsNull() || id.IsUnknown() || a.client == nil {
		return
	}
	findTrinoIntegration(ctx, a.client, id.ValueString(), &resp.Diagnostics)
}

func (a *trinoRotateAction) Invoke(ctx context.Context, req action.InvokeRequest, resp *action.InvokeResponse) {
	if !a.requireClient(&resp.Diagnostics) {
		return
	}
	var id types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("integration_id"), &id)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if findTrinoIntegration(ctx, a.client, id.ValueString(), &resp.Diagnostics) == nil {
		return
	}
	name := describe(integrationtype.Trino, "", id.ValueString())
	resp.SendProgress(action.InvokeProgressEvent{Message: "Asking Immuta for a new API key of " + name})
	if _, err := a.client.RegenerateAPIKey(ctx, id.ValueString()); err != nil {
		resp.Diagnostics.Append(rotationFailed(name, id.ValueString(), err, "The action changes no state.")...)
		return
	}
	resp.SendProgress(action.InvokeProgressEvent{Message: "Rotated the API key of " + name +
		": the previous key no longer works; configure the Starburst cluster with the new one."})
}
