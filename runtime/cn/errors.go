package cn

import (
	"errors"
	"strconv"
)

// Errors the runtime wraps; test with errors.Is.
var (
	// ErrMalformed: a datagram whose netlink or connector framing is
	// broken (see [FrameError]). Receiving goes on.
	ErrMalformed = errors.New("malformed connector datagram")
	// ErrOverrun: the socket's receive queue overflowed (ENOBUFS) and the
	// kernel dropped messages. Receiving goes on; resynchronise if the
	// lost messages matter.
	ErrOverrun = errors.New("receive queue overrun: messages were lost")
	// ErrQueueFull: a unicast towards a user-space port found its
	// receive queue full (EAGAIN). Netlink gives the sender no wake-up
	// when the queue drains, so Send does not wait: retry later.
	ErrQueueFull = errors.New("peer's receive queue is full")
	// ErrMsgSize: a message larger than [MaxMsgSize] (cn_msg included).
	ErrMsgSize = errors.New("message larger than CONNECTOR_MAX_MSG_SIZE")
	// ErrGroupRange: a group number a sender cannot address: a
	// user-space socket can send to groups 1 to 32 only.
	ErrGroupRange = errors.New("group out of range")
	// ErrRejected: a message from a sender its callback does not accept,
	// e.g. a user-space port for a [KernelOnly] callback.
	ErrRejected = errors.New("sender not accepted")
	// ErrExists: AddCallback for an ID that already has a callback.
	ErrExists = errors.New("callback already registered")
	// ErrNotSupported: netlink sockets exist on Linux only.
	ErrNotSupported = errors.New("netlink connector not supported on this platform")
)

// OpError is the error of an operation on a [Conn]: the operation ("dial",
// "send", "receive", "join-group", …) and what went wrong, which may wrap
// one of the Err… variables, net.ErrClosed, os.ErrDeadlineExceeded, a
// [*FrameError] or a system call error.
type OpError struct {
	Op  string
	Err error
}

func (e *OpError) Error() string { return "cn: " + e.Op + ": " + errString(e.Err) }

func (e *OpError) Unwrap() error { return e.Err }

// Timeout reports whether the operation failed on a deadline.
func (e *OpError) Timeout() bool {
	var t interface{ Timeout() bool }
	return errors.As(e.Err, &t) && t.Timeout()
}

// FrameError describes where and why a datagram does not parse as
// netlink messages carrying connector messages. It wraps [ErrMalformed].
type FrameError struct {
	Offset int    // byte offset of the fault in the datagram
	Header string // "datagram", "nlmsghdr" or "cn_msg"
	Reason string
}

func (e *FrameError) Error() string {
	return "malformed " + e.Header + " at offset " + strconv.Itoa(e.Offset) + ": " + e.Reason
}

func (e *FrameError) Unwrap() error { return ErrMalformed }

// DispatchError reports a message that a [Dispatcher] did not deliver, or
// whose callback failed. Err is [ErrRejected], a [*PanicError], or the
// error a callback passed to [Request.Invalid].
type DispatchError struct {
	ID   ID
	Name string // the callback's name
	From uint32 // the sender's port
	Err  error
}

func (e *DispatchError) Error() string {
	return "cn: " + e.Name + " " + e.ID.String() + " from port " + strconv.FormatUint(uint64(e.From), 10) + ": " + errString(e.Err)
}

func (e *DispatchError) Unwrap() error { return e.Err }

// PanicError holds what a callback panicked with, and the stack.
type PanicError struct {
	Value any
	Stack []byte
}

func (e *PanicError) Error() string { return "callback panicked: " + panicText(e.Value) }

func panicText(v any) string {
	switch v := v.(type) {
	case error:
		return v.Error()
	case string:
		return v
	case interface{ String() string }:
		return v.String()
	}
	return "(non-error value)"
}

// errString is err's text, tolerating nil.
func errString(err error) string {
	if err == nil {
		return "<nil>"
	}
	return err.Error()
}
