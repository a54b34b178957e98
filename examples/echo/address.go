package echo

import (
	"fmt"

	"github.com/cngen/cngen/runtime/cn"
)

// This file is written by hand, beside the generated echo.cn.go: where
// a client finds the server, which the schema does not say.

// DefaultPort is the netlink port echod binds and echo pings unless told
// otherwise: the example's discovery convention, a well-known address as
// a fixed UDP port would be. The kernel gives a socket that binds no
// port its process id (at most 2^22) or, when that is taken, a number
// from -4096 down (2^31 and up as a uint32): 0x4543484f ("ECHO") lies
// between, so no socket gets it without asking for it.
const DefaultPort uint32 = 0x4543484f

// Protocol is the netlink protocol named usersock or connector, the
// values of both programs' -proto flag; the two must agree.
//
// NETLINK_USERSOCK is the default: a bus for user space alone, on which
// processes unicast to each other without privilege, so that pinging
// needs no root; joining the group for ticks does (CAP_NET_ADMIN).
// NETLINK_CONNECTOR carries the same messages, but there the kernel's
// connector is port 0 (it drops the copy of each broadcast addressed to
// it: no callback has idx 0x123), and every unicast between user-space
// ports and every multicast needs CAP_NET_ADMIN. So does joining a group,
// but for the proc connector's; Linux 6.18 lets anyone join the
// odd-numbered ones, 23 among them (cn_bind tests bit 0 of the group
// number rather than of a mask).
func Protocol(name string) (int, error) {
	switch name {
	case "usersock":
		return cn.ProtoUsersock, nil
	case "connector":
		return cn.ProtoConnector, nil
	}
	return 0, fmt.Errorf("unknown protocol %q: usersock or connector", name)
}
