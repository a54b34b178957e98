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
	"github.com/cngen/cngen/dsl/syntax"
)

// newFlags makes a flag set for command name, whose usage line shows
// args, reporting to stderr. It never exits: see parseFlags.
func newFlags(name, args string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: cngen %s %s\n", name, args)
		if c := lookup(name); c != nil {
			fmt.Fprintf(fs.Output(), "\n%s.\n", strings.ToUpper(c.summary[:1])+c.summary[1:])
		}
		var any bool
		fs.VisitAll(func(*flag.Flag) { any = true })
		if any {
			fmt.Fprintf(fs.Output(), "\nflags:\n")
			fs.PrintDefaults()
		}
	}
	return fs
}

// parseFlags parses args. -h prints the command's usage and is not an
// error (help is true); a bad flag prints the usage and is a usage error,
// whose message main prints once.
func parseFlags(fs *flag.FlagSet, args []string) (help bool, err error) {
	out := fs.Output()
	fs.SetOutput(io.Discard) // the flag package's own message would repeat ours
	err = fs.Parse(args)
	fs.SetOutput(out)
	switch {
	case errors.Is(err, flag.ErrHelp):
		fs.Usage()
		return true, nil
	case err != nil:
		fs.Usage()
		return false, usageError{err.Error()}
	}
	return false, nil
}

// schemaFlags parses args and expands the files, directories and
// patterns they end with into the schemas they name.
func schemaFlags(fs *flag.FlagSet, args []string) (paths []string, help bool, err error) {
	if help, err := parseFlags(fs, args); help || err != nil {
		return nil, help, err
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return nil, false, usageError{"no schema given: name .cn files, directories or patterns such as ./..."}
	}
	paths, err = expand(fs.Args())
	return paths, false, err
}

// loaded is a checked schema with the path it came from and its syntax
// tree (for the comments lint reads).
type loaded struct {
	path   string
	schema *model.Schema
	tree   *syntax.File
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
		f, err := syntax.Parse(p, src)
		if err != nil {
			errs = append(errs, schemaErrors(err)...)
			continue
		}
		s, err := check.Check(f)
		if err != nil {
			errs = append(errs, schemaErrors(err)...)
			continue
		}
		errs = append(errs, s.Warnings...)
		out = append(out, loaded{p, s, f})
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

// reportErrors writes errs, errors and warnings, to stderr, one per line, in
// argument order of the files and by position within each, and returns
// errReported when there is an error; warnings alone pass.
func reportErrors(stderr io.Writer, errs source.ErrorList) error {
	if len(errs) == 0 {
		return nil
	}
	fmt.Fprintln(stderr, errs.Error())
	if len(errs.Errors()) > 0 {
		return errReported
	}
	return nil
}

const checkArgs = "[-o DIR] [-pkg NAME] [-kernel-peer] FILE.cn|DIR|PATTERN..."

func runCheck(args []string, _, stderr io.Writer) error {
	fs := newFlags("check", checkArgs, stderr)
	o := outputFlags(fs)
	paths, help, err := schemaFlags(fs, args)
	if help || err != nil {
		return err
	}
	if err := o.validate(); err != nil {
		return err
	}
	schemas, errs := loadAll(paths)
	groups, err := o.plan(schemas)
	if err != nil {
		return err
	}
	for _, g := range groups {
		errs = append(errs, schemaErrors(g.check())...)
	}
	return reportErrors(stderr, errs)
}
