// Command procwatch prints the kernel's process events as they happen:
// every fork, thread creation, exec, uid or gid change, new session,
// ptrace attach and detach, comm change, core dump and exit on the
// machine, one per line, with the process's name, uids and, on exit, its
// lifetime. It keeps a table of the machine's tasks from the events, and
// when events are lost it says how many, on which CPU, and reads the
// table again from /proc.
//
// Usage:
//
//	procwatch [-c] [-json] [-S] [-q] [-l] [-e list] [-p PID] [-comm regexp]
//	          [-n N] [-D duration] [-events list] [-rcvbuf bytes]
//
// A header names the columns, then a line per event:
//
//	TIME         CPU EVENT             PID    UID   EUID INFO                       PROCESS
//	21:51:09.100   1 ack                 -      -      - err=0
//	21:51:09.123   1 fork             1240   1000   1000 parent=1234                sh
//	21:51:09.124   1 exec             1240   1000   1000                            make
//	21:51:09.200   0 clone            1251   1000   1000 tgid=1240                  make
//	21:51:09.300   0 comm             1251   1000   1000 comm="worker"              worker
//	21:51:09.310   0 exit             1251   1000   1000 code=0 exit_signal=-1 lifetime=110.2ms worker
//	21:51:09.400   1 ptrace attach    1240   1000   1000 tracer=1300                make
//	21:51:09.401   1 ptrace detach    1240   1000   1000                            make
//	21:51:09.500   1 uid              1240      0      0 ruid=0 euid=0              make
//	21:51:10.000   1 exit             1240      0      0 code=2 lifetime=877.3ms    make
//	21:51:10.001   0 exit              731      0      0 signal=9 (killed) lifetime=2h3m5s sleep
//	21:51:10.002   1 fork             1260      0      0 parent=2                   [kworker/1:2]
//
// TIME is the wall clock when the kernel sent the event (its
// timestamp_ns, CLOCK_MONOTONIC, set against the wall clock), in the
// local time zone; CPU the CPU that sent it. EVENT is the kernel's event,
// with two refinements: a fork whose child pid is not its tgid created a
// thread, a clone (the pid is the new thread's, tgid= its process's);
// and a ptrace event is an attach, or a detach (the kernel's tracer
// 0/0). PID is the task the event is about: for a fork the child. UID
// and EUID are its real and effective uid: from the uid events, or from
// /proc/PID/status for a task seen first ("-" when unknown). PROCESS is
// its name: its comm, inherited on fork, read from /proc/PID/comm on
// exec, taken from comm events; with -c its command line
// (/proc/PID/cmdline); a kernel thread's comm in brackets; "?" when
// unknown (a process that exec'd and exited before procwatch could read
// its new name).
//
// INFO is what the event says: a fork's parent (pid, or thread/process
// for a fork from a thread), a uid or gid event's new ids, a comm event's
// comm, a tracer; and an exit's status: code=N for exit(N), or signal=N
// (name), with "core" if it dumped one; exit_signal when it is not
// SIGCHLD (a thread's is -1: the kernel stores -1 in the __u32); and the
// task's lifetime, from its fork, or from /proc/PID/stat's start time
// for a task that was there before procwatch (to 10 ms then). The kernel
// sends threads' exits too, one per thread.
//
// The flags are:
//
//	-c             name processes by their command line
//	-json          print one JSON object per line instead (see below)
//	-S             at the end, print a table of the events per process
//	               name, the busiest first, as forkstat -S does
//	-q             print no events, only the -S table
//	-l             flush each line at once (lines are otherwise written
//	               out within 0.1 s)
//	-e list        show these events only, comma-separated: fork, exec,
//	               exit, clone, comm, uid, gid, sid, ptrace, coredump,
//	               nonzero_exit (exits with a non-zero status), all (the
//	               default); forkstat's core and ptrce are taken too
//	-p PID         show the process PID and its descendants only: the
//	               processes forked from it or from a descendant since
//	               procwatch started, and those /proc shows below it
//	               (PID must exist when procwatch starts)
//	-comm regexp   show the tasks whose comm matches regexp only
//	-n N           exit after N events shown (acks not counted)
//	-D duration    exit after duration (10s, 1m30s; a bare number is
//	               seconds, as forkstat takes it)
//	-events list   ask the kernel for these events only (Linux 6.6 on):
//	               the names of -e but clone, which the kernel does not
//	               tell apart from fork; no acks then
//	-rcvbuf bytes  size of the receive queue, to lose fewer events in
//	               bursts (beyond the system limit as root)
//
// -e, -p and -comm are procwatch's filters: the kernel still sends every
// event and the table learns from all of them, which names, lifetimes
// and -p need, and losses are counted. -events is the kernel's filter
// (a mask in the subscription): less work in a flood, but the table
// learns only from what it asked for, and losses cannot be counted (the
// kernel numbers the events it filters out too). Both may be given: an
// event is shown if it passes both. Ack and notice lines are shown
// whatever the filters.
//
// Interrupt (Ctrl-C) or SIGTERM unsubscribes and exits, as -n and -D do:
// the kernel produces events for as long as a listener has not said
// IGNORE. Subscribing needs root (CAP_NET_ADMIN) before Linux 6.6, and
// the initial network namespace always; reading other users' /proc
// files may need root too (names and uids are "?" and "-" otherwise).
//
// # Lost events and the table
//
// Netlink drops messages when a socket's receive queue is full, and the
// kernel drops process events it cannot allocate. procwatch reports
// both, in the output where they happen (JSON objects with -json):
//
//	21:51:09.500 overrun: receive queue full (57 dropped so far)
//	21:51:09.502 lost 3 events on cpu 1
//	21:51:09.503 resync: 212 tasks in /proc, 17 added, 3 gone, 2 changed
//
// An overrun is the socket's report that the queue overflowed (ENOBUFS),
// with the kernel's count of messages the socket dropped so far. A loss
// is a gap in the sequence numbers the kernel gives the events of each
// CPU, found at the next event of that CPU; it counts every lost event,
// whatever lost it. With -events losses are not counted.
//
// The table of tasks is read from /proc at start, once subscribed, and
// kept from the events. Lost events would leave it wrong (an exit lost
// keeps a dead process, a fork lost misses one), so after an overrun or
// a loss it is read from /proc again, a resync: the tasks that exited
// meanwhile are dropped, new ones added, names and uids read again.
// Events still queued from before the resync are applied after it and
// bring the table up to date; an exit of a task the resync dropped
// still finds its name and lifetime. A loss found at an event older than
// the last resync needs none: /proc showed what the lost events did. A
// resync waits at least 0.1 s and ten times the last one's duration
// after it, and at most 1 s, so that scanning takes at most a tenth of
// the time in a flood of losses; it runs at the next event once due.
//
// On exit a summary goes to standard error:
//
//	procwatch: 1520 events, 3 lost (cpu 1: 3), 1 overrun (57 dropped), 1 resync, 4 filtered, 0 rejected
//
// (filtered: the events not shown because of -events, -e, -p or -comm).
// Events from any sender but the kernel are rejected (the datagram's
// source address says who sent it), counted, and reported on standard
// error.
//
// # Statistics
//
// With -S (or -q) a table follows the events: for each process name, the
// events shown of each kind, and their total, the busiest first. Each
// event counts for the name on its line: a fork for its parent's, the
// name the child has until it execs.
//
//	Fork     Exec     Exit Coredump     Comm    Clone   Ptrace      Uid      Gid      Sid    Total Process
//	   2        0        1        0        0        0        0        0        0        0        3 sh
//	   0        1        1        0        0        0        0        0        0        0        2 true
//
// # JSON
//
// With -json each line is a JSON object. Events have "what" (fork,
// clone, exec, exit, uid, gid, sid, ptrace, comm, coredump; "none" for
// an ack; the number, "0x400", of an event procwatch does not know),
// "time" (RFC 3339, nanoseconds), "cpu", "timestamp_ns", the kernel's
// fields with cn_proc.h's names (parent_pid, parent_tgid, child_pid,
// child_tgid; process_pid, process_tgid; ruid, euid, rgid, egid;
// tracer_pid, tracer_tgid; comm; exit_code, exit_signal (signed: -1 for
// a thread); err; data, in hex, of an unknown event), then the text's
// columns: "name" (comm, or the command line with -c; absent when
// unknown), "kthread": true for a kernel thread, "uid" and "euid" when
// known, and for an exit "code", or "signal" and "core", and
// "lifetime_ns" when known; for a ptrace event "op": "attach" or
// "detach":
//
//	{"what":"exit","time":"2026-01-02T03:04:05.01Z","cpu":1,"timestamp_ns":1000010000000,"process_pid":1240,"process_tgid":1240,"exit_code":768,"exit_signal":17,"parent_pid":1234,"parent_tgid":1234,"name":"sh","uid":1000,"euid":1000,"code":3,"lifetime_ns":1900000}
//
// Notices are {"what":"lost","time":…,"cpu":1,"count":3},
// {"what":"overrun","time":…,"dropped":57} and {"what":"resync","time":…,
// "tasks":212,"added":17,"gone":3,"changed":2}; the -S table is a line
// per name, {"what":"stats","name":"sh","fork":2,"exec":0,…,"total":3}.
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
