// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

// Package integrationtype holds what the provider knows about each Immuta
// integration type: its fields, their Terraform and API names, defaults,
// which ones cannot change after creation, which ones are secret, and the
// rules between them. Schemas, payloads and read-back are all derived from
// these tables, so a field is described exactly once.
package integrationtype

import (
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// Kind is the Terraform type of a field.
type Kind int

const (
	String Kind = iota
	Int64
	Bool
	StringList
	Object
)

// Field describes one attribute of an integration type's configuration.
type Field struct {
	// Name is the Terraform attribute name (snake_case).
	Name string
	// JSON is the field's name in the API payload (camelCase).
	JSON string
	Kind Kind
	// Description is the attribute's documentation.
	Description string

	// Required fields must be set whenever their parent block is set.
	// Fields required only for one authentication type are optional here and
	// enforced by the type's Variants.
	Required bool
	// Default is Immuta's documented default (string, int64, bool, []string, or
	// nil for objects whose default is built from their children's defaults).
	Default any
	// HasDefault marks an object whose children's defaults form the
	// object's own default when the block is left out.
	HasDefault bool
	// ServerComputed marks an optional field whose value the API may fill in
	// without a documented default: left out of a new integration, it is not
	// sent and Immuta's answer decides; afterwards the plan keeps the value
	// Immuta reported, which a full-payload update sends back.
	ServerComputed bool
	// Implied is the value Immuta's rules assume when the field is left out
	// (without documenting it as a default): the provider's own checks use
	// it, and it is never sent.
	Implied any
	// Normalize says how Immuta may rewrite the value (String fields):
	// forms that mean the same compare equal.
	Normalize Normalization
	// ReadsFromList accepts a one-element list of strings where Immuta's
	// answer should hold a string (Databricks' groupPattern.deny, a list in
	// older answers).
	ReadsFromList bool
	// NonEditable fields force replacement: the API rejects a PUT that changes them.
	NonEditable bool
	// Secret fields are never returned by the API (answered as "[REDACTED]").
	// They are Sensitive, keep their configured value on read, and get a
	// write-only sibling "<name>_wo" with a "<name>_wo_version" trigger.
	Secret bool
	// Sensitive fields are hidden in plan output but read back from the API.
	Sensitive bool
	// Computed fields are set only by the API.
	Computed bool
	// Local fields live only in Terraform: never sent to the API nor read
	// from it (triggers such as Trino's rotate_api_key).
	Local bool
	// StoreSwitch names a Local Bool sibling that keeps this field (read
	// from Immuta) out of state when set to false: Trino's api_key, which an
	// ephemeral resource can read at run time instead.
	StoreSwitch string

	StringValidators []validator.String
	Int64Validators  []validator.Int64
	ListValidators   []validator.List

	// Fields are the children of an Object field.
	Fields []Field
}

// WriteOnlyName is the name of a secret field's write-only alternative.
func (f Field) WriteOnlyName() string { return f.Name + "_wo" }

// WriteOnlyVersionName is the name of the trigger that makes Terraform send
// a changed write-only value.
func (f Field) WriteOnlyVersionName() string { return f.Name + "_wo_version" }

// child returns the child field with the given Terraform name.
func (f Field) child(name string) (Field, bool) {
	return findField(f.Fields, name)
}

func findField(fields []Field, name string) (Field, bool) {
	for _, c := range fields {
		if c.Name == name {
			return c, true
		}
	}
	return Field{}, false
}

// Variant is a cross-field rule: depending on the value of Discriminator
// (an attribute of Object, or of the type block when Object is ""), some
// fields are required and, when Exclusive, the fields that belong to the
// other values must be left out. With an empty Discriminator, the rule
// under the key "" always applies.
type Variant struct {
	Object        string
	Discriminator string
	Exclusive     bool
	Rules         map[string]Rule
}

// Rule lists the fields one discriminator value needs (Requires) and the
// optional ones that belong to it (Allows). Paths are relative to the
// variant's object, dot-separated ("private_key.content"); a secret is
// satisfied by its write-only alternative too.
type Rule struct {
	Requires []string
	Allows   []string
}

// TestMapping attaches Immuta validation tests to the attribute they concern:
// a test whose name contains Substring is reported on Attribute (relative to
// the type block).
type TestMapping struct {
	Substring string
	Attribute string
}

// Setup is how an integration type's platform is set up.
type Setup int

const (
	// AutoOrManual types are set up by Immuta with privileged credentials
	// (auto_bootstrap = true) or by an administrator running the setup
	// script first: Snowflake, Databricks, Redshift, Azure Synapse.
	AutoOrManual Setup = iota
	// ManualOnly types are always set up by an administrator; autoBootstrap
	// is sent, and must be false: BigQuery, S3.
	ManualOnly
	// NoSetup types have nothing to set up: the payload is the type alone,
	// without autoBootstrap or config (Trino).
	NoSetup
)

// CanAutoBootstrap reports whether auto_bootstrap may be true.
func (t *Type) CanAutoBootstrap() bool { return t.Setup == AutoOrManual }

// HasSetup reports whether the platform has a set-up step, and so whether
// the payload holds autoBootstrap and a config, and whether there is
// anything to edit in place (Trino has none of them).
func (t *Type) HasSetup() bool { return t.Setup != NoSetup }

// Type is one Immuta integration type.
type Type struct {
	// Block is the resource's nested attribute name ("snowflake").
	Block string
	// APIName is the payload's "type" value ("Snowflake").
	APIName string
	// DisplayName is used in documentation and messages.
	DisplayName string
	Description string
	// Setup says how the platform is set up, which decides what the
	// payload holds.
	Setup Setup
	// InitialCreateScript marks the types whose manual setup has a first
	// script (POST /integrations/scripts/initial-create): Redshift and
	// Azure Synapse.
	InitialCreateScript bool
	// HostKey are the fields (Terraform names) that identify the integration
	// on its platform: Immuta allows one integration per host key per type.
	HostKey  []string
	Variants []Variant
	// RequiredWithAutoBootstrap are fields needed when auto_bootstrap is true.
	RequiredWithAutoBootstrap []string
	// DeleteCredentials are the fields sent in DELETE's body when the
	// integration was auto-bootstrapped (nil: DELETE never takes a body).
	DeleteCredentials []string
	Tests             []TestMapping
	Fields            []Field
}

// Field returns the top-level field with the given Terraform name.
func (t *Type) Field(name string) (Field, bool) { return findField(t.Fields, name) }

func fieldAt(fields []Field, path string) (Field, bool) {
	var f Field
	for _, name := range strings.Split(path, ".") {
		var ok bool
		if f, ok = findField(fields, name); !ok {
			return Field{}, false
		}
		fields = f.Fields
	}
	return f, true
}

func getPath(obj map[string]any, jsonPath []string) (any, bool) {
	var cur any = obj
	for _, k := range jsonPath {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = m[k]; !ok || cur == nil {
			return nil, false
		}
	}
	return cur, true
}

func jsonPathOf(fields []Field, parts []string) ([]string, bool) {
	out := make([]string, 0, len(parts))
	for _, name := range parts {
		f, ok := findField(fields, name)
		if !ok {
			return nil, false
		}
		out = append(out, f.JSON)
		fields = f.Fields
	}
	return out, true
}

// setPath sets a value at a JSON path in an API object, creating the
// intermediate objects.
func setPath(obj map[string]any, jsonPath []string, value any) {
	for _, k := range jsonPath[:len(jsonPath)-1] {
		next, ok := obj[k].(map[string]any)
		if !ok {
			next = map[string]any{}
			obj[k] = next
		}
		obj = next
	}
	obj[jsonPath[len(jsonPath)-1]] = value
}
