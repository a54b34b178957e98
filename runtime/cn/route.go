package cn

import (
	"errors"
	"sync"
)

// ErrNoReply: a call's handler returned neither a reply nor an error.
var ErrNoReply = errors.New("call answered with neither a reply nor an error")

// Payload is the constraint [On] puts on a message type: a pointer to T
// that decodes itself, as the types cngen generates do. Decoding into a
// reused value must overwrite all of it.
type Payload[T any] interface {
	*T
	UnmarshalBinary(data []byte) error
}

// Route is one callback of a family, made by [On] or [OnCall], for
// [Register] to add to a [Dispatcher]. Generated Register functions
// build one per message a Handler or Server takes.
type Route struct {
	ID   ID
	Name string // e.g. "echo.ping": family and message, for errors and logs
	fn   func(*Request)
}

// On returns the Route that decodes the data of each message with id as
// a T and calls fn with it: data that does not decode is reported with
// [Request.Invalid] and fn is not called. The *T handed to fn is reused
// for later messages: fn must not keep it. Decoding allocates nothing
// when T's decoder does not. Add routes to a [Dispatcher] with
// [Register].
func On[T any, P Payload[T]](id ID, name string, fn func(*Request, P)) Route {
	return Route{ID: id, Name: name, fn: decoding(fn)}
}

// Answer is the constraint [OnCall] puts on a reply type: a pointer to R
// that encodes itself, as the types cngen generates do.
type Answer[R any] interface {
	*R
	AppendBinary(b []byte) ([]byte, error)
}

// OnCall returns the Route that answers the calls with id: it decodes
// each request as a Q, as On does, calls fn, and sends the reply fn
// returns back to the caller's port with the request's Seq and its Ack
// plus one ([Request.Reply]). When fn returns an error, or a nil reply
// ([ErrNoReply]), or the reply cannot be encoded or sent, no reply goes
// out and the error is reported with [Request.Fail]; the caller's wait
// ends at its deadline.
func OnCall[Q any, PQ Payload[Q], R any, PR Answer[R]](id ID, name string, fn func(*Request, PQ) (PR, error)) Route {
	return On(id, name, func(r *Request, req PQ) {
		reply, err := fn(r, req)
		switch {
		case err != nil:
		case reply == nil:
			err = ErrNoReply
		default:
			err = r.replyWith(reply)
		}
		if err != nil {
			r.Fail(err)
		}
	})
}

// Register adds the callback of each route to d, with opts, as
// [Dispatcher.AddCallback] does: all of them, or none when one fails
// (those added before it are removed again).
func Register(d *Dispatcher, routes []Route, opts ...CallbackOption) error {
	for i, rt := range routes {
		if err := d.AddCallback(rt.ID, rt.Name, rt.fn, opts...); err != nil {
			unregister(d, routes[:i])
			return err
		}
	}
	return nil
}

// unregister removes the callbacks of routes from d.
func unregister(d *Dispatcher, routes []Route) {
	for _, rt := range routes {
		d.DelCallback(rt.ID)
	}
}

// decoding returns the callback that decodes a message's data as a T
// and hands it to fn.
func decoding[T any, P Payload[T]](fn func(*Request, P)) func(*Request) {
	pool := &sync.Pool{New: func() any { return P(new(T)) }}
	return func(r *Request) {
		v := pool.Get().(P)
		defer pool.Put(v)
		if err := v.UnmarshalBinary(r.Data); err != nil {
			r.Invalid(err)
			return
		}
		fn(r, v)
	}
}
