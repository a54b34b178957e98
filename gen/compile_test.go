package gen

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestGeneratedPackages generates every schema, with the handler
// skeleton of -stubs beside it, into a scratch module that uses this
// repository's runtime, then runs go vet and go test there once: the
// round-trip fixtures in testdata/roundtrip/NAME carry tests that
// exercise their generated code (encode, decode, short buffers, errors,
// no panics, no allocations; the typed glue over a fake bus); the golden
// schemas must at least build and be vet-clean, glue and stubs included.
func TestGeneratedPackages(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping go vet and go test of generated packages in -short mode")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command in PATH")
	}
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	write := func(name string, data []byte) {
		t.Helper()
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("go.mod", []byte("module cngentest\n\ngo 1.26\n\nrequire github.com/cngen/cngen v0.0.0\n\nreplace github.com/cngen/cngen => "+root+"\n"))
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	write("go.sum", sum)

	for _, path := range schemas(t) {
		name := strings.TrimSuffix(filepath.Base(path), ".cn")
		pkg := name
		if !strings.HasPrefix(path, "testdata") {
			pkg = "golden_" + name
		}
		out, err := Generate(loadFile(t, path), Options{Package: name})
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		write(filepath.Join(pkg, name+".cn.go"), out)
		stubs, err := GenerateStubs(loadFile(t, path), Options{Package: name})
		if err != nil {
			t.Fatalf("%s: stubs: %v", path, err)
		}
		if stubs != nil {
			write(filepath.Join(pkg, StubsFile(path)), stubs)
		}
		tests, err := filepath.Glob(filepath.Join(filepath.Dir(path), "*_test.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, test := range tests {
			if strings.HasPrefix(path, "testdata") {
				src, err := os.ReadFile(test)
				if err != nil {
					t.Fatal(err)
				}
				write(filepath.Join(pkg, filepath.Base(test)), src)
			}
		}
	}
	run := func(args ...string) {
		t.Helper()
		cmd := exec.Command(goTool, args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	run("vet", "./...")
	run("test", "-count=1", "./...")
}
