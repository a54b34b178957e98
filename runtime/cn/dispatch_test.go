package cn_test

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cngen/cngen/runtime/cn"
	"github.com/cngen/cngen/runtime/cntest"
	"github.com/google/go-cmp/cmp"
)

var (
	procID = cn.ID{Idx: cn.IdxProc, Val: 1}
	echoID = cn.ID{Idx: 11, Val: 1}
)

// served is a Dispatcher serving one endpoint of a fake bus, its errors
// collected.
type served struct {
	d      *cn.Dispatcher
	bus    *cntest.Bus
	conn   *cntest.Conn
	cancel context.CancelFunc
	done   chan error

	mu   sync.Mutex
	errs []error
}

func serve(t *testing.T, d *cn.Dispatcher) *served {
	t.Helper()
	bus := cntest.NewBus()
	s := &served{d: d, bus: bus, conn: bus.Dial(), done: make(chan error, 1)}
	d.OnError = func(err error) {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.errs = append(s.errs, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	s.cancel = cancel
	go func() { s.done <- d.Serve(ctx, s.conn) }()
	t.Cleanup(func() { s.stop(t) })
	return s
}

// stop ends Serve and checks that it returned because of the cancel.
func (s *served) stop(t *testing.T) {
	t.Helper()
	if s.cancel == nil {
		return
	}
	s.cancel()
	s.cancel = nil
	select {
	case err := <-s.done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Serve = %v, want context.Canceled", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Serve did not return after cancel")
	}
}

func (s *served) errors() []error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]error(nil), s.errs...)
}

// sync waits until every message sent to s so far has been handled: it
// round-trips a marker message through a callback of its own.
func (s *served) sync(t *testing.T) {
	t.Helper()
	marker := cn.ID{Idx: 0xffff, Val: 0xffff}
	got := make(chan struct{}, 1)
	s.d.AddCallback(marker, "sync", func(*cn.Request) { got <- struct{}{} })
	defer s.d.DelCallback(marker)
	c := s.bus.Dial()
	defer c.Close()
	for {
		err := c.Send(&cn.Msg{ID: marker}, cn.Addr{Port: s.conn.Port()})
		if err == nil {
			break
		}
		if !errors.Is(err, cn.ErrQueueFull) {
			t.Fatal(err)
		}
		time.Sleep(time.Millisecond)
	}
	select {
	case <-got:
	case <-time.After(5 * time.Second):
		t.Fatal("marker not dispatched")
	}
}

func TestDispatch(t *testing.T) {
	var d cn.Dispatcher
	var got []cn.Message
	d.AddCallback(echoID, "echo.ping", func(r *cn.Request) {
		m := r.Message
		m.Data = append([]byte(nil), m.Data...)
		got = append(got, m)
		if err := r.Reply([]byte("pong")); err != nil {
			t.Errorf("Reply: %v", err)
		}
	})
	s := serve(t, &d)
	peer := s.bus.Dial()
	req := cn.Msg{ID: echoID, Data: []byte("ping")}
	if err := peer.Send(&req, cn.Addr{Port: s.conn.Port()}); err != nil {
		t.Fatal(err)
	}
	peer.SetReadDeadline(time.Now().Add(5 * time.Second))
	replies, err := peer.Receive()
	if err != nil {
		t.Fatal(err)
	}
	s.sync(t)
	if diff := cmp.Diff([]cn.Message{{Msg: req, From: peer.Port()}}, got); diff != "" {
		t.Errorf("dispatched (-want +got):\n%s", diff)
	}
	want := []cn.Message{{Msg: cn.ReplyTo(&req, []byte("pong")), From: s.conn.Port()}}
	if diff := cmp.Diff(want, replies); diff != "" {
		t.Errorf("reply (-want +got):\n%s", diff)
	}
}

// TestKernelOnly sends a forged proc event, from a user-space port
// straight to the listener's port, next to a real one from port 0.
func TestKernelOnly(t *testing.T) {
	var d cn.Dispatcher
	var from []uint32
	d.AddCallback(procID, "proc.event", func(r *cn.Request) { from = append(from, r.From) }, cn.KernelOnly())
	s := serve(t, &d)
	s.conn.JoinGroup(cn.IdxProc)
	forger := s.bus.Dial()
	if err := forger.Send(&cn.Msg{ID: procID, Data: make([]byte, 40)}, cn.Addr{Port: s.conn.Port()}); err != nil {
		t.Fatal(err)
	}
	if err := s.bus.Kernel().Send(&cn.Msg{ID: procID, Data: make([]byte, 40)}, cn.Addr{Group: cn.IdxProc}); err != nil {
		t.Fatal(err)
	}
	s.sync(t)
	if diff := cmp.Diff([]uint32{0}, from); diff != "" {
		t.Errorf("sources reaching the callback (-want +got):\n%s", diff)
	}
	st := s.d.Stats()
	if st.Rejected != 1 {
		t.Errorf("Rejected = %d, want 1", st.Rejected)
	}
	var de *cn.DispatchError
	if errs := s.errors(); len(errs) != 1 || !errors.Is(errs[0], cn.ErrRejected) || !errors.As(errs[0], &de) || de.From != forger.Port() {
		t.Errorf("OnError got %v, want one ErrRejected from port %d", errs, forger.Port())
	}
}

// TestStats drives every counter through a fake endpoint and checks
// each exactly.
func TestStats(t *testing.T) {
	var d cn.Dispatcher
	d.AddCallback(echoID, "ok", func(*cn.Request) {})
	d.AddCallback(cn.ID{Idx: 11, Val: 2}, "panics", func(*cn.Request) { panic("boom") })
	d.AddCallback(cn.ID{Idx: 11, Val: 3}, "invalid", func(r *cn.Request) { r.Invalid(errors.New("bad data")) })
	d.AddCallback(procID, "kernel", func(*cn.Request) {}, cn.KernelOnly())
	s := serve(t, &d)
	s.conn.SetQueueLimit(1)
	peer := s.bus.Dial()
	to := cn.Addr{Port: s.conn.Port()}
	send := func(id cn.ID) {
		t.Helper()
		for {
			err := peer.Send(&cn.Msg{ID: id}, to)
			if !errors.Is(err, cn.ErrQueueFull) {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			time.Sleep(time.Millisecond)
		}
	}
	send(echoID)                 // dispatched
	send(echoID)                 // dispatched
	send(cn.ID{Idx: 11, Val: 2}) // dispatched, panics
	send(cn.ID{Idx: 11, Val: 3}) // dispatched, invalid
	send(cn.ID{Idx: 99, Val: 1}) // unknown
	send(procID)                 // rejected
	s.sync(t)                    // 1 more dispatched
	two, _ := cn.AppendNetlink(nil, &cn.Msg{ID: echoID}, 0)
	two, _ = cn.AppendNetlink(two, &cn.Msg{ID: cn.ID{Idx: 99, Val: 2}}, 0)
	s.conn.Inject(append(two, 0xde, 0xad, 0xbe, 0xef), 0, 0) // malformed, after 1 dispatched + 1 unknown
	s.sync(t)                                                // 1 more dispatched
	// Hold Serve in a callback while the kernel multicasts 3 messages
	// to a queue of 1: 1 queued, 2 dropped, 1 overrun.
	entered, release := make(chan struct{}), make(chan struct{})
	d.AddCallback(cn.ID{Idx: 11, Val: 4}, "hold", func(*cn.Request) {
		entered <- struct{}{}
		<-release
	})
	send(cn.ID{Idx: 11, Val: 4}) // dispatched
	<-entered
	k := s.bus.Kernel()
	s.conn.JoinGroup(11)
	for range 3 {
		k.Send(&cn.Msg{ID: echoID}, cn.Addr{Group: 11})
	}
	close(release)
	s.sync(t) // 1 more dispatched (the queued one), 1 for the marker
	want := cn.Stats{
		Received:   13,
		Dispatched: 10,
		Unknown:    2,
		Rejected:   1,
		Malformed:  1,
		Invalid:    1,
		Overruns:   1,
		Panics:     1,
	}
	got := d.Stats()
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Stats (-want +got):\n%s", diff)
	}
	if got.Received != got.Dispatched+got.Replies+got.Unknown+got.Rejected {
		t.Errorf("Received %d is not the sum of its parts: %+v", got.Received, got)
	}
	var kinds []string
	for _, err := range s.errors() {
		var pe *cn.PanicError
		switch {
		case errors.As(err, &pe):
			kinds = append(kinds, fmt.Sprint("panic ", pe.Value))
		case errors.Is(err, cn.ErrRejected):
			kinds = append(kinds, "rejected")
		case errors.Is(err, cn.ErrMalformed):
			kinds = append(kinds, "malformed")
		case errors.Is(err, cn.ErrOverrun):
			kinds = append(kinds, "overrun")
		default:
			kinds = append(kinds, err.Error())
		}
	}
	wantKinds := []string{"panic boom", "cn: invalid 11:3 from port 1001: bad data", "rejected", "malformed", "overrun"}
	if diff := cmp.Diff(wantKinds, kinds); diff != "" {
		t.Errorf("OnError (-want +got):\n%s", diff)
	}
}

// TestAddDelWhileServing registers and removes callbacks while messages
// flow; run with -race.
func TestAddDelWhileServing(t *testing.T) {
	var d cn.Dispatcher
	var calls atomic.Int64
	s := serve(t, &d)
	peer := s.bus.Dial()
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			if err := peer.Send(&cn.Msg{ID: cn.ID{Idx: 11, Val: uint32(i % 4)}}, cn.Addr{Port: s.conn.Port()}); err != nil && !errors.Is(err, cn.ErrQueueFull) {
				t.Error(err)
				return
			}
		}
	})
	for i := range 200 {
		id := cn.ID{Idx: 11, Val: uint32(i % 4)}
		if err := d.AddCallback(id, "flip", func(*cn.Request) { calls.Add(1) }); err != nil {
			t.Fatal(err)
		}
		if err := d.AddCallback(id, "again", func(*cn.Request) {}); !errors.Is(err, cn.ErrExists) {
			t.Fatalf("second AddCallback = %v, want ErrExists", err)
		}
		time.Sleep(50 * time.Microsecond)
		d.DelCallback(id)
	}
	close(stop)
	wg.Wait()
	s.sync(t)
	st := d.Stats()
	if st.Dispatched != uint64(calls.Load())+1 { // +1: the marker
		t.Errorf("Dispatched = %d, callbacks ran %d times (+1 marker)", st.Dispatched, calls.Load())
	}
	if st.Received != st.Dispatched+st.Unknown {
		t.Errorf("Received %d != Dispatched %d + Unknown %d", st.Received, st.Dispatched, st.Unknown)
	}
}

// TestDelCallbackWaits checks that DelCallback returns only once the
// callback's running call has, and that no call starts after.
func TestDelCallbackWaits(t *testing.T) {
	var d cn.Dispatcher
	entered, release := make(chan struct{}), make(chan struct{})
	var running, after atomic.Bool
	d.AddCallback(echoID, "slow", func(*cn.Request) {
		if after.Load() {
			t.Error("callback called after DelCallback returned")
		}
		running.Store(true)
		close(entered)
		<-release
		running.Store(false)
	})
	s := serve(t, &d)
	peer := s.bus.Dial()
	peer.Send(&cn.Msg{ID: echoID}, cn.Addr{Port: s.conn.Port()})
	<-entered
	deleted := make(chan struct{})
	go func() {
		d.DelCallback(echoID)
		after.Store(true)
		close(deleted)
	}()
	select {
	case <-deleted:
		t.Fatal("DelCallback returned while the callback ran")
	case <-time.After(20 * time.Millisecond):
	}
	close(release)
	<-deleted
	if running.Load() {
		t.Error("callback still running after DelCallback")
	}
	peer.Send(&cn.Msg{ID: echoID}, cn.Addr{Port: s.conn.Port()})
	s.sync(t)
	if st := d.Stats(); st.Unknown != 1 {
		t.Errorf("Unknown = %d, want 1", st.Unknown)
	}
}

func TestServeEnds(t *testing.T) {
	t.Run("cancel leaves the endpoint usable", func(t *testing.T) {
		var d cn.Dispatcher
		s := serve(t, &d)
		s.stop(t)
		peer := s.bus.Dial()
		peer.Send(&cn.Msg{ID: echoID}, cn.Addr{Port: s.conn.Port()})
		s.conn.SetReadDeadline(time.Now().Add(5 * time.Second))
		if _, err := s.conn.Receive(); err != nil {
			t.Errorf("Receive after Serve: %v", err)
		}
	})
	t.Run("close", func(t *testing.T) {
		var d cn.Dispatcher
		_, c := cntest.Pipe()
		done := make(chan error)
		go func() { done <- d.Serve(context.Background(), c) }()
		time.Sleep(10 * time.Millisecond)
		c.Close()
		select {
		case err := <-done:
			if !errors.Is(err, net.ErrClosed) {
				t.Errorf("Serve = %v, want net.ErrClosed", err)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("Serve did not return after Close")
		}
	})
}

// event is a hand-written 40-byte payload: what, cpu, timestamp, and
// the rest, as struct proc_event lays them out.
type event struct {
	What, CPU uint32
	TS        uint64
	Rest      [24]byte
}

var errShortEvent = errors.New("event: short buffer")

func (e *event) UnmarshalBinary(b []byte) error {
	if len(b) < 40 {
		return errShortEvent
	}
	e.What = binary.NativeEndian.Uint32(b)
	e.CPU = binary.NativeEndian.Uint32(b[4:])
	e.TS = binary.NativeEndian.Uint64(b[8:])
	copy(e.Rest[:], b[16:40])
	return nil
}

func (e *event) MarshalBinary() []byte {
	b := binary.NativeEndian.AppendUint32(nil, e.What)
	b = binary.NativeEndian.AppendUint32(b, e.CPU)
	b = binary.NativeEndian.AppendUint64(b, e.TS)
	return append(b, e.Rest[:]...)
}

func TestOn(t *testing.T) {
	var d cn.Dispatcher
	var got []event
	if err := cn.Register(&d, []cn.Route{cn.On(procID, "proc.event", func(r *cn.Request, e *event) { got = append(got, *e) })}, cn.KernelOnly()); err != nil {
		t.Fatal(err)
	}
	s := serve(t, &d)
	k := s.bus.Kernel()
	ev := event{What: 2, CPU: 1, TS: 12345, Rest: [24]byte{1, 2, 3}}
	k.Send(&cn.Msg{ID: procID, Data: ev.MarshalBinary()}, cn.Addr{Port: s.conn.Port()})
	k.Send(&cn.Msg{ID: procID, Data: make([]byte, 39)}, cn.Addr{Port: s.conn.Port()})
	s.sync(t)
	if diff := cmp.Diff([]event{ev}, got); diff != "" {
		t.Errorf("decoded (-want +got):\n%s", diff)
	}
	if st := d.Stats(); st.Invalid != 1 {
		t.Errorf("Invalid = %d, want 1", st.Invalid)
	}
	if errs := s.errors(); len(errs) != 1 || !errors.Is(errs[0], errShortEvent) {
		t.Errorf("OnError got %v, want the decode error", errs)
	}
}

// TestCall runs many concurrent calls against a server that answers
// them out of order, plus one that times out and a forged reply from a
// third port, which must not be taken for the answer.
func TestCall(t *testing.T) {
	bus := cntest.NewBus()
	srvConn, cliConn, forger := bus.Dial(), bus.Dial(), bus.Dial()
	var srv cn.Dispatcher
	var held []cn.Msg
	var mu sync.Mutex
	srv.AddCallback(echoID, "echo", func(r *cn.Request) {
		if string(r.Data) == "silent" {
			// A forged reply from another port, then nothing.
			forger.Send(&cn.Msg{ID: r.ID, Seq: r.Seq, Ack: r.Ack + 1, Data: []byte("forged")}, cn.Addr{Port: r.From})
			return
		}
		mu.Lock()
		defer mu.Unlock()
		held = append(held, cn.ReplyTo(&r.Msg, append([]byte("re:"), r.Data...)))
		if len(held) == 4 { // answer in reverse order
			for i := len(held) - 1; i >= 0; i-- {
				if err := r.Endpoint().Send(&held[i], cn.Addr{Port: r.From}); err != nil {
					t.Error(err)
				}
			}
			held = held[:0]
		}
	})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go srv.Serve(ctx, srvConn)
	var cli cn.Dispatcher
	go cli.Serve(ctx, cliConn)

	var wg sync.WaitGroup
	for i := range 16 {
		wg.Go(func() {
			data := fmt.Sprint("call ", i)
			reply, err := cli.Call(ctx, cliConn, &cn.Msg{ID: echoID, Data: []byte(data)}, cn.Addr{Port: srvConn.Port()})
			if err != nil {
				t.Error(err)
				return
			}
			if string(reply.Data) != "re:"+data || reply.From != srvConn.Port() {
				t.Errorf("call %d: reply %q from %d", i, reply.Data, reply.From)
			}
		})
	}
	wg.Wait()
	tctx, tcancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer tcancel()
	_, err := cli.Call(tctx, cliConn, &cn.Msg{ID: echoID, Data: []byte("silent")}, cn.Addr{Port: srvConn.Port()})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("unanswered call = %v, want DeadlineExceeded", err)
	}
	if st := cli.Stats(); st.Replies != 16 || st.Unknown != 1 {
		t.Errorf("client Stats = %+v, want 16 replies and the forged one unknown", st)
	}
}
