package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/cngen/cngen/examples/proc"
	"github.com/cngen/cngen/runtime/cn"
)

// usageError is a command line that does not parse; its message has
// been printed with the usage.
type usageError struct{ error }

func (e usageError) Unwrap() error { return e.error }

const usage = "usage: procwatch [-c] [-json] [-S] [-q] [-l] [-e list] [-p PID] [-comm regexp]\n" +
	"                 [-n N] [-D duration] [-events list] [-rcvbuf bytes]"

func run(args []string, stdout, stderr io.Writer) error {
	o, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	return watch(o, stdout, stderr)
}

// flags are the command line's values before they are checked.
type flags struct {
	events, show, comm string
	root               int
	duration           seconds
}

// parseFlags turns the command line into options.
func parseFlags(args []string, stderr io.Writer) (options, error) {
	fs := flag.NewFlagSet("procwatch", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o options
	var f flags
	defineFlags(fs, &o, &f)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), usage)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return o, err
		}
		return o, usageError{err}
	}
	if fs.NArg() > 0 {
		return o, usagef(fs, "unexpected argument %q", fs.Arg(0))
	}
	if err := f.check(&o); err != nil {
		return o, usagef(fs, "%v", err)
	}
	return o, nil
}

func defineFlags(fs *flag.FlagSet, o *options, f *flags) {
	fs.BoolVar(&o.cmdline, "c", false, "name processes by their command line (/proc/PID/cmdline) rather than their comm")
	fs.BoolVar(&o.json, "json", false, "print JSON lines")
	fs.BoolVar(&o.stats, "S", false, "print a table of the events per process at the end")
	fs.BoolVar(&o.quiet, "q", false, "print no events, only the -S table")
	fs.BoolVar(&o.flushAll, "l", false, "flush every line at once rather than within 0.1s")
	fs.StringVar(&f.show, "e", "", "show these events only: a comma-separated `list` of fork, exec, exit, clone,\ncomm, uid, gid, sid, ptrace, coredump, nonzero_exit, all")
	fs.IntVar(&f.root, "p", 0, "show the process `PID` and its descendants only")
	fs.StringVar(&f.comm, "comm", "", "show the tasks whose comm matches `regexp` only")
	fs.IntVar(&o.count, "n", 0, "exit after `N` process events shown; 0 means never")
	fs.Var(&f.duration, "D", "exit after `duration` (10s, 1m30s; a bare number is seconds)")
	fs.StringVar(&f.events, "events", "", "ask the kernel for these events only (Linux 6.6 on): a comma-separated `list`")
	fs.IntVar(&o.rcvbuf, "rcvbuf", 0, "receive queue size in `bytes`; 0 keeps the system's")
}

// check checks the values that need it and sets them in o.
func (f *flags) check(o *options) error {
	var err error
	if o.mask, err = parseEvents(f.events); err != nil {
		return fmt.Errorf("-events: %v", err)
	}
	if o.show, err = parseSelection(f.show); err != nil {
		return fmt.Errorf("-e: %v", err)
	}
	if f.comm != "" {
		if o.comm, err = regexp.Compile(f.comm); err != nil {
			return fmt.Errorf("-comm: %v", err)
		}
	}
	switch {
	case o.count < 0:
		return fmt.Errorf("-n: %d is negative", o.count)
	case f.root < 0 || f.root > 1<<31-1:
		return fmt.Errorf("-p: %d is not a pid", f.root)
	case f.duration < 0:
		return fmt.Errorf("-D: %v is negative", time.Duration(f.duration))
	}
	o.root, o.duration = int32(f.root), time.Duration(f.duration)
	return nil
}

// seconds is the -D flag: a duration, or a number of seconds as
// forkstat takes it.
type seconds time.Duration

func (s *seconds) String() string { return time.Duration(*s).String() }

func (s *seconds) Set(v string) error {
	if n, err := strconv.ParseFloat(v, 64); err == nil {
		*s = seconds(n * float64(time.Second))
		return nil
	}
	d, err := time.ParseDuration(v)
	*s = seconds(d)
	return err
}

// usagef prints a usage error the way the flag package does.
func usagef(fs *flag.FlagSet, format string, args ...any) error {
	err := fmt.Errorf(format, args...)
	fmt.Fprintln(fs.Output(), err)
	fs.Usage()
	return usageError{err}
}

// watch opens a connector socket and prints events as o says until
// their count has been printed, the duration is over or a signal
// arrives.
func watch(o options, stdout, stderr io.Writer) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	c, err := cn.Dial(nil)
	if err != nil {
		return err
	}
	defer c.Close()
	if o.rcvbuf > 0 {
		// SO_RCVBUFFORCE passes net.core.rmem_max, with CAP_NET_ADMIN.
		if err := c.SetReadBuffer(o.rcvbuf, true); err != nil {
			if err := c.SetReadBuffer(o.rcvbuf, false); err != nil {
				return err
			}
		}
	}
	return newWatcher(o, stdout, stderr).run(ctx, c)
}

// eventNames are the event names of proc.cn that -events accepts.
var eventNames = []struct {
	name string
	ev   proc.Event
}{
	{"fork", proc.EventFork}, {"exec", proc.EventExec},
	{"uid", proc.EventUID}, {"gid", proc.EventGID},
	{"sid", proc.EventSID}, {"ptrace", proc.EventPtrace},
	{"comm", proc.EventComm}, {"nonzero_exit", proc.EventNonzeroExit},
	{"coredump", proc.EventCoredump}, {"exit", proc.EventExit},
}

// parseEvents turns "fork,exit" into the kernel's filter mask; "" is
// every event.
func parseEvents(list string) (proc.Event, error) {
	if list == "" {
		return proc.ProcEventAll, nil
	}
	var mask proc.Event
next:
	for name := range strings.SplitSeq(list, ",") {
		name = strings.TrimSpace(name)
		for _, e := range eventNames {
			if e.name == name {
				mask |= e.ev
				continue next
			}
		}
		return 0, fmt.Errorf("unknown event %q", name)
	}
	return mask, nil
}
