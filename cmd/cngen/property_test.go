package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"testing"
)

// TestCheckGenBuildAgree is the promise of cngen check: it accepts a
// schema exactly when cngen gen succeeds on it, and then the generated
// package (with the handler skeleton of -stubs) builds and passes go vet.
// It runs over every schema of the repository (the golden corpus, the
// error corpus, the examples) and the schemas the parser fuzzer found
// (testdata/fuzzed) and the schema generator writes (randomSchema), each
// generated into a package of its own in a scratch module that uses this
// repository's runtime.
func TestCheckGenBuildAgree(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping go build and go vet of every generated package in -short mode")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command in PATH: cannot build the generated packages")
	}
	schemas := append(propertySchemas(t), randomSchemas(t, 120)...)
	mod := scratchModule(t)
	accepted := map[string]string{} // package directory → schema
	for i, path := range schemas {
		pkg := fmt.Sprintf("p%03d", i)
		out := filepath.Join(mod, pkg)
		_, _, checkErr := runCLI("check", "-pkg", pkg, path)
		_, genStderr, genErr := runCLI("gen", "-pkg", pkg, "-stubs", "-o", out, path)
		switch {
		case (checkErr == nil) != (genErr == nil):
			t.Errorf("%s: check says %v, gen says %v (%s)", path, checkErr, genErr, genStderr)
		case checkErr == nil:
			accepted[pkg] = path
		case !errors.Is(checkErr, errReported):
			t.Errorf("%s: check failed with %v, want schema errors", path, checkErr)
		}
	}
	if len(accepted) < 40 {
		t.Fatalf("only %d schemas generated: the corpus is missing", len(accepted))
	}
	for _, args := range [][]string{{"build", "./..."}, {"vet", "./..."}} {
		cmd := exec.Command(goTool, args...)
		cmd.Dir = mod
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("go %s failed on generated code that check accepted:\n%s", args[0], blame(string(out), accepted))
		}
	}
	t.Logf("%d schemas: %d accepted, built and vetted", len(schemas), len(accepted))
}

// propertySchemas lists the schemas the property is tested on.
func propertySchemas(t *testing.T) []string {
	t.Helper()
	var out []string
	for _, pattern := range []string{"../../golden/*/*.cn", "../../golden/testdata/errors/*.cn", "../../examples/*/*.cn", "testdata/fuzzed/*.cn"} {
		m, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, m...)
	}
	sort.Strings(out)
	return out
}

// randomSchemas writes n schemas of randomSchema, from fixed seeds.
func randomSchemas(t *testing.T, n int) []string {
	t.Helper()
	dir := t.TempDir()
	var out []string
	for seed := range uint64(n) {
		p := filepath.Join(dir, fmt.Sprintf("r%03d.cn", seed))
		if err := os.WriteFile(p, []byte(randomSchema(seed)), 0o644); err != nil {
			t.Fatal(err)
		}
		out = append(out, p)
	}
	return out
}

// scratchModule makes a module that requires this repository by a
// replace directive, so generated code builds against its runtime.
func scratchModule(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	// The repository's own requirements, as a module that imports it
	// lists them (its module graph is pruned), and the repository itself.
	own, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	gomod := regexp.MustCompile(`(?m)^module .*$`).ReplaceAllString(string(own), "module cngenprop") +
		"\nrequire github.com/cngen/cngen v0.0.0\n\nreplace github.com/cngen/cngen => " + root + "\n"
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{"go.mod": []byte(gomod), "go.sum": sum} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

var packageLine = regexp.MustCompile(`(?m)^# cngenprop/(p\d+)`)

// blame names the schema of each package the go command complains
// about.
func blame(out string, accepted map[string]string) string {
	return packageLine.ReplaceAllStringFunc(out, func(line string) string {
		pkg := packageLine.FindStringSubmatch(line)[1]
		return line + " (from " + accepted[pkg] + ")"
	})
}
