package main

import (
	"bytes"
	"cmp"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/cngen/cngen/dsl/model"
	"github.com/cngen/cngen/gen"
)

const genArgs = "[-o DIR] [-pkg NAME] [-kernel-peer] [-stubs] [-v] FILE.cn|DIR|PATTERN..."

func runGen(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("gen", genArgs, stderr)
	o := outputFlags(fs)
	verbose := fs.Bool("v", false, "print the name of every file written")
	stubs := fs.Bool("stubs", false, "also write FILE_handlers.go, a skeleton of the Handler and Server interfaces, unless it exists")
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
	var ready [][]byte
	var written []output
	for _, g := range groups {
		srcs, err := g.generate()
		if err != nil {
			errs = append(errs, schemaErrors(err)...)
			continue
		}
		ready = append(ready, srcs...)
		written = append(written, g.files...)
	}
	if err := reportErrors(stderr, errs); err != nil {
		return err // nothing is written unless every schema generates
	}
	for i, p := range written {
		changed, err := writeIfChanged(p.out, ready[i])
		if err != nil {
			return err
		}
		if *verbose && changed {
			fmt.Fprintln(stdout, p.out)
		}
		if *stubs {
			if err := writeStubs(p, o.options(p.pkg), stdout); err != nil {
				return err
			}
		}
	}
	return nil
}

// outputs are the flags that say where generated code goes and what it
// holds, which gen and check share so that check accepts exactly what
// gen generates.
type outputs struct {
	dir, pkg   string
	kernelPeer bool
}

func outputFlags(fs *flag.FlagSet) *outputs {
	o := &outputs{}
	fs.StringVar(&o.dir, "o", "", "write generated files to `DIR` (default: beside each schema)")
	fs.StringVar(&o.pkg, "pkg", "", "Go package `NAME` (default: the schema's package clause)")
	fs.BoolVar(&o.kernelPeer, "kernel-peer", false, "also generate the kernel's side of families the kernel serves (sender kernel), to stand in for it in tests")
	return o
}

// validate refuses a -pkg that cannot be a Go package name.
func (o *outputs) validate() error {
	if o.pkg != "" && !gen.ValidPackage(o.pkg) {
		return usageError{fmt.Sprintf("-pkg %s: not a valid Go package name", o.pkg)}
	}
	return nil
}

func (o *outputs) options(pkg string) gen.Options {
	return gen.Options{Package: pkg, KernelPeer: o.kernelPeer}
}

// group is the schemas whose Go goes into one package.
type group struct {
	o     *outputs
	pkg   string
	files []output
}

func (g *group) gen() ([]gen.File, []*model.Schema) {
	var files []gen.File
	var schemas []*model.Schema
	for _, f := range g.files {
		files = append(files, gen.File{Schema: f.schema, Source: filepath.Base(f.path)})
		schemas = append(schemas, f.schema)
	}
	return files, schemas
}

// check runs the Go back end's validation on the group.
func (g *group) check() error {
	_, schemas := g.gen()
	return gen.Check(schemas, g.o.options(g.o.pkg))
}

// generate returns the source of each file of the group.
func (g *group) generate() ([][]byte, error) {
	files, _ := g.gen()
	return gen.Package(files, g.o.options(g.o.pkg))
}

// writeStubs writes the handler skeleton of a schema beside its
// generated file, once: an existing file is the user's and is kept.
// It says which happened on stdout.
func writeStubs(p output, opt gen.Options, stdout io.Writer) error {
	path := filepath.Join(filepath.Dir(p.out), gen.StubsFile(p.path))
	if _, err := os.Lstat(path); err == nil {
		fmt.Fprintf(stdout, "kept %s: it exists, and cngen never overwrites it\n", path)
		return nil
	}
	opt.Source = filepath.Base(p.path)
	src, err := gen.GenerateStubs(p.schema, opt)
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

// plan decides every output file and groups the schemas by the package
// they go into, in argument order. It refuses two schemas that would put
// different packages into one directory, or the same file twice.
func (o *outputs) plan(schemas []loaded) ([]*group, error) {
	var groups []*group
	byDir := map[string]*group{}
	files := map[string]string{}
	for _, l := range schemas {
		d := o.dir
		if d == "" {
			d = filepath.Dir(l.path)
		}
		p := output{loaded: l, out: filepath.Join(d, filepath.Base(l.path)+".go"), pkg: cmp.Or(o.pkg, l.schema.Package)}
		if prev, ok := files[p.out]; ok {
			return nil, usageError{fmt.Sprintf("%s and %s would both write %s", prev, l.path, p.out)}
		}
		files[p.out] = l.path
		g, ok := byDir[d]
		switch {
		case !ok:
			g = &group{o: o, pkg: p.pkg}
			byDir[d] = g
			groups = append(groups, g)
		case g.pkg != p.pkg:
			return nil, fmt.Errorf("%s (package %s) and %s (package %s) would share directory %s: use -pkg or -o",
				g.files[0].path, g.pkg, l.path, p.pkg, d)
		}
		g.files = append(g.files, p)
	}
	return groups, nil
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
