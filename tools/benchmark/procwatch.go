// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package benchmark

import (
	"path/filepath"
	"sync"
	"time"

	"github.com/prometheus/procfs"
)

// ProcStats sums up the provider processes of one terraform command.
type ProcStats struct {
	// PeakRSSKiB is the largest VmHWM (peak resident set) seen among them.
	PeakRSSKiB int64
	// CPU is their user+system CPU time, summed over the processes, as last
	// sampled (a sample period's worth before each exit may be missed).
	CPU time.Duration
	// Processes is how many were started.
	Processes int
}

// Watcher samples, every period, the children of one process that run a
// given executable, through /proc (Linux only; elsewhere it sees nothing).
// Terraform starts the provider, so the benchmark cannot wait for it and
// read its resource usage itself.
type Watcher struct {
	parent int
	exe    string
	stop   chan struct{}
	done   chan struct{}

	mu      sync.Mutex
	peak    uint64                // bytes
	cpu     map[int]time.Duration // pid -> user+system time, last sample
	ignored map[int]bool          // pids that are not the parent's children
}

// Watch starts sampling the children of parent whose executable is exe.
func Watch(parent int, exe string, period time.Duration) *Watcher {
	if abs, err := filepath.Abs(exe); err == nil {
		exe = abs
	}
	w := &Watcher{parent: parent, exe: exe, stop: make(chan struct{}), done: make(chan struct{}),
		cpu: map[int]time.Duration{}, ignored: map[int]bool{}}
	go w.loop(period)
	return w
}

func (w *Watcher) loop(period time.Duration) {
	defer close(w.done)
	t := time.NewTicker(period)
	defer t.Stop()
	for {
		w.sample()
		select {
		case <-w.stop:
			return
		case <-t.C:
		}
	}
}

// Stop ends the sampling and returns what was seen.
func (w *Watcher) Stop() ProcStats {
	close(w.stop)
	<-w.done
	w.mu.Lock()
	defer w.mu.Unlock()
	var cpu time.Duration
	for _, c := range w.cpu {
		cpu += c
	}
	return ProcStats{PeakRSSKiB: int64(w.peak / 1024), CPU: cpu, Processes: len(w.cpu)}
}

func (w *Watcher) sample() {
	procs, err := procfs.AllProcs()
	if err != nil {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, p := range procs {
		if w.ignored[p.PID] {
			continue
		}
		stat, err := p.Stat()
		if err != nil {
			continue
		}
		if stat.PPID != w.parent {
			// Not a child now, so never one: a new child gets a new pid.
			w.ignored[p.PID] = true
			continue
		}
		// A child may not have exec'd the provider yet: check it again next time.
		if exe, err := p.Executable(); err != nil || exe != w.exe {
			continue
		}
		status, err := p.NewStatus()
		if err != nil {
			continue
		}
		w.peak = max(w.peak, status.VmHWM)
		w.cpu[p.PID] = max(w.cpu[p.PID], time.Duration(stat.CPUTime()*float64(time.Second)))
	}
}
