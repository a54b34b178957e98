package cn

import (
	"context"
	"errors"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"
)

// Dispatcher routes received messages to callbacks by [ID], as the
// kernel's connector does with cn_add_callback. The zero value is ready
// to use; one Dispatcher may serve several endpoints at once.
type Dispatcher struct {
	// OnError, when set, is called with each fault that Serve survives:
	// an overrun (an *OpError wrapping ErrOverrun: messages were lost,
	// resynchronise), a malformed datagram (wrapping ErrMalformed), and
	// a *DispatchError for a rejected sender, a panicking callback or a
	// message a callback found invalid. It runs on Serve's goroutine,
	// between messages: keep it short, e.g. a non-blocking send on a
	// channel. Set it before Serve starts.
	OnError func(error)

	mu    sync.Mutex                       // serialises changes of cbs
	cbs   atomic.Pointer[map[ID]*callback] // replaced, never changed
	calls calls
	stats counters
}

// callback is one registration.
type callback struct {
	name       string
	fn         func(*Request)
	kernelOnly bool

	// mu is read-held while fn runs; DelCallback takes it to wait for
	// running calls, and sets removed so that none starts after.
	mu      sync.RWMutex
	removed bool
}

// CallbackOption configures a callback; see [KernelOnly].
type CallbackOption func(*callback)

// KernelOnly makes a callback accept messages from the kernel only: from
// source port 0, as the datagram's address says. Messages from any other
// port are counted in [Stats].Rejected and never reach the callback. Use
// it for kernel families (the schema's `sender kernel`): a process with
// CAP_NET_ADMIN can send any message to a listener's port.
func KernelOnly() CallbackOption { return func(cb *callback) { cb.kernelOnly = true } }

// AddCallback registers fn for messages with id, under name (for errors
// and logs). It may be called at any time, also while Serve runs; it
// fails with [ErrExists] when id has a callback already.
func (d *Dispatcher) AddCallback(id ID, name string, fn func(*Request), opts ...CallbackOption) error {
	if fn == nil {
		return errors.New("cn: AddCallback " + id.String() + ": nil callback")
	}
	cb := &callback{name: name, fn: fn}
	for _, o := range opts {
		o(cb)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	old := d.callbacks()
	if _, ok := old[id]; ok {
		return &DispatchError{ID: id, Name: name, Err: ErrExists}
	}
	m := make(map[ID]*callback, len(old)+1)
	for k, v := range old {
		m[k] = v
	}
	m[id] = cb
	d.cbs.Store(&m)
	return nil
}

// DelCallback removes the callback of id, if any. Like cn_del_callback
// it waits for calls of that callback under way to return, and none
// starts after; so it must not be called from that callback, which
// would wait for itself (call it from a new goroutine there).
func (d *Dispatcher) DelCallback(id ID) {
	d.mu.Lock()
	old := d.callbacks()
	cb, ok := old[id]
	if ok {
		m := make(map[ID]*callback, len(old))
		for k, v := range old {
			if k != id {
				m[k] = v
			}
		}
		d.cbs.Store(&m)
	}
	d.mu.Unlock()
	if ok {
		cb.mu.Lock()
		cb.removed = true
		cb.mu.Unlock()
	}
}

func (d *Dispatcher) callbacks() map[ID]*callback {
	if m := d.cbs.Load(); m != nil {
		return *m
	}
	return nil
}

// Stats returns the counts so far.
func (d *Dispatcher) Stats() Stats { return d.stats.snapshot() }

// Serve receives from ep and calls the callback of each message's ID,
// one message at a time, until ctx is done or ep fails. From a [*Conn]
// it takes the messages of all the datagrams one system call read at
// once, where [Conn.Receive] returns them a datagram at a time.
//
// Overruns and malformed datagrams do not stop it: they are counted and
// passed to OnError, and Serve goes on receiving. A callback that panics
// is recovered, counted and reported the same way. Serve returns
// ctx.Err() when ctx is done (it wakes a waiting Receive with a read
// deadline in the past, and clears the deadline before returning, so ep
// stays usable), and otherwise the error that ended receiving, e.g. one
// wrapping net.ErrClosed after ep.Close.
func (d *Dispatcher) Serve(ctx context.Context, ep Endpoint) error {
	defer wakeOnDone(ctx, ep)()
	r := &Request{ep: ep, d: d}
	receive := ep.Receive
	if c, ok := ep.(*Conn); ok {
		receive = c.receiveBatch // the datagrams of a system call at once
	}
	for {
		msgs, err := receive()
		for i := range msgs {
			d.dispatch(r, &msgs[i])
		}
		if err == nil {
			continue
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if !d.survive(err) {
			return err
		}
	}
}

// wakeOnDone arranges for a Receive on ep to fail once ctx is done, and
// returns the function that undoes it.
func wakeOnDone(ctx context.Context, ep Endpoint) (undo func()) {
	woke := make(chan struct{})
	stop := context.AfterFunc(ctx, func() {
		defer close(woke)
		ep.SetReadDeadline(time.Unix(1, 0))
	})
	return func() {
		if !stop() {
			<-woke
			ep.SetReadDeadline(time.Time{})
		}
	}
}

// survive counts and reports a receive error Serve goes on after, and
// reports whether it is one.
func (d *Dispatcher) survive(err error) bool {
	switch {
	case errors.Is(err, ErrOverrun):
		d.stats.overruns.Add(1)
	case errors.Is(err, ErrMalformed):
		d.stats.malformed.Add(1)
	default:
		return false
	}
	d.report(err)
	return true
}

// dispatch hands m to its callback through r.
func (d *Dispatcher) dispatch(r *Request, m *Message) {
	d.stats.received.Add(1)
	if d.calls.answer(m) {
		d.stats.replies.Add(1)
		return
	}
	cb := d.callbacks()[m.ID]
	switch {
	case cb == nil:
		d.stats.unknown.Add(1)
	case cb.kernelOnly && m.From != 0:
		d.stats.rejected.Add(1)
		d.report(&DispatchError{ID: m.ID, Name: cb.name, From: m.From, Err: ErrRejected})
	default:
		r.Message, r.cb = *m, cb
		d.call(r)
	}
}

// call runs r's callback unless DelCallback removed it meanwhile.
func (d *Dispatcher) call(r *Request) {
	cb := r.cb
	cb.mu.RLock()
	defer cb.mu.RUnlock()
	if cb.removed {
		d.stats.unknown.Add(1)
		return
	}
	d.stats.dispatched.Add(1)
	defer d.recoverCall(r)
	cb.fn(r)
}

func (d *Dispatcher) recoverCall(r *Request) {
	v := recover()
	if v == nil {
		return
	}
	d.stats.panics.Add(1)
	d.report(&DispatchError{ID: r.ID, Name: r.cb.name, From: r.From, Err: &PanicError{Value: v, Stack: debug.Stack()}})
}

func (d *Dispatcher) report(err error) {
	if d.OnError != nil {
		d.OnError(err)
	}
}
