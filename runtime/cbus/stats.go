package cbus

import "sync/atomic"

// Stats counts what a [Bus] did. Every inserted message is sent, given
// up (Failed), or still queued:
//
//	Inserted == Sent + Failed + (messages still queued)
//
// Dropped messages were refused by an insert, which returned an error,
// and are not Inserted.
type Stats struct {
	Inserted   uint64 // messages taken by an insert
	Dropped    uint64 // inserts refused for want of room: ErrFull, or a Block whose context ended
	Sent       uint64 // messages on the socket
	Failed     uint64 // messages given up after send errors, each passed to OnError
	Datagrams  uint64 // datagrams sent
	Batches    uint64 // send calls that sent something: through a cn.Conn, each one sendmmsg(2)
	Bytes      uint64 // bytes of the datagrams sent
	SendErrors uint64 // failed send calls, each retry towards a full receiver included
	MaxDepth   uint64 // most messages queued at once, over all queues
}

// counters are the worker's part of Stats, written by the worker alone.
type counters struct {
	sent, failed, datagrams, batches atomic.Uint64
	bytes, sendErrors, maxDepth      atomic.Uint64
}
