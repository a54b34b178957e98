package cntest_test

import (
	"context"
	"fmt"

	"github.com/cngen/cngen/runtime/cn"
	"github.com/cngen/cngen/runtime/cntest"
)

// A handler of a kernel family, tested without root: the bus's kernel
// endpoint multicasts the event, as cn_netlink_send would.
func Example() {
	bus := cntest.NewBus()
	listener := bus.Dial()
	listener.JoinGroup(cn.IdxProc)

	var d cn.Dispatcher
	got := make(chan cn.Message, 1)
	d.AddCallback(cn.ID{Idx: cn.IdxProc, Val: 1}, "proc.event", func(r *cn.Request) {
		got <- r.Message
	}, cn.KernelOnly())
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go d.Serve(ctx, listener)

	event := make([]byte, 40)
	bus.Kernel().Send(&cn.Msg{ID: cn.ID{Idx: cn.IdxProc, Val: 1}, Data: event}, cn.Addr{Group: cn.IdxProc})
	m := <-got
	fmt.Printf("%d bytes from port %d on group %d\n", len(m.Data), m.From, m.Group)
	// Output: 40 bytes from port 0 on group 1
}
