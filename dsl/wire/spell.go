package wire

import (
	"cmp"
	"math/bits"
	"slices"

	"github.com/cngen/cngen/dsl/model"
)

// How enum and flags values are spelled, in String methods, errors and
// the generic codec's output: an enum value by its name as the schema
// writes it, or TYPE(N) outside the set; a flags value by the names
// of the members wholly set, widest masks first, joined by |, then any
// bits left over in hex, and 0 by the name of a member with value 0, or
// "0".

// Flag is one member of a flags type as its spelling uses it.
type Flag struct {
	Mask uint64
	Name string
}

// Flags returns how the flags type t is spelled: the name of 0, and its
// members with bits, widest masks first (in declaration order among equal
// widths).
func Flags(t *model.Type) (zero string, members []Flag) {
	zero = "0"
	for _, v := range t.Values {
		bits := Value(t, v)
		if bits == 0 {
			if zero == "0" {
				zero = v.Name
			}
			continue
		}
		members = append(members, Flag{Mask: bits, Name: v.Name})
	}
	slices.SortStableFunc(members, func(a, b Flag) int {
		return cmp.Compare(popcount(b.Mask), popcount(a.Mask))
	})
	return zero, members
}

func popcount(v uint64) int { return bits.OnesCount64(v) }

// ValueOf returns the member of enum or flags type t whose bits are v,
// or nil.
func ValueOf(t *model.Type, v uint64) *model.Value {
	for _, m := range t.Values {
		if Value(t, m) == v {
			return m
		}
	}
	return nil
}

// HasZero reports whether enum t declares a value 0, without which the
// zero value of a struct holding it does not encode.
func HasZero(t *model.Type) bool { return ValueOf(t, 0) != nil }
