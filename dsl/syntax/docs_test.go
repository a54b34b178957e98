package syntax

import (
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cngen/cngen/dsl/source"
)

// docsOf names every node that has a Doc field and gives its doc: "s" for
// a declaration, "s.a" for a field, value, variant or message, "u.v.x"
// for a field of a variant's inline struct.
func docsOf(f *File) map[string][]string {
	out := map[string][]string{}
	if f.Package != nil {
		out["package"] = f.Package.Doc
	}
	for _, d := range f.Decls {
		switch {
		case d.Const != nil:
			out[d.Const.Name] = d.Const.Doc
		case d.Enum != nil:
			out[d.Enum.Name] = d.Enum.Doc
			for _, e := range d.Enum.Entries {
				out[d.Enum.Name+"."+e.Name] = e.Doc
			}
		case d.Struct != nil:
			out[d.Struct.Name] = d.Struct.Doc
			fieldDocs(out, d.Struct.Name, d.Struct.Fields)
		case d.Union != nil:
			out[d.Union.Name] = d.Union.Doc
			fieldDocs(out, d.Union.Name, d.Union.Fields)
			variantDocs(out, d.Union.Name, d.Union.Variants)
		case d.Family != nil:
			out[d.Family.Name] = d.Family.Doc
			for _, it := range d.Family.Items {
				if it.Message != nil {
					out[d.Family.Name+"."+it.Message.Name] = it.Message.Doc
				}
			}
		}
	}
	return out
}

func fieldDocs(out map[string][]string, owner string, fields []*FieldDecl) {
	for _, fd := range fields {
		out[owner+"."+fd.Name] = fd.Doc
		if fd.Type != nil && fd.Type.Struct != nil {
			fieldDocs(out, owner+"."+fd.Name, fd.Type.Struct.Fields)
		}
	}
}

func variantDocs(out map[string][]string, owner string, variants []*VariantDecl) {
	for _, v := range variants {
		name := owner + "." + v.Case
		if v.Default {
			name = owner + ".default"
		}
		out[name] = v.Doc
		if v.Type != nil && v.Type.Struct != nil {
			fieldDocs(out, name, v.Type.Struct.Fields)
		}
	}
}

// attached keeps the nodes that have a doc.
func attached(f *File) map[string][]string {
	out := map[string][]string{}
	for k, v := range docsOf(f) {
		if v != nil {
			out[k] = v
		}
	}
	return out
}

// warningLines are the lines of the warnings, each with its message
// checked.
func warningLines(t *testing.T, f *File) []int {
	t.Helper()
	var lines []int
	for _, w := range f.Warnings {
		if w.Severity != source.SevWarning || !strings.Contains(w.Msg, "documents nothing") || w.Pos.Filename != "d.cn" {
			t.Errorf("unexpected warning %v", w)
		}
		lines = append(lines, w.Pos.Line)
	}
	return lines
}

func TestDocAttachment(t *testing.T) {
	tests := []struct {
		name     string
		src      string
		docs     map[string][]string
		warnings []int // lines
	}{{
		name: "block above a declaration and the package",
		src:  "/// The package.\npackage p\n\n/// first\n///   indented\n///\nstruct s { a u8 }\n",
		docs: map[string][]string{"package": {"The package."}, "s": {"first", "  indented", ""}},
	}, {
		name: "the first node of a line takes the block",
		src:  "package p\nstruct s {\n    /// for a\n    a u8  b u8\n}\n",
		docs: map[string][]string{"s.a": {"for a"}},
	}, {
		name: "trailing doc belongs to its own line's field, not the next",
		src:  "package p\nstruct s {\n    a u8 /// the count\n    b u8\n}\n",
		docs: map[string][]string{"s.a": {"the count"}},
	}, {
		name: "trailing doc belongs to the node ending last before it",
		src:  "package p\nstruct s {\n    a u8  b u8 /// for b\n}\n",
		docs: map[string][]string{"s.b": {"for b"}},
	}, {
		name: "trailing doc after a closing brace documents the declaration",
		src:  "package p\nstruct s { a u8 } /// for s\nenum e : u8 { v = 1 } /// for e\n",
		docs: map[string][]string{"s": {"for s"}, "e": {"for e"}},
	}, {
		name: "a trailing doc follows the leading block",
		src:  "package p\nenum e : u8 {\n    /// above\n    v = 1 /// after\n}\n",
		docs: map[string][]string{"e.v": {"above", "after"}},
	}, {
		name: "a trailing doc and the next line's block go their own ways",
		src:  "package p\nstruct s {\n    a u8 /// for a\n    /// for b\n    b u8\n}\n",
		docs: map[string][]string{"s.a": {"for a"}, "s.b": {"for b"}},
	}, {
		name:     "a blank line detaches the block",
		src:      "package p\n\n/// orphan\n\nconst X = 1\n",
		docs:     map[string][]string{},
		warnings: []int{3},
	}, {
		name:     "a plain comment line detaches the block",
		src:      "package p\n/// orphan\n// plain\nconst X = 1\n",
		docs:     map[string][]string{},
		warnings: []int{2},
	}, {
		name:     "a block at the end of a body documents nothing",
		src:      "package p\nstruct s {\n    a u8\n    /// nothing follows\n    /// in this body\n}\n",
		docs:     map[string][]string{},
		warnings: []int{4},
	}, {
		name:     "a block at the end of the file documents nothing",
		src:      "package p\nconst X = 1\n/// the end\n",
		docs:     map[string][]string{},
		warnings: []int{3},
	}, {
		name:     "a doc after an opening brace documents nothing",
		src:      "package p\nstruct s { /// not s\n    a u8\n}\n",
		docs:     map[string][]string{},
		warnings: []int{2},
	}, {
		name:     "a doc inside an expression documents nothing",
		src:      "package p\nconst X = 1 + /// no\n    2\n",
		docs:     map[string][]string{},
		warnings: []int{2},
	}, {
		name: "plain comments and rulers are never docs",
		src:  "package p\n// plain\n////////\nconst X = 1 // plain\n",
		docs: map[string][]string{},
	}, {
		name:     "family items: messages take docs, group and sender do not",
		src:      "package p\nfamily f idx 20 {\n    /// not the group\n    group 20\n    sender any /// not the sender\n    /// ping\n    call ping val 1 bytes -> bytes /// and more\n}\n",
		docs:     map[string][]string{"f.ping": {"ping", "and more"}},
		warnings: []int{3, 5},
	}, {
		name: "variants and the fields of their inline structs",
		src:  "package p\nenum k : u8 { a = 1 }\nunion u switch k {\n    /// variant a\n    a => struct {\n        /// field x\n        x u8\n    }\n    default => bytes /// the rest\n}\n",
		docs: map[string][]string{"u.a": {"variant a"}, "u.a.x": {"field x"}, "u.default": {"the rest"}},
	}, {
		name: "several declarations on a line: the first takes the block, the last the trailing doc",
		src:  "package p\n/// for A\nconst A = 1 const B = 2 /// for B\n",
		docs: map[string][]string{"A": {"for A"}, "B": {"for B"}},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Parse("d.cn", []byte(tt.src))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.docs, attached(f)); diff != "" {
				t.Errorf("docs (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.warnings, warningLines(t, f)); diff != "" {
				t.Errorf("warning lines (-want +got):\n%s", diff)
			}
			roundTrip(t, "d.cn", f)
		})
	}
}

// TestCommentsKept checks that every comment is on the File, in order,
// with its text as written and its kind.
func TestCommentsKept(t *testing.T) {
	src := "// head\n/// doc\npackage p // after package\n////\n///\nconst X = 1 /// x   \r\n"
	f, err := Parse("c.cn", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range f.Comments {
		got = append(got, strconv.Itoa(c.Pos.Line)+":"+strconv.Itoa(c.Pos.Column)+"-"+strconv.Itoa(c.EndPos.Column)+" "+strconv.FormatBool(c.Doc)+" "+c.Text)
	}
	want := []string{
		"1:1-8 false // head",
		"2:1-8 true /// doc",
		"3:11-27 false // after package",
		"4:1-5 false ////",
		"5:1-4 true ///",
		"6:13-18 true /// x",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("comments (-want +got):\n%s", diff)
	}
}
