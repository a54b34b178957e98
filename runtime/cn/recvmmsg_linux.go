//go:build linux

package cn

import (
	"math/bits"
	"os"
	"strconv"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// A Conn receives with recvmmsg(2), which reads as many queued datagrams
// as it has room for in one system call, each with its own source
// address. The room grows with the backlog: one datagram's buffer at
// first, twice as many whenever a call fills them all, up to
// maxRecvBatch datagrams and recvBatchBytes of buffers (8 datagrams of
// DefaultMaxDatagram), or one datagram when Config.MaxDatagram is larger
// than that. Beyond 8 datagrams a call, BenchmarkReceive gains nothing
// more.
const (
	maxRecvBatch   = 16
	recvBatchBytes = 512 << 10
)

// recvBatch is the most datagrams a call reads into buffers of size
// bytes each.
func recvBatch(size int) int {
	return min(max(recvBatchBytes/size, 1), maxRecvBatch)
}

// rmmsg holds what recvmmsg(2) writes: per datagram a buffer of
// Config.MaxDatagram bytes, the source address and room for the
// NETLINK_PKTINFO control message, and the datagrams of the last call
// that Receive has not returned yet. It is guarded by sysConn.rmu, and
// once grown, receiving allocates nothing.
//
//	struct mmsghdr {
//		struct msghdr msg_hdr;	/* Message header */
//		unsigned int  msg_len;	/* Number of received bytes for header */
//	};
type rmmsg struct {
	size  int // of each buffer
	max   int // datagrams per call to grow to
	hdrs  []unix.Mmsghdr
	slots []rslot // slots[i] is where hdrs[i] points
	msgs  []Message
	n     int           // datagrams the last call received
	next  int           // the first of them not returned yet
	err   syscall.Errno // the last call's error
	fn    func(fd uintptr) bool
}

// rslot is where one datagram of a call goes.
type rslot struct {
	buf []byte
	sa  unix.RawSockaddrNetlink
	iov unix.Iovec
	oob [64]byte // room for the NETLINK_PKTINFO control message
}

func (m *rmmsg) init(size int) {
	m.size, m.max = size, recvBatch(size)
	m.fn = m.recvmmsg
	m.grow(1)
}

// grow makes room for n datagrams per call, keeping the buffers there
// are. No datagram may be pending.
func (m *rmmsg) grow(n int) {
	slots := make([]rslot, n)
	hdrs := make([]unix.Mmsghdr, n)
	for i := range slots {
		sl, h := &slots[i], &hdrs[i].Hdr
		if i < len(m.slots) {
			sl.buf = m.slots[i].buf
		} else {
			sl.buf = make([]byte, m.size)
		}
		sl.iov.Base = &sl.buf[0]
		sl.iov.SetLen(len(sl.buf))
		h.Name = (*byte)(unsafe.Pointer(&sl.sa))
		h.Namelen = unix.SizeofSockaddrNetlink
		h.Iov = &sl.iov
		h.SetIovlen(1)
		h.Control = &sl.oob[0]
		h.SetControllen(len(sl.oob))
	}
	m.slots, m.hdrs, m.n, m.next = slots, hdrs, 0, 0
}

// recvmmsg is the RawConn.Read callback: one recvmmsg(2), or none while
// datagrams of the last are still to be returned; false to wait for the
// poller when there is nothing to read. Going through RawConn.Read for
// those too keeps Close and the read deadline in force for them.
//
// The socket does not block, so the call returns what is queued, at
// least one datagram, and copies at most recvBatchBytes: short enough
// for RawSyscall, as for sendto. When reading one after the first fails (ENOBUFS
// after an overrun in between), the kernel returns those read and keeps
// the error for the next call (sk_err), which reports it before reading
// any datagram: nothing read is lost, and the overrun comes after the
// datagrams queued before it.
func (m *rmmsg) recvmmsg(fd uintptr) bool {
	if m.next < m.n {
		return true
	}
	for i := range m.n { // the headers the last call wrote into
		h := &m.hdrs[i].Hdr
		h.Namelen = unix.SizeofSockaddrNetlink
		h.SetControllen(len(m.slots[i].oob))
		h.Flags = 0
	}
	m.n, m.next = 0, 0
	for {
		n, _, e := unix.RawSyscall6(unix.SYS_RECVMMSG, fd, uintptr(unsafe.Pointer(&m.hdrs[0])), uintptr(len(m.hdrs)), 0, 0, 0)
		switch e {
		case unix.EINTR:
			continue
		case unix.EAGAIN:
			return false
		case 0:
			m.n = int(n)
		}
		m.err = e
		return true
	}
}

// receive returns the messages of the next datagram or, with all, of
// every datagram the last call read, from the next one on.
func (s *sysConn) receive(all bool) ([]Message, error) {
	s.rmu.Lock()
	defer s.rmu.Unlock()
	m := &s.rm
	if m.next == m.n && m.n == len(m.slots) && m.n < m.max {
		m.grow(min(2*m.n, m.max)) // the last call filled them all
	}
	if err := s.rc.Read(m.fn); err != nil {
		return nil, err
	}
	switch m.err {
	case 0:
	case unix.ENOBUFS:
		return nil, ErrOverrun
	default:
		return nil, os.NewSyscallError("recvmmsg", m.err)
	}
	return m.take(all, s.pktinfo.Load())
}

// take returns the messages of the next datagram or, with all, of the
// datagrams from the next one on, up to one that does not parse: that
// one comes in a Receive of its own, next time, so that an error is
// about one datagram and comes with the messages before its fault alone.
func (m *rmmsg) take(all, pktinfo bool) ([]Message, error) {
	msgs := m.msgs[:0]
	first := m.next
	for ; m.next < m.n && (all || m.next == first); m.next++ {
		start := len(msgs)
		var err error
		msgs, err = m.parse(msgs, m.next, pktinfo)
		if err != nil {
			if m.next > first {
				msgs = msgs[:start]
				break
			}
			m.next++
			m.msgs = msgs
			return msgs, err
		}
	}
	m.msgs = msgs
	return msgs, nil
}

// parse appends the messages of datagram i of the last call, each with
// the sender and group of that datagram's own address.
func (m *rmmsg) parse(msgs []Message, i int, pktinfo bool) ([]Message, error) {
	sl, h := &m.slots[i], &m.hdrs[i]
	if h.Hdr.Flags&unix.MSG_TRUNC != 0 {
		return msgs, &FrameError{Header: "datagram", Reason: "larger than the receive buffer of " + strconv.Itoa(len(sl.buf)) + " bytes"}
	}
	start := len(msgs)
	msgs, err := ParseDatagram(msgs, sl.buf[:h.Len])
	from, group := sl.sa.Pid, sl.group(&h.Hdr, pktinfo)
	for i := start; i < len(msgs); i++ {
		msgs[i].From, msgs[i].Group = from, group
	}
	return msgs, err
}

// group is the group the slot's datagram came on, 0 for a unicast.
func (sl *rslot) group(h *unix.Msghdr, pktinfo bool) uint32 {
	if pktinfo {
		if g, ok := pktinfoGroup(sl.oob[:h.Controllen]); ok {
			return g
		}
	}
	if sl.sa.Groups != 0 {
		return uint32(bits.TrailingZeros32(sl.sa.Groups)) + 1
	}
	return 0
}
