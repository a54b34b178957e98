// Package cbus is a batching bus in front of a connector socket: the Go
// twin of the CBUS proposal for the kernel, where cbus_insert only
// appends a message to a per-CPU queue and a worker thread sends the
// queued messages later, so that hot paths never pay for the send.
//
//	c, err := cn.Dial(&cn.Config{Protocol: cn.ProtoUsersock})
//	...
//	bus, err := cbus.New(c, &cbus.Config{To: cn.Addr{Port: collector}})
//	...
//	defer bus.Close() // sends what is queued; loses nothing
//	for ev := range events {
//		if err := bus.Insert(&cn.Msg{ID: id, Data: ev}); err != nil {
//			return err
//		}
//	}
//
// A [Bus] is a [cn.Sender], so the clients that cngen generates send
// through one when given it with cn.WithSender.
//
// # Inserting
//
// [Bus.Insert] (to Config.To) and [Bus.Send] (to any address), and
// their Context forms, may be called from any goroutine. They number
// the message as [cn.Conn.Send] does, frame it (nlmsghdr + cn_msg +
// data) straight into a preallocated queue, and return: no system call,
// no allocation, one lock. There are [Config].Shards queues, one per P
// by default; a sync.Pool hands each P the queue it used last, so that
// producers running in parallel seldom share a lock.
//
// # Ordering
//
// Messages are sent in the order their inserts took a ticket, a number
// from one counter of the Bus, taken under the queue's lock, which is
// also the order of the inserts of each producer goroutine, even when a
// goroutine moves to another P, and so to another queue, between two of
// them. Go has no goroutine-local or per-P storage a producer could
// keep its queue in, and a per-queue order alone would break the
// producer's order on such a move.
//
// The worker takes the messages of all queues at once, holding every
// queue's lock, and this makes what it takes exactly the tickets
// following those it took before: an insert that took a ticket before
// the worker held its queue's lock is finished before the worker gets
// that lock, and one that gets its queue's lock after the worker
// released it takes a ticket after every ticket taken. So the worker
// puts the messages in order by their ticket alone, with no sorting, and
// the next take continues where this one ended. The counter is the one
// memory location every insert writes; a single atomic add, it costs
// far less than the send it saves.
//
// # Sending
//
// The worker packs consecutive messages to the same user-space port
// into datagrams of up to [Config].MaxDatagram bytes, which a receiver
// reads in one Receive; towards port 0 (the kernel, which reads the
// first netlink message of a datagram only) each message is a datagram
// of its own. Through a [*cn.Conn] it sends many datagrams per
// sendmmsg(2) system call ([cn.Conn.SendDatagrams]).
//
// It sends when a queue holds [Config].FlushBytes bytes or
// [Config].FlushCount messages, when a queue is full, when a Flush
// waits, and otherwise [Config].FlushInterval after it learnt that a
// queue is no longer empty: that is the most a message waits for its
// batch to fill. [Bus.Flush] returns once everything inserted before it
// is on the socket; [Bus.Close] stops inserts, sends everything and
// stops the worker.
//
// # Backpressure
//
// A full queue makes an insert wait for room ([Block], the default),
// until its context is done, or fail at once with [ErrFull] ([Drop]).
// Either way the caller learns that the message was not taken, and
// [Stats].Dropped counts it: the Bus never drops a message it took.
//
// # Failures
//
// A user-space receiver whose queue is full makes the kernel refuse a
// unicast (cn.ErrQueueFull), without waking the sender when the queue
// drains. The worker retries the datagram, with a growing pause, for
// [Config].RetryTimeout since the last send that went, keeping the order
// (the queues fill meanwhile, and backpressure reaches the producers).
// A datagram it gives up on, after that or after an error that retrying
// cannot cure (ECONNREFUSED for a port nobody holds, EPERM), is counted
// in [Stats].Failed and passed, messages and all, to [Config].OnError,
// and the first such failure since the last is returned by the next
// Flush or Close. So every message taken is sent or reported.
//
// While the worker retries, it sends nothing else, since the order is
// kept across destinations too: a receiver that stays full holds back
// the others on the same Bus, so give such receivers a Bus each. A
// datagram to both a port and a group is not retried: its multicast
// went out before the unicast failed.
//
// Loss in the receiver is the receiver's to see: a multicast that finds
// a member's queue full is dropped for that member alone, which learns
// of it as an overrun (cn.ErrOverrun, [cn.Stats].Overruns, and
// [cn.Conn.Drops]), as with any sender.
package cbus
