package main

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// badSchema has an error (naming) and a warning (implicit-padding).
const badSchema = "package p\nstruct S { a u8  b u32 }\n"

// writeFiles writes files (path → content) under dir, and returns dir.
func writeFiles(t *testing.T, dir string, files map[string]string) string {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// lintLines runs cngen lint and returns its text output as lines with
// dir cut from the paths.
func lintLines(t *testing.T, dir string, args ...string) ([]string, error) {
	t.Helper()
	stdout, stderr, err := runCLI(append([]string{"lint"}, args...)...)
	if stderr != "" {
		t.Logf("stderr: %s", stderr)
	}
	out := strings.ReplaceAll(stdout, dir+string(filepath.Separator), "")
	if out == "" {
		return nil, err
	}
	return strings.Split(strings.TrimSuffix(out, "\n"), "\n"), err
}

func TestLintText(t *testing.T) {
	dir := writeFiles(t, t.TempDir(), map[string]string{"a.cn": badSchema})
	got, err := lintLines(t, dir, filepath.Join(dir, "a.cn"))
	if !errors.Is(err, errReported) {
		t.Errorf("err = %v, want errReported (an error finding)", err)
	}
	want := []string{
		"a.cn:2:1: naming: struct S is not snake_case: write s",
		"a.cn:2:18: implicit-padding: warning: struct S: 3 bytes of implicit padding before b (offsets 1 to 4): declare it, e.g. `reserved pad 3` before it",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestLintJSONAndGitHub(t *testing.T) {
	dir := writeFiles(t, t.TempDir(), map[string]string{"a.cn": badSchema})
	schema := filepath.Join(dir, "a.cn")
	stdout, _, err := runCLI("lint", "-format", "json", schema)
	var got []map[string]any
	if jerr := json.Unmarshal([]byte(stdout), &got); jerr != nil || len(got) != 2 || !errors.Is(err, errReported) {
		t.Fatalf("json: %v, %v\n%s", jerr, err, stdout)
	}
	if got[0]["rule"] != "naming" || got[0]["severity"] != "error" || got[1]["severity"] != "warning" || got[1]["line"] != 2.0 {
		t.Errorf("json: %v", got)
	}
	lines, _ := lintLines(t, dir, "-format", "github", schema)
	want := []string{
		"::error file=a.cn,line=2,col=1,title=naming::struct S is not snake_case: write s",
		"::warning file=a.cn,line=2,col=18,title=implicit-padding::struct S: 3 bytes of implicit padding before b (offsets 1 to 4): declare it, e.g. `reserved pad 3` before it",
	}
	if diff := cmp.Diff(want, lines); diff != "" {
		t.Errorf("github (-want +got):\n%s", diff)
	}
}

func TestLintSARIF(t *testing.T) {
	dir := writeFiles(t, t.TempDir(), map[string]string{"a.cn": badSchema})
	stdout, _, err := runCLI("lint", "-format", "sarif", filepath.Join(dir, "a.cn"))
	if !errors.Is(err, errReported) {
		t.Errorf("err = %v, want errReported", err)
	}
	var log struct {
		Version string
		Runs    []struct {
			Tool struct {
				Driver struct {
					Name  string
					Rules []struct{ ID string }
				}
			}
			Results []struct {
				RuleID string
				Level  string
			}
		}
	}
	if err := json.Unmarshal([]byte(stdout), &log); err != nil {
		t.Fatalf("%v\n%s", err, stdout)
	}
	run := log.Runs[0]
	if log.Version != "2.1.0" || run.Tool.Driver.Name != "cngen" || len(run.Tool.Driver.Rules) < 14 ||
		len(run.Results) != 2 || run.Results[0].RuleID != "naming" || run.Results[1].Level != "warning" {
		t.Errorf("sarif: %+v", log)
	}
}

func TestLintExitStatus(t *testing.T) {
	dir := writeFiles(t, t.TempDir(), map[string]string{
		"warn/w.cn":       "package p\nstruct s { a u8  b u32 }\n",
		"clean/c.cn":      "package p\nstruct s { a u32 }\n",
		"broken/b.cn":     "package p\nstruct s { a nope }\n",
		"err/e.cn":        badSchema,
		"conf/cngen.yaml": "rules: {naming: bogus}\n",
		"conf/x.cn":       badSchema,
	})
	for _, tc := range []struct {
		name  string
		args  []string
		check func(error) bool
	}{
		{"warnings only", []string{"warn"}, func(err error) bool { return err == nil }},
		{"nothing found", []string{"clean"}, func(err error) bool { return err == nil }},
		{"an error finding", []string{"err"}, isReported},
		{"a schema error", []string{"broken", "clean"}, isReported},
		{"a bad configuration", []string{"conf"}, func(err error) bool {
			return err != nil && !isReported(err) && !isUsage(err) && strings.Contains(err.Error(), `naming: severity "bogus"`)
		}},
		{"a bad format", []string{"-format", "xml", "clean"}, isUsage},
		{"no schema", nil, isUsage},
		{"a missing -config", []string{"-config", "nope.yaml", "clean"}, func(err error) bool { return err != nil && !isUsage(err) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var args []string
			for _, a := range tc.args {
				if !strings.HasPrefix(a, "-") && a != "xml" && a != "nope.yaml" {
					a = filepath.Join(dir, a)
				}
				args = append(args, a)
			}
			if _, _, err := runCLI(append([]string{"lint"}, args...)...); !tc.check(err) {
				t.Errorf("err = %v", err)
			}
		})
	}
}

func isReported(err error) bool { return errors.Is(err, errReported) }

func isUsage(err error) bool {
	var u usageError
	return errors.As(err, &u)
}

// TestLintSchemaErrors: a schema that does not check is reported on
// stderr as check reports it, and the others are still linted.
func TestLintSchemaErrors(t *testing.T) {
	dir := writeFiles(t, t.TempDir(), map[string]string{"b.cn": "package p\nstruct s { a nope }\n", "a.cn": badSchema})
	stdout, stderr, err := runCLI("lint", filepath.Join(dir, "b.cn"), filepath.Join(dir, "a.cn"))
	if !isReported(err) || stderr != filepath.Join(dir, "b.cn")+":2:14: undefined type nope\n" || !strings.Contains(stdout, "a.cn:2:1: naming:") {
		t.Errorf("err %v\nstderr %q\nstdout %q", err, stderr, stdout)
	}
}

// TestLintConfigSearch: each schema takes the nearest cngen.yaml above
// it, whose globs are relative to itself; -config overrides the search.
func TestLintConfigSearch(t *testing.T) {
	dir := writeFiles(t, t.TempDir(), map[string]string{
		"cngen.yaml":           "rules: {naming: off}\nexclude: [skipped]\n",
		"top.cn":               badSchema,
		"skipped/s.cn":         badSchema,
		"sub/cngen.yaml":       "rules: {naming: warning}\nexceptions: [{paths: [deep/*.cn], rules: [implicit-padding], reason: test}]\n",
		"sub/mid.cn":           badSchema,
		"sub/deep/d.cn":        badSchema,
		"other/strict.yaml":    "rules: {implicit-padding: error}\n",
		"sub/deep/cngen.yamlx": "not a config",
	})
	got, err := lintLines(t, dir, dir+"/...")
	want := []string{
		"sub/deep/d.cn:2:1: naming: warning: struct S is not snake_case: write s",
		"sub/mid.cn:2:1: naming: warning: struct S is not snake_case: write s",
		"sub/mid.cn:2:18: implicit-padding: warning: struct S: 3 bytes of implicit padding before b (offsets 1 to 4): declare it, e.g. `reserved pad 3` before it",
		"top.cn:2:18: implicit-padding: warning: struct S: 3 bytes of implicit padding before b (offsets 1 to 4): declare it, e.g. `reserved pad 3` before it",
	}
	if diff := cmp.Diff(want, got); diff != "" || err != nil {
		t.Errorf("search: %v (-want +got):\n%s", err, diff)
	}
	got, err = lintLines(t, dir, "-config", filepath.Join(dir, "other", "strict.yaml"), filepath.Join(dir, "sub", "mid.cn"), filepath.Join(dir, "skipped"))
	want = []string{
		"sub/mid.cn:2:1: naming: struct S is not snake_case: write s",
		"sub/mid.cn:2:18: implicit-padding: struct S: 3 bytes of implicit padding before b (offsets 1 to 4): declare it, e.g. `reserved pad 3` before it",
		"skipped/s.cn:2:1: naming: struct S is not snake_case: write s",
		"skipped/s.cn:2:18: implicit-padding: struct S: 3 bytes of implicit padding before b (offsets 1 to 4): declare it, e.g. `reserved pad 3` before it",
	}
	if diff := cmp.Diff(want, got); diff != "" || !isReported(err) {
		t.Errorf("-config: %v (-want +got):\n%s", err, diff)
	}
}

// TestLintInlineIgnores: an ignore with a reason silences its rule on
// its line and the next; one without a reason is an error and silences
// nothing; one that silences nothing is a warning.
func TestLintInlineIgnores(t *testing.T) {
	dir := writeFiles(t, t.TempDir(), map[string]string{"i.cn": `package p
// cngen:lint-ignore naming,implicit-padding mirrors a C header
struct S { a u8  b u32 }
struct T { a u8  b u32 } // cngen:lint-ignore implicit-padding
// cngen:lint-ignore switch-default nothing to silence
struct u { a u32 }
`})
	got, err := lintLines(t, dir, filepath.Join(dir, "i.cn"))
	want := []string{
		"i.cn:4:1: naming: struct T is not snake_case: write t",
		"i.cn:4:18: implicit-padding: warning: struct T: 3 bytes of implicit padding before b (offsets 1 to 4): declare it, e.g. `reserved pad 3` before it",
		"i.cn:4:26: bad-ignore: cngen:lint-ignore implicit-padding has no reason: say after the rule why it does not apply here",
		"i.cn:5:1: unused-ignore: warning: cngen:lint-ignore switch-default silences nothing on this line or the next",
	}
	if diff := cmp.Diff(want, got); diff != "" || !isReported(err) {
		t.Errorf("%v (-want +got):\n%s", err, diff)
	}
}

// TestLintBaseline: -write-baseline records the findings and exits 0;
// -baseline then reports only new ones, however the lines move.
func TestLintBaseline(t *testing.T) {
	dir := writeFiles(t, t.TempDir(), map[string]string{"s/a.cn": badSchema})
	schema, base := filepath.Join(dir, "s", "a.cn"), filepath.Join(dir, "base.json")
	if out, err := lintLines(t, dir, "-write-baseline", base, schema); err != nil || out != nil {
		t.Fatalf("-write-baseline: %v, output %q", err, out)
	}
	data, err := os.ReadFile(base)
	if err != nil || !strings.Contains(string(data), `"file": "s/a.cn"`) || strings.Contains(string(data), `"line"`) {
		t.Fatalf("baseline %v:\n%s", err, data)
	}
	if out, err := lintLines(t, dir, "-baseline", base, schema); err != nil || out != nil {
		t.Errorf("-baseline on the same schema: %v, %q", err, out)
	}
	moved := "package p\n\n// moved down\n\n" + badSchema[len("package p\n"):] + "struct T { a u32 }\n"
	writeFiles(t, dir, map[string]string{"s/a.cn": moved})
	out, err := lintLines(t, dir, "-baseline", base, schema)
	if want := []string{"s/a.cn:6:1: naming: struct T is not snake_case: write t"}; !cmp.Equal(want, out) || !isReported(err) {
		t.Errorf("after moving lines and adding T: %v, %q, want %q", err, out, want)
	}
	writeFiles(t, dir, map[string]string{"s/b.cn": "package p\nstruct s { a nope }\n"})
	if _, _, err := runCLI("lint", "-write-baseline", base+"2", dir+"/..."); !isReported(err) {
		t.Errorf("-write-baseline with a schema error: %v", err)
	}
	if _, err := os.Stat(base + "2"); !os.IsNotExist(err) {
		t.Errorf("a baseline was written despite a schema error: %v", err)
	}
}

// TestLintRepository: the repository's own schemas, with its
// cngen.yaml, have no error-level finding, as CI requires.
func TestLintRepository(t *testing.T) {
	stdout, stderr, err := runCLI("lint", "../../...")
	if err != nil {
		t.Errorf("cngen lint ./... on the repository: %v\n%s%s", err, stderr, stdout)
	}
}
