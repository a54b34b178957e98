//go:build linux

package cbus_test

import (
	"context"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cngen/cngen/internal/nstest"
	"github.com/cngen/cngen/runtime/cbus"
	"github.com/cngen/cngen/runtime/cn"
	"golang.org/x/sys/unix"
)

// protocols are the protocols a test runs on: NETLINK_USERSOCK, where
// processes unicast to each other without privilege, and, as root,
// NETLINK_CONNECTOR, where that needs CAP_NET_ADMIN.
func protocols(t *testing.T) map[string]int {
	ps := map[string]int{"usersock": cn.ProtoUsersock}
	if os.Geteuid() == 0 {
		ps["connector"] = cn.ProtoConnector
	} else {
		t.Log("NETLINK_CONNECTOR cases skipped: they need root (CAP_NET_ADMIN)")
	}
	return ps
}

func needNetAdmin(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root (CAP_NET_ADMIN) to join netlink groups")
	}
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

// TestIntegrationExactlyOnce has producers insert concurrently into a
// bus on a real socket, towards a real receiver served by a
// cn.Dispatcher, and closes the bus as soon as they are done: every
// message arrives exactly once, each producer's in order, with its
// data intact. The slow receiver's small buffer fills again and again:
// the worker retries (SendErrors) and loses nothing.
func TestIntegrationExactlyOnce(t *testing.T) {
	const producers, n = 8, 4000
	for name, proto := range protocols(t) {
		for _, rcv := range []struct {
			name string
			buf  int
		}{{"fast", 4 << 20}, {"slow", 1}} {
			t.Run(name+"/"+rcv.name, func(t *testing.T) {
				sender := dial(t, &cn.Config{Protocol: proto})
				receiver := dial(t, &cn.Config{Protocol: proto, ReadBuffer: rcv.buf, ForceReadBuffer: os.Geteuid() == 0})
				tl := newTally(producers)
				ctx, cancel := context.WithCancel(context.Background())
				defer cancel()
				done := drain(ctx, receiver, tl)
				bus := newBus(t, sender, &cbus.Config{To: cn.Addr{Port: receiver.Port()}, RetryTimeout: 10 * time.Second})
				taken, sum := produce(t, bus, producers, n)
				if err := bus.Close(); err != nil {
					t.Fatal(err)
				}
				waitFor(t, "every message", func() bool { return tl.count() >= taken })
				time.Sleep(10 * time.Millisecond) // for any duplicate to show
				cancel()
				<-done
				tl.check(t, producers*n, sum)
				st := bus.Stats()
				t.Logf("%+v", st)
				if st.Inserted != producers*n || st.Sent != st.Inserted || st.Failed != 0 || st.Datagrams >= st.Sent {
					t.Errorf("Stats %+v: want all %d sent, packed", st, producers*n)
				}
				if drops, err := receiver.Drops(); err != nil || drops != 0 {
					t.Errorf("receiver Drops = %d, %v; a unicast is refused, not dropped", drops, err)
				}
			})
		}
	}
}

// TestIntegrationDrop fills the bus while its receiver, with a tiny
// buffer, does not read: inserts fail with ErrFull, each counted; once
// the receiver reads, every message taken arrives.
func TestIntegrationDrop(t *testing.T) {
	const producers, n = 4, 3000
	sender := dial(t, &cn.Config{Protocol: cn.ProtoUsersock})
	receiver := dial(t, &cn.Config{Protocol: cn.ProtoUsersock, ReadBuffer: 1})
	bus := newBus(t, sender, &cbus.Config{To: cn.Addr{Port: receiver.Port()}, Full: cbus.Drop, QueueLen: 256, RetryTimeout: time.Minute})
	var refused atomic.Int64
	var taken atomic.Int64
	var sum atomic.Uint32
	var wg sync.WaitGroup
	for p := range producers {
		wg.Go(func() {
			for i := range n {
				data := payload(nil, p, i)
				switch err := bus.Insert(&cn.Msg{ID: id, Data: data}); {
				case err == nil:
					taken.Add(1)
					sum.Add(crc32.ChecksumIEEE(data))
				case errors.Is(err, cbus.ErrFull):
					refused.Add(1)
				default:
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	var count atomic.Int64
	var rsum atomic.Uint32
	var d cn.Dispatcher
	d.AddCallback(id, "test", func(r *cn.Request) {
		count.Add(1)
		rsum.Add(crc32.ChecksumIEEE(r.Data))
	})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go d.Serve(ctx, receiver)
	if err := bus.Close(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the messages taken", func() bool { return count.Load() >= taken.Load() })
	st := bus.Stats()
	t.Logf("%d refused; %+v", refused.Load(), st)
	if refused.Load() == 0 || st.Dropped != uint64(refused.Load()) || st.Inserted != uint64(taken.Load()) ||
		st.Inserted+st.Dropped != producers*n || st.Sent != st.Inserted || rsum.Load() != sum.Load() {
		t.Errorf("Stats %+v; %d refused, %d taken, %d received (CRC sum %#x, want %#x)", st, refused.Load(), taken.Load(), count.Load(), rsum.Load(), sum.Load())
	}
}

// TestIntegrationOverrun multicasts through the bus to a member with a
// tiny buffer that does not read. The kernel drops for that member
// alone, as it does a multicast from any sender; the member's runtime
// reports it (ENOBUFS as one overrun in its Dispatcher's Stats, the
// kernel's drop count from Conn.Drops), and received + dropped
// datagrams are all that were sent.
func TestIntegrationOverrun(t *testing.T) {
	needNetAdmin(t)
	const group, n = 22, 3000
	ns := nstest.Private(t)
	sender := dial(t, &cn.Config{Protocol: cn.ProtoUsersock, NetNS: ns})
	member := dial(t, &cn.Config{Protocol: cn.ProtoUsersock, NetNS: ns, Groups: []uint32{group}, ReadBuffer: 1})
	bus := newBus(t, sender, &cbus.Config{To: cn.Addr{Group: group}, PackMulticast: true, MaxDatagram: 1024})
	taken, _ := produce(t, bus, 2, n/2)
	if err := bus.Close(); err != nil {
		t.Fatal(err)
	}
	st := bus.Stats()
	if st.Sent != uint64(taken) || st.Failed != 0 {
		t.Fatalf("bus Stats %+v: want all %d sent", st, taken)
	}
	var got, datagrams, overruns uint64
	for {
		member.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
		msgs, err := member.Receive()
		if errors.Is(err, os.ErrDeadlineExceeded) {
			break
		}
		switch {
		case errors.Is(err, cn.ErrOverrun):
			overruns++
		case err != nil:
			t.Fatal(err)
		default:
			datagrams++
			got += uint64(len(msgs))
		}
	}
	drops, err := member.Drops()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("bus sent %d messages in %d datagrams; member got %d in %d, dropped %d datagrams, %d overrun(s)", st.Sent, st.Datagrams, got, datagrams, drops, overruns)
	if drops == 0 || overruns != 1 || datagrams+drops != st.Datagrams {
		t.Errorf("member received %d + dropped %d datagrams, %d overrun(s); want the %d sent and one overrun", datagrams, drops, overruns, st.Datagrams)
	}
	// The same through a Dispatcher: the overrun is counted and reported.
	member2 := dial(t, &cn.Config{Protocol: cn.ProtoUsersock, NetNS: ns, Groups: []uint32{group}, ReadBuffer: 1})
	bus2 := newBus(t, sender, &cbus.Config{To: cn.Addr{Group: group}, PackMulticast: true, MaxDatagram: 1024})
	produce(t, bus2, 1, 1000)
	bus2.Close()
	var d2 cn.Dispatcher
	var reported atomic.Int64
	d2.OnError = func(err error) {
		if errors.Is(err, cn.ErrOverrun) {
			reported.Add(1)
		}
	}
	ctx2, cancel2 := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel2()
	d2.Serve(ctx2, member2)
	if st := d2.Stats(); st.Overruns != 1 || reported.Load() != 1 {
		t.Errorf("Dispatcher Stats %+v, %d reported: want the overrun counted and reported once", st, reported.Load())
	}
}

// TestKernelProcAcks sends the proc connector's LISTEN control message
// through the bus to port 0, many times, and counts the kernel's acks on
// the proc group: one per message, so each went in a datagram of its
// own (the kernel reads only the first message of a datagram), and
// several datagrams went per sendmmsg. It sends IGNORE at the end.
func TestKernelProcAcks(t *testing.T) {
	if b, err := os.ReadFile("/proc/net/connector"); err != nil || !strings.Contains(string(b), "cn_proc") {
		t.Skip("no proc connector: /proc/net/connector does not list cn_proc")
	}
	listener, err := cn.Dial(&cn.Config{Groups: []uint32{cn.IdxProc}, ReadBuffer: 4 << 20})
	if errors.Is(err, unix.EPERM) {
		t.Skip("joining the proc group needs CAP_NET_ADMIN before Linux 6.6")
	}
	if err != nil {
		t.Fatal(err)
	}
	defer listener.Close()
	procID := cn.ID{Idx: cn.IdxProc, Val: 1}
	const n = 300
	acks := make(map[uint32]int) // by the Ack they answer
	var mu sync.Mutex
	var d cn.Dispatcher
	d.AddCallback(procID, "proc", func(r *cn.Request) {
		if len(r.Data) >= 4 && binary.NativeEndian.Uint32(r.Data) == 0 { // PROC_EVENT_NONE: an ack
			mu.Lock()
			acks[r.Ack-1]++
			mu.Unlock()
		}
	}, cn.KernelOnly())
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go d.Serve(ctx, listener)

	sender := dial(t, nil)
	bus := newBus(t, sender, &cbus.Config{FlushInterval: time.Hour})
	// struct proc_input { enum proc_cn_mcast_op mcast_op; enum proc_cn_event event_type; }
	control := func(op uint32) *cn.Msg {
		in := binary.NativeEndian.AppendUint32(nil, op)
		in = binary.NativeEndian.AppendUint32(in, 0xe00003c7) // PROC_EVENT_ALL
		return &cn.Msg{ID: procID, Data: in}
	}
	sent := make(map[uint32]bool)
	for range n {
		m := control(1) // PROC_CN_MCAST_LISTEN
		if err := bus.Insert(m); err != nil {
			t.Fatal(err)
		}
		sent[m.Ack] = true
	}
	defer func() {
		bus.Insert(control(2)) // PROC_CN_MCAST_IGNORE
		bus.Close()
	}()
	if err := bus.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "an ack of every LISTEN", func() bool {
		mu.Lock()
		defer mu.Unlock()
		got := 0
		for a := range sent {
			got += min(acks[a], 1)
		}
		return got == n
	})
	mu.Lock()
	for a := range sent {
		if acks[a] != 1 {
			t.Errorf("LISTEN with ack %d acked %d times", a, acks[a])
		}
	}
	mu.Unlock()
	st := bus.Stats()
	t.Logf("%+v", st)
	if st.Sent != n || st.Datagrams != n || st.Batches >= n/10 {
		t.Errorf("Stats %+v: want %d messages in as many datagrams, in a few sendmmsg calls", st, n)
	}
}
