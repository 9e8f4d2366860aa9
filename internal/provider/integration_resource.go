// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
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
	client *client.Client
}

func (r *integrationResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_integration"
}

var validationResultAttrTypes = map[string]attr.Type{
	"name":    types.StringType,
	"status":  types.StringType,
	"message": types.StringType,
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
		"validation_results": schema.ListNestedAttribute{
			MarkdownDescription: "Results of Immuta's last validation of the integration: every test, or when Immuta reports more than 100, " +
				"the first 100 with the failed and warning ones first (the provider's TRACE log has them all).",
			Computed: true,
			NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
				"name":    schema.StringAttribute{Computed: true, MarkdownDescription: "Name of the validation test."},
				"status":  schema.StringAttribute{Computed: true, MarkdownDescription: "`passed`, `failed`, `warning` or `skipped`."},
				"message": schema.StringAttribute{Computed: true, MarkdownDescription: "What is wrong and how to fix it, for failed and warning tests."},
			}},
		},
		"timeouts": timeouts.Attributes(ctx, timeouts.Opts{Create: true, Update: true, Delete: true}),
	}
	for _, t := range integrationtype.All {
		attrs[t.Block] = t.ResourceBlock()
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "An Immuta integration: the connection between Immuta and one data platform. " +
			"Set exactly one of the type blocks (`snowflake`, `databricks`, `redshift`, `azure_synapse`, `bigquery`, `s3`, `trino`).",
		Attributes: attrs,
	}
}

func (r *integrationResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	if c := clientFrom(req.ProviderData, &resp.Diagnostics); c != nil {
		r.client = c
	}
}

func (r *integrationResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	config := configValues(ctx, req.Config)
	t, block, ok := exactlyOneTypeBlock(ctx, config, &resp.Diagnostics)
	if !ok {
		return
	}
	var autoBootstrap types.Bool
	resp.Diagnostics.Append(config(ctx, path.Root("auto_bootstrap"), &autoBootstrap)...)
	if autoBootstrap.ValueBool() && !t.AutoBootstrap {
		detail := fmt.Sprintf("%s integrations are always set up manually: remove auto_bootstrap or set it to false, "+
			"and run the setup script from the immuta_integration_script data source before creating the integration.", t.DisplayName)
		if !t.SendsAutoBootstrap {
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
	if req.Plan.Raw.IsNull() {
		warnIfDeleteLacksCredentials(ctx, req.State, &resp.Diagnostics)
		return
	}
	if !req.State.Raw.IsNull() && req.Plan.Raw.Equal(req.State.Raw) {
		return
	}
	planRotation(ctx, req, resp)
	if !req.State.Raw.IsNull() && len(resp.RequiresReplace) > 0 {
		// A replacement deletes first: say now if that delete cannot work.
		warnIfDeleteLacksCredentials(ctx, req.State, &resp.Diagnostics)
	}
	t, block, ok := typeBlock(ctx, configValues(ctx, req.Config))
	if !ok {
		return
	}
	var autoBootstrap types.Bool
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("auto_bootstrap"), &autoBootstrap)...)
	resp.Diagnostics.Append(t.Validate(block, autoBootstrap, true)...)
}

// exactlyOneTypeBlock reports, as resourcevalidator.ExactlyOneOf would,
// whether exactly one type block is set (and returns it), and says what to
// do when not. It
// reads the configuration converted once: the validator's path matching
// cost more than the rest of validation in a plan of 1000 (BENCHMARKS.md).
// A block still unknown (set from a value known only at apply) is
// judged when it is known.
func exactlyOneTypeBlock(ctx context.Context, config getter, out *diag.Diagnostics) (*integrationtype.Type, types.Object, bool) {
	var set, names []string
	var found *integrationtype.Type
	var foundBlock types.Object
	unknown := false
	for _, t := range integrationtype.All {
		names = append(names, t.Block)
		var block types.Object
		if d := config(ctx, path.Root(t.Block), &block); d.HasError() {
			out.Append(d...)
			return nil, types.Object{}, false
		}
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

// typeBlock finds the one type block that is set.
func typeBlock(ctx context.Context, get getter) (*integrationtype.Type, types.Object, bool) {
	for _, t := range integrationtype.All {
		var block types.Object
		if diags := get(ctx, path.Root(t.Block), &block); diags.HasError() {
			continue
		}
		if !block.IsNull() && !block.IsUnknown() {
			return t, block, true
		}
	}
	return nil, types.Object{}, false
}

var importIDPattern = regexp.MustCompile(`^[0-9]{1,19}$`)

// ParseImportID accepts Immuta's integration ID: a string of digits.
func ParseImportID(raw string) (string, error) {
	id := strings.TrimSpace(raw)
	if !importIDPattern.MatchString(id) {
		return "", fmt.Errorf("the import ID must be the integration's numeric Immuta ID, such as 7 (see GET /integrations or the immuta_integrations data source), not %q", truncate(raw, 64))
	}
	return id, nil
}

func (r *integrationResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id, err := ParseImportID(req.ID)
	if err != nil {
		resp.Diagnostics.AddError("Invalid import ID", err.Error())
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id)...)
	tflog.Debug(ctx, "importing Immuta integration", map[string]any{"id": id})
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// warnIfDeleteLacksCredentials tells at plan time, rather than halfway
// through a destroy, that Delete will not find the privileged credentials.
func warnIfDeleteLacksCredentials(ctx context.Context, state tfsdk.State, out *diag.Diagnostics) {
	get := stateValues(ctx, state)
	t, block, ok := typeBlock(ctx, get)
	if !ok {
		return
	}
	op, d := readOperation(ctx, get)
	out.Append(d...)
	if _, diags := deleteRequest(t, op.id, op.autoBootstrap.ValueBool(), block); diags.HasError() {
		for _, d := range diags.Errors() {
			out.AddWarning(d.Summary(), d.Detail())
		}
	}
}
