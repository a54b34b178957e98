package codec

import (
	"strconv"

	"github.com/cngen/cngen/dsl/model"
	"github.com/cngen/cngen/dsl/wire"
	"github.com/cngen/cngen/runtime/cnimpl"
)

// Value is a decoded value of a schema type. Which fields hold it
// depends on Type.Kind:
//
//   - KindInt, KindEnum, KindFlags: Bits, the integer's bits as its width
//     holds them (an i8 of -1 is 0xff); see [Value.Int64].
//   - KindBool: Bool.
//   - KindCString, KindBytes, KindUnion: Bytes, every byte as on the wire
//     (a cstring's bytes after its NUL included, so that it encodes
//     unchanged).
//   - KindString: Text.
//   - KindStruct: Fields, one per field in order, pad fields included
//     (as zero Values).
//   - KindArray, KindSlice: Elems.
//   - KindSwitch: Arm, the arm decoded, and its value in Elems[0].
//   - KindPad: nothing.
type Value struct {
	Type   *model.Type
	Bits   uint64
	Bool   bool
	Bytes  []byte
	Text   string
	Fields []Value
	Elems  []Value
	Arm    *wire.Arm
}

// Int64 is an integer, enum or flags value sign-extended as its type
// says.
func (v Value) Int64() int64 {
	bits := v.Type.Int.Bits
	if !v.Type.Int.Signed || bits == 64 {
		return int64(v.Bits)
	}
	shift := 64 - bits
	return int64(v.Bits<<shift) >> shift
}

// Spell writes an enum or flags value as String methods of generated code
// do: an enum value's name, or TYPE(N); a flags value's member names
// joined by |, widest first, then leftover bits in hex.
func Spell(t *model.Type, bits uint64) string {
	if t.Kind == model.KindFlags {
		zero, members := wire.Flags(t)
		names := make([]cnimpl.FlagName, len(members))
		for i, m := range members {
			names[i] = cnimpl.FlagName{Mask: m.Mask, Name: m.Name}
		}
		return cnimpl.FlagsString(bits, zero, names)
	}
	if m := wire.ValueOf(t, bits); m != nil {
		return m.Name
	}
	v := Value{Type: t, Bits: bits}
	if t.Int.Signed {
		return t.Name + "(" + strconv.FormatInt(v.Int64(), 10) + ")"
	}
	return t.Name + "(" + strconv.FormatUint(bits, 10) + ")"
}

// mask keeps the low bits of an integer of t.
func mask(t *model.Type, v uint64) uint64 {
	if t.Int.Bits == 64 {
		return v
	}
	return v & (1<<t.Int.Bits - 1)
}

// Zero returns the zero value of t, as a generated Go value starts: zero
// integers, empty text, no elements, fixed bytes all zero, a switch
// union holding no arm.
func Zero(t *model.Type) Value {
	v := Value{Type: t}
	switch t.Kind {
	case model.KindCString, model.KindUnion:
		v.Bytes = make([]byte, t.Size)
	case model.KindBytes:
		if t.Fixed() {
			v.Bytes = make([]byte, t.Size)
		}
	case model.KindStruct:
		v.Fields = make([]Value, len(t.Fields))
		for i, f := range t.Fields {
			v.Fields[i] = Zero(f.Type)
		}
	case model.KindArray:
		v.Elems = make([]Value, t.Len)
		for i := range v.Elems {
			v.Elems[i] = Zero(t.Elem)
		}
	}
	return v
}
