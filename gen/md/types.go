package md

import (
	"fmt"
	"strconv"

	"github.com/cngen/cngen/dsl/model"
	"github.com/cngen/cngen/dsl/wire"
)

func (w *writer) types() {
	if len(w.s.Types) == 0 {
		return
	}
	w.para("## " + typesHeading)
	for _, t := range w.s.Types {
		w.heading(3, t)
		w.paragraphs(t.Doc)
		l := w.plan.Layout(t)
		switch t.Kind {
		case model.KindEnum, model.KindFlags:
			w.values(t)
		case model.KindStruct:
			w.structBody(l)
		case model.KindUnion:
			w.union(l)
		case model.KindSwitch:
			w.switchUnion(l)
		}
	}
}

// values writes what an enum or flags type holds.
func (w *writer) values(t *model.Type) {
	what := "An enum over %s, %s: decoding or encoding any other value is an error."
	if t.Kind == model.KindFlags {
		what = "Flags over %s, %s: a bit set, in which every bit pattern decodes."
	}
	w.para(fmt.Sprintf(what, code(t.Int.Name()), plural(t.Size, "byte")))
	var rows [][]string
	for _, v := range t.Values {
		rows = append(rows, []string{code(v.Name), code(v.Text), docCell(v.Doc)})
	}
	w.table([]string{"Name", "Value", "Doc"}, rows)
}

// structBody writes what a struct's section holds after its doc: its
// size, diagram, notes on what the diagram cannot show, and fields.
func (w *writer) structBody(l *wire.Layout) {
	w.para(summary(l.Type))
	w.diagram(structParts(l))
	for _, n := range w.notes(l) {
		w.para(n)
	}
	w.fields(l)
}

// summary is the size and alignment of a struct or union, and the
// attributes that shaped them.
func summary(t *model.Type) string {
	s := sizeWords(t) + ", aligned to " + strconv.Itoa(t.Align) + "."
	if t.Packed {
		s += " Packed: fields are aligned to 1 unless `align(N)` says otherwise."
	}
	if t.DeclaredSize > 0 {
		s += " Its size is declared: " + code("size "+strconv.Itoa(t.DeclaredSize)) + "."
	}
	return s
}

// sizeWords is the size of t in words: of its fixed part, for a variable
// type.
func sizeWords(t *model.Type) string {
	s := plural(t.Size, "byte")
	if t.Variable {
		s += " and a variable part"
	}
	return s
}

// extent is the size of a type that is not a struct or union in words.
func extent(t *model.Type) string {
	switch {
	case t.Kind == model.KindString && t.LenField == nil:
		return "text up to its NUL"
	case (t.Kind == model.KindBytes || t.Kind == model.KindSlice) && t.LenField == nil:
		return "the rest of the bytes"
	}
	return sizeWords(t)
}

// notes say what a struct's diagram draws in short: the arms of its
// switch unions, its fields of no bytes, and where its offsets stop being
// constant.
func (w *writer) notes(l *wire.Layout) []string {
	var notes []string
	dynamic := false
	for _, f := range l.Fields {
		switch {
		case f.Selector != nil:
			notes = append(notes, fmt.Sprintf("%s is one box of the C size of %s: the arm %s picks, one of %s.",
				code(f.Name), w.typeRef(f.Type, f.Type.Name), code(f.Selector.Name), w.armList(f.Layout)))
		case f.Size == 0 && !f.Type.Variable:
			notes = append(notes, fmt.Sprintf("%s takes no bytes: it is not drawn.", code(f.Name)))
		}
		if f.Dynamic && !dynamic {
			dynamic = true
			notes = append(notes, fmt.Sprintf("From %s on, offsets are known only at run time: "+
				"each field starts where the one before it ends, aligned to its own alignment.", code(f.Name)))
		}
	}
	return notes
}

// armList is the cases of a switch union, then default, in words.
func (w *writer) armList(l *wire.Layout) string {
	var names []string
	for _, a := range l.Arms {
		names = append(names, code(a.Name))
	}
	return list(names, "or")
}

// fields writes the field table of a struct, padding included.
func (w *writer) fields(l *wire.Layout) {
	var rows [][]string
	gaps := l.Gaps
	gap := func() {
		rows = append(rows, []string{strconv.Itoa(gaps[0].Off), strconv.Itoa(gaps[0].Len), "*padding*", "", ""})
		gaps = gaps[1:]
	}
	for _, f := range l.Fields {
		for len(gaps) > 0 && gaps[0].Off < f.Off {
			gap()
		}
		rows = append(rows, []string{offset(f), sizeText(f.Type), code(f.Name), w.fieldType(f), docCell(f.Model.Doc)})
	}
	for len(gaps) > 0 {
		gap()
	}
	w.table([]string{"Offset", "Size", "Field", "Type", "Doc"}, rows)
}

// offset is where a field starts: at a run-time offset, the least it can
// be and the alignment the cursor is rounded up to.
func offset(f *wire.Field) string {
	if f.Dynamic {
		return fmt.Sprintf("≥ %d, align %d", f.Off, f.Align)
	}
	return strconv.Itoa(f.Off)
}

// sizeText is the size of a type in a table: bytes, or what decides it.
func sizeText(t *model.Type) string {
	switch {
	case !t.Variable:
		return strconv.Itoa(t.Size)
	case t.Kind == model.KindSlice && t.LenField != nil && t.Elem.Variable:
		return code(t.LenField.Name) + " records"
	case t.Kind == model.KindSlice && t.LenField != nil:
		return code(t.LenField.Name) + " × " + strconv.Itoa(t.Elem.Size)
	case t.LenField != nil:
		return code(t.LenField.Name)
	case t.Kind == model.KindString:
		return "to its NUL"
	case t.Kind == model.KindBytes || t.Kind == model.KindSlice:
		return "the rest"
	}
	return strconv.Itoa(t.Size) + "+"
}

// fieldType is a field's type as .cn writes it, with its selector and
// align(N), linked to the section of the type it names.
func (w *writer) fieldType(f *wire.Field) string {
	text := f.Type.String()
	if f.Selector != nil {
		text += "(" + f.Selector.Name + ")"
	}
	if f.Model.AlignAttr > 0 {
		text += " align(" + strconv.Itoa(f.Model.AlignAttr) + ")"
	}
	return w.typeRef(f.Type, text)
}

// typeRef is text, the name of t or a type built on it, as code linked
// to the section of the named type in it.
func (w *writer) typeRef(t *model.Type, text string) string {
	for t.Name == "" && t.Elem != nil {
		t = t.Elem
	}
	return link(code(text), w.anchors[t])
}

// union writes a plain union: one box, since its members share the
// bytes, and the members.
func (w *writer) union(l *wire.Layout) {
	t := l.Type
	w.para(summary(t) + " A C union: every member starts at offset 0.")
	w.diagram(typeParts(t, t.Name))
	var rows [][]string
	for _, f := range l.Fields {
		rows = append(rows, []string{code(f.Name), sizeText(f.Type), w.fieldType(f), docCell(f.Model.Doc)})
	}
	w.table([]string{"Member", "Size", "Type", "Doc"}, rows)
}

// switchUnion writes a switch union: one box of its C size, the note
// listing its arms, the arms, and the diagram of each arm that has no
// section of its own.
func (w *writer) switchUnion(l *wire.Layout) {
	t := l.Type
	other := "A value without a case is an error."
	if l.Default != nil {
		other = "A value without a case selects `default`."
	}
	w.para(fmt.Sprintf("A switch union on %s: %s, aligned to %d, the size of its largest arm. %s",
		w.typeRef(t.Selector, t.Selector.Name), sizeWords(t), t.Align, other))
	w.diagram(typeParts(t, t.Name))
	w.para("One of " + w.armList(l) + ", as the value of the field that selects it says:")
	var rows [][]string
	for _, a := range l.Arms {
		rows = append(rows, []string{code(a.Name), armValue(a), w.armType(a), sizeText(a.Type), docCell(a.Variant.Doc)})
	}
	w.table([]string{"Case", "Value", "Type", "Size", "Doc"}, rows)
	for _, a := range w.drawnArms(t) {
		w.arm(a)
	}
}

func armValue(a *wire.Arm) string {
	if a.Variant.Case == nil {
		return "any other"
	}
	return code(a.Variant.Case.Text)
}

// armType is an arm's type, linked to its section: the named type's, or
// the arm's own.
func (w *writer) armType(a *wire.Arm) string {
	if a.Type.Name == "" {
		return link(code(a.Type.String()), w.anchors[a.Variant])
	}
	return w.typeRef(a.Type, a.Type.String())
}

// arm writes the section of an arm whose type has no name.
func (w *writer) arm(a *wire.Arm) {
	w.heading(4, a.Variant)
	if a.Layout != nil {
		w.structBody(a.Layout)
		return
	}
	w.para(fmt.Sprintf("The arm's type is %s: %s.", code(a.Type.String()), extent(a.Type)))
	w.diagram(typeParts(a.Type, a.Type.String()))
}
