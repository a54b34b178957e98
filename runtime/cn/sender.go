package cn

// Sender is what generated clients and event senders send through: an
// [Endpoint] such as a [*Conn], or something in front of one, such as
// the batching bus of package runtime/cbus. Send sends m to the port
// and group of to, as [Endpoint.Send] does, numbering m first when its
// Seq and Ack are both zero.
//
// Code that sends through a Sender gives each message a Msg and a Data
// of its own and never touches them again, so a Sender may keep both
// after Send returns, e.g. to send them later in a batch. A Sender must
// be safe for concurrent use.
type Sender interface {
	Send(m *Msg, to Addr) error
}

var (
	_ Sender = Endpoint(nil)
	_ Sender = (*Conn)(nil)
)
