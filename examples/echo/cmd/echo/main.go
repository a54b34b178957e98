// Command echo pings the server of the echo family of examples/echo
// (cmd/echod) over a netlink socket, and prints the ticks it broadcasts.
//
// Usage:
//
//	echo [-proto usersock|connector] [-port N] [-count N] [-payload text]
//	     [-timeout d] [-ticks N | -follow]
//
// It pings the server count times and prints each reply, with the
// server's pid, the pings it has answered and the round trip:
//
//	reply 1 from pid 4242: "hello", 1 ping answered, rtt 61µs
//
// With -ticks N or -follow it first joins the family's group, and prints
// the ticks the server broadcasts there, N of them or until interrupted:
//
//	tick 7 from pid 4242: up 7s
//
// The flags are:
//
//	-proto p      the netlink protocol, usersock (default) or connector:
//	              the server's
//	-port N       the server's port (default echo.DefaultPort,
//	              1162037327, which echod binds)
//	-count N      pings to send (default 1)
//	-payload s    the payload of each ping (default "hello")
//	-timeout d    how long to wait for each reply (default 1s)
//	-ticks N      print N ticks, then exit
//	-follow       print ticks until interrupted
//
// Ticks from any port but the server's are not printed: on
// NETLINK_USERSOCK any process may send to the group. They are reported
// on standard error.
//
// Pinging over NETLINK_USERSOCK needs no privilege; joining the group for
// ticks needs CAP_NET_ADMIN, and so does everything over
// NETLINK_CONNECTOR.
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
		fmt.Fprintf(os.Stderr, "echo: %v\n", err)
		os.Exit(1)
	}
}
