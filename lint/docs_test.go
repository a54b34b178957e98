package lint

import (
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/cngen/cngen/report"
)

// docSection is the part of docs/lint.md about one rule.
type docSection struct {
	id, severity string
	bad, good    []docBlock
}

// docBlock is a ```cn block and the line of its opening fence.
type docBlock struct {
	line int
	text string
}

var (
	ruleHeading = regexp.MustCompile("^## `([a-z0-9-]+)`$")
	defaultLine = regexp.MustCompile(`^Default: (error|warning)\.$`)
)

// docSections reads the rule sections of lint.md: under each "## `ID`"
// heading, its "Default:" line and the cn blocks after "Bad:" and
// "Good:".
func docSections(md string) []*docSection {
	var out []*docSection
	var cur *docSection
	var label string
	var block *docBlock
	for i, line := range strings.Split(md, "\n") {
		switch {
		case block != nil && line == "```":
			if label == "Bad:" {
				cur.bad = append(cur.bad, *block)
			} else if label == "Good:" {
				cur.good = append(cur.good, *block)
			}
			block = nil
		case block != nil:
			block.text += line + "\n"
		case strings.HasPrefix(line, "## "):
			cur, label = nil, ""
			if m := ruleHeading.FindStringSubmatch(line); m != nil {
				cur = &docSection{id: m[1]}
				out = append(out, cur)
			}
		case cur == nil:
		case defaultLine.MatchString(line):
			cur.severity = defaultLine.FindStringSubmatch(line)[1]
		case line == "Bad:" || line == "Good:":
			label = line
		case line == "```cn":
			block = &docBlock{line: i + 1}
		}
	}
	return out
}

// TestDocs checks docs/lint.md against the rules: a section for each,
// with its default severity, and examples that fire the rule (Bad) and
// do not (Good).
func TestDocs(t *testing.T) {
	md, err := os.ReadFile("../docs/lint.md")
	if err != nil {
		t.Fatal(err)
	}
	sections := map[string]*docSection{}
	for _, s := range docSections(string(md)) {
		sections[s.id] = s
	}
	for _, r := range Rules() {
		s := sections[r.ID]
		if s == nil {
			t.Errorf("docs/lint.md has no section ## `%s`", r.ID)
			continue
		}
		delete(sections, r.ID)
		t.Run(r.ID, func(t *testing.T) { checkSection(t, s, report.Severity(r.Severity)) })
	}
	for id := range sections {
		t.Errorf("docs/lint.md documents %s, which is no rule", id)
	}
}

func checkSection(t *testing.T, s *docSection, severity string) {
	if s.severity != severity {
		t.Errorf("Default: %q, want %q", s.severity, severity)
	}
	if len(s.bad) == 0 || len(s.good) == 0 {
		t.Fatalf("%d bad and %d good examples, want at least one of each", len(s.bad), len(s.good))
	}
	for _, b := range s.bad {
		if n := docFindings(t, b, s.id); n == 0 {
			t.Errorf("bad example at line %d does not fire %s", b.line, s.id)
		}
	}
	for _, b := range s.good {
		if n := docFindings(t, b, s.id); n != 0 {
			t.Errorf("good example at line %d fires %s %d times", b.line, s.id, n)
		}
	}
}

// docFindings lints an example, positioned in lint.md, and counts the
// findings of rule.
func docFindings(t *testing.T, b docBlock, rule string) int {
	t.Helper()
	src := strings.Repeat("\n", b.line) + b.text
	n := 0
	for _, f := range lintSourceNamed(t, fmt.Sprintf("lint.md:%d", b.line), src) {
		if f.Rule == rule {
			n++
		}
	}
	return n
}
