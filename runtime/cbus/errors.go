package cbus

import (
	"errors"
	"strconv"

	"github.com/cngen/cngen/runtime/cn"
)

// Errors of an insert; test with errors.Is.
var (
	// ErrFull: the queue had no room and the Bus's policy is Drop. The
	// message was not taken, and is counted in [Stats].Dropped.
	ErrFull = errors.New("cbus: queue full")
	// ErrClosed: the Bus is closed.
	ErrClosed = errors.New("cbus: bus closed")
)

// SendError reports messages that the worker gave up on after a send
// failed: a receiver's queue still full after [Config].RetryTimeout
// (Err wraps [cn.ErrQueueFull]), a port nobody holds (ECONNREFUSED), a
// missing privilege (EPERM), the endpoint closed (net.ErrClosed).
type SendError struct {
	To   cn.Addr
	Msgs []cn.Msg // the messages of the failed datagram, copied, in order
	Err  error    // the endpoint's error
}

func (e *SendError) Error() string {
	return "cbus: " + strconv.Itoa(len(e.Msgs)) + " message(s) to port " + strconv.FormatUint(uint64(e.To.Port), 10) +
		" group " + strconv.FormatUint(uint64(e.To.Group), 10) + " not sent: " + e.Err.Error()
}

func (e *SendError) Unwrap() error { return e.Err }
