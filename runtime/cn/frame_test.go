package cn

import (
	"bytes"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// nl frames payload as one netlink message with nlmsg_len n (the exact
// length when n is 0), unpadded.
func nl(n uint32, payload ...[]byte) []byte {
	p := bytes.Join(payload, nil)
	if n == 0 {
		n = uint32(nlmsgHdrLen + len(p))
	}
	b := ne.AppendUint32(nil, n)
	b = ne.AppendUint16(b, nlmsgDone)
	b = ne.AppendUint16(b, 0)
	b = ne.AppendUint32(b, 7)    // nlmsg_seq: not looked at
	b = ne.AppendUint32(b, 4242) // nlmsg_pid: never trusted
	return append(b, p...)
}

// cnm encodes a cn_msg whose len field is n (len(data) when n < 0).
func cnm(idx, val uint32, n int, data ...byte) []byte {
	if n < 0 {
		n = len(data)
	}
	b := ne.AppendUint32(nil, idx)
	b = ne.AppendUint32(b, val)
	b = ne.AppendUint32(b, 1) // seq
	b = ne.AppendUint32(b, 2) // ack
	b = ne.AppendUint16(b, uint16(n))
	b = ne.AppendUint16(b, 0)
	return append(b, data...)
}

func pad(b []byte) []byte {
	for len(b)%4 != 0 {
		b = append(b, 0)
	}
	return b
}

func msg(idx, val uint32, data ...byte) Message {
	if data == nil {
		data = []byte{}
	}
	return Message{Msg: Msg{ID: ID{idx, val}, Seq: 1, Ack: 2, Data: data}}
}

func TestParseDatagram(t *testing.T) {
	big := make([]byte, MaxDataLen+1)
	tests := []struct {
		name    string
		b       []byte
		want    []Message
		wantErr string // the FrameError text; "" for none
	}{
		{name: "one", b: nl(0, cnm(11, 1, -1, 1, 2, 3)), want: []Message{msg(11, 1, 1, 2, 3)}},
		{name: "empty data", b: nl(0, cnm(11, 1, -1)), want: []Message{msg(11, 1)}},
		{
			name: "two netlink messages",
			b:    append(pad(nl(0, cnm(11, 1, -1, 9))), nl(0, cnm(11, 2, -1, 8, 7))...),
			want: []Message{msg(11, 1, 9), msg(11, 2, 8, 7)},
		},
		{
			name: "w1: cn_msgs packed in one netlink message",
			b:    nl(0, cnm(3, 1, -1, 1), cnm(3, 1, -1, 2, 3), cnm(3, 2, -1)),
			want: []Message{msg(3, 1, 1), msg(3, 1, 2, 3), msg(3, 2)},
		},
		{
			name: "nlmsg_len padded to 4, as mdlayher/netlink writes it",
			b:    pad(nl(nlmsgHdrLen+MsgHeaderLen+4, cnm(11, 1, -1, 5))),
			want: []Message{msg(11, 1, 5)},
		},
		{name: "empty datagram", b: []byte{}, wantErr: "malformed datagram at offset 0: empty"},
		{name: "short nlmsghdr", b: make([]byte, 15), wantErr: "malformed nlmsghdr at offset 0: need 16 bytes, have 15"},
		{name: "nlmsg_len below header", b: nl(15, cnm(11, 1, -1)), wantErr: "malformed nlmsghdr at offset 0: nlmsg_len 15 with 36 bytes left"},
		{name: "nlmsg_len past datagram", b: nl(37, cnm(11, 1, -1)), wantErr: "malformed nlmsghdr at offset 0: nlmsg_len 37 with 36 bytes left"},
		{name: "nlmsg_len huge", b: nl(1<<32-1, cnm(11, 1, -1)), wantErr: "malformed nlmsghdr at offset 0: nlmsg_len 4294967295 with 36 bytes left"},
		{name: "payload shorter than cn_msg", b: nl(0, make([]byte, 19)), wantErr: "malformed cn_msg at offset 16: need 20 bytes, have 19"},
		{name: "cn_msg len past payload", b: nl(0, cnm(11, 1, 4, 1, 2, 3)), wantErr: "malformed cn_msg at offset 16: len 4 but 3 data bytes follow"},
		{name: "cn_msg larger than CONNECTOR_MAX_MSG_SIZE", b: nl(0, cnm(11, 1, -1, big...)), wantErr: "malformed cn_msg at offset 16: len 16365 exceeds CONNECTOR_MAX_MSG_SIZE"},
		{
			name:    "trailing bytes after packed cn_msgs",
			b:       nl(0, cnm(11, 1, -1, 1), make([]byte, 4)),
			want:    []Message{msg(11, 1, 1)},
			wantErr: "malformed cn_msg at offset 37: need 20 bytes, have 4",
		},
		{
			name:    "garbage after a good netlink message",
			b:       append(pad(nl(0, cnm(11, 1, -1, 1))), 1, 2, 3),
			want:    []Message{msg(11, 1, 1)},
			wantErr: "malformed nlmsghdr at offset 40: need 16 bytes, have 3",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseDatagram(nil, tt.b)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("messages (-want +got):\n%s", diff)
			}
			var gotErr string
			if err != nil {
				gotErr = err.Error()
				var fe *FrameError
				if !errors.As(err, &fe) || !errors.Is(err, ErrMalformed) {
					t.Errorf("error %v is not a *FrameError wrapping ErrMalformed", err)
				}
			}
			if gotErr != tt.wantErr {
				t.Errorf("error = %q, want %q", gotErr, tt.wantErr)
			}
		})
	}
}

func TestParseDatagramAppends(t *testing.T) {
	dst := []Message{msg(1, 1)}
	got, err := ParseDatagram(dst, nl(0, cnm(11, 1, -1, 1)))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]Message{msg(1, 1), msg(11, 1, 1)}, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestParseDatagramDataCapped checks that appending to one message's Data
// cannot overwrite the next message in the buffer.
func TestParseDatagramDataCapped(t *testing.T) {
	got, err := ParseDatagram(nil, nl(0, cnm(3, 1, -1, 1), cnm(3, 2, -1, 2)))
	if err != nil {
		t.Fatal(err)
	}
	_ = append(got[0].Data, 0xff)
	if got[1].ID.Val != 2 {
		t.Errorf("append to Data overwrote the next message: %+v", got[1])
	}
}

func TestAppendNetlink(t *testing.T) {
	m1 := Msg{ID: ID{11, 1}, Seq: 1, Ack: 2, Data: []byte{1}}
	m2 := Msg{ID: ID{11, 2}, Seq: 1, Ack: 2, Flags: 0x8000, Data: []byte{2, 3}}
	b, err := AppendNetlink(nil, &m1, 4242)
	if err != nil {
		t.Fatal(err)
	}
	if want := nl(0, cnm(11, 1, -1, 1)); !bytes.Equal(b[:8], want[:8]) || ne.Uint32(b[8:]) != m1.Seq || !bytes.Equal(b[12:], want[12:]) {
		t.Errorf("AppendNetlink = % x, want % x with nlmsg_seq %d", b, want, m1.Seq)
	}
	if b, err = AppendNetlink(b, &m2, 4242); err != nil {
		t.Fatal(err)
	}
	if len(b) != 40+38 {
		t.Errorf("second message not aligned: datagram of %d bytes, want 78", len(b))
	}
	got, err := ParseDatagram(nil, b)
	if err != nil {
		t.Fatal(err)
	}
	want := []Message{{Msg: m1}, {Msg: m2}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
}

func TestAppendNetlinkTooLarge(t *testing.T) {
	m := Msg{Data: make([]byte, MaxDataLen+1)}
	b, err := AppendNetlink([]byte{1}, &m, 0)
	if !errors.Is(err, ErrMsgSize) {
		t.Errorf("err = %v, want ErrMsgSize", err)
	}
	if len(b) != 1 {
		t.Errorf("b grew to %d bytes on error", len(b))
	}
	m.Data = m.Data[:MaxDataLen]
	if _, err := AppendNetlink(nil, &m, 0); err != nil {
		t.Errorf("largest message: %v", err)
	}
}
