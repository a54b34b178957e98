package codec

import (
	"github.com/cngen/cngen/dsl/model"
	"github.com/cngen/cngen/dsl/wire"
	"github.com/cngen/cngen/runtime/cn"
	"github.com/cngen/cngen/runtime/cnimpl"
)

// Encode appends the encoding of v, a value of l's type (a struct, plain
// union or message payload), to b: zeros in every padding byte, length
// fields filled from the fields they size. On failure it returns b cut
// back to its length on entry and an error naming the field, as
// generated code does.
func (c *Codec) Encode(b []byte, l *wire.Layout, v Value) ([]byte, error) {
	if l.Type.Kind == model.KindUnion {
		return append(b, fixedBytes(v.Bytes, l.Type.Size)...), nil
	}
	return c.encodeStruct(b, l, v)
}

// encodeStruct stores the window's fields into one block of zeros, then
// appends the rest, each after zeros up to its offset or alignment.
func (c *Codec) encodeStruct(b []byte, l *wire.Layout, v Value) ([]byte, error) {
	s := len(b)
	fields := func(i int) Value { return v.Fields[i] }
	if l.Window > 0 {
		b = append(b, make([]byte, l.WindowEnd)...)
		var err error
		for _, f := range l.Fields[:l.Window] {
			if b, err = c.encodeField(b, s, l, f, fields); err != nil {
				return b[:s], err
			}
		}
	}
	for _, f := range l.Fields[l.Window:] {
		if f.Dynamic {
			b = cnimpl.AppendPad(b, s, f.Align)
		} else {
			b = cnimpl.AppendFill(b, s, f.Off)
		}
		var err error
		if b, err = c.encodeField(b, s, l, f, fields); err != nil {
			return b[:s], err
		}
	}
	return cnimpl.AppendFill(b, s, l.Type.Size), nil
}

// encodeField encodes f of the struct that starts at s in b. A field of
// the window is stored in place, at its offset; any other is appended.
func (c *Codec) encodeField(b []byte, s int, l *wire.Layout, f *wire.Field, fields func(int) Value) ([]byte, error) {
	x := fields(f.Index)
	if len(f.LengthOf) > 0 {
		n, err := c.lengthValue(l, f, fields)
		if err != nil {
			return b, err
		}
		x = Value{Type: f.Type, Bits: mask(f.Type, uint64(n))}
	}
	if !f.Windowed {
		return c.appendField(b, l, f, x, fields)
	}
	end := s + f.Off + f.Size
	if f.Type.Kind == model.KindSwitch && f.Type.Variable {
		end = s + l.WindowEnd
	}
	// Appending to the slice cut at the field's offset writes in place:
	// the block already holds the bytes.
	out, err := c.appendField(b[:s+f.Off], l, f, x, fields)
	if err != nil {
		return b, err
	}
	if len(out) > end { // a variable arm gives the block back
		return out, nil
	}
	return out[:len(b)], nil
}

// appendField appends x, the value of f: a switch union the arm its
// selector picks.
func (c *Codec) appendField(b []byte, l *wire.Layout, f *wire.Field, x Value, fields func(int) Value) ([]byte, error) {
	if f.Type.Kind == model.KindSwitch {
		return c.appendSwitch(b, l.Name, f.Name, x, fields(f.Selector.Index))
	}
	return c.appendValue(b, l.Name, f.Name, x, f.Open)
}

// lengthValue is the value of length field f: the length of the fields it
// sizes, which must agree and fit f.
func (c *Codec) lengthValue(l *wire.Layout, f *wire.Field, fields func(int) Value) (int, error) {
	n := lengthOf(fields(f.LengthOf[0].Index))
	for _, other := range f.LengthOf[1:] {
		if m := lengthOf(fields(other.Index)); m != n {
			return 0, cnimpl.EncodeLength(l.Name, other.Name, m, cn.ErrLengthMismatch)
		}
	}
	if it := f.Type.Int; it.Bits < 64 {
		limit := uint64(1)<<it.Bits - 1
		if it.Signed {
			limit >>= 1
		}
		if uint64(n) > limit {
			return 0, cnimpl.EncodeLength(l.Name, f.Name, n, cn.ErrTooLong)
		}
	}
	return n, nil
}

// lengthOf is the length a length field holds for a sized value: bytes
// of text or data, or elements.
func lengthOf(v Value) int {
	switch v.Type.Kind {
	case model.KindString:
		return len(v.Text)
	case model.KindBytes:
		return len(v.Bytes)
	}
	return len(v.Elems)
}

// appendValue appends the encoding of v, at path in typ.
func (c *Codec) appendValue(b []byte, typ, path string, v Value, open bool) ([]byte, error) {
	t := v.Type
	switch t.Kind {
	case model.KindInt, model.KindFlags:
		return appendInt(b, t.Int, v.Bits), nil
	case model.KindEnum:
		if !open && wire.ValueOf(t, v.Bits) == nil {
			return b, cnimpl.UnknownEnum(typ, path, Spell(t, v.Bits), v.Bits == 0 && !wire.HasZero(t))
		}
		return appendInt(b, t.Int, v.Bits), nil
	case model.KindBool:
		return cnimpl.AppendBool(b, v.Bool), nil
	case model.KindCString, model.KindUnion:
		return append(b, fixedBytes(v.Bytes, t.Size)...), nil
	case model.KindBytes:
		if t.Fixed() {
			return append(b, fixedBytes(v.Bytes, t.Size)...), nil
		}
		return append(b, v.Bytes...), nil
	case model.KindPad:
		return cnimpl.AppendZeros(b, t.Len), nil
	case model.KindString:
		return c.appendText(b, typ, path, v)
	case model.KindStruct:
		out, err := c.encodeStruct(b, c.plan.Layout(t), v)
		if err != nil {
			return b, cnimpl.NestEncode(err, typ, path)
		}
		return out, nil
	}
	return c.appendElems(b, typ, path, v)
}

func (c *Codec) appendText(b []byte, typ, path string, v Value) ([]byte, error) {
	var out []byte
	var err error
	if v.Type.LenField != nil { // the bytes of the text, no NUL
		out, err = cnimpl.AppendText(b, v.Text)
	} else {
		out, err = cnimpl.AppendString(b, v.Text)
	}
	if err != nil {
		return b, cnimpl.NestEncode(err, typ, path)
	}
	return out, nil
}

// appendSwitch appends the arm of union v that the selector's value sel
// picks, and zeros up to the union's size. When v holds another arm (a
// value made by hand), the picked arm is encoded with its zero value, as
// a generated union's field for it would be.
func (c *Codec) appendSwitch(b []byte, typ, path string, v, sel Value) ([]byte, error) {
	s := len(b)
	arm := c.plan.Layout(v.Type).Pick(sel.Bits)
	if arm == nil {
		return b, cnimpl.EncodeFail(typ, path, Spell(sel.Type, sel.Bits), cn.ErrUnknownValue)
	}
	x := Zero(arm.Type)
	if v.Arm == arm && len(v.Elems) == 1 {
		x = v.Elems[0]
	}
	out, err := c.appendValue(b, typ, path+"."+arm.Name, x, false)
	if err != nil {
		return b, err
	}
	return cnimpl.AppendFill(out, s, v.Type.Size), nil
}

func (c *Codec) appendElems(b []byte, typ, path string, v Value) ([]byte, error) {
	var err error
	for _, e := range v.Elems {
		if b, err = c.appendValue(b, typ, path, e, false); err != nil {
			return b, err
		}
	}
	return b, nil
}

func appendInt(b []byte, it model.IntType, v uint64) []byte {
	order := byteOrder(it)
	switch it.Bits {
	case 8:
		return append(b, byte(v))
	case 16:
		return order.AppendUint16(b, uint16(v))
	case 32:
		return order.AppendUint32(b, uint32(v))
	}
	return order.AppendUint64(b, v)
}

// fixedBytes is b cut or zero-padded to n bytes.
func fixedBytes(b []byte, n int) []byte {
	out := make([]byte, n)
	copy(out, b)
	return out
}
