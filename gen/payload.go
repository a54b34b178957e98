package gen

import (
	"github.com/dave/jennifer/jen"

	"github.com/cngen/cngen/dsl/model"
)

// payloadKind is how a message payload appears in the glue's signatures.
type payloadKind int

const (
	pointerPayload payloadKind = iota // a declared struct or union: *T
	wrappedPayload                    // any other type (string, u32, an enum, []T …): its Go type, carried by a wrapper
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
	if p.holder != "" {
		p.kind = wrappedPayload
	} else {
		p.kind, p.holder = pointerPayload, gl.g.names.types[t]
	}
	return p
}

// param is the Go type callers and handlers see.
func (p *payload) param() *jen.Statement {
	if p.kind == pointerPayload {
		return jen.Op("*").Id(p.holder)
	}
	return p.g.goType(p.t)
}

// encodable turns v, a variable of the param type, into a pointer to the
// holder, which encodes itself.
func (p *payload) encodable(v *jen.Statement) *jen.Statement {
	if p.kind == pointerPayload {
		return v
	}
	return jen.Op("&").Id(p.holder).Values(jen.Dict{jen.Id("v"): v})
}

// value turns ptr, a pointer to the holder, into a value of the param
// type.
func (p *payload) value(ptr *jen.Statement) *jen.Statement {
	if p.kind == pointerPayload {
		return ptr
	}
	return ptr.Dot("v")
}

// zero is the zero value of the param type.
func (p *payload) zero() *jen.Statement {
	if p.kind == pointerPayload {
		return jen.Nil()
	}
	switch t := p.t; {
	case t.Kind == model.KindInt, t.Kind == model.KindEnum, t.Kind == model.KindFlags:
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
// that is not a declared struct or union through the runtime's codecs,
// which want a type with AppendBinary and UnmarshalBinary: the plan's
// struct of one field, encoded and decoded as that field.
func (gl *glue) wrapper(k payloadKey) {
	l := gl.g.plan.Payload(k.m, k.reply)
	if !l.Payload {
		return
	}
	gl.g.strct(l)
	for _, n := range gl.g.names.cstrUse[l.Type] {
		gl.g.cstring(n)
	}
}
