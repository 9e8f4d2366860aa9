// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"strings"

	"github.com/immuta/terraform-provider-immuta/internal/integrationtype"
)

// The descriptions name the integration types from the type tables, so a
// new type appears in every one of them by being added to the table.

// blockNames lists the type blocks, in the documentation's order.
func blockNames() []string {
	names := make([]string, len(integrationtype.All))
	for i, t := range integrationtype.All {
		names[i] = t.Block
	}
	return names
}

// quotedList renders names as code: "`a`, `b`, `c`".
func quotedList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = "`" + n + "`"
	}
	return strings.Join(q, ", ")
}

// andList joins items as prose: "a, b and c".
func andList(items []string) string {
	if len(items) < 2 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}

// typeDisplayNames is "Snowflake, Databricks Unity Catalog, ... and Starburst (Trino)".
func typeDisplayNames() string {
	names := make([]string, len(integrationtype.All))
	for i, t := range integrationtype.All {
		names[i] = t.DisplayName
	}
	return andList(names)
}

// hostKeysProse says what identifies an integration of each type on its
// platform: "`host` for `snowflake`, `redshift` and `azure_synapse`, ...",
// and the types that have no such key ("`trino`"). Every description of a
// host argument or attribute says it with these words.
func hostKeysProse() (keys, without string) {
	var order []string
	blocks := map[string][]string{}
	var none []string
	for _, t := range integrationtype.All {
		name := t.HostKeyName()
		if name == "" {
			none = append(none, "`"+t.Block+"`")
			continue
		}
		if _, seen := blocks[name]; !seen {
			order = append(order, name)
		}
		blocks[name] = append(blocks[name], "`"+t.Block+"`")
	}
	parts := make([]string, len(order))
	for i, name := range order {
		parts[i] = "`" + name + "` for " + andList(blocks[name])
	}
	return strings.Join(parts, "; "), andList(none)
}

// blocksWhere lists, as code, the blocks of the types for which keep is true.
func blocksWhere(keep func(*integrationtype.Type) bool) string {
	var names []string
	for _, t := range integrationtype.All {
		if keep(t) {
			names = append(names, "`"+t.Block+"`")
		}
	}
	return andList(names)
}

// displayNamesWhere lists the display names of the types for which keep is true.
func displayNamesWhere(keep func(*integrationtype.Type) bool) string {
	var names []string
	for _, t := range integrationtype.All {
		if keep(t) {
			names = append(names, t.DisplayName)
		}
	}
	return andList(names)
}

// withArticle puts "a" or "an" before a name, as English wants it: "an
// Amazon Redshift", "a Snowflake". (Every type's display name starts with a
// capital whose sound is its letter's.)
func withArticle(name string) string {
	if name != "" && strings.ContainsRune("AEIOUaeiou", rune(name[0])) {
		return "an " + name
	}
	return "a " + name
}
