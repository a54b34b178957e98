package gen

import "github.com/cngen/cngen/dsl/model"

// Nested types are decoded and encoded in line in the function of the
// type that holds them, for speed, only within a fixed budget; beyond it
// the parent calls the nested type's own methods. So every function is
// at most a constant times the fields the schema writes for its type, and
// the generated code grows linearly with the schema as written, never
// with its flattened leaves (a "diamond" of structs holding two of the
// next level would otherwise double at every level).
const (
	// inlineStruct is the most loads a rigid struct may take to be
	// decoded in line in its parent.
	inlineStruct = 16
	// inlineSwitch is the most loads a switch union may take to be
	// decoded in line, in the one struct field of the schema that holds
	// it; the proc connector's event_data takes 34. A union held by
	// several fields, or larger, has functions of its own.
	inlineSwitch = 64
	// inlineDepth is the most levels of structs in line in one function:
	// the Go expression of a field in line grows with its depth (x.a.b.c),
	// which a chain of one-field structs would otherwise make quadratic.
	inlineDepth = 4
)

// cost is the number of statements that decoding t in line emits.
func (g *gen) cost(t *model.Type) int {
	if n, ok := g.costs[t]; ok {
		return n
	}
	n := 1
	switch t.Kind {
	case model.KindStruct:
		if g.plan.Rigid(t) {
			n = 0
			for _, f := range t.Fields {
				n += g.nestedCost(f.Type)
			}
		}
	case model.KindSwitch:
		for _, v := range t.Variants {
			n += g.nestedCost(v.Type)
		}
		if t.Default != nil {
			n += g.nestedCost(t.Default.Type)
		}
	case model.KindArray:
		if !isByte(t.Elem) {
			n += g.nestedCost(t.Elem)
		}
	}
	g.costs[t] = n
	return n
}

// nestedCost is what a field or arm of type t adds to its parent: its
// own cost when it is decoded in line, one call otherwise.
func (g *gen) nestedCost(t *model.Type) int {
	if t.Kind == model.KindStruct && !g.inlined(t) {
		return 1
	}
	return g.cost(t)
}

// inlined reports whether a struct is decoded and encoded in line in its
// parent's function.
func (g *gen) inlined(t *model.Type) bool {
	return t.Kind == model.KindStruct && g.plan.Rigid(t) && g.cost(t) <= inlineStruct && g.depth(t) <= inlineDepth
}

// depth is the number of levels of structs that decoding t in line
// writes out: 1 for a struct of scalars.
func (g *gen) depth(t *model.Type) int {
	if d, ok := g.depths[t]; ok {
		return d
	}
	d := 0
	if t.Kind == model.KindStruct {
		d = 1
		for _, f := range t.Fields {
			if e := f.Type; e.Kind == model.KindStruct && g.inlined(e) {
				d = max(d, 1+g.depth(e))
			}
		}
	}
	if t.Kind == model.KindArray {
		d = g.depth(t.Elem)
	}
	g.depths[t] = d
	return d
}

// switchInline reports whether a switch union is decoded, encoded and
// sized in line in the one field that holds it, and so has no functions
// of its own.
func (g *gen) switchInline(t *model.Type) bool {
	l := g.plan.Layout(t)
	return l.Uses <= 1 && g.cost(t) <= inlineSwitch
}
