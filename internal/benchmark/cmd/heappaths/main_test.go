// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

package main

import (
	"strings"
	"testing"

	"github.com/immuta/terraform-provider-immuta/internal/benchmark/heapdump"
)

func TestSummaryGroupsByRootAndHops(t *testing.T) {
	obj := func(size int, fn string) *heapdump.Object {
		return &heapdump.Object{Data: make([]byte, size), Stack: []heapdump.Frame{{Func: fn, Line: 7}}}
	}
	holder := obj(8192, "pkg.(*Server).register")
	res := heapdump.Retention{Matched: 3, Reachable: 3, Paths: []heapdump.Path{
		{Root: heapdump.Root{Desc: "global bss+0x10"}, Objects: []*heapdump.Object{holder, obj(352, "pkg.newStream")}},
		{Root: heapdump.Root{Desc: "global bss+0x10"}, Objects: []*heapdump.Object{holder, obj(352, "pkg.newStream")}},
		{Root: heapdump.Root{Desc: "goroutine 9 frame pkg.serve"}, Objects: []*heapdump.Object{obj(352, "pkg.newStream")}},
	}}
	got := Summary(res, 4, 1)
	for _, want := range []string{
		"      2 objects (704 B) held via global bss+0x10\n      -> [8192 B pkg.(*Server).register:7]\n",
		"      1 objects (352 B) held via goroutine 9 frame pkg.serve\n",
		"path 1 (2 objects) from global bss+0x10:\n   [8192 B pkg.(*Server).register:7]\n   [352 B pkg.newStream:7]\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("summary lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "path 2") {
		t.Errorf("more paths than asked for:\n%s", got)
	}
}
