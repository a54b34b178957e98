package breaking

import (
	"maps"
	"slices"

	"github.com/cngen/cngen/dsl/model"
	"github.com/cngen/cngen/report"
)

// families compares the families of a schema, matched by name, then a
// family whose name is gone with a new one of its idx (a rename, which
// the wire does not see). An added family is compatible: no old reader or
// writer knows its idx.
func (c *comparer) families(w *walk, old, new []*model.Family) {
	matched := map[*model.Family]bool{}
	var gone []*model.Family
	for _, of := range old {
		if nf := findFamily(new, of.Name); nf != nil {
			matched[nf] = true
			c.family(w, of, nf)
		} else {
			gone = append(gone, of)
		}
	}
	for _, of := range gone {
		nf := findIdx(new, of.Idx)
		if nf == nil || matched[nf] {
			c.wireErr(of.Pos, "family %s removed: peers built from the new schema no longer send or serve its messages", of.Name)
			continue
		}
		matched[nf] = true
		c.wireWarn(nf.Pos, "family %s renamed %s: the same idx on the wire", of.Name, nf.Name)
		c.family(w, of, nf)
	}
}

func findIdx(fs []*model.Family, idx uint32) *model.Family {
	for _, f := range fs {
		if f.Idx == idx {
			return f
		}
	}
	return nil
}

func findFamily(fs []*model.Family, name string) *model.Family {
	for _, f := range fs {
		if f.Name == name {
			return f
		}
	}
	return nil
}

// family compares what addresses a family's messages, then the messages.
func (c *comparer) family(w *walk, of, nf *model.Family) {
	if of.Idx != nf.Idx {
		c.wireErr(nf.Pos, "family %s: idx changed from %#x to %#x: its messages go to another connector id, which the other version does not listen on",
			nf.Name, of.Idx, nf.Idx)
	}
	if of.Sender != nf.Sender {
		c.wireErr(nf.Pos, "family %s: sender changed from %s to %s: the peer is %s, and a client built from the other version talks to %s",
			nf.Name, of.Sender, nf.Sender, peerName(nf.Sender), peerName(of.Sender))
	}
	c.messages(w, of, nf)
}

func peerName(s model.Sender) string {
	if s == model.SenderKernel {
		return "the kernel"
	}
	return "any port"
}

func groupList(gs []uint32) string {
	if len(gs) == 0 {
		return "they join none: events were unicast"
	}
	s := "they join "
	for i, g := range gs {
		if i > 0 {
			s += ", "
		}
		s += itoa(int(g))
	}
	return s
}

// slot is one (val, direction) of a family: what a reader looks up a
// message by.
type slot struct {
	val uint32
	dir model.Direction
}

// messages compares the messages of a family: by name, then a message
// whose name is gone with a new one of its kind and val whose payloads
// read the same (a rename); the rest are removed, and a new message that
// takes a slot an old message had reuses its val.
func (c *comparer) messages(w *walk, of, nf *model.Family) {
	counterpart := map[*model.Message]*model.Message{} // new → old
	var gone []*model.Message
	for _, om := range of.Messages {
		if nm := findMessage(nf.Messages, om.Name); nm != nil {
			counterpart[nm] = om
			c.message(w, of, nf, om, nm)
		} else {
			gone = append(gone, om)
		}
	}
	for _, nm := range nf.Messages {
		if counterpart[nm] != nil {
			continue
		}
		if om := c.renamed(w, nf, gone, nm); om != nil {
			counterpart[nm] = om
			gone = slices.DeleteFunc(gone, func(m *model.Message) bool { return m == om })
		}
	}
	for _, om := range gone {
		c.wireErr(om.Pos, "%s %s.%s removed: %s", om.Kind, of.Name, om.Name, removedWhy(om))
	}
	c.reused(of, nf, counterpart)
}

func findMessage(ms []*model.Message, name string) *model.Message {
	for _, m := range ms {
		if m.Name == name {
			return m
		}
	}
	return nil
}

func removedWhy(m *model.Message) string {
	if m.Kind == model.Event {
		return "a peer built from the new schema no longer sends it, and clients built from the old one wait for it"
	}
	return "a peer built from the new schema no longer serves it, and drops it when a client built from the old one sends it"
}

// renamed finds the removed message that nm renames: one of its kind and
// val whose payloads compare without an error. It reports the rename and
// what the payloads' comparison found.
func (c *comparer) renamed(w *walk, nf *model.Family, gone []*model.Message, nm *model.Message) *model.Message {
	for _, om := range gone {
		if om.Kind != nm.Kind || om.Val != nm.Val {
			continue
		}
		trial := &comparer{enums: map[[2]*model.Type]bool{}} // a trial that fails must not mark what it compared
		trial.payloads(w.with(trial), nf, om, nm)
		if report.Errors(trial.findings) > 0 {
			continue
		}
		maps.Copy(c.enums, trial.enums)
		c.wireWarn(nm.Pos, "%s %s.%s renamed %s: the same kind, val and payload on the wire", nm.Kind, nf.Name, om.Name, nm.Name)
		c.findings = append(c.findings, trial.findings...)
		return om
	}
	return nil
}

// reused reports a new message in a slot that belonged to another old
// message: a reader built from the old schema takes it for that one.
func (c *comparer) reused(of, nf *model.Family, counterpart map[*model.Message]*model.Message) {
	owner := map[slot]*model.Message{}
	for _, om := range of.Messages {
		for _, d := range om.Directions() {
			owner[slot{om.Val, d}] = om
		}
	}
	for _, nm := range nf.Messages {
		for _, d := range nm.Directions() {
			om := owner[slot{nm.Val, d}]
			if om != nil && om != counterpart[nm] {
				c.wireErr(nm.Pos, "%s %s.%s: val %d (%s) reused: it was %s %s's in the old schema, and readers built from the old schema decode it as that",
					nm.Kind, nf.Name, nm.Name, nm.Val, dirName(d), om.Kind, om.Name)
			}
		}
	}
}

func dirName(d model.Direction) string {
	if d == model.Out {
		return "client to peer"
	}
	return "peer to client"
}

// message compares a message with its counterpart of the same name.
func (c *comparer) message(w *walk, of, nf *model.Family, om, nm *model.Message) {
	if om.Val != nm.Val {
		c.wireErr(nm.Pos, "%s %s.%s: val changed from %d to %d: readers built from the other version take it for another message, or drop it",
			nm.Kind, nf.Name, nm.Name, om.Val, nm.Val)
	}
	if om.Kind != nm.Kind {
		c.wireErr(nm.Pos, "%s.%s changed from %s to %s: %s", nf.Name, nm.Name, om.Kind, nm.Kind, kindWhy(om.Kind, nm.Kind))
	}
	c.payloads(w, nf, om, nm)
	if om.Kind == model.Event && nm.Kind == model.Event && of.Idx == nf.Idx {
		c.eventGroups(nf, om, nm)
	}
	if om.Kind == model.Call && nm.Kind == model.Call {
		c.errorField(nf, om, nm)
	}
}

// eventGroups compares the groups an event is broadcast to: a client
// joins the groups of its version's events, and a peer broadcasts each
// event to those of its own.
func (c *comparer) eventGroups(nf *model.Family, om, nm *model.Message) {
	for _, g := range nm.Groups {
		if !slices.Contains(om.Groups, g) {
			c.wireErr(nm.Pos, "event %s.%s: now broadcast to group %d, where clients built from the old schema do not look for it (%s)",
				nf.Name, nm.Name, g, groupList(om.Groups))
		}
	}
	for _, g := range om.Groups {
		if !slices.Contains(nm.Groups, g) {
			c.wireErr(nm.Pos, "event %s.%s: no longer broadcast to group %d: clients built from the new schema miss it from old peers, which still broadcast it there",
				nf.Name, nm.Name, g)
		}
	}
}

// errorField compares the error fields of two versions of a call: the
// reply's bytes may not change, but what they mean does.
func (c *comparer) errorField(nf *model.Family, om, nm *model.Message) {
	name := func(f *model.Field) string {
		if f == nil {
			return ""
		}
		return f.Name
	}
	o, n := name(om.Error), name(nm.Error)
	switch {
	case o == n:
	case o == "":
		c.wireWarn(nm.Pos, "call %s.%s: error field %s added: clients built from the new schema take a non-zero %s from old peers for an errno, and old clients take an error reply for a success",
			nf.Name, nm.Name, n, n)
	case n == "":
		c.wireWarn(nm.Pos, "call %s.%s: error field %s removed: clients built from the new schema take an error reply of an old peer for a success",
			nf.Name, nm.Name, o)
	default:
		c.wireWarn(nm.Pos, "call %s.%s: error field changed from %s to %s: each version reads the other's errno in another field",
			nf.Name, nm.Name, o, n)
	}
}

func kindWhy(from, to model.MsgKind) string {
	switch {
	case from == model.Call:
		return "a client built from the old schema waits for a reply that no longer comes"
	case to == model.Call:
		return "a client built from the new schema waits for a reply a peer built from the old one never sends"
	}
	return "it travels the other way, and readers built from the other version never see it"
}

// payloads compares the payloads of two versions of a message that travel
// the same way: the request (or only payload), and a call's reply.
func (c *comparer) payloads(w *walk, nf *model.Family, om, nm *model.Message) {
	if om.Directions()[0] == nm.Directions()[0] {
		w.payload(nf, om, nm, false)
	}
	if om.Reply != nil && nm.Reply != nil {
		w.payload(nf, om, nm, true)
	}
}

// payload compares one payload: its layout, walked from the start of the
// message, then its length, which a kernel receiver checks.
func (w *walk) payload(nf *model.Family, om, nm *model.Message, reply bool) {
	ol, nl := w.old.Payload(om, reply), w.new.Payload(nm, reply)
	what := nm.Kind.String() + " " + nf.Name + "." + nm.Name
	if reply {
		what += "'s reply"
	}
	w.typ(ol.Type, nl.Type, where{path: nl.Name, pos: nm.Pos, tail: true, extent: ol.Type.Size})
	os, ns := ol.Type.Size, nl.Type.Size
	switch {
	case os == ns:
	case !reply && nm.Kind != model.Event && nf.Sender == model.SenderKernel:
		w.c.wireErr(nm.Pos, "%s: length changed from %d to %d bytes: the kernel receives it, and kernel callbacks check the length (proc drops a proc_input of any other length)",
			what, os, ns)
	case ns > os:
		w.c.wireWarn(nm.Pos, "%s: payload grew from %d to %d bytes", what, os, ns)
	default:
		w.c.wireWarn(nm.Pos, "%s: payload shrank from %d to %d bytes", what, os, ns)
	}
}
