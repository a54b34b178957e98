package check

import (
	"math/big"
	"slices"
	"strconv"
	"strings"

	"github.com/cngen/cngen/dsl/model"
	"github.com/cngen/cngen/dsl/source"
	"github.com/cngen/cngen/dsl/syntax"
)

var maxU32 = big.NewInt(1<<32 - 1)

// u32 evaluates e as a value in [lo, 2^32-1].
func (c *checker) u32(e *syntax.Expr, what string, lo int64) (uint32, bool) {
	v := c.evalExpr(e)
	if v == nil {
		return 0, false
	}
	if v.Cmp(big.NewInt(lo)) < 0 || v.Cmp(maxU32) > 0 {
		c.errs.Add(e.Pos, "%s %s out of range [%d, %d]", what, spell(e, v), lo, maxU32)
		return 0, false
	}
	return uint32(v.Uint64()), true
}

func (c *checker) families(s *model.Schema, f *syntax.File) {
	names := map[string]model.Pos{}
	idxs := map[uint32]model.Pos{}
	for _, d := range f.Decls {
		fd := d.Family
		if fd == nil {
			continue
		}
		if prev, dup := names[fd.Name]; dup {
			c.errs.Add(fd.Pos, "family %s redeclared", fd.Name).Related = &source.Related{Pos: prev, Msg: "previous declaration"}
			continue
		}
		names[fd.Name] = fd.Pos
		fam := c.family(fd)
		if fam == nil {
			continue
		}
		if prev, dup := idxs[fam.Idx]; dup {
			c.errs.Add(fd.Idx.Pos, "family %s: idx %s is already used", fd.Name, fam.IdxText).Related = &source.Related{Pos: prev, Msg: "other family"}
		}
		idxs[fam.Idx] = fd.Pos
		s.Families = append(s.Families, fam)
	}
}

// msgKey is a (val, direction) slot of a family.
type msgKey struct {
	val uint32
	dir model.Direction
}

func (c *checker) family(fd *syntax.FamilyDecl) *model.Family {
	fam := &model.Family{Name: fd.Name, Pos: fd.Pos, Doc: fd.Doc}
	idx, ok := c.u32(fd.Idx, "idx", 0)
	fam.Idx, fam.IdxText = idx, spell(fd.Idx, new(big.Int).SetUint64(uint64(idx)))
	var senderPos *model.Pos
	groups := map[uint32]bool{}
	names := map[string]model.Pos{}
	slots := map[msgKey]*syntax.MessageDecl{}
	for _, it := range fd.Items {
		switch {
		case it.Sender != nil:
			if senderPos != nil {
				c.errs.Add(it.Pos, "family %s: sender given twice", fd.Name).Related = &source.Related{Pos: *senderPos, Msg: "first given"}
				continue
			}
			senderPos = &it.Pos
			switch it.Sender.Name {
			case "kernel":
				fam.Sender = model.SenderKernel
			case "any":
				fam.Sender = model.SenderAny
			default:
				c.errs.Add(it.Sender.Pos, "unknown sender %s: want kernel or any", it.Sender.Name)
			}
		case it.Message != nil:
			if m := c.message(fd, it.Message, names, slots); m != nil {
				fam.Messages = append(fam.Messages, m)
			}
		default:
			for _, g := range it.Groups {
				n, ok := c.u32(g, "group", 1)
				if !ok {
					continue
				}
				if n > model.MaxGroup {
					c.errs.Add(g.Pos, "family %s: group %d is beyond the %d multicast groups of a connector socket", fd.Name, n, model.MaxGroup)
					continue
				}
				if groups[n] {
					c.errs.Add(g.Pos, "family %s: group %d listed twice", fd.Name, n)
					continue
				}
				groups[n] = true
				fam.Groups = append(fam.Groups, n)
			}
		}
	}
	if len(fam.Groups) == 0 && idx > 0 && idx <= model.MaxGroup {
		fam.Groups = []uint32{idx} // the kernel's rule: group = idx
	}
	c.eventGroups(fd, fam)
	if !ok {
		return nil
	}
	return fam
}

func (c *checker) message(fd *syntax.FamilyDecl, md *syntax.MessageDecl, names map[string]model.Pos, slots map[msgKey]*syntax.MessageDecl) *model.Message {
	if prev, dup := names[md.Name]; dup {
		c.errs.Add(md.Pos, "family %s: message %s redeclared", fd.Name, md.Name).Related = &source.Related{Pos: prev, Msg: "previous declaration"}
		return nil
	}
	names[md.Name] = md.Pos
	m := &model.Message{Name: md.Name, Pos: md.Pos, Doc: md.Doc}
	switch md.Kind {
	case "send":
		m.Kind = model.Send
	case "event":
		m.Kind = model.Event
	default:
		m.Kind = model.Call
	}
	val, ok := c.u32(md.Val, "val", 0)
	m.Val, m.ValText = val, spell(md.Val, new(big.Int).SetUint64(uint64(val)))
	m.Type = c.messageType(md.Type)
	switch {
	case m.Kind == model.Call && md.Reply == nil:
		c.errs.Add(md.Pos, "call %s needs a reply type: call %s val N REQUEST -> REPLY", md.Name, md.Name)
	case m.Kind != model.Call && md.Reply != nil:
		c.errs.Add(md.Reply.Pos, "%s %s cannot have a reply: only a call has one", md.Kind, md.Name)
	case md.Reply != nil:
		m.Reply = c.messageType(md.Reply)
	}
	if md.Error != nil {
		m.Error = c.errorField(md, m)
	}
	if len(md.Groups) > 0 && m.Kind != model.Event {
		c.errs.Add(md.Groups[0].Pos, "%s %s cannot name groups: only an event is broadcast (a group line after a message belongs to it: put the family's group lines first)", md.Kind, md.Name)
	}
	if !ok {
		return nil
	}
	for _, dir := range m.Directions() {
		k := msgKey{val, dir}
		if prev, dup := slots[k]; dup {
			c.errs.Add(md.Val.Pos, "family %s: val %s is already used %s by %s", fd.Name, m.ValText, dirWords(dir), prev.Name).Related = &source.Related{Pos: prev.Pos, Msg: "other message"}
			continue
		}
		slots[k] = md
	}
	if m.Type == nil || (m.Kind == model.Call && m.Reply == nil) {
		return nil
	}
	return m
}

// errorField resolves the error clause of a call: an integer field of
// its reply struct, neither a length nor a selector.
func (c *checker) errorField(md *syntax.MessageDecl, m *model.Message) *model.Field {
	name := md.Error.Name
	switch {
	case m.Kind != model.Call:
		c.errs.Add(md.Error.Pos, "%s %s cannot have an error field: only a call's reply carries one", md.Kind, md.Name)
		return nil
	case m.Reply == nil:
		return nil
	case m.Reply.Kind != model.KindStruct:
		c.errs.Add(md.Error.Pos, "call %s: error %s needs a struct reply, and %s is not one", md.Name, name, m.Reply)
		return nil
	}
	for _, f := range m.Reply.Fields {
		if f.Name != name {
			continue
		}
		switch {
		case f.Type.Kind != model.KindInt:
			c.errs.Add(md.Error.Pos, "call %s: error field %s is %s: it must be an integer, 0 for success or an errno", md.Name, name, f.Type)
		case len(f.LengthOf) > 0:
			c.errs.Add(md.Error.Pos, "call %s: error field %s is the length of %s", md.Name, name, f.LengthOf[0].Name)
		case f.Dynamic:
			c.errs.Add(md.Error.Pos, "call %s: error field %s follows a variable-size field: put it at a fixed offset", md.Name, name)
		default:
			return f
		}
		return nil
	}
	c.errs.Add(md.Error.Pos, "call %s: reply %s has no field %s%s", md.Name, m.Reply, name, c.nearest(name, func(consider func(string)) {
		for _, f := range m.Reply.Fields {
			consider(f.Name)
		}
	}))
	return nil
}

// eventGroups resolves the groups of the family's events: the group
// clause's, each one of the family's, or the family's first.
func (c *checker) eventGroups(fd *syntax.FamilyDecl, fam *model.Family) {
	decls := map[string]*syntax.MessageDecl{}
	for _, it := range fd.Items {
		if it.Message != nil {
			decls[it.Message.Name] = it.Message
		}
	}
	for _, m := range fam.Messages {
		if m.Kind != model.Event {
			continue
		}
		md := decls[m.Name]
		if len(md.Groups) == 0 {
			if len(fam.Groups) > 0 {
				m.Groups = fam.Groups[:1:1]
			}
			continue
		}
		m.GroupsGiven = true
		seen := map[uint32]bool{}
		for _, g := range md.Groups {
			n, ok := c.u32(g, "group", 1)
			switch {
			case !ok:
			case !slices.Contains(fam.Groups, n):
				c.errs.Add(g.Pos, "event %s: group %d is not a group of family %s (%s): list it in the family's group line first", m.Name, n, fam.Name, groupList(fam.Groups))
			case seen[n]:
				c.errs.Add(g.Pos, "event %s: group %d listed twice", m.Name, n)
			default:
				seen[n] = true
				m.Groups = append(m.Groups, n)
			}
		}
	}
}

func groupList(gs []uint32) string {
	if len(gs) == 0 {
		return "it has none"
	}
	var out []string
	for _, g := range gs {
		out = append(out, strconv.FormatUint(uint64(g), 10))
	}
	return "it has " + strings.Join(out, ", ")
}

func dirWords(d model.Direction) string {
	if d == model.Out {
		return "towards the peer"
	}
	return "towards the client"
}

// messageType resolves a message payload and checks that it fits in one
// connector message.
func (c *checker) messageType(te *syntax.TypeExpr) *model.Type {
	t := c.typeExpr(te, &scope{owner: "message"})
	if t == nil || c.oversized[t] {
		return nil
	}
	if t.Size > model.MaxMsgSize {
		c.errs.Add(te.Pos, "%s takes at least %d bytes: more than a connector message holds (%d)", t, t.Size, model.MaxMsgSize)
		return nil
	}
	return t
}
