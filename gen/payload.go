package gen

import (
	"github.com/dave/jennifer/jen"

	"github.com/cngen/cngen/dsl/model"
)

// payloadKind is how a message payload appears in the glue's signatures.
type payloadKind int

const (
	pointerPayload payloadKind = iota // a declared struct or union: *T
	valuePayload                      // a declared enum or flags: T
	wrappedPayload                    // any other type (string, u32, []T …): its Go type, carried by a wrapper
)

// payload is one payload of a message as the glue handles it.
type payload struct {
	g      *gen
	t      *model.Type
	kind   payloadKind
	holder string // the type that encodes and decodes: the declared type, or the wrapper
}

func (gl *glue) payload(k payloadKey, t *model.Type) *payload {
	p := &payload{g: gl.g, t: t, holder: gl.n.payloads[k]}
	switch {
	case p.holder != "":
		p.kind = wrappedPayload
	case t.Kind == model.KindEnum || t.Kind == model.KindFlags:
		p.kind, p.holder = valuePayload, gl.g.names.types[t]
	default:
		p.kind, p.holder = pointerPayload, gl.g.names.types[t]
	}
	return p
}

// param is the Go type callers and handlers see.
func (p *payload) param() *jen.Statement {
	switch p.kind {
	case pointerPayload:
		return jen.Op("*").Id(p.holder)
	case valuePayload:
		return jen.Id(p.holder)
	}
	return p.g.goType(p.t)
}

// encodable turns v, a variable of the param type, into a pointer to the
// holder, which encodes itself.
func (p *payload) encodable(v *jen.Statement) *jen.Statement {
	switch p.kind {
	case pointerPayload:
		return v
	case valuePayload:
		return jen.Op("&").Add(v)
	}
	return jen.Op("&").Id(p.holder).Values(jen.Dict{jen.Id("v"): v})
}

// value turns ptr, a pointer to the holder, into a value of the param
// type.
func (p *payload) value(ptr *jen.Statement) *jen.Statement {
	switch p.kind {
	case pointerPayload:
		return ptr
	case valuePayload:
		return jen.Op("*").Add(ptr)
	}
	return ptr.Dot("v")
}

// zero is the zero value of the param type.
func (p *payload) zero() *jen.Statement {
	switch {
	case p.kind == pointerPayload:
		return jen.Nil()
	case p.kind == valuePayload:
		return jen.Lit(0)
	}
	switch t := p.t; {
	case t.Kind == model.KindInt:
		return jen.Lit(0)
	case t.Kind == model.KindBool:
		return jen.False()
	case t.Kind == model.KindString:
		return jen.Lit("")
	case t.Kind == model.KindSlice, t.Kind == model.KindBytes && !t.Fixed():
		return jen.Nil()
	}
	return p.g.goType(p.t).Values()
}

// handlerFunc is what cn.On gets for method: the method itself when it
// takes a pointer to the holder, else a function, whose payload
// parameter is named param, converting to what the method takes.
func (p *payload) handlerFunc(method *jen.Statement, param string) jen.Code {
	if p.kind == pointerPayload {
		return method
	}
	return jen.Func().Params(jen.Id("r").Op("*").Add(cnq("Request")), jen.Id(param).Op("*").Id(p.holder)).Block(
		method.Call(jen.Id("r"), p.value(jen.Id(param))))
}

// wrapper emits the unexported struct that carries a payload of a type
// that is not declared through the runtime's codecs, which want a type
// with AppendBinary and UnmarshalBinary: a struct of one field, encoded
// and decoded as that field.
func (gl *glue) wrapper(k payloadKey, t *model.Type) {
	id := gl.n.payloads[k]
	if id == "" {
		return
	}
	g := gl.g
	cnName, what := gl.fam.Name+"."+k.m.Name, "payload"
	if k.reply {
		cnName, what = cnName+".reply", "reply"
	}
	g.add(comments(id + " carries the " + what + " of " + k.m.Kind.String() + " " + k.m.Name + ", a " + t.String() + ", through the runtime's codecs.")...)
	g.f.Type().Id(id).Struct(jen.Id("v").Add(g.goType(t)))
	recv := jen.Id("x").Op("*").Id(id)
	slots := []*slot{{t: t, align: t.Align, last: true, lv: recvField("x", "v")}}

	e := g.newFn(cnName, "b", failEncode)
	g.f.Comment("AppendBinary appends the encoding of x.v to b.")
	body := append(e.encodeSlots(slots, t.Size), jen.Return(jen.Id("b"), jen.Nil()))
	g.f.Func().Params(recv.Clone()).Id("AppendBinary").Params(jen.Id("b").Index().Byte()).
		Params(jen.Index().Byte(), jen.Error()).Block(e.prelude(body)...)
	g.f.Comment("UnmarshalBinary decodes b into x.v.")
	g.f.Func().Params(recv.Clone()).Id("UnmarshalBinary").Params(jen.Id("b").Index().Byte()).Error().Block(
		jen.List(jen.Id("_"), jen.Err()).Op(":=").Id("x").Dot("decode").Call(jen.Id("b")),
		jen.Return(jen.Err()),
	)
	d := g.newFn(cnName, "b", failDecode)
	g.f.Comment("decode decodes x.v from the start of b and returns the number of bytes it used.")
	g.f.Func().Params(recv).Id("decode").Params(jen.Id("b").Index().Byte()).Params(jen.Int(), jen.Error()).
		Block(d.decodeSlots(slots, t.Size)...)
}
