//go:build linux

package uevent

import (
	"errors"
	"os"
	"syscall"
	"time"
	"unsafe"

	"github.com/mdlayher/netlink"
	"golang.org/x/sys/unix"
)

// sysListener is the Linux side of a Listener.
//
// mdlayher/netlink opens the socket (non-blocking, close-on-exec, in the
// runtime's network poller, in a chosen namespace) and joins its groups.
// Datagrams, though, go through the socket's syscall.RawConn with a
// recvmsg(2) of our own: netlink.Conn.Receive expects netlink headers,
// which uevents lack, and tells neither the source address nor the
// credentials, which are all that tell the kernel from a forger. The
// RawConn keeps what the poller gives: a Receive parks in the poller,
// deadlines work, and Close wakes it. The buffer and the message header
// are built once, so that receiving allocates nothing. One datagram per
// system call: uevents come in bursts of thousands at most, where
// recvmmsg(2) would save little.
type sysListener struct {
	nl *netlink.Conn
	rc syscall.RawConn
	fn func(fd uintptr) bool // recvmsg, bound once

	// What recvmsg(2) writes, guarded by Listener.mu.
	buf   []byte
	sa    unix.RawSockaddrNetlink
	iov   unix.Iovec
	oob   [8]uint64 // the SCM_CREDENTIALS control message, aligned as cmsghdr needs
	hdr   unix.Msghdr
	n     int
	errno syscall.Errno
}

func (s *sysListener) listen(cfg *Config, sources Source) (uint32, error) {
	nl, err := netlink.Dial(Protocol, &netlink.Config{NetNS: cfg.NetNS})
	if err != nil {
		return 0, unwrapNetlink(err)
	}
	s.nl = nl
	if err := s.setup(cfg, sources); err != nil {
		nl.Close()
		return 0, err
	}
	return nl.PID(), nil
}

// setup sets the socket's options and then joins the groups, so that
// every datagram comes with its credentials.
func (s *sysListener) setup(cfg *Config, sources Source) error {
	rc, err := s.nl.SyscallConn()
	if err != nil {
		return unwrapNetlink(err)
	}
	s.rc = rc
	if err := s.setsockopt(unix.SO_PASSCRED, 1); err != nil {
		return err
	}
	if cfg.ReadBuffer > 0 {
		opt := unix.SO_RCVBUF
		if cfg.ForceReadBuffer {
			opt = unix.SO_RCVBUFFORCE
		}
		if err := s.setsockopt(opt, cfg.ReadBuffer); err != nil {
			return err
		}
	}
	if err := s.join(sources); err != nil {
		return err
	}
	s.init()
	return nil
}

// join joins the groups of sources, which needs no privilege: the
// protocol sets NL_CFG_F_NONROOT_RECV.
func (s *sysListener) join(sources Source) error {
	for _, g := range []struct {
		src   Source
		group uint32
	}{{SourceKernel, GroupKernel}, {SourceUdev, GroupUdev}} {
		if sources&g.src == 0 {
			continue
		}
		if err := s.nl.JoinGroup(g.group); err != nil {
			return unwrapNetlink(err)
		}
	}
	return nil
}

// init points the message header at the buffers.
func (s *sysListener) init() {
	s.buf = make([]byte, MaxDatagram)
	s.iov.Base = &s.buf[0]
	s.iov.SetLen(len(s.buf))
	s.hdr.Name = (*byte)(unsafe.Pointer(&s.sa))
	s.hdr.Iov = &s.iov
	s.hdr.SetIovlen(1)
	s.hdr.Control = (*byte)(unsafe.Pointer(&s.oob[0]))
	s.fn = s.recvmsg
}

func (s *sysListener) setsockopt(opt, value int) error {
	var serr error
	err := s.rc.Control(func(fd uintptr) {
		serr = os.NewSyscallError("setsockopt", unix.SetsockoptInt(int(fd), unix.SOL_SOCKET, opt, value))
	})
	if err != nil {
		return err
	}
	return serr
}

// receive reads the next datagram into the buffer, which the result
// aliases until the next call.
func (s *sysListener) receive() ([]byte, origin, error) {
	if err := s.rc.Read(s.fn); err != nil {
		return nil, origin{}, err
	}
	switch s.errno {
	case 0:
	case unix.ENOBUFS:
		return nil, origin{}, ErrOverrun
	default:
		return nil, origin{}, os.NewSyscallError("recvmsg", s.errno)
	}
	o := origin{port: s.sa.Pid, groups: s.sa.Groups, truncated: s.hdr.Flags&unix.MSG_TRUNC != 0}
	oob := unsafe.Slice((*byte)(unsafe.Pointer(&s.oob[0])), unsafe.Sizeof(s.oob))
	o.pid, o.uid, o.creds = ucred(oob[:s.hdr.Controllen])
	return s.buf[:s.n], o, nil
}

// recvmsg is the RawConn.Read callback: false to wait for the poller
// when nothing is queued. The socket does not block, so RawSyscall
// serves, as in runtime/cn. An overrun is ENOBUFS from the call after
// it, before the datagrams still queued.
func (s *sysListener) recvmsg(fd uintptr) bool {
	s.hdr.Namelen = unix.SizeofSockaddrNetlink
	s.hdr.SetControllen(int(unsafe.Sizeof(s.oob)))
	s.hdr.Flags = 0
	for {
		n, _, e := unix.RawSyscall(unix.SYS_RECVMSG, fd, uintptr(unsafe.Pointer(&s.hdr)), 0)
		switch e {
		case unix.EINTR:
			continue
		case unix.EAGAIN:
			return false
		}
		s.n, s.errno = int(n), e
		return true
	}
}

// ucred finds the sender's credentials among the control messages b.
//
//	struct ucred {
//		__u32	pid;
//		__u32	uid;
//		__u32	gid;
//	};
func ucred(b []byte) (pid int32, uid uint32, ok bool) {
	for len(b) >= unix.SizeofCmsghdr {
		h := (*unix.Cmsghdr)(unsafe.Pointer(&b[0]))
		n := int(h.Len)
		if n < unix.SizeofCmsghdr || n > len(b) {
			return 0, 0, false
		}
		if h.Level == unix.SOL_SOCKET && h.Type == unix.SCM_CREDENTIALS && n >= unix.CmsgLen(unix.SizeofUcred) {
			d := b[unix.CmsgLen(0):]
			return int32(ne.Uint32(d)), ne.Uint32(d[4:]), true
		}
		b = b[min(unix.CmsgSpace(n-unix.CmsgLen(0)), len(b)):]
	}
	return 0, 0, false
}

func (s *sysListener) setReadDeadline(t time.Time) error {
	return unwrapNetlink(s.nl.SetReadDeadline(t))
}

func (s *sysListener) close() error { return unwrapNetlink(s.nl.Close()) }

// unwrapNetlink drops the *netlink.OpError layer, which would repeat the
// operation our own OpError names.
func unwrapNetlink(err error) error {
	var oe *netlink.OpError
	if errors.As(err, &oe) {
		return oe.Err
	}
	return err
}
