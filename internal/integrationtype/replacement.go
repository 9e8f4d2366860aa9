// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package integrationtype

import (
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
)

// ReplacementPlanned reports whether the plan changes a field Immuta cannot
// edit, which makes Terraform replace the integration. (The framework tells
// a resource's ModifyPlan only about the replacements it asks for itself.)
func (t *Type) ReplacementPlanned(plan, state types.Object) bool {
	return nonEditableChanged(t.Fields, attributes(plan), attributes(state))
}

func nonEditableChanged(fields []Field, plan, state map[string]attr.Value) bool {
	for _, f := range fields {
		pv, sv := plan[f.Name], state[f.Name]
		if pv == nil || sv == nil {
			continue
		}
		if f.NonEditable && !pv.Equal(sv) {
			return true
		}
		if f.Kind == Object {
			p, _ := pv.(basetypes.ObjectValue)
			s, _ := sv.(basetypes.ObjectValue)
			if nonEditableChanged(f.Fields, attributes(p), attributes(s)) {
				return true
			}
		}
	}
	return false
}
