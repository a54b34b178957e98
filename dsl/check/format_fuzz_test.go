package check

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cngen/cngen/dsl/model"
	"github.com/cngen/cngen/dsl/source"
	"github.com/cngen/cngen/dsl/syntax"
)

// FuzzFormat checks that cngen fmt is safe to run on any schema: for
// whatever parses, formatting the formatted text changes nothing; and
// formatting never changes what the checker makes of a schema, the same
// model, docs included, for one that checks, and the same errors for one
// that does not, but for positions.
func FuzzFormat(f *testing.F) {
	var all []string
	for _, glob := range []string{"../../golden/*/*.cn", "../../golden/testdata/errors/*.cn", "../../examples/*/*.cn"} {
		paths, _ := filepath.Glob(glob)
		all = append(all, paths...)
	}
	if len(all) < 20 {
		f.Fatalf("found %d seed schemas, want the corpus", len(all))
	}
	for _, p := range all {
		if src, err := os.ReadFile(p); err == nil {
			f.Add(src)
		}
	}
	f.Add([]byte("package p\nconst A = 1\nconst B = A // b\n\nstruct s { a u8 } /// s\nstruct t { b s }\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		once, ok := formatTwice(t, src)
		if !ok {
			return
		}
		before, errBefore := Load("fuzz.cn", src)
		after, errAfter := Load("fuzz.cn", once)
		if diff := cmp.Diff(errorTexts(errBefore), errorTexts(errAfter)); diff != "" {
			t.Fatalf("formatting changed the errors (-want +got):\n%s\nformatted:\n%s", diff, once)
		}
		if errBefore != nil {
			return
		}
		if diff := cmp.Diff(modelText(before), modelText(after)); diff != "" {
			t.Fatalf("formatting changed the model (-want +got):\n%s\nformatted:\n%s", diff, once)
		}
	})
}

// formatTwice formats src, when it parses, and checks that the result
// parses and formats to itself.
func formatTwice(t *testing.T, src []byte) (once []byte, ok bool) {
	t.Helper()
	f, err := syntax.Parse("fuzz.cn", src)
	if err != nil {
		return nil, false
	}
	once = syntax.Format(f)
	g, err := syntax.Parse("fuzz.cn", once)
	if err != nil {
		t.Fatalf("formatted text does not parse: %v\nformatted:\n%s", err, once)
	}
	if twice := syntax.Format(g); !bytes.Equal(once, twice) {
		t.Fatalf("formatting is not idempotent (-once +twice):\n%s", cmp.Diff(string(once), string(twice)))
	}
	return once, true
}

// errorTexts is what err says, without its positions, which formatting
// moves: the messages in order, with the related message.
func errorTexts(err error) []string {
	list := schemaErrorList(err)
	var out []string
	for _, e := range list {
		s := e.Msg
		if e.Related != nil {
			s += " (" + e.Related.Msg + ")"
		}
		out = append(out, s)
	}
	return out
}

func schemaErrorList(err error) source.ErrorList {
	if list, ok := err.(source.ErrorList); ok {
		return list
	}
	if err != nil {
		return source.ErrorList{{Msg: err.Error()}}
	}
	return nil
}

// modelText writes out everything of a schema but positions, one line a
// declaration, field, value, variant and message, so that two models
// compare with a readable diff. A named type is written out where it is
// declared and by name where it is used, which keeps the text linear in
// the schema however often a type is shared.
func modelText(s *model.Schema) string {
	w := &modelWriter{}
	w.line("package %s doc %q", s.Package, s.Doc)
	for _, c := range s.Consts {
		w.line("const %s = %v (%s) doc %q", c.Name, c.Value, c.Text, c.Doc)
	}
	for _, t := range s.Types {
		w.typeDecl(t)
	}
	for _, fam := range s.Families {
		w.family(fam)
	}
	for _, e := range s.Warnings {
		w.line("warning %s", e.Msg)
	}
	return w.b.String()
}

// modelWriter writes the lines of modelText, indented by depth.
type modelWriter struct {
	b     strings.Builder
	depth int
}

func (w *modelWriter) line(format string, args ...any) {
	w.b.WriteString(strings.Repeat("  ", w.depth))
	fmt.Fprintf(&w.b, format, args...)
	w.b.WriteByte('\n')
}

// nested writes what inner writes one level deeper.
func (w *modelWriter) nested(inner func()) {
	w.depth++
	inner()
	w.depth--
}

// typeDecl writes all of t: its kind, layout and parts.
func (w *modelWriter) typeDecl(t *model.Type) {
	w.line("%s %q doc %q size %d align %d variable %t int %+v packed %t declared %d len %d lenfield %s",
		t.Kind, t.Name, t.Doc, t.Size, t.Align, t.Variable, t.Int, t.Packed, t.DeclaredSize, t.Len, fieldName(t.LenField))
	w.nested(func() {
		for _, v := range t.Values {
			w.line("value %s = %v (%s) doc %q", v.Name, v.Value, v.Text, v.Doc)
		}
		for _, f := range t.Fields {
			w.field(f)
		}
		if t.Selector != nil {
			w.line("selector %s", t.Selector.Name)
		}
		for _, v := range t.Variants {
			w.variant("case", v)
		}
		if t.Default != nil {
			w.variant("default", t.Default)
		}
		if t.Elem != nil {
			w.typeUse("elem", t.Elem)
		}
	})
}

// typeUse writes a type where it is used: by name when it has one, else
// in full.
func (w *modelWriter) typeUse(role string, t *model.Type) {
	if t == nil {
		w.line("%s none", role)
		return
	}
	if t.Name != "" {
		w.line("%s %s %s", role, t.Kind, t.Name)
		return
	}
	w.line("%s:", role)
	w.nested(func() { w.typeDecl(t) })
}

func (w *modelWriter) field(f *model.Field) {
	var lengthOf []string
	for _, l := range f.LengthOf {
		lengthOf = append(lengthOf, l.Name)
	}
	w.line("field %s doc %q offset %d dynamic %t size %d align %d alignattr %d selector %s lengthof %v",
		f.Name, f.Doc, f.Offset, f.Dynamic, f.Size, f.Align, f.AlignAttr, fieldName(f.Selector), lengthOf)
	w.nested(func() { w.typeUse("type", f.Type) })
}

func fieldName(f *model.Field) string {
	if f == nil {
		return "-"
	}
	return f.Name
}

func (w *modelWriter) variant(role string, v *model.Variant) {
	w.line("%s %s doc %q", role, v.Name(), v.Doc)
	w.nested(func() { w.typeUse("type", v.Type) })
}

func (w *modelWriter) family(f *model.Family) {
	w.line("family %s doc %q idx %d (%s) groups %v sender %s", f.Name, f.Doc, f.Idx, f.IdxText, f.Groups, f.Sender)
	w.nested(func() {
		for _, m := range f.Messages {
			errField := ""
			if m.Error != nil {
				errField = m.Error.Name
			}
			w.line("%s %s doc %q val %d (%s) error %q groups %v (given %v)", m.Kind, m.Name, m.Doc, m.Val, m.ValText, errField, m.Groups, m.GroupsGiven)
			w.nested(func() {
				w.typeUse("type", m.Type)
				w.typeUse("reply", m.Reply)
			})
		}
	})
}

// TestModelTextCoversModel fails when the model gains a field, so that
// modelText, and with it FuzzFormat, learns of it: every field of the
// model's structs is listed here, written out by modelText but for the
// positions and Schema.File, the name given to Load.
func TestModelTextCoversModel(t *testing.T) {
	written := map[reflect.Type][]string{
		reflect.TypeFor[model.Schema]():  {"File", "Package", "PackagePos", "Doc", "Consts", "Types", "Families", "Warnings"},
		reflect.TypeFor[model.Const]():   {"Name", "Pos", "Doc", "Value", "Text"},
		reflect.TypeFor[model.Type]():    {"Kind", "Name", "Pos", "Doc", "Size", "Align", "Variable", "Int", "Values", "Fields", "Packed", "DeclaredSize", "Selector", "Variants", "Default", "Elem", "Len", "LenField"},
		reflect.TypeFor[model.IntType](): {"Bits", "Signed", "Order"},
		reflect.TypeFor[model.Value]():   {"Name", "Pos", "Doc", "Value", "Text"},
		reflect.TypeFor[model.Field]():   {"Name", "Pos", "Doc", "Type", "Offset", "Dynamic", "Size", "Align", "AlignAttr", "Selector", "LengthOf"},
		reflect.TypeFor[model.Variant](): {"Pos", "Doc", "Case", "Type"},
		reflect.TypeFor[model.Family]():  {"Name", "Pos", "Doc", "Idx", "IdxText", "Groups", "Sender", "Messages"},
		reflect.TypeFor[model.Message](): {"Name", "Pos", "Doc", "Kind", "Val", "ValText", "Type", "Reply", "Error", "Groups", "GroupsGiven"},
	}
	for rt, want := range written {
		var got []string
		for i := range rt.NumField() {
			got = append(got, rt.Field(i).Name)
		}
		if diff := cmp.Diff(slices.Sorted(slices.Values(want)), slices.Sorted(slices.Values(got))); diff != "" {
			t.Errorf("fields of model.%s (-covered +declared):\n%s", rt.Name(), diff)
		}
	}
}
