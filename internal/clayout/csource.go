package clayout

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/cngen/cngen/dsl/model"
	"github.com/cngen/cngen/dsl/wire"
)

// CSource returns a C program that declares every type of s as the model
// lays it out and prints, one line per number, what gcc computes for it.
// The program needs only a C compiler: no headers, no libraries beyond
// printf.
func CSource(s *model.Schema) (string, error) {
	p, err := build(s)
	if err != nil {
		return "", err
	}
	return source(p.decls, p.probes), nil
}

// program is the C declarations of a schema and the probes that check
// them.
type program struct {
	decls  string
	probes []Probe
}

// ctype is what the emitter knows about a declared C type.
type ctype struct {
	name  string // C typedef name
	key   string // name in reports: the .cn name or switch.variant
	trunc bool   // the C form lacks a dynamic tail

	members []member // struct, union and switch members emitted
}

type emitter struct {
	plan     *wire.Plan // what gcc also confirms: padding and the bytes a decoder needs
	decls    strings.Builder
	types    map[*model.Type]*ctype
	visiting map[*model.Type]bool
	used     map[string]bool // C type names taken
	anon     int             // anonymous types named so far
	probes   []Probe
	probed   map[[2]string]bool // path and what of the probes made
}

func build(s *model.Schema) (*program, error) {
	e := &emitter{
		plan:     wire.New(s),
		types:    map[*model.Type]*ctype{},
		visiting: map[*model.Type]bool{},
		used:     map[string]bool{"cn_probe_": true}, // the printing macro
		probed:   map[[2]string]bool{},
	}
	for _, t := range s.Types {
		if _, err := e.declare(t, ""); err != nil {
			return nil, err
		}
	}
	decls := fmt.Sprintf("/* C layout of %s, mirrored from the cngen model. */\n\n%s%s", s.File, intTypes, e.decls.String())
	return &program{decls: decls, probes: e.probes}, nil
}

// intTypes declares the fixed-width integers without <stdint.h>.
const intTypes = `typedef __UINT8_TYPE__ uint8_t;
typedef __UINT16_TYPE__ uint16_t;
typedef __UINT32_TYPE__ uint32_t;
typedef __UINT64_TYPE__ uint64_t;
typedef __INT8_TYPE__ int8_t;
typedef __INT16_TYPE__ int16_t;
typedef __INT32_TYPE__ int32_t;
typedef __INT64_TYPE__ int64_t;

`

// declare emits the C declaration of an enum, flags, struct, union or
// switch type, after the types it needs, and returns what it emitted.
// key names an anonymous type in reports.
func (e *emitter) declare(t *model.Type, key string) (*ctype, error) {
	if c, ok := e.types[t]; ok {
		return c, nil
	}
	switch t.Kind {
	case model.KindEnum, model.KindFlags, model.KindStruct, model.KindUnion, model.KindSwitch:
	default:
		return nil, nil // not a declaration; used inline
	}
	if e.visiting[t] {
		return nil, fmt.Errorf("%s: type %s contains itself", t.Pos, t.Name)
	}
	e.visiting[t] = true
	defer delete(e.visiting, t)

	c := &ctype{key: t.Name}
	if t.Name == "" {
		c.key = key
		if key == "" {
			e.anon++
			c.key = fmt.Sprintf("<anonymous %d>", e.anon)
		}
	}
	c.name = e.typeName(c.key)
	var err error
	switch t.Kind {
	case model.KindEnum, model.KindFlags:
		e.position(t)
		fmt.Fprintf(&e.decls, "typedef %s %s;\n\n", intType(t.Int), c.name)
	case model.KindStruct, model.KindUnion:
		err = e.record(t, c)
	case model.KindSwitch:
		err = e.switchUnion(t, c)
	}
	if err != nil {
		return nil, err
	}
	e.types[t] = c
	if !c.trunc {
		e.probe(c.key, "size", "sizeof("+c.name+")", t.Size)
		e.probe(c.key, "align", "_Alignof("+c.name+")", t.Align)
	}
	return c, nil
}

// member is one member of a C struct or union.
type member struct {
	name  string // .cn name: field or variant
	key   string // path in reports
	cname string
	decl  string // the full declaration, without ';'
	flex  bool   // a flexible or zero-length array: no sizeof
	trunc bool   // its type lacks a dynamic tail in C
	field *model.Field
	typ   *model.Type
	off   int // the model's offset
}

// record emits a struct or plain union. It stops before the first field
// with a dynamic offset.
func (e *emitter) record(t *model.Type, c *ctype) error {
	union := t.Kind == model.KindUnion
	var ms []member
	var dropped []string
	for i, f := range t.Fields {
		if f.Dynamic {
			for _, g := range t.Fields[i:] {
				dropped = append(dropped, g.Name)
			}
			c.trunc = true
			break
		}
		if n := len(ms); !union && n > 0 && ms[n-1].flex {
			return fmt.Errorf("%s: %s.%s: offset is not dynamic, but the field follows variable-size field %s",
				f.Pos, c.key, f.Name, ms[n-1].field.Name)
		}
		// C wants a named member before a flexible array; GNU C's
		// zero-length array does without.
		flex := "[]"
		if union || len(ms) == 0 {
			flex = "[0]"
		}
		m, err := e.member(f.Type, f.Name, c.key+"."+f.Name, flex)
		var nc noCForm
		if !union && errors.As(err, &nc) {
			// Like a field at a dynamic offset: the struct ends before it.
			for _, g := range t.Fields[i:] {
				dropped = append(dropped, g.Name)
			}
			c.trunc = true
			break
		}
		if err != nil {
			return err
		}
		if f.AlignAttr != 0 {
			m.decl += fmt.Sprintf(" __attribute__((aligned(%d)))", f.AlignAttr)
		}
		m.field, m.off = f, f.Offset
		c.trunc = c.trunc || m.trunc
		ms = append(ms, m)
	}
	kw := "struct"
	if union {
		kw = "union"
	}
	e.emitRecord(kw, t, c, ms, dropped)
	return nil
}

// switchUnion emits a switch union as a C union of its variants. A
// default variant of variable size adds only its alignment.
func (e *emitter) switchUnion(t *model.Type, c *ctype) error {
	vs := t.Variants
	if t.Default != nil {
		vs = append(vs[:len(vs):len(vs)], t.Default)
	}
	var ms []member
	for _, v := range vs {
		m, err := e.member(v.Type, v.Name(), c.key+"."+v.Name(), "[0]")
		if err != nil {
			return err
		}
		c.trunc = c.trunc || m.trunc
		ms = append(ms, m)
	}
	e.emitRecord("union", t, c, ms, nil)
	return nil
}

func (e *emitter) emitRecord(kw string, t *model.Type, c *ctype, ms []member, dropped []string) {
	d := &e.decls
	e.position(t)
	fmt.Fprintf(d, "typedef %s %s {\n", kw, c.name)
	for _, m := range ms {
		fmt.Fprintf(d, "\t%s;\n", m.decl)
	}
	if len(dropped) > 0 {
		fmt.Fprintf(d, "\t/* not representable (dynamic offset): %s */\n", strings.Join(dropped, ", "))
	}
	d.WriteString("}")
	if t.Packed {
		d.WriteString(" __attribute__((packed))")
	}
	if c.trunc {
		fmt.Fprintf(d, " __attribute__((aligned(%d)))", t.Align)
	}
	fmt.Fprintf(d, " %s;\n\n", c.name)
	c.members = ms

	for _, m := range ms {
		if m.field == nil {
			continue // a switch variant: its type is checked on its own
		}
		e.probe(m.key, "offset", fmt.Sprintf("__builtin_offsetof(%s, %s)", c.name, m.cname), m.off)
		if !m.flex && !m.trunc {
			acc := fmt.Sprintf("((%s *)0)->%s", c.name, m.cname)
			e.probe(m.key, "size", "sizeof("+acc+")", m.field.Size)
			e.probe(m.key, "align", "__alignof__("+acc+")", m.field.Align)
		}
	}
	if kw == "struct" && !c.trunc {
		e.planProbes(t, c, ms)
	}
	for _, m := range ms {
		e.nested(c.name, m.cname, m.key, m.off, m.typ)
	}
}

// planProbes has gcc confirm what the wire plan derives from the layout:
// the padding it counts as gaps in a fixed struct, and the bytes a
// decoder needs of a rigid one (its size without trailing padding).
func (e *emitter) planProbes(t *model.Type, c *ctype, ms []member) {
	l := e.plan.Layout(t)
	if l == nil || len(ms) == 0 {
		return
	}
	if t.Fixed() {
		gaps, sizes := 0, []string{}
		for _, g := range l.Gaps {
			gaps += g.Len
		}
		for _, m := range ms {
			sizes = append(sizes, fmt.Sprintf("sizeof(((%s *)0)->%s)", c.name, m.cname))
		}
		e.probe(c.key, "padding", fmt.Sprintf("sizeof(%s) - (%s)", c.name, strings.Join(sizes, " + ")), gaps)
	}
	if !l.Rigid {
		return
	}
	for i := len(ms) - 1; i >= 0; i-- {
		if m := ms[i]; m.field.Size > 0 {
			e.probe(c.key, "need", fmt.Sprintf("__builtin_offsetof(%s, %s) + sizeof(((%s *)0)->%s)", c.name, m.cname, c.name, m.cname), l.Need)
			return
		}
	}
}

// position notes where t is declared in the .cn file.
func (e *emitter) position(t *model.Type) {
	if t.Pos.Line > 0 {
		fmt.Fprintf(&e.decls, "/* %s */\n", t.Pos)
	}
}

// nested probes the offsets of the members of a struct or union member,
// as paths from the outermost type.
func (e *emitter) nested(cname, cpath, key string, base int, t *model.Type) {
	c := e.types[t]
	if c == nil {
		return
	}
	for _, m := range c.members {
		p, k, off := cpath+"."+m.cname, key+"."+m.name, base+m.off
		if m.field != nil {
			e.probe(k, "offset", fmt.Sprintf("__builtin_offsetof(%s, %s)", cname, p), off)
		}
		e.nested(cname, p, k, off, m.typ)
	}
}

// member returns the C member for a value of type t named name. A
// variable-size array gets the dimension flex: "[]" for a flexible array
// member, "[0]" for GNU C's zero-length array.
func (e *emitter) member(t *model.Type, name, key, flex string) (member, error) {
	m := member{name: name, key: key, cname: cIdent(name), typ: t}
	d := m.cname
	for {
		switch t.Kind {
		case model.KindArray:
			d += "[" + strconv.Itoa(t.Len) + "]"
			t = t.Elem
			continue
		case model.KindSlice:
			if m.flex {
				return m, noCForm(fmt.Sprintf("%s: %s: a repeated field of repeated elements has no C form", t.Pos, key))
			}
			d += flex
			m.flex = true
			t = t.Elem
			continue
		}
		break
	}
	var base string
	switch t.Kind {
	case model.KindInt:
		base = intType(t.Int)
	case model.KindBool:
		base = "uint8_t"
	case model.KindCString, model.KindString:
		base = "char"
	case model.KindPad, model.KindBytes:
		base = "unsigned char"
	case model.KindEnum, model.KindFlags, model.KindStruct, model.KindUnion, model.KindSwitch:
		c, err := e.declare(t, key)
		if err != nil {
			return m, err
		}
		base, m.trunc = c.name, c.trunc
	default:
		return m, fmt.Errorf("%s: %s: type of kind %s has no C form", t.Pos, key, t.Kind)
	}
	switch t.Kind {
	case model.KindCString, model.KindPad, model.KindString, model.KindBytes:
		switch {
		case t.Kind == model.KindCString || t.Kind == model.KindPad || !t.Variable:
			d += "[" + strconv.Itoa(t.Len) + "]"
		case m.flex:
			return m, noCForm(fmt.Sprintf("%s: %s: a repeated field of variable-size text has no C form", t.Pos, key))
		default:
			d += flex
			m.flex = true
		}
	}
	m.decl = base + " " + d
	return m, nil
}

// noCForm is a member C cannot declare: a repeated field of repeated
// or variable-size elements. The struct is truncated before it, as before
// a field at a dynamic offset.
type noCForm string

func (e noCForm) Error() string { return string(e) }

// probe adds a probe, unless the same path and number were probed
// already (a path through an inline struct is reached twice).
func (e *emitter) probe(path, what, expr string, want int) {
	if e.probed[[2]string{path, what}] {
		return
	}
	e.probed[[2]string{path, what}] = true
	e.probes = append(e.probes, Probe{Path: path, What: what, Expr: expr, Want: want})
}

// typeName returns an unused C type name for the .cn name or path key.
func (e *emitter) typeName(key string) string {
	var b strings.Builder
	b.WriteString("cn_")
	for _, r := range key {
		if r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	name := b.String()
	for i := 2; e.used[name]; i++ {
		name = b.String() + "_" + strconv.Itoa(i)
	}
	e.used[name] = true
	return name
}

// intType is the C integer type of an integer of any byte order.
func intType(t model.IntType) string {
	s := "uint"
	if t.Signed {
		s = "int"
	}
	return s + strconv.Itoa(t.Bits) + "_t"
}

// cIdent returns a .cn field name as a C member name: names that are C
// keywords, GCC's predefined lower-case macros, or reserved for the
// implementation get a trailing underscore.
func cIdent(name string) string {
	if cReserved[name] || strings.HasPrefix(name, "__") ||
		len(name) > 1 && name[0] == '_' && name[1] >= 'A' && name[1] <= 'Z' {
		return name + "_"
	}
	return name
}

var cReserved = words(`
		auto break case char const continue default do double else enum
		extern float for goto if inline int long register restrict return
		short signed sizeof static struct switch typedef union unsigned void
		volatile while _Alignas _Alignof _Atomic _Bool _Complex _Generic
		_Imaginary _Noreturn _Static_assert _Thread_local
		asm typeof alignof
		linux unix i386`)

func words(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}
