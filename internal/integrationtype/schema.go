// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package integrationtype

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/objectdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/objectplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Length limits keep absurd input out of plans; secrets (keys, key files)
// may be long.
const (
	maxStringLength = 1024
	maxSecretLength = 65536
)

// AttrTypes returns the object type of the type's block.
func (t *Type) AttrTypes() map[string]attr.Type { return attrTypes(t.Fields) }

func resourceAttributes(fields []Field) map[string]schema.Attribute {
	attrs := attributesOf(fields, resourceAttribute)
	for _, f := range fields {
		if !f.Secret {
			continue
		}
		attrs[f.WriteOnlyName()] = schema.StringAttribute{
			Optional:  true,
			Sensitive: true,
			WriteOnly: true,
			MarkdownDescription: fmt.Sprintf("Write-only alternative to `%s` (Terraform 1.11 or OpenTofu 1.11 and later): never stored in state. %s",
				f.Name, writeOnlyRule(f)),
			// The conflict with the stored attribute is reported once, on that attribute.
			Validators: stringValidators(f),
		}
		attrs[f.WriteOnlyVersionName()] = schema.Int64Attribute{
			Optional: true,
			Computed: true,
			MarkdownDescription: fmt.Sprintf("Version of `%[1]s`. Optional: left out, the provider counts it, starting at `1` and "+
				"increasing it in the plan whenever the configured `%[1]s` differs from the value last applied. Set it to count "+
				"rotations yourself; increasing it sends `%[1]s` again even when the value is the same, which is how to bring "+
				"Immuta back in line with the configuration after the credential was changed outside Terraform.", f.WriteOnlyName()),
			Validators: []validator.Int64{
				int64validator.AlsoRequires(path.MatchRelative().AtParent().AtName(f.WriteOnlyName())),
			},
		}
	}
	return attrs
}

// writeOnlyRule is the one rule for sending a write-only secret, stated
// where the attribute is documented and followed by the plan: Terraform
// never stores the value, so the provider keeps a salted, slow fingerprint
// of the value last applied (in the resource's private state) to tell
// whether the configured one differs.
func writeOnlyRule(f Field) string {
	return fmt.Sprintf("The configuration is the truth: the value is sent when the integration is created, with every in-place "+
		"update (Immuta's update replaces the whole configuration), and when it differs from the value last applied, "+
		"which the plan shows as an update of `%[2]s`. Terraform keeps only a salted argon2id fingerprint of the value last "+
		"applied, in the resource's private state, never the value. An integration without that fingerprint (imported, "+
		"adopted with `terraform query`, or last applied by an earlier build of this provider) gets the configured value with its next "+
		"in-place update, and that plan says so in a warning.", f.WriteOnlyName(), f.WriteOnlyVersionName())
}

func resourceAttribute(f Field) schema.Attribute {
	desc := description(f)
	required, optional, computed := f.Required, !f.Required && !f.Computed, f.Computed || f.Default != nil || f.HasDefault || f.ServerComputed

	switch f.Kind {
	case String:
		a := schema.StringAttribute{
			MarkdownDescription: desc, Required: required, Optional: optional, Computed: computed,
			Sensitive: f.Secret || f.Sensitive, CustomType: customStringType(f),
			PlanModifiers: planModifiers(f, stringplanmodifier.RequiresReplace(), stringplanmodifier.UseStateForUnknown()),
		}
		if !f.Computed {
			a.Validators = stringValidators(f)
		}
		if f.Secret {
			a.Validators = append(a.Validators, stringvalidator.ConflictsWith(path.MatchRelative().AtParent().AtName(f.WriteOnlyName())))
		}
		if s, ok := f.Default.(string); ok {
			a.Default = stringdefault.StaticString(s)
		}
		return a
	case Int64:
		a := schema.Int64Attribute{
			MarkdownDescription: desc, Required: required, Optional: optional, Computed: computed,
			Validators:    f.Int64Validators,
			PlanModifiers: planModifiers(f, int64planmodifier.RequiresReplace(), int64planmodifier.UseStateForUnknown()),
		}
		if n, ok := f.Default.(int64); ok {
			a.Default = int64default.StaticInt64(n)
		}
		return a
	case Bool:
		a := schema.BoolAttribute{
			MarkdownDescription: desc, Required: required, Optional: optional, Computed: computed,
			PlanModifiers: planModifiers(f, boolplanmodifier.RequiresReplace(), boolplanmodifier.UseStateForUnknown()),
		}
		if b, ok := f.Default.(bool); ok {
			a.Default = booldefault.StaticBool(b)
		}
		return a
	case StringList:
		a := schema.ListAttribute{
			MarkdownDescription: desc, Required: required, Optional: optional, Computed: computed,
			ElementType: types.StringType, Validators: f.ListValidators,
			PlanModifiers: planModifiers(f, listplanmodifier.RequiresReplace(), listplanmodifier.UseStateForUnknown()),
		}
		if f.Default != nil {
			list, _ := defaultValue(f).(types.List)
			a.Default = listdefault.StaticValue(list)
		}
		return a
	case Object:
		a := schema.SingleNestedAttribute{
			MarkdownDescription: desc, Required: required, Optional: optional, Computed: computed,
			Attributes:    resourceAttributes(f.Fields),
			PlanModifiers: planModifiers(f, objectplanmodifier.RequiresReplace(), objectplanmodifier.UseStateForUnknown()),
		}
		if f.HasDefault {
			obj, _ := defaultValue(f).(types.Object)
			a.Default = objectdefault.StaticValue(obj)
		}
		return a
	}
	panic(unknownKind(f))
}

// planModifiers are a resource attribute's, of its kind: replacement when
// Immuta cannot edit the field, the state's value while the plan does not
// know it when Immuta fills the field in.
func planModifiers[M any](f Field, requiresReplace, useStateForUnknown M) []M {
	var out []M
	if f.NonEditable {
		out = append(out, requiresReplace)
	}
	if f.Computed || f.ServerComputed {
		out = append(out, useStateForUnknown)
	}
	return out
}

func description(f Field) string {
	d := f.Description + defaultSentence(f)
	if f.ServerComputed {
		d += " Immuta fills it in when left out: a new integration is created without it, and the value Immuta reports is kept (and sent back with later updates)."
	}
	if f.Implied != nil {
		d += fmt.Sprintf(" Immuta's rules, and the provider's checks, read it as `%v` when it is left out.", f.Implied)
	}
	if f.NonEditable {
		d += " Changing it forces a new integration."
	}
	if f.Secret {
		d += fmt.Sprintf(" Immuta never returns it; Terraform keeps the configured value. Conflicts with `%s`.", f.WriteOnlyName())
	}
	return d
}

// The attributes of the resource's and the data sources' blocks are built
// from the same fields; these are the parts they share.

// attributesOf builds one attribute per field, by the field's name.
func attributesOf[A any](fields []Field, attribute func(Field) A) map[string]A {
	attrs := make(map[string]A, len(fields))
	for _, f := range fields {
		attrs[f.Name] = attribute(f)
	}
	return attrs
}

// stringValidators are a configured string's: a length within reason (a
// secret, a key or key file, may be long), and the field's own.
func stringValidators(f Field) []validator.String {
	limit := maxStringLength
	if f.Secret {
		limit = maxSecretLength
	}
	return append([]validator.String{stringvalidator.LengthBetween(1, limit)}, f.StringValidators...)
}

// defaultSentence documents a field's default, if it has one.
func defaultSentence(f Field) string {
	if f.Default == nil {
		return ""
	}
	v := f.Default
	if l, ok := v.([]string); ok && len(l) == 0 {
		v = "[]"
	}
	return fmt.Sprintf(" Defaults to `%v`.", v)
}

func unknownKind(f Field) string {
	return fmt.Sprintf("integrationtype: field %q has unknown kind %d", f.Name, f.Kind)
}

func attrTypes(fields []Field) map[string]attr.Type {
	types_ := make(map[string]attr.Type, len(fields))
	for _, f := range fields {
		types_[f.Name] = attrType(f)
		if f.Secret {
			types_[f.WriteOnlyName()] = types.StringType
			types_[f.WriteOnlyVersionName()] = types.Int64Type
		}
	}
	return types_
}

func attrType(f Field) attr.Type {
	switch f.Kind {
	case Int64:
		return types.Int64Type
	case Bool:
		return types.BoolType
	case StringList:
		return types.ListType{ElemType: types.StringType}
	case Object:
		return types.ObjectType{AttrTypes: attrTypes(f.Fields)}
	default:
		return stringType(f)
	}
}

// defaultValue is the value a field takes when it is left out: its Default,
// or for objects with HasDefault, the object of its children's defaults.
func defaultValue(f Field) attr.Value {
	switch f.Kind {
	case String:
		if s, ok := f.Default.(string); ok {
			return stringValue(f, s)
		}
		return stringNull(f)
	case Int64:
		if n, ok := f.Default.(int64); ok {
			return types.Int64Value(n)
		}
		return types.Int64Null()
	case Bool:
		if b, ok := f.Default.(bool); ok {
			return types.BoolValue(b)
		}
		return types.BoolNull()
	case StringList:
		l, ok := f.Default.([]string)
		if !ok {
			return types.ListNull(types.StringType)
		}
		elems := make([]attr.Value, len(l))
		for i, s := range l {
			elems[i] = types.StringValue(s)
		}
		return types.ListValueMust(types.StringType, elems)
	case Object:
		if !f.HasDefault {
			return types.ObjectNull(attrTypes(f.Fields))
		}
		values := make(map[string]attr.Value, len(f.Fields))
		for _, c := range f.Fields {
			values[c.Name] = defaultValue(c)
			if c.Secret {
				values[c.WriteOnlyName()] = types.StringNull()
				values[c.WriteOnlyVersionName()] = types.Int64Null()
			}
		}
		return types.ObjectValueMust(attrTypes(f.Fields), values)
	}
	return nil
}

// blockPlanModifiers force replacement when the integration changes type:
// the block of the old type is removed and that of the new one appears.
func blockPlanModifiers() []planmodifier.Object {
	return []planmodifier.Object{
		objectplanmodifier.RequiresReplaceIf(
			func(_ context.Context, req planmodifier.ObjectRequest, resp *objectplanmodifier.RequiresReplaceIfFuncResponse) {
				resp.RequiresReplace = req.StateValue.IsNull() != req.PlanValue.IsNull()
			},
			"Changing the integration type forces a new integration.",
			"Changing the integration type forces a new integration.",
		),
	}
}

// ResourceBlock is the type's nested attribute in the resource schema.
func (t *Type) ResourceBlock() schema.SingleNestedAttribute {
	return schema.SingleNestedAttribute{
		MarkdownDescription: fmt.Sprintf("%s integration. %s Exactly one integration type block must be set.", t.DisplayName, t.Description),
		Optional:            true,
		Attributes:          resourceAttributes(t.Fields),
		PlanModifiers:       blockPlanModifiers(),
	}
}
