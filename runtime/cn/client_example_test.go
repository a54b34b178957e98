package cn_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/cngen/cngen/runtime/cn"
	"github.com/cngen/cngen/runtime/cntest"
)

// The runtime half of generated glue, used by hand: a server answers a
// call with OnCall, and a Client calls it. Generated code does the same
// with typed methods (EchoClient.Ping, RegisterEchoServer).
func ExampleClient() {
	bus := cntest.NewBus()
	srvConn, cliConn := bus.Dial(), bus.Dial()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	var srv cn.Dispatcher
	double := cn.OnCall(cn.ID{Idx: 0x123, Val: 1}, "demo.double", func(r *cn.Request, n *word) (*word, error) {
		reply := *n * 2
		return &reply, nil
	})
	if err := cn.Register(&srv, []cn.Route{double}); err != nil {
		log.Fatal(err)
	}
	go srv.Serve(ctx, srvConn)

	var cli cn.Dispatcher // hands the client its replies
	go cli.Serve(ctx, cliConn)
	c := cn.NewClient(cliConn, &cli, 0x123, srvConn.Port(), nil)
	cctx, ccancel := context.WithTimeout(ctx, time.Second)
	defer ccancel()
	n, reply := word(21), word(0)
	if err := c.Call(cctx, 1, &n, &reply); err != nil {
		log.Fatal(err)
	}
	fmt.Println(reply)
	// Output: 42
}
