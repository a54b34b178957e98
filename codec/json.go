package codec

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/big"
	"strconv"
	"strings"

	"github.com/cngen/cngen/dsl/model"
	"github.com/cngen/cngen/dsl/wire"
	"github.com/cngen/cngen/runtime/cnimpl"
)

// The JSON form of a Value, which cngen decode, encode and listen print
// and read: objects with the schema's field names as written, in order
// (pad fields left out); enum values by name, or as numbers outside their
// set; flags by name ("fork|exec"), or as a number when a bit has none;
// cstring and string as text (a cstring up to its NUL, or all its bytes
// when it fills its field; text that is not UTF-8 gets U+FFFD for its bad
// bytes, as encoding/json writes it); bytes, bytes[N]
// and plain unions as hex; a switch union as an object of one key, the
// name of its arm ("default" for the default); arrays and slices as
// arrays; integers as numbers.

// JSON writes v in its JSON form.
func JSON(v Value) []byte {
	var b bytes.Buffer
	writeJSON(&b, v)
	return b.Bytes()
}

func writeJSON(b *bytes.Buffer, v Value) {
	t := v.Type
	switch t.Kind {
	case model.KindInt:
		if t.Int.Signed {
			b.WriteString(strconv.FormatInt(v.Int64(), 10))
		} else {
			b.WriteString(strconv.FormatUint(v.Bits, 10))
		}
	case model.KindEnum, model.KindFlags:
		writeName(b, v)
	case model.KindBool:
		b.WriteString(strconv.FormatBool(v.Bool))
	case model.KindCString:
		writeString(b, string(cnimpl.CutNUL(v.Bytes)))
	case model.KindString:
		writeString(b, v.Text)
	case model.KindBytes, model.KindUnion:
		writeString(b, hex.EncodeToString(v.Bytes))
	case model.KindStruct:
		writeStruct(b, v)
	case model.KindSwitch:
		writeSwitch(b, v)
	case model.KindArray, model.KindSlice:
		b.WriteByte('[')
		for i, e := range v.Elems {
			if i > 0 {
				b.WriteByte(',')
			}
			writeJSON(b, e)
		}
		b.WriteByte(']')
	default:
		b.WriteString("null")
	}
}

// writeName writes an enum or flags value by name, or as a number when it
// has none.
func writeName(b *bytes.Buffer, v Value) {
	name := Spell(v.Type, v.Bits)
	if wire.ValueOf(v.Type, v.Bits) != nil || (v.Type.Kind == model.KindFlags && !strings.Contains(name, "0x") && name != "0") {
		writeString(b, name)
		return
	}
	if v.Type.Int.Signed {
		b.WriteString(strconv.FormatInt(v.Int64(), 10))
		return
	}
	b.WriteString(strconv.FormatUint(v.Bits, 10))
}

func writeString(b *bytes.Buffer, s string) {
	out, _ := json.Marshal(s) // a string always marshals
	b.Write(out)
}

func writeStruct(b *bytes.Buffer, v Value) {
	b.WriteByte('{')
	first := true
	for i, f := range v.Type.Fields {
		if f.Type.Kind == model.KindPad || i >= len(v.Fields) {
			continue
		}
		if !first {
			b.WriteByte(',')
		}
		first = false
		writeString(b, f.Name)
		b.WriteByte(':')
		writeJSON(b, v.Fields[i])
	}
	b.WriteByte('}')
}

func writeSwitch(b *bytes.Buffer, v Value) {
	if v.Arm == nil || len(v.Elems) == 0 {
		b.WriteString("null")
		return
	}
	b.WriteByte('{')
	writeString(b, v.Arm.Name)
	b.WriteByte(':')
	writeJSON(b, v.Elems[0])
	b.WriteByte('}')
}

// ParseJSON reads the JSON form of a value of l's type. Fields left
// out are zero; length fields may be left out (the encoder fills them);
// a switch union given by its arm needs no selector value (it is set
// from the arm's case), and one given with its selector must agree with
// it. Errors name the path of the offending value.
func (c *Codec) ParseJSON(l *wire.Layout, data []byte) (Value, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var raw any
	if err := dec.Decode(&raw); err != nil {
		return Value{}, fmt.Errorf("%s: %v", l.Name, err)
	}
	if dec.More() {
		return Value{}, fmt.Errorf("%s: more than one JSON value", l.Name)
	}
	return c.fromJSON(l.Name, l.Type, raw)
}

// fromJSON converts a decoded JSON value to a Value of t.
func (c *Codec) fromJSON(path string, t *model.Type, raw any) (Value, error) {
	switch t.Kind {
	case model.KindInt:
		return intFromJSON(path, t, raw)
	case model.KindEnum, model.KindFlags:
		return nameFromJSON(path, t, raw)
	case model.KindBool:
		bv, ok := raw.(bool)
		if !ok {
			return Value{}, typeError(path, "true or false", raw)
		}
		return Value{Type: t, Bool: bv}, nil
	case model.KindCString:
		return cstringFromJSON(path, t, raw)
	case model.KindString:
		s, ok := raw.(string)
		if !ok {
			return Value{}, typeError(path, "text", raw)
		}
		return Value{Type: t, Text: s}, nil
	case model.KindBytes, model.KindUnion:
		return bytesFromJSON(path, t, raw)
	case model.KindStruct:
		return c.structFromJSON(path, t, raw)
	case model.KindArray, model.KindSlice:
		return c.elemsFromJSON(path, t, raw)
	case model.KindPad:
		return Value{Type: t}, nil
	}
	return Value{}, fmt.Errorf("%s: a %s is read with the struct that holds it", path, t.Kind)
}

func typeError(path, want string, raw any) error {
	return fmt.Errorf("%s: want %s, not %s", path, want, jsonKind(raw))
}

func jsonKind(raw any) string {
	switch raw.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case json.Number:
		return "a number"
	case string:
		return "text"
	case []any:
		return "an array"
	}
	return "an object"
}

// intFromJSON reads an integer that fits t.
func intFromJSON(path string, t *model.Type, raw any) (Value, error) {
	n, ok := raw.(json.Number)
	if !ok {
		return Value{}, typeError(path, "a number", raw)
	}
	v, ok := new(big.Int).SetString(n.String(), 10)
	if !ok {
		return Value{}, fmt.Errorf("%s: %s is not an integer", path, n)
	}
	lo, hi := intRange(t.Int)
	if v.Cmp(lo) < 0 || v.Cmp(hi) > 0 {
		return Value{}, fmt.Errorf("%s: %s does not fit %s", path, n, t.Int.Name())
	}
	if v.Sign() < 0 {
		return Value{Type: t, Bits: mask(t, uint64(v.Int64()))}, nil
	}
	return Value{Type: t, Bits: v.Uint64()}, nil
}

func intRange(it model.IntType) (lo, hi *big.Int) {
	if it.Signed {
		lo = new(big.Int).Lsh(big.NewInt(-1), uint(it.Bits-1))
		hi = new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), uint(it.Bits-1)), big.NewInt(1))
		return lo, hi
	}
	return new(big.Int), new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), uint(it.Bits)), big.NewInt(1))
}

// nameFromJSON reads an enum or flags value: a name ("a|b" for flags) or
// a number.
func nameFromJSON(path string, t *model.Type, raw any) (Value, error) {
	if n, ok := raw.(json.Number); ok {
		v, err := intFromJSON(path, &model.Type{Kind: model.KindInt, Int: t.Int}, n)
		return Value{Type: t, Bits: v.Bits}, err
	}
	s, ok := raw.(string)
	if !ok {
		return Value{}, typeError(path, "a value name or a number", raw)
	}
	var bits uint64
	for _, part := range strings.Split(s, "|") {
		if m := valueNamed(t, part); m != nil && (t.Kind == model.KindFlags || !strings.Contains(s, "|")) {
			bits |= wire.Value(t, m)
			continue
		}
		if t.Kind == model.KindFlags {
			if x, err := strconv.ParseUint(part, 0, t.Int.Bits); err == nil {
				bits |= x
				continue
			}
		}
		return Value{}, fmt.Errorf("%s: %q is not a value of %s", path, part, t.Name)
	}
	return Value{Type: t, Bits: bits}, nil
}

func valueNamed(t *model.Type, name string) *model.Value {
	for _, v := range t.Values {
		if v.Name == name {
			return v
		}
	}
	return nil
}

func cstringFromJSON(path string, t *model.Type, raw any) (Value, error) {
	s, ok := raw.(string)
	if !ok {
		return Value{}, typeError(path, "text", raw)
	}
	// Up to N bytes: a cstring that fills its field has no NUL, and
	// decodes so too.
	if len(s) > t.Size || strings.IndexByte(s, 0) >= 0 {
		return Value{}, fmt.Errorf("%s: %q does not fit cstring[%d], or holds a NUL", path, s, t.Size)
	}
	b := make([]byte, t.Size)
	copy(b, s)
	return Value{Type: t, Bytes: b}, nil
}

// bytesFromJSON reads hex; a fixed block must have its size.
func bytesFromJSON(path string, t *model.Type, raw any) (Value, error) {
	s, ok := raw.(string)
	if !ok {
		return Value{}, typeError(path, "hex text", raw)
	}
	b, err := hex.DecodeString(s)
	if err != nil {
		return Value{}, fmt.Errorf("%s: %v", path, err)
	}
	if t.Fixed() && len(b) != t.Size {
		return Value{}, fmt.Errorf("%s: %d bytes, want %d", path, len(b), t.Size)
	}
	return Value{Type: t, Bytes: b}, nil
}

func (c *Codec) elemsFromJSON(path string, t *model.Type, raw any) (Value, error) {
	list, ok := raw.([]any)
	if !ok {
		return Value{}, typeError(path, "an array", raw)
	}
	if t.Kind == model.KindArray && len(list) != t.Len {
		return Value{}, fmt.Errorf("%s: %d elements, want %d", path, len(list), t.Len)
	}
	v := Value{Type: t, Elems: []Value{}}
	for i, r := range list {
		e, err := c.fromJSON(fmt.Sprintf("%s[%d]", path, i), t.Elem, r)
		if err != nil {
			return Value{}, err
		}
		v.Elems = append(v.Elems, e)
	}
	return v, nil
}

// structFromJSON reads an object by field name: every key must be a
// field; a missing field is zero, and a switch union's selector, when
// missing, is its arm's case.
func (c *Codec) structFromJSON(path string, t *model.Type, raw any) (Value, error) {
	obj, ok := raw.(map[string]any)
	if !ok {
		return Value{}, typeError(path, "an object", raw)
	}
	v := Zero(t)
	index := map[string]int{}
	for i, f := range t.Fields {
		index[f.Name] = i
	}
	for key := range obj {
		if _, ok := index[key]; !ok {
			return Value{}, fmt.Errorf("%s: %s has no field %s", path, t.String(), key)
		}
	}
	for i, f := range t.Fields {
		r, given := obj[f.Name]
		if !given {
			continue
		}
		var err error
		if f.Type.Kind == model.KindSwitch {
			err = c.switchFromJSON(path+"."+f.Name, f, t, &v, r, obj)
		} else {
			v.Fields[i], err = c.fromJSON(path+"."+f.Name, f.Type, r)
		}
		if err != nil {
			return Value{}, err
		}
	}
	return v, nil
}

// switchFromJSON reads a switch union given as {"arm": value} into v's
// field f, and sets or checks its selector.
func (c *Codec) switchFromJSON(path string, f *model.Field, t *model.Type, v *Value, raw any, obj map[string]any) error {
	arms, ok := raw.(map[string]any)
	if !ok || len(arms) != 1 {
		return fmt.Errorf("%s: want an object of one key, the arm", path)
	}
	l := c.plan.Layout(f.Type)
	for name, r := range arms {
		arm := armNamed(l, name)
		if arm == nil {
			return fmt.Errorf("%s: %s has no arm %s", path, f.Type.Name, name)
		}
		inner, err := c.fromJSON(path+"."+name, arm.Type, r)
		if err != nil {
			return err
		}
		sel := indexOf(t, f.Selector)
		if err := setSelector(path, l, arm, &v.Fields[sel], obj[f.Selector.Name] != nil); err != nil {
			return err
		}
		v.Fields[indexOf(t, f)] = Value{Type: f.Type, Arm: arm, Elems: []Value{inner}}
	}
	return nil
}

func armNamed(l *wire.Layout, name string) *wire.Arm {
	for _, a := range l.Arms {
		if a.Name == name {
			return a
		}
	}
	return nil
}

// setSelector sets a selector left out of the JSON to the arm's case, or
// checks that a given one picks the arm.
func setSelector(path string, l *wire.Layout, arm *wire.Arm, sel *Value, given bool) error {
	if !given {
		if arm.Variant.Case == nil {
			return fmt.Errorf("%s: the default arm needs its selector's value", path)
		}
		sel.Bits = wire.Value(l.Type.Selector, arm.Variant.Case)
		return nil
	}
	if l.Pick(sel.Bits) != arm {
		return fmt.Errorf("%s: the selector %s picks another arm than %s", path, Spell(l.Type.Selector, sel.Bits), arm.Name)
	}
	return nil
}

func indexOf(t *model.Type, f *model.Field) int {
	for i, g := range t.Fields {
		if g == f {
			return i
		}
	}
	return -1
}
