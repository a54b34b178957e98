package lint

import (
	"github.com/cngen/cngen/dsl/model"
	"github.com/cngen/cngen/dsl/source"
)

var switchDefaultRule = &Rule{
	ID:       "switch-default",
	Severity: source.SevWarning,
	Summary:  "A switch union has no default arm.",
	Help: "Without `default =>`, a selector value that has no case is a decode error: a kernel or peer " +
		"that adds a variant makes every older reader drop those messages. `default => bytes` keeps the " +
		"bytes of unknown variants, and lets an enum selector keep its unknown value, so the message " +
		"encodes back unchanged. A union whose selector is closed by design may go without.",
	check: checkSwitchDefault,
}

func checkSwitchDefault(p *pass) {
	for _, t := range p.schema.Types {
		if t.Kind == model.KindSwitch && t.Default == nil {
			p.report(t.Pos, "switch union %s has no default: a value of %s without a case fails to decode; add `default => bytes` to keep unknown variants", t.Name, t.Selector)
		}
	}
}

var unusedTypeRule = &Rule{
	ID:       "unused-type",
	Severity: source.SevWarning,
	Summary:  "A declared type is used by no message, nor by a type that a message uses.",
	Help: "In a file that declares families, the types are there for their messages; one that no message " +
		"reaches is left over from an edit or misses its message. The rule does not apply to a file " +
		"without families, whose types are all it provides (for the generic codec or Go code). Types " +
		"used only by other unused types are unused too.",
	check: checkUnusedTypes,
}

func checkUnusedTypes(p *pass) {
	s := p.schema
	if len(s.Families) == 0 {
		return
	}
	used := map[*model.Type]bool{}
	for _, f := range s.Families {
		for _, m := range f.Messages {
			reach(m.Type, used)
			if m.Reply != nil {
				reach(m.Reply, used)
			}
		}
	}
	for _, t := range s.Types {
		if !used[t] {
			p.report(t.Pos, "%s %s is used by no message of the file", typeWord(t), t.Name)
		}
	}
}

// reach marks t and every type inside it.
func reach(t *model.Type, used map[*model.Type]bool) {
	if t == nil || used[t] {
		return
	}
	used[t] = true
	for _, f := range t.Fields {
		reach(f.Type, used)
	}
	for _, v := range variants(t) {
		reach(v.Type, used)
	}
	reach(t.Elem, used)
	reach(t.Selector, used)
}
