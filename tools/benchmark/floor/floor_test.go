// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package floor

import (
	"context"
	"fmt"
	"reflect"
	"sort"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/immuta/terraform-provider-immuta/internal/provider"
)

func protocolSchemas(t *testing.T, srv tfprotov6.ProviderServer) *tfprotov6.GetProviderSchemaResponse {
	t.Helper()
	resp, err := srv.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range resp.Diagnostics {
		t.Fatalf("schema diagnostic: %s: %s", d.Summary, d.Detail)
	}
	return resp
}

// shape flattens a schema into "path: type flags" lines, descriptions left
// out: what Terraform sees of it.
func shape(s *tfprotov6.Schema) []string {
	var out []string
	var walkAttrs func(prefix string, attrs []*tfprotov6.SchemaAttribute)
	walkAttrs = func(prefix string, attrs []*tfprotov6.SchemaAttribute) {
		for _, a := range attrs {
			p := prefix + a.Name
			typ := "nested"
			if a.Type != nil {
				typ = a.Type.String()
			}
			out = append(out, fmt.Sprintf("%s: %s required=%t optional=%t computed=%t sensitive=%t writeonly=%t",
				p, typ, a.Required, a.Optional, a.Computed, a.Sensitive, a.WriteOnly))
			if a.NestedType != nil {
				out = append(out, fmt.Sprintf("%s: nesting=%v", p, a.NestedType.Nesting))
				walkAttrs(p+".", a.NestedType.Attributes)
			}
		}
	}
	walkAttrs("", s.Block.Attributes)
	for _, b := range s.Block.BlockTypes {
		out = append(out, "block "+b.TypeName)
	}
	sort.Strings(out)
	return out
}

func TestFloorSchemaMatchesTheRealProvider(t *testing.T) {
	realSchemas := protocolSchemas(t, providerserver.NewProtocol6(provider.New("test")())())
	floor := protocolSchemas(t, providerserver.NewProtocol6(New())())

	if got, want := shape(floor.Provider), shape(realSchemas.Provider); !reflect.DeepEqual(got, want) {
		t.Errorf("provider schema differs:\nfloor: %q\nreal:  %q", got, want)
	}
	if len(floor.ResourceSchemas) != len(realSchemas.ResourceSchemas) {
		t.Errorf("floor has %d resources, the real provider %d", len(floor.ResourceSchemas), len(realSchemas.ResourceSchemas))
	}
	for name, rs := range realSchemas.ResourceSchemas {
		fs, ok := floor.ResourceSchemas[name]
		if !ok {
			t.Errorf("floor has no resource %s", name)
			continue
		}
		got, want := shape(fs), shape(rs)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: schemas differ:\n%s", name, diffLines(got, want))
		}
		if len(got) < 50 {
			t.Errorf("%s: only %d attributes; the type blocks are missing", name, len(got))
		}
	}
}

func diffLines(got, want []string) string {
	in := func(s []string) map[string]bool {
		m := map[string]bool{}
		for _, x := range s {
			m[x] = true
		}
		return m
	}
	g, w := in(got), in(want)
	var out string
	for _, x := range want {
		if !g[x] {
			out += "  missing: " + x + "\n"
		}
	}
	for _, x := range got {
		if !w[x] {
			out += "  extra:   " + x + "\n"
		}
	}
	return out
}

func TestSettle(t *testing.T) {
	objType := tftypes.Object{AttributeTypes: map[string]tftypes.Type{"name": tftypes.String, "status": tftypes.String, "message": tftypes.String}}
	typ := tftypes.Object{AttributeTypes: map[string]tftypes.Type{
		"id":                 tftypes.String,
		"status":             tftypes.String,
		"validation_results": tftypes.List{ElementType: objType},
		"block": tftypes.Object{AttributeTypes: map[string]tftypes.Type{
			"warehouse": tftypes.String,
			"computed":  tftypes.String,
		}},
	}}
	plan := tftypes.NewValue(typ, map[string]tftypes.Value{
		"id":                 tftypes.NewValue(tftypes.String, tftypes.UnknownValue),
		"status":             tftypes.NewValue(tftypes.String, tftypes.UnknownValue),
		"validation_results": tftypes.NewValue(tftypes.List{ElementType: objType}, tftypes.UnknownValue),
		"block": tftypes.NewValue(typ.AttributeTypes["block"], map[string]tftypes.Value{
			"warehouse": tftypes.NewValue(tftypes.String, "WH"),
			"computed":  tftypes.NewValue(tftypes.String, tftypes.UnknownValue),
		}),
	})
	got, err := settle(plan, tftypes.NewValue(typ, nil), tftypes.Value{})
	if err != nil {
		t.Fatal(err)
	}
	if !got.IsFullyKnown() {
		t.Fatalf("state has unknown values: %s", got)
	}
	var m map[string]tftypes.Value
	if err := got.As(&m); err != nil {
		t.Fatal(err)
	}
	var id, status string
	_ = m["id"].As(&id)
	_ = m["status"].As(&status)
	if id == "" || status != "enabled" {
		t.Errorf("id %q status %q", id, status)
	}
	var results []tftypes.Value
	if err := m["validation_results"].As(&results); err != nil || len(results) != 5 {
		t.Fatalf("validation_results = %s, want the five tests of an auto-bootstrapped Snowflake create", m["validation_results"])
	}
	var first map[string]tftypes.Value
	var name, testStatus string
	_ = results[0].As(&first)
	_ = first["name"].As(&name)
	_ = first["status"].As(&testStatus)
	if name != "Initial Validation: Basic Connection Test" || testStatus != "passed" || !first["message"].IsNull() {
		t.Errorf("first validation result = %s", results[0])
	}
	var block map[string]tftypes.Value
	_ = m["block"].As(&block)
	var wh string
	_ = block["warehouse"].As(&wh)
	if wh != "WH" || !block["computed"].IsNull() {
		t.Errorf("block = %s", m["block"])
	}

	// An update keeps the ID it is given.
	again, err := settle(got, tftypes.NewValue(typ, nil), got)
	if err != nil || !again.Equal(got) {
		t.Errorf("settling a known state changed it: %s", again)
	}
}

// A *_wo_version left to the provider settles as the provider counts it for
// an unchanged secret: 1 on create, the state's version on update; it stays
// null when the *_wo beside it is not configured (the stored password).
func TestSettleWriteOnlyVersion(t *testing.T) {
	blockType := tftypes.Object{AttributeTypes: map[string]tftypes.Type{
		"password": tftypes.String, "password_wo": tftypes.String, "password_wo_version": tftypes.Number,
	}}
	typ := tftypes.Object{AttributeTypes: map[string]tftypes.Type{"id": tftypes.String, "snowflake": blockType}}
	value := func(password, wo, version any) tftypes.Value {
		return tftypes.NewValue(typ, map[string]tftypes.Value{
			"id": tftypes.NewValue(tftypes.String, "7"),
			"snowflake": tftypes.NewValue(blockType, map[string]tftypes.Value{
				"password":            tftypes.NewValue(tftypes.String, password),
				"password_wo":         tftypes.NewValue(tftypes.String, wo),
				"password_wo_version": tftypes.NewValue(tftypes.Number, version),
			}),
		})
	}
	versionPath := tftypes.NewAttributePath().WithAttributeName("snowflake").WithAttributeName("password_wo_version")
	plan := value(nil, nil, tftypes.UnknownValue) // write-only values are never in a plan
	for name, c := range map[string]struct {
		config, prior tftypes.Value
		want          any
	}{
		"create, write-only":  {value(nil, "s3cret", nil), tftypes.Value{}, 1},
		"update, write-only":  {value(nil, "s3cret", nil), value(nil, nil, 3), 3},
		"create, stored":      {value("s3cret", nil, nil), tftypes.Value{}, nil},
		"update, no password": {value(nil, nil, nil), value(nil, nil, 3), nil},
	} {
		got, err := settle(plan, c.config, c.prior)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		v, _, err := tftypes.WalkAttributePath(got, versionPath)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if want := tftypes.NewValue(tftypes.Number, c.want); !v.(tftypes.Value).Equal(want) {
			t.Errorf("%s: password_wo_version = %s, want %s", name, v, want)
		}
	}
}
