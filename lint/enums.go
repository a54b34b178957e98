package lint

import (
	"fmt"
	"math/bits"
	"regexp"
	"strings"

	"github.com/cngen/cngen/dsl/model"
	"github.com/cngen/cngen/dsl/source"
	"github.com/cngen/cngen/dsl/wire"
)

var collisionRule = &Rule{
	ID:       "enum-value-collision",
	Severity: source.SevWarning,
	Summary:  "Two entries of a flags type share some bits, but neither holds all the bits of the other.",
	Help: "The checker refuses two entries with one value; in an enum that is the only collision there " +
		"can be, and a switch union names exactly one selector type, whose field must have exactly that " +
		"type, so two enums never meet in one selector. What remains is flags entries that partly " +
		"overlap (rw = 0x3 and wx = 0x6): String spells a value with the widest entries first, so 0x7 " +
		"prints as rw|exec and the spelling depends on declaration order, and code that tests one entry " +
		"sees bits of the other. A mask that holds another entry wholly (all = read|write|exec) is no " +
		"collision.",
	check: checkCollisions,
}

func checkCollisions(p *pass) {
	for _, t := range p.schema.Types {
		if t.Kind != model.KindFlags {
			continue
		}
		for i, a := range t.Values {
			for _, b := range t.Values[:i] {
				va, vb := wire.Value(t, a), wire.Value(t, b)
				if shared := va & vb; shared != 0 && shared != va && shared != vb {
					p.report(a.Pos, "flags %s: %s (%#x) and %s (%#x) share bits %#x, but neither holds the other: their spelling in String depends on declaration order",
						t.Name, a.Name, va, b.Name, vb, shared)
				}
			}
		}
	}
}

var singleBitRule = &Rule{
	ID:       "flags-single-bit",
	Severity: source.SevError,
	Summary:  "A flags entry has more than one bit set and is not declared a mask.",
	Help: "A flags type is a set of bits: each entry is one bit, or 0 for the empty set. An entry with " +
		"several bits is usually a counting value written as in an enum (a = 1, b = 2, c = 3, where c " +
		"means a|b on the wire). A mask is declared by its name, all or mask or a name ending in _all or " +
		"_mask, or by the word mask in its /// doc comment; a mask may hold bits that no entry names " +
		"(reserved_mask = 0xff00).",
	check: checkSingleBits,
}

// maskName is how a name declares a mask.
var maskName = regexp.MustCompile(`^(all|mask)$|_(all|mask)$`)

// maskDoc is how a doc comment declares a mask.
var maskDoc = regexp.MustCompile(`(?i)\bmasks?\b`)

func checkSingleBits(p *pass) {
	for _, t := range p.schema.Types {
		if t.Kind != model.KindFlags {
			continue
		}
		for _, v := range t.Values {
			bitsOf := wire.Value(t, v)
			if bits.OnesCount64(bitsOf) > 1 && !isMask(v) {
				p.report(v.Pos, "flags %s: %s = %#x has %d bits set%s: give it a bit of its own, or declare a mask (name it %s_mask, or say mask in its /// doc)",
					t.Name, v.Name, bitsOf, bits.OnesCount64(bitsOf), union(t, v), v.Name)
			}
		}
	}
}

func isMask(v *model.Value) bool {
	return maskName.MatchString(v.Name) || maskDoc.MatchString(strings.Join(v.Doc, " "))
}

// union says which other entries v is the OR of, when it is: the
// counting mistake (c = 3 is a|b).
func union(t *model.Type, v *model.Value) string {
	want, got := wire.Value(t, v), uint64(0)
	var names []string
	for _, o := range t.Values {
		if ov := wire.Value(t, o); o != v && ov != 0 && ov&^want == 0 {
			got |= ov
			names = append(names, o.Name)
		}
	}
	if got != want {
		return ""
	}
	return fmt.Sprintf(" (it equals %s)", strings.Join(names, "|"))
}
