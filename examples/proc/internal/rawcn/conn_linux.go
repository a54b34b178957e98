package rawcn

import (
	"errors"
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

func dial(groups []uint32) (*Conn, error) {
	// SOCK_NONBLOCK puts the socket in Go's poller, so that deadlines
	// work and Close wakes a blocked Receive.
	fd, err := unix.Socket(unix.AF_NETLINK, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC|unix.SOCK_NONBLOCK, unix.NETLINK_CONNECTOR)
	if err != nil {
		return nil, os.NewSyscallError("socket", err)
	}
	port, err := bind(fd, groups)
	if err != nil {
		unix.Close(fd)
		return nil, err
	}
	f := os.NewFile(uintptr(fd), "netlink-connector")
	rc, err := f.SyscallConn()
	if err != nil {
		f.Close()
		return nil, err
	}
	return &Conn{f: f, rc: rc, port: port, buf: make([]byte, bufSize)}, nil
}

// bind binds fd to a kernel-picked port and the groups: groups 1–32 in
// the bind mask (bit group-1), larger ones with NETLINK_ADD_MEMBERSHIP.
// It returns the port.
func bind(fd int, groups []uint32) (uint32, error) {
	var mask uint32
	for _, g := range groups {
		if g == 0 {
			return 0, errors.New("rawcn: multicast group 0 does not exist")
		}
		if g <= 32 {
			mask |= 1 << (g - 1)
		}
	}
	if err := unix.Bind(fd, &unix.SockaddrNetlink{Family: unix.AF_NETLINK, Groups: mask}); err != nil {
		return 0, os.NewSyscallError("bind", err)
	}
	for _, g := range groups {
		if g > 32 {
			if err := unix.SetsockoptInt(fd, unix.SOL_NETLINK, unix.NETLINK_ADD_MEMBERSHIP, int(g)); err != nil {
				return 0, os.NewSyscallError("setsockopt NETLINK_ADD_MEMBERSHIP", err)
			}
		}
	}
	sa, err := unix.Getsockname(fd)
	if err != nil {
		return 0, os.NewSyscallError("getsockname", err)
	}
	nl, ok := sa.(*unix.SockaddrNetlink)
	if !ok {
		return 0, fmt.Errorf("rawcn: getsockname: %T is not a netlink address", sa)
	}
	return nl.Pid, nil
}

func (c *Conn) sendto(b []byte, port uint32) error {
	to := &unix.SockaddrNetlink{Family: unix.AF_NETLINK, Pid: port}
	var err error
	werr := c.rc.Write(func(fd uintptr) bool {
		err = unix.Sendto(int(fd), b, 0, to)
		return err != unix.EAGAIN
	})
	if werr != nil {
		return werr
	}
	return os.NewSyscallError("sendto", err)
}

func (c *Conn) recv(buf []byte) (n int, port uint32, err error) {
	var (
		flags int
		from  unix.Sockaddr
	)
	rerr := c.rc.Read(func(fd uintptr) bool {
		n, _, flags, from, err = unix.Recvmsg(int(fd), buf, nil, 0)
		return err != unix.EAGAIN
	})
	switch {
	case rerr != nil:
		return 0, 0, rerr
	case err == unix.ENOBUFS:
		return 0, 0, fmt.Errorf("%w (%w)", ErrOverrun, os.NewSyscallError("recvmsg", err))
	case err != nil:
		return 0, 0, os.NewSyscallError("recvmsg", err)
	case flags&unix.MSG_TRUNC != 0:
		return 0, 0, fmt.Errorf("rawcn: datagram longer than the %d-byte receive buffer: dropped", len(buf))
	}
	nl, ok := from.(*unix.SockaddrNetlink)
	if !ok {
		return 0, 0, fmt.Errorf("rawcn: recvmsg: source %T is not a netlink address", from)
	}
	return n, nl.Pid, nil
}

func (c *Conn) setReadBuffer(bytes int) error {
	var err error
	cerr := c.rc.Control(func(fd uintptr) {
		err = unix.SetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_RCVBUFFORCE, bytes)
		if err != nil { // SO_RCVBUFFORCE needs CAP_NET_ADMIN
			err = unix.SetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_RCVBUF, bytes)
		}
	})
	if cerr != nil {
		return cerr
	}
	return os.NewSyscallError("setsockopt SO_RCVBUF", err)
}
