package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/cngen/cngen/dsl/check"
	"github.com/cngen/cngen/dsl/model"
	"github.com/cngen/cngen/dsl/source"
)

// newFlags makes a flag set that reports to stderr and never exits.
func newFlags(name, args string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: cngen %s %s\n", name, args)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses and turns flag errors into usage errors; -h is not an
// error.
func parseFlags(fs *flag.FlagSet, args []string) (help bool, err error) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return true, nil
		}
		return false, usageError{err.Error()}
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return false, usageError{"no .cn file given"}
	}
	return false, nil
}

// loaded is a checked schema with the path it came from.
type loaded struct {
	path   string
	schema *model.Schema
}

// loadAll reads and checks every file. Schema errors of all files are
// written to stderr, sorted, one per line; then errReported is returned.
func loadAll(paths []string, stderr io.Writer) ([]loaded, error) {
	var out []loaded
	var errs source.ErrorList
	for _, p := range paths {
		if !strings.HasSuffix(p, ".cn") {
			return nil, usageError{fmt.Sprintf("%s: not a .cn file", p)}
		}
		src, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		s, err := check.Load(p, src)
		var list source.ErrorList
		switch {
		case errors.As(err, &list):
			errs = append(errs, list...)
		case err != nil:
			return nil, err
		default:
			out = append(out, loaded{p, s})
		}
	}
	if len(errs) > 0 {
		fmt.Fprintln(stderr, errs.Error()) // per file sorted by position, files in argument order
		return nil, errReported
	}
	return out, nil
}

func runCheck(args []string, stderr io.Writer) error {
	fs := newFlags("check", "FILE.cn...", stderr)
	if help, err := parseFlags(fs, args); help || err != nil {
		return err
	}
	_, err := loadAll(fs.Args(), stderr)
	return err
}
