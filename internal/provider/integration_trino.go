// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/immuta/terraform-provider-immuta/internal/client"
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

// updateTrino rotates the API key when rotate_api_key changed, then reads
// the integration back.
func (r *integrationResource) updateTrino(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse, ch change) {
	t, id, prior := ch.t, ch.planned.ID.ValueString(), ch.state
	name := describe(t, "", id)
	if rotationRequested(ctx, req.State.GetAttribute, req.Plan.GetAttribute) {
		if _, err := r.client.RegenerateAPIKey(ctx, id); err != nil {
			resp.State.Raw = req.State.Raw.Copy()
			resp.Diagnostics.Append(rotationFailed(name, id, err, "The state is unchanged, rotate_api_key included, so the next apply tries again.")...)
			return
		}
	}
	s, err := r.readBack(ctx, t, id, priorState{Block: ch.block, AutoBootstrap: ch.planned.AutoBootstrap, Status: prior.Status, ValidationResults: prior.ValidationResults})
	if err != nil {
		resp.State.Raw = req.State.Raw.Copy()
		resp.Diagnostics.Append(readBackFailed(name, "changed", err)...)
		return
	}
	s.ValidationResults = prior.ValidationResults // as planned: refreshed by the next read
	resp.Diagnostics.Append(writeState(ctx, &resp.State, s, ch.planned.Timeouts)...)
}

// rotationFailed explains a failed key rotation (POST
// /integrations/{id}/regenerate), for the resource and the action alike.
// The route is in Immuta SaaS's endpoint table but not in the 2024.1 and
// 2024.2 ones (IMMUTA_API.md, Settings beyond the schema): a 404 that is not
// Immuta's own not-found answer most likely means this Immuta has no such
// route. state says what the state holds now.
func rotationFailed(name, id string, err error, state string) diag.Diagnostics {
	var diags diag.Diagnostics
	if client.IsForeignNotFound(err) {
		diags.AddError("This Immuta may not offer API key rotation",
			fmt.Sprintf("%s: Immuta answered POST /integrations/%s/regenerate with a 404 that is not its answer for a missing integration. "+
				"Key rotation is in Immuta SaaS's API, but not in that of self-managed Immuta 2024.1 and 2024.2, so this tenant most likely "+
				"does not offer it. Nothing was rotated: the key the Starburst cluster uses still works. %s Rotate the key in Immuta's "+
				"UI, or upgrade Immuta; if other requests fail with 404 too, check the provider's url instead.", name, id, state))
		return diags
	}
	detail := fmt.Sprintf("%s: %s. %s", name, err, state)
	if client.IsOutcomeUnknown(err) {
		detail += "\n\nThe request may have reached Immuta: the key may have been rotated. Read it with the immuta_trino_api_key " +
			"ephemeral resource before rotating again, since each rotation invalidates the previous key."
	}
	diags.AddError("Cannot rotate the Starburst (Trino) API key", detail)
	return diags
}
