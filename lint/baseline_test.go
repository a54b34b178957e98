package lint

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cngen/cngen/dsl/source"
	"github.com/cngen/cngen/report"
)

func finding(file string, line int, rule, msg string) report.Finding {
	return report.Finding{Pos: source.Pos{Filename: file, Line: line, Column: 1}, Rule: rule, Message: msg}
}

// TestBaselineRoundTrip: a baseline accepts the findings it was written
// from, wherever their lines moved, one finding per entry, and keys
// files relative to its own directory.
func TestBaselineRoundTrip(t *testing.T) {
	dir := t.TempDir()
	schema := filepath.Join(dir, "s", "a.cn")
	old := []report.Finding{
		finding(schema, 3, "missing-doc", "family f has no /// doc comment"),
		finding(schema, 9, "naming", "struct S is not snake_case: write s"),
		finding(schema, 9, "naming", "struct S is not snake_case: write s"),
	}
	var b bytes.Buffer
	if err := WriteBaseline(&b, dir, old); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), `"file": "s/a.cn"`) || !strings.Contains(b.String(), `"version": 1`) {
		t.Errorf("baseline not keyed by relative path, or without version:\n%s", b.String())
	}
	base, err := ReadBaseline(&b, dir)
	if err != nil {
		t.Fatal(err)
	}
	now := []report.Finding{
		finding(schema, 30, "missing-doc", "family f has no /// doc comment"), // moved
		finding(schema, 40, "naming", "struct S is not snake_case: write s"),
		finding(schema, 41, "naming", "struct S is not snake_case: write s"),
		finding(schema, 42, "naming", "struct S is not snake_case: write s"), // a third: new
		finding(schema, 50, "naming", "struct T is not snake_case: write t"),
		finding(filepath.Join(dir, "other.cn"), 3, "missing-doc", "family f has no /// doc comment"),
	}
	var got []int
	for _, f := range base.Filter(now) {
		got = append(got, f.Pos.Line)
	}
	if diff := cmp.Diff([]int{42, 50, 3}, got); diff != "" {
		t.Errorf("new findings by line (-want +got):\n%s", diff)
	}
}

func TestBaselineErrors(t *testing.T) {
	for _, tc := range []struct{ name, text, want string }{
		{"not json", "nope", "not a baseline"},
		{"other version", `{"version": 2, "findings": []}`, "baseline version 2, want 1"},
	} {
		if _, err := ReadBaseline(strings.NewReader(tc.text), "."); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want %q", tc.name, err, tc.want)
		}
	}
}
