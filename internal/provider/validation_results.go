// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	dsschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/immuta/terraform-provider-immuta/internal/client"
)

// validationResultFields is the one description of a validation result,
// from which the resource's and the data sources' attributes and the values
// stored in them are built.
var validationResultFields = []struct{ name, description string }{
	{"name", "Name of the validation test."},
	{"status", "`passed`, `failed`, `warning` or `skipped`."},
	{"message", "What is wrong and how to fix it, for failed and warning tests."},
}

var validationResultAttrTypes = func() map[string]attr.Type {
	out := map[string]attr.Type{}
	for _, f := range validationResultFields {
		out[f.name] = types.StringType
	}
	return out
}()

var validationResultsDescription = fmt.Sprintf("Results of Immuta's last validation of the integration: every test, or when Immuta reports more than %[1]d, "+
	"the first %[1]d with the failed and warning ones first (the provider's TRACE log has them all).", maxStoredTests)

// validationResultsResourceAttribute is the resource's validation_results:
// kept from state in update plans, which an update's results would only
// clutter (it reports them as diagnostics; the next refresh stores them).
func validationResultsResourceAttribute() schema.ListNestedAttribute {
	attrs := map[string]schema.Attribute{}
	for _, f := range validationResultFields {
		attrs[f.name] = schema.StringAttribute{Computed: true, MarkdownDescription: f.description}
	}
	return schema.ListNestedAttribute{
		MarkdownDescription: validationResultsDescription + " Set on create and on every refresh. An in-place update reports its own " +
			"results as diagnostics and leaves this attribute to the next refresh, so that update plans do not list it.",
		Computed:      true,
		PlanModifiers: []planmodifier.List{listplanmodifier.UseStateForUnknown()},
		NestedObject:  schema.NestedAttributeObject{Attributes: attrs},
	}
}

// validationResultsDataSourceAttribute is the data sources' validation_results.
func validationResultsDataSourceAttribute() dsschema.ListNestedAttribute {
	attrs := map[string]dsschema.Attribute{}
	for _, f := range validationResultFields {
		attrs[f.name] = dsschema.StringAttribute{Computed: true, MarkdownDescription: f.description}
	}
	return dsschema.ListNestedAttribute{
		MarkdownDescription: validationResultsDescription,
		Computed:            true,
		NestedObject:        dsschema.NestedAttributeObject{Attributes: attrs},
	}
}

var validationResultObjectType = types.ObjectType{AttrTypes: validationResultAttrTypes}

// maxStoredTests bounds validation_results: every plan walks the whole
// state, and Immuta may report tens of thousands of tests. The client logs
// every test of larger results.
const maxStoredTests = client.KeptTests

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
