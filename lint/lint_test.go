package lint

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cngen/cngen/dsl/check"
	"github.com/cngen/cngen/dsl/syntax"
	"github.com/cngen/cngen/report"
)

// lintSource checks src as test.cn and lints it with cfg.
func lintSource(t *testing.T, src string, cfg *Config) []report.Finding {
	t.Helper()
	return lintFile(t, "test.cn", src, cfg)
}

// lintSourceNamed lints src, named name, with the defaults.
func lintSourceNamed(t *testing.T, name, src string) []report.Finding {
	t.Helper()
	return lintFile(t, name, src, nil)
}

func lintFile(t *testing.T, name, src string, cfg *Config) []report.Finding {
	t.Helper()
	f, err := syntax.Parse(name, []byte(src))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	s, err := check.Check(f)
	if err != nil {
		t.Fatalf("check: %v\n%s", err, src)
	}
	return Lint(f, s, cfg)
}

// wantComment is an expectation in a test schema: the line holds a
// finding of the rule under test whose message matches the regexp.
var wantComment = regexp.MustCompile(`// want "((?:[^"\\]|\\.)*)"`)

// expectations are the line numbers and regexps of the want comments
// of src, one per comment, in order.
func expectations(src string) []string {
	var out []string
	for i, line := range strings.Split(src, "\n") {
		for _, m := range wantComment.FindAllStringSubmatch(line, -1) {
			out = append(out, fmt.Sprintf("%d: %s", i+1, strings.ReplaceAll(m[1], `\"`, `"`)))
		}
	}
	return out
}

// matchFindings pairs the findings of rule with the expectations of src,
// in order, and returns them as "line: regexp" where they match and
// "line: message" where not, so that cmp.Diff shows what differs.
func matchFindings(src, rule string, explicit []string, fs []report.Finding) (want, got []string) {
	want = explicit
	if want == nil {
		want = expectations(src)
	}
	for _, f := range fs {
		if f.Rule != rule {
			continue
		}
		line := fmt.Sprintf("%d: %s", f.Pos.Line, f.Message)
		if i := len(got); i < len(want) && matches(want[i], f.Pos.Line, f.Message) {
			line = want[i]
		}
		got = append(got, line)
	}
	return want, got
}

func matches(want string, line int, msg string) bool {
	prefix := fmt.Sprintf("%d: ", line)
	re, ok := strings.CutPrefix(want, prefix)
	return ok && regexp.MustCompile(re).MatchString(msg)
}

// TestRules runs every case of ruleTests: a case fires its rule exactly
// where its expectations say, and nowhere else.
func TestRules(t *testing.T) {
	for _, tc := range ruleTests {
		t.Run(tc.rule+"/"+tc.name, func(t *testing.T) {
			if lookup(tc.rule) == nil {
				t.Fatalf("no rule %s", tc.rule)
			}
			want, got := matchFindings(tc.src, tc.rule, tc.want, lintSource(t, tc.src, nil))
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("findings of %s (-want +got):\n%s", tc.rule, diff)
			}
		})
	}
}

// TestRulesCovered: every rule has a case of ruleTests that fires and
// one that does not.
func TestRulesCovered(t *testing.T) {
	fires, quiet := map[string]bool{}, map[string]bool{}
	for _, tc := range ruleTests {
		if len(tc.want) > 0 || len(expectations(tc.src)) > 0 {
			fires[tc.rule] = true
		} else {
			quiet[tc.rule] = true
		}
	}
	for _, r := range rules {
		if !fires[r.ID] || !quiet[r.ID] {
			t.Errorf("rule %s needs a case that fires and one that does not (fires %v, quiet %v)", r.ID, fires[r.ID], quiet[r.ID])
		}
	}
}

// TestRuleMetadata: IDs are lower-case and hyphenated, unique, and
// every rule has a summary and a help text.
func TestRuleMetadata(t *testing.T) {
	id := regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	seen := map[string]bool{}
	for _, r := range Rules() {
		if !id.MatchString(r.ID) || seen[r.ID] {
			t.Errorf("bad or repeated ID %q", r.ID)
		}
		seen[r.ID] = true
		if r.Summary == "" || r.Help == "" || strings.Contains(r.Summary, "\n") {
			t.Errorf("%s: summary %q, help %q", r.ID, r.Summary, r.Help)
		}
	}
}

func TestSnake(t *testing.T) {
	for in, want := range map[string]string{
		"PingReply": "ping_reply", "HTTPServer": "http_server", "a__b_": "a_b",
		"fooBar2": "foo_bar2", "already_snake": "already_snake",
	} {
		if got := snake(in); got != want {
			t.Errorf("snake(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestLintSorted: findings come sorted by position, whatever rule found
// them.
func TestLintSorted(t *testing.T) {
	fs := lintSource(t, "package p\nstruct s { a u8  b u64 }\nfamily F idx 3 { send x val 1 s }\n", nil)
	var got []string
	for _, f := range fs {
		got = append(got, fmt.Sprintf("%d:%d %s", f.Pos.Line, f.Pos.Column, f.Rule))
	}
	want := []string{
		"2:18 implicit-padding", "2:18 u64-align",
		"3:1 missing-doc", "3:1 naming", "3:1 reserved-idx",
		"3:18 kernel-idx-collision", "3:18 missing-doc",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
