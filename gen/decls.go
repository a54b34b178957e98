package gen

import (
	"fmt"
	"strconv"

	"github.com/dave/jennifer/jen"

	"github.com/cngen/cngen/dsl/model"
	"github.com/cngen/cngen/dsl/wire"
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
		g.strct(g.plan.Layout(t))
	case model.KindUnion:
		g.union(g.plan.Layout(t))
	case model.KindSwitch:
		g.switchUnion(g.plan.Layout(t))
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

// fieldLV is field fd of the struct x.
func (g *gen) fieldLV(x lvalue, fd *wire.Field) lvalue { return x.dot(g.names.fields[fd.Model]) }

// armLV is the field of switch union u that holds arm a.
func (g *gen) armLV(u lvalue, a *wire.Arm) lvalue { return u.dot(g.names.variants[a.Variant]) }

// table emits the short-buffer table of l, when it has one.
func (g *gen) table(l *wire.Layout) {
	id, ok := g.names.tables[l]
	if !ok {
		return
	}
	var spans []jen.Code
	for _, s := range l.Spans {
		var vals []jen.Code
		if s.Name != "" {
			vals = append(vals, kv("Name", jen.Lit(s.Name)))
		}
		vals = append(vals, kv("Off", jen.Lit(s.Off)), kv("Need", jen.Lit(s.Need)))
		if s.Nested != nil {
			vals = append(vals, kv("Nested", jen.Op("&").Id(g.names.tables[s.Nested])))
		}
		spans = append(spans, jen.Line().Values(vals...))
	}
	spans = append(spans, jen.Line())
	g.f.Comment(commentText(id + " names the field a short buffer ends in."))
	g.f.Var().Id(id).Op("=").Qual(cnimplPkg, "Layout").Values(
		kv("Type", jen.Lit(l.Name)), kv("Spans", jen.Index().Qual(cnimplPkg, "Span").Values(spans...)))
}

// strct emits a struct (or a payload wrapper) and its codec methods.
func (g *gen) strct(l *wire.Layout) {
	t, id := l.Type, g.names.types[l.Type]
	var fields []jen.Code
	for _, fd := range l.Fields {
		if fd.Type.Kind == model.KindPad {
			continue
		}
		if fd.Model != nil {
			fields = append(fields, namedDocs(fd.Model.Doc, fd.Name, g.names.fields[fd.Model])...)
		}
		fields = append(fields, jen.Id(g.names.fields[fd.Model]).Add(g.goType(fd.Type)))
	}
	if l.Payload {
		g.add(comments(id + " carries " + l.Name + ", a " + l.Fields[0].Type.String() + ", through the runtime's codecs.")...)
	} else {
		g.add(g.typeDoc(t, id)...)
	}
	g.f.Type().Id(id).Struct(fields...)
	g.table(l)
	g.sizeConst(t)
	recv := func() *jen.Statement { return jen.Id("x").Op("*").Id(id) }
	if !l.Payload {
		g.f.Comment("Size returns the number of bytes AppendBinary appends.")
		body := []jen.Code{jen.Return(jen.Lit(t.Size))}
		if t.Variable {
			body = g.sizeStruct(l)
		}
		g.f.Func().Params(recv()).Id("Size").Params().Int().Block(body...)
	}
	g.f.Comment("AppendBinary appends the encoding of x to b. Padding is zeros; length")
	g.f.Comment("fields hold the lengths of the fields they size.")
	g.f.Func().Params(recv()).Id("AppendBinary").Params(jen.Id("b").Index().Byte()).
		Params(jen.Index().Byte(), jen.Error()).Block(g.encodeStruct(l)...)
	if !l.Payload {
		g.f.Comment("MarshalBinary returns the encoding of x.")
		g.f.Func().Params(recv()).Id("MarshalBinary").Params().Params(jen.Index().Byte(), jen.Error()).Block(
			jen.Return(jen.Id("x").Dot("AppendBinary").Call(jen.Make(jen.Index().Byte(), jen.Lit(0), jen.Id("x").Dot("Size").Call()))))
	}
	g.f.Comment("UnmarshalBinary decodes b into x. Bytes beyond what x holds are ignored;")
	g.f.Comment("slices and strings in x are reused.")
	if !t.Variable {
		g.f.Func().Params(recv()).Id("UnmarshalBinary").Params(jen.Id("b").Index().Byte()).Error().Block(g.decodeStruct(l)...)
		return
	}
	g.f.Func().Params(recv()).Id("UnmarshalBinary").Params(jen.Id("b").Index().Byte()).Error().Block(
		jen.List(jen.Id("_"), jen.Err()).Op(":=").Id("x").Dot("decode").Call(jen.Id("b")),
		jen.Return(jen.Err()),
	)
	g.f.Comment("decode decodes x from the start of b and returns the number of bytes it used.")
	g.f.Func().Params(recv()).Id("decode").Params(jen.Id("b").Index().Byte()).Params(jen.Int(), jen.Error()).
		Block(g.decodeStruct(l)...)
}

// sizeConst emits the size constant of a type declared with `size N`,
// which the guards check.
func (g *gen) sizeConst(t *model.Type) {
	id, ok := g.names.sizes[t]
	if !ok {
		return
	}
	what := "The C size of " + t.Name + ", as the schema declares it."
	if t.Variable {
		what = "The size of the fixed part of " + t.Name + ", as the schema declares it."
	}
	g.f.Comment(commentText(what))
	g.f.Const().Id(id).Op("=").Lit(t.Size)
}

// switchUnion emits a switch union: a struct with one field per arm, of
// which the enclosing struct's selector picks the one that is encoded;
// and, unless it is decoded in line in the one field that holds it, its
// own decode, appendFor and sizeFor methods.
func (g *gen) switchUnion(l *wire.Layout) {
	t, id := l.Type, g.names.types[l.Type]
	var fields []jen.Code
	for _, a := range l.Arms {
		fields = append(fields, namedDocs(a.Variant.Doc, a.Name, g.names.variants[a.Variant])...)
		fields = append(fields, jen.Id(g.names.variants[a.Variant]).Add(g.goType(a.Type)))
	}
	g.add(g.typeDoc(t, id)...)
	g.f.Comment("//")
	g.f.Comment(commentText("A " + g.names.types[t.Selector] + " value in the enclosing struct selects the arm: only"))
	g.f.Comment("its field is encoded and decoded.")
	g.f.Type().Id(id).Struct(fields...)
	g.sizeConst(t)
	if g.switchInline(t) {
		return
	}
	recv := func() *jen.Statement { return jen.Id("u").Op("*").Id(id) }
	sel := jen.Id("sel").Id(g.names.types[t.Selector])
	g.switchDecode(l, recv(), sel.Clone())
	g.f.Comment("appendFor appends the encoding of the arm sel selects, zero filled to")
	g.f.Comment("the size of the union.")
	e := g.newFn(l.Name, failEncode)
	body := e.appendArms(l, ident("u"), ident("sel"), "")
	g.f.Func().Params(recv()).Id("appendFor").Params(jen.Id("b").Index().Byte(), sel.Clone()).
		Params(jen.Index().Byte(), jen.Error()).Block(e.prelude(append(body, jen.Return(jen.Id("b"), jen.Nil())))...)
	if t.Variable {
		f := g.newFn(l.Name, nil)
		n, code := f.sizeArms(l, ident("u"), ident("sel"))
		g.f.Comment("sizeFor returns the number of bytes appendFor appends for the arm sel selects.")
		g.f.Func().Params(recv()).Id("sizeFor").Params(sel.Clone()).Int().Block(append(code, jen.Return(n))...)
	}
}

// switchDecode emits the decode method of a switch union with functions
// of its own: the arm sel picks, from the start of b, and for a variable
// union the bytes it used.
func (g *gen) switchDecode(l *wire.Layout, recv, sel *jen.Statement) {
	t := l.Type
	fail := failDecodeErr
	if t.Variable {
		fail = failDecode
	}
	f := g.newFn(l.Name, fail)
	c := knownAt(off{})
	body := f.switchArms(l, ident("u"), c, "", ident("sel"))
	results := jen.Error()
	if t.Variable {
		results = jen.Params(jen.Int(), jen.Error())
		body = append(body, jen.Return(jen.Id("p"), jen.Nil()))
	} else {
		body = append(body, jen.Return(jen.Nil()))
	}
	g.f.Comment("decode decodes the arm sel selects from the start of b, and only that")
	g.f.Comment("one; b needs only the arm's bytes.")
	g.f.Func().Params(recv).Id("decode").Params(jen.Id("b").Index().Byte(), sel).Add(results).Block(body...)
}

// union emits a plain C union as a byte array with typed accessors.
func (g *gen) union(l *wire.Layout) {
	t, id := l.Type, g.names.types[l.Type]
	g.add(g.typeDoc(t, id)...)
	g.f.Comment("//")
	g.f.Comment("Its members overlap: read and write them with the accessors.")
	g.f.Type().Id(id).Index(jen.Lit(t.Size)).Byte()
	g.table(l)
	g.sizeConst(t)
	recv := func() *jen.Statement { return jen.Id("u").Op("*").Id(id) }
	for _, fd := range l.Fields {
		if fd.Type.Kind != model.KindPad {
			g.unionGet(l, fd, recv())
			g.unionSet(l, fd, recv())
		}
	}
	g.f.Comment("Size returns the size of the union.")
	g.f.Func().Params(recv()).Id("Size").Params().Int().Block(jen.Return(jen.Lit(t.Size)))
	g.f.Comment("AppendBinary appends the bytes of the union to b.")
	g.f.Func().Params(recv()).Id("AppendBinary").Params(jen.Id("b").Index().Byte()).
		Params(jen.Index().Byte(), jen.Error()).Block(
		jen.Return(jen.Append(jen.Id("b"), jen.Id("u").Index(jen.Empty(), jen.Empty()).Op("...")), jen.Nil()))
	g.f.Comment("MarshalBinary returns a copy of the bytes of the union.")
	g.f.Func().Params(recv()).Id("MarshalBinary").Params().Params(jen.Index().Byte(), jen.Error()).Block(
		jen.Return(jen.Id("u").Dot("AppendBinary").Call(jen.Nil())))
	g.f.Comment("UnmarshalBinary copies the bytes of the union from b.")
	body := []jen.Code{jen.Copy(jen.Id("u").Index(jen.Empty(), jen.Empty()), jen.Id("b")), jen.Return(jen.Nil())}
	if t.Size > 0 {
		body = append([]jen.Code{jen.If(lenB().Op("<").Lit(t.Size)).Block(
			jen.Return(jen.Id(g.names.tables[l]).Dot("Short").Call(lenB())))}, body...)
	}
	g.f.Func().Params(recv()).Id("UnmarshalBinary").Params(jen.Id("b").Index().Byte()).Error().Block(body...)
}

// unionGet emits the reader of one member of a plain union.
func (g *gen) unionGet(l *wire.Layout, fd *wire.Field, recv *jen.Statement) {
	id, ft := g.names.fields[fd.Model], fd.Type
	if len(fd.Model.Doc) > 0 {
		g.add(namedDocs(fd.Model.Doc, fd.Name, id)...)
	} else {
		g.f.Comment(commentText(id + " reads the union as member " + fd.Name + "."))
	}
	decl := g.f.Func().Params(recv).Id(id).Params()
	f := g.newFn(l.Name, func(_ *fn, err jen.Code) *jen.Statement { return jen.Return(jen.Id("v"), err) })
	f.bound = l.Type.Size
	u := off{buf: "u"}
	switch {
	case ft.Kind == model.KindInt || ft.Kind == model.KindFlags:
		decl.Add(g.goType(ft)).Block(jen.Return(f.typedLoad(ft, u)))
	case !decodeFails(g.plan, ft):
		body := append([]jen.Code{jen.Var().Id("v").Add(g.goType(ft))}, f.unionLoad(ft, u, fd.Name)...)
		decl.Add(g.goType(ft)).Block(append(body, jen.Return(jen.Id("v")))...)
	default:
		body := append([]jen.Code{jen.Var().Id("v").Add(g.goType(ft))}, f.unionLoad(ft, u, fd.Name)...)
		decl.Params(g.goType(ft), jen.Error()).Block(append(body, jen.Return(jen.Id("v"), jen.Nil()))...)
	}
}

// unionLoad decodes member type t from the union's bytes into v.
func (f *fn) unionLoad(t *model.Type, u off, name string) []jen.Code {
	if t.Kind == model.KindStruct && !f.g.inlined(t) {
		call := jen.Id("v").Dot("UnmarshalBinary").Call(jen.Id("u").Index(jen.Empty(), jen.Empty()))
		if !decodeFails(f.g.plan, t) {
			return []jen.Code{jen.Id("_").Op("=").Add(call)}
		}
		return f.call(call, name, u)
	}
	return f.load(t, ident("v"), u, name, false)
}

// unionSet emits the writer of one member of a plain union: it zeroes the
// union and encodes the member at its start.
func (g *gen) unionSet(l *wire.Layout, fd *wire.Field, recv *jen.Statement) {
	id, ft := g.names.fields[fd.Model], fd.Type
	e := g.newFn(l.Name, func(_ *fn, err jen.Code) *jen.Statement { return jen.Return(err) })
	body := []jen.Code{jen.Op("*").Id("u").Op("=").Id(g.names.types[l.Type]).Values()}
	w := off{buf: "w"}
	stores := e.store(ft, ident("v"), w, fd.Name, false)
	if e.used["w"] {
		body = append(body, jen.Id("w").Op(":=").Id("u").Index(jen.Empty(), jen.Empty()))
	}
	body = append(body, stores...)
	g.f.Comment(commentText("Set" + id + " zeroes the union and stores v as member " + fd.Name + "."))
	decl := g.f.Func().Params(recv).Id("Set" + id).Params(jen.Id("v").Add(g.goType(ft)))
	if encodeFails(g.plan, ft) {
		decl.Error().Block(e.prelude(append(body, jen.Return(jen.Nil())))...)
		return
	}
	decl.Block(e.prelude(body)...)
}

// decodeFails reports whether decoding a rigid t can fail once its bytes
// are there.
func decodeFails(p *wire.Plan, t *model.Type) bool {
	switch t.Kind {
	case model.KindInt, model.KindFlags, model.KindCString, model.KindUnion, model.KindPad, model.KindBytes:
		return false
	case model.KindArray:
		return decodeFails(p, t.Elem)
	case model.KindStruct:
		for _, f := range t.Fields {
			if decodeFails(p, f.Type) {
				return true
			}
		}
		return !p.Rigid(t)
	}
	return true
}

// encodeFails reports whether encoding a value of t can fail.
func encodeFails(p *wire.Plan, t *model.Type) bool {
	switch t.Kind {
	case model.KindInt, model.KindFlags, model.KindBool, model.KindCString, model.KindUnion, model.KindPad, model.KindBytes:
		return false
	case model.KindArray:
		return encodeFails(p, t.Elem)
	case model.KindStruct:
		for _, f := range t.Fields {
			if encodeFails(p, f.Type) {
				return true
			}
		}
		return false
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
		jen.Return(impl("CStringText", jen.Id("c").Index(jen.Empty(), jen.Empty()))))
	g.f.Comment("Set stores s, NUL-padded. It fails, leaving c as it was, when s holds a")
	g.f.Comment(commentText("NUL or does not fit with its NUL in " + strconv.Itoa(n) + " bytes."))
	g.f.Func().Params(jen.Id("c").Op("*").Id(id)).Id("Set").Params(jen.Id("s").String()).Error().Block(
		jen.Return(impl("SetCString", jen.Id("c").Index(jen.Empty(), jen.Empty()), jen.Id("s"))))
}

// typeDoc is the doc comment of a generated type: the schema's, or a line
// saying what it mirrors.
func (g *gen) typeDoc(t *model.Type, id string) []jen.Code {
	if len(t.Doc) > 0 {
		return namedDocs(t.Doc, t.Name, id)
	}
	name := t.Name
	if l := g.plan.Layout(t); l != nil {
		name = l.Name
	}
	return []jen.Code{jen.Comment(commentText(fmt.Sprintf("%s is %s %s of the schema.", id, article(t.Kind), name)))}
}

func article(k model.Kind) string {
	switch k {
	case model.KindEnum:
		return "the enum"
	case model.KindFlags:
		return "the flags"
	case model.KindUnion:
		return "the union"
	case model.KindSwitch:
		return "the switch union"
	}
	return "the struct"
}
