package cbus

import (
	"errors"
	"fmt"
	"runtime"
	"time"

	"github.com/cngen/cngen/runtime/cn"
)

// Policy is what an insert does when its queue is full.
type Policy int

const (
	// Block makes an insert wait for the worker to empty the queue,
	// until its context is done (InsertContext, SendContext) or the Bus
	// is closed.
	Block Policy = iota
	// Drop makes an insert fail at once with [ErrFull]; the message is
	// counted in [Stats].Dropped.
	Drop
)

func (p Policy) String() string {
	switch p {
	case Block:
		return "Block"
	case Drop:
		return "Drop"
	}
	return fmt.Sprintf("Policy(%d)", int(p))
}

// Defaults for the zero fields of a [Config].
const (
	DefaultQueueBytes    = 128 << 10
	DefaultQueueLen      = 2048
	DefaultMaxDatagram   = 32 << 10
	DefaultFlushInterval = time.Millisecond
	DefaultRetryTimeout  = time.Second
)

// maxFramed is the most bytes one message takes in a queue: nlmsghdr,
// cn_msg and the largest data, padded to 4 bytes.
const maxFramed = (16 + cn.MaxMsgSize + 3) &^ 3

// Config configures [New]. The zero value sends Insert's messages to the
// kernel (port 0), blocks producers when a queue is full, and flushes
// at least every millisecond.
type Config struct {
	// To is where Insert and InsertContext send; Send and SendContext
	// take their own destination.
	To cn.Addr
	// Full is what an insert does when its queue is full: Block (the
	// zero value) or Drop.
	Full Policy
	// Shards is the number of queues; 0 means runtime.GOMAXPROCS at New.
	Shards int
	// QueueBytes is how many bytes of framed messages (nlmsghdr + cn_msg
	// + data, padded to 4) one queue holds; 0 means
	// [DefaultQueueBytes]. It must hold the largest message, 16400
	// bytes. Each queue has a twin that the worker sends from.
	QueueBytes int
	// QueueLen is how many messages one queue holds; 0 means
	// [DefaultQueueLen].
	QueueLen int
	// MaxDatagram is the largest datagram packed for a user-space
	// receiver; 0 means [DefaultMaxDatagram]. Keep it within the
	// receiver's buffer ([cn.Config].MaxDatagram, 64 KiB by default),
	// which drops a larger datagram whole. A message larger than
	// MaxDatagram goes in a datagram of its own.
	MaxDatagram int
	// FlushBytes and FlushCount wake the worker at once when one queue
	// holds that many bytes or messages; 0 means a quarter of QueueBytes
	// and of QueueLen.
	FlushBytes, FlushCount int
	// FlushInterval is the longest the worker waits, after learning
	// that a queue is not empty, for batches to fill before it sends
	// them; 0 means [DefaultFlushInterval]. A negative value sends as
	// soon as the worker is free: batches then form only while it is
	// busy sending.
	FlushInterval time.Duration
	// PackMulticast packs several messages in each datagram to a group
	// addressed to port 0, as it does towards a user-space port. The
	// kernel, a receiver of such a datagram on NETLINK_CONNECTOR, reads
	// only its first message, so set it only when the kernel is not
	// meant to read them: on NETLINK_USERSOCK, or for a family of user
	// space (idx at least cn.IdxUsers) that no kernel callback takes.
	PackMulticast bool
	// RetryTimeout is how long the worker retries a datagram that a
	// full receiver refused (cn.ErrQueueFull; netlink does not tell a
	// sender when the queue drains), counted from the last send that
	// went, before it gives up and reports the messages (see OnError);
	// 0 means [DefaultRetryTimeout], a negative value gives up at once.
	RetryTimeout time.Duration
	// OnError, when set, is called with every message the worker gives
	// up on, once each. It runs on the worker: the bus sends nothing
	// meanwhile, and it must not wait for the worker: no Flush or
	// Close, and no insert that may block for room.
	OnError func(*SendError)
}

// normalize returns cfg with its defaults filled in, or why it cannot be
// used.
func (cfg Config) normalize() (Config, error) {
	if cfg.Shards <= 0 {
		cfg.Shards = runtime.GOMAXPROCS(0)
	}
	cfg.QueueBytes = orDefault(cfg.QueueBytes, DefaultQueueBytes)
	cfg.QueueLen = orDefault(cfg.QueueLen, DefaultQueueLen)
	cfg.MaxDatagram = orDefault(cfg.MaxDatagram, DefaultMaxDatagram)
	cfg.FlushBytes = orDefault(cfg.FlushBytes, cfg.QueueBytes/4)
	cfg.FlushCount = orDefault(cfg.FlushCount, cfg.QueueLen/4)
	if cfg.FlushInterval == 0 {
		cfg.FlushInterval = DefaultFlushInterval
	}
	if cfg.RetryTimeout == 0 {
		cfg.RetryTimeout = DefaultRetryTimeout
	}
	switch {
	case cfg.QueueBytes < maxFramed:
		return cfg, fmt.Errorf("cbus: QueueBytes %d cannot hold the largest message, %d bytes", cfg.QueueBytes, maxFramed)
	case cfg.To.Group > 32:
		return cfg, fmt.Errorf("cbus: To: group %d: %w", cfg.To.Group, cn.ErrGroupRange)
	case cfg.Full != Block && cfg.Full != Drop:
		return cfg, errors.New("cbus: Full is neither Block nor Drop")
	}
	return cfg, nil
}

func orDefault(v, def int) int {
	if v <= 0 {
		return def
	}
	return v
}
