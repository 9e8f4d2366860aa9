// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package integrationtype

import (
	"slices"
)

// SecretJSONKeys returns the JSON keys of every Secret or Sensitive field of
// every type, at any depth, sorted and without repeats: the keys the client
// masks in what it logs (client.Config.SecretKeys). A new secret field in a
// table is masked without another list to keep in step.
func SecretJSONKeys() []string { return secretJSONKeys(All) }

func secretJSONKeys(types []*Type) []string {
	var keys []string
	for _, t := range types {
		keys = appendSecretKeys(keys, t.Fields)
	}
	slices.Sort(keys)
	return slices.Compact(keys)
}

func appendSecretKeys(keys []string, fields []Field) []string {
	for _, f := range fields {
		if f.Secret || f.Sensitive {
			keys = append(keys, f.JSON)
		}
		keys = appendSecretKeys(keys, f.Fields)
	}
	return keys
}
