package cn

import (
	"context"
	"errors"
	"strconv"
	"syscall"
)

// CallError is how a call failed, as its reply said: the errno in the
// reply's error field (`call … -> REPLY error FIELD` in the schema). It
// unwraps to the errno, so that errors.Is(err, unix.ENOENT) and
// errors.Is(err, fs.ErrNotExist) match it. Generated clients return it,
// with the reply, as soon as the reply arrives.
type CallError struct {
	Call  string        // family.message
	Errno syscall.Errno // as the peer gave it, made positive
}

func (e *CallError) Error() string {
	return "cn: " + e.Call + ": the peer answered errno " + strconv.Itoa(int(e.Errno)) + " (" + e.Errno.Error() + ")"
}

// Unwrap returns the errno.
func (e *CallError) Unwrap() error { return e.Errno }

// CallFailed is the error of a reply of call (family.message) whose
// error field holds v: nil for 0, else a *CallError with the errno (a
// negative v is a negated errno, as the kernel writes them).
func CallFailed(call string, v int64) error {
	if v == 0 {
		return nil
	}
	if v < 0 {
		v = -v
	}
	return &CallError{Call: call, Errno: syscall.Errno(v)}
}

// Errno is the errno a server's error becomes in a reply's error field:
// a syscall.Errno in err's chain as it is; ETIMEDOUT or ECANCELED for a
// context's deadline or cancellation; EIO for any other error.
func Errno(err error) int64 {
	var errno syscall.Errno
	switch {
	case errors.As(err, &errno) && errno != 0:
		return int64(errno)
	case errors.Is(err, context.DeadlineExceeded):
		return int64(syscall.ETIMEDOUT)
	case errors.Is(err, context.Canceled):
		return int64(syscall.ECANCELED)
	}
	return int64(syscall.EIO)
}
