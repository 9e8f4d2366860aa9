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

	"github.com/immuta/terraform-provider-immuta/internal/integrationtype"
)

var (
	_ resource.Resource                   = (*integrationResource)(nil)
	_ resource.ResourceWithConfigure      = (*integrationResource)(nil)
	_ resource.ResourceWithImportState    = (*integrationResource)(nil)
	_ resource.ResourceWithValidateConfig = (*integrationResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*integrationResource)(nil)
)

// newIntegrationResource returns the immuta_integration resource.
func newIntegrationResource() resource.Resource { return &integrationResource{} }

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
		if !t.HasSetup() {
			detail = fmt.Sprintf("%s integrations have no set-up step for Immuta to run: remove auto_bootstrap.", t.DisplayName)
		}
		resp.Diagnostics.AddAttributeError(path.Root("auto_bootstrap"), "auto_bootstrap is not supported for this type", detail)
	}
	resp.Diagnostics.Append(t.Validate(block, autoBootstrap, false)...)
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
