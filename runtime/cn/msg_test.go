package cn

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestMsgBinary(t *testing.T) {
	m := Msg{ID: ID{1, 1}, Seq: 0x01020304, Ack: 0x0a0b0c0d, Flags: 3, Data: []byte{1, 0, 0, 0, 0xff}}
	b, err := m.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	want := cnm(1, 1, -1, m.Data...)
	ne.PutUint32(want[8:], m.Seq)
	ne.PutUint32(want[12:], m.Ack)
	ne.PutUint16(want[18:], m.Flags)
	if diff := cmp.Diff(want, b); diff != "" {
		t.Errorf("MarshalBinary (-want +got):\n%s", diff)
	}
	var got Msg
	if err := got.UnmarshalBinary(b); err != nil {
		t.Fatal(err)
	}
	b[MsgHeaderLen] = 9 // the decoded Data is a copy
	if diff := cmp.Diff(m, got); diff != "" {
		t.Errorf("UnmarshalBinary (-want +got):\n%s", diff)
	}
}

func TestMsgUnmarshalBinaryErrors(t *testing.T) {
	tests := []struct {
		name string
		b    []byte
		want string
	}{
		{"short", make([]byte, 19), "malformed cn_msg at offset 0: need 20 bytes, have 19"},
		{"len past end", cnm(1, 1, 2, 1), "malformed cn_msg at offset 0: len 2 but 1 data bytes follow"},
		{"bytes after data", append(cnm(1, 1, 1, 1), 0), "malformed cn_msg at offset 21: 1 bytes after the data"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var m Msg
			err := m.UnmarshalBinary(tt.b)
			if err == nil || err.Error() != tt.want || !errors.Is(err, ErrMalformed) {
				t.Errorf("err = %v, want %q wrapping ErrMalformed", err, tt.want)
			}
		})
	}
}

func TestMsgTooLarge(t *testing.T) {
	m := Msg{Data: make([]byte, MaxDataLen+1)}
	if _, err := m.MarshalBinary(); !errors.Is(err, ErrMsgSize) {
		t.Errorf("err = %v, want ErrMsgSize", err)
	}
}

func TestReply(t *testing.T) {
	req := Msg{ID: ID{11, 1}, Seq: 5, Ack: 0xffffffff}
	r := ReplyTo(&req, []byte{1})
	if diff := cmp.Diff(Msg{ID: ID{11, 1}, Seq: 5, Ack: 0, Data: []byte{1}}, r); diff != "" {
		t.Errorf("ReplyTo (-want +got):\n%s", diff)
	}
	tests := []struct {
		name string
		m    Msg
		want bool
	}{
		{"reply", r, true},
		{"same ack", Msg{ID: req.ID, Seq: 5, Ack: req.Ack}, false},
		{"other seq", Msg{ID: req.ID, Seq: 6, Ack: 0}, false},
		{"other id", Msg{ID: ID{11, 2}, Seq: 5, Ack: 0}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := IsReply(&req, &tt.m); got != tt.want {
				t.Errorf("IsReply = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestIDString(t *testing.T) {
	if got := (ID{Idx: 1, Val: 2}).String(); got != "1:2" {
		t.Errorf("String = %q", got)
	}
}
