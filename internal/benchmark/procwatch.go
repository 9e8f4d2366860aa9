// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package benchmark

import (
	"bufio"
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
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

// clockTick is the unit of utime and stime in /proc/<pid>/stat (USER_HZ,
// 100 on every Linux architecture Go supports).
const clockTick = 10 * time.Millisecond

// Watcher samples, every period, the children of one process that run a
// given executable, through /proc (Linux only; elsewhere it sees nothing).
type Watcher struct {
	parent int
	exe    string
	stop   chan struct{}
	done   chan struct{}

	mu      sync.Mutex
	peak    int64
	cpu     map[int]int64 // pid -> utime+stime ticks, last sample
	ignored map[int]bool  // pids that are not the parent's children
}

// Watch starts sampling the children of parent whose executable is exe.
func Watch(parent int, exe string, period time.Duration) *Watcher {
	if abs, err := filepath.Abs(exe); err == nil {
		exe = abs
	}
	w := &Watcher{parent: parent, exe: exe, stop: make(chan struct{}), done: make(chan struct{}),
		cpu: map[int]int64{}, ignored: map[int]bool{}}
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
	var ticks int64
	for _, t := range w.cpu {
		ticks += t
	}
	return ProcStats{PeakRSSKiB: w.peak, CPU: time.Duration(ticks) * clockTick, Processes: len(w.cpu)}
}

func (w *Watcher) sample() {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || w.ignored[pid] {
			continue
		}
		dir := "/proc/" + e.Name()
		stat, err := os.ReadFile(dir + "/stat")
		if err != nil {
			continue
		}
		ppid, ticks, err := ParseStat(stat)
		if err != nil {
			continue
		}
		if ppid != w.parent {
			// Not a child now, so never one: a new child gets a new pid.
			w.ignored[pid] = true
			continue
		}
		// A child may not have exec'd the provider yet: check it again next time.
		if exe, err := os.Readlink(dir + "/exe"); err != nil || exe != w.exe {
			continue
		}
		status, err := os.ReadFile(dir + "/status")
		if err != nil {
			continue
		}
		if hwm, ok := ParseVmHWM(status); ok {
			w.peak = max(w.peak, hwm)
		}
		w.cpu[pid] = max(w.cpu[pid], ticks)
	}
}

// ParseStat reads the parent pid and utime+stime (in clock ticks) from the
// text of /proc/<pid>/stat. The command name (field 2) may hold spaces and
// parentheses, so the fields are counted from the last ')'.
func ParseStat(b []byte) (ppid int, ticks int64, err error) {
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, 0, errors.New("stat: no command name")
	}
	// After ')': state(3) ppid(4) pgrp(5) session(6) tty_nr(7) tpgid(8)
	// flags(9) minflt(10) cminflt(11) majflt(12) cmajflt(13) utime(14) stime(15).
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0, 0, errors.New("stat: too few fields")
	}
	if ppid, err = strconv.Atoi(f[1]); err != nil {
		return 0, 0, err
	}
	utime, err := strconv.ParseInt(f[11], 10, 64)
	if err != nil {
		return 0, 0, err
	}
	stime, err := strconv.ParseInt(f[12], 10, 64)
	if err != nil {
		return 0, 0, err
	}
	return ppid, utime + stime, nil
}

// ParseVmHWM reads the peak resident set size, in KiB, from the text of
// /proc/<pid>/status.
func ParseVmHWM(b []byte) (int64, bool) {
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:")
		if !ok {
			continue
		}
		f := strings.Fields(rest)
		if len(f) == 0 {
			return 0, false
		}
		n, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil {
			return 0, false
		}
		return n, true
	}
	return 0, false
}
