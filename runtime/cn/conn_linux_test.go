//go:build linux

package cn_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"net"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cngen/cngen/internal/nstest"
	"github.com/cngen/cngen/runtime/cn"
	"github.com/google/go-cmp/cmp"
	"golang.org/x/sys/unix"
)

// needNetAdmin skips a test that needs CAP_NET_ADMIN: joining a group
// on any protocol, and sending to a user-space port or a group on
// NETLINK_CONNECTOR.
func needNetAdmin(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root (CAP_NET_ADMIN) to join netlink groups and to unicast or multicast on NETLINK_CONNECTOR")
	}
}

// protocols are the protocols a test runs on; NETLINK_CONNECTOR only as
// root.
func protocols(t *testing.T) map[string]int {
	ps := map[string]int{"usersock": cn.ProtoUsersock}
	if os.Geteuid() == 0 {
		ps["connector"] = cn.ProtoConnector
	} else {
		t.Log("NETLINK_CONNECTOR cases skipped: they need root (CAP_NET_ADMIN)")
	}
	return ps
}

func dial(t *testing.T, cfg *cn.Config) *cn.Conn {
	t.Helper()
	c, err := cn.Dial(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// recv returns copies of the messages of c's next datagram.
func recv(t *testing.T, c *cn.Conn) []cn.Message {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	msgs, err := c.Receive()
	if err != nil {
		t.Fatalf("port %d: Receive: %v", c.Port(), err)
	}
	for i := range msgs {
		msgs[i].Data = bytes.Clone(msgs[i].Data)
	}
	return msgs
}

// none checks that nothing arrives at c for a moment.
func none(t *testing.T, c *cn.Conn) {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
	if msgs, err := c.Receive(); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Errorf("port %d: Receive = %v, %v; want nothing", c.Port(), msgs, err)
	}
}

func TestIntegrationUnicast(t *testing.T) {
	for name, proto := range protocols(t) {
		t.Run(name, func(t *testing.T) {
			a, b := dial(t, &cn.Config{Protocol: proto}), dial(t, &cn.Config{Protocol: proto})
			if a.Port() == 0 || a.Port() == b.Port() {
				t.Fatalf("ports %d and %d", a.Port(), b.Port())
			}
			m := cn.Msg{ID: echoID, Flags: 1, Data: []byte("hello")}
			if err := a.Send(&m, cn.Addr{Port: b.Port()}); err != nil {
				t.Fatal(err)
			}
			if m.Seq == 0 && m.Ack == 0 {
				t.Error("Send did not number the message")
			}
			if diff := cmp.Diff([]cn.Message{{Msg: m, From: a.Port()}}, recv(t, b)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			none(t, a)
		})
	}
}

// TestIntegrationSendBatch checks that a batch towards a user-space port
// arrives in one datagram, every message parsed.
func TestIntegrationSendBatch(t *testing.T) {
	a, b := dial(t, &cn.Config{Protocol: cn.ProtoUsersock}), dial(t, &cn.Config{Protocol: cn.ProtoUsersock})
	batch := []cn.Msg{{ID: echoID, Data: []byte{1}}, {ID: echoID, Data: []byte{2, 3}}, {ID: echoID}}
	if err := a.SendBatch(batch, cn.Addr{Port: b.Port()}); err != nil {
		t.Fatal(err)
	}
	var want []cn.Message
	for _, m := range batch {
		if m.Data == nil {
			m.Data = []byte{}
		}
		want = append(want, cn.Message{Msg: m, From: a.Port()})
	}
	if diff := cmp.Diff(want, recv(t, b)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestIntegrationMulticast sends to a group, on both protocols, and
// checks that members get it with the group, others do not, and the
// sender does not hear itself. It runs in a network namespace of its
// own, where no other process is in the groups.
func TestIntegrationMulticast(t *testing.T) {
	needNetAdmin(t)
	for name, proto := range protocols(t) {
		t.Run(name, func(t *testing.T) {
			const group = 20 // a user family idx: 11 and up
			ns := nstest.Private(t)
			sender := dial(t, &cn.Config{Protocol: proto, NetNS: ns, Groups: []uint32{group}})
			member := dial(t, &cn.Config{Protocol: proto, NetNS: ns, Groups: []uint32{group}})
			late := dial(t, &cn.Config{Protocol: proto, NetNS: ns})
			other := dial(t, &cn.Config{Protocol: proto, NetNS: ns, Groups: []uint32{group + 1}})
			if err := late.JoinGroup(group); err != nil {
				t.Fatal(err)
			}
			m := cn.Msg{ID: cn.ID{Idx: group, Val: 1}, Data: []byte("tick")}
			if err := sender.Send(&m, cn.Addr{Group: group}); err != nil {
				t.Fatal(err)
			}
			want := []cn.Message{{Msg: m, From: sender.Port(), Group: group}}
			for _, c := range []*cn.Conn{member, late} {
				if diff := cmp.Diff(want, recv(t, c)); diff != "" {
					t.Errorf("port %d (-want +got):\n%s", c.Port(), diff)
				}
			}
			none(t, other)
			none(t, sender)
			if err := late.LeaveGroup(group); err != nil {
				t.Fatal(err)
			}
			sender.Send(&cn.Msg{ID: m.ID}, cn.Addr{Group: group})
			recv(t, member)
			none(t, late)
		})
	}
}

// TestIntegrationGroupsBeyond32 records what the kernel allows: both
// protocols have 32 groups, so NETLINK_ADD_MEMBERSHIP refuses 33 and up,
// and a user-space sender can address only groups 1 to 32.
func TestIntegrationGroupsBeyond32(t *testing.T) {
	needNetAdmin(t)
	for name, proto := range protocols(t) {
		t.Run(name, func(t *testing.T) {
			c := dial(t, &cn.Config{Protocol: proto})
			if err := c.JoinGroup(32); err != nil {
				t.Errorf("JoinGroup(32): %v", err)
			}
			err := c.JoinGroup(0x123)
			var oe *cn.OpError
			if !errors.Is(err, unix.EINVAL) || !errors.As(err, &oe) || oe.Op != "join-group" {
				t.Errorf("JoinGroup(0x123) = %v, want a join-group error wrapping EINVAL", err)
			}
			if _, err := cn.Dial(&cn.Config{Protocol: proto, Groups: []uint32{0x123}}); !errors.Is(err, unix.EINVAL) {
				t.Errorf("Dial with group 0x123 = %v, want EINVAL", err)
			}
			if err := c.Send(&cn.Msg{ID: echoID}, cn.Addr{Group: 33}); !errors.Is(err, cn.ErrGroupRange) {
				t.Errorf("Send to group 33 = %v, want ErrGroupRange", err)
			}
		})
	}
}

func TestIntegrationCloseUnblocksReceive(t *testing.T) {
	c, err := cn.Dial(&cn.Config{Protocol: cn.ProtoUsersock})
	if err != nil {
		t.Fatal(err)
	}
	errc := make(chan error)
	go func() {
		_, err := c.Receive()
		errc <- err
	}()
	time.Sleep(20 * time.Millisecond) // let Receive park in the poller
	start := time.Now()
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-errc:
		var oe *cn.OpError
		if !errors.Is(err, net.ErrClosed) || !errors.As(err, &oe) || oe.Op != "receive" {
			t.Errorf("Receive = %v, want a receive error wrapping net.ErrClosed", err)
		}
		t.Logf("Receive returned %v after Close: %q", time.Since(start), err)
	case <-time.After(5 * time.Second):
		t.Fatal("Receive still blocked 5s after Close")
	}
	if _, err := c.Receive(); !errors.Is(err, net.ErrClosed) {
		t.Errorf("Receive after Close = %v", err)
	}
	if err := c.Send(&cn.Msg{}, cn.Addr{}); !errors.Is(err, net.ErrClosed) {
		t.Errorf("Send after Close = %v", err)
	}
	if err := c.Close(); err != nil {
		t.Errorf("second Close = %v", err)
	}
}

func TestIntegrationServeEnds(t *testing.T) {
	c := dial(t, &cn.Config{Protocol: cn.ProtoUsersock})
	var d cn.Dispatcher
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- d.Serve(ctx, c) }()
	time.Sleep(20 * time.Millisecond)
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("Serve = %v, want context.Canceled", err)
	}
	// The read deadline Serve used to stop is gone: c still receives.
	peer := dial(t, &cn.Config{Protocol: cn.ProtoUsersock})
	peer.Send(&cn.Msg{ID: echoID}, cn.Addr{Port: c.Port()})
	recv(t, c)

	go func() { done <- d.Serve(context.Background(), c) }()
	time.Sleep(20 * time.Millisecond)
	c.Close()
	select {
	case err := <-done:
		if !errors.Is(err, net.ErrClosed) {
			t.Errorf("Serve = %v, want net.ErrClosed", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Serve still running 5s after Close")
	}
}

// TestIntegrationQueueFull fills a user-space peer's queue: the kernel
// fails the unicast with EAGAIN, which Send reports without waiting.
func TestIntegrationQueueFull(t *testing.T) {
	a := dial(t, &cn.Config{Protocol: cn.ProtoUsersock})
	b := dial(t, &cn.Config{Protocol: cn.ProtoUsersock, ReadBuffer: 1})
	var err error
	for i := 0; i < 1000 && err == nil; i++ {
		err = a.Send(&cn.Msg{ID: echoID, Data: make([]byte, 40)}, cn.Addr{Port: b.Port()})
	}
	if !errors.Is(err, cn.ErrQueueFull) {
		t.Errorf("Send to a full peer = %v, want ErrQueueFull", err)
	}
}

// rawSocket opens a plain netlink socket in network namespace ns (0 for
// the caller's), bound to a port the kernel picks, outside package cn,
// for forging and for flooding.
func rawSocket(t *testing.T, proto, ns int) (int, uint32) {
	t.Helper()
	fd := nstest.Socket(t, ns, unix.AF_NETLINK, unix.SOCK_RAW|unix.SOCK_CLOEXEC, proto)
	if err := unix.Bind(fd, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		t.Fatal(err)
	}
	sa, err := unix.Getsockname(fd)
	if err != nil {
		t.Fatal(err)
	}
	return fd, sa.(*unix.SockaddrNetlink).Pid
}

// TestIntegrationOverrun floods a listener with a tiny receive buffer by
// multicast (the kernel drops multicasts to a full socket, where it
// would make a unicast sender wait), then serves it: Serve meets the
// ENOBUFS, counts it once (the kernel reports an overrun once until the
// queue drains), and goes on; the messages dispatched plus the kernel's
// own drop count (SO_MEMINFO) are exactly the messages sent. It runs in
// a network namespace of its own: a multicast from any other process
// would count.
func TestIntegrationOverrun(t *testing.T) {
	needNetAdmin(t)
	for _, noENOBUFS := range []bool{false, true} {
		name := "ENOBUFS"
		if noENOBUFS {
			name = "NoENOBUFS"
		}
		t.Run(name, func(t *testing.T) {
			const group, sent = 20, 500
			id := cn.ID{Idx: group, Val: 1}
			ns := nstest.Private(t)
			r := dial(t, &cn.Config{Protocol: cn.ProtoUsersock, NetNS: ns, Groups: []uint32{group}, ReadBuffer: 1, NoENOBUFS: noENOBUFS})
			fd, _ := rawSocket(t, cn.ProtoUsersock, ns)
			to := &unix.SockaddrNetlink{Family: unix.AF_NETLINK, Groups: 1 << (group - 1)}
			for i := range sent {
				b, _ := cn.AppendNetlink(nil, &cn.Msg{ID: id, Seq: uint32(i), Data: make([]byte, 40)}, 0)
				// ECONNREFUSED: no kernel socket on NETLINK_USERSOCK takes
				// the copy to port 0; the multicast went out.
				if err := unix.Sendto(fd, b, 0, to); err != nil && err != unix.ECONNREFUSED {
					t.Fatal(err)
				}
			}
			var d cn.Dispatcher
			var got atomic.Uint64
			done := make(chan struct{})
			d.AddCallback(id, "tick", func(*cn.Request) { got.Add(1) })
			d.AddCallback(echoID, "end", func(*cn.Request) { close(done) })
			var overruns atomic.Int64
			d.OnError = func(err error) {
				if !errors.Is(err, cn.ErrOverrun) {
					t.Errorf("OnError(%v)", err)
				}
				overruns.Add(1)
			}
			ctx, cancel := context.WithCancel(context.Background())
			serveErr := make(chan error)
			go func() { serveErr <- d.Serve(ctx, r) }()
			// After the flood Serve must still be receiving: send end
			// markers until one gets through the drained queue.
			b, _ := cn.AppendNetlink(nil, &cn.Msg{ID: echoID}, 0)
			ends := 0
		wait:
			for {
				if err := unix.Sendto(fd, b, 0, to); err != nil && err != unix.ECONNREFUSED {
					t.Fatal(err)
				}
				ends++
				select {
				case <-done:
					break wait
				case <-time.After(100 * time.Millisecond):
				}
			}
			cancel()
			if err := <-serveErr; !errors.Is(err, context.Canceled) {
				t.Errorf("Serve = %v", err)
			}
			drops, err := r.Drops()
			if err != nil {
				t.Fatal(err)
			}
			st := d.Stats()
			t.Logf("sent %d (+%d end markers): dispatched %d, kernel dropped %d, %d overrun(s)", sent, ends, st.Dispatched, drops, st.Overruns)
			wantOverruns := uint64(1)
			if noENOBUFS {
				wantOverruns = 0
			}
			if st.Overruns != wantOverruns || uint64(overruns.Load()) != st.Overruns {
				t.Errorf("Overruns = %d, OnError saw %d, want %d", st.Overruns, overruns.Load(), wantOverruns)
			}
			if st.Dispatched != got.Load()+1 || st.Received != st.Dispatched {
				t.Errorf("Stats %+v: want %d ticks and 1 end marker dispatched", st, got.Load())
			}
			if drops == 0 || st.Received+drops != uint64(sent+ends) {
				t.Errorf("received %d + dropped %d (SO_MEMINFO), want %d sent", st.Received, drops, sent+ends)
			}
		})
	}
}

// TestIntegrationForgedProcEvent has a user-space socket send a fake
// proc event (idx 1, val 1), with nlmsg_pid 0 as the kernel writes it,
// straight to a listener's port. The listener's callback is KernelOnly:
// the datagram's source address gives the forger away, the message is
// counted as rejected and never reaches the callback.
func TestIntegrationForgedProcEvent(t *testing.T) {
	needNetAdmin(t)
	l := dial(t, nil)
	var d cn.Dispatcher
	var calls atomic.Int64
	done := make(chan struct{})
	d.AddCallback(procID, "proc.event", func(*cn.Request) { calls.Add(1) }, cn.KernelOnly())
	d.AddCallback(echoID, "end", func(*cn.Request) { close(done) })
	var rejected []*cn.DispatchError
	d.OnError = func(err error) {
		var de *cn.DispatchError
		if errors.As(err, &de) && errors.Is(err, cn.ErrRejected) {
			rejected = append(rejected, de)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go d.Serve(ctx, l)

	fd, forger := rawSocket(t, unix.NETLINK_CONNECTOR, 0)
	ev := event{What: 0x2, CPU: 0, TS: 1}                                           // PROC_EVENT_EXEC
	b, _ := cn.AppendNetlink(nil, &cn.Msg{ID: procID, Data: ev.MarshalBinary()}, 0) // nlmsg_pid 0, like the kernel's
	end, _ := cn.AppendNetlink(nil, &cn.Msg{ID: echoID}, 0)
	to := &unix.SockaddrNetlink{Family: unix.AF_NETLINK, Pid: l.Port()}
	if err := unix.Sendto(fd, b, 0, to); err != nil {
		t.Fatal(err)
	}
	if err := unix.Sendto(fd, end, 0, to); err != nil {
		t.Fatal(err)
	}
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("end marker not dispatched")
	}
	if calls.Load() != 0 {
		t.Errorf("forged event reached the KernelOnly callback %d times", calls.Load())
	}
	want := cn.Stats{Received: 2, Dispatched: 1, Rejected: 1}
	if diff := cmp.Diff(want, d.Stats()); diff != "" {
		t.Errorf("Stats (-want +got):\n%s", diff)
	}
	if len(rejected) != 1 || rejected[0].From != forger || rejected[0].ID != procID {
		t.Errorf("rejections reported: %v, want one from port %d", rejected, forger)
	}
}

// TestIntegrationCall makes concurrent calls between two processes' worth
// of sockets, with a timeout for one nobody answers.
func TestIntegrationCall(t *testing.T) {
	srvConn := dial(t, &cn.Config{Protocol: cn.ProtoUsersock})
	cliConn := dial(t, &cn.Config{Protocol: cn.ProtoUsersock})
	var srv, cli cn.Dispatcher
	srv.AddCallback(echoID, "echo", func(r *cn.Request) {
		if string(r.Data) != "silent" {
			r.Reply(append([]byte("re:"), r.Data...))
		}
	})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go srv.Serve(ctx, srvConn)
	go cli.Serve(ctx, cliConn)
	var wg sync.WaitGroup
	for i := range 32 {
		wg.Go(func() {
			data := strings.Repeat("x", i)
			reply, err := cli.Call(ctx, cliConn, &cn.Msg{ID: echoID, Data: []byte(data)}, cn.Addr{Port: srvConn.Port()})
			if err != nil {
				t.Error(err)
			} else if string(reply.Data) != "re:"+data || reply.From != srvConn.Port() {
				t.Errorf("call %d: reply %q from %d", i, reply.Data, reply.From)
			}
		})
	}
	wg.Wait()
	tctx, tcancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer tcancel()
	if _, err := cli.Call(tctx, cliConn, &cn.Msg{ID: echoID, Data: []byte("silent")}, cn.Addr{Port: srvConn.Port()}); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("unanswered Call = %v, want DeadlineExceeded", err)
	}
	if st := cli.Stats(); st.Replies != 32 {
		t.Errorf("Replies = %d, want 32", st.Replies)
	}
}

// TestKernelProcConnector subscribes to the real proc connector, runs a
// program, and waits for the kernel's exec event for its pid, from port
// 0 on group 1; then unsubscribes. The kernel's connector exists in the
// initial network namespace only, which the test shares with every
// process on the machine: it takes the kernel's messages alone
// (KernelOnly), and of those the exec event of its own child.
func TestKernelProcConnector(t *testing.T) {
	if b, err := os.ReadFile("/proc/net/connector"); err != nil || !strings.Contains(string(b), "cn_proc") {
		t.Skip("no proc connector: /proc/net/connector does not list cn_proc")
	}
	c, err := cn.Dial(&cn.Config{Groups: []uint32{cn.IdxProc}, ReadBuffer: 1 << 20})
	if errors.Is(err, unix.EPERM) {
		t.Skip("joining the proc group needs CAP_NET_ADMIN before Linux 6.6")
	}
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var d cn.Dispatcher
	execs := make(chan cn.Message, 1024)
	var acks atomic.Int64
	cn.Register(&d, []cn.Route{cn.On(procID, "proc.event", func(r *cn.Request, e *event) {
		switch e.What {
		case 0: // PROC_EVENT_NONE: the ack of our LISTEN
			acks.Add(1)
		case 2: // PROC_EVENT_EXEC
			m := r.Message
			m.Data = append([]byte(nil), r.Data...)
			select {
			case execs <- m:
			default:
			}
		}
	})}, cn.KernelOnly())
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go d.Serve(ctx, c)

	// struct proc_input { enum proc_cn_mcast_op mcast_op; enum proc_cn_event event_type; }
	control := func(op uint32) {
		t.Helper()
		in := binary.NativeEndian.AppendUint32(nil, op)
		in = binary.NativeEndian.AppendUint32(in, 0xe00003c7) // PROC_EVENT_ALL
		// To port 0 only: with a group too, every other proc listener
		// would get our control message as though it were an event.
		if err := c.Send(&cn.Msg{ID: procID, Data: in}, cn.Addr{}); err != nil {
			t.Fatal(err)
		}
	}
	control(1)       // PROC_CN_MCAST_LISTEN
	defer control(2) // PROC_CN_MCAST_IGNORE

	deadline := time.After(10 * time.Second)
	for {
		cmd := exec.Command("true")
		if err := cmd.Run(); err != nil {
			t.Fatal(err)
		}
		pid := uint32(cmd.Process.Pid)
		wait := time.After(500 * time.Millisecond)
	events:
		for {
			select {
			case m := <-execs:
				if binary.NativeEndian.Uint32(m.Data[16:]) != pid { // event_data.exec.process_pid
					continue
				}
				if m.From != 0 || m.Group != cn.IdxProc {
					t.Errorf("exec event from port %d on group %d, want port 0, group 1", m.From, m.Group)
				}
				t.Logf("exec event of pid %d, seq %d, cpu %d; %d ack(s); stats %+v", pid, m.Seq, binary.NativeEndian.Uint32(m.Data[4:]), acks.Load(), d.Stats())
				// Only the kernel's messages reach the callback, and each
				// must decode. Rejected and Malformed count what other
				// processes may multicast on the proc group: not ours to
				// judge.
				if st := d.Stats(); st.Invalid != 0 {
					t.Errorf("Stats %+v: the kernel sent events that do not decode", st)
				}
				return
			case <-wait:
				break events
			case <-deadline:
				t.Fatal("no exec event within 10s")
			}
		}
	}
}
