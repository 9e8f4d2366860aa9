// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

// Command profiledprovider serves the real provider, or with
// -ldflags "-X main.which=floor" the floor provider, with pprof profiles
// written to $BENCH_PPROF_DIR (nothing when it is unset): a CPU profile of
// the whole process, a heap profile at the highest heap seen and one at
// exit, and the Go runtime's memory statistics. Read them with
// `go tool pprof`. `bench -pprof DIR` builds and runs these instead of the
// plain builds; profiling slows a process a little, so its times are not
// the benchmark's.
package main

import (
	"fmt"
	"log"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strconv"
	"time"

	"github.com/immuta/terraform-provider-immuta/internal/provider"
	"github.com/immuta/terraform-provider-immuta/internal/serve"
	"github.com/immuta/terraform-provider-immuta/tools/benchmark/floor"
)

// which provider to serve: "provider" or "floor".
var which = "provider"

func main() {
	stop := profile(os.Getenv("BENCH_PPROF_DIR"))
	var err error
	if which == "floor" {
		err = serve.Serve(floor.Address, floor.New, false)
	} else {
		err = serve.Serve(provider.Address, provider.New("bench"), false)
	}
	stop()
	if err != nil {
		log.Fatal(err.Error())
	}
}

// profile starts the profiles and returns the function that writes the
// rest. Terraform gives a provider two seconds to exit after asking it to,
// so the work left for the end is small.
func profile(dir string) func() {
	if dir == "" {
		return func() {}
	}
	prefix := filepath.Join(dir, fmt.Sprintf("%s-%d-", which, os.Getpid()))
	writeHeap := func(name string) {
		if f, err := os.Create(prefix + name); err == nil {
			_ = pprof.Lookup("heap").WriteTo(f, 0)
			_ = f.Close()
		}
	}
	// BENCH_MEMPROFILERATE=1 records every allocation (slow, exact counts).
	if n, err := strconv.Atoi(os.Getenv("BENCH_MEMPROFILERATE")); err == nil && n > 0 {
		runtime.MemProfileRate = n
	}
	cpu, err := os.Create(prefix + "cpu.pprof")
	if err == nil && pprof.StartCPUProfile(cpu) != nil {
		_ = cpu.Close()
		err = os.ErrInvalid
	}
	cpuOn := err == nil

	// The heap profile shows the live objects of the last collection: taken
	// at each new high, the last one is the biggest heap's.
	var peak runtime.MemStats
	done, stopped := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(stopped)
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			if m.HeapInuse > peak.HeapInuse+peak.HeapInuse/10 {
				peak = m
				writeHeap("heap.pprof")
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()

	start := time.Now()
	return func() {
		close(done)
		<-stopped
		if cpuOn {
			pprof.StopCPUProfile()
			_ = cpu.Close()
		}
		// What is still reachable once every request is done. Two
		// collections: objects cached in a sync.Pool survive the first.
		runtime.GC()
		runtime.GC()
		writeHeap("heap-exit.pprof")
		var end runtime.MemStats
		runtime.ReadMemStats(&end)
		mb := func(b uint64) float64 { return float64(b) / 1e6 }
		summary := fmt.Sprintf("process %s pid %d ran %s\n"+
			"peak (sampled every 100ms): HeapInuse %.1f MB, Sys %.1f MB\n"+
			"at exit: HeapAlloc %.1f MB, TotalAlloc %.1f MB, Mallocs %d, NumGC %d, GC CPU fraction %.3f\n",
			which, os.Getpid(), time.Since(start).Round(time.Millisecond), mb(peak.HeapInuse), mb(peak.Sys),
			mb(end.HeapAlloc), mb(end.TotalAlloc), end.Mallocs, end.NumGC, end.GCCPUFraction)
		_ = os.WriteFile(prefix+"memstats.txt", []byte(summary), 0o644)
	}
}
