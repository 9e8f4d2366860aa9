// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package heapdump

import (
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
)

func init() {
	// Every allocation gets its stack recorded, as in the profiled provider.
	runtime.MemProfileRate = 1
}

type node struct {
	next *node
	id   int
}

// held is a global: the chain it points to is reachable from a data/bss root.
var held *node

//go:noinline
func allocateChain(n int) *node {
	var head *node
	for i := range n {
		head = &node{next: head, id: i}
	}
	return head
}

func TestPathsToAGlobalChain(t *testing.T) {
	held = allocateChain(5)
	defer func() { held = nil }()
	runtime.GC()

	path := filepath.Join(t.TempDir(), "heapdump")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	debug.WriteHeapDump(f.Fd())
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	f, err = os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	d, err := Read(f)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Objects) == 0 || len(d.Roots) == 0 {
		t.Fatalf("%d objects, %d roots", len(d.Objects), len(d.Roots))
	}
	if i := d.Find(d.Objects[0].Addr + 1); i != 0 {
		t.Errorf("Find of an interior pointer = %d, want 0", i)
	}

	res := d.PathsTo(func(o *Object) bool { return o.AllocatedIn("heapdump.allocateChain") })
	if res.Matched != 5 || res.Reachable != 5 {
		t.Fatalf("matched %d, reachable %d; want 5 and 5", res.Matched, res.Reachable)
	}
	longest := res.Paths[0]
	for _, p := range res.Paths {
		if !strings.HasPrefix(p.Root.Desc, "global ") {
			t.Errorf("root %q, want a global", p.Root.Desc)
		}
		if len(p.Objects) > len(longest.Objects) {
			longest = p
		}
	}
	// The first node allocated is the last of the chain: five hops from the global.
	if len(longest.Objects) != 5 {
		t.Errorf("longest path has %d objects, want 5", len(longest.Objects))
	}
	if site := longest.Objects[0].Site(); !strings.Contains(site, "allocateChain") {
		t.Errorf("Site() = %q", site)
	}
}

func TestReadRejectsOtherFiles(t *testing.T) {
	if _, err := Read(strings.NewReader("not a heap dump at all\n")); err == nil {
		t.Error("a text file was read as a heap dump")
	}
}
