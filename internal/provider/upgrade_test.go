// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"archive/tar"
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/immuta/terraform-provider-immuta/internal/emulator"
)

// previousReleaseFile names the release the upgrade test starts from; the
// release process updates it (SCHEMA_CHANGES.md).
const previousReleaseFile = "../../scripts/previous-release"

// upgradeFixture is the configuration the previous release applies.
const upgradeFixture = "testdata/upgrade/integrations.tf"

// The write-only auto-bootstrapped Snowflake of the fixture, whose delete
// takes its password from the provider's delete_credentials.
const (
	upgradeWriteOnlyHost     = "upgrade-wo.us-east-1.snowflakecomputing.com"
	upgradeWriteOnlyPassword = "upgrade-snowflake-wo-1"
)

// TestAccUpgrade_fromPreviousRelease is what a team's `terraform init
// -upgrade` does: the previous release of this provider (built from this
// repository's history and installed offline from a filesystem mirror, as
// a registry release would be) applies a configuration of every integration
// type and feature; the current build then plans nothing, keeps every value
// in state through its refresh (upgrading the stored schema version), sends
// Immuta nothing, and destroys it all. It runs in both answer styles.
//
// It cannot run in parallel: terraform-plugin-testing installs providers
// through the CLI configuration in TF_CLI_CONFIG_FILE, which it reads from
// the process environment.
func TestAccUpgrade_fromPreviousRelease(t *testing.T) {
	accPreCheck(t)
	fixture, err := os.ReadFile(upgradeFixture)
	if err != nil {
		t.Fatal(err)
	}
	address := providerAddressForTests()
	prev := buildPreviousRelease(t, address)
	t.Setenv("TF_CLI_CONFIG_FILE", writeMirrorCLIConfig(t, prev.mirror, address))
	t.Logf("previous release: %s (commit %s), installed from a filesystem mirror as %s %s", prev.revision, prev.commit, address, prev.version)

	// One Starburst (Trino) integration is allowed per tenant: each style
	// covers one way of keeping its API key.
	trino := map[emulator.AnswerStyle]string{
		emulator.AnswerEcho:    `trino = { rotate_api_key = 1 }`,
		emulator.AnswerLiteral: `trino = { store_api_key = false }`,
	}
	for _, style := range answerStyles {
		t.Run(string(style), func(t *testing.T) {
			srv := startEmulatorStyle(t, style)
			config := fmt.Sprintf(`
provider "immuta" {
  url             = %q
  api_key         = %q
  request_timeout = "10s"
  delete_credentials = {
    %q = { password = %q }
  }
}

resource "immuta_integration" "trino" {
  %s
}
`, srv.URL, testAPIKey, upgradeWriteOnlyHost, upgradeWriteOnlyPassword, trino[style]) + string(fixture)
			const integrations = 14 // the fixture's resources and the Trino one
			before := &stateRecord{}
			var writes int
			resource.Test(t, resource.TestCase{
				CheckDestroy: checkNothingLeft(srv),
				Steps: []resource.TestStep{
					{ // the previous release creates everything
						ExternalProviders: map[string]resource.ExternalProvider{
							"immuta": {Source: address, VersionConstraint: "= " + prev.version},
						},
						Config: config,
						ConfigPlanChecks: resource.ConfigPlanChecks{
							PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
						},
						ConfigStateChecks: []statecheck.StateCheck{before.record(integrations)},
						Check:             checkCount(srv, integrations),
					},
					{ // the current build: an empty plan, nothing sent, every value kept
						PreConfig:                func() { writes = writeRequests(srv) },
						ProtoV6ProviderFactories: testProviders,
						Config:                   config,
						ConfigPlanChecks: resource.ConfigPlanChecks{
							PreApply:             []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
							PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
						},
						ConfigStateChecks: []statecheck.StateCheck{before.expectKept(integrationSchemaVersion)},
						Check: func(*terraform.State) error {
							if n := writeRequests(srv) - writes; n != 0 {
								return fmt.Errorf("the current build sent Immuta %d request(s) that change integrations, after a plan with no change", n)
							}
							return checkCount(srv, integrations)(nil)
						},
					},
					{ // and again: the state the current build wrote plans nothing either
						ProtoV6ProviderFactories: testProviders,
						Config:                   config,
						ConfigPlanChecks: resource.ConfigPlanChecks{
							PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
						},
						ConfigStateChecks: []statecheck.StateCheck{before.expectKept(integrationSchemaVersion)},
					},
				},
			})
		})
	}
}

// writeRequests counts the emulator's requests that could change an
// integration: all but reads and the script renderings (POST
// /integrations/scripts/... and /integrations/{id}/scripts/...).
func writeRequests(srv *emulator.Server) int {
	n := 0
	for _, r := range srv.Emulator.Requests() {
		if r.Method != "GET" && !strings.Contains(r.Path, "/scripts/") {
			n++
		}
	}
	return n
}

// providerAddressForTests is the address terraform-plugin-testing gives the
// provider: the CLI's registry host (testCLI sets it) and the hashicorp
// namespace unless told otherwise. The previous release is installed under
// the same address, so that the current build takes over its state.
func providerAddressForTests() string {
	host, namespace := os.Getenv(resource.EnvTfAccProviderHost), os.Getenv(resource.EnvTfAccProviderNamespace)
	if namespace == "" {
		namespace = "hashicorp"
	}
	return host + "/" + namespace + "/immuta"
}

// previousBuild is the previous release, built and laid out as a
// filesystem mirror.
type previousBuild struct {
	revision, commit, version, mirror string
}

// buildPreviousRelease builds the revision scripts/previous-release names
// from this repository's git history (nothing is downloaded but Go modules,
// from the module proxy) into a filesystem mirror, as
// <mirror>/<address>/<version>/<os>_<arch>/terraform-provider-immuta_v<version>.
func buildPreviousRelease(t *testing.T, address string) previousBuild {
	t.Helper()
	revision := readPreviousRelease(t)
	if _, err := exec.LookPath("git"); err != nil {
		t.Fatalf("the upgrade test builds the previous release (%s, in scripts/previous-release) from this repository's git history, but git is not on PATH", revision)
	}
	out, err := exec.Command("git", "rev-parse", "--verify", "--quiet", revision+"^{commit}").Output()
	if err != nil {
		t.Fatalf("the previous release %q named in scripts/previous-release is not a commit of this clone (git rev-parse: %v). "+
			"The upgrade test builds it from the repository's own history: in a shallow clone run `git fetch --unshallow` "+
			"(or `git fetch --tags` for a release tag); if the revision is wrong, set scripts/previous-release to the last release's tag or commit.",
			revision, err)
	}
	commit := strings.TrimSpace(string(out))

	src := t.TempDir()
	if err := extractCommit(commit, src); err != nil {
		t.Fatalf("extracting commit %s of this repository: %v", commit, err)
	}
	version := releaseVersion(revision, commit)
	platform := runtime.GOOS + "_" + runtime.GOARCH
	mirror := t.TempDir()
	bin := filepath.Join(mirror, filepath.FromSlash(address), version, platform, "terraform-provider-immuta_v"+version)
	began := time.Now()
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags", "-X main.version="+version, "-o", bin, ".")
	cmd.Dir = src
	// The commit's own go.mod decides its dependencies; a workspace file
	// around the test must not.
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-buildvcs=false")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building the previous release (%s) with go build: %v\n%s", revision, err, out)
	}
	t.Logf("built the previous release %s in %s", revision, time.Since(began).Round(time.Millisecond))
	return previousBuild{revision: revision, commit: commit, version: version, mirror: mirror}
}

// readPreviousRelease reads the revision: the first line of the file that
// is neither empty nor a comment.
func readPreviousRelease(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(previousReleaseFile)
	if err != nil {
		t.Fatalf("reading the previous release's name: %v", err)
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		if line := strings.TrimSpace(sc.Text()); line != "" && !strings.HasPrefix(line, "#") {
			if strings.ContainsAny(line, " \t") || strings.HasPrefix(line, "-") {
				t.Fatalf("scripts/previous-release: %q is not one git revision (a tag such as v0.1.0, or a commit)", line)
			}
			return line
		}
	}
	t.Fatal("scripts/previous-release names no revision: put the previous release's tag or commit on a line of its own")
	return ""
}

// releaseTag is a release's tag, such as v0.1.0.
var releaseTag = regexp.MustCompile(`^v(\d+\.\d+\.\d+)$`)

// releaseVersion is the version the mirror gives the build: a release
// tag's, or for a commit a pre-release of 0.0.0 naming it (which only an
// exact version constraint selects).
func releaseVersion(revision, commit string) string {
	if m := releaseTag.FindStringSubmatch(revision); m != nil {
		return m[1]
	}
	return "0.0.0-pre-" + commit[:12]
}

// extractCommit writes the files of a commit into dir.
func extractCommit(commit, dir string) error {
	root, err := exec.Command("git", "rev-parse", "--show-toplevel").Output()
	if err != nil {
		return fmt.Errorf("git rev-parse --show-toplevel: %w", err)
	}
	// From a subdirectory, git archive would take only that subdirectory.
	cmd := exec.Command("git", "archive", "--format=tar", commit)
	cmd.Dir = strings.TrimSpace(string(root))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	extractErr := extractTar(stdout, dir)
	_, _ = io.Copy(io.Discard, stdout)
	if err := cmd.Wait(); err != nil {
		return fmt.Errorf("git archive: %v: %s", err, stderr.String())
	}
	return extractErr
}

func extractTar(r io.Reader, dir string) error {
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		name := filepath.FromSlash(h.Name)
		if !filepath.IsLocal(name) {
			return fmt.Errorf("archive entry %q leaves the directory", h.Name)
		}
		target := filepath.Join(dir, name)
		switch h.Typeflag {
		case tar.TypeDir:
			err = os.MkdirAll(target, 0o755)
		case tar.TypeReg:
			err = writeFileFrom(target, tr, os.FileMode(h.Mode)&0o777)
		case tar.TypeSymlink:
			err = os.Symlink(h.Linkname, target)
		}
		if err != nil {
			return err
		}
	}
}

func writeFileFrom(path string, r io.Reader, mode os.FileMode) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, mode|0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, r); err != nil {
		_ = f.Close()
		return err
	}
	return f.Close()
}

// writeMirrorCLIConfig writes a CLI configuration that installs the
// provider at address from the mirror only (never from a registry).
func writeMirrorCLIConfig(t *testing.T, mirror, address string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "mirror.tfrc")
	rc := fmt.Sprintf(`provider_installation {
  filesystem_mirror {
    path    = %q
    include = [%q]
  }
  direct {
    exclude = [%q]
  }
}
`, mirror, address, address)
	if err := os.WriteFile(path, []byte(rc), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// stateRecord keeps the resources of one state (values, identity, schema
// version) to compare a later state with.
type stateRecord struct {
	mu        sync.Mutex
	resources map[string]*tfjson.StateResource
}

type stateCheckFunc func(*tfjson.State) error

func (f stateCheckFunc) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	resp.Error = f(req.State)
}

func stateResources(s *tfjson.State) map[string]*tfjson.StateResource {
	out := map[string]*tfjson.StateResource{}
	if s == nil || s.Values == nil || s.Values.RootModule == nil {
		return out
	}
	for _, r := range s.Values.RootModule.Resources {
		out[r.Address] = r
	}
	return out
}

// record keeps the state, which must hold the given number of
// immuta_integration resources.
func (r *stateRecord) record(integrations int) statecheck.StateCheck {
	return stateCheckFunc(func(s *tfjson.State) error {
		res := stateResources(s)
		n := 0
		for _, rs := range res {
			if rs.Mode == tfjson.ManagedResourceMode && rs.Type == "immuta_integration" {
				n++
			}
		}
		if n != integrations {
			return fmt.Errorf("the state holds %d immuta_integration resources, want %d", n, integrations)
		}
		for _, rs := range res {
			if rs.Mode == tfjson.ManagedResourceMode && rs.Type == "immuta_integration" && rs.AttributeValues["status"] != "enabled" {
				return fmt.Errorf("%s has status %v, want enabled", rs.Address, rs.AttributeValues["status"])
			}
		}
		r.mu.Lock()
		defer r.mu.Unlock()
		r.resources = res
		return nil
	})
}

// expectKept checks that every resource and data source of the recorded
// state is still there with every value it had (attributes a later schema
// added may be new), the same identity, and that the integrations' stored
// state is now at schemaVersion.
func (r *stateRecord) expectKept(schemaVersion int64) statecheck.StateCheck {
	return stateCheckFunc(func(s *tfjson.State) error {
		r.mu.Lock()
		defer r.mu.Unlock()
		if r.resources == nil {
			return errors.New("no earlier state was recorded")
		}
		now := stateResources(s)
		var problems []string
		addresses := make([]string, 0, len(r.resources))
		for a := range r.resources {
			addresses = append(addresses, a)
		}
		sort.Strings(addresses)
		for _, a := range addresses {
			old := r.resources[a]
			cur, ok := now[a]
			if !ok {
				problems = append(problems, a+": gone from the state")
				continue
			}
			problems = append(problems, keptValues(a, old.AttributeValues, cur.AttributeValues)...)
			if old.IdentityValues != nil {
				problems = append(problems, keptValues(a+" identity", old.IdentityValues, cur.IdentityValues)...)
			}
			if cur.Mode == tfjson.ManagedResourceMode && cur.Type == "immuta_integration" && cur.SchemaVersion != uint64(schemaVersion) {
				problems = append(problems, fmt.Sprintf("%s: stored at schema version %d (the previous release wrote %d), want %d",
					a, cur.SchemaVersion, old.SchemaVersion, schemaVersion))
			}
		}
		if len(problems) > 0 {
			return fmt.Errorf("the current build changed the state the previous release wrote:\n  %s", strings.Join(problems, "\n  "))
		}
		return nil
	})
}

// keptValues lists where cur differs from old: every value old holds must
// be in cur unchanged; keys only cur has are attributes added since.
func keptValues(path string, old, cur any) []string {
	switch o := old.(type) {
	case map[string]any:
		c, ok := cur.(map[string]any)
		if !ok {
			return []string{fmt.Sprintf("%s: was an object, now %s", path, show(cur))}
		}
		keys := make([]string, 0, len(o))
		for k := range o {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var out []string
		for _, k := range keys {
			cv, present := c[k]
			if !present {
				out = append(out, fmt.Sprintf("%s.%s: was %s, now gone", path, k, show(o[k])))
				continue
			}
			out = append(out, keptValues(path+"."+k, o[k], cv)...)
		}
		return out
	case []any:
		c, ok := cur.([]any)
		if !ok || len(c) != len(o) {
			return []string{fmt.Sprintf("%s: was %s, now %s", path, show(old), show(cur))}
		}
		var out []string
		for i := range o {
			out = append(out, keptValues(fmt.Sprintf("%s[%d]", path, i), o[i], c[i])...)
		}
		return out
	default:
		if !reflect.DeepEqual(old, cur) {
			return []string{fmt.Sprintf("%s: was %s, now %s", path, show(old), show(cur))}
		}
		return nil
	}
}

func show(v any) string {
	if v == nil {
		return "null"
	}
	return truncate(fmt.Sprintf("%#v", v), 120)
}
