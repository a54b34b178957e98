//go:build linux

package cn

import (
	"errors"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"

	"github.com/mdlayher/netlink"
	"golang.org/x/sys/unix"
)

// sysConn is the Linux side of a Conn.
//
// mdlayher/netlink opens the socket (non-blocking, close-on-exec, in the
// runtime's network poller, in a chosen namespace), binds it, and sets
// its options, deadlines and groups. Datagrams, though, go through the
// socket's syscall.RawConn with recvmmsg(2) (recvmmsg_linux.go) and
// sendto(2) of our own: netlink.Conn.Receive does not tell who sent a
// datagram, and the source address is the only proof of the sender, and
// netlink.Conn.Send always sends to the kernel. The RawConn keeps what
// the poller gives: a Receive parks in the poller rather than in a
// thread, deadlines work, and Close wakes it. The headers, the buffers
// and the callbacks for the RawConn are built once (and grown), so that
// receiving allocates nothing, where netlink.Conn.Receive allocates a
// buffer per datagram and a message slice.
type sysConn struct {
	nl      *netlink.Conn
	rc      syscall.RawConn
	pktinfo atomic.Bool // NETLINK_PKTINFO is on: each datagram says its group

	rmu sync.Mutex // guards the receive side
	rm  rmmsg      // Receive's recvmmsg(2) buffers (recvmmsg_linux.go)

	wmu    sync.Mutex // guards the send side below
	wbuf   []byte
	wsa    unix.RawSockaddrNetlink
	werr   syscall.Errno
	sendFn func(fd uintptr) bool
	mm     mmsg // SendDatagrams' sendmmsg(2) buffers (sendmmsg_linux.go)
}

func (s *sysConn) dial(cfg *Config) (uint32, error) {
	proto := cfg.Protocol
	if proto == 0 {
		proto = unix.NETLINK_CONNECTOR
	}
	nl, err := netlink.Dial(proto, &netlink.Config{PID: cfg.Port, NetNS: cfg.NetNS})
	if err != nil {
		return 0, unwrapNetlink(err)
	}
	s.nl = nl
	if err := s.setup(cfg); err != nil {
		nl.Close()
		return 0, err
	}
	return nl.PID(), nil
}

// setup applies cfg to the new socket and prepares the buffers.
func (s *sysConn) setup(cfg *Config) error {
	rc, err := s.nl.SyscallConn()
	if err != nil {
		return unwrapNetlink(err)
	}
	s.rc = rc
	if cfg.NoENOBUFS {
		if err := s.nl.SetOption(netlink.NoENOBUFS, true); err != nil {
			return unwrapNetlink(err)
		}
	}
	if cfg.ReadBuffer > 0 {
		if err := s.setReadBuffer(cfg.ReadBuffer, cfg.ForceReadBuffer); err != nil {
			return err
		}
	}
	for _, g := range cfg.Groups {
		if err := s.joinGroup(g); err != nil {
			return fmt.Errorf("group %d: %w", g, err)
		}
	}
	size := cfg.MaxDatagram
	if size <= 0 {
		size = DefaultMaxDatagram
	}
	s.rm.init(size)
	s.sendFn = s.sendto
	return nil
}

// pktinfoGroup finds the group of a NETLINK_PKTINFO control message.
//
//	struct nl_pktinfo {
//		__u32	group;
//	};
func pktinfoGroup(b []byte) (uint32, bool) {
	for len(b) >= unix.SizeofCmsghdr {
		h := (*unix.Cmsghdr)(unsafe.Pointer(&b[0]))
		n := int(h.Len)
		if n < unix.SizeofCmsghdr || n > len(b) {
			return 0, false
		}
		if h.Level == unix.SOL_NETLINK && h.Type == unix.NETLINK_PKTINFO && n >= unix.CmsgLen(4) {
			return ne.Uint32(b[unix.CmsgLen(0):]), true
		}
		b = b[min(unix.CmsgSpace(n-unix.CmsgLen(0)), len(b)):]
	}
	return 0, false
}

func (s *sysConn) send(ms []Msg, to Addr, port uint32) error {
	if to.Group > 32 {
		return fmt.Errorf("group %d: %w", to.Group, ErrGroupRange)
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	b := s.wbuf[:0]
	for i := range ms {
		var err error
		if b, err = AppendNetlink(b, &ms[i], port); err != nil {
			return err
		}
	}
	s.wbuf = b
	s.wsa = unix.RawSockaddrNetlink{Family: unix.AF_NETLINK, Pid: to.Port}
	if to.Group > 0 {
		s.wsa.Groups = 1 << (to.Group - 1)
	}
	if err := s.rc.Write(s.sendFn); err != nil {
		return err
	}
	switch s.werr {
	case 0:
		return nil
	case unix.EAGAIN:
		return ErrQueueFull
	case unix.ECONNREFUSED:
		if to.Group != 0 && to.Port == 0 {
			// The multicast went out; on NETLINK_USERSOCK no kernel
			// socket takes the copy addressed to port 0.
			return nil
		}
	}
	return os.NewSyscallError("sendto", s.werr)
}

// sendto is the RawConn.Write callback. It never waits for the poller:
// a full netlink peer fails with EAGAIN, and netlink does not wake a
// sender when that peer's queue drains.
func (s *sysConn) sendto(fd uintptr) bool {
	for {
		_, _, e := unix.RawSyscall6(unix.SYS_SENDTO, fd, uintptr(unsafe.Pointer(&s.wbuf[0])), uintptr(len(s.wbuf)),
			0, uintptr(unsafe.Pointer(&s.wsa)), unix.SizeofSockaddrNetlink)
		if e != unix.EINTR {
			s.werr = e
			return true
		}
	}
}

// joinGroup joins g. The source address of a multicast holds its group
// as a bit in a 32-bit mask, which is all that NETLINK_CONNECTOR and
// NETLINK_USERSOCK, with 32 groups each, need; beyond group 32 the mask
// is empty, and the group comes from a NETLINK_PKTINFO control message
// instead, turned on then (it costs every receive a little).
func (s *sysConn) joinGroup(g uint32) error {
	if err := s.nl.JoinGroup(g); err != nil {
		return unwrapNetlink(err)
	}
	if g > 32 && !s.pktinfo.Load() {
		if err := s.nl.SetOption(netlink.PacketInfo, true); err != nil {
			return unwrapNetlink(err)
		}
		s.pktinfo.Store(true)
	}
	return nil
}

func (s *sysConn) leaveGroup(g uint32) error { return unwrapNetlink(s.nl.LeaveGroup(g)) }

func (s *sysConn) setReadBuffer(n int, force bool) error {
	opt := unix.SO_RCVBUF
	if force {
		opt = unix.SO_RCVBUFFORCE
	}
	return s.control(func(fd int) error {
		return os.NewSyscallError("setsockopt", unix.SetsockoptInt(fd, unix.SOL_SOCKET, opt, n))
	})
}

func (s *sysConn) drops() (uint64, error) {
	var info [unix.SK_MEMINFO_VARS]uint32
	err := s.control(func(fd int) error {
		size := uint32(unsafe.Sizeof(info))
		_, _, e := unix.Syscall6(unix.SYS_GETSOCKOPT, uintptr(fd), unix.SOL_SOCKET, unix.SO_MEMINFO,
			uintptr(unsafe.Pointer(&info)), uintptr(unsafe.Pointer(&size)), 0)
		switch {
		case e != 0:
			return os.NewSyscallError("getsockopt", e)
		case size <= unix.SK_MEMINFO_DROPS*4:
			return errors.New("SO_MEMINFO without a drop count")
		}
		return nil
	})
	return uint64(info[unix.SK_MEMINFO_DROPS]), err
}

// control runs f on the descriptor, kept open meanwhile.
func (s *sysConn) control(f func(fd int) error) error {
	var ferr error
	if err := s.rc.Control(func(fd uintptr) { ferr = f(int(fd)) }); err != nil {
		return err
	}
	return ferr
}

func (s *sysConn) setReadDeadline(t time.Time) error {
	return unwrapNetlink(s.nl.SetReadDeadline(t))
}

func (s *sysConn) close() error { return unwrapNetlink(s.nl.Close()) }

// unwrapNetlink drops the *netlink.OpError layer, which would repeat the
// operation our own OpError names.
func unwrapNetlink(err error) error {
	var oe *netlink.OpError
	if errors.As(err, &oe) {
		return oe.Err
	}
	return err
}
