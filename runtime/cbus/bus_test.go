package cbus_test

import (
	"context"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/cngen/cngen/runtime/cbus"
	"github.com/cngen/cngen/runtime/cn"
	"github.com/cngen/cngen/runtime/cntest"
	"github.com/google/go-cmp/cmp"
)

var id = cn.ID{Idx: 0x123, Val: 1}

// payload is message i of producer p: p and i, then 0 to 12 filler
// bytes, so that messages end at every offset modulo 4.
func payload(buf []byte, p, i int) []byte {
	b := binary.NativeEndian.AppendUint32(buf[:0], uint32(p))
	b = binary.NativeEndian.AppendUint32(b, uint32(i))
	for k := range i % 13 {
		b = append(b, byte(p+i+k))
	}
	return b
}

// tally checks what a receiver got from producers: every message once,
// each producer's in order, and the data intact.
type tally struct {
	mu    sync.Mutex
	next  []int // per producer, the index expected next
	total int
	sum   uint32 // sum of the CRCs of the data
	errs  []string
}

func newTally(producers int) *tally { return &tally{next: make([]int, producers)} }

func (t *tally) add(data []byte) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(data) < 8 {
		t.errs = append(t.errs, "short message")
		return
	}
	p, i := int(binary.NativeEndian.Uint32(data)), int(binary.NativeEndian.Uint32(data[4:]))
	switch {
	case p >= len(t.next):
		t.errs = append(t.errs, "unknown producer")
		return
	case i != t.next[p]:
		t.errs = append(t.errs, "producer "+strconv.Itoa(p)+": message "+strconv.Itoa(i)+" after "+strconv.Itoa(t.next[p]-1))
	case string(data) != string(payload(nil, p, i)):
		t.errs = append(t.errs, "producer "+strconv.Itoa(p)+": message "+strconv.Itoa(i)+" corrupted")
	}
	t.next[p] = i + 1
	t.total++
	t.sum += crc32.ChecksumIEEE(data)
}

func (t *tally) count() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.total
}

// check compares with what producers sent: n messages each, less those
// refused (per producer, the indexes refused are never reused).
func (t *tally) check(tb testing.TB, sent int, sum uint32) {
	tb.Helper()
	t.mu.Lock()
	defer t.mu.Unlock()
	for i, e := range t.errs {
		if i == 10 {
			tb.Errorf("... and %d more", len(t.errs)-10)
			break
		}
		tb.Error(e)
	}
	if t.total != sent || t.sum != sum {
		tb.Errorf("received %d messages, CRC sum %#x; sent %d, CRC sum %#x", t.total, t.sum, sent, sum)
	}
}

// produce runs producers goroutines inserting n messages each into bus,
// and returns how many were taken and the sum of their CRCs. A message
// an insert refuses is skipped: its index is not used again.
func produce(t testing.TB, bus *cbus.Bus, producers, n int) (taken int, sum uint32) {
	var wg sync.WaitGroup
	var mu sync.Mutex
	for p := range producers {
		wg.Go(func() {
			buf := make([]byte, 0, 32)
			var m cn.Msg
			ok, s := 0, uint32(0)
			for i := range n {
				data := payload(buf, p, i)
				m = cn.Msg{ID: id, Data: data}
				switch err := bus.Insert(&m); {
				case err == nil:
					ok++
					s += crc32.ChecksumIEEE(data)
				case errors.Is(err, cbus.ErrFull):
				default:
					t.Errorf("producer %d: Insert: %v", p, err)
					return
				}
			}
			mu.Lock()
			taken, sum = taken+ok, sum+s
			mu.Unlock()
		})
	}
	wg.Wait()
	return taken, sum
}

// drain receives from ep into tl until ctx is done.
func drain(ctx context.Context, ep cn.Endpoint, tl *tally) <-chan struct{} {
	done := make(chan struct{})
	var d cn.Dispatcher
	d.AddCallback(id, "test", func(r *cn.Request) { tl.add(r.Data) })
	go func() {
		defer close(done)
		d.Serve(ctx, ep)
	}()
	return done
}

// waitFor polls cond for up to 10 s.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

func newBus(t testing.TB, ep cn.Endpoint, cfg *cbus.Config) *cbus.Bus {
	t.Helper()
	bus, err := cbus.New(ep, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { bus.Close() })
	return bus
}

// TestExactlyOnce has producers insert concurrently towards a receiver
// whose small queue often fills, so that the worker retries, and closes
// the bus at once: every message arrives once, each producer's in
// order, and the Stats add up.
func TestExactlyOnce(t *testing.T) {
	const producers, n = 8, 2000
	sender, receiver := cntest.Pipe()
	receiver.SetQueueLimit(4)
	tl := newTally(producers)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := drain(ctx, receiver, tl)
	bus := newBus(t, sender, &cbus.Config{To: cn.Addr{Port: receiver.Port()}, Shards: 2, QueueLen: 256, MaxDatagram: 2048, RetryTimeout: 10 * time.Second})
	taken, sum := produce(t, bus, producers, n)
	if err := bus.Close(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "every message", func() bool { return tl.count() >= taken })
	cancel()
	<-done
	tl.check(t, producers*n, sum)
	st := bus.Stats()
	t.Logf("%+v", st)
	if st.Inserted != uint64(taken) || st.Sent != st.Inserted || st.Failed != 0 || st.Dropped != 0 {
		t.Errorf("Stats %+v: want %d inserted and sent", st, taken)
	}
	if st.Datagrams >= st.Sent || st.Batches > st.Datagrams || st.MaxDepth == 0 || st.MaxDepth > 2*256 {
		t.Errorf("Stats %+v: want fewer datagrams than messages, no more batches than datagrams, depth within two queues", st)
	}
}

// TestPacking checks datagrams towards a user-space port hold several
// messages, up to MaxDatagram bytes, and towards the kernel one each
// (the fake kernel, like the real one, reads only the first netlink
// message of a datagram); and that the bus numbers messages.
func TestPacking(t *testing.T) {
	nb := cntest.NewBus()
	sender, user, kernel := nb.Dial(), nb.Dial(), nb.Kernel()
	bus := newBus(t, sender, &cbus.Config{FlushInterval: time.Hour, MaxDatagram: 1000})
	const n = 100
	var sent []cn.Msg
	for i := range n {
		to := cn.Addr{Port: user.Port()}
		if i/10%2 == 1 {
			to = cn.Addr{}
		}
		m := cn.Msg{ID: id, Data: payload(nil, 0, i)}
		if err := bus.Send(&m, to); err != nil {
			t.Fatal(err)
		}
		if m.Seq == 0 && m.Ack == 0 {
			t.Fatal("Send did not number the message")
		}
		sent = append(sent, m)
	}
	if err := bus.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		ep   *cntest.Conn
		odd  int
		max  int
	}{{"user", user, 0, 1000 / (16 + 20 + 8)}, {"kernel", kernel, 1, 1}} {
		var got []cn.Msg
		for datagrams := 0; ; datagrams++ {
			c.ep.SetReadDeadline(time.Now())
			msgs, err := c.ep.Receive()
			if errors.Is(err, os.ErrDeadlineExceeded) {
				t.Logf("%s: %d messages in %d datagrams", c.name, len(got), datagrams)
				if c.name == "user" && datagrams*2 > len(got) {
					t.Errorf("%s: %d datagrams for %d messages", c.name, datagrams, len(got))
				}
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(msgs) > c.max {
				t.Errorf("%s: %d messages in a datagram, want at most %d", c.name, len(msgs), c.max)
			}
			for _, m := range msgs {
				m.Data = append([]byte(nil), m.Data...)
				got = append(got, m.Msg)
			}
		}
		var want []cn.Msg
		for i := range n {
			if i/10%2 == c.odd {
				want = append(want, sent[i])
			}
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", c.name, diff)
		}
	}
	if st := bus.Stats(); st.Sent != n || st.Datagrams < n/2+n/20 || st.Datagrams >= n {
		t.Errorf("Stats %+v", st)
	}
}

// TestPackMulticast checks that a multicast addressed to port 0 goes one
// message per datagram, unless PackMulticast: then the group's members
// get them all packed, and the kernel only the first of each datagram.
func TestPackMulticast(t *testing.T) {
	for _, pack := range []bool{false, true} {
		t.Run(map[bool]string{false: "one-each", true: "packed"}[pack], func(t *testing.T) {
			nb := cntest.NewBus()
			sender, member, kernel := nb.Dial(), nb.Dial(), nb.Kernel()
			member.JoinGroup(11)
			bus := newBus(t, sender, &cbus.Config{To: cn.Addr{Group: 11}, PackMulticast: pack, FlushInterval: time.Hour})
			const n = 50
			for i := range n {
				if err := bus.Insert(&cn.Msg{ID: id, Data: payload(nil, 0, i)}); err != nil {
					t.Fatal(err)
				}
			}
			if err := bus.Flush(context.Background()); err != nil {
				t.Fatal(err)
			}
			count := func(c *cntest.Conn) (msgs, datagrams int) {
				for {
					c.SetReadDeadline(time.Now())
					ms, err := c.Receive()
					if err != nil {
						return msgs, datagrams
					}
					msgs, datagrams = msgs+len(ms), datagrams+1
				}
			}
			mm, md := count(member)
			km, _ := count(kernel)
			wantKernel := n
			if pack {
				wantKernel = md
			}
			if mm != n || km != wantKernel || pack != (md < n) {
				t.Errorf("member got %d messages in %d datagrams, kernel %d; want %d, packed %v, kernel %d", mm, md, km, n, pack, wantKernel)
			}
		})
	}
}

// TestFlushTriggers checks each way a batch leaves without Flush:
// FlushCount, FlushBytes, FlushInterval, and a full queue.
func TestFlushTriggers(t *testing.T) {
	tests := []struct {
		name string
		cfg  cbus.Config
		n    int // messages of 8 data bytes, 44 framed
	}{
		{"count", cbus.Config{FlushCount: 10, FlushInterval: time.Hour}, 10},
		{"bytes", cbus.Config{FlushBytes: 440, FlushInterval: time.Hour}, 10},
		{"interval", cbus.Config{FlushInterval: 5 * time.Millisecond}, 3},
		{"immediate", cbus.Config{FlushInterval: -1}, 3},
		{"full", cbus.Config{QueueLen: 10, FlushCount: 1000, FlushInterval: time.Hour}, 11},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sender, receiver := cntest.Pipe()
			tt.cfg.To, tt.cfg.Shards = cn.Addr{Port: receiver.Port()}, 1
			bus := newBus(t, sender, &tt.cfg)
			for i := range tt.n {
				if err := bus.Insert(&cn.Msg{ID: id, Data: payload(nil, 0, i%13*13)}); err != nil {
					t.Fatal(err)
				}
			}
			receiver.SetReadDeadline(time.Now().Add(5 * time.Second))
			if _, err := receiver.Receive(); err != nil {
				t.Fatalf("nothing sent: %v", err)
			}
		})
	}
}

// TestFlush checks that Flush puts everything inserted before it on the
// socket, with FlushInterval too long to do it.
func TestFlush(t *testing.T) {
	sender, receiver := cntest.Pipe()
	bus := newBus(t, sender, &cbus.Config{To: cn.Addr{Port: receiver.Port()}, FlushInterval: time.Hour})
	for round := range 3 {
		const n = 30
		for i := range n {
			if err := bus.Insert(&cn.Msg{ID: id, Data: payload(nil, round, i)}); err != nil {
				t.Fatal(err)
			}
		}
		if err := bus.Flush(context.Background()); err != nil {
			t.Fatal(err)
		}
		got := 0
		for {
			receiver.SetReadDeadline(time.Now())
			msgs, err := receiver.Receive()
			if err != nil {
				break
			}
			got += len(msgs)
		}
		if got != n {
			t.Errorf("round %d: %d messages on the socket after Flush, want %d", round, got, n)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := bus.Flush(ctx); err != nil { // nothing to wait for
		t.Errorf("Flush with nothing queued = %v", err)
	}
}

// stalled returns a sender and a receiver whose queue holds one
// datagram and is full, so that the bus's worker retries.
func stalled(t *testing.T) (*cntest.Conn, *cntest.Conn) {
	sender, receiver := cntest.Pipe()
	receiver.SetQueueLimit(1)
	if err := sender.Send(&cn.Msg{ID: cn.ID{Idx: 99}}, cn.Addr{Port: receiver.Port()}); err != nil {
		t.Fatal(err)
	}
	return sender, receiver
}

// TestDrop fills the queues while the receiver is full: inserts fail
// with ErrFull, counted exactly, and every message taken arrives once
// the receiver drains.
func TestDrop(t *testing.T) {
	const producers, n = 4, 500
	sender, receiver := stalled(t)
	bus := newBus(t, sender, &cbus.Config{To: cn.Addr{Port: receiver.Port()}, Full: cbus.Drop, QueueLen: 64, RetryTimeout: time.Minute})
	var refused atomic.Int64
	var wg sync.WaitGroup
	var taken atomic.Int64
	var sum atomic.Uint32
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
	if refused.Load() == 0 {
		t.Fatal("no insert refused while the receiver was full")
	}
	waitFor(t, "the worker to meet the full receiver", func() bool { return bus.Stats().SendErrors > 0 })
	receiver.SetReadDeadline(time.Now())
	receiver.Receive() // the message that filled it
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var count atomic.Int64
	var rsum atomic.Uint32
	var d cn.Dispatcher
	d.AddCallback(id, "test", func(r *cn.Request) {
		count.Add(1)
		rsum.Add(crc32.ChecksumIEEE(r.Data))
	})
	receiver.SetReadDeadline(time.Time{})
	go d.Serve(ctx, receiver)
	if err := bus.Close(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the messages taken", func() bool { return count.Load() >= taken.Load() })
	st := bus.Stats()
	if st.Dropped != uint64(refused.Load()) || st.Inserted != uint64(taken.Load()) || st.Sent != st.Inserted ||
		st.Inserted+st.Dropped != producers*n || count.Load() != taken.Load() || rsum.Load() != sum.Load() {
		t.Errorf("Stats %+v; %d refused, %d taken, %d received (CRC sum %#x, want %#x)", st, refused.Load(), taken.Load(), count.Load(), rsum.Load(), sum.Load())
	}
}

// TestBlockContext checks that a Block insert waiting for room gives up
// when its context ends, counted as dropped, and that one waiting goes
// on once the receiver drains.
func TestBlockContext(t *testing.T) {
	sender, receiver := stalled(t)
	bus := newBus(t, sender, &cbus.Config{To: cn.Addr{Port: receiver.Port()}, QueueLen: 4, Shards: 1, RetryTimeout: time.Minute})
	inserted := 0
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	for {
		err := bus.InsertContext(ctx, &cn.Msg{ID: id})
		if errors.Is(err, context.DeadlineExceeded) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		inserted++
	}
	// The queue holds 4, and the worker, retrying, at most 4 more.
	if inserted < 4 || inserted > 8 {
		t.Errorf("%d inserted before blocking, want 4 to 8", inserted)
	}
	errc := make(chan error)
	go func() { errc <- bus.Insert(&cn.Msg{ID: id}) }()
	var d cn.Dispatcher
	var got atomic.Int64
	d.AddCallback(id, "test", func(*cn.Request) { got.Add(1) })
	sctx, stop := context.WithCancel(context.Background())
	defer stop()
	go d.Serve(sctx, receiver)
	if err := <-errc; err != nil {
		t.Errorf("waiting Insert = %v, want nil once the receiver drains", err)
	}
	if err := bus.Close(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "every message", func() bool { return got.Load() == int64(inserted)+1 })
	if st := bus.Stats(); st.Dropped != 1 || st.Sent != st.Inserted || st.Inserted != uint64(inserted)+1 {
		t.Errorf("Stats %+v: want 1 dropped, %d sent", st, inserted+1)
	}
}

// TestCloseGivesUp closes a bus whose receiver stays full: Close
// releases an insert waiting for room with ErrClosed, gives up on the
// messages after RetryTimeout, and returns the failure.
func TestCloseGivesUp(t *testing.T) {
	sender, receiver := stalled(t)
	bus, err := cbus.New(sender, &cbus.Config{To: cn.Addr{Port: receiver.Port()}, QueueLen: 4, Shards: 1, RetryTimeout: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	errc := make(chan error)
	go func() {
		for {
			if err := bus.Insert(&cn.Msg{ID: id}); err != nil {
				errc <- err
				return
			}
		}
	}()
	waitFor(t, "the queue to fill", func() bool { return bus.Stats().Inserted >= 4 })
	time.Sleep(10 * time.Millisecond)
	closeErr := bus.Close()
	if err := <-errc; !errors.Is(err, cbus.ErrClosed) {
		t.Errorf("Insert waiting during Close = %v, want ErrClosed", err)
	}
	var se *cbus.SendError
	if !errors.As(closeErr, &se) || !errors.Is(closeErr, cn.ErrQueueFull) {
		t.Errorf("Close = %v, want a *SendError wrapping ErrQueueFull", closeErr)
	}
	if st := bus.Stats(); st.Failed == 0 || st.Sent+st.Failed != st.Inserted {
		t.Errorf("Stats %+v: want every message inserted failed or sent", st)
	}
	if err := bus.Insert(&cn.Msg{ID: id}); !errors.Is(err, cbus.ErrClosed) {
		t.Errorf("Insert after Close = %v, want ErrClosed", err)
	}
	if err := bus.Close(); err != nil {
		t.Errorf("second Close = %v", err)
	}
}

// TestGiveUp sends to a port nobody holds: the worker does not retry,
// counts the failure and hands every message to OnError, in order; the
// next Flush returns it.
func TestGiveUp(t *testing.T) {
	sender, _ := cntest.Pipe()
	var mu sync.Mutex
	var reported []cn.Msg
	var errs []error
	bus := newBus(t, sender, &cbus.Config{
		To:            cn.Addr{Port: 4242},
		FlushInterval: time.Hour,
		MaxDatagram:   200,
		OnError: func(e *cbus.SendError) {
			mu.Lock()
			defer mu.Unlock()
			reported = append(reported, e.Msgs...)
			errs = append(errs, e)
		},
	})
	var want []cn.Msg
	for i := range 20 {
		m := cn.Msg{ID: id, Data: payload(nil, 1, i)}
		if err := bus.Insert(&m); err != nil {
			t.Fatal(err)
		}
		want = append(want, m)
	}
	err := bus.Flush(context.Background())
	var se *cbus.SendError
	if !errors.As(err, &se) || !errors.Is(err, syscall.ECONNREFUSED) || se.To.Port != 4242 {
		t.Fatalf("Flush = %v, want a *SendError wrapping ECONNREFUSED", err)
	}
	if err := bus.Flush(context.Background()); err != nil {
		t.Errorf("second Flush = %v, want nil: the failure was returned already", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if diff := cmp.Diff(want, reported); diff != "" {
		t.Errorf("messages passed to OnError (-want +got):\n%s", diff)
	}
	st := bus.Stats()
	if st.Failed != 20 || st.Sent != 0 || st.SendErrors != uint64(len(errs)) || len(errs) < 2 {
		t.Errorf("Stats %+v, %d OnError calls: want 20 failed in several datagrams, one send error each", st, len(errs))
	}
}

// TestInsertErrors checks what an insert refuses before queueing.
func TestInsertErrors(t *testing.T) {
	sender, _ := cntest.Pipe()
	bus := newBus(t, sender, nil)
	if err := bus.Insert(&cn.Msg{ID: id, Data: make([]byte, cn.MaxDataLen+1)}); !errors.Is(err, cn.ErrMsgSize) {
		t.Errorf("Insert of a too large message = %v, want ErrMsgSize", err)
	}
	if err := bus.Send(&cn.Msg{ID: id}, cn.Addr{Group: 33}); !errors.Is(err, cn.ErrGroupRange) {
		t.Errorf("Send to group 33 = %v, want ErrGroupRange", err)
	}
	if st := bus.Stats(); st != (cbus.Stats{}) {
		t.Errorf("Stats %+v, want zero", st)
	}
	for _, cfg := range []cbus.Config{{QueueBytes: 1000}, {To: cn.Addr{Group: 40}}, {Full: 7}} {
		if _, err := cbus.New(sender, &cfg); err == nil {
			t.Errorf("New(%+v) succeeded", cfg)
		}
	}
}

// plain hides the SendDatagrams of an endpoint.
type plain struct{ cn.Endpoint }

// TestSendEach checks a bus on an endpoint without SendDatagrams: it
// calls Send once per message, and loses none.
func TestSendEach(t *testing.T) {
	sender, receiver := cntest.Pipe()
	tl := newTally(2)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := drain(ctx, receiver, tl)
	bus := newBus(t, plain{sender}, &cbus.Config{To: cn.Addr{Port: receiver.Port()}})
	taken, sum := produce(t, bus, 2, 300)
	if err := bus.Close(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "every message", func() bool { return tl.count() >= taken })
	cancel()
	<-done
	tl.check(t, 600, sum)
	if st := bus.Stats(); st.Datagrams != 600 || st.Batches > 600 {
		t.Errorf("Stats %+v: want one datagram per message", st)
	}
}

// TestSender sends through a Bus as generated clients do, through the
// cn.Sender interface.
func TestSender(t *testing.T) {
	sender, receiver := cntest.Pipe()
	bus := newBus(t, sender, nil)
	var s cn.Sender = bus
	m := cn.Msg{ID: id, Data: []byte("typed")}
	if err := s.Send(&m, cn.Addr{Port: receiver.Port()}); err != nil {
		t.Fatal(err)
	}
	receiver.SetReadDeadline(time.Now().Add(5 * time.Second))
	msgs, err := receiver.Receive()
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]cn.Message{{Msg: m, From: sender.Port()}}, msgs); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// discard is an endpoint that sends nowhere, for counting allocations.
type discard struct{ cn.Endpoint }

func (discard) SendDatagrams(ds []cn.Datagram) (int, error) { return len(ds), nil }

func TestInsertAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
	sender, _ := cntest.Pipe()
	bus := newBus(t, discard{sender}, &cbus.Config{FlushInterval: -1})
	m := cn.Msg{ID: id, Data: make([]byte, 64)}
	for range 1000 { // warm the pool and the worker
		bus.Insert(&m)
	}
	allocs := testing.AllocsPerRun(10000, func() {
		m.Seq, m.Ack = 0, 0
		if err := bus.Insert(&m); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Errorf("Insert allocates %v times per call", allocs)
	}
}

// TestOverrunSeenByReceiver multicasts to a member that does not read:
// its queue overflows, the loss is the member's to see (an overrun in
// its Dispatcher's Stats, its drop count), and the bus, whose sends all
// went, reports no failure.
func TestOverrunSeenByReceiver(t *testing.T) {
	nb := cntest.NewBus()
	sender, member := nb.Dial(), nb.Dial()
	member.JoinGroup(11)
	member.SetQueueLimit(2)
	bus := newBus(t, sender, &cbus.Config{To: cn.Addr{Group: 11}, PackMulticast: true, MaxDatagram: 200})
	for i := range 100 {
		if err := bus.Insert(&cn.Msg{ID: id, Data: payload(nil, 0, i)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := bus.Close(); err != nil {
		t.Fatal(err)
	}
	var d cn.Dispatcher
	var got atomic.Int64
	d.AddCallback(id, "test", func(*cn.Request) { got.Add(1) })
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); d.Serve(ctx, member) }()
	waitFor(t, "the queued datagrams", func() bool { return d.Stats().Overruns == 1 && got.Load() > 0 })
	cancel()
	<-done
	if st := bus.Stats(); st.Sent != 100 || st.Failed != 0 {
		t.Errorf("bus Stats %+v, want 100 sent", st)
	}
	if got.Load() >= 100 || member.Drops() == 0 {
		t.Errorf("member got %d messages, dropped %d datagrams: want a loss reported", got.Load(), member.Drops())
	}
}
