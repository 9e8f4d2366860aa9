// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/immuta/terraform-provider-immuta/internal/integrationtype"
)

// TestEveryTypeIsExemplifiedTestedAndDocumented: a type added to the tables
// needs an example (which examples/ validates), a lifecycle acceptance case
// (a lifecycleCases entry, or a TestAccIntegration_<block> of its own) and a
// section of the resource's documentation; the descriptions derived from the
// tables name it.
func TestEveryTypeIsExemplifiedTestedAndDocumented(t *testing.T) {
	root := filepath.Join("..", "..")
	doc, err := os.ReadFile(filepath.Join(root, "docs", "resources", "integration.md"))
	if err != nil {
		t.Fatal(err)
	}
	dedicated := testFunctions(t, ".")
	inLifecycle := map[string]bool{}
	for _, tc := range lifecycleCases {
		inLifecycle[tc.block] = true
	}
	for _, typ := range integrationtype.All {
		example := filepath.Join(root, "examples", "resources", "immuta_integration", typ.Block+".tf")
		if _, err := os.Stat(example); err != nil {
			t.Errorf("%s has no example: %v", typ.Block, err)
		}
		if !inLifecycle[typ.Block] && !dedicated["TestAccIntegration_"+typ.Block] {
			t.Errorf("%s has no lifecycle acceptance case: add it to lifecycleCases or write TestAccIntegration_%s", typ.Block, typ.Block)
		}
		if !strings.Contains(string(doc), "\n### "+typ.DisplayName+"\n") {
			t.Errorf("docs/resources/integration.md has no section \"### %s\" (templates/resources/integration.md.tmpl)", typ.DisplayName)
		}
		if !strings.Contains(typeDisplayNames(), typ.DisplayName) || !strings.Contains(quotedList(blockNames()), "`"+typ.Block+"`") {
			t.Errorf("the descriptions built from the tables do not name %s", typ.Block)
		}
	}
}

// testFunctions lists the names of the test functions in the package at dir.
func testFunctions(t *testing.T, dir string) map[string]bool {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*_test.go"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no test files in %s: %v", dir, err)
	}
	out := map[string]bool{}
	fset := token.NewFileSet()
	for _, f := range files {
		parsed, err := parser.ParseFile(fset, f, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		for _, decl := range parsed.Decls {
			if fn, ok := decl.(*ast.FuncDecl); ok && fn.Recv == nil && strings.HasPrefix(fn.Name.Name, "Test") {
				out[fn.Name.Name] = true
			}
		}
	}
	return out
}
