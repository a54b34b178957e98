// Command procwatch prints the kernel's process events as they happen:
// every fork, exec, uid or gid change, new session, ptrace attach, comm
// change, core dump and exit on the machine, one per line.
//
// Usage:
//
//	procwatch [-json] [-n N] [-events list] [-rcvbuf bytes]
//
// A line names the event, then its fields; pid/tgid pairs are a thread
// id and the id of its process (they differ for threads):
//
//	ack err=0 cpu=0
//	fork parent=1234/1234 child=1240/1240 cpu=1
//	exec pid=1240/1240 cpu=1
//	comm pid=1240/1243 comm="worker" cpu=0
//	exit pid=1240/1240 code=3 parent=1234/1234 cpu=1
//	exit pid=1250/1250 signal=9 (killed) parent=1234/1234 cpu=0
//
// The flags are:
//
//	-json          print one JSON object per line instead, with the
//	               kernel's field names and timestamp_ns; losses are
//	               {"what":"lost","cpu":1,"count":3} and
//	               {"what":"overrun","dropped":57}
//	-n N           exit after N process events (acks and losses are
//	               not counted)
//	-events list   subscribe to these events only, comma-separated:
//	               fork, exec, uid, gid, sid, ptrace, comm, coredump,
//	               exit, nonzero_exit (Linux 6.6 on; no acks then)
//	-rcvbuf bytes  size of the receive queue, to lose fewer events in
//	               bursts (beyond the system limit as root)
//
// Interrupt (Ctrl-C) or SIGTERM unsubscribes and exits, as -n does: the
// kernel produces events for as long as a listener has not said IGNORE.
// Subscribing needs root (CAP_NET_ADMIN) before Linux 6.6, and the
// initial network namespace always.
//
// # Lost events
//
// Netlink drops messages when a socket's receive queue is full, and the
// kernel drops process events it cannot allocate. procwatch reports
// both, in the output where they happen (JSON objects with -json):
//
//	overrun: receive queue full (57 dropped so far)
//	lost 3 events on cpu 1
//
// An overrun is the socket's report that the queue overflowed (ENOBUFS),
// with the kernel's count of messages the socket dropped so far. A loss
// is a gap in the sequence numbers the kernel gives the events of each
// CPU, found at the next event of that CPU; it counts every lost event,
// whatever lost it. The kernel numbers the events it filters out for a
// subscriber too, so with -events losses are not counted. On exit a
// summary goes to standard error:
//
//	procwatch: 1520 events, 3 lost (cpu 1: 3), 1 overrun (3 dropped), 0 filtered, 0 rejected
//
// Events from any sender but the kernel are rejected (the datagram's
// source address says who sent it), counted, and reported on standard
// error.
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
		fmt.Fprintf(os.Stderr, "procwatch: %v\n", err)
		os.Exit(1)
	}
}
