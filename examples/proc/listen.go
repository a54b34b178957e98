package proc

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/cngen/cngen/examples/proc/internal/rawcn"
)

// This file is the example's own listener, written by hand until the
// generated Client and runtime/cn exist; they will replace it.

// ErrOverrun is wrapped by the error [Listener.Next] returns when the
// socket's receive queue overflowed and events were lost. The Listener
// stays usable.
var ErrOverrun = rawcn.ErrOverrun

// ErrMalformed is wrapped by the error [Listener.Next] returns for a
// datagram or an event that does not decode; the Listener stays usable.
var ErrMalformed = errors.New("malformed message")

// Listener receives process events from the kernel. It subscribes when
// opened and unsubscribes on Close; it accepts only datagrams whose source
// address is the kernel's (port 0), and decodes each event with
// [ProcEvent.UnmarshalBinary].
type Listener struct {
	conn *rawcn.Conn
	mask Event
	seq  uint32 // of the control messages we send

	pending []rawcn.Msg // messages of the last datagram not yet returned
	err     error       // framing error to return once pending is drained
	stats   Stats

	closeOnce sync.Once
	closeErr  error
}

// Stats counts what a Listener dropped.
type Stats struct {
	// Foreign counts datagrams from a port other than the kernel's:
	// another process unicasting to the listener's port. They are dropped.
	Foreign uint64
	// Other counts connector messages of another id than the proc event
	// (idx 1, val 1). They are dropped.
	Other uint64
	// Filtered counts events outside the subscription's mask. The kernel
	// filters only once it has read the subscription: between joining the
	// group and then, a socket gets every event.
	Filtered uint64
}

// Listen opens a connector socket, joins the proc group and subscribes
// to the events in mask: [ProcEventAll] (or 0) for all of them. Only
// subscriptions to all events see acks (what [EventNone]), and
// [EventNonzeroExit] selects exit events with a non-zero exit code.
// Filter masks need Linux 6.6; before it, subscribing needs CAP_NET_ADMIN.
func Listen(mask Event) (*Listener, error) {
	c, err := rawcn.Dial(ProcGroup)
	if err != nil {
		return nil, fmt.Errorf("proc: listen: %w", err)
	}
	// As the kernel does: unknown bits are ignored, and no bits means all.
	if mask &= ProcEventAll; mask == 0 {
		mask = ProcEventAll
	}
	l := &Listener{conn: c, mask: mask, seq: rand.Uint32()}
	if err := l.control(McastOpListen); err != nil {
		c.Close()
		return nil, err
	}
	return l, nil
}

// control sends op to the kernel, with a fresh seq and a random ack as
// the connector's convention asks. For all events it sends the op alone,
// the 4-byte form every kernel accepts (before 6.6 the kernel drops any
// other length); for a filter, proc_input{op, mask}, which 6.6 added.
func (l *Listener) control(op McastOp) error {
	var data []byte
	var err error
	if l.mask == ProcEventAll {
		data, err = op.MarshalBinary()
	} else {
		in := ProcInput{McastOp: op, EventType: l.mask}
		data, err = in.MarshalBinary()
	}
	if err != nil {
		return fmt.Errorf("proc: %v: %w", op, err)
	}
	l.seq++
	m := rawcn.Msg{Idx: ProcIdx, Val: ProcControlVal, Seq: l.seq, Ack: rand.Uint32(), Data: data}
	if err := l.conn.Send(m); err != nil {
		return fmt.Errorf("proc: send %v: %w", op, err)
	}
	return nil
}

// Next waits for the next event and decodes it into ev. After an error
// wrapping [ErrOverrun] or [ErrMalformed] the Listener stays usable; after
// Close, Next returns an error matching [os.ErrClosed], and past a
// deadline one matching [os.ErrDeadlineExceeded].
func (l *Listener) Next(ev *ProcEvent) error {
	for {
		for len(l.pending) > 0 {
			m := l.pending[0]
			l.pending = l.pending[1:]
			if m.Idx != ProcIdx || m.Val != ProcEventVal {
				l.stats.Other++
				continue
			}
			if err := ev.UnmarshalBinary(m.Data); err != nil {
				return fmt.Errorf("proc: %w: event seq %d: %w", ErrMalformed, m.Seq, err)
			}
			if !l.wanted(ev) {
				l.stats.Filtered++
				continue
			}
			return nil
		}
		if err := l.err; err != nil {
			l.err = nil
			return fmt.Errorf("proc: %w: %w", ErrMalformed, err)
		}
		if err := l.receive(); err != nil {
			return err
		}
	}
}

// wanted reports whether the kernel's filter (cn_filter in
// drivers/connector/cn_proc.c) lets ev through to a socket subscribed
// with l.mask. Acks (what none) reach only sockets subscribed to all.
func (l *Listener) wanted(ev *ProcEvent) bool {
	if l.mask == ProcEventAll {
		return true
	}
	if l.mask&EventNonzeroExit != 0 && ev.What == EventExit && ev.EventData.Exit.ExitCode != 0 {
		return true
	}
	return l.mask&ev.What != 0
}

// receive reads the next datagram from the kernel into pending, dropping
// datagrams from any other port.
func (l *Listener) receive() error {
	for {
		msgs, port, err := l.conn.Receive()
		var fe *rawcn.FrameError
		if err != nil && !errors.As(err, &fe) {
			return fmt.Errorf("proc: receive: %w", err)
		}
		if port != 0 {
			l.stats.Foreign++
			continue
		}
		l.pending, l.err = msgs, err
		return nil
	}
}

// Stats returns the counts of dropped datagrams and messages. Call it
// from the goroutine that calls Next.
func (l *Listener) Stats() Stats { return l.stats }

// SetDeadline sets the time after which Next fails; zero means none.
func (l *Listener) SetDeadline(t time.Time) error { return l.conn.SetReadDeadline(t) }

// SetReadBuffer asks for a receive queue of the given size, to make
// overruns rarer (beyond the system limit with CAP_NET_ADMIN).
func (l *Listener) SetReadBuffer(bytes int) error { return l.conn.SetReadBuffer(bytes) }

// Close unsubscribes — the kernel keeps producing events while a
// subscriber has not sent IGNORE — and closes the socket. It may be
// called while Next waits in another goroutine, and more than once.
func (l *Listener) Close() error {
	l.closeOnce.Do(func() {
		l.closeErr = errors.Join(l.control(McastOpIgnore), l.conn.Close())
	})
	return l.closeErr
}
