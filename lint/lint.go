package lint

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/cngen/cngen/dsl/model"
	"github.com/cngen/cngen/dsl/source"
	"github.com/cngen/cngen/dsl/syntax"
	"github.com/cngen/cngen/dsl/wire"
	"github.com/cngen/cngen/report"
)

// Rule is one lint rule: a stable ID, the severity it reports at unless
// a configuration says otherwise, a one-line summary and a help text
// (the SARIF metadata of the rule).
type Rule struct {
	ID       string
	Severity source.Severity
	Summary  string
	Help     string

	check func(*pass) // nil for the rules about inline ignores
}

// rules are every rule, in the order of docs/lint.md.
var rules = []*Rule{
	namingRule,
	paddingRule,
	packedRule,
	collisionRule,
	singleBitRule,
	reservedIdxRule,
	kernelIdxRule,
	msgSizeRule,
	switchDefaultRule,
	missingDocRule,
	unusedTypeRule,
	u64AlignRule,
	lengthWidthRule,
	kernelStringRule,
	badIgnoreRule,
	unusedIgnoreRule,
}

// Rules returns every rule, in the order docs/lint.md documents them.
func Rules() []Rule {
	out := make([]Rule, len(rules))
	for i, r := range rules {
		out[i] = *r
	}
	return out
}

// lookup returns the rule with the given ID, or nil.
func lookup(id string) *Rule {
	for _, r := range rules {
		if r.ID == id {
			return r
		}
	}
	return nil
}

// Lint runs the rules that cfg enables for the schema s, which was
// checked from f, and returns what they find at the severities cfg
// gives, less what the inline ignores of f silence, sorted by position.
// A nil cfg is the defaults; a nil f has no inline ignores. Whether cfg
// excludes the schema is the caller's to ask ([Config.Excluded]).
func Lint(f *syntax.File, s *model.Schema, cfg *Config) []report.Finding {
	set := cfg.settings(s.File)
	p := &pass{schema: s, plan: wire.New(s)}
	var found []report.Finding
	for _, r := range rules {
		sev, on := set.severity(r)
		if !on || r.check == nil {
			continue
		}
		p.found = nil
		r.check(p)
		for _, fd := range p.found {
			fd.Rule, fd.Severity = r.ID, sev
			found = append(found, fd)
		}
	}
	if f != nil {
		found = applyIgnores(f, found, set)
	}
	sortFindings(found)
	return found
}

// sortFindings orders findings by position, then rule and message.
func sortFindings(fs []report.Finding) {
	slices.SortStableFunc(fs, func(a, b report.Finding) int {
		return cmp.Or(source.Compare(a.Pos, b.Pos), cmp.Compare(a.Rule, b.Rule), cmp.Compare(a.Message, b.Message))
	})
}

// pass is what a rule's check reads, and where it reports.
type pass struct {
	schema *model.Schema
	plan   *wire.Plan
	found  []report.Finding
}

// report records a finding of the running rule at pos. Messages never
// hold line numbers: the baseline keys findings by their message.
func (p *pass) report(pos source.Pos, format string, args ...any) {
	p.found = append(p.found, report.Finding{Pos: pos, Message: fmt.Sprintf(format, args...)})
}

// structs returns the layouts of the schema's structs, declared and
// inline in switch unions, in declaration order; payload wrappers, which
// the plan makes for messages, are left out.
func (p *pass) structs() []*wire.Layout {
	var out []*wire.Layout
	for _, l := range p.plan.Layouts() {
		if !l.Payload && l.Type.Kind == model.KindStruct {
			out = append(out, l)
		}
	}
	return out
}

// what names a layout in messages: "struct tick", "struct event_data.none".
func what(l *wire.Layout) string {
	kind := "struct"
	if l.Type.Packed {
		kind = "packed struct"
	}
	return kind + " " + l.Name
}
