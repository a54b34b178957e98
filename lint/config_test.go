package lint

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cngen/cngen/dsl/source"
	"github.com/cngen/cngen/report"
)

func TestParseConfigErrors(t *testing.T) {
	for _, tc := range []struct {
		name, yaml, want string
	}{
		{"unknown key", "rulez: {}\n", "field rulez not found"},
		{"not yaml", "rules: [\n", "yaml:"},
		{"unknown rule", "rules: {nope: off}\n", `rules: unknown rule "nope"`},
		{"bad severity", "rules: {naming: fatal}\n", `rules: naming: severity "fatal", want error, warning or off`},
		{"bad glob", "exclude: ['a/[b']\n", `exclude: bad pattern "a/[b"`},
		{"no reason", "exceptions: [{paths: [a], rules: [naming]}]\n", "exceptions[0]: an exception needs paths, rules and a reason"},
		{"no paths", "exceptions: [{rules: [naming], reason: r}]\n", "exceptions[0]: an exception needs"},
		{"unknown exception rule", "exceptions: [{paths: [a], rules: [nope], reason: r}]\n", `exceptions[0].rules: unknown rule "nope"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseConfig("dir/cngen.yaml", []byte(tc.yaml))
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "dir/cngen.yaml: ") {
				t.Errorf("err = %v, want dir/cngen.yaml: …%s…", err, tc.want)
			}
		})
	}
}

func TestParseConfigEmpty(t *testing.T) {
	c, err := ParseConfig("cngen.yaml", nil)
	if err != nil {
		t.Fatal(err)
	}
	if sev, on := c.settings("x.cn").severity(namingRule); !on || sev != source.SevError {
		t.Errorf("naming in an empty config: %v %v", sev, on)
	}
}

func TestMatchGlob(t *testing.T) {
	for _, tc := range []struct {
		pattern, rel string
		want         bool
	}{
		{"golden", "golden/kvp/kvp.cn", true},
		{"golden", "goldenx/a.cn", false},
		{"golden/*", "golden/kvp/kvp.cn", true},
		{"golden/*.cn", "golden/kvp/kvp.cn", false},
		{"golden/*/kvp.cn", "golden/kvp/kvp.cn", true},
		{"**/kvp.cn", "golden/kvp/kvp.cn", true},
		{"**/kvp.cn", "kvp.cn", true},
		{"golden/**/*.cn", "golden/kvp/kvp.cn", true},
		{"*.cn", "a.cn", true},
		{"*.cn", "dir/a.cn", false},
		{"k?p.cn", "kvp.cn", true},
		{"../other", "../other/a.cn", true},
	} {
		if got := matchGlob(tc.pattern, tc.rel); got != tc.want {
			t.Errorf("matchGlob(%q, %q) = %v, want %v", tc.pattern, tc.rel, got, tc.want)
		}
	}
}

// TestConfigApplies: severities, rules turned off, exceptions by path
// and exclusions, with globs relative to the configuration's directory.
func TestConfigApplies(t *testing.T) {
	dir := t.TempDir()
	c, err := ParseConfig(filepath.Join(dir, ConfigName), []byte(`
rules:
  naming: warning
  implicit-padding: off
  missing-doc: error
exclude: [vendor]
exceptions:
  - paths: [legacy/*.cn]
    rules: [missing-doc, naming]
    reason: mirrors an old header
`))
	if err != nil {
		t.Fatal(err)
	}
	got := func(file string) []string {
		var out []string
		set := c.settings(file)
		for _, r := range []*Rule{namingRule, paddingRule, missingDocRule} {
			sev, on := set.severity(r)
			switch {
			case !on:
				out = append(out, r.ID+" off")
			case sev == source.SevWarning:
				out = append(out, r.ID+" warning")
			default:
				out = append(out, r.ID+" error")
			}
		}
		return out
	}
	if diff := cmp.Diff([]string{"naming warning", "implicit-padding off", "missing-doc error"}, got(filepath.Join(dir, "a.cn"))); diff != "" {
		t.Errorf("a.cn (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"naming off", "implicit-padding off", "missing-doc off"}, got(filepath.Join(dir, "legacy", "old.cn"))); diff != "" {
		t.Errorf("legacy/old.cn (-want +got):\n%s", diff)
	}
	if !c.Excluded(filepath.Join(dir, "vendor", "x", "y.cn")) || c.Excluded(filepath.Join(dir, "a.cn")) {
		t.Error("vendor is not excluded, or a.cn is")
	}
	var nilConfig *Config
	if nilConfig.Excluded("a.cn") {
		t.Error("the defaults exclude a.cn")
	}
}

// TestLintWithConfig: a rule's severity comes from the configuration, a
// rule turned off finds nothing, and its inline ignores are not unused.
func TestLintWithConfig(t *testing.T) {
	c, err := ParseConfig("cngen.yaml", []byte("rules: {naming: warning, implicit-padding: off}\n"))
	if err != nil {
		t.Fatal(err)
	}
	src := "package p\n// cngen:lint-ignore implicit-padding off anyway\nstruct S { a u8  b u32 }\n"
	fs := lintSource(t, src, c)
	var got []string
	for _, f := range fs {
		got = append(got, f.Rule+" "+report.Severity(f.Severity))
	}
	if diff := cmp.Diff([]string{"naming warning"}, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestFindConfig(t *testing.T) {
	root := t.TempDir()
	deep := filepath.Join(root, "a", "b", "c")
	if err := os.MkdirAll(deep, 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(p string) {
		if err := os.WriteFile(p, []byte("rules: {}\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(root, ConfigName))
	write(filepath.Join(root, "a", ConfigName))
	for dir, want := range map[string]string{
		deep:                     filepath.Join(root, "a", ConfigName),
		filepath.Join(root, "a"): filepath.Join(root, "a", ConfigName),
		root:                     filepath.Join(root, ConfigName),
	} {
		if got, err := FindConfig(dir); err != nil || got != want {
			t.Errorf("FindConfig(%s) = %q, %v; want %q", dir, got, err, want)
		}
	}
	cs, _ := NewConfigs("")
	c1, err1 := cs.For(filepath.Join(deep, "x.cn"))
	c2, err2 := cs.For(filepath.Join(root, "a", "y.cn"))
	if err1 != nil || err2 != nil || c1 != c2 || c1.Path != filepath.Join(root, "a", ConfigName) {
		t.Errorf("For: %v %v, %v %v: want the one config of a, read once", c1, err1, c2, err2)
	}
}
