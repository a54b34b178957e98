package gen

import (
	"strconv"

	"github.com/dave/jennifer/jen"

	"github.com/cngen/cngen/dsl/model"
	"github.com/cngen/cngen/dsl/wire"
)

// This file emits decoders from the wire plan (see package wire for the
// rules): for each run of rigid fields one length check, whose failure
// asks the type's short-buffer table for the field to name, then loads at
// constant offsets; every other field alone, by the rules of its type.

// decodeStruct is the body of a struct's decoder: UnmarshalBinary
// (returning an error) for a fixed struct, decode (returning the bytes
// used too) for a variable one.
func (g *gen) decodeStruct(l *wire.Layout) []jen.Code {
	fail := failDecodeErr
	if l.Type.Variable {
		fail = failDecode
	}
	f := g.newFn(l.Name, fail)
	c := knownAt(off{})
	out := f.decodeFields(l, ident("x"), c)
	if !l.Type.Variable {
		return append(out, jen.Return(jen.Nil()))
	}
	var used *jen.Statement
	switch {
	case c.known && max(c.o.k, l.Type.Size) == 0:
		return append(out, jen.Return(jen.Lit(0), jen.Nil()))
	case c.known:
		used = jen.Lit(max(c.o.k, l.Type.Size))
	case l.Type.Size <= c.least:
		used = jen.Id("p")
	default:
		used = jen.Max(jen.Id("p"), jen.Lit(l.Type.Size))
	}
	return append(out, jen.Return(jen.Min(lenB(), used), jen.Nil()))
}

// decodeFields decodes the fields of l into x, from the cursor on.
func (f *fn) decodeFields(l *wire.Layout, x lvalue, c *cursor) []jen.Code {
	var out []jen.Code
	for i := 0; i < len(l.Fields); {
		fd := l.Fields[i]
		if r := fd.Run; r != nil {
			out = append(out, f.runCheck(l, r)...)
			for _, rf := range r.Fields {
				out = append(out, f.load(rf.Type, f.g.fieldLV(x, rf), off{k: rf.Off}, rf.Name, rf.Open)...)
			}
			last := r.Fields[len(r.Fields)-1]
			c.known, c.o = true, off{k: last.Off + last.Size}
			i += len(r.Fields)
			continue
		}
		if !fd.Dynamic {
			c.known, c.o = true, off{k: fd.Off}
		} else {
			out = append(out, f.alignTo(c, fd.Align)...)
		}
		out = append(out, f.alone(fd.Type, f.g.fieldLV(x, fd), c, fd.Name, fieldCtx{field: fd, x: x})...)
		i++
	}
	return out
}

// fieldCtx is what decoding a field alone needs besides its type.
type fieldCtx struct {
	field *wire.Field // nil for an element or an arm
	x     lvalue      // the struct the field is in
}

func (fc fieldCtx) open() bool { return fc.field != nil && fc.field.Open }

// runCheck is the one length check of a run.
func (f *fn) runCheck(l *wire.Layout, r *wire.Run) []jen.Code {
	if r.Need == 0 {
		return nil
	}
	defer func() { f.bound = max(f.bound, r.Need) }()
	return []jen.Code{jen.If(lenB().Op("<").Lit(r.Need)).Block(
		f.fail(f, jen.Id(f.g.names.tables[l]).Dot("Short").Call(lenB())))}
}

// load decodes a rigid t at o into lv; its bytes are known to be there.
func (f *fn) load(t *model.Type, lv lvalue, o off, path string, open bool) []jen.Code {
	switch t.Kind {
	case model.KindInt, model.KindFlags:
		return []jen.Code{lv().Op("=").Add(f.typedLoad(t, o))}
	case model.KindEnum:
		out := []jen.Code{lv().Op("=").Add(f.typedLoad(t, o))}
		if open {
			return out
		}
		return append(out, jen.If(jen.Op("!").Add(lv()).Dot("valid").Call()).Block(
			f.fail(f, impl("UnknownValue", jen.Lit(f.typ), jen.Lit(path), o.code(), lv().Dot("String").Call()))))
	case model.KindBool:
		return []jen.Code{
			jen.If(o.at().Op(">").Lit(1)).Block(
				f.fail(f, impl("InvalidBool", jen.Lit(f.typ), jen.Lit(path), o.code(), o.at()))),
			lv().Op("=").Add(o.at()).Op("==").Lit(1),
		}
	case model.KindCString, model.KindUnion, model.KindBytes:
		return []jen.Code{jen.Copy(lv().Index(jen.Empty(), jen.Empty()), o.span(t.Size))}
	case model.KindArray:
		if isByte(t.Elem) {
			return []jen.Code{jen.Copy(lv().Index(jen.Empty(), jen.Empty()), o.span(t.Size))}
		}
		i := f.temp("i")
		f.push()
		body := f.load(t.Elem, lv.index(i), o.index(i, t.Elem.Size), path, false)
		f.pop()
		return []jen.Code{jen.For(jen.Id(i).Op(":=").Range().Add(lv())).Block(body...)}
	case model.KindStruct:
		if !f.g.inlined(t) {
			return f.call(lv().Dot("UnmarshalBinary").Call(o.from()), path, o)
		}
		var out []jen.Code
		for _, fd := range f.g.plan.Layout(t).Fields {
			out = append(out, f.load(fd.Type, f.g.fieldLV(lv, fd), o.plus(fd.Off), joinName(path, fd.Name), false)...)
		}
		return out
	}
	return nil // pad
}

// call is a call that returns an error, placed at path and o on failure.
func (f *fn) call(call *jen.Statement, path string, o off) []jen.Code {
	return []jen.Code{jen.If(jen.Err().Op(":=").Add(call), jen.Err().Op("!=").Nil()).Block(
		f.fail(f, impl("Nest", jen.Err(), jen.Lit(f.typ), jen.Lit(path), o.code())))}
}

// load reads an integer of type it at o, as its unsigned Go type.
func load(it model.IntType, o off) *jen.Statement {
	if it.Bits == 8 {
		return o.at()
	}
	return jen.Qual(binaryPkg, order(it)).Dot("Uint" + strconv.Itoa(it.Bits)).Call(o.from())
}

func order(it model.IntType) string {
	switch it.Order {
	case model.Big:
		return "BigEndian"
	case model.Little:
		return "LittleEndian"
	}
	return "NativeEndian"
}

// typedLoad reads an int, enum or flags value of t at o.
func (f *fn) typedLoad(t *model.Type, o off) *jen.Statement {
	raw := load(t.Int, o)
	if t.Kind != model.KindInt {
		return jen.Id(f.g.names.types[t]).Call(raw)
	}
	if t.Int.Signed {
		return jen.Id(goInt(t.Int)).Call(raw)
	}
	return raw
}

// alone decodes a field, arm or element of type t at the cursor, which
// it moves past it.
func (f *fn) alone(t *model.Type, lv lvalue, c *cursor, path string, fc fieldCtx) []jen.Code {
	o := c.off()
	switch {
	case f.g.plan.Rigid(t) && t.Kind != model.KindStruct:
		out := f.need(o, f.g.plan.Need(t), impl("Short", jen.Lit(f.typ), jen.Lit(path), o.code(), jen.Lit(f.g.plan.Need(t)), lenB()))
		out = append(out, f.load(t, lv, o, path, fc.open())...)
		return append(out, f.advance(c, t.Size)...)
	case f.g.inlined(t):
		l := f.g.plan.Layout(t)
		short := impl("Nest", jen.Id(f.g.names.tables[l]).Dot("Short").Call(f.rem(o)), jen.Lit(f.typ), jen.Lit(path), o.code())
		out := append(f.need(o, l.Need, short), f.load(t, lv, o, path, false)...)
		return append(out, f.advance(c, t.Size)...)
	case t.Kind == model.KindStruct && !t.Variable:
		out := f.call(lv().Dot("UnmarshalBinary").Call(f.tail(o)), path, o)
		return append(out, f.advance(c, t.Size)...)
	case t.Kind == model.KindStruct:
		out := []jen.Code{
			jen.List(jen.Id("n"), jen.Err()).Op(f.define("n", "err")).Add(lv()).Dot("decode").Call(f.tail(o)),
			jen.If(jen.Err().Op("!=").Nil()).Block(f.fail(f, impl("Nest", jen.Err(), jen.Lit(f.typ), jen.Lit(path), o.code()))),
		}
		return append(out, f.advanceBy(c, jen.Id("n"))...)
	case t.Kind == model.KindSwitch:
		return f.decodeSwitch(t, lv, c, path, fc)
	case t.Kind == model.KindArray:
		i := f.temp("i")
		f.push()
		body := f.alone(t.Elem, lv.index(i), knownAt(o.index(i, t.Elem.Size)), path, fieldCtx{})
		f.pop()
		out := []jen.Code{jen.For(jen.Id(i).Op(":=").Range().Add(lv())).Block(body...)}
		return append(out, f.advance(c, t.Size)...)
	case t.Kind == model.KindSlice:
		return f.decodeSlice(t, lv, c, path, fc)
	}
	return f.decodeText(t, lv, c, path, fc)
}

// need checks that b holds n bytes from o, failing with err.
func (f *fn) need(o off, n int, err jen.Code) []jen.Code {
	if n == 0 {
		return nil
	}
	if o.constant() {
		if o.k+n <= f.bound {
			return nil
		}
		defer func() { f.bound = o.k + n }()
		return []jen.Code{jen.If(lenB().Op("<").Lit(o.k + n)).Block(f.fail(f, err))}
	}
	return []jen.Code{jen.If(lenB().Op("<").Add(o.plus(n).code())).Block(f.fail(f, err))}
}

// decodeSwitch decodes the arm of switch union t that the selector picks:
// in line when the union is held by this field alone and small, else by
// the union's own decode method.
func (f *fn) decodeSwitch(t *model.Type, lv lvalue, c *cursor, path string, fc fieldCtx) []jen.Code {
	o := c.off()
	sel := f.g.fieldLV(fc.x, fc.field.Selector)
	if !f.g.switchInline(t) {
		call := lv().Dot("decode").Call(f.tail(o), sel())
		if !t.Variable {
			return append(f.call(call, path, o), f.advance(c, t.Size)...)
		}
		out := []jen.Code{
			jen.List(jen.Id("n"), jen.Err()).Op(f.define("n", "err")).Add(call),
			jen.If(jen.Err().Op("!=").Nil()).Block(f.fail(f, impl("Nest", jen.Err(), jen.Lit(f.typ), jen.Lit(path), o.code()))),
		}
		return append(out, f.advanceBy(c, jen.Id("n"))...)
	}
	return f.switchArms(f.g.plan.Layout(t), lv, c, path, sel)
}

// switchArms is the switch over the arms of union l at the cursor: each
// arm decoded like the fields around it. The cursor ends after the union:
// its size, or more when the arm is longer.
func (f *fn) switchArms(l *wire.Layout, lv lvalue, c *cursor, path string, sel lvalue) []jen.Code {
	t := l.Type
	var out []jen.Code
	start := c.off()
	if !c.known {
		st := f.temp("start")
		out = append(out, jen.Id(st).Op(":=").Id("p"))
		start = off{buf: start.buf, terms: []term{{st, 1}}}
	}
	end := start.plus(t.Size)
	if t.Variable && f.define("p") == ":=" {
		out = append(out, jen.Var().Id("p").Int())
	}
	var cases []jen.Code
	for _, a := range l.Arms {
		bound := f.bound
		f.push()
		ac := &cursor{known: true, o: start}
		body := f.alone(a.Type, f.g.armLV(lv, a), ac, joinName(path, a.Name), fieldCtx{})
		switch {
		case t.Variable && ac.known && end.constant():
			body = append(body, jen.Id("p").Op("=").Lit(max(ac.o.k, end.k)))
		case t.Variable && ac.known:
			body = append(body, jen.Id("p").Op("=").Max(ac.o.code(), end.code()))
		case t.Variable:
			body = append(body, jen.Id("p").Op("=").Max(jen.Id("p"), end.code()))
		}
		f.pop()
		f.bound = bound
		if a.Variant.Case == nil {
			cases = append(cases, jen.Default().Block(body...))
		} else {
			cases = append(cases, jen.Case(jen.Id(f.g.names.values[a.Variant.Case])).Block(body...))
		}
	}
	if l.Default == nil {
		cases = append(cases, jen.Default().Block(
			f.fail(f, impl("UnknownValue", jen.Lit(f.typ), jen.Lit(path), start.code(), sel().Dot("String").Call()))))
	}
	out = append(out, jen.Switch(sel()).Block(cases...))
	switch {
	case t.Variable:
		c.known, c.least = false, 0
		if end.constant() {
			c.least = end.k
		}
	case c.known:
		c.o.k += t.Size
	default:
		out = append(out, jen.Id("p").Op("=").Add(end.code()))
	}
	return out
}

// lengthValue declares l as the value of the length field of the field
// being decoded, rejecting a negative one.
func (f *fn) lengthValue(fc fieldCtx, path, l string, o off) []jen.Code {
	lf := fc.field.LenField
	out := []jen.Code{jen.Id(l).Op(":=").Int().Call(f.g.fieldLV(fc.x, lf)())}
	if it := lf.Type.Int; it.Signed || it.Bits >= 32 {
		out = append(out, jen.If(jen.Id(l).Op("<").Lit(0)).Block(
			f.fail(f, impl("InvalidLength", jen.Lit(f.typ), jen.Lit(path), o.code(), jen.Id(l)))))
	}
	return out
}

// decodeText decodes string, bytes and their sized forms.
func (f *fn) decodeText(t *model.Type, lv lvalue, c *cursor, path string, fc fieldCtx) []jen.Code {
	o := c.off()
	var out []jen.Code
	if fc.field != nil && fc.field.LenField != nil {
		l := f.temp("l")
		out = append(out, f.lengthValue(fc, path, l, o)...)
		out = append(out, jen.If(jen.Id(l).Op(">").Add(f.rem(o))).Block(
			f.fail(f, impl("Short", jen.Lit(f.typ), jen.Lit(path), o.code(), jen.Id(l), lenB()))))
		data := o.b().Index(o.code(), o.plusVar(l))
		if t.Kind == model.KindBytes {
			out = append(out, lv().Op("=").Append(lv().Index(jen.Empty(), jen.Lit(0)), data.Op("...")))
		} else {
			out = append(out, lv().Op("=").Add(impl("Text", lv(), impl("CutNUL", data))))
		}
		return append(out, f.advanceBy(c, jen.Id(l))...)
	}
	if t.Kind == model.KindString {
		l := f.temp("l")
		out = append(out,
			jen.Id(l).Op(":=").Add(impl("IndexNUL", f.tail(o))),
			jen.If(jen.Id(l).Op("<").Lit(0)).Block(
				f.fail(f, impl("NoNUL", jen.Lit(f.typ), jen.Lit(path), o.code(), lenB()))),
			lv().Op("=").Add(impl("Text", lv(), o.b().Index(o.code(), o.plusVar(l)))),
		)
		return append(out, f.advanceBy(c, jen.Id(l).Op("+").Lit(1))...)
	}
	r := f.tail(o)
	out = append(out, lv().Op("=").Append(lv().Index(jen.Empty(), jen.Lit(0)), r.Clone().Op("...")))
	return append(out, f.advanceBy(c, jen.Len(r))...)
}

// decodeSlice decodes []T (to the end of the buffer) and [f]T (f
// elements), elements back to back.
func (f *fn) decodeSlice(t *model.Type, lv lvalue, c *cursor, path string, fc fieldCtx) []jen.Code {
	elem, o := t.Elem, c.off()
	size := elem.Size
	short := func(at, need *jen.Statement) jen.Code {
		return f.fail(f, impl("Short", jen.Lit(f.typ), jen.Lit(path), at, need, lenB()))
	}
	rigid := f.g.plan.Rigid(elem)
	loadLoop := func() jen.Code {
		i := f.temp("i")
		f.push()
		body := f.load(elem, lv.index(i), o.index(i, size), path, false)
		f.pop()
		return jen.For(jen.Id(i).Op(":=").Range().Add(lv())).Block(body...)
	}
	var out []jen.Code
	if fc.field != nil && fc.field.LenField != nil {
		l := f.temp("l")
		out = append(out, f.lengthValue(fc, path, l, o)...)
		if rigid {
			out = append(out,
				jen.If(jen.Id(l).Op(">").Parens(f.rem(o)).Op("/").Lit(size)).Block(short(o.code(), jen.Id(l).Op("*").Lit(size))),
				lv().Op("=").Add(impl("Resize", lv(), jen.Id(l))))
			if isByte(elem) {
				out = append(out, jen.Copy(lv(), o.b().Index(o.code(), o.plusVar(l))))
			} else {
				out = append(out, loadLoop())
			}
			return append(out, f.advanceBy(c, jen.Id(l).Op("*").Lit(size))...)
		}
		out = append(out,
			jen.If(jen.Id(l).Op(">").Add(f.rem(o))).Block(short(o.code(), jen.Id(l))),
			lv().Op("=").Add(impl("Resize", lv(), jen.Id(l))))
		out = append(out, f.materialize(c)...)
		i := f.temp("i")
		f.push()
		body := f.alone(elem, lv.index(i), c, path, fieldCtx{})
		f.pop()
		return append(out, jen.For(jen.Id(i).Op(":=").Range().Add(lv())).Block(body...))
	}
	if rigid {
		r := f.temp("r")
		out = append(out, jen.Id(r).Op(":=").Add(f.tail(o)))
		if isByte(elem) {
			out = append(out, lv().Op("=").Append(lv().Index(jen.Empty(), jen.Lit(0)), jen.Id(r).Op("...")))
		} else {
			out = append(out,
				jen.If(jen.Len(jen.Id(r)).Op("%").Lit(size).Op("!=").Lit(0)).Block(
					short(o.code().Op("+").Len(jen.Id(r)).Op("-").Len(jen.Id(r)).Op("%").Lit(size), jen.Lit(size))),
				lv().Op("=").Add(impl("Resize", lv(), jen.Len(jen.Id(r)).Op("/").Lit(size))),
				loadLoop())
		}
		return append(out, f.advanceBy(c, jen.Len(jen.Id(r)))...)
	}
	out = append(out, lv().Op("=").Add(lv()).Index(jen.Empty(), jen.Lit(0)))
	out = append(out, f.materialize(c)...)
	i := f.temp("i")
	f.push()
	body := []jen.Code{
		jen.Id(i).Op(":=").Len(lv()),
		lv().Op("=").Add(impl("Resize", lv(), jen.Id(i).Op("+").Lit(1))),
	}
	body = append(body, f.alone(elem, lv.index(i), c, path, fieldCtx{})...)
	f.pop()
	return append(out, jen.For(jen.Id("p").Op("<").Add(lenB())).Block(body...))
}
