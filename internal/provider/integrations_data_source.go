// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/immuta/terraform-provider-immuta/internal/client"
	"github.com/immuta/terraform-provider-immuta/internal/integrationtype"
)

var (
	_ datasource.DataSource              = (*integrationsDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*integrationsDataSource)(nil)
)

// newIntegrationsDataSource returns the immuta_integrations data source.
func newIntegrationsDataSource() datasource.DataSource { return &integrationsDataSource{} }

type integrationsDataSource struct{ configuredDataSource }

var integrationSummaryAttrTypes = map[string]attr.Type{
	"id":             types.StringType,
	"type":           types.StringType,
	"auto_bootstrap": types.BoolType,
	"status":         types.StringType,
	"host":           types.StringType,
}

func (d *integrationsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_integrations"
}

func (d *integrationsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	hostKeys, noHost := hostKeysProse()
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the Immuta integrations, optionally only those of one type or in one status. " +
			"Use the `immuta_integration` data source for one integration's settings.",
		Attributes: map[string]schema.Attribute{
			"type": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("Only list integrations of this type, named as its block: one of %s.", quotedList(blockNames())),
				Optional:            true,
				Validators:          []validator.String{stringvalidator.OneOf(blockNames()...)},
			},
			"status": schema.StringAttribute{
				MarkdownDescription: "Only list integrations in this status, one of the statuses Immuta documents: " + quotedList(client.Statuses()) + ". " +
					"Without it, integrations in status `deleted` (which Immuta may keep listing) are left out.",
				Optional:   true,
				Validators: []validator.String{stringvalidator.OneOf(client.Statuses()...)},
			},
			"integrations": schema.ListNestedAttribute{
				MarkdownDescription: "The integrations, ordered by ID.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"id": schema.StringAttribute{Computed: true, MarkdownDescription: "Immuta's ID of the integration."},
					"type": schema.StringAttribute{Computed: true, MarkdownDescription: "Type of the integration, as the name of its block " +
						"(`snowflake`, ...), or Immuta's type name for a type this provider version does not know."},
					"auto_bootstrap": schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether Immuta set the platform up itself."},
					"status":         schema.StringAttribute{Computed: true, MarkdownDescription: "Status of the integration, such as `enabled`."},
					"host": schema.StringAttribute{Computed: true, MarkdownDescription: "What identifies the integration on its platform: " +
						hostKeys + "; null for " + noHost + "."},
				}},
			},
			"ids": schema.ListAttribute{
				MarkdownDescription: "The IDs of the integrations, in the order of `integrations`.",
				Computed:            true,
				ElementType:         types.StringType,
			},
		},
	}
}

func (d *integrationsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	if !d.requireClient(&resp.Diagnostics) {
		return
	}
	var typ, status types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("type"), &typ)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("status"), &status)...)
	if resp.Diagnostics.HasError() {
		return
	}
	all, err := d.client.ListIntegrations(ctx)
	if err != nil {
		resp.Diagnostics.Append(readErrorDiagnostics("Cannot list integrations", "Listing Immuta integrations", err)...)
		return
	}
	sortByID(all)

	items := []attr.Value{}
	ids := []attr.Value{}
	for i := range all {
		obj := &all[i]
		block := blockOf(obj.Type)
		if (!typ.IsNull() && block != typ.ValueString()) || (!status.IsNull() && obj.Status != status.ValueString()) {
			continue
		}
		if status.IsNull() && client.IsDeleted(obj.Status) {
			continue // Immuta may keep listing deleted integrations: only a status filter of "deleted" shows them
		}
		t, known := integrationtype.ByAPIName(obj.Type)
		host := types.StringNull()
		if known && len(t.HostKey) > 0 {
			host = types.StringValue(t.HostOfJSON(obj.Config))
		}
		autoBootstrap := autoBootstrapped(t, obj)
		item, diags := types.ObjectValue(integrationSummaryAttrTypes, map[string]attr.Value{
			"id": types.StringValue(obj.ID), "type": types.StringValue(block), "auto_bootstrap": types.BoolValue(autoBootstrap),
			"status": types.StringValue(obj.Status), "host": host,
		})
		resp.Diagnostics.Append(diags...)
		items = append(items, item)
		ids = append(ids, types.StringValue(obj.ID))
	}
	if resp.Diagnostics.HasError() {
		return
	}
	list, diags := types.ListValue(types.ObjectType{AttrTypes: integrationSummaryAttrTypes}, items)
	resp.Diagnostics.Append(diags...)
	idList, diags := types.ListValue(types.StringType, ids)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("type"), typ)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("status"), status)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("integrations"), list)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("ids"), idList)...)
}
