package lint

import (
	"strconv"

	"github.com/cngen/cngen/dsl/source"
	"github.com/cngen/cngen/dsl/wire"
)

var paddingRule = &Rule{
	ID:       "implicit-padding",
	Severity: source.SevWarning,
	Summary:  "A struct has padding that the C compiler inserts between or after its fields: declare it with a pad field.",
	Help: "GCC aligns every field and rounds the struct up to its alignment, and the bytes it skips appear " +
		"nowhere in the schema. A C peer may leave whatever its stack held in them (a leak, and a source of " +
		"spurious differences), and a reader of the schema cannot see them. A `pad N` field of the same " +
		"size keeps the layout and makes the bytes explicit; encoders write zeros in both cases. The rule " +
		"reads the gaps of the wire plan, at constant offsets; many kernel headers have them (uvesafb_task), " +
		"hence a warning.",
	check: checkPadding,
}

func checkPadding(p *pass) {
	for _, l := range p.structs() {
		for _, g := range l.Gaps {
			p.gap(l, g)
		}
	}
}

// gap reports g at the field after it, or at the last field for the
// struct's trailing padding.
func (p *pass) gap(l *wire.Layout, g wire.Gap) {
	for _, f := range l.Fields {
		if !f.Dynamic && f.Off == g.Off+g.Len {
			p.report(f.Model.Pos, "%s: %s of implicit padding before %s (offsets %d to %d): declare it, e.g. `reserved pad %d` before it",
				what(l), nBytes(g.Len), f.Name, g.Off, g.Off+g.Len, g.Len)
			return
		}
	}
	last := l.Fields[len(l.Fields)-1]
	p.report(last.Model.Pos, "%s: %s of implicit padding after %s, at the end (offsets %d to %d): declare it, e.g. `reserved pad %d` after it",
		what(l), nBytes(g.Len), last.Name, g.Off, g.Off+g.Len, g.Len)
}

// nBytes is "1 byte", "3 bytes".
func nBytes(n int) string {
	if n == 1 {
		return "1 byte"
	}
	return strconv.Itoa(n) + " bytes"
}

var packedRule = &Rule{
	ID:       "packed-misaligned",
	Severity: source.SevWarning,
	Summary:  "A field of a packed struct is not at a multiple of its natural alignment.",
	Help: "In a packed struct a u32 may sit at offset 1. C code that takes the address of such a field and " +
		"dereferences it is undefined behaviour and faults on CPUs without unaligned access, and every " +
		"access costs more. Reordering the fields, or explicit pad fields, put each at a multiple of its " +
		"type's alignment and keep the struct packed. Hyper-V's headers are packed by design, hence a warning.",
	check: checkPacked,
}

func checkPacked(p *pass) {
	for _, l := range p.structs() {
		if !l.Type.Packed {
			continue
		}
		for _, f := range l.Fields {
			if natural := f.Type.Align; !f.Dynamic && natural > 1 && f.Off%natural != 0 {
				p.report(f.Model.Pos, "%s: %s (%s) is at offset %d, not a multiple of its natural alignment %d: reorder the fields or pad it to offset %d",
					what(l), f.Name, f.Type, f.Off, natural, (f.Off+natural-1)/natural*natural)
			}
		}
	}
}
