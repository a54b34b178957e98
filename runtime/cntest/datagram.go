package cntest

import (
	"encoding/binary"
	"net"

	"github.com/cngen/cngen/runtime/cn"
)

// SendDatagrams delivers each of ds, as framed, to its To, as
// [cn.Conn.SendDatagrams] does: in order, until one fails, returning how
// many went. A user-space receiver gets each datagram whole, every
// message of it parsed by its Receive; the endpoint at port 0 gets only
// the first netlink message of each, as the kernel reads no more.
func (c *Conn) SendDatagrams(ds []cn.Datagram) (int, error) {
	for i, d := range ds {
		if err := c.sendDatagram(d); err != nil {
			return i, opError("send", err)
		}
	}
	return len(ds), nil
}

func (c *Conn) sendDatagram(d cn.Datagram) error {
	switch {
	case c.isClosed():
		return net.ErrClosed
	case d.To.Group > 32:
		return cn.ErrGroupRange
	}
	return c.send(clone(d.B), d.To)
}

// firstNetlink is the first netlink message of datagram b, as its
// nlmsg_len bounds it; b whole when that length does not fit b.
//
//	struct nlmsghdr {
//		__u32 nlmsg_len;	/* Length of message including header */
//		...
//	};
func firstNetlink(b []byte) []byte {
	const hdrLen = 16
	if len(b) < hdrLen {
		return b
	}
	n := binary.NativeEndian.Uint32(b)
	if n < hdrLen || uint64(n) > uint64(len(b)) {
		return b
	}
	return b[:n]
}
