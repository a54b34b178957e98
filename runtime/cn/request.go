package cn

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
