package cn

import (
	"context"
	"encoding"
	"errors"
	"sync"
)

// Client sends the messages of one family to one peer, waits for the
// replies of its calls and subscribes to its events: what the
// <Family>Client types that cngen generates are built on. Their typed
// methods encode a payload and call Send or Call with the message's val.
// A Client is safe for concurrent use.
type Client struct {
	ep     Endpoint
	d      *Dispatcher
	out    Sender
	idx    uint32
	peer   uint32
	groups []uint32

	mu     sync.Mutex // serialises Subscribe and Unsubscribe
	routes []Route    // registered by Subscribe
	joined []uint32   // groups Subscribe joined
}

// ClientOption configures a [Client]; see [WithSender].
type ClientOption func(*Client)

// WithSender makes a Client send through s instead of its endpoint, e.g.
// through a batching bus in front of it. Replies and events still come
// back to the endpoint, so s must send from the endpoint's port.
func WithSender(s Sender) ClientOption { return func(c *Client) { c.out = s } }

// NewClient returns a Client of family idx that talks to the peer at
// port peer (0 for the kernel) through ep; groups are the family's
// multicast groups, which Subscribe joins. d must be serving ep: it
// hands each Call its reply and the routes of Subscribe their events.
func NewClient(ep Endpoint, d *Dispatcher, idx, peer uint32, groups []uint32, opts ...ClientOption) *Client {
	c := &Client{ep: ep, d: d, out: ep, idx: idx, peer: peer, groups: groups}
	for _, o := range opts {
		o(c)
	}
	return c
}

// Send encodes v and sends it to the peer as message val of the family.
// It fails with the encoder's error (a [*EncodeError]) or the Sender's
// (an [*OpError]).
func (c *Client) Send(val uint32, v encoding.BinaryAppender) error {
	return SendBinary(c.out, ID{Idx: c.idx, Val: val}, v, Addr{Port: c.peer})
}

// Call encodes req, sends it to the peer as message val of the family
// with [Dispatcher.Call], and decodes the reply, matched by Seq and Ack
// plus one and coming from the peer's port, into reply. It waits until
// ctx is done (an [*OpError] wrapping ctx's error): give ctx a deadline,
// since netlink never says that a message was lost. A reply that does
// not decode is an *OpError wrapping the decoder's [*DecodeError]. Any
// number of Calls may wait at once.
func (c *Client) Call(ctx context.Context, val uint32, req encoding.BinaryAppender, reply encoding.BinaryUnmarshaler) error {
	id := ID{Idx: c.idx, Val: val}
	if err := ctx.Err(); err != nil {
		return &OpError{Op: "call " + id.String(), Err: err}
	}
	data, err := req.AppendBinary(nil)
	if err != nil {
		return err
	}
	m, err := c.d.Call(ctx, c.out, &Msg{ID: id, Data: data}, Addr{Port: c.peer})
	if err != nil {
		return err
	}
	if err := reply.UnmarshalBinary(m.Data); err != nil {
		return &OpError{Op: "call " + id.String(), Err: err}
	}
	return nil
}

// Subscribe adds routes, the callbacks of the family's events, to the
// Client's Dispatcher with opts (see [Register]), and joins the family's
// groups on the Client's endpoint, which must then have JoinGroup and
// LeaveGroup methods, as [*Conn] and cntest's Conn do (otherwise it
// fails with an [*OpError] wrapping errors.ErrUnsupported). Joining a
// connector group needs CAP_NET_ADMIN, but for the proc connector's from
// Linux 6.6. On failure nothing stays registered or joined.
func (c *Client) Subscribe(routes []Route, opts ...CallbackOption) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := Register(c.d, routes, opts...); err != nil {
		return err
	}
	for _, g := range c.groups {
		if err := c.join(g); err != nil {
			c.leave()
			unregister(c.d, routes)
			return err
		}
	}
	c.routes = append(c.routes, routes...)
	return nil
}

// Unsubscribe leaves the groups Subscribe joined and removes the
// callbacks it added, waiting for those running to return (see
// [Dispatcher.DelCallback]: not from one of them). It leaves those
// groups even when the endpoint was in them before Subscribe, e.g. by
// [Config].Groups. It returns the errors of leaving.
func (c *Client) Unsubscribe() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	err := c.leave()
	unregister(c.d, c.routes)
	c.routes = nil
	return err
}

// groupMember is an endpoint that joins and leaves multicast groups.
type groupMember interface {
	JoinGroup(g uint32) error
	LeaveGroup(g uint32) error
}

func (c *Client) join(g uint32) error {
	m, ok := c.ep.(groupMember)
	if !ok {
		return &OpError{Op: "join-group", Err: errors.ErrUnsupported}
	}
	if err := m.JoinGroup(g); err != nil {
		return err
	}
	c.joined = append(c.joined, g)
	return nil
}

// leave leaves the groups joined; c.mu is held.
func (c *Client) leave() error {
	var errs []error
	if m, ok := c.ep.(groupMember); ok {
		for _, g := range c.joined {
			errs = append(errs, m.LeaveGroup(g))
		}
	}
	c.joined = nil
	return errors.Join(errs...)
}

// SendBinary encodes v and sends it through s to the port and group of
// to as a message with id, in a Msg and Data of its own. Generated event
// senders (<Family>Events) use it. It fails with the encoder's error (a
// [*EncodeError]) or the Sender's.
func SendBinary(s Sender, id ID, v encoding.BinaryAppender, to Addr) error {
	data, err := v.AppendBinary(nil)
	if err != nil {
		return err
	}
	return s.Send(&Msg{ID: id, Data: data}, to)
}
