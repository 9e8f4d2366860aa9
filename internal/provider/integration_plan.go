// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"github.com/immuta/terraform-provider-immuta/internal/fingerprint"
	"github.com/immuta/terraform-provider-immuta/internal/integrationtype"
)

// The resource's plan: what ModifyPlan adds to what Terraform plans from the
// schema. Every decision a plan shows and the values alone cannot is made
// here: the write-only secrets that changed (their record of what was last
// applied is in write_only.go), the Trino key a rotation or store_api_key
// changes, and warnings about a delete that will lack its credentials.

// ModifyPlan checks, when a payload is about to be sent, that every secret
// it needs is configured: a validated configuration may leave secrets out
// (an imported integration's generated configuration does), but Immuta
// needs them on create and on every full-payload update. It also decides
// what the values cannot show: whether a write-only secret changed, and
// whether a delete will lack its credentials.
func (r *integrationResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	// The fingerprints of write-only secrets stay in the state; a plan
	// carries at most the names of those that changed (set below). The
	// response's private state may be the request's: read it first.
	written := readWriteOnlyRecord(ctx, req.Private)
	resp.Diagnostics.Append(writeWriteOnlyRecord(ctx, resp.Private, writeOnlyRecord{})...)
	if !req.State.Raw.IsNull() && req.Plan.Raw.Equal(req.State.Raw) && !configuresWriteOnly(req.Config.Raw) {
		return // no change, and no secret whose change the values cannot show
	}
	state, d := stateModel(ctx, req.State)
	resp.Diagnostics.Append(d...)
	if req.Plan.Raw.IsNull() {
		r.warnIfDeleteLacksCredentials(state, "deletes", &resp.Diagnostics)
		return
	}
	planRotation(ctx, req, resp)
	plan, d := planModel(ctx, req.Plan)
	resp.Diagnostics.Append(d...)
	config, d := configModel(ctx, req.Config)
	resp.Diagnostics.Append(d...)
	t, block, ok := config.typeBlock()
	if !ok {
		return
	}
	resp.Diagnostics.Append(t.Validate(block, plan.AutoBootstrap, true)...)
	_, planBlock, planned := plan.typeBlock()
	_, stateBlock, inState := state.typeBlock()
	exists := !req.State.Raw.IsNull()
	replacing := exists && (!inState || !planned || !plan.AutoBootstrap.Equal(state.AutoBootstrap) || t.ReplacementPlanned(planBlock, stateBlock))
	if planned {
		name := func() string { return describe(t, t.HostOfBlock(stateBlock), state.ID.ValueString()) } // only for a warning
		r.planWriteOnly(ctx, resp, t, block, planBlock, stateBlock, !exists || replacing, written, name)
	}
	switch {
	case replacing:
		// A change Immuta cannot edit: the replacement deletes first, so say
		// now if that delete cannot work. (A -replace is not known here;
		// Terraform plans it again as a create, whose warnings it drops.)
		r.warnIfDeleteLacksCredentials(state, "replaces, deleting first,", &resp.Diagnostics)
	case !exists && planned && !resp.Diagnostics.HasError():
		r.warnIfReplacementLacksCredentials(ctx, t, planBlock, plan.AutoBootstrap.ValueBool(), &resp.Diagnostics)
	}
}

// planWriteOnly puts in the plan what it decides about the write-only
// secrets: the versions it counts, an update for a changed secret whose
// version the configuration holds still (status, which every update
// reads again, becomes unknown), and the names of the changed secrets in the
// planned private state, for Update.
func (r *integrationResource) planWriteOnly(ctx context.Context, resp *resource.ModifyPlanResponse,
	t *integrationtype.Type, configBlock, planBlock, stateBlock types.Object, creating bool, written writeOnlyRecord, name func() string) {
	wp, err := decideWriteOnly(t, configBlock, planBlock, stateBlock, creating, written)
	if err != nil {
		resp.Diagnostics.AddError("Provider error", "cannot plan the write-only secrets' versions: "+err.Error())
		return
	}
	if !wp.block.Equal(planBlock) {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root(t.Block), wp.block)...)
	}
	if len(wp.forced) > 0 {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("status"), types.StringUnknown())...)
	}
	updating := !creating && (!wp.block.Equal(stateBlock) || len(wp.forced) > 0 || wp.unknown)
	planWriteOnlyDiagnostics(t, name, wp, updating, &resp.Diagnostics)
	resp.Diagnostics.Append(writeWriteOnlyRecord(ctx, resp.Private, writeOnlyRecord{Changed: wp.changed, Unrecorded: wp.unrecorded})...)
}

// warnIfDeleteLacksCredentials tells at plan time, rather than halfway
// through an apply, that deleting the integration in state will not find the
// privileged credentials Immuta needs.
func (r *integrationResource) warnIfDeleteLacksCredentials(state integrationModel, what string, out *diag.Diagnostics) {
	t, block, ok := state.typeBlock()
	if !ok {
		return
	}
	id := state.ID.ValueString()
	if _, missing := deleteRequest(t, describe(t, t.HostOfBlock(block), id), state.AutoBootstrap.ValueBool(), block, r.deleteCredentials); missing != nil {
		out.Append(missing.planWarning(what))
	}
}

// warnIfReplacementLacksCredentials covers the replacements Terraform plans
// as a create (a tainted resource, -replace, a change that forces
// replacement, each planned again with no prior state): when Immuta already
// has an integration on the planned host and the credentials to delete one
// set up like the plan are missing, the delete that precedes the create
// would stop the apply. Only then is Immuta asked, so plans of new
// integrations cost no request.
func (r *integrationResource) warnIfReplacementLacksCredentials(ctx context.Context, t *integrationtype.Type, planBlock types.Object, autoBootstrap bool, out *diag.Diagnostics) {
	if r.client == nil || !autoBootstrap || len(t.DeleteCredentials) == 0 {
		return
	}
	host := t.HostOfBlock(planBlock)
	if host == "" {
		return
	}
	_, missing := deleteRequest(t, "", true, planBlock, r.deleteCredentials)
	if missing == nil {
		return
	}
	existing, ok := r.findByHost(ctx, t, host)
	if !ok || (existing.AutoBootstrap != nil && !*existing.AutoBootstrap) {
		return // nothing there, or one set up manually, whose DELETE takes no credentials
	}
	missing.name = describe(t, host, existing.ID)
	w := missing.planWarning("creates an integration on " + host + ", where Immuta already has")
	out.Append(diag.NewWarningDiagnostic(w.Summary(), w.Detail()+fmt.Sprintf("\n\nIf this plan replaces that integration (a tainted resource, -replace, "+
		"or a change that forces replacement), Terraform deletes it first, and needs these credentials then. If it is not this resource's, "+
		"the create will fail, since Immuta allows one %s integration per host: import it instead (terraform import <resource address> %s).",
		t.DisplayName, existing.ID)))
}

// writeOnlyPlan is what the plan of one integration decides about its
// write-only secrets.
type writeOnlyPlan struct {
	// block is the plan's type block with the versions the provider counts.
	block types.Object
	// changed: configured values that differ from the ones last applied.
	changed []string
	// forced: changed values whose version the configuration sets and did
	// not increase; nothing in the block shows them, so the plan must.
	forced []integrationtype.WriteOnlySecret
	// unrecorded: configured values with no fingerprint (an imported or
	// adopted integration, or one an earlier build applied).
	unrecorded []string
	// unknown: a write-only value is known only at apply.
	unknown bool
}

// decideWriteOnly decides, for a create (state null) or an in-place update,
// which write-only secrets changed, and counts the versions the
// configuration leaves to the provider: 1 on create, one more whenever the
// value differs from the one last applied. A replacement plans like a
// create (Terraform plans its create again, from no state, at apply).
func decideWriteOnly(t *integrationtype.Type, config, plan, state types.Object, creating bool, rec writeOnlyRecord) (writeOnlyPlan, error) {
	out := writeOnlyPlan{block: plan}
	for _, s := range t.WriteOnlySecrets() {
		wo, configured := s.WriteOnly(config), false
		if wo != nil && !wo.IsNull() {
			configured = true
		}
		counted := s.Version(config) == nil || s.Version(config).IsNull()
		var version types.Int64
		switch {
		case !configured:
			version = types.Int64Null()
		case creating:
			version = types.Int64Value(1)
		case wo.IsUnknown():
			out.unknown = true
			version = types.Int64Unknown()
		default:
			version = int64Of(s.Version(state))
			changed, recorded := writeOnlyChanged(s, wo, state, rec)
			switch {
			case !recorded:
				out.unrecorded = append(out.unrecorded, s.WriteOnlyPath)
			case changed:
				out.changed = append(out.changed, s.WriteOnlyPath)
				if counted {
					version = increment(version)
				} else if cv := s.Version(config); cv.Equal(s.Version(state)) {
					out.forced = append(out.forced, s)
				}
			}
		}
		if planned := s.Version(out.block); !counted || planned == nil || planned.Equal(version) {
			continue // the configuration's own version, already in the plan; or nothing to change
		}
		var err error
		if out.block, err = s.WithVersion(out.block, version); err != nil {
			return out, err
		}
	}
	return out, nil
}

// writeOnlyChanged compares a configured write-only value with the one
// last applied: its fingerprint, else the stored secret the state holds
// (a switch from the stored attribute to its write-only form). recorded is
// false when there is nothing to compare with.
func writeOnlyChanged(s integrationtype.WriteOnlySecret, wo attr.Value, state types.Object, rec writeOnlyRecord) (changed, recorded bool) {
	value := stringOf(wo)
	if slices.Contains(rec.Changed, s.WriteOnlyPath) {
		return true, true // an update that failed did not apply it
	}
	if fp, ok := rec.Fingerprints[s.WriteOnlyPath]; ok {
		same, err := fingerprint.Matches(fp, value)
		if err == nil {
			return !same, true
		}
	}
	if stored := s.Stored(state); stored != nil && !stored.IsNull() && !stored.IsUnknown() {
		return stringOf(stored) != value, true
	}
	return false, false
}

// planWriteOnlyDiagnostics says what the plan cannot show in a value.
func planWriteOnlyDiagnostics(t *integrationtype.Type, name func() string, wp writeOnlyPlan, updating bool, out *diag.Diagnostics) {
	for _, s := range wp.forced {
		out.AddAttributeWarning(attributePath(t.Block, s.WriteOnlyPath), "Write-only secret changed",
			fmt.Sprintf("%s.%s differs from the value last applied to %s, so this plan updates the integration to send it. %s.%s is set in "+
				"the configuration and did not change: increase it in the same change to record the rotation, or remove it to let the "+
				"provider count it.", t.Block, s.WriteOnlyPath, name(), t.Block, s.VersionPath))
	}
	if updating && len(wp.unrecorded) > 0 {
		attrs := make([]string, len(wp.unrecorded))
		for i, p := range wp.unrecorded {
			attrs[i] = t.Block + "." + p
		}
		out.AddWarning("Configured write-only secrets will be sent",
			fmt.Sprintf("This plan updates %s in place, and Immuta's update replaces the whole configuration, so it sends the configured %s. "+
				"Terraform has no record of the value last applied (the integration was imported, adopted with terraform query, or last "+
				"applied by an earlier build of this provider), so it cannot tell whether that is the credential Immuta holds now. "+
				"From this apply on, a change of the value shows in the plan.", name(), strings.Join(attrs, ", ")))
	}
}

func int64Of(v attr.Value) types.Int64 {
	if i, ok := v.(basetypes.Int64Value); ok {
		return i
	}
	return types.Int64Null()
}

func increment(v types.Int64) types.Int64 {
	if v.IsNull() || v.IsUnknown() {
		return types.Int64Value(1)
	}
	return types.Int64Value(v.ValueInt64() + 1)
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
