// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/immuta/terraform-provider-immuta/internal/client"
	"github.com/immuta/terraform-provider-immuta/internal/integrationtype"
)

var (
	_ list.ListResource              = (*integrationList)(nil)
	_ list.ListResourceWithConfigure = (*integrationList)(nil)
)

// newIntegrationListResource returns the immuta_integration list resource,
// which terraform query (Terraform 1.14 and later) uses to find the
// integrations to adopt.
func newIntegrationListResource() list.ListResource { return &integrationList{} }

type integrationList struct{ configuredResource }

func (l *integrationList) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_integration"
}

func (l *integrationList) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	hostKeys, _ := hostKeysProse()
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the tenant's integrations for `terraform query` (Terraform 1.14 and later), ordered by ID, each with its " +
			"identity and, with `include_resource = true`, its settings as Immuta reports them, without secrets. " +
			"`terraform query -generate-config-out=FILE` writes an `import` block and a resource block for each. " +
			"Integrations in status `deleted` are never listed: they cannot be imported.",
		Attributes: map[string]schema.Attribute{
			"type": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("Only list integrations of this type, named as its block: one of %s.", quotedList(blockNames())),
				Optional:            true,
				Validators:          []validator.String{stringvalidator.OneOf(blockNames()...)},
			},
			"status": schema.StringAttribute{
				MarkdownDescription: "Only list integrations in this status, one of the statuses Immuta documents but `deleted` " +
					"(deleted integrations are never listed): " + quotedList(slices.DeleteFunc(client.Statuses(), func(s string) bool { return s == client.StatusDeleted })) + ".",
				Optional: true,
				Validators: []validator.String{
					stringvalidator.OneOf(client.Statuses()...),
					stringvalidator.NoneOf(client.StatusDeleted),
				},
			},
			"auto_bootstrap": schema.BoolAttribute{
				MarkdownDescription: "Only list integrations set up by Immuta (`true`) or manually (`false`). The configuration generated for an " +
					"auto-bootstrapped integration lacks the privileged credentials Immuta does not keep, and plans only once they are added: " +
					"`false` adopts the others first.",
				Optional: true,
			},
			"host": schema.StringAttribute{
				MarkdownDescription: "Only list integrations on this host, written as the `immuta_integrations` data source reports it: " +
					hostKeys + ". Host names compare in any case. " +
					displayNamesWhere(func(t *integrationtype.Type) bool { return len(t.HostKey) == 0 }) + " integrations have no host and are never listed with it.",
				Optional:   true,
				Validators: []validator.String{stringvalidator.LengthBetween(1, 1024)},
			},
		},
	}
}

// listFilter is a list block's config.
type listFilter struct {
	typ, status, host types.String
	autoBootstrap     types.Bool
}

func (f listFilter) matches(t *integrationtype.Type, obj *client.Integration) bool {
	if !f.typ.IsNull() && t.Block != f.typ.ValueString() {
		return false
	}
	if !f.status.IsNull() && obj.Status != f.status.ValueString() {
		return false
	}
	if !f.autoBootstrap.IsNull() && autoBootstrapped(t, obj) != f.autoBootstrap.ValueBool() {
		return false
	}
	if !f.host.IsNull() {
		return t.OnHost(obj.Config, f.host.ValueString())
	}
	return true
}

func (l *integrationList) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var diags diag.Diagnostics
	var f listFilter
	diags.Append(req.Config.GetAttribute(ctx, path.Root("type"), &f.typ)...)
	diags.Append(req.Config.GetAttribute(ctx, path.Root("status"), &f.status)...)
	diags.Append(req.Config.GetAttribute(ctx, path.Root("host"), &f.host)...)
	diags.Append(req.Config.GetAttribute(ctx, path.Root("auto_bootstrap"), &f.autoBootstrap)...)
	if !l.requireClient(&diags) || diags.HasError() {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	all, err := l.client.ListIntegrations(ctx)
	if err != nil {
		stream.Results = list.ListResultsStreamDiagnostics(readErrorDiagnostics("Cannot list integrations", "Listing Immuta integrations", err))
		return
	}
	sortByID(all)

	stream.Results = func(push func(list.ListResult) bool) {
		var unsupported []string
		var sent int64
		for i := range all {
			obj := &all[i]
			if client.IsDeleted(obj.Status) {
				continue // Immuta may keep listing deleted integrations; they cannot be imported
			}
			t, known := integrationtype.ByAPIName(obj.Type)
			if !known {
				if f.typ.IsNull() && f.host.IsNull() && f.autoBootstrap.IsNull() {
					unsupported = append(unsupported, fmt.Sprintf("%s (type %q)", obj.ID, obj.Type))
				}
				continue
			}
			if !f.matches(t, obj) {
				continue
			}
			if req.Limit > 0 && sent >= req.Limit {
				return
			}
			result, ok := listResult(ctx, req, t, obj)
			if ok {
				sent++
			}
			if !push(result) {
				return
			}
		}
		if len(unsupported) > 0 {
			var d diag.Diagnostics
			d.AddWarning("Integrations of unsupported types left out",
				fmt.Sprintf("Immuta has integrations of types this provider version does not support, which cannot be imported: %s. "+
					"A newer version of the provider may support them.", strings.Join(unsupported, ", ")))
			push(list.ListResult{Diagnostics: d})
		}
	}
}

// listResult is one integration as terraform query shows it: its identity,
// a display name, and, when asked for, the state an import of it would read
// (built the same way, without sensitive values). An integration whose
// answer cannot be read is left out with a warning, so one broken record
// does not stop the adoption of the others; ok is false then.
func listResult(ctx context.Context, req list.ListRequest, t *integrationtype.Type, obj *client.Integration) (list.ListResult, bool) {
	result := req.NewListResult(ctx)
	name := describe(t, t.HostOfJSON(obj.Config), obj.ID)
	result.DisplayName = name
	result.Diagnostics.Append(result.Identity.SetAttribute(ctx, path.Root("id"), obj.ID)...)
	if req.IncludeResource {
		s, d := stateFromAPI(t, obj.ID, obj, priorState{
			Block: types.ObjectNull(t.AttrTypes()), AutoBootstrap: types.BoolNull(),
			Status: types.StringNull(), ValidationResults: types.ListNull(validationResultObjectType),
		})
		if d.HasError() {
			var w diag.Diagnostics
			w.AddWarning("Integration left out of the results", fmt.Sprintf("%s cannot be read for import: %s", name, d.Errors()[0].Detail()))
			return list.ListResult{Diagnostics: w}, false
		}
		s.Block = t.WithoutSensitive(s.Block)
		state := tfsdk.State{Schema: req.ResourceSchema, Raw: result.Resource.Raw}
		result.Diagnostics.Append(writeState(ctx, &state, s, timeouts.Value{})...)
		result.Resource.Raw = state.Raw
	}
	return result, !result.Diagnostics.HasError()
}
