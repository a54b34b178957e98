package uevent

import (
	"errors"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Netlink numbers of kobject uevents.
const (
	// Protocol is NETLINK_KOBJECT_UEVENT.
	Protocol = 15
	// GroupKernel is the group the kernel multicasts its uevents on,
	// from port 0.
	GroupKernel = 1
	// GroupUdev is the group udev re-broadcasts events on once its rules
	// have run, from its own port, with a libudev header.
	GroupUdev = 2
)

// MaxDatagram is the size of a Listener's receive buffer. The kernel's
// uevents take at most a few KiB (UEVENT_BUFFER_SIZE is 2048 for the
// environment); a larger datagram is malformed.
const MaxDatagram = 64 << 10

// Source is a sender of uevents, and in [Config.Sources] a set of them.
type Source uint8

const (
	// SourceKernel is the kernel: group 1, port 0.
	SourceKernel Source = 1 << iota
	// SourceUdev is udev: group 2, a user-space port, uid 0, the
	// libudev header.
	SourceUdev
)

func (s Source) String() string {
	switch s {
	case SourceKernel:
		return "kernel"
	case SourceUdev:
		return "udev"
	case SourceKernel | SourceUdev:
		return "kernel+udev"
	}
	return "Source(" + strconv.FormatUint(uint64(s), 10) + ")"
}

// Config configures [Listen]. The zero value listens to the kernel's
// uevents in the caller's network namespace, with the default receive
// buffer.
type Config struct {
	// Sources are the senders to listen to: 0 means SourceKernel. With
	// SourceUdev, each event that udev handles comes twice: from the
	// kernel as it happens, and from udev once its rules have run.
	Sources Source
	// ReadBuffer sets the socket's receive buffer (SO_RCVBUF) in bytes,
	// which the kernel doubles for its bookkeeping; 0 keeps the default.
	// A burst of uevents (udevadm trigger, a hub of devices plugged in)
	// overruns a small one.
	ReadBuffer int
	// ForceReadBuffer sets ReadBuffer with SO_RCVBUFFORCE, beyond the
	// net.core.rmem_max limit, as udev does. It needs CAP_NET_ADMIN.
	ForceReadBuffer bool
	// NetNS is a network namespace file descriptor to listen in; 0 means
	// the caller's.
	NetNS int
}

// Listener is a NETLINK_KOBJECT_UEVENT socket that returns the uevents
// of the sources it listens to and drops what others send.
//
// Receive is meant for one goroutine at a time (a second one waits for
// the first); SetReadDeadline, Stats and Close may be called from any
// goroutine, also while Receive waits.
type Listener struct {
	sys     sysListener
	sources Source
	port    uint32
	closed  atomic.Bool
	stats   counters

	mu  sync.Mutex // one Receive at a time: it owns the buffer and lay
	lay layout
}

// Listen opens a socket, joins the groups of cfg's sources, and starts
// queueing their datagrams. Joining needs no privilege. A nil cfg is the
// zero Config.
func Listen(cfg *Config) (*Listener, error) {
	if cfg == nil {
		cfg = &Config{}
	}
	sources := cfg.Sources
	if sources == 0 {
		sources = SourceKernel
	}
	if sources&^(SourceKernel|SourceUdev) != 0 {
		return nil, &OpError{Op: "listen", Err: errors.New("unknown source in " + sources.String())}
	}
	l := &Listener{sources: sources}
	port, err := l.sys.listen(cfg, sources)
	if err != nil {
		return nil, &OpError{Op: "listen", Err: err}
	}
	l.port = port
	return l, nil
}

// Port is the socket's port id (its nl_pid). A datagram sent to it
// directly is forged, whoever sends it (CAP_NET_ADMIN is needed to).
func (l *Listener) Port() uint32 { return l.port }

// Receive waits for the next uevent of the Listener's sources and
// returns it. Datagrams from other senders are counted as forged and
// dropped on the way; a datagram that does not parse, and an overrun,
// end Receive with an error (see the package comment), after which the
// next Receive goes on with the datagrams that follow.
func (l *Listener) Receive() (*Event, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for {
		b, o, err := l.sys.receive()
		if err != nil {
			if errors.Is(err, ErrOverrun) {
				l.stats.overruns.Add(1)
			}
			return nil, l.wrap("receive", err)
		}
		l.stats.received.Add(1)
		src, ok := accept(o, l.sources)
		if !ok {
			l.stats.forged.Add(1)
			continue
		}
		e, err := l.decode(b, o, src)
		if err != nil {
			l.stats.malformed.Add(1)
			return nil, l.wrap("receive", err)
		}
		l.stats.decoded.Add(1)
		return e, nil
	}
}

// decode parses datagram b from src into a new Event.
func (l *Listener) decode(b []byte, o origin, src Source) (*Event, error) {
	if o.truncated {
		return nil, malformed(len(b), "larger than the receive buffer of "+strconv.Itoa(MaxDatagram)+" bytes")
	}
	if err := l.lay.parse(b); err != nil {
		return nil, err
	}
	switch {
	case l.lay.source == src:
	case src == SourceKernel:
		return nil, malformed(0, "a libudev header on the kernel's group")
	default:
		return nil, malformed(0, "no libudev header on udev's group")
	}
	e := &Event{}
	l.lay.build(e, b)
	e.PID = o.pid
	return e, nil
}

// origin is where a datagram came from: its source address, which the
// kernel fills in, and its SCM_CREDENTIALS, which the kernel checks.
type origin struct {
	port      uint32 // sockaddr_nl.nl_pid: 0 is the kernel
	groups    uint32 // sockaddr_nl.nl_groups: the group bit it came on, 0 for a unicast
	creds     bool   // SCM_CREDENTIALS came with it
	pid       int32
	uid       uint32
	truncated bool // larger than the buffer (MSG_TRUNC)
}

// accept says which of sources sent a datagram from o, if any: the
// kernel from port 0 on its group, udev from a user-space port on its
// group as root, as libudev requires (sd-device's
// device_monitor_receive_device). Nothing in the datagram counts.
func accept(o origin, sources Source) (Source, bool) {
	switch {
	case o.groups == 1<<(GroupKernel-1) && o.port == 0:
		return SourceKernel, sources&SourceKernel != 0
	case o.groups == 1<<(GroupUdev-1) && o.port != 0 && o.creds && o.uid == 0:
		return SourceUdev, sources&SourceUdev != 0
	}
	return 0, false
}

// SetReadDeadline sets the time after which Receive fails with
// os.ErrDeadlineExceeded, also a Receive waiting at the time; the zero
// time means none. A deadline in the past wakes a waiting Receive, as
// for a context that is done:
//
//	stop := context.AfterFunc(ctx, func() { l.SetReadDeadline(time.Unix(1, 0)) })
//	defer stop()
func (l *Listener) SetReadDeadline(t time.Time) error {
	return l.wrap("set-read-deadline", l.sys.setReadDeadline(t))
}

// Stats counts what the Listener received so far.
func (l *Listener) Stats() Stats { return l.stats.snapshot() }

// Close closes the socket. A Receive waiting in another goroutine
// returns at once with an error wrapping net.ErrClosed.
func (l *Listener) Close() error {
	if l.closed.Swap(true) {
		return nil
	}
	if err := l.sys.close(); err != nil {
		return &OpError{Op: "close", Err: err}
	}
	return nil
}

// wrap makes err an *OpError for op, and any error after Close
// net.ErrClosed, whichever error the closed descriptor gave.
func (l *Listener) wrap(op string, err error) error {
	switch {
	case err == nil:
		return nil
	case l.closed.Load():
		return &OpError{Op: op, Err: net.ErrClosed}
	}
	return &OpError{Op: op, Err: err}
}
