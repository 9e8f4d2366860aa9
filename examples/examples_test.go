// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

// Package examples holds the Terraform configurations that the documentation
// shows. This test keeps them honest: every one must be formatted with
// terraform fmt and pass terraform validate against the provider built from
// this repository, so an example cannot drift from the schema it documents.
package examples

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"testing"

	"github.com/immuta/terraform-provider-immuta/internal/provider"
	"github.com/immuta/terraform-provider-immuta/internal/tfcli"
)

// snippetDirs hold one self-contained example per file (the documentation
// includes them one at a time, and they may declare the same variables).
// Every other directory under examples/ is one configuration.
var snippetDirs = []string{
	"provider", "resources", "data-sources", "ephemeral-resources", "functions", "actions", "list-resources", "guides",
}

// requiredProviders is added to an example that does not say where the
// immuta provider comes from, as resource examples in the documentation do not.
const requiredProviders = `terraform {
  required_providers {
    immuta = {
      source = "immuta/immuta"
    }
  }
}
`

// exampleCase is one configuration to validate: its files, copied into a
// directory of their own.
type exampleCase struct {
	name  string
	files []string
}

func TestExamples(t *testing.T) {
	terraform := terraformPath(t)
	// The built provider is installed under the address the CLI resolves
	// "immuta/immuta" to: OpenTofu's registry host differs from Terraform's.
	cli, err := tfcli.Identify(context.Background(), terraform)
	if err != nil {
		t.Fatal(err)
	}
	env := terraformEnv(t, cli.ProviderAddress(), buildProvider(t))

	t.Run("fmt", func(t *testing.T) {
		t.Parallel()
		out, errOut, err := run(env, ".", terraform, "fmt", "-check", "-diff", "-recursive", "-no-color", ".")
		if err != nil {
			t.Fatalf("terraform fmt -check found unformatted examples (run terraform fmt -recursive examples): %v\n%s%s", err, out, errOut)
		}
	})

	cases := findCases(t)
	if len(cases) == 0 {
		t.Fatal("no examples found")
	}
	for _, c := range cases {
		bin := terraform
		if v, tofu := newerTerraform(t, c); v != "" {
			switch {
			case cli.OpenTofu() && (tofu == "" || !minorAtLeast(cli.Version, tofu)):
				t.Logf("%s is for Terraform %s or later, not %s: the Terraform run validates it", c.name, v, cli)
				continue
			case !cli.OpenTofu():
				bin = latestTerraform(t, v)
			}
		}
		t.Run("validate/"+c.name, func(t *testing.T) {
			t.Parallel()
			validate(t, bin, env, c)
		})
	}

	t.Run("import-ids", func(t *testing.T) {
		t.Parallel()
		checkImportIDs(t)
	})

	t.Run("shell-syntax", func(t *testing.T) {
		t.Parallel()
		checkShellSyntax(t)
	})
}

// terraformPath finds the terraform binary the way the acceptance tests do.
// A missing binary fails the test: examples that are never checked rot.
func terraformPath(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("TF_ACC_TERRAFORM_PATH"); p != "" {
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("TF_ACC_TERRAFORM_PATH=%s: %v", p, err)
		}
		return p
	}
	p, err := exec.LookPath("terraform")
	if err != nil {
		t.Fatal("terraform (>= 1.11) not found: put it on PATH or set TF_ACC_TERRAFORM_PATH; the examples cannot be validated without it")
	}
	return p
}

// buildProvider compiles the provider from the repository root into a
// temporary directory and returns that directory.
func buildProvider(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	name := "terraform-provider-immuta"
	if runtime.GOOS == "windows" {
		name += ".exe"
	}
	// go test puts the go command that runs it first on PATH.
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command is not on PATH: %v", err)
	}
	cmd := exec.Command(goBin, "build", "-o", filepath.Join(dir, name), ".")
	cmd.Dir = ".."
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building the provider: %v\n%s", err, out)
	}
	return dir
}

// terraformEnv is the environment of the terraform subprocesses: a CLI
// configuration of their own that installs the built provider through
// dev_overrides (so neither init nor the network is needed), and nothing
// from the user's CLI configuration or workspace settings.
func terraformEnv(t *testing.T, providerAddress, providerDir string) []string {
	t.Helper()
	cfgDir := t.TempDir()
	cfg := filepath.Join(cfgDir, "terraform.tfrc")
	content := fmt.Sprintf("provider_installation {\n  dev_overrides {\n    %q = %q\n  }\n  direct {}\n}\n",
		providerAddress, filepath.ToSlash(providerDir))
	if err := os.WriteFile(cfg, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch {
		case k == "TF_CLI_CONFIG_FILE", k == "TERRAFORM_CONFIG", k == "TF_WORKSPACE", k == "TF_DATA_DIR",
			k == "TF_PLUGIN_CACHE_DIR", strings.HasPrefix(k, "TF_CLI_ARGS"), strings.HasPrefix(k, "TF_VAR_"):
			continue
		}
		env = append(env, kv)
	}
	return append(env,
		"TF_CLI_CONFIG_FILE="+cfg,
		"TF_IN_AUTOMATION=1",
		"CHECKPOINT_DISABLE=1",
	)
}

// findCases lists the configurations under the examples directory.
func findCases(t *testing.T) []exampleCase {
	t.Helper()
	dirs := map[string][]string{}
	err := filepath.WalkDir(".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") && p != ".") {
			return filepath.SkipDir
		}
		if !d.IsDir() && (strings.HasSuffix(p, ".tf") || strings.HasSuffix(p, ".tfquery.hcl")) {
			dirs[filepath.Dir(p)] = append(dirs[filepath.Dir(p)], p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var cases []exampleCase
	for dir, files := range dirs {
		sort.Strings(files)
		top := strings.SplitN(filepath.ToSlash(dir), "/", 2)[0]
		if isSnippetDir(top) {
			for _, f := range files {
				cases = append(cases, exampleCase{name: filepath.ToSlash(f), files: []string{f}})
			}
			continue
		}
		cases = append(cases, exampleCase{name: filepath.ToSlash(dir), files: files})
	}
	sort.Slice(cases, func(i, j int) bool { return cases[i].name < cases[j].name })
	return cases
}

func isSnippetDir(top string) bool {
	for _, d := range snippetDirs {
		if top == d {
			return true
		}
	}
	return false
}

type validateOutput struct {
	Valid       bool `json:"valid"`
	Diagnostics []struct {
		Severity string `json:"severity"`
		Summary  string `json:"summary"`
		Detail   string `json:"detail"`
		Range    *struct {
			Filename string `json:"filename"`
			Start    struct {
				Line int `json:"line"`
			} `json:"start"`
		} `json:"range"`
	} `json:"diagnostics"`
}

// validate copies the example into a directory of its own and runs
// terraform validate there. Errors and warnings both fail the test, except
// Terraform's notice that dev_overrides are in effect.
func validate(t *testing.T, terraform string, env []string, c exampleCase) {
	dir := t.TempDir()
	needsProviders := true
	for _, f := range c.files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(b, []byte("required_providers")) {
			needsProviders = false
		}
		if err := os.WriteFile(filepath.Join(dir, filepath.Base(f)), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if needsProviders {
		if err := os.WriteFile(filepath.Join(dir, "zz_required_providers_test.tf"), []byte(requiredProviders), 0o600); err != nil {
			t.Fatal(err)
		}
	}

	args := []string{"validate", "-json", "-no-color"}
	for _, f := range c.files {
		if strings.HasSuffix(f, ".tfquery.hcl") {
			args = append(args, "-query") // Terraform 1.14: validate the list blocks too
			break
		}
	}
	out, errOut, runErr := run(env, dir, terraform, args...)
	var res validateOutput
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("terraform validate (%v) printed no JSON result:\n%s%s", runErr, out, errOut)
	}
	var problems []string
	for _, d := range res.Diagnostics {
		if d.Severity == "warning" && strings.Contains(d.Summary, "development overrides") {
			continue
		}
		where := ""
		if d.Range != nil {
			where = fmt.Sprintf(" (%s line %d)", d.Range.Filename, d.Range.Start.Line)
		}
		problems = append(problems, fmt.Sprintf("%s: %s%s\n    %s", d.Severity, d.Summary, where, strings.ReplaceAll(d.Detail, "\n", "\n    ")))
	}
	if !res.Valid || runErr != nil || len(problems) > 0 {
		t.Errorf("terraform validate of %s failed (%v):\n%s", c.name, runErr, strings.Join(problems, "\n"))
	}
}

var (
	importCommand = regexp.MustCompile(`terraform\s+import\s+(\S+)\s+(\S+)`)
	importBlockID = regexp.MustCompile(`(?m)^import\s*\{[^}]*?\bid\s*=\s*"([^"]*)"`)
)

// checkImportIDs makes sure the import examples use IDs the provider accepts.
func checkImportIDs(t *testing.T) {
	t.Helper()
	found := 0
	err := filepath.WalkDir(".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		base := filepath.Base(p)
		switch {
		case strings.HasSuffix(base, ".sh"):
			f, err := os.Open(p)
			if err != nil {
				return err
			}
			defer f.Close()
			s := bufio.NewScanner(f)
			for s.Scan() {
				line := strings.TrimSpace(s.Text())
				if strings.HasPrefix(line, "#") {
					continue
				}
				if m := importCommand.FindStringSubmatch(line); m != nil {
					found++
					checkImportID(t, p, m[2])
				}
			}
			return s.Err()
		case strings.HasSuffix(base, ".tf"):
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			for _, m := range importBlockID.FindAllStringSubmatch(string(b), -1) {
				found++
				checkImportID(t, p, m[1])
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if found == 0 {
		t.Error("no import examples found (import.sh, import*.tf)")
	}
}

// checkShellSyntax parses every shell example with bash -n.
func checkShellSyntax(t *testing.T) {
	t.Helper()
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Fatal("bash not found on PATH; it is needed to check the shell examples")
	}
	err = filepath.WalkDir(".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".sh") {
			return err
		}
		if out, errOut, err := run(os.Environ(), ".", bash, "-n", p); err != nil {
			t.Errorf("bash -n %s: %v\n%s%s", p, err, out, errOut)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func checkImportID(t *testing.T, file, id string) {
	t.Helper()
	if _, err := provider.ParseImportID(id); err != nil {
		t.Errorf("%s: %v", file, err)
	}
}

// run runs a command and returns its standard output and error apart.
func run(env []string, dir, name string, args ...string) (stdout, stderr []byte, err error) {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = env
	var o, e bytes.Buffer
	cmd.Stdout = &o
	cmd.Stderr = &e
	err = cmd.Run()
	return o.Bytes(), e.Bytes(), err
}

// requiresTerraform is an example's note that it needs a Terraform newer
// than the oldest supported one, and which OpenTofu has it too, if any
// ("# Requires Terraform 1.12 or later, or OpenTofu 1.12 or later."); the
// documentation shows it with the example.
var requiresTerraform = regexp.MustCompile(`(?m)^# Requires Terraform (1\.\d+) or later(?:, or OpenTofu (1\.\d+) or later)?`)

// newerTerraform is the Terraform version an example's files require ("" for
// the oldest supported one) and the OpenTofu version ("" for none), and
// every .tfquery.hcl file requires Terraform 1.14.
func newerTerraform(t *testing.T, c exampleCase) (terraform, openTofu string) {
	t.Helper()
	for _, f := range c.files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if m := requiresTerraform.FindSubmatch(b); m != nil {
			return string(m[1]), string(m[2])
		}
		if strings.HasSuffix(f, ".tfquery.hcl") {
			t.Errorf("%s: a query file needs Terraform 1.14: start it with the note \"# Requires Terraform 1.14 or later.\"", f)
			return "1.14", ""
		}
	}
	return "", ""
}

// minorAtLeast reports whether version (such as 1.12.6) is at least minor
// (such as 1.12).
func minorAtLeast(version, minor string) bool {
	var vMajor, vMinor, mMajor, mMinor int
	if _, err := fmt.Sscanf(version, "%d.%d", &vMajor, &vMinor); err != nil {
		return false
	}
	if _, err := fmt.Sscanf(minor, "%d.%d", &mMajor, &mMinor); err != nil {
		return false
	}
	return vMajor > mMajor || (vMajor == mMajor && vMinor >= mMinor)
}

// latestTerraform is the newer Terraform that make test obtains
// (TF_ACC_TERRAFORM_LATEST_PATH), for the examples that need it. Missing, it
// fails the test: examples that are never checked rot.
func latestTerraform(t *testing.T, version string) string {
	t.Helper()
	p := os.Getenv("TF_ACC_TERRAFORM_LATEST_PATH")
	if p == "" {
		t.Fatalf("examples need Terraform %s or later: set TF_ACC_TERRAFORM_LATEST_PATH to it (make test-examples does, with scripts/obtain-cli.sh)", version)
	}
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("TF_ACC_TERRAFORM_LATEST_PATH=%s: %v", p, err)
	}
	return p
}
