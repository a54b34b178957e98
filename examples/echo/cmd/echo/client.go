package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"syscall"
	"time"

	"github.com/cngen/cngen/examples/echo"
	"github.com/cngen/cngen/runtime/cn"
)

// options are what the command line asks for.
type options struct {
	proto   string // the -proto flag, for messages
	port    uint32 // the server's
	count   int    // pings
	payload string
	timeout time.Duration // for each reply
	ticks   int           // ticks to print: 0 none, -1 no limit
}

// client pings the server through ep and prints the ticks o asks for,
// until they have been printed or ctx is done, which is a normal end.
func client(ctx context.Context, ep cn.Endpoint, o options, stdout, stderr io.Writer) error {
	out := &syncWriter{w: stdout}
	var d cn.Dispatcher
	d.OnError = func(err error) { fmt.Fprintf(stderr, "echo: %v\n", err) }
	cl := echo.NewEchoClient(ep, &d, o.port)
	sctx, cancel := context.WithCancel(ctx)
	served := make(chan error, 1)
	go func() { served <- d.Serve(sctx, ep) }()

	var err error
	var t *ticks
	if o.ticks != 0 {
		// Before the pings, so that no tick goes by meanwhile.
		t = &ticks{server: o.port, limit: o.ticks, out: out, stderr: stderr, done: make(chan struct{})}
		if err = cl.Subscribe(t); err != nil {
			err = explain(err, o, fmt.Sprintf("join group %d", echo.EchoGroup))
			t = nil
		}
	}
	if err == nil {
		err = ping(ctx, cl, o, out)
	}
	if err == nil && t != nil {
		select {
		case <-t.done:
		case <-ctx.Done():
		}
	}
	cancel()
	if serr := <-served; !errors.Is(serr, context.Canceled) {
		err = errors.Join(err, serr)
	}
	if t != nil {
		err = errors.Join(err, cl.Unsubscribe())
	}
	if ctx.Err() != nil {
		return nil // a signal: a normal end
	}
	return err
}

// ping makes o.count calls and prints their replies.
func ping(ctx context.Context, cl *echo.EchoClient, o options, out io.Writer) error {
	for id := uint32(1); id <= uint32(o.count); id++ {
		pctx, cancel := context.WithTimeout(ctx, o.timeout)
		start := time.Now()
		reply, err := cl.Ping(pctx, &echo.PingReq{ID: id, Payload: []byte(o.payload)})
		rtt := time.Since(start)
		cancel()
		if err != nil {
			return explain(err, o, fmt.Sprintf("ping %d", id))
		}
		s := "s"
		if reply.Pings == 1 {
			s = ""
		}
		fmt.Fprintf(out, "reply %d from pid %d: %q, %d ping%s answered, rtt %v\n",
			reply.ID, reply.ServerPID, reply.Payload, reply.Pings, s, rtt.Round(time.Microsecond))
	}
	return nil
}

// explain adds to an error of op what the user can do about it.
func explain(err error, o options, op string) error {
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return fmt.Errorf("%s: no socket at port %d: is echod running, with -proto %s? (%w)", op, o.port, o.proto, err)
	case errors.Is(err, syscall.EPERM):
		return fmt.Errorf("%s: %w (this needs CAP_NET_ADMIN over %s)", op, err, o.proto)
	case errors.Is(err, context.DeadlineExceeded):
		return fmt.Errorf("%s: no reply from port %d within %v", op, o.port, o.timeout)
	}
	return fmt.Errorf("%s: %w", op, err)
}

// ticks is the echo.EchoHandler of a client: it prints the ticks of the
// server, and only those, until it has printed limit of them (never,
// with -1). It runs on the goroutine of the Dispatcher's Serve.
type ticks struct {
	server  uint32 // port
	limit   int
	out     io.Writer
	stderr  io.Writer
	printed int
	done    chan struct{} // closed at the limit
}

var _ echo.EchoHandler = (*ticks)(nil)

func (t *ticks) Tick(r *cn.Request, ev *echo.Tick) {
	if r.From != t.server {
		// The datagram's source address, which no sender can forge, says
		// another process sent it: anyone may send to a usersock group.
		fmt.Fprintf(t.stderr, "echo: tick %d from port %d ignored: not the server's port %d\n", ev.N, r.From, t.server)
		return
	}
	if t.limit >= 0 && t.printed >= t.limit {
		return
	}
	fmt.Fprintf(t.out, "tick %d from pid %d: up %v\n", ev.N, ev.ServerPID, time.Duration(ev.UptimeNS).Round(time.Millisecond))
	if t.printed++; t.printed == t.limit {
		close(t.done)
	}
}

// syncWriter serialises the writes of the pings and of the ticks.
type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}
