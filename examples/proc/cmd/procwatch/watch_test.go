package main

import (
	"bytes"
	"context"
	"encoding/binary"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/cngen/cngen/examples/proc"
	"github.com/cngen/cngen/runtime/cn"
	"github.com/cngen/cngen/runtime/cntest"
)

// fakeKernel is the proc connector on the in-memory bus of cntest: it
// takes the watcher's control messages and sends events from port 0.
type fakeKernel struct {
	t      *testing.T
	kernel *cntest.Conn
}

// control waits for the next control message and returns its data.
func (k *fakeKernel) control() []byte {
	k.t.Helper()
	k.kernel.SetReadDeadline(time.Now().Add(5 * time.Second))
	msgs, err := k.kernel.Receive()
	if err != nil {
		k.t.Fatal(err)
	}
	if len(msgs) != 1 || msgs[0].ID != (cn.ID{Idx: proc.ProcIdx, Val: proc.ProcControlVal}) {
		k.t.Fatalf("kernel got %+v, want one control message", msgs)
	}
	return bytes.Clone(msgs[0].Data)
}

// exec sends an exec event of pid from cpu, numbered seq, to the group.
func (k *fakeKernel) exec(cpu, seq uint32, pid int32) {
	k.send(cpu, seq, proc.EventExec, pid)
}

func (k *fakeKernel) send(cpu, seq uint32, what proc.Event, pid int32) {
	k.t.Helper()
	ev := proc.ProcEvent{What: what, CPU: cpu}
	ev.EventData.Exec = proc.ExecProcEvent{ProcessPID: pid, ProcessTGID: pid}
	ev.EventData.Fork = proc.ForkProcEvent{ChildPID: pid, ChildTGID: pid}
	data, err := ev.MarshalBinary()
	if err != nil {
		k.t.Fatal(err)
	}
	m := cn.Msg{ID: cn.ID{Idx: proc.ProcIdx, Val: proc.ProcEventVal}, Seq: seq, Ack: 0, Data: data}
	if err := k.kernel.Send(&m, cn.Addr{Group: proc.ProcGroup}); err != nil {
		k.t.Fatal(err)
	}
}

func word(v uint32) []byte { return binary.NativeEndian.AppendUint32(nil, v) }

// startWatcher runs a watcher with o on a fake bus until it returns;
// it has subscribed when startWatcher returns.
func startWatcher(t *testing.T, o options) (k *fakeKernel, listener *cntest.Conn, stdout, stderr *bytes.Buffer, done chan error) {
	t.Helper()
	bus := cntest.NewBus()
	k = &fakeKernel{t: t, kernel: bus.Kernel()}
	listener = bus.Dial()
	stdout, stderr, done = &bytes.Buffer{}, &bytes.Buffer{}, make(chan error, 1)
	w := newWatcher(o, stdout, stderr)
	go func() { done <- w.run(context.Background(), listener) }()
	want := word(uint32(proc.McastOpListen))
	if o.mask != proc.ProcEventAll {
		want = append(want, word(uint32(o.mask))...)
	}
	if diff := cmp.Diff(want, k.control()); diff != "" {
		t.Fatalf("LISTEN (-want +got):\n%s", diff)
	}
	return k, listener, stdout, stderr, done
}

func wait(t *testing.T, done chan error) {
	t.Helper()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("watcher still running after 5s")
	}
}

// TestWatcherLost: gaps in the sequence numbers of a CPU are reported
// as lost events of that CPU, where they happen and in the summary, in
// text and in JSON; IGNORE is sent at the end.
func TestWatcherLost(t *testing.T) {
	for _, json := range []bool{false, true} {
		k, _, stdout, stderr, done := startWatcher(t, options{mask: proc.ProcEventAll, count: 6, json: json})
		k.exec(0, 10, 100)
		k.exec(1, 5, 101)
		k.exec(0, 11, 102)
		k.exec(0, 14, 103) // 12, 13 lost
		k.exec(1, 9, 104)  // 6, 7, 8 lost
		k.exec(1, 10, 105)
		wait(t, done)
		want := strings.Join([]string{
			"exec pid=100/100 cpu=0",
			"exec pid=101/101 cpu=1",
			"exec pid=102/102 cpu=0",
			"lost 2 events on cpu 0",
			"exec pid=103/103 cpu=0",
			"lost 3 events on cpu 1",
			"exec pid=104/104 cpu=1",
			"exec pid=105/105 cpu=1",
		}, "\n") + "\n"
		if json {
			want = strings.Join([]string{
				`{"what":"exec","cpu":0,"timestamp_ns":0,"process_pid":100,"process_tgid":100}`,
				`{"what":"exec","cpu":1,"timestamp_ns":0,"process_pid":101,"process_tgid":101}`,
				`{"what":"exec","cpu":0,"timestamp_ns":0,"process_pid":102,"process_tgid":102}`,
				`{"what":"lost","cpu":0,"count":2}`,
				`{"what":"exec","cpu":0,"timestamp_ns":0,"process_pid":103,"process_tgid":103}`,
				`{"what":"lost","cpu":1,"count":3}`,
				`{"what":"exec","cpu":1,"timestamp_ns":0,"process_pid":104,"process_tgid":104}`,
				`{"what":"exec","cpu":1,"timestamp_ns":0,"process_pid":105,"process_tgid":105}`,
			}, "\n") + "\n"
		}
		if diff := cmp.Diff(want, stdout.String()); diff != "" {
			t.Errorf("json=%v: output (-want +got):\n%s", json, diff)
		}
		wantSum := "procwatch: 6 events, 5 lost (cpu 0: 2, cpu 1: 3), 0 overruns, 0 filtered, 0 rejected\n"
		if diff := cmp.Diff(wantSum, stderr.String()); diff != "" {
			t.Errorf("json=%v: summary (-want +got):\n%s", json, diff)
		}
		if diff := cmp.Diff(word(uint32(proc.McastOpIgnore)), k.control()); diff != "" {
			t.Errorf("IGNORE (-want +got):\n%s", diff)
		}
	}
}

// TestWatcherAcksAndForgery: acks are numbered with the events of their
// CPU, except those of old kernels (cpu -1), which are not; a forged
// event from a user-space port is rejected, reported and counted, and
// takes no part in the numbering.
func TestWatcherAcksAndForgery(t *testing.T) {
	k, listener, stdout, stderr, done := startWatcher(t, options{mask: proc.ProcEventAll, count: 2})
	k.send(0, 7, proc.EventNone, 0)
	k.send(ackCPU, 12345, proc.EventNone, 0) // an old kernel's ack
	ev := proc.ProcEvent{What: proc.EventExec, CPU: 0}
	data, _ := ev.MarshalBinary()
	forged, _ := cn.AppendNetlink(nil, &cn.Msg{ID: cn.ID{Idx: proc.ProcIdx, Val: proc.ProcEventVal}, Seq: 100, Data: data}, 0)
	listener.Inject(forged, 4242, 0)
	k.exec(0, 8, 1)
	k.exec(0, 9, 2)
	wait(t, done)
	want := "ack err=0 cpu=0\nack err=0 cpu=4294967295\nexec pid=1/1 cpu=0\nexec pid=2/2 cpu=0\n"
	if diff := cmp.Diff(want, stdout.String()); diff != "" {
		t.Errorf("output (-want +got):\n%s", diff)
	}
	lines := strings.Split(strings.TrimSuffix(stderr.String(), "\n"), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], "from port 4242: sender not accepted") {
		t.Fatalf("stderr: %q, want the rejection and the summary", lines)
	}
	if want := "procwatch: 4 events, 0 lost, 0 overruns, 0 filtered, 1 rejected"; lines[1] != want {
		t.Errorf("summary %q, want %q", lines[1], want)
	}
}

// TestWatcherFilter: with -events, events the kernel sends before it
// has read the subscription are filtered out here, and gaps are not
// taken for losses: the kernel numbers the events it filters out too.
func TestWatcherFilter(t *testing.T) {
	k, _, stdout, stderr, done := startWatcher(t, options{mask: proc.EventExec, count: 2})
	k.send(0, 1, proc.EventFork, 7)
	k.exec(0, 2, 7)
	k.exec(0, 9, 8)
	wait(t, done)
	if want := "exec pid=7/7 cpu=0\nexec pid=8/8 cpu=0\n"; stdout.String() != want {
		t.Errorf("output %q, want %q", stdout, want)
	}
	if want := "procwatch: 3 events, losses unknown with -events, 0 overruns, 1 filtered, 0 rejected\n"; stderr.String() != want {
		t.Errorf("summary %q, want %q", stderr, want)
	}
	in := append(word(uint32(proc.McastOpIgnore)), word(uint32(proc.EventExec))...)
	if diff := cmp.Diff(in, k.control()); diff != "" {
		t.Errorf("IGNORE (-want +got):\n%s", diff)
	}
}

// TestOverrunLine: an overrun, as the Dispatcher reports it, is a line
// of the output, with the socket's drop count when it has one.
func TestOverrunLine(t *testing.T) {
	overrun := &cn.OpError{Op: "receive", Err: cn.ErrOverrun}
	for _, tt := range []struct {
		json  bool
		drops func() (uint64, error)
		want  string
	}{
		{false, nil, "overrun: receive queue full\n"},
		{false, func() (uint64, error) { return 57, nil }, "overrun: receive queue full (57 dropped so far)\n"},
		{true, nil, `{"what":"overrun"}` + "\n"},
		{true, func() (uint64, error) { return 57, nil }, `{"what":"overrun","dropped":57}` + "\n"},
	} {
		var out bytes.Buffer
		w := newWatcher(options{json: tt.json}, &out, &bytes.Buffer{})
		w.drops = tt.drops
		w.onError(overrun)
		if out.String() != tt.want {
			t.Errorf("json=%v: %q, want %q", tt.json, out.String(), tt.want)
		}
	}
}
