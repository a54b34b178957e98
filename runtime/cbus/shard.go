package cbus

import (
	"sync"

	"github.com/cngen/cngen/runtime/cn"
)

// shard is one queue that producers append to, under its own lock, and
// that the worker swaps for an empty twin when it takes the messages.
type shard struct {
	_        [64]byte // keep the lock off the cache line of what precedes
	mu       sync.Mutex
	q        *queue // filled by producers
	closed   bool
	notified bool          // the worker knows that q is not empty
	urged    bool          // the worker knows that q passed a flush threshold
	space    chan struct{} // closed when q is emptied: Block inserts wait on it
	inserted uint64
	_        [64]byte
}

// queue holds messages as framed for the socket: each a netlink message
// (nlmsghdr + cn_msg + data) starting at a 4-byte boundary of buf, in
// the order of recs. Neither slice grows beyond its capacity, set at New.
type queue struct {
	buf  []byte
	recs []record
}

// record is one queued message.
type record struct {
	ticket uint64 // its place in the order of all inserts of the Bus
	off, n uint32 // buf[off:off+n] is its netlink message, unpadded
	to     cn.Addr
}

func newQueue(bytes, n int) *queue {
	return &queue{buf: make([]byte, 0, bytes), recs: make([]record, 0, n)}
}

// fits reports whether a message taking need bytes fits.
func (q *queue) fits(need int) bool {
	return len(q.buf)+need <= cap(q.buf) && len(q.recs) < cap(q.recs)
}

// add frames m, which fits, and pads it to 4 bytes.
func (q *queue) add(m *cn.Msg, ticket uint64, pid uint32, to cn.Addr) {
	off := len(q.buf)
	q.buf, _ = cn.AppendNetlink(q.buf, m, pid) // cannot fail: the size was checked
	n := len(q.buf) - off
	for len(q.buf)%4 != 0 {
		q.buf = append(q.buf, 0)
	}
	q.recs = append(q.recs, record{ticket: ticket, off: uint32(off), n: uint32(n), to: to})
}

func (q *queue) reset() {
	q.buf, q.recs = q.buf[:0], q.recs[:0]
}

// waitChan returns the channel closed when q is next emptied; s.mu is
// held.
func (s *shard) waitChan() chan struct{} {
	if s.space == nil {
		s.space = make(chan struct{})
	}
	return s.space
}

// wake releases the inserts waiting for room; s.mu is held.
func (s *shard) wake() {
	if s.space != nil {
		close(s.space)
		s.space = nil
	}
}

// lockAll locks every shard, always in the same order.
func lockAll(shards []*shard) {
	for _, s := range shards {
		s.mu.Lock()
	}
}

func unlockAll(shards []*shard) {
	for _, s := range shards {
		s.mu.Unlock()
	}
}
