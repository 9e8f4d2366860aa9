// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package benchmark

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// SameStateShape checks that the first resource instance in two workspaces'
// states has the same shape: the same attributes set and null, the same
// kinds of values, the same list lengths. Values may differ (IDs do). The
// floor is only a floor if Terraform handles a state as big as the
// provider's.
func SameStateShape(provider, floor *Workspace) error {
	a, err := firstInstanceShape(filepath.Join(provider.Dir, "terraform.tfstate"))
	if err != nil {
		return err
	}
	b, err := firstInstanceShape(filepath.Join(floor.Dir, "terraform.tfstate"))
	if err != nil {
		return err
	}
	for i := 0; i < len(a) || i < len(b); i++ {
		if i >= len(a) || i >= len(b) || a[i] != b[i] {
			return fmt.Errorf("the floor's state is not the shape of the provider's: provider %s, floor %s", at(a, i), at(b, i))
		}
	}
	return nil
}

func at(lines []string, i int) string {
	if i < len(lines) {
		return lines[i]
	}
	return "(nothing)"
}

// firstInstanceShape reads a state file and describes its first instance's
// attributes, one "path kind" line per value. A state without resources
// (after destroy) has no lines.
func firstInstanceShape(path string) ([]string, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var state struct {
		Resources []struct {
			Instances []struct {
				Attributes any `json:"attributes"`
			} `json:"instances"`
		} `json:"resources"`
	}
	if err := json.Unmarshal(raw, &state); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var lines []string
	if len(state.Resources) > 0 && len(state.Resources[0].Instances) > 0 {
		describeShape("", state.Resources[0].Instances[0].Attributes, &lines)
	}
	return lines, nil
}

func describeShape(path string, v any, lines *[]string) {
	switch v := v.(type) {
	case nil:
		*lines = append(*lines, path+" null")
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		*lines = append(*lines, fmt.Sprintf("%s object(%s)", path, strings.Join(keys, ",")))
		for _, k := range keys {
			describeShape(path+"."+k, v[k], lines)
		}
	case []any:
		*lines = append(*lines, fmt.Sprintf("%s list(%d)", path, len(v)))
		for i, e := range v {
			describeShape(fmt.Sprintf("%s[%d]", path, i), e, lines)
		}
	default:
		*lines = append(*lines, fmt.Sprintf("%s %T", path, v))
	}
}
