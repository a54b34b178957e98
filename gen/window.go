package gen

import (
	"strconv"

	"github.com/dave/jennifer/jen"

	"github.com/cngen/cngen/dsl/model"
)

// This file emits the fast half of every encoder: the slots a layout
// holds at constant offsets are stored into one window of zeros that
// cn.Extend appends at once, each with a PutUintN, a byte store or a copy
// at a constant offset, so that the slice grows and is checked once and
// padding is zero without a write. Nested fixed structs and switch unions
// are stored in line, as the decoder loads them (decode.go); a variable
// variant of a switch union gives back the window from the union on and
// appends (encode.go), as does everything after the constant-offset
// prefix.

// windowed returns how many of slots, from the first, sit at constant
// offsets where a window holds them, and the window's size: up to the end
// of the last of them, or to size when they are all the slots. A switch
// union counts with its C size even when a variant is variable: the
// variable variants give the window back when they run.
func windowed(slots []*slot, size int) (n, end int) {
	for _, s := range slots {
		if s.dynamic || (s.t.Variable && s.t.Kind != model.KindSwitch) {
			break
		}
		n, end = n+1, max(end, s.off+s.t.Size)
		if s.t.Variable {
			break // what follows has no constant offset
		}
	}
	if n == len(slots) {
		end = max(end, size)
	}
	return n, end
}

// window appends end zero bytes to b and stores slots, which windowed
// accepted, in them. It runs at the top of a function body, where it
// declares w, the window.
func (f *fn) window(slots []*slot, end int) []jen.Code {
	var body []jen.Code
	for _, s := range slots {
		o := off{buf: "w", k: s.off}
		switch {
		case len(s.lengthOf) > 0:
			l, checks := f.lengthChecks(s)
			body = append(body, checks...)
			body = append(body, f.storeInt(lengthType(s.t), o, jen.Id(l)))
		case s.t.Kind == model.KindSwitch:
			body = append(body, f.storeSwitch(s.t, s.lv, s.sel, o, s.name, end)...)
		default:
			body = append(body, f.store(s.t, s.lv, o, s.name)...)
		}
	}
	if end == 0 {
		return body
	}
	extend := jen.Qual(cnPkg, "Extend").Call(jen.Id("b"), jen.Lit(end))
	if !f.used["w"] { // only zeros: pad, empty variants
		return append([]jen.Code{jen.List(jen.Id("b"), jen.Id("_")).Op("=").Add(extend)}, body...)
	}
	return append([]jen.Code{jen.List(jen.Id("b"), jen.Id("w")).Op(":=").Add(extend)}, body...)
}

// store writes the value lv of fixed-size t at o in the window, whose
// bytes are zeros until then.
func (f *fn) store(t *model.Type, lv func() *jen.Statement, o off, name string) []jen.Code {
	switch t.Kind {
	case model.KindInt, model.KindFlags:
		return []jen.Code{f.storeInt(t, o, lv())}
	case model.KindEnum:
		return []jen.Code{
			jen.If(jen.Op("!").Add(lv()).Dot("valid").Call()).Block(
				f.fail(f, f.errorf("EncodeFail", jen.Lit(f.typ), jen.Lit(name), lv().Dot("String").Call(), jen.Qual(cnPkg, "ErrUnknownValue")))),
			f.storeInt(t, o, lv()),
		}
	case model.KindBool:
		return []jen.Code{jen.If(lv()).Block(f.win(o).Index(o.code()).Op("=").Lit(1))}
	case model.KindCString, model.KindUnion, model.KindBytes:
		return []jen.Code{jen.Copy(f.span(o, t.Size), lv().Index(jen.Empty(), jen.Empty()))}
	case model.KindArray:
		if isByte(t.Elem) {
			return []jen.Code{jen.Copy(f.span(o, t.Size), lv().Index(jen.Empty(), jen.Empty()))}
		}
		i := f.temp("i")
		body := f.store(t.Elem, func() *jen.Statement { return lv().Index(jen.Id(i)) }, o.index(i, t.Elem.Size), name)
		return []jen.Code{jen.For(jen.Id(i).Op(":=").Range().Add(lv())).Block(body...)}
	case model.KindStruct:
		var out []jen.Code
		for _, fd := range t.Fields {
			if fd.Type.Kind == model.KindPad {
				continue
			}
			flv, fo, fname := dot(lv, f.g.names.fields[fd]), o.plus(fd.Offset), joinName(name, fd.Name)
			if fd.Type.Kind == model.KindSwitch {
				out = append(out, f.storeSwitch(fd.Type, flv, dot(lv, f.g.names.fields[fd.Selector]), fo, fname, 0)...)
				continue
			}
			out = append(out, f.store(fd.Type, flv, fo, fname)...)
		}
		return out
	case model.KindSwitch:
		panic("gen: a switch union is stored with its selector") // storeSwitch
	}
	return nil // pad: zeros already
}

// storeSwitch stores the variant of switch union t that sel picks: one
// switch, each fixed variant stored like the fields around it. A variable
// variant (only where the union is a window's last slot, at a constant o)
// cuts b back to where the union starts, appends itself, and fills up to
// end, the window's size.
func (f *fn) storeSwitch(t *model.Type, lv, sel func() *jen.Statement, o off, name string, end int) []jen.Code {
	var cases []jen.Code
	for _, v := range variants(t) {
		vlv, vname := dot(lv, f.g.names.variants[v]), joinName(name, v.Name())
		var body []jen.Code
		if v.Type.Fixed() {
			body = f.store(v.Type, vlv, o, vname)
		} else {
			start := f.use("s")
			if o.k != 0 {
				start.Op("+").Lit(o.k)
			}
			body = append(body, jen.Id("b").Op("=").Id("b").Index(jen.Empty(), start))
			body = append(body, f.enc(v.Type, vlv, vname, nil)...)
			body = append(body, jen.Id("b").Op("=").Qual(cnPkg, "AppendFill").Call(jen.Id("b"), f.use("s"), jen.Lit(end)))
		}
		if v.Case == nil {
			if len(cases) == 0 {
				return body // default is all there is
			}
			cases = append(cases, jen.Default().Block(body...))
		} else {
			cases = append(cases, jen.Case(jen.Id(f.g.names.values[v.Case])).Block(body...))
		}
	}
	if t.Default == nil {
		cases = append(cases, jen.Default().Block(
			f.fail(f, f.errorf("EncodeFail", jen.Lit(f.typ), jen.Lit(name), sel().Dot("String").Call(), jen.Qual(cnPkg, "ErrUnknownValue")))))
	}
	return []jen.Code{jen.Switch(sel()).Block(cases...)}
}

// win is the window, marked as used.
func (f *fn) win(o off) *jen.Statement {
	f.use(o.buf)
	return o.b()
}

// span is the n bytes of the window from o on.
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
