package proc_test

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"

	"github.com/cngen/cngen/examples/proc"
	"github.com/cngen/cngen/examples/proc/internal/rawcn"
)

// kernelListener subscribes to every process event, or skips the test
// with the reason it cannot.
func kernelListener(t *testing.T) *proc.Listener {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("skipping: subscribing to the proc connector needs root (CAP_NET_ADMIN before Linux 6.6)")
	}
	b, err := os.ReadFile("/proc/net/connector")
	if err != nil || !bytes.Contains(b, []byte("cn_proc")) {
		t.Skipf("skipping: /proc/net/connector does not list cn_proc (%v)", err)
	}
	l, err := proc.Listen(proc.ProcEventAll)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := l.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	if err := l.SetDeadline(time.Now().Add(10 * time.Second)); err != nil {
		t.Fatal(err)
	}
	return l
}

// TestKernelProcEvents starts `sh -c 'exit 3'` and waits for the kernel's
// fork, exec and exit events of that child, decoded by the generated
// decoder. Events of the whole machine arrive: they are told apart by pid.
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
	var ev proc.ProcEvent
	for !forked || !execed || !exited {
		if err := l.Next(&ev); errors.Is(err, proc.ErrOverrun) {
			t.Logf("Next: %v", err) // ours may survive; the deadline decides
			continue
		} else if err != nil {
			t.Fatalf("Next, with ack=%v fork=%v exec=%v exit=%v for pid %d: %v", ack, forked, execed, exited, child, err)
		}
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
	if s := l.Stats(); s.Foreign != 0 {
		t.Errorf("Stats: %+v, want no foreign datagrams", s)
	}
}

// TestKernelForgedEventDropped unicasts a forged event to the listener
// from a user-space socket: its nlmsg_pid says 0, but its source address
// does not, and the listener must drop it.
func TestKernelForgedEventDropped(t *testing.T) {
	l := kernelListener(t)
	forger, err := rawcn.Dial()
	if err != nil {
		t.Fatal(err)
	}
	defer forger.Close()

	const fakePID = 0x7eadbeef
	fake := proc.ProcEvent{What: proc.EventExec}
	fake.EventData.Exec = proc.ExecProcEvent{ProcessPID: fakePID, ProcessTGID: fakePID}
	data, err := fake.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	m := rawcn.Msg{Idx: proc.ProcIdx, Val: proc.ProcEventVal, Data: data}
	if err := forger.SendTo(m, proc.ListenerPort(l)); err != nil {
		t.Fatal(err)
	}
	// A real event after the forged one: once it arrives, the forged
	// datagram has been read, and dropped.
	cmd := exec.Command("/bin/true")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	child := int32(cmd.Process.Pid)
	var ev proc.ProcEvent
	for {
		if err := l.Next(&ev); err != nil {
			t.Fatalf("Next, waiting for the exit of pid %d: %v", child, err)
		}
		if ev.What == proc.EventExec && ev.EventData.Exec.ProcessPID == fakePID {
			t.Fatal("the forged exec event was delivered")
		}
		if ev.What == proc.EventExit && ev.EventData.Exit.ProcessPID == child {
			break
		}
	}
	if s := l.Stats(); s.Foreign != 1 {
		t.Errorf("Stats: %+v, want Foreign = 1", s)
	}
}
