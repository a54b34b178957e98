package gen

import (
	"slices"
	"strconv"

	"github.com/dave/jennifer/jen"

	"github.com/cngen/cngen/dsl/model"
)

// This file emits the bodies of the generated codecs. Every type's
// encoding is a list of slots (its fields, or a switch variant's payload)
// that decode, encode and size walk the same way: at constant offsets
// while the layout allows, then with a running cursor p, aligned for each
// field with a dynamic offset. The elements of []T and [f]T follow each
// other with no padding between them: a fixed T's size is already a
// multiple of its alignment, and variable records (w1's) are packed back
// to back, each taking what its own layout says.

// slot is one place in an encoding: a struct field, or the payload of a
// switch union variant.
type slot struct {
	name    string // the .cn name, for errors
	t       *model.Type
	off     int // the constant offset, when !dynamic
	dynamic bool
	align   int
	last    bool                  // nothing follows: a variable tail may take the rest of the buffer
	lv      func() *jen.Statement // the Go value; nil for pad
	sel     func() *jen.Statement // switch unions: the selector value
	length  func() *jen.Statement // sized fields: the value of the length field
	// lengthOf lists the slots whose length this length field holds.
	lengthOf []*slot
}

// rigid reports whether t has a fixed size and no choice inside, so that
// it decodes at constant offsets once its bytes are known to be there.
func rigid(t *model.Type) bool {
	if t.Variable {
		return false
	}
	switch t.Kind {
	case model.KindSwitch:
		return false
	case model.KindStruct:
		for _, f := range t.Fields {
			if !rigid(f.Type) {
				return false
			}
		}
	case model.KindArray:
		return rigid(t.Elem)
	}
	return true
}

// isByte reports whether t is u8, whose slices and arrays copy at once.
func isByte(t *model.Type) bool {
	return t.Kind == model.KindInt && t.Int.Bits == 8 && !t.Int.Signed
}

// off is a byte offset into a buffer: k, plus the cursor p when cur, plus
// each loop index times its stride.
type off struct {
	buf   string // the buffer; "b" when empty
	cur   bool
	k     int
	terms []term
}

type term struct {
	v   string
	mul int
}

func (o off) b() *jen.Statement {
	if o.buf == "" {
		return jen.Id("b")
	}
	return jen.Id(o.buf)
}

func (o off) plus(k int) off { o.k += k; return o }

// plusVar is o+v, or just v when o is zero.
func (o off) plusVar(v string) *jen.Statement {
	if o.zero() {
		return jen.Id(v)
	}
	return o.code().Op("+").Id(v)
}

func (o off) zero() bool { return !o.cur && o.k == 0 && len(o.terms) == 0 }

func (o off) index(v string, mul int) off {
	o.terms = append(slices.Clip(o.terms), term{v, mul})
	return o
}

func (o off) code() *jen.Statement {
	var s *jen.Statement
	add := func(c *jen.Statement) {
		if s == nil {
			s = c
		} else {
			s.Op("+").Add(c)
		}
	}
	if o.cur {
		add(jen.Id("p"))
	}
	if o.k != 0 || (!o.cur && len(o.terms) == 0) {
		add(jen.Lit(o.k))
	}
	for _, t := range o.terms {
		c := jen.Id(t.v)
		if t.mul != 1 {
			c.Op("*").Lit(t.mul)
		}
		add(c)
	}
	return s
}

// operand is code() parenthesised when it is a sum, to stand after a minus.
func (o off) operand() *jen.Statement {
	n := len(o.terms)
	if o.cur {
		n++
	}
	if o.k != 0 {
		n++
	}
	if n > 1 {
		return jen.Parens(o.code())
	}
	return o.code()
}

// from is buf[o:]; span is buf[o:o+n].
func (o off) from() *jen.Statement {
	switch {
	case o.zero() && o.buf != "u":
		return o.b()
	case o.zero():
		return o.b().Index(jen.Empty(), jen.Empty())
	}
	return o.b().Index(o.code(), jen.Empty())
}
func (o off) at() *jen.Statement { return o.b().Index(o.code()) }
func (o off) span(n int) *jen.Statement {
	return o.b().Index(o.code(), o.plus(n).code())
}

// cursor is where decoding or sizing stands: a constant while the layout
// is known, else the variable p.
type cursor struct {
	known bool
	k     int
}

func (c *cursor) off(buf string) off {
	if c.known {
		return off{buf: buf, k: c.k}
	}
	return off{buf: buf, cur: true}
}

// fn is the state of one generated function body.
type fn struct {
	g      *gen
	typ    string // the .cn name of the type, for errors
	buf    string // the byte slice decoded from or appended to
	fail   func(f *fn, err jen.Code) *jen.Statement
	used   map[string]bool // function-level variables the prelude declares
	tmp    map[string]int
	scopes []map[string]bool
}

// failDecode and failEncode return an error from decode and append
// functions.
func failDecode(_ *fn, err jen.Code) *jen.Statement { return jen.Return(jen.Lit(0), err) }

func failEncode(f *fn, err jen.Code) *jen.Statement {
	return jen.Return(jen.Id("b").Index(jen.Empty(), f.use("s")), err)
}

func (g *gen) newFn(typ, buf string, fail func(*fn, jen.Code) *jen.Statement) *fn {
	return &fn{g: g, typ: typ, buf: buf, fail: fail, used: map[string]bool{}, tmp: map[string]int{},
		scopes: []map[string]bool{{}}}
}

// use marks a function-level variable as needed and returns it.
func (f *fn) use(v string) *jen.Statement {
	f.used[v] = true
	return jen.Id(v)
}

// prelude declares the function-level variables the body used.
func (f *fn) prelude(body []jen.Code) []jen.Code {
	var pre []jen.Code
	if f.used["s"] {
		pre = append(pre, jen.Id("s").Op(":=").Len(jen.Id("b")))
	}
	if f.used["err"] {
		pre = append(pre, jen.Var().Err().Error())
	}
	return append(pre, body...)
}

// temp returns a fresh local name: l, l2, l3…
func (f *fn) temp(prefix string) string {
	f.tmp[prefix]++
	if n := f.tmp[prefix]; n > 1 {
		return prefix + strconv.Itoa(n)
	}
	return prefix
}

func (f *fn) push() { f.scopes = append(f.scopes, map[string]bool{}) }
func (f *fn) pop()  { f.scopes = f.scopes[:len(f.scopes)-1] }

// define returns := when one of vars is not declared in a scope around
// this point (declaring them in the innermost), else =.
func (f *fn) define(vars ...string) string {
	fresh := false
	for _, v := range vars {
		declared := false
		for _, s := range f.scopes {
			declared = declared || s[v]
		}
		if !declared {
			fresh = true
		}
	}
	if !fresh {
		return "="
	}
	for _, v := range vars {
		f.scopes[len(f.scopes)-1][v] = true
	}
	return ":="
}

func (f *fn) errorf(name string, args ...jen.Code) jen.Code {
	return jen.Qual(cnPkg, name).Call(args...)
}

func (f *fn) lenB() *jen.Statement { return jen.Len(jen.Id(f.buf)) }

// ---- cursor moves ----

func (f *fn) seek(c *cursor, k int) { c.known, c.k = true, k }

func (f *fn) alignTo(c *cursor, a int) []jen.Code {
	if a <= 1 {
		return nil
	}
	if c.known {
		c.k = (c.k + a - 1) / a * a
		return nil
	}
	return []jen.Code{jen.Id("p").Op("=").Qual(cnPkg, "Align").Call(jen.Id("p"), jen.Lit(a))}
}

func (f *fn) advance(c *cursor, n int) []jen.Code {
	if c.known {
		c.k += n
		return nil
	}
	if n == 0 {
		return nil
	}
	return []jen.Code{jen.Id("p").Op("+=").Lit(n)}
}

// advanceBy moves the cursor by a value known only when the code runs.
func (f *fn) advanceBy(c *cursor, n *jen.Statement) []jen.Code {
	if !c.known {
		return []jen.Code{jen.Id("p").Op("+=").Add(n)}
	}
	c.known = false
	v := n
	if c.k != 0 {
		v = jen.Lit(c.k).Op("+").Add(n)
	}
	return []jen.Code{jen.Id("p").Op(f.define("p")).Add(v)}
}

// materialize puts a known cursor into p, for loops.
func (f *fn) materialize(c *cursor) []jen.Code {
	if !c.known {
		return nil
	}
	c.known = false
	return []jen.Code{jen.Id("p").Op(f.define("p")).Lit(c.k)}
}

// place moves the cursor to where s starts.
func (f *fn) place(c *cursor, s *slot) []jen.Code {
	if !s.dynamic {
		f.seek(c, s.off)
		return nil
	}
	return f.alignTo(c, s.align)
}
