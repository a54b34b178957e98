package cn

import "sync/atomic"

// Stats counts what a [Dispatcher] did. Every received message is
// exactly one of dispatched, a reply, unknown and rejected:
//
//	Received == Dispatched + Replies + Unknown + Rejected
type Stats struct {
	Received   uint64 // connector messages parsed from datagrams
	Dispatched uint64 // calls of a callback, those that panicked included
	Replies    uint64 // replies handed to a waiting Call
	Unknown    uint64 // messages whose ID has no callback
	Rejected   uint64 // messages from a sender their callback does not accept
	Malformed  uint64 // datagrams that did not parse, wholly or in part
	Invalid    uint64 // messages a callback reported undecodable (Request.Invalid)
	Failed     uint64 // messages a callback could not handle or answer (Request.Fail)
	Overruns   uint64 // ENOBUFS reports: the kernel dropped messages
	Panics     uint64 // callbacks that panicked, recovered
}

// counters is Stats, counted atomically.
type counters struct {
	received, dispatched, replies        atomic.Uint64
	unknown, rejected                    atomic.Uint64
	malformed, invalid, overruns, panics atomic.Uint64
	failed                               atomic.Uint64
}

func (c *counters) snapshot() Stats {
	return Stats{
		Received:   c.received.Load(),
		Dispatched: c.dispatched.Load(),
		Replies:    c.replies.Load(),
		Unknown:    c.unknown.Load(),
		Rejected:   c.rejected.Load(),
		Malformed:  c.malformed.Load(),
		Invalid:    c.invalid.Load(),
		Failed:     c.failed.Load(),
		Overruns:   c.overruns.Load(),
		Panics:     c.panics.Load(),
	}
}
