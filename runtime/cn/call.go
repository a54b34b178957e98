package cn

import (
	"context"
	"math/rand/v2"
	"sync"
	"sync/atomic"
)

// calls are the requests of Call waiting for their reply.
type calls struct {
	seq     atomic.Uint32
	waiting atomic.Int32 // len(m), read without the lock
	mu      sync.Mutex
	m       map[ID]map[callKey]*pendingCall
}

// callKey is what a reply must repeat: Seq, and Ack plus one.
type callKey struct{ seq, ack uint32 }

type pendingCall struct {
	from  uint32 // the port the request went to: the only one to answer
	reply chan Message
}

// Call sends req to the port of to through s and waits for its reply:
// the message with req's ID and Seq and an Ack one more, from that same
// port (a reply from any other port is not taken for one). A Serve of d
// must be receiving from the endpoint the reply comes back to (s itself
// when it is an [Endpoint]; the endpoint behind it otherwise)
// meanwhile: it hands the reply over instead of dispatching it, and
// counts it in [Stats].Replies.
//
// When req.Seq and req.Ack are both zero, Call numbers req first with a
// sequence number of d's and a random Ack. It returns the reply, its
// Data copied, or ctx's error when ctx is done first. Any number of
// Calls may wait at once.
func (d *Dispatcher) Call(ctx context.Context, s Sender, req *Msg, to Addr) (Message, error) {
	if req.Seq == 0 && req.Ack == 0 {
		req.Seq, req.Ack = d.calls.seq.Add(1), rand.Uint32()|1
	}
	key := callKey{req.Seq, req.Ack + 1}
	p := &pendingCall{from: to.Port, reply: make(chan Message, 1)}
	if err := d.calls.add(req.ID, key, p); err != nil {
		return Message{}, err
	}
	defer d.calls.remove(req.ID, key)
	if err := s.Send(req, to); err != nil {
		return Message{}, err
	}
	select {
	case m := <-p.reply:
		return m, nil
	case <-ctx.Done():
		return Message{}, &OpError{Op: "call " + req.ID.String(), Err: ctx.Err()}
	}
}

func (c *calls) add(id ID, key callKey, p *pendingCall) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = make(map[ID]map[callKey]*pendingCall)
	}
	byKey := c.m[id]
	if byKey == nil {
		byKey = make(map[callKey]*pendingCall)
		c.m[id] = byKey
	}
	if _, dup := byKey[key]; dup {
		return &DispatchError{ID: id, Name: "call", Err: ErrExists}
	}
	byKey[key] = p
	c.waiting.Add(1)
	return nil
}

func (c *calls) remove(id ID, key callKey) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.m[id][key]; ok {
		delete(c.m[id], key)
		c.waiting.Add(-1)
	}
}

// answer hands m to the Call it replies to, if any, and reports whether
// it did.
func (c *calls) answer(m *Message) bool {
	if c.waiting.Load() == 0 {
		return false
	}
	key := callKey{m.Seq, m.Ack}
	c.mu.Lock()
	p := c.m[m.ID][key]
	if p == nil || p.from != m.From {
		c.mu.Unlock()
		return false
	}
	delete(c.m[m.ID], key)
	c.waiting.Add(-1)
	c.mu.Unlock()
	reply := *m
	reply.Data = append([]byte(nil), m.Data...)
	p.reply <- reply
	return true
}
