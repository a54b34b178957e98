package cn

import "encoding"

// Request is a message handed to a callback, with the endpoint it came
// through so that the callback can answer.
//
// A Request, its Data included, is valid only until the callback
// returns: the Dispatcher reuses it and the receive buffer. Copy what
// must outlive the call.
type Request struct {
	Message
	ep    Endpoint
	d     *Dispatcher
	cb    *callback
	reply Msg
	buf   []byte // replyWith's encoding, reused
}

// Endpoint is the endpoint the message came through, to send more than
// a reply on, e.g. events to a group.
func (r *Request) Endpoint() Endpoint { return r.ep }

// Name is the name the callback was registered with.
func (r *Request) Name() string { return r.cb.name }

// Reply sends data back to the sender's port as the answer to this
// message: same ID and Seq, Ack plus one (see [ReplyTo]).
func (r *Request) Reply(data []byte) error {
	r.reply = ReplyTo(&r.Msg, data)
	return r.ep.Send(&r.reply, Addr{Port: r.From})
}

// Invalid reports that the message's data does not decode: the
// Dispatcher counts it in [Stats].Invalid and passes err, in a
// [*DispatchError], to OnError.
func (r *Request) Invalid(err error) {
	r.d.stats.invalid.Add(1)
	r.d.report(&DispatchError{ID: r.ID, Name: r.cb.name, From: r.From, Err: err})
}

// Fail reports that the callback could not handle the message, or not
// answer it: the Dispatcher counts it in [Stats].Failed and passes err,
// in a [*DispatchError], to OnError. A call answered with an error by a
// generated Server's method ends here, and no reply is sent.
func (r *Request) Fail(err error) {
	r.d.stats.failed.Add(1)
	r.d.report(&DispatchError{ID: r.ID, Name: r.cb.name, From: r.From, Err: err})
}

// replyWith encodes v and sends it as the reply, as Reply does.
func (r *Request) replyWith(v encoding.BinaryAppender) error {
	b, err := v.AppendBinary(r.buf[:0])
	if err != nil {
		return err
	}
	r.buf = b
	return r.Reply(b)
}
