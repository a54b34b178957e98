//go:build linux

package cn

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// mmsg holds what sendmmsg(2) reads, built once and grown to the largest
// call so far, so that SendDatagrams allocates nothing in steady state.
// It is guarded by sysConn.wmu, like the rest of the send side.
//
//	struct mmsghdr {
//		struct msghdr msg_hdr;	/* Message header */
//		unsigned int  msg_len;	/* Number of bytes transmitted */
//	};
type mmsg struct {
	hdrs []unix.Mmsghdr
	iovs []unix.Iovec
	sas  []unix.RawSockaddrNetlink
	n    int           // datagrams set up in hdrs
	sent int           // what the last call returned
	err  syscall.Errno // and its error
	fn   func(fd uintptr) bool
}

// sendDatagrams sends ds with sendmmsg(2), MaxDatagramsPerCall at a
// time, until all are sent or one fails.
func (s *sysConn) sendDatagrams(ds []Datagram) (int, error) {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	if s.mm.fn == nil {
		s.mm.fn = s.mm.sendmmsg
	}
	sent := 0
	for sent < len(ds) {
		batch := ds[sent:min(len(ds), sent+MaxDatagramsPerCall)]
		for i, d := range batch {
			if d.To.Group > 32 {
				if i == 0 {
					return sent, fmt.Errorf("group %d: %w", d.To.Group, ErrGroupRange)
				}
				batch = batch[:i]
				break
			}
		}
		n, err := s.sendmmsgBatch(batch)
		sent += n
		switch {
		case err != nil:
			return sent, err
		case n == 0:
			return sent, io.ErrNoProgress // sendmmsg never returns 0 without an error
		}
	}
	return sent, nil
}

// sendmmsgBatch makes one sendmmsg(2) call for ds, at most
// MaxDatagramsPerCall, and returns how many it sent.
func (s *sysConn) sendmmsgBatch(ds []Datagram) (int, error) {
	s.mm.setup(ds)
	err := s.rc.Write(s.mm.fn)
	runtime.KeepAlive(ds)
	if err != nil {
		return 0, err
	}
	switch s.mm.err {
	case 0:
		return s.mm.sent, nil
	case unix.EAGAIN:
		return 0, ErrQueueFull
	case unix.ECONNREFUSED:
		if to := ds[0].To; to.Group != 0 && to.Port == 0 {
			// The multicast went out; on NETLINK_USERSOCK no kernel
			// socket takes the copy addressed to port 0.
			return 1, nil
		}
	}
	return 0, os.NewSyscallError("sendmmsg", s.mm.err)
}

// setup fills the headers for ds.
func (m *mmsg) setup(ds []Datagram) {
	if len(ds) > len(m.hdrs) {
		m.hdrs = make([]unix.Mmsghdr, len(ds))
		m.iovs = make([]unix.Iovec, len(ds))
		m.sas = make([]unix.RawSockaddrNetlink, len(ds))
	}
	for i, d := range ds {
		m.sas[i] = unix.RawSockaddrNetlink{Family: unix.AF_NETLINK, Pid: d.To.Port}
		if d.To.Group > 0 {
			m.sas[i].Groups = 1 << (d.To.Group - 1)
		}
		m.iovs[i].Base = unsafe.SliceData(d.B)
		m.iovs[i].SetLen(len(d.B))
		m.hdrs[i] = unix.Mmsghdr{Hdr: unix.Msghdr{
			Name:    (*byte)(unsafe.Pointer(&m.sas[i])),
			Namelen: unix.SizeofSockaddrNetlink,
			Iov:     &m.iovs[i],
		}}
		m.hdrs[i].Hdr.SetIovlen(1)
	}
	m.n = len(ds)
}

// sendmmsg is the RawConn.Write callback. Like sendto it never waits for
// the poller (see sysConn.sendto). The kernel returns the count sent
// when a datagram after the first fails; the failing one comes first in
// the next call, which then reports its error.
func (m *mmsg) sendmmsg(fd uintptr) bool {
	for {
		n, _, e := unix.Syscall6(unix.SYS_SENDMMSG, fd, uintptr(unsafe.Pointer(&m.hdrs[0])), uintptr(m.n), 0, 0, 0)
		if e != unix.EINTR {
			m.sent, m.err = int(n), e
			return true
		}
	}
}
