package cntest

import (
	"errors"
	"math/rand/v2"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/cngen/cngen/runtime/cn"
)

// Conn is one endpoint of a [Bus]: a [cn.Endpoint] like [cn.Conn], with
// the same numbering of sent messages, the same errors, and the same
// aliasing of received messages, which stay valid until the next
// Receive. It is safe for concurrent use.
type Conn struct {
	bus  *Bus
	port uint32
	seq  atomic.Uint32

	mu        sync.Mutex
	groups    map[uint32]bool
	queue     []datagram
	limit     int
	noENOBUFS bool
	congested bool // dropped since the queue last drained: refuse more
	overrun   bool // ENOBUFS for the next Receive
	drops     uint64
	deadline  time.Time
	closed    bool
	changed   chan struct{} // closed and replaced when a waiter should look again
	msgs      []cn.Message
}

// datagram is one delivery: its bytes and where it came from.
type datagram struct {
	b           []byte
	from, group uint32
}

var _ cn.Endpoint = (*Conn)(nil)

func newConn(b *Bus, port uint32) *Conn {
	c := &Conn{bus: b, port: port, limit: DefaultQueueLimit, changed: make(chan struct{})}
	c.seq.Store(rand.Uint32())
	return c
}

// Port is the endpoint's port; 0 for [Bus.Kernel].
func (c *Conn) Port() uint32 { return c.port }

// Send delivers m, in a datagram of its own, to the port and group of
// to, numbering it first as [cn.Conn.Send] does when m.Seq and m.Ack are
// both zero. Errors are those of cn.Conn.Send: [cn.ErrGroupRange],
// [cn.ErrMsgSize], [cn.ErrQueueFull] for a full user-space peer,
// ECONNREFUSED for a port nobody holds, net.ErrClosed after Close.
func (c *Conn) Send(m *cn.Msg, to cn.Addr) error {
	if m.Seq == 0 && m.Ack == 0 {
		m.Seq, m.Ack = c.seq.Add(1), rand.Uint32()|1
	}
	if c.isClosed() {
		return opError("send", net.ErrClosed)
	}
	if to.Group > 32 {
		return opError("send", cn.ErrGroupRange)
	}
	b, err := cn.AppendNetlink(nil, m, c.port)
	if err != nil {
		return opError("send", err)
	}
	if err := c.send(b, to); err != nil {
		return opError("send", err)
	}
	return nil
}

// send routes datagram b from c to to; b is handed over, not copied.
func (c *Conn) send(b []byte, to cn.Addr) error {
	members, unicast, ok := c.bus.route(c.port, to)
	if !ok {
		return syscall.ECONNREFUSED
	}
	for _, r := range members {
		r.deliver(datagram{b: clone(b), from: c.port, group: to.Group}, true)
	}
	if unicast == nil {
		return nil
	}
	if unicast.port == 0 {
		b = firstNetlink(b) // the kernel reads the first netlink message only
	}
	return unicast.deliver(datagram{b: b, from: c.port}, c.port == 0)
}

// Inject delivers the raw datagram b to c as though port from had sent
// it on group (0 for a unicast), so that a test can hand a handler a
// forged sender or broken framing. A full queue drops it and reports an
// overrun, as for a multicast.
func (c *Conn) Inject(b []byte, from, group uint32) {
	c.deliver(datagram{b: clone(b), from: from, group: group}, true)
}

// deliver queues d. A full or congested queue fails a unicast from user
// space with ErrQueueFull; it drops anything else (a multicast, a
// message from the kernel), and reports an overrun unless one is
// pending or the queue has not drained since the last.
func (c *Conn) deliver(d datagram, drop bool) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case c.closed && drop:
		return nil
	case c.closed:
		return syscall.ECONNREFUSED
	case len(c.queue) < c.limit && !c.congested:
		c.queue = append(c.queue, d)
		c.signal()
		return nil
	case !drop:
		return cn.ErrQueueFull
	}
	c.drops++
	if !c.noENOBUFS && !c.congested {
		c.overrun = true
		c.signal()
	}
	c.congested = true
	return nil
}

// signal wakes every Receive waiting; c.mu is held.
func (c *Conn) signal() {
	close(c.changed)
	c.changed = make(chan struct{})
}

// Receive waits for the next datagram and returns its messages, as
// [cn.Conn.Receive] does, with the same errors.
func (c *Conn) Receive() ([]cn.Message, error) {
	for {
		c.mu.Lock()
		msgs, done, err := c.take()
		changed, deadline := c.changed, c.deadline
		c.mu.Unlock()
		if done {
			return msgs, err
		}
		wait(changed, deadline)
	}
}

// take returns what Receive returns now, if anything; c.mu is held.
func (c *Conn) take() (msgs []cn.Message, done bool, err error) {
	switch {
	case c.closed:
		return nil, true, opError("receive", net.ErrClosed)
	case c.overrun:
		c.overrun = false
		return nil, true, opError("receive", cn.ErrOverrun)
	case len(c.queue) == 0:
		if !c.deadline.IsZero() && !time.Now().Before(c.deadline) {
			return nil, true, opError("receive", os.ErrDeadlineExceeded)
		}
		return nil, false, nil
	}
	d := c.queue[0]
	c.queue[0] = datagram{}
	c.queue = c.queue[1:]
	if len(c.queue) == 0 {
		c.congested = false
	}
	msgs, err = cn.ParseDatagram(c.msgs[:0], d.b)
	for i := range msgs {
		msgs[i].From, msgs[i].Group = d.from, d.group
	}
	c.msgs = msgs
	if err != nil {
		return msgs, true, opError("receive", err)
	}
	return msgs, true, nil
}

// wait waits for changed to close or deadline to pass.
func wait(changed chan struct{}, deadline time.Time) {
	if deadline.IsZero() {
		<-changed
		return
	}
	t := time.NewTimer(time.Until(deadline))
	defer t.Stop()
	select {
	case <-changed:
	case <-t.C:
	}
}

// JoinGroup makes c a member of group g, 1 to 32.
func (c *Conn) JoinGroup(g uint32) error {
	if g == 0 || g > 32 {
		return opError("join-group", syscall.EINVAL)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.groups == nil {
		c.groups = make(map[uint32]bool)
	}
	c.groups[g] = true
	return nil
}

// LeaveGroup ends c's membership of group g.
func (c *Conn) LeaveGroup(g uint32) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.groups, g)
	return nil
}

func (c *Conn) member(g uint32) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.groups[g]
}

// SetQueueLimit sets how many datagrams c's receive queue holds, at
// least one; the fake's stand-in for SO_RCVBUF.
func (c *Conn) SetQueueLimit(n int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.limit = max(n, 1)
}

// SetNoENOBUFS stops overrun reports, as NETLINK_NO_ENOBUFS does; drops
// still count in [Conn.Drops].
func (c *Conn) SetNoENOBUFS(on bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.noENOBUFS = on
}

// Drops is how many datagrams c's full queue dropped.
func (c *Conn) Drops() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.drops
}

// SetReadDeadline sets the time after which Receive fails with an error
// wrapping os.ErrDeadlineExceeded, also a Receive waiting at the time.
func (c *Conn) SetReadDeadline(t time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.deadline = t
	c.signal()
	return nil
}

// Close frees c's port; a Receive waiting returns an error wrapping
// net.ErrClosed.
func (c *Conn) Close() error {
	c.mu.Lock()
	was := c.closed
	c.closed = true
	c.queue = nil
	if !was {
		c.signal()
	}
	c.mu.Unlock()
	c.bus.remove(c)
	return nil
}

func (c *Conn) isClosed() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.closed
}

func opError(op string, err error) error {
	var oe *cn.OpError
	if errors.As(err, &oe) {
		return err
	}
	return &cn.OpError{Op: op, Err: err}
}

func clone(b []byte) []byte { return append([]byte(nil), b...) }
