package gen

import (
	"strconv"

	"github.com/dave/jennifer/jen"

	"github.com/cngen/cngen/dsl/model"
)

// encodeSlots appends slots to b, with zeros in every gap and up to size:
// the constant-offset prefix through one window (window.go), the rest
// field by field.
func (f *fn) encodeSlots(slots []*slot, size int) []jen.Code {
	n, end := windowed(slots, size)
	if n == 0 {
		return f.appendSlots(slots, size, 0, true)
	}
	out := f.window(slots[:n], end)
	if n == len(slots) {
		return out
	}
	return append(out, f.appendSlots(slots[n:], size, end, slots[n-1].t.Fixed())...)
}

// appendSlots appends slots one by one, from k when known, else from
// wherever the bytes before them ended.
func (f *fn) appendSlots(slots []*slot, size, k int, known bool) []jen.Code {
	var out []jen.Code
	pending := 0 // zeros not yet appended: gaps and pad fields
	zeros := func(n int) jen.Code {
		return jen.Id("b").Op("=").Qual(cnPkg, "AppendZeros").Call(jen.Id("b"), jen.Lit(n))
	}
	flush := func() {
		if pending > 0 {
			out = append(out, zeros(pending))
			pending = 0
		}
	}
	for _, s := range slots {
		if s.t.Kind == model.KindPad && !s.dynamic && known {
			pending += s.off - k + s.t.Size
			k = s.off + s.t.Size
			continue
		}
		if !s.dynamic && known {
			pending += s.off - k
		}
		flush()
		switch {
		case !s.dynamic && !known:
			out = append(out, jen.Id("b").Op("=").Qual(cnPkg, "AppendFill").Call(jen.Id("b"), f.use("s"), jen.Lit(s.off)))
			known = true
		case s.dynamic && s.align > 1:
			out = append(out, jen.Id("b").Op("=").Qual(cnPkg, "AppendPad").Call(jen.Id("b"), f.use("s"), jen.Lit(s.align)))
		}
		k = s.off
		if len(s.lengthOf) > 0 {
			out = append(out, f.encodeLength(s)...)
		} else {
			out = append(out, f.enc(s.t, s.lv, s.name, s.sel)...)
		}
		if known && s.t.Fixed() {
			k += s.t.Size
		} else {
			known = false
		}
	}
	if known {
		pending += max(size-k, 0)
		flush()
	} else if size > 0 {
		out = append(out, jen.Id("b").Op("=").Qual(cnPkg, "AppendFill").Call(jen.Id("b"), f.use("s"), jen.Lit(size)))
	}
	return out
}

// appendInt appends v, a value of t (an int, enum or flags type).
func appendInt(t *model.Type, v *jen.Statement) jen.Code {
	it := t.Int
	if t.Kind != model.KindInt || it.Signed {
		v = jen.Id("uint" + strconv.Itoa(it.Bits)).Call(v)
	}
	if it.Bits == 8 {
		return jen.Id("b").Op("=").Append(jen.Id("b"), v)
	}
	return jen.Id("b").Op("=").Qual(binaryPkg, order(it)).Dot("AppendUint"+strconv.Itoa(it.Bits)).Call(jen.Id("b"), v)
}

// enc appends the value v of t.
func (f *fn) enc(t *model.Type, v func() *jen.Statement, name string, sel func() *jen.Statement) []jen.Code {
	nest := func(call *jen.Statement) jen.Code {
		return jen.If(jen.List(jen.Id("b"), f.use("err")).Op("=").Add(call), jen.Err().Op("!=").Nil()).Block(
			f.fail(f, f.errorf("NestEncode", jen.Err(), jen.Lit(f.typ), jen.Lit(name))))
	}
	appendAll := func(s *jen.Statement) []jen.Code {
		return []jen.Code{jen.Id("b").Op("=").Append(jen.Id("b"), s.Op("..."))}
	}
	switch t.Kind {
	case model.KindInt, model.KindFlags:
		return []jen.Code{appendInt(t, v())}
	case model.KindEnum:
		return []jen.Code{
			jen.If(jen.Op("!").Add(v()).Dot("valid").Call()).Block(
				f.fail(f, f.errorf("EncodeFail", jen.Lit(f.typ), jen.Lit(name), v().Dot("String").Call(), jen.Qual(cnPkg, "ErrUnknownValue")))),
			appendInt(t, v()),
		}
	case model.KindBool:
		return []jen.Code{jen.Id("b").Op("=").Qual(cnPkg, "AppendBool").Call(jen.Id("b"), v())}
	case model.KindCString, model.KindUnion:
		return appendAll(v().Index(jen.Empty(), jen.Empty()))
	case model.KindBytes:
		if t.Fixed() {
			return appendAll(v().Index(jen.Empty(), jen.Empty()))
		}
		return appendAll(v())
	case model.KindPad:
		return []jen.Code{jen.Id("b").Op("=").Qual(cnPkg, "AppendZeros").Call(jen.Id("b"), jen.Lit(t.Len))}
	case model.KindArray, model.KindSlice:
		if isByte(t.Elem) {
			if t.Kind == model.KindArray {
				return appendAll(v().Index(jen.Empty(), jen.Empty()))
			}
			return appendAll(v())
		}
		i := f.temp("i")
		var body []jen.Code
		body = append(body, f.enc(t.Elem, func() *jen.Statement { return v().Index(jen.Id(i)) }, name, nil)...)
		return []jen.Code{jen.For(jen.Id(i).Op(":=").Range().Add(v())).Block(body...)}
	case model.KindStruct:
		return []jen.Code{nest(v().Dot("AppendBinary").Call(jen.Id("b")))}
	case model.KindSwitch:
		return []jen.Code{nest(v().Dot("AppendBinaryFor").Call(jen.Id("b"), sel()))}
	case model.KindString:
		if t.LenField != nil { // f bytes of text, no NUL
			return []jen.Code{nest(jen.Qual(cnPkg, "AppendText").Call(jen.Id("b"), v()))}
		}
		return []jen.Code{nest(jen.Qual(cnPkg, "AppendString").Call(jen.Id("b"), v()))}
	}
	return nil
}

// lengthOf is the length a length field holds for sized slot s.
func lengthOf(s *slot) *jen.Statement { return jen.Len(s.lv()) }

// encodeLength appends a length field.
func (f *fn) encodeLength(s *slot) []jen.Code {
	l, out := f.lengthChecks(s)
	return append(out, appendInt(lengthType(s.t), jen.Id(l)))
}

// lengthChecks declares l as the value of length field s: the length of
// the fields it sizes, which must agree and fit.
func (f *fn) lengthChecks(s *slot) (string, []jen.Code) {
	l := f.temp("l")
	out := []jen.Code{jen.Id(l).Op(":=").Add(lengthOf(s.lengthOf[0]))}
	for _, other := range s.lengthOf[1:] {
		out = append(out, jen.If(lengthOf(other).Op("!=").Id(l)).Block(
			f.fail(f, f.errorf("EncodeLength", jen.Lit(f.typ), jen.Lit(other.name), lengthOf(other), jen.Qual(cnPkg, "ErrLengthMismatch")))))
	}
	it := s.t.Int
	if it.Bits < 64 {
		limit := uint64(1)<<it.Bits - 1
		if it.Signed {
			limit >>= 1
		}
		out = append(out, jen.If(jen.Uint64().Call(jen.Id(l)).Op(">").Add(rawLit("0x"+strconv.FormatUint(limit, 16)))).Block(
			f.fail(f, f.errorf("EncodeLength", jen.Lit(f.typ), jen.Lit(s.name), jen.Id(l), jen.Qual(cnPkg, "ErrTooLong")))))
	}
	return l, out
}

// lengthType is the type a length held in an int converts to for storing:
// t's integer, always converted.
func lengthType(t *model.Type) *model.Type { return &model.Type{Kind: model.KindFlags, Int: t.Int} }

// sizeBody is the body of a Size function over slots: the bytes encoding
// appends, at least size.
func (f *fn) sizeBody(slots []*slot, size int) []jen.Code {
	var out []jen.Code
	c := &cursor{known: true}
	for _, s := range slots {
		if !s.dynamic && !c.known {
			out = append(out, jen.Id("p").Op("=").Max(jen.Id("p"), jen.Lit(s.off)))
		} else {
			out = append(out, f.place(c, s)...)
		}
		if s.t.Fixed() {
			out = append(out, f.advance(c, s.t.Size)...)
			continue
		}
		n, loop := f.sizeOf(s.t, s.lv, s.sel)
		if n != nil {
			out = append(out, f.advanceBy(c, n)...)
			continue
		}
		out = append(out, f.materialize(c)...)
		out = append(out, loop...)
	}
	if c.known {
		return []jen.Code{jen.Return(jen.Lit(max(c.k, size)))}
	}
	return append(out, jen.Return(jen.Max(jen.Id("p"), jen.Lit(size))))
}

// sizeOf is the encoded size of a variable v of t: an expression, or a
// loop that adds it to p.
func (f *fn) sizeOf(t *model.Type, v, sel func() *jen.Statement) (*jen.Statement, []jen.Code) {
	switch t.Kind {
	case model.KindString:
		if t.LenField != nil {
			return jen.Len(v()), nil
		}
		return jen.Len(v()).Op("+").Lit(1), nil
	case model.KindBytes:
		return jen.Len(v()), nil
	case model.KindStruct:
		return v().Dot("Size").Call(), nil
	case model.KindSwitch:
		return v().Dot("SizeFor").Call(sel()), nil
	case model.KindSlice:
		if t.Elem.Fixed() {
			if t.Elem.Size == 1 {
				return jen.Len(v()), nil
			}
			return jen.Len(v()).Op("*").Lit(t.Elem.Size), nil
		}
		i := f.temp("i")
		var body []jen.Code
		n, loop := f.sizeOf(t.Elem, func() *jen.Statement { return v().Index(jen.Id(i)) }, nil)
		if n != nil {
			body = append(body, jen.Id("p").Op("+=").Add(n))
		}
		body = append(body, loop...)
		return nil, []jen.Code{jen.For(jen.Id(i).Op(":=").Range().Add(v())).Block(body...)}
	}
	return jen.Lit(t.Size), nil
}
