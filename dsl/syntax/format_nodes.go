package syntax

import "github.com/cngen/cngen/dsl/source"

// The printers of the nodes. Each prints the node's tokens in source
// order, so that the i-th token printed is the i-th token of the source:
// that is what puts every comment back in its place.

func (p *printer) file(f *File) {
	p.brk = brk{kind: newline}
	p.open = true
	started := false
	if f.Package != nil {
		p.tok("package")
		p.tok(f.Package.Name)
		started = true
	}
	var prev *Decl
	for _, d := range f.Decls {
		if started {
			p.brk = brk{kind: newline, blank: blankForce}
		}
		if grouped(prev, d) {
			p.brk.blank = blankSource
		}
		p.decl(d)
		prev, started = d, true
	}
	p.finish(started)
}

// grouped reports whether declaration b stays right under a, without the
// blank line that separates declarations: a run of one-line declarations
// of one sort on consecutive lines, constants or small types written
// together, is one group to the reader, as a run of Go consts is to gofmt.
func grouped(a, b *Decl) bool {
	return a != nil && b != nil && declSort(a) != "" && declSort(a) == declSort(b) &&
		a.Pos.Line == a.EndPos.Line && b.Pos.Line == b.EndPos.Line && b.Pos.Line == a.EndPos.Line+1
}

// declSort is the sort of declaration d is: its keyword, but that enums
// and flags are one sort, as in the language reference.
func declSort(d *Decl) string {
	switch {
	case d.Const != nil:
		return "const"
	case d.Enum != nil:
		return "enum"
	case d.Struct != nil:
		return "struct"
	case d.Union != nil:
		return "union"
	case d.Family != nil:
		return "family"
	}
	return ""
}

func (p *printer) decl(d *Decl) {
	switch {
	case d == nil:
	case d.Const != nil:
		p.tok("const")
		p.tok(d.Const.Name)
		p.tok("=")
		p.expr(d.Const.Value)
	case d.Enum != nil:
		p.enum(d.Enum)
	case d.Struct != nil:
		p.tok("struct")
		p.tok(d.Struct.Name)
		p.layout(d.Struct.Packed, d.Struct.Size)
		p.body(d.Struct.EndPos, p.fields(d.Struct.Fields))
	case d.Union != nil:
		p.union(d.Union)
	case d.Family != nil:
		p.family(d.Family)
	}
}

// member is one member of a body, with the class of its line.
type member struct {
	class class
	print func()
}

// body prints `{ members }` for a node that ends just before end: `{}`
// when empty, on one line when the source has it on one line, else one
// member per line.
func (p *printer) body(end source.Pos, members []member) {
	p.tok("{")
	p.open = true
	openLine := p.srcLine(p.next - 1)
	commentInside := p.ci < len(p.f.Comments) && p.f.Comments[p.ci].Pos.Offset < end.Offset
	switch {
	case len(members) == 0 && !commentInside:
		p.glue()
		p.tok("}")
	case p.inline > 0 || openLine > 0 && openLine == end.Line && !commentInside:
		p.inlineBody(members)
	default:
		p.blockBody(members)
	}
}

func (p *printer) inlineBody(members []member) {
	p.inline++
	for i, m := range members {
		if i > 0 {
			p.brk = brk{kind: twoSpaces}
		}
		m.print()
	}
	p.tok("}")
	p.inline--
}

func (p *printer) blockBody(members []member) {
	p.indent++
	for _, m := range members {
		p.brk = brk{kind: newline, class: m.class, indent: p.indent}
		m.print()
	}
	p.brk = brk{kind: newline, blank: blankNever, indent: p.indent - 1}
	p.comments(p.next) // at the body's indentation
	p.indent--
	p.tok("}")
}

func (p *printer) layout(packed bool, size *Expr) {
	if packed {
		p.tok("packed")
	}
	if size != nil {
		p.tok("size")
		p.expr(size)
	}
}

func (p *printer) enum(e *EnumDecl) {
	p.tok(e.Keyword)
	p.tok(e.Name)
	p.tok(":")
	p.typeRef(e.Base)
	var members []member
	for _, en := range e.Entries {
		if en == nil {
			continue
		}
		members = append(members, member{entryClass, func() {
			p.tok(en.Name)
			p.cell()
			p.tok("=")
			p.expr(en.Value)
		}})
	}
	p.body(e.EndPos, members)
}

func (p *printer) fields(fields []*FieldDecl) []member {
	var members []member
	for _, f := range fields {
		if f != nil {
			members = append(members, member{fieldClass, func() { p.field(f) }})
		}
	}
	return members
}

func (p *printer) field(f *FieldDecl) {
	p.tok(f.Name)
	p.cell()
	p.typeExpr(f.Type)
	if f.Align != nil {
		p.cell()
		p.tok("align")
		p.parens(func() { p.expr(f.Align) })
	}
}

func (p *printer) union(u *UnionDecl) {
	p.tok("union")
	p.tok(u.Name)
	p.layout(u.Packed, u.Size)
	if u.Selector == nil {
		p.body(u.EndPos, p.fields(u.Fields))
		return
	}
	p.tok("switch")
	p.typeRef(u.Selector)
	var members []member
	for _, v := range u.Variants {
		if v != nil {
			members = append(members, member{noClass, func() { p.variant(v) }})
		}
	}
	p.body(u.EndPos, members)
}

func (p *printer) variant(v *VariantDecl) {
	if v.Default {
		p.tok("default")
	} else {
		p.tok(v.Case)
	}
	p.tok("=>")
	p.typeExpr(v.Type)
}

func (p *printer) typeExpr(t *TypeExpr) {
	switch {
	case t == nil:
	case t.Array != nil:
		p.array(t.Array)
	case t.CString != nil:
		p.tok("cstring")
		p.brackets(t.CString)
	case t.Bytes != nil:
		p.tok("bytes")
		p.brackets(t.Bytes.Len)
	case t.String != nil:
		p.tok("string")
		p.brackets(t.String.Len)
	case t.Pad != nil:
		p.tok("pad")
		p.expr(t.Pad)
	case t.Struct != nil:
		p.tok("struct")
		p.layout(t.Struct.Packed, nil)
		p.body(t.Struct.EndPos, p.fields(t.Struct.Fields))
	default:
		p.typeRef(t.Ref)
	}
}

func (p *printer) array(a *ArrayType) {
	p.tok("[")
	if a.Len != nil {
		p.glue()
		p.expr(a.Len)
	}
	p.glue()
	p.tok("]")
	p.glue()
	p.typeExpr(a.Elem)
}

// brackets prints `[e]` glued to the token before, when there is an e.
func (p *printer) brackets(e *Expr) {
	if e == nil {
		return
	}
	p.glue()
	p.tok("[")
	p.glue()
	p.expr(e)
	p.glue()
	p.tok("]")
}

// parens prints `(inner)` glued to the token before.
func (p *printer) parens(inner func()) {
	p.glue()
	p.tok("(")
	p.glue()
	inner()
	p.glue()
	p.tok(")")
}

func (p *printer) typeRef(r *TypeRef) {
	if r == nil {
		return
	}
	p.tok(r.Name)
	if r.Selector != nil {
		p.parens(func() { p.tok(r.Selector.Name) })
	}
}

func (p *printer) family(fd *FamilyDecl) {
	p.tok("family")
	p.tok(fd.Name)
	p.tok("idx")
	p.expr(fd.Idx)
	var members []member
	for _, it := range fd.Items {
		switch {
		case it == nil:
		case it.Message != nil:
			members = append(members, member{messageClass, func() { p.message(it.Message) }})
		default:
			members = append(members, member{noClass, func() { p.familyItem(it) }})
		}
	}
	p.body(fd.EndPos, members)
}

// familyItem prints a sender or group line; messages have their own
// printer.
func (p *printer) familyItem(it *FamilyItem) {
	if it.Sender != nil {
		p.tok("sender")
		p.tok(it.Sender.Name)
		return
	}
	p.tok("group")
	p.groups(it.Groups)
}

// groups prints a list of groups, comma after each but the last.
func (p *printer) groups(gs []*Expr) {
	for i, g := range gs {
		if i > 0 {
			p.glue()
			p.tok(",")
		}
		p.expr(g)
	}
}

// message prints `kind name val V type [-> reply]` in the columns that
// align it with the messages around it.
func (p *printer) message(m *MessageDecl) {
	p.tok(m.Kind)
	p.cell()
	p.tok(m.Name)
	p.cell()
	p.tok("val")
	p.expr(m.Val)
	p.cell()
	p.typeExpr(m.Type)
	if m.Reply != nil {
		p.cell()
		p.tok("->")
		p.typeExpr(m.Reply)
	}
	if m.Error != nil {
		p.tok("error")
		p.tok(m.Error.Name)
	}
	if len(m.Groups) > 0 {
		p.tok("group")
		p.groups(m.Groups)
	}
}

// expr prints an expression as written: binary operators between single
// spaces, unary operators glued to their operand.
func (p *printer) expr(e *Expr) {
	if e == nil {
		return
	}
	p.unary(e.Left)
	for _, op := range e.Right {
		if op != nil {
			p.tok(op.Op)
			p.unary(op.Right)
		}
	}
}

func (p *printer) unary(u *Unary) {
	switch {
	case u == nil:
	case u.Op != "":
		p.tok(u.Op)
		p.glue()
		p.unary(u.Operand)
	case u.Primary == nil:
	case u.Primary.Paren != nil:
		p.parensExpr(u.Primary.Paren)
	case u.Primary.Number != "":
		p.tok(u.Primary.Number)
	default:
		p.tok(u.Primary.Name)
	}
}

// parensExpr prints `(e)`, with the space that comes before it.
func (p *printer) parensExpr(e *Expr) {
	p.tok("(")
	p.glue()
	p.expr(e)
	p.glue()
	p.tok(")")
}
