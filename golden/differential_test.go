package golden

// The generic codec (package codec) interprets the wire plan; the
// generated code compiles it. For the same bytes both must give the same
// value, the same encoding and the same error, for every type of every
// golden and example schema: FuzzDifferential holds them to it, and
// TestDifferential runs its seeds and every prefix of a filled buffer in
// ordinary test runs.

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/cngen/cngen/codec"
	"github.com/cngen/cngen/dsl/check"
	"github.com/cngen/cngen/dsl/model"
	"github.com/cngen/cngen/dsl/wire"
	"github.com/cngen/cngen/gen"
	"github.com/cngen/cngen/runtime/cn"
)

// generic is the generic codec of one schema.
type generic struct {
	c       *codec.Codec
	layouts map[string]*wire.Layout // by Go type name
}

var (
	genericsOnce sync.Once
	generics     map[string]*generic // by package key: shapes, examples/proc
	genericsErr  error
)

// genericFor returns the generic codec of the schema behind a codecs key
// and the layout of its type.
func genericFor(t *testing.T, key string) (*codec.Codec, *wire.Layout) {
	t.Helper()
	genericsOnce.Do(loadGenerics)
	if genericsErr != nil {
		t.Fatal(genericsErr)
	}
	pkg, typ := splitKey(key)
	g := generics[pkg]
	if g == nil || g.layouts[typ] == nil {
		t.Fatalf("%s: no layout of that Go name in the schema", key)
	}
	return g.c, g.layouts[typ]
}

func splitKey(key string) (pkg, typ string) {
	i := strings.LastIndex(key, ".")
	return key[:i], key[i+1:]
}

// loadGenerics checks every schema behind the registry and names its
// layouts as the generator names their Go types.
func loadGenerics() {
	generics = map[string]*generic{}
	for key := range codecs {
		pkg, _ := splitKey(key)
		if generics[pkg] != nil {
			continue
		}
		path := filepath.Join(pkg, filepath.Base(pkg)+".cn")
		if strings.HasPrefix(pkg, "examples/") {
			path = filepath.Join("..", path)
		}
		src, err := os.ReadFile(path)
		if err != nil {
			genericsErr = err
			return
		}
		s, err := check.Load(path, src)
		if err != nil {
			genericsErr = err
			return
		}
		plan := wire.New(s)
		g := &generic{c: codec.New(plan), layouts: map[string]*wire.Layout{}}
		for _, l := range plan.Layouts() {
			if !l.Payload {
				g.layouts[goTypeName(l)] = l
			}
		}
		generics[pkg] = g
	}
}

// goTypeName is the Go name of a layout's type: its own, or for an inline
// arm struct its union's and its case's (event_data.none → EventDataNone).
func goTypeName(l *wire.Layout) string {
	var b strings.Builder
	for _, part := range strings.Split(l.Name, ".") {
		b.WriteString(gen.GoName(part))
	}
	return b.String()
}

// toValue reads a generated Go value as the generic codec's Value, by
// the model: fields by their Go names, a switch union's arm by its
// selector, as the generated encoder picks it.
func toValue(p *wire.Plan, t *model.Type, rv reflect.Value) codec.Value {
	v := codec.Value{Type: t}
	switch t.Kind {
	case model.KindInt, model.KindEnum, model.KindFlags:
		if t.Int.Signed {
			v.Bits = uint64(rv.Int())
		} else {
			v.Bits = rv.Uint()
		}
		if t.Int.Bits < 64 {
			v.Bits &= 1<<t.Int.Bits - 1
		}
	case model.KindBool:
		v.Bool = rv.Bool()
	case model.KindCString, model.KindUnion:
		v.Bytes = append([]byte{}, rv.Slice(0, rv.Len()).Bytes()...)
	case model.KindBytes:
		if t.Fixed() {
			v.Bytes = append([]byte{}, rv.Slice(0, rv.Len()).Bytes()...)
		} else {
			v.Bytes = append([]byte{}, rv.Bytes()...)
		}
	case model.KindString:
		v.Text = rv.String()
	case model.KindArray, model.KindSlice:
		v.Elems = []codec.Value{}
		for i := range rv.Len() {
			v.Elems = append(v.Elems, toValue(p, t.Elem, rv.Index(i)))
		}
	case model.KindStruct:
		v.Fields = make([]codec.Value, len(t.Fields))
		for i, f := range t.Fields {
			switch f.Type.Kind {
			case model.KindPad:
				v.Fields[i] = codec.Value{Type: f.Type}
			case model.KindSwitch:
				sel := v.Fields[indexOf(t, f.Selector)]
				v.Fields[i] = switchValue(p, f.Type, rv.FieldByName(gen.GoName(f.Name)), sel.Bits)
			default:
				v.Fields[i] = toValue(p, f.Type, rv.FieldByName(gen.GoName(f.Name)))
			}
		}
	}
	return v
}

func switchValue(p *wire.Plan, t *model.Type, rv reflect.Value, sel uint64) codec.Value {
	arm := p.Layout(t).Pick(sel)
	if arm == nil {
		return codec.Value{Type: t}
	}
	inner := toValue(p, arm.Type, rv.FieldByName(gen.GoName(arm.Name)))
	return codec.Value{Type: t, Arm: arm, Elems: []codec.Value{inner}}
}

func indexOf(t *model.Type, f *model.Field) int {
	for i, g := range t.Fields {
		if g == f {
			return i
		}
	}
	panic("no such field")
}

// valueDiff compares generic values: slices empty or nil alike, arms by
// name.
var valueDiff = []cmp.Option{
	cmpopts.EquateEmpty(),
	cmp.Comparer(func(a, b *model.Type) bool { return a == b }),
	cmp.Comparer(func(a, b *wire.Arm) bool { return a == b }),
}

// equalValues is what valueDiff says, fast: cmp walks by reflection, and
// the test compares many values.
func equalValues(a, b codec.Value) bool {
	if a.Type != b.Type || a.Bits != b.Bits || a.Bool != b.Bool || a.Text != b.Text || a.Arm != b.Arm ||
		!bytes.Equal(a.Bytes, b.Bytes) || len(a.Fields) != len(b.Fields) || len(a.Elems) != len(b.Elems) {
		return false
	}
	for i := range a.Fields {
		if !equalValues(a.Fields[i], b.Fields[i]) {
			return false
		}
	}
	for i := range a.Elems {
		if !equalValues(a.Elems[i], b.Elems[i]) {
			return false
		}
	}
	return true
}

// errorDiff compares two errors of the codecs: equal texts, and equal
// DecodeError or EncodeError fields.
func errorDiff(generated, generic error) string {
	if (generated == nil) != (generic == nil) {
		return fmt.Sprintf("generated: %v\ngeneric:   %v", generated, generic)
	}
	if generated == nil {
		return ""
	}
	if generated.Error() != generic.Error() {
		return fmt.Sprintf("generated: %v\ngeneric:   %v", generated, generic)
	}
	var d1, d2 *cn.DecodeError
	if errors.As(generated, &d1) != errors.As(generic, &d2) || (d1 != nil && *d1 != *d2) {
		return fmt.Sprintf("decode errors differ: %#v, %#v", d1, d2)
	}
	var e1, e2 *cn.EncodeError
	if errors.As(generated, &e1) != errors.As(generic, &e2) || (e1 != nil && *e1 != *e2) {
		return fmt.Sprintf("encode errors differ: %#v, %#v", e1, e2)
	}
	return ""
}

// differential decodes b as the named type both ways, and encodes both
// results; every step must agree.
func differential(t *testing.T, key string, b []byte) {
	c, l := genericFor(t, key)
	v := codecs[key]()
	gerr := v.UnmarshalBinary(b)
	gv, cerr := c.Decode(l, b)
	if d := errorDiff(gerr, cerr); d != "" {
		t.Fatalf("%s: decoding %x:\n%s", key, b, d)
	}
	if gerr != nil {
		return
	}
	want := toValue(c.Plan(), l.Type, reflect.ValueOf(v).Elem())
	if !equalValues(want, gv) {
		t.Fatalf("%s: decoding %x: values differ (-generated +generic):\n%s", key, b, cmp.Diff(want, gv, valueDiff...))
	}
	sameEncoding(t, key, c, l, v, gv, fmt.Sprintf("the value of %x", b))
	jsonRoundTrip(t, key, c, l, v)
	for _, m := range mutations {
		if !perturb(reflect.ValueOf(v).Elem(), m) {
			break
		}
		gv := toValue(c.Plan(), l.Type, reflect.ValueOf(v).Elem())
		sameEncoding(t, key, c, l, v, gv, fmt.Sprintf("the value of %x changed by %#x", b, m))
	}
}

// jsonRoundTrip holds the JSON form (what cngen decode prints and encode
// reads) to the generated code: the bytes the generated encoder makes of
// v decode, by the generic codec, to the values the generated decoder
// gives; their JSON parses back to a value that encodes to the same
// bytes. JSON keeps a cstring up to
// its NUL and text as UTF-8, so v is first made to hold only what JSON
// carries.
func jsonRoundTrip(t *testing.T, key string, c *codec.Codec, l *wire.Layout, v coder) {
	t.Helper()
	normalize(reflect.ValueOf(v).Elem())
	b, err := v.AppendBinary(nil)
	if err != nil {
		return // compared with the generic encoder's error already
	}
	gv, err := c.Decode(l, b)
	if err != nil {
		t.Fatalf("%s: the generic codec does not decode the generated encoding %x: %v", key, b, err)
	}
	w := codecs[key]()
	if err := w.UnmarshalBinary(b); err != nil {
		t.Fatalf("%s: the generated code does not decode its own encoding %x: %v", key, b, err)
	}
	if want := toValue(c.Plan(), l.Type, reflect.ValueOf(w).Elem()); !equalValues(want, gv) {
		t.Fatalf("%s: decoding %x: values differ (-generated +generic):\n%s", key, b, cmp.Diff(want, gv, valueDiff...))
	}
	text := codec.JSON(gv)
	back, err := c.ParseJSON(l, text)
	if err != nil {
		t.Fatalf("%s: the JSON of %x does not parse: %v\n%s", key, b, err, text)
	}
	out, err := c.Encode(nil, l, back)
	if err != nil || !bytes.Equal(out, b) {
		t.Fatalf("%s: JSON %s encodes to %x, %v; want %x", key, text, out, err, b)
	}
}

// normalize zeroes every cstring after its NUL and makes every cstring
// and string valid UTF-8, in place.
func normalize(rv reflect.Value) {
	switch rv.Kind() {
	case reflect.Struct:
		for i := range rv.NumField() {
			if rv.Type().Field(i).IsExported() {
				normalize(rv.Field(i))
			}
		}
	case reflect.Array:
		if strings.HasPrefix(rv.Type().Name(), "CString") {
			nul := false
			for i := range rv.Len() {
				c := rv.Index(i)
				nul = nul || c.Uint() == 0
				switch {
				case nul:
					c.SetUint(0)
				case c.Uint() >= 0x80: // not UTF-8 alone: JSON would say U+FFFD
					c.SetUint('?')
				}
			}
			return
		}
		for i := range rv.Len() {
			normalize(rv.Index(i))
		}
	case reflect.Slice:
		for i := range rv.Len() {
			normalize(rv.Index(i))
		}
	case reflect.String:
		rv.SetString(strings.ToValidUTF8(rv.String(), "\uFFFD"))
	}
}

// sameEncoding encodes the generated value v and the generic value gv of
// it: the same bytes, or the same error.
func sameEncoding(t *testing.T, key string, c *codec.Codec, l *wire.Layout, v coder, gv codec.Value, what string) {
	t.Helper()
	genc, gerr := v.AppendBinary([]byte("prefix"))
	cenc, cerr := c.Encode([]byte("prefix"), l, gv)
	if d := errorDiff(gerr, cerr); d != "" {
		t.Fatalf("%s: encoding %s:\n%s", key, what, d)
	}
	if gerr != nil {
		encodeFailures.Add(1)
	}
	if !bytes.Equal(genc, cenc) {
		t.Fatalf("%s: encoding %s:\ngenerated %x\ngeneric   %x", key, what, genc, cenc)
	}
}

// encodeFailures counts the encodings that failed alike, so that a test
// can tell that the errors were compared at all.
var encodeFailures atomic.Int64

// mutations pick and change leaves of a decoded value (see perturb), so
// that encoding errors are compared too: enum values outside their set,
// text with a NUL or too long for its length field, sized fields whose
// lengths disagree.
var mutations = []uint64{0x1, 0xff02, 0x3_0000_0003, 0xdead_0004, 0x7f05, 0x106, 0x8000_0000_0007}

// perturb changes one leaf of rv, the one m picks among them: an integer
// takes m's high bits, text gains a NUL or 300 bytes, a slice gains
// elements. It reports whether rv has a leaf to change.
func perturb(rv reflect.Value, m uint64) bool {
	var leaves []reflect.Value
	var walk func(v reflect.Value)
	walk = func(v reflect.Value) {
		switch v.Kind() {
		case reflect.Struct:
			for i := range v.NumField() {
				if v.Type().Field(i).IsExported() {
					walk(v.Field(i))
				}
			}
		case reflect.Array:
			if v.Type().Elem().Kind() != reflect.Uint8 {
				for i := range v.Len() {
					walk(v.Index(i))
				}
			}
		case reflect.Slice:
			leaves = append(leaves, v)
			for i := range v.Len() {
				walk(v.Index(i))
			}
		case reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Uint8, reflect.Uint16,
			reflect.Uint32, reflect.Uint64, reflect.String:
			leaves = append(leaves, v)
		}
	}
	walk(rv)
	if len(leaves) == 0 {
		return false
	}
	leaf := leaves[int(m%uint64(len(leaves)))]
	switch leaf.Kind() {
	case reflect.String:
		if m&0x100 != 0 {
			leaf.SetString(leaf.String() + "\x00")
		} else {
			leaf.SetString(strings.Repeat("x", 300))
		}
	case reflect.Slice:
		n := 1 + int(m>>8&0x1ff)
		leaf.Set(reflect.AppendSlice(leaf, reflect.MakeSlice(leaf.Type(), n, n)))
	case reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		leaf.SetInt(int64(m >> 8))
	default:
		leaf.SetUint(m >> 8)
	}
	return true
}

func FuzzDifferential(f *testing.F) {
	names := codecNames()
	for i, n := range names {
		if zero, err := codecs[n]().AppendBinary(nil); err == nil {
			f.Add(byte(i), zero)
		}
		f.Add(byte(i), bytes.Repeat([]byte{0xff}, 64))
		f.Add(byte(i), bytes.Repeat([]byte{1}, 40))
	}
	f.Fuzz(func(t *testing.T, pick byte, b []byte) {
		differential(t, names[int(pick)%len(names)], b)
	})
}

// TestDifferential runs every type on every prefix of a few filled
// buffers: bytes of one value (plausible lengths and selectors), and a
// counting pattern.
func TestDifferential(t *testing.T) {
	bufs := [][]byte{bytes.Repeat([]byte{1}, 300), bytes.Repeat([]byte{2, 0, 0, 0}, 300)}
	count := make([]byte, 3000)
	for i := range count {
		count[i] = byte(i*7 + 1)
	}
	bufs = append(bufs, count)
	before := encodeFailures.Load()
	for _, n := range codecNames() {
		t.Run(n, func(t *testing.T) {
			for _, buf := range bufs {
				for i := 0; i <= len(buf); i += 1 + i/64 {
					differential(t, n, buf[:i])
				}
			}
		})
	}
	if n := encodeFailures.Load() - before; n < 100 {
		t.Errorf("only %d changed values failed to encode: the encoding errors are hardly compared", n)
	}
	t.Logf("%d encodings failed alike", encodeFailures.Load()-before)
}
