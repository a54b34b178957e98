package breaking

import (
	"strconv"

	"github.com/cngen/cngen/dsl/model"
	"github.com/cngen/cngen/dsl/wire"
)

// walk compares layouts of one pair of schemas in step.
type walk struct {
	c        *comparer
	old, new *wire.Plan
}

// with is the walk reporting to c instead.
func (w *walk) with(c *comparer) *walk { return &walk{c: c, old: w.old, new: w.new} }

// where is the place of what is being compared.
type where struct {
	path string    // how findings name it: tick.uptime_ns
	pos  model.Pos // its node in the new schema
	// tail reports that nothing follows it in the message: a reader's
	// buffer ends where its bytes do, so growing it appends.
	tail bool
	// extent is the bytes from its start that a writer built from the old
	// schema sends: its old size, or more when the padding of what holds
	// it follows (a union's arm is padded to the union's size).
	extent int
}

// fieldPairs pairs the fields of two versions of a struct.
type fieldPairs struct {
	toOld map[*wire.Field]*wire.Field
	toNew map[*wire.Field]*wire.Field
}

func (p fieldPairs) link(o, n *wire.Field) { p.toOld[n], p.toNew[o] = o, n }

// isPad reports a pad field: padding written as a field, whose name the
// wire never sees.
func isPad(f *wire.Field) bool { return f.Type.Kind == model.KindPad }

// pairFields pairs fields by name, then an unpaired new field with the
// unpaired old field at its offset: a renamed field, whose bytes are the
// same.
func pairFields(o, n *wire.Layout) fieldPairs {
	p := fieldPairs{toOld: map[*wire.Field]*wire.Field{}, toNew: map[*wire.Field]*wire.Field{}}
	byName := map[string]*wire.Field{}
	for _, f := range o.Fields {
		if !isPad(f) {
			byName[f.Name] = f
		}
	}
	for _, f := range n.Fields {
		if of := byName[f.Name]; of != nil && !isPad(f) {
			p.link(of, f)
		}
	}
	for _, f := range n.Fields {
		if isPad(f) || p.toOld[f] != nil {
			continue
		}
		for _, of := range o.Fields {
			if !isPad(of) && p.toNew[of] == nil && of.Dynamic == f.Dynamic && of.Off == f.Off {
				p.link(of, f)
				break
			}
		}
	}
	return p
}

// fieldPath names a field of l as findings do; the one field of a
// payload wrapper is the payload itself.
func fieldPath(l *wire.Layout, f *wire.Field) string {
	if f.Name == "" {
		return l.Name
	}
	return l.Name + "." + f.Name
}

// offset writes a field's offset as cngen describe does: ~ marks one
// known only when decoding, here the least it can be.
func offset(f *wire.Field) string {
	if f.Dynamic {
		return "~" + strconv.Itoa(f.Off)
	}
	return strconv.Itoa(f.Off)
}

// layout compares two versions of a struct (or payload) at a place.
func (w *walk) layout(o, n *wire.Layout, at where) {
	p := pairFields(o, n)
	last := -1 // the greatest old index of the fields paired so far
	for i, nf := range n.Fields {
		if isPad(nf) {
			continue
		}
		of := p.toOld[nf]
		if of == nil {
			w.added(o, n, i, p, at)
			continue
		}
		w.field(of, nf, p, n, at, of.Index < last)
		last = max(last, of.Index)
	}
	for _, of := range o.Fields {
		if !isPad(of) && p.toNew[of] == nil {
			w.c.wireErr(of.Model.Pos, "%s removed: readers built from the old schema still read it at offset %s", fieldPath(o, of), offset(of))
		}
	}
}

// field compares two versions of a field: where it is, then what it is.
func (w *walk) field(of, nf *wire.Field, p fieldPairs, n *wire.Layout, at where, reordered bool) {
	here := where{path: fieldPath(n, nf), pos: nf.Model.Pos, tail: at.tail && nf.Last, extent: of.Size}
	if here.tail && !of.Dynamic {
		here.extent = max(of.Size, at.extent-of.Off)
	}
	moved := of.Dynamic != nf.Dynamic || of.Off != nf.Off || of.Dynamic && of.Align != nf.Align
	switch {
	case moved && reordered:
		w.c.wireErr(here.pos, "%s moved from offset %s to %s: the fields were reordered", here.path, offset(of), offset(nf))
	case moved:
		w.c.wireErr(here.pos, "%s moved from offset %s to %s", here.path, offset(of), offset(nf))
	case reordered:
		w.c.wireErr(here.pos, "%s reordered: it now comes after a field it came before, and is read from that one's bytes", here.path)
	}
	w.typ(of.Type, nf.Type, here)
	w.sources(of, nf, p, here)
}

// sources compares where the length of a sized field and the selector of
// a union field come from.
func (w *walk) sources(of, nf *wire.Field, p fieldPairs, at where) {
	if of.Type.Variable && nf.Type.Variable && of.Type.Kind == nf.Type.Kind && p.toNew[of.LenField] != nf.LenField {
		w.c.wireErr(at.pos, "%s: its length now comes from %s, was %s", at.path, lengthSource(nf), lengthSource(of))
	}
	if of.Selector != nil && nf.Selector != nil && p.toNew[of.Selector] != nf.Selector {
		w.c.wireErr(at.pos, "%s: now selected by %s, was %s", at.path, nf.Selector.Name, of.Selector.Name)
	}
}

func lengthSource(f *wire.Field) string {
	switch {
	case f.LenField != nil:
		return "field " + f.LenField.Name
	case f.Type.Kind == model.KindString:
		return "its NUL"
	}
	return "the rest of the message"
}

// added reports a field of the new version with no old counterpart: the
// i-th of n. Bytes a reader built from the old schema does not know it
// skips; a reader built from the new schema finds in an old writer's
// message zeros where the field falls in padding, and no bytes at all past
// the end of what the old writer sends.
func (w *walk) added(o, n *wire.Layout, i int, p fieldPairs, at where) {
	nf := n.Fields[i]
	path, pos, next := fieldPath(n, nf), nf.Model.Pos, nextPaired(n, i, p)
	how := "appended"
	if next != nil {
		how = "added"
	}
	fits := !nf.Dynamic && nf.Off+need(nf) <= at.extent // an old writer sends its bytes
	switch {
	case next != nil && (nf.Dynamic || nf.Type.Variable || !inPadding(o, nf)):
		w.c.wireErr(pos, "%s inserted at offset %s, before %s: what follows it moves", path, offset(nf), next.Name)
	case fits && nf.Rigid && inPadding(o, nf):
		w.c.wireWarn(pos, "%s %s at offset %d, in padding: readers built from the old schema skip it, and readers built from the new schema read zero from an old writer",
			path, how, nf.Off)
	case fits:
		w.c.wireWarn(pos, "%s appended at offset %d: readers built from the old schema ignore it, and readers built from the new schema read it empty from an old writer",
			path, nf.Off)
	case !at.tail:
		w.c.wireWarn(pos, "%s appended at offset %s, past the %d bytes of the old %s", path, offset(nf), at.extent, n.Name)
	default:
		w.c.wireWarn(pos, "%s appended at offset %s: readers built from the old schema ignore it, but readers built from the new schema report a short buffer on %s",
			path, offset(nf), oldMessage(o, at))
	}
}

// oldMessage says what an old writer sends of o: a number of bytes, when
// o has a fixed size.
func oldMessage(o *wire.Layout, at where) string {
	switch {
	case o.Type.Variable:
		return "what an old writer sends"
	case at.extent == 1:
		return "the 1 byte an old writer sends"
	}
	return "the " + strconv.Itoa(at.extent) + " bytes an old writer sends"
}

// nextPaired is the first field after the i-th of n that has an old
// counterpart, or nil.
func nextPaired(n *wire.Layout, i int, p fieldPairs) *wire.Field {
	for _, f := range n.Fields[i+1:] {
		if p.toOld[f] != nil {
			return f
		}
	}
	return nil
}

// need is the bytes a reader needs for f from its offset: a rigid field's
// Need, a variable field's fixed part, and for NUL-terminated text the
// NUL.
func need(f *wire.Field) int {
	if f.Rigid {
		return f.Need
	}
	if f.Type.Kind == model.KindString && f.LenField == nil {
		return f.Size + 1
	}
	return f.Size
}

// inPadding reports that the bytes of nf were padding in the old layout:
// no old field but pad fields covers them, and none of variable size
// starts before their end.
func inPadding(o *wire.Layout, nf *wire.Field) bool {
	lo, hi := nf.Off, nf.Off+nf.Size
	for _, of := range o.Fields {
		switch {
		case of.Dynamic || of.Type.Variable:
			if of.Off < hi { // where its bytes end is known only when decoding
				return false
			}
		case !isPad(of) && of.Off < hi && lo < of.Off+of.Size:
			return false
		}
	}
	return true
}

// standalone compares the declared structs and unions, by name, that no
// message of either version carries: their bytes are what the
// generated MarshalBinary and UnmarshalBinary exchange, with no message
// to say who writes and who reads them.
func (w *walk) standalone() {
	carried := w.carried()
	for _, ot := range w.old.Schema.Types {
		nt := findType(w.new.Schema.Types, ot.Name)
		if nt == nil || carried[ot.Name] || ot.Kind != nt.Kind || (nt.Kind != model.KindStruct && nt.Kind != model.KindUnion) {
			continue
		}
		w.typ(ot, nt, where{path: nt.Name, pos: nt.Pos, tail: true, extent: ot.Size})
	}
}

func findType(ts []*model.Type, name string) *model.Type {
	for _, t := range ts {
		if t.Name == name {
			return t
		}
	}
	return nil
}

// carried is the names of the declared types that the payloads of either
// version hold, at any depth.
func (w *walk) carried() map[string]bool {
	out := map[string]bool{}
	for _, p := range []*wire.Plan{w.old, w.new} {
		for _, f := range p.Schema.Families {
			for _, m := range f.Messages {
				reach(m.Type, out)
				if m.Reply != nil {
					reach(m.Reply, out)
				}
			}
		}
	}
	return out
}

func reach(t *model.Type, out map[string]bool) {
	if t == nil || t.Name != "" && out[t.Name] {
		return
	}
	if t.Name != "" {
		out[t.Name] = true
	}
	reach(t.Elem, out)
	for _, f := range t.Fields {
		reach(f.Type, out)
	}
	for _, v := range t.Variants {
		reach(v.Type, out)
	}
	if t.Default != nil {
		reach(t.Default.Type, out)
	}
}
