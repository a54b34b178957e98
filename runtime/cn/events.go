package cn

import (
	"context"
	"iter"
)

// EventRoute is one event of a family for [Events]: how a message with
// its ID becomes an E. Generated Events methods build one per event.
type EventRoute[E any] struct {
	ID   ID
	Name string // family.message
	make func(*Request) (E, error)
}

// Event returns the EventRoute that decodes each message with id as a
// new T, which it keeps (unlike [On], it does not reuse values), and
// makes it an E with wrap.
func Event[E any, T any, P Payload[T]](id ID, name string, wrap func(r *Request, payload P) E) EventRoute[E] {
	return EventRoute[E]{ID: id, Name: name, make: func(r *Request) (E, error) {
		v := P(new(T))
		if err := v.UnmarshalBinary(r.Data); err != nil {
			var zero E
			return zero, err
		}
		return wrap(r, v), nil
	}}
}

// eventsBuffer is how many events wait for the loop of [Events] before
// the callbacks making them wait too.
const eventsBuffer = 64

// Events subscribes c to the events of routes, with opts (as
// [Client.Subscribe]), and yields each as it arrives, as an E, until ctx
// is done or the loop stops; then it unsubscribes. A failed Subscribe is
// yielded as the only error. An event whose payload does not decode is
// yielded as its decoding error (and counted, as [Request.Invalid]
// does) and the loop goes on. When ctx is done
// the loop gets ctx's error last.
//
// Nothing is dropped: when the loop is slow, up to 64 events wait, and
// then the Dispatcher's callback waits for the loop, holding back the
// messages behind it. Subscribe and Events take the same callbacks: a
// client cannot use both for a family at once (the second fails with
// [ErrExists]).
func Events[E any](ctx context.Context, c *Client, routes []EventRoute[E], opts ...CallbackOption) iter.Seq2[E, error] {
	return func(yield func(E, error) bool) {
		type item struct {
			e   E
			err error
		}
		var zero E
		ch := make(chan item, eventsBuffer)
		stop := make(chan struct{})
		rts := make([]Route, len(routes))
		for i, er := range routes {
			rts[i] = Route{ID: er.ID, Name: er.Name, fn: func(r *Request) {
				e, err := er.make(r)
				if err != nil {
					r.Invalid(err)
				}
				select {
				case ch <- item{e, err}:
				case <-stop:
				}
			}}
		}
		if err := c.Subscribe(rts, opts...); err != nil {
			yield(zero, err)
			return
		}
		defer func() {
			close(stop) // callbacks waiting to hand over an event return
			c.Unsubscribe()
		}()
		for {
			select {
			case it := <-ch:
				if !yield(it.e, it.err) {
					return
				}
			case <-ctx.Done():
				yield(zero, ctx.Err())
				return
			}
		}
	}
}
