package gen

import (
	"slices"
	"strconv"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/cngen/cngen/dsl/model"
)

// This file emits a family's typed glue over runtime/cn: a Client (sends,
// calls, Subscribe), a Handler of events with its Register function, a
// Server of sends and calls with its Register function, and an Events
// sender. Everything it emits is a line or two that converts between the
// family's Go types and a runtime call (cn.Client, cn.On, cn.OnCall,
// cn.Register, cn.SendBinary); the logic lives in the runtime.

// glue emits the glue of one family.
type glue struct {
	g           *gen
	fam         *model.Family
	id          string // the family's Go name: Echo
	n           *glueNames
	out, events []*model.Message
}

// genGlue emits the typed glue of fam; a family without messages has
// none.
func (g *gen) genGlue(fam *model.Family) {
	gn := g.names.glue[fam]
	if gn == nil {
		return
	}
	gl := &glue{g: g, fam: fam, id: g.names.families[fam], n: gn}
	gl.out, gl.events = splitMessages(fam)
	gl.client()
	if len(gl.events) > 0 {
		gl.handler()
	}
	if gn.server != "" {
		gl.server()
	}
	if gn.events != "" {
		gl.eventSender()
	}
	for _, m := range fam.Messages {
		gl.wrapper(payloadKey{m, false})
		if m.Kind == model.Call {
			gl.wrapper(payloadKey{m, true})
		}
	}
}

func cnq(name string) *jen.Statement { return jen.Qual(cnPkg, name) }

// comments turns text into the lines of one comment paragraph, each at
// most 77 columns with its //; the arguments are joined by spaces.
func comments(text ...string) []jen.Code {
	var out []jen.Code
	line := ""
	for _, w := range strings.Fields(strings.Join(text, " ")) {
		if line != "" && len(line)+1+len(w) > 74 {
			out = append(out, jen.Comment(commentText(line)))
			line = ""
		}
		if line != "" {
			line += " "
		}
		line += w
	}
	return append(out, jen.Comment(commentText(line)))
}

// kv is the field: value of a composite literal, kept on one line.
func kv(key string, v jen.Code) jen.Code { return jen.Id(key).Op(":").Add(v) }

// idOf is the cn.ID of message m.
func (gl *glue) idOf(m *model.Message) *jen.Statement {
	return cnq("ID").Values(kv("Idx", jen.Id(gl.id+"Idx")), kv("Val", jen.Id(gl.g.names.messages[m])))
}

// routeName names m's callback in errors and logs: family.message.
func (gl *glue) routeName(m *model.Message) jen.Code { return jen.Lit(gl.fam.Name + "." + m.Name) }

// kernel reports whether the family accepts messages from the kernel only.
func (gl *glue) kernel() bool { return gl.fam.Sender == model.SenderKernel }

// groups is the family's groups as a []uint32, or nil.
func (gl *glue) groups() *jen.Statement {
	switch len(gl.fam.Groups) {
	case 0:
		return jen.Nil()
	case 1:
		return jen.Index().Uint32().Values(jen.Id(gl.id + "Group"))
	}
	return jen.Id(gl.id+"Groups").Index(jen.Empty(), jen.Empty())
}

// groupRef is the constant of group n of the family.
func (gl *glue) groupRef(n uint32) *jen.Statement {
	if len(gl.fam.Groups) == 1 {
		return jen.Id(gl.id + "Group")
	}
	return jen.Id(gl.id + "Groups").Index(jen.Lit(slices.Index(gl.fam.Groups, n)))
}

// subscribed is the groups a client's Subscribe joins: those of the
// family's events, in the family's order.
func (gl *glue) subscribed() []uint32 {
	var out []uint32
	for _, g := range gl.fam.Groups {
		for _, m := range gl.events {
			if slices.Contains(m.Groups, g) {
				out = append(out, g)
				break
			}
		}
	}
	return out
}

// clientGroups is the []uint32 of the groups a client joins, or nil.
func (gl *glue) clientGroups() *jen.Statement {
	gs := gl.subscribed()
	switch {
	case len(gs) == 0:
		return jen.Nil()
	case len(gs) == len(gl.fam.Groups):
		return gl.groups()
	}
	var refs []jen.Code
	for _, g := range gs {
		refs = append(refs, gl.groupRef(g))
	}
	return jen.Index().Uint32().Values(refs...)
}

// groupWords is "group 3" or "groups 3 and 4".
func groupWords(gs []uint32) string {
	var out []string
	for _, g := range gs {
		out = append(out, strconv.FormatUint(uint64(g), 10))
	}
	if len(out) == 1 {
		return "group " + out[0]
	}
	return "groups " + strings.Join(out[:len(out)-1], ", ") + " and " + out[len(out)-1]
}

// msgDoc is the doc of a method for message m: the schema's, with the
// message's name turned into the method's, then what the method does.
func msgDoc(m *model.Message, what ...string) []jen.Code {
	out := namedDocs(m.Doc, m.Name, GoName(m.Name))
	if len(out) > 0 && len(what) > 0 {
		out = append(out, jen.Comment("//"))
	}
	return append(out, comments(what...)...)
}

// ---- client ----

func (gl *glue) client() {
	g, n := gl.g, gl.n
	g.add(comments(n.client + " is the client side of family " + gl.fam.Name + ", which talks to " +
		gl.peer("one peer") + ": " + gl.clientParts() + ". It is safe for concurrent use.")...)
	g.f.Type().Id(n.client).Struct(jen.Id("c").Op("*").Add(cnq("Client")))
	gl.newClient()
	for _, m := range gl.out {
		if m.Kind == model.Call {
			gl.clientCall(m)
		} else {
			gl.clientSend(m)
		}
	}
	if len(gl.events) > 0 {
		gl.subscribe()
	}
}

// newClient emits the client's constructor, which takes the peer's port
// unless the peer is the kernel.
func (gl *glue) newClient() {
	g, n := gl.g, gl.n
	params := []jen.Code{jen.Id("ep").Add(cnq("Endpoint")), jen.Id("d").Op("*").Add(cnq("Dispatcher"))}
	peerArg := jen.Lit(0)
	if !gl.kernel() {
		params = append(params, jen.Id("peer").Uint32())
		peerArg = jen.Id("peer")
	}
	params = append(params, jen.Id("opts").Op("...").Add(cnq("ClientOption")))
	serving := "d must be serving ep"
	switch {
	case gl.hasCalls() && len(gl.events) > 0:
		serving += ": it hands each call its reply, and the Handler of Subscribe its events."
	case gl.hasCalls():
		serving += ": it hands each call its reply."
	case len(gl.events) > 0:
		serving += ": it hands the Handler of Subscribe its events."
	default:
		serving = "d is the Dispatcher serving ep."
	}
	g.add(comments(n.newClient+" returns a client of family "+gl.fam.Name+" that talks to "+gl.peer("the peer at port peer")+" through ep.",
		serving, "With [cn.WithSender], messages go out through another [cn.Sender], such as a batching bus in front of ep.")...)
	g.f.Func().Id(n.newClient).Params(params...).Op("*").Id(n.client).Block(
		jen.Return(jen.Op("&").Id(n.client).Values(kv("c",
			cnq("NewClient").Call(jen.Id("ep"), jen.Id("d"), jen.Id(gl.id+"Idx"), peerArg, gl.clientGroups(), jen.Id("opts").Op("...")),
		))))
}

// peer names whom a client talks to: the kernel, or what is given.
func (gl *glue) peer(user string) string {
	if gl.kernel() {
		return "the kernel"
	}
	return user
}

// clientParts lists what the client offers.
func (gl *glue) clientParts() string {
	var parts []string
	for _, k := range []model.MsgKind{model.Send, model.Call} {
		for _, m := range gl.out {
			if m.Kind == k {
				parts = append(parts, "a method per "+k.String())
				break
			}
		}
	}
	if gl.hasCalls() {
		parts[len(parts)-1] += ", which waits for the reply"
	}
	if len(gl.events) > 0 {
		parts = append(parts, "Subscribe for its events")
	}
	if len(parts) > 1 {
		return strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
	}
	return parts[0]
}

func (gl *glue) hasCalls() bool {
	for _, m := range gl.out {
		if m.Kind == model.Call {
			return true
		}
	}
	return false
}

func (gl *glue) recv() *jen.Statement { return jen.Id("c").Op("*").Id(gl.n.client) }

func (gl *glue) clientSend(m *model.Message) {
	p := gl.payload(payloadKey{m, false}, m.Type)
	name := GoName(m.Name)
	gl.g.add(msgDoc(m, name+" sends msg to "+gl.peer("the peer")+" as send "+strconv.Quote(m.Name)+".")...)
	gl.g.f.Func().Params(gl.recv()).Id(name).Params(jen.Id("msg").Add(p.param())).Error().Block(
		jen.Return(jen.Id("c").Dot("c").Dot("Send").Call(jen.Id(gl.g.names.messages[m]), p.encodable(jen.Id("msg")))))
}

func (gl *glue) clientCall(m *model.Message) {
	req, rep := gl.payload(payloadKey{m, false}, m.Type), gl.payload(payloadKey{m, true}, m.Reply)
	name := GoName(m.Name)
	doc := []string{
		name + " sends req to " + gl.peer("the peer") + " as call " + strconv.Quote(m.Name) + " and waits for the reply, matched",
		"by seq and ack+1, until ctx is done: give ctx a deadline.",
	}
	ret := jen.Return(rep.value(jen.Id("reply")), jen.Nil())
	if f := m.Error; f != nil {
		doc = append(doc, "A reply whose "+f.Name+" is not 0 is returned with a [*cn.CallError] holding that errno.")
		ret = jen.Return(rep.value(jen.Id("reply")), cnq("CallFailed").Call(gl.routeName(m),
			jen.Int64().Call(rep.value(jen.Id("reply")).Dot(gl.g.names.fields[f]))))
	} else {
		doc = append(doc, "When the peer's handler fails it sends no reply: the wait ends at ctx's deadline.")
	}
	gl.g.add(msgDoc(m, doc...)...)
	body := []jen.Code{
		jen.Id("reply").Op(":=").New(jen.Id(rep.holder)),
		jen.If(jen.Err().Op(":=").Id("c").Dot("c").Dot("Call").Call(jen.Id("ctx"), jen.Id(gl.g.names.messages[m]), req.encodable(jen.Id("req")), jen.Id("reply")),
			jen.Err().Op("!=").Nil()).Block(jen.Return(rep.zero(), jen.Err())),
		ret,
	}
	gl.g.f.Func().Params(gl.recv()).Id(name).
		Params(jen.Id("ctx").Qual(contextPkg, "Context"), jen.Id("req").Add(req.param())).
		Params(rep.param(), jen.Error()).Block(body...)
}

func (gl *glue) subscribe() {
	g, n := gl.g, gl.n
	join := " (the family has no group: its events come by unicast)"
	if gs := gl.subscribed(); len(gs) > 0 {
		join = " and joins the family's " + groupWords(gs) + " on its endpoint, where its events are broadcast"
	}
	g.add(comments(
		"Subscribe registers h for the events of family "+gl.fam.Name+" with the client's",
		"Dispatcher"+join+". Either all of that happens or, with an error, none.",
	)...)
	g.f.Func().Params(gl.recv()).Id("Subscribe").Params(jen.Id("h").Id(n.handler)).Error().Block(
		jen.Return(jen.Id("c").Dot("c").Dot("Subscribe").Call(gl.routeArgs()...)))
	unsub := "Unsubscribe leaves the groups Subscribe joined and unregisters its Handler."
	if len(gl.subscribed()) == 0 {
		unsub = "Unsubscribe unregisters the Handler of Subscribe."
	}
	g.add(comments(unsub)...)
	g.f.Func().Params(gl.recv()).Id("Unsubscribe").Params().Error().Block(
		jen.Return(jen.Id("c").Dot("c").Dot("Unsubscribe").Call()))
	gl.incoming()
}

// incoming emits what the client's Events yields: an interface, a type
// per event with the sender's port, the seq and the payload, and the
// Events method.
func (gl *glue) incoming() {
	g, n := gl.g, gl.n
	var kinds []string
	var routes []jen.Code
	for _, m := range gl.events {
		kinds = append(kinds, "*"+n.incomingOf[m])
	}
	g.add(comments(n.incoming + " is an event of family " + gl.fam.Name + " as [" + n.client + ".Events] yields it: " + strings.Join(kinds, ", ") + ".")...)
	g.f.Type().Id(n.incoming).Interface(
		jen.Comment("Event is the name of the event in the schema."),
		jen.Id("Event").Params().String(),
	)
	for _, m := range gl.events {
		p := gl.payload(payloadKey{m, false}, m.Type)
		id := n.incomingOf[m]
		g.add(comments(id + " is event " + strconv.Quote(m.Name) + " of family " + gl.fam.Name + ", as [" + n.client + ".Events] yields it.")...)
		g.f.Type().Id(id).Struct(
			jen.Comment("From is the sender's port (0: the kernel); Seq is the message's seq."),
			jen.List(jen.Id("From"), jen.Id("Seq")).Uint32(),
			jen.Comment("Payload is the event's, decoded into a value of its own."),
			jen.Id("Payload").Add(p.param()),
		)
		g.add(comments("Event returns " + strconv.Quote(m.Name) + ".")...)
		g.f.Func().Params(jen.Op("*").Id(id)).Id("Event").Params().String().Block(jen.Return(jen.Lit(m.Name)))
		routes = append(routes, cnq("Event").Call(gl.idOf(m), gl.routeName(m),
			jen.Func().Params(jen.Id("r").Op("*").Add(cnq("Request")), jen.Id("ev").Op("*").Id(p.holder)).Id(n.incoming).Block(
				jen.Return(jen.Op("&").Id(id).Values(jen.Dict{
					jen.Id("From"): jen.Id("r").Dot("From"), jen.Id("Seq"): jen.Id("r").Dot("Seq"), jen.Id("Payload"): p.value(jen.Id("ev")),
				})))))
	}
	g.add(comments(
		"Events subscribes to the events of family "+gl.fam.Name+" as Subscribe does, and yields each as it arrives until ctx is done",
		"(its error comes last) or the loop stops; then it unsubscribes. A payload that does not decode is yielded as its error and the loop goes on;",
		"nothing is dropped (see [cn.Events]). Subscribe and Events cannot be used at once.",
	)...)
	args := []jen.Code{jen.Id("ctx"), jen.Id("c").Dot("c"), jen.Index().Add(cnq("EventRoute")).Index(jen.Id(n.incoming)).Values(lines(routes)...)}
	if gl.kernel() {
		args = append(args, cnq("KernelOnly").Call())
	}
	g.f.Func().Params(gl.recv()).Id("Events").Params(jen.Id("ctx").Qual(contextPkg, "Context")).
		Qual("iter", "Seq2").Types(jen.Id(n.incoming), jen.Error()).Block(
		jen.Return(cnq("Events").Call(args...)))
}

// routeArgs are the arguments of cn.Register and cn.Client.Subscribe for
// the Handler h: its routes and, for a kernel family, cn.KernelOnly().
func (gl *glue) routeArgs(first ...jen.Code) []jen.Code {
	args := append(first, jen.Id(gl.n.routes).Call(jen.Id("h")))
	if gl.kernel() {
		args = append(args, cnq("KernelOnly").Call())
	}
	return args
}

// ---- handler ----

func (gl *glue) handler() {
	g, n := gl.g, gl.n
	var methods, routes []jen.Code
	for _, m := range gl.events {
		p := gl.payload(payloadKey{m, false}, m.Type)
		name := GoName(m.Name)
		methods = append(methods, msgDoc(m, name+" handles each event "+strconv.Quote(m.Name)+".")...)
		methods = append(methods, jen.Id(name).Params(jen.Id("r").Op("*").Add(cnq("Request")), jen.Id("ev").Add(p.param())))
		routes = append(routes, cnq("On").Call(gl.idOf(m), gl.routeName(m), p.handlerFunc(jen.Id("h").Dot(name), "ev")))
	}
	sender := "any port"
	if gl.kernel() {
		sender = "the kernel only (source port 0; others are counted in Stats.Rejected)"
	}
	g.add(comments(
		n.handler+" handles the events of family "+gl.fam.Name+" that reach a client.",
		"Each method gets the message as r and its decoded payload, which is",
		"valid only until the method returns; methods run one at a time, on the",
		"goroutine of the Dispatcher's Serve.",
	)...)
	g.f.Type().Id(n.handler).Interface(methods...)
	g.add(comments(
		n.register+" registers h with d for the events of family "+gl.fam.Name+", from",
		sender+"; a payload that does not decode is counted in",
		"Stats.Invalid and h is not called. [cn.Dispatcher.AddCallback] says when",
		"it fails; then none of h's methods is registered.",
	)...)
	g.f.Func().Id(n.register).Params(jen.Id("d").Op("*").Add(cnq("Dispatcher")), jen.Id("h").Id(n.handler)).Error().Block(
		jen.Return(cnq("Register").Call(gl.routeArgs(jen.Id("d"))...)))
	g.add(comments(n.routes + " are the callbacks of h's methods.")...)
	g.f.Func().Id(n.routes).Params(jen.Id("h").Id(n.handler)).Index().Add(cnq("Route")).Block(
		jen.Return(jen.Index().Add(cnq("Route")).Values(lines(routes)...)))
}

// lines puts each element on a line of its own, with a trailing comma.
func lines(code []jen.Code) []jen.Code {
	out := make([]jen.Code, 0, len(code)+1)
	for _, c := range code {
		out = append(out, jen.Line().Add(c))
	}
	return append(out, jen.Line())
}

// ---- server ----

// kernelPeerNote says, for a family the kernel serves, what its peer side
// is for.
func (gl *glue) kernelPeerNote() string {
	if !gl.kernel() {
		return ""
	}
	return "The kernel is the peer of family " + gl.fam.Name + " (sender kernel): this side," +
		" generated with cngen gen -kernel-peer, stands in for it in tests, sending from port 0" +
		" of cntest's Bus.Kernel()."
}

func (gl *glue) server() {
	g, n := gl.g, gl.n
	var methods, routes []jen.Code
	req := jen.Id("r").Op("*").Add(cnq("Request"))
	for _, m := range gl.out {
		p := gl.payload(payloadKey{m, false}, m.Type)
		name := GoName(m.Name)
		if m.Kind == model.Call {
			rep := gl.payload(payloadKey{m, true}, m.Reply)
			failed := "nothing when it returns an error (counted in Stats.Failed)."
			if f := m.Error; f != nil {
				failed = "when it returns an error, the reply it returns (or a zero one) with " + f.Name +
					" set to the error's errno (a syscall.Errno as it is, else EIO; ETIMEDOUT and ECANCELED for a context's)."
			}
			methods = append(methods, msgDoc(m, name+" answers each call "+strconv.Quote(m.Name)+": the reply goes back to the caller, or", failed)...)
			methods = append(methods, jen.Id(name).Params(req.Clone(), jen.Id("req").Add(p.param())).Params(rep.param(), jen.Error()))
			routes = append(routes, cnq("OnCall").Call(gl.idOf(m), gl.routeName(m), gl.callFunc(m, name, p, rep)))
			continue
		}
		methods = append(methods, msgDoc(m, name+" handles each send "+strconv.Quote(m.Name)+".")...)
		methods = append(methods, jen.Id(name).Params(req.Clone(), jen.Id("msg").Add(p.param())))
		routes = append(routes, cnq("On").Call(gl.idOf(m), gl.routeName(m), p.handlerFunc(jen.Id("srv").Dot(name), "msg")))
	}
	g.add(comments(
		n.server+" is the peer side of family "+gl.fam.Name+": it takes the messages clients",
		"send and answers their calls. r.From is the client's port; payloads are",
		"valid only until the method returns; methods run one at a time, on the",
		"goroutine of the Dispatcher's Serve.", gl.kernelPeerNote(),
	)...)
	g.f.Type().Id(n.server).Interface(methods...)
	g.add(comments(
		n.regServer+" registers srv with d for the sends and calls of family "+gl.fam.Name+",",
		"all or none. A call's reply goes back to the caller's port with the request's seq and its ack plus one.",
	)...)
	g.f.Func().Id(n.regServer).Params(jen.Id("d").Op("*").Add(cnq("Dispatcher")), jen.Id("srv").Id(n.server)).Error().Block(
		jen.Return(cnq("Register").Call(jen.Id("d"), jen.Index().Add(cnq("Route")).Values(lines(routes)...))))
}

// callFunc is what cn.OnCall gets for the server method name of call m:
// the method itself when both payloads are pointers to declared types
// and the call has no error field, else a function converting to and
// from the wrappers, or the method's error to the error field.
func (gl *glue) callFunc(m *model.Message, name string, req, rep *payload) jen.Code {
	method := jen.Id("srv").Dot(name)
	if m.Error != nil {
		return gl.errnoFunc(m, method, req, rep)
	}
	if req.kind == pointerPayload && rep.kind == pointerPayload {
		return method
	}
	var body []jen.Code
	if rep.kind == pointerPayload {
		body = append(body, jen.Return(method.Call(jen.Id("r"), req.value(jen.Id("req")))))
	} else {
		body = append(body,
			jen.List(jen.Id("reply"), jen.Err()).Op(":=").Add(method.Call(jen.Id("r"), req.value(jen.Id("req")))),
			jen.Return(rep.encodable(jen.Id("reply")), jen.Err()))
	}
	return jen.Func().Params(jen.Id("r").Op("*").Add(cnq("Request")), jen.Id("req").Op("*").Id(req.holder)).
		Params(jen.Op("*").Id(rep.holder), jen.Error()).Block(body...)
}

// errnoFunc is callFunc for a call with an error field: an error of the
// method becomes the errno in the reply's error field.
func (gl *glue) errnoFunc(m *model.Message, method *jen.Statement, req, rep *payload) jen.Code {
	field := jen.Id("reply").Dot(gl.g.names.fields[m.Error])
	set := []jen.Code{field.Clone().Op("=").Add(gl.g.goType(m.Error.Type)).Call(cnq("Errno").Call(jen.Err()))}
	if rep.kind == pointerPayload {
		set = append([]jen.Code{jen.If(jen.Id("reply").Op("==").Nil()).Block(jen.Id("reply").Op("=").New(jen.Id(rep.holder)))}, set...)
	}
	return jen.Func().Params(jen.Id("r").Op("*").Add(cnq("Request")), jen.Id("req").Op("*").Id(req.holder)).
		Params(jen.Op("*").Id(rep.holder), jen.Error()).Block(
		jen.List(jen.Id("reply"), jen.Err()).Op(":=").Add(method.Call(jen.Id("r"), req.value(jen.Id("req")))),
		jen.If(jen.Err().Op("!=").Nil()).Block(set...),
		jen.Return(rep.encodable(jen.Id("reply")), jen.Nil()))
}

// ---- events ----

func (gl *glue) eventSender() {
	g, n := gl.g, gl.n
	to := "to a client's port, or to a group its subscribed clients have joined."
	if len(gl.fam.Groups) == 0 {
		to = "to a client's port (the family has no group)."
	}
	g.add(comments(n.events+" sends the events of family "+gl.fam.Name+", from the peer's side:", to, gl.kernelPeerNote())...)
	g.f.Type().Id(n.events).Struct(jen.Id("out").Add(cnq("Sender")))
	g.add(comments(n.newEvents + " returns an event sender that sends through out, e.g. a *cn.Conn.")...)
	g.f.Func().Id(n.newEvents).Params(jen.Id("out").Add(cnq("Sender"))).Op("*").Id(n.events).Block(
		jen.Return(jen.Op("&").Id(n.events).Values(jen.Dict{jen.Id("out"): jen.Id("out")})))
	recv := jen.Id("e").Op("*").Id(n.events)
	for _, m := range gl.events {
		p := gl.payload(payloadKey{m, false}, m.Type)
		name := GoName(m.Name)
		g.add(msgDoc(m, name+" sends ev as event "+strconv.Quote(m.Name)+" to the port and group of to.")...)
		g.f.Func().Params(recv.Clone()).Id(name).Params(jen.Id("ev").Add(p.param()), jen.Id("to").Add(cnq("Addr"))).Error().Block(
			jen.Return(cnq("SendBinary").Call(jen.Id("e").Dot("out"), gl.idOf(m), p.encodable(jen.Id("ev")), jen.Id("to"))))
		if len(m.Groups) == 0 {
			continue
		}
		g.add(comments(
			"Broadcast" + name + " sends ev as event " + strconv.Quote(m.Name) + " to its " + groupWords(m.Groups) +
				", which every subscribed client has joined.",
		)...)
		var body []jen.Code
		if len(m.Groups) == 1 {
			body = []jen.Code{jen.Return(jen.Id("e").Dot(name).Call(jen.Id("ev"), cnq("Addr").Values(jen.Dict{jen.Id("Group"): gl.groupRef(m.Groups[0])})))}
		} else {
			var refs []jen.Code
			for _, n := range m.Groups {
				refs = append(refs, gl.groupRef(n))
			}
			body = []jen.Code{
				jen.For(jen.List(jen.Id("_"), jen.Id("g")).Op(":=").Range().Index().Uint32().Values(refs...)).Block(
					jen.If(jen.Err().Op(":=").Id("e").Dot(name).Call(jen.Id("ev"), cnq("Addr").Values(jen.Dict{jen.Id("Group"): jen.Id("g")})), jen.Err().Op("!=").Nil()).Block(
						jen.Return(jen.Err()))),
				jen.Return(jen.Nil()),
			}
		}
		g.f.Func().Params(recv.Clone()).Id("Broadcast" + name).Params(jen.Id("ev").Add(p.param())).Error().Block(body...)
	}
}
