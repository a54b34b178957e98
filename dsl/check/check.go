package check

import (
	"math/big"
	"strings"

	"github.com/cngen/cngen/dsl/model"
	"github.com/cngen/cngen/dsl/source"
	"github.com/cngen/cngen/dsl/syntax"
)

// Load parses and checks one .cn file.
func Load(filename string, src []byte) (*model.Schema, error) {
	f, err := syntax.Parse(filename, src)
	if err != nil {
		return nil, err
	}
	return Check(f)
}

// Check resolves and lays out a parsed file. It reports every error it
// finds, sorted by position, as an ErrorList; the Schema is returned only
// when there are none. The File is not modified.
func Check(f *syntax.File) (*model.Schema, error) {
	c := &checker{
		file:   f.Pos.Filename,
		consts: map[string]*constEntry{},
		types:  map[string]*typeEntry{},
		ints:   map[string]*model.Type{},

		oversized: map[*model.Type]bool{},
	}
	s := c.check(f)
	if err := c.errs.Err(); err != nil {
		// The warnings go with the errors, so that one report has all.
		return nil, append(err.(source.ErrorList), f.Warnings...).Sort()
	}
	s.Warnings = f.Warnings
	return s, nil
}

type state int

const (
	unresolved state = iota
	resolving
	resolved
)

type constEntry struct {
	decl  *syntax.ConstDecl
	c     *model.Const
	state state
}

type typeEntry struct {
	enum   *syntax.EnumDecl
	strct  *syntax.StructDecl
	union  *syntax.UnionDecl
	pos    model.Pos
	t      *model.Type
	state  state
	broken bool // part of a cycle: reported once
}

type checker struct {
	file   string
	errs   source.ErrorList
	consts map[string]*constEntry
	types  map[string]*typeEntry
	ints   map[string]*model.Type // builtin types, shared
	stack  []string               // named types being resolved, for cycle messages
	// oversized are the types larger than a connector message, reported
	// once, at the innermost: their size is clamped, so that the sizes of
	// the types around them stay small numbers and report nothing more.
	oversized map[*model.Type]bool
	hints     int // near-miss searches made
}

// reserved type names: the builtins and the words that start a type.
var reserved = map[string]bool{
	"bool": true, "cstring": true, "string": true, "bytes": true, "pad": true, "struct": true,
}

func (c *checker) check(f *syntax.File) *model.Schema {
	s := &model.Schema{File: c.file}
	if f.Package != nil {
		s.Package, s.Doc, s.PackagePos = f.Package.Name, f.Package.Doc, f.Package.Pos
	} else {
		pos := f.Pos
		if len(f.Decls) > 0 {
			pos = f.Decls[0].Pos
		}
		c.errs.Add(pos, "missing package clause: a .cn file starts with package NAME")
	}
	var order []string
	for _, d := range f.Decls {
		if name, ok := c.declare(d); ok {
			order = append(order, name)
		}
	}
	// Resolve in declaration order; references resolve on demand.
	for _, name := range order {
		if e, ok := c.consts[name]; ok {
			c.constValue(e.decl.Pos, name)
			if e.c != nil {
				s.Consts = append(s.Consts, e.c)
			}
			continue
		}
		e := c.types[name]
		if t := c.named(e.pos, name); t != nil && !e.broken {
			s.Types = append(s.Types, t)
		}
	}
	c.families(s, f)
	return s
}

// declare records a top-level name; ok is false for families and for
// duplicates.
func (c *checker) declare(d *syntax.Decl) (name string, ok bool) {
	e := &typeEntry{}
	var pos model.Pos
	switch {
	case d.Const != nil:
		name, pos = d.Const.Name, d.Const.Pos
	case d.Enum != nil:
		name, pos, e.enum = d.Enum.Name, d.Enum.Pos, d.Enum
	case d.Struct != nil:
		name, pos, e.strct = d.Struct.Name, d.Struct.Pos, d.Struct
	case d.Union != nil:
		name, pos, e.union = d.Union.Name, d.Union.Pos, d.Union
	default:
		return "", false
	}
	if prev, dup := c.declPos(name); dup {
		c.errs.Add(pos, "%s redeclared", name).Related = &source.Related{Pos: prev, Msg: "previous declaration"}
		return name, false
	}
	if d.Const != nil {
		c.consts[name] = &constEntry{decl: d.Const}
		return name, true
	}
	if reserved[name] || builtinInt(name) != nil {
		c.errs.Add(pos, "%s is a built-in type name", name)
		return name, false
	}
	e.pos = pos
	c.types[name] = e
	return name, true
}

func (c *checker) declPos(name string) (model.Pos, bool) {
	if e, ok := c.consts[name]; ok {
		return e.decl.Pos, true
	}
	if e, ok := c.types[name]; ok {
		return e.pos, true
	}
	return model.Pos{}, false
}

// constValue evaluates a named constant, detecting cycles.
func (c *checker) constValue(pos model.Pos, name string) *big.Int {
	e, ok := c.consts[name]
	if !ok {
		if _, isType := c.types[name]; isType {
			c.errs.Add(pos, "%s is a type, not a constant", name)
		} else {
			c.errs.Add(pos, "undefined constant %s", name)
		}
		return nil
	}
	switch e.state {
	case resolving:
		c.errs.Add(e.decl.Pos, "constant %s refers to itself", name)
		e.state = resolved
		return nil
	case resolved:
		if e.c == nil {
			return nil
		}
		return e.c.Value
	}
	e.state = resolving
	v := c.evalExpr(e.decl.Value)
	if e.state == resolved { // a cycle was reported meanwhile
		return nil
	}
	e.state = resolved
	if v != nil {
		e.c = &model.Const{Name: name, Pos: e.decl.Pos, Doc: e.decl.Doc, Value: v, Text: spell(e.decl.Value, v)}
	}
	return v
}

// builtinInt returns the integer type a builtin name denotes, or nil.
func builtinInt(name string) *model.IntType {
	rest, order := name, model.Host
	switch {
	case strings.HasSuffix(name, "be"):
		rest, order = strings.TrimSuffix(name, "be"), model.Big
	case strings.HasSuffix(name, "le"):
		rest, order = strings.TrimSuffix(name, "le"), model.Little
	}
	if len(rest) < 2 || (rest[0] != 'u' && rest[0] != 'i') {
		return nil
	}
	var bits int
	switch rest[1:] {
	case "8":
		bits = 8
	case "16":
		bits = 16
	case "32":
		bits = 32
	case "64":
		bits = 64
	default:
		return nil
	}
	if bits == 8 && order != model.Host {
		return nil // byte order means nothing for one byte
	}
	return &model.IntType{Bits: bits, Signed: rest[0] == 'i', Order: order}
}

// builtin returns the shared Type of a builtin name, or nil.
func (c *checker) builtin(name string) *model.Type {
	if t, ok := c.ints[name]; ok {
		return t
	}
	var t *model.Type
	if name == "bool" {
		t = &model.Type{Kind: model.KindBool, Size: 1, Align: 1}
	} else if it := builtinInt(name); it != nil {
		n := it.Bits / 8
		t = &model.Type{Kind: model.KindInt, Int: *it, Size: n, Align: n}
	} else {
		return nil
	}
	c.ints[name] = t
	return t
}

// named resolves a type name at a use.
func (c *checker) named(pos model.Pos, name string) *model.Type {
	if t := c.builtin(name); t != nil {
		return t
	}
	e, ok := c.types[name]
	if !ok {
		if _, isConst := c.consts[name]; isConst {
			c.errs.Add(pos, "%s is a constant, not a type", name)
		} else {
			c.errs.Add(pos, "undefined type %s%s", name, c.typeHint(name))
		}
		return nil
	}
	switch e.state {
	case resolved:
		return e.t
	case resolving:
		c.cycle(name)
		return e.t
	}
	e.state = resolving
	c.stack = append(c.stack, name)
	e.t = &model.Type{Name: name, Pos: e.pos}
	switch {
	case e.enum != nil:
		c.enum(e.t, e.enum)
	case e.strct != nil:
		c.structType(e.t, e.strct.Doc, e.strct.Packed, e.strct.Fields)
		c.bound(e.t)
		c.declaredSize(e.t, e.strct.Size)
	default:
		c.union(e.t, e.union)
		c.bound(e.t)
		c.declaredSize(e.t, e.union.Size)
	}
	c.stack = c.stack[:len(c.stack)-1]
	e.state = resolved
	return e.t
}

// cycle reports a type that contains itself, once, at its declaration.
func (c *checker) cycle(name string) {
	i := len(c.stack) - 1
	for i > 0 && c.stack[i] != name {
		i--
	}
	path := append(append([]string{}, c.stack[i:]...), name)
	for _, n := range c.stack[i:] {
		if c.types[n].broken {
			return
		}
	}
	for _, n := range c.stack[i:] {
		c.types[n].broken = true
	}
	c.errs.Add(c.types[name].pos, "invalid recursive type %s: %s", name, strings.Join(path, " → "))
}

// bound refuses a struct or union larger than a connector message can
// hold: no message could carry it, and a schema of a few lines (a
// "diamond" of structs each holding two of the next) could otherwise
// declare sizes that no emitter or decoder should have to handle.
func (c *checker) bound(t *model.Type) {
	if t.Size <= model.MaxMsgSize || c.oversized[t] {
		return
	}
	inherited := false
	for _, f := range t.Fields {
		inherited = inherited || c.oversized[f.Type]
	}
	for _, v := range t.Variants {
		inherited = inherited || c.oversized[v.Type]
	}
	if t.Default != nil {
		inherited = inherited || c.oversized[t.Default.Type]
	}
	if !inherited {
		what := t.Kind.String() + " " + t.Name
		if t.Name == "" {
			what = "this " + t.Kind.String()
		}
		c.errs.Add(t.Pos, "%s takes %d bytes: more than a connector message holds (%d)", what, t.Size, model.MaxMsgSize)
	}
	c.oversized[t] = true
	t.Size = model.MaxMsgSize + 1
}

func (c *checker) declaredSize(t *model.Type, e *syntax.Expr) {
	if e == nil {
		return
	}
	v := c.evalExpr(e)
	if v == nil {
		return
	}
	if !v.IsInt64() || v.Int64() < 0 || v.Int64() > model.MaxMsgSize {
		c.errs.Add(e.Pos, "declared size %s out of range [0, %d]", spell(e, v), model.MaxMsgSize)
		return
	}
	t.DeclaredSize = int(v.Int64())
	if t.Size != t.DeclaredSize && !c.oversized[t] {
		what := "is"
		if t.Variable {
			what = "has a fixed part of"
		}
		c.errs.Add(e.Pos, "%s %s %s %d bytes, not the declared size %d", t.Kind, t.Name, what, t.Size, t.DeclaredSize)
	}
}

// smallInt evaluates e as a count or size in [lo, MaxMsgSize].
func (c *checker) smallInt(e *syntax.Expr, what string, lo int) (int, bool) {
	v := c.evalExpr(e)
	if v == nil {
		return 0, false
	}
	if !v.IsInt64() || v.Int64() < int64(lo) || v.Int64() > model.MaxMsgSize {
		c.errs.Add(e.Pos, "%s %s out of range [%d, %d]", what, spell(e, v), lo, model.MaxMsgSize)
		return 0, false
	}
	return int(v.Int64()), true
}

func (c *checker) enum(t *model.Type, d *syntax.EnumDecl) {
	t.Doc = d.Doc
	t.Kind = model.KindEnum
	if d.Keyword == "flags" {
		t.Kind = model.KindFlags
	}
	base := c.builtin(d.Base.Name)
	if base == nil || base.Kind != model.KindInt {
		c.errs.Add(d.Base.Pos, "%s %s: underlying type %s is not an integer type", d.Keyword, d.Name, d.Base.Name)
		base = c.builtin("u32")
	}
	if d.Base.Selector != nil {
		c.errs.Add(d.Base.Selector.Pos, "unexpected selector on an underlying type")
	}
	t.Int, t.Size, t.Align = base.Int, base.Size, base.Align
	names := map[string]model.Pos{}
	values := map[string]*syntax.EnumEntry{}
	for _, en := range d.Entries {
		if prev, dup := names[en.Name]; dup {
			c.errs.Add(en.Pos, "duplicate value name %s in %s", en.Name, d.Name).Related = &source.Related{Pos: prev, Msg: "previous declaration"}
			continue
		}
		names[en.Name] = en.Pos
		v := c.evalExpr(en.Value)
		if v == nil {
			continue
		}
		text := spell(en.Value, v)
		if !fitsInt(v, t.Int) {
			c.errs.Add(en.Value.Pos, "value %s of %s.%s does not fit %s", text, d.Name, en.Name, t.Int.Name())
			continue
		}
		if prev, dup := values[v.String()]; dup {
			c.errs.Add(en.Pos, "%s.%s has the same value %s as %s", d.Name, en.Name, text, prev.Name).Related = &source.Related{Pos: prev.Pos, Msg: "previous value"}
			continue
		}
		values[v.String()] = en
		t.Values = append(t.Values, &model.Value{Name: en.Name, Pos: en.Pos, Doc: en.Doc, Value: v, Text: text})
	}
}

// Bounds of the search for near misses.
const (
	maxHintName = 40
	maxHints    = 100
)

// typeHint suggests what an undefined type name was meant to be: the
// .cn spelling of a C or Go type, or a builtin or declared name an edit
// or two away (u23 → u32).
//
// Looking for near misses costs time with every declared name, so it is
// bounded: names longer than maxHintName get none, and so do undefined
// names beyond the first maxHints of a file.
func (c *checker) typeHint(name string) string {
	if t, ok := syntax.CType(name); ok {
		if name == "char" {
			t += " (or cstring[N] for text)"
		}
		return "; .cn writes " + t
	}
	return c.nearest(name, func(consider func(string)) {
		for n := range c.types {
			consider(n)
		}
		for _, n := range syntax.BuiltinTypes() {
			consider(n)
		}
	})
}

// nearest is "; did you mean X?" for the candidate, of those each
// offers, closest to name, when one is close enough; "" otherwise. It
// is bounded as typeHint says.
func (c *checker) nearest(name string, each func(consider func(string))) string {
	if len(name) > maxHintName || c.hints >= maxHints {
		return ""
	}
	c.hints++
	best, bestDist := "", 3
	each(func(n string) {
		if len(n) > len(name)+2 || len(name) > len(n)+2 {
			return // at least three edits apart
		}
		if d := source.EditDistance(name, n); d < bestDist || (d == bestDist && n < best) {
			best, bestDist = n, d
		}
	})
	if best == "" || bestDist > max(1, len(name)/3) {
		return ""
	}
	return "; did you mean " + best + "?"
}
