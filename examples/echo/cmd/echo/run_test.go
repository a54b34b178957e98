package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/cngen/cngen/examples/echo"
	"github.com/cngen/cngen/runtime/cn"
	"github.com/cngen/cngen/runtime/cntest"
)

func TestRunUsage(t *testing.T) {
	for _, args := range [][]string{
		{"-x"}, {"extra"}, {"-proto", "udp"}, {"-port", "4294967296"}, {"-count", "-1"},
		{"-timeout", "0s"}, {"-ticks", "-2"}, {"-ticks", "2", "-follow"},
		{"-payload", strings.Repeat("x", cn.MaxDataLen)},
	} {
		var stderr bytes.Buffer
		err := run(args, &bytes.Buffer{}, &stderr)
		var u usageError
		if !errors.As(err, &u) {
			t.Errorf("run(%.40q) = %v, want a usage error", args, err)
		}
		if !strings.Contains(stderr.String(), "usage: echo") {
			t.Errorf("run(%.40q) printed %q, want the usage", args, stderr.String())
		}
	}
	if err := run([]string{"-h"}, &bytes.Buffer{}, &bytes.Buffer{}); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("run(-h) = %v, want flag.ErrHelp", err)
	}
}

// fakeServer is an echo.EchoServer on the in-memory bus of cntest: it
// answers pings, except those with the payload "silent", and on the
// ping with id tickAt it sends a tick from a forger's port, then the
// ticks of the group.
type fakeServer struct {
	events *echo.EchoEvents
	forger *echo.EchoEvents
	tickAt uint32
	pings  uint64
}

func (s *fakeServer) Ping(r *cn.Request, req *echo.PingReq) (*echo.PingReply, error) {
	if string(req.Payload) == "silent" {
		return nil, errors.New("told to stay silent")
	}
	s.pings++
	if req.ID == s.tickAt {
		s.forger.BroadcastTick(&echo.Tick{N: 666, ServerPID: 666})
		for n := range uint64(3) {
			s.events.BroadcastTick(&echo.Tick{N: n + 1, UptimeNS: uint64(n+1) * 1e9, ServerPID: 42})
		}
	}
	return &echo.PingReply{ID: req.ID, ServerPID: 42, Pings: s.pings, Payload: req.Payload}, nil
}

// startFake serves a fakeServer on a new bus and returns a client's
// endpoint and the server's port.
func startFake(t *testing.T, tickAt uint32) (cli *cntest.Conn, port uint32) {
	t.Helper()
	bus := cntest.NewBus()
	srvConn, forger := bus.Dial(), bus.Dial()
	var d cn.Dispatcher
	srv := &fakeServer{events: echo.NewEchoEvents(srvConn), forger: echo.NewEchoEvents(forger), tickAt: tickAt}
	if err := echo.RegisterEchoServer(&d, srv); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	go d.Serve(ctx, srvConn)
	return bus.Dial(), srvConn.Port()
}

var rtt = regexp.MustCompile(`rtt \S+`)

// TestClient pings a fake server and prints its ticks, and only its:
// one from another port is reported and left out.
func TestClient(t *testing.T) {
	cli, port := startFake(t, 2)
	var stdout, stderr bytes.Buffer
	o := options{proto: "usersock", port: port, count: 2, payload: "hi", timeout: 5 * time.Second, ticks: 2}
	if err := client(context.Background(), cli, o, &stdout, &stderr); err != nil {
		t.Fatalf("client: %v; stderr: %s", err, stderr.String())
	}
	want := `reply 1 from pid 42: "hi", 1 ping answered, rtt X
tick 1 from pid 42: up 1s
tick 2 from pid 42: up 2s
reply 2 from pid 42: "hi", 2 pings answered, rtt X
`
	if diff := cmp.Diff(want, rtt.ReplaceAllString(stdout.String(), "rtt X")); diff != "" {
		t.Errorf("output (-want +got):\n%s", diff)
	}
	if !regexp.MustCompile(`^echo: tick 666 from port \d+ ignored: not the server's port ` + strconv.Itoa(int(port)) + "\n$").MatchString(stderr.String()) {
		t.Errorf("stderr %q, want the forged tick reported", stderr.String())
	}
}

func TestClientErrors(t *testing.T) {
	cli, port := startFake(t, 0)
	tests := []struct {
		name string
		o    options
		want string
	}{
		{"no server", options{port: port + 100, count: 1, timeout: time.Second}, `^ping 1: no socket at port \d+: is echod running, with -proto usersock\? \(.*connection refused\)$`},
		{"no reply", options{port: port, count: 1, payload: "silent", timeout: 20 * time.Millisecond}, `^ping 1: no reply from port \d+ within 20ms$`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.o.proto = "usersock"
			err := client(context.Background(), cli, tt.o, &bytes.Buffer{}, &bytes.Buffer{})
			if err == nil || !regexp.MustCompile(tt.want).MatchString(err.Error()) {
				t.Errorf("client = %v, want an error matching %s", err, tt.want)
			}
		})
	}
}
