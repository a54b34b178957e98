package cn

import (
	"math/rand/v2"
	"net"
	"sync/atomic"
	"time"
	"unsafe"
)

// Protocols a [Conn] speaks; see [Config.Protocol].
const (
	// ProtoConnector is NETLINK_CONNECTOR: the kernel's connector, with
	// kernel-assigned families below [IdxUsers].
	ProtoConnector = 11
	// ProtoUsersock is NETLINK_USERSOCK: a bus for user-space processes
	// only, with no kernel peer. Unlike the connector it lets processes
	// without CAP_NET_ADMIN unicast to each other; joining a group still
	// needs it.
	ProtoUsersock = 2
)

// DefaultMaxDatagram is the size of a [Conn]'s receive buffers unless
// [Config.MaxDatagram] says otherwise: room for several messages of
// [MaxMsgSize].
const DefaultMaxDatagram = 64 << 10

// Config configures [Dial]. The zero value opens a NETLINK_CONNECTOR
// socket on a port the kernel picks, in no group.
type Config struct {
	// Protocol is the netlink protocol: 0 means [ProtoConnector].
	Protocol int
	// Port binds the socket to this port id; 0 lets the kernel pick one.
	Port uint32
	// Groups are joined at once (NETLINK_ADD_MEMBERSHIP; see
	// [Conn.JoinGroup]). Joining a connector group needs CAP_NET_ADMIN,
	// except the proc group from Linux 6.6.
	Groups []uint32
	// ReadBuffer sets the socket's receive buffer (SO_RCVBUF) in bytes,
	// which the kernel doubles for its bookkeeping; 0 keeps the default.
	ReadBuffer int
	// ForceReadBuffer sets ReadBuffer with SO_RCVBUFFORCE, beyond the
	// net.core.rmem_max limit. It needs CAP_NET_ADMIN.
	ForceReadBuffer bool
	// NoENOBUFS sets NETLINK_NO_ENOBUFS: overruns are no longer
	// reported, and messages are lost silently ([Conn.Drops] still
	// counts them).
	NoENOBUFS bool
	// MaxDatagram is the size of a receive buffer; a larger datagram is
	// dropped as malformed. 0 means [DefaultMaxDatagram]. A Conn starts
	// with one buffer and, while datagrams queue up, grows to as many as
	// fit 512 KiB (at most 16; 8 of the default size), to read them with
	// few system calls.
	MaxDatagram int
	// NetNS is a network namespace file descriptor to open the socket
	// in; 0 means the caller's. The kernel's connector exists in the
	// initial namespace only.
	NetNS int
}

// Conn is a netlink socket speaking the connector's framing.
//
// Receive is meant for one goroutine at a time (a second one waits for
// the first); Send, JoinGroup, LeaveGroup, SetReadDeadline and Close may
// be called from any goroutine, also while Receive waits. Neither Send
// nor Receive allocates once its buffers have grown.
type Conn struct {
	sys    sysConn
	port   uint32
	seq    atomic.Uint32
	closed atomic.Bool
}

var _ Endpoint = (*Conn)(nil)

// Dial opens a socket as cfg says; a nil cfg is the zero Config.
func Dial(cfg *Config) (*Conn, error) {
	if cfg == nil {
		cfg = &Config{}
	}
	c := &Conn{}
	port, err := c.sys.dial(cfg)
	if err != nil {
		return nil, &OpError{Op: "dial", Err: err}
	}
	c.port = port
	c.seq.Store(rand.Uint32())
	return c, nil
}

// Port is the socket's port id (its nl_pid), which peers send to.
func (c *Conn) Port() uint32 { return c.port }

// Send sends m to the port and group of to, in a datagram of its own, as
// cn_netlink_send does. When m.Seq and m.Ack are both zero, Send first
// gives m the next sequence number of c and a random Ack, and writes them
// into m, so that a caller can match the reply with [IsReply].
//
// Sending to a user-space port or to a group on NETLINK_CONNECTOR needs
// CAP_NET_ADMIN; a group must be between 1 and 32 ([ErrGroupRange]). A
// unicast to a user-space port whose queue is full fails at once with
// [ErrQueueFull].
func (c *Conn) Send(m *Msg, to Addr) error {
	c.number(m)
	return c.wrap("send", c.sys.send(unsafe.Slice(m, 1), to, c.port))
}

// SendBatch sends ms to the port and group of to, numbering each as Send
// does. Towards a user-space port (to.Port != 0) it packs as many
// messages in each datagram as [DefaultMaxDatagram] holds, which the
// receiver reads in one Receive; towards the kernel (to.Port 0), which
// reads only the first netlink message of a datagram, each message goes
// in a datagram of its own.
func (c *Conn) SendBatch(ms []Msg, to Addr) error {
	for i := range ms {
		c.number(&ms[i])
	}
	per := len(ms)
	if to.Port == 0 {
		per = 1
	}
	for len(ms) > 0 {
		n := batchLen(ms, min(per, len(ms)))
		if err := c.sys.send(ms[:n], to, c.port); err != nil {
			return c.wrap("send", err)
		}
		ms = ms[n:]
	}
	return nil
}

// batchLen is how many of ms, at most max and at least one, fit one
// datagram.
func batchLen(ms []Msg, max int) int {
	size := 0
	for i := range ms[:max] {
		size = nlmsgAlign(size) + nlmsgHdrLen + ms[i].Len()
		if i > 0 && size > DefaultMaxDatagram {
			return i
		}
	}
	return max
}

// number gives m a sequence number and a random ack unless it has them.
func (c *Conn) number(m *Msg) {
	if m.Seq != 0 || m.Ack != 0 {
		return
	}
	m.Seq = c.seq.Add(1)
	if m.Ack = rand.Uint32(); m.Seq == 0 && m.Ack == 0 {
		m.Ack = 1
	}
}

// Receive waits for the next datagram and returns its messages, with the
// sender's port taken from the datagram's source address and the group
// it was delivered on. The messages, and their Data, alias a buffer that
// the next Receive overwrites.
//
// When several datagrams are queued, one system call (recvmmsg(2)) reads
// a number of them, and the next Receives return them, one datagram
// each, before reading more; each keeps its own source address.
//
// Errors wrap [ErrOverrun] when the kernel dropped messages for want of
// room (ENOBUFS, reported after the datagrams read before it; the Conn
// stays usable), [ErrMalformed] for a datagram that does not parse
// (returned with the messages before the fault), os.ErrDeadlineExceeded
// after the read deadline, and net.ErrClosed once the Conn is closed,
// also for a Receive waiting at the time.
func (c *Conn) Receive() ([]Message, error) {
	msgs, err := c.sys.receive(false)
	return msgs, c.wrap("receive", err)
}

// receiveBatch is Receive for [Dispatcher.Serve], which takes messages
// one at a time anyway: it returns the messages of every datagram the
// last system call read, in order, each with the sender and group of its
// own datagram, up to a datagram with a fault, which comes alone next
// time, as from Receive.
func (c *Conn) receiveBatch() ([]Message, error) {
	msgs, err := c.sys.receive(true)
	return msgs, c.wrap("receive", err)
}

// JoinGroup joins multicast group g (NETLINK_ADD_MEMBERSHIP, which takes
// numbers beyond 32 too). The kernel refuses groups beyond those the
// protocol has: 32 for both NETLINK_CONNECTOR and NETLINK_USERSOCK.
func (c *Conn) JoinGroup(g uint32) error { return c.wrap("join-group", c.sys.joinGroup(g)) }

// LeaveGroup leaves multicast group g.
func (c *Conn) LeaveGroup(g uint32) error { return c.wrap("leave-group", c.sys.leaveGroup(g)) }

// SetReadBuffer sets the socket's receive buffer (SO_RCVBUF); with force
// it uses SO_RCVBUFFORCE, which passes net.core.rmem_max and needs
// CAP_NET_ADMIN.
func (c *Conn) SetReadBuffer(bytes int, force bool) error {
	return c.wrap("set-read-buffer", c.sys.setReadBuffer(bytes, force))
}

// Drops is the number of messages the kernel dropped for this socket
// because its receive queue was full (sk_drops, read with SO_MEMINFO).
// It counts every lost message, where ENOBUFS reports an overrun once
// until the queue drains, and it counts with NoENOBUFS set too.
func (c *Conn) Drops() (uint64, error) {
	n, err := c.sys.drops()
	return n, c.wrap("drops", err)
}

// SetReadDeadline sets the time after which Receive fails, also a Receive
// waiting at the time; the zero time means none.
func (c *Conn) SetReadDeadline(t time.Time) error {
	return c.wrap("set-read-deadline", c.sys.setReadDeadline(t))
}

// Close closes the socket. A Receive waiting in another goroutine
// returns at once with an error wrapping net.ErrClosed.
func (c *Conn) Close() error {
	if c.closed.Swap(true) {
		return nil
	}
	if err := c.sys.close(); err != nil {
		return &OpError{Op: "close", Err: err}
	}
	return nil
}

// wrap makes err an *OpError for op, and any error after Close
// net.ErrClosed, whichever error the closed descriptor gave.
func (c *Conn) wrap(op string, err error) error {
	switch {
	case err == nil:
		return nil
	case c.closed.Load():
		return &OpError{Op: op, Err: net.ErrClosed}
	}
	return &OpError{Op: op, Err: err}
}
