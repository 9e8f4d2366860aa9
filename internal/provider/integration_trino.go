// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/immuta/terraform-provider-immuta/internal/integrationtype"
)

var (
	trinoRotation = path.Root(integrationtype.Trino.Block).AtName("rotate_api_key")
	trinoAPIKey   = path.Root(integrationtype.Trino.Block).AtName("api_key")
)

// rotationRequested reports whether the plan changes trino.rotate_api_key of
// an existing integration.
func rotationRequested(ctx context.Context, state, plan getter) bool {
	var before, after types.Int64
	if state(ctx, trinoRotation, &before).HasError() || plan(ctx, trinoRotation, &after).HasError() {
		return false
	}
	return !after.IsUnknown() && !before.Equal(after)
}

// planRotation marks the Trino API key unknown when a rotation is planned,
// so the plan says the key will change, and null when store_api_key keeps it
// out of state.
func planRotation(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	var block types.Object
	if req.Plan.GetAttribute(ctx, path.Root(integrationtype.Trino.Block), &block).HasError() || block.IsNull() {
		return
	}
	if !req.State.Raw.IsNull() && rotationRequested(ctx, req.State.GetAttribute, req.Plan.GetAttribute) {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, trinoAPIKey, types.StringUnknown())...)
	}
	planStoredValues(ctx, integrationtype.Trino, req, resp)
}

// updateTrino rotates the API key when rotate_api_key changed, then reads
// the integration back.
func (r *integrationResource) updateTrino(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse, id string, plan types.Object, autoBootstrap types.Bool, to timeouts.Value) {
	t := integrationtype.Trino
	name := describe(t, "", id)
	if rotationRequested(ctx, req.State.GetAttribute, req.Plan.GetAttribute) {
		if _, err := r.client.RegenerateAPIKey(ctx, id); err != nil {
			resp.State.Raw = req.State.Raw.Copy()
			resp.Diagnostics.AddError("Cannot rotate the Starburst (Trino) API key", fmt.Sprintf("%s: %s", name, err))
			return
		}
	}
	obj, err := r.client.GetIntegration(ctx, id)
	if err != nil {
		resp.Diagnostics.AddError("Cannot read the integration", fmt.Sprintf("%s: %s", name, err))
		return
	}
	var status types.String
	var results types.List
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("status"), &status)...)
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("validation_results"), &results)...)
	s, diags := stateFromAPI(t, id, obj, priorState{Block: plan, AutoBootstrap: autoBootstrap, Status: status, ValidationResults: results})
	resp.Diagnostics.Append(diags...)
	resp.Diagnostics.Append(writeState(ctx, &resp.State, s, to)...)
	s.ValidationResults = results // as planned: refreshed by the next read
}
