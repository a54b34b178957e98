package md

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cngen/cngen/dsl/check"
	"github.com/cngen/cngen/dsl/wire"
)

// diagrams are the ```text blocks of a Markdown document, a line each.
func diagrams(doc string) [][]string {
	var out [][]string
	var cur []string
	in := false
	for _, l := range strings.Split(doc, "\n") {
		switch {
		case l == "```text":
			in, cur = true, nil
		case in && l == "```":
			in = false
			out = append(out, cur)
		case in:
			cur = append(cur, l)
		}
	}
	return out
}

// checkWidths fails unless every line of a diagram is printable ASCII of
// one width: the gutter, a blank, and 65 columns of the grid.
func checkWidths(t *testing.T, where string, lines []string) {
	t.Helper()
	if len(lines) < 5 {
		t.Errorf("%s: a diagram of %d lines, want a ruler and a row at least", where, len(lines))
		return
	}
	gutter := len(lines[0]) - 1 - lineCols
	for i, l := range lines {
		if len(l) != len(lines[0]) {
			t.Errorf("%s: line %d is %d wide, line 1 %d:\n%s", where, i+1, len(l), len(lines[0]), strings.Join(lines, "\n"))
			return
		}
		if strings.IndexFunc(l, func(r rune) bool { return r < ' ' || r > '~' }) >= 0 {
			t.Errorf("%s: line %d is not printable ASCII: %q", where, i+1, l)
		}
		if strings.TrimSpace(l[:gutter]) != "" && !regexp.MustCompile(`^ *[0-9]+ [|~]`).MatchString(l) {
			t.Errorf("%s: line %d has a gutter that is not a byte offset: %q", where, i+1, l)
		}
	}
}

// TestDiagramWidths holds every diagram of every case, in the Markdown
// and from Diagram for every layout of its plan, to one width of
// printable ASCII.
func TestDiagramWidths(t *testing.T) {
	for _, c := range cases(t) {
		s := load(t, c.schema)
		for i, d := range diagrams(string(Generate(s, Options{}))) {
			checkWidths(t, fmt.Sprintf("%s: diagram %d", c.schema, i+1), d)
		}
		for _, l := range wire.New(s).Layouts() {
			if d := Diagram(l); d != "" {
				checkWidths(t, c.schema+": "+l.Name, strings.Split(strings.TrimSuffix(d, "\n"), "\n"))
			}
		}
	}
}

var linkTarget = regexp.MustCompile(`\]\(#([^)]*)\)`)

// TestLinks: every link of a document goes to one of its headings, by
// the anchor GitHub gives it, and every heading's anchor is its own.
func TestLinks(t *testing.T) {
	for _, c := range cases(t) {
		doc := string(Generate(load(t, c.schema), Options{}))
		anchors := map[string]bool{}
		seen := slugs{}
		for _, l := range strings.Split(doc, "\n") {
			if h, ok := strings.CutPrefix(strings.TrimLeft(l, "#"), " "); ok && strings.HasPrefix(l, "#") {
				anchors[seen.next(h)] = true
			}
		}
		links := linkTarget.FindAllStringSubmatch(doc, -1)
		for _, m := range links {
			if !anchors[m[1]] {
				t.Errorf("%s: link to #%s, which no heading has", c.schema, m[1])
			}
		}
		if strings.Contains(c.schema, "proc") && len(links) < 10 {
			t.Errorf("%s: %d links, want the types linked", c.schema, len(links))
		}
	}
}

func TestSlugs(t *testing.T) {
	s := slugs{}
	for _, tc := range []struct{ heading, want string }{
		{"Package proc", "package-proc"},
		{"struct proc_event", "struct-proc_event"},
		{"event_data.none", "event_datanone"},
		{"echo.ping.reply", "echopingreply"},
		{"struct proc_event", "struct-proc_event-1"},
		{"struct proc_event", "struct-proc_event-2"},
	} {
		if got := s.next(tc.heading); got != tc.want {
			t.Errorf("slug of %q = %q, want %q", tc.heading, got, tc.want)
		}
	}
}

func TestEscape(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"parent_pid and proc_event.what", "parent_pid and proc_event.what"},
		{"_private_ and *bold*", `\_private\_ and \*bold\*`},
		{"see <linux/cn_proc.h>", `see \<linux/cn_proc.h>`},
		{"# not a heading", `\# not a heading`},
		{"> not a quote, a -> b", `\> not a quote, a -> b`},
		{"`code` stays", "`code` stays"},
		{`a \ b`, `a \\ b`},
	} {
		if got := escape(tc.in); got != tc.want {
			t.Errorf("escape(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// generate checks src, a schema without its package clause, and returns
// its Markdown.
func generate(t *testing.T, src string) string {
	t.Helper()
	s, err := check.Load("test.cn", []byte("package p\n"+src))
	if err != nil {
		t.Fatal(err)
	}
	return string(Generate(s, Options{}))
}

// TestNotes: what a diagram cannot show is said under it.
func TestNotes(t *testing.T) {
	doc := generate(t, `
struct empty {}
enum k : u8 { a = 1  b = 2 }
union body switch k { a => u32  b => struct { x u16 } }
struct s { k k  e empty  b body(k)  n u8  data bytes[n]  crc u32 }
`)
	for _, want := range []string{
		"`e` takes no bytes: it is not drawn.",
		"`b` is one box of the C size of [`body`](#union-body): the arm `k` picks, one of `a` or `b`.",
		"From `crc` on, offsets are known only at run time",
		"| ≥ 12, align 4 | 4 | `crc` | `u32` |  |",
		"| 1 | 0 | `e` | [`empty`](#struct-empty) |  |",
		"| 9 | `n` | `data` | `bytes[n]` |  |",
		"#### body.a\n\nThe arm's type is `u32`: 4 bytes.",
		"#### body.b\n\n2 bytes, aligned to 2.",
	} {
		if !strings.Contains(doc, want) {
			t.Errorf("the documentation lacks %q:\n%s", want, doc)
		}
	}
}

// TestDocument checks the parts of a document around the diagrams.
func TestDocument(t *testing.T) {
	doc := generate(t, `
/// LIMIT caps | pipes.
const LIMIT = 0x40
flags f : u8 { a = 0b1 }
family fam idx 0x200 {
    send  put val 0x1 u32 /// put a | b.
    call  ask val 2 f -> string
}
family quiet idx 0x201 {}
`)
	for _, want := range []string{
		"<!-- Code generated by cngen from test.cn. DO NOT EDIT. -->\n\n# Package p\n",
		"| `LIMIT` | `0x40` | LIMIT caps \\| pipes. |",
		"| `a` | `0b1` |  |",
		"- idx: `0x200`\n- groups: none: events are unicast only\n- sender: `any`",
		"| send | `put` | `0x1` | out | [`u32`](#famput) |  | put a \\| b. |",
		"| call | `ask` | `2` | out, reply in | [`f`](#famask) | [`string`](#famaskreply) |  |",
		"#### fam.ask.reply\n\nA payload of type `string`: text up to its NUL.",
		"### family quiet\n\n- idx: `0x201`",
		"No messages.",
	} {
		if !strings.Contains(doc, want) {
			t.Errorf("the documentation lacks %q:\n%s", want, doc)
		}
	}
	if diff := cmp.Diff(doc, generate(t, "/// LIMIT caps | pipes.\nconst LIMIT = 0x40\nflags f : u8 { a = 0b1 }\n"+
		"family fam idx 0x200 {\n send put val 0x1 u32 /// put a | b.\n call ask val 2 f -> string\n}\nfamily quiet idx 0x201 {}\n")); diff != "" {
		t.Errorf("the layout of the schema's text changed the documentation (-want +got):\n%s", diff)
	}
}
