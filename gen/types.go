package gen

import (
	"cmp"
	"fmt"
	"math/big"
	"math/bits"
	"slices"
	"strconv"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/cngen/cngen/dsl/model"
)

// declared emits a declared type, then the inline types and cstring
// helpers it introduced.
func (g *gen) declared(t *model.Type) {
	g.typ(t)
	for _, it := range g.names.inline[t] {
		g.typ(it)
	}
	for _, n := range g.names.cstrUse[t] {
		g.cstring(n)
	}
}

func (g *gen) typ(t *model.Type) {
	switch t.Kind {
	case model.KindEnum, model.KindFlags:
		g.enum(t)
	case model.KindStruct:
		g.strct(t)
	case model.KindUnion:
		g.union(t)
	case model.KindSwitch:
		g.switchUnion(t)
	}
}

// goType is the Go type of a value of t.
func (g *gen) goType(t *model.Type) *jen.Statement {
	switch t.Kind {
	case model.KindInt:
		return jen.Id(goInt(t.Int))
	case model.KindBool:
		return jen.Bool()
	case model.KindCString:
		return jen.Id(g.names.cstrings[t.Len])
	case model.KindString:
		return jen.String()
	case model.KindBytes:
		if t.Fixed() {
			return jen.Index(jen.Lit(t.Len)).Byte()
		}
		return jen.Index().Byte()
	case model.KindArray:
		return jen.Index(jen.Lit(t.Len)).Add(g.goType(t.Elem))
	case model.KindSlice:
		return jen.Index().Add(g.goType(t.Elem))
	}
	return jen.Id(g.names.types[t])
}

func goInt(it model.IntType) string {
	s := "uint"
	if it.Signed {
		s = "int"
	}
	return s + strconv.Itoa(it.Bits)
}

// sizeConst emits the unexported size constant of a struct or union.
func (g *gen) sizeConst(t *model.Type) {
	what := "The C size of " + g.names.cn[t]
	if t.Variable {
		what = "The size of the fixed part of " + g.names.cn[t]
	}
	g.f.Comment(commentText(what + "."))
	g.f.Const().Id(g.names.sizes[t]).Op("=").Lit(t.Size)
}

// structSlots are the fields of a struct as the codecs walk them, with x
// the receiver.
func (g *gen) structSlots(t *model.Type) []*slot {
	byField := map[*model.Field]*slot{}
	var out []*slot
	for i, f := range t.Fields {
		s := &slot{name: f.Name, t: f.Type, off: f.Offset, dynamic: f.Dynamic, align: f.Align, last: i == len(t.Fields)-1}
		if f.Type.Kind != model.KindPad {
			s.lv = recvField("x", g.names.fields[f])
		}
		if f.Selector != nil {
			s.sel = recvField("x", g.names.fields[f.Selector])
		}
		if lf := f.Type.LenField; lf != nil {
			s.length = recvField("x", g.names.fields[lf])
		}
		byField[f] = s
		out = append(out, s)
	}
	for _, f := range t.Fields {
		for _, sized := range f.LengthOf {
			byField[f].lengthOf = append(byField[f].lengthOf, byField[sized])
		}
	}
	return out
}

func recvField(recv, field string) func() *jen.Statement {
	return func() *jen.Statement { return jen.Id(recv).Dot(field) }
}

func (g *gen) strct(t *model.Type) {
	id := g.names.types[t]
	var fields []jen.Code
	for _, f := range t.Fields {
		if f.Type.Kind == model.KindPad {
			continue
		}
		fields = append(fields, namedDocs(f.Doc, f.Name, g.names.fields[f])...)
		fields = append(fields, jen.Id(g.names.fields[f]).Add(g.goType(f.Type)))
	}
	g.add(g.typeDoc(t, id)...)
	g.f.Type().Id(id).Struct(fields...)
	g.sizeConst(t)
	slots := g.structSlots(t)
	recv := jen.Id("x").Op("*").Id(id)

	g.f.Comment("Size returns the number of bytes AppendBinary appends.")
	if t.Fixed() {
		g.f.Func().Params(recv.Clone()).Id("Size").Params().Int().Block(jen.Return(jen.Id(g.names.sizes[t])))
	} else {
		g.f.Func().Params(recv.Clone()).Id("Size").Params().Int().Block(g.newFn(g.names.cn[t], "b", nil).sizeBody(slots, t.Size)...)
	}
	g.appendBinary(t, recv, slots)
	g.marshalBinary(recv)
	g.unmarshalBinary(recv)
	d := g.newFn(g.names.cn[t], "b", failDecode)
	g.f.Comment("decode decodes x from the start of b and returns the number of bytes it used.")
	g.f.Func().Params(recv.Clone()).Id("decode").Params(jen.Id("b").Index().Byte()).Params(jen.Int(), jen.Error()).
		Block(d.decodeSlots(slots, t.Size)...)
}

// appendBinary emits AppendBinary for a struct or an enum.
func (g *gen) appendBinary(t *model.Type, recv *jen.Statement, slots []*slot) {
	e := g.newFn(g.names.cn[t], "b", failEncode)
	body := e.encodeSlots(slots, t.Size)
	body = append(body, jen.Return(jen.Id("b"), jen.Nil()))
	g.f.Comment("AppendBinary appends the encoding of x to b. Padding is zeros; length")
	g.f.Comment("fields hold the lengths of the fields they size.")
	g.f.Func().Params(recv.Clone()).Id("AppendBinary").Params(jen.Id("b").Index().Byte()).
		Params(jen.Index().Byte(), jen.Error()).Block(e.prelude(body)...)
}

func (g *gen) marshalBinary(recv *jen.Statement) {
	g.f.Comment("MarshalBinary returns the encoding of x.")
	g.f.Func().Params(recv.Clone()).Id("MarshalBinary").Params().Params(jen.Index().Byte(), jen.Error()).Block(
		jen.Return(jen.Id("x").Dot("AppendBinary").Call(jen.Make(jen.Index().Byte(), jen.Lit(0), jen.Id("x").Dot("Size").Call()))),
	)
}

func (g *gen) unmarshalBinary(recv *jen.Statement) {
	g.f.Comment("UnmarshalBinary decodes b into x. Bytes beyond what x holds are ignored;")
	g.f.Comment("slices and strings in x are reused.")
	g.f.Func().Params(recv.Clone()).Id("UnmarshalBinary").Params(jen.Id("b").Index().Byte()).Error().Block(
		jen.List(jen.Id("_"), jen.Err()).Op(":=").Id("x").Dot("decode").Call(jen.Id("b")),
		jen.Return(jen.Err()),
	)
}

// switchUnion emits a switch union: a struct with one field per variant,
// of which the parent's selector picks the one that is encoded.
func (g *gen) switchUnion(t *model.Type) {
	id := g.names.types[t]
	selType := jen.Id(g.names.types[t.Selector])
	var fields []jen.Code
	for _, v := range variants(t) {
		fields = append(fields, namedDocs(v.Doc, v.Name(), g.names.variants[v])...)
		fields = append(fields, jen.Id(g.names.variants[v]).Add(g.goType(v.Type)))
	}
	g.add(g.typeDoc(t, id)...)
	g.f.Comment("//")
	g.f.Comment(commentText("A " + g.names.types[t.Selector] + " value in the enclosing struct selects the variant: only"))
	g.f.Comment("its field is encoded and decoded.")
	g.f.Type().Id(id).Struct(fields...)
	g.sizeConst(t)
	recv := func() *jen.Statement { return jen.Id("u").Op("*").Id(id) }
	sel := func() *jen.Statement { return jen.Id("sel").Add(selType.Clone()) }
	variantSlot := func(v *model.Variant) []*slot {
		return []*slot{{name: v.Name(), t: v.Type, align: v.Type.Align, last: true, lv: recvField("u", g.names.variants[v])}}
	}

	// SizeFor.
	var cases, fixed []jen.Code
	for _, v := range t.Variants {
		if v.Type.Variable {
			s := g.newFn(g.names.cn[t], "b", nil)
			cases = append(cases, jen.Case(jen.Id(g.names.values[v.Case])).Block(s.sizeBody(variantSlot(v), t.Size)...))
		} else {
			fixed = append(fixed, jen.Id(g.names.values[v.Case]))
		}
	}
	dflt := []jen.Code{jen.Return(jen.Id(g.names.sizes[t]))}
	if t.Default != nil && t.Default.Type.Variable {
		if len(fixed) > 0 {
			cases = append(cases, jen.Case(fixed...).Block(dflt...))
		}
		dflt = g.newFn(g.names.cn[t], "b", nil).sizeBody(variantSlot(t.Default), t.Size)
	}
	g.f.Comment("SizeFor returns the number of bytes AppendBinaryFor appends for the")
	g.f.Comment("variant sel selects.")
	g.f.Func().Params(recv()).Id("SizeFor").Params(sel()).Int().Block(switchOrNot(cases, dflt)...)

	// AppendBinaryFor: the union alone, as a parent stores it in line.
	e := g.newFn(g.names.cn[t], "b", failEncode)
	union := []*slot{{t: t, last: true, lv: ident("u"), sel: ident("sel")}}
	enc := append(e.encodeSlots(union, t.Size), jen.Return(jen.Id("b"), jen.Nil()))
	g.f.Comment("AppendBinaryFor appends the encoding of the variant sel selects, zero")
	g.f.Comment("filled to the size of the union.")
	g.f.Func().Params(recv()).Id("AppendBinaryFor").Params(jen.Id("b").Index().Byte(), sel()).
		Params(jen.Index().Byte(), jen.Error()).Block(e.prelude(enc)...)

	// UnmarshalBinaryFor and decode.
	g.f.Comment("UnmarshalBinaryFor decodes b into the variant sel selects, and only")
	g.f.Comment("into that one. b needs only the variant's bytes.")
	g.f.Func().Params(recv()).Id("UnmarshalBinaryFor").Params(jen.Id("b").Index().Byte(), sel()).Error().Block(
		jen.List(jen.Id("_"), jen.Err()).Op(":=").Id("u").Dot("decode").Call(jen.Id("b"), jen.Id("sel")),
		jen.Return(jen.Err()),
	)
	d := g.newFn(g.names.cn[t], "b", failDecode)
	self := &slot{t: t, last: true, lv: ident("u"), sel: ident("sel")}
	c := &cursor{known: true}
	body := d.decodeSwitch(self, c)
	used := jen.Id(g.names.sizes[t])
	if !c.known {
		used = jen.Id("p")
	}
	body = append(body, jen.Return(jen.Min(jen.Len(jen.Id("b")), used), jen.Nil()))
	g.f.Comment("decode decodes the variant sel selects from the start of b and returns")
	g.f.Comment("the number of bytes it used.")
	g.f.Func().Params(recv()).Id("decode").Params(jen.Id("b").Index().Byte(), sel()).
		Params(jen.Int(), jen.Error()).Block(body...)
}

// switchOrNot is `switch sel { cases… default: dflt }`, or just dflt when
// there are no cases.
func switchOrNot(cases, dflt []jen.Code) []jen.Code {
	if len(cases) == 0 {
		return dflt
	}
	return []jen.Code{jen.Switch(jen.Id("sel")).Block(append(cases, jen.Default().Block(dflt...))...)}
}

// union emits a plain C union as a byte array with typed accessors.
func (g *gen) union(t *model.Type) {
	id := g.names.types[t]
	g.add(g.typeDoc(t, id)...)
	g.f.Comment("//")
	g.f.Comment("Its members overlap: read and write them with the accessors.")
	g.f.Type().Id(id).Index(jen.Lit(t.Size)).Byte()
	g.sizeConst(t)
	recv := func() *jen.Statement { return jen.Id("u").Op("*").Id(id) }
	for _, f := range t.Fields {
		if f.Type.Kind != model.KindPad {
			g.unionGet(t, f, recv())
			g.unionSet(t, f, recv())
		}
	}
	g.f.Comment("Size returns the size of the union.")
	g.f.Func().Params(recv()).Id("Size").Params().Int().Block(jen.Return(jen.Id(g.names.sizes[t])))
	g.f.Comment("AppendBinary appends the bytes of the union to b.")
	g.f.Func().Params(recv()).Id("AppendBinary").Params(jen.Id("b").Index().Byte()).
		Params(jen.Index().Byte(), jen.Error()).Block(
		jen.Return(jen.Append(jen.Id("b"), jen.Id("u").Index(jen.Empty(), jen.Empty()).Op("...")), jen.Nil()))
	g.f.Comment("MarshalBinary returns a copy of the bytes of the union.")
	g.f.Func().Params(recv()).Id("MarshalBinary").Params().Params(jen.Index().Byte(), jen.Error()).Block(
		jen.Return(jen.Id("u").Dot("AppendBinary").Call(jen.Nil())))
	g.f.Comment("UnmarshalBinary copies the bytes of the union from b.")
	g.f.Func().Params(recv()).Id("UnmarshalBinary").Params(jen.Id("b").Index().Byte()).Error().Block(
		jen.List(jen.Id("_"), jen.Err()).Op(":=").Id("u").Dot("decode").Call(jen.Id("b")),
		jen.Return(jen.Err()),
	)
	g.f.Comment("decode copies the union from the start of b and returns its size.")
	g.f.Func().Params(recv()).Id("decode").Params(jen.Id("b").Index().Byte()).Params(jen.Int(), jen.Error()).Block(
		jen.If(jen.Len(jen.Id("b")).Op("<").Id(g.names.sizes[t])).Block(
			jen.Return(jen.Lit(0), jen.Qual(cnPkg, "Short").Call(jen.Lit(g.names.cn[t]), jen.Lit(""), jen.Lit(0), jen.Id(g.names.sizes[t]), jen.Len(jen.Id("b"))))),
		jen.Copy(jen.Id("u").Index(jen.Empty(), jen.Empty()), jen.Id("b")),
		jen.Return(jen.Id(g.names.sizes[t]), jen.Nil()),
	)
}

// unionGet emits the reader of one member of a plain union.
func (g *gen) unionGet(t *model.Type, f *model.Field, recv *jen.Statement) {
	id, ft := g.names.fields[f], f.Type
	if len(f.Doc) > 0 {
		g.add(namedDocs(f.Doc, f.Name, id)...)
	} else {
		g.f.Comment(commentText(id + " reads the union as member " + f.Name + "."))
	}
	decl := g.f.Func().Params(recv).Id(id).Params()
	d := g.newFn(g.names.cn[t], "u", func(_ *fn, err jen.Code) *jen.Statement { return jen.Return(jen.Id("v"), err) })
	switch {
	case ft.Kind == model.KindInt || ft.Kind == model.KindFlags:
		decl.Add(g.goType(ft)).Block(jen.Return(d.typedLoad(ft, off{buf: "u"})))
	case !decodeFails(ft):
		body := append([]jen.Code{jen.Var().Id("v").Add(g.goType(ft))}, d.fixed(ft, ident("v"), off{buf: "u"}, f.Name)...)
		decl.Add(g.goType(ft)).Block(append(body, jen.Return(jen.Id("v")))...)
	default:
		body := append([]jen.Code{jen.Var().Id("v").Add(g.goType(ft))}, d.fixed(ft, ident("v"), off{buf: "u"}, f.Name)...)
		decl.Params(g.goType(ft), jen.Error()).Block(append(body, jen.Return(jen.Id("v"), jen.Nil()))...)
	}
}

// unionSet emits the writer of one member of a plain union: it zeroes the
// union and encodes the member at its start.
func (g *gen) unionSet(t *model.Type, f *model.Field, recv *jen.Statement) {
	id, ft := g.names.fields[f], f.Type
	fails := encodeFails(ft)
	e := g.newFn(g.names.cn[t], "b", func(_ *fn, err jen.Code) *jen.Statement { return jen.Return(err) })
	body := []jen.Code{jen.Op("*").Id("u").Op("=").Id(g.names.types[t]).Values()}
	switch {
	case ft.Kind == model.KindInt || ft.Kind == model.KindFlags || ft.Kind == model.KindEnum:
		if ft.Kind == model.KindEnum {
			check := jen.If(jen.Op("!").Id("v").Dot("valid").Call()).Block(jen.Return(jen.Qual(cnPkg, "EncodeFail").Call(
				jen.Lit(g.names.cn[t]), jen.Lit(f.Name), jen.Id("v").Dot("String").Call(), jen.Qual(cnPkg, "ErrUnknownValue"))))
			body = append([]jen.Code{check}, body...)
		}
		v := jen.Id("v")
		if ft.Kind != model.KindInt || ft.Int.Signed {
			v = jen.Id("uint" + strconv.Itoa(ft.Int.Bits)).Call(v)
		}
		if ft.Int.Bits == 8 {
			body = append(body, jen.Id("u").Index(jen.Lit(0)).Op("=").Add(v))
		} else {
			body = append(body, jen.Qual(binaryPkg, order(ft.Int)).Dot("PutUint"+strconv.Itoa(ft.Int.Bits)).Call(jen.Id("u").Index(jen.Empty(), jen.Empty()), v))
		}
	case !encodeFails(ft) && ft.Kind != model.KindBool && (ft.Kind != model.KindArray || isByte(ft.Elem)):
		body = append(body, jen.Copy(jen.Id("u").Index(jen.Empty(), jen.Empty()), jen.Id("v").Index(jen.Empty(), jen.Empty())))
	default:
		// Appending to u[:0] writes in place: the member fits the union.
		body = append(body, jen.Id("b").Op(":=").Id("u").Index(jen.Empty(), jen.Lit(0)))
		body = append(body, e.enc(ft, ident("v"), f.Name, nil)...)
		body = append(body, jen.Id("_").Op("=").Id("b").Comment("written in place"))
	}
	g.f.Comment(commentText("Set" + id + " zeroes the union and stores v as member " + f.Name + "."))
	decl := g.f.Func().Params(recv).Id("Set" + id).Params(jen.Id("v").Add(g.goType(ft)))
	if fails {
		body = append(body, jen.Return(jen.Nil()))
		decl.Error().Block(e.prelude(body)...)
		return
	}
	decl.Block(e.prelude(body)...)
}

// decodeFails reports whether decoding t can fail once its bytes are
// there.
func decodeFails(t *model.Type) bool {
	switch t.Kind {
	case model.KindInt, model.KindFlags, model.KindCString, model.KindUnion, model.KindPad, model.KindBytes:
		return false
	case model.KindArray:
		return decodeFails(t.Elem)
	}
	return true
}

// encodeFails reports whether encoding a value of t can fail.
func encodeFails(t *model.Type) bool {
	switch t.Kind {
	case model.KindInt, model.KindFlags, model.KindBool, model.KindCString, model.KindUnion, model.KindPad, model.KindBytes:
		return false
	case model.KindArray:
		return encodeFails(t.Elem)
	}
	return true
}

// cstring emits the helper type of cstring[n].
func (g *gen) cstring(n int) {
	id := g.names.cstrings[n]
	g.f.Comment(commentText(id + " is a cstring[" + strconv.Itoa(n) + "]: text NUL-padded to " + strconv.Itoa(n) + " bytes."))
	g.f.Type().Id(id).Index(jen.Lit(n)).Byte()
	g.f.Comment("String returns the text up to the first NUL.")
	g.f.Func().Params(jen.Id("c").Id(id)).Id("String").Params().String().Block(
		jen.Return(jen.Qual(cnPkg, "CStringText").Call(jen.Id("c").Index(jen.Empty(), jen.Empty()))))
	g.f.Comment("Set stores s, NUL-padded. It fails, leaving c as it was, when s holds a")
	g.f.Comment(commentText("NUL or does not fit with its NUL in " + strconv.Itoa(n) + " bytes."))
	g.f.Func().Params(jen.Id("c").Op("*").Id(id)).Id("Set").Params(jen.Id("s").String()).Error().Block(
		jen.Return(jen.Qual(cnPkg, "SetCString").Call(jen.Id("c").Index(jen.Empty(), jen.Empty()), jen.Id("s"))))
}

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
	recv := jen.Id("x").Id(id)
	g.f.Comment("Size returns the encoded size.")
	g.f.Func().Params(recv.Clone()).Id("Size").Params().Int().Block(jen.Return(jen.Lit(t.Size)))
	self := []*slot{{t: t, align: t.Align, last: true, lv: ident("x")}}
	g.appendBinary(t, recv, self)
	g.marshalBinary(recv)
	ptr := jen.Id("x").Op("*").Id(id)
	g.unmarshalBinary(ptr)
	d := g.newFn(t.Name, "b", failDecode)
	self[0].lv = func() *jen.Statement { return jen.Parens(jen.Op("*").Id("x")) }
	g.f.Comment("decode decodes x from the start of b and returns the number of bytes it used.")
	g.f.Func().Params(ptr).Id("decode").Params(jen.Id("b").Index().Byte()).Params(jen.Int(), jen.Error()).
		Block(d.decodeSlots(self, t.Size)...)
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

// flagsString emits String for flags through cn.FlagsString: the schema's
// names of the members set, widest masks first, joined by |, then any
// bits left in hex.
func (g *gen) flagsString(t *model.Type, id string) {
	zero := "0"
	var members []*model.Value
	for _, v := range t.Values {
		if v.Value.Sign() == 0 {
			if zero == "0" {
				zero = v.Name
			}
			continue
		}
		members = append(members, v)
	}
	slices.SortStableFunc(members, func(a, b *model.Value) int {
		return cmp.Compare(popcount(b.Value, t.Int), popcount(a.Value, t.Int))
	})
	var names []jen.Code
	for _, v := range members {
		names = append(names, jen.Line().Values(
			jen.Id("Mask").Op(":").Op(fmt.Sprintf("%#x", maskBits(v.Value, t.Int))),
			jen.Id("Name").Op(":").Lit(v.Name)))
	}
	names = append(names, jen.Line())
	table := lowerFirst(id) + "Names"
	g.f.Comment(table + " spells " + id + " values, widest masks first.")
	g.f.Var().Id(table).Op("=").Index().Qual(cnPkg, "FlagName").Values(names...)
	unsigned := jen.Uint64().Call(jen.Id("x"))
	if t.Int.Signed {
		unsigned = jen.Uint64().Call(jen.Id("u" + goInt(t.Int)).Call(jen.Id("x")))
	}
	g.f.Comment("String returns the schema's names of the flags set in x joined by |,")
	g.f.Comment("widest masks first, then any unnamed bits in hex.")
	g.f.Func().Params(jen.Id("x").Id(id)).Id("String").Params().String().Block(
		jen.Return(jen.Qual(cnPkg, "FlagsString").Call(unsigned, jen.Lit(zero), jen.Id(table))))
}

// maskBits is v as the underlying integer holds its bits.
func maskBits(v *big.Int, it model.IntType) uint64 {
	if v.Sign() >= 0 {
		return v.Uint64()
	}
	u := uint64(v.Int64())
	if it.Bits < 64 {
		u &= 1<<it.Bits - 1
	}
	return u
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

// popcount counts the bits of v as the underlying integer holds them.
func popcount(v *big.Int, it model.IntType) int {
	return bits.OnesCount64(maskBits(v, it))
}

func ident(name string) func() *jen.Statement {
	return func() *jen.Statement { return jen.Id(name) }
}
