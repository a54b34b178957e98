package shapes

// Tests of the code cngen generates from shapes.cn.

import (
	"bytes"
	"encoding"
	"encoding/binary"
	"errors"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/cngen/cngen/runtime/cn"
)

var ne = binary.NativeEndian

// codec is what every generated struct is.
type codec interface {
	Size() int
	encoding.BinaryAppender
	encoding.BinaryMarshaler
	encoding.BinaryUnmarshaler
}

func mustCString8(s string) (c CString8) {
	if err := c.Set(s); err != nil {
		panic(err)
	}
	return c
}

func fixedValue() *Fixed {
	return &Fixed{
		C: ColorBlue, Big: 1 << 60, Flag: true, B16: 0x1234, L32: -2, P: PermRead | PermExec,
		Name: mustCString8("eth0"), Raw: [3]byte{1, 2, 3},
		Pts: [2]Point{{1, 2}, {-3, -4}}, Nums: [3]uint16{7, 8, 9}, Lv: LevelLow, O: OptB, Tag: [4]uint8{9, 8, 7, 6},
	}
}

func msgValue() *Msg {
	return &Msg{
		Hdr: 0xbeef, N: 2, Items: []Point{{1, 1}, {2, 2}}, Dlen: 3, Data: []byte("abc"), More: []byte("xyz"),
		Slen: 5, Label: "hello", After: 42, Tail: []uint16{1, 2, 3},
	}
}

// values are non-zero values of every struct, as they decode: length
// fields hold the lengths the encoder writes.
func values() map[string]codec {
	var holder Holder
	holder.U.SetPt(Point{5, 6})
	holder.After = 9
	var text CString12
	text.Set("hi there")
	return map[string]codec{
		"fixed":   fixedValue(),
		"tight":   &Tight{A: 1, B: 2, C: 3},
		"aligned": &Aligned{A: 1, B: 0xdeadbeef},
		"holder":  &holder,
		"num":     &Record{K: KindNum, B: Body{Num: BodyNum{V: 77}}, Trailer: 5},
		"text":    &Record{K: KindText, B: Body{Text: text}, Trailer: 6},
		"pair":    &Record{K: KindPair, B: Body{Pair: Point{-1, 1}}, Trailer: 7},
		"boxed": &Boxed{Tag: 1, Small: [2]int8{-1, 2}, R: Record{K: KindText, B: Body{Text: text}, Trailer: 8},
			Rs: [2]Record{{K: KindNum, B: Body{Num: BodyNum{V: 9}}, Trailer: 10}, {K: KindPair, B: Body{Pair: Point{3, -3}}}}},
		"msg":     msgValue(),
		"words":   &Words{Count: 2, List: []Word{{Len: 2, Text: []byte("ab")}, {Len: 0}, {Len: 1, Text: []byte("c")}}},
		"strs":    &Strs{N: 3, Rest: []string{"a", "", "bcd"}},
		"onestr":  &OneStr{ID: 4, S: "tail text"},
		"nested":  &Nested{M: *msgValue()},
		"rest":    &Bytesrest{A: 1, Data: []byte{9, 9, 9}},
		"envnum":  &Env{K: KindNum, T: Tagged{Num: 12}},
		"envtext": &Env{K: KindText, T: Tagged{Text: "some text"}},
		"envpair": &Env{K: KindPair},
		"envdflt": &Env{K: KindNothing, T: Tagged{Default: []byte{1, 2, 3, 4, 5, 6, 7}}},
	}
}

func TestRoundTrip(t *testing.T) {
	for name, v := range values() {
		t.Run(name, func(t *testing.T) {
			b, err := v.MarshalBinary()
			if err != nil {
				t.Fatal(err)
			}
			if len(b) != v.Size() {
				t.Errorf("encoded %d bytes, Size %d", len(b), v.Size())
			}
			got := reflect.New(reflect.TypeOf(v).Elem()).Interface().(codec)
			if err := got.UnmarshalBinary(b); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, v) {
				t.Errorf("decoded\n %+v\nwant\n %+v", got, v)
			}
			// Decoding into the used value again changes nothing.
			if err := got.UnmarshalBinary(b); err != nil || !reflect.DeepEqual(got, v) {
				t.Errorf("second decode: %v, %+v", err, got)
			}
			// Longer buffers are accepted, unless the type takes the rest.
			if err := got.UnmarshalBinary(append(b, 0, 0, 0, 0, 0, 0, 0, 0)); err != nil {
				t.Errorf("longer buffer: %v", err)
			}
		})
	}
}

func TestLayout(t *testing.T) {
	tests := []struct {
		name string
		v    codec
		want func() []byte
	}{
		{"packed", &Tight{A: 1, B: 2, C: 3}, func() []byte {
			b := make([]byte, 11)
			b[0] = 1
			ne.PutUint64(b[1:], 2)
			ne.PutUint16(b[9:], 3)
			return b
		}},
		{"aligned", &Aligned{A: 1, B: 0xdeadbeef}, func() []byte {
			b := make([]byte, 16)
			b[0] = 1
			ne.PutUint32(b[8:], 0xdeadbeef)
			return b
		}},
		{"fixed", fixedValue(), func() []byte {
			b := make([]byte, 72)
			b[0] = 3
			ne.PutUint64(b[8:], 1<<60)
			b[16] = 1
			binary.BigEndian.PutUint16(b[18:], 0x1234)
			binary.LittleEndian.PutUint32(b[20:], 0xfffffffe)
			ne.PutUint16(b[24:], 5)
			copy(b[26:], "eth0")
			copy(b[34:], []byte{1, 2, 3})
			for i, v := range []int32{1, 2, -3, -4} {
				ne.PutUint32(b[40+4*i:], uint32(v))
			}
			for i, v := range []uint16{7, 8, 9} {
				ne.PutUint16(b[56+2*i:], v)
			}
			binary.BigEndian.PutUint16(b[62:], 0xffff)
			binary.LittleEndian.PutUint32(b[64:], 0x100)
			copy(b[68:], []byte{9, 8, 7, 6})
			return b
		}},
		{"msg", msgValue(), func() []byte {
			var b []byte
			b = ne.AppendUint16(b, 0xbeef)
			b = append(b, 2, 0)
			for _, v := range []uint32{1, 1, 2, 2} {
				b = ne.AppendUint32(b, v)
			}
			b = ne.AppendUint16(b, 3)
			b = append(b, "abcxyz"...) // slen at 28 is aligned
			b = ne.AppendUint32(b, 5)
			b = append(b, "hello"...)
			b = append(b, 0, 0, 0) // align after to 4
			b = ne.AppendUint32(b, 42)
			for _, v := range []uint16{1, 2, 3} {
				b = ne.AppendUint16(b, v)
			}
			return b
		}},
		{"nested switches", values()["boxed"], func() []byte {
			b := make([]byte, 104)
			b[0], b[1], b[2] = 1, 0xff, 2
			ne.PutUint32(b[8:], uint32(KindText)) // r
			copy(b[16:], "hi there")
			ne.PutUint32(b[32:], 8)
			ne.PutUint32(b[40:], uint32(KindNum)) // rs[0]
			ne.PutUint64(b[48:], 9)
			ne.PutUint32(b[64:], 10)
			ne.PutUint32(b[72:], uint32(KindPair)) // rs[1]
			ne.PutUint32(b[80:], 3)
			ne.PutUint32(b[84:], 0xfffffffd)
			return b
		}},
		{"union tail zeroed", &Record{K: KindPair, B: Body{Pair: Point{1, 2}}, Trailer: 3}, func() []byte {
			b := make([]byte, 32)
			ne.PutUint32(b, 3)
			ne.PutUint32(b[8:], 1)
			ne.PutUint32(b[12:], 2)
			ne.PutUint32(b[24:], 3)
			return b
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.v.AppendBinary(bytes.Repeat([]byte{0xee}, 128)[:0])
			if err != nil {
				t.Fatal(err)
			}
			if want := tt.want(); !bytes.Equal(got, want) {
				t.Errorf("encoding\n got %x\nwant %x", got, want)
			}
		})
	}
}

func TestSizes(t *testing.T) {
	fixed := map[string]struct {
		v    codec
		size int
	}{
		"point": {&Point{}, 8}, "fixed": {&Fixed{C: ColorRed, Lv: LevelMid}, 72},
		"tight": {&Tight{}, 11}, "aligned": {&Aligned{}, 16}, "holder": {&Holder{}, 16},
		"record": {&Record{K: KindNum}, 32}, "union": {&NumOrPt{}, 8},
		"boxed": {&Boxed{R: Record{K: KindNum}, Rs: [2]Record{{K: KindNum}, {K: KindNum}}}, 104},
	}
	for name, f := range fixed {
		b, err := f.v.MarshalBinary()
		if err != nil || len(b) != f.size || f.v.Size() != f.size {
			t.Errorf("%s: encoded %d bytes (%v), Size %d, const %d", name, len(b), err, f.v.Size(), f.size)
		}
	}
}

func wantDecodeError(t *testing.T, err error, sentinel error, path string, off int) {
	t.Helper()
	var de *cn.DecodeError
	if !errors.As(err, &de) || !errors.Is(err, sentinel) {
		t.Fatalf("err %v, want a DecodeError wrapping %v", err, sentinel)
	}
	if got := de.Type + "." + de.Field; got != path || de.Offset != off {
		t.Errorf("%v: at %s offset %d, want %s offset %d", err, got, de.Offset, path, off)
	}
}

func wantEncodeError(t *testing.T, err error, sentinel error, path string) {
	t.Helper()
	var ee *cn.EncodeError
	if !errors.As(err, &ee) || !errors.Is(err, sentinel) {
		t.Fatalf("err %v, want an EncodeError wrapping %v", err, sentinel)
	}
	if got := ee.Type + "." + ee.Field; got != path {
		t.Errorf("%v: at %s, want %s", err, got, path)
	}
}

func TestDecodeErrors(t *testing.T) {
	full, _ := fixedValue().MarshalBinary()
	var f Fixed
	bad := bytes.Clone(full)
	bad[0] = 9
	wantDecodeError(t, f.UnmarshalBinary(bad), cn.ErrUnknownValue, "fixed.c", 0)
	if err := f.UnmarshalBinary(bad); !strings.Contains(err.Error(), "color(9)") {
		t.Errorf("%v does not name the value", err)
	}
	bad = bytes.Clone(full)
	bad[16] = 2
	wantDecodeError(t, f.UnmarshalBinary(bad), cn.ErrInvalidBool, "fixed.flag", 16)
	bad = bytes.Clone(full)
	bad[62], bad[63] = 0, 7
	wantDecodeError(t, f.UnmarshalBinary(bad), cn.ErrUnknownValue, "fixed.lv", 62)

	wantDecodeError(t, f.UnmarshalBinary(full[:30]), cn.ErrShort, "fixed.name", 26)
	wantDecodeError(t, f.UnmarshalBinary(full[:45]), cn.ErrShort, "fixed.pts", 40)
	wantDecodeError(t, f.UnmarshalBinary(full[:71]), cn.ErrShort, "fixed.tag", 68)

	// A selector without a case and no default.
	rec, _ := (&Record{K: KindPair}).MarshalBinary()
	ne.PutUint32(rec, uint32(KindNothing))
	var r Record
	err := r.UnmarshalBinary(rec)
	wantDecodeError(t, err, cn.ErrUnknownValue, "record.b", 8)
	if !strings.Contains(err.Error(), "nothing") {
		t.Errorf("%v does not name the value", err)
	}
	// The error names the field inside the selected variant.
	rec, _ = (&Record{K: KindPair}).MarshalBinary()
	wantDecodeError(t, r.UnmarshalBinary(rec[:10]), cn.ErrShort, "record.b.pair.x", 8)
	wantDecodeError(t, r.UnmarshalBinary(rec[:27]), cn.ErrShort, "record.trailer", 24)

	m, _ := msgValue().MarshalBinary()
	var msg Msg
	wantDecodeError(t, msg.UnmarshalBinary(m[:10]), cn.ErrShort, "msg.items", 4)
	wantDecodeError(t, msg.UnmarshalBinary(m[:23]), cn.ErrShort, "msg.data", 22)
	wantDecodeError(t, msg.UnmarshalBinary(m[:26]), cn.ErrShort, "msg.more", 25)
	wantDecodeError(t, msg.UnmarshalBinary(m[:34]), cn.ErrShort, "msg.label", 32)
	wantDecodeError(t, msg.UnmarshalBinary(m[:len(m)-1]), cn.ErrShort, "msg.tail", len(m)-2)
	var nested Nested
	wantDecodeError(t, nested.UnmarshalBinary(m[:34]), cn.ErrShort, "nested.m.label", 32)

	var s Strs
	wantDecodeError(t, s.UnmarshalBinary([]byte{1, 'a', 0, 'b'}), cn.ErrNoNUL, "strs.rest", 3)
	var w Words
	wantDecodeError(t, w.UnmarshalBinary([]byte{1, 0, 0, 0, 2, 'a', 'b', 5, 'c'}), cn.ErrShort, "words.list.text", 8)
}

func TestEncodeErrors(t *testing.T) {
	_, err := (&Record{K: KindNothing}).MarshalBinary()
	wantEncodeError(t, err, cn.ErrUnknownValue, "record.b")
	if !strings.Contains(err.Error(), "nothing") {
		t.Errorf("%v does not name the value", err)
	}
	_, err = (&Record{K: 99}).MarshalBinary()
	wantEncodeError(t, err, cn.ErrUnknownValue, "record.k")

	m := msgValue()
	m.More = []byte("toolong")
	_, err = m.MarshalBinary()
	wantEncodeError(t, err, cn.ErrLengthMismatch, "msg.more")
	m = msgValue()
	m.Items = make([]Point, 256)
	_, err = m.MarshalBinary()
	wantEncodeError(t, err, cn.ErrTooLong, "msg.n")
	m = msgValue()
	m.Label = "a\x00b"
	_, err = m.MarshalBinary()
	wantEncodeError(t, err, cn.ErrNUL, "msg.label")
	_, err = (&Nested{M: *m}).MarshalBinary()
	wantEncodeError(t, err, cn.ErrNUL, "nested.m.label")

	buf := []byte("keep")
	out, err := (&Fixed{C: 0}).AppendBinary(buf)
	wantEncodeError(t, err, cn.ErrUnknownValue, "fixed.c")
	if string(out) != "keep" {
		t.Errorf("a failed append returned %q", out)
	}

	// Errors inside nested records stored in line name the whole path.
	bx := values()["boxed"].(*Boxed)
	bx.R.K = 99
	_, err = bx.MarshalBinary()
	wantEncodeError(t, err, cn.ErrUnknownValue, "boxed.r.k")
	bx = values()["boxed"].(*Boxed)
	bx.Rs[1].K = KindNothing
	out, err = bx.AppendBinary(dirty("keep", 200))
	wantEncodeError(t, err, cn.ErrUnknownValue, "boxed.rs.b")
	if string(out) != "keep" {
		t.Errorf("a failed append returned %q", out)
	}
	// A selector with no arm and no default: the union field is named.
	_, err = (&Record{K: KindNothing}).MarshalBinary()
	wantEncodeError(t, err, cn.ErrUnknownValue, "record.b")
	env := &Env{K: KindText, T: Tagged{Text: "a\x00b"}}
	out, err = env.AppendBinary(dirty("keep", 64))
	wantEncodeError(t, err, cn.ErrNUL, "env.t.text")
	if string(out) != "keep" {
		t.Errorf("a failed append returned %q", out)
	}
}

// dirty returns prefix with n bytes of spare capacity holding 0xa5: what
// an encoder appending to a reused buffer finds there.
func dirty(prefix string, n int) []byte {
	b := append(make([]byte, 0, len(prefix)+n), prefix...)
	spare := b[len(b):cap(b)]
	for i := range spare {
		spare[i] = 0xa5
	}
	return b
}

// TestEncodeDirtyBuffer appends every value to a reused buffer whose
// spare capacity holds garbage: padding, gaps and zero fills must come
// out zero all the same, and the bytes before are kept.
func TestEncodeDirtyBuffer(t *testing.T) {
	vals := values()
	// Default variants shorter and longer than the union, and switch
	// unions alone.
	vals["envshort"] = &Env{K: KindNothing, T: Tagged{Default: []byte{7}}}
	vals["envlong"] = &Env{K: KindNothing, T: Tagged{Default: bytes.Repeat([]byte{7}, 40)}}
	for name, v := range vals {
		t.Run(name, func(t *testing.T) {
			clean, err := v.AppendBinary(nil)
			if err != nil {
				t.Fatal(err)
			}
			for _, spare := range []int{0, len(clean) - 1, len(clean), len(clean) + 64} {
				got, err := v.AppendBinary(dirty("keep", max(spare, 0)))
				if err != nil {
					t.Fatal(err)
				}
				if want := append([]byte("keep"), clean...); !bytes.Equal(got, want) {
					t.Errorf("spare %d:\n got %x\nwant %x", spare, got, want)
				}
			}
		})
	}
	for _, k := range []Kind{KindNum, KindText, KindPair, KindNothing} {
		env := &Env{K: k, T: Tagged{Num: 5, Text: "t", Default: []byte{1, 2}}}
		clean, err := env.AppendBinary(nil)
		if err != nil {
			t.Fatal(err)
		}
		got, err := env.AppendBinary(dirty("keep", 64))
		if err != nil || !bytes.Equal(got, append([]byte("keep"), clean...)) {
			t.Errorf("tagged %v: got %x, %v; want keep+%x", k, got, err, clean)
		}
		if k == KindNothing {
			continue
		}
		rec := &Record{K: k, B: Body{Num: BodyNum{V: 1}, Pair: Point{2, 3}}}
		clean, err = rec.AppendBinary(nil)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := rec.AppendBinary(dirty("keep", 64)); err != nil || !bytes.Equal(got, append([]byte("keep"), clean...)) {
			t.Errorf("body %v: got %x, %v; want keep+%x", k, got, err, clean)
		}
	}
}

func TestLengthFieldsFilled(t *testing.T) {
	m := msgValue()
	m.N, m.Dlen, m.Slen = 0, 0, 0 // the encoder fills them
	b, err := m.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	var got Msg
	if err := got.UnmarshalBinary(b); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(&got, msgValue()) {
		t.Errorf("got %+v", got)
	}
}

func TestStringFieldCutsNUL(t *testing.T) {
	m, _ := msgValue().MarshalBinary()
	// A peer that counts the NUL in slen: "hell\0".
	m[36] = 0
	var got Msg
	if err := got.UnmarshalBinary(m); err != nil || got.Label != "hell" {
		t.Errorf("label %q, %v", got.Label, err)
	}
}

func TestDefaultVariant(t *testing.T) {
	b := make([]byte, 8, 20)
	ne.PutUint32(b, uint32(KindNothing))
	b = append(b, 1, 2, 3, 4, 5, 6)
	var e Env
	if err := e.UnmarshalBinary(b); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(e.T.Default, []byte{1, 2, 3, 4, 5, 6}) {
		t.Errorf("default %x", e.T.Default)
	}
	out, err := e.MarshalBinary()
	if err != nil || len(out) != 14 || !bytes.Equal(out, b) {
		t.Errorf("re-encoded %x, %v; want %x", out, err, b)
	}
	// Shorter than the union: zero filled to its size.
	e.T.Default = []byte{1}
	out, _ = e.MarshalBinary()
	if len(out) != 12 || out[9] != 0 {
		t.Errorf("short default encoded as %x", out)
	}
}

func TestPlainUnion(t *testing.T) {
	var u NumOrPt
	u.SetN(0x0102030405060708)
	if u.N() != 0x0102030405060708 {
		t.Errorf("N %x", u.N())
	}
	u.SetPt(Point{3, 4})
	if p := u.Pt(); p != (Point{3, 4}) {
		t.Errorf("Pt %v", p)
	}
	u.SetOn(true)
	if on, err := u.On(); err != nil || !on || u[1] != 0 || u[7] != 0 {
		t.Errorf("On %v %v %x", on, err, u)
	}
	if err := u.SetC(Color(7)); !errors.Is(err, cn.ErrUnknownValue) {
		t.Errorf("SetC(7): %v", err)
	}
	u[0] = 7
	if _, err := u.C(); !errors.Is(err, cn.ErrUnknownValue) {
		t.Errorf("C of 7: %v", err)
	}
	var s CString6
	s.Set("abc")
	u.SetS(s)
	if u.S().String() != "abc" {
		t.Errorf("S %q", u.S())
	}
}

func TestStrings(t *testing.T) {
	tests := []struct{ got, want string }{
		{(PermRead | PermWrite).String(), "rw"},
		{(PermRead | PermWrite | PermExec).String(), "rw|exec"},
		{Perm(0).String(), "0"},
		{(PermExec | 0x8000).String(), "exec|0x8000"},
		{LevelLow.String(), "low"},
		{Level(-7).String(), "level(-7)"},
		{Opt(0x101).String(), "a|b"},
		{Color(0).String(), "color(0)"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}

func TestConsts(t *testing.T) {
	if Magic != 0xfeedface || Neg != -5 || Small != 3 || ShapesIdx != 0x123 || ShapesGroup != 7 || ShapesPingVal != 1 {
		t.Error("constants differ from the schema")
	}
}

func decoders() []interface{ UnmarshalBinary([]byte) error } {
	return []interface{ UnmarshalBinary([]byte) error }{
		new(Fixed), new(Tight), new(Aligned), new(Holder), new(NumOrPt), new(Record), new(Msg), new(Word),
		new(Words), new(Strs), new(OneStr), new(Nested), new(Bytesrest), new(Env),
		new(Point), new(Boxed),
	}
}

func TestNoPanic(t *testing.T) {
	var inputs [][]byte
	for _, v := range values() {
		b, _ := v.MarshalBinary()
		inputs = append(inputs, b)
	}
	r := rand.New(rand.NewPCG(3, 4))
	for range 2000 {
		b := make([]byte, r.IntN(80))
		for i := range b {
			b[i] = byte(r.Uint32() & 0x1f) // small bytes make plausible lengths
		}
		inputs = append(inputs, b)
	}
	for _, full := range inputs {
		for n := range len(full) + 1 {
			for _, d := range decoders() {
				_ = d.UnmarshalBinary(full[:n:n])
			}
		}
	}
}

func TestDecodeAllocs(t *testing.T) {
	for name, v := range values() {
		b, _ := v.MarshalBinary()
		got := reflect.New(reflect.TypeOf(v).Elem()).Interface().(codec)
		if err := got.UnmarshalBinary(b); err != nil {
			t.Fatal(err)
		}
		if n := testing.AllocsPerRun(50, func() { _ = got.UnmarshalBinary(b) }); n != 0 {
			t.Errorf("%s: %v allocs per decode into a reused value", name, n)
		}
	}
}
