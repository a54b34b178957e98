package main

import (
	"errors"
	"fmt"
	"io"
	"os"
)

func main() {
	err := run(os.Args[1:], os.Stdout, os.Stderr)
	if err == nil {
		return
	}
	if !errors.Is(err, errReported) {
		fmt.Fprintf(os.Stderr, "cngen: %v\n", err)
	}
	var u usageError
	if errors.As(err, &u) {
		os.Exit(2)
	}
	os.Exit(1)
}

// usageError is a mistake on the command line: exit status 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// errReported means the errors were already written to stderr (schema
// errors, one per line): exit status 1 without a second message.
var errReported = errors.New("errors reported")

const usage = `usage: cngen <command> [flags] FILE.cn...

commands:
  gen       generate Go code (FILE.cn.go beside each schema, or in -o DIR)
  describe  print the checked model: byte layout of every type and family
  check     parse and check schemas only (for CI); prints nothing when clean
  help      print this text

Run 'cngen <command> -h' for the flags of a command.
`

// run is the whole program: it parses args, does the work, and writes to
// stdout and stderr. It never exits.
func run(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return usageError{"no command given"}
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "gen":
		return runGen(rest, stdout, stderr)
	case "describe":
		return runDescribe(rest, stdout, stderr)
	case "check":
		return runCheck(rest, stderr)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return usageError{fmt.Sprintf("unknown command %q", cmd)}
}
