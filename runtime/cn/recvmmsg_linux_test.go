//go:build linux

package cn_test

import (
	"bytes"
	"context"
	"errors"
	"net"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cngen/cngen/internal/nstest"
	"github.com/cngen/cngen/runtime/cn"
	"github.com/google/go-cmp/cmp"
	"golang.org/x/sys/unix"
)

// receivers are the two ways of reading a Conn: Receive, a datagram per
// call, and ReceiveBatch, which Dispatcher.Serve uses, every datagram
// one system call read.
var receivers = map[string]func(*cn.Conn) ([]cn.Message, error){
	"Receive":      (*cn.Conn).Receive,
	"ReceiveBatch": cn.ReceiveBatch,
}

// step is what one receive returned: the messages, Data copied, and the
// error that came with them, if any, by kind.
type step struct {
	Msgs []cn.Message
	Err  string // "", "malformed" or "overrun"
}

// drain receives from c until nothing more comes for a moment, and
// returns each receive's step.
func drain(t *testing.T, c *cn.Conn, receive func(*cn.Conn) ([]cn.Message, error)) []step {
	t.Helper()
	var steps []step
	for {
		c.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
		msgs, err := receive(c)
		if errors.Is(err, os.ErrDeadlineExceeded) {
			c.SetReadDeadline(time.Time{})
			return steps
		}
		steps = append(steps, stepOf(t, msgs, err))
	}
}

func stepOf(t *testing.T, msgs []cn.Message, err error) step {
	t.Helper()
	s := step{Msgs: append([]cn.Message(nil), msgs...)}
	for i := range s.Msgs {
		s.Msgs[i].Data = bytes.Clone(s.Msgs[i].Data)
	}
	switch {
	case err == nil:
	case errors.Is(err, cn.ErrMalformed):
		s.Err = "malformed"
	case errors.Is(err, cn.ErrOverrun):
		s.Err = "overrun"
	default:
		t.Fatalf("receive: %v", err)
	}
	return s
}

// sendTo sends datagram b from the raw socket fd to port, without
// waiting for room.
func sendTo(t *testing.T, fd int, port uint32, b []byte) {
	t.Helper()
	if err := unix.Sendto(fd, b, unix.MSG_DONTWAIT, &unix.SockaddrNetlink{Family: unix.AF_NETLINK, Pid: port}); err != nil {
		t.Fatal(err)
	}
}

// TestIntegrationReceiveBatchSenders queues datagrams from three
// senders, one of them of two messages, which one system call reads:
// Receive returns them a datagram at a time, ReceiveBatch all at once,
// and each message has the port of its own datagram's sender.
func TestIntegrationReceiveBatchSenders(t *testing.T) {
	for name, receive := range receivers {
		t.Run(name, func(t *testing.T) {
			r := dial(t, &cn.Config{Protocol: cn.ProtoUsersock})
			cn.GrowReceive(r, 8)
			a, b, c := dial(t, &cn.Config{Protocol: cn.ProtoUsersock}), dial(t, &cn.Config{Protocol: cn.ProtoUsersock}), dial(t, &cn.Config{Protocol: cn.ProtoUsersock})
			to := cn.Addr{Port: r.Port()}
			var datagrams [][]cn.Message
			for _, s := range []struct {
				from *cn.Conn
				ms   []cn.Msg
			}{
				{a, []cn.Msg{{ID: echoID, Data: []byte("a1")}}},
				{b, []cn.Msg{{ID: echoID, Data: []byte("b1")}, {ID: echoID, Data: []byte("b2")}}},
				{c, []cn.Msg{{ID: echoID, Data: []byte("c1")}}},
				{a, []cn.Msg{{ID: echoID, Data: []byte("a2")}}},
			} {
				if err := s.from.SendBatch(s.ms, to); err != nil {
					t.Fatal(err)
				}
				var d []cn.Message
				for _, m := range s.ms {
					d = append(d, cn.Message{Msg: m, From: s.from.Port()})
				}
				datagrams = append(datagrams, d)
			}
			var want []step
			if name == "ReceiveBatch" {
				want = []step{{Msgs: concat(datagrams)}}
			} else {
				for _, d := range datagrams {
					want = append(want, step{Msgs: d})
				}
			}
			if diff := cmp.Diff(want, drain(t, r, receive)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func concat(ds [][]cn.Message) []cn.Message {
	var all []cn.Message
	for _, d := range ds {
		all = append(all, d...)
	}
	return all
}

// TestIntegrationReceiveBatchGroups queues a unicast and multicasts on
// two groups, from two senders: each message keeps the sender and the
// group of its own datagram. It runs in a network namespace of its own.
func TestIntegrationReceiveBatchGroups(t *testing.T) {
	needNetAdmin(t)
	const g1, g2 = 20, 21
	ns := nstest.Private(t)
	r := dial(t, &cn.Config{Protocol: cn.ProtoUsersock, NetNS: ns, Groups: []uint32{g1, g2}})
	cn.GrowReceive(r, 8)
	a := dial(t, &cn.Config{Protocol: cn.ProtoUsersock, NetNS: ns})
	b := dial(t, &cn.Config{Protocol: cn.ProtoUsersock, NetNS: ns})
	var want []cn.Message
	for _, s := range []struct {
		from *cn.Conn
		to   cn.Addr
	}{
		{a, cn.Addr{Port: r.Port()}},
		{b, cn.Addr{Group: g1}},
		{a, cn.Addr{Group: g2}},
		{b, cn.Addr{Port: r.Port()}},
	} {
		m := cn.Msg{ID: echoID, Data: []byte{byte(len(want))}}
		if err := s.from.Send(&m, s.to); err != nil {
			t.Fatal(err)
		}
		want = append(want, cn.Message{Msg: m, From: s.from.Port(), Group: s.to.Group})
	}
	if diff := cmp.Diff([]step{{Msgs: want}}, drain(t, r, cn.ReceiveBatch)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestIntegrationReceiveBatchFault puts a datagram that does not parse
// among good ones read by one system call: it comes in a receive of its
// own, with its messages before the fault, after the datagrams before it
// and before those after it, which arrive whole.
func TestIntegrationReceiveBatchFault(t *testing.T) {
	faults := []struct {
		name string
		b    func(t *testing.T) []byte
		msgs []cn.Msg // of the faulty datagram, before the fault
	}{
		{
			name: "truncated",
			b: func(t *testing.T) []byte {
				return frame(t, 0, cn.Msg{ID: echoID, Seq: 9, Data: make([]byte, 300)})
			},
		},
		{
			name: "malformed",
			b: func(t *testing.T) []byte {
				return append(frame(t, 0, cn.Msg{ID: echoID, Seq: 9, Data: []byte("ok")}), 1, 2, 3, 4, 5, 6, 7, 8)
			},
			msgs: []cn.Msg{{ID: echoID, Seq: 9, Data: []byte("ok")}},
		},
	}
	for _, f := range faults {
		for name, receive := range receivers {
			t.Run(f.name+"/"+name, func(t *testing.T) {
				r := dial(t, &cn.Config{Protocol: cn.ProtoUsersock, MaxDatagram: 256})
				cn.GrowReceive(r, 8)
				a, pa := rawSocket(t, cn.ProtoUsersock, 0)
				b, pb := rawSocket(t, cn.ProtoUsersock, 0)
				c, pc := rawSocket(t, cn.ProtoUsersock, 0)
				good := func(seq uint32) []byte { return frame(t, 0, cn.Msg{ID: echoID, Seq: seq, Data: []byte{byte(seq)}}) }
				sendTo(t, a, r.Port(), good(1))
				sendTo(t, b, r.Port(), good(2))
				sendTo(t, c, r.Port(), f.b(t))
				sendTo(t, a, r.Port(), good(3))
				msg := func(seq, from uint32) cn.Message {
					return cn.Message{Msg: cn.Msg{ID: echoID, Seq: seq, Data: []byte{byte(seq)}}, From: from}
				}
				fault := step{Err: "malformed"}
				for _, m := range f.msgs {
					fault.Msgs = append(fault.Msgs, cn.Message{Msg: m, From: pc})
				}
				want := []step{{Msgs: []cn.Message{msg(1, pa)}}, {Msgs: []cn.Message{msg(2, pb)}}, fault, {Msgs: []cn.Message{msg(3, pa)}}}
				if name == "ReceiveBatch" {
					want = []step{{Msgs: []cn.Message{msg(1, pa), msg(2, pb)}}, fault, {Msgs: []cn.Message{msg(3, pa)}}}
				}
				if diff := cmp.Diff(want, drain(t, r, receive)); diff != "" {
					t.Errorf("(-want +got):\n%s", diff)
				}
			})
		}
	}
}

// TestIntegrationReceiveOverrunAfterBatch has one system call read three
// datagrams, of which Receive returns the first, and then overflows the
// emptied queue: the other two come next, then the overrun, then what
// the queue kept, and nothing sent is unaccounted for. It runs in a
// network namespace of its own, where nobody else multicasts.
func TestIntegrationReceiveOverrunAfterBatch(t *testing.T) {
	needNetAdmin(t)
	const group, flood = 20, 100
	ns := nstest.Private(t)
	r := dial(t, &cn.Config{Protocol: cn.ProtoUsersock, NetNS: ns, Groups: []uint32{group}})
	cn.GrowReceive(r, 8)
	var ports []uint32
	for i := range 3 {
		fd, port := rawSocket(t, cn.ProtoUsersock, ns)
		sendTo(t, fd, r.Port(), frame(t, 0, cn.Msg{ID: echoID, Seq: uint32(i)}))
		ports = append(ports, port)
	}
	msg := func(i int) cn.Message {
		return cn.Message{Msg: cn.Msg{ID: echoID, Seq: uint32(i), Data: []byte{}}, From: ports[i]}
	}
	var steps []step
	msgs, err := r.Receive()
	steps = append(steps, stepOf(t, msgs, err))

	// The three are out of the kernel's queue: shrink it, and flood it.
	if err := r.SetReadBuffer(1, false); err != nil {
		t.Fatal(err)
	}
	fd, flooder := rawSocket(t, cn.ProtoUsersock, ns)
	to := &unix.SockaddrNetlink{Family: unix.AF_NETLINK, Groups: 1 << (group - 1)}
	b := frame(t, 0, cn.Msg{ID: echoID, Seq: 100, Data: make([]byte, 40)})
	for range flood {
		// ECONNREFUSED: no kernel socket on NETLINK_USERSOCK takes the
		// copy to port 0; the multicast went out.
		if err := unix.Sendto(fd, b, 0, to); err != nil && err != unix.ECONNREFUSED {
			t.Fatal(err)
		}
	}
	msgs, err = cn.ReceiveBatch(r)
	steps = append(steps, stepOf(t, msgs, err))
	msgs, err = r.Receive()
	steps = append(steps, stepOf(t, msgs, err))
	want := []step{{Msgs: []cn.Message{msg(0)}}, {Msgs: []cn.Message{msg(1), msg(2)}}, {Err: "overrun"}}
	if diff := cmp.Diff(want, steps); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	got := 0
	for _, s := range drain(t, r, cn.ReceiveBatch) {
		for _, m := range s.Msgs {
			if m.From != flooder || m.Group != group || m.Seq != 100 || s.Err != "" {
				t.Errorf("after the overrun: %+v, error %q", m, s.Err)
			}
			got++
		}
	}
	drops, err := r.Drops()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("flood of %d: %d received, %d dropped", flood, got, drops)
	if drops == 0 || uint64(got)+drops != flood {
		t.Errorf("received %d + dropped %d (SO_MEMINFO), want %d sent", got, drops, flood)
	}
}

// TestIntegrationOverrunWhileBatching floods a listener by multicast
// while a Dispatcher serves it, its callback stalling now and then, so
// that overruns happen while datagrams are being read in batches: the
// messages dispatched plus those the kernel dropped are exactly those
// sent, and there were overruns reported if and only if there were
// drops. It runs in a network namespace of its own.
func TestIntegrationOverrunWhileBatching(t *testing.T) {
	needNetAdmin(t)
	const group, sent = 20, 20000
	id := cn.ID{Idx: group, Val: 1}
	ns := nstest.Private(t)
	r := dial(t, &cn.Config{Protocol: cn.ProtoUsersock, NetNS: ns, Groups: []uint32{group}, ReadBuffer: 16 << 10})
	fd, _ := rawSocket(t, cn.ProtoUsersock, ns)
	to := &unix.SockaddrNetlink{Family: unix.AF_NETLINK, Groups: 1 << (group - 1)}
	var d cn.Dispatcher
	var got atomic.Uint64
	done := make(chan struct{})
	d.AddCallback(id, "tick", func(*cn.Request) {
		if got.Add(1)%1000 == 0 {
			time.Sleep(2 * time.Millisecond)
		}
	})
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
	send := func(b []byte) {
		// ECONNREFUSED: no kernel socket on NETLINK_USERSOCK takes the
		// copy to port 0; the multicast went out.
		if err := unix.Sendto(fd, b, 0, to); err != nil && err != unix.ECONNREFUSED {
			t.Fatal(err)
		}
	}
	for i := range sent {
		send(frame(t, 0, cn.Msg{ID: id, Seq: uint32(i), Data: make([]byte, 40)}))
	}
	end := frame(t, 0, cn.Msg{ID: echoID})
	ends := 0
wait:
	for {
		send(end)
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
	t.Logf("sent %d (+%d end markers): dispatched %d, kernel dropped %d, %d overrun(s), batch room %d", sent, ends, st.Dispatched, drops, st.Overruns, cn.ReceiveRoom(r))
	if st.Received+drops != uint64(sent+ends) {
		t.Errorf("received %d + dropped %d (SO_MEMINFO), want %d sent", st.Received, drops, sent+ends)
	}
	if (st.Overruns > 0) != (drops > 0) || uint64(overruns.Load()) != st.Overruns {
		t.Errorf("%d overrun(s), %d reported, with %d dropped", st.Overruns, overruns.Load(), drops)
	}
}

// TestIntegrationReceivePending checks that datagrams read but not yet
// returned wait behind the read deadline and go with Close, as those in
// the kernel's queue do.
func TestIntegrationReceivePending(t *testing.T) {
	r := dial(t, &cn.Config{Protocol: cn.ProtoUsersock})
	cn.GrowReceive(r, 8)
	a := dial(t, &cn.Config{Protocol: cn.ProtoUsersock})
	for i := range 3 {
		if err := a.Send(&cn.Msg{ID: echoID, Seq: uint32(i + 1)}, cn.Addr{Port: r.Port()}); err != nil {
			t.Fatal(err)
		}
	}
	if msgs := recv(t, r); len(msgs) != 1 || msgs[0].Seq != 1 {
		t.Fatalf("first Receive = %+v", msgs)
	}
	for name, receive := range receivers {
		r.SetReadDeadline(time.Unix(1, 0))
		if msgs, err := receive(r); !errors.Is(err, os.ErrDeadlineExceeded) {
			t.Errorf("%s after the deadline = %+v, %v; want os.ErrDeadlineExceeded", name, msgs, err)
		}
	}
	if msgs := recv(t, r); len(msgs) != 1 || msgs[0].Seq != 2 || msgs[0].From != a.Port() {
		t.Errorf("Receive with the deadline cleared = %+v, want seq 2 from port %d", msgs, a.Port())
	}
	r.Close()
	for name, receive := range receivers {
		if msgs, err := receive(r); !errors.Is(err, net.ErrClosed) {
			t.Errorf("%s after Close = %+v, %v; want net.ErrClosed", name, msgs, err)
		}
	}
}

// TestIntegrationReceiveGrows checks how far the room for datagrams per
// system call grows under a backlog: to 512 KiB of buffers, 16
// datagrams at most, one at least.
func TestIntegrationReceiveGrows(t *testing.T) {
	for _, tt := range []struct {
		name        string
		maxDatagram int
		want        int
	}{
		{"default", 0, 8},
		{"1KiB", 1 << 10, 16},
		{"1MiB", 1 << 20, 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := dial(t, &cn.Config{Protocol: cn.ProtoUsersock, MaxDatagram: tt.maxDatagram})
			a := dial(t, &cn.Config{Protocol: cn.ProtoUsersock})
			if got := cn.ReceiveRoom(r); got != 1 {
				t.Errorf("room before a backlog = %d, want 1", got)
			}
			const n = 40
			ds := make([]cn.Datagram, n)
			for i := range ds {
				ds[i] = cn.Datagram{To: cn.Addr{Port: r.Port()}, B: frame(t, 0, cn.Msg{ID: echoID, Seq: uint32(i)})}
			}
			if sent, err := a.SendDatagrams(ds); sent != n || err != nil {
				t.Fatalf("SendDatagrams = %d, %v", sent, err)
			}
			for i := range n {
				if msgs := recv(t, r); len(msgs) != 1 || msgs[0].Seq != uint32(i) {
					t.Fatalf("Receive %d = %+v", i, msgs)
				}
			}
			if got := cn.ReceiveRoom(r); got != tt.want {
				t.Errorf("room after a backlog of %d = %d, want %d", n, got, tt.want)
			}
		})
	}
}

// TestIntegrationReceiveAllocs checks that receiving batches allocates
// nothing once the buffers have grown.
func TestIntegrationReceiveAllocs(t *testing.T) {
	for name, receive := range receivers {
		t.Run(name, func(t *testing.T) {
			r := dial(t, &cn.Config{Protocol: cn.ProtoUsersock})
			cn.GrowReceive(r, 8)
			a := dial(t, &cn.Config{Protocol: cn.ProtoUsersock})
			ds := make([]cn.Datagram, 8)
			for i := range ds {
				ds[i] = cn.Datagram{To: cn.Addr{Port: r.Port()}, B: frame(t, 0, cn.Msg{ID: echoID, Data: make([]byte, 40)})}
			}
			r.SetReadDeadline(time.Now().Add(time.Minute)) // once: it allocates
			var err error
			round := func() {
				if _, err = a.SendDatagrams(ds); err != nil {
					return
				}
				var msgs []cn.Message
				for got := 0; got < len(ds); got += len(msgs) {
					if msgs, err = receive(r); err != nil {
						return
					}
				}
			}
			for range 3 {
				round()
			}
			allocs := testing.AllocsPerRun(100, round)
			if err != nil {
				t.Fatal(err)
			}
			if allocs != 0 {
				t.Errorf("%v allocations per 8 datagrams, want 0", allocs)
			}
		})
	}
}
