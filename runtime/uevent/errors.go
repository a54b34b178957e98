package uevent

import (
	"errors"
	"strconv"

	"github.com/cngen/cngen/runtime/cn"
)

// Errors the package wraps; test with errors.Is.
var (
	// ErrMalformed: a datagram that is not a uevent of its source (see
	// [ParseError]). Receiving goes on.
	ErrMalformed = errors.New("malformed uevent")
	// ErrOverrun: the receive queue overflowed (ENOBUFS) and the kernel
	// dropped events. Receiving goes on. It is cn.ErrOverrun, so that one
	// test serves both packages.
	ErrOverrun = cn.ErrOverrun
	// ErrInvalidEvent: an Event that cannot be framed as a datagram (see
	// [Event.AppendBinary]).
	ErrInvalidEvent = errors.New("event cannot be framed")
	// ErrNotSupported: netlink sockets exist on Linux only.
	ErrNotSupported = errors.New("kobject uevents not supported on this platform")
)

// OpError is the error of an operation on a [Listener]: the operation
// ("listen", "receive", "set-read-deadline", "close") and what went
// wrong, which may wrap [ErrOverrun], a [*ParseError], net.ErrClosed,
// os.ErrDeadlineExceeded or a system call error.
type OpError struct {
	Op  string
	Err error
}

func (e *OpError) Error() string {
	if e.Err == nil {
		return "uevent: " + e.Op + ": <nil>"
	}
	return "uevent: " + e.Op + ": " + e.Err.Error()
}

func (e *OpError) Unwrap() error { return e.Err }

// Timeout reports whether the operation failed on a deadline.
func (e *OpError) Timeout() bool {
	var t interface{ Timeout() bool }
	return errors.As(e.Err, &t) && t.Timeout()
}

// ParseError says where and why a datagram is not a uevent. It wraps
// [ErrMalformed].
type ParseError struct {
	Offset int // byte offset of the fault in the datagram
	Reason string
}

func (e *ParseError) Error() string {
	return "malformed uevent at offset " + strconv.Itoa(e.Offset) + ": " + e.Reason
}

func (e *ParseError) Unwrap() error { return ErrMalformed }

// malformed is a *ParseError at off.
func malformed(off int, reason string) error { return &ParseError{Offset: off, Reason: reason} }
