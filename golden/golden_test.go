// Package golden holds the schema → generated Go corpus. Each directory is
// a case: NAME.cn and the committed NAME.cn.go, a real package that builds
// and passes go vet. testdata/errors/ holds schemas that must fail, with the
// expected messages inline.
package golden

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cngen/cngen/dsl/check"
	"github.com/cngen/cngen/gen"
)

var update = flag.Bool("update", false, "rewrite the committed generated files")

// cases lists the schema of every golden case, then those of the
// examples, whose generated code is held to the same checks.
func cases(t *testing.T) []string {
	t.Helper()
	all, err := filepath.Glob("*/*.cn")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, p := range all {
		if filepath.Dir(p) != "errors" {
			out = append(out, p)
		}
	}
	if len(out) < 10 {
		t.Fatalf("found %d golden cases, want at least 10", len(out))
	}
	examples, err := filepath.Glob("../examples/*/*.cn")
	if err != nil || len(examples) < 2 {
		t.Fatalf("found examples %v (%v), want proc and echo", examples, err)
	}
	return append(out, examples...)
}

// caseName is the subtest name of a case: its directory, examples/ kept.
func caseName(path string) string {
	return strings.TrimPrefix(filepath.ToSlash(filepath.Dir(path)), "../")
}

// caseOptions are the generator options of the cases that need any: dmlog
// stands in for the kernel in glue_test.go, so it has the kernel's side.
var caseOptions = map[string]gen.Options{
	"dmlog": {KernelPeer: true},
	"glue":  {KernelPeer: true},
}

// options are the generator options of the case of path.
func options(path string) gen.Options {
	opt := caseOptions[filepath.Base(filepath.Dir(path))]
	opt.Source = filepath.Base(path)
	return opt
}

func generate(t *testing.T, path string) []byte {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s, err := check.Load(filepath.Base(path), src)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	out, err := gen.Generate(s, options(path))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return out
}

// TestGolden regenerates every case, examples included, and fails with a
// diff on stale output; `go test ./golden -update` rewrites the committed
// files (go generate ./examples/... does the same for the examples).
func TestGolden(t *testing.T) {
	for _, path := range cases(t) {
		t.Run(caseName(path), func(t *testing.T) {
			got := generate(t, path)
			if again := generate(t, path); !bytes.Equal(got, again) {
				t.Fatal("two runs generated different output")
			}
			file := path + ".go"
			if *update {
				if err := os.WriteFile(file, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(file)
			if err != nil {
				t.Fatalf("%v (run go test ./golden -update)", err)
			}
			if !bytes.Equal(want, got) {
				t.Errorf("stale generated file %s (run go test ./golden -update):\n%s", file, lineDiff(string(want), string(got)))
			}
		})
	}
}

// TestGoldenVet runs go vet over the committed packages: they must build
// and be vet-clean.
func TestGoldenVet(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping go vet of the golden packages in -short mode")
	}
	out, err := exec.Command("go", "vet", "./...").CombinedOutput()
	if err != nil {
		t.Fatalf("go vet ./golden/...: %v\n%s", err, out)
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
