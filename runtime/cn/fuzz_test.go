package cn

import (
	"bytes"
	"errors"
	"testing"
	"unsafe"

	"github.com/google/go-cmp/cmp"
)

// FuzzParseDatagram checks that no datagram makes the parser panic or
// hand out bytes from outside the datagram or more than a cn_msg holds,
// that every fault is a *FrameError wrapping ErrMalformed (which Serve
// survives) at an offset inside the datagram, and that what parses
// survives a round trip through AppendNetlink.
func FuzzParseDatagram(f *testing.F) {
	f.Add(nl(0, cnm(11, 1, -1, 1, 2, 3)))
	f.Add(append(pad(nl(0, cnm(11, 1, -1, 9))), nl(0, cnm(11, 2, -1, 8, 7))...))
	f.Add(nl(0, cnm(3, 1, -1, 1), cnm(3, 1, -1, 2, 3), cnm(3, 2, -1)))
	f.Add(pad(nl(nlmsgHdrLen+MsgHeaderLen+4, cnm(11, 1, -1, 5))))
	f.Add(nl(0, cnm(1, 1, -1, make([]byte, 40)...)))
	f.Add(nl(37, cnm(11, 1, -1)))
	f.Add(nl(0, cnm(11, 1, 4, 1, 2, 3)))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		msgs, err := ParseDatagram(nil, b)
		var fe *FrameError
		if err != nil && (!errors.As(err, &fe) || !errors.Is(err, ErrMalformed)) {
			t.Fatalf("error %v is not a *FrameError wrapping ErrMalformed", err)
		}
		if fe != nil && (fe.Offset < 0 || fe.Offset > len(b)) {
			t.Fatalf("fault at offset %d of a %d-byte datagram", fe.Offset, len(b))
		}
		lo := uintptr(unsafe.Pointer(unsafe.SliceData(b)))
		for _, m := range msgs {
			if len(m.Data) > MaxDataLen {
				t.Fatalf("%v carries %d bytes, more than a cn_msg holds", m.ID, len(m.Data))
			}
			if len(m.Data) == 0 {
				continue
			}
			p := uintptr(unsafe.Pointer(&m.Data[0]))
			if p < lo || p+uintptr(len(m.Data)) > lo+uintptr(len(b)) {
				t.Fatalf("Data of %v lies outside the datagram", m.ID)
			}
		}
		if err != nil {
			return
		}
		var out []byte
		for i := range msgs {
			if out, err = AppendNetlink(out, &msgs[i].Msg, 0); err != nil {
				t.Fatalf("re-encoding a parsed message: %v", err)
			}
		}
		again, err := ParseDatagram(nil, out)
		if err != nil {
			t.Fatalf("re-encoded datagram does not parse: %v\n% x", err, out)
		}
		if diff := cmp.Diff(msgs, again, cmp.Comparer(bytes.Equal)); diff != "" {
			t.Fatalf("round trip (-first +second):\n%s", diff)
		}
	})
}
