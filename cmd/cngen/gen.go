package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/cngen/cngen/gen"
)

func runGen(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("gen", "[-o DIR] [-pkg NAME] [-stubs] [-v] FILE.cn...", stderr)
	outDir := fs.String("o", "", "write generated files to `DIR` (default: beside each schema)")
	pkg := fs.String("pkg", "", "Go package `NAME` (default: the schema's package clause)")
	verbose := fs.Bool("v", false, "print the name of every file written")
	stubs := fs.Bool("stubs", false, "also write FILE_handlers.go, a skeleton of the Handler and Server interfaces, unless it exists")
	if help, err := parseFlags(fs, args); help || err != nil {
		return err
	}
	schemas, err := loadAll(fs.Args(), stderr)
	if err != nil {
		return err
	}
	plans, err := planOutputs(schemas, *outDir, *pkg)
	if err != nil {
		return err
	}
	for _, p := range plans {
		src, err := gen.Generate(p.schema, gen.Options{Package: p.pkg, Source: filepath.Base(p.path)})
		if err != nil {
			return fmt.Errorf("%s: %w", p.path, err)
		}
		written, err := writeIfChanged(p.out, src)
		if err != nil {
			return err
		}
		if *verbose && written {
			fmt.Fprintln(stdout, p.out)
		}
		if *stubs {
			if err := writeStubs(p, stdout); err != nil {
				return err
			}
		}
	}
	return nil
}

// writeStubs writes the handler skeleton of a schema beside its
// generated file, once: an existing file is the user's and is kept.
// It says which happened on stdout.
func writeStubs(p output, stdout io.Writer) error {
	path := filepath.Join(filepath.Dir(p.out), gen.StubsFile(p.path))
	if _, err := os.Lstat(path); err == nil {
		fmt.Fprintf(stdout, "kept %s: it exists, and cngen never overwrites it\n", path)
		return nil
	}
	src, err := gen.GenerateStubs(p.schema, gen.Options{Package: p.pkg, Source: filepath.Base(p.path)})
	if err != nil {
		return fmt.Errorf("%s: %w", p.path, err)
	}
	if src == nil {
		fmt.Fprintf(stdout, "%s: no family has a Handler or Server to implement: no stubs written\n", p.path)
		return nil
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, fs.ErrExist) {
		fmt.Fprintf(stdout, "kept %s: it exists, and cngen never overwrites it\n", path)
		return nil
	}
	if err != nil {
		return err
	}
	if _, err := f.Write(src); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s\n", path)
	return nil
}

// output is where one schema's Go goes.
type output struct {
	loaded
	out string // the .cn.go file
	pkg string // the Go package name
}

// planOutputs decides every output file and refuses two schemas that would
// put different packages into one directory, or the same file twice.
func planOutputs(schemas []loaded, dir, pkg string) ([]output, error) {
	var plans []output
	pkgOf := map[string]output{} // directory → first schema writing there
	files := map[string]string{}
	for _, l := range schemas {
		d := dir
		if d == "" {
			d = filepath.Dir(l.path)
		}
		p := output{loaded: l, out: filepath.Join(d, filepath.Base(l.path)+".go"), pkg: pkg}
		if p.pkg == "" {
			p.pkg = l.schema.Package
		}
		if prev, ok := files[p.out]; ok {
			return nil, usageError{fmt.Sprintf("%s and %s would both write %s", prev, l.path, p.out)}
		}
		files[p.out] = l.path
		if prev, ok := pkgOf[d]; ok && prev.pkg != p.pkg {
			return nil, fmt.Errorf("%s (package %s) and %s (package %s) would share directory %s: use -pkg or -o",
				prev.path, prev.pkg, l.path, p.pkg, d)
		}
		pkgOf[d] = p
		plans = append(plans, p)
	}
	return plans, nil
}

// writeIfChanged leaves an identical file untouched, so that build tools
// see no change when there is none.
func writeIfChanged(path string, src []byte) (bool, error) {
	if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, src) {
		return false, nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return false, err
	}
	return true, os.WriteFile(path, src, 0o644)
}
