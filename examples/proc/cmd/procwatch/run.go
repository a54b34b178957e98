package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/cngen/cngen/examples/proc"
	"github.com/cngen/cngen/runtime/cn"
)

// usageError is a command line that does not parse; its message has
// been printed with the usage.
type usageError struct{ error }

func (e usageError) Unwrap() error { return e.error }

func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("procwatch", flag.ContinueOnError)
	fs.SetOutput(stderr)
	jsonOut := fs.Bool("json", false, "print JSON lines")
	count := fs.Int("n", 0, "exit after `N` process events; 0 means never")
	events := fs.String("events", "", "subscribe to these events only: a comma-separated `list`")
	rcvbuf := fs.Int("rcvbuf", 0, "receive queue size in `bytes`; 0 keeps the system's")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: procwatch [-json] [-n N] [-events list] [-rcvbuf bytes]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err}
	}
	if fs.NArg() > 0 {
		return usagef(fs, "unexpected argument %q", fs.Arg(0))
	}
	mask, err := parseEvents(*events)
	if err != nil {
		return usagef(fs, "-events: %v", err)
	}
	if *count < 0 {
		return usagef(fs, "-n: %d is negative", *count)
	}
	o := options{mask: mask, count: *count, rcvbuf: *rcvbuf, json: *jsonOut}
	return watch(o, stdout, stderr)
}

// usagef prints a usage error the way the flag package does.
func usagef(fs *flag.FlagSet, format string, args ...any) error {
	err := fmt.Errorf(format, args...)
	fmt.Fprintln(fs.Output(), err)
	fs.Usage()
	return usageError{err}
}

// watch opens a connector socket and prints events as o says until
// their count has been printed or a signal arrives.
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

// parseEvents turns "fork,exit" into a filter mask; "" is every event.
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

// eventName is the name of what, as proc.cn spells it.
func eventName(what proc.Event) (string, bool) {
	if what == proc.EventNone {
		return "ack", true
	}
	for _, e := range eventNames {
		if e.ev == what {
			return e.name, true
		}
	}
	return "", false
}
