// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/immuta/terraform-provider-immuta/internal/client"
	"github.com/immuta/terraform-provider-immuta/internal/integrationtype"
)

// integrationState is everything the resource keeps in state.
type integrationState struct {
	Type              *integrationtype.Type
	ID                string
	AutoBootstrap     types.Bool
	Status            string
	ValidationResults types.List
	Block             types.Object
	// Unmanaged are the settings Immuta holds that the type's fields do not
	// describe (kept by every update; shown in unmanaged_settings).
	Unmanaged integrationtype.Unmanaged
}

// priorState is what the state (or, on create and update, the plan) already
// holds: Immuta's answer may leave any of it out, and what is left out is no
// change.
type priorState struct {
	Block             types.Object
	AutoBootstrap     types.Bool
	Status            types.String
	ValidationResults types.List
}

// stateFromAPI builds the state of integration id from Immuta's answer. The
// ID is the one asked for: an answer naming another integration is an error,
// never a silent switch to it.
func stateFromAPI(t *integrationtype.Type, id string, obj *client.Integration, prior priorState) (integrationState, diag.Diagnostics) {
	var diags diag.Diagnostics
	name := describe(t, "", id)
	if obj.ID != "" && obj.ID != id {
		diags.AddError("Immuta answered for another integration",
			fmt.Sprintf("%s was requested, but the answer describes integration %s. The state is unchanged and nothing was changed in Immuta. "+
				"Check that the provider's url points at Immuta itself (not a proxy that rewrites answers), then try again.", name, obj.ID))
		return integrationState{}, diags
	}
	if t.SendsConfig() && !obj.HasConfig() {
		diags.AddError("Immuta's answer has no configuration",
			fmt.Sprintf("%s: the answer holds no config, so Terraform cannot compare it with the state. The state is unchanged and nothing was "+
				"changed in Immuta; this is usually a transient answer from Immuta or a proxy: try again.", name))
		return integrationState{}, diags
	}
	var cfg map[string]any
	if err := obj.DecodeConfig(&cfg); err != nil {
		diags.AddError("Cannot decode the integration", fmt.Sprintf("%s: Immuta's answer has an unexpected config: %s. The state is unchanged.", name, err))
		return integrationState{}, diags
	}
	autoBootstrap := prior.AutoBootstrap
	if obj.AutoBootstrap != nil && t.SendsAutoBootstrap() {
		autoBootstrap = types.BoolValue(*obj.AutoBootstrap)
	}
	if autoBootstrap.IsNull() || autoBootstrap.IsUnknown() {
		autoBootstrap = types.BoolValue(false)
	}
	block, err := t.BlockFromAPI(cfg, prior.Block, autoBootstrap.ValueBool())
	if err != nil {
		diags.AddError("Cannot decode the integration", fmt.Sprintf("%s: Immuta's answer has an unexpected config field %s. The state is unchanged.", name, err))
		return integrationState{}, diags
	}
	unmanaged, err := t.Unmanaged(obj.Config)
	if err != nil {
		diags.AddError("Cannot decode the integration", fmt.Sprintf("%s: %s. The state is unchanged.", name, err))
		return integrationState{}, diags
	}
	status := obj.Status
	if status == "" && !prior.Status.IsUnknown() {
		status = prior.Status.ValueString()
	}
	results := validationResultsValue(obj.ValidationResults)
	if obj.ValidationResults == nil && !prior.ValidationResults.IsNull() && !prior.ValidationResults.IsUnknown() {
		results = prior.ValidationResults
	}
	return integrationState{
		Type: t, ID: id, AutoBootstrap: autoBootstrap, Status: status,
		ValidationResults: results, Block: block, Unmanaged: unmanaged,
	}, diags
}

// stateFromPlan is the state saved right after the POST, before the wait:
// the planned values, with the ID and status Immuta answered.
func stateFromPlan(t *integrationtype.Type, plan types.Object, autoBootstrap types.Bool, created *client.Integration) integrationState {
	// A round trip through the API form turns unknown computed values into nulls.
	block, err := t.BlockFromAPI(t.APIConfig(plan, types.ObjectNull(t.AttrTypes())), plan, false)
	if err != nil {
		block = types.ObjectNull(t.AttrTypes())
	}
	status := created.Status
	if status == "" {
		status = client.StatusCreating
	}
	return integrationState{
		Type: t, ID: created.ID, AutoBootstrap: autoBootstrap, Status: status,
		ValidationResults: validationResultsValue(created.ValidationResults), Block: block,
	}
}

var validationResultObjectType = types.ObjectType{AttrTypes: validationResultAttrTypes}

// maxStoredTests bounds validation_results: every plan walks the whole
// state, and Immuta may report tens of thousands of tests.
const maxStoredTests = 100

// storedTests are the tests kept in state: all of them up to
// maxStoredTests, else the failed and warning ones first.
func storedTests(tests []client.ValidationTest) []client.ValidationTest {
	if len(tests) <= maxStoredTests {
		return tests
	}
	out := make([]client.ValidationTest, 0, maxStoredTests)
	for _, wantProblem := range []bool{true, false} {
		for _, t := range tests {
			if len(out) == maxStoredTests {
				return out
			}
			if isProblem := t.Status == client.TestFailed || t.Status == client.TestWarning; isProblem == wantProblem {
				out = append(out, t)
			}
		}
	}
	return out
}

func validationResultsValue(res *client.ValidationResults) types.List {
	if res == nil {
		return types.ListValueMust(validationResultObjectType, []attr.Value{})
	}
	tests := storedTests(res.Tests)
	items := make([]attr.Value, 0, len(tests))
	for _, test := range tests {
		message := types.StringNull()
		if test.Message != "" {
			message = types.StringValue(test.Message)
		}
		items = append(items, types.ObjectValueMust(validationResultAttrTypes, map[string]attr.Value{
			"name": types.StringValue(test.Name), "status": types.StringValue(test.Status), "message": message,
		}))
	}
	return types.ListValueMust(validationResultObjectType, items)
}
