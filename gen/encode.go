package gen

import (
	"strconv"

	"github.com/dave/jennifer/jen"

	"github.com/cngen/cngen/dsl/model"
	"github.com/cngen/cngen/dsl/wire"
)

// This file emits encoders from the wire plan: the fields of the window
// (leading, at constant offsets, of fixed size) are stored into one block
// of zeros that cnimpl.Extend appends at once, each with a PutUintN, a
// byte store or a copy at a constant offset, so that the slice grows and
// is checked once and padding is zero without a write; the rest are
// appended in order, after zeros up to their offset or alignment.

// encodeStruct is the body of a struct's AppendBinary.
func (g *gen) encodeStruct(l *wire.Layout) []jen.Code {
	f := g.newFn(l.Name, failEncode)
	body := f.encodeFields(l, ident("x"))
	return f.prelude(append(body, jen.Return(jen.Id("b"), jen.Nil())))
}

// encodeFields appends the fields of l, read from x.
func (f *fn) encodeFields(l *wire.Layout, x lvalue) []jen.Code {
	var out []jen.Code
	k, known := 0, true
	if l.Window > 0 {
		out = f.window(l, x)
		k, known = l.WindowEnd, !l.Fields[l.Window-1].Type.Variable
	}
	pending := 0 // zeros not yet appended: gaps and pad fields
	flush := func() {
		if pending > 0 {
			out = append(out, jen.Id("b").Op("=").Add(impl("AppendZeros", jen.Id("b"), jen.Lit(pending))))
			pending = 0
		}
	}
	for _, fd := range l.Fields[l.Window:] {
		if fd.Type.Kind == model.KindPad && !fd.Dynamic && known {
			pending, k = pending+fd.Off-k+fd.Size, fd.Off+fd.Size
			continue
		}
		if !fd.Dynamic && known {
			pending += fd.Off - k
		}
		flush()
		switch {
		case !fd.Dynamic && !known:
			out = append(out, jen.Id("b").Op("=").Add(impl("AppendFill", jen.Id("b"), f.use("s"), jen.Lit(fd.Off))))
			known = true
		case fd.Dynamic && fd.Align > 1:
			out = append(out, jen.Id("b").Op("=").Add(impl("AppendPad", jen.Id("b"), f.use("s"), jen.Lit(fd.Align))))
		}
		out = append(out, f.encodeField(l, fd, x)...)
		k = fd.Off + fd.Size
		known = known && !fd.Type.Variable
	}
	if known {
		pending += max(l.Type.Size-k, 0)
		flush()
	} else if l.Type.Size > 0 && (l.Window < len(l.Fields) || l.WindowEnd < l.Type.Size) {
		out = append(out, jen.Id("b").Op("=").Add(impl("AppendFill", jen.Id("b"), f.use("s"), jen.Lit(l.Type.Size))))
	}
	return out
}

// encodeField appends field fd of x.
func (f *fn) encodeField(l *wire.Layout, fd *wire.Field, x lvalue) []jen.Code {
	if len(fd.LengthOf) > 0 {
		n, out := f.lengthChecks(fd, x)
		return append(out, appendInt(lengthType(fd.Type), jen.Id(n)))
	}
	lv := f.g.fieldLV(x, fd)
	if fd.Type.Kind == model.KindSwitch {
		return f.appendSwitch(fd.Type, lv, f.g.fieldLV(x, fd.Selector), fd.Name)
	}
	return f.enc(fd.Type, lv, fd.Name, fd.Open)
}

// window appends the block of l's windowed fields and stores them in it.
// It runs at the top of a function body, where it declares w, the block.
func (f *fn) window(l *wire.Layout, x lvalue) []jen.Code {
	var body []jen.Code
	for _, fd := range l.Fields[:l.Window] {
		o := off{buf: "w", k: fd.Off}
		switch {
		case len(fd.LengthOf) > 0:
			n, checks := f.lengthChecks(fd, x)
			body = append(body, checks...)
			body = append(body, f.storeInt(lengthType(fd.Type), o, jen.Id(n)))
		case fd.Type.Kind == model.KindSwitch:
			body = append(body, f.storeSwitch(fd.Type, f.g.fieldLV(x, fd), f.g.fieldLV(x, fd.Selector), o, fd.Name, l.WindowEnd)...)
		default:
			body = append(body, f.store(fd.Type, f.g.fieldLV(x, fd), o, fd.Name, fd.Open)...)
		}
	}
	extend := impl("Extend", jen.Id("b"), jen.Lit(l.WindowEnd))
	if !f.used["w"] { // only zeros: pad, empty arms
		return append([]jen.Code{jen.List(jen.Id("b"), jen.Id("_")).Op("=").Add(extend)}, body...)
	}
	return append([]jen.Code{jen.List(jen.Id("b"), jen.Id("w")).Op(":=").Add(extend)}, body...)
}

// store writes lv, of fixed-size t, at o in the block, whose bytes are
// zeros until then.
func (f *fn) store(t *model.Type, lv lvalue, o off, path string, open bool) []jen.Code {
	switch t.Kind {
	case model.KindInt, model.KindFlags:
		return []jen.Code{f.storeInt(t, o, lv())}
	case model.KindEnum:
		return append(f.enumCheck(t, lv, path, open), f.storeInt(t, o, lv()))
	case model.KindBool:
		return []jen.Code{jen.If(lv()).Block(f.win(o).Index(o.code()).Op("=").Lit(1))}
	case model.KindCString, model.KindUnion, model.KindBytes:
		return []jen.Code{jen.Copy(f.span(o, t.Size), lv().Index(jen.Empty(), jen.Empty()))}
	case model.KindArray:
		if isByte(t.Elem) {
			return []jen.Code{jen.Copy(f.span(o, t.Size), lv().Index(jen.Empty(), jen.Empty()))}
		}
		i := f.temp("i")
		body := f.store(t.Elem, lv.index(i), o.index(i, t.Elem.Size), path, false)
		return []jen.Code{jen.For(jen.Id(i).Op(":=").Range().Add(lv())).Block(body...)}
	case model.KindStruct:
		if !f.g.inlined(t) {
			return f.nestEncode(jen.List(jen.Id("_"), f.use("err")).Op("=").Add(lv()).Dot("AppendBinary").Call(f.inPlace(o)), path)
		}
		var out []jen.Code
		for _, fd := range f.g.plan.Layout(t).Fields {
			out = append(out, f.store(fd.Type, f.g.fieldLV(lv, fd), o.plus(fd.Off), joinName(path, fd.Name), false)...)
		}
		return out
	}
	return nil // pad: zeros already
}

// inPlace is the empty slice of the block at o: appending to it writes
// into the block, whose length leaves room.
func (f *fn) inPlace(o off) *jen.Statement {
	f.use(o.buf)
	return o.b().Index(o.code(), o.code())
}

// nestEncode is an assignment of a call's error, placed at path on
// failure.
func (f *fn) nestEncode(assign *jen.Statement, path string) []jen.Code {
	return []jen.Code{jen.If(assign, jen.Err().Op("!=").Nil()).Block(
		f.fail(f, impl("NestEncode", jen.Err(), jen.Lit(f.typ), jen.Lit(path))))}
}

// enumCheck refuses an enum value outside the set, but for an open field.
func (f *fn) enumCheck(t *model.Type, lv lvalue, path string, open bool) []jen.Code {
	if open {
		return nil
	}
	zero := jen.False()
	if !wire.HasZero(t) {
		zero = lv().Op("==").Lit(0)
	}
	return []jen.Code{jen.If(jen.Op("!").Add(lv()).Dot("valid").Call()).Block(
		f.fail(f, impl("UnknownEnum", jen.Lit(f.typ), jen.Lit(path), lv().Dot("String").Call(), zero)))}
}

// storeSwitch stores the arm of switch union t that sel picks: in line,
// each fixed arm stored like the fields around it, when the union is
// inlined; else by the union's appendFor. A variable arm (only where the
// union is the block's last field) cuts b back to where the union
// starts, appends itself, and fills up to end, the block's size.
func (f *fn) storeSwitch(t *model.Type, lv, sel lvalue, o off, path string, end int) []jen.Code {
	start := f.use("s").Op("+").Lit(o.k)
	if o.k == 0 {
		start = f.use("s")
	}
	if !f.g.switchInline(t) {
		if !t.Variable {
			return f.nestEncode(jen.List(jen.Id("_"), f.use("err")).Op("=").Add(lv()).Dot("appendFor").Call(f.inPlace(o), sel()), path)
		}
		out := []jen.Code{jen.Id("b").Op("=").Id("b").Index(jen.Empty(), start)}
		out = append(out, f.nestEncode(jen.List(jen.Id("b"), f.use("err")).Op("=").Add(lv()).Dot("appendFor").Call(jen.Id("b"), sel()), path)...)
		return append(out, jen.Id("b").Op("=").Add(impl("AppendFill", jen.Id("b"), f.use("s"), jen.Lit(end))))
	}
	l := f.g.plan.Layout(t)
	var cases []jen.Code
	for _, a := range l.Arms {
		alv, apath := f.g.armLV(lv, a), joinName(path, a.Name)
		var body []jen.Code
		if a.Type.Fixed() {
			body = f.store(a.Type, alv, o, apath, false)
		} else {
			body = append(body, jen.Id("b").Op("=").Id("b").Index(jen.Empty(), start.Clone()))
			body = append(body, f.enc(a.Type, alv, apath, false)...)
			body = append(body, jen.Id("b").Op("=").Add(impl("AppendFill", jen.Id("b"), f.use("s"), jen.Lit(end))))
		}
		cases = append(cases, f.armCase(a, body))
	}
	return f.armSwitch(l, sel, path, cases)
}

// armCase is the case of arm a, with body.
func (f *fn) armCase(a *wire.Arm, body []jen.Code) jen.Code {
	if a.Variant.Case == nil {
		return jen.Default().Block(body...)
	}
	return jen.Case(jen.Id(f.g.names.values[a.Variant.Case])).Block(body...)
}

// armSwitch is the switch over sel with cases, failing on an unknown
// value when l has no default; a default alone is its body.
func (f *fn) armSwitch(l *wire.Layout, sel lvalue, path string, cases []jen.Code) []jen.Code {
	if l.Default == nil {
		cases = append(cases, jen.Default().Block(
			f.fail(f, impl("EncodeFail", jen.Lit(f.typ), jen.Lit(path), sel().Dot("String").Call(), jen.Qual(cnPkg, "ErrUnknownValue")))))
	}
	return []jen.Code{jen.Switch(sel()).Block(cases...)}
}

// win is the block, marked as used.
func (f *fn) win(o off) *jen.Statement {
	f.use(o.buf)
	return o.b()
}

// span is the n bytes of the block from o on.
func (f *fn) span(o off, n int) *jen.Statement {
	if o.zero() {
		return f.win(o).Index(jen.Empty(), jen.Lit(n))
	}
	return f.win(o).Index(o.code(), o.plus(n).code())
}

// storeInt stores v, a value of t (an int, enum or flags type), at o.
func (f *fn) storeInt(t *model.Type, o off, v *jen.Statement) jen.Code {
	it := t.Int
	if t.Kind != model.KindInt || it.Signed {
		v = jen.Id("uint" + strconv.Itoa(it.Bits)).Call(v)
	}
	if it.Bits == 8 {
		return f.win(o).Index(o.code()).Op("=").Add(v)
	}
	f.win(o)
	return jen.Qual(binaryPkg, order(it)).Dot("PutUint"+strconv.Itoa(it.Bits)).Call(o.from(), v)
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

// enc appends lv, a value of t other than a switch union.
func (f *fn) enc(t *model.Type, lv lvalue, path string, open bool) []jen.Code {
	appendAll := func(s *jen.Statement) []jen.Code {
		return []jen.Code{jen.Id("b").Op("=").Append(jen.Id("b"), s.Op("..."))}
	}
	switch t.Kind {
	case model.KindInt, model.KindFlags:
		return []jen.Code{appendInt(t, lv())}
	case model.KindEnum:
		return append(f.enumCheck(t, lv, path, open), appendInt(t, lv()))
	case model.KindBool:
		return []jen.Code{jen.Id("b").Op("=").Add(impl("AppendBool", jen.Id("b"), lv()))}
	case model.KindCString, model.KindUnion:
		return appendAll(lv().Index(jen.Empty(), jen.Empty()))
	case model.KindBytes:
		if t.Fixed() {
			return appendAll(lv().Index(jen.Empty(), jen.Empty()))
		}
		return appendAll(lv())
	case model.KindPad:
		return []jen.Code{jen.Id("b").Op("=").Add(impl("AppendZeros", jen.Id("b"), jen.Lit(t.Len)))}
	case model.KindArray, model.KindSlice:
		if isByte(t.Elem) {
			if t.Kind == model.KindArray {
				return appendAll(lv().Index(jen.Empty(), jen.Empty()))
			}
			return appendAll(lv())
		}
		i := f.temp("i")
		body := f.enc(t.Elem, lv.index(i), path, false)
		return []jen.Code{jen.For(jen.Id(i).Op(":=").Range().Add(lv())).Block(body...)}
	case model.KindStruct:
		return f.nestEncode(jen.List(jen.Id("b"), f.use("err")).Op("=").Add(lv()).Dot("AppendBinary").Call(jen.Id("b")), path)
	case model.KindString:
		helper := "AppendString"
		if t.LenField != nil { // f bytes of text, no NUL
			helper = "AppendText"
		}
		return f.nestEncode(jen.List(jen.Id("b"), f.use("err")).Op("=").Add(impl(helper, jen.Id("b"), lv())), path)
	}
	return nil
}

// appendSwitch appends the arm of switch union t that sel picks, and
// zeros up to the union's size: in line, or by the union's appendFor.
func (f *fn) appendSwitch(t *model.Type, lv, sel lvalue, path string) []jen.Code {
	if !f.g.switchInline(t) {
		return f.nestEncode(jen.List(jen.Id("b"), f.use("err")).Op("=").Add(lv()).Dot("appendFor").Call(jen.Id("b"), sel()), path)
	}
	return f.appendArms(f.g.plan.Layout(t), lv, sel, path)
}

// appendArms is the switch that appends the arm of union l that sel
// picks, then the zeros up to its size.
func (f *fn) appendArms(l *wire.Layout, lv, sel lvalue, path string) []jen.Code {
	u := f.temp("u")
	out := []jen.Code{jen.Id(u).Op(":=").Len(jen.Id("b"))}
	var cases []jen.Code
	for _, a := range l.Arms {
		cases = append(cases, f.armCase(a, f.enc(a.Type, f.g.armLV(lv, a), joinName(path, a.Name), false)))
	}
	out = append(out, f.armSwitch(l, sel, path, cases)...)
	return append(out, jen.Id("b").Op("=").Add(impl("AppendFill", jen.Id("b"), jen.Id(u), jen.Lit(l.Type.Size))))
}

// lengthChecks declares n as the value of length field fd: the length of
// the fields it sizes, which must agree and fit.
func (f *fn) lengthChecks(fd *wire.Field, x lvalue) (string, []jen.Code) {
	n := f.temp("l")
	lengthOf := func(sized *wire.Field) *jen.Statement { return jen.Len(f.g.fieldLV(x, sized)()) }
	out := []jen.Code{jen.Id(n).Op(":=").Add(lengthOf(fd.LengthOf[0]))}
	for _, other := range fd.LengthOf[1:] {
		out = append(out, jen.If(lengthOf(other).Op("!=").Id(n)).Block(
			f.fail(f, impl("EncodeLength", jen.Lit(f.typ), jen.Lit(other.Name), lengthOf(other), jen.Qual(cnPkg, "ErrLengthMismatch")))))
	}
	if it := fd.Type.Int; it.Bits < 64 {
		limit := uint64(1)<<it.Bits - 1
		if it.Signed {
			limit >>= 1
		}
		out = append(out, jen.If(jen.Uint64().Call(jen.Id(n)).Op(">").Add(rawLit("0x"+strconv.FormatUint(limit, 16)))).Block(
			f.fail(f, impl("EncodeLength", jen.Lit(f.typ), jen.Lit(fd.Name), jen.Id(n), jen.Qual(cnPkg, "ErrTooLong")))))
	}
	return n, out
}

// lengthType is the type a length held in an int converts to for storing:
// t's integer, always converted.
func lengthType(t *model.Type) *model.Type { return &model.Type{Kind: model.KindFlags, Int: t.Int} }
