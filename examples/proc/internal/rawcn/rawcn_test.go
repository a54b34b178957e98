package rawcn

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// nlmsg builds a netlink message by hand: header with nlmsg_len = 16 +
// len(payload) (or length when non-zero) and the payload, unpadded.
func nlmsg(typ uint16, length uint32, payload ...byte) []byte {
	if length == 0 {
		length = uint32(nlmsgHdrLen + len(payload))
	}
	b := ne.AppendUint32(nil, length)
	b = ne.AppendUint16(b, typ)
	b = ne.AppendUint16(b, 0)
	b = ne.AppendUint32(b, 7)    // nlmsg_seq
	b = ne.AppendUint32(b, 1234) // nlmsg_pid: spoofable, ignored
	return append(b, payload...)
}

// cnmsg builds a cn_msg by hand; length overrides cn_msg.len when >= 0.
func cnmsg(idx, val, seq, ack uint32, length int, data ...byte) []byte {
	if length < 0 {
		length = len(data)
	}
	b := ne.AppendUint32(nil, idx)
	b = ne.AppendUint32(b, val)
	b = ne.AppendUint32(b, seq)
	b = ne.AppendUint32(b, ack)
	b = ne.AppendUint16(b, uint16(length))
	b = ne.AppendUint16(b, 0)
	return append(b, data...)
}

func cat(parts ...[]byte) []byte {
	var b []byte
	for _, p := range parts {
		b = append(b, p...)
	}
	return b
}

func TestParse(t *testing.T) {
	one := cnmsg(1, 1, 5, 0, -1, 1, 2, 3)
	two := cnmsg(3, 4, 6, 9, -1, 4)
	big := make([]byte, MaxMsgSize+1)
	tests := []struct {
		name    string
		in      []byte
		want    []Msg
		wantErr string // FrameError.Field; "" for none
	}{
		{name: "empty", in: nil},
		{
			name: "one",
			in:   nlmsg(nlmsgDone, 0, one...),
			want: []Msg{{Idx: 1, Val: 1, Seq: 5, Data: []byte{1, 2, 3}}},
		},
		{
			name: "two nlmsgs, padded between",
			in:   cat(nlmsg(nlmsgDone, 0, one...), []byte{0}, nlmsg(nlmsgDone, 0, two...)),
			want: []Msg{{Idx: 1, Val: 1, Seq: 5, Data: []byte{1, 2, 3}}, {Idx: 3, Val: 4, Seq: 6, Ack: 9, Data: []byte{4}}},
		},
		{
			name: "last nlmsg unpadded",
			in:   nlmsg(nlmsgDone, 0, two...),
			want: []Msg{{Idx: 3, Val: 4, Seq: 6, Ack: 9, Data: []byte{4}}},
		},
		{
			name: "two cn_msgs in one nlmsg",
			in:   nlmsg(nlmsgDone, 0, cat(one, two)...),
			want: []Msg{{Idx: 1, Val: 1, Seq: 5, Data: []byte{1, 2, 3}}, {Idx: 3, Val: 4, Seq: 6, Ack: 9, Data: []byte{4}}},
		},
		{
			name: "protocol type carries cn_msg",
			in:   nlmsg(nlmsgMinType, 0, one...),
			want: []Msg{{Idx: 1, Val: 1, Seq: 5, Data: []byte{1, 2, 3}}},
		},
		{
			name: "control types skipped",
			in:   cat(nlmsg(nlmsgNoop, 0), nlmsg(nlmsgError, 0, 0, 0, 0, 0), nlmsg(nlmsgOverrun, 0), nlmsg(nlmsgDone, 0, two...)),
			want: []Msg{{Idx: 3, Val: 4, Seq: 6, Ack: 9, Data: []byte{4}}},
		},
		{
			name: "empty data",
			in:   nlmsg(nlmsgDone, 0, cnmsg(1, 1, 0, 0, -1)...),
			want: []Msg{{Idx: 1, Val: 1, Data: []byte{}}},
		},
		{name: "short header", in: nlmsg(nlmsgDone, 0)[:15], wantErr: "nlmsghdr"},
		{name: "nlmsg_len below header", in: nlmsg(nlmsgDone, 15, one...), wantErr: "nlmsg_len"},
		{name: "nlmsg_len past datagram", in: nlmsg(nlmsgDone, 16+uint32(len(one))+1, one...), wantErr: "nlmsg_len"},
		{name: "nlmsg_len huge", in: nlmsg(nlmsgDone, 0xffffffff, one...), wantErr: "nlmsg_len"},
		{name: "no cn_msg", in: nlmsg(nlmsgDone, 0), wantErr: "cn_msg"},
		{name: "short cn_msg", in: nlmsg(nlmsgDone, 0, one[:19]...), wantErr: "cn_msg"},
		{
			name:    "trailing bytes after cn_msg",
			in:      nlmsg(nlmsgDone, 0, cat(one, []byte{0})...),
			want:    []Msg{{Idx: 1, Val: 1, Seq: 5, Data: []byte{1, 2, 3}}},
			wantErr: "cn_msg",
		},
		{name: "cn_msg.len past nlmsg", in: nlmsg(nlmsgDone, 0, cnmsg(1, 1, 0, 0, 4, 1, 2, 3)...), wantErr: "cn_msg.len"},
		{
			name:    "cn_msg.len past nlmsg_len, within datagram",
			in:      cat(nlmsg(nlmsgDone, 16+20+2, cnmsg(1, 1, 0, 0, 3, 1, 2, 3)...), []byte{0}),
			wantErr: "cn_msg.len",
		},
		{name: "cn_msg.len over max", in: nlmsg(nlmsgDone, 0, cnmsg(1, 1, 0, 0, -1, big...)...), wantErr: "cn_msg.len"},
		{
			name:    "trailing partial header",
			in:      cat(nlmsg(nlmsgDone, 0, two...), make([]byte, 3), make([]byte, 8)),
			want:    []Msg{{Idx: 3, Val: 4, Seq: 6, Ack: 9, Data: []byte{4}}},
			wantErr: "nlmsghdr",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(nil, tt.in)
			var fe *FrameError
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("Parse: %v", err)
			case tt.wantErr != "" && !errors.As(err, &fe):
				t.Fatalf("Parse error = %v, want a *FrameError on %s", err, tt.wantErr)
			case tt.wantErr != "" && fe.Field != tt.wantErr:
				t.Fatalf("Parse error = %v, want one on %s", err, tt.wantErr)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Parse messages (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParsePrefixBeforeFault(t *testing.T) {
	in := cat(nlmsg(nlmsgDone, 0, cnmsg(1, 1, 5, 0, -1, 9)...), []byte{0, 0, 0}, nlmsg(nlmsgDone, 99))
	got, err := Parse(nil, in)
	if err == nil {
		t.Fatal("Parse: no error for a forged second nlmsg")
	}
	want := []Msg{{Idx: 1, Val: 1, Seq: 5, Data: []byte{9}}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Parse messages before the fault (-want +got):\n%s", diff)
	}
}

func TestAppend(t *testing.T) {
	m := Msg{Idx: 1, Val: 1, Seq: 42, Ack: 7, Flags: 3, Data: []byte{1, 0, 0, 0, 0xc7, 3, 0, 0xe0}}
	got, err := Append(nil, m, 99)
	if err != nil {
		t.Fatal(err)
	}
	want := cat(
		ne.AppendUint32(nil, 16+20+8), ne.AppendUint16(nil, nlmsgDone), []byte{0, 0},
		ne.AppendUint32(nil, 42), ne.AppendUint32(nil, 99),
		cnmsg(1, 1, 42, 7, -1, m.Data...),
	)
	want[16+18] = 3 // cn_msg.flags, native order low byte first on little endian
	if ne.Uint16([]byte{0, 1}) == 1 {
		want[16+18], want[16+19] = 0, 3
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Append (-want +got):\n%s", diff)
	}
	if _, err := Append(nil, Msg{Data: make([]byte, MaxMsgSize+1)}, 0); !errors.Is(err, ErrTooLong) {
		t.Errorf("Append of %d bytes: error %v, want ErrTooLong", MaxMsgSize+1, err)
	}
	odd, _ := Append(nil, Msg{Data: []byte{1}}, 0)
	if len(odd) != 40 {
		t.Errorf("Append of 1 byte: %d bytes, want 37 padded to 40", len(odd))
	}
}

// FuzzParse checks that Parse never panics, that every message it returns
// lies within the datagram and within CONNECTOR_MAX_MSG_SIZE, and that
// the messages survive Append and a second Parse unchanged.
func FuzzParse(f *testing.F) {
	one := cnmsg(1, 1, 5, 0, -1, make([]byte, 40)...)
	f.Add([]byte{})
	f.Add(nlmsg(nlmsgDone, 0, one...))
	f.Add(nlmsg(nlmsgDone, 0, cat(one, cnmsg(3, 4, 6, 9, -1, 4))...))
	f.Add(cat(nlmsg(nlmsgDone, 0, one...), nlmsg(nlmsgMinType, 0, one...)))
	f.Add(nlmsg(nlmsgDone, 0, cnmsg(1, 1, 0, 0, 0xffff)...))
	f.Add(nlmsg(nlmsgDone, 0xffffffff, one...))
	f.Add(nlmsg(nlmsgError, 0, 0xff, 0xff, 0xff, 0xff))
	f.Add(nlmsg(nlmsgDone, 0, one...)[:50])
	f.Fuzz(func(t *testing.T, b []byte) {
		msgs, err := Parse(nil, b)
		var fe *FrameError
		if err != nil && !errors.As(err, &fe) {
			t.Fatalf("Parse error %v is not a *FrameError", err)
		}
		if fe != nil && (fe.Off < 0 || fe.Off > len(b)) {
			t.Fatalf("FrameError offset %d outside the %d-byte datagram", fe.Off, len(b))
		}
		var again []byte
		total := 0
		for _, m := range msgs {
			if len(m.Data) > MaxMsgSize {
				t.Fatalf("message of %d bytes, over MaxMsgSize", len(m.Data))
			}
			total += cnMsgHdrLen + len(m.Data)
			if again, err = Append(again, m, 0); err != nil {
				t.Fatalf("Append of a parsed message: %v", err)
			}
		}
		if len(msgs) > 0 && nlmsgHdrLen+total > len(b) {
			t.Fatalf("messages take %d bytes of a %d-byte datagram", nlmsgHdrLen+total, len(b))
		}
		back, err := Parse(nil, again)
		if err != nil {
			t.Fatalf("Parse of re-framed messages: %v", err)
		}
		if diff := cmp.Diff(msgs, back, cmp.Comparer(func(a, b []byte) bool { return string(a) == string(b) })); diff != "" {
			t.Fatalf("re-framed messages differ (-first +second):\n%s", diff)
		}
	})
}
