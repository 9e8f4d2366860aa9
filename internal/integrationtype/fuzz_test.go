// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package integrationtype

import (
	"encoding/json"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
)

// FuzzBlockFromAPI: whatever "config" Immuta answers, building a type block
// from it never panics; a block it builds has the type's shape, holds the
// answered strings and numbers exactly, no secret, and survives a round trip
// through the payload form (computed fields aside, which are never sent). The seed corpus is in testdata/fuzz/FuzzBlockFromAPI/.
func FuzzBlockFromAPI(f *testing.F) {
	f.Add(uint8(0), []byte(`{"host":"acme.snowflakecomputing.com","port":443,"password":"[REDACTED]"}`))
	f.Fuzz(func(t *testing.T, which uint8, data []byte) {
		typ := All[int(which)%len(All)]
		var cfg map[string]any // decoded as the provider decodes an answer's config
		if json.Unmarshal(data, &cfg) != nil {
			return
		}
		block, err := typ.BlockFromAPI(cfg, types.ObjectNull(typ.AttrTypes()), false)
		if err != nil {
			return
		}
		if block.IsNull() || block.IsUnknown() || !block.Type(t.Context()).Equal(types.ObjectType{AttrTypes: typ.AttrTypes()}) {
			t.Fatalf("%s: block %v does not have the type's shape", typ.Block, block)
		}
		attrs := block.Attributes()
		for _, fld := range typ.Fields {
			v := attrs[fld.Name]
			if fld.Secret {
				if !v.IsNull() || !attrs[fld.WriteOnlyName()].IsNull() {
					t.Fatalf("%s.%s: a secret came from the answer: %v", typ.Block, fld.Name, v)
				}
				continue
			}
			if fld.Local {
				continue
			}
			switch raw := cfg[fld.JSON].(type) {
			case string:
				if s, ok := v.(basetypes.StringValue); ok && s.ValueString() != raw {
					t.Fatalf("%s.%s = %q, the answer said %q", typ.Block, fld.Name, s.ValueString(), raw)
				}
			case float64:
				if n, ok := v.(basetypes.Int64Value); ok && float64(n.ValueInt64()) != raw {
					t.Fatalf("%s.%s = %d, the answer said %v", typ.Block, fld.Name, n.ValueInt64(), raw)
				}
			}
		}
		again, err := typ.BlockFromAPI(typ.APIConfig(block, types.ObjectNull(typ.AttrTypes())), block, false)
		if err != nil {
			t.Fatalf("%s: the block's own payload form does not read back: %v", typ.Block, err)
		}
		for _, fld := range typ.Fields {
			if fld.Computed {
				continue // never sent, so never read back from the payload form
			}
			if a, b := attrs[fld.Name], again.Attributes()[fld.Name]; !a.Equal(b) {
				t.Fatalf("%s.%s: round trip changed %v to %v", typ.Block, fld.Name, a, b)
			}
		}
	})
}
