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
	for _, p := range fs.Args() {
		if !strings.HasSuffix(p, ".cn") {
			return false, usageError{fmt.Sprintf("%s: not a .cn file", p)}
		}
	}
	return false, nil
}

// loaded is a checked schema with the path it came from.
type loaded struct {
	path   string
	schema *model.Schema
}

// loadAll reads and checks every file, and returns the schemas that
// check and the errors of all the others, each file's own, and the
// warnings of all: a file that cannot be read is an error at its name, as
// a schema error is at its position, and neither hides the rest.
func loadAll(paths []string) ([]loaded, source.ErrorList) {
	var out []loaded
	var errs source.ErrorList
	for _, p := range paths {
		src, err := os.ReadFile(p)
		if err != nil {
			errs.Add(source.Pos{Filename: p}, "cannot read the schema: %v", unwrapPath(err))
			continue
		}
		s, err := check.Load(p, src)
		if err != nil {
			errs = append(errs, schemaErrors(err)...)
			continue
		}
		errs = append(errs, s.Warnings...)
		out = append(out, loaded{p, s})
	}
	return out, errs
}

// schemaErrors is err as a list of positioned errors; nil for nil.
func schemaErrors(err error) source.ErrorList {
	if err == nil {
		return nil
	}
	var list source.ErrorList
	if errors.As(err, &list) {
		return list
	}
	return source.ErrorList{{Msg: err.Error()}}
}

// unwrapPath drops the path an *os.PathError repeats.
func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// report writes errs, errors and warnings, to stderr, one per line, in
// argument order of the files and by position within each, and returns
// errReported when there is an error; warnings alone pass.
func report(stderr io.Writer, errs source.ErrorList) error {
	if len(errs) == 0 {
		return nil
	}
	fmt.Fprintln(stderr, errs.Error())
	if len(errs.Errors()) > 0 {
		return errReported
	}
	return nil
}

func runCheck(args []string, stderr io.Writer) error {
	fs := newFlags("check", "[-o DIR] [-pkg NAME] [-kernel-peer] FILE.cn...", stderr)
	o := outputFlags(fs)
	if help, err := parseFlags(fs, args); help || err != nil {
		return err
	}
	if err := o.validate(); err != nil {
		return err
	}
	schemas, errs := loadAll(fs.Args())
	groups, err := o.plan(schemas)
	if err != nil {
		return err
	}
	for _, g := range groups {
		errs = append(errs, schemaErrors(g.check())...)
	}
	return report(stderr, errs)
}
