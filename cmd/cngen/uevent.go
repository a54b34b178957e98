package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"syscall"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/cngen/cngen/runtime/uevent"
)

const listenUeventArgs = "[-json] [-n N] [-duration D] [-udev] [-subsystem S]"

// ueventSource is what listen uevent reads: a *uevent.Listener, or a
// fake in tests.
type ueventSource interface {
	Receive() (*uevent.Event, error)
	SetReadDeadline(time.Time) error
	Stats() uevent.Stats
}

// ueventOptions are the flags of listen uevent.
type ueventOptions struct {
	json       bool
	n          int
	duration   time.Duration
	udev       bool
	subsystems []string
	now        func() time.Time // the clock of the time column
}

// listenUevent is cngen listen uevent: it prints the kernel's uevents
// (and with -udev udev's) as they come, until -n events, -duration,
// SIGINT or SIGTERM, and then a summary of what it received to stderr.
func listenUevent(args []string, stdout, stderr io.Writer) error {
	o, help, err := ueventFlags(args, stderr)
	if help || err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	l, err := listenForced(o.config())
	if err != nil {
		return err
	}
	defer l.Close()
	return o.listen(ctx, l, stdout, stderr)
}

// ueventFlags parses the flags of listen uevent.
func ueventFlags(args []string, stderr io.Writer) (o *ueventOptions, help bool, err error) {
	fs := newFlags("listen uevent", listenUeventArgs, stderr)
	o = &ueventOptions{now: time.Now}
	fs.BoolVar(&o.json, "json", false, "print JSON lines: time, source, action, devpath, subsystem, seqnum and env")
	fs.IntVar(&o.n, "n", 0, "exit after printing `N` events (0: no limit)")
	fs.DurationVar(&o.duration, "duration", 0, "exit after `D`, such as 30s (0: no limit)")
	fs.BoolVar(&o.udev, "udev", false, "also print udev's re-broadcasts of events, once its rules ran (group 2)")
	fs.Func("subsystem", "print only the events of subsystem `S` (repeat for more)", func(s string) error {
		if s == "" {
			return errors.New("empty subsystem")
		}
		o.subsystems = append(o.subsystems, s)
		return nil
	})
	if help, err := parseFlags(fs, args); help || err != nil {
		return nil, help, err
	}
	var msg string
	switch {
	case fs.NArg() > 0:
		msg = fmt.Sprintf("listen uevent takes flags only, not %q", fs.Arg(0))
	case o.n < 0:
		msg = "-n must not be negative"
	case o.duration < 0:
		msg = "-duration must not be negative"
	default:
		return o, false, nil
	}
	fs.Usage()
	return nil, false, usageError{msg}
}

// ueventReadBuffer is the receive buffer listen uevent asks for: a burst
// of uevents (udevadm trigger, a hub plugged in) overruns the default
// one, which is why udevadm monitor asks for 128 MiB.
const ueventReadBuffer = 8 << 20

// config is the Listener's configuration.
func (o *ueventOptions) config() *uevent.Config {
	cfg := &uevent.Config{Sources: uevent.SourceKernel, ReadBuffer: ueventReadBuffer, ForceReadBuffer: true}
	if o.udev {
		cfg.Sources |= uevent.SourceUdev
	}
	return cfg
}

// listenForced listens with cfg, and if the system refuses to force the
// buffer's size (SO_RCVBUFFORCE needs CAP_NET_ADMIN), with the size it
// allows (SO_RCVBUF, capped at net.core.rmem_max).
func listenForced(cfg *uevent.Config) (*uevent.Listener, error) {
	l, err := uevent.Listen(cfg)
	if errors.Is(err, os.ErrPermission) && cfg.ForceReadBuffer {
		cfg.ForceReadBuffer = false
		l, err = uevent.Listen(cfg)
	}
	return l, err
}

// listen prints the events of src until -n, -duration or ctx ends it,
// which is a success, or a receive error other than a malformed datagram
// or an overrun (which are reported and survived) does; then it prints
// the summary.
func (o *ueventOptions) listen(ctx context.Context, src ueventSource, stdout, stderr io.Writer) error {
	if o.duration > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, o.duration)
		defer cancel()
	}
	stop := context.AfterFunc(ctx, func() { src.SetReadDeadline(time.Unix(1, 0)) })
	defer stop()
	defer func() { printSummary(stderr, src.Stats()) }()
	var line []byte
	for shown := 0; o.n == 0 || shown < o.n; {
		e, err := src.Receive()
		switch {
		case ctx.Err() != nil:
			return nil
		case errors.Is(err, uevent.ErrMalformed), errors.Is(err, uevent.ErrOverrun):
			fmt.Fprintf(stderr, "cngen: listen uevent: %v\n", err)
			continue
		case err != nil:
			return err
		case !o.shows(e):
			continue
		}
		line = o.format(line[:0], e, o.now())
		if _, err := stdout.Write(line); err != nil {
			return err
		}
		shown++
	}
	return nil
}

// shows reports whether e passes -subsystem.
func (o *ueventOptions) shows(e *uevent.Event) bool {
	return len(o.subsystems) == 0 || slices.Contains(o.subsystems, e.Subsystem)
}

func printSummary(w io.Writer, s uevent.Stats) {
	fmt.Fprintf(w, "cngen: listen uevent: %d received, %d decoded, %d malformed, %d forged, %d overruns\n",
		s.Received, s.Decoded, s.Malformed, s.Forged, s.Overruns)
}

// format appends e's line, received at t, to b.
func (o *ueventOptions) format(b []byte, e *uevent.Event, t time.Time) []byte {
	if o.json {
		return appendEventJSON(b, e, t)
	}
	return appendEventText(b, e, t)
}

// appendEventText appends the text line of e: time, source, action,
// devpath, subsystem, seqnum, then the KEY=VALUE strings but those four
// keys. A field that is empty or holds a space, a quote, a backslash or
// anything unprintable is quoted as a Go string, so that a line always
// splits on its spaces.
func appendEventText(b []byte, e *uevent.Event, t time.Time) []byte {
	b = t.AppendFormat(b, textTime)
	b = append(b, ' ', ' ')
	b = append(b, e.Source.String()...)
	for _, s := range []string{e.Action, e.DevPath, e.Subsystem} {
		b = appendTextField(append(b, ' '), s)
	}
	b = strconv.AppendUint(append(b, ' '), e.Seqnum, 10)
	for _, v := range e.Env {
		switch v.Key {
		case "ACTION", "DEVPATH", "SUBSYSTEM", "SEQNUM":
			continue
		}
		b = appendTextField(append(b, ' '), v.Key)
		b = append(b, '=')
		if v.Value != "" {
			b = appendTextField(b, v.Value)
		}
	}
	return append(b, '\n')
}

func appendTextField(b []byte, s string) []byte {
	if s == "" {
		return append(b, `""`...)
	}
	for _, r := range s {
		if r == ' ' || r == '"' || r == '\\' || r == utf8.RuneError || !unicode.IsPrint(r) {
			return strconv.AppendQuote(b, s)
		}
	}
	return append(b, s...)
}

// appendEventJSON appends the JSON line of e. The env object holds every
// key once, with its last value, as Event.Get gives it, in the order of
// those last values.
func appendEventJSON(b []byte, e *uevent.Event, t time.Time) []byte {
	b = append(b, `{"time":"`...)
	b = t.AppendFormat(b, jsonTime)
	b = append(b, `","source":`...)
	b = appendJSONString(b, e.Source.String())
	b = appendJSONString(append(b, `,"action":`...), e.Action)
	b = appendJSONString(append(b, `,"devpath":`...), e.DevPath)
	b = appendJSONString(append(b, `,"subsystem":`...), e.Subsystem)
	b = strconv.AppendUint(append(b, `,"seqnum":`...), e.Seqnum, 10)
	b = append(b, `,"env":{`...)
	first := true
	for i, v := range e.Env {
		if slices.ContainsFunc(e.Env[i+1:], func(w uevent.Var) bool { return w.Key == v.Key }) {
			continue // a later value wins
		}
		if !first {
			b = append(b, ',')
		}
		first = false
		b = appendJSONString(b, v.Key)
		b = appendJSONString(append(b, ':'), v.Value)
	}
	return append(b, "}}\n"...)
}

// appendJSONString appends s as a JSON string, as encoding/json writes
// it but without HTML escapes: invalid UTF-8 becomes U+FFFD.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c >= utf8.RuneSelf:
			r, n := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && n == 1 {
				b = append(b, `\ufffd`...)
			} else {
				b = append(b, s[i:i+n]...)
			}
			i += n
			continue
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c == '\n':
			b = append(b, `\n`...)
		case c == '\t':
			b = append(b, `\t`...)
		case c < 0x20:
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		default:
			b = append(b, c)
		}
		i++
	}
	return append(b, '"')
}
