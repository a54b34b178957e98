package md

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cngen/cngen/dsl/check"
	"github.com/cngen/cngen/dsl/model"
)

var update = flag.Bool("update", false, "rewrite the golden Markdown and the examples' committed documentation")

// docCase is a schema and the committed Markdown it must generate.
type docCase struct{ schema, want string }

// cases are the schemas of the golden corpus, whose Markdown is kept in
// testdata/NAME.md, and those of the examples, whose documentation is
// committed beside them as FILE.cn.md, as cngen doc writes it.
func cases(t *testing.T) []docCase {
	t.Helper()
	corpus, err := filepath.Glob("../../golden/*/*.cn")
	if err != nil || len(corpus) < 10 {
		t.Fatalf("found golden schemas %v (%v), want at least 10", corpus, err)
	}
	examples, err := filepath.Glob("../../examples/*/*.cn")
	if err != nil || len(examples) < 2 {
		t.Fatalf("found examples %v (%v), want proc and echo", examples, err)
	}
	var out []docCase
	for _, p := range corpus {
		out = append(out, docCase{p, filepath.Join("testdata", filepath.Base(filepath.Dir(p))+".md")})
	}
	for _, p := range examples {
		out = append(out, docCase{p, p + ".md"})
	}
	return out
}

// load checks the schema at path.
func load(t *testing.T, path string) *model.Schema {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s, err := check.Load(filepath.Base(path), src)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return s
}

// TestGolden regenerates the documentation of every case and fails with
// a diff when the committed file is stale; `go test ./gen/md -update`
// rewrites them all, the examples' FILE.cn.md included.
func TestGolden(t *testing.T) {
	for _, c := range cases(t) {
		t.Run(strings.TrimPrefix(filepath.ToSlash(c.want), "../../"), func(t *testing.T) {
			s := load(t, c.schema)
			got := Generate(s, Options{})
			if again := Generate(s, Options{}); !bytes.Equal(got, again) {
				t.Fatal("two runs generated different output")
			}
			if *update {
				if err := os.WriteFile(c.want, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(c.want)
			if err != nil {
				t.Fatalf("%v (run go test ./gen/md -update)", err)
			}
			if !bytes.Equal(want, got) {
				t.Errorf("stale documentation %s (run go test ./gen/md -update):\n%s", c.want, lineDiff(string(want), string(got)))
			}
		})
	}
}

// lineDiff shows the first differing lines, enough to see what changed.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	shown := 0
	for i := 0; i < max(len(w), len(g)) && shown < 20; i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			fmt.Fprintf(&b, "line %d:\n-%s\n+%s\n", i+1, wl, gl)
			shown++
		}
	}
	return b.String()
}
