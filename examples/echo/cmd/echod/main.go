// Command echod serves the echo family of examples/echo over a netlink
// socket: it answers ping calls and broadcasts a tick event to the
// family's group (23) every interval.
//
// Usage:
//
//	echod [-proto usersock|connector] [-port N] [-interval d] [-v]
//
// It binds the well-known port [echo.DefaultPort] (1162037327), where
// the echo command looks for it, and says so on its first line:
//
//	echod: port 1162037327 (usersock), pid 4242, ticks to group 23 every 1s
//
// The flags are:
//
//	-proto p      the netlink protocol, usersock (default) or connector;
//	              the client must use the same
//	-port N       the port to bind; 0 lets the kernel pick one
//	-interval d   time between ticks (default 1s)
//	-v            print each ping answered
//
// On NETLINK_USERSOCK it needs no privilege; on NETLINK_CONNECTOR it
// needs CAP_NET_ADMIN, to unicast replies and to broadcast. Interrupt
// (Ctrl-C) or SIGTERM stops it.
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
)

func main() {
	err := run(os.Args[1:], os.Stdout, os.Stderr)
	var usage usageError
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
	case errors.As(err, &usage):
		os.Exit(2) // the flag package has printed the problem and usage
	default:
		fmt.Fprintf(os.Stderr, "echod: %v\n", err)
		os.Exit(1)
	}
}
