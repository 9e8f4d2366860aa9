// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/provider"
)

// The newer workflows: ephemeral resources (Terraform 1.10), list resources
// for terraform query and actions (Terraform 1.14). Older Terraform versions
// ignore what they do not know, so the provider serves them all.
var (
	_ provider.ProviderWithEphemeralResources = (*immutaProvider)(nil)
	_ provider.ProviderWithListResources      = (*immutaProvider)(nil)
	_ provider.ProviderWithActions            = (*immutaProvider)(nil)
)

func (p *immutaProvider) EphemeralResources(_ context.Context) []func() ephemeral.EphemeralResource {
	return []func() ephemeral.EphemeralResource{newTrinoAPIKeyEphemeralResource}
}

func (p *immutaProvider) ListResources(_ context.Context) []func() list.ListResource {
	return []func() list.ListResource{newIntegrationListResource}
}

func (p *immutaProvider) Actions(_ context.Context) []func() action.Action {
	return []func() action.Action{newTrinoRotateAction}
}
