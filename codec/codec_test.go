package codec_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/cngen/cngen/codec"
	"github.com/cngen/cngen/dsl/check"
	"github.com/cngen/cngen/dsl/wire"
	"github.com/cngen/cngen/runtime/cn"
)

const schema = `package p
enum op : u8 { get = 1  set = 2 }
flags mode : u16 { none = 0  read = 1  write = 2  rw = 3 }
union body switch op {
    get => struct { key u32 }
    set => struct { key u32  value u64 }
}
struct req { o op  m mode  b body(o) }
struct rec { n u8  name string[n]  tags []u16 }
`

func load(t testing.TB) (*wire.Plan, *codec.Codec) {
	t.Helper()
	s, err := check.Load("p.cn", []byte(schema))
	if err != nil {
		t.Fatal(err)
	}
	p := wire.New(s)
	return p, codec.New(p)
}

func layout(t testing.TB, p *wire.Plan, name string) *wire.Layout {
	t.Helper()
	for _, l := range p.Layouts() {
		if l.Name == name {
			return l
		}
	}
	t.Fatalf("no layout %s", name)
	return nil
}

var ne = binary.NativeEndian

func TestDecodeEncode(t *testing.T) {
	p, c := load(t)
	req, rec := layout(t, p, "req"), layout(t, p, "rec")
	set := []byte{2, 0}
	set = ne.AppendUint16(set, 3)
	set = append(set, 0, 0, 0, 0) // body aligns to 8
	set = ne.AppendUint32(set, 7)
	set = append(set, 0, 0, 0, 0)
	set = ne.AppendUint64(set, 42)
	get := append([]byte{1, 0}, set[2:12]...)
	getOut := append(get[:12:12], make([]byte, 12)...)                                  // zero-filled to the union's 16
	r := append([]byte{2, 'h', 'i', 0}, ne.AppendUint16(ne.AppendUint16(nil, 1), 2)...) // tags align to 2

	tests := []struct {
		name string
		l    *wire.Layout
		in   []byte
		out  []byte // the encoding, when not in
		err  string // "" when it decodes
	}{
		{"set", req, set, nil, ""},
		{"get, shorter than the union", req, get, getOut, ""},
		{"short prefix", req, set[:3], nil, "cn: decode req.m at offset 2: short buffer: need 2 bytes, have 1"},
		{"short arm", req, set[:10], nil, "cn: decode req.b.set.key at offset 8: short buffer: need 4 bytes, have 2"},
		{"unknown selector", req, append([]byte{9}, set[1:]...), nil, "cn: decode req.o at offset 0: unknown value op(9)"},
		{"sized text and a rest", rec, r, nil, ""},
		{"text longer than the buffer", rec, []byte{5, 'h'}, nil, "cn: decode rec.name at offset 1: short buffer: need 5 bytes, have 1"},
		{"half an element", rec, append(r, 9), nil, "cn: decode rec.tags at offset 8: short buffer: need 2 bytes, have 1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v, err := c.Decode(tc.l, tc.in)
			if tc.err != "" {
				if err == nil || err.Error() != tc.err || !errors.As(err, new(*cn.DecodeError)) {
					t.Fatalf("err %v, want %s", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			out, err := c.Encode([]byte("x"), tc.l, v)
			want := tc.in
			if tc.out != nil {
				want = tc.out
			}
			if err != nil || !bytes.Equal(out, append([]byte("x"), want...)) {
				t.Errorf("encoded %x, %v; want x%x", out, err, want)
			}
		})
	}
}

func TestEncodeErrors(t *testing.T) {
	p, c := load(t)
	rec := layout(t, p, "rec")
	v, err := c.Decode(rec, []byte{1, 'a'})
	if err != nil {
		t.Fatal(err)
	}
	v.Fields[1].Text = string(bytes.Repeat([]byte{'a'}, 300))
	if out, err := c.Encode([]byte("keep"), rec, v); err == nil || err.Error() != "cn: encode rec.n: value too long 300" || string(out) != "keep" {
		t.Errorf("a length past its u8: %q, %v", out, err)
	}
	v.Fields[1].Text = "a\x00b"
	if _, err := c.Encode(nil, rec, v); !errors.Is(err, cn.ErrNUL) {
		t.Errorf("text with a NUL: %v", err)
	}
	req := layout(t, p, "req")
	zero := codec.Zero(req.Type)
	if _, err := c.Encode(nil, req, zero); err == nil ||
		err.Error() != "cn: encode req.o: unknown value op(0) (the enum declares no 0: set the field, or give the enum a value 0 in the schema)" {
		t.Errorf("the zero req: %v", err)
	}
}

func TestSpell(t *testing.T) {
	p, _ := load(t)
	op, mode := p.Schema.Types[0], p.Schema.Types[1]
	for _, tc := range []struct {
		got, want string
	}{
		{codec.Spell(op, 1), "get"}, {codec.Spell(op, 7), "op(7)"},
		{codec.Spell(mode, 3), "rw"}, {codec.Spell(mode, 0), "none"}, {codec.Spell(mode, 0x11), "read|0x10"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}

func Example() {
	s, err := check.Load("p.cn", []byte(`package p
struct fork_event { parent_pid i32  child_pid i32 }
`))
	if err != nil {
		fmt.Println(err)
		return
	}
	plan := wire.New(s)
	c := codec.New(plan)
	fork := plan.Layout(s.Types[0])
	v, err := c.Decode(fork, binary.NativeEndian.AppendUint32(binary.NativeEndian.AppendUint32(nil, 1), 1240))
	fmt.Println(v.Fields[1].Int64(), err)
	_, err = c.Decode(fork, []byte{1, 0, 0, 0, 2})
	fmt.Println(err)
	// Output:
	// 1240 <nil>
	// cn: decode fork_event.child_pid at offset 4: short buffer: need 4 bytes, have 1
}

func TestJSON(t *testing.T) {
	p, c := load(t)
	req, rec := layout(t, p, "req"), layout(t, p, "rec")
	for _, tc := range []struct {
		l    *wire.Layout
		json string
	}{
		{req, `{"o":"set","m":"rw","b":{"set":{"key":7,"value":42}}}`},
		{req, `{"o":"get","m":"read|0x10","b":{"get":{"key":1}}}`},
		{rec, `{"n":2,"name":"hi","tags":[1,2]}`},
	} {
		v, err := c.ParseJSON(tc.l, []byte(tc.json))
		if err != nil {
			t.Fatalf("%s: %v", tc.json, err)
		}
		b, err := c.Encode(nil, tc.l, v)
		if err != nil {
			t.Fatal(err)
		}
		back, err := c.Decode(tc.l, b)
		if err != nil {
			t.Fatal(err)
		}
		out := codec.JSON(back)
		want := strings.ReplaceAll(tc.json, `"read|0x10"`, "17") // a bit without a name: a number
		if string(out) != want {
			t.Errorf("round trip of %s gave %s", tc.json, out)
		}
	}
	// The selector, when left out, is the arm's case; given, it must agree.
	v, err := c.ParseJSON(req, []byte(`{"b":{"get":{"key":3}}}`))
	if err != nil || v.Fields[0].Bits != 1 {
		t.Errorf("selector from the arm: %v, %v", v.Fields[0].Bits, err)
	}
	for _, bad := range []string{
		`{"o":"set","b":{"get":{"key":3}}}`, `{"o":"nope"}`, `{"x":1}`, `{"o":300}`, `{"m":"read|zap"}`, `[1]`, `{"o":1} {}`,
	} {
		if _, err := c.ParseJSON(req, []byte(bad)); err == nil {
			t.Errorf("%s: no error", bad)
		}
	}
	if _, err := c.ParseJSON(rec, []byte(`{"name":"x","tags":["a"]}`)); err == nil || !strings.Contains(err.Error(), "rec.tags[0]") {
		t.Errorf("error path: %v", err)
	}
}
