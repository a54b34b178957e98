package lint

import (
	"regexp"
	"strings"
	"unicode"

	"github.com/cngen/cngen/dsl/model"
	"github.com/cngen/cngen/dsl/source"
	"github.com/cngen/cngen/dsl/wire"
)

var namingRule = &Rule{
	ID:       "naming",
	Severity: source.SevError,
	Summary:  "Types, fields, enum and flags entries, families and messages are snake_case; constants snake_case or UPPER_SNAKE.",
	Help: "Names are written as the C headers of the kernel write them (parent_pid, proc_event), and every " +
		"generated name derives from them: Go turns parent_pid into ParentPID, so FooBar or fooBar " +
		"spell differently in Go and C than the schema suggests. snake_case is lower-case letters and " +
		"digits in words joined by single underscores, starting with a letter. Constants may also be " +
		"UPPER_SNAKE, as C macros are.",
	check: checkNaming,
}

var (
	snakeCase = regexp.MustCompile(`^[a-z][a-z0-9]*(_[a-z0-9]+)*$`)
	upperCase = regexp.MustCompile(`^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$`)
)

func checkNaming(p *pass) {
	s := p.schema
	for _, c := range s.Consts {
		if !snakeCase.MatchString(c.Name) && !upperCase.MatchString(c.Name) {
			p.report(c.Pos, "constant %s is neither snake_case nor UPPER_SNAKE%s", c.Name, suggest(strings.ToUpper(snake(c.Name)), upperCase))
		}
	}
	for _, t := range s.Types {
		p.name(t.Pos, typeWord(t)+" "+t.Name, t.Name)
		for _, v := range t.Values {
			p.name(v.Pos, "entry "+t.Name+"."+v.Name, v.Name)
		}
	}
	for _, l := range p.plan.Layouts() {
		if !l.Payload && l.Type.Kind != model.KindSwitch {
			p.fieldNames(l)
		}
	}
	for _, f := range s.Families {
		p.name(f.Pos, "family "+f.Name, f.Name)
		for _, m := range f.Messages {
			p.name(m.Pos, "message "+m.Name, m.Name)
		}
	}
}

func (p *pass) fieldNames(l *wire.Layout) {
	for _, f := range l.Fields {
		p.name(f.Model.Pos, "field "+l.Name+"."+f.Name, f.Name)
	}
}

// typeWord is how messages call a declared type's kind.
func typeWord(t *model.Type) string {
	if t.Kind == model.KindSwitch {
		return "switch union"
	}
	return t.Kind.String()
}

// name reports name, called what in the message, unless it is
// snake_case.
func (p *pass) name(pos source.Pos, what, name string) {
	if !snakeCase.MatchString(name) {
		p.report(pos, "%s is not snake_case%s", what, suggest(snake(name), snakeCase))
	}
}

// suggest is a hint that names the fixed spelling, when it is valid.
func suggest(fixed string, valid *regexp.Regexp) string {
	if !valid.MatchString(fixed) {
		return ""
	}
	return ": write " + fixed
}

// snake spells name in snake_case: words split at case changes and
// underscores, lower-cased, joined by single underscores
// (PingReply → ping_reply, HTTPServer → http_server, a__b_ → a_b).
func snake(name string) string {
	var words []string
	var cur []rune
	rs := []rune(name)
	flush := func() {
		if len(cur) > 0 {
			words = append(words, strings.ToLower(string(cur)))
			cur = nil
		}
	}
	for i, r := range rs {
		switch {
		case r == '_':
			flush()
			continue
		case unicode.IsUpper(r) && i > 0 && wordBreak(rs, i):
			flush()
		}
		cur = append(cur, r)
	}
	flush()
	return strings.Join(words, "_")
}

// wordBreak reports whether the upper-case rune at i starts a word: after
// a lower-case letter or digit, or as the last capital of an acronym
// followed by a lower-case letter (the S of HTTPServer).
func wordBreak(rs []rune, i int) bool {
	prev := rs[i-1]
	if unicode.IsLower(prev) || unicode.IsDigit(prev) {
		return true
	}
	return unicode.IsUpper(prev) && i+1 < len(rs) && unicode.IsLower(rs[i+1])
}
