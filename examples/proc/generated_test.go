package proc

// Tests of the code cngen generates from proc.cn: round trips, layout,
// short buffers, unknown variants, allocations.

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/cngen/cngen/runtime/cn"
)

var ne = binary.NativeEndian

func forkEvent() *ProcEvent {
	e := &ProcEvent{What: EventFork, CPU: 3, TimestampNS: 0x0102030405060708}
	e.EventData.Fork = ForkProcEvent{ParentPID: 10, ParentTGID: 11, ChildPID: 12, ChildTGID: -13}
	return e
}

func events() map[string]*ProcEvent {
	comm := &ProcEvent{What: EventComm, CPU: 1}
	comm.EventData.Comm.ProcessPID = 7
	if err := comm.EventData.Comm.Comm.Set("bash"); err != nil {
		panic(err)
	}
	exit := &ProcEvent{What: EventExit, TimestampNS: 99}
	exit.EventData.Exit = ExitProcEvent{ProcessPID: 1, ProcessTGID: 2, ExitCode: 256, ExitSignal: 17, ParentPID: 3, ParentTGID: 4}
	uid := &ProcEvent{What: EventUID}
	uid.EventData.UID.ProcessPID = 5
	uid.EventData.UID.R.SetRuid(1000)
	uid.EventData.UID.E.SetEuid(0)
	ack := &ProcEvent{What: EventNone}
	ack.EventData.None.Err = 22
	unknown := &ProcEvent{What: 0x100000}
	unknown.EventData.Default = bytes.Repeat([]byte{0xab}, 30)
	return map[string]*ProcEvent{"fork": forkEvent(), "comm": comm, "exit": exit, "uid": uid, "ack": ack, "unknown": unknown}
}

func TestRoundTrip(t *testing.T) {
	for name, e := range events() {
		t.Run(name, func(t *testing.T) {
			b, err := e.MarshalBinary()
			if err != nil {
				t.Fatal(err)
			}
			if len(b) != e.Size() {
				t.Errorf("len %d, Size %d", len(b), e.Size())
			}
			var got ProcEvent
			if err := got.UnmarshalBinary(b); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(&got, e) {
				t.Errorf("decoded %+v, want %+v", got, *e)
			}
			again, err := got.AppendBinary([]byte("prefix"))
			if err != nil || string(again[:6]) != "prefix" || !bytes.Equal(again[6:], b) {
				t.Errorf("re-encoded %x, %v; want prefix + %x", again, err, b)
			}
		})
	}
}

// TestEncodeDirtyBuffer appends every event to buffers whose spare
// capacity holds garbage: the union's zero fill and the bytes the
// selected variant leaves must come out zero, and the prefix stays.
func TestEncodeDirtyBuffer(t *testing.T) {
	evs := events()
	short := &ProcEvent{What: 0x100000}
	short.EventData.Default = []byte{1, 2, 3}
	evs["unknown short"] = short
	for name, e := range evs {
		t.Run(name, func(t *testing.T) {
			clean, err := e.MarshalBinary()
			if err != nil {
				t.Fatal(err)
			}
			for _, spare := range []int{0, 20, 40, 100} {
				buf := append(make([]byte, 0, 6+spare), "prefix"...)
				for i := range buf[6:cap(buf)] {
					buf[6:cap(buf)][i] = 0xa5
				}
				got, err := e.AppendBinary(buf)
				if err != nil || string(got[:6]) != "prefix" || !bytes.Equal(got[6:], clean) {
					t.Errorf("spare %d: got %x, %v; want prefix + %x", spare, got, err, clean)
				}
			}
		})
	}
}

func TestLayout(t *testing.T) {
	want := make([]byte, 40)
	ne.PutUint32(want[0:], 1)
	ne.PutUint32(want[4:], 3)
	ne.PutUint64(want[8:], 0x0102030405060708)
	for i, v := range []int32{10, 11, 12, -13} {
		ne.PutUint32(want[16+4*i:], uint32(v))
	}
	// Garbage capacity must not leak into padding.
	buf := bytes.Repeat([]byte{0xff}, 64)[:0]
	got, err := forkEvent().AppendBinary(buf)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("encoding\n got %x\nwant %x", got, want)
	}
	if procEventSize != 40 || len(got) != 40 {
		t.Errorf("size: const %d, encoded %d", procEventSize, len(got))
	}
}

func TestShort(t *testing.T) {
	full, _ := forkEvent().MarshalBinary()
	tests := []struct {
		n     int
		field string // "" when the prefix decodes
	}{
		{0, "proc_event.what"}, {3, "proc_event.what"}, {5, "proc_event.cpu"},
		{15, "proc_event.timestamp_ns"}, {16, "proc_event.event_data.fork.parent_pid"},
		{26, "proc_event.event_data.fork.child_pid"}, {31, "proc_event.event_data.fork.child_tgid"},
		{32, ""}, // fork needs 16 of the union's 24 bytes
		{40, ""},
	}
	for _, tt := range tests {
		var e ProcEvent
		err := e.UnmarshalBinary(full[:tt.n])
		if tt.field == "" {
			if err != nil {
				t.Errorf("%d bytes: %v", tt.n, err)
			}
			continue
		}
		var de *cn.DecodeError
		if !errors.As(err, &de) || !errors.Is(err, cn.ErrShort) {
			t.Errorf("%d bytes: err %v, want a short DecodeError", tt.n, err)
			continue
		}
		if got := de.Type + "." + de.Field; got != tt.field {
			t.Errorf("%d bytes: field %s, want %s (%v)", tt.n, got, tt.field, err)
		}
		if !strings.Contains(err.Error(), tt.field) {
			t.Errorf("%d bytes: %q does not name %s", tt.n, err, tt.field)
		}
	}
	var de *cn.DecodeError
	var e ProcEvent
	if err := e.UnmarshalBinary(full[:26]); !errors.As(err, &de) || de.Offset != 24 || de.Need != 4 || de.Have != 2 {
		t.Errorf("26 bytes: %+v, want offset 24 need 4 have 2", de)
	}
}

func TestLonger(t *testing.T) {
	full, _ := forkEvent().MarshalBinary()
	var e ProcEvent
	if err := e.UnmarshalBinary(append(full, 1, 2, 3, 4, 5, 6, 7, 8)); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(&e, forkEvent()) {
		t.Errorf("got %+v", e)
	}
}

func TestDefaultKeepsBytes(t *testing.T) {
	b := make([]byte, 16+30)
	ne.PutUint32(b, 0x100000)
	for i := 16; i < len(b); i++ {
		b[i] = byte(i)
	}
	var e ProcEvent
	if err := e.UnmarshalBinary(b); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(e.EventData.Default, b[16:]) {
		t.Errorf("default %x, want %x", e.EventData.Default, b[16:])
	}
	out, err := e.MarshalBinary()
	if err != nil || !bytes.Equal(out, b) {
		t.Errorf("re-encoded %x, %v", out, err)
	}
	// A short unknown event is zero filled to the union's size.
	e.EventData.Default = []byte{1, 2}
	out, _ = e.MarshalBinary()
	if len(out) != 40 || out[18] != 0 || out[39] != 0 {
		t.Errorf("short default encoded as %x", out)
	}
}

func TestStrings(t *testing.T) {
	tests := []struct{ got, want string }{
		{EventFork.String(), "fork"},
		{(EventFork | 0x100000).String(), "fork|0x100000"},
		{(EventExit | EventFork | EventComm).String(), "fork|comm|exit"},
		{Event(0).String(), "none"},
		{Event(0x100000).String(), "0x100000"},
		{McastOpListen.String(), "listen"},
		{McastOp(7).String(), "mcast_op(7)"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}

func TestEnumClosed(t *testing.T) {
	b := make([]byte, 8)
	ne.PutUint32(b, 7)
	var in ProcInput
	err := in.UnmarshalBinary(b)
	if !errors.Is(err, cn.ErrUnknownValue) || !strings.Contains(err.Error(), "proc_input.mcast_op") || !strings.Contains(err.Error(), "mcast_op(7)") {
		t.Errorf("decode: %v", err)
	}
	in.McastOp = 7
	_, err = in.MarshalBinary()
	if !errors.Is(err, cn.ErrUnknownValue) || !strings.Contains(err.Error(), "proc_input.mcast_op") {
		t.Errorf("encode: %v", err)
	}
	in = ProcInput{McastOp: McastOpListen, EventType: ProcEventAll}
	b, err = in.MarshalBinary()
	if err != nil || len(b) != 8 || ne.Uint32(b) != 1 || ne.Uint32(b[4:]) != ProcEventAll {
		t.Errorf("proc_input encoded as %x, %v", b, err)
	}
}

func TestCString(t *testing.T) {
	var c CString16
	if err := c.Set("systemd-journald"); !errors.Is(err, cn.ErrTooLong) {
		t.Errorf("16 bytes of text: %v, want ErrTooLong", err)
	}
	if err := c.Set("a\x00b"); !errors.Is(err, cn.ErrNUL) {
		t.Errorf("text with NUL: %v", err)
	}
	if err := c.Set("systemd-journal"); err != nil || c.String() != "systemd-journal" {
		t.Errorf("15 bytes: %q, %v", c.String(), err)
	}
	if err := c.Set("sh"); err != nil || c.String() != "sh" || c[2] != 0 || c[14] != 0 {
		t.Errorf("shorter text: %q %x", c.String(), c)
	}
}

func TestNoPanic(t *testing.T) {
	var encodings [][]byte
	for _, e := range events() {
		b, _ := e.MarshalBinary()
		encodings = append(encodings, b)
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 500 {
		b := make([]byte, r.IntN(64))
		for i := range b {
			b[i] = byte(r.Uint32())
		}
		encodings = append(encodings, b)
	}
	for _, full := range encodings {
		for n := range len(full) + 1 {
			b := full[:n:n]
			var e ProcEvent
			_ = e.UnmarshalBinary(b)
			var in ProcInput
			_ = in.UnmarshalBinary(b)
			var r IDR
			_ = r.UnmarshalBinary(b)
		}
	}
}

func TestDecodeAllocs(t *testing.T) {
	for name, e := range events() {
		b, _ := e.MarshalBinary()
		var got ProcEvent
		if err := got.UnmarshalBinary(b); err != nil {
			t.Fatal(err)
		}
		if n := testing.AllocsPerRun(100, func() { _ = got.UnmarshalBinary(b) }); n != 0 {
			t.Errorf("%s: %v allocs per decode into a reused value", name, n)
		}
	}
}

func TestSizes(t *testing.T) {
	for _, v := range []interface {
		Size() int
		MarshalBinary() ([]byte, error)
	}{&ProcInput{McastOp: McastOpListen}, &ForkProcEvent{}, &CommProcEvent{}, &IDProcEvent{}, &ExitProcEvent{}, &IDR{}, &ProcEvent{}} {
		b, err := v.MarshalBinary()
		if err != nil || len(b) != v.Size() {
			t.Errorf("%T: encoded %d bytes (%v), Size %d", v, len(b), err, v.Size())
		}
	}
	if n := (&ExitProcEvent{}).Size(); n != 24 {
		t.Errorf("exit_proc_event: Size %d, want 24", n)
	}
}
