package clayout

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/cngen/cngen/dsl/model"
)

// A Probe is one number that a C expression computes and the model
// predicts.
type Probe struct {
	Path string // the type, or type.field.field…, as named in .cn
	What string // "size", "align", "offset", "value"…
	Expr string // the C expression, e.g. "sizeof(struct proc_event)"
	Want int    // the model's value
}

// Mismatch is one number on which the model and gcc disagree.
type Mismatch struct {
	Path  string
	What  string
	Model int
	GCC   int
}

func (m Mismatch) String() string {
	return fmt.Sprintf("%s: %s: model %d, gcc %d", m.Path, m.What, m.Model, m.GCC)
}

// Check compiles the program of [CSource] with gcc and returns every
// number on which gcc and the model disagree; see [CheckProbes].
func Check(s *model.Schema, gcc string) ([]Mismatch, error) {
	p, err := build(s)
	if err != nil {
		return nil, err
	}
	return CheckProbes(gcc, p.decls, p.probes)
}

// CheckProbes builds a C program of decls (declarations or #include
// lines) and a main that prints the value of every probe, compiles it
// with gcc (a command name or path; "" means "gcc") using -std=gnu11
// -Wall -Werror in a temporary directory, runs it, and returns the probes
// whose value is not the model's, in order. The error is for a program
// that does not build or run; it quotes gcc's output and the numbered
// source.
func CheckProbes(gcc, decls string, probes []Probe) ([]Mismatch, error) {
	vals, err := measure(gcc, decls, probes)
	if err != nil {
		return nil, err
	}
	var ms []Mismatch
	for i, p := range probes {
		if vals[i] != p.Want {
			ms = append(ms, Mismatch{Path: p.Path, What: p.What, Model: p.Want, GCC: vals[i]})
		}
	}
	return ms, nil
}

// measure compiles and runs the program of the probes and returns the
// value gcc computed for each.
func measure(gcc, decls string, probes []Probe) ([]int, error) {
	if gcc == "" {
		gcc = "gcc"
	}
	out, err := run(gcc, source(decls, probes))
	if err != nil {
		return nil, err
	}
	lines := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	if len(out) == 0 {
		lines = nil
	}
	if len(lines) != len(probes) {
		return nil, fmt.Errorf("layout program printed %d lines, want %d", len(lines), len(probes))
	}
	vals := make([]int, len(lines))
	for i, line := range lines {
		// The line is "path what value"; the path may hold spaces.
		n, err := strconv.ParseInt(line[strings.LastIndexByte(line, ' ')+1:], 10, 64)
		if err != nil {
			return nil, fmt.Errorf("layout program line %d: %q: %v", i+1, line, err)
		}
		vals[i] = int(n)
	}
	return vals, nil
}

// source returns the whole program: decls and a main printing the probes.
func source(decls string, probes []Probe) string {
	var b strings.Builder
	b.WriteString(strings.TrimRight(decls, "\n"))
	b.WriteString("\n\nint printf(const char *, ...);\n\n")
	b.WriteString("#define cn_probe_(path, what, v) printf(\"%s %s %lld\\n\", path, what, (long long)(v))\n\n")
	b.WriteString("int main(void)\n{\n")
	for _, p := range probes {
		fmt.Fprintf(&b, "\tcn_probe_(%s, %s, %s);\n", strconv.Quote(p.Path), strconv.Quote(p.What), p.Expr)
	}
	b.WriteString("\treturn 0;\n}\n")
	return b.String()
}

// run compiles the C program src in a temporary directory, runs it and
// returns its standard output.
func run(gcc, src string) ([]byte, error) {
	dir, err := os.MkdirTemp("", "clayout")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	c, bin := filepath.Join(dir, "layout.c"), filepath.Join(dir, "layout")
	if err := os.WriteFile(c, []byte(src), 0o644); err != nil {
		return nil, err
	}
	cmd := exec.Command(gcc, "-std=gnu11", "-Wall", "-Werror", "-o", bin, c)
	if out, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("%s: %v\n%s\n%s", gcc, err, out, numbered(src))
	}
	var stderr bytes.Buffer
	cmd = exec.Command(bin)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("running the layout program: %v\n%s", err, stderr.Bytes())
	}
	return out, nil
}

// numbered returns src with line numbers, for reading a compiler error.
func numbered(src string) string {
	var b strings.Builder
	for i, l := range strings.Split(src, "\n") {
		fmt.Fprintf(&b, "%4d  %s\n", i+1, l)
	}
	return b.String()
}
