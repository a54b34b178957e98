package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"syscall"
	"time"

	"github.com/cngen/cngen/examples/echo"
	"github.com/cngen/cngen/runtime/cn"
)

// server is the echo family's server side: an echo.EchoServer, whose
// Ping runs on the goroutine of the Dispatcher's Serve, and a ticker.
type server struct {
	start    time.Time
	pid      int32
	interval time.Duration
	log      io.Writer // each ping, when set
	stderr   io.Writer

	pings uint64 // answered; only Ping touches it
}

var _ echo.EchoServer = (*server)(nil)

// serve answers pings on ep and broadcasts ticks from it until ctx is
// done (then it returns nil), or until ep or a broadcast fails.
func (s *server) serve(ctx context.Context, ep cn.Endpoint) error {
	var d cn.Dispatcher
	d.OnError = func(err error) { fmt.Fprintf(s.stderr, "echod: %v\n", err) }
	if err := echo.RegisterEchoServer(&d, s); err != nil {
		return err
	}
	tctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ticked := make(chan error, 1)
	go func() {
		ticked <- s.tick(tctx, echo.NewEchoEvents(ep))
		cancel() // a failed broadcast ends Serve too
	}()
	err := d.Serve(tctx, ep)
	cancel()
	terr := <-ticked
	switch {
	case ctx.Err() != nil:
		return nil // a signal: a normal end
	case !errors.Is(terr, context.Canceled):
		return terr
	}
	return err
}

// Ping answers a ping with its id and payload, and the server's pid,
// time and count of pings answered.
func (s *server) Ping(r *cn.Request, req *echo.PingReq) (*echo.PingReply, error) {
	s.pings++
	if s.log != nil {
		fmt.Fprintf(s.log, "ping %d from port %d: %q\n", req.ID, r.From, req.Payload)
	}
	// Payload is valid until Ping returns, and the reply is encoded
	// before that: it may share the request's bytes.
	return &echo.PingReply{
		ID:           req.ID,
		ServerPID:    s.pid,
		ServerTimeNS: uint64(time.Now().UnixNano()),
		Pings:        s.pings,
		Payload:      req.Payload,
	}, nil
}

// tick broadcasts a tick to the family's group every interval until ctx
// is done (it returns ctx's error) or a broadcast fails.
func (s *server) tick(ctx context.Context, ev *echo.EchoEvents) error {
	t := time.NewTicker(s.interval)
	defer t.Stop()
	for n := uint64(1); ; n++ {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case now := <-t.C:
			tick := echo.Tick{N: n, UptimeNS: uint64(now.Sub(s.start)), ServerPID: s.pid}
			err := ev.BroadcastTick(&tick)
			if errors.Is(err, syscall.EPERM) {
				return fmt.Errorf("tick %d: %w (broadcasting over connector needs CAP_NET_ADMIN)", n, err)
			}
			if err != nil {
				return fmt.Errorf("tick %d: %w", n, err)
			}
		}
	}
}
