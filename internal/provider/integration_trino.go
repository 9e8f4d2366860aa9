// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"fmt"

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
func (r *integrationResource) updateTrino(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse, op opened) {
	t, id, prior := op.t, op.m.ID.ValueString(), op.prior
	name := describe(t, "", id)
	if rotationRequested(ctx, req.State.GetAttribute, req.Plan.GetAttribute) {
		if _, err := r.client.RegenerateAPIKey(ctx, id); err != nil {
			resp.State.Raw = req.State.Raw.Copy()
			resp.Diagnostics.AddError("Cannot rotate the Starburst (Trino) API key", fmt.Sprintf("%s: %s", name, err))
			return
		}
	}
	s, err := r.readBack(ctx, t, id, priorState{Block: op.block, AutoBootstrap: op.m.AutoBootstrap, Status: prior.Status, ValidationResults: prior.ValidationResults})
	if err != nil {
		resp.State.Raw = req.State.Raw.Copy()
		resp.Diagnostics.Append(readBackFailed(name, "changed", err)...)
		return
	}
	s.ValidationResults = prior.ValidationResults // as planned: refreshed by the next read
	resp.Diagnostics.Append(writeState(ctx, &resp.State, s, op.m.Timeouts)...)
}
