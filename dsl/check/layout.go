package check

import (
	"github.com/cngen/cngen/dsl/model"
	"github.com/cngen/cngen/dsl/source"
	"github.com/cngen/cngen/dsl/syntax"
)

// The C layout rules, as GCC applies them on x86-64 and arm64: a field
// sits at the next multiple of its alignment; a struct is aligned to its
// most aligned field and padded to a multiple of that; a union is as large
// as its largest member, rounded the same way; packed makes every field's
// alignment 1; aligned(N) raises a field's alignment to N.

func alignUp(n, a int) int {
	if a <= 1 {
		return n
	}
	return (n + a - 1) / a * a
}

// scope is what a type at a field position may refer to: the earlier
// fields of the same struct (for sized forms and selectors) and the names
// of all its fields (to tell "later field" from "undefined").
type scope struct {
	owner   string                  // the struct's name, for messages
	earlier map[string]*model.Field // fields declared so far
	all     map[string]bool         // every field name of the struct
	field   bool                    // at a field: pad and selectors allowed
	variant bool                    // at a switch variant: inline structs allowed
}

// structType lays out the fields of a named or inline struct.
func (c *checker) structType(t *model.Type, doc []string, packed bool, decls []*syntax.FieldDecl) {
	t.Kind, t.Doc, t.Packed = model.KindStruct, doc, packed
	sc := newScope(t.Name, decls)
	off, align, dynamic := 0, 1, false
	for i, fd := range decls {
		f := c.field(t, fd, sc)
		if f == nil {
			continue
		}
		if f.Type.Variable {
			t.Variable = true
			if f.Type.LenField == nil && i != len(decls)-1 {
				c.errs.Add(fd.Pos, "field %s has a variable size (%s): it must be the last field or sized by an earlier field", fd.Name, f.Type)
			}
		}
		off = alignUp(off, f.Align)
		f.Offset, f.Dynamic = off, dynamic
		off += f.Size
		align = max(align, f.Align)
		if f.Type.Variable {
			dynamic = true
		}
		t.Fields = append(t.Fields, f)
	}
	t.Align = align
	t.Size = alignUp(off, align)
}

func newScope(owner string, decls []*syntax.FieldDecl) *scope {
	sc := &scope{owner: owner, earlier: map[string]*model.Field{}, all: map[string]bool{}, field: true}
	for _, fd := range decls {
		sc.all[fd.Name] = true
	}
	return sc
}

// field checks one field declaration and returns it laid out except for
// its offset; nil when it is a duplicate or its type is broken.
func (c *checker) field(owner *model.Type, fd *syntax.FieldDecl, sc *scope) *model.Field {
	if prev, dup := sc.earlier[fd.Name]; dup {
		c.errs.Add(fd.Pos, "duplicate field %s", fd.Name).Related = &source.Related{Pos: prev.Pos, Msg: "previous declaration"}
		return nil
	}
	f := &model.Field{Name: fd.Name, Pos: fd.Pos, Doc: fd.Doc}
	t := c.typeExpr(fd.Type, sc)
	sc.earlier[fd.Name] = f // later fields may refer to it, even if broken
	if t == nil {
		return nil
	}
	f.Type, f.Size, f.Align = t, t.Size, t.Align
	if owner.Packed {
		f.Align = 1
	}
	if fd.Align != nil {
		if n, ok := c.smallInt(fd.Align, "alignment", 1); ok {
			if n&(n-1) != 0 {
				c.errs.Add(fd.Align.Pos, "alignment %d is not a power of two", n)
			}
			f.AlignAttr = n
			f.Align = max(f.Align, n)
		}
	}
	if t.Kind == model.KindSwitch {
		f.Selector = c.selector(fd, t, sc)
	}
	if t.LenField != nil {
		t.LenField.LengthOf = append(t.LenField.LengthOf, f)
	}
	return f
}

// selector finds the earlier field that picks the variant of a switch
// union field.
func (c *checker) selector(fd *syntax.FieldDecl, t *model.Type, sc *scope) *model.Field {
	ref := fd.Type.Ref
	if ref == nil || ref.Selector == nil {
		c.errs.Add(fd.Type.Pos, "field %s: switch union %s needs a selector field: write %s(field)", fd.Name, t.Name, t.Name)
		return nil
	}
	name := ref.Selector.Name
	sel, ok := sc.earlier[name]
	switch {
	case !ok && sc.all[name]:
		c.errs.Add(ref.Selector.Pos, "selector %s is not an earlier field of %s", name, sc.owner)
		return nil
	case !ok:
		c.errs.Add(ref.Selector.Pos, "selector %s is not a field of %s", name, sc.owner)
		return nil
	case sel.Type == nil:
		return nil
	case t.Selector == nil: // the union's own selector type is broken: reported there
		return nil
	case sel.Type != t.Selector:
		c.errs.Add(ref.Selector.Pos, "selector %s has type %s, but %s switches on %s", name, sel.Type, t.Name, t.Selector)
		return nil
	}
	return sel
}

// union lays out a plain union or a switch union.
func (c *checker) union(t *model.Type, d *syntax.UnionDecl) {
	t.Doc, t.Packed = d.Doc, d.Packed
	if d.Selector == nil {
		c.plainUnion(t, d.Fields)
		return
	}
	t.Kind = model.KindSwitch
	if d.Selector.Selector != nil {
		c.errs.Add(d.Selector.Selector.Pos, "unexpected selector after the switch type")
	}
	sel := c.named(d.Selector.Pos, d.Selector.Name)
	if sel != nil && sel.Kind != model.KindEnum && sel.Kind != model.KindFlags {
		c.errs.Add(d.Selector.Pos, "union %s switches on %s, which is not an enum or flags type", d.Name, sel)
		sel = nil
	}
	t.Selector = sel
	size, align := 0, 1
	seen := map[string]*syntax.VariantDecl{}
	for _, vd := range d.Variants {
		key := vd.Case
		if vd.Default {
			key = "default"
		}
		if prev, dup := seen[key]; dup {
			c.errs.Add(vd.Pos, "duplicate case %s in union %s", key, d.Name).Related = &source.Related{Pos: prev.Pos, Msg: "previous case"}
			continue
		}
		seen[key] = vd
		v := &model.Variant{Pos: vd.Pos, Doc: vd.Doc}
		if !vd.Default && sel != nil {
			if v.Case = valueNamed(sel, vd.Case); v.Case == nil {
				c.errs.Add(vd.Pos, "%s is not a value of %s", vd.Case, sel.Name)
			}
		}
		v.Type = c.typeExpr(vd.Type, &scope{owner: d.Name, variant: true})
		if v.Type == nil {
			continue
		}
		size, align = max(size, v.Type.Size), max(align, v.Type.Align)
		t.Variable = t.Variable || v.Type.Variable
		if vd.Default {
			t.Default = v
		} else {
			t.Variants = append(t.Variants, v)
		}
	}
	if t.Packed {
		align = 1
	}
	t.Size, t.Align = alignUp(size, align), align
}

func valueNamed(t *model.Type, name string) *model.Value {
	for _, v := range t.Values {
		if v.Name == name {
			return v
		}
	}
	return nil
}

func (c *checker) plainUnion(t *model.Type, decls []*syntax.FieldDecl) {
	t.Kind = model.KindUnion
	sc := newScope(t.Name, decls)
	size, align := 0, 1
	for _, fd := range decls {
		f := c.field(t, fd, sc)
		if f == nil {
			continue
		}
		switch {
		case f.Type.Variable:
			c.errs.Add(fd.Pos, "union member %s has a variable size (%s): union members must have a fixed size", fd.Name, f.Type)
		case f.Type.Kind == model.KindSwitch:
			c.errs.Add(fd.Pos, "union member %s: a switch union cannot be a member of a plain union", fd.Name)
		}
		size, align = max(size, f.Size), max(align, f.Align)
		t.Fields = append(t.Fields, f)
	}
	t.Size, t.Align = alignUp(size, align), align
}

// typeExpr resolves a type as written at a field, variant, element or
// message position.
func (c *checker) typeExpr(te *syntax.TypeExpr, sc *scope) *model.Type {
	switch {
	case te.Array != nil:
		return c.arrayType(te, sc)
	case te.CString != nil:
		n, ok := c.smallInt(te.CString, "cstring length", 1)
		if !ok {
			return nil
		}
		return &model.Type{Kind: model.KindCString, Pos: te.Pos, Len: n, Size: n, Align: 1}
	case te.Bytes != nil:
		return c.sizedText(te, model.KindBytes, te.Bytes, sc)
	case te.String != nil:
		return c.sizedText(te, model.KindString, te.String, sc)
	case te.Pad != nil:
		n, ok := c.smallInt(te.Pad, "pad length", 1)
		if !ok {
			return nil
		}
		if !sc.field {
			c.errs.Add(te.Pos, "pad is only allowed as the type of a struct field")
			return nil
		}
		return &model.Type{Kind: model.KindPad, Pos: te.Pos, Len: n, Size: n, Align: 1}
	case te.Struct != nil:
		if !sc.variant {
			c.errs.Add(te.Pos, "an inline struct is only allowed as a switch union variant: declare struct NAME { … } and use its name")
			return nil
		}
		t := &model.Type{Pos: te.Pos}
		c.structType(t, nil, te.Struct.Packed, te.Struct.Fields)
		c.bound(t)
		return t
	}
	t := c.named(te.Ref.Pos, te.Ref.Name)
	if t == nil {
		return nil
	}
	if te.Ref.Selector != nil && t.Kind != model.KindSwitch {
		c.errs.Add(te.Ref.Selector.Pos, "%s is not a switch union: it takes no selector", te.Ref.Name)
	}
	if t.Kind == model.KindSwitch && !sc.field {
		c.errs.Add(te.Pos, "switch union %s can only be the type of a struct field, after the field that selects its variant", t.Name)
		return nil
	}
	return t
}

// arrayType handles [N]T, [f]T and []T.
func (c *checker) arrayType(te *syntax.TypeExpr, sc *scope) *model.Type {
	a := te.Array
	elem := c.typeExpr(a.Elem, &scope{owner: sc.owner})
	if elem == nil || c.oversized[elem] {
		return nil
	}
	t := &model.Type{Pos: te.Pos, Elem: elem, Align: elem.Align}
	zero := func() *model.Type {
		if e, ok := c.types[elem.Name]; ok && (e.state == resolving || e.broken) {
			return t // its size is not known yet: a cycle, reported as one
		}
		c.errs.Add(te.Pos, "%s repeats %s, which takes no bytes: elements of size 0 cannot be repeated, since nothing in the message could say how many there are", t, elem)
		return nil
	}
	if a.Len == nil {
		t.Kind, t.Variable = model.KindSlice, true
		if elem.Size == 0 && !elem.Variable {
			return zero()
		}
		return t
	}
	if lf, ok := c.lengthField(a.Len, sc); ok {
		if lf == nil {
			return nil
		}
		t.Kind, t.Variable, t.LenField = model.KindSlice, true, lf
		if elem.Size == 0 && !elem.Variable {
			return zero()
		}
		return t
	}
	n, ok := c.smallInt(a.Len, "array length", 1)
	if !ok {
		return nil
	}
	if elem.Variable {
		c.errs.Add(a.Elem.Pos, "array element %s has a variable size: use []T or [field]T", elem)
		return nil
	}
	t.Kind, t.Len, t.Size = model.KindArray, n, n*elem.Size
	if t.Size > model.MaxMsgSize {
		c.errs.Add(te.Pos, "array of %d bytes exceeds the connector message limit %d", t.Size, model.MaxMsgSize)
		return nil
	}
	return t
}

// sizedText handles bytes, bytes[N], bytes[f], string and string[f].
func (c *checker) sizedText(te *syntax.TypeExpr, kind model.Kind, st *syntax.SizedType, sc *scope) *model.Type {
	t := &model.Type{Kind: kind, Pos: te.Pos, Align: 1, Variable: true}
	if st.Len == nil {
		return t
	}
	if lf, ok := c.lengthField(st.Len, sc); ok {
		if lf == nil {
			return nil
		}
		t.LenField = lf
		return t
	}
	if kind == model.KindString {
		c.errs.Add(st.Len.Pos, "string[N] needs a length field; write cstring[N] for fixed-size text")
		return nil
	}
	n, ok := c.smallInt(st.Len, "bytes length", 1)
	if !ok {
		return nil
	}
	t.Variable, t.Len, t.Size = false, n, n
	return t
}

// lengthField decides whether a length expression names a field. ok is
// true when it does (f is nil when that field cannot size anything, after
// an error); false when the expression is a constant.
func (c *checker) lengthField(e *syntax.Expr, sc *scope) (f *model.Field, ok bool) {
	name, pos, single := singleName(e)
	if !single || !sc.all[name] {
		return nil, false
	}
	if _, isConst := c.consts[name]; isConst {
		c.errs.Add(pos, "%s is both a field of %s and a constant: rename one", name, sc.owner)
		return nil, true
	}
	lf, earlier := sc.earlier[name]
	switch {
	case !sc.field:
		c.errs.Add(pos, "length field %s can only size a field of %s itself", name, sc.owner)
		return nil, true
	case !earlier:
		c.errs.Add(pos, "length field %s is not an earlier field of %s", name, sc.owner)
		return nil, true
	case lf.Type == nil:
		return nil, true
	case lf.Type.Kind != model.KindInt:
		c.errs.Add(pos, "length field %s has type %s: it must be an integer type", name, lf.Type)
		return nil, true
	}
	return lf, true
}

// singleName reports whether e is just an identifier.
func singleName(e *syntax.Expr) (string, model.Pos, bool) {
	if len(e.Right) > 0 || e.Left.Primary == nil || e.Left.Primary.Name == "" {
		return "", model.Pos{}, false
	}
	return e.Left.Primary.Name, e.Left.Primary.Pos, true
}
