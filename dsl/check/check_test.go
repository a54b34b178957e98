package check

import (
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cngen/cngen/dsl/model"
	"github.com/cngen/cngen/dsl/source"
)

func mustLoad(t *testing.T, src string) *model.Schema {
	t.Helper()
	s, err := Load("t.cn", []byte(src))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return s
}

func typeNamed(t *testing.T, s *model.Schema, name string) *model.Type {
	t.Helper()
	for _, ty := range s.Types {
		if ty.Name == name {
			return ty
		}
	}
	t.Fatalf("no type %s", name)
	return nil
}

// layout is a compact view of a laid-out type for comparisons.
type layout struct {
	Size, Align int
	Variable    bool
	Fields      []string // name@offset+size/align, with * for dynamic offsets
}

func layoutOf(t *model.Type) layout {
	l := layout{Size: t.Size, Align: t.Align, Variable: t.Variable}
	for _, f := range t.Fields {
		s := f.Name + "@" + strconv.Itoa(f.Offset) + "+" + strconv.Itoa(f.Size) + "/" + strconv.Itoa(f.Align)
		if f.Dynamic {
			s += "*"
		}
		l.Fields = append(l.Fields, s)
	}
	return l
}

func TestLayout(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want layout
	}{
		{"natural alignment and tail padding", `struct x { a u8  b u32  c u16 }`,
			layout{12, 4, false, []string{"a@0+1/1", "b@4+4/4", "c@8+2/2"}}},
		{"u64 after u8", `struct x { a u8  b u64 }`,
			layout{16, 8, false, []string{"a@0+1/1", "b@8+8/8"}}},
		{"packed", `struct x packed { a u8  b u64  c u16 }`,
			layout{11, 1, false, []string{"a@0+1/1", "b@1+8/1", "c@9+2/1"}}},
		{"aligned member", `struct x { a u32  b u32  c u64 align(16) }`,
			layout{32, 16, false, []string{"a@0+4/4", "b@4+4/4", "c@16+8/16"}}},
		{"aligned member in a packed struct", `struct x packed { a u8  b u32 align(4) }`,
			layout{8, 4, false, []string{"a@0+1/1", "b@4+4/4"}}},
		{"forced byte orders and bool", `struct x { a u16be  b bool  c i64le }`,
			layout{16, 8, false, []string{"a@0+2/2", "b@2+1/1", "c@8+8/8"}}},
		{"arrays, cstring and pad", `struct x { a [3]u16  s cstring[5]  p pad 1  n u32 }`,
			layout{16, 4, false, []string{"a@0+6/2", "s@6+5/1", "p@11+1/1", "n@12+4/4"}}},
		{"flexible tail", `struct x { n u16  data []u32 }`,
			layout{4, 4, true, []string{"n@0+2/2", "data@4+0/4"}}},
		{"sized field then dynamic offsets", `struct x { n u8  data bytes[n]  crc u32 }`,
			layout{8, 4, true, []string{"n@0+1/1", "data@1+0/1", "crc@4+4/4*"}}},
		{"constant length", `const N = 2 * 3
			struct x { a [N]u8  b bytes[N + 1] }`,
			layout{13, 1, false, []string{"a@0+6/1", "b@6+7/1"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := mustLoad(t, "package p\n"+tt.src)
			if diff := cmp.Diff(tt.want, layoutOf(typeNamed(t, s, "x"))); diff != "" {
				t.Errorf("layout (-want +got):\n%s", diff)
			}
		})
	}
}

func TestUnions(t *testing.T) {
	s := mustLoad(t, `package p
enum k : u8 { a = 1  b = 2  c = 3 }
union plain { x u8  y u64  z [3]u32 }
union tight packed { x u8  y u64  z [3]u32 }
union sw switch k {
	a => u8
	b => struct { p u16  q u64 }
	default => bytes
}
struct holder { kind k  data sw(kind) }
`)
	for _, tc := range []struct {
		name string
		want layout
	}{
		{"plain", layout{16, 8, false, []string{"x@0+1/1", "y@0+8/8", "z@0+12/4"}}},
		{"tight", layout{12, 1, false, []string{"x@0+1/1", "y@0+8/1", "z@0+12/1"}}},
		{"sw", layout{16, 8, true, nil}},
		{"holder", layout{24, 8, true, []string{"kind@0+1/1", "data@8+16/8"}}},
	} {
		if diff := cmp.Diff(tc.want, layoutOf(typeNamed(t, s, tc.name))); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.name, diff)
		}
	}
	sw := typeNamed(t, s, "sw")
	if len(sw.Variants) != 2 || sw.Variants[1].Case.Name != "b" || sw.Default == nil || sw.Selector.Name != "k" {
		t.Errorf("switch variants not resolved: %+v", sw)
	}
	holder := typeNamed(t, s, "holder")
	if holder.Fields[1].Selector != holder.Fields[0] {
		t.Errorf("selector of data is %v, want kind", holder.Fields[1].Selector)
	}
}

func TestNamesResolveInAnyOrder(t *testing.T) {
	s := mustLoad(t, `package p
struct outer { i inner  n [LEN]u8 }
const LEN = BASE * 2
struct inner { v kind }
const BASE = 4
enum kind : u16 { x = BASE }
`)
	if got := layoutOf(typeNamed(t, s, "outer")); got.Size != 10 {
		t.Errorf("outer size = %d, want 10", got.Size)
	}
	var names []string
	for _, ty := range s.Types {
		names = append(names, ty.Name)
	}
	if diff := cmp.Diff([]string{"outer", "inner", "kind"}, names); diff != "" {
		t.Errorf("types not in declaration order (-want +got):\n%s", diff)
	}
	if s.Consts[0].Name != "LEN" || s.Consts[0].Value.Int64() != 8 {
		t.Errorf("LEN = %v", s.Consts[0].Value)
	}
}

func TestExpressions(t *testing.T) {
	for src, want := range map[string]string{
		"1 + 2 * 3":             "7",
		"(1 + 2) * 3":           "9",
		"1 | 2 & 3":             "3",
		"1 << 4 | 1":            "17",
		"0x10 >> 2 + 1":         "2",
		"-7 / 2":                "-3",
		"-7 % 2":                "-1",
		"~0":                    "-1",
		"0b1010 ^ 0o17":         "5",
		"1_000_000":             "1000000",
		"0xffff_ffff_ffff_ffff": "18446744073709551615",
		"-(1 << 62) * 2":        "-9223372036854775808",
		"2 + 3 * 4 - 5":         "9",
		"1 | 6 ^ 3 & 5 << 1":    "5",
		"100 - 10 - 1":          "89",
		"64 / 4 / 2":            "8",
		"1 << 2 + 1":            "8",
	} {
		s := mustLoad(t, "package p\nconst X = "+src)
		if got := s.Consts[0].Value.String(); got != want {
			t.Errorf("%s = %s, want %s", src, got, want)
		}
	}
}

func TestDocs(t *testing.T) {
	s := mustLoad(t, `/// Package doc.
package p

// not a doc comment
/// first line
///   indented
struct x {
	/// field doc
	a u8  b u8
	c u8 /// trailing: belongs to c
	d u8
}

/// orphan, separated by a blank line

enum e : u8 {
	/// value doc
	v = 1
}
`)
	x := typeNamed(t, s, "x")
	got := map[string][]string{
		"package": s.Doc, "x": x.Doc,
		"a": x.Fields[0].Doc, "b": x.Fields[1].Doc, "c": x.Fields[2].Doc, "d": x.Fields[3].Doc,
		"e": typeNamed(t, s, "e").Doc, "v": typeNamed(t, s, "e").Values[0].Doc,
	}
	want := map[string][]string{
		"package": {"Package doc."}, "x": {"first line", "  indented"},
		"a": {"field doc"}, "b": nil, "c": {"trailing: belongs to c"}, "d": nil,
		"e": nil, "v": {"value doc"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("docs (-want +got):\n%s", diff)
	}
	if len(s.Warnings) != 1 || s.Warnings[0].Pos.Line != 14 || !strings.Contains(s.Warnings[0].Msg, "documents nothing") {
		t.Errorf("warnings %v, want the orphan doc at line 14", s.Warnings)
	}
}

func TestFamilies(t *testing.T) {
	s := mustLoad(t, `package p
struct req { x u32 }
family echo idx 0x123 {
	sender any
	call ping val 1 req -> req
	event tick val 2 req
}
family many idx 12 {
	group 12, 30
	sender kernel
	send go val 1 bytes
}
`)
	echo, many := s.Families[0], s.Families[1]
	if diff := cmp.Diff([]uint32(nil), echo.Groups); diff != "" {
		t.Errorf("no default group above 32 (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]uint32{12, 30}, many.Groups); diff != "" {
		t.Errorf("groups (-want +got):\n%s", diff)
	}
	ping := echo.Messages[0]
	if ping.Kind != model.Call || ping.Reply == nil || ping.Val != 1 || many.Sender != model.SenderKernel || echo.Sender != model.SenderAny {
		t.Errorf("family fields not resolved: %+v %+v", ping, many)
	}
	if diff := cmp.Diff([]model.Direction{model.Out, model.In}, ping.Directions()); diff != "" {
		t.Errorf("call directions (-want +got):\n%s", diff)
	}
	if many.Messages[0].Type.Kind != model.KindBytes {
		t.Errorf("bytes payload has kind %v", many.Messages[0].Type.Kind)
	}
}

func TestErrorsSortedWithPositions(t *testing.T) {
	_, err := Load("e.cn", []byte("package p\nstruct b { x nope }\nstruct a { y zip }\nconst C = 1/0\n"))
	var list source.ErrorList
	if !errors.As(err, &list) {
		t.Fatalf("err = %v, want ErrorList", err)
	}
	want := []string{
		"e.cn:2:14: undefined type nope",
		"e.cn:3:14: undefined type zip",
		"e.cn:4:12: division by zero",
	}
	if diff := cmp.Diff(want, strings.Split(list.Error(), "\n")); diff != "" {
		t.Errorf("errors (-want +got):\n%s", diff)
	}
}

func TestParseNeverPanicsOnTruncations(t *testing.T) {
	src := `package p
enum k : u8 { a = 1 }
union sw switch k { a => struct { x u8 } default => bytes }
struct s size 8 { kind k  n u8  d sw(kind) }
family f idx 20 { group 20, 21  sender any  call c val 1 s -> bytes[n] }
`
	for i := range len(src) {
		_, _ = Load("cut.cn", []byte(src[:i])) // must return, not panic
	}
}

func TestDeepNestingIsAnError(t *testing.T) {
	for name, src := range map[string]string{
		"parens": "const X = " + strings.Repeat("(", 100000) + "1" + strings.Repeat(")", 100000),
		"arrays": "struct s { a " + strings.Repeat("[1]", 100000) + "u8 }",
		"unary":  "const X = " + strings.Repeat("-", 100000) + "1",
		"braces": "union u switch k { a => " + strings.Repeat("struct { x ", 100000),
	} {
		_, err := Load("deep.cn", []byte("package p\n"+src))
		if err == nil || !strings.Contains(err.Error(), "nesting deeper than 100 levels") {
			t.Errorf("%s: err = %v, want a nesting error", name, err)
		}
	}
	ok := "const X = " + strings.Repeat("(", 100) + "1" + strings.Repeat(")", 100)
	if _, err := Load("ok.cn", []byte("package p\n"+ok)); err != nil {
		t.Errorf("100 levels should parse: %v", err)
	}
}
