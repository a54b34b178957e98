package md

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cngen/cngen/dsl/check"
	"github.com/cngen/cngen/dsl/wire"
)

// layoutOf checks src, a schema without its package clause, and returns
// the layout named name.
func layoutOf(t *testing.T, src, name string) *wire.Layout {
	t.Helper()
	s, err := check.Load("test.cn", []byte("package p\n"+src))
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range wire.New(s).Layouts() {
		if l.Name == name {
			return l
		}
	}
	t.Fatalf("no layout %s", name)
	return nil
}

// trimmed is a diagram without the blanks that pad its lines to one
// width (TestDiagramWidths checks those), so that the wants below hold no
// trailing spaces.
func trimmed(d string) string {
	lines := strings.Split(d, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Join(lines, "\n")
}

// TestDiagram draws one layout per rule of the package comment.
func TestDiagram(t *testing.T) {
	for _, tc := range []struct{ name, src, typ, want string }{
		{
			name: "a 1-byte field and padding",
			src:  "struct s { a u8  b u32 }",
			typ:  "s",
			want: `
   0                   1                   2                   3
   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
0 |       a       |                    padding                    |
  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
4 |                               b                               |
  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
`,
		},
		{
			name: "a field crossing a row",
			src:  "struct s packed { a u16  b u32  c u16 }",
			typ:  "s",
			want: `
   0                   1                   2                   3
   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
0 |               a               |               b               |
  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
4 |           b (cont.)           |               c               |
  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
`,
		},
		{
			name: "a field of size 0",
			src:  "struct empty {}\nstruct s { a u8  e empty  b u8 }",
			typ:  "s",
			want: `
   0                   1                   2                   3
   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
0 |       a       |       b       |
  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
`,
		},
		{
			name: "a packed struct with a short last row",
			src:  "struct s packed { kind u8  value u64  count u16 }",
			typ:  "s",
			want: `
   0                   1                   2                   3
   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
0 |     kind      |                                               |
  +-+-+-+-+-+-+-+-+                                               +
4 |                             value                             |
  +               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
8 |               |             count             |
  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
`,
		},
		{
			name: "a variable tail",
			src:  "struct s { id u32  rest []u16 }",
			typ:  "s",
			want: `
   0                   1                   2                   3
   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
0 |                              id                               |
  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
4 |                           rest ...                            |
  +- - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - -+
`,
		},
		{
			name: "dynamic offsets",
			src:  "struct s { n u8  data bytes[n]  crc u32  tail u8 }",
			typ:  "s",
			want: `
   0                   1                   2                   3
   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
0 |       n       |                   data ...                    |
  +-+-+-+-+-+-+-+-+- - - - - - - - - - - - - - - - - - - - - - - -+
  :             ... run-time offset, aligned to 4 ...             :
  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
  |                              crc                              |
  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
  |     tail      |
  +-+-+-+-+-+-+-+-+
`,
		},
		{
			name: "a dynamic field aligned more than the cursor",
			src:  "struct s { n u8  data bytes[n]  a u8  b u64 }",
			typ:  "s",
			want: `
   0                   1                   2                   3
   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
0 |       n       |                   data ...                    |
  +-+-+-+-+-+-+-+-+- - - - - - - - - - - - - - - - - - - - - - - -+
  :                    ... run-time offset ...                    :
  +-+-+-+-+-+-+-+-+
  |       a       |
  +-+-+-+-+-+-+-+-+
  :             ... run-time offset, aligned to 8 ...             :
  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
  |                               b                               |
  +                                                               +
  |                                                               |
  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
`,
		},
		{
			name: "a plain union",
			src:  "union u { a u32  b [8]u8 }",
			typ:  "u",
			want: `
   0                   1                   2                   3
   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
0 |                               u                               |
  +                                                               +
4 |                                                               |
  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
`,
		},
		{
			name: "a switch union field and explicit pad",
			src:  "enum k : u16 { a = 1  b = 2 }\nunion body switch k { a => u32  b => struct { x u64 } }\nstruct s { k k  pad0 pad 2  b body(k)  after u8 }",
			typ:  "s",
			want: `
    0                   1                   2                   3
    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 0 |               k               |          pad0 (pad)           |
   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 4 |                            padding                            |
   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 8 |                               b                               |
   +                                                               +
12 |                                                               |
   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
16 |     after     |                                               |
   +-+-+-+-+-+-+-+-+                                               +
20 |                            padding                            |
   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
`,
		},
		{
			name: "a long field elided",
			src:  "struct s { big [64]u8 }",
			typ:  "s",
			want: `
    0                   1                   2                   3
    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 0 |                                                               |
   +                                                               +
 4 |                              big                              |
   +                                                               +
   ~                                                               ~
   +                                                               +
60 |                                                               |
   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
`,
		},
		{
			name: "a long name truncated",
			src:  "struct s { a_very_long_name_indeed u8  b u8  c u16 }",
			typ:  "s",
			want: `
   0                   1                   2                   3
   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
0 |a_very_long_na~|       b       |               c               |
  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
`,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := trimmed(Diagram(layoutOf(t, tc.src, tc.typ)))
			if diff := cmp.Diff(tc.want[1:], got); diff != "" {
				t.Errorf("diagram (-want +got):\n%s", diff)
			}
		})
	}
}

// TestDiagramOfNothing: a type of size 0 has no diagram.
func TestDiagramOfNothing(t *testing.T) {
	for _, src := range []string{"struct empty {}", "enum k : u8 { a = 1 }\nunion empty switch k { a => struct {} }"} {
		if got := Diagram(layoutOf(t, src, "empty")); got != "" {
			t.Errorf("%s: diagram %q, want none", src, got)
		}
	}
}
