package lint

import (
	"fmt"
	"strings"

	"github.com/cngen/cngen/dsl/source"
	"github.com/cngen/cngen/dsl/syntax"
	"github.com/cngen/cngen/report"
)

// The marker of an inline ignore: `// cngen:lint-ignore RULE[,RULE] reason`.
const ignoreMarker = "cngen:lint-ignore"

var badIgnoreRule = &Rule{
	ID:       "bad-ignore",
	Severity: source.SevError,
	Summary:  "A cngen:lint-ignore comment has no reason, or names no rule that can be silenced.",
	Help: "`// cngen:lint-ignore RULE reason` silences RULE on its own line and the next. The reason is " +
		"required, so that whoever reads the schema knows why the rule does not apply; an ignore without " +
		"one, or naming an unknown rule, or bad-ignore or unused-ignore themselves, silences nothing.",
}

var unusedIgnoreRule = &Rule{
	ID:       "unused-ignore",
	Severity: source.SevWarning,
	Summary:  "A cngen:lint-ignore comment silences nothing.",
	Help: "An ignore whose rule finds nothing on the comment's line or the next is left over from a fix, " +
		"or is on the wrong line. Ignores of a rule that the configuration turns off for the file are " +
		"not reported.",
}

// ignore is one valid inline ignore.
type ignore struct {
	pos   source.Pos
	rules []string
	used  map[string]bool
}

// applyIgnores drops the findings that the inline ignores of f silence,
// and adds the findings about the ignores themselves.
func applyIgnores(f *syntax.File, found []report.Finding, set settings) []report.Finding {
	igs, bad := parseIgnores(f)
	var out []report.Finding
	for _, fd := range found {
		if !silenced(igs, fd) {
			out = append(out, fd)
		}
	}
	if sev, on := set.severity(badIgnoreRule); on {
		for _, fd := range bad {
			fd.Rule, fd.Severity = badIgnoreRule.ID, sev
			out = append(out, fd)
		}
	}
	if sev, on := set.severity(unusedIgnoreRule); on {
		out = append(out, unused(igs, set, sev)...)
	}
	return out
}

// silenced reports whether an ignore on fd's line or the line above
// names fd's rule, and marks it used.
func silenced(igs []*ignore, fd report.Finding) bool {
	for _, ig := range igs {
		if ig.pos.Filename != fd.Pos.Filename || (ig.pos.Line != fd.Pos.Line && ig.pos.Line+1 != fd.Pos.Line) {
			continue
		}
		for _, id := range ig.rules {
			if id == fd.Rule {
				ig.used[id] = true
				return true
			}
		}
	}
	return false
}

func unused(igs []*ignore, set settings, sev source.Severity) []report.Finding {
	var out []report.Finding
	for _, ig := range igs {
		for _, id := range ig.rules {
			if _, on := set.severity(lookup(id)); on && !ig.used[id] {
				out = append(out, report.Finding{Pos: ig.pos, Rule: unusedIgnoreRule.ID, Severity: sev,
					Message: fmt.Sprintf("cngen:lint-ignore %s silences nothing on this line or the next", id)})
			}
		}
	}
	return out
}

// parseIgnores reads the inline ignores among the // comments of f: the
// valid ones, and findings (without rule) for the others.
func parseIgnores(f *syntax.File) ([]*ignore, []report.Finding) {
	var igs []*ignore
	var bad []report.Finding
	for _, c := range f.Comments {
		body, ok := ignoreBody(c)
		if !ok {
			continue
		}
		ig, problem := parseIgnore(c.Pos, body)
		if problem != "" {
			bad = append(bad, report.Finding{Pos: c.Pos, Message: problem})
			continue
		}
		igs = append(igs, ig)
	}
	return igs, bad
}

// ignoreBody returns what follows the marker in a // comment that is an
// inline ignore. A /// comment is documentation, never an ignore.
func ignoreBody(c *syntax.Comment) (string, bool) {
	if c.Doc {
		return "", false
	}
	text := strings.TrimSpace(strings.TrimPrefix(c.Text, "//"))
	rest, ok := strings.CutPrefix(text, ignoreMarker)
	if !ok || (rest != "" && rest[0] != ' ' && rest[0] != '\t') {
		return "", false
	}
	return strings.TrimSpace(rest), true
}

// parseIgnore parses `RULE[,RULE] reason`, or says what is wrong with it.
func parseIgnore(pos source.Pos, body string) (*ignore, string) {
	ids, reason := body, ""
	if i := strings.IndexAny(body, " \t"); i >= 0 {
		ids, reason = body[:i], body[i:]
	}
	if ids == "" {
		return nil, ignoreMarker + " names no rule: write " + ignoreMarker + " RULE reason"
	}
	ig := &ignore{pos: pos, used: map[string]bool{}}
	for _, id := range strings.Split(ids, ",") {
		switch r := lookup(id); {
		case r == nil:
			return nil, fmt.Sprintf("%s: unknown rule %q", ignoreMarker, id)
		case r.check == nil:
			return nil, fmt.Sprintf("%s: %s cannot be silenced inline", ignoreMarker, id)
		}
		ig.rules = append(ig.rules, id)
	}
	if strings.TrimSpace(reason) == "" {
		return nil, fmt.Sprintf("%s %s has no reason: say after the rule why it does not apply here", ignoreMarker, ids)
	}
	return ig, ""
}
