package cntest

import (
	"sync"

	"github.com/cngen/cngen/runtime/cn"
)

// DefaultQueueLimit is how many datagrams a new Conn's receive queue
// holds; see [Conn.SetQueueLimit].
const DefaultQueueLimit = 256

// firstPort is the port of the first Conn a Bus dials.
const firstPort = 1000

// Bus is an in-memory netlink bus. The zero value is not usable: call
// [NewBus].
type Bus struct {
	mu    sync.Mutex
	ports map[uint32]*Conn
	next  uint32
}

// NewBus returns an empty bus.
func NewBus() *Bus {
	return &Bus{ports: make(map[uint32]*Conn), next: firstPort}
}

// Pipe returns two endpoints on a new bus, each at a port of its own.
func Pipe() (a, b *Conn) {
	bus := NewBus()
	return bus.Dial(), bus.Dial()
}

// Dial returns a new endpoint at a port no other holds.
func (b *Bus) Dial() *Conn {
	b.mu.Lock()
	defer b.mu.Unlock()
	for b.ports[b.next] != nil || b.next == 0 {
		b.next++
	}
	c := newConn(b, b.next)
	b.ports[c.port] = c
	b.next++
	return c
}

// Kernel returns the endpoint at port 0, which plays the kernel: what it
// sends arrives from port 0, and what user endpoints send to port 0
// arrives at it. It is made on first use; after its Close a new one is.
// Without it, messages to port 0 vanish, as the kernel drops a message
// that no callback takes.
func (b *Bus) Kernel() *Conn {
	b.mu.Lock()
	defer b.mu.Unlock()
	if c := b.ports[0]; c != nil {
		return c
	}
	c := newConn(b, 0)
	b.ports[0] = c
	return c
}

// route returns the endpoints a datagram from port from, addressed to
// to, reaches, as netlink_sendmsg and the connector's
// cn_netlink_send_mult choose them: a multicast reaches the group's
// members other than the sender (and, from the kernel, other than
// to.Port); from user space the datagram also goes to to.Port. ok is
// false when the unicast is to a port nobody holds.
func (b *Bus) route(from uint32, to cn.Addr) (members []*Conn, unicast *Conn, ok bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if to.Group != 0 {
		for port, c := range b.ports {
			if port != from && !(from == 0 && port == to.Port) && c.member(to.Group) {
				members = append(members, c)
			}
		}
		if from == 0 {
			return members, nil, true
		}
	}
	if from == 0 && to.Port == 0 {
		return members, nil, true // the kernel does not send to itself
	}
	unicast = b.ports[to.Port]
	return members, unicast, unicast != nil || to.Port == 0
}

func (b *Bus) remove(c *Conn) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.ports[c.port] == c {
		delete(b.ports, c.port)
	}
}
