//go:build linux

package proc_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/cngen/cngen/examples/proc"
	"github.com/cngen/cngen/runtime/cn"
)

// listener is a connector socket subscribed to every process event, as
// procwatch subscribes: ProcClient.Subscribe, then Listen.
type listener struct {
	conn   *cn.Conn
	d      cn.Dispatcher
	events chan proc.ProcEvent // a copy of each event
	full   atomic.Int64        // events dropped because events was full
}

// Event is the listener's proc.ProcHandler.
func (l *listener) Event(r *cn.Request, ev *proc.ProcEvent) {
	c := *ev
	c.EventData.Default = bytes.Clone(ev.EventData.Default)
	select {
	case l.events <- c:
	default:
		l.full.Add(1)
	}
}

// next waits for the next event, until the test's deadline.
func (l *listener) next(t *testing.T, deadline <-chan time.Time, what string) proc.ProcEvent {
	t.Helper()
	select {
	case ev := <-l.events:
		return ev
	case <-deadline:
		t.Fatalf("no %s within 10s; stats %+v, %d events dropped by the test", what, l.d.Stats(), l.full.Load())
		return proc.ProcEvent{}
	}
}

// kernelListener subscribes to every process event, or skips the test
// with the reason it cannot. Cleanup sends IGNORE and closes.
func kernelListener(t *testing.T) *listener {
	t.Helper()
	b, err := os.ReadFile("/proc/net/connector")
	if err != nil || !bytes.Contains(b, []byte("cn_proc")) {
		t.Skipf("skipping: /proc/net/connector does not list cn_proc (%v)", err)
	}
	// The machine's every fork, exec and exit arrives: a big buffer lets
	// the test read at its pace without the socket overrunning.
	c, err := cn.Dial(&cn.Config{ReadBuffer: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	l := &listener{conn: c, events: make(chan proc.ProcEvent, 1<<16)}
	l.d.OnError = func(err error) { t.Logf("OnError: %v", err) }
	pc := proc.NewProcClient(c, &l.d)
	if err := pc.Subscribe(l); err != nil {
		c.Close()
		if errors.Is(err, syscall.EPERM) {
			t.Skip("skipping: joining the proc connector's group needs CAP_NET_ADMIN before Linux 6.6")
		}
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- l.d.Serve(ctx, c) }()
	t.Cleanup(func() {
		if err := proc.Ignore(c, proc.ProcEventAll); err != nil {
			t.Errorf("Ignore: %v", err)
		}
		cancel()
		if err := <-served; err != context.Canceled {
			t.Errorf("Serve: %v", err)
		}
		if err := pc.Unsubscribe(); err != nil {
			t.Errorf("Unsubscribe: %v", err)
		}
		if err := c.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	if err := proc.Listen(c, proc.ProcEventAll); err != nil {
		t.Fatal(err)
	}
	return l
}

// TestKernelProcEvents starts `sh -c 'exit 3'` and waits for the kernel's
// fork, exec and exit events of that child, decoded by the generated
// decoder and handed to the generated handler glue. Events of the whole
// machine arrive: they are told apart by pid.
func TestKernelProcEvents(t *testing.T) {
	l := kernelListener(t)
	cmd := exec.Command("/bin/sh", "-c", "exit 3")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	child, self := int32(cmd.Process.Pid), int32(os.Getpid())
	if err := cmd.Wait(); cmd.ProcessState == nil || cmd.ProcessState.ExitCode() != 3 {
		t.Fatalf("sh -c 'exit 3': %v", err)
	}

	var ack, forked, execed, exited bool
	deadline := time.After(10 * time.Second)
	for !forked || !execed || !exited {
		ev := l.next(t, deadline, "fork, exec and exit of the child")
		d := &ev.EventData
		switch ev.What {
		case proc.EventNone:
			if d.None.Err != 0 {
				t.Errorf("subscription acked with errno %d", d.None.Err)
			}
			ack = true
		case proc.EventFork:
			if d.Fork.ChildPID != child {
				continue
			}
			// exec.Cmd forks from one of the Go runtime's threads: its
			// tgid is ours, its pid any of our thread ids.
			if want := (proc.ForkProcEvent{ParentPID: d.Fork.ParentPID, ParentTGID: self, ChildPID: child, ChildTGID: child}); d.Fork != want {
				t.Errorf("fork event %+v, want %+v", d.Fork, want)
			}
			forked = true
		case proc.EventExec:
			if d.Exec.ProcessPID != child {
				continue
			}
			if d.Exec.ProcessTGID != child {
				t.Errorf("exec event %+v: tgid, want %d", d.Exec, child)
			}
			execed = true
		case proc.EventExit:
			if d.Exit.ProcessPID != child {
				continue
			}
			// exit_code is the wait status: the code in bits 8-15.
			want := proc.ExitProcEvent{
				ProcessPID: child, ProcessTGID: child,
				ExitCode: 3 << 8, ExitSignal: uint32(syscall.SIGCHLD),
				ParentPID: d.Exit.ParentPID, ParentTGID: self,
			}
			if d.Exit != want {
				t.Errorf("exit event %+v, want %+v", d.Exit, want)
			}
			exited = true
		}
	}
	if !ack {
		t.Errorf("no ack (what = none) of the subscription arrived before the child's events")
	}
	if s := l.d.Stats(); s.Rejected != 0 || s.Invalid != 0 || s.Malformed != 0 {
		t.Errorf("Stats: %+v, want nothing rejected, invalid or malformed", s)
	}
}

// TestKernelForgedEventDropped unicasts a forged event to the listener
// from a user-space socket: its nlmsg_pid says 0, as the kernel's do, but
// its source address does not. The generated RegisterProc registered the
// handler as kernel-only: the Dispatcher counts the forgery in
// Stats.Rejected and never hands it over.
func TestKernelForgedEventDropped(t *testing.T) {
	l := kernelListener(t)
	fd, err := unix.Socket(unix.AF_NETLINK, unix.SOCK_RAW|unix.SOCK_CLOEXEC, unix.NETLINK_CONNECTOR)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(fd)
	if err := unix.Bind(fd, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		t.Fatal(err)
	}

	const fakePID = 0x7eadbeef
	fake := proc.ProcEvent{What: proc.EventExec}
	fake.EventData.Exec = proc.ExecProcEvent{ProcessPID: fakePID, ProcessTGID: fakePID}
	data, err := fake.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	m := cn.Msg{ID: cn.ID{Idx: proc.ProcIdx, Val: proc.ProcEventVal}, Seq: 1, Data: data}
	b, err := cn.AppendNetlink(nil, &m, 0) // nlmsg_pid 0, like the kernel's
	if err != nil {
		t.Fatal(err)
	}
	err = unix.Sendto(fd, b, 0, &unix.SockaddrNetlink{Family: unix.AF_NETLINK, Pid: l.conn.Port()})
	if errors.Is(err, unix.EPERM) {
		t.Skip("skipping: forging needs CAP_NET_ADMIN: a unicast to a user-space port over NETLINK_CONNECTOR")
	}
	if err != nil {
		t.Fatal(err)
	}
	// A real event after the forged one: once it arrives, the forged
	// datagram has been read, and dropped.
	cmd := exec.Command("/bin/true")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	child := int32(cmd.Process.Pid)
	deadline := time.After(10 * time.Second)
	for {
		ev := l.next(t, deadline, "exit of /bin/true")
		if ev.What == proc.EventExec && ev.EventData.Exec.ProcessPID == fakePID {
			t.Fatal("the forged exec event was delivered")
		}
		if ev.What == proc.EventExit && ev.EventData.Exit.ProcessPID == child {
			break
		}
	}
	if s := l.d.Stats(); s.Rejected != 1 {
		t.Errorf("Stats: %+v, want Rejected = 1", s)
	}
}
