// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/datasourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/immuta/terraform-provider-immuta/internal/client"
	"github.com/immuta/terraform-provider-immuta/internal/integrationtype"
)

var (
	_ datasource.DataSource                     = (*integrationDataSource)(nil)
	_ datasource.DataSourceWithConfigure        = (*integrationDataSource)(nil)
	_ datasource.DataSourceWithConfigValidators = (*integrationDataSource)(nil)
	_ datasource.DataSourceWithValidateConfig   = (*integrationDataSource)(nil)
)

// newIntegrationDataSource returns the immuta_integration data source.
func newIntegrationDataSource() datasource.DataSource { return &integrationDataSource{} }

type integrationDataSource struct{ configuredDataSource }

func (d *integrationDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_integration"
}

func (d *integrationDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	hostKeys, noHost := hostKeysProse()
	attrs := map[string]schema.Attribute{
		"id": schema.StringAttribute{
			MarkdownDescription: "Immuta's ID of the integration to look up. Conflicts with `type` and `host`.",
			Optional:            true,
			Computed:            true,
			Validators:          integrationIDValidators(),
		},
		"type": schema.StringAttribute{
			MarkdownDescription: fmt.Sprintf("Type of the integration to look up, as the name of its block: one of %s. "+
				"Requires `host`, except for %s (Immuta allows one integration of a type without a host).", quotedList(blockNames()), noHost),
			Optional:   true,
			Computed:   true,
			Validators: []validator.String{stringvalidator.OneOf(blockNames()...)},
		},
		"host": schema.StringAttribute{
			MarkdownDescription: "What identifies the integration on its platform, which Immuta allows one integration of each type for: " +
				hostKeys + " (a key of several fields is written with `/`, such as `immuta/US`). Requires `type`; not used with " + noHost + ". " +
				"Computed (null for " + noHost + ") when looking up by `id`.",
			Optional: true,
			Computed: true,
			Validators: []validator.String{
				stringvalidator.LengthBetween(1, 1024),
				stringvalidator.AlsoRequires(path.MatchRoot("type")),
			},
		},
		"auto_bootstrap": schema.BoolAttribute{
			MarkdownDescription: "Whether Immuta set the platform up itself with privileged credentials (`true`), or an administrator ran the setup script (`false`).",
			Computed:            true,
		},
		"status": schema.StringAttribute{
			MarkdownDescription: "Status of the integration in Immuta, such as `enabled` or `recurringValidationError`.",
			Computed:            true,
		},
		"validation_results": validationResultsDataSourceAttribute(),
	}
	for _, t := range integrationtype.All {
		attrs[t.Block] = t.DataSourceBlock()
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Looks up one Immuta integration, by `id`, or by `type` and `host`. " +
			"The type block of the integration's type holds its settings; the others are null. " +
			"Secrets (passwords, keys, tokens) are never shown: Immuta does not return them.",
		Attributes: attrs,
	}
}

func (d *integrationDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{
		datasourcevalidator.ExactlyOneOf(path.MatchRoot("id"), path.MatchRoot("type")),
		datasourcevalidator.Conflicting(path.MatchRoot("id"), path.MatchRoot("host")),
	}
}

// ValidateConfig checks what the declarative validators cannot: host is
// required with every type but trino, which has none.
func (d *integrationDataSource) ValidateConfig(ctx context.Context, req datasource.ValidateConfigRequest, resp *datasource.ValidateConfigResponse) {
	var typ, host types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("type"), &typ)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("host"), &host)...)
	if resp.Diagnostics.HasError() || typ.IsNull() || typ.IsUnknown() {
		return
	}
	t, ok := integrationtype.ByBlock(typ.ValueString())
	if !ok {
		return // reported by the OneOf validator
	}
	switch {
	case len(t.HostKey) == 0 && !host.IsNull():
		resp.Diagnostics.AddAttributeError(path.Root("host"), "host is not used with this type",
			fmt.Sprintf("Immuta allows one %s integration and it has no host: remove host and look it up with type = %q alone.", t.DisplayName, t.Block))
	case len(t.HostKey) > 0 && host.IsNull():
		resp.Diagnostics.AddAttributeError(path.Root("host"), "Missing host",
			fmt.Sprintf("Looking up %s integration by type needs host: the integration's %s, which identifies it in Immuta. "+
				"Or look it up by id instead.", withArticle(t.DisplayName), t.HostKeyName()))
	}
}

func (d *integrationDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	if !d.requireClient(&resp.Diagnostics) {
		return
	}
	var id, typ, host types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("id"), &id)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("type"), &typ)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("host"), &host)...)
	if resp.Diagnostics.HasError() {
		return
	}

	var obj *client.Integration
	if !id.IsNull() {
		obj = d.byID(ctx, id.ValueString(), &resp.Diagnostics)
	} else {
		t, ok := integrationtype.ByBlock(typ.ValueString())
		if !ok {
			resp.Diagnostics.AddAttributeError(path.Root("type"), "Unknown integration type",
				fmt.Sprintf("type must be one of %s, not %q.", strings.Join(blockNames(), ", "), typ.ValueString()))
			return
		}
		obj = d.byHost(ctx, t, host.ValueString(), &resp.Diagnostics)
	}
	if obj == nil || resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(writeIntegrationDataSource(ctx, &resp.State, obj)...)
}

func (d *integrationDataSource) byID(ctx context.Context, id string, diags *diag.Diagnostics) *client.Integration {
	obj, err := d.client.GetIntegration(ctx, id)
	if client.IsGone(obj, err) {
		diags.AddAttributeError(path.Root("id"), "Integration not found",
			fmt.Sprintf("Immuta has no integration with ID %s (or only a deleted record of it). The immuta_integrations data source lists the integrations there are.", id))
		return nil
	}
	if err != nil {
		diags.Append(readErrorDiagnostics("Cannot read integration", "Immuta integration "+id, err)...)
		return nil
	}
	return obj
}

// byHost finds the integration of type t on host (for Trino, the one
// Starburst integration).
func (d *integrationDataSource) byHost(ctx context.Context, t *integrationtype.Type, host string, diags *diag.Diagnostics) *client.Integration {
	ofType, matches, err := findIntegrationsOnHost(ctx, d.client, t, host)
	if err != nil {
		diags.Append(readErrorDiagnostics("Cannot list integrations", "Looking up "+describe(t, host, ""), err)...)
		return nil
	}
	switch len(matches) {
	case 1:
		return &matches[0]
	case 0:
		detail := fmt.Sprintf("Immuta has no %s integration.", t.DisplayName)
		if len(t.HostKey) > 0 {
			detail = fmt.Sprintf("Immuta has no %s integration whose %s is %q. ", t.DisplayName, t.HostKeyName(), host)
			if len(ofType) == 0 {
				detail += fmt.Sprintf("It has no %s integration at all.", t.DisplayName)
			} else {
				detail += fmt.Sprintf("Its %s integrations are on: %s.", t.DisplayName, listIntegrations(t, ofType))
			}
		}
		diags.AddAttributeError(path.Root("type"), "Integration not found", detail)
	default:
		diags.AddAttributeError(path.Root("type"), "Several integrations match",
			fmt.Sprintf("Immuta has %d %s integrations matching this lookup: %s. Look the one you want up by id.",
				len(matches), t.DisplayName, listIntegrations(t, matches)))
	}
	return nil
}

func listIntegrations(t *integrationtype.Type, list []client.Integration) string {
	parts := make([]string, len(list))
	for i := range list {
		host := t.HostOfJSON(list[i].Config)
		if host == "" {
			parts[i] = "id " + list[i].ID
			continue
		}
		parts[i] = fmt.Sprintf("%s (id %s)", host, list[i].ID)
	}
	return strings.Join(parts, ", ")
}

// writeIntegrationDataSource fills the data source's state from an
// integration object: the block of its type, the others null.
func writeIntegrationDataSource(ctx context.Context, state *tfsdk.State, obj *client.Integration) diag.Diagnostics {
	var diags diag.Diagnostics
	t, ok := integrationtype.ByAPIName(obj.Type)
	if !ok {
		diags.AddError("Unsupported integration type",
			fmt.Sprintf("Immuta integration %s has type %q, which this provider version does not support.", obj.ID, obj.Type))
		return diags
	}
	var cfg map[string]any
	if err := obj.DecodeConfig(&cfg); err != nil {
		diags.AddError("Cannot decode the integration", fmt.Sprintf("%s: Immuta's answer has an unexpected config: %s", describe(t, "", obj.ID), err))
		return diags
	}
	block, err := t.DataSourceBlockFromAPI(cfg)
	if err != nil {
		diags.AddError("Cannot decode the integration", fmt.Sprintf("%s: Immuta's answer has an unexpected config field %s", describe(t, "", obj.ID), err))
		return diags
	}
	autoBootstrap := autoBootstrapped(t, obj)
	host := types.StringNull()
	if len(t.HostKey) > 0 {
		host = types.StringValue(t.HostKeyOf(cfg))
	}
	diags.Append(state.SetAttribute(ctx, path.Root("id"), obj.ID)...)
	diags.Append(state.SetAttribute(ctx, path.Root("type"), t.Block)...)
	diags.Append(state.SetAttribute(ctx, path.Root("host"), host)...)
	diags.Append(state.SetAttribute(ctx, path.Root("auto_bootstrap"), autoBootstrap)...)
	diags.Append(state.SetAttribute(ctx, path.Root("status"), obj.Status)...)
	diags.Append(state.SetAttribute(ctx, path.Root("validation_results"), validationResultsValue(obj.ValidationResults))...)
	for _, other := range integrationtype.All {
		value := types.ObjectNull(other.DataSourceAttrTypes())
		if other == t {
			value = block
		}
		diags.Append(state.SetAttribute(ctx, path.Root(other.Block), value)...)
	}
	return diags
}
