// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var _ resource.ResourceWithIdentity = (*integrationResource)(nil)

// The identity of an integration is Immuta's ID, the same value import by
// string ID takes: import blocks may give either, and terraform query lists it.
func (r *integrationResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			"id": identityschema.StringAttribute{
				RequiredForImport: true,
				Description:       "Immuta's ID of the integration, a string of digits such as \"7\".",
			},
		},
	}
}

// importID is the ID an import asks for: the string ID of `terraform import`
// and of an import block's id, or the id of an import block's identity
// (Terraform 1.12 and later).
func importID(ctx context.Context, req resource.ImportStateRequest, diags *diag.Diagnostics) (string, bool) {
	raw := req.ID
	if raw == "" && req.Identity != nil {
		var id types.String
		diags.Append(req.Identity.GetAttribute(ctx, path.Root("id"), &id)...)
		if diags.HasError() {
			return "", false
		}
		raw = id.ValueString()
	}
	id, err := ParseImportID(raw)
	if err != nil {
		diags.AddAttributeError(path.Root("id"), "Invalid import ID", err.Error())
		return "", false
	}
	return id, true
}

// setIdentity records the integration's ID as its identity. Terraform
// requires an identity after every create, read and update without error, so
// it is deferred at the start of each: the ID is taken from the first state
// holding one (a read that removes a deleted integration keeps the identity
// of the state it was given).
func setIdentity(ctx context.Context, identity *tfsdk.ResourceIdentity, diags *diag.Diagnostics, states ...*tfsdk.State) {
	if identity == nil {
		return // a Terraform without identity support
	}
	for _, s := range states {
		if s == nil || s.Raw.IsNull() {
			continue
		}
		var id types.String
		if s.GetAttribute(ctx, path.Root("id"), &id).HasError() || id.IsNull() || id.IsUnknown() || id.ValueString() == "" {
			continue
		}
		diags.Append(identity.SetAttribute(ctx, path.Root("id"), id)...)
		return
	}
}

// integrationIDPattern is Immuta's integration id, a string of digits: the
// one rule for import ids, identities and data source arguments.
var integrationIDPattern = regexp.MustCompile(`^[0-9]{1,19}$`)

func integrationIDValidators() []validator.String {
	return []validator.String{stringvalidator.RegexMatches(integrationIDPattern, "must be an Immuta integration ID: a string of digits, such as \"7\"")}
}

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
