package proc_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cngen/cngen/examples/proc"
)

// This file holds the inputs of the decoding benchmarks and two decoders
// to measure the generated one against: what a careful engineer writes by
// hand (the limit), and binary.Read into C-style structs (what existing Go
// libraries do). TestDecodersAgree is what guarantees both are right.

var ne = binary.NativeEndian

// procEvent lays out a struct proc_event by hand, field by field at the
// offsets gcc gives: what 0, cpu 4, timestamp_ns 8, event_data 16, and
// 40 bytes in all.
func procEvent(what proc.Event, cpu uint32, ts uint64, data ...uint32) []byte {
	b := make([]byte, 40)
	ne.PutUint32(b[0:], uint32(what))
	ne.PutUint32(b[4:], cpu)
	ne.PutUint64(b[8:], ts)
	for i, v := range data {
		ne.PutUint32(b[16+4*i:], v)
	}
	return b
}

// commEvent is a comm event: pid, tgid, then comm[16] at offset 24.
func commEvent(cpu uint32, ts uint64, pid, tgid uint32, comm string) []byte {
	b := procEvent(proc.EventComm, cpu, ts, pid, tgid)
	copy(b[24:40], comm)
	return b
}

var variants = []struct {
	name string
	in   []byte
	want proc.ProcEvent
}{
	{
		name: "fork",
		in:   procEvent(proc.EventFork, 1, 123456789012, 1234, 1234, 1240, 1240),
		want: proc.ProcEvent{What: proc.EventFork, CPU: 1, TimestampNS: 123456789012, EventData: proc.EventData{
			Fork: proc.ForkProcEvent{ParentPID: 1234, ParentTGID: 1234, ChildPID: 1240, ChildTGID: 1240},
		}},
	},
	{
		name: "exit",
		in:   procEvent(proc.EventExit, 3, 987654321098, 1240, 1240, 3<<8, 17, 1234, 1234),
		want: proc.ProcEvent{What: proc.EventExit, CPU: 3, TimestampNS: 987654321098, EventData: proc.EventData{
			Exit: proc.ExitProcEvent{ProcessPID: 1240, ProcessTGID: 1240, ExitCode: 3 << 8, ExitSignal: 17, ParentPID: 1234, ParentTGID: 1234},
		}},
	},
	{
		name: "comm",
		in:   commEvent(0, 5550001, 1240, 1240, "procwatch"),
		want: proc.ProcEvent{What: proc.EventComm, CPU: 0, TimestampNS: 5550001, EventData: proc.EventData{
			Comm: proc.CommProcEvent{ProcessPID: 1240, ProcessTGID: 1240, Comm: proc.CString16{'p', 'r', 'o', 'c', 'w', 'a', 't', 'c', 'h'}},
		}},
	},
}

var errShort = errors.New("short proc_event")

// The hand-written decoder: Go structs as one writes them by hand for
// struct proc_event, and a straightforward binary.NativeEndian decoder.

type hwProcEvent struct {
	What        uint32
	CPU         uint32
	TimestampNS uint64
	Ack         struct{ Err uint32 }
	Fork        hwFork
	Exec        hwExec
	Comm        hwComm
	Exit        hwExit
	Raw         []byte
}

type hwFork struct{ ParentPID, ParentTGID, ChildPID, ChildTGID int32 }

type hwExec struct{ ProcessPID, ProcessTGID int32 }

type hwComm struct {
	ProcessPID, ProcessTGID int32
	Comm                    [16]byte
}

type hwExit struct {
	ProcessPID, ProcessTGID int32
	ExitCode, ExitSignal    uint32
	ParentPID, ParentTGID   int32
}

func (e *hwProcEvent) unmarshal(b []byte) error {
	if len(b) < 16 {
		return errShort
	}
	e.What = ne.Uint32(b[0:])
	e.CPU = ne.Uint32(b[4:])
	e.TimestampNS = ne.Uint64(b[8:])
	d := b[16:]
	switch proc.Event(e.What) {
	case proc.EventNone:
		if len(d) < 4 {
			return errShort
		}
		e.Ack.Err = ne.Uint32(d)
	case proc.EventFork:
		if len(d) < 16 {
			return errShort
		}
		e.Fork.ParentPID = int32(ne.Uint32(d[0:]))
		e.Fork.ParentTGID = int32(ne.Uint32(d[4:]))
		e.Fork.ChildPID = int32(ne.Uint32(d[8:]))
		e.Fork.ChildTGID = int32(ne.Uint32(d[12:]))
	case proc.EventExec:
		if len(d) < 8 {
			return errShort
		}
		e.Exec.ProcessPID = int32(ne.Uint32(d[0:]))
		e.Exec.ProcessTGID = int32(ne.Uint32(d[4:]))
	case proc.EventComm:
		if len(d) < 24 {
			return errShort
		}
		e.Comm.ProcessPID = int32(ne.Uint32(d[0:]))
		e.Comm.ProcessTGID = int32(ne.Uint32(d[4:]))
		copy(e.Comm.Comm[:], d[8:24])
	case proc.EventExit:
		if len(d) < 24 {
			return errShort
		}
		e.Exit.ProcessPID = int32(ne.Uint32(d[0:]))
		e.Exit.ProcessTGID = int32(ne.Uint32(d[4:]))
		e.Exit.ExitCode = ne.Uint32(d[8:])
		e.Exit.ExitSignal = ne.Uint32(d[12:])
		e.Exit.ParentPID = int32(ne.Uint32(d[16:]))
		e.Exit.ParentTGID = int32(ne.Uint32(d[20:]))
	default:
		e.Raw = append(e.Raw[:0], d...)
	}
	return nil
}

func (e *hwProcEvent) appendBinary(b []byte) []byte {
	if proc.Event(e.What) != proc.EventNone && proc.Event(e.What) != proc.EventFork &&
		proc.Event(e.What) != proc.EventExec && proc.Event(e.What) != proc.EventComm &&
		proc.Event(e.What) != proc.EventExit {
		b = ne.AppendUint32(b, e.What)
		b = ne.AppendUint32(b, e.CPU)
		b = ne.AppendUint64(b, e.TimestampNS)
		return append(b, e.Raw...)
	}
	n := len(b)
	b = append(b, make([]byte, 40)...)
	p := b[n:]
	ne.PutUint32(p[0:], e.What)
	ne.PutUint32(p[4:], e.CPU)
	ne.PutUint64(p[8:], e.TimestampNS)
	d := p[16:]
	switch proc.Event(e.What) {
	case proc.EventNone:
		ne.PutUint32(d[0:], e.Ack.Err)
	case proc.EventFork:
		ne.PutUint32(d[0:], uint32(e.Fork.ParentPID))
		ne.PutUint32(d[4:], uint32(e.Fork.ParentTGID))
		ne.PutUint32(d[8:], uint32(e.Fork.ChildPID))
		ne.PutUint32(d[12:], uint32(e.Fork.ChildTGID))
	case proc.EventExec:
		ne.PutUint32(d[0:], uint32(e.Exec.ProcessPID))
		ne.PutUint32(d[4:], uint32(e.Exec.ProcessTGID))
	case proc.EventComm:
		ne.PutUint32(d[0:], uint32(e.Comm.ProcessPID))
		ne.PutUint32(d[4:], uint32(e.Comm.ProcessTGID))
		copy(d[8:24], e.Comm.Comm[:])
	case proc.EventExit:
		ne.PutUint32(d[0:], uint32(e.Exit.ProcessPID))
		ne.PutUint32(d[4:], uint32(e.Exit.ProcessTGID))
		ne.PutUint32(d[8:], e.Exit.ExitCode)
		ne.PutUint32(d[12:], e.Exit.ExitSignal)
		ne.PutUint32(d[16:], uint32(e.Exit.ParentPID))
		ne.PutUint32(d[20:], uint32(e.Exit.ParentTGID))
	}
	return b
}

// The binary.Read decoder: C-style structs, a header read, then the
// variant's struct read from what follows.

type cProcEventHeader struct {
	What        uint32
	CPU         uint32
	TimestampNS uint64
}

type cProcEvent struct {
	Hdr  cProcEventHeader
	Fork hwFork
	Comm hwComm
	Exit hwExit
}

func (e *cProcEvent) read(b []byte) error {
	r := bytes.NewReader(b)
	if err := binary.Read(r, ne, &e.Hdr); err != nil {
		return err
	}
	switch proc.Event(e.Hdr.What) {
	case proc.EventFork:
		return binary.Read(r, ne, &e.Fork)
	case proc.EventComm:
		return binary.Read(r, ne, &e.Comm)
	case proc.EventExit:
		return binary.Read(r, ne, &e.Exit)
	}
	return errors.New("binary.Read decoder: variant not supported")
}

// toGenerated copies what a decoder produced into the generated struct,
// to compare the three decoders on one type.
func toGenerated(what, cpu uint32, ts uint64, fork hwFork, comm hwComm, exit hwExit) proc.ProcEvent {
	ev := proc.ProcEvent{What: proc.Event(what), CPU: cpu, TimestampNS: ts}
	switch ev.What {
	case proc.EventFork:
		ev.EventData.Fork = proc.ForkProcEvent(fork)
	case proc.EventComm:
		ev.EventData.Comm = proc.CommProcEvent{ProcessPID: comm.ProcessPID, ProcessTGID: comm.ProcessTGID, Comm: proc.CString16(comm.Comm)}
	case proc.EventExit:
		ev.EventData.Exit = proc.ExitProcEvent(exit)
	}
	return ev
}

func TestDecodersAgree(t *testing.T) {
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			var gen proc.ProcEvent
			if err := gen.UnmarshalBinary(v.in); err != nil {
				t.Fatalf("generated: %v", err)
			}
			if diff := cmp.Diff(v.want, gen); diff != "" {
				t.Errorf("generated decoder (-want +got):\n%s", diff)
			}
			var hw hwProcEvent
			if err := hw.unmarshal(v.in); err != nil {
				t.Fatalf("handwritten: %v", err)
			}
			got := toGenerated(hw.What, hw.CPU, hw.TimestampNS, hw.Fork, hw.Comm, hw.Exit)
			if diff := cmp.Diff(v.want, got); diff != "" {
				t.Errorf("handwritten decoder (-want +got):\n%s", diff)
			}
			var c cProcEvent
			if err := c.read(v.in); err != nil {
				t.Fatalf("binary.Read: %v", err)
			}
			got = toGenerated(c.Hdr.What, c.Hdr.CPU, c.Hdr.TimestampNS, c.Fork, c.Comm, c.Exit)
			if diff := cmp.Diff(v.want, got); diff != "" {
				t.Errorf("binary.Read decoder (-want +got):\n%s", diff)
			}

			enc, err := v.want.MarshalBinary()
			if err != nil {
				t.Fatalf("generated MarshalBinary: %v", err)
			}
			if diff := cmp.Diff(v.in, enc); diff != "" {
				t.Errorf("generated encoder (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(v.in, hw.appendBinary(nil)); diff != "" {
				t.Errorf("handwritten encoder (-want +got):\n%s", diff)
			}
		})
	}
}

func BenchmarkDecode(b *testing.B) {
	for _, v := range variants {
		b.Run(v.name+"/generated", func(b *testing.B) {
			var ev proc.ProcEvent
			b.ReportAllocs()
			b.SetBytes(int64(len(v.in)))
			for b.Loop() {
				if err := ev.UnmarshalBinary(v.in); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(v.name+"/handwritten", func(b *testing.B) {
			var ev hwProcEvent
			b.ReportAllocs()
			b.SetBytes(int64(len(v.in)))
			for b.Loop() {
				if err := ev.unmarshal(v.in); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(v.name+"/encoding_binary", func(b *testing.B) {
			var ev cProcEvent
			b.ReportAllocs()
			b.SetBytes(int64(len(v.in)))
			for b.Loop() {
				if err := ev.read(v.in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkEncode(b *testing.B) {
	for _, v := range variants {
		b.Run(v.name+"/generated", func(b *testing.B) {
			ev := v.want
			buf := make([]byte, 0, 64)
			b.ReportAllocs()
			b.SetBytes(int64(len(v.in)))
			for b.Loop() {
				var err error
				if buf, err = ev.AppendBinary(buf[:0]); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(v.name+"/handwritten", func(b *testing.B) {
			var ev hwProcEvent
			if err := ev.unmarshal(v.in); err != nil {
				b.Fatal(err)
			}
			buf := make([]byte, 0, 64)
			b.ReportAllocs()
			b.SetBytes(int64(len(v.in)))
			for b.Loop() {
				buf = ev.appendBinary(buf[:0])
			}
		})
	}
}

// FuzzProcEvent checks that the generated decoder never panics on any
// input, and that what it decodes survives encoding and decoding again.
// An unknown variant's raw bytes come back zero-filled to the size of the
// union, so for those the encoding, not the value, must be stable.
func FuzzProcEvent(f *testing.F) {
	for _, v := range variants {
		f.Add(v.in)
		f.Add(v.in[:20])
	}
	f.Add(procEvent(proc.EventNone, 0xffffffff, 1, 22))
	f.Add(procEvent(0x12345, 0, 0, 1, 2, 3))
	f.Add(procEvent(0x12345, 0, 0)[:16])
	f.Fuzz(func(t *testing.T, b []byte) {
		var ev proc.ProcEvent
		if err := ev.UnmarshalBinary(b); err != nil {
			return
		}
		enc, err := ev.MarshalBinary()
		if err != nil {
			t.Fatalf("MarshalBinary of a decoded event: %v", err)
		}
		if len(enc) != ev.Size() {
			t.Fatalf("MarshalBinary wrote %d bytes, Size says %d", len(enc), ev.Size())
		}
		var back proc.ProcEvent
		if err := back.UnmarshalBinary(enc); err != nil {
			t.Fatalf("UnmarshalBinary of a re-encoded event: %v", err)
		}
		again, err := back.MarshalBinary()
		if err != nil {
			t.Fatalf("MarshalBinary of a re-decoded event: %v", err)
		}
		if diff := cmp.Diff(enc, again); diff != "" {
			t.Fatalf("encoding not stable (-first +second):\n%s", diff)
		}
		d := ev.EventData.Default
		if !bytes.HasPrefix(back.EventData.Default, d) || bytes.Count(back.EventData.Default[len(d):], []byte{0}) != len(back.EventData.Default)-len(d) {
			t.Fatalf("raw bytes %x came back as %x, want them zero-filled", d, back.EventData.Default)
		}
		back.EventData.Default = d
		if diff := cmp.Diff(ev, back); diff != "" {
			t.Fatalf("round trip (-decoded +re-decoded):\n%s", diff)
		}
	})
}
