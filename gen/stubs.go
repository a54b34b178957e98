package gen

import (
	"cmp"
	"path/filepath"
	"strconv"

	"github.com/dave/jennifer/jen"

	"github.com/cngen/cngen/dsl/model"
)

// StubsFile is the name of the skeleton GenerateStubs writes beside
// schema.cn.go: schema_handlers.go.
func StubsFile(schema string) string {
	base := filepath.Base(schema)
	return base[:len(base)-len(filepath.Ext(base))] + "_handlers.go"
}

// GenerateStubs returns a skeleton implementing the Handler and Server
// interfaces of s's families, with TODO bodies that compile: a call
// answers with an error until it is written. It is for `cngen gen
// -stubs`, which writes it once; the user owns the file from then on. A
// family the kernel serves (sender kernel) gets a Handler skeleton only.
// It returns nil when no family has anything to implement.
func GenerateStubs(s *model.Schema, opt Options) ([]byte, error) {
	plans, n, err := prepare([]*model.Schema{s}, opt)
	if err != nil {
		return nil, err
	}
	g := &gen{s: s, plan: plans[0], names: n, f: jen.NewFile(cmp.Or(opt.Package, s.Package)), costs: map[*model.Type]int{}, depths: map[*model.Type]int{}}
	g.f.NoFormat = true
	g.f.ImportName(cnPkg, "cn")
	g.f.ImportName(errorsPkg, "errors")
	g.f.ImportName(contextPkg, "context")
	src := cmp.Or(opt.Source, filepath.Base(s.File))
	g.f.HeaderComment("Handlers of the families of " + src + ", written once by cngen gen -stubs")
	g.f.HeaderComment("as a starting point. This file is yours to edit: cngen never overwrites it.")
	found := false
	for _, fam := range s.Families {
		found = g.stubs(fam) || found
	}
	if !found {
		return nil, nil
	}
	return g.render()
}

// stubs emits the skeletons of fam and reports whether there were any.
func (g *gen) stubs(fam *model.Family) bool {
	gn := g.names.glue[fam]
	if gn == nil {
		return false
	}
	gl := &glue{g: g, fam: fam, id: g.names.families[fam], n: gn}
	gl.out, gl.events = splitMessages(fam)
	if len(gl.events) > 0 {
		gl.handlerStub()
	}
	if len(gl.out) > 0 && !gl.kernel() {
		gl.serverStub()
	}
	return len(gl.events) > 0 || len(gl.out) > 0 && !gl.kernel()
}

// stubType emits the empty struct that implements iface.
func (gl *glue) stubType(id, iface string, doc ...string) {
	gl.g.add(comments(doc...)...)
	gl.g.f.Type().Id(id).Struct()
	gl.g.f.Var().Id("_").Id(iface).Op("=").Parens(jen.Op("*").Id(id)).Parens(jen.Nil())
}

func (gl *glue) handlerStub() {
	g, n := gl.g, gl.n
	gl.stubType(n.stubHandler, n.handler,
		n.stubHandler+" handles the events of family "+gl.fam.Name+": register it with",
		n.register+"(d, &"+n.stubHandler+"{}) or "+n.client+".Subscribe(&"+n.stubHandler+"{}).")
	recv := jen.Id("h").Op("*").Id(n.stubHandler)
	for _, m := range gl.events {
		p := gl.payload(payloadKey{m, false}, m.Type)
		name := GoName(m.Name)
		g.add(comments(name + " handles each event " + strconv.Quote(m.Name) + ".")...)
		g.f.Func().Params(recv.Clone()).Id(name).Params(jen.Id("r").Op("*").Add(cnq("Request")), jen.Id("ev").Add(p.param())).Block(
			jen.Comment("TODO: handle ev, which is valid only until " + name + " returns."))
	}
}

func (gl *glue) serverStub() {
	g, n := gl.g, gl.n
	gl.stubType(n.stubServer, n.server,
		n.stubServer+" answers the calls and takes the sends of family "+gl.fam.Name+":",
		"register it with "+n.regServer+"(d, &"+n.stubServer+"{}).")
	recv := jen.Id("s").Op("*").Id(n.stubServer)
	req := jen.Id("r").Op("*").Add(cnq("Request"))
	for _, m := range gl.out {
		p := gl.payload(payloadKey{m, false}, m.Type)
		name := GoName(m.Name)
		if m.Kind != model.Call {
			g.add(comments(name + " handles each send " + strconv.Quote(m.Name) + ".")...)
			g.f.Func().Params(recv.Clone()).Id(name).Params(req.Clone(), jen.Id("msg").Add(p.param())).Block(
				jen.Comment("TODO: handle msg, which is valid only until " + name + " returns."))
			continue
		}
		rep := gl.payload(payloadKey{m, true}, m.Reply)
		g.add(comments(name + " answers each call " + strconv.Quote(m.Name) + ".")...)
		g.f.Func().Params(recv.Clone()).Id(name).Params(req.Clone(), jen.Id("req").Add(p.param())).Params(rep.param(), jen.Error()).Block(
			jen.Comment("TODO: answer req."),
			jen.Return(rep.zero(), jen.Qual(errorsPkg, "New").Call(jen.Lit(gl.fam.Name+"."+m.Name+": not implemented"))))
	}
}
