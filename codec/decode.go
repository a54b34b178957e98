package codec

import (
	"encoding/binary"

	"github.com/cngen/cngen/dsl/model"
	"github.com/cngen/cngen/dsl/wire"
	"github.com/cngen/cngen/runtime/cnimpl"
)

// Codec decodes and encodes the messages of one schema by its wire plan,
// with no generated code: the same values, bytes and errors as the code
// cngen generates for the schema. It is safe for concurrent use.
type Codec struct {
	plan   *wire.Plan
	tables map[*wire.Layout]*cnimpl.Layout
}

// New returns the codec of the schema p plans.
func New(p *wire.Plan) *Codec {
	c := &Codec{plan: p, tables: map[*wire.Layout]*cnimpl.Layout{}}
	for _, l := range p.Layouts() {
		c.table(l)
	}
	return c
}

// Plan is the wire plan the codec runs.
func (c *Codec) Plan() *wire.Plan { return c.plan }

// table is the short-buffer table of l, as generated code declares it.
func (c *Codec) table(l *wire.Layout) *cnimpl.Layout {
	if t, ok := c.tables[l]; ok {
		return t
	}
	t := &cnimpl.Layout{Type: l.Name}
	c.tables[l] = t
	for _, s := range l.Spans {
		sp := cnimpl.Span{Name: s.Name, Off: s.Off, Need: s.Need}
		if s.Nested != nil {
			sp.Nested = c.table(s.Nested)
		}
		t.Spans = append(t.Spans, sp)
	}
	return t
}

// Decode decodes b as a value of l's type: a struct, a plain union or a
// message payload (see [wire.Plan.Payload]). Bytes beyond what the type
// holds are ignored. A switch union cannot be decoded alone: its
// selector is in the struct that holds it.
func (c *Codec) Decode(l *wire.Layout, b []byte) (Value, error) {
	v, _, err := c.decodeLayout(l, b)
	return v, err
}

// DecodeN is Decode that also returns the number of bytes the value
// took, so that a caller can tell the bytes after it.
func (c *Codec) DecodeN(l *wire.Layout, b []byte) (Value, int, error) {
	return c.decodeLayout(l, b)
}

func (c *Codec) decodeLayout(l *wire.Layout, b []byte) (Value, int, error) {
	if l.Type.Kind == model.KindUnion {
		if len(b) < l.Type.Size {
			return Value{}, 0, c.table(l).Short(len(b))
		}
		return Value{Type: l.Type, Bytes: clone(b[:l.Type.Size])}, l.Type.Size, nil
	}
	return c.decodeStruct(l, b)
}

// decodeStruct walks the fields of l: each run after its one length
// check, every other field alone.
func (c *Codec) decodeStruct(l *wire.Layout, b []byte) (Value, int, error) {
	v := Value{Type: l.Type, Fields: make([]Value, len(l.Fields))}
	p := 0
	for i := 0; i < len(l.Fields); {
		f := l.Fields[i]
		if r := f.Run; r != nil {
			if len(b) < r.Need {
				return Value{}, 0, c.table(l).Short(len(b))
			}
			for _, rf := range r.Fields {
				x, err := c.load(l.Name, rf.Name, rf.Type, b, rf.Off, rf.Open)
				if err != nil {
					return Value{}, 0, err
				}
				v.Fields[rf.Index] = x
			}
			last := r.Fields[len(r.Fields)-1]
			p, i = last.Off+last.Size, i+len(r.Fields)
			continue
		}
		off := f.Off
		if f.Dynamic {
			off = cnimpl.Align(p, f.Align)
		}
		var sel *Value
		if f.Selector != nil {
			sel = &v.Fields[f.Selector.Index]
		}
		x, n, err := c.alone(l.Name, f.Name, f.Type, b, off, fieldCtx{field: f, fields: v.Fields, sel: sel})
		if err != nil {
			return Value{}, 0, err
		}
		v.Fields[i] = x
		p, i = off+n, i+1
	}
	return v, min(len(b), max(p, l.Type.Size)), nil
}

// fieldCtx is what decoding a field alone may need besides its type: its
// plan (selector, length field, openness) and the fields decoded before
// it.
type fieldCtx struct {
	field  *wire.Field
	fields []Value
	sel    *Value
}

// load decodes a rigid t at off, whose bytes are known to be there.
func (c *Codec) load(typ, path string, t *model.Type, b []byte, off int, open bool) (Value, error) {
	v := Value{Type: t}
	switch t.Kind {
	case model.KindInt, model.KindFlags:
		v.Bits = loadInt(t.Int, b[off:])
	case model.KindEnum:
		v.Bits = loadInt(t.Int, b[off:])
		if !open && wire.ValueOf(t, v.Bits) == nil {
			return Value{}, cnimpl.UnknownValue(typ, path, off, Spell(t, v.Bits))
		}
	case model.KindBool:
		if b[off] > 1 {
			return Value{}, cnimpl.InvalidBool(typ, path, off, b[off])
		}
		v.Bool = b[off] == 1
	case model.KindCString, model.KindBytes, model.KindUnion:
		v.Bytes = clone(b[off : off+t.Size])
	case model.KindArray:
		v.Elems = make([]Value, t.Len)
		for i := range v.Elems {
			e, err := c.load(typ, path, t.Elem, b, off+i*t.Elem.Size, false)
			if err != nil {
				return Value{}, err
			}
			v.Elems[i] = e
		}
	case model.KindStruct:
		x, _, err := c.decodeStruct(c.plan.Layout(t), b[off:])
		if err != nil {
			return Value{}, cnimpl.Nest(err, typ, path, off)
		}
		v = x
	}
	return v, nil
}

// byteOrder is the order of an integer of it.
func byteOrder(it model.IntType) interface {
	binary.ByteOrder
	binary.AppendByteOrder
} {
	switch it.Order {
	case model.Big:
		return binary.BigEndian
	case model.Little:
		return binary.LittleEndian
	}
	return binary.NativeEndian
}

func loadInt(it model.IntType, b []byte) uint64 {
	order := byteOrder(it)
	switch it.Bits {
	case 8:
		return uint64(b[0])
	case 16:
		return uint64(order.Uint16(b))
	case 32:
		return uint64(order.Uint32(b))
	}
	return order.Uint64(b)
}

// alone decodes a field of type t at off that is not part of a run (or
// an arm, or an element), and returns its value and the bytes it took.
func (c *Codec) alone(typ, path string, t *model.Type, b []byte, off int, fc fieldCtx) (Value, int, error) {
	switch {
	case c.plan.Rigid(t) && t.Kind != model.KindStruct:
		need := c.plan.Need(t)
		if off > len(b) || len(b)-off < need {
			return Value{}, 0, cnimpl.Short(typ, path, off, need, len(b))
		}
		x, err := c.load(typ, path, t, b, off, fc.field != nil && fc.field.Open)
		return x, t.Size, err
	case t.Kind == model.KindStruct:
		x, n, err := c.decodeStruct(c.plan.Layout(t), cnimpl.Tail(b, off))
		if err != nil {
			return Value{}, 0, cnimpl.Nest(err, typ, path, off)
		}
		if t.Fixed() {
			n = t.Size
		}
		return x, n, nil
	case t.Kind == model.KindSwitch:
		return c.decodeSwitch(typ, path, t, b, off, fc)
	case t.Kind == model.KindArray:
		return c.decodeArray(typ, path, t, b, off)
	}
	return c.variable(typ, path, t, b, off, fc)
}

// decodeSwitch decodes the arm of switch union t that the selector picks.
func (c *Codec) decodeSwitch(typ, path string, t *model.Type, b []byte, off int, fc fieldCtx) (Value, int, error) {
	l := c.plan.Layout(t)
	arm := l.Pick(fc.sel.Bits)
	if arm == nil {
		return Value{}, 0, cnimpl.UnknownValue(typ, path, off, Spell(t.Selector, fc.sel.Bits))
	}
	x, n, err := c.alone(typ, path+"."+arm.Name, arm.Type, b, off, fieldCtx{})
	if err != nil {
		return Value{}, 0, err
	}
	if !t.Variable {
		n = t.Size
	}
	return Value{Type: t, Arm: arm, Elems: []Value{x}}, max(n, t.Size), nil
}

// decodeArray decodes [N]T of a T that is not rigid: each element by
// its own rules.
func (c *Codec) decodeArray(typ, path string, t *model.Type, b []byte, off int) (Value, int, error) {
	v := Value{Type: t, Elems: make([]Value, t.Len)}
	for i := range v.Elems {
		x, _, err := c.alone(typ, path, t.Elem, b, off+i*t.Elem.Size, fieldCtx{})
		if err != nil {
			return Value{}, 0, err
		}
		v.Elems[i] = x
	}
	return v, t.Size, nil
}

func clone(b []byte) []byte { return append([]byte{}, b...) }

// variable decodes string, bytes, []T and their sized forms.
func (c *Codec) variable(typ, path string, t *model.Type, b []byte, off int, fc fieldCtx) (Value, int, error) {
	v := Value{Type: t}
	sized, n := fc.field != nil && fc.field.LenField != nil, 0
	if sized {
		n = c.length(fc)
		if n < 0 {
			return Value{}, 0, cnimpl.InvalidLength(typ, path, off, n)
		}
	}
	rest := cnimpl.Tail(b, off)
	switch {
	case t.Kind == model.KindSlice:
		return c.decodeSlice(typ, path, t, b, off, sized, n)
	case sized && n > len(rest):
		return Value{}, 0, cnimpl.Short(typ, path, off, n, len(b))
	case sized && t.Kind == model.KindString:
		v.Text = string(cnimpl.CutNUL(rest[:n]))
		return v, n, nil
	case sized:
		v.Bytes = clone(rest[:n])
		return v, n, nil
	case t.Kind == model.KindString:
		i := cnimpl.IndexNUL(rest)
		if i < 0 {
			return Value{}, 0, cnimpl.NoNUL(typ, path, off, len(b))
		}
		v.Text = string(rest[:i])
		return v, i + 1, nil
	}
	v.Bytes = clone(rest)
	return v, len(rest), nil
}

// length is the value of the length field of the field being decoded,
// as an int (a u64 beyond the int range is negative, as Go converts it).
func (c *Codec) length(fc fieldCtx) int {
	lv := fc.fields[fc.field.LenField.Index]
	if lv.Type.Int.Signed {
		return int(lv.Int64())
	}
	return int(lv.Bits)
}

// decodeSlice decodes []T (to the end of the buffer) and [f]T (n
// elements), elements back to back.
func (c *Codec) decodeSlice(typ, path string, t *model.Type, b []byte, off int, sized bool, n int) (Value, int, error) {
	v := Value{Type: t, Elems: []Value{}}
	rest := cnimpl.Tail(b, off)
	if c.plan.Rigid(t.Elem) {
		size := t.Elem.Size
		switch {
		case sized && n > len(rest)/size:
			return Value{}, 0, cnimpl.Short(typ, path, off, n*size, len(b))
		case !sized && len(rest)%size != 0:
			return Value{}, 0, cnimpl.Short(typ, path, off+len(rest)-len(rest)%size, size, len(b))
		case !sized:
			n = len(rest) / size
		}
		for i := range n {
			e, err := c.load(typ, path, t.Elem, b, off+i*size, false)
			if err != nil {
				return Value{}, 0, err
			}
			v.Elems = append(v.Elems, e)
		}
		return v, n * size, nil
	}
	if sized && n > len(rest) {
		return Value{}, 0, cnimpl.Short(typ, path, off, n, len(b))
	}
	p := off
	for i := 0; sized && i < n || !sized && p < len(b); i++ {
		e, used, err := c.alone(typ, path, t.Elem, b, p, fieldCtx{})
		if err != nil {
			return Value{}, 0, err
		}
		v.Elems = append(v.Elems, e)
		p += used
	}
	return v, p - off, nil
}
