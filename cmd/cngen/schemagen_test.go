package main

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/cngen/cngen/dsl/check"
	"github.com/cngen/cngen/dsl/model"
	"github.com/cngen/cngen/gen"
)

// randomSchema writes a schema from a seed: declarations of every kind,
// whose names come from a small pool built to collide once they are Go
// names (id and i_d, a and a_, size, string, type), and whose types refer
// to what came before, so that many of them check and some do not. It is
// the structure-aware half of fuzzing schemas: a byte fuzzer rarely gets
// past the parser.
func randomSchema(seed uint64) string {
	r := rand.New(rand.NewPCG(seed, seed>>32|1))
	g := &schemaGen{r: r}
	g.line("package %s", g.pick("p", "p", "p", "type", "q"))
	for range 1 + r.IntN(8) {
		switch r.IntN(5) {
		case 0:
			g.enum()
		case 1, 2:
			g.strct()
		case 3:
			g.union()
		default:
			g.line("const %s = %d", g.name(), r.IntN(100))
		}
	}
	if r.IntN(2) == 0 {
		g.family()
	}
	return g.b.String()
}

type schemaGen struct {
	r      *rand.Rand
	b      strings.Builder
	types  []string // declared structs and unions
	enums  []string
	n      int
	values map[string][]string // enum → its value names
	unions map[string]string   // switch union → its selector enum
}

var namePool = []string{"a", "a_", "b", "id", "i_d", "size", "string", "msg", "x", "kind", "decode", "color", "color_red", "red"}

func (g *schemaGen) line(format string, args ...any) { fmt.Fprintf(&g.b, format+"\n", args...) }

func (g *schemaGen) pick(s ...string) string { return s[g.r.IntN(len(s))] }

// name is a fresh name, or from the pool.
func (g *schemaGen) name() string {
	g.n++
	if g.r.IntN(3) == 0 {
		return namePool[g.r.IntN(len(namePool))]
	}
	return fmt.Sprintf("n%d", g.n)
}

func (g *schemaGen) enum() {
	name := g.name()
	kw := g.pick("enum", "flags")
	var vals []string
	var entries []string
	for i := range 1 + g.r.IntN(4) {
		v := g.name()
		vals = append(vals, v)
		entries = append(entries, fmt.Sprintf("%s = %d", v, i+g.r.IntN(2)))
	}
	g.line("%s %s : %s { %s }", kw, name, g.pick("u8", "u16", "i32", "u32be"), strings.Join(entries, "  "))
	g.enums = append(g.enums, name)
	if g.values == nil {
		g.values = map[string][]string{}
	}
	g.values[name] = vals
}

// typ is a field type; fields are the fields declared so far.
func (g *schemaGen) typ(fields []string) string {
	switch g.r.IntN(12) {
	case 0:
		return fmt.Sprintf("[%d]%s", 1+g.r.IntN(3), g.pick("u8", "u16", "i64"))
	case 1:
		return fmt.Sprintf("cstring[%d]", 1+g.r.IntN(8))
	case 2:
		if len(fields) > 0 {
			return fmt.Sprintf("%s[%s]", g.pick("bytes", "string"), fields[g.r.IntN(len(fields))])
		}
	case 3:
		if len(g.types) > 0 {
			return g.types[g.r.IntN(len(g.types))]
		}
	case 4:
		if len(g.enums) > 0 {
			return g.enums[g.r.IntN(len(g.enums))]
		}
	case 5:
		return fmt.Sprintf("pad %d", 1+g.r.IntN(3))
	case 6:
		if len(g.types) > 0 {
			return "[]" + g.types[g.r.IntN(len(g.types))]
		}
	}
	return g.pick("u8", "u16", "u32", "u64", "i8", "i32", "bool", "u16be", "u64le")
}

func (g *schemaGen) strct() {
	name := g.name()
	var fields, decls []string
	for range g.r.IntN(5) {
		f := g.name()
		t := g.typ(fields)
		for u, sel := range g.unions {
			if g.r.IntN(3) == 0 {
				// A selector field, then the union it picks.
				decls = append(decls, fmt.Sprintf("%s %s", f+"_k", sel), fmt.Sprintf("%s %s(%s)", f, u, f+"_k"))
				t = ""
				break
			}
		}
		if t != "" {
			attr := ""
			if g.r.IntN(8) == 0 {
				attr = " align(8)"
			}
			decls = append(decls, f+" "+t+attr)
		}
		fields = append(fields, f)
	}
	packed := ""
	if g.r.IntN(6) == 0 {
		packed = " packed"
	}
	g.line("struct %s%s { %s }", name, packed, strings.Join(decls, "  "))
	g.types = append(g.types, name)
}

func (g *schemaGen) union() {
	name := g.name()
	if len(g.enums) == 0 || g.r.IntN(2) == 0 {
		g.line("union %s { %s %s  %s %s }", name, g.name(), g.pick("u32", "[8]u8"), g.name(), g.pick("u16", "i64"))
		g.types = append(g.types, name)
		return
	}
	sel := g.enums[g.r.IntN(len(g.enums))]
	var arms []string
	for _, v := range g.values[sel] {
		if g.r.IntN(3) > 0 {
			arms = append(arms, fmt.Sprintf("%s => %s", v, g.pick("u32", "struct { a u8  b u16 }", "cstring[4]")))
		}
	}
	if g.r.IntN(2) == 0 {
		arms = append(arms, "default => bytes")
	}
	g.line("union %s switch %s { %s }", name, sel, strings.Join(arms, "  "))
	if g.unions == nil {
		g.unions = map[string]string{}
	}
	g.unions[name] = sel
}

func (g *schemaGen) family() {
	g.line("family %s idx %s {", g.name(), g.pick("1", "20", "0x300"))
	g.line("    sender %s", g.pick("any", "kernel"))
	for i := range g.r.IntN(4) {
		t := g.pick("u32", "string", "bytes")
		if len(g.types) > 0 && g.r.IntN(2) == 0 {
			t = g.types[g.r.IntN(len(g.types))]
		}
		switch g.r.IntN(3) {
		case 0:
			g.line("    send %s val %d %s", g.name(), i+1, t)
		case 1:
			g.line("    event %s val %d %s", g.name(), i+1, t)
		default:
			g.line("    call %s val %d %s -> %s", g.name(), i+1, t, g.pick("u8", "string", t))
		}
	}
	g.line("}")
}

// FuzzCheckGen holds check and gen to one answer on random schemas: when
// the language and the Go back end accept a schema, it generates, and the
// output is formatted Go (go build runs over a sample of them in
// TestCheckGenBuildAgree).
func FuzzCheckGen(f *testing.F) {
	for seed := range uint64(20) {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, seed uint64) {
		src := randomSchema(seed)
		s, err := check.Load("r.cn", []byte(src))
		if err != nil {
			return
		}
		checkErr := gen.Check([]*model.Schema{s}, gen.Options{})
		_, genErr := gen.Generate(s, gen.Options{})
		if (checkErr == nil) != (genErr == nil) {
			t.Fatalf("check says %v, gen says %v, for\n%s", checkErr, genErr, src)
		}
	})
}
