package breaking

import (
	"github.com/cngen/cngen/dsl/model"
	"github.com/cngen/cngen/gen"
)

// positions finds the schema node a Go identifier comes from, by the
// origins gen records while naming ([gen.Origins]): built once per schema.
type positions map[*model.Schema]map[string]model.Pos

// of is the position of d's node: its own (a field, value, message), else
// its owner's (a method gen adds to a type or family), else the package
// clause (a cstring helper type).
func (ps positions) of(d *decl) model.Pos {
	ix, ok := ps[d.schema]
	if !ok {
		// The schema generated already, so naming it does not fail.
		ix, _ = gen.Origins([]*model.Schema{d.schema}, gen.Options{})
		ps[d.schema] = ix
	}
	if p, ok := ix[d.name]; ok {
		return p
	}
	if p, ok := ix[d.owner()]; ok {
		return p
	}
	return d.schema.PackagePos
}
