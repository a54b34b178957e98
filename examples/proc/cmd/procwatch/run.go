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
	return watch(mask, *count, *rcvbuf, printer{w: stdout, json: *jsonOut}, stderr)
}

// usagef prints a usage error the way the flag package does.
func usagef(fs *flag.FlagSet, format string, args ...any) error {
	err := fmt.Errorf(format, args...)
	fmt.Fprintln(fs.Output(), err)
	fs.Usage()
	return usageError{err}
}

// watch subscribes and prints events until count process events (0: no
// limit) have been printed or a signal arrives.
func watch(mask proc.Event, count, rcvbuf int, p printer, stderr io.Writer) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	l, err := proc.Listen(mask)
	if err != nil {
		return err
	}
	defer l.Close()
	go func() {
		<-ctx.Done() // a signal, or watch returning
		l.Close()    // unsubscribes, and wakes Next
	}()
	if rcvbuf > 0 {
		if err := l.SetReadBuffer(rcvbuf); err != nil {
			return err
		}
	}
	var ev proc.ProcEvent
	for seen := 0; count == 0 || seen < count; {
		err := l.Next(&ev)
		switch {
		case ctx.Err() != nil:
			return nil // signalled; Close has sent IGNORE
		case errors.Is(err, proc.ErrOverrun), errors.Is(err, proc.ErrMalformed):
			fmt.Fprintf(stderr, "procwatch: %v\n", err)
			continue
		case err != nil:
			return err
		}
		if err := p.print(&ev); err != nil {
			return err
		}
		if ev.What != proc.EventNone {
			seen++
		}
	}
	return l.Close()
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
