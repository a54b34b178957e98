package md

import (
	"cmp"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/cngen/cngen/dsl/model"
	"github.com/cngen/cngen/dsl/wire"
)

// Options adjust Generate.
type Options struct {
	// Source is the file name the header says the documentation comes
	// from ("proc.cn"); the base name of the schema's file when empty.
	Source string
}

// Generate returns the Markdown documentation of s. It is deterministic:
// everything is written in declaration order, and the only name of a
// file it holds is Source.
func Generate(s *model.Schema, opt Options) []byte {
	w := newWriter(s)
	w.header(cmp.Or(opt.Source, filepath.Base(s.File)))
	w.consts()
	w.types()
	w.families()
	return []byte(strings.TrimRight(w.b.String(), "\n") + "\n")
}

// writer writes the documentation of one schema.
type writer struct {
	b    strings.Builder
	s    *model.Schema
	plan *wire.Plan
	// titles and anchors are the heading and its anchor of each section,
	// by what it documents: a named type, a switch arm's variant, a
	// family, a payload wrapper's layout. Links need the anchors of
	// sections further down, so they are all named before anything is
	// written, in the order they are written, as GitHub numbers repeats.
	titles  map[any]string
	anchors map[any]string
}

func newWriter(s *model.Schema) *writer {
	w := &writer{s: s, plan: wire.New(s), titles: map[any]string{}, anchors: map[any]string{}}
	w.nameSections()
	return w
}

// The headings of the sections of the document.
const (
	constsHeading   = "Constants"
	typesHeading    = "Types"
	familiesHeading = "Families"
)

// nameSections gives every section its title and anchor, in the order
// of the document, headings without an anchor of use included, since
// they count in GitHub's numbering of repeats.
func (w *writer) nameSections() {
	seen := slugs{}
	name := func(key any, title string) {
		w.titles[key], w.anchors[key] = title, seen.next(title)
	}
	seen.next(w.title())
	if len(w.s.Consts) > 0 {
		seen.next(constsHeading)
	}
	if len(w.s.Types) > 0 {
		seen.next(typesHeading)
	}
	for _, t := range w.s.Types {
		name(t, kindWord(t)+" "+t.Name)
		for _, a := range w.drawnArms(t) {
			name(a.Variant, t.Name+"."+a.Name)
		}
	}
	if len(w.s.Families) > 0 {
		seen.next(familiesHeading)
	}
	for _, f := range w.s.Families {
		name(f, "family "+f.Name)
		for _, l := range w.wrappers(f) {
			name(l, l.Name)
		}
	}
}

func (w *writer) title() string { return "Package " + w.s.Package }

// kindWord is how a type's section is headed: enum, flags, struct or
// union.
func kindWord(t *model.Type) string {
	if t.Kind == model.KindSwitch {
		return "union"
	}
	return t.Kind.String()
}

// drawnArms are the arms of a switch union that get a section of their
// own: those of a type without a name (an inline struct, a u32, bytes),
// which has no section elsewhere.
func (w *writer) drawnArms(t *model.Type) []*wire.Arm {
	if t.Kind != model.KindSwitch {
		return nil
	}
	var arms []*wire.Arm
	for _, a := range w.plan.Layout(t).Arms {
		if a.Type.Name == "" {
			arms = append(arms, a)
		}
	}
	return arms
}

// wrappers are the payloads of f's messages that are not a declared
// struct or union, each drawn in the family's section.
func (w *writer) wrappers(f *model.Family) []*wire.Layout {
	var out []*wire.Layout
	for _, m := range f.Messages {
		for _, reply := range []bool{false, true} {
			if l := w.plan.Payload(m, reply); l != nil && l.Payload {
				out = append(out, l)
			}
		}
	}
	return out
}

// heading writes the heading of the section of key.
func (w *writer) heading(level int, key any) {
	w.b.WriteString(strings.Repeat("#", level) + " " + w.titles[key] + "\n\n")
}

// para writes one paragraph of Markdown.
func (w *writer) para(text string) {
	if text != "" {
		w.b.WriteString(text + "\n\n")
	}
}

// paragraphs writes doc lines as Markdown: each paragraph's lines as
// written, a blank doc line between paragraphs.
func (w *writer) paragraphs(doc []string) {
	var lines []string
	flush := func() {
		w.para(strings.Join(lines, "\n"))
		lines = nil
	}
	for _, l := range doc {
		if strings.TrimSpace(l) == "" {
			flush()
			continue
		}
		lines = append(lines, escape(l))
	}
	flush()
}

// table writes a table with its header.
func (w *writer) table(header []string, rows [][]string) {
	if len(rows) > 0 {
		table(&w.b, header, rows)
	}
}

// diagram writes the diagram of parts in a text block, which GitHub
// shows in a monospace font; nothing for nothing to draw.
func (w *writer) diagram(parts []part) {
	lines := draw(parts)
	if lines == nil {
		return
	}
	w.b.WriteString("```text\n" + strings.Join(lines, "\n") + "\n```\n\n")
}

// legend says how to read the diagrams, once, before the first.
const legend = "Each diagram draws a layout 32 bits a row, as RFC 791 draws headers: " +
	"the ruler numbers the bits of a row, 8 a byte, in the order of the bytes in memory, " +
	"and the gutter holds the byte offset of each row. Every field is a box at its offset, " +
	"split where it crosses a row; `padding` is what the C compiler inserts, `(pad)` marks a `pad` field. " +
	"A box with a dashed bottom edge (`+- - -+`) has a variable size and runs on past what is drawn; " +
	"after a `:` row, offsets are known only at run time, and the fields are drawn from a cursor " +
	"aligned as the row says. A `~` row stands for rows of a long field left out, " +
	"and a name too long for its box ends in `~`: the tables give every name in full."

func (w *writer) header(source string) {
	w.para("<!-- Code generated by cngen from " + source + ". DO NOT EDIT. -->")
	w.para("# " + w.title())
	w.paragraphs(w.s.Doc)
	w.para("The documentation of " + code(source) + ": its constants, types and families, with the byte layout of every struct, union and payload.")
	if len(w.plan.Layouts()) > 0 {
		w.para(legend)
	}
}

func (w *writer) consts() {
	if len(w.s.Consts) == 0 {
		return
	}
	w.para("## " + constsHeading)
	var rows [][]string
	for _, c := range w.s.Consts {
		rows = append(rows, []string{code(c.Name), code(c.Text), docCell(c.Doc)})
	}
	w.table([]string{"Name", "Value", "Doc"}, rows)
}

func (w *writer) families() {
	if len(w.s.Families) == 0 {
		return
	}
	w.para("## " + familiesHeading)
	for _, f := range w.s.Families {
		w.heading(3, f)
		w.paragraphs(f.Doc)
		w.para(strings.Join([]string{"- idx: " + code(f.IdxText), "- groups: " + groups(f), "- sender: " + sender(f.Sender)}, "\n"))
		w.messages(f)
		for _, l := range w.wrappers(f) {
			w.wrapper(l)
		}
	}
}

// groups are a family's multicast groups in words.
func groups(f *model.Family) string {
	if len(f.Groups) == 0 {
		return "none: events are unicast only"
	}
	var gs []string
	for _, g := range f.Groups {
		gs = append(gs, fmt.Sprint(g))
	}
	return strings.Join(gs, ", ")
}

// eventGroups says where an event is broadcast.
func eventGroups(m *model.Message) string {
	if len(m.Groups) == 0 {
		return "unicast"
	}
	var gs []string
	for _, g := range m.Groups {
		gs = append(gs, fmt.Sprint(g))
	}
	if len(gs) == 1 {
		return "group " + gs[0]
	}
	return "groups " + strings.Join(gs, ", ")
}

func sender(s model.Sender) string {
	if s == model.SenderKernel {
		return "`kernel`: only messages from the kernel (source port 0) are accepted"
	}
	return "`any`: messages from any port are accepted"
}

// directions say which way a message travels, from the client's side.
var directions = map[model.MsgKind]string{model.Send: "out", model.Event: "in", model.Call: "out, reply in"}

// messages writes the messages table of f.
func (w *writer) messages(f *model.Family) {
	if len(f.Messages) == 0 {
		w.para("No messages.")
		return
	}
	var rows [][]string
	for _, m := range f.Messages {
		reply := ""
		if m.Reply != nil {
			reply = w.payloadRef(m, true)
		}
		if m.Error != nil {
			reply += ", errno in " + code(m.Error.Name)
		}
		dir := directions[m.Kind]
		if m.Kind == model.Event {
			dir += ", " + eventGroups(m)
		}
		rows = append(rows, []string{m.Kind.String(), code(m.Name), code(m.ValText), dir,
			w.payloadRef(m, false), reply, docCell(m.Doc)})
	}
	w.table([]string{"Kind", "Message", "Val", "Direction", "Payload", "Reply", "Doc"}, rows)
}

// payloadRef is the payload (or reply) type of m, linked to its diagram.
func (w *writer) payloadRef(m *model.Message, reply bool) string {
	t := m.Type
	if reply {
		t = m.Reply
	}
	if l := w.plan.Payload(m, reply); l != nil && l.Payload {
		return link(code(t.String()), w.anchors[l])
	}
	return w.typeRef(t, t.String())
}

// wrapper writes the section of a payload that is not a declared struct
// or union: the one field the plan wraps it in.
func (w *writer) wrapper(l *wire.Layout) {
	w.heading(4, l)
	t := l.Fields[0].Type
	w.para(fmt.Sprintf("A payload of type %s: %s.", w.typeRef(t, t.String()), extent(t)))
	w.diagram(layoutParts(l))
}
