// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/immuta/terraform-provider-immuta/internal/client"
	"github.com/immuta/terraform-provider-immuta/internal/integrationtype"
)

// Finding integrations in what Immuta lists or answers, and naming them as
// configurations do.

// findIntegrationsOnHost lists Immuta's integrations and finds, ordered by
// ID, the live ones of type t (ofType) and those of them on host (for a type
// without a host, Trino, all of them), host compared as Type.OnHost does.
// A deleted record lingers in the list but holds no host. It is the one
// look-up by host: the immuta_integration data source's, and the resource's
// after a create whose answer was lost or interrupted.
func findIntegrationsOnHost(ctx context.Context, c *client.Client, t *integrationtype.Type, host string) (ofType, on []client.Integration, err error) {
	all, err := c.ListIntegrations(ctx)
	if err != nil {
		return nil, nil, err
	}
	sortByID(all)
	for _, obj := range all {
		if obj.Type != t.APIName || client.IsDeleted(obj.Status) {
			continue
		}
		ofType = append(ofType, obj)
		if len(t.HostKey) == 0 || t.OnHost(obj.Config, host) {
			on = append(on, obj)
		}
	}
	return ofType, on, nil
}

// findByHost returns the integration of type t on host, if there is one
// and Immuta's list could be read.
func (r *integrationResource) findByHost(ctx context.Context, t *integrationtype.Type, host string) (*client.Integration, bool) {
	_, on, err := findIntegrationsOnHost(ctx, r.client, t, host)
	if err != nil {
		tflog.Warn(ctx, "listing integrations failed", map[string]any{"error": err.Error()})
		return nil, false
	}
	if len(on) > 0 {
		return &on[0], true
	}
	return nil, false
}

// findTrinoIntegration reads integration id and checks that it is a live
// Starburst (Trino) integration; on failure it reports why, on
// integration_id, and returns nil.
func findTrinoIntegration(ctx context.Context, c *client.Client, id string, diags *diag.Diagnostics) *client.Integration {
	attr := path.Root("integration_id")
	obj, err := c.GetIntegration(ctx, id)
	switch {
	case client.IsGone(obj, err):
		diags.AddAttributeError(attr, "Integration not found",
			fmt.Sprintf("Immuta has no integration %s (or reports it deleted). Set integration_id to the ID of an existing Starburst (Trino) "+
				"integration, such as immuta_integration.<name>.id; the immuta_integrations data source with type = \"trino\" lists them.", id))
		return nil
	case err != nil:
		diags.Append(readErrorDiagnostics("Cannot read the integration", "Immuta integration "+id, err)...)
		return nil
	}
	if obj.Type != integrationtype.Trino.APIName {
		diags.AddAttributeError(attr, "Not a Starburst (Trino) integration",
			fmt.Sprintf("Integration %s is %s integration; only Starburst (Trino) integrations have an Immuta API key. "+
				"Set integration_id to the ID of a Starburst (Trino) integration.", id, withArticle(displayName(obj.Type))))
		return nil
	}
	return obj
}

// sortByID orders integrations by their numeric ID.
func sortByID(all []client.Integration) {
	slices.SortStableFunc(all, func(a, b client.Integration) int {
		na, errA := strconv.ParseUint(a.ID, 10, 64)
		nb, errB := strconv.ParseUint(b.ID, 10, 64)
		if errA == nil && errB == nil {
			switch {
			case na < nb:
				return -1
			case na > nb:
				return 1
			}
			return 0
		}
		return strings.Compare(a.ID, b.ID)
	})
}

// blockOf names an integration's type the way configurations do: its block
// name, or Immuta's name for a type this provider version does not know.
func blockOf(apiType string) string {
	if t, ok := integrationtype.ByAPIName(apiType); ok {
		return t.Block
	}
	return apiType
}

// displayName names an API type as the documentation does.
func displayName(apiType string) string {
	if t, ok := integrationtype.ByAPIName(apiType); ok {
		return t.DisplayName
	}
	return fmt.Sprintf("%q", apiType)
}

// autoBootstrapped reports whether Immuta's answer says it set the
// integration up itself; t is nil for a type this provider does not know,
// whose answer is taken as it is.
func autoBootstrapped(t *integrationtype.Type, obj *client.Integration) bool {
	return obj.AutoBootstrap != nil && *obj.AutoBootstrap && (t == nil || t.HasSetup())
}
