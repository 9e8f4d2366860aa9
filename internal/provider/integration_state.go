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
}

// stateFromAPI builds the state from an integration object. prior (state,
// or plan on create and update) supplies what Immuta never returns: the
// secrets and the write-only version triggers.
func stateFromAPI(t *integrationtype.Type, obj *client.Integration, prior types.Object, priorAutoBootstrap types.Bool) (integrationState, diag.Diagnostics) {
	var diags diag.Diagnostics
	var cfg map[string]any
	if err := obj.DecodeConfig(&cfg); err != nil {
		diags.AddError("Cannot decode the integration", fmt.Sprintf("%s: Immuta's answer has an unexpected config: %s", describe(t, "", obj.ID), err))
		return integrationState{}, diags
	}
	block, err := t.BlockFromAPI(cfg, prior)
	if err != nil {
		diags.AddError("Cannot decode the integration", fmt.Sprintf("%s: Immuta's answer has an unexpected config field %s", describe(t, "", obj.ID), err))
		return integrationState{}, diags
	}
	autoBootstrap := priorAutoBootstrap
	if obj.AutoBootstrap != nil && t.SendsAutoBootstrap {
		autoBootstrap = types.BoolValue(*obj.AutoBootstrap)
	}
	if autoBootstrap.IsNull() || autoBootstrap.IsUnknown() {
		autoBootstrap = types.BoolValue(false)
	}
	return integrationState{
		Type: t, ID: obj.ID, AutoBootstrap: autoBootstrap, Status: obj.Status,
		ValidationResults: validationResultsValue(obj.ValidationResults), Block: block,
	}, diags
}

// stateFromPlan is the state saved right after the POST, before the wait:
// the planned values, with the ID and status Immuta answered.
func stateFromPlan(t *integrationtype.Type, plan types.Object, autoBootstrap types.Bool, created *client.Integration) integrationState {
	// A round trip through the API form turns unknown computed values into nulls.
	block, err := t.BlockFromAPI(t.APIConfig(plan, types.ObjectNull(t.AttrTypes())), plan)
	if err != nil {
		block = types.ObjectNull(t.AttrTypes())
	}
	return integrationState{
		Type: t, ID: created.ID, AutoBootstrap: autoBootstrap, Status: created.Status,
		ValidationResults: validationResultsValue(created.ValidationResults), Block: block,
	}
}

var validationResultObjectType = types.ObjectType{AttrTypes: validationResultAttrTypes}

func validationResultsValue(res *client.ValidationResults) types.List {
	if res == nil {
		return types.ListValueMust(validationResultObjectType, []attr.Value{})
	}
	items := make([]attr.Value, 0, len(res.Tests))
	for _, test := range res.Tests {
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
