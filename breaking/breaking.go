package breaking

import (
	"cmp"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/cngen/cngen/dsl/model"
	"github.com/cngen/cngen/dsl/source"
	"github.com/cngen/cngen/dsl/wire"
	"github.com/cngen/cngen/report"
)

// The categories of findings, as report.Finding.Rule holds them.
const (
	Wire = "WIRE" // the bytes of a message, or where and how it travels
	API  = "API"  // the Go declarations cngen gen generates
)

// Compare reports what changes from the schemas old to the schemas new:
// findings of category Wire and API, sorted by position, errors for what
// breaks and warnings for what a reader of the other version sees
// differently without breaking. Positions are in the new schemas, or in
// the old ones for what was removed. The error is that of generating
// either version's Go (see [gen.Check]), with positions in its schemas.
func Compare(old, new []*model.Schema) ([]report.Finding, error) {
	c := &comparer{enums: map[[2]*model.Type]bool{}}
	m := match(old, new)
	for _, s := range m.removed {
		c.schemaRemoved(s)
	}
	for _, p := range m.pairs {
		c.schema(p)
	}
	if err := c.api(old, new, m.pairs); err != nil {
		return nil, err
	}
	return sorted(c.findings), nil
}

// comparer collects the findings of one comparison.
type comparer struct {
	findings []report.Finding
	enums    map[[2]*model.Type]bool // enum and flags pairs whose values are compared
}

func (c *comparer) add(rule string, sev source.Severity, pos model.Pos, format string, args ...any) {
	c.findings = append(c.findings, report.Finding{Pos: pos, Rule: rule, Severity: sev, Message: fmt.Sprintf(format, args...)})
}

func (c *comparer) wireErr(pos model.Pos, format string, args ...any) {
	c.add(Wire, source.SevError, pos, format, args...)
}

func (c *comparer) wireWarn(pos model.Pos, format string, args ...any) {
	c.add(Wire, source.SevWarning, pos, format, args...)
}

func (c *comparer) apiErr(pos model.Pos, format string, args ...any) {
	c.add(API, source.SevError, pos, format, args...)
}

func (c *comparer) apiWarn(pos model.Pos, format string, args ...any) {
	c.add(API, source.SevWarning, pos, format, args...)
}

// sorted orders findings by position, then category and message, without
// repeats: a type that several messages carry is walked once for each,
// and says the same each time.
func sorted(fs []report.Finding) []report.Finding {
	slices.SortStableFunc(fs, func(a, b report.Finding) int {
		return cmp.Or(source.Compare(a.Pos, b.Pos), cmp.Compare(a.Rule, b.Rule), cmp.Compare(a.Message, b.Message),
			cmp.Compare(a.Severity, b.Severity))
	})
	return slices.Compact(fs)
}

// pair is a schema in its old and its new version, with their plans.
type pair struct {
	old, new         *model.Schema
	oldPlan, newPlan *wire.Plan
}

// matching is how the schemas of two versions correspond.
type matching struct {
	pairs   []*pair         // in the order of the new schemas
	removed []*model.Schema // old schemas with no new counterpart
}

// match pairs old and new schemas: by package clause and file base name,
// then the one left of each in a package clause, then the one left of
// each overall. Among several candidates, the old schema whose path ends
// like the new one's wins (golden/echo/echo.cn and examples/echo/echo.cn
// share package and file name).
func match(old, new []*model.Schema) matching {
	m := &matcher{paired: map[*model.Schema]*model.Schema{}, used: map[*model.Schema]bool{}}
	m.pass(old, new, func(s *model.Schema) string { return s.Package + "\x00" + filepath.Base(s.File) }, false)
	m.pass(old, new, func(s *model.Schema) string { return s.Package }, true)
	m.pass(old, new, func(*model.Schema) string { return "" }, true)
	var out matching
	for _, n := range new {
		if o := m.paired[n]; o != nil {
			out.pairs = append(out.pairs, &pair{old: o, new: n, oldPlan: wire.New(o), newPlan: wire.New(n)})
		}
	}
	for _, o := range old {
		if !m.used[o] {
			out.removed = append(out.removed, o)
		}
	}
	return out
}

// matcher is the state of match: the old schema of each new one paired.
type matcher struct {
	paired map[*model.Schema]*model.Schema // new → old
	used   map[*model.Schema]bool          // old schemas paired
}

// pass pairs the schemas left unpaired that share a key; alone asks for
// exactly one of each with the key.
func (m *matcher) pass(old, new []*model.Schema, key func(*model.Schema) string, alone bool) {
	olds, news := map[string][]*model.Schema{}, map[string][]*model.Schema{}
	for _, o := range old {
		if !m.used[o] {
			olds[key(o)] = append(olds[key(o)], o)
		}
	}
	for _, n := range new {
		if m.paired[n] == nil {
			news[key(n)] = append(news[key(n)], n)
		}
	}
	for k, ns := range news { // keys are disjoint: their order does not matter
		if os := olds[k]; !alone || len(os) == 1 && len(ns) == 1 {
			m.link(os, ns)
		}
	}
}

// link pairs candidates best first: the pairs whose paths share the
// longest ending, then in the order of the new schemas.
func (m *matcher) link(olds, news []*model.Schema) {
	type candidate struct {
		o, n  *model.Schema
		score int
	}
	var cs []candidate
	for _, n := range news {
		for _, o := range olds {
			cs = append(cs, candidate{o, n, commonSuffix(o.File, n.File)})
		}
	}
	slices.SortStableFunc(cs, func(a, b candidate) int { return cmp.Compare(b.score, a.score) })
	for _, c := range cs {
		if m.paired[c.n] == nil && !m.used[c.o] {
			m.paired[c.n], m.used[c.o] = c.o, true
		}
	}
}

// commonSuffix counts the path elements a and b end with alike. A git
// revision prefix (HEAD~1:dir/x.cn) counts as an element of its own.
func commonSuffix(a, b string) int {
	split := func(p string) []string {
		return strings.FieldsFunc(filepath.ToSlash(p), func(r rune) bool { return r == '/' || r == ':' })
	}
	as, bs := split(a), split(b)
	n := 0
	for n < len(as) && n < len(bs) && as[len(as)-1-n] == bs[len(bs)-1-n] {
		n++
	}
	return n
}

// schemaRemoved reports an old schema that no new one replaces.
func (c *comparer) schemaRemoved(s *model.Schema) {
	rule := API
	if len(s.Families) > 0 {
		rule = Wire
	}
	c.add(rule, source.SevError, s.PackagePos, "schema %s (package %s) removed: no new schema replaces it, so its families and Go declarations are gone",
		filepath.Base(s.File), s.Package)
}

// schema compares the families of a pair and the types no message
// carries.
func (c *comparer) schema(p *pair) {
	if p.old.Package != p.new.Package {
		c.apiErr(p.new.PackagePos, "package clause changed from %s to %s: code that imports the generated package refers to it by the old name",
			p.old.Package, p.new.Package)
	}
	w := &walk{c: c, old: p.oldPlan, new: p.newPlan}
	c.families(w, p.old.Families, p.new.Families)
	w.standalone()
}
