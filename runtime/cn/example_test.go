package cn_test

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/cngen/cngen/runtime/cn"
	"github.com/cngen/cngen/runtime/cntest"
)

// A server answers pings and a client calls it. Over real sockets the
// endpoints would come from cn.Dial; here they are the in-memory ones of
// package cntest.
func ExampleDispatcher_Call() {
	bus := cntest.NewBus()
	srvConn, cliConn := bus.Dial(), bus.Dial()
	ping := cn.ID{Idx: 0x123, Val: 1}

	var srv cn.Dispatcher
	srv.AddCallback(ping, "echo.ping", func(r *cn.Request) {
		r.Reply(append([]byte("pong: "), r.Data...))
	})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go srv.Serve(ctx, srvConn)

	var cli cn.Dispatcher // receives the replies
	go cli.Serve(ctx, cliConn)
	cctx, ccancel := context.WithTimeout(ctx, time.Second)
	defer ccancel()
	reply, err := cli.Call(cctx, cliConn, &cn.Msg{ID: ping, Data: []byte("hello")}, cn.Addr{Port: srvConn.Port()})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s\n", reply.Data)
	// Output: pong: hello
}

// pidEvent is a payload type as cngen would generate it.
type pidEvent struct{ PID int32 }

func (e *pidEvent) UnmarshalBinary(b []byte) error {
	if len(b) < 4 {
		return errors.New("pid_event: short buffer")
	}
	e.PID = int32(binary.NativeEndian.Uint32(b))
	return nil
}

// On wires a typed handler; KernelOnly turns away what does not come
// from the kernel.
func ExampleOn() {
	bus := cntest.NewBus()
	listener := bus.Dial()
	listener.JoinGroup(1)
	id := cn.ID{Idx: 1, Val: 1}

	var d cn.Dispatcher
	got := make(chan int32)
	cn.Register(&d, []cn.Route{cn.On(id, "proc.event", func(r *cn.Request, e *pidEvent) {
		got <- e.PID
	})}, cn.KernelOnly())
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go d.Serve(ctx, listener)

	forger := bus.Dial()
	forger.Send(&cn.Msg{ID: id, Data: []byte{1, 0, 0, 0}}, cn.Addr{Port: listener.Port()})
	bus.Kernel().Send(&cn.Msg{ID: id, Data: binary.NativeEndian.AppendUint32(nil, 42)}, cn.Addr{Group: 1})
	fmt.Println("pid", <-got)
	fmt.Println("rejected", d.Stats().Rejected)
	// Output:
	// pid 42
	// rejected 1
}
