package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestGoGenerate uses cngen the way a client project does: a module that
// requires cngen, declares it with the go.mod tool directive, and runs it
// from go:generate lines, both as `go tool cngen` and as `go run`. The
// generated package must then build and vet.
func TestGoGenerate(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping go generate in a scratch module in -short mode")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command in PATH")
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	schema, err := os.ReadFile(procSchema)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	files := map[string]string{
		"go.mod": "module example.com/watcher\n\ngo 1.26\n\ntool github.com/cngen/cngen/cmd/cngen\n\n" +
			"require github.com/cngen/cngen v0.0.0\n\nreplace github.com/cngen/cngen => " + root + "\n",
		"go.sum":            string(sum),
		"proc/proc.cn":      string(schema),
		"proc/generate.go":  "package proc\n\n//go:generate go tool cngen gen proc.cn\n",
		"other/other.cn":    "package other\n\nstruct point { x i32  y i32 }\n",
		"other/generate.go": "package other\n\n//go:generate go run github.com/cngen/cngen/cmd/cngen gen -pkg other other.cn\n",
		"main.go":           "package main\n\nimport (\n\t\"fmt\"\n\n\t\"example.com/watcher/other\"\n\t\"example.com/watcher/proc\"\n)\n\nfunc main() {\n\tfmt.Println(proc.EventFork, (&other.Point{X: 1}).Size())\n}\n",
	}
	for name, content := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	run := func(args ...string) string {
		t.Helper()
		cmd := exec.Command(goTool, args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	run("generate", "./...")
	for _, f := range []string{"proc/proc.cn.go", "other/other.cn.go"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("go generate did not write %s: %v", f, err)
		}
	}
	run("vet", "./...")
	if out := run("run", "."); out != "fork 8\n" {
		t.Errorf("the program printed %q, want %q", out, "fork 8\n")
	}
}
