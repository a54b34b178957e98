package gen

import (
	"slices"
	"strconv"

	"github.com/dave/jennifer/jen"

	"github.com/cngen/cngen/dsl/model"
)

// This file holds the state of one generated function body: offsets into
// its buffer, the cursor that decoding and sizing advance, fresh local
// names, and how the function fails.

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

// constant reports an offset known when generating.
func (o off) constant() bool { return !o.cur && len(o.terms) == 0 }

// plusVar is o+v, or just v when o is zero.
func (o off) plusVar(v string) *jen.Statement {
	if o.zero() {
		return jen.Id(v)
	}
	return o.code().Op("+").Id(v)
}

func (o off) zero() bool { return o.constant() && o.k == 0 }

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
	if o.k != 0 || o.constant() {
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

// from is buf[o:]; at is buf[o]; span is buf[o:o+n].
func (o off) from() *jen.Statement {
	switch {
	case o.zero() && o.buf == "u": // a union, an array behind a pointer
		return o.b().Index(jen.Empty(), jen.Empty())
	case o.zero():
		return o.b()
	}
	return o.b().Index(o.code(), jen.Empty())
}
func (o off) at() *jen.Statement { return o.b().Index(o.code()) }
func (o off) span(n int) *jen.Statement {
	return o.b().Index(o.code(), o.plus(n).code())
}

// cursor is where decoding or sizing stands: the offset o while the
// layout says it (constant, or constant plus loop indexes), else the
// variable p.
type cursor struct {
	known bool
	o     off
	// least is what p is known to be at least, when !known.
	least int
}

func knownAt(o off) *cursor { return &cursor{known: true, o: o} }

func (c *cursor) off() off {
	if c.known {
		return c.o
	}
	return off{buf: c.o.buf, cur: true}
}

// fn is the state of one generated function body.
type fn struct {
	g      *gen
	typ    string // the type as errors name it
	fail   func(f *fn, err jen.Code) *jen.Statement
	used   map[string]bool // function-level variables the prelude declares
	tmp    map[string]int
	scopes []map[string]bool
	// bound is a length b is known to have at the point of emission, so
	// that b[k:] needs no guard for k up to it.
	bound int
}

// failDecode, failDecodeErr and failEncode return an error from decode
// (bytes used and error), UnmarshalBinary (error) and append functions.
func failDecode(_ *fn, err jen.Code) *jen.Statement    { return jen.Return(jen.Lit(0), err) }
func failDecodeErr(_ *fn, err jen.Code) *jen.Statement { return jen.Return(err) }
func failEncode(f *fn, err jen.Code) *jen.Statement {
	return jen.Return(jen.Id("b").Index(jen.Empty(), f.use("s")), err)
}

func (g *gen) newFn(typ string, fail func(*fn, jen.Code) *jen.Statement) *fn {
	return &fn{g: g, typ: typ, fail: fail, used: map[string]bool{}, tmp: map[string]int{},
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

// impl calls a helper of runtime/cnimpl.
func impl(name string, args ...jen.Code) *jen.Statement {
	return jen.Qual(cnimplPkg, name).Call(args...)
}

func lenB() *jen.Statement { return jen.Len(jen.Id("b")) }

// tail is b[o:], guarded by cnimpl.Tail when o may lie past the end.
func (f *fn) tail(o off) *jen.Statement {
	if o.constant() && o.k <= f.bound {
		return o.from()
	}
	return impl("Tail", o.b(), o.code())
}

// rem is len(b)-o, clamped at zero when o may lie past the end.
func (f *fn) rem(o off) *jen.Statement {
	if o.zero() {
		return lenB()
	}
	if o.constant() && o.k <= f.bound {
		return lenB().Op("-").Add(o.operand())
	}
	return jen.Max(lenB().Op("-").Add(o.operand()), jen.Lit(0))
}

// ---- cursor moves ----

func (f *fn) alignTo(c *cursor, a int) []jen.Code {
	if a <= 1 {
		return nil
	}
	if c.known {
		c.o.k = (c.o.k + a - 1) / a * a
		return nil
	}
	return []jen.Code{jen.Id("p").Op("=").Add(impl("Align", jen.Id("p"), jen.Lit(a)))}
}

func (f *fn) advance(c *cursor, n int) []jen.Code {
	if c.known {
		c.o.k += n
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
	c.least = max(c.o.k, 0)
	if !c.o.constant() {
		c.least = 0
	}
	v := n
	if !c.o.zero() {
		v = c.o.code().Op("+").Add(n)
	}
	return []jen.Code{jen.Id("p").Op(f.define("p")).Add(v)}
}

// materialize puts a known cursor into p, for loops.
func (f *fn) materialize(c *cursor) []jen.Code {
	if !c.known {
		return nil
	}
	c.known = false
	return []jen.Code{jen.Id("p").Op(f.define("p")).Add(c.o.code())}
}

// isByte reports whether t is u8, whose slices and arrays copy at once.
func isByte(t *model.Type) bool {
	return t.Kind == model.KindInt && t.Int.Bits == 8 && !t.Int.Signed
}

func joinName(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + "." + b
}

// lvalue is a Go expression that can be read and assigned.
type lvalue func() *jen.Statement

func ident(name string) lvalue { return func() *jen.Statement { return jen.Id(name) } }

func (lv lvalue) dot(id string) lvalue { return func() *jen.Statement { return lv().Dot(id) } }

func (lv lvalue) index(i string) lvalue {
	return func() *jen.Statement { return lv().Index(jen.Id(i)) }
}
