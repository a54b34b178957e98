package gen

import (
	"math/big"

	"github.com/dave/jennifer/jen"

	"github.com/cngen/cngen/dsl/model"
)

// genFamily emits what identifies a family on the wire: its idx, its
// multicast groups, whom it accepts messages from, and the val of each
// message with the Go type it carries.
//
// Then it emits the family's typed glue over runtime/cn (glue.go).
func (g *gen) genFamily(fam *model.Family) {
	id := g.names.families[fam]
	var defs []jen.Code
	line := func(s string) { defs = append(defs, jen.Comment(commentText(s))) }
	u32 := func(v uint32) *jen.Statement { return jen.Uint32().Op("=").Add(intLit(bigU(v), false)) }

	line(id + "Idx is the idx of family " + fam.Name + ": the first half of its cb_id.")
	defs = append(defs, jen.Id(id+"Idx").Add(u32(fam.Idx)))
	switch len(fam.Groups) {
	case 0:
	case 1:
		line(id + "Group is the multicast group family " + fam.Name + " broadcasts to.")
		defs = append(defs, jen.Id(id+"Group").Add(u32(fam.Groups[0])))
	}
	for _, m := range fam.Messages {
		defs = append(defs, docs(m.Doc)...)
		if len(m.Doc) > 0 {
			line("")
		}
		line(g.messageLine(fam, m))
		defs = append(defs, jen.Id(g.names.messages[m]).Add(u32(m.Val)))
	}
	if len(fam.Doc) > 0 {
		g.add(docs(fam.Doc)...)
	} else {
		g.f.Comment(commentText("Family " + fam.Name + "."))
	}
	g.f.Const().Defs(defs...)
	if len(fam.Groups) > 1 {
		var groups []jen.Code
		for _, gr := range fam.Groups {
			groups = append(groups, intLit(bigU(gr), false))
		}
		g.f.Comment(commentText(id + "Groups are the multicast groups family " + fam.Name + " broadcasts to."))
		g.f.Var().Id(id + "Groups").Op("=").Index(jen.Op("...")).Uint32().Values(groups...)
	}
	g.genGlue(fam)
}

// messageLine describes the val constant of m.
func (g *gen) messageLine(fam *model.Family, m *model.Message) string {
	s := g.names.messages[m] + " is the val of " + m.Kind.String() + " " + m.Name + " of family " + fam.Name
	switch m.Kind {
	case model.Call:
		return s + ": request [" + g.typeName(m.Type) + "], reply [" + g.typeName(m.Reply) + "]."
	case model.Event:
		return s + ": [" + g.typeName(m.Type) + "] from the peer."
	}
	return s + ": [" + g.typeName(m.Type) + "] to the peer."
}

// typeName is the Go name of a message type (a declared type), or how
// .cn writes it.
func (g *gen) typeName(t *model.Type) string {
	if t == nil {
		return "?"
	}
	if id, ok := g.names.types[t]; ok {
		return id
	}
	return t.String()
}

func bigU(v uint32) *big.Int { return new(big.Int).SetUint64(uint64(v)) }
