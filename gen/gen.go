package gen

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"go/format"
	"go/token"
	"math/big"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/cngen/cngen/dsl/model"
	"github.com/cngen/cngen/dsl/source"
	"github.com/cngen/cngen/dsl/wire"
)

// Import paths of the generated code, each with the name it is imported
// under.
const (
	binaryPkg  = "encoding/binary"
	strconvPkg = "strconv"
	cnPkg      = "github.com/cngen/cngen/runtime/cn"
	cnimplPkg  = "github.com/cngen/cngen/runtime/cnimpl"
	contextPkg = "context"
	errorsPkg  = "errors"
)

// Options adjust Generate.
type Options struct {
	// Package is the Go package name; the schema's package clause when
	// empty.
	Package string
	// Source is the file name the header says the code comes from, e.g.
	// "proc.cn"; the base name of the schema's file when empty. Package
	// takes it from each File.
	Source string
	// KernelPeer also generates the kernel's side of a family the kernel
	// serves (sender kernel): the Server of the messages the kernel
	// receives and the Events sender of those it sends, which tests use
	// to stand in for the kernel (cntest's Bus.Kernel). A program talks
	// to the real kernel and needs neither.
	KernelPeer bool
}

// File is one schema of a Go package, and the file name its generated
// code's header names ("proc.cn"; the base name of the schema's file
// when empty).
type File struct {
	Schema *model.Schema
	Source string
}

// gen emits one Go file for one schema.
type gen struct {
	s      *model.Schema
	plan   *wire.Plan
	names  *names
	f      *jen.File
	costs  map[*model.Type]int // see inline.go
	depths map[*model.Type]int
}

// ValidPackage reports whether name can be a Go package name.
func ValidPackage(name string) bool {
	return token.IsIdentifier(name) && !token.IsKeyword(name) && name != "_"
}

// Check runs every rule of the Go back end on schemas that share one Go
// package, without generating anything: Package fails exactly when Check
// does. Errors come back as a source.ErrorList with positions in the
// schemas: a package clause that is not a Go package name, two things
// that end up with one Go name (in one schema or across them).
func Check(schemas []*model.Schema, opt Options) error {
	_, _, err := prepare(schemas, opt)
	return err
}

// Origins maps the Go identifiers that Package generates for schemas from
// schema nodes to those nodes' positions: package-level identifiers by
// their names, members as Type.Member (a field, a union setter, a switch
// case, a client, handler, server or event sender method). Identifiers
// gen adds itself (Size, AppendBinary, Subscribe…) are not in it; their
// type's is. Tools that speak of generated code in schema terms, such as
// a compatibility checker, use it rather than derive the names again.
func Origins(schemas []*model.Schema, opt Options) (map[string]source.Pos, error) {
	_, n, err := prepare(schemas, opt)
	if err != nil {
		return nil, err
	}
	return n.origins, nil
}

// prepare plans the schemas and names everything in them.
func prepare(schemas []*model.Schema, opt Options) ([]*wire.Plan, *names, error) {
	var errs source.ErrorList
	for _, s := range schemas {
		if opt.Package == "" && !ValidPackage(s.Package) {
			errs.Add(s.PackagePos, "package %s: %s", s.Package, packageProblem(s.Package))
		}
	}
	if opt.Package != "" && !ValidPackage(opt.Package) {
		return nil, nil, fmt.Errorf("gen: %q is not a valid Go package name", opt.Package)
	}
	plans := make([]*wire.Plan, len(schemas))
	for i, s := range schemas {
		plans[i] = wire.New(s)
	}
	n, err := newNames(schemas, plans, opt)
	var list source.ErrorList
	if errors.As(err, &list) {
		errs = append(errs, list...)
	}
	if err := errs.Err(); err != nil {
		return nil, nil, err
	}
	return plans, n, nil
}

// packageProblem says why a package clause is not a Go package name.
func packageProblem(name string) string {
	if token.IsKeyword(name) {
		return strconv.Quote(name) + " is a Go keyword, which cannot name a package: rename it, or give gen -pkg"
	}
	return strconv.Quote(name) + " is not a Go package name: rename it, or give gen -pkg"
}

// Generate returns the Go source for s: its constants, one Go type per
// schema type with its codec methods, and its families' ID constants and
// typed glue. The output is gofmt-formatted and the same for the same
// input on every run. Errors (see [Check]) come back as a
// source.ErrorList with positions in the schema.
func Generate(s *model.Schema, opt Options) ([]byte, error) {
	out, err := Package([]File{{Schema: s, Source: opt.Source}}, opt)
	if err != nil {
		return nil, err
	}
	return out[0], nil
}

// Package generates the Go files of schemas that share one Go package,
// one per schema, in order. Names are claimed across all of them, so two
// schemas that declare one Go name are an error naming both, and a
// helper type (CStringN) is declared once, in the first file that uses
// it.
func Package(files []File, opt Options) ([][]byte, error) {
	schemas := make([]*model.Schema, len(files))
	for i, f := range files {
		schemas[i] = f.Schema
	}
	plans, n, err := prepare(schemas, opt)
	if err != nil {
		return nil, err
	}
	var out [][]byte
	for i, f := range files {
		src, err := generate(f, plans[i], n, opt)
		if err != nil {
			return nil, err
		}
		out = append(out, src)
	}
	return out, nil
}

// generate emits one file.
func generate(file File, plan *wire.Plan, n *names, opt Options) ([]byte, error) {
	s := file.Schema
	g := &gen{s: s, plan: plan, names: n, f: jen.NewFile(cmp.Or(opt.Package, s.Package)), costs: map[*model.Type]int{}, depths: map[*model.Type]int{}}
	g.f.NoFormat = true
	g.f.ImportName(binaryPkg, "binary")
	g.f.ImportName(strconvPkg, "strconv")
	g.f.ImportName(cnPkg, "cn")
	g.f.ImportName(cnimplPkg, "cnimpl")
	g.f.ImportName(contextPkg, "context")
	g.f.HeaderComment("Code generated by cngen from " + cmp.Or(file.Source, filepath.Base(s.File)) + ". DO NOT EDIT.")
	for _, line := range s.Doc {
		g.f.PackageComment(commentText(line))
	}
	g.version()
	g.consts()
	for _, t := range s.Types {
		g.declared(t)
	}
	for _, fam := range s.Families {
		g.genFamily(fam)
	}
	g.guards()
	return g.render()
}

// version emits the handshake with the runtime: the file builds only
// against a runtime that supports this version of generated code.
func (g *gen) version() {
	g.f.Comment("The file needs a runtime that supports this version of generated code.")
	g.f.Const().Id("_").Op("=").Qual(cnimplPkg, "GeneratedCodeVersion2")
	g.f.Line()
}

// render formats the file; a failure is a bug in the generator, reported
// with the unformatted source and its line numbers.
func (g *gen) render() ([]byte, error) {
	var buf bytes.Buffer
	if err := g.f.Render(&buf); err != nil {
		return nil, fmt.Errorf("gen: rendering: %w", err)
	}
	out, err := format.Source(buf.Bytes())
	if err != nil {
		return nil, fmt.Errorf("gen: formatting generated code: %w\n%s", err, numbered(buf.Bytes()))
	}
	return out, nil
}

func numbered(src []byte) string {
	var b strings.Builder
	for i, line := range strings.Split(string(src), "\n") {
		fmt.Fprintf(&b, "%5d\t%s\n", i+1, line)
	}
	return b.String()
}

// consts emits the schema's named constants, untyped.
func (g *gen) consts() {
	if len(g.s.Consts) == 0 {
		return
	}
	var defs []jen.Code
	for _, c := range g.s.Consts {
		defs = append(defs, namedDocs(c.Doc, c.Name, g.names.consts[c])...)
		defs = append(defs, jen.Id(g.names.consts[c]).Op("=").Add(intLit(c.Value, false)))
	}
	g.f.Const().Defs(defs...)
}

// guards emits stringer-style compile-time checks: a constant or declared
// size that differs from the schema breaks the build.
func (g *gen) guards() {
	var checks []jen.Code
	check := func(id string, v *big.Int, hex bool) {
		checks = append(checks, jen.Id("_").Op("=").Id("x").Index(jen.Id(id).Op("-").Add(guardLit(v, hex))))
	}
	for _, c := range g.s.Consts {
		check(g.names.consts[c], c.Value, false)
	}
	for _, t := range g.s.Types {
		for _, v := range t.Values {
			check(g.names.values[v], v.Value, t.Kind == model.KindFlags)
		}
		if t.DeclaredSize > 0 {
			check(g.names.sizes[t], big.NewInt(int64(t.DeclaredSize)), false)
		}
	}
	if len(checks) == 0 {
		return
	}
	g.f.Comment("The schema's constants and declared sizes: editing them here or in")
	g.f.Comment("the schema without regenerating breaks the build.")
	g.f.Func().Id("_").Params().Block(append([]jen.Code{
		jen.Var().Id("x").Index(jen.Lit(1)).Struct(),
	}, checks...)...)
}

func guardLit(v *big.Int, hex bool) jen.Code {
	if v.Sign() < 0 {
		return jen.Parens(intLit(v, false))
	}
	return intLit(v, hex)
}

// intLit writes v in hex when it is large or a flag, else in decimal.
func intLit(v *big.Int, hex bool) *jen.Statement {
	if v.Sign() >= 0 && (hex || v.Cmp(big.NewInt(0x100)) >= 0) && v.Sign() != 0 {
		return rawLit("0x" + v.Text(16))
	}
	return rawLit(v.String())
}

// rawLit emits already formatted literal text.
func rawLit(s string) *jen.Statement { return jen.Id(s) }

// docs turns /// lines into comment lines, one Comment per line.
func docs(lines []string) []jen.Code {
	return namedDocs(lines, "", "")
}

// namedDocs is docs for a declaration whose doc starts with its schema
// name: the leading word becomes the Go name, as go doc expects
// ("mcast_op is …" → "McastOp is …").
func namedDocs(lines []string, cnName, goName string) []jen.Code {
	out := make([]jen.Code, 0, len(lines))
	for i, l := range lines {
		if i == 0 && cnName != "" && cnName != goName {
			if rest, ok := strings.CutPrefix(l, cnName); ok && (rest == "" || strings.IndexAny(rest[:1], " ,:;.") == 0) {
				l = goName + rest
			}
		}
		out = append(out, jen.Comment(commentText(l)))
	}
	return out
}

// commentText makes a doc line safe for jen.Comment: the marker is
// written here, so jennifer never reads the text as a comment of its own.
func commentText(line string) string {
	if line == "" {
		return "//"
	}
	return "// " + line
}

// add appends top-level code to the file.
func (g *gen) add(code ...jen.Code) {
	for _, c := range code {
		g.f.Add(c)
	}
}
