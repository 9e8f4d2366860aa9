// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

// Command heappaths reads a heap dump (runtime/debug.WriteHeapDump, as the
// benchmark's profiled provider writes with BENCH_HEAPDUMP_AT) and shows
// what keeps the objects allocated at a given place alive: how many of them
// are reachable, grouped by root and first hops, and a few whole paths.
//
//	heappaths -site operateHeaders provider-1234-heapdump
//
// The dump must come from a process that ran with runtime.MemProfileRate = 1
// (BENCH_MEMPROFILERATE=1), or allocation sites are unknown.
package main

import (
	"flag"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/immuta/terraform-provider-immuta/internal/benchmark/heapdump"
)

func main() {
	site := flag.String("site", "", "a function name or file.go:line in the allocation stack of the objects to explain")
	hops := flag.Int("hops", 4, "how many objects after the root to group paths by")
	show := flag.Int("show", 2, "how many whole paths to print")
	flag.Parse()
	if *site == "" || flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: heappaths -site FUNC_OR_FILE_LINE HEAPDUMP")
		os.Exit(2)
	}
	f, err := os.Open(flag.Arg(0))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer f.Close()
	d, err := heapdump.Read(f)
	if err != nil {
		fmt.Fprintln(os.Stderr, "heappaths:", err)
		os.Exit(1)
	}
	res := d.PathsTo(func(o *heapdump.Object) bool { return o.AllocatedIn(*site) })
	fmt.Printf("%d objects, %d roots; allocated in %q: %d objects, %d of them reachable\n\n",
		len(d.Objects), len(d.Roots), *site, res.Matched, res.Reachable)
	fmt.Print(Summary(res, *hops, *show))
}

// Summary groups the paths by root and first hops, biggest group first,
// then prints a few whole paths.
func Summary(res heapdump.Retention, hops, show int) string {
	type group struct {
		key          string
		count, bytes int
	}
	groups := map[string]*group{}
	for _, p := range res.Paths {
		key := p.Root.Desc
		for i := 0; i < len(p.Objects)-1 && i < hops; i++ {
			key += "\n      -> " + p.Objects[i].Site()
		}
		g := groups[key]
		if g == nil {
			g = &group{key: key}
			groups[key] = g
		}
		g.count++
		g.bytes += p.Objects[len(p.Objects)-1].Size()
	}
	sorted := make([]*group, 0, len(groups))
	for _, g := range groups {
		sorted = append(sorted, g)
	}
	slices.SortFunc(sorted, func(a, b *group) int { return b.count - a.count })
	var b strings.Builder
	for i, g := range sorted {
		if i == 10 {
			fmt.Fprintf(&b, "... %d more groups\n", len(sorted)-i)
			break
		}
		fmt.Fprintf(&b, "%7d objects (%d B) held via %s\n", g.count, g.bytes, g.key)
	}
	for i, p := range res.Paths {
		if i == show {
			break
		}
		fmt.Fprintf(&b, "\npath %d (%d objects) from %s:\n", i+1, len(p.Objects), p.Root.Desc)
		for _, o := range p.Objects {
			b.WriteString("   " + o.Site() + "\n")
		}
	}
	return b.String()
}
