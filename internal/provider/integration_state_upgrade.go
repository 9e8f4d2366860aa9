// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// integrationSchemaVersion is the version of immuta_integration's stored
// state. Terraform hands state written under an older version to the
// matching upgrader below before anything else reads it. SCHEMA_CHANGES.md
// says when a change needs a new version: when a stored value changes shape.
const integrationSchemaVersion = 1

var _ resource.ResourceWithUpgradeState = (*integrationResource)(nil)

// UpgradeState maps each earlier schema version to the upgrader that turns
// its stored state into the current version's, in one step (the framework
// calls one upgrader per resource, never a chain).
func (r *integrationResource) UpgradeState(context.Context) map[int64]resource.StateUpgrader {
	return map[int64]resource.StateUpgrader{
		// Version 0: every build before the schema had a version (up to
		// commit 1b4f35c of main). Its stored values have the current shape.
		0: {StateUpgrader: r.upgradeUnchangedShape},
	}
}

// upgradeUnchangedShape reads state whose values have the current schema's
// shape as they are: an attribute the stored JSON lacks is null (a later
// addition), and one the schema no longer has is dropped. When a stored
// value changes shape, this upgrader must convert it too (SCHEMA_CHANGES.md).
func (r *integrationResource) upgradeUnchangedShape(ctx context.Context, req resource.UpgradeStateRequest, resp *resource.UpgradeStateResponse) {
	if req.RawState == nil {
		resp.Diagnostics.AddError("No stored state to upgrade",
			"Terraform asked to upgrade the stored state of an immuta_integration but sent none. Nothing was changed. "+
				"This is a bug in the provider or in Terraform: please report it.")
		return
	}
	var schema resource.SchemaResponse
	r.Schema(ctx, resource.SchemaRequest{}, &schema)
	raw, err := req.RawState.UnmarshalWithOpts(schema.Schema.Type().TerraformType(ctx), tfprotov6.UnmarshalOpts{
		ValueFromJSONOpts: tftypes.ValueFromJSONOpts{IgnoreUndefinedAttributes: true},
	})
	if err != nil {
		resp.Diagnostics.AddError("Cannot read the stored state of an earlier provider version",
			"The state of this immuta_integration was written by an earlier version of the provider (schema version 0), "+
				"and its values do not fit the current schema: "+err.Error()+". The state file was not changed, and nothing "+
				"was sent to Immuta. If the state was edited by hand, restore it from a backup; otherwise report this to the "+
				"provider's developers. `terraform state rm` followed by `terraform import` rebuilds the resource from Immuta.")
		return
	}
	resp.State = tfsdk.State{Schema: schema.Schema, Raw: raw}
}
