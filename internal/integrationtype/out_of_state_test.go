// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package integrationtype

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Trino's api_key is read from Immuta's answer unless store_api_key is
// false; left out (null), the key is stored.
func TestStoreSwitchKeepsTheKeyOutOfState(t *testing.T) {
	answer := map[string]any{"apiKey": "the-key"}
	for _, tc := range []struct {
		store attr.Value
		want  attr.Value
	}{
		{types.BoolNull(), sv("the-key")},
		{types.BoolValue(true), sv("the-key")},
		{types.BoolValue(false), types.StringNull()},
	} {
		prior := objectFrom(t, Trino, map[string]attr.Value{"store_api_key": tc.store})
		block, err := Trino.BlockFromAPI(answer, prior, false)
		if err != nil {
			t.Fatal(err)
		}
		got := block.Attributes()
		if !got["api_key"].Equal(tc.want) {
			t.Errorf("store_api_key = %v: api_key = %v, want %v", tc.store, got["api_key"], tc.want)
		}
		if !got["store_api_key"].Equal(tc.store) {
			t.Errorf("store_api_key = %v was not kept: %v", tc.store, got["store_api_key"])
		}
	}
	if fields := Trino.StoreSwitches(); len(fields) != 1 || fields[0].Name != "api_key" {
		t.Errorf("Trino's StoreSwitches = %v, want api_key", fields)
	}
	for _, typ := range All {
		for _, f := range typ.StoreSwitches() {
			if sw, ok := typ.Field(f.StoreSwitch); !ok || !sw.Local || sw.Kind != Bool {
				t.Errorf("%s.%s: its StoreSwitch %q must be a Local Bool field of the block", typ.Block, f.Name, f.StoreSwitch)
			}
		}
	}
}

// WithoutSensitive nulls every sensitive value at any depth, and nothing else.
func TestWithoutSensitive(t *testing.T) {
	trino := objectFrom(t, Trino, map[string]attr.Value{"api_key": sv("the-key"), "rotate_api_key": types.Int64Value(2)})
	got := Trino.WithoutSensitive(trino).Attributes()
	if !got["api_key"].IsNull() || !got["rotate_api_key"].Equal(types.Int64Value(2)) {
		t.Errorf("Trino without sensitive values: %v", got)
	}

	sf := objectFrom(t, Snowflake, map[string]attr.Value{
		"host": sv("h.snowflakecomputing.com"), "password": sv("pw"), "username": sv("U"),
		"private_key": objectOf(t, Snowflake, "private_key", map[string]attr.Value{"content": sv("pem"), "user_filename": sv("k.p8")}),
	})
	got = Snowflake.WithoutSensitive(sf).Attributes()
	if !got["password"].IsNull() || !got["username"].Equal(sv("U")) {
		t.Errorf("Snowflake without sensitive values: %v", got)
	}
	key := got["private_key"].(types.Object).Attributes()
	if !key["content"].IsNull() || !key["user_filename"].Equal(sv("k.p8")) {
		t.Errorf("a nested secret must be null and its siblings kept: %v", key)
	}
	if null := Snowflake.WithoutSensitive(types.ObjectNull(Snowflake.AttrTypes())); !null.IsNull() {
		t.Errorf("a null block stays null: %v", null)
	}
}
