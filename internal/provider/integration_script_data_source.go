// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/datasourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/immuta/terraform-provider-immuta/internal/client"
	"github.com/immuta/terraform-provider-immuta/internal/integrationtype"
)

// Script actions: the script endpoints of the Integrations API.
const (
	scriptCreate        = "create"
	scriptInitialCreate = "initial-create"
	scriptEdit          = "edit"
	scriptDelete        = "delete"
	scriptCleanup       = "cleanup"
	scriptPostCleanup   = "post-cleanup"
)

var scriptActions = []string{scriptCreate, scriptInitialCreate, scriptEdit, scriptDelete, scriptCleanup, scriptPostCleanup}

// scriptActionsOnIntegration are the actions on an existing integration:
// they need integration_id.
var scriptActionsOnIntegration = []string{scriptEdit, scriptDelete}

var (
	_ datasource.DataSource                     = (*integrationScriptDataSource)(nil)
	_ datasource.DataSourceWithConfigure        = (*integrationScriptDataSource)(nil)
	_ datasource.DataSourceWithConfigValidators = (*integrationScriptDataSource)(nil)
	_ datasource.DataSourceWithValidateConfig   = (*integrationScriptDataSource)(nil)
)

// newIntegrationScriptDataSource returns the immuta_integration_script data source.
func newIntegrationScriptDataSource() datasource.DataSource { return &integrationScriptDataSource{} }

type integrationScriptDataSource struct{ configuredDataSource }

func (d *integrationScriptDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_integration_script"
}

func (d *integrationScriptDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := map[string]schema.Attribute{
		"action": schema.StringAttribute{
			MarkdownDescription: "Which script to render: `create` (set the platform up before creating the integration), " +
				"`initial-create` (the first of the two setup scripts of " + blocksWhere(func(t *integrationtype.Type) bool { return t.InitialCreateScript }) + ", run before `create`), " +
				"`edit` (apply a configuration change to an existing integration), `delete` (remove Immuta's objects from the platform " +
				"after deleting an integration), `cleanup` and `post-cleanup` (clean up after a failed create).",
			Required:   true,
			Validators: []validator.String{stringvalidator.OneOf(scriptActions...)},
		},
		"integration_id": schema.StringAttribute{
			MarkdownDescription: "ID of the existing integration, such as `immuta_integration.example.id`. " +
				"Required with `action = \"edit\"` and `\"delete\"`, not used with the other actions.",
			Optional:   true,
			Validators: integrationIDValidators(),
		},
		"auto_bootstrap": schema.BoolAttribute{
			MarkdownDescription: "Setup scripts are for integrations an administrator sets up (`auto_bootstrap = false`, the default). " +
				"Must be `false` or left out; it is here so that the arguments of an `immuta_integration` can be copied as they are.",
			Optional: true,
		},
		"script": schema.StringAttribute{
			MarkdownDescription: "The script, as Immuta renders it, for an administrator of the platform to run.",
			Computed:            true,
		},
	}
	for _, t := range integrationtype.All {
		attrs[t.Block] = t.DataSourceInputBlock()
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Renders a setup script of a manually set-up Immuta integration (`auto_bootstrap = false`): " +
			"the SQL that an administrator of the data platform runs before Immuta can use it. " +
			"Set the same type block as in the `immuta_integration` resource; with `action = \"delete\"` it is optional and, when set, " +
			"the integration must be of that type. Typical use: render the `create` script, " +
			"have an administrator run it, then create the `immuta_integration`.\n\n" +
			"Secrets given in the type block are sent to Immuta to render the script and, as for every data-source argument, " +
			"kept in Terraform's state (marked sensitive).",
		Attributes: attrs,
	}
}

func (d *integrationScriptDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	blocks := make([]path.Expression, 0, len(integrationtype.All))
	for _, t := range integrationtype.All {
		blocks = append(blocks, path.MatchRoot(t.Block))
	}
	return []datasource.ConfigValidator{datasourcevalidator.Conflicting(blocks...)}
}

// scriptConfig is what ValidateConfig and Read need from the configuration.
type scriptConfig struct {
	action        types.String
	integrationID types.String
	autoBootstrap types.Bool
	// t and block are the one type block set (t nil when none is);
	// blockUnknown is true when a block is not known yet.
	t            *integrationtype.Type
	block        types.Object
	blockUnknown bool
}

func readScriptConfig(ctx context.Context, get getter) (scriptConfig, diag.Diagnostics) {
	var c scriptConfig
	var diags diag.Diagnostics
	diags.Append(get(ctx, path.Root("action"), &c.action)...)
	diags.Append(get(ctx, path.Root("integration_id"), &c.integrationID)...)
	diags.Append(get(ctx, path.Root("auto_bootstrap"), &c.autoBootstrap)...)
	for _, t := range integrationtype.All {
		var block types.Object
		diags.Append(get(ctx, path.Root(t.Block), &block)...)
		switch {
		case block.IsUnknown():
			c.blockUnknown = true
		case !block.IsNull() && c.t == nil:
			c.t, c.block = t, block
		}
	}
	return c, diags
}

// ValidateConfig reports at plan time what Immuta would refuse.
func (d *integrationScriptDataSource) ValidateConfig(ctx context.Context, req datasource.ValidateConfigRequest, resp *datasource.ValidateConfigResponse) {
	c, diags := readScriptConfig(ctx, req.Config.GetAttribute)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	if c.autoBootstrap.ValueBool() {
		resp.Diagnostics.AddAttributeError(path.Root("auto_bootstrap"), "Setup scripts are for auto_bootstrap = false",
			"Immuta renders setup scripts only for integrations that an administrator sets up (auto_bootstrap = false). "+
				"With auto_bootstrap = true Immuta sets the platform up itself with the privileged credentials: create the "+
				"immuta_integration directly, no script needed. Otherwise remove auto_bootstrap here or set it to false.")
	}
	if c.t != nil && !c.t.HasSetup() {
		resp.Diagnostics.AddAttributeError(path.Root(c.t.Block), "No setup script for this type",
			fmt.Sprintf("%s integrations have no setup script: create the immuta_integration with %s = {} and configure the "+
				"Starburst cluster with its api_key.", c.t.DisplayName, c.t.Block))
	}
	if c.action.IsUnknown() || c.action.IsNull() {
		return
	}
	action := c.action.ValueString()
	onIntegration := slices.Contains(scriptActionsOnIntegration, action)
	switch {
	case onIntegration && c.integrationID.IsNull():
		resp.Diagnostics.AddAttributeError(path.Root("integration_id"), "Missing integration_id",
			fmt.Sprintf("action = %q renders a script for an existing integration: set integration_id to its ID, "+
				"such as immuta_integration.example.id.", action))
	case !onIntegration && !c.integrationID.IsNull():
		resp.Diagnostics.AddAttributeError(path.Root("integration_id"), "integration_id is not used with this action",
			fmt.Sprintf("action = %q renders a script from the type block alone: remove integration_id "+
				"(it is used only with action = \"edit\" and \"delete\").", action))
	}
	if c.t == nil && !c.blockUnknown && action != scriptDelete {
		resp.Diagnostics.AddError("Missing integration type block",
			fmt.Sprintf("action = %q needs the integration's configuration: set one of %s, as in the immuta_integration resource.",
				action, strings.Join(blockNames(), ", ")))
	}
	if action == scriptInitialCreate && c.t != nil && c.t.HasSetup() && !c.t.InitialCreateScript {
		resp.Diagnostics.AddAttributeError(path.Root("action"), "No initial-create script for this type",
			fmt.Sprintf("Only %s integrations have an initial-create script (the first of their two setup scripts). "+
				"%s integrations have a single setup script: use action = %q.", initialCreateTypes(), c.t.DisplayName, scriptCreate))
	}
	if c.t != nil && c.t.HasSetup() && action != scriptDelete {
		resp.Diagnostics.Append(c.t.ValidateDataSourceInput(c.block)...)
	}
}

// initialCreateTypes names the types with an initial-create script.
func initialCreateTypes() string {
	var names []string
	for _, t := range integrationtype.All {
		if t.InitialCreateScript {
			names = append(names, fmt.Sprintf("%s (%s)", t.DisplayName, t.Block))
		}
	}
	return strings.Join(names, " and ")
}

func (d *integrationScriptDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	if !d.requireClient(&resp.Diagnostics) {
		return
	}
	c, diags := readScriptConfig(ctx, req.Config.GetAttribute)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	action, id := c.action.ValueString(), c.integrationID.ValueString()
	name := "the integration"
	var payload client.Payload
	if c.t != nil {
		// The payload is the one immuta_integration would send: its
		// defaults filled in, built by the same code.
		block, err := c.t.DataSourceInputWithDefaults(c.block)
		if err != nil {
			resp.Diagnostics.AddAttributeError(path.Root(c.t.Block), "Invalid integration configuration", err.Error())
			return
		}
		payload = newPayload(c.t, false, block, block)
		name = describe(c.t, c.t.HostOfBlock(c.block), id)
	} else if id != "" {
		name = "Immuta integration " + id
	}

	var script string
	var err error
	switch action {
	case scriptCreate:
		script, err = d.client.CreateScript(ctx, payload)
	case scriptInitialCreate:
		script, err = d.client.InitialCreateScript(ctx, payload)
	case scriptEdit:
		script, err = d.client.EditScript(ctx, id, payload)
	case scriptDelete:
		if !d.checkType(ctx, c.t, id, &resp.Diagnostics) {
			return
		}
		// Only manually set-up integrations have scripts, and their
		// delete takes no credentials.
		script, err = d.client.DeleteScript(ctx, id, nil)
	case scriptCleanup:
		script, err = d.client.CleanupScript(ctx, payload)
	case scriptPostCleanup:
		script, err = d.client.PostCleanupScript(ctx, payload)
	default:
		resp.Diagnostics.AddAttributeError(path.Root("action"), "Unknown action",
			fmt.Sprintf("action must be one of %s, not %q.", strings.Join(scriptActions, ", "), action))
		return
	}
	if err != nil {
		resp.Diagnostics.Append(scriptErrorDiagnostics(action, name, id, err)...)
		return
	}
	resp.State.Raw = req.Config.Raw.Copy()
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("script"), script)...)
}

// checkType makes sure, when a type block is given with action = "delete",
// that the integration is of that type: a script for the wrong platform is
// worse than none.
func (d *integrationScriptDataSource) checkType(ctx context.Context, t *integrationtype.Type, id string, diags *diag.Diagnostics) bool {
	if t == nil {
		return true
	}
	obj, err := d.client.GetIntegration(ctx, id)
	if client.IsGone(obj, err) {
		diags.AddAttributeError(path.Root("integration_id"), "Integration not found", fmt.Sprintf("Immuta has no integration with ID %s (or only a deleted record of it).", id))
		return false
	}
	if err != nil {
		diags.Append(readErrorDiagnostics("Cannot read integration", "Immuta integration "+id, err)...)
		return false
	}
	if obj.Type != t.APIName {
		diags.AddAttributeError(path.Root(t.Block), "Integration of another type",
			fmt.Sprintf("Immuta integration %s is %s integration, not %s: set the %s block, or none (action = \"delete\" needs none).",
				id, withArticle(blockOf(obj.Type)), t.Block, blockOf(obj.Type)))
		return false
	}
	return true
}

func scriptErrorDiagnostics(action, name, id string, err error) diag.Diagnostics {
	var diags diag.Diagnostics
	var apiErr *client.APIError
	switch {
	case client.IsNotFound(err) && id != "":
		diags.AddAttributeError(path.Root("integration_id"), "Integration not found",
			fmt.Sprintf("Immuta has no integration with ID %s, so it has no %s script.", id, action))
	case client.IsUnauthorized(err) || client.IsForbidden(err):
		diags.Append(readErrorDiagnostics("", name, err)...)
	case errors.As(err, &apiErr) && apiErr.StatusCode >= 400 && apiErr.StatusCode < 500:
		diags.AddError(fmt.Sprintf("Immuta refused to render the %s script", action),
			fmt.Sprintf("%s: Immuta answered %d: %s", name, apiErr.StatusCode, apiErr.Message))
	default:
		diags.AddError(fmt.Sprintf("Cannot get the %s script", action), fmt.Sprintf("%s: %s", name, err))
	}
	return diags
}
