// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package integrationtype

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
)

// The data sources derive their type blocks from the same tables as the
// resource, in two shapes:
//
//   - the output block of immuta_integration (DataSourceBlock): every field
//     Immuta returns, all computed. Secrets, which Immuta never returns, are
//     left out together with their write-only siblings, and so are Local
//     fields, which exist only in a resource's state. Trino's api_key, which
//     Immuta does return, stays (sensitive).
//   - the input block of immuta_integration_script (DataSourceInputBlock):
//     the configuration a payload is built from, with the resource's
//     validators. Secrets are sensitive inputs (data sources have no
//     write-only attributes); computed and Local fields are left out.

// outputFields is fields without secrets and Local fields, at every depth.
func outputFields(fields []Field) []Field {
	return filterFields(fields, func(f Field) bool { return !f.Secret && !f.Local })
}

// inputFields is fields without computed and Local fields, at every depth.
func inputFields(fields []Field) []Field {
	return filterFields(fields, func(f Field) bool { return !f.Computed && !f.Local })
}

// filterFields also drops normalisation: a data source has no prior value to
// compare answers with, so its strings are plain.
func filterFields(fields []Field, keep func(Field) bool) []Field {
	out := make([]Field, 0, len(fields))
	for _, f := range fields {
		if !keep(f) {
			continue
		}
		f.Normalize = AsIs
		if f.Kind == Object {
			f.Fields = filterFields(f.Fields, keep)
		}
		out = append(out, f)
	}
	return out
}

// DataSourceAttrTypes returns the object type of the type's block in the
// immuta_integration data source.
func (t *Type) DataSourceAttrTypes() map[string]attr.Type {
	return plainAttrTypes(outputFields(t.Fields))
}

// DataSourceBlock is the type's computed nested attribute in the
// immuta_integration data source.
func (t *Type) DataSourceBlock() schema.SingleNestedAttribute {
	return schema.SingleNestedAttribute{
		MarkdownDescription: fmt.Sprintf("%s integration settings, set when the integration is of this type (null otherwise). %s "+
			"Secrets are never shown: Immuta does not return them.", t.DisplayName, t.Description),
		Computed:   true,
		Attributes: dataSourceAttributes(outputFields(t.Fields)),
	}
}

// DataSourceBlockFromAPI builds the type's data-source block from the API's
// "config"; a field the API leaves out takes its documented default, or is
// null.
func (t *Type) DataSourceBlockFromAPI(config map[string]any) (types.Object, error) {
	fields := outputFields(t.Fields)
	values, err := blockValues(fields, config, nil)
	if err != nil {
		return types.ObjectNull(plainAttrTypes(fields)), err
	}
	return objectValue(plainAttrTypes(fields), values)
}

func dataSourceAttributes(fields []Field) map[string]schema.Attribute {
	return attributesOf(fields, dataSourceAttribute)
}

func dataSourceAttribute(f Field) schema.Attribute {
	desc := f.Description
	switch f.Kind {
	case String:
		return schema.StringAttribute{MarkdownDescription: desc, Computed: true, Sensitive: f.Sensitive}
	case Int64:
		return schema.Int64Attribute{MarkdownDescription: desc, Computed: true}
	case Bool:
		return schema.BoolAttribute{MarkdownDescription: desc, Computed: true}
	case StringList:
		return schema.ListAttribute{MarkdownDescription: desc, Computed: true, ElementType: types.StringType}
	case Object:
		return schema.SingleNestedAttribute{MarkdownDescription: desc, Computed: true, Attributes: dataSourceAttributes(f.Fields)}
	}
	panic(unknownKind(f))
}

// inputAttrTypes returns the object type of the type's input block.
func (t *Type) inputAttrTypes() map[string]attr.Type {
	return plainAttrTypes(inputFields(t.Fields))
}

// DataSourceInputBlock is the type's optional nested attribute as a
// data-source input (immuta_integration_script): the resource's
// configuration with its validators, secrets sensitive, no write-only
// alternatives. Data sources have no schema defaults:
// DataSourceInputWithDefaults fills them in.
func (t *Type) DataSourceInputBlock() schema.SingleNestedAttribute {
	return schema.SingleNestedAttribute{
		MarkdownDescription: fmt.Sprintf("%s integration configuration, as in the `immuta_integration` resource (without the write-only "+
			"alternatives). %s At most one integration type block may be set.", t.DisplayName, t.Description),
		Optional:   true,
		Attributes: inputAttributes(inputFields(t.Fields)),
	}
}

func inputAttributes(fields []Field) map[string]schema.Attribute {
	return attributesOf(fields, inputAttribute)
}

func inputAttribute(f Field) schema.Attribute {
	desc := inputDescription(f)
	required, optional := f.Required, !f.Required
	switch f.Kind {
	case String:
		return schema.StringAttribute{
			MarkdownDescription: desc, Required: required, Optional: optional, Sensitive: f.Secret || f.Sensitive,
			Validators: stringValidators(f),
		}
	case Int64:
		return schema.Int64Attribute{MarkdownDescription: desc, Required: required, Optional: optional, Validators: f.Int64Validators}
	case Bool:
		return schema.BoolAttribute{MarkdownDescription: desc, Required: required, Optional: optional}
	case StringList:
		return schema.ListAttribute{
			MarkdownDescription: desc, Required: required, Optional: optional,
			ElementType: types.StringType, Validators: f.ListValidators,
		}
	case Object:
		return schema.SingleNestedAttribute{
			MarkdownDescription: desc, Required: required, Optional: optional, Attributes: inputAttributes(f.Fields),
		}
	}
	panic(unknownKind(f))
}

func inputDescription(f Field) string {
	d := f.Description + defaultSentence(f)
	if f.Secret {
		d += " Sensitive; as for every data-source argument, Terraform keeps it in state."
	}
	return d
}

// ValidateDataSourceInput checks the cross-field rules of a type block
// given as a data-source input, as Validate does for the resource; every
// secret a rule needs must be set, since the payload is sent as it is.
func (t *Type) ValidateDataSourceInput(block types.Object) diag.Diagnostics {
	return t.validate(block, types.BoolValue(false), true, false)
}

// DataSourceInputWithDefaults fills in the table's defaults where an input
// block leaves a field out, as the resource's schema defaults do in its plan,
// so that the payload built from it is the one the resource would send.
func (t *Type) DataSourceInputWithDefaults(block types.Object) (types.Object, error) {
	if block.IsNull() || block.IsUnknown() {
		return block, nil
	}
	fields := inputFields(t.Fields)
	values, err := withDefaults(fields, block.Attributes())
	if err != nil {
		return types.ObjectNull(plainAttrTypes(fields)), err
	}
	return objectValue(plainAttrTypes(fields), values)
}

func withDefaults(fields []Field, attrs map[string]attr.Value) (map[string]attr.Value, error) {
	out := make(map[string]attr.Value, len(fields))
	for _, f := range fields {
		v := attrs[f.Name]
		switch {
		case v == nil || v.IsNull():
			out[f.Name] = inputDefault(f)
		case f.Kind == Object && !v.IsUnknown():
			o, ok := v.(basetypes.ObjectValue)
			if !ok {
				return nil, fmt.Errorf("%s: expected an object, got %T", f.Name, v)
			}
			children, err := withDefaults(f.Fields, o.Attributes())
			if err != nil {
				return nil, fmt.Errorf("%s.%w", f.Name, err)
			}
			obj, err := objectValue(plainAttrTypes(f.Fields), children)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", f.Name, err)
			}
			out[f.Name] = obj
		default:
			out[f.Name] = v
		}
	}
	return out, nil
}

// inputDefault is the value of a left-out input field: its default, or for
// an object with HasDefault, the object of its children's defaults.
func inputDefault(f Field) attr.Value {
	if f.Kind != Object {
		return defaultValue(f)
	}
	if !f.HasDefault {
		return types.ObjectNull(plainAttrTypes(f.Fields))
	}
	values := make(map[string]attr.Value, len(f.Fields))
	for _, c := range f.Fields {
		values[c.Name] = inputDefault(c)
	}
	return types.ObjectValueMust(plainAttrTypes(f.Fields), values)
}

// plainAttrTypes is the object type of fields, without the write-only
// siblings that the resource's blocks add to secrets.
func plainAttrTypes(fields []Field) map[string]attr.Type {
	out := make(map[string]attr.Type, len(fields))
	for _, f := range fields {
		if f.Kind == Object {
			out[f.Name] = types.ObjectType{AttrTypes: plainAttrTypes(f.Fields)}
			continue
		}
		out[f.Name] = attrType(f)
	}
	return out
}
