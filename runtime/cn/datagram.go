package cn

// Datagram is one datagram for [Conn.SendDatagrams]: B holds whole
// netlink messages, framed by the caller with [AppendNetlink] (several
// may follow one another, each starting at a 4-byte boundary), and To
// is where it goes.
type Datagram struct {
	To Addr
	B  []byte
}

// MaxDatagramsPerCall is the most datagrams one sendmmsg(2) takes
// (UIO_MAXIOV); [Conn.SendDatagrams] makes more calls for more.
const MaxDatagramsPerCall = 1024

// SendDatagrams sends each of ds as a datagram of its own, in order, to
// its To, with as few system calls as sendmmsg(2) allows. It sends the
// bytes as they are: framing and numbering are the caller's, and the
// kernel, as receiver at port 0, reads only the first netlink message of
// each datagram, where a user-space receiver reads them all.
//
// It returns how many datagrams were sent, and when that is fewer than
// len(ds), the error that stopped ds[n], after which nothing more was
// tried. The errors are those of [Conn.Send]: [ErrQueueFull] when a
// user-space port's queue is full (the datagrams before it did go),
// [ErrGroupRange], a system call error such as ECONNREFUSED for a port
// nobody holds, net.ErrClosed after Close. A multicast addressed to port
// 0 counts as sent on NETLINK_USERSOCK too, where no kernel socket takes
// the copy to port 0.
func (c *Conn) SendDatagrams(ds []Datagram) (int, error) {
	n, err := c.sys.sendDatagrams(ds)
	return n, c.wrap("send", err)
}
