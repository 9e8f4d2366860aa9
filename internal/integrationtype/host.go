// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package integrationtype

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Immuta allows one integration of a type per host key (HostKey: a host, a
// workspace URL, a dataset and location). Everything that names, compares or
// looks an integration up by host goes through these.

// HostKeyOf renders the fields that identify the integration on its platform
// ("acme.snowflakecomputing.com", "immuta/US"), from an API config.
// An answer may leave a field at its default out, and may normalise it: a
// missing field is its default, and a normalised one is compared in its
// normal form, so a payload and Immuta's answer give the same key.
func (t *Type) HostKeyOf(config map[string]any) string {
	key := ""
	for i, name := range t.HostKey {
		f, _ := t.Field(name)
		if i > 0 {
			key += "/"
		}
		v, ok := config[f.JSON]
		if !ok || v == nil {
			v = f.Default
		}
		key += f.Normalize.normalize(fmt.Sprint(v))
	}
	return key
}

// NormalizeHostKey puts a host key written by a user ("ACME.snowflakecomputing.com")
// in the form HostKeyOf gives, so that the two compare equal.
func (t *Type) NormalizeHostKey(key string) string {
	parts := strings.Split(strings.TrimSpace(key), "/")
	if len(parts) != len(t.HostKey) {
		return key
	}
	for i, name := range t.HostKey {
		f, _ := t.Field(name)
		parts[i] = f.Normalize.normalize(parts[i])
	}
	return strings.Join(parts, "/")
}

// OnHost reports whether an integration of the type, as Immuta answered
// its config, is on host, a host key as a user writes it: in any case, with
// or without an https URL's default port or trailing slash. It is the one
// comparison every look-up by host makes. A type without a host key
// (Trino) is on no host.
func (t *Type) OnHost(config []byte, host string) bool {
	return len(t.HostKey) > 0 && t.HostOfJSON(config) == t.NormalizeHostKey(host)
}

// HostOfBlock is the host key of a type block (plan, state or configuration).
func (t *Type) HostOfBlock(block types.Object) string {
	if len(t.HostKey) == 0 || block.IsNull() || block.IsUnknown() {
		return ""
	}
	return t.HostKeyOf(t.APIConfig(block, types.ObjectNull(t.AttrTypes())))
}

// HostOfJSON is the host key of an integration's config as Immuta answers
// it ("" when it cannot be read, or for a type without one, Trino).
func (t *Type) HostOfJSON(config []byte) string {
	var cfg map[string]any
	if len(t.HostKey) == 0 || json.Unmarshal(config, &cfg) != nil {
		return ""
	}
	return t.HostKeyOf(cfg)
}

// HostKeyName says what identifies an integration of the type on its
// platform, as users write it ("host", "dataset/location").
func (t *Type) HostKeyName() string { return strings.Join(t.HostKey, "/") }
