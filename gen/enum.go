package gen

import (
	"fmt"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/cngen/cngen/dsl/model"
	"github.com/cngen/cngen/dsl/wire"
)

// enum emits an enum or flags type, its members and methods.
func (g *gen) enum(t *model.Type) {
	id := g.names.types[t]
	g.add(g.typeDoc(t, id)...)
	g.f.Type().Id(id).Id(goInt(t.Int))
	if len(t.Values) > 0 {
		var defs []jen.Code
		for _, v := range t.Values {
			defs = append(defs, namedDocs(v.Doc, v.Name, g.names.values[v])...)
			defs = append(defs, jen.Id(g.names.values[v]).Id(id).Op("=").Add(intLit(v.Value, t.Kind == model.KindFlags)))
		}
		g.f.Const().Defs(defs...)
	}
	if t.Kind == model.KindEnum {
		g.enumString(t, id)
		g.enumValid(t, id)
	} else {
		g.flagsString(t, id)
	}
}

// enumString emits String for an enum: the value's name as the schema
// writes it, or type(N) for a value outside the set.
func (g *gen) enumString(t *model.Type, id string) {
	var cases []jen.Code
	for _, v := range t.Values {
		cases = append(cases, jen.Case(jen.Id(g.names.values[v])).Block(jen.Return(jen.Lit(v.Name))))
	}
	num := jen.Qual(strconvPkg, "FormatUint").Call(jen.Uint64().Call(jen.Id("x")), jen.Lit(10))
	if t.Int.Signed {
		num = jen.Qual(strconvPkg, "FormatInt").Call(jen.Int64().Call(jen.Id("x")), jen.Lit(10))
	}
	var body []jen.Code
	if len(cases) > 0 {
		body = append(body, jen.Switch(jen.Id("x")).Block(cases...))
	}
	body = append(body, jen.Return(jen.Lit(t.Name+"(").Op("+").Add(num).Op("+").Lit(")")))
	g.f.Comment("String returns the schema's name of x, or " + t.Name + "(N) for a value outside the set.")
	g.f.Func().Params(jen.Id("x").Id(id)).Id("String").Params().String().Block(body...)
}

func (g *gen) enumValid(t *model.Type, id string) {
	var body []jen.Code
	if len(t.Values) > 0 {
		var vals []jen.Code
		for _, v := range t.Values {
			vals = append(vals, jen.Id(g.names.values[v]))
		}
		body = append(body, jen.Switch(jen.Id("x")).Block(jen.Case(vals...).Block(jen.Return(jen.True()))))
	}
	body = append(body, jen.Return(jen.False()))
	g.f.Comment("valid reports whether x is one of the declared values.")
	g.f.Func().Params(jen.Id("x").Id(id)).Id("valid").Params().Bool().Block(body...)
}

// flagsString emits String for flags through cnimpl.FlagsString, with the
// spelling package wire gives: the schema's names of the members set,
// widest masks first, joined by |, then any bits left in hex.
func (g *gen) flagsString(t *model.Type, id string) {
	zero, members := wire.Flags(t)
	var names []jen.Code
	for _, m := range members {
		names = append(names, jen.Line().Values(
			jen.Id("Mask").Op(":").Op(fmt.Sprintf("%#x", m.Mask)),
			jen.Id("Name").Op(":").Lit(m.Name)))
	}
	names = append(names, jen.Line())
	table := lowerFirst(id) + "Names"
	g.f.Comment(table + " spells " + id + " values, widest masks first.")
	g.f.Var().Id(table).Op("=").Index().Qual(cnimplPkg, "FlagName").Values(names...)
	unsigned := jen.Uint64().Call(jen.Id("x"))
	if t.Int.Signed {
		unsigned = jen.Uint64().Call(jen.Id("u" + goInt(t.Int)).Call(jen.Id("x")))
	}
	g.f.Comment("String returns the schema's names of the flags set in x joined by |,")
	g.f.Comment("widest masks first, then any unnamed bits in hex.")
	g.f.Func().Params(jen.Id("x").Id(id)).Id("String").Params().String().Block(
		jen.Return(impl("FlagsString", unsigned, jen.Lit(zero), jen.Id(table))))
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}
