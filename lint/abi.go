package lint

import (
	"github.com/cngen/cngen/dsl/model"
	"github.com/cngen/cngen/dsl/source"
	"github.com/cngen/cngen/dsl/wire"
)

var u64AlignRule = &Rule{
	ID:       "u64-align",
	Severity: source.SevError,
	Summary:  "A u64 or i64 without align(8) puts a field at another offset, or an array element at another stride, on i386.",
	Help: "The i386 ABI aligns 8-byte integers to 4 inside structs, x86-64 and arm64 to 8. The kernel does " +
		"not translate connector messages for 32-bit processes, so a 32-bit peer built from the same C " +
		"header reads such a field at another offset: that is why the kernel's uapi headers write " +
		"__aligned_u64 (proc_event.timestamp_ns). The rule lays every struct out by both ABIs, " +
		"and reports the first field whose offset differs, and every array or slice whose elements do " +
		"not have one size on both; `align(8)` on the 64-bit field, or on a field whose type holds one, " +
		"gives one layout on both. A struct whose size alone differs (trailing padding) is not reported " +
		"where it is no element: decoders accept the longer form and need only the shorter.",
	check: checkU64Align,
}

// layout386 is a type as GCC lays it out for i386.
type layout386 struct {
	size, align int
	offs        map[*model.Field]int // the fields of a struct
}

// abi386 computes and remembers i386 layouts.
type abi386 map[*model.Type]*layout386

func alignUp(n, a int) int { return (n + a - 1) / a * a }

func (abi abi386) of(t *model.Type) *layout386 {
	if l, ok := abi[t]; ok {
		return l
	}
	l := &layout386{size: t.Size, align: t.Align}
	switch t.Kind {
	case model.KindInt, model.KindEnum, model.KindFlags:
		l.align = min(t.Size, 4)
	case model.KindArray:
		e := abi.of(t.Elem)
		l.size, l.align = t.Len*e.size, e.align
	case model.KindSlice:
		l.align = abi.of(t.Elem).align
	case model.KindStruct:
		abi.structOf(t, l)
	case model.KindUnion, model.KindSwitch:
		abi.unionOf(t, l)
	}
	abi[t] = l
	return l
}

// fieldAlign is the i386 alignment of a field of a struct or union.
func (abi abi386) fieldAlign(owner *model.Type, f *model.Field) int {
	a := abi.of(f.Type).align
	if owner.Packed {
		a = 1
	}
	return max(a, f.AlignAttr)
}

func (abi abi386) structOf(t *model.Type, l *layout386) {
	l.offs = map[*model.Field]int{}
	off, align := 0, 1
	for _, f := range t.Fields {
		a := abi.fieldAlign(t, f)
		off = alignUp(off, a)
		l.offs[f] = off
		off += abi.of(f.Type).size
		align = max(align, a)
	}
	l.size, l.align = alignUp(off, align), align
}

func (abi abi386) unionOf(t *model.Type, l *layout386) {
	size, align := 0, 1
	for _, f := range t.Fields {
		size, align = max(size, abi.of(f.Type).size), max(align, abi.fieldAlign(t, f))
	}
	for _, v := range variants(t) {
		size, align = max(size, abi.of(v.Type).size), max(align, abi.of(v.Type).align)
	}
	if t.Packed && t.Kind == model.KindSwitch {
		align = 1
	}
	l.size, l.align = alignUp(size, align), align
}

func checkU64Align(p *pass) {
	abi := abi386{}
	for _, l := range p.plan.Layouts() {
		switch l.Type.Kind {
		case model.KindStruct:
			if !l.Payload {
				p.offsets386(abi, l)
			}
			p.strides386(abi, l)
		case model.KindUnion:
			p.strides386(abi, l)
		}
	}
}

// offsets386 reports the first field of struct l at another offset on
// i386, and why.
func (p *pass) offsets386(abi abi386, l *wire.Layout) {
	l386 := abi.of(l.Type)
	for i, f := range l.Fields {
		off := l386.offs[f.Model]
		if f.Dynamic || off == f.Off {
			continue
		}
		why := "its type aligns to 8 on x86-64 but 4 on i386: write align(8) on it"
		if a := abi.fieldAlign(l.Type, f.Model); a == f.Align {
			prev := l.Fields[i-1]
			why = "after " + prev.Name + ", whose type " + prev.Type.String() + " has another size on i386: give its 64-bit fields align(8)"
		}
		p.report(f.Model.Pos, "%s: %s is at offset %d on x86-64 but %d on i386: %s", what(l), f.Name, f.Off, off, why)
		return
	}
}

// strides386 reports the fields of l whose array or slice elements have
// another size on i386.
func (p *pass) strides386(abi abi386, l *wire.Layout) {
	for _, f := range l.Fields {
		e := f.Type
		for e.Kind == model.KindArray || e.Kind == model.KindSlice {
			e = e.Elem
		}
		if e == f.Type || e.Variable || abi.of(e).size == e.Size {
			continue
		}
		name := f.Name
		if l.Payload {
			name = "payload of " + l.Name
		}
		p.report(f.Model.Pos, "%s repeats %s, which is %d bytes on x86-64 but %d on i386, so its elements sit at other offsets: give the 64-bit fields of %s align(8)",
			name, e, e.Size, abi.of(e).size, e)
	}
}
