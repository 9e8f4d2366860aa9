// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

// Command bench measures the provider against Terraform's own floor. It
// builds the provider and the floor provider (../floorprovider, same schema,
// no API calls), starts the Immuta emulator in process behind a
// request recorder, and runs the real terraform binary through apply, plan,
// an in-place update and destroy of N integrations with each provider, once
// per variant of the configuration (the password stored in state, then
// write-only, which the provider fingerprints). It then runs single
// integrations through slow transitions to see how soon the provider
// notices their end. The report is Markdown on stdout.
//
//	make bench    # from the repository's root, or, in tools/benchmark:
//	go run ./cmd/bench -n 100,300,1000 -waits 1s,10s,60s
//
// It needs Go and Terraform (>= 1.11) on PATH and never touches
// ~/.terraformrc: terraform runs with its own CLI configuration in a
// temporary directory. To try a patched dependency, point GOWORK at a
// go.work that uses both modules (. and tools/benchmark) and replaces it:
// both builds go through the go command, which reads GOWORK.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/prometheus/procfs"

	"github.com/immuta/terraform-provider-immuta/internal/emulator"
	"github.com/immuta/terraform-provider-immuta/tools/benchmark"
)

const apiKey = "bench-api-key"

type options struct {
	sizes       []int
	waits       []time.Duration
	parallelism int
	rounds      int
	out         string
	terraform   string
	keep        bool
	pprof       string
	steps       []benchmark.Step
	variants    []benchmark.Variant
}

func main() {
	var o options
	var sizes, waits, steps, variants string
	flag.StringVar(&sizes, "n", "100,300,1000", "comma-separated numbers of integrations (empty: skip the throughput benchmark)")
	flag.StringVar(&waits, "waits", "1s,10s,60s", "comma-separated transition delays for the waiting benchmark (empty: skip it)")
	flag.IntVar(&o.parallelism, "parallelism", 10, "terraform -parallelism, for both providers")
	flag.IntVar(&o.rounds, "rounds", 1, "rounds of each size; times are the medians")
	flag.StringVar(&o.out, "o", "", "also write the report to this file")
	flag.StringVar(&o.terraform, "terraform", "", "terraform binary (default: terraform on PATH)")
	flag.BoolVar(&o.keep, "keep", false, "keep the temporary directory (binaries, configurations, states)")
	flag.StringVar(&steps, "steps", "apply,plan,update,destroy", "the steps to run, in this order (apply first and destroy last, so that each size starts and ends empty)")
	flag.StringVar(&variants, "variants", "stored,write-only", "the configurations to run every step with: the Snowflake password as password (stored in state) and as password_wo (write-only, fingerprinted by the provider)")
	flag.StringVar(&o.pprof, "pprof", "", "run profiled builds (cmd/profiledprovider) that write CPU and heap profiles to this directory; their times are not the benchmark's")
	flag.Parse()

	var err error
	if o.sizes, err = parseList(sizes, strconv.Atoi); err == nil {
		o.waits, err = parseList(waits, time.ParseDuration)
	}
	if err == nil {
		o.steps, err = parseSteps(steps)
	}
	if err == nil {
		o.variants, err = parseVariants(variants)
	}
	if err == nil && (o.parallelism < 1 || o.rounds < 1) {
		err = errors.New("-parallelism and -rounds must be at least 1")
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, o); err != nil {
		fmt.Fprintln(os.Stderr, "\nbench failed:", err)
		os.Exit(1)
	}
}

func parseList[T any](s string, parse func(string) (T, error)) ([]T, error) {
	var out []T
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		v, err := parse(f)
		if err != nil {
			return nil, fmt.Errorf("bad list item %q: %w", f, err)
		}
		out = append(out, v)
	}
	return out, nil
}

// parseSteps checks a -steps list: known steps, in benchmark order, from
// apply to destroy.
func parseSteps(s string) ([]benchmark.Step, error) {
	names, _ := parseList(s, func(x string) (string, error) { return x, nil })
	var out []benchmark.Step
	next := 0
	for _, n := range names {
		i := slices.Index(benchmark.Steps, benchmark.Step(n))
		if i < 0 {
			return nil, fmt.Errorf("unknown step %q (steps: apply, plan, update, destroy)", n)
		}
		if i < next {
			return nil, fmt.Errorf("step %q is out of order (apply, plan, update, destroy)", n)
		}
		out, next = append(out, benchmark.Step(n)), i+1
	}
	if len(out) > 0 && (out[0] != benchmark.StepApply || out[len(out)-1] != benchmark.StepDestroy) {
		return nil, errors.New("-steps must start with apply and end with destroy")
	}
	return out, nil
}

// parseVariants checks a -variants list: known variants, each once.
func parseVariants(s string) ([]benchmark.Variant, error) {
	names, _ := parseList(s, func(x string) (string, error) { return x, nil })
	var out []benchmark.Variant
	for _, n := range names {
		v := benchmark.Variant(n)
		if !slices.Contains(benchmark.Variants, v) {
			return nil, fmt.Errorf("unknown variant %q (variants: stored, write-only)", n)
		}
		if slices.Contains(out, v) {
			return nil, fmt.Errorf("variant %q is listed twice", n)
		}
		out = append(out, v)
	}
	return out, nil
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "[%s] %s\n", time.Now().Format("15:04:05"), fmt.Sprintf(format, args...))
}

type bench struct {
	opts      options
	tmp       string
	env       []string
	em        *emulator.Emulator
	rec       *benchmark.Recorder
	terraform string
	binary    string // the provider build
	floor     string // the floor provider build
}

func run(ctx context.Context, o options) error {
	terraform := o.terraform
	if terraform == "" {
		var err error
		if terraform, err = exec.LookPath("terraform"); err != nil {
			return errors.New("terraform is not on PATH; install Terraform 1.11 or later, or pass -terraform")
		}
	}
	provider, err := moduleDir("github.com/immuta/terraform-provider-immuta")
	if err != nil {
		return err
	}
	tools, err := moduleDir("")
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "immuta-bench-")
	if err != nil {
		return err
	}
	if o.keep {
		logf("keeping %s", tmp)
	} else {
		defer os.RemoveAll(tmp)
	}

	b := &bench{opts: o, tmp: tmp, terraform: terraform,
		binary: filepath.Join(tmp, "provider", benchmark.ProviderBinary),
		floor:  filepath.Join(tmp, "floor", benchmark.FloorBinary)}
	logf("building the provider and the floor provider")
	// The provider is built in its own module, as a release builds it.
	builds := []struct {
		dir  string
		args []string
	}{{provider, []string{"-o", b.binary, "."}}, {tools, []string{"-o", b.floor, "./cmd/floorprovider"}}}
	if o.pprof != "" {
		if o.pprof, err = filepath.Abs(o.pprof); err != nil {
			return err
		}
		logf("profiled builds: profiles go to %s", o.pprof)
		profiled := "./cmd/profiledprovider"
		builds[0].dir, builds[0].args = tools, []string{"-o", b.binary, profiled}
		builds[1].args = []string{"-o", b.floor, "-ldflags", "-X main.which=floor", profiled}
	}
	for _, build := range builds {
		cmd := exec.CommandContext(ctx, "go", append([]string{"build"}, build.args...)...)
		cmd.Dir, cmd.Stdout, cmd.Stderr = build.dir, os.Stderr, os.Stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("go build %s: %w", build.args[len(build.args)-1], err)
		}
	}

	b.em = emulator.New(emulator.Options{APIKey: apiKey})
	b.rec = benchmark.NewRecorder(b.em)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: b.rec, ReadHeaderTimeout: 10 * time.Second, ConnState: b.rec.ConnState}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()
	url := "http://" + ln.Addr().String()
	logf("emulator on %s", url)

	cliConfig := filepath.Join(tmp, "terraform.rc")
	rc := benchmark.CLIConfig(filepath.Dir(b.binary), filepath.Dir(b.floor))
	if err := os.WriteFile(cliConfig, []byte(rc), 0o600); err != nil {
		return err
	}
	b.env = benchmark.TerraformEnv(os.Environ(), cliConfig, url, apiKey)

	report := &benchmark.Report{
		Machine:     machine(terraform),
		Command:     commandLine(),
		Parallelism: o.parallelism,
		Rounds:      o.rounds,
	}
	for _, n := range o.sizes {
		for _, v := range o.variants {
			steps, err := b.throughput(ctx, n, v)
			if err != nil {
				return err
			}
			report.Steps = append(report.Steps, steps...)
		}
	}
	for _, d := range o.waits {
		waits, err := b.wait(ctx, d)
		if err != nil {
			return err
		}
		report.Waits = append(report.Waits, waits...)
	}

	md := report.Markdown()
	fmt.Print(md)
	if o.out != "" {
		return os.WriteFile(o.out, []byte(md), 0o644)
	}
	return nil
}

// throughput runs every step for n integrations in variant v with both
// providers, alternating which one goes first from round to round.
func (b *bench) throughput(ctx context.Context, n int, v benchmark.Variant) ([]benchmark.StepResult, error) {
	b.em.SetTransitionDelay(0)
	results := make([]benchmark.StepResult, len(b.opts.steps))
	for i, s := range b.opts.steps {
		results[i] = benchmark.StepResult{N: n, Variant: v, Step: s}
	}
	for round := range b.opts.rounds {
		dir := filepath.Join(b.tmp, fmt.Sprintf("n%d-%s-round%d", n, v, round+1))
		prov, err := benchmark.NewWorkspace(b.terraform, filepath.Join(dir, "provider"), benchmark.ProviderSource, v, b.binary, b.env, b.opts.parallelism)
		if err != nil {
			return nil, err
		}
		floor, err := benchmark.NewWorkspace(b.terraform, filepath.Join(dir, "floor"), benchmark.FloorSource, v, b.floor, b.env, b.opts.parallelism)
		if err != nil {
			return nil, err
		}
		if b.opts.pprof != "" {
			prov.ProfileDir = filepath.Join(b.opts.pprof, fmt.Sprintf("round%d", round+1), string(v), "provider")
			floor.ProfileDir = filepath.Join(b.opts.pprof, fmt.Sprintf("round%d", round+1), string(v), "floor")
		}
		for i, s := range b.opts.steps {
			r := &results[i]
			runFloor := func() error {
				run, err := floor.Run(ctx, s, n)
				if err != nil {
					return fmt.Errorf("floor: %w", err)
				}
				r.Floor = append(r.Floor, run)
				logf("n=%d %s round %d %-7s floor    %6.2f s", n, v, round+1, s, run.Wall.Seconds())
				return nil
			}
			runProvider := func() error {
				b.rec.Take()
				b.em.ClearRequests()
				run, err := prov.Run(ctx, s, n)
				counts, _ := b.rec.Take()
				if err != nil {
					return fmt.Errorf("provider: %w", err)
				}
				if err := b.check(s, n); err != nil {
					return err
				}
				if round == 0 {
					r.Counts = counts
				} else if !counts.SameRequests(r.Counts) {
					r.CountsVary = true
				}
				r.Provider = append(r.Provider, run)
				logf("n=%d %s round %d %-7s provider %6.2f s  %d requests, peak %.1f MB", n, v, round+1, s,
					run.Wall.Seconds(), counts.Total(), float64(run.Proc.PeakRSSKiB)/1000*1.024)
				return nil
			}
			first, second := runProvider, runFloor
			if round%2 == 1 {
				first, second = runFloor, runProvider
			}
			if err := first(); err != nil {
				return nil, err
			}
			if err := second(); err != nil {
				return nil, err
			}
			if err := benchmark.SameStateShape(prov, floor); err != nil {
				return nil, fmt.Errorf("after %s (%s): %w", s, v, err)
			}
		}
	}
	return results, nil
}

// check verifies the emulator's state after a step of the real provider:
// every integration enabled, with the warehouse of the step and the
// configured password, whichever way the configuration sets it.
func (b *bench) check(s benchmark.Step, n int) error {
	recs := b.em.Integrations()
	want := n
	if s == benchmark.StepDestroy {
		want = 0
	}
	if len(recs) != want {
		return fmt.Errorf("after %s the emulator holds %d integrations, not %d", s, len(recs), want)
	}
	wh := benchmark.WarehouseBefore
	if s == benchmark.StepUpdate {
		wh = benchmark.WarehouseAfter
	}
	for _, r := range recs {
		if r.Status != "enabled" || r.Config["warehouse"] != wh {
			return fmt.Errorf("after %s integration %s is %s with warehouse %v, not enabled with %s", s, r.ID, r.Status, r.Config["warehouse"], wh)
		}
		if r.Config["password"] != benchmark.Password {
			return fmt.Errorf("after %s integration %s does not hold the configured password", s, r.ID)
		}
	}
	return nil
}

// wait creates, updates and deletes one integration whose transitions take d.
func (b *bench) wait(ctx context.Context, d time.Duration) ([]benchmark.WaitResult, error) {
	b.em.SetTransitionDelay(d)
	defer b.em.SetTransitionDelay(0)
	b.rec.KeepEvents(true)
	defer b.rec.KeepEvents(false)
	ws, err := benchmark.NewWorkspace(b.terraform, filepath.Join(b.tmp, "wait-"+d.String()), benchmark.ProviderSource, benchmark.VariantStored, b.binary, b.env, b.opts.parallelism)
	if err != nil {
		return nil, err
	}
	var out []benchmark.WaitResult
	for _, step := range []struct {
		s  benchmark.Step
		op benchmark.Kind
	}{{benchmark.StepApply, benchmark.KindPost}, {benchmark.StepUpdate, benchmark.KindPut}, {benchmark.StepDestroy, benchmark.KindDelete}} {
		b.rec.Take()
		b.em.ClearRequests()
		if _, err := ws.Run(ctx, step.s, 1); err != nil {
			return nil, err
		}
		_, events := b.rec.Take()
		w, err := benchmark.AnalyzeWait(events, step.op, d)
		if err != nil {
			return nil, err
		}
		logf("transition %s %-7s noticed %.3f s after its end, %d status requests", d, step.s, w.Latency().Seconds(), w.Polls)
		out = append(out, w)
	}
	return out, nil
}

// machine describes where the benchmark ran.
func machine(terraform string) []string {
	out := []string{fmt.Sprintf("nproc: %d", runtime.NumCPU())}
	if fs, err := procfs.NewDefaultFS(); err == nil {
		if m, err := fs.Meminfo(); err == nil && m.MemTotalBytes != nil {
			out = append(out, fmt.Sprintf("memory: %.1f GiB", float64(*m.MemTotalBytes)/(1<<30)))
		}
		if cpus, err := fs.CPUInfo(); err == nil && len(cpus) > 0 {
			out = append(out, "CPU: "+cpus[0].ModelName)
		}
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		out = append(out, fmt.Sprintf("OS: %s/%s, Linux %s", runtime.GOOS, runtime.GOARCH, strings.TrimSpace(string(b))))
	}
	out = append(out, "Go: "+runtime.Version())
	if v, err := exec.Command(terraform, "version").Output(); err == nil {
		out = append(out, "Terraform: "+strings.TrimPrefix(strings.SplitN(string(v), "\n", 2)[0], "Terraform "))
	}
	out = append(out, "date: "+time.Now().UTC().Format("2006-01-02 15:04 MST"))
	return out
}

// commandLine is how this run was started, for the report; make bench runs
// it in tools/benchmark.
func commandLine() string {
	args := append([]string{"go run ./cmd/bench"}, os.Args[1:]...)
	return strings.Join(args, " ")
}

// moduleDir is the directory of a module of the build: the provider's (the
// replace in go.mod points at the repository's root) or, for "", this one.
func moduleDir(path string) (string, error) {
	args := []string{"list", "-m", "-f", "{{.Dir}}"}
	if path != "" {
		args = append(args, path)
	}
	out, err := exec.Command("go", args...).Output()
	if err != nil {
		return "", fmt.Errorf("go list -m %s (run the benchmark in tools/benchmark, or with make bench): %w", path, err)
	}
	return strings.TrimSpace(string(out)), nil
}
