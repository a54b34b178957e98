package echo_test

// The typed glue generated for golden/echo (a user-space family with a
// call, events and a send) at work: over the in-memory bus of
// runtime/cntest, and over real netlink sockets as root.

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"runtime"
	"slices"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/cngen/cngen/golden/echo"
	"github.com/cngen/cngen/internal/nstest"
	"github.com/cngen/cngen/runtime/cn"
	"github.com/cngen/cngen/runtime/cntest"
)

var errSilent = errors.New("echo: told to stay silent")

// echoServer is an echo.EchoServer: a ping's reply repeats its ID and
// payload and carries the caller's port as its time; a ping with the
// payload "silent" gets no reply.
type echoServer struct {
	stops chan stop
}

// stop is a send the server took: its reason and the sender's port.
type stop struct {
	Reason string
	From   uint32
}

func (s *echoServer) Ping(r *cn.Request, req *echo.PingReq) (*echo.PingReply, error) {
	if string(req.Payload) == "silent" {
		return nil, errSilent
	}
	return &echo.PingReply{ID: req.ID, ServerTimeNS: uint64(r.From), Payload: req.Payload}, nil
}

var errBroken = errors.New("echo: the store is broken")

// Lookup finds the value of a key: "missing" is not found, "broken" fails
// with an error that is no errno.
func (s *echoServer) Lookup(r *cn.Request, req *echo.LookupReq) (*echo.LookupReply, error) {
	switch req.Key.String() {
	case "missing":
		return nil, fmt.Errorf("lookup: %w", syscall.ENOENT)
	case "broken":
		return &echo.LookupReply{Value: 9}, errBroken
	}
	return &echo.LookupReply{Value: uint64(len(req.Key.String()))}, nil
}

func (s *echoServer) Stop(r *cn.Request, msg *echo.Shutdown) {
	s.stops <- stop{msg.Reason.String(), r.From}
}

// echoHandler is an echo.EchoHandler that passes on what it gets.
type echoHandler struct {
	got chan any
}

func (h *echoHandler) Tick(r *cn.Request, ev *echo.Tick) { h.got <- *ev }
func (h *echoHandler) Log(r *cn.Request, ev string)      { h.got <- ev }

func (h *echoHandler) next(t *testing.T) any {
	t.Helper()
	select {
	case v := <-h.got:
		return v
	case <-time.After(5 * time.Second):
		t.Fatal("no event arrived")
		return nil
	}
}

// echoSetup is an echo server and client, each an endpoint served by a
// Dispatcher of its own.
type echoSetup struct {
	srvConn, cliConn cn.Endpoint
	srvPort, cliPort uint32
	srvD, cliD       cn.Dispatcher
	server           *echoServer
	client           *echo.EchoClient
}

// newEchoSetup registers the generated server on srv and makes a client
// on cli; both are served until the test ends.
func newEchoSetup(t *testing.T, srv, cli cn.Endpoint, srvPort, cliPort uint32) *echoSetup {
	t.Helper()
	e := &echoSetup{srvConn: srv, cliConn: cli, srvPort: srvPort, cliPort: cliPort, server: &echoServer{stops: make(chan stop, 1)}}
	if err := echo.RegisterEchoServer(&e.srvD, e.server); err != nil {
		t.Fatal(err)
	}
	serveUntilCleanup(t, &e.srvD, srv)
	serveUntilCleanup(t, &e.cliD, cli)
	e.client = echo.NewEchoClient(cli, &e.cliD, srvPort)
	return e
}

func serveUntilCleanup(t *testing.T, d *cn.Dispatcher, ep cn.Endpoint) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.Serve(ctx, ep) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Errorf("Serve = %v, want context.Canceled", err)
		}
	})
}

func fakeEcho(t *testing.T) *echoSetup {
	bus := cntest.NewBus()
	srv, cli := bus.Dial(), bus.Dial()
	return newEchoSetup(t, srv, cli, srv.Port(), cli.Port())
}

func timeout(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

// checkPing makes one call and checks that the reply is its own.
func (e *echoSetup) checkPing(t *testing.T, ctx context.Context, id uint32) {
	payload := []byte(fmt.Sprint("payload of ", id))
	reply, err := e.client.Ping(ctx, &echo.PingReq{ID: id, Payload: payload})
	if err != nil {
		t.Errorf("ping %d: %v", id, err)
		return
	}
	want := &echo.PingReply{ID: id, ServerTimeNS: uint64(e.cliPort), Payload: payload}
	if diff := cmp.Diff(want, reply); diff != "" {
		t.Errorf("ping %d: reply (-want +got):\n%s", id, diff)
	}
}

// checkConcurrentPings runs 50 calls at once: each gets its own reply.
func (e *echoSetup) checkConcurrentPings(t *testing.T) {
	ctx := timeout(t, 10*time.Second)
	var wg sync.WaitGroup
	for id := range uint32(50) {
		wg.Go(func() { e.checkPing(t, ctx, 1000+id) })
	}
	wg.Wait()
	if st := e.cliD.Stats(); st.Replies < 50 {
		t.Errorf("client Stats %+v: want the 50 replies handed to their calls", st)
	}
}

// checkDeadline: a call the server does not answer ends at its deadline;
// the server counts its failure.
func (e *echoSetup) checkDeadline(t *testing.T) {
	failed := e.srvD.Stats().Failed
	start := time.Now()
	_, err := e.client.Ping(timeout(t, 50*time.Millisecond), &echo.PingReq{ID: 1, Payload: []byte("silent")})
	var oe *cn.OpError
	if !errors.Is(err, context.DeadlineExceeded) || !errors.As(err, &oe) || !oe.Timeout() {
		t.Errorf("unanswered ping = %v, want an *OpError timing out", err)
	}
	if waited := time.Since(start); waited > 5*time.Second {
		t.Errorf("the call waited %v past its 50ms deadline", waited)
	}
	if got := e.srvD.Stats().Failed - failed; got != 1 {
		t.Errorf("server Stats.Failed grew by %d, want 1", got)
	}
}

// checkLookup: a call with an error field returns the server's error as
// an errno at once, not at the call's deadline; success as before.
func (e *echoSetup) checkLookup(t *testing.T) {
	ctx := timeout(t, time.Minute)
	lookup := func(key string) (*echo.LookupReply, error) {
		var req echo.LookupReq
		req.Key.Set(key)
		return e.client.Lookup(ctx, &req)
	}
	reply, err := lookup("four")
	if err != nil || reply.Value != 4 || reply.Status != 0 {
		t.Errorf("lookup four = %+v, %v", reply, err)
	}
	_, err = lookup("missing")
	var ce *cn.CallError
	if !errors.Is(err, syscall.ENOENT) || !errors.Is(err, fs.ErrNotExist) || !errors.As(err, &ce) || ce.Call != "echo.lookup" {
		t.Errorf("lookup missing = %v, want a *cn.CallError matching ENOENT", err)
	}
	reply, err = lookup("broken")
	if !errors.Is(err, syscall.EIO) || reply == nil || reply.Value != 9 || reply.Status != int32(syscall.EIO) {
		t.Errorf("lookup broken = %+v, %v; want the server's reply with EIO", reply, err)
	}
	if ctx.Err() != nil {
		t.Errorf("the calls waited for their deadline: %v", ctx.Err())
	}
}

// checkSend: a send reaches the server's method, from the client's port.
func (e *echoSetup) checkSend(t *testing.T) {
	var msg echo.Shutdown
	msg.Reason.Set("bye")
	if err := e.client.Stop(&msg); err != nil {
		t.Fatal(err)
	}
	select {
	case got := <-e.server.stops:
		if diff := cmp.Diff(stop{"bye", e.cliPort}, got); diff != "" {
			t.Errorf("Stop (-want +got):\n%s", diff)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the send did not reach the server")
	}
}

// checkEvents: after Subscribe, a broadcast tick and a unicast log reach
// the client's Handler; after Unsubscribe, a broadcast no longer does.
func (e *echoSetup) checkEvents(t *testing.T) {
	h := &echoHandler{got: make(chan any, 10)}
	if err := e.client.Subscribe(h); err != nil {
		t.Fatal(err)
	}
	events := echo.NewEchoEvents(e.srvConn)
	if err := events.BroadcastTick(&echo.Tick{N: 1, UptimeNS: 2}); err != nil {
		t.Fatal(err)
	}
	if err := events.Log("hello", cn.Addr{Port: e.cliPort}); err != nil {
		t.Fatal(err)
	}
	// log is broadcast to group 21, the family's second, which Subscribe
	// joined for it.
	if err := events.BroadcastLog("to all"); err != nil {
		t.Fatal(err)
	}
	for i, want := range []any{echo.Tick{N: 1, UptimeNS: 2}, "hello", "to all"} {
		if diff := cmp.Diff(want, h.next(t)); diff != "" {
			t.Errorf("event %d (-want +got):\n%s", i, diff)
		}
	}
	if err := e.client.Unsubscribe(); err != nil {
		t.Fatal(err)
	}
	unknown := e.cliD.Stats().Unknown
	events.BroadcastTick(&echo.Tick{N: 3})
	events.Log("after", cn.Addr{Port: e.cliPort}) // arrives after the tick would have
	deadline := time.Now().Add(5 * time.Second)
	for e.cliD.Stats().Unknown == unknown && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if len(h.got) != 0 {
		t.Errorf("after Unsubscribe the Handler still got %v", <-h.got)
	}
}

func TestEchoCall(t *testing.T) {
	e := fakeEcho(t)
	e.checkPing(t, timeout(t, 5*time.Second), 7)
}

func TestEchoConcurrentCalls(t *testing.T) { fakeEcho(t).checkConcurrentPings(t) }

func TestEchoDeadline(t *testing.T) { fakeEcho(t).checkDeadline(t) }

func TestEchoSend(t *testing.T) { fakeEcho(t).checkSend(t) }

func TestEchoLookup(t *testing.T) { fakeEcho(t).checkLookup(t) }

func TestEchoEvents(t *testing.T) { fakeEcho(t).checkEvents(t) }

// TestEchoRegister: RegisterEcho wires a Handler without the client; it
// takes events from any port (sender any), and refuses a second Handler.
func TestEchoRegister(t *testing.T) {
	bus := cntest.NewBus()
	listener, peer := bus.Dial(), bus.Dial()
	var d cn.Dispatcher
	h := &echoHandler{got: make(chan any, 1)}
	if err := echo.RegisterEcho(&d, h); err != nil {
		t.Fatal(err)
	}
	if err := echo.RegisterEcho(&d, h); !errors.Is(err, cn.ErrExists) {
		t.Errorf("second RegisterEcho = %v, want ErrExists", err)
	}
	serveUntilCleanup(t, &d, listener)
	listener.JoinGroup(echo.EchoGroups[1])
	echo.NewEchoEvents(peer).Tick(&echo.Tick{N: 9}, cn.Addr{Group: echo.EchoGroups[1]})
	if diff := cmp.Diff(echo.Tick{N: 9}, h.next(t)); diff != "" {
		t.Errorf("tick (-want +got):\n%s", diff)
	}
}

// TestIntegrationEcho runs the echo client and server over two real
// NETLINK_USERSOCK sockets: calls, concurrent calls, a deadline, a send,
// and events on a multicast group. The sockets are in a network
// namespace of their own, where no other process is in echo's groups.
func TestIntegrationEcho(t *testing.T) {
	switch {
	case runtime.GOOS != "linux":
		t.Skip("netlink sockets exist on Linux only")
	case os.Geteuid() != 0:
		t.Skip("needs root (CAP_NET_ADMIN) to join and send to netlink multicast groups")
	}
	ns := nstest.Private(t)
	dial := func() *cn.Conn {
		c, err := cn.Dial(&cn.Config{Protocol: cn.ProtoUsersock, NetNS: ns})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		return c
	}
	srv, cli := dial(), dial()
	e := newEchoSetup(t, srv, cli, srv.Port(), cli.Port())
	t.Run("call", func(t *testing.T) { e.checkPing(t, timeout(t, 5*time.Second), 7) })
	t.Run("concurrent calls", e.checkConcurrentPings)
	t.Run("deadline", e.checkDeadline)
	t.Run("send", e.checkSend)
	t.Run("error reply", e.checkLookup)
	t.Run("events", e.checkEvents)
	if st := e.cliD.Stats(); st.Overruns+st.Malformed+st.Panics+st.Invalid != 0 {
		t.Errorf("client Stats %+v", st)
	}
}

// TestEchoEventGroups: each event goes to its own group: a listener in
// group 20 alone gets tick, and not log, which goes to group 21.
func TestEchoEventGroups(t *testing.T) {
	bus := cntest.NewBus()
	listener, peer := bus.Dial(), bus.Dial()
	var d cn.Dispatcher
	h := &echoHandler{got: make(chan any, 2)}
	if err := echo.RegisterEcho(&d, h); err != nil {
		t.Fatal(err)
	}
	serveUntilCleanup(t, &d, listener)
	listener.JoinGroup(echo.EchoGroups[0])
	events := echo.NewEchoEvents(peer)
	if err := events.BroadcastLog("not for group 20"); err != nil {
		t.Fatal(err)
	}
	if err := events.BroadcastTick(&echo.Tick{N: 5}); err != nil {
		t.Fatal(err)
	}
	// The bus delivers in order: the log, had it come, would be first.
	if diff := cmp.Diff(echo.Tick{N: 5}, h.next(t)); diff != "" {
		t.Errorf("first event (-want +got):\n%s", diff)
	}
}

// TestEchoEventsIterator: Events yields each event typed as its message,
// a payload that does not decode as its error (and goes on), and ctx's
// error last; breaking out of the loop unsubscribes.
func TestEchoEventsIterator(t *testing.T) {
	e := fakeEcho(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	events := echo.NewEchoEvents(e.srvConn)
	go func() {
		// Subscribing happens when the loop starts: broadcast until the
		// loop has seen the first tick.
		for ctx.Err() == nil {
			events.BroadcastTick(&echo.Tick{N: 1})
			time.Sleep(5 * time.Millisecond)
		}
	}()
	var got []string
	var sawErr error
	for ev, err := range e.client.Events(ctx) {
		switch {
		case err != nil && sawErr == nil:
			sawErr = err
			cancel()
		case err != nil:
			if !errors.Is(err, context.Canceled) {
				t.Errorf("last error %v, want context.Canceled", err)
			}
		case len(got) == 0:
			tick, ok := ev.(*echo.EchoTickIncoming)
			if !ok || tick.Payload.N != 1 || tick.From != e.srvPort || tick.Event() != "tick" {
				t.Fatalf("first event %#v", ev)
			}
			got = append(got, ev.Event())
			// A log, then a log that does not decode (no NUL).
			events.Log("hi", cn.Addr{Port: e.cliPort})
			e.srvConn.Send(&cn.Msg{ID: cn.ID{Idx: echo.EchoIdx, Val: echo.EchoLogVal}, Data: []byte("no nul")}, cn.Addr{Port: e.cliPort})
		case ev.Event() == "log":
			if l := ev.(*echo.EchoLogIncoming); l.Payload != "hi" {
				t.Errorf("log %q", l.Payload)
			}
			got = append(got, "log")
		}
	}
	var de *cn.DecodeError
	if !errors.As(sawErr, &de) {
		t.Errorf("the bad log was yielded as %v, want a *cn.DecodeError", sawErr)
	}
	if len(got) < 2 || got[0] != "tick" || !slices.Contains(got, "log") {
		t.Errorf("events %v, want a tick then a log", got)
	}
	if st := e.cliD.Stats(); st.Invalid != 1 {
		t.Errorf("client Stats.Invalid = %d, want the bad log counted", st.Invalid)
	}
	// The loop unsubscribed: Subscribe may take the callbacks again.
	if err := e.client.Subscribe(&echoHandler{got: make(chan any, 10)}); err != nil {
		t.Errorf("Subscribe after the loop: %v", err)
	}
}
