// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package benchmark

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/immuta/terraform-provider-immuta/internal/emulator"
)

func TestKindOf(t *testing.T) {
	for _, c := range []struct {
		method, path string
		want         Kind
	}{
		{"POST", "/integrations", KindPost},
		{"GET", "/integrations", KindGetList},
		{"GET", "/integrations/", KindGetList},
		{"GET", "/integrations/7", KindGetOne},
		{"GET", "/integrations/0", KindCheck},
		{"PUT", "/integrations/7", KindPut},
		{"DELETE", "/integrations/7", KindDelete},
		{"GET", "/integrations/7/status", KindGetStatus},
		{"POST", "/integrations/7/regenerate", KindOther},
		{"POST", "/integrations/scripts/create", KindOther},
		{"GET", "/integrations/scripts", KindOther},
		{"GET", "/other", KindOther},
	} {
		if got := KindOf(c.method, c.path); got != c.want {
			t.Errorf("KindOf(%s %s) = %s, want %s", c.method, c.path, got, c.want)
		}
	}
}

func TestWatcherSeesAChild(t *testing.T) {
	if _, err := os.Stat("/proc/self/status"); err != nil {
		t.Skip("no /proc")
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	// The test binary is its own child: run it with a test that does nothing for a while.
	w := Watch(os.Getpid(), exe, 5*time.Millisecond)
	cmd := exec.Command(exe, "-test.run=^TestHelperSleep$")
	cmd.Env = append(os.Environ(), "BENCH_HELPER_SLEEP=1")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	got := w.Stop()
	// Under -race and a loaded machine the watcher may also catch another
	// short-lived child of the test binary; it must see ours, with a peak.
	if got.Processes < 1 || got.PeakRSSKiB <= 0 {
		t.Errorf("Watch saw %+v, want the child process with a peak", got)
	}
}

func TestHelperSleep(t *testing.T) {
	if os.Getenv("BENCH_HELPER_SLEEP") == "" {
		t.Skip("helper process")
	}
	time.Sleep(200 * time.Millisecond)
}

func TestRecorderCountsAndEvents(t *testing.T) {
	em := emulator.New(emulator.Options{APIKey: "k"})
	rec := NewRecorder(em)
	srv := httptest.NewUnstartedServer(rec)
	srv.Config.ConnState = rec.ConnState
	srv.Start()
	defer srv.Close()
	call := func(method, path, body string) {
		t.Helper()
		req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		req.Header.Set("Authorization", "k")
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	rec.KeepEvents(true)
	call("POST", "/integrations", `{"type":"Trino"}`)
	call("GET", "/integrations/1/status", "")
	call("GET", "/integrations/1", "")
	call("GET", "/integrations/99", "")
	call("GET", "/integrations/0", "")   // the configure check: its 404 is not a failure
	call("POST", "/_emulator/reset", "") // control calls are not counted
	c, ev := rec.Take()
	if c.ByKind[KindPost] != 1 || c.ByKind[KindGetStatus] != 1 || c.ByKind[KindGetOne] != 2 || c.ByKind[KindCheck] != 1 ||
		c.Total() != 5 || c.Non2xx != 1 || c.Conns != 1 {
		t.Errorf("counts = %+v", c)
	}
	if len(ev) != 5 || ev[4].Kind != KindCheck || ev[4].Code != 404 || ev[0].ID != "1" || ev[0].Status != "creating" || ev[1].Status != "enabled" || ev[3].Code != 404 {
		t.Errorf("events = %+v", ev)
	}
	if c, ev := rec.Take(); c.Total() != 0 || len(ev) != 0 {
		t.Errorf("Take did not start afresh: %+v %d", c, len(ev))
	}
}

func TestAnalyzeWait(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	at := func(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }
	events := []Event{
		{Kind: KindGetOne, ID: "3", Start: at(-5), End: at(-4), Code: 200}, // before: ignored
		{Kind: KindPost, ID: "3", Start: at(0), End: at(1), Code: 200, Status: "creating"},
		{Kind: KindGetStatus, ID: "3", Start: at(2), End: at(3), Code: 200, Status: "creating"},
		{Kind: KindGetStatus, ID: "4", Start: at(500), End: at(501), Code: 200, Status: "enabled"}, // another integration
		{Kind: KindGetStatus, ID: "3", Start: at(900), End: at(901), Code: 200, Status: "creating"},
		{Kind: KindGetStatus, ID: "3", Start: at(1200), End: at(1201), Code: 200, Status: "enabled"},
		{Kind: KindGetOne, ID: "3", Start: at(1202), End: at(1203), Code: 200},
	}
	w, err := AnalyzeWait(events, KindPost, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if w.ID != "3" || w.Polls != 3 || w.ReadBacks != 1 || w.Latency() != 201*time.Millisecond || !w.Met() {
		t.Errorf("got %+v latency %s", w, w.Latency())
	}
	// A delete's wait ends with a 404.
	del := []Event{
		{Kind: KindDelete, ID: "3", Start: at(0), End: at(1), Code: 200, Status: "deleting"},
		{Kind: KindGetStatus, ID: "3", Start: at(2), End: at(3), Code: 200, Status: "deleting"},
		{Kind: KindGetStatus, ID: "3", Start: at(9000), End: at(11001), Code: 404},
	}
	w, err = AnalyzeWait(del, KindDelete, 10*time.Second)
	if err != nil || w.Polls != 2 || w.Latency() != 1001*time.Millisecond || w.Met() {
		t.Errorf("delete: %+v, %v (latency %s, bound %s)", w, err, w.Latency(), LatencyBound(w.Delay))
	}
	if _, err := AnalyzeWait(events[:3], KindPost, time.Second); err == nil {
		t.Error("an unfinished wait was analysed")
	}
	if _, err := AnalyzeWait(events, KindPut, time.Second); err == nil {
		t.Error("a missing operation was analysed")
	}
}

func TestWaitTargets(t *testing.T) {
	if LatencyBound(time.Second) != 500*time.Millisecond || LatencyBound(60*time.Second) != 6*time.Second {
		t.Error("LatencyBound")
	}
	t0 := time.Now()
	// 70 polls over a 60s wait is more than one a second.
	w := WaitResult{Delay: 60 * time.Second, Requested: t0, Noticed: t0.Add(61 * time.Second), Polls: 70}
	if w.Met() {
		t.Error("70 polls in 61s met the rate target")
	}
	w.Polls = 40
	if !w.Met() {
		t.Error("40 polls in 61s, 1s late, missed")
	}
	// A 10s wait is judged on its latency only.
	short := WaitResult{Delay: 10 * time.Second, Requested: t0, Noticed: t0.Add(10*time.Second + 900*time.Millisecond), Polls: 26}
	if !short.Met() {
		t.Error("a 10s wait noticed within 1s missed")
	}
	short.Noticed = short.Noticed.Add(200 * time.Millisecond)
	if short.Met() {
		t.Error("a 10s wait noticed 1.1s late met the target")
	}
}

func TestConfigsDifferOnlyInSource(t *testing.T) {
	for _, v := range Variants {
		p, f := Config(ProviderSource, v), Config(FloorSource, v)
		if !strings.Contains(p, `source = "immuta/immuta"`) || !strings.Contains(f, `source = "immuta/immuta-floor"`) {
			t.Errorf("%s: sources:\n%s\n%s", v, p, f)
		}
		if strings.Replace(f, "immuta/immuta-floor", "immuta/immuta", 1) != p {
			t.Errorf("%s: the configurations differ beyond the source", v)
		}
		if !strings.Contains(p, "bench-%05d") {
			t.Errorf("%s: the host format lost its verb", v)
		}
	}
	rc := CLIConfig("/a", "/b")
	if !strings.Contains(rc, `"registry.terraform.io/immuta/immuta" = "/a"`) || !strings.Contains(rc, `"registry.terraform.io/immuta/immuta-floor" = "/b"`) {
		t.Errorf("CLI config:\n%s", rc)
	}
}

// The variants differ only in how the password is set: stored in state, or
// write-only from an ephemeral variable with no version (the provider counts
// it), so that what the write-only rows add is the write-only secret's cost.
func TestVariantsDifferOnlyInThePassword(t *testing.T) {
	stored, wo := Config(ProviderSource, VariantStored), Config(ProviderSource, VariantWriteOnly)
	if !strings.Contains(stored, `    password            = "bench-password"`+"\n") || strings.Contains(stored, "password_wo") || strings.Contains(stored, "ephemeral") {
		t.Errorf("the stored variant does not set password alone:\n%s", stored)
	}
	if strings.Contains(wo, `password            =`) || strings.Contains(wo, "password_wo_version") ||
		!strings.Contains(wo, "    password_wo         = var.password\n") {
		t.Errorf("the write-only variant does not set password_wo alone, without a version:\n%s", wo)
	}
	variable := "\nvariable \"password\" {\n  type      = string\n  sensitive = true\n  ephemeral = true\n  default   = \"bench-password\"\n}\n"
	if !strings.Contains(wo, variable) {
		t.Errorf("the write-only variant lacks the ephemeral variable %q:\n%s", variable, wo)
	}
	back := strings.Replace(strings.Replace(wo, variable, "", 1), "password_wo         = var.password", `password            = "bench-password"`, 1)
	if back != stored {
		t.Errorf("the variants differ beyond the password:\n%s\n%s", stored, wo)
	}
}

// The write-only variant's destroy gets the password from the environment,
// and only that variant's.
func TestWorkspaceEnv(t *testing.T) {
	base := []string{"PATH=/bin"}
	stored, err := NewWorkspace("terraform", t.TempDir(), ProviderSource, VariantStored, "p", base, 10)
	if err != nil {
		t.Fatal(err)
	}
	wo, err := NewWorkspace("terraform", t.TempDir(), ProviderSource, VariantWriteOnly, "p", base, 10)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(stored.Env, " ") != "PATH=/bin" || strings.Join(wo.Env, " ") != "PATH=/bin IMMUTA_DELETE_PASSWORD=bench-password" || len(base) != 1 {
		t.Errorf("stored %q, write-only %q, base %q", stored.Env, wo.Env, base)
	}
	main, err := os.ReadFile(filepath.Join(wo.Dir, "main.tf"))
	if err != nil || string(main) != Config(ProviderSource, VariantWriteOnly) {
		t.Errorf("main.tf of the write-only workspace: %v\n%s", err, main)
	}
}

func TestStepArgs(t *testing.T) {
	got := strings.Join(StepUpdate.Args(300, 10), " ")
	want := "apply -auto-approve -input=false -no-color -parallelism=10 -var n=300 -var warehouse=" + WarehouseAfter
	if got != want {
		t.Errorf("update args = %q, want %q", got, want)
	}
	if a := StepPlan.Args(1, 10); a[0] != "plan" || a[1] != "-detailed-exitcode" {
		t.Errorf("plan args = %q", a)
	}
}

func TestTerraformEnv(t *testing.T) {
	env := TerraformEnv([]string{"PATH=/bin", "TF_LOG=trace", "IMMUTA_URL=x", "HOME=/h"}, "/rc", "http://e", "k")
	joined := strings.Join(env, "\n")
	for _, want := range []string{"PATH=/bin", "HOME=/h", "TF_CLI_CONFIG_FILE=/rc", "CHECKPOINT_DISABLE=1", "TF_VAR_immuta_url=http://e", "TF_VAR_immuta_api_key=k"} {
		if !strings.Contains(joined, want) {
			t.Errorf("env lacks %s", want)
		}
	}
	for _, bad := range []string{"TF_LOG", "IMMUTA_URL"} {
		if strings.Contains(joined, bad) {
			t.Errorf("env keeps %s", bad)
		}
	}
}

func TestReport(t *testing.T) {
	run := func(s float64, kib int64) Run {
		return Run{Wall: time.Duration(s * float64(time.Second)), Proc: ProcStats{PeakRSSKiB: kib, CPU: time.Second, Processes: 3}}
	}
	r := &Report{
		Machine: []string{"nproc: 2"}, Command: "bench", Parallelism: 10, Rounds: 3,
		Steps: []StepResult{
			{N: 1000, Step: StepPlan, Provider: []Run{run(12, 50000), run(10, 60000), run(11, 40000)},
				Floor: []Run{run(10, 1), run(9, 1), run(8, 1)}, Counts: Expected(StepPlan, 1000)},
			{N: 1000, Step: StepApply, Provider: []Run{run(30, 1)}, Floor: []Run{run(10, 1)}, Counts: Expected(StepApply, 1000)},
		},
	}
	s := r.Steps[0]
	if s.ProviderWall() != 11*time.Second || s.FloorWall() != 9*time.Second || s.PeakBytes() != 60000*1024 {
		t.Errorf("medians/peak: %s %s %d", s.ProviderWall(), s.FloorWall(), s.PeakBytes())
	}
	md := r.Markdown()
	for _, want := range []string{
		"| 1000 | plan | 11.00 s | 9.00 s | 1.22 | 1.00 s | 1.00 s | 0.00 s | 61.4 MB | 0.0 MB | 3 |",
		"| 1000 | plan | 0 | 0 | 0 | 1000 (1) | 0 | 0 | 0 | 0 | 0 | yes | 0 |",
		"| 1000 | apply | 1000 (1) | 0 | 0 | 1000 (1) | 1000 (1) | 0 | 0 | 0 | 0 | yes | 0 |",
		"| plan of 1000: ratio to the floor <= 1.25 | 1.22 | yes |",
		"| apply of 1000 at zero delay: ratio to the floor <= 1.50 | 3.00 | **no** |",
		"| provider peak memory at 1000 integrations <= 100 MB | 61.4 MB (largest step) | yes |",
		"times are medians of 3 rounds",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("report lacks %q:\n%s", want, md)
		}
	}
	r.Steps[1].Counts.ByKind[KindGetOne]++
	r.Steps[0].Counts.Conns = 12 // connections and configure checks are reported, not judged
	r.Steps[0].Counts.ByKind[KindCheck] = 3
	if !strings.Contains(r.Markdown(), "| 1000 | plan | 0 | 0 | 0 | 1000 (1) | 0 | 0 | 3 (0.003) | 0 | 0 | yes | 12 |") {
		t.Errorf("connections:\n%s", r.RequestsTable())
	}
	if !strings.Contains(r.Markdown(), "| 1000 | apply | 1000 (1) | 0 | 0 | 1001 (1.001) | 1000 (1) | 0 | 0 | 0 | 0 | **no** | 0 |") {
		t.Errorf("an unexpected count is not flagged:\n%s", r.RequestsTable())
	}
	if strings.Contains(md, "Write-only") {
		t.Errorf("a report without write-only steps has a write-only table:\n%s", md)
	}
}

// An update reads each integration three times: Terraform's refresh, the
// read just before the PUT (which carries what the provider does not
// model), and the read-back after the wait.
func TestExpectedUpdate(t *testing.T) {
	c := Expected(StepUpdate, 300)
	if c.ByKind[KindGetOne] != 900 || c.ByKind[KindPut] != 300 || c.ByKind[KindGetStatus] != 300 || c.Total() != 1500 {
		t.Errorf("Expected(update, 300) = %+v", c)
	}
}

func TestReportWriteOnly(t *testing.T) {
	run := func(wall, cpu float64) Run {
		return Run{Wall: time.Duration(wall * float64(time.Second)), Proc: ProcStats{CPU: time.Duration(cpu * float64(time.Second)), PeakRSSKiB: 40000}}
	}
	r := &Report{Machine: []string{"nproc: 2"}, Command: "bench", Parallelism: 10, Rounds: 1, Steps: []StepResult{
		{N: 1000, Variant: VariantStored, Step: StepPlan, Provider: []Run{run(15, 11)}, Floor: []Run{run(15, 10)}, Counts: Expected(StepPlan, 1000)},
		{N: 1000, Variant: VariantStored, Step: StepUpdate, Provider: []Run{run(120, 30)}, Floor: []Run{run(110, 25)}, Counts: Expected(StepUpdate, 1000)},
		{N: 1000, Variant: VariantWriteOnly, Step: StepPlan, Provider: []Run{run(30, 36)}, Floor: []Run{run(15, 10.5)}, Counts: Expected(StepPlan, 1000)},
		{N: 1000, Variant: VariantWriteOnly, Step: StepUpdate, Provider: []Run{run(150, 105)}, Floor: []Run{run(110, 25)}, Counts: Expected(StepUpdate, 1000)},
	}}
	r.Steps[3].Provider[0].Proc.PeakRSSKiB = 120000
	md := r.Markdown()
	for _, want := range []string{
		// Their own rows in the times and requests tables.
		"| 1000 | plan (write-only) | 30.00 s | 15.00 s | 2.00 |",
		"| 1000 | update (write-only) | 0 | 1000 (1) | 0 | 3000 (3) | 1000 (1) | 0 | 0 | 0 | 0 | yes | 0 |",
		// The fingerprints' cost: ratio to the floor, the stored ratio, and what the
		// provider adds per integration against the stored password.
		"## Write-only password: what the fingerprints cost",
		"| 1000 | plan | 30.00 s | 15.00 s | 2.00 | 1.00 | +15.0 ms | +25.0 ms | +0.5 ms |",
		"| 1000 | update | 150.00 s | 110.00 s | 1.36 | 1.09 | +30.0 ms | +75.0 ms | +0.0 ms |",
		// Judged like the stored password's, in rows of their own.
		"| plan of 1000: ratio to the floor <= 1.25 | 1.00 | yes |",
		"| plan of 1000 with the write-only password: ratio to the floor <= 1.25 | 2.00 | **no** |",
		// Memory too, each variant on its own steps.
		"| provider peak memory at 1000 integrations <= 100 MB | 41.0 MB (largest step) | yes |",
		"| provider peak memory at 1000 integrations with the write-only password <= 100 MB | 122.9 MB (largest step) | **no** |",
		"| 4 of 4 steps exactly as expected | yes |",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("report lacks %q:\n%s", want, md)
		}
	}
	// Without the stored password's step to compare with, nothing is made up.
	r.Steps = r.Steps[2:]
	if !strings.Contains(r.WriteOnlyTable(), "| 1000 | plan | 30.00 s | 15.00 s | 2.00 | n/a | n/a | n/a | n/a |") {
		t.Errorf("write-only table without the stored steps:\n%s", r.WriteOnlyTable())
	}
}

func TestPerUnit(t *testing.T) {
	for _, c := range []struct {
		total int64
		n     int
		want  string
	}{{0, 10, "0"}, {300, 300, "300 (1)"}, {450, 300, "450 (1.5)"}, {1000, 300, "1000 (3.333)"}} {
		if got := perUnit(c.total, c.n); got != c.want {
			t.Errorf("perUnit(%d, %d) = %q, want %q", c.total, c.n, got, c.want)
		}
	}
}

func TestSameStateShape(t *testing.T) {
	write := func(attrs string) *Workspace {
		dir := t.TempDir()
		state := `{"version":4,"resources":[{"instances":[{"attributes":` + attrs + `}]}]}`
		if err := os.WriteFile(filepath.Join(dir, "terraform.tfstate"), []byte(state), 0o600); err != nil {
			t.Fatal(err)
		}
		return &Workspace{Dir: dir}
	}
	provider := write(`{"id":"7","s3":null,"results":[{"name":"a"},{"name":"b"}],"block":{"port":443}}`)
	if err := SameStateShape(provider, write(`{"id":"1","s3":null,"results":[{"name":"x"},{"name":"y"}],"block":{"port":1}}`)); err != nil {
		t.Errorf("states differing only in values: %v", err)
	}
	for name, floor := range map[string]string{
		"shorter list":   `{"id":"1","s3":null,"results":[{"name":"x"}],"block":{"port":1}}`,
		"null for value": `{"id":"1","s3":null,"results":[{"name":"x"},{"name":"y"}],"block":{"port":null}}`,
		"extra key":      `{"id":"1","s3":null,"results":[{"name":"x"},{"name":"y"}],"block":{"port":1,"more":true}}`,
	} {
		err := SameStateShape(provider, write(floor))
		if err == nil || !strings.Contains(err.Error(), "not the shape of the provider's") {
			t.Errorf("%s: %v, want a shape error", name, err)
		}
	}
	empty := &Workspace{Dir: t.TempDir()}
	if err := SameStateShape(provider, empty); err == nil {
		t.Error("a missing state file passed")
	}
}
