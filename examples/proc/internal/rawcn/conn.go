package rawcn

import (
	"errors"
	"os"
	"sync/atomic"
	"syscall"
	"time"
)

// ErrOverrun is wrapped by the error [Conn.Receive] returns when the
// socket's receive queue overflowed (ENOBUFS): messages were lost. The
// Conn stays usable; keep receiving, and resynchronise if that matters.
var ErrOverrun = errors.New("rawcn: receive queue overrun: messages were lost")

// bufSize holds the largest datagram a connector peer sends: one
// CONNECTOR_MAX_MSG_SIZE message with its headers, with room to spare
// for several messages in one datagram.
const bufSize = 64 << 10

// Conn is a NETLINK_CONNECTOR socket. One goroutine may Receive while
// another Sends or Closes.
type Conn struct {
	f      *os.File // the socket, non-blocking, in Go's poller
	rc     syscall.RawConn
	port   uint32 // our netlink port id
	buf    []byte // receive buffer
	msgs   []Msg
	closed atomic.Bool
}

// Dial opens a connector socket bound to a port the kernel picks, and
// joins the multicast groups given (a family's group is its idx).
func Dial(groups ...uint32) (*Conn, error) { return dial(groups) }

// Port is the socket's netlink port id (its nl_pid).
func (c *Conn) Port() uint32 { return c.port }

// Send sends m to the kernel (port 0) in a datagram of its own; the
// kernel reads only the first netlink message of each datagram.
func (c *Conn) Send(m Msg) error { return c.SendTo(m, 0) }

// SendTo sends m in a datagram of its own to port (0 is the kernel).
func (c *Conn) SendTo(m Msg, port uint32) error {
	b, err := Append(make([]byte, 0, nlmsgHdrLen+cnMsgHdrLen+len(m.Data)+nlmsgAlign), m, c.port)
	if err != nil {
		return err
	}
	return c.closedErr(c.sendto(b, port))
}

// Receive waits for the next datagram and returns the messages in it and
// the port that sent it, from the source address the kernel filled in
// (0 is the kernel). The messages alias a buffer that the next Receive
// overwrites.
//
// A datagram whose framing is broken yields a [*FrameError] together with
// its sender and the messages before the fault. An overflowed receive
// queue yields an error wrapping [ErrOverrun]. After [Conn.Close], and
// when a deadline set with [Conn.SetReadDeadline] passes, Receive returns
// an error wrapping [os.ErrClosed] or [os.ErrDeadlineExceeded].
func (c *Conn) Receive() ([]Msg, uint32, error) {
	n, port, err := c.recv(c.buf)
	if err != nil {
		return nil, 0, c.closedErr(err)
	}
	c.msgs, err = Parse(c.msgs[:0], c.buf[:n])
	return c.msgs, port, err
}

// SetReadDeadline sets the time after which Receive fails; the zero time
// means none.
func (c *Conn) SetReadDeadline(t time.Time) error { return c.f.SetReadDeadline(t) }

// Close closes the socket; a Receive waiting in another goroutine returns.
func (c *Conn) Close() error {
	c.closed.Store(true)
	return c.f.Close()
}

// closedErr makes the errors of a closed socket match os.ErrClosed: the
// poller reports them with an error of its own.
func (c *Conn) closedErr(err error) error {
	if err != nil && c.closed.Load() && !errors.Is(err, os.ErrClosed) {
		return &os.PathError{Op: "netlink", Path: c.f.Name(), Err: os.ErrClosed}
	}
	return err
}

// SetReadBuffer asks for a receive queue of the given size in bytes,
// beyond the system limit when the process has CAP_NET_ADMIN
// (SO_RCVBUFFORCE), to make overruns rarer under bursts of messages.
func (c *Conn) SetReadBuffer(bytes int) error { return c.setReadBuffer(bytes) }
