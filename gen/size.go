package gen

import (
	"github.com/dave/jennifer/jen"

	"github.com/cngen/cngen/dsl/model"
	"github.com/cngen/cngen/dsl/wire"
)

// sizeStruct is the body of Size for a variable struct: the bytes
// AppendBinary appends, at least the size of its fixed part.
func (g *gen) sizeStruct(l *wire.Layout) []jen.Code {
	f := g.newFn(l.Name, nil)
	x := ident("x")
	var out []jen.Code
	c := knownAt(off{})
	for _, fd := range l.Fields {
		switch {
		case !fd.Dynamic && !c.known:
			out = append(out, jen.Id("p").Op("=").Max(jen.Id("p"), jen.Lit(fd.Off)))
		case !fd.Dynamic:
			c.o = off{k: fd.Off}
		default:
			out = append(out, f.alignTo(c, fd.Align)...)
		}
		if fd.Type.Fixed() {
			out = append(out, f.advance(c, fd.Size)...)
			continue
		}
		lv := g.fieldLV(x, fd)
		if fd.Type.Kind == model.KindSwitch {
			n, code := f.sizeSwitch(fd.Type, lv, g.fieldLV(x, fd.Selector))
			at := c.o.k
			out = append(out, code...)
			out = append(out, f.advanceBy(c, n)...)
			if c.least == at { // n is at least the union's size
				c.least += fd.Size
			}
			continue
		}
		n, loop := f.sizeOf(fd.Type, lv)
		if n != nil {
			out = append(out, f.advanceBy(c, n)...)
			continue
		}
		out = append(out, f.materialize(c)...)
		out = append(out, loop...)
	}
	if c.known {
		return []jen.Code{jen.Return(jen.Lit(max(c.o.k, l.Type.Size)))}
	}
	if c.least >= l.Type.Size {
		return append(out, jen.Return(jen.Id("p")))
	}
	return append(out, jen.Return(jen.Max(jen.Id("p"), jen.Lit(l.Type.Size))))
}

// sizeSwitch is the encoded size of switch union t: a call of its sizeFor,
// or a switch over its variable arms in line.
func (f *fn) sizeSwitch(t *model.Type, lv, sel lvalue) (*jen.Statement, []jen.Code) {
	if !f.g.switchInline(t) {
		return lv().Dot("sizeFor").Call(sel()), nil
	}
	return f.sizeArms(f.g.plan.Layout(t), lv, sel)
}

// sizeArms is the size of the arm of union l that sel picks, at least
// the union's: a constant, or a switch over the variable arms.
func (f *fn) sizeArms(l *wire.Layout, lv, sel lvalue) (*jen.Statement, []jen.Code) {
	t := l.Type
	n := f.temp("n")
	out := []jen.Code{jen.Id(n).Op(":=").Lit(t.Size)}
	var cases, fixed []jen.Code
	for _, a := range l.Arms {
		if a.Type.Fixed() {
			if a.Variant.Case != nil {
				fixed = append(fixed, jen.Id(f.g.names.values[a.Variant.Case]))
			}
			continue
		}
		size, loop := f.sizeOf(a.Type, f.g.armLV(lv, a))
		var body []jen.Code
		if size == nil {
			body = append(body, jen.Id("p").Op(":=").Lit(0))
			body = append(body, loop...)
			size = jen.Id("p")
		}
		body = append(body, jen.Id(n).Op("=").Max(size, jen.Lit(t.Size)))
		cases = append(cases, f.armCase(a, body))
	}
	if len(cases) == 0 {
		return jen.Lit(t.Size), nil
	}
	if l.Default != nil && !l.Default.Type.Fixed() && len(fixed) > 0 {
		cases = append([]jen.Code{jen.Case(fixed...)}, cases...)
	}
	return jen.Id(n), append(out, jen.Switch(sel()).Block(cases...))
}

// sizeOf is the encoded size of a variable v of t: an expression, or a
// loop that adds it to p.
func (f *fn) sizeOf(t *model.Type, v lvalue) (*jen.Statement, []jen.Code) {
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
	case model.KindSlice:
		if t.Elem.Fixed() {
			if t.Elem.Size == 1 {
				return jen.Len(v()), nil
			}
			return jen.Len(v()).Op("*").Lit(t.Elem.Size), nil
		}
		i := f.temp("i")
		var body []jen.Code
		n, loop := f.sizeOf(t.Elem, v.index(i))
		if n != nil {
			body = append(body, jen.Id("p").Op("+=").Add(n))
		}
		body = append(body, loop...)
		return nil, []jen.Code{jen.For(jen.Id(i).Op(":=").Range().Add(v())).Block(body...)}
	}
	return jen.Lit(t.Size), nil
}
