// Copyright (c) The terraform-provider-immuta authors
// SPDX-License-Identifier: MPL-2.0

// Package heapdump reads the files runtime/debug.WriteHeapDump writes
// ("go1.7 heap dump" format, still current) and answers one question: what
// keeps the objects allocated at some place alive? A heap profile says where
// the live memory was allocated, not who holds it; the dump has every
// object's pointers and every root (globals, goroutine stack frames,
// finalizers), and, when the process ran with runtime.MemProfileRate = 1,
// the allocation stack of every object. The benchmark's profiled provider
// writes such dumps (BENCH_HEAPDUMP_AT with BENCH_MEMPROFILERATE=1).
package heapdump

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
)

// Frame is one frame of an allocation stack.
type Frame struct {
	Func string
	File string
	Line int
}

func (f Frame) String() string { return fmt.Sprintf("%s:%d", f.Func, f.Line) }

// Object is one heap object.
type Object struct {
	Addr uint64
	// Data is the object's memory (the size of its size class).
	Data []byte
	// PtrOffsets are the offsets in Data that hold pointers.
	PtrOffsets []uint64
	// Stack is where it was allocated, innermost first; nil when the
	// allocation was not sampled.
	Stack []Frame
}

// Size is the size of the object's slot.
func (o *Object) Size() int { return len(o.Data) }

// Site names where o was allocated: its two innermost frames outside the
// runtime, and its size.
func (o *Object) Site() string {
	var keep []string
	for _, f := range o.Stack {
		if strings.HasPrefix(f.Func, "runtime.") || strings.HasPrefix(f.Func, "internal/runtime") {
			continue
		}
		keep = append(keep, f.String())
		if len(keep) == 2 {
			break
		}
	}
	if len(keep) == 0 {
		return fmt.Sprintf("[%d B, allocation not sampled]", o.Size())
	}
	return fmt.Sprintf("[%d B %s]", o.Size(), strings.Join(keep, " <- "))
}

// AllocatedIn reports whether any frame of o's allocation stack contains s
// (a function name, or "file.go:line").
func (o *Object) AllocatedIn(s string) bool {
	for _, f := range o.Stack {
		if strings.Contains(f.Func, s) || strings.Contains(fmt.Sprintf("%s:%d", f.File, f.Line), s) {
			return true
		}
	}
	return false
}

// Root is a pointer from outside the heap.
type Root struct {
	// Desc says where the pointer is: "global data+0x18",
	// "goroutine 42 frame main.run", "finalizer", ...
	Desc string
	To   uint64
}

// Dump is a parsed heap dump.
type Dump struct {
	Objects []*Object // sorted by address
	Roots   []Root
}

type reader struct {
	r   *bufio.Reader
	err error
}

func (r *reader) uvarint() uint64 {
	if r.err != nil {
		return 0
	}
	v, err := binary.ReadUvarint(r.r)
	if err != nil {
		r.err = err
	}
	return v
}

func (r *reader) bytes() []byte {
	n := r.uvarint()
	if r.err != nil {
		return nil
	}
	if n > 1<<32 {
		r.err = fmt.Errorf("implausible length %d", n)
		return nil
	}
	b := make([]byte, n)
	if _, err := io.ReadFull(r.r, b); err != nil {
		r.err = err
	}
	return b
}

func (r *reader) skip(n int) {
	for range n {
		r.uvarint()
	}
}

// fieldList reads (kind, offset) pairs up to the end marker.
func (r *reader) fieldList() []uint64 {
	var out []uint64
	for r.err == nil {
		if kind := r.uvarint(); kind == 0 {
			break
		}
		out = append(out, r.uvarint())
	}
	return out
}

// Record tags of the format.
const (
	tagEOF             = 0
	tagObject          = 1
	tagOtherRoot       = 2
	tagType            = 3
	tagGoroutine       = 4
	tagStackFrame      = 5
	tagParams          = 6
	tagFinalizer       = 7
	tagItab            = 8
	tagOSThread        = 9
	tagMemStats        = 10
	tagQueuedFinalizer = 11
	tagData            = 12
	tagBSS             = 13
	tagDefer           = 14
	tagPanic           = 15
	tagMemProf         = 16
	tagAllocSample     = 17
)

func ptrAt(data []byte, off uint64) (uint64, bool) {
	if off+8 > uint64(len(data)) {
		return 0, false
	}
	return binary.LittleEndian.Uint64(data[off:]), true
}

// Read parses a heap dump written on a little-endian 64-bit machine.
func Read(in io.Reader) (*Dump, error) {
	r := &reader{r: bufio.NewReaderSize(in, 1<<20)}
	header := make([]byte, len("go1.7 heap dump\n"))
	if _, err := io.ReadFull(r.r, header); err != nil {
		return nil, err
	}
	if !strings.HasSuffix(string(header), " heap dump\n") {
		return nil, fmt.Errorf("not a heap dump (header %q)", header)
	}
	d := &Dump{}
	stacks := map[uint64][]Frame{}
	sampled := map[uint64]uint64{} // object -> profile bucket
	var goroutine uint64
	addRoots := func(desc string, data []byte, offsets []uint64) {
		for _, off := range offsets {
			if p, ok := ptrAt(data, off); ok && p != 0 {
				d.Roots = append(d.Roots, Root{Desc: desc, To: p})
			}
		}
	}
	for {
		tag := r.uvarint()
		if r.err != nil {
			return nil, fmt.Errorf("reading a record tag: %w", r.err)
		}
		switch tag {
		case tagEOF:
			for _, o := range d.Objects {
				o.Stack = stacks[sampled[o.Addr]]
			}
			slices.SortFunc(d.Objects, func(a, b *Object) int {
				switch {
				case a.Addr < b.Addr:
					return -1
				case a.Addr > b.Addr:
					return 1
				}
				return 0
			})
			return d, nil
		case tagObject:
			o := &Object{Addr: r.uvarint()}
			o.Data = r.bytes()
			o.PtrOffsets = r.fieldList()
			d.Objects = append(d.Objects, o)
		case tagOtherRoot:
			desc := string(r.bytes())
			d.Roots = append(d.Roots, Root{Desc: "root " + desc, To: r.uvarint()})
		case tagType:
			r.skip(2)
			r.bytes()
			r.skip(1)
		case tagGoroutine:
			r.skip(2)
			goroutine = r.uvarint()
			r.skip(5)
			r.bytes() // wait reason
			ctxt := r.uvarint()
			r.skip(3)
			d.Roots = append(d.Roots, Root{Desc: fmt.Sprintf("goroutine %d context", goroutine), To: ctxt})
		case tagStackFrame:
			r.skip(3)
			data := r.bytes()
			r.skip(3)
			name := string(r.bytes())
			addRoots(fmt.Sprintf("goroutine %d frame %s", goroutine, name), data, r.fieldList())
		case tagParams:
			bigEndian := r.uvarint()
			ptrSize := r.uvarint()
			if bigEndian != 0 || ptrSize != 8 {
				return nil, errors.New("only little-endian 64-bit dumps are supported")
			}
			r.skip(2)
			r.bytes()
			r.bytes()
			r.skip(1)
		case tagFinalizer, tagQueuedFinalizer:
			obj := r.uvarint()
			fn := r.uvarint()
			r.skip(3)
			d.Roots = append(d.Roots, Root{Desc: "finalizer of", To: obj}, Root{Desc: "finalizer func", To: fn})
		case tagItab:
			r.skip(2)
		case tagOSThread:
			r.skip(3)
		case tagMemStats:
			r.skip(24 + 256 + 1)
		case tagData, tagBSS:
			r.uvarint() // segment address
			data := r.bytes()
			name := map[uint64]string{tagData: "data", tagBSS: "bss"}[tag]
			for _, off := range r.fieldList() {
				if p, ok := ptrAt(data, off); ok && p != 0 {
					d.Roots = append(d.Roots, Root{Desc: fmt.Sprintf("global %s+%#x", name, off), To: p})
				}
			}
		case tagDefer:
			r.skip(4)
			fn := r.uvarint()
			r.skip(2)
			d.Roots = append(d.Roots, Root{Desc: "deferred call", To: fn})
		case tagPanic:
			r.skip(3)
			data := r.uvarint()
			r.skip(2)
			d.Roots = append(d.Roots, Root{Desc: "panic value", To: data})
		case tagMemProf:
			bucket := r.uvarint()
			r.uvarint() // size
			n := r.uvarint()
			if n > 1<<16 {
				return nil, fmt.Errorf("implausible stack depth %d", n)
			}
			stack := make([]Frame, 0, n)
			for range n {
				fn := string(r.bytes())
				file := string(r.bytes())
				stack = append(stack, Frame{Func: fn, File: file, Line: int(r.uvarint())})
			}
			r.skip(2) // allocs, frees
			stacks[bucket] = stack
		case tagAllocSample:
			obj := r.uvarint()
			sampled[obj] = r.uvarint()
		default:
			return nil, fmt.Errorf("unknown record tag %d", tag)
		}
		if r.err != nil {
			return nil, fmt.Errorf("reading a record with tag %d: %w", tag, r.err)
		}
	}
}

// Find returns the index of the object that contains addr, or -1.
func (d *Dump) Find(addr uint64) int {
	i, _ := slices.BinarySearchFunc(d.Objects, addr, func(o *Object, a uint64) int {
		switch {
		case o.Addr+uint64(len(o.Data)) <= a:
			return -1
		case o.Addr > a:
			return 1
		}
		return 0
	})
	if i < len(d.Objects) && d.Objects[i].Addr <= addr && addr < d.Objects[i].Addr+uint64(len(d.Objects[i].Data)) {
		return i
	}
	return -1
}

// Path is a chain of references from a root to an object.
type Path struct {
	Root    Root
	Objects []*Object // the object the root points to first, the matched object last
}

// Retention is the answer to "who keeps these objects alive".
type Retention struct {
	Matched   int    // objects that matched
	Reachable int    // of which reachable from a root
	Paths     []Path // a shortest path to each reachable matched object
}

// PathsTo finds, breadth first from every root, a shortest path to each
// object that match selects.
func (d *Dump) PathsTo(match func(*Object) bool) Retention {
	parent := make([]int, len(d.Objects))
	root := make([]int, len(d.Objects))
	for i := range parent {
		parent[i] = -2 // not reached
	}
	var queue []int
	for ri, rt := range d.Roots {
		if i := d.Find(rt.To); i >= 0 && parent[i] == -2 {
			parent[i], root[i] = -1, ri
			queue = append(queue, i)
		}
	}
	for len(queue) > 0 {
		i := queue[0]
		queue = queue[1:]
		o := d.Objects[i]
		for _, off := range o.PtrOffsets {
			p, ok := ptrAt(o.Data, off)
			if !ok {
				continue
			}
			if j := d.Find(p); j >= 0 && parent[j] == -2 {
				parent[j], root[j] = i, root[i]
				queue = append(queue, j)
			}
		}
	}
	var res Retention
	for i, o := range d.Objects {
		if !match(o) {
			continue
		}
		res.Matched++
		if parent[i] == -2 {
			continue
		}
		res.Reachable++
		var chain []*Object
		for j := i; j >= 0; j = parent[j] {
			chain = append(chain, d.Objects[j])
		}
		slices.Reverse(chain)
		res.Paths = append(res.Paths, Path{Root: d.Roots[root[i]], Objects: chain})
	}
	return res
}
