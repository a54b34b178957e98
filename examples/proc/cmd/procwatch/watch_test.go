package main

import (
	"bytes"
	"context"
	"encoding/binary"
	"strings"
	"sync"
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

// send sends an event of what about pid, numbered seq, that happened
// seq ms after monoBase.
func (k *fakeKernel) send(cpu, seq uint32, what proc.Event, pid int32) {
	k.t.Helper()
	ev := proc.ProcEvent{What: what, CPU: cpu, TimestampNS: at(time.Duration(seq) * time.Millisecond)}
	ev.EventData.Exec = proc.ExecProcEvent{ProcessPID: pid, ProcessTGID: pid}
	ev.EventData.Fork = proc.ForkProcEvent{ChildPID: pid, ChildTGID: pid}
	k.sendEvent(seq, &ev)
}

func (k *fakeKernel) sendEvent(seq uint32, ev *proc.ProcEvent) {
	k.t.Helper()
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

// hms is the time column of an event d after monoBase.
func hms(d time.Duration) string { return wallBase.Add(d).Format(timeLayout) }

// startWatcher runs a watcher with o on a fake bus, /proc and clock
// (those of o if set) until it returns; it has subscribed when
// startWatcher returns.
func startWatcher(t *testing.T, o options) (k *fakeKernel, listener *cntest.Conn, stdout, stderr *syncBuffer, done chan error) {
	t.Helper()
	bus := cntest.NewBus()
	k = &fakeKernel{t: t, kernel: bus.Kernel()}
	listener = bus.Dial()
	stdout, stderr, done = &syncBuffer{}, &syncBuffer{}, make(chan error, 1)
	if o.proc == nil {
		o.proc = newFakeProc()
	}
	if o.clock == nil {
		o.clock = newFakeClock()
	}
	o.loc = time.UTC
	w := newWatcher(o, stdout, stderr)
	go func() { done <- w.run(context.Background(), listener) }()
	want := word(uint32(proc.McastOpListen))
	if o.mask != 0 && o.mask != proc.ProcEventAll {
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
// text and in JSON; IGNORE is sent at the end. The tasks are unknown to
// the table and to /proc: "?".
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
		ms := time.Millisecond
		want := strings.Join([]string{
			header,
			row(hms(10*ms), 0, "exec", "100", "-", "-", "", "?"),
			row(hms(5*ms), 1, "exec", "101", "-", "-", "", "?"),
			row(hms(11*ms), 0, "exec", "102", "-", "-", "", "?"),
			hms(14*ms) + " lost 2 events on cpu 0",
			row(hms(14*ms), 0, "exec", "103", "-", "-", "", "?"),
			hms(9*ms) + " lost 3 events on cpu 1",
			row(hms(9*ms), 1, "exec", "104", "-", "-", "", "?"),
			row(hms(10*ms), 1, "exec", "105", "-", "-", "", "?"),
		}, "\n") + "\n"
		if json {
			want = strings.Join([]string{
				`{"what":"exec","time":"2026-01-02T03:04:05.01Z","cpu":0,"timestamp_ns":1000010000000,"process_pid":100,"process_tgid":100}`,
				`{"what":"exec","time":"2026-01-02T03:04:05.005Z","cpu":1,"timestamp_ns":1000005000000,"process_pid":101,"process_tgid":101}`,
				`{"what":"exec","time":"2026-01-02T03:04:05.011Z","cpu":0,"timestamp_ns":1000011000000,"process_pid":102,"process_tgid":102}`,
				`{"what":"lost","time":"2026-01-02T03:04:05.014Z","cpu":0,"count":2}`,
				`{"what":"exec","time":"2026-01-02T03:04:05.014Z","cpu":0,"timestamp_ns":1000014000000,"process_pid":103,"process_tgid":103}`,
				`{"what":"lost","time":"2026-01-02T03:04:05.009Z","cpu":1,"count":3}`,
				`{"what":"exec","time":"2026-01-02T03:04:05.009Z","cpu":1,"timestamp_ns":1000009000000,"process_pid":104,"process_tgid":104}`,
				`{"what":"exec","time":"2026-01-02T03:04:05.01Z","cpu":1,"timestamp_ns":1000010000000,"process_pid":105,"process_tgid":105}`,
			}, "\n") + "\n"
		}
		if diff := cmp.Diff(want, stdout.String()); diff != "" {
			t.Errorf("json=%v: output (-want +got):\n%s", json, diff)
		}
		wantSum := "procwatch: 6 events, 5 lost (cpu 0: 2, cpu 1: 3), 0 overruns, 0 resyncs, 0 filtered, 0 rejected\n"
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
	ms := time.Millisecond
	want := strings.Join([]string{
		header,
		row(hms(7*ms), 0, "ack", "-", "-", "-", "err=0", ""),
		row(hms(12345*ms), -1, "ack", "-", "-", "-", "err=0", ""),
		row(hms(8*ms), 0, "exec", "1", "-", "-", "", "?"),
		row(hms(9*ms), 0, "exec", "2", "-", "-", "", "?"),
	}, "\n") + "\n"
	if diff := cmp.Diff(want, stdout.String()); diff != "" {
		t.Errorf("output (-want +got):\n%s", diff)
	}
	lines := strings.Split(strings.TrimSuffix(stderr.String(), "\n"), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], "from port 4242: sender not accepted") {
		t.Fatalf("stderr: %q, want the rejection and the summary", lines)
	}
	if want := "procwatch: 4 events, 0 lost, 0 overruns, 0 resyncs, 0 filtered, 1 rejected"; lines[1] != want {
		t.Errorf("summary %q, want %q", lines[1], want)
	}
}

// TestWatcherFilter: with -events, events the kernel sends before it
// has read the subscription are filtered out here, and gaps are not
// taken for losses: the kernel numbers the events it filters out too.
func TestWatcherFilter(t *testing.T) {
	k, _, stdout, stderr, done := startWatcher(t, options{mask: proc.EventExec, count: 2, json: true})
	k.send(0, 1, proc.EventFork, 7)
	k.exec(0, 2, 7)
	k.exec(0, 9, 8)
	wait(t, done)
	want := `{"what":"exec","time":"2026-01-02T03:04:05.002Z","cpu":0,"timestamp_ns":1000002000000,"process_pid":7,"process_tgid":7}` + "\n" +
		`{"what":"exec","time":"2026-01-02T03:04:05.009Z","cpu":0,"timestamp_ns":1000009000000,"process_pid":8,"process_tgid":8}` + "\n"
	if diff := cmp.Diff(want, stdout.String()); diff != "" {
		t.Errorf("output (-want +got):\n%s", diff)
	}
	if want := "procwatch: 3 events, losses unknown with -events, 0 overruns, 0 resyncs, 1 filtered, 0 rejected\n"; stderr.String() != want {
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
		{false, nil, "03:04:05.000 overrun: receive queue full\n"},
		{false, func() (uint64, error) { return 57, nil }, "03:04:05.000 overrun: receive queue full (57 dropped so far)\n"},
		{true, nil, `{"what":"overrun","time":"2026-01-02T03:04:05Z"}` + "\n"},
		{true, func() (uint64, error) { return 57, nil }, `{"what":"overrun","time":"2026-01-02T03:04:05Z","dropped":57}` + "\n"},
	} {
		var out strings.Builder
		w := newWatcher(options{json: tt.json, clock: newFakeClock(), loc: time.UTC}, &out, &bytes.Buffer{})
		w.drops = tt.drops
		w.onError(overrun)
		w.out.flush()
		if out.String() != tt.want {
			t.Errorf("json=%v: %q, want %q", tt.json, out.String(), tt.want)
		}
		if !w.rs.pending {
			t.Errorf("json=%v: no resync pending after an overrun", tt.json)
		}
	}
}

// gate is an output that blocks writes until opened: the watcher stops
// reading while the kernel goes on sending.
type gate struct {
	open chan struct{}
	once sync.Once
	syncBuffer
}

func (g *gate) Write(p []byte) (int, error) {
	<-g.open
	return g.syncBuffer.Write(p)
}

// TestWatcherResyncAfterOverrun: a listener whose queue overflows, as
// the fake bus makes it, reports the overrun and resyncs its table from
// /proc at the next event: the process whose exit was dropped leaves the
// table, the one whose fork was dropped enters it.
func TestWatcherResyncAfterOverrun(t *testing.T) {
	fp := newFakeProc(fakeTask{pid: 1, comm: "init"}, fakeTask{pid: 10, ppid: 1, comm: "doomed"})
	clk := newFakeClock()
	bus := cntest.NewBus()
	k := &fakeKernel{t: t, kernel: bus.Kernel()}
	listener := bus.Dial()
	listener.SetQueueLimit(2)
	out := &gate{open: make(chan struct{})}
	w := newWatcher(options{proc: fp, clock: clk, loc: time.UTC, flushAll: true, count: 3}, out, &bytes.Buffer{})
	done := make(chan error, 1)
	go func() { done <- w.run(context.Background(), listener) }()
	k.control()
	k.exec(0, 1, 1) // the watcher blocks writing the header
	time.Sleep(50 * time.Millisecond)
	k.exec(0, 2, 1)
	k.exec(0, 3, 1)
	fp.remove(10) // its exit and the fork of 11 are dropped
	fp.add(fakeTask{pid: 11, ppid: 1, comm: "newborn"})
	for seq := uint32(4); seq < 8; seq++ {
		k.exec(0, seq, 1)
	}
	clk.advance(time.Second)
	close(out.open)
	time.Sleep(50 * time.Millisecond)
	k.exec(0, 20, 1)
	k.exec(0, 21, 1)
	wait(t, done)
	if !strings.Contains(out.String(), "overrun: receive queue full") || !strings.Contains(out.String(), "resync: 2 tasks in /proc, 1 added, 1 gone, 0 changed") {
		t.Errorf("no overrun and resync in the output:\n%s", out.String())
	}
	if got := slicesOf(w.tab); !cmp.Equal(got, []string{"1 init", "11 newborn"}) {
		t.Errorf("table %q, want 1 init, 11 newborn", got)
	}
}
