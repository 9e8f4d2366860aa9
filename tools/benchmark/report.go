// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package benchmark

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Targets of the issue.
const (
	TargetPlanRatio  = 1.25
	TargetApplyRatio = 1.5
	TargetPeakBytes  = 100_000_000 // 100 MB
	TargetRatioN     = 1000        // the ratios and the memory are judged at this size
)

// StepResult is one step at one size and variant, for both providers, over
// every round.
type StepResult struct {
	N        int
	Variant  Variant
	Step     Step
	Provider []Run // one per round
	Floor    []Run
	// Counts are the emulator's API requests of the provider's first round;
	// CountsVary says whether a later round counted differently.
	Counts     Counts
	CountsVary bool
}

// median is the median of one measure of the runs.
func median(runs []Run, measure func(Run) time.Duration) time.Duration {
	if len(runs) == 0 {
		return 0
	}
	w := make([]time.Duration, len(runs))
	for i, r := range runs {
		w[i] = measure(r)
	}
	slices.Sort(w)
	if len(w)%2 == 1 {
		return w[len(w)/2]
	}
	return (w[len(w)/2-1] + w[len(w)/2]) / 2
}

func wall(r Run) time.Duration   { return r.Wall }
func cpu(r Run) time.Duration    { return r.Proc.CPU }
func apiCPU(r Run) time.Duration { return r.SelfCPU }

func peak(runs []Run) int64 {
	var p int64
	for _, r := range runs {
		p = max(p, r.Proc.PeakRSSKiB)
	}
	return p
}

// ProviderWall and FloorWall are the median wall times.
func (s StepResult) ProviderWall() time.Duration { return median(s.Provider, wall) }

// FloorWall is the floor's median wall time.
func (s StepResult) FloorWall() time.Duration { return median(s.Floor, wall) }

// Ratio is the provider's median wall time over the floor's.
func (s StepResult) Ratio() float64 {
	if f := s.FloorWall(); f > 0 {
		return float64(s.ProviderWall()) / float64(f)
	}
	return 0
}

// PeakBytes is the provider's peak resident set over the rounds.
func (s StepResult) PeakBytes() int64 { return peak(s.Provider) * 1024 }

// variant is the step's variant; a result that names none is of the
// stored password, as every result was before there were variants.
func (s StepResult) variant() Variant {
	if s.Variant == "" {
		return VariantStored
	}
	return s.Variant
}

// with names the variant in a target, after what is judged; the stored
// password's targets read as they always have.
func (v Variant) with() string {
	if v == VariantWriteOnly {
		return " with the write-only password"
	}
	return ""
}

// Label names the step in the report's rows: the step alone for the stored
// password (the rows every earlier report has), with the variant otherwise.
func (s StepResult) Label() string {
	if s.variant() == VariantStored {
		return string(s.Step)
	}
	return fmt.Sprintf("%s (%s)", s.Step, s.Variant)
}

// Expected is the request count each step should make at zero transition
// delay, whatever the variant (a write-only secret costs CPU, not
// requests): per integration, the operation's one request, one status poll
// (the first poll already sees the end), and one GET, plus one GET per
// integration for Terraform's refresh before update and destroy. An update
// also reads the integration just before its PUT: Immuta's PUT replaces the
// whole configuration, so the PUT carries the settings the provider does
// not model as Immuta holds them at that moment, not as the refresh (hours
// earlier, for a saved plan) saw them. The delete's poll is answered 404,
// which ends its wait.
func Expected(s Step, n int) Counts {
	var c Counts
	k := int64(n)
	switch s {
	case StepApply:
		c.ByKind[KindPost], c.ByKind[KindGetStatus], c.ByKind[KindGetOne] = k, k, k
	case StepPlan:
		c.ByKind[KindGetOne] = k
	case StepUpdate:
		c.ByKind[KindPut], c.ByKind[KindGetStatus], c.ByKind[KindGetOne] = k, k, 3*k // refresh, read before the PUT, read-back
	case StepDestroy:
		c.ByKind[KindDelete], c.ByKind[KindGetStatus], c.ByKind[KindGetOne] = k, k, k
		c.Non2xx = k
	}
	return c
}

// AsExpected reports whether every round made exactly the expected requests
// (connections aside). The configure checks are reported, not judged: there
// is one per ConfigureProvider, a number that depends on Terraform, not on N.
func (s StepResult) AsExpected() bool {
	c := s.Counts
	c.ByKind[KindCheck] = 0
	return c.SameRequests(Expected(s.Step, s.N)) && !s.CountsVary
}

// Report is everything one benchmark run measured.
type Report struct {
	Machine     []string // "key: value" lines
	Command     string
	Parallelism int
	Rounds      int
	Steps       []StepResult
	Waits       []WaitResult
}

func seconds(d time.Duration) string { return fmt.Sprintf("%.2f s", d.Seconds()) }

func megabytes(kib int64) string {
	if kib == 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.1f MB", float64(kib)*1024/1e6)
}

// perUnit renders a count as "total (per integration)".
func perUnit(total int64, n int) string {
	if total == 0 {
		return "0"
	}
	per := strconv.FormatFloat(float64(total)/float64(n), 'f', -1, 64)
	if len(per) > 6 {
		per = strconv.FormatFloat(float64(total)/float64(n), 'f', 3, 64)
	}
	return fmt.Sprintf("%d (%s)", total, per)
}

func yesNo(ok bool) string {
	if ok {
		return "yes"
	}
	return "**no**"
}

type table struct {
	head []string
	rows [][]string
}

func (t *table) add(cells ...string) { t.rows = append(t.rows, cells) }

func (t *table) String() string {
	var b strings.Builder
	line := func(cells []string) { b.WriteString("| " + strings.Join(cells, " | ") + " |\n") }
	line(t.head)
	sep := make([]string, len(t.head))
	for i := range sep {
		sep[i] = "---"
	}
	line(sep)
	for _, r := range t.rows {
		line(r)
	}
	return b.String()
}

// TimesTable: wall time provider vs floor, the ratio, CPU and peak memory.
func (r *Report) TimesTable() string {
	t := table{head: []string{"N", "step", "provider", "floor", "ratio", "provider CPU", "floor CPU", "emulator CPU",
		"provider peak RSS", "floor peak RSS", "provider processes"}}
	for _, s := range r.Steps {
		procs := 0
		if len(s.Provider) > 0 {
			procs = s.Provider[0].Proc.Processes
		}
		t.add(strconv.Itoa(s.N), s.Label(), seconds(s.ProviderWall()), seconds(s.FloorWall()),
			fmt.Sprintf("%.2f", s.Ratio()), seconds(median(s.Provider, cpu)), seconds(median(s.Floor, cpu)), seconds(median(s.Provider, apiCPU)),
			megabytes(peak(s.Provider)), megabytes(peak(s.Floor)), strconv.Itoa(procs))
	}
	return t.String()
}

// RequestsTable: the emulator's API requests per step, by kind.
func (r *Report) RequestsTable() string {
	head := []string{"N", "step"}
	for _, k := range Kinds {
		head = append(head, k.String())
	}
	head = append(head, "non-2xx", "as expected", "new connections")
	t := table{head: head}
	for _, s := range r.Steps {
		row := []string{strconv.Itoa(s.N), s.Label()}
		for _, k := range Kinds {
			row = append(row, perUnit(s.Counts.ByKind[k], s.N))
		}
		ok := s.AsExpected()
		expect := yesNo(ok)
		if s.CountsVary {
			expect += " (rounds differ)"
		}
		row = append(row, perUnit(s.Counts.Non2xx, s.N), expect, strconv.FormatInt(s.Counts.Conns, 10))
		t.add(row...)
	}
	return t.String()
}

// stored is the step of the stored-password variant at the same size as s.
func (r *Report) stored(s StepResult) (StepResult, bool) {
	for _, o := range r.Steps {
		if o.N == s.N && o.Step == s.Step && o.variant() == VariantStored {
			return o, true
		}
	}
	return StepResult{}, false
}

// perIntegration renders the difference of two durations per integration.
func perIntegration(d time.Duration, n int) string {
	return fmt.Sprintf("%+.1f ms", d.Seconds()*1000/float64(n))
}

// WriteOnlyTable: what the write-only password costs. Its ratio is to the
// floor running the same write-only configuration (Terraform's own cost of
// it); the added times compare the provider's medians with the stored
// password's in the same run, per integration: mostly the fingerprints.
// The floor's added CPU is what the configuration change costs without them.
func (r *Report) WriteOnlyTable() string {
	t := table{head: []string{"N", "step", "provider", "floor", "ratio", "ratio, stored password",
		"provider: added wall per integration", "provider: added CPU per integration", "floor: added CPU per integration"}}
	for _, s := range r.Steps {
		if s.variant() != VariantWriteOnly {
			continue
		}
		base, ok := r.stored(s)
		if !ok {
			t.add(strconv.Itoa(s.N), string(s.Step), seconds(s.ProviderWall()), seconds(s.FloorWall()),
				fmt.Sprintf("%.2f", s.Ratio()), "n/a", "n/a", "n/a", "n/a")
			continue
		}
		t.add(strconv.Itoa(s.N), string(s.Step), seconds(s.ProviderWall()), seconds(s.FloorWall()),
			fmt.Sprintf("%.2f", s.Ratio()), fmt.Sprintf("%.2f", base.Ratio()),
			perIntegration(s.ProviderWall()-base.ProviderWall(), s.N),
			perIntegration(median(s.Provider, cpu)-median(base.Provider, cpu), s.N),
			perIntegration(median(s.Floor, cpu)-median(base.Floor, cpu), s.N))
	}
	return t.String()
}

var opNames = map[Kind]string{KindPost: "create", KindPut: "update", KindDelete: "delete"}

// WaitsTable: how soon the end of each transition was noticed.
func (r *Report) WaitsTable() string {
	t := table{head: []string{"transition", "operation", "noticed after the end", "bound", "status requests",
		"status requests/s", "GETs after", "met"}}
	for _, w := range r.Waits {
		t.add(w.Delay.String(), opNames[w.Op], fmt.Sprintf("%.3f s", w.Latency().Seconds()),
			fmt.Sprintf("%.1f s", LatencyBound(w.Delay).Seconds()), strconv.Itoa(w.Polls),
			fmt.Sprintf("%.2f", w.PollRate()), strconv.Itoa(w.ReadBacks), yesNo(w.Met()))
	}
	return t.String()
}

// TargetsTable judges the targets.
func (r *Report) TargetsTable() string {
	t := table{head: []string{"target", "measured", "met"}}
	var exact, total int
	for _, s := range r.Steps {
		total++
		if s.AsExpected() {
			exact++
		}
	}
	if total > 0 {
		t.add("requests: one GET per integration per refresh; per operation one request, the status polls, at most one GET after; "+
			"an update also one GET before its PUT",
			fmt.Sprintf("%d of %d steps exactly as expected", exact, total), yesNo(exact == total))
	}
	for _, s := range r.Steps {
		if s.N != TargetRatioN {
			continue
		}
		with := s.variant().with()
		switch s.Step {
		case StepPlan:
			t.add(fmt.Sprintf("plan of %d%s: ratio to the floor <= %.2f", s.N, with, TargetPlanRatio),
				fmt.Sprintf("%.2f", s.Ratio()), yesNo(s.Ratio() <= TargetPlanRatio))
		case StepApply:
			t.add(fmt.Sprintf("apply of %d%s at zero delay: ratio to the floor <= %.2f", s.N, with, TargetApplyRatio),
				fmt.Sprintf("%.2f", s.Ratio()), yesNo(s.Ratio() <= TargetApplyRatio))
		}
	}
	for _, v := range Variants {
		var worst int64
		seen := false
		for _, s := range r.Steps {
			if s.N == TargetRatioN && s.variant() == v {
				seen = true
				worst = max(worst, s.PeakBytes())
			}
		}
		if seen {
			t.add(fmt.Sprintf("provider peak memory at %d integrations%s <= 100 MB", TargetRatioN, v.with()),
				megabytes(worst/1024)+" (largest step)", yesNo(worst > 0 && worst <= TargetPeakBytes))
		}
	}
	if len(r.Waits) > 0 {
		met := 0
		for _, w := range r.Waits {
			if w.Met() {
				met++
			}
		}
		t.add(fmt.Sprintf("waits: end noticed within max(0.5 s, 10 %%); <= 1 status request/s on long waits (%s and more)", LongWait),
			fmt.Sprintf("%d of %d operations", met, len(r.Waits)), yesNo(met == len(r.Waits)))
	}
	return t.String()
}

// Markdown renders the whole report.
func (r *Report) Markdown() string {
	var b strings.Builder
	b.WriteString("## Machine\n\n")
	for _, m := range r.Machine {
		b.WriteString("- " + m + "\n")
	}
	fmt.Fprintf(&b, "\nCommand: `%s` (terraform -parallelism=%d for both providers", r.Command, r.Parallelism)
	if r.Rounds > 1 {
		fmt.Fprintf(&b, "; times are medians of %d rounds", r.Rounds)
	}
	b.WriteString(")\n\n")
	if len(r.Steps) > 0 {
		b.WriteString("## Wall time: provider vs floor\n\n" + r.TimesTable() + "\n")
		b.WriteString("## API requests per step (total, and per integration in parentheses)\n\n" + r.RequestsTable() + "\n")
		if slices.ContainsFunc(r.Steps, func(s StepResult) bool { return s.Variant == VariantWriteOnly }) {
			b.WriteString("## Write-only password: what the fingerprints cost\n\n" + r.WriteOnlyTable() + "\n")
		}
	}
	if len(r.Waits) > 0 {
		b.WriteString("## Waiting for transitions\n\n" + r.WaitsTable() + "\n")
	}
	b.WriteString("## Targets\n\n" + r.TargetsTable())
	return b.String()
}
