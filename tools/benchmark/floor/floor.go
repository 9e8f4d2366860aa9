// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

// Package floor is the benchmark's floor provider: the real provider's
// schemas, served by a provider whose immuta_integration makes no API call.
// Create fills in the computed values from the plan, Read returns the
// state, Update copies the plan and Delete does nothing. Running the same
// Terraform configuration against it measures what Terraform and the plugin
// framework cost by themselves. Its command is ../cmd/floorprovider.
package floor

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	immuta "github.com/immuta/terraform-provider-immuta/internal/provider"
)

// Address is the floor provider's source address: the benchmark's
// configurations differ from the real provider's only in required_providers.
const Address = "registry.terraform.io/immuta/immuta-floor"

// New returns the floor provider.
func New() provider.Provider { return floorProvider{} }

type floorProvider struct{}

func (floorProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "immuta"
	resp.Version = "floor"
}

// Schema is the real provider's, so that the benchmark's configuration is
// the same for both; the floor ignores the settings.
func (floorProvider) Schema(ctx context.Context, req provider.SchemaRequest, resp *provider.SchemaResponse) {
	immuta.New("floor")().Schema(ctx, req, resp)
}

func (floorProvider) Configure(context.Context, provider.ConfigureRequest, *provider.ConfigureResponse) {
}

func (floorProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{func() resource.Resource { return &floorResource{} }}
}

func (floorProvider) DataSources(context.Context) []func() datasource.DataSource { return nil }

// floorResource is immuta_integration without an API behind it.
type floorResource struct{}

func (*floorResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_integration"
}

// Schema is the real resource's, with its validators, defaults and plan
// modifiers.
func (*floorResource) Schema(ctx context.Context, req resource.SchemaRequest, resp *resource.SchemaResponse) {
	for _, newResource := range immuta.New("floor")().Resources(ctx) {
		r := newResource()
		var meta resource.MetadataResponse
		r.Metadata(ctx, resource.MetadataRequest{ProviderTypeName: "immuta"}, &meta)
		if meta.TypeName == "immuta_integration" {
			r.Schema(ctx, req, resp)
			return
		}
	}
	resp.Diagnostics.AddError("floor: no immuta_integration", "The real provider has no immuta_integration resource to copy the schema of.")
}

var lastID atomic.Int64

var (
	idPath      = tftypes.NewAttributePath().WithAttributeName("id")
	statusPath  = tftypes.NewAttributePath().WithAttributeName("status")
	resultsPath = tftypes.NewAttributePath().WithAttributeName("validation_results")
)

// validationTests are the tests Immuta reports for an auto-bootstrapped
// Snowflake integration (IMMUTA_API.md, Validation results; no impersonation),
// which is what the benchmark creates: the floor's state then has the same
// size as the provider's, and the ratio measures the provider, not the size
// of Immuta's answer. The bench checks that both states have the same shape.
var validationTests = []string{
	"Initial Validation: Basic Connection Test",
	"Initial Validation: Default Warehouse Access Test",
	"Initial Validation: Validate access to Privileged Role",
	"Validate Automatic: Database Does Not Exist",
	"Validate Automatic Bootstrap User Grants",
}

// passedTests is the validation_results value of validationTests, all passed.
func passedTests(listType tftypes.Type) (tftypes.Value, error) {
	list, ok := listType.(tftypes.List)
	if !ok {
		return tftypes.Value{}, fmt.Errorf("validation_results is a %s, not a list", listType)
	}
	var items []tftypes.Value
	for _, name := range validationTests {
		items = append(items, tftypes.NewValue(list.ElementType, map[string]tftypes.Value{
			"name":    tftypes.NewValue(tftypes.String, name),
			"status":  tftypes.NewValue(tftypes.String, "passed"),
			"message": tftypes.NewValue(tftypes.String, nil),
		}))
	}
	return tftypes.NewValue(listType, items), nil
}

// settle turns a planned value into a state: a new ID when there is none,
// status "enabled", the validation results of a successful create, the
// version of a configured write-only secret, and every other value the
// plan left unknown null.
func settle(plan, config, prior tftypes.Value) (tftypes.Value, error) {
	return tftypes.Transform(plan, func(p *tftypes.AttributePath, v tftypes.Value) (tftypes.Value, error) {
		if v.IsKnown() {
			return v, nil
		}
		switch {
		case p.Equal(idPath):
			return tftypes.NewValue(tftypes.String, strconv.FormatInt(lastID.Add(1), 10)), nil
		case p.Equal(statusPath):
			return tftypes.NewValue(tftypes.String, "enabled"), nil
		case p.Equal(resultsPath):
			return passedTests(v.Type())
		}
		if version, ok := writeOnlyVersion(p, config, prior); ok {
			return version, nil
		}
		return tftypes.NewValue(v.Type(), nil), nil
	})
}

// writeOnlyVersion is the value of a *_wo_version at p that the
// configuration leaves to the provider while it sets the *_wo beside it.
// The real provider counts it (1 on create, one more when the secret
// differs from the one last applied, which takes a fingerprint to know);
// the floor keeps the state's version, or 1, which is what the provider
// records for the benchmark's unchanging password, so that both states
// have the same shape. Without a configured *_wo, ok is false.
func writeOnlyVersion(p *tftypes.AttributePath, config, prior tftypes.Value) (tftypes.Value, bool) {
	steps := p.Steps()
	if len(steps) == 0 {
		return tftypes.Value{}, false
	}
	name, ok := steps[len(steps)-1].(tftypes.AttributeName)
	if !ok || !strings.HasSuffix(string(name), "_wo_version") {
		return tftypes.Value{}, false
	}
	secret := p.WithoutLastStep().WithAttributeName(strings.TrimSuffix(string(name), "_version"))
	if wo, ok := valueAt(config, secret); !ok || wo.IsNull() {
		return tftypes.Value{}, false
	}
	if old, ok := valueAt(prior, p); ok && old.IsKnown() && !old.IsNull() {
		return old, true
	}
	return tftypes.NewValue(tftypes.Number, 1), true
}

// valueAt is the value at p in v, when v has one there.
func valueAt(v tftypes.Value, p *tftypes.AttributePath) (tftypes.Value, bool) {
	if v.IsNull() || !v.IsKnown() {
		return tftypes.Value{}, false
	}
	got, _, err := tftypes.WalkAttributePath(v, p)
	if err != nil {
		return tftypes.Value{}, false
	}
	value, ok := got.(tftypes.Value)
	return value, ok
}

func (*floorResource) Create(_ context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	settleInto(req.Plan.Raw, req.Config.Raw, tftypes.Value{}, &resp.State, &resp.Diagnostics)
}

// Read keeps the state as it is (the framework starts from the prior state).
func (*floorResource) Read(context.Context, resource.ReadRequest, *resource.ReadResponse) {}

func (*floorResource) Update(_ context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	settleInto(req.Plan.Raw, req.Config.Raw, req.State.Raw, &resp.State, &resp.Diagnostics)
}

// settleInto makes the settled plan the new state (Create and Update).
func settleInto(plan, config, prior tftypes.Value, state *tfsdk.State, diags *diag.Diagnostics) {
	v, err := settle(plan, config, prior)
	if err != nil {
		diags.AddError("floor: cannot build the state", err.Error())
		return
	}
	state.Raw = v
}

// Delete does nothing; the framework then removes the resource from state.
func (*floorResource) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {}
