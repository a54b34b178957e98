package wire

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cngen/cngen/dsl/check"
	"github.com/cngen/cngen/dsl/model"
)

func plan(t *testing.T, src string) *Plan {
	t.Helper()
	s, err := check.Load("t.cn", []byte("package t\n"+src))
	if err != nil {
		t.Fatal(err)
	}
	return New(s)
}

// summary is a compact view of a layout for comparisons.
func summary(l *Layout) []string {
	out := []string{fmt.Sprintf("%s rigid=%v need=%d window=%d/%d", l.Name, l.Rigid, l.Need, l.Window, l.WindowEnd)}
	for _, r := range l.Runs {
		var names []string
		for _, f := range r.Fields {
			names = append(names, f.Name)
		}
		out = append(out, fmt.Sprintf("run %s need %d", strings.Join(names, ","), r.Need))
	}
	for _, s := range l.Spans {
		line := fmt.Sprintf("span %s [%d,%d)", s.Name, s.Off, s.End)
		if s.Nested != nil {
			line += " in " + s.Nested.Name
		}
		out = append(out, line)
	}
	for _, f := range l.Fields {
		if f.Open {
			out = append(out, "open "+f.Name)
		}
	}
	for _, g := range l.Gaps {
		out = append(out, fmt.Sprintf("gap %d+%d", g.Off, g.Len))
	}
	for _, a := range l.Arms {
		out = append(out, fmt.Sprintf("arm %s rigid=%v need=%d", a.Name, a.Rigid, a.Need))
	}
	return out
}

func layoutNamed(t *testing.T, p *Plan, name string) *Layout {
	t.Helper()
	for _, l := range p.Layouts() {
		if l.Name == name {
			return l
		}
	}
	t.Fatalf("no layout %s", name)
	return nil
}

func TestLayouts(t *testing.T) {
	const proc = `
flags event : u32 { none = 0  fork = 1  exit = 0x80000000 }
struct fork_event { parent u32  child u32 }
union event_data switch event {
    none => struct { err u32 }
    fork => fork_event
    default => bytes
}
struct proc_event { what event  cpu u32  ts u64 align(8)  data event_data(what) }
`
	tests := []struct {
		name, src, layout string
		want              []string
	}{
		{"prefix then a switch union", proc, "proc_event", []string{
			"proc_event rigid=false need=0 window=4/24",
			"run what,cpu,ts need 16",
			"span what [0,4)", "span cpu [4,8)", "span ts [8,16)",
		}},
		{"arms", proc, "event_data", []string{
			"event_data rigid=false need=0 window=0/0",
			"arm none rigid=true need=4", "arm fork rigid=true need=8", "arm default rigid=false need=0",
		}},
		{"inline arm named after its union and case", proc, "event_data.none", []string{
			"event_data.none rigid=true need=4 window=1/4",
			"run err need 4", "span err [0,4)",
		}},
		{"nested struct: need without trailing padding, table names inside", `
struct inner { a u64  b u8 }
struct outer { x u8  in inner  y u16 }`, "outer", []string{
			"outer rigid=true need=26 window=3/32",
			"run x,in,y need 26",
			"span x [0,1)", "span in [8,17) in inner", "span y [24,26)",
			"gap 1+7", "gap 26+6",
		}},
		{"enum selector of a union with a default is open", `
enum op : u8 { a = 1  b = 2 }
union body switch op { a => u32  default => bytes }
union strict switch op { a => u32  b => u8 }
struct m { o op  p op  y strict(p)  x body(o) }`, "m", []string{
			"m rigid=false need=0 window=4/12",
			"run o,p need 2",
			"span o [0,1)", "span p [1,2)",
			"open o",
			"gap 2+2",
		}},
		{"runs split by a dynamic field", `
struct r { n u8  data bytes[n]  crc u32  tail u8 }`, "r", []string{
			"r rigid=false need=0 window=1/1",
			"run n need 1", "span n [0,1)",
		}},
		{"plain union: one span for its bytes", `
union u { a u32  b [6]u8 }`, "u", []string{
			"u rigid=true need=8 window=0/0",
			"span  [0,8)",
		}},
		{"explicit pad is needed, implicit padding is not", `
struct p { a u8  reserved pad 3  b u16 }`, "p", []string{
			"p rigid=true need=6 window=3/6",
			"run a,reserved,b need 6",
			"span a [0,1)", "span reserved [1,4)", "span b [4,6)",
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := summary(layoutNamed(t, plan(t, tc.src), tc.layout))
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestPick(t *testing.T) {
	p := plan(t, `
enum op : i8 { neg = -1  a = 1 }
union body switch op { neg => u8  a => u16 }
union loose switch op { a => u16  default => bytes }
struct m { o op  x body(o)  y loose(o) }`)
	body, loose := layoutNamed(t, p, "body"), layoutNamed(t, p, "loose")
	for _, tc := range []struct {
		l    *Layout
		v    uint64
		want string
	}{
		{body, 0xff, "neg"}, {body, 1, "a"}, {body, 7, ""},
		{loose, 1, "a"}, {loose, 0xff, "default"}, {loose, 7, "default"},
	} {
		got := ""
		if a := tc.l.Pick(tc.v); a != nil {
			got = a.Name
		}
		if got != tc.want {
			t.Errorf("%s.Pick(%#x) = %q, want %q", tc.l.Name, tc.v, got, tc.want)
		}
	}
	if body.Uses != 1 || loose.Uses != 1 {
		t.Errorf("uses = %d, %d, want 1, 1", body.Uses, loose.Uses)
	}
}

func TestPayloads(t *testing.T) {
	p := plan(t, `
struct req { id u32 }
enum color : u8 { red = 1 }
family f idx 0x100 {
    call get val 1 req -> string
    event paint val 2 color
}`)
	var get, paint *model.Message
	for _, m := range p.Schema.Families[0].Messages {
		switch m.Name {
		case "get":
			get = m
		case "paint":
			paint = m
		}
	}
	if l := p.Payload(get, false); l.Name != "req" || l.Payload {
		t.Errorf("request payload = %s (wrapper %v), want the declared req", l.Name, l.Payload)
	}
	for _, tc := range []struct {
		l    *Layout
		name string
		kind model.Kind
	}{{p.Payload(get, true), "f.get.reply", model.KindString}, {p.Payload(paint, false), "f.paint", model.KindEnum}} {
		if tc.l.Name != tc.name || !tc.l.Payload || len(tc.l.Fields) != 1 || tc.l.Fields[0].Name != "" || tc.l.Fields[0].Type.Kind != tc.kind {
			t.Errorf("wrapper %s: %+v", tc.name, tc.l)
		}
	}
}
