// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"fmt"
	"strings"
	"time"

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

	"github.com/immuta/terraform-provider-immuta/internal/client"
	"github.com/immuta/terraform-provider-immuta/internal/integrationtype"
)

// Default waits for the asynchronous operations; Immuta's validation and
// bootstrap can take minutes on a busy platform.
const (
	defaultCreateTimeout = 30 * time.Minute
	defaultUpdateTimeout = 30 * time.Minute
	defaultDeleteTimeout = 30 * time.Minute
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

type integrationResource struct {
	client            *client.Client
	deleteCredentials deleteCredentials
}

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
		"validation_results": validationResultsResourceAttribute(),
		"timeouts":           timeoutsAttribute(ctx),
	}
	for _, t := range integrationtype.All {
		attrs[t.Block] = t.ResourceBlock()
	}
	resp.Schema = schema.Schema{
		Version: integrationSchemaVersion,
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

func (r *integrationResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	if c := clientFrom(req.ProviderData, &resp.Diagnostics); c != nil {
		r.client = c
	}
	if d, ok := req.ProviderData.(*providerData); ok {
		r.deleteCredentials = d.deleteCredentials
	}
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
// needs them on create and on every full-payload update.
func (r *integrationResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if !req.State.Raw.IsNull() && req.Plan.Raw.Equal(req.State.Raw) {
		return // no change: nothing to convert or check
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
	switch {
	case !req.State.Raw.IsNull() && (!inState || !planned || !plan.AutoBootstrap.Equal(state.AutoBootstrap) || t.ReplacementPlanned(planBlock, stateBlock)):
		// A change Immuta cannot edit: the replacement deletes first, so say
		// now if that delete cannot work. (A -replace is not known here;
		// Terraform plans it again as a create, whose warnings it drops.)
		r.warnIfDeleteLacksCredentials(state, "replaces, deleting first,", &resp.Diagnostics)
	case !req.State.Raw.IsNull():
		requireWriteOnlyVersions(t, block, planBlock, stateBlock, &resp.Diagnostics)
	case planned && !resp.Diagnostics.HasError():
		r.warnIfReplacementLacksCredentials(ctx, t, planBlock, plan.AutoBootstrap.ValueBool(), &resp.Diagnostics)
	}
}

// requireWriteOnlyVersions enforces the write-only rule (WriteOnlyRule): an
// in-place update sends the whole configuration, write-only secrets
// included, so each of them needs its version increased in the same change;
// otherwise a stale value in a pipeline would silently replace the
// credential Immuta holds.
func requireWriteOnlyVersions(t *integrationtype.Type, configBlock, planBlock, stateBlock types.Object, out *diag.Diagnostics) {
	if !t.SendsConfig() || planBlock.Equal(stateBlock) {
		return // nothing to send: the update changes only Terraform's own settings
	}
	for _, p := range t.UnversionedWriteOnly(configBlock, planBlock, stateBlock) {
		attrPath := path.Root(t.Block)
		for _, part := range strings.Split(p, ".") {
			attrPath = attrPath.AtName(part)
		}
		wo := strings.TrimSuffix(p, "_version")
		out.AddAttributeError(attrPath, "Write-only secret would be sent without a new version",
			fmt.Sprintf("This plan changes %s in place. Immuta's update replaces the whole configuration, so Terraform must send %s.%s again, "+
				"but Terraform never stores it and cannot tell whether the configured value is still the credential Immuta holds: a stale "+
				"value would silently replace it. Nothing was sent. If %s.%s holds the current credential, increase %s.%s in the same change "+
				"to send it; otherwise put the current credential there first.", t.DisplayName+" integration settings", t.Block, wo, t.Block, wo, t.Block, p))
	}
}

// exactlyOneTypeBlock reports, as resourcevalidator.ExactlyOneOf would,
// whether exactly one type block is set (and returns it), and says what to
// do when not. It
// reads the configuration converted once: the validator's path matching
// cost more than the rest of validation in a plan of 1000 (BENCHMARKS.md).
// A block still unknown (set from a value known only at apply) is
// judged when it is known.
func exactlyOneTypeBlock(config integrationModel, out *diag.Diagnostics) (*integrationtype.Type, types.Object, bool) {
	var set, names []string
	var found *integrationtype.Type
	var foundBlock types.Object
	unknown := false
	for _, t := range integrationtype.All {
		names = append(names, t.Block)
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
		out.AddError("Missing integration type",
			fmt.Sprintf("Set exactly one integration type block: %s.", strings.Join(names, ", ")))
	}
	return found, foundBlock, len(set) == 1
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
