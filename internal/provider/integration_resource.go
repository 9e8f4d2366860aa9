// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/immuta/terraform-provider-immuta/internal/integrationtype"
)

var (
	_ resource.Resource                   = (*integrationResource)(nil)
	_ resource.ResourceWithConfigure      = (*integrationResource)(nil)
	_ resource.ResourceWithImportState    = (*integrationResource)(nil)
	_ resource.ResourceWithValidateConfig = (*integrationResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*integrationResource)(nil)
)

// NewIntegrationResource returns the immuta_integration resource.
func NewIntegrationResource() resource.Resource { return &integrationResource{} }

type integrationResource struct{ configuredResource }

func (r *integrationResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_integration"
}

func (r *integrationResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	attrs := map[string]schema.Attribute{
		"id": schema.StringAttribute{
			MarkdownDescription: "Immuta's ID of the integration.",
			Computed:            true,
			PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
		},
		"auto_bootstrap": schema.BoolAttribute{
			MarkdownDescription: "Whether Immuta sets the platform up itself with the privileged credentials of the type block (`true`), " +
				"or an administrator ran the setup script first (`false`). Must be `false` for `bigquery` and `s3`; leave it out for `trino`, which has no set-up step. " +
				"Defaults to `false`. Changing it forces a new integration.",
			Optional:      true,
			Computed:      true,
			Default:       booldefault.StaticBool(false),
			PlanModifiers: []planmodifier.Bool{boolplanmodifier.RequiresReplace()},
		},
		"status": schema.StringAttribute{
			MarkdownDescription: "Status of the integration in Immuta, such as `enabled` or `recurringValidationError`.",
			Computed:            true,
		},
		"unmanaged_settings": schema.StringAttribute{
			MarkdownDescription: "The settings Immuta holds for this integration that this provider does not manage, as a JSON object " +
				"(null when there are none): settings Immuta documents that the schema does not model (such as Databricks `proxyOptions`), " +
				"settings a later Immuta adds, and keys of such settings inside objects the schema models. Immuta's update replaces the " +
				"whole configuration, so every in-place update reads the integration first and sends these back exactly as Immuta holds " +
				"them; secrets, which Immuta never returns, are never among them. Read-only; `jsondecode` it to use a value.",
			Computed:      true,
			PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
		},
		"validation_results": validationResultsResourceAttribute(),
		"timeouts":           timeoutsAttribute(ctx),
	}
	for _, t := range integrationtype.All {
		attrs[t.Block] = t.ResourceBlock()
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "An Immuta integration: the connection between Immuta and one data platform. " +
			"Set exactly one of the type blocks (" + quotedList(blockNames()) + ").",
		Attributes: attrs,
	}
}

// timeoutsAttribute is the timeouts library's attribute with a description of
// its own, which the library leaves empty.
func timeoutsAttribute(ctx context.Context) schema.Attribute {
	a := timeouts.Attributes(ctx, timeouts.Opts{
		Create: true, Update: true, Delete: true,
		CreateDescription: "How long to wait for Immuta to create the integration, as a Go duration such as `30m` or `1h` (default `30m`).",
		UpdateDescription: "How long to wait for Immuta to apply an in-place change, including waits while the integration is busy (default `30m`).",
		DeleteDescription: "How long to wait for Immuta to delete the integration, including waits while it is busy (default `30m`).",
	})
	if n, ok := a.(schema.SingleNestedAttribute); ok {
		n.MarkdownDescription = "How long Terraform waits for Immuta's asynchronous work (validation, set-up, tear-down) before giving up. " +
			"Immuta may still finish it afterwards: each timeout error says what the state holds and what to do next."
		return n
	}
	return a
}

func (r *integrationResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	config, d := configModel(ctx, req.Config)
	resp.Diagnostics.Append(d...)
	t, block, ok := exactlyOneTypeBlock(config, &resp.Diagnostics)
	if !ok {
		return
	}
	autoBootstrap := config.AutoBootstrap
	if autoBootstrap.ValueBool() && !t.CanAutoBootstrap() {
		detail := fmt.Sprintf("%s integrations are always set up manually: remove auto_bootstrap or set it to false, "+
			"and run the setup script from the immuta_integration_script data source before creating the integration.", t.DisplayName)
		if !t.SendsAutoBootstrap() {
			detail = fmt.Sprintf("%s integrations have no set-up step for Immuta to run: remove auto_bootstrap.", t.DisplayName)
		}
		resp.Diagnostics.AddAttributeError(path.Root("auto_bootstrap"), "auto_bootstrap is not supported for this type", detail)
	}
	resp.Diagnostics.Append(t.Validate(block, autoBootstrap, false)...)
}

// ModifyPlan checks, when a payload is about to be sent, that every secret
// it needs is configured: a validated configuration may leave secrets out
// (an imported integration's generated configuration does), but Immuta
// needs them on create and on every full-payload update. It also decides
// what the values cannot show: whether a write-only secret changed
// (write_only.go), and whether a delete will lack its credentials.
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
		r.planWriteOnly(ctx, resp, t, block, planBlock, stateBlock, !exists || replacing, written, describe(t, t.HostOfBlock(stateBlock), state.ID.ValueString()))
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
	t *integrationtype.Type, configBlock, planBlock, stateBlock types.Object, creating bool, written writeOnlyRecord, name string) {
	wp, err := planWriteOnly(t, configBlock, planBlock, stateBlock, creating, written)
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

// exactlyOneTypeBlock reports, as resourcevalidator.ExactlyOneOf would,
// whether exactly one type block is set (and returns it), and says what to
// do when not. It
// reads the configuration converted once: the validator's path matching
// cost more than the rest of validation in a plan of 1000 (BENCHMARKS.md).
// A block still unknown (set from a value known only at apply) is
// judged when it is known.
func exactlyOneTypeBlock(config integrationModel, out *diag.Diagnostics) (*integrationtype.Type, types.Object, bool) {
	var set []string
	var found *integrationtype.Type
	var foundBlock types.Object
	unknown := false
	for _, t := range integrationtype.All {
		block := config.Blocks[t.Block]
		switch {
		case block.IsUnknown():
			unknown = true
		case !block.IsNull():
			set = append(set, t.Block)
			found, foundBlock = t, block
		}
	}
	switch {
	case len(set) > 1:
		for _, extra := range set[1:] {
			out.AddAttributeError(path.Root(extra), "More than one integration type",
				fmt.Sprintf("%s are set, but an immuta_integration manages one integration: keep one of these blocks "+
					"and move the other to its own immuta_integration resource.", strings.Join(set, " and ")))
		}
		return nil, types.Object{}, false
	case len(set) == 0 && !unknown:
		missingTypeBlock(out)
	}
	return found, foundBlock, len(set) == 1
}

// missingTypeBlock is the one error for a configuration without a type
// block.
func missingTypeBlock(out *diag.Diagnostics) {
	out.AddError("Missing integration type", "Set exactly one integration type block: "+strings.Join(blockNames(), ", ")+".")
}

// getter is the GetAttribute of a plan, state or configuration.
type getter func(context.Context, path.Path, any) diag.Diagnostics

// ParseImportID accepts Immuta's integration ID: a string of digits.
func ParseImportID(raw string) (string, error) {
	id := strings.TrimSpace(raw)
	if !integrationIDPattern.MatchString(id) {
		return "", fmt.Errorf("the import ID must be the integration's numeric Immuta ID, such as 7 (see GET /integrations or the immuta_integrations data source), not %q", truncate(raw, 64))
	}
	return id, nil
}

func (r *integrationResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id, ok := importID(ctx, req, &resp.Diagnostics)
	if !ok {
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id)...)
	setIdentity(ctx, resp.Identity, &resp.Diagnostics, &resp.State)
	tflog.Debug(ctx, "importing Immuta integration", map[string]any{"id": id})
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
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
