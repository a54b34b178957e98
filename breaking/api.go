package breaking

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/parser"
	"go/printer"
	"go/token"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/cngen/cngen/dsl/model"
	"github.com/cngen/cngen/gen"
)

// decl is one exported declaration of a generated Go package.
type decl struct {
	kind string // type, field, method, interface method, func, const, var
	name string // the key: PingReq, PingReq.ID, EchoClient.Ping, NewEchoClient
	recv string // a method's receiver type: *EchoClient
	// text is what must not change: the printed type of a field, constant
	// or variable, the signature of a function or method (parameter names
	// aside), and what a type is (struct, interface, or its type).
	text   string
	value  constant.Value // a constant's value, or nil
	lit    string         // the value as the generated code writes it
	schema *model.Schema  // the schema whose generated file declares it
}

// display names d as Go documentation does: (*T).M for a method with a
// pointer receiver.
func (d *decl) display() string {
	if strings.HasPrefix(d.recv, "*") {
		return "(" + d.recv + ")." + d.name[strings.IndexByte(d.name, '.')+1:]
	}
	return d.name
}

// owner is the type a member belongs to, or "".
func (d *decl) owner() string {
	if i := strings.IndexByte(d.name, '.'); i >= 0 {
		return d.name[:i]
	}
	return ""
}

// goAPI is the exported API of one generated package.
type goAPI struct {
	fset  *token.FileSet
	decls map[string]*decl
	order []string
}

// goPackage is the schemas of one Go package: one directory and package
// clause, as cngen gen groups them.
func goPackage(s *model.Schema) string { return filepath.Dir(s.File) + "\x00" + s.Package }

// api compares the Go API of every package of the new version with the
// package its schemas' counterparts made in the old one.
func (c *comparer) api(old, new []*model.Schema, pairs []*pair) error {
	olds, news := byPackage(old), byPackage(new)
	done := map[[2]string]bool{}
	for _, p := range pairs {
		k := [2]string{goPackage(p.old), goPackage(p.new)}
		if done[k] {
			continue
		}
		done[k] = true
		o, err := generated(olds[k[0]])
		if err != nil {
			return err
		}
		n, err := generated(news[k[1]])
		if err != nil {
			return err
		}
		c.compareAPI(o, n)
	}
	return nil
}

func byPackage(schemas []*model.Schema) map[string][]*model.Schema {
	out := map[string][]*model.Schema{}
	for _, s := range schemas {
		out[goPackage(s)] = append(out[goPackage(s)], s)
	}
	return out
}

// generated generates the Go of a package, as cngen gen does without
// -kernel-peer, and collects its exported declarations.
func generated(schemas []*model.Schema) (*goAPI, error) {
	files := make([]gen.File, len(schemas))
	for i, s := range schemas {
		files[i] = gen.File{Schema: s}
	}
	srcs, err := gen.Package(files, gen.Options{})
	if err != nil {
		return nil, err
	}
	a := &goAPI{fset: token.NewFileSet(), decls: map[string]*decl{}}
	for i, src := range srcs {
		f, err := parser.ParseFile(a.fset, schemas[i].File+".go", src, parser.SkipObjectResolution)
		if err != nil {
			return nil, fmt.Errorf("breaking: parsing the Go generated from %s: %w", schemas[i].File, err)
		}
		a.file(f, schemas[i])
	}
	return a, nil
}

func (a *goAPI) add(d *decl) {
	if _, dup := a.decls[d.name]; !dup {
		a.order = append(a.order, d.name)
	}
	a.decls[d.name] = d
}

func (a *goAPI) file(f *ast.File, s *model.Schema) {
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.GenDecl:
			a.genDecl(d, s)
		case *ast.FuncDecl:
			a.funcDecl(d, s)
		}
	}
}

func (a *goAPI) genDecl(d *ast.GenDecl, s *model.Schema) {
	var typ ast.Expr
	var values []ast.Expr
	for _, spec := range d.Specs {
		switch sp := spec.(type) {
		case *ast.TypeSpec:
			a.typeSpec(sp, s)
		case *ast.ValueSpec:
			if d.Tok != token.CONST || sp.Type != nil || len(sp.Values) > 0 {
				typ, values = sp.Type, sp.Values // a const without either repeats the one above
			}
			a.valueSpec(d.Tok, sp.Names, typ, values, s)
		}
	}
}

func (a *goAPI) typeSpec(sp *ast.TypeSpec, s *model.Schema) {
	if !sp.Name.IsExported() {
		return
	}
	name := sp.Name.Name
	text := a.print(sp.Type)
	switch t := sp.Type.(type) {
	case *ast.StructType:
		text = "struct"
		for _, f := range t.Fields.List {
			for _, id := range fieldNames(f) {
				a.add(&decl{kind: "field", name: name + "." + id, text: a.print(f.Type), schema: s})
			}
		}
	case *ast.InterfaceType:
		text = "interface"
		for _, m := range t.Methods.List {
			if ft, ok := m.Type.(*ast.FuncType); ok && len(m.Names) > 0 && m.Names[0].IsExported() {
				a.add(&decl{kind: "interface method", name: name + "." + m.Names[0].Name, text: a.signature(ft), schema: s})
			}
		}
	}
	if sp.Assign.IsValid() {
		text = "= " + text
	}
	a.add(&decl{kind: "type", name: name, text: text, schema: s})
}

// fieldNames are the exported names a struct field declares: its names,
// or an embedded type's.
func fieldNames(f *ast.Field) []string {
	var out []string
	for _, id := range f.Names {
		if id.IsExported() {
			out = append(out, id.Name)
		}
	}
	if len(f.Names) == 0 {
		if id := baseIdent(f.Type); id != nil && id.IsExported() {
			out = append(out, id.Name)
		}
	}
	return out
}

func (a *goAPI) valueSpec(tok token.Token, names []*ast.Ident, typ ast.Expr, values []ast.Expr, s *model.Schema) {
	for i, id := range names {
		if !id.IsExported() {
			continue
		}
		d := &decl{kind: tok.String(), name: id.Name, text: "untyped", schema: s}
		var v ast.Expr
		if i < len(values) {
			v = values[i]
		}
		switch {
		case typ != nil:
			d.text = a.print(typ)
		case v != nil && tok == token.VAR:
			d.text = a.literalType(v)
		}
		if tok == token.CONST && v != nil {
			d.value, d.lit = constValue(v), a.print(v)
		}
		a.add(d)
	}
}

// literalType is the type of a variable declared by its value: a
// composite literal's, with the length of a [...]T counted.
func (a *goAPI) literalType(v ast.Expr) string {
	lit, ok := v.(*ast.CompositeLit)
	if !ok || lit.Type == nil {
		return "untyped"
	}
	if at, ok := lit.Type.(*ast.ArrayType); ok {
		if _, ellipsis := at.Len.(*ast.Ellipsis); ellipsis {
			return fmt.Sprintf("[%d]%s", len(lit.Elts), a.print(at.Elt))
		}
	}
	return a.print(lit.Type)
}

// constValue evaluates the literals generated code gives constants, or
// returns nil for anything else (compared then by nothing but its type).
func constValue(e ast.Expr) constant.Value {
	switch e := e.(type) {
	case *ast.BasicLit:
		return constant.MakeFromLiteral(e.Value, e.Kind, 0)
	case *ast.ParenExpr:
		return constValue(e.X)
	case *ast.UnaryExpr:
		if x := constValue(e.X); x != nil && (e.Op == token.SUB || e.Op == token.ADD) {
			return constant.UnaryOp(e.Op, x, 0)
		}
	}
	return nil
}

func (a *goAPI) funcDecl(d *ast.FuncDecl, s *model.Schema) {
	if !d.Name.IsExported() {
		return
	}
	if d.Recv == nil {
		a.add(&decl{kind: "func", name: d.Name.Name, text: a.signature(d.Type), schema: s})
		return
	}
	recv := d.Recv.List[0].Type
	base := baseIdent(recv)
	if base == nil || !base.IsExported() {
		return
	}
	a.add(&decl{kind: "method", name: base.Name + "." + d.Name.Name, recv: a.print(recv), text: a.signature(d.Type), schema: s})
}

// baseIdent is the named type of T or *T.
func baseIdent(e ast.Expr) *ast.Ident {
	if st, ok := e.(*ast.StarExpr); ok {
		e = st.X
	}
	id, _ := e.(*ast.Ident)
	return id
}

// signature prints a function type without parameter names, which
// callers never write: func(*cn.Request, *Tick) error.
func (a *goAPI) signature(ft *ast.FuncType) string {
	params := a.types(ft.Params)
	results := a.types(ft.Results)
	s := "func(" + strings.Join(params, ", ") + ")"
	switch {
	case len(results) == 1:
		s += " " + results[0]
	case len(results) > 1:
		s += " (" + strings.Join(results, ", ") + ")"
	}
	return s
}

func (a *goAPI) types(fl *ast.FieldList) []string {
	if fl == nil {
		return nil
	}
	var out []string
	for _, f := range fl.List {
		t := a.print(f.Type)
		for range max(1, len(f.Names)) {
			out = append(out, t)
		}
	}
	return out
}

func (a *goAPI) print(e ast.Node) string {
	var b strings.Builder
	if err := printer.Fprint(&b, a.fset, e); err != nil {
		return fmt.Sprintf("<%v>", err)
	}
	return b.String()
}

// aliases are the predeclared aliases, which name one type twice.
var aliases = regexp.MustCompile(`\b(byte|rune)\b`)

// canonical is printed Go with the aliases replaced by the types they
// stand for: [4]uint8 and [4]byte are one type.
func canonical(text string) string {
	return aliases.ReplaceAllStringFunc(text, func(a string) string {
		if a == "byte" {
			return "uint8"
		}
		return "int32"
	})
}

// compareAPI reports the declarations of o that n removes or changes, and
// the methods n adds to an interface o had, which the types implementing
// it must add too.
func (c *comparer) compareAPI(o, n *goAPI) {
	pos := positions{}
	for _, name := range o.order {
		od, nd := o.decls[name], n.decls[name]
		switch {
		case nd == nil && removedWith(od, o, n):
			// the type it belongs to is reported removed
		case nd == nil:
			c.apiErr(pos.of(od), "%s %s removed", od.kind, od.display())
		case od.kind != nd.kind:
			c.apiErr(pos.of(nd), "%s %s is now a %s", od.kind, od.display(), nd.kind)
		default:
			c.apiChange(pos.of(nd), od, nd)
		}
	}
	for _, name := range n.order {
		nd := n.decls[name]
		if nd.kind == "interface method" && o.decls[name] == nil && o.decls[nd.owner()] != nil {
			c.apiWarn(pos.of(nd), "interface %s gains method %s: a type implementing it must add the method to keep doing so", nd.owner(), nd.name[len(nd.owner())+1:])
		}
	}
}

// removedWith reports a declaration of o that belongs to a type n
// removes: a member, or a constant of the type (an enum value).
func removedWith(d *decl, o, n *goAPI) bool {
	if owner := d.owner(); owner != "" {
		return n.decls[owner] == nil
	}
	t := o.decls[d.text]
	return d.kind == "const" && t != nil && t.kind == "type" && n.decls[d.text] == nil
}

// apiChange reports a declaration present in both versions whose type,
// signature, receiver or value changed.
func (c *comparer) apiChange(p model.Pos, od, nd *decl) {
	what := od.kind + " " + od.display()
	switch {
	case od.recv != nd.recv:
		c.apiErr(p, "%s changed receiver from %s to %s", what, od.recv, nd.recv)
	case canonical(od.text) == canonical(nd.text):
		if od.value != nil && nd.value != nil && !constant.Compare(od.value, token.EQL, nd.value) {
			c.apiErr(p, "%s changed value from %s to %s", what, od.lit, nd.lit)
		}
	case od.kind == "type":
		c.apiErr(p, "%s changed from %s to %s", what, od.text, nd.text)
	case od.kind == "func" || strings.HasSuffix(od.kind, "method"):
		c.apiErr(p, "%s changed signature from %s to %s", what, od.text, nd.text)
	default:
		c.apiErr(p, "%s changed type from %s to %s", what, od.text, nd.text)
	}
}
