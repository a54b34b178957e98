package md

import (
	"cmp"
	"slices"
	"strings"

	"github.com/cngen/cngen/dsl/model"
	"github.com/cngen/cngen/dsl/wire"
)

// Diagram draws the byte layout of l in ASCII, by the rules of the
// package comment: lines of one width, each ending in a newline; "" for a
// type of size 0. A struct (or a payload wrapper) is drawn field by
// field, a plain or switch union as one box of its C size, since its
// members share the bytes. It is what Generate puts in a ```text block.
func Diagram(l *wire.Layout) string {
	lines := draw(layoutParts(l))
	if lines == nil {
		return ""
	}
	return strings.Join(lines, "\n") + "\n"
}

// layoutParts is what the diagram of l draws.
func layoutParts(l *wire.Layout) []part {
	if l.Type.Kind == model.KindStruct {
		return structParts(l)
	}
	return typeParts(l.Type, l.Name)
}

// typeParts draws t as one box labelled label.
func typeParts(t *model.Type, label string) []part {
	b, ok := sized(0, t.Size, t.Variable, label)
	if !ok {
		return nil
	}
	return []part{{boxes: []box{b}}}
}

// structParts draws the fields of a struct at constant offsets with its
// padding, then each run of fields at run-time offsets after a ... row.
func structParts(l *wire.Layout) []part {
	var fixed part
	var dynamic []*wire.Field
	for _, f := range l.Fields {
		if f.Dynamic {
			dynamic = append(dynamic, f)
		} else if b, ok := fieldBox(f, f.Off); ok {
			fixed.boxes = append(fixed.boxes, b)
		}
	}
	for _, gap := range l.Gaps {
		fixed.boxes = append(fixed.boxes, box{off: gap.Off, end: gap.Off + gap.Len, label: "padding"})
	}
	slices.SortFunc(fixed.boxes, func(a, b box) int { return cmp.Compare(a.off, b.off) })
	return append([]part{fixed}, dynamicParts(dynamic)...)
}

// dynamicParts places the fields after a variable one. Each run starts
// at a cursor aligned to its first field's alignment and goes on with
// the fields whose offsets from it are constant: it ends after a
// variable field, or before a field aligned more than the run's start,
// whose padding depends on where the cursor is.
func dynamicParts(fields []*wire.Field) []part {
	var parts []part
	pos, closed := 0, true
	for _, f := range fields {
		if closed || f.Align > parts[len(parts)-1].align {
			parts = append(parts, part{dynamic: true, align: f.Align})
			pos = 0
		}
		p := &parts[len(parts)-1]
		off := alignUp(pos, f.Align)
		if b, ok := fieldBox(f, off); ok {
			p.boxes = append(p.boxes, b)
		}
		pos, closed = off+f.Size, f.Type.Variable
	}
	return parts
}

func alignUp(n, align int) int { return (n + align - 1) / align * align }

// fieldBox is the box of field f at off; false for a field of size 0,
// which has no bytes to draw.
func fieldBox(f *wire.Field, off int) (box, bool) {
	return sized(off, f.Size, f.Type.Variable, fieldLabel(f))
}

// sized is the box of size bytes at off. A variable one runs on to the
// end of its row, so that its open bottom edge shows, and its label ends
// in ...
func sized(off, size int, variable bool, label string) (box, bool) {
	b := box{off: off, end: off + size, label: label}
	if variable {
		b.open = true
		b.end = max(alignUp(b.end, rowBytes), alignUp(off+1, rowBytes))
		b.label += " ..."
	}
	return b, b.end > b.off
}

// fieldLabel is what a field's box says: its name, marked when it is an
// explicit pad; the type for the one unnamed field of a payload wrapper.
func fieldLabel(f *wire.Field) string {
	switch {
	case f.Name == "":
		return f.Type.String()
	case f.Type.Kind == model.KindPad:
		return f.Name + " (pad)"
	}
	return f.Name
}
