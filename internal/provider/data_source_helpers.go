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
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/immuta/terraform-provider-immuta/internal/client"
	"github.com/immuta/terraform-provider-immuta/internal/integrationtype"
)

// blockOf names an integration's type the way configurations do: its block
// name, or Immuta's name for a type this provider version does not know.
func blockOf(apiType string) string {
	if t, ok := integrationtype.ByAPIName(apiType); ok {
		return t.Block
	}
	return apiType
}

// autoBootstrapped reports whether Immuta's answer says it set the
// integration up itself; t is nil for a type this provider does not know,
// whose answer is taken as it is.
func autoBootstrapped(t *integrationtype.Type, obj *client.Integration) bool {
	return obj.AutoBootstrap != nil && *obj.AutoBootstrap && (t == nil || t.SendsAutoBootstrap())
}

// integrationIDPattern is Immuta's integration id, a string of digits: the
// one rule for import ids, identities and data source arguments.
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

// readErrorDiagnostics turns an API error of a data source into a diagnostic.
func readErrorDiagnostics(summary, name string, err error) diag.Diagnostics {
	var diags diag.Diagnostics
	switch {
	case client.IsUnauthorized(err) || client.IsForbidden(err):
		diags.AddError(authProblem(err, "("+name+")"))
	default:
		diags.AddError(summary, fmt.Sprintf("%s: %s", name, err))
	}
	return diags
}
