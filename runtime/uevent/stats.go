package uevent

import "sync/atomic"

// Stats counts what a [Listener] received. Every datagram read is
// exactly one of decoded, malformed and forged:
//
//	Received == Decoded + Malformed + Forged
type Stats struct {
	Received  uint64 // datagrams read from the socket
	Decoded   uint64 // events returned by Receive
	Malformed uint64 // datagrams of an accepted source that did not parse
	Forged    uint64 // datagrams from a sender that is not an accepted source, dropped
	Overruns  uint64 // ENOBUFS reports: the kernel dropped datagrams for want of room
}

// counters is Stats, counted atomically.
type counters struct {
	received, decoded, malformed, forged, overruns atomic.Uint64
}

func (c *counters) snapshot() Stats {
	return Stats{
		Received:  c.received.Load(),
		Decoded:   c.decoded.Load(),
		Malformed: c.malformed.Load(),
		Forged:    c.forged.Load(),
		Overruns:  c.overruns.Load(),
	}
}
