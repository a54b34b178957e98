package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/cngen/cngen/dsl/source"
	"github.com/cngen/cngen/dsl/syntax"
)

const fmtArgs = "[-l] [-d] [-w] FILE.cn|DIR|PATTERN..."

// fmtMode is what fmt does with each schema, as gofmt's flags say: with
// none of them, it prints the formatted text.
type fmtMode struct {
	list, diff, write bool
}

func runFmt(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("fmt", fmtArgs, stderr)
	var m fmtMode
	fs.BoolVar(&m.list, "l", false, "list the files whose layout differs from the canonical one, one a line, instead of printing them")
	fs.BoolVar(&m.diff, "d", false, "print the changes as a unified diff, as diff -u does (patch -p1 applies it), instead of the text")
	fs.BoolVar(&m.write, "w", false, "rewrite the files whose layout differs in place, instead of printing them; others are not touched")
	paths, help, err := schemaFlags(fs, args)
	if help || err != nil {
		return err
	}
	var errs source.ErrorList
	for _, p := range paths {
		errs = append(errs, m.file(p, stdout)...)
	}
	return reportErrors(stderr, errs)
}

// file formats the schema at path and does with it what m says. A file
// that cannot be read, parsed or written is an error at its name or
// position, which leaves the other files to format.
func (m fmtMode) file(path string, stdout io.Writer) source.ErrorList {
	src, out, errs := formatFile(path)
	switch {
	case errs != nil:
		return errs
	case !m.list && !m.diff && !m.write:
		stdout.Write(out)
	case !bytes.Equal(src, out):
		return m.differs(path, src, out, stdout)
	}
	return nil
}

// formatFile reads the schema at path and formats it. Only the syntax
// matters: a schema that does not check is formatted all the same, and
// the warnings of parsing are not fmt's to report.
func formatFile(path string) (src, out []byte, errs source.ErrorList) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, fmtError(path, "cannot read the schema: %v", err)
	}
	f, err := syntax.Parse(path, src)
	if err != nil {
		return nil, nil, schemaErrors(err)
	}
	return src, syntax.Format(f), nil
}

// differs lists, rewrites and diffs, in gofmt's order, a schema whose
// text src differs from its formatted text out.
func (m fmtMode) differs(path string, src, out []byte, stdout io.Writer) source.ErrorList {
	if m.list {
		fmt.Fprintln(stdout, path)
	}
	if m.write {
		if err := rewriteFile(path, out); err != nil {
			return fmtError(path, "cannot rewrite the schema: %v", err)
		}
	}
	if m.diff {
		stdout.Write(unifiedDiff(filepath.ToSlash(path), src, out))
	}
	return nil
}

// fmtError is an error at the name of the file at path: format with err,
// less the path it repeats.
func fmtError(path, format string, err error) source.ErrorList {
	var errs source.ErrorList
	errs.Add(source.Pos{Filename: path}, format, unwrapPath(err))
	return errs
}

// rewriteFile replaces the file at path with src, keeping its permissions.
// It writes a temporary file beside the file (beside its target, for a
// symbolic link) and renames it over the file, so that a failure half
// way, a full disk say, leaves the schema as it was.
func rewriteFile(path string, src []byte) error {
	target, err := filepath.EvalSymlinks(path)
	if err != nil {
		return err
	}
	info, err := os.Stat(target)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(target), "."+filepath.Base(target)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // fails harmlessly once renamed
	if err := writeClose(tmp, src, info.Mode().Perm()); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), target)
}

// writeClose writes src to f, gives it the permissions perm and closes
// it, reporting the first error.
func writeClose(f *os.File, src []byte, perm os.FileMode) error {
	_, err := f.Write(src)
	if err == nil {
		err = f.Chmod(perm)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
