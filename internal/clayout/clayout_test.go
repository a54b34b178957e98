package clayout

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cngen/cngen/dsl/check"
	"github.com/cngen/cngen/dsl/model"
)

// gccPath returns the C compiler, or skips the test when there is none.
func gccPath(t *testing.T) string {
	t.Helper()
	gcc, err := exec.LookPath("gcc")
	if err != nil {
		t.Skipf("no C compiler to check layouts with: %v", err)
	}
	return gcc
}

func load(t *testing.T, src string) *model.Schema {
	t.Helper()
	s, err := check.Load("test.cn", []byte(src))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return s
}

// measureSchema runs the layout program of s and returns what gcc
// printed, by "path what", and where the model disagrees.
func measureSchema(t *testing.T, gcc string, s *model.Schema) (map[string]int, []Mismatch) {
	t.Helper()
	p, err := build(s)
	if err != nil {
		t.Fatalf("build: %v", err)
	}
	vals, err := measure(gcc, p.decls, p.probes)
	if err != nil {
		t.Fatal(err)
	}
	byKey := map[string]int{}
	var ms []Mismatch
	for i, pr := range p.probes {
		byKey[pr.Path+" "+pr.What] = vals[i]
		if vals[i] != pr.Want {
			ms = append(ms, Mismatch{Path: pr.Path, What: pr.What, Model: pr.Want, GCC: vals[i]})
		}
	}
	return byKey, ms
}

// layoutTests cover every layout rule of the language. want holds numbers
// gcc must print ("path what": value), so that each case provably
// exercises its rule; the model must agree with gcc on every number.
var layoutTests = []struct {
	name   string
	src    string
	want   map[string]int
	inC    []string // substrings of the C source
	notInC []string
}{{
	name: "natural alignment",
	src:  `struct s { a u8  b u16  c u32  d u8  e i64 }`,
	want: map[string]int{
		"s.b offset": 2, "s.c offset": 4, "s.d offset": 8, "s.e offset": 16,
		"s size": 24, "s align": 8, "s.e align": 8,
	},
}, {
	name: "trailing padding",
	src:  `struct s { a u32  b u8 }  struct t { a u16  b u8 }`,
	want: map[string]int{"s size": 8, "t size": 4, "t align": 2},
}, {
	name: "u64 after u8",
	src:  `struct s { a u8  b u64 }`,
	want: map[string]int{"s.b offset": 8, "s size": 16},
}, {
	name: "align attribute",
	src: `
		struct ts { what u32  cpu u32  timestamp_ns u64 align(8) }
		struct s { a u8  b u16 align(8)  c u8 }
		struct big { a u32  b u32 align(16) }`,
	want: map[string]int{
		"ts.timestamp_ns offset": 8, "ts size": 16,
		"s.b offset": 8, "s.b align": 8, "s.c offset": 10, "s size": 16, "s align": 8,
		"big.b offset": 16, "big size": 32, "big align": 16,
	},
	inC: []string{"uint64_t timestamp_ns __attribute__((aligned(8)))"},
}, {
	name: "nested structs, declared later",
	src: `
		struct outer { x u8  in inner  y u16 }
		struct inner { a u8  b u32 }`,
	want: map[string]int{
		"outer.in offset": 4, "outer.y offset": 12, "outer size": 16,
		"outer.in.b offset": 8,
	},
}, {
	name: "arrays of structs",
	src: `
		struct pt { x u16  y u8 }
		struct poly { n u8  pts [3]pt  z u32  grid [2][3]u16  last u8 }`,
	want: map[string]int{
		"pt size": 4, "poly.pts offset": 2, "poly.pts size": 12, "poly.z offset": 16,
		"poly.grid offset": 20, "poly.grid size": 12, "poly.last offset": 32, "poly size": 36,
	},
	inC: []string{"cn_pt pts[3];", "uint16_t grid[2][3];"},
}, {
	name: "packed struct",
	src: `
		struct p packed { a u8  b u32  c u16 }
		struct holder { x u8  p p  y u32 }
		struct pa packed { a u8  b u32 align(4)  c u8 }
		struct inner { a u8  b u64 }
		struct outerp packed { x u8  in inner }`,
	want: map[string]int{
		"p.b offset": 1, "p.c offset": 5, "p size": 7, "p align": 1, "p.b align": 1,
		"holder.p offset": 1, "holder.y offset": 8, "holder size": 12,
		"pa.b offset": 4, "pa.b align": 4, "pa.c offset": 8, "pa size": 12, "pa align": 4,
		"outerp.in offset": 1, "outerp size": 17, "outerp.in.b offset": 9,
	},
	inC: []string{"} __attribute__((packed)) cn_p;"},
}, {
	name: "packed union",
	src: `
		union pu packed { a u64  b [5]u8 }
		struct holder { x u8  u pu  y u8 }`,
	want: map[string]int{"pu size": 8, "pu align": 1, "holder.u offset": 1, "holder.y offset": 9, "holder size": 10},
}, {
	name: "plain union rounded up",
	src: `
		union u { a u64  b [9]u8 }
		union v { a u16  b [3]u8  c bool }
		struct holder { x u8  u u  v v }`,
	want: map[string]int{
		"u size": 16, "u align": 8, "v size": 4, "v align": 2,
		"holder.u offset": 8, "holder.v offset": 24, "holder size": 32,
	},
}, {
	name: "switch union",
	src: `
		enum kind : u8 { a = 1  b = 2  c = 3  d = 4 }
		struct big { v [20]u8 }
		union sw switch kind {
			a => struct { x u8 }
			b => struct { y u64  z u8 }
			c => big
			d => struct packed { p u8  q u32 }
			default => bytes
		}
		struct msg { k kind  body sw(k) }`,
	want: map[string]int{
		"sw size": 24, "sw align": 8, "sw.b size": 16, "sw.b.z offset": 8,
		"sw.d size": 5, "sw.d.q offset": 1,
		"msg.body offset": 8, "msg size": 32, "msg.body.b.z offset": 16,
	},
	inC: []string{"cn_sw_a a;", "cn_big c;", "unsigned char default_[0];"},
}, {
	name: "switch union with fixed default",
	src: `
		enum kind : u16 { a = 1 }
		union sw switch kind { a => struct { x u32 }  default => bytes[10] }
		struct msg { k kind  body sw(k) }`,
	want: map[string]int{"sw size": 12, "sw align": 4, "msg.body offset": 4, "msg size": 16},
	inC:  []string{"unsigned char default_[10];"},
}, {
	name: "switch union with variable variants",
	src: `
		flags f : u32 { a = 1  b = 2 }
		union sw switch f {
			a => struct { n u8  rest bytes }
			b => struct { h u16  vals []u32 }
			default => []u64
		}
		struct msg { what f  body sw(what) }`,
	want: map[string]int{
		"sw.a size": 1, "sw.b size": 4, "sw.b.vals offset": 4, "sw size": 8, "sw align": 8,
		"msg.body offset": 8, "msg size": 16,
	},
	inC: []string{"uint32_t vals[];", "uint64_t default_[0];"},
}, {
	name: "pad",
	src: `
		struct s { a u8  reserved pad 3  b u32 }
		struct t { a u8  gap pad 5  b u32  c u8  tail pad 1 }`,
	want: map[string]int{
		"s.reserved offset": 1, "s.reserved size": 3, "s.b offset": 4, "s size": 8,
		"t.b offset": 8, "t.tail offset": 13, "t size": 16,
	},
}, {
	name: "cstring and fixed bytes",
	src:  `struct s { a u8  name cstring[5]  b u16  raw bytes[3]  c u32 }`,
	want: map[string]int{
		"s.name offset": 1, "s.name size": 5, "s.b offset": 6, "s.raw offset": 8, "s.c offset": 12, "s size": 16,
	},
	inC: []string{"char name[5];", "unsigned char raw[3];"},
}, {
	name: "byte orders",
	src:  `struct s { a u16be  b u32le  c i8  d i64be  e u16le  f i32be }`,
	want: map[string]int{"s.b offset": 4, "s.d offset": 16, "s.e offset": 24, "s.f offset": 28, "s size": 32},
	inC:  []string{"uint16_t a;", "uint32_t b;", "int64_t d;", "int32_t f;"},
}, {
	name: "bool",
	src:  `struct s { a bool  b u16  c bool  d [3]bool }`,
	want: map[string]int{"s.b offset": 2, "s.c offset": 4, "s.d offset": 5, "s size": 8, "s.c size": 1},
}, {
	name: "enums and flags",
	src: `
		enum e8 : u8 { x = 1 }
		enum e16 : i16 { y = -1 }
		flags f64 : u64 { z = 0x8000000000000000 }
		struct s { a e8  b e16  c f64  d e8 }`,
	want: map[string]int{"e8 size": 1, "e16 align": 2, "f64 size": 8, "s.b offset": 2, "s.c offset": 8, "s size": 24},
}, {
	name: "flexible last field",
	src: `
		struct b { len u32  kind u8  data bytes }
		struct str { kind u8  name string }
		struct rep { kind u8  vals []u32 }
		struct sized { n u16  vals [n]u64 }
		struct outer { x u8  inner b }
		struct only { vals []b }
		struct onlyn { vals []u64 }`,
	want: map[string]int{
		"only.vals offset": 0, "only size": 0, "only align": 4, "onlyn align": 8,
		"b.data offset": 5, "b size": 8, "str.name offset": 1, "str size": 1,
		"rep.vals offset": 4, "rep size": 4, "rep align": 4,
		"sized.vals offset": 8, "sized size": 8, "outer.inner offset": 4, "outer size": 12,
		"outer.inner.data offset": 9,
	},
	inC: []string{
		"unsigned char data[];", "char name[];", "uint32_t vals[];", "uint64_t vals[];",
		"cn_b vals[0];", "uint64_t vals[0];",
	},
}, {
	name: "sized field with later dynamic fields",
	src: `
		struct s { a u8  n u16  data bytes[n]  tail u32  more [n]u16 }
		struct wrap { x u8  s s }
		struct hi { n u8  data bytes[n]  big u64 }
		struct wraphi { x u8  h hi }`,
	want: map[string]int{
		"s.n offset": 2, "s.data offset": 4,
		"wrap.s offset": 4, "wrap.s.data offset": 8,
		"hi.data offset": 1, "wraphi.h offset": 8, "wraphi.h.data offset": 9,
	},
	inC: []string{"not representable (dynamic offset): tail, more"},
	notInC: []string{
		`"s" "size"`, `"s" "align"`, `"wrap" "size"`, `"hi" "align"`, `"wraphi" "size"`,
		`"wrap.s" "size"`,
	},
}, {
	name: "C keywords and macros as names",
	src: `
		struct int { char u32  linux u8  unix u16  signed u8  __x u8  _Y u8 }
		union sizeof { i386 u32  volatile u8 }
		struct s { default int  cn_probe_ sizeof  uint8_t u8  printf u16  int32_t u32 }`,
	want: map[string]int{"int.linux offset": 4, "int.unix offset": 6, "int size": 12, "s.cn_probe_ offset": 12},
}, {
	name: "C name collisions",
	src: `
		enum k : u8 { b = 1 }
		struct a_b { x u16 }
		union a switch k { b => struct { y u32 } }
		struct probe_ { p a_b  sel k  u a(sel) }`,
	want: map[string]int{"a_b size": 2, "a.b size": 4, "probe_.u offset": 4, "probe_ size": 8},
	inC:  []string{"typedef struct cn_a_b_2 {", "typedef struct cn_probe__2 {"},
}, {
	name: "proc event",
	src: `
		flags event : u32 { none = 0  fork = 1  comm = 0x200  exit = 0x80000000 }
		struct fork_proc_event { parent_pid i32  parent_tgid i32  child_pid i32  child_tgid i32 }
		struct comm_proc_event { process_pid i32  process_tgid i32  comm cstring[16] }
		struct exit_proc_event { process_pid i32  process_tgid i32  exit_code u32  exit_signal u32  parent_pid i32  parent_tgid i32 }
		union event_data switch event {
			none => struct { err u32 }
			fork => fork_proc_event
			comm => comm_proc_event
			exit => exit_proc_event
			default => bytes
		}
		struct proc_event size 40 { what event  cpu u32  timestamp_ns u64 align(8)  event_data event_data(what) }`,
	want: map[string]int{
		"proc_event size": 40, "proc_event.timestamp_ns offset": 8, "proc_event.event_data offset": 16,
		"proc_event.event_data.comm.comm offset": 24, "proc_event.event_data.exit.parent_tgid offset": 36,
	},
}}

func TestLayout(t *testing.T) {
	gcc := gccPath(t)
	for _, tt := range layoutTests {
		t.Run(tt.name, func(t *testing.T) {
			s := load(t, "package p\n"+tt.src)
			src, err := CSource(s)
			if err != nil {
				t.Fatalf("CSource: %v", err)
			}
			for _, want := range tt.inC {
				if !strings.Contains(src, want) {
					t.Errorf("C source lacks %q", want)
				}
			}
			for _, bad := range tt.notInC {
				if strings.Contains(src, bad) {
					t.Errorf("C source has %q", bad)
				}
			}
			got, ms := measureSchema(t, gcc, s)
			for _, m := range ms {
				t.Errorf("mismatch: %v", m)
			}
			for k, want := range tt.want {
				if v, ok := got[k]; !ok {
					t.Errorf("gcc printed no %q", k)
				} else if v != want {
					t.Errorf("gcc: %s = %d, want %d", k, v, want)
				}
			}
			if t.Failed() {
				t.Logf("C source:\n%s", numbered(src))
			}
		})
	}
}

// TestCheckFindsMismatch proves the checker can fail: a model with wrong
// numbers must be reported, number by number.
func TestCheckFindsMismatch(t *testing.T) {
	gcc := gccPath(t)
	s := load(t, `package p
		struct inner { a u8  b u32 }
		struct s { what u32  cpu u32  ts u64 align(8)  in inner }`)
	st, in := s.Types[1], s.Types[0]
	st.Fields[2].Offset = 4 // as if align(8) were ignored
	st.Fields[1].Size = 2
	in.Fields[1].Align = 8
	st.Size = 28
	in.Align = 1
	ms, err := Check(s, gcc)
	if err != nil {
		t.Fatal(err)
	}
	want := []Mismatch{
		{Path: "inner.b", What: "align", Model: 8, GCC: 4},
		{Path: "inner", What: "align", Model: 1, GCC: 4},
		{Path: "s.cpu", What: "size", Model: 2, GCC: 4},
		{Path: "s.ts", What: "offset", Model: 4, GCC: 8},
		// The plan derives padding from the (wrong) offsets: gcc sees none.
		{Path: "s", What: "padding", Model: 8, GCC: 0},
		{Path: "s", What: "size", Model: 28, GCC: 24},
	}
	if diff := cmp.Diff(want, ms); diff != "" {
		t.Errorf("mismatches (-want +got):\n%s", diff)
	}
	if got, want := ms[3].String(), "s.ts: offset: model 4, gcc 8"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}

// TestCheckProbes checks a hand-written probe against a system header and
// that a program gcc rejects is an error quoting gcc and the source.
func TestCheckProbes(t *testing.T) {
	gcc := gccPath(t)
	ms, err := CheckProbes(gcc, "#include <stddef.h>\nstruct x { char a; int b; };\n", []Probe{
		{Path: "x.b", What: "offset", Expr: "offsetof(struct x, b)", Want: 4},
		{Path: "x", What: "size", Expr: "sizeof(struct x)", Want: 4},
		{Path: "minus", What: "value", Expr: "-1", Want: -1},
	})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]Mismatch{{Path: "x", What: "size", Model: 4, GCC: 8}}, ms); diff != "" {
		t.Errorf("mismatches (-want +got):\n%s", diff)
	}

	_, err = CheckProbes(gcc, "", []Probe{{Path: "x", What: "size", Expr: "sizeof(struct nosuch)"}})
	if err == nil || !strings.Contains(err.Error(), "nosuch") || !strings.Contains(err.Error(), "cn_probe_(\"x\", \"size\"") {
		t.Errorf("CheckProbes with a broken program: err = %v, want gcc's complaint and the source", err)
	}
	if _, err := CheckProbes("/nonexistent/gcc", "", nil); err == nil {
		t.Error("CheckProbes with a missing compiler: no error")
	}
}
