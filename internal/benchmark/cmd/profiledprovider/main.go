// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

// Command profiledprovider serves the real provider, or with
// -ldflags "-X main.which=floor" the floor provider, with pprof profiles: a
// CPU profile of the whole process, a heap profile taken at the highest heap
// seen, and a summary of the Go runtime's memory statistics, all written to
// $BENCH_PPROF_DIR (nothing when it is unset). `bench -pprof DIR` builds and
// runs these instead of the plain builds; profiling slows a process a
// little, so its times are not the benchmark's.
package main

import (
	"fmt"
	"log"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"strconv"
	"sync"
	"time"

	"github.com/immuta/terraform-provider-immuta/internal/benchmark/floor"
	"github.com/immuta/terraform-provider-immuta/internal/provider"
	"github.com/immuta/terraform-provider-immuta/internal/serve"
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

// profile starts the profiles and returns the function that writes them.
// Terraform gives a provider two seconds to exit after asking it to, so the
// work left for the end is small.
func profile(dir string) func() {
	if dir == "" {
		return func() {}
	}
	prefix := filepath.Join(dir, fmt.Sprintf("%s-%d-", which, os.Getpid()))
	// BENCH_MEMPROFILERATE=1 records every allocation (slow, exact counts);
	// BENCH_HEAP_EVERY=5s writes, that often, a heap profile of what a
	// collection leaves live.
	if n, err := strconv.Atoi(os.Getenv("BENCH_MEMPROFILERATE")); err == nil && n > 0 {
		runtime.MemProfileRate = n
	}
	// BENCH_HEAPDUMP_AT=20s writes a full heap dump (runtime/debug.WriteHeapDump)
	// that long after start, for following references by hand.
	if at, err := time.ParseDuration(os.Getenv("BENCH_HEAPDUMP_AT")); err == nil && at > 0 {
		time.AfterFunc(at, func() {
			runtime.GC()
			if f, err := os.Create(prefix + "heapdump"); err == nil {
				debug.WriteHeapDump(f.Fd())
				_ = f.Close()
			}
		})
	}
	if every, err := time.ParseDuration(os.Getenv("BENCH_HEAP_EVERY")); err == nil && every > 0 {
		go func() {
			for i := 1; ; i++ {
				time.Sleep(every)
				runtime.GC()
				if f, err := os.Create(fmt.Sprintf("%sheap-live-%02d.pprof", prefix, i)); err == nil {
					_ = pprof.Lookup("heap").WriteTo(f, 0)
					_ = f.Close()
				}
			}
		}()
	}
	cpu, err := os.Create(prefix + "cpu.pprof")
	if err == nil {
		if err := pprof.StartCPUProfile(cpu); err != nil {
			_ = cpu.Close()
			cpu = nil
		}
	} else {
		cpu = nil
	}

	var mu sync.Mutex
	var peak runtime.MemStats
	peakGoroutines := 0
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			mu.Lock()
			if m.HeapInuse > peak.HeapInuse+peak.HeapInuse/10 {
				// The heap profile shows the live objects of the last GC: taken
				// at each new high, the last one is the biggest heap's.
				peak = m
				if f, err := os.Create(prefix + "heap.pprof"); err == nil {
					_ = pprof.Lookup("heap").WriteTo(f, 0)
					_ = f.Close()
				}
			}
			if g := runtime.NumGoroutine(); g > peakGoroutines {
				// Which requests were in flight at the most crowded moment.
				peakGoroutines = g
				if f, err := os.Create(prefix + "goroutine.pprof"); err == nil {
					_ = pprof.Lookup("goroutine").WriteTo(f, 0)
					_ = f.Close()
				}
			}
			mu.Unlock()
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
		wg.Wait()
		if cpu != nil {
			pprof.StopCPUProfile()
			_ = cpu.Close()
		}
		// What is still reachable once every request is done. Two
		// collections: objects cached in a sync.Pool survive the first.
		runtime.GC()
		var afterOne runtime.MemStats
		runtime.ReadMemStats(&afterOne)
		runtime.GC()
		if f, err := os.Create(prefix + "heap-exit.pprof"); err == nil {
			_ = pprof.Lookup("heap").WriteTo(f, 0)
			_ = f.Close()
		}
		var end runtime.MemStats
		runtime.ReadMemStats(&end)
		mb := func(b uint64) float64 { return float64(b) / 1e6 }
		summary := fmt.Sprintf("process %s pid %d ran %s\n"+
			"peak (sampled every 100ms): HeapInuse %.1f MB, HeapAlloc %.1f MB, HeapSys %.1f MB, Sys %.1f MB, StackInuse %.1f MB, NextGC %.1f MB\n"+
			"at exit: HeapAlloc %.1f MB after one GC, %.1f MB after two; TotalAlloc %.1f MB, Mallocs %d, NumGC %d, GC CPU fraction %.3f, goroutines %d (peak %d)\n",
			which, os.Getpid(), time.Since(start).Round(time.Millisecond),
			mb(peak.HeapInuse), mb(peak.HeapAlloc), mb(peak.HeapSys), mb(peak.Sys), mb(peak.StackInuse), mb(peak.NextGC),
			mb(afterOne.HeapAlloc), mb(end.HeapAlloc), mb(end.TotalAlloc), end.Mallocs, end.NumGC, end.GCCPUFraction, runtime.NumGoroutine(), peakGoroutines)
		_ = os.WriteFile(prefix+"memstats.txt", []byte(summary), 0o644)
	}
}
