package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/cngen/cngen/examples/echo"
	"github.com/cngen/cngen/runtime/cn"
)

// usageError is a command line that does not parse; its message has
// been printed with the usage.
type usageError struct{ error }

func (e usageError) Unwrap() error { return e.error }

func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("echo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	protoName := fs.String("proto", "usersock", "netlink `protocol`: usersock or connector")
	port := fs.Uint("port", uint(echo.DefaultPort), "the server's netlink `port`")
	count := fs.Int("count", 1, "pings to send")
	payload := fs.String("payload", "hello", "the `text` each ping carries")
	timeout := fs.Duration("timeout", time.Second, "how long to wait for each reply")
	ticks := fs.Int("ticks", 0, "print `N` ticks, then exit")
	follow := fs.Bool("follow", false, "print ticks until interrupted")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: echo [-proto usersock|connector] [-port N] [-count N] [-payload text] [-timeout d] [-ticks N | -follow]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err}
	}
	proto, err := echo.Protocol(*protoName)
	switch {
	case fs.NArg() > 0:
		return usagef(fs, "unexpected argument %q", fs.Arg(0))
	case err != nil:
		return usagef(fs, "-proto: %v", err)
	case *port > 1<<32-1:
		return usagef(fs, "-port: %d is beyond 32 bits", *port)
	case *count < 0:
		return usagef(fs, "-count: %d is negative", *count)
	case *timeout <= 0:
		return usagef(fs, "-timeout: %v is not positive", *timeout)
	case *ticks < 0:
		return usagef(fs, "-ticks: %d is negative", *ticks)
	case *follow && *ticks > 0:
		return usagef(fs, "-ticks and -follow: choose one")
	case len(*payload) > cn.MaxDataLen-4: // the payload follows ping_req.id
		return usagef(fs, "-payload: %d bytes, at most %d", len(*payload), cn.MaxDataLen-4)
	}
	o := options{proto: *protoName, port: uint32(*port), count: *count, payload: *payload, timeout: *timeout, ticks: *ticks}
	if *follow {
		o.ticks = -1
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	c, err := cn.Dial(&cn.Config{Protocol: proto})
	if err != nil {
		return err
	}
	defer c.Close()
	return client(ctx, c, o, stdout, stderr)
}

// usagef prints a usage error the way the flag package does.
func usagef(fs *flag.FlagSet, format string, args ...any) error {
	err := fmt.Errorf(format, args...)
	fmt.Fprintln(fs.Output(), err)
	fs.Usage()
	return usageError{err}
}
