package lint

import (
	"math"
	"strconv"

	"github.com/cngen/cngen/dsl/model"
	"github.com/cngen/cngen/dsl/source"
	"github.com/cngen/cngen/dsl/wire"
)

var msgSizeRule = &Rule{
	ID:       "message-size",
	Severity: source.SevWarning,
	Summary:  "A payload's length fields at their maximum would take it past 16384 bytes, what a connector message carries.",
	Help: "The checker refuses a payload whose fixed part exceeds CONNECTOR_MAX_MSG_SIZE (16384 bytes), " +
		"but lets through fields sized by a length field (bytes[n], string[n], [n]T), which the kernel " +
		"drops, or a peer refuses, once the message passes the limit. The rule adds up the payload with " +
		"every length field at its largest value (tails that take the rest of the message count for " +
		"nothing: they are bounded by the message) and names the field that contributes most, with the " +
		"largest length that still fits. Kernel headers use u16 and u32 lengths that their code bounds " +
		"further, hence a warning.",
	check: checkMessageSizes,
}

// most is the saturation bound of the sizes the rules add up: far above
// any message, far below overflow.
const most = math.MaxInt64 / 4

func sat(n int64) int64 { return min(n, most) }

// satMul is a×b for sizes in [0, most], saturated at most.
func satMul(a, b int64) int64 {
	if a != 0 && b > most/a {
		return most
	}
	return a * b
}

// lengthMax is the largest value of a length field of type t.
func lengthMax(t *model.Type) int64 {
	switch {
	case t.Int.Bits == 64:
		return most
	case t.Int.Signed:
		return 1<<(t.Int.Bits-1) - 1
	}
	return 1<<t.Int.Bits - 1
}

// bound is the largest encoding of a type, and the sized field that
// contributes most to it.
type bound struct {
	max   int64
	worst *model.Field // nil when no field is sized
	share int64        // worst's contribution
	unit  int64        // bytes per unit of worst's length
}

func checkMessageSizes(p *pass) {
	for _, f := range p.schema.Families {
		for _, m := range f.Messages {
			p.messageSize(m, m.Type, "")
			if m.Reply != nil {
				p.messageSize(m, m.Reply, " reply")
			}
		}
	}
}

func (p *pass) messageSize(m *model.Message, t *model.Type, reply string) {
	b := maxSize(t)
	if b.max <= model.MaxMsgSize || b.worst == nil {
		return
	}
	fits := (model.MaxMsgSize - (b.max - b.share)) / b.unit
	p.report(m.Pos, "%s %s%s: with %s at its largest, %s, the payload takes %s bytes, more than a connector message carries (%d); %s must stay at most %d",
		m.Kind, m.Name, reply, lenName(b.worst), big(lengthMax(b.worst.Type.LenField.Type)), big(b.max), model.MaxMsgSize, lenName(b.worst), max(fits, 0))
}

func alignUp64(n, a int64) int64 { return (n + a - 1) / a * a }

func lenName(f *model.Field) string { return f.Type.LenField.Name }

// big spells a saturated size.
func big(n int64) string {
	if n >= most {
		return "more than 2^61"
	}
	return strconv.FormatInt(n, 10)
}

// maxSize bounds the encoding of t with every length field at its
// largest value.
func maxSize(t *model.Type) bound {
	switch t.Kind {
	case model.KindStruct:
		return maxStruct(t)
	case model.KindSwitch:
		b := bound{max: int64(t.Size)}
		for _, v := range variants(t) {
			if vb := maxSize(v.Type); vb.max > b.max {
				b = vb
			}
		}
		return b
	case model.KindArray:
		// Every element's length at its largest: the largest length
		// that fits is then the same for each.
		b, n := maxSize(t.Elem), int64(t.Len)
		b.max, b.share, b.unit = satMul(b.max, n), satMul(b.share, n), satMul(b.unit, n)
		return b
	}
	return bound{max: int64(t.Size)}
}

func maxStruct(t *model.Type) bound {
	var b bound
	for _, f := range t.Fields {
		b.max = sat(alignUp64(b.max, int64(f.Align)))
		fb := maxField(f)
		b.max = sat(b.max + fb.max)
		if fb.worst != nil && fb.share > b.share {
			b.worst, b.share, b.unit = fb.worst, fb.share, fb.unit
		}
	}
	return b
}

// maxField bounds one field: a sized field at its length field's largest
// value, a tail that takes the rest of the message at nothing.
func maxField(f *model.Field) bound {
	t := f.Type
	if t.LenField == nil {
		if t.Kind == model.KindSlice || (t.Variable && t.Kind != model.KindStruct && t.Kind != model.KindSwitch) {
			return bound{}
		}
		return maxSize(t)
	}
	unit := int64(1)
	if t.Kind == model.KindSlice {
		unit = max(1, maxSize(t.Elem).max)
	}
	n := satMul(lengthMax(t.LenField.Type), unit)
	return bound{max: n, worst: f, share: n, unit: unit}
}

var lengthWidthRule = &Rule{
	ID:       "length-field-width",
	Severity: source.SevWarning,
	Summary:  "A length field is too narrow for the most that the fields it sizes could hold in a connector message.",
	Help: "A field sized by a length field can hold as much as a connector message leaves after the " +
		"fixed part of its struct, (16384 - fixed) bytes, or that many bytes divided by the element size " +
		"for [n]T (the sizes of all the fields that share the length field add up). When the length " +
		"field's type cannot count that far (a u8 holds 255), encoding a longer value fails. A protocol " +
		"may cap the length on purpose, as many kernel headers do with u8 lengths, hence a warning.",
	check: checkLengthWidths,
}

func checkLengthWidths(p *pass) {
	for _, l := range p.structs() {
		for _, f := range l.Fields {
			if len(f.LengthOf) > 0 {
				p.lengthWidth(l, f)
			}
		}
	}
}

func (p *pass) lengthWidth(l *wire.Layout, lf *wire.Field) {
	var unit int64
	names := ""
	for i, sized := range lf.LengthOf {
		unit += elemSize(sized.Type)
		if i > 0 {
			names += " and "
		}
		names += sized.Name
	}
	room := int64(model.MaxMsgSize - l.Type.Size)
	need, have := room/unit, lengthMax(lf.Type)
	if have < need {
		p.report(lf.Model.Pos, "%s: length field %s (%s) counts at most %d, but %s could hold %d %s in a connector message: a longer value does not encode",
			what(l), lf.Name, lf.Type, have, names, need, units(lf.LengthOf))
	}
}

// elemSize is the bytes one unit of a sized field's length takes: 1 for
// bytes and text, the element's fixed size for [n]T.
func elemSize(t *model.Type) int64 {
	if t.Kind == model.KindSlice {
		return int64(max(1, t.Elem.Size))
	}
	return 1
}

func units(sized []*wire.Field) string {
	if len(sized) == 1 && sized[0].Type.Kind == model.KindSlice {
		return "elements"
	}
	if len(sized) == 1 {
		return "bytes"
	}
	return "each"
}
