// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/attr"
	dsschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
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

const validationResultsDescription = "Results of Immuta's last validation of the integration: every test, or when Immuta reports more than 100, " +
	"the first 100 with the failed and warning ones first (the provider's TRACE log has them all)."

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
