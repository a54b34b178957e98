package cn

import "sync"

// Payload is the constraint [Handle] puts on a message type: a pointer
// to T that decodes itself, as the types cngen generates do. Decoding
// into a reused value must overwrite all of it.
type Payload[T any] interface {
	*T
	UnmarshalBinary(data []byte) error
}

// Handle registers fn, with AddCallback, for messages with id whose data
// decodes as a T. Data that does not decode is reported with
// [Request.Invalid] and fn is not called. The *T handed to fn is reused
// for later messages: fn must not keep it. Decoding allocates nothing
// when T's decoder does not.
//
// Generated Register functions wire each method of a Handler this way,
// through [On] and [Register].
func Handle[T any, P Payload[T]](d *Dispatcher, id ID, name string, fn func(*Request, P), opts ...CallbackOption) error {
	return d.AddCallback(id, name, decoding(fn), opts...)
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
