package syntax

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestFormat(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{{
		name: "package first, one blank line between declarations",
		src:  "package   p\nconst A = 1\n\n\n\nconst B=2 const C = 0x1f\n",
		want: "package p\n\nconst A = 1\n\nconst B = 2\n\nconst C = 0x1f\n",
	}, {
		name: "one-line bodies stay on one line",
		src:  "package p\nenum mcast_op : u32 {listen = 1 ignore=2}\nstruct s{a u8 b [4]u8}\nstruct e {\n}\n",
		want: "package p\n\nenum mcast_op : u32 { listen = 1  ignore = 2 }\n\nstruct s { a u8  b [4]u8 }\n\nstruct e {}\n",
	}, {
		name: "bodies on several lines get one aligned member per line",
		src: "package p\nstruct proc_event size 40 {\n  what event  cpu u32\n\ttimestamp_ns u64 align( 8 )\n" +
			"      data event_data( what )\n}\n",
		want: "package p\n\nstruct proc_event size 40 {\n" +
			"    what         event\n    cpu          u32\n    timestamp_ns u64 align(8)\n    data         event_data(what)\n}\n",
	}, {
		name: "enum values align on =",
		src:  "package p\nflags f : u32 {\n none = 0 fork = 0x1\n nonzero_exit = 0x2000_0000\n}\n",
		want: "package p\n\nflags f : u32 {\n    none         = 0\n    fork         = 0x1\n    nonzero_exit = 0x2000_0000\n}\n",
	}, {
		name: "messages align; group and sender lines do not",
		src: "package p\nfamily echo idx 0x123 {\ngroup 20,21\nsender any\ncall ping val 1 ping_req->ping_reply\n" +
			"event tick val 2 tick\nsend stop val 3 bytes\n}\n",
		want: "package p\n\nfamily echo idx 0x123 {\n    group 20, 21\n    sender any\n" +
			"    call  ping val 1 ping_req -> ping_reply\n    event tick val 2 tick\n    send  stop val 3 bytes\n}\n",
	}, {
		name: "blank lines: one kept for several, none after { or before }",
		src:  "package p\nstruct s {\n\n    a u8\n\n\n    b u8\n\n}\n",
		want: "package p\n\nstruct s {\n    a u8\n\n    b u8\n}\n",
	}, {
		name: "a blank line or a comment line ends an aligned run",
		src:  "package p\nstruct s {\n    a u8\n    bb u16\n\n    ccc u32\n    // note\n    dddd u64\n    e u8\n}\n",
		want: "package p\n\nstruct s {\n    a  u8\n    bb u16\n\n    ccc u32\n    // note\n    dddd u64\n    e    u8\n}\n",
	}, {
		name: "trailing comments stay on their line and align",
		src:  "package p\nstruct s { // the s\n    a u8 // one\n    bbb u32 // two\n} // end\n",
		want: "package p\n\nstruct s { // the s\n    a   u8  // one\n    bbb u32 // two\n} // end\n",
	}, {
		name: "expressions keep literals and parentheses, operators get spaces",
		src:  "package p\nconst X = (0x1|0b10)&~ -0o7<<2 % ( A )\n",
		want: "package p\n\nconst X = (0x1 | 0b10) & ~-0o7 << 2 % (A)\n",
	}, {
		name: "types",
		src:  "package p\nunion u packed size 8 switch k { a => struct packed { x cstring [ 4 ]  y bytes[ n ] } default => bytes }\nstruct t { p pad 3  s string  l [ ] [2]u8 }\n",
		want: "package p\n\nunion u packed size 8 switch k { a => struct packed { x cstring[4]  y bytes[n] }  default => bytes }\n\nstruct t { p pad 3  s string  l [][2]u8 }\n",
	}, {
		name: "a comment inside a member breaks its line",
		src:  "package p\nstruct s {\n    a // why\n      [4]u8\n    b u8\n}\n",
		want: "package p\n\nstruct s {\n    a // why\n        [4]u8\n    b u8\n}\n",
	}, {
		name: "comments around declarations keep their blank lines",
		src:  "// Header.\n\n\n/// Package p.\npackage p\n// about A\nconst A = 1\n\n// loose\n\n/// B\nconst B = 2\n// the end\n",
		want: "// Header.\n\n/// Package p.\npackage p\n\n// about A\nconst A = 1\n\n// loose\n\n/// B\nconst B = 2\n\n// the end\n",
	}, {
		name: "no blank line after a { that has a trailing comment",
		src:  "package p\nstruct s { // the s\n\n    a u8\n}\n",
		want: "package p\n\nstruct s { // the s\n    a u8\n}\n",
	}, {
		name: "a body holding only comments",
		src:  "package p\nstruct s { // nothing yet\n}\nstruct t {\n    // nothing either\n}\n",
		want: "package p\n\nstruct s { // nothing yet\n}\n\nstruct t {\n    // nothing either\n}\n",
	}, {
		name: "an empty file and a file of comments",
		src:  "\n\n// only\n\n\n// comments\n\n",
		want: "// only\n\n// comments\n",
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Parse("f.cn", []byte(tt.src))
			if err != nil {
				t.Fatal(err)
			}
			got := roundTrip(t, "f.cn", f)
			if diff := cmp.Diff(tt.want, string(got)); diff != "" {
				t.Errorf("Format (-want +got):\n%s", diff)
			}
		})
	}
}

// TestFormatEmpty checks that an empty file prints as nothing.
func TestFormatEmpty(t *testing.T) {
	f, err := Parse("e.cn", []byte(" \n\t\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got := Format(f); len(got) != 0 {
		t.Errorf("Format of an empty file = %q, want nothing", got)
	}
}

// TestFormatBuiltTree checks that a tree built by hand, without Tokens,
// prints: its comments come first, its bodies one member per line.
func TestFormatBuiltTree(t *testing.T) {
	one := &Expr{Left: &Unary{Primary: &Primary{Number: "1"}}}
	f := &File{
		Package:  &PackageClause{Name: "p"},
		Decls:    []*Decl{{Struct: &StructDecl{Name: "s", Fields: []*FieldDecl{{Name: "a", Type: &TypeExpr{Ref: &TypeRef{Name: "u8"}}, Align: one}}}}},
		Comments: []*Comment{{Text: "// hello"}},
	}
	want := "// hello\npackage p\n\nstruct s {\n    a u8 align(1)\n}\n"
	if diff := cmp.Diff(want, string(Format(f))); diff != "" {
		t.Errorf("Format (-want +got):\n%s", diff)
	}
	if _, err := Parse("b.cn", Format(f)); err != nil {
		t.Errorf("printed tree does not parse: %v", err)
	}
	if strings.Contains(string(Format(&File{})), "\n") {
		t.Errorf("an empty tree prints lines")
	}
}
