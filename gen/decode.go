package gen

import (
	"strconv"

	"github.com/dave/jennifer/jen"

	"github.com/cngen/cngen/dsl/model"
)

// decodeSlots is the body of a decode function: it decodes slots from b
// and returns the bytes used, at least size unless b is shorter.
func (f *fn) decodeSlots(slots []*slot, size int) []jen.Code {
	c := &cursor{known: true}
	out := f.decodeRun(slots, c)
	var used *jen.Statement
	switch {
	case c.known && max(c.k, size) == 0:
		return append(out, jen.Return(jen.Lit(0), jen.Nil()))
	case c.known:
		used = jen.Lit(max(c.k, size))
	case size == 0:
		used = jen.Id("p")
	default:
		used = jen.Max(jen.Id("p"), jen.Lit(size))
	}
	return append(out, jen.Return(jen.Min(f.lenB(), used), jen.Nil()))
}

// decodeRun decodes slots from the cursor on.
func (f *fn) decodeRun(slots []*slot, c *cursor) []jen.Code {
	var out []jen.Code
	for i := 0; i < len(slots); {
		s := slots[i]
		out = append(out, f.place(c, s)...)
		if !c.known || !rigid(s.t) {
			out = append(out, f.cursorDecode(s, c)...)
			i++
			continue
		}
		// A run of rigid fields at constant offsets: one length check,
		// then plain loads.
		j := i + 1
		for j < len(slots) && !slots[j].dynamic && rigid(slots[j].t) {
			j++
		}
		end := slots[j-1].off + slots[j-1].t.Size
		run := f.flatten(slots[i:j])
		out = append(out, f.check(run)...)
		for _, s := range run {
			if s.lv != nil {
				out = append(out, f.fixed(s.t, s.lv, off{buf: f.buf, k: s.off}, s.name)...)
			}
		}
		f.seek(c, end)
		i = j
	}
	return out
}

// decodeSwitch decodes the variant of switch union slot s that its
// selector picks, in line: one switch, and each variant decoded like the
// fields around it. The cursor ends after the union: its size, or more
// when the variant is longer.
func (f *fn) decodeSwitch(s *slot, c *cursor) []jen.Code {
	t := s.t
	var out []jen.Code
	start := jen.Lit(c.k)
	if !c.known {
		st := f.temp("start")
		out = append(out, jen.Id(st).Op(":=").Id("p"))
		start = jen.Id(st)
	}
	end := func() *jen.Statement { return start.Clone().Op("+").Lit(t.Size) }
	if c.known {
		end = func() *jen.Statement { return jen.Lit(c.k + t.Size) }
	}
	if t.Variable && f.define("p") == ":=" {
		out = append(out, jen.Var().Id("p").Int())
	}
	var cases []jen.Code
	for _, v := range variants(t) {
		f.push()
		cc := *c
		vs := &slot{name: joinName(s.name, v.Name()), t: v.Type, last: s.last, lv: dot(s.lv, f.g.names.variants[v])}
		if cc.known {
			vs.off = cc.k
		} else {
			vs.dynamic, vs.align = true, 1
		}
		body := f.decodeRun([]*slot{vs}, &cc)
		switch {
		case t.Variable && cc.known && c.known:
			body = append(body, jen.Id("p").Op("=").Lit(max(cc.k, c.k+t.Size)))
		case t.Variable && cc.known:
			body = append(body, jen.Id("p").Op("=").Max(jen.Lit(cc.k), end()))
		case t.Variable:
			body = append(body, jen.Id("p").Op("=").Max(jen.Id("p"), end()))
		case !cc.known && c.known:
			body = append(body, jen.Id("_").Op("=").Id("p"))
		}
		f.pop()
		if v.Case == nil {
			cases = append(cases, jen.Default().Block(body...))
		} else {
			cases = append(cases, jen.Case(jen.Id(f.g.names.values[v.Case])).Block(body...))
		}
	}
	if t.Default == nil {
		cases = append(cases, jen.Default().Block(
			f.fail(f, f.errorf("UnknownValue", jen.Lit(f.typ), jen.Lit(s.name), start.Clone(), s.sel().Dot("String").Call()))))
	}
	out = append(out, jen.Switch(s.sel()).Block(cases...))
	switch {
	case t.Variable:
		c.known = false
	case c.known:
		c.k += t.Size
	default:
		out = append(out, jen.Id("p").Op("=").Add(end()))
	}
	return out
}

func joinName(a, b string) string {
	if a == "" {
		return b
	}
	return a + "." + b
}

func dot(lv func() *jen.Statement, id string) func() *jen.Statement {
	return func() *jen.Statement { return lv().Dot(id) }
}

// flatten replaces the rigid structs of a run by their fields, so that
// nested fields load at constant offsets in the same function, after the
// same length check, and a short buffer names the innermost field.
func (f *fn) flatten(run []*slot) []*slot {
	var out []*slot
	for _, s := range run {
		if s.t.Kind != model.KindStruct || s.lv == nil {
			out = append(out, s)
			continue
		}
		var inner []*slot
		for _, fd := range s.t.Fields {
			in := &slot{name: joinName(s.name, fd.Name), t: fd.Type, off: s.off + fd.Offset, align: fd.Align}
			if fd.Type.Kind != model.KindPad {
				lv, id := s.lv, f.g.names.fields[fd]
				in.lv = func() *jen.Statement { return lv().Dot(id) }
			}
			inner = append(inner, in)
		}
		out = append(out, f.flatten(inner)...)
	}
	return out
}

// check is the one length check of a run of rigid slots; when it fails,
// the slow path finds the first slot that does not fit.
func (f *fn) check(run []*slot) []jen.Code {
	type span struct {
		s   *slot
		end int
	}
	var spans []span
	end := 0
	for _, s := range run {
		if e := s.off + s.t.Size; s.t.Size > 0 && e > end {
			spans = append(spans, span{s, e})
			end = e
		}
	}
	if len(spans) == 0 {
		return nil
	}
	short := func(s *slot) []jen.Code {
		var out []jen.Code
		if s.t.Kind == model.KindStruct && s.lv != nil {
			// Let the struct name its own field that does not fit.
			o := off{buf: f.buf, k: s.off}
			out = f.nested(s, o, f.tail(o))
		}
		return append(out, f.fail(f, f.errorf("Short", jen.Lit(f.typ), jen.Lit(s.name), jen.Lit(s.off), jen.Lit(s.t.Size), f.lenB())))
	}
	var body []jen.Code
	if len(spans) == 1 {
		body = short(spans[0].s)
	} else {
		var cases []jen.Code
		for _, sp := range spans[:len(spans)-1] {
			cases = append(cases, jen.Case(f.lenB().Op("<").Lit(sp.end)).Block(short(sp.s)...))
		}
		cases = append(cases, jen.Default().Block(short(spans[len(spans)-1].s)...))
		body = []jen.Code{jen.Switch().Block(cases...)}
	}
	return []jen.Code{jen.If(f.lenB().Op("<").Lit(end)).Block(body...)}
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

// fixed decodes a rigid t at o into lv; the bytes are known to be there.
func (f *fn) fixed(t *model.Type, lv func() *jen.Statement, o off, name string) []jen.Code {
	switch t.Kind {
	case model.KindInt, model.KindFlags:
		return []jen.Code{lv().Op("=").Add(f.typedLoad(t, o))}
	case model.KindEnum:
		return []jen.Code{
			lv().Op("=").Add(f.typedLoad(t, o)),
			jen.If(jen.Op("!").Add(lv()).Dot("valid").Call()).Block(
				f.fail(f, f.errorf("UnknownValue", jen.Lit(f.typ), jen.Lit(name), o.code(), lv().Dot("String").Call()))),
		}
	case model.KindBool:
		return []jen.Code{
			jen.If(o.at().Op(">").Lit(1)).Block(
				f.fail(f, f.errorf("InvalidBool", jen.Lit(f.typ), jen.Lit(name), o.code(), o.at()))),
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
		body := f.fixed(t.Elem, func() *jen.Statement { return lv().Index(jen.Id(i)) }, o.index(i, t.Elem.Size), name)
		f.pop()
		return []jen.Code{jen.For(jen.Id(i).Op(":=").Range().Add(lv())).Block(body...)}
	case model.KindStruct:
		return f.nested(&slot{name: name, t: t, lv: lv}, o, o.from())
	}
	return nil // pad
}

// nested decodes struct slot s from buf, which starts at o.
func (f *fn) nested(s *slot, o off, buf *jen.Statement) []jen.Code {
	return []jen.Code{jen.If(
		jen.List(jen.Id("_"), jen.Err()).Op(":=").Add(s.lv()).Dot("decode").Call(buf),
		jen.Err().Op("!=").Nil(),
	).Block(f.fail(f, f.errorf("NestDecode", jen.Err(), jen.Lit(f.typ), jen.Lit(s.name), o.code())))}
}

// tail is buf[o:], or nothing when o is past its end.
func (f *fn) tail(o off) *jen.Statement {
	if o.zero() {
		return o.b()
	}
	return jen.Qual(cnPkg, "Tail").Call(o.b(), o.code())
}

// rest is the part of b a call-decoded slot may read: the rest of the
// buffer for the last slot, else at most its size.
func (f *fn) rest(o off, last bool, size int) *jen.Statement {
	if last {
		return f.tail(o)
	}
	return jen.Qual(cnPkg, "Window").Call(jen.Id(f.buf), o.code(), jen.Lit(size))
}

// cursorDecode decodes s at the cursor, checking bounds itself.
func (f *fn) cursorDecode(s *slot, c *cursor) []jen.Code {
	t := s.t
	o := c.off(f.buf)
	short := func(need *jen.Statement) jen.Code {
		return f.fail(f, f.errorf("Short", jen.Lit(f.typ), jen.Lit(s.name), o.code(), need, f.lenB()))
	}
	var out []jen.Code
	switch {
	case rigid(t):
		if t.Size > 0 {
			out = append(out, jen.If(f.lenB().Op("<").Add(o.plus(t.Size).code())).Block(short(jen.Lit(t.Size))))
		}
		if s.lv != nil {
			out = append(out, f.fixed(t, s.lv, o, s.name)...)
		}
		return append(out, f.advance(c, t.Size)...)

	case t.Kind == model.KindArray: // fixed, but each element has a choice inside
		i := f.temp("i")
		eo := o.index(i, t.Elem.Size)
		out = append(out, jen.For(jen.Id(i).Op(":=").Range().Add(s.lv())).Block(
			jen.If(
				jen.List(jen.Id("_"), jen.Err()).Op(":=").Add(s.lv()).Index(jen.Id(i)).Dot("decode").Call(
					jen.Qual(cnPkg, "Window").Call(jen.Id(f.buf), eo.code(), jen.Lit(t.Elem.Size))),
				jen.Err().Op("!=").Nil(),
			).Block(f.fail(f, f.errorf("NestDecode", jen.Err(), jen.Lit(f.typ), jen.Lit(s.name), eo.code()))),
		))
		return append(out, f.advance(c, t.Size)...)

	case t.Kind == model.KindSwitch:
		return f.decodeSwitch(s, c)

	case t.Kind == model.KindStruct:
		args := []jen.Code{f.rest(o, s.last, t.Size)}
		if t.Fixed() { // it may use fewer bytes (a short variant), never more
			out = append(out, jen.If(
				jen.List(jen.Id("_"), jen.Err()).Op(":=").Add(s.lv()).Dot("decode").Call(args...),
				jen.Err().Op("!=").Nil(),
			).Block(f.fail(f, f.errorf("NestDecode", jen.Err(), jen.Lit(f.typ), jen.Lit(s.name), o.code()))))
			return append(out, f.advance(c, t.Size)...)
		}
		out = append(out,
			jen.List(jen.Id("n"), jen.Err()).Op(f.define("n", "err")).Add(s.lv()).Dot("decode").Call(args...),
			jen.If(jen.Err().Op("!=").Nil()).Block(
				f.fail(f, f.errorf("NestDecode", jen.Err(), jen.Lit(f.typ), jen.Lit(s.name), o.code()))),
		)
		return append(out, f.advanceBy(c, jen.Id("n"))...)

	case t.Kind == model.KindSlice:
		return f.sliceDecode(s, c)

	case t.LenField != nil: // string[f], bytes[f]
		l := f.temp("l")
		out = append(out, f.lengthValue(s, l, o)...)
		out = append(out, jen.If(jen.Id(l).Op(">").Add(f.lenB()).Op("-").Add(o.operand())).Block(short(jen.Id(l))))
		data := o.b().Index(o.code(), o.plusVar(l))
		if t.Kind == model.KindBytes {
			out = append(out, s.lv().Op("=").Append(s.lv().Index(jen.Empty(), jen.Lit(0)), data.Op("...")))
		} else {
			out = append(out, s.lv().Op("=").Qual(cnPkg, "Text").Call(s.lv(), jen.Qual(cnPkg, "CutNUL").Call(data)))
		}
		return append(out, f.advanceBy(c, jen.Id(l))...)

	case t.Kind == model.KindString: // NUL-terminated, up to the rest
		l := f.temp("l")
		out = append(out,
			jen.Id(l).Op(":=").Qual(cnPkg, "IndexNUL").Call(f.tail(o)),
			jen.If(jen.Id(l).Op("<").Lit(0)).Block(
				f.fail(f, f.errorf("NoNUL", jen.Lit(f.typ), jen.Lit(s.name), o.code(), f.lenB()))),
			s.lv().Op("=").Qual(cnPkg, "Text").Call(s.lv(), o.b().Index(o.code(), o.plusVar(l))),
		)
		return append(out, f.advanceBy(c, jen.Id(l).Op("+").Lit(1))...)

	default: // bytes: the rest
		r := f.tail(o)
		out = append(out, s.lv().Op("=").Append(s.lv().Index(jen.Empty(), jen.Lit(0)), r.Clone().Op("...")))
		return append(out, f.advanceBy(c, jen.Len(r))...)
	}
}

// lengthValue declares l as the value of the length field of sized s,
// rejecting a negative one.
func (f *fn) lengthValue(s *slot, l string, o off) []jen.Code {
	out := []jen.Code{jen.Id(l).Op(":=").Int().Call(s.length())}
	if it := s.t.LenField.Type.Int; it.Signed || it.Bits >= 32 {
		out = append(out, jen.If(jen.Id(l).Op("<").Lit(0)).Block(
			f.fail(f, f.errorf("InvalidLength", jen.Lit(f.typ), jen.Lit(s.name), o.code(), jen.Id(l)))))
	}
	return out
}

// sliceDecode decodes []T (to the end of the buffer) and [f]T (f
// elements).
func (f *fn) sliceDecode(s *slot, c *cursor) []jen.Code {
	t, elem := s.t, s.t.Elem
	o := c.off(f.buf)
	size := elem.Size
	short := func(at, need *jen.Statement) jen.Code {
		return f.fail(f, f.errorf("Short", jen.Lit(f.typ), jen.Lit(s.name), at, need, f.lenB()))
	}
	var out []jen.Code
	elemAt := func(i string) func() *jen.Statement {
		return func() *jen.Statement { return s.lv().Index(jen.Id(i)) }
	}
	fixedLoop := func() jen.Code {
		i := f.temp("i")
		f.push()
		body := f.fixed(elem, elemAt(i), o.index(i, size), s.name)
		f.pop()
		return jen.For(jen.Id(i).Op(":=").Range().Add(s.lv())).Block(body...)
	}
	// cursorLoop decodes one element per iteration at the cursor.
	cursorLoop := func(head jen.Code, i string, grow bool) []jen.Code {
		f.push()
		var body []jen.Code
		if grow {
			body = append(body,
				jen.Id(i).Op(":=").Len(s.lv()),
				s.lv().Op("=").Qual(cnPkg, "Resize").Call(s.lv(), jen.Id(i).Op("+").Lit(1)))
		}
		body = append(body, f.cursorDecode(&slot{name: s.name, t: elem, last: true, lv: elemAt(i)}, c)...)
		f.pop()
		return []jen.Code{jen.For(head).Block(body...)}
	}

	if t.LenField != nil {
		l := f.temp("l")
		out = append(out, f.lengthValue(s, l, o)...)
		if rigid(elem) {
			out = append(out,
				jen.If(jen.Id(l).Op(">").Parens(f.lenB().Op("-").Add(o.operand())).Op("/").Lit(size)).Block(
					short(o.code(), jen.Id(l).Op("*").Lit(size))),
				s.lv().Op("=").Qual(cnPkg, "Resize").Call(s.lv(), jen.Id(l)))
			if isByte(elem) {
				out = append(out, jen.Copy(s.lv(), o.b().Index(o.code(), o.plusVar(l))))
			} else {
				out = append(out, fixedLoop())
			}
			return append(out, f.advanceBy(c, jen.Id(l).Op("*").Lit(size))...)
		}
		out = append(out,
			jen.If(jen.Id(l).Op(">").Add(f.lenB()).Op("-").Add(o.operand())).Block(short(o.code(), jen.Id(l))),
			s.lv().Op("=").Qual(cnPkg, "Resize").Call(s.lv(), jen.Id(l)))
		out = append(out, f.materialize(c)...)
		i := f.temp("i")
		return append(out, cursorLoop(jen.Id(i).Op(":=").Range().Add(s.lv()), i, false)...)
	}

	if rigid(elem) {
		r := f.temp("r")
		out = append(out, jen.Id(r).Op(":=").Add(f.tail(o)))
		if isByte(elem) {
			out = append(out, s.lv().Op("=").Append(s.lv().Index(jen.Empty(), jen.Lit(0)), jen.Id(r).Op("...")))
		} else {
			out = append(out,
				jen.If(jen.Len(jen.Id(r)).Op("%").Lit(size).Op("!=").Lit(0)).Block(
					short(o.code().Op("+").Len(jen.Id(r)).Op("-").Len(jen.Id(r)).Op("%").Lit(size), jen.Lit(size))),
				s.lv().Op("=").Qual(cnPkg, "Resize").Call(s.lv(), jen.Len(jen.Id(r)).Op("/").Lit(size)),
				fixedLoop())
		}
		return append(out, f.advanceBy(c, jen.Len(jen.Id(r)))...)
	}
	out = append(out, s.lv().Op("=").Add(s.lv()).Index(jen.Empty(), jen.Lit(0)))
	out = append(out, f.materialize(c)...)
	return append(out, cursorLoop(jen.Id("p").Op("<").Add(f.lenB()), f.temp("i"), true)...)
}
