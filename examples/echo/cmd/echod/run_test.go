package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/cngen/cngen/examples/echo"
	"github.com/cngen/cngen/runtime/cn"
	"github.com/cngen/cngen/runtime/cntest"
)

func TestRunUsage(t *testing.T) {
	for _, args := range [][]string{
		{"-x"}, {"extra"}, {"-proto", "udp"}, {"-port", "4294967296"}, {"-interval", "0s"},
	} {
		var stderr bytes.Buffer
		err := run(args, &bytes.Buffer{}, &stderr)
		var u usageError
		if !errors.As(err, &u) {
			t.Errorf("run(%q) = %v, want a usage error", args, err)
		}
		if !strings.Contains(stderr.String(), "usage: echod") {
			t.Errorf("run(%q) printed %q, want the usage", args, stderr.String())
		}
	}
	if err := run([]string{"-h"}, &bytes.Buffer{}, &bytes.Buffer{}); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("run(-h) = %v, want flag.ErrHelp", err)
	}
}

// tickLog is an echo.EchoHandler that passes on each tick and its sender.
type tickLog chan [2]uint64

func (l tickLog) Tick(r *cn.Request, ev *echo.Tick) { l <- [2]uint64{ev.N, uint64(r.From)} }

// TestServe runs the server on the in-memory bus of cntest, with a
// client made of the generated glue: pings are answered in order, and
// ticks are broadcast to the family's group, from the server's port.
func TestServe(t *testing.T) {
	bus := cntest.NewBus()
	srvConn, cliConn := bus.Dial(), bus.Dial()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var d cn.Dispatcher
	go d.Serve(ctx, cliConn)
	cl := echo.NewEchoClient(cliConn, &d, srvConn.Port())
	ticks := make(tickLog, 16)
	if err := cl.Subscribe(ticks); err != nil {
		t.Fatal(err)
	}

	var log bytes.Buffer
	s := &server{start: time.Now(), pid: 77, interval: 5 * time.Millisecond, log: &log, stderr: &log}
	served := make(chan error, 1)
	go func() { served <- s.serve(ctx, srvConn) }()
	for i := uint32(1); i <= 2; i++ {
		pctx, pcancel := context.WithTimeout(ctx, 5*time.Second)
		reply, err := cl.Ping(pctx, &echo.PingReq{ID: 10 * i, Payload: []byte("hi")})
		pcancel()
		if err != nil {
			t.Fatal(err)
		}
		reply.ServerTimeNS = 0
		want := &echo.PingReply{ID: 10 * i, ServerPID: 77, Pings: uint64(i), Payload: []byte("hi")}
		if diff := cmp.Diff(want, reply); diff != "" {
			t.Errorf("reply (-want +got):\n%s", diff)
		}
	}
	for n := uint64(1); n <= 3; n++ {
		select {
		case got := <-ticks:
			if want := [2]uint64{n, uint64(srvConn.Port())}; got != want {
				t.Errorf("tick, from port: %v, want %v", got, want)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("no tick %d", n)
		}
	}
	cancel()
	if err := <-served; err != nil {
		t.Errorf("serve after cancel: %v", err)
	}
	wantLog := "ping 10 from port " + itoa(cliConn.Port()) + ": \"hi\"\nping 20 from port " + itoa(cliConn.Port()) + ": \"hi\"\n"
	if log.String() != wantLog {
		t.Errorf("log %q, want %q", log.String(), wantLog)
	}
}

func itoa(p uint32) string { return strconv.FormatUint(uint64(p), 10) }

// noBroadcast is an endpoint whose multicasts fail, as they do over
// NETLINK_CONNECTOR without CAP_NET_ADMIN.
type noBroadcast struct{ cn.Endpoint }

func (e noBroadcast) Send(m *cn.Msg, to cn.Addr) error {
	if to.Group != 0 {
		return &cn.OpError{Op: "send", Err: syscall.EPERM}
	}
	return e.Endpoint.Send(m, to)
}

// TestServeBroadcastFails: a tick that cannot be sent ends the server
// with an error that says why.
func TestServeBroadcastFails(t *testing.T) {
	s := &server{start: time.Now(), interval: time.Millisecond, stderr: &bytes.Buffer{}}
	done := make(chan error, 1)
	go func() { done <- s.serve(context.Background(), noBroadcast{cntest.NewBus().Dial()}) }()
	select {
	case err := <-done:
		if !errors.Is(err, syscall.EPERM) || !strings.Contains(err.Error(), "tick 1: ") || !strings.Contains(err.Error(), "CAP_NET_ADMIN") {
			t.Errorf("serve = %v, want tick 1's EPERM, explained", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("serve still running 5s after a failed broadcast")
	}
}
