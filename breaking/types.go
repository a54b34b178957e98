package breaking

import (
	"fmt"
	"strconv"

	"github.com/cngen/cngen/dsl/model"
	"github.com/cngen/cngen/dsl/wire"
)

// typ compares two versions of the type at a place: first what it is
// (its shape), then by the rules of its kind.
func (w *walk) typ(ot, nt *model.Type, at where) {
	if byteBlock(ot) && byteBlock(nt) { // [N]u8 and bytes[N] are the same N bytes
		if ot.Len != nt.Len {
			w.c.wireErr(at.pos, "%s changed size from %s to %s", at.path, ot, nt)
		}
		return
	}
	if change := shapeChange(ot, nt, at.tail); change != "" {
		w.c.wireErr(at.pos, "%s %s", at.path, change)
		return
	}
	switch nt.Kind {
	case model.KindInt, model.KindEnum, model.KindFlags:
		w.integer(ot, nt, at)
	case model.KindStruct:
		w.layout(w.old.Layout(ot), w.new.Layout(nt), at)
		w.size(ot, nt, at)
	case model.KindUnion:
		w.union(ot, nt, at)
	case model.KindSwitch:
		w.switchUnion(ot, nt, at)
	case model.KindArray, model.KindSlice:
		if ot.Len != nt.Len {
			w.c.wireErr(at.pos, "%s changed length from %s to %s", at.path, ot, nt)
		}
		w.typ(ot.Elem, nt.Elem, where{path: at.path + "[]", pos: at.pos, extent: ot.Elem.Size})
	case model.KindCString, model.KindBytes:
		if ot.Len != nt.Len {
			w.c.wireErr(at.pos, "%s changed size from %s to %s", at.path, ot, nt)
		}
	}
}

// shapeChange says how two types differ in what they are, which no
// reader of the other version decodes alike, or "" when they are of one
// kind (integers, enums and flags being one). A struct or switch union at
// the end of a message that becomes variable (or fixed) is judged by its
// fields or arms.
func shapeChange(ot, nt *model.Type, tail bool) string {
	composite := ot.Kind == nt.Kind && (ot.Kind == model.KindStruct || ot.Kind == model.KindSwitch)
	switch {
	case ot.Variable != nt.Variable && !(composite && tail):
		return fmt.Sprintf("changed from %s size %s to %s size %s: %s", fixedName(ot), ot, fixedName(nt), nt,
			"a reader of the fixed form takes its bytes at a constant size, one of the variable form as many as the message or a length says")
	case text(ot) != text(nt) && (bytesKind(ot) || bytesKind(nt)):
		return fmt.Sprintf("changed from %s to %s (%s to %s): text stops at its first NUL and refuses one when encoding, bytes keep every byte",
			ot, nt, textName(ot), textName(nt))
	case kindClass(ot) != kindClass(nt):
		return fmt.Sprintf("changed type from %s to %s", describe(ot), describe(nt))
	}
	return ""
}

// describe names a type with its kind when it has a name (enum op,
// struct key), as written otherwise (u32, [4]u8).
func describe(t *model.Type) string {
	if t.Name != "" {
		return t.Kind.String() + " " + t.Name
	}
	return t.String()
}

// byteBlock reports a fixed block of bytes: bytes[N] or [N]u8.
func byteBlock(t *model.Type) bool {
	if t.Kind == model.KindBytes {
		return !t.Variable
	}
	return t.Kind == model.KindArray && t.Elem.Kind == model.KindInt && t.Elem.Int.Bits == 8 && !t.Elem.Int.Signed
}

func fixedName(t *model.Type) string {
	if t.Variable {
		return "variable"
	}
	return "fixed"
}

func text(t *model.Type) bool { return t.Kind == model.KindCString || t.Kind == model.KindString }

func bytesKind(t *model.Type) bool { return t.Kind == model.KindBytes || byteBlock(t) }

func textName(t *model.Type) string {
	if text(t) {
		return "text"
	}
	return "bytes"
}

// kindClass groups the kinds whose values read alike: an integer, an enum
// or a flags type over it are one, and so are the forms of text.
func kindClass(t *model.Type) model.Kind {
	switch t.Kind {
	case model.KindEnum, model.KindFlags:
		return model.KindInt
	case model.KindCString, model.KindString:
		return model.KindString
	}
	return t.Kind
}

// size reports a struct or union whose size changed where something
// follows it: what follows moves (an array's later elements included).
// At the end of a message, its fields say what grew.
func (w *walk) size(ot, nt *model.Type, at where) {
	if !at.tail && ot.Size != nt.Size {
		w.c.wireErr(at.pos, "%s changed size from %d to %d bytes (%s): what follows it moves", at.path, ot.Size, nt.Size, nt)
	}
}

// integer compares integers, enums and flags: the integer's width, byte
// order and signedness, then the set of values.
func (w *walk) integer(ot, nt *model.Type, at where) {
	oi, ni := ot.Int, nt.Int
	switch {
	case oi.Bits < ni.Bits:
		w.c.wireErr(at.pos, "%s widened from %s to %s", at.path, oi.Name(), ni.Name())
	case oi.Bits > ni.Bits:
		w.c.wireErr(at.pos, "%s narrowed from %s to %s", at.path, oi.Name(), ni.Name())
	case oi.Order != ni.Order && oi.Bits > 8:
		w.c.wireErr(at.pos, "%s changed byte order from %s (%s) to %s (%s)", at.path, oi.Name(), orderName(oi.Order), ni.Name(), orderName(ni.Order))
	case oi.Signed != ni.Signed:
		w.c.wireErr(at.pos, "%s changed signedness from %s to %s: values with the top bit set read differently", at.path, oi.Name(), ni.Name())
	}
	switch {
	case ot.Kind == nt.Kind && ot.Kind != model.KindInt:
		w.values(ot, nt)
	case nt.Kind == model.KindEnum:
		w.c.wireErr(at.pos, "%s changed type from %s to enum %s: readers built from the new schema refuse values outside it", at.path, describe(ot), nt)
	case ot.Kind == model.KindEnum:
		w.c.wireWarn(at.pos, "%s changed type from enum %s to %s: readers built from the old schema refuse values outside %s that writers built from the new one may send",
			at.path, ot, describe(nt), ot)
	}
}

func orderName(o model.Order) string {
	switch o {
	case model.Big:
		return "big endian"
	case model.Little:
		return "little endian"
	}
	return "host order"
}

// values compares the values of two enum or flags types, once per pair:
// by name, and by number for a value whose name changed (a rename the
// wire does not see).
func (w *walk) values(ot, nt *model.Type) {
	if w.c.enums[[2]*model.Type{ot, nt}] {
		return
	}
	w.c.enums[[2]*model.Type{ot, nt}] = true
	oldNames, oldNums := valueIndex(ot)
	newNames, newNums := valueIndex(nt)
	for _, v := range nt.Values {
		ov := oldNames[v.Name]
		switch {
		case ov != nil && ov.Value.Cmp(v.Value) != 0:
			w.c.wireErr(v.Pos, "%s %s: value %s renumbered from %s to %s", nt.Kind, nt.Name, v.Name, spell(ot, ov), spell(nt, v))
		case ov == nil && oldNums[v.Value.String()] == nil && closedUse(w.old, ot):
			w.c.wireWarn(v.Pos, "enum %s: value %s (%s) added: readers built from the old schema refuse it", nt.Name, v.Name, spell(nt, v))
		}
	}
	for _, v := range ot.Values {
		if newNames[v.Name] == nil && newNums[v.Value.String()] == nil {
			w.c.wireErr(v.Pos, "%s %s: value %s (%s) removed: writers built from the old schema still send it, and readers built from the new schema %s",
				ot.Kind, ot.Name, v.Name, spell(ot, v), removedValueWhy(w.new, nt))
		}
	}
}

// closedUse reports an enum t that some field of p refuses values
// outside: one that selects no union with a default ([wire.Field.Open]).
// Flags take every value.
func closedUse(p *wire.Plan, t *model.Type) bool {
	if t.Kind != model.KindEnum {
		return false
	}
	for _, l := range p.Layouts() {
		for _, f := range l.Fields {
			if f.Type == t && !f.Open {
				return true
			}
		}
	}
	return false
}

func removedValueWhy(p *wire.Plan, t *model.Type) string {
	switch {
	case t.Kind == model.KindFlags:
		return "have no name for its bits"
	case closedUse(p, t):
		return "refuse it"
	}
	return "keep it with no name" // it selects a union with a default
}

func valueIndex(t *model.Type) (byName, byNumber map[string]*model.Value) {
	byName, byNumber = map[string]*model.Value{}, map[string]*model.Value{}
	for _, v := range t.Values {
		byName[v.Name] = v
		byNumber[v.Value.String()] = v
	}
	return byName, byNumber
}

// spell writes a value as its kind reads best: flags in hex, enums in
// decimal.
func spell(t *model.Type, v *model.Value) string {
	if t.Kind == model.KindFlags && v.Value.Sign() >= 0 {
		return "0x" + v.Value.Text(16)
	}
	return v.Value.String()
}

// union compares plain unions: its bytes are copied whole, so its size
// matters, and a member of the same name must read them alike.
func (w *walk) union(ot, nt *model.Type, at where) {
	for _, nf := range nt.Fields {
		for _, of := range ot.Fields {
			if of.Name == nf.Name {
				w.typ(of.Type, nf.Type, where{path: at.path + "." + nf.Name, pos: nf.Pos, extent: of.Size})
			}
		}
	}
	switch {
	case ot.Size == nt.Size:
	case at.tail && nt.Size > ot.Size:
		w.c.wireWarn(at.pos, "%s grew from %d to %d bytes: readers built from the old schema ignore the new bytes, but readers built from the new schema report a short buffer on an old writer's %d",
			at.path, ot.Size, nt.Size, ot.Size)
	case at.tail:
		w.c.wireErr(at.pos, "%s shrank from %d to %d bytes: readers built from the old schema report a short buffer on a new writer's %d",
			at.path, ot.Size, nt.Size, nt.Size)
	default:
		w.size(ot, nt, at)
	}
}

// switchUnion compares switch unions arm by arm, following each selector
// value to the arm it picks in each version.
func (w *walk) switchUnion(ot, nt *model.Type, at where) {
	ol, nl := w.old.Layout(ot), w.new.Layout(nt)
	armAt := func(a *wire.Arm) where {
		return where{path: nl.Name + "." + a.Name, pos: a.Variant.Pos, tail: at.tail, extent: max(ot.Size, a.Type.Size)}
	}
	for _, oa := range ol.Arms {
		if oa == ol.Default {
			w.oldDefault(oa, ol, nl, armAt)
			continue
		}
		v := wire.Value(ot.Selector, oa.Variant.Case)
		switch na := nl.Pick(v); {
		case na == nil:
			w.c.wireErr(oa.Variant.Pos, "union %s: arm %s removed: selector value %s no longer decodes", ol.Name, oa.Name, valueName(ot.Selector, oa.Variant.Case))
		case na == nl.Default:
			w.c.wireErr(na.Variant.Pos, "union %s: selector value %s now picks the default arm, was arm %s: readers built from the new schema keep its bytes raw, and those built from the old one read them as %s",
				nl.Name, valueName(ot.Selector, oa.Variant.Case), oa.Name, armType(oa))
		default:
			w.typ(oa.Type, na.Type, armAt(na))
		}
	}
	w.addedArms(ol, nl)
	w.size(ot, nt, at)
}

// oldDefault compares the default arm of the old version with the new
// one's.
func (w *walk) oldDefault(oa *wire.Arm, ol, nl *wire.Layout, armAt func(*wire.Arm) where) {
	if nl.Default == nil {
		w.c.wireErr(oa.Variant.Pos, "union %s: default removed: selector values without a case no longer decode", ol.Name)
		return
	}
	w.typ(oa.Type, nl.Default.Type, armAt(nl.Default))
}

// addedArms reports the cases of the new version for a value the old one
// had no case for.
func (w *walk) addedArms(ol, nl *wire.Layout) {
	for _, na := range nl.Arms {
		if na == nl.Default {
			continue
		}
		v := wire.Value(nl.Type.Selector, na.Variant.Case)
		switch oa := ol.Pick(v); {
		case oa == nil:
			w.c.wireWarn(na.Variant.Pos, "union %s: arm %s added: readers built from the old schema refuse selector value %s", nl.Name, na.Name, valueName(nl.Type.Selector, na.Variant.Case))
		case oa == ol.Default:
			w.c.wireWarn(na.Variant.Pos, "union %s: arm %s added for a value the default took: readers built from the old schema keep its bytes raw", nl.Name, na.Name)
		}
	}
}

// valueName is a selector value as findings name it: get (2).
func valueName(t *model.Type, v *model.Value) string { return v.Name + " (" + spell(t, v) + ")" }

// armType names an arm's payload: its layout's name for a struct (the
// union and case of an inline one), else the type.
func armType(a *wire.Arm) string {
	if a.Layout != nil {
		return a.Layout.Name
	}
	return a.Type.String()
}

func itoa(n int) string { return strconv.Itoa(n) }
