package cnimpl

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/cngen/cngen/runtime/cn"
)

func TestDecodeErrorText(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"short", Short("proc_event", "cpu", 4, 4, 6), "cn: decode proc_event.cpu at offset 4: short buffer: need 4 bytes, have 2"},
		{"short past the end", Short("t", "f", 8, 4, 6), "cn: decode t.f at offset 8: short buffer: need 4 bytes, have 0"},
		{"unknown", UnknownValue("proc_input", "mcast_op", 0, "McastOp(7)"), "cn: decode proc_input.mcast_op at offset 0: unknown value McastOp(7)"},
		{"bool", InvalidBool("t", "on", 3, 2), "cn: decode t.on at offset 3: invalid bool 2"},
		{"length", InvalidLength("t", "data", 2, -1), "cn: decode t.data at offset 2: invalid length -1"},
		{"nul", NoNUL("t", "s", 2, 9), "cn: decode t.s at offset 2: missing NUL terminator"},
		{"whole type", Short("u", "", 0, 4, 1), "cn: decode u at offset 0: short buffer: need 4 bytes, have 1"},
		{"encode", EncodeFail("record", "b", "KindNothing", cn.ErrUnknownValue), "cn: encode record.b: unknown value KindNothing"},
		{"encode length", EncodeLength("msg", "n", 300, cn.ErrTooLong), "cn: encode msg.n: value too long 300"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, tt.err.Error()); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
		})
	}
}

func TestNest(t *testing.T) {
	err := Short("fork_event", "child_pid", 8, 4, 10)
	err = Nest(err, "event_data", "fork", 0)
	err = Nest(err, "proc_event", "event_data", 16)
	want := cn.DecodeError{Type: "proc_event", Field: "event_data.fork.child_pid", Offset: 24, Need: 4, Have: 2, Err: cn.ErrShort}
	var got *cn.DecodeError
	if !errors.As(err, &got) {
		t.Fatalf("%v is not a cn.DecodeError", err)
	}
	if diff := cmp.Diff(want, *got, cmpopts.EquateErrors()); diff != "" {
		t.Errorf("(-want +got)\n%s", diff)
	}
	if !errors.Is(err, cn.ErrShort) {
		t.Error("not cn.ErrShort")
	}
	// A union's own error has no field: the parent's names it.
	err = Nest(UnknownValue("body", "", 0, "Op(9)"), "request", "b", 8)
	if got := err.Error(); got != "cn: decode request.b at offset 8: unknown value Op(9)" {
		t.Errorf("got %q", got)
	}
	// Foreign errors are wrapped.
	plain := errors.New("boom")
	if err := Nest(plain, "t", "f", 2); !errors.Is(err, plain) || err.Error() != "cn: decode t.f at offset 2: boom" {
		t.Errorf("got %v", err)
	}
	enc := NestEncode(NestEncode(cn.ErrNUL, "msg", "label"), "nested", "m")
	if got := enc.Error(); got != "cn: encode nested.m.label: text contains NUL" || !errors.Is(enc, cn.ErrNUL) {
		t.Errorf("got %q", got)
	}
}

func TestBuffers(t *testing.T) {
	b := []byte{1, 2, 3, 4}
	tests := []struct {
		name      string
		got, want []byte
	}{
		{"tail", Tail(b, 1), []byte{2, 3, 4}},
		{"tail at end", Tail(b, 4), []byte{}},
		{"tail past end", Tail(b, 9), []byte{}},
		{"window", Window(b, 1, 2), []byte{2, 3}},
		{"window clipped", Window(b, 3, 4), []byte{4}},
		{"window past end", Window(b, 5, 4), []byte{}},
		{"zeros", AppendZeros([]byte{9}, 2), []byte{9, 0, 0}},
		{"pad", AppendPad([]byte{9, 1, 2}, 1, 4), []byte{9, 1, 2, 0, 0}},
		{"pad aligned", AppendPad([]byte{9, 1, 2}, 1, 2), []byte{9, 1, 2}},
		{"fill", AppendFill([]byte{9, 1}, 1, 3), []byte{9, 1, 0, 0}},
		{"fill longer", AppendFill([]byte{9, 1, 2, 3}, 1, 2), []byte{9, 1, 2, 3}},
		{"bool", AppendBool(AppendBool(nil, true), false), []byte{1, 0}},
		{"cut", CutNUL([]byte("ab\x00c")), []byte("ab")},
		{"cut none", CutNUL([]byte("abc")), []byte("abc")},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, tt.got); diff != "" {
			t.Errorf("%s: (-want +got)\n%s", tt.name, diff)
		}
	}
	if got := Align(5, 4); got != 8 {
		t.Errorf("Align(5, 4) = %d", got)
	}
	if got := Align(5, 1); got != 5 {
		t.Errorf("Align(5, 1) = %d", got)
	}
	if IndexNUL([]byte("ab\x00")) != 2 || IndexNUL([]byte("ab")) != -1 {
		t.Error("IndexNUL")
	}
}

func TestText(t *testing.T) {
	if b, err := AppendString([]byte("x"), "ab"); err != nil || string(b) != "xab\x00" {
		t.Errorf("AppendString: %q %v", b, err)
	}
	if _, err := AppendString(nil, "a\x00"); !errors.Is(err, cn.ErrNUL) {
		t.Errorf("AppendString with NUL: %v", err)
	}
	if b, err := AppendText(nil, "ab"); err != nil || string(b) != "ab" {
		t.Errorf("AppendText: %q %v", b, err)
	}
	var c [4]byte
	if err := SetCString(c[:], "abc"); err != nil || c != [4]byte{'a', 'b', 'c', 0} || CStringText(c[:]) != "abc" {
		t.Errorf("SetCString: %q %v", c, err)
	}
	if err := SetCString(c[:], "abcd"); !errors.Is(err, cn.ErrTooLong) || CStringText(c[:]) != "abc" {
		t.Errorf("SetCString too long: %v, left %q", err, c)
	}
	if err := SetCString(c[:], "x"); err != nil || c != [4]byte{'x'} {
		t.Errorf("SetCString shorter: %q %v", c, err)
	}
	old := "hello"
	b := []byte("hello")
	if n := testing.AllocsPerRun(10, func() { _ = Text(old, b) }); n != 0 {
		t.Errorf("Text of unchanged bytes allocates %v", n)
	}
	if Text(old, []byte("world")) != "world" {
		t.Error("Text of new bytes")
	}
}

func TestResize(t *testing.T) {
	s := make([]int, 2, 4)
	s[0], s[1] = 1, 2
	if r := Resize(s, 3); len(r) != 3 || &r[0] != &s[0] {
		t.Errorf("Resize within capacity reallocated: %v", r)
	}
	if r := Resize(s, 6); len(r) != 6 || r[0] != 1 || r[5] != 0 {
		t.Errorf("Resize beyond capacity: %v", r)
	}
	if r := Resize([]int(nil), 0); r != nil {
		t.Errorf("Resize(nil, 0) = %v", r)
	}
}
