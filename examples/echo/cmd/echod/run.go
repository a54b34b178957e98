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
	fs := flag.NewFlagSet("echod", flag.ContinueOnError)
	fs.SetOutput(stderr)
	protoName := fs.String("proto", "usersock", "netlink `protocol`: usersock or connector")
	port := fs.Uint("port", uint(echo.DefaultPort), "netlink `port` to bind; 0 lets the kernel pick")
	interval := fs.Duration("interval", time.Second, "time between ticks")
	verbose := fs.Bool("v", false, "print each ping answered")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: echod [-proto usersock|connector] [-port N] [-interval d] [-v]")
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
	case *interval <= 0:
		return usagef(fs, "-interval: %v is not positive", *interval)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	c, err := cn.Dial(&cn.Config{Protocol: proto, Port: uint32(*port)})
	if errors.Is(err, syscall.EADDRINUSE) {
		return fmt.Errorf("port %d is taken: is another echod running? (%w)", *port, err)
	}
	if err != nil {
		return err
	}
	defer c.Close()
	fmt.Fprintf(stdout, "echod: port %d (%s), pid %d, ticks to group %d every %v\n",
		c.Port(), *protoName, os.Getpid(), echo.EchoGroup, *interval)
	s := &server{start: time.Now(), pid: int32(os.Getpid()), interval: *interval, stderr: stderr}
	if *verbose {
		s.log = stdout
	}
	return s.serve(ctx, c)
}

// usagef prints a usage error the way the flag package does.
func usagef(fs *flag.FlagSet, format string, args ...any) error {
	err := fmt.Errorf(format, args...)
	fmt.Fprintln(fs.Output(), err)
	fs.Usage()
	return usageError{err}
}
