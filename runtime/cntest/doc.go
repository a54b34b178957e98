// Package cntest is an in-memory stand-in for netlink connector sockets,
// so that unit tests of connector handlers and clients need neither root
// nor a kernel, and run on any platform.
//
// A [Bus] holds endpoints, each a [*Conn] with a port, as the kernel's
// netlink table does; [Bus.Kernel] is the endpoint at port 0 that plays
// the kernel's part. A Conn is a [cn.Endpoint], so a [cn.Dispatcher]
// serves from it and generated clients send through it exactly as they
// do through a [cn.Conn]. Messages travel as datagrams encoded with
// [cn.AppendNetlink] and are parsed with [cn.ParseDatagram] on arrival:
// the framing code under test is the real one, and [Conn.Inject] feeds a
// handler forged or broken datagrams.
//
// The bus keeps the kernel's rules where a test can observe them: the
// sender's port as [cn.Message].From; multicast to the members of a
// group other than the sender; groups 1 to 32; ECONNREFUSED for a port
// nobody holds; and a bounded receive queue: a full queue fails a
// unicast from user space with [cn.ErrQueueFull], and drops a multicast
// or a message from the kernel, reporting [cn.ErrOverrun] on the next
// Receive and refusing further ones until the queue drains, as a
// congested netlink socket does. [Conn.SendDatagrams] delivers
// datagrams the caller framed, as [cn.Conn.SendDatagrams] does, and the
// endpoint at port 0 keeps only the first netlink message of each, all
// that the kernel reads. It does not check capabilities.
//
//	bus := cntest.NewBus()
//	kernel, listener := bus.Kernel(), bus.Dial()
//	listener.JoinGroup(cn.IdxProc)
//	go d.Serve(ctx, listener)
//	kernel.Send(&cn.Msg{ID: cn.ID{Idx: 1, Val: 1}, Data: event}, cn.Addr{Group: cn.IdxProc})
package cntest
