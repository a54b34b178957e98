package gen

import (
	"fmt"
	"go/token"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/cngen/cngen/dsl/model"
	"github.com/cngen/cngen/dsl/source"
	"github.com/cngen/cngen/dsl/wire"
)

// initialisms are the words GoName writes in capitals.
var initialisms = map[string]bool{
	"id": true, "pid": true, "tgid": true, "uid": true, "gid": true, "sid": true,
	"cpu": true, "ns": true, "ip": true, "tcp": true, "udp": true, "url": true,
	"uuid": true, "json": true, "api": true, "ttl": true, "acl": true,
}

// GoName turns a .cn name into an exported Go name: the words between
// underscores are capitalised and joined, initialisms in capitals
// (parent_pid → ParentPID, timestamp_ns → TimestampNS, PROC_EVENT_ALL →
// ProcEventAll). A word written all in capitals is lowered first; a word
// in mixed case keeps its inner capitals (IPv4 stays IPv4).
func GoName(snake string) string {
	var b strings.Builder
	for _, w := range words(snake) {
		b.WriteString(capitalize(w))
	}
	return b.String()
}

// lowerName is GoName with its first word in lower case, for unexported
// identifiers: proc_event → procEvent, pid_info → pidInfo.
func lowerName(snake string) string {
	ws := words(snake)
	if len(ws) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString(strings.ToLower(ws[0]))
	for _, w := range ws[1:] {
		b.WriteString(capitalize(w))
	}
	return b.String()
}

func words(snake string) []string {
	var out []string
	for w := range strings.SplitSeq(snake, "_") {
		if w != "" {
			out = append(out, w)
		}
	}
	return out
}

func capitalize(w string) string {
	lower := strings.ToLower(w)
	if initialisms[lower] {
		return strings.ToUpper(lower)
	}
	if w == strings.ToUpper(w) {
		w = lower
	}
	r, n := utf8.DecodeRuneInString(w)
	return string(unicode.ToUpper(r)) + w[n:]
}

// Method and field names the generator itself puts on types.
var (
	typeMethods   = []string{"Size", "AppendBinary", "MarshalBinary", "UnmarshalBinary", "decode"}
	switchMethods = []string{"decode", "appendFor", "sizeFor"}
)

// names holds every Go identifier of one generated file, computed once
// before emission so that a collision is an error, never broken code.
type names struct {
	consts   map[*model.Const]string
	types    map[*model.Type]string  // enum, flags, struct, union and switch types, named or inline, and payload wrappers
	tables   map[*wire.Layout]string // the short-buffer tables of layouts that have one
	sizes    map[*model.Type]string  // the size constant of a type declared with size N
	values   map[*model.Value]string // enum and flags members
	fields   map[*model.Field]string // struct fields and plain union members
	variants map[*model.Variant]string
	cstrings map[int]string // cstring[N] helper types by N

	// Emission order of the types generated for inline structs and
	// cstrings, each after the declared type that first uses it.
	inline   map[*model.Type][]*model.Type // declared type → inline types it introduces
	cstrUse  map[*model.Type][]int         // declared type or payload wrapper → cstring lengths first used there
	families map[*model.Family]string
	messages map[*model.Message]string
	glue     map[*model.Family]*glueNames

	clash map[*model.Type]bool // types whose Go name is taken: their derived names are not checked
	pkg   *scope               // package-level identifiers
	plan  *wire.Plan           // the plan of the schema being named
	errs  source.ErrorList
	// origins maps the Go identifiers claimed, package-level ones by name
	// and members as Type.Member, to the schema nodes they come from.
	origins map[string]source.Pos
}

// scope detects two things mapping to one Go identifier.
type scope struct {
	seen    map[string]owner
	prefix  string                // the Go type whose members these are; "" for the package
	origins map[string]source.Pos // where a claim records its origin, or nil
}

type owner struct {
	what string // "field parent_pid", "const PROC_EVENT_ALL"
	pos  model.Pos
}

// claim records that o is named id, reporting a collision or an invalid
// identifier in errs.
func (s *scope) claim(errs *source.ErrorList, id string, o owner) {
	if !token.IsIdentifier(id) {
		*errs = append(*errs, &source.Error{Pos: o.pos, Msg: fmt.Sprintf("%s: Go name %q is not a valid identifier", o.what, id)})
		return
	}
	if prev, dup := s.seen[id]; dup {
		*errs = append(*errs, &source.Error{
			Pos:     o.pos,
			Msg:     fmt.Sprintf("%s: Go name %s is already taken by %s", o.what, id, prev.what),
			Related: &source.Related{Pos: prev.pos, Msg: prev.what},
		})
		return
	}
	s.seen[id] = o
	if s.origins != nil {
		s.origins[joinName(s.prefix, id)] = o.pos
	}
}

// memberScope is the scope of the members of the Go type id, recording
// their origins.
func (n *names) memberScope(id string) *scope {
	return &scope{seen: map[string]owner{}, prefix: id, origins: n.origins}
}

// newNames names everything in the schemas of one Go package, with
// their plans. Walks are in declaration order, so the names and the
// errors are the same on every run. A name claimed in two schemas is an
// error as within one; a cstring helper type is shared, and emitted with
// the first type that uses it.
func newNames(schemas []*model.Schema, plans []*wire.Plan, opt Options) (*names, error) {
	n := &names{
		consts: map[*model.Const]string{}, types: map[*model.Type]string{}, tables: map[*wire.Layout]string{}, sizes: map[*model.Type]string{},
		values: map[*model.Value]string{}, fields: map[*model.Field]string{}, variants: map[*model.Variant]string{},
		cstrings: map[int]string{}, inline: map[*model.Type][]*model.Type{}, cstrUse: map[*model.Type][]int{},
		families: map[*model.Family]string{}, messages: map[*model.Message]string{},
		glue:  map[*model.Family]*glueNames{},
		clash: map[*model.Type]bool{}, origins: map[string]source.Pos{},
	}
	n.pkg = n.memberScope("")
	for _, imp := range []string{"binary", "strconv", "cn", "cnimpl", "context", "errors", "iter"} {
		n.pkg.seen[imp] = owner{what: "the import " + imp}
	}
	for i, s := range schemas {
		n.schema(s, plans[i], opt)
	}
	if len(n.errs) > 0 {
		return nil, n.errs.Sort()
	}
	return n, nil
}

// schema names what one schema declares.
func (n *names) schema(s *model.Schema, p *wire.Plan, opt Options) {
	n.plan = p
	for _, c := range s.Consts {
		n.consts[c] = n.claim(GoName(c.Name), owner{"const " + c.Name, c.Pos})
	}
	for _, t := range s.Types {
		n.claimType(t, GoName(t.Name), owner{t.Kind.String() + " " + t.Name, t.Pos})
	}
	for _, t := range s.Types {
		n.typeMembers(t, t)
	}
	for _, l := range p.Layouts() {
		n.table(l)
	}
	for _, f := range s.Families {
		n.family(f, opt)
	}
}

// table names the short-buffer table of l, when it has one.
func (n *names) table(l *wire.Layout) {
	if len(l.Spans) == 0 || n.clash[l.Type] {
		return
	}
	id := lowerName(strings.ReplaceAll(l.Name, ".", "_")) + "Layout"
	n.tables[l] = n.claim(id, owner{"the short-buffer table of " + l.Name, l.Type.Pos})
}

func (n *names) claim(id string, o owner) string {
	n.pkg.claim(&n.errs, id, o)
	return id
}

// claimType names a type; a type whose name is taken is marked, so that
// the names derived from it report nothing more.
func (n *names) claimType(t *model.Type, id string, o owner) {
	before := len(n.errs)
	n.types[t] = n.claim(id, o)
	if len(n.errs) > before {
		n.clash[t] = true
	}
}

// typeMembers names what t declares: values, fields, variants, the inline
// types and cstring helpers it introduces (listed under top, the declared
// type they are emitted after) and the methods that may collide.
func (n *names) typeMembers(t, top *model.Type) {
	goName, cnName := n.types[t], t.Name
	if l := n.plan.Layout(t); l != nil {
		cnName = l.Name
	}
	what := t.Kind.String() + " " + cnName
	switch t.Kind {
	case model.KindEnum, model.KindFlags:
		for _, v := range t.Values {
			n.values[v] = n.claim(goName+GoName(v.Name), owner{"value " + t.Name + "." + v.Name, v.Pos})
		}
		return
	case model.KindStruct, model.KindUnion, model.KindSwitch:
	default:
		return
	}
	if t.DeclaredSize > 0 && !n.clash[t] {
		n.sizes[t] = n.claim(lowerName(t.Name)+"Size", owner{"the size constant of " + what, t.Pos})
	}
	members := n.memberScope(goName)
	methods := typeMethods
	if t.Kind == model.KindSwitch {
		methods = switchMethods
	}
	for _, m := range methods {
		members.seen[m] = owner{what: "the generated method " + m + " of " + what, pos: t.Pos}
	}
	for _, f := range t.Fields {
		n.fieldTypes(f.Type, top, goName+GoName(f.Name), cnName+"."+f.Name, f.Pos)
		if f.Type.Kind == model.KindPad {
			continue
		}
		id := GoName(f.Name)
		n.fields[f] = id
		members.claim(&n.errs, id, owner{"field " + f.Name + " of " + what, f.Pos})
		if t.Kind == model.KindUnion {
			members.claim(&n.errs, "Set"+id, owner{"the setter of member " + f.Name + " of " + what, f.Pos})
		}
	}
	for _, v := range variants(t) {
		id := GoName(v.Name())
		n.fieldTypes(v.Type, top, goName+id, cnName+"."+v.Name(), v.Pos)
		n.variants[v] = id
		members.claim(&n.errs, id, owner{"case " + v.Name() + " of " + what, v.Pos})
	}
}

// fieldTypes names the inline types and cstring helpers under a field or
// variant type; id and cnName are the names an inline struct there takes.
func (n *names) fieldTypes(t, top *model.Type, id, cnName string, pos model.Pos) {
	switch {
	case t.Name != "":
		return // a declared type, named on its own
	case t.Kind == model.KindStruct || t.Kind == model.KindUnion || t.Kind == model.KindSwitch:
		n.claimType(t, id, owner{"the inline " + t.Kind.String() + " " + cnName, pos})
		n.inline[top] = append(n.inline[top], t)
		n.typeMembers(t, top)
	case t.Kind == model.KindCString:
		if _, ok := n.cstrings[t.Len]; !ok {
			id := "CString" + strconv.Itoa(t.Len)
			n.cstrings[t.Len] = n.claim(id, owner{"the helper type " + id + " of cstring[" + strconv.Itoa(t.Len) + "]", pos})
			n.cstrUse[top] = append(n.cstrUse[top], t.Len)
		}
	case t.Elem != nil:
		n.fieldTypes(t.Elem, top, id+"Elem", cnName+"[]", pos)
	}
}

func (n *names) family(f *model.Family, opt Options) {
	id := GoName(f.Name)
	n.families[f] = id
	o := func(what string) owner { return owner{what + " of family " + f.Name, f.Pos} }
	n.claim(id+"Idx", o("the idx constant"))
	if len(f.Groups) == 1 {
		n.claim(id+"Group", o("the group constant"))
	} else if len(f.Groups) > 1 {
		n.claim(id+"Groups", o("the groups variable"))
	}
	for _, m := range f.Messages {
		n.messages[m] = n.claim(id+GoName(m.Name)+"Val", owner{"the val constant of message " + m.Name + " of family " + f.Name, m.Pos})
	}
	n.glueNames(f, opt)
}

// variants lists a switch union's arms, the default last.
func variants(t *model.Type) []*model.Variant {
	if t.Default == nil {
		return t.Variants
	}
	return append(t.Variants[:len(t.Variants):len(t.Variants)], t.Default)
}

// glueNames are the identifiers of a family's runtime glue (glue.go);
// those of parts the family lacks are empty.
type glueNames struct {
	client, newClient string                    // a family with messages
	handler, register string                    // events: what a client receives
	routes            string                    // the unexported list of the Handler's routes
	incoming          string                    // the interface of what the client's Events yields
	incomingOf        map[*model.Message]string // the type it yields for each event
	server, regServer string                    // sends and calls: what a peer receives
	events, newEvents string                    // events: what a peer sends
	stubHandler       string                    // the skeletons of cngen gen -stubs
	stubServer        string
	payloads          map[payloadKey]string // wrappers of payloads that are not declared types
}

// payloadKey is one payload of a message: its request (or only) type, or
// a call's reply.
type payloadKey struct {
	m     *model.Message
	reply bool
}

// glueNames names the glue of family f and claims its names, its
// methods' names included: two messages or a message and a generated
// method that end up with one Go name are an error, as for fields.
func (n *names) glueNames(f *model.Family, opt Options) {
	if len(f.Messages) == 0 {
		return
	}
	id, low := GoName(f.Name), lowerName(f.Name)
	gn := &glueNames{payloads: map[payloadKey]string{}}
	n.glue[f] = gn
	o := func(what string) owner { return owner{what + " of family " + f.Name, f.Pos} }
	out, events := splitMessages(f)
	gn.client = n.claim(id+"Client", o("the client type"))
	gn.newClient = n.claim("New"+id+"Client", o("the client constructor"))
	client := n.memberScope(gn.client)
	for _, m := range out {
		client.claim(&n.errs, GoName(m.Name), owner{"the client method of " + m.Kind.String() + " " + m.Name + " of family " + f.Name, m.Pos})
	}
	peer := f.Sender != model.SenderKernel || opt.KernelPeer // the peer's side is generated
	if len(events) > 0 {
		gn.handler = n.claim(id+"Handler", o("the handler interface"))
		gn.register = n.claim("Register"+id, o("the handler's register function"))
		gn.routes = n.claim(low+"Routes", o("the handler's routes function"))
		gn.stubHandler = n.claim(low+"Handler", o("the handler skeleton of -stubs"))
		n.methodOrigins(gn.handler, events)
		for _, meth := range []string{"Subscribe", "Unsubscribe", "Events"} {
			client.claim(&n.errs, meth, o("the client method "+meth))
		}
		gn.incoming = n.claim(id+"Incoming", o("the interface of the events Events yields"))
		gn.incomingOf = map[*model.Message]string{}
		for _, m := range events {
			gn.incomingOf[m] = n.claim(id+GoName(m.Name)+"Incoming", owner{"the type Events yields for event " + m.Name + " of family " + f.Name, m.Pos})
		}
	}
	if len(events) > 0 && peer {
		gn.events = n.claim(id+"Events", o("the event sender type"))
		gn.newEvents = n.claim("New"+id+"Events", o("the event sender constructor"))
		sender := n.memberScope(gn.events)
		for _, m := range events {
			what := owner{"the event sender method of event " + m.Name + " of family " + f.Name, m.Pos}
			sender.claim(&n.errs, GoName(m.Name), what)
			if len(m.Groups) > 0 {
				sender.claim(&n.errs, "Broadcast"+GoName(m.Name), what)
			}
		}
	}
	if len(out) > 0 && peer {
		gn.server = n.claim(id+"Server", o("the server interface"))
		gn.regServer = n.claim("Register"+id+"Server", o("the server's register function"))
		gn.stubServer = n.claim(low+"Server", o("the server skeleton of -stubs"))
		n.methodOrigins(gn.server, out)
	}
	for _, m := range f.Messages {
		n.wrapper(gn, f, payloadKey{m, false}, m.Type, low+GoName(m.Name)+"Payload")
		if m.Kind == model.Call {
			n.wrapper(gn, f, payloadKey{m, true}, m.Reply, low+GoName(m.Name)+"ReplyPayload")
		}
	}
}

// methodOrigins records the methods of interface iface, one per message,
// as coming from their messages.
func (n *names) methodOrigins(iface string, msgs []*model.Message) {
	for _, m := range msgs {
		n.origins[iface+"."+GoName(m.Name)] = m.Pos
	}
}

// wrapper names the unexported struct that carries a payload of a type
// that is not a declared struct or union (string, u32, an enum, []T …)
// through the runtime's codecs, the one field "v" it holds, and the
// cstring helper the type may need. The plan makes the struct.
func (n *names) wrapper(gn *glueNames, f *model.Family, k payloadKey, t *model.Type, id string) {
	l := n.plan.Payload(k.m, k.reply)
	if !l.Payload {
		return
	}
	what := "payload"
	if k.reply {
		what = "reply"
	}
	gn.payloads[k] = n.claim(id, owner{"the " + what + " wrapper of " + k.m.Kind.String() + " " + k.m.Name + " of family " + f.Name, k.m.Pos})
	n.types[l.Type] = id
	n.fields[l.Fields[0].Model] = "v"
	n.fieldTypes(t, l.Type, id, l.Name, k.m.Pos)
}

// splitMessages returns a family's messages towards the peer (sends and
// calls) and towards the client (events), in declaration order.
func splitMessages(f *model.Family) (out, events []*model.Message) {
	for _, m := range f.Messages {
		if m.Kind == model.Event {
			events = append(events, m)
		} else {
			out = append(out, m)
		}
	}
	return out, events
}
