package main

import (
	"fmt"
	"io"
	"path/filepath"

	"github.com/cngen/cngen/gen/md"
)

const docArgs = "[-o DIR | -o -] [-v] FILE.cn|DIR|PATTERN..."

// runDoc writes the Markdown documentation of each schema. Like gen it
// writes a file beside each schema (FILE.cn.md), so that go generate
// keeps it next to the code, or into -o DIR; like gofmt and go doc it
// prints to stdout when asked, with -o -.
func runDoc(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("doc", docArgs, stderr)
	dir := fs.String("o", "", "write FILE.cn.md to `DIR` (default: beside each schema); -o - prints the Markdown to stdout")
	verbose := fs.Bool("v", false, "print the name of every file written")
	paths, help, err := schemaFlags(fs, args)
	if help || err != nil {
		return err
	}
	schemas, errs := loadAll(paths)
	if err := reportErrors(stderr, errs); err != nil {
		return err // nothing is written unless every schema checks
	}
	if *dir == "-" {
		for _, l := range schemas {
			stdout.Write(document(l))
		}
		return nil
	}
	return writeDocs(schemas, *dir, *verbose, stdout)
}

// writeDocs writes the documentation of each schema to its file, leaving
// a file that would not change untouched, and names each one written
// when verbose.
func writeDocs(schemas []loaded, dir string, verbose bool, stdout io.Writer) error {
	outs, err := docFiles(schemas, dir)
	if err != nil {
		return err
	}
	for i, l := range schemas {
		changed, err := writeIfChanged(outs[i], document(l))
		if err != nil {
			return err
		}
		if verbose && changed {
			fmt.Fprintln(stdout, outs[i])
		}
	}
	return nil
}

// document is the Markdown of a schema, naming its file by base name.
func document(l loaded) []byte {
	return md.Generate(l.schema, md.Options{Source: filepath.Base(l.path)})
}

// docFiles is where the documentation of each schema goes: FILE.cn.md
// in dir, or beside the schema. Two schemas that would write one file
// are a usage error, before anything is written.
func docFiles(schemas []loaded, dir string) ([]string, error) {
	var outs []string
	from := map[string]string{}
	for _, l := range schemas {
		d := dir
		if d == "" {
			d = filepath.Dir(l.path)
		}
		out := filepath.Join(d, filepath.Base(l.path)+".md")
		if prev, ok := from[out]; ok {
			return nil, usageError{fmt.Sprintf("%s and %s would both write %s", prev, l.path, out)}
		}
		from[out] = l.path
		outs = append(outs, out)
	}
	return outs, nil
}
