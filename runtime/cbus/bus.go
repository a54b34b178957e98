package cbus

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"

	"github.com/cngen/cngen/runtime/cn"
)

// Bus queues connector messages from any number of goroutines and has
// one worker goroutine send them on an endpoint in batches. See the
// package documentation for how it orders, batches and fails.
type Bus struct {
	cfg    Config
	ep     cn.Endpoint
	send   func([]cn.Datagram) (int, error) // the endpoint's SendDatagrams, or sendEach
	pack   bool                             // send may carry several messages per datagram
	pid    uint32                           // the endpoint's port, for nlmsg_pid
	shards []*shard
	pool   sync.Pool // *shard: the one a P used last, so that producers on different Ps seldom share one
	rr     atomic.Uint32

	ticket  atomic.Uint64 // the last ticket handed out; the first is 1
	seqBase uint32        // Seq of the messages the Bus numbers: seqBase + ticket
	dropped atomic.Uint64

	first chan struct{} // a queue is no longer empty: start the FlushInterval clock
	urge  chan struct{} // a queue passed a threshold, is full, or Flush waits: send now
	quit  chan struct{} // closed by Close
	done  chan struct{} // closed by the worker once it has sent everything after quit

	resolved atomic.Uint64 // every ticket up to this one is sent or given up
	flushers atomic.Int32  // Flush calls waiting
	mu       sync.Mutex    // guards progress and failure
	progress chan struct{} // closed when resolved moves while flushers wait
	failure  *SendError    // the first failure since a Flush or Close last returned one

	closeOnce sync.Once
	stats     counters
	w         worker
}

var _ cn.Sender = (*Bus)(nil)

// datagramSender is an endpoint that sends datagrams framed by the
// caller, several per system call: *cn.Conn and *cntest.Conn.
type datagramSender interface {
	SendDatagrams(ds []cn.Datagram) (int, error)
}

// New returns a Bus sending on ep, with its worker started. A nil cfg
// is the zero Config. Close the Bus before ep: the Bus does not close
// it.
//
// Through a [*cn.Conn] the worker packs messages towards a user-space
// port in datagrams and sends several datagrams per sendmmsg(2). Through
// an endpoint without a SendDatagrams method it calls Send once per
// message.
func New(ep cn.Endpoint, cfg *Config) (*Bus, error) {
	if cfg == nil {
		cfg = &Config{}
	}
	c, err := cfg.normalize()
	if err != nil {
		return nil, err
	}
	b := &Bus{
		cfg:      c,
		ep:       ep,
		seqBase:  rand.Uint32(),
		first:    make(chan struct{}, 1),
		urge:     make(chan struct{}, 1),
		quit:     make(chan struct{}),
		done:     make(chan struct{}),
		progress: make(chan struct{}),
	}
	b.send, b.pack = b.sendEach, false
	if ds, ok := ep.(datagramSender); ok {
		b.send, b.pack = ds.SendDatagrams, true
	}
	if p, ok := ep.(interface{ Port() uint32 }); ok {
		b.pid = p.Port()
	}
	b.shards = make([]*shard, c.Shards)
	for i := range b.shards {
		b.shards[i] = &shard{q: newQueue(c.QueueBytes, c.QueueLen)}
	}
	b.pool.New = func() any { return b.shards[b.rr.Add(1)%uint32(len(b.shards))] }
	b.w.init(b)
	go b.w.run()
	return b, nil
}

// Insert queues m for Config.To, as [Bus.InsertContext] does with a
// context that is never done.
func (b *Bus) Insert(m *cn.Msg) error {
	return b.insert(context.Background(), m, b.cfg.To)
}

// InsertContext queues m for Config.To, as [Bus.SendContext] does.
func (b *Bus) InsertContext(ctx context.Context, m *cn.Msg) error {
	return b.insert(ctx, m, b.cfg.To)
}

// Send queues m for to, as [Bus.SendContext] does with a context that
// is never done. It makes a Bus a [cn.Sender], which a generated client
// can send through.
func (b *Bus) Send(m *cn.Msg, to cn.Addr) error {
	return b.insert(context.Background(), m, to)
}

// SendContext queues m for to, and returns once m is queued: the
// worker sends it later. It numbers m first, as [cn.Conn.Send] does,
// when m.Seq and m.Ack are both zero, writing the numbers into m. It
// copies m and m.Data, which the caller may reuse at once.
//
// It makes no system call, takes one lock that producers on other Ps
// seldom hold, and allocates nothing. When the queue is full it waits
// for room under the Block policy, until ctx is done (returning
// ctx.Err()); under Drop it returns [ErrFull] at once. Both count the
// message in [Stats].Dropped. It fails with [ErrClosed] once Close has
// begun, with an error wrapping [cn.ErrMsgSize] for a message larger
// than [cn.MaxMsgSize], and wrapping [cn.ErrGroupRange] for a group
// beyond 32.
func (b *Bus) SendContext(ctx context.Context, m *cn.Msg, to cn.Addr) error {
	return b.insert(ctx, m, to)
}

func (b *Bus) insert(ctx context.Context, m *cn.Msg, to cn.Addr) error {
	switch {
	case len(m.Data) > cn.MaxDataLen:
		return fmt.Errorf("cbus: cn_msg of %d data bytes, at most %d: %w", len(m.Data), cn.MaxDataLen, cn.ErrMsgSize)
	case to.Group > 32:
		return fmt.Errorf("cbus: group %d: %w", to.Group, cn.ErrGroupRange)
	}
	need := (16 + cn.MsgHeaderLen + len(m.Data) + 3) &^ 3
	for {
		s := b.pick()
		room, err := b.tryInsert(s, m, to, need)
		b.put(s)
		if room == nil {
			return err
		}
		select {
		case <-room:
		case <-ctx.Done():
			b.dropped.Add(1)
			return ctx.Err()
		}
	}
}

// tryInsert queues m in s if it fits. Otherwise it fails, under the
// Drop policy, or returns the channel to wait on for room.
func (b *Bus) tryInsert(s *shard, m *cn.Msg, to cn.Addr, need int) (room chan struct{}, err error) {
	s.mu.Lock()
	switch {
	case s.closed:
		s.mu.Unlock()
		return nil, ErrClosed
	case s.q.fits(need):
		first, urge := b.add(s, m, to)
		s.mu.Unlock()
		if first {
			nudge(b.first)
		}
		if urge {
			nudge(b.urge)
		}
		return nil, nil
	case b.cfg.Full == Drop:
		s.mu.Unlock()
		b.dropped.Add(1)
		nudge(b.urge)
		return nil, ErrFull
	}
	room = s.waitChan()
	s.mu.Unlock()
	nudge(b.urge) // a full queue: the worker is to empty it now
	return room, nil
}

// add queues m, which fits, in s, whose lock is held, and reports
// whether the worker is to be told that s is no longer empty, and that
// it is to send now.
func (b *Bus) add(s *shard, m *cn.Msg, to cn.Addr) (first, urge bool) {
	// The ticket is taken under the shard's lock: see doc.go, Ordering.
	t := b.ticket.Add(1)
	if m.Seq == 0 && m.Ack == 0 {
		m.Seq = b.seqBase + uint32(t)
		if m.Ack = rand.Uint32(); m.Seq == 0 && m.Ack == 0 {
			m.Ack = 1
		}
	}
	s.q.add(m, t, b.pid, to)
	s.inserted++
	first, s.notified = !s.notified, true
	if !s.urged && (len(s.q.buf) >= b.cfg.FlushBytes || len(s.q.recs) >= b.cfg.FlushCount) {
		s.urged, urge = true, true
	}
	if b.cfg.FlushInterval < 0 {
		first, urge = false, urge || first
	}
	return first, urge
}

// pick returns a shard for an insert: the one the pool keeps for the
// caller's P, so that producers running on different Ps seldom meet on
// one lock. Which shard a message goes to does not matter to its order.
func (b *Bus) pick() *shard {
	if len(b.shards) == 1 {
		return b.shards[0]
	}
	return b.pool.Get().(*shard)
}

func (b *Bus) put(s *shard) {
	if len(b.shards) > 1 {
		b.pool.Put(s)
	}
}

// nudge leaves a token in ch, a channel of capacity 1, unless one is
// there already.
func nudge(ch chan struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}

// Flush returns once every message inserted before it was called is on
// the socket, or given up, or when ctx is done (returning ctx.Err()). It
// has the worker send at once, without waiting for FlushInterval.
//
// It returns the first [*SendError] since Flush or Close last returned
// one, so that a caller that only flushes learns of failures too; each
// failure is also passed to OnError and counted in [Stats].
func (b *Bus) Flush(ctx context.Context) error {
	t := b.ticket.Load()
	b.flushers.Add(1)
	defer b.flushers.Add(-1)
	for b.resolved.Load() < t {
		b.mu.Lock()
		moved := b.progress
		b.mu.Unlock()
		if b.resolved.Load() >= t {
			break
		}
		nudge(b.urge)
		select {
		case <-moved:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return b.takeFailure()
}

// Close stops the Bus taking messages (inserts fail with [ErrClosed],
// and those waiting for room return it), waits for the worker to send
// every message it took, and stops the worker. It returns as Flush
// does. A receiver that stays full makes Close wait up to
// [Config].RetryTimeout before the worker gives up on its messages.
// It does not close the endpoint.
func (b *Bus) Close() error {
	b.closeOnce.Do(func() {
		// Every shard at once, so that no producer sees one closed
		// and a later one open.
		lockAll(b.shards)
		for _, s := range b.shards {
			s.closed = true
			s.wake()
		}
		unlockAll(b.shards)
		close(b.quit)
	})
	<-b.done
	return b.takeFailure()
}

// Stats returns the counts so far.
func (b *Bus) Stats() Stats {
	// The worker's counts first, so that Inserted never lags behind.
	st := Stats{
		Sent:       b.stats.sent.Load(),
		Failed:     b.stats.failed.Load(),
		Datagrams:  b.stats.datagrams.Load(),
		Batches:    b.stats.batches.Load(),
		Bytes:      b.stats.bytes.Load(),
		SendErrors: b.stats.sendErrors.Load(),
		MaxDepth:   b.stats.maxDepth.Load(),
	}
	for _, s := range b.shards {
		s.mu.Lock()
		st.Inserted += s.inserted
		s.mu.Unlock()
	}
	st.Dropped = b.dropped.Load()
	return st
}

// resolve records that the next n tickets are sent or given up, and
// wakes the Flush calls waiting.
func (b *Bus) resolve(n int) {
	b.resolved.Add(uint64(n))
	if b.flushers.Load() > 0 {
		b.mu.Lock()
		close(b.progress)
		b.progress = make(chan struct{})
		b.mu.Unlock()
	}
}

// fail records a failure for Flush and Close to return.
func (b *Bus) fail(e *SendError) {
	b.mu.Lock()
	if b.failure == nil {
		b.failure = e
	}
	b.mu.Unlock()
}

func (b *Bus) takeFailure() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if e := b.failure; e != nil {
		b.failure = nil
		return e
	}
	return nil
}
