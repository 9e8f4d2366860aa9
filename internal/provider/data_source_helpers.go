// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/immuta/terraform-provider-immuta/internal/client"
	"github.com/immuta/terraform-provider-immuta/internal/integrationtype"
)

// blockNames lists the type blocks, in the documentation's order.
func blockNames() []string {
	names := make([]string, len(integrationtype.All))
	for i, t := range integrationtype.All {
		names[i] = t.Block
	}
	return names
}

func quotedList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = "`" + n + "`"
	}
	return strings.Join(q, ", ")
}

// blockOf names an integration's type the way configurations do: its block
// name, or Immuta's name for a type this provider version does not know.
func blockOf(apiType string) string {
	if t, ok := integrationtype.ByAPIName(apiType); ok {
		return t.Block
	}
	return apiType
}

// hostKeyName says what identifies an integration of type t on its platform,
// as the data sources' host argument expects it.
func hostKeyName(t *integrationtype.Type) string {
	return strings.Join(t.HostKey, "/")
}

// hostOfIntegration renders the host key of an integration from the API
// ("" for Trino, or when the config cannot be read).
func hostOfIntegration(t *integrationtype.Type, obj *client.Integration) string {
	if t == nil || len(t.HostKey) == 0 {
		return ""
	}
	var cfg map[string]any
	if err := obj.DecodeConfig(&cfg); err != nil {
		return ""
	}
	return t.HostKeyOf(cfg)
}

var integrationIDPattern = regexp.MustCompile(`^[0-9]{1,19}$`)

func integrationIDValidators() []validator.String {
	return []validator.String{stringvalidator.RegexMatches(integrationIDPattern, "must be an Immuta integration ID: a string of digits, such as \"7\"")}
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

func validationResultsDataSourceAttribute() schema.ListNestedAttribute {
	return schema.ListNestedAttribute{
		MarkdownDescription: "Results of Immuta's last validation of the integration.",
		Computed:            true,
		NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
			"name":    schema.StringAttribute{Computed: true, MarkdownDescription: "Name of the validation test."},
			"status":  schema.StringAttribute{Computed: true, MarkdownDescription: "`passed`, `failed`, `warning` or `skipped`."},
			"message": schema.StringAttribute{Computed: true, MarkdownDescription: "What is wrong and how to fix it, for failed and warning tests."},
		}},
	}
}

// readErrorDiagnostics turns an API error of a data source into a diagnostic.
func readErrorDiagnostics(summary, name string, err error) diag.Diagnostics {
	var diags diag.Diagnostics
	switch {
	case client.IsUnauthorized(err):
		diags.AddError("Immuta rejected the API key",
			"Immuta answered 401: check the provider's api_key (or IMMUTA_API_KEY); it may be wrong, expired or revoked.")
	case client.IsForbidden(err):
		diags.AddError("Immuta denied the request",
			"Immuta answered 403: the API key's user needs the APPLICATION_ADMIN permission to read integrations and their scripts.")
	default:
		diags.AddError(summary, fmt.Sprintf("%s: %s", name, err))
	}
	return diags
}
