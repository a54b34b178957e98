package cbus

import (
	"bytes"
	"errors"
	"io"
	"syscall"
	"time"

	"github.com/cngen/cngen/runtime/cn"
)

// Backoff between retries of a datagram a full receiver refused.
const (
	minBackoff = 20 * time.Microsecond
	maxBackoff = 5 * time.Millisecond
)

// worker takes the messages of every queue at once, restores the order
// of their tickets, and sends them. Its fields belong to its goroutine.
type worker struct {
	b     *Bus
	taken []*queue // per shard, the twin of the queue producers fill
	base  uint64   // the ticket of order[0]
	order []item   // the messages taken, by ticket
	room  int      // space a packed datagram may need in out
	out   []byte   // datagrams packed for user space, for one send call
	ds    []cn.Datagram
	count []int // messages in each of ds
	timer *time.Timer

	stall   time.Time // when sends began failing on a full receiver; zero while they go
	backoff time.Duration
	parsed  []cn.Message // scratch of sendEach and giveUp
}

// item is a message in the order of sending.
type item struct {
	b  []byte // its netlink message
	to cn.Addr
}

func (w *worker) init(b *Bus) {
	w.b = b
	w.taken = make([]*queue, len(b.shards))
	for i := range w.taken {
		w.taken[i] = newQueue(b.cfg.QueueBytes, b.cfg.QueueLen)
	}
	w.base = 1
	w.order = make([]item, 0, len(b.shards)*b.cfg.QueueLen)
	w.room = max(b.cfg.MaxDatagram, maxFramed)
	w.out = make([]byte, 0, 8*w.room+3)
	w.timer = time.NewTimer(time.Hour)
	w.timer.Stop()
}

// run sends what the producers queue until Close, then what is left.
func (w *worker) run() {
	defer close(w.b.done)
	for w.wait() {
		w.round()
	}
	for w.round() > 0 {
	}
}

// wait waits until there is something to send and it is time to send
// it; false once the Bus is closing.
func (w *worker) wait() bool {
	b := w.b
	select {
	case <-b.urge:
		return true
	case <-b.first:
	case <-b.quit:
		return false
	}
	if b.cfg.FlushInterval < 0 {
		return true
	}
	w.timer.Reset(b.cfg.FlushInterval)
	defer w.timer.Stop()
	select {
	case <-b.urge:
	case <-w.timer.C:
	case <-b.quit:
		return false
	}
	return true
}

// round takes and sends everything queued, and returns how many
// messages that was.
func (w *worker) round() int {
	n := w.cut()
	if n == 0 {
		return 0
	}
	w.place(n)
	for items := w.order; len(items) > 0; {
		used := w.build(items)
		w.transmit()
		items = items[used:]
	}
	for _, q := range w.taken {
		q.reset()
	}
	w.base += uint64(n)
	return n
}

// cut swaps every shard's queue for its empty twin, holding every
// shard's lock at once, and returns how many messages it took. Holding
// them all makes the messages taken exactly those with the tickets from
// w.base to the last handed out (see doc.go, Ordering).
func (w *worker) cut() int {
	b := w.b
	lockAll(b.shards)
	n := 0
	for i, s := range b.shards {
		w.taken[i], s.q = s.q, w.taken[i]
		n += len(w.taken[i].recs)
		s.notified, s.urged = false, false
		s.wake()
	}
	unlockAll(b.shards)
	if uint64(n) > b.stats.maxDepth.Load() {
		b.stats.maxDepth.Store(uint64(n))
	}
	return n
}

// place puts the n messages taken in the order of their tickets.
func (w *worker) place(n int) {
	w.order = w.order[:n]
	for _, q := range w.taken {
		for _, r := range q.recs {
			i := r.ticket - w.base
			if i >= uint64(n) {
				panic("cbus: a cut's tickets are not contiguous")
			}
			w.order[i] = item{b: q.buf[r.off : r.off+r.n], to: r.to}
		}
	}
}

// packs reports whether datagrams to to may carry several messages:
// towards user space, not towards the kernel, which reads the first
// only.
func (w *worker) packs(to cn.Addr) bool {
	return w.b.pack && (to.Port != 0 || to.Group != 0 && w.b.cfg.PackMulticast)
}

// build fills w.ds with the datagrams of one send call, starting at
// items[0], and returns how many items they hold. Towards the kernel
// each datagram is one message, in the queue's buffer; towards user
// space it packs consecutive messages to the same destination into
// w.out, up to MaxDatagram bytes.
func (w *worker) build(items []item) int {
	w.ds, w.count, w.out = w.ds[:0], w.count[:0], w.out[:0]
	i := 0
	for i < len(items) && len(w.ds) < cn.MaxDatagramsPerCall {
		to := items[i].to
		if !w.packs(to) {
			w.ds = append(w.ds, cn.Datagram{To: to, B: items[i].b})
			w.count = append(w.count, 1)
			i++
			continue
		}
		for len(w.out)%4 != 0 {
			w.out = append(w.out, 0)
		}
		if cap(w.out)-len(w.out) < w.room {
			break
		}
		start := len(w.out)
		w.out = append(w.out, items[i].b...)
		k := 1
		for ; i+k < len(items) && items[i+k].to == to; k++ {
			next := items[i+k].b
			if (len(w.out)-start+3)&^3+len(next) > w.b.cfg.MaxDatagram {
				break
			}
			for len(w.out)%4 != 0 {
				w.out = append(w.out, 0)
			}
			w.out = append(w.out, next...)
		}
		w.ds = append(w.ds, cn.Datagram{To: to, B: w.out[start:]})
		w.count = append(w.count, k)
		i += k
	}
	return i
}

// transmit sends w.ds, retrying a full receiver for a while, and
// accounts for every message in them: sent or given up.
func (w *worker) transmit() {
	b := w.b
	ds, count := w.ds, w.count
	for len(ds) > 0 {
		n, err := b.send(ds)
		if n > 0 {
			w.sent(ds[:n], count[:n])
			ds, count = ds[n:], count[n:]
			w.stall = time.Time{}
		}
		switch {
		case err == nil && n == 0 && len(ds) > 0:
			err = io.ErrNoProgress
		case err == nil:
			continue
		}
		b.stats.sendErrors.Add(1)
		if w.retry(ds[0].To, err) {
			continue
		}
		w.giveUp(ds[0], count[0], err)
		ds, count = ds[1:], count[1:]
	}
}

func (w *worker) sent(ds []cn.Datagram, count []int) {
	b := w.b
	msgs, size := 0, 0
	for i, d := range ds {
		msgs += count[i]
		size += len(d.B)
	}
	b.stats.sent.Add(uint64(msgs))
	b.stats.datagrams.Add(uint64(len(ds)))
	b.stats.batches.Add(1)
	b.stats.bytes.Add(uint64(size))
	b.resolve(msgs)
}

// retry reports whether to send again a datagram to to that failed
// with err, after waiting a while: a receiver's full queue (or the
// kernel short of memory) may drain, but only for RetryTimeout since
// sending last went. A datagram to both a port and a group is not
// retried: its multicast went out before the unicast failed.
func (w *worker) retry(to cn.Addr, err error) bool {
	transient := errors.Is(err, cn.ErrQueueFull) || errors.Is(err, syscall.ENOBUFS) || errors.Is(err, syscall.ENOMEM)
	if !transient || w.b.cfg.RetryTimeout < 0 || to.Port != 0 && to.Group != 0 {
		return false
	}
	now := time.Now()
	if w.stall.IsZero() {
		w.stall, w.backoff = now, minBackoff
	}
	left := w.b.cfg.RetryTimeout - now.Sub(w.stall)
	if left <= 0 {
		return false
	}
	time.Sleep(min(w.backoff, left))
	w.backoff = min(2*w.backoff, maxBackoff)
	return true
}

// giveUp accounts for the n messages of d as failed and reports them.
func (w *worker) giveUp(d cn.Datagram, n int, err error) {
	b := w.b
	e := &SendError{To: d.To, Err: err}
	w.parsed, _ = cn.ParseDatagram(w.parsed[:0], d.B)
	for _, m := range w.parsed {
		m.Data = bytes.Clone(m.Data)
		e.Msgs = append(e.Msgs, m.Msg)
	}
	b.stats.failed.Add(uint64(n))
	b.fail(e)
	if b.cfg.OnError != nil {
		b.cfg.OnError(e)
	}
	b.resolve(n)
}

// sendEach sends ds, one message each, through an endpoint that has no
// SendDatagrams, one Send per message.
func (b *Bus) sendEach(ds []cn.Datagram) (int, error) {
	w := &b.w
	for i, d := range ds {
		var err error
		w.parsed, err = cn.ParseDatagram(w.parsed[:0], d.B)
		if err != nil || len(w.parsed) != 1 {
			return i, errors.Join(errors.New("cbus: queued datagram does not hold one message"), err)
		}
		m := w.parsed[0].Msg
		m.Data = bytes.Clone(m.Data) // Send may keep it
		if err := b.ep.Send(&m, d.To); err != nil {
			return i, err
		}
	}
	return len(ds), nil
}
