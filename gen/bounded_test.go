package gen

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/cngen/cngen/dsl/check"
)

// Schemas whose flattened form is much larger than their text. The
// generator must refuse them or write code that grows with the text.

// diamond is n levels of structs each holding two of the next, down to a
// u8: 2^n bytes in all, from a schema of n+2 lines.
func diamond(n int) string {
	var b strings.Builder
	b.WriteString("package d\n")
	for i := range n {
		fmt.Fprintf(&b, "struct s%d { a s%d  b s%d }\n", i, i+1, i+1)
	}
	fmt.Fprintf(&b, "struct s%d { x u8 }\n", n)
	return b.String()
}

// chain is n levels of structs holding one of the next.
func chain(n int) string {
	var b strings.Builder
	b.WriteString("package c\n")
	for i := range n {
		fmt.Fprintf(&b, "struct c%d { a c%d }\n", i, i+1)
	}
	fmt.Fprintf(&b, "struct c%d { x u32 }\n", n)
	return b.String()
}

// messages is a family of n events, each of a struct of five fields.
func messages(n int) string {
	var b strings.Builder
	b.WriteString("package m\n")
	for i := range n {
		fmt.Fprintf(&b, "struct m%d { a u8  b u16  c u32  d u64  e cstring[8] }\n", i)
	}
	b.WriteString("family f idx 0x100 {\n")
	for i := range n {
		fmt.Fprintf(&b, "    event e%d val %d m%d\n", i, i+1, i)
	}
	b.WriteString("}\n")
	return b.String()
}

// generateText checks and generates a schema given as text.
func generateText(src string) ([]byte, error) {
	s, err := check.Load("big.cn", []byte(src))
	if err != nil {
		return nil, err
	}
	return Generate(s, Options{})
}

// TestBoundedGeneration generates the shapes that used to blow up, in a
// child process whose address space is capped at 1 GiB: the diamond of
// 14 levels (16384 bytes, the largest a message holds) and the chain of
// 2,000 levels must generate in a size linear in the schema, and the
// diamond of 40 levels (a terabyte) must be refused at once.
func TestBoundedGeneration(t *testing.T) {
	if os.Getenv("CNGEN_BOUNDED_CHILD") != "" {
		boundedChild()
		return
	}
	if runtime.GOOS != "linux" {
		t.Skip("the memory cap uses the shell's ulimit -v, tested on Linux")
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("sh", "-c", `ulimit -v 1048576 && exec "$0" -test.run='^TestBoundedGeneration$'`, exe)
	cmd.Env = append(os.Environ(), "CNGEN_BOUNDED_CHILD=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("generating under a 1 GiB cap: %v\n%s", err, out)
	}
	results := map[string][2]int{} // shape → schema lines, generated lines (-1: refused)
	for _, line := range strings.Split(string(out), "\n") {
		var name string
		var in, gen int
		if _, err := fmt.Sscanf(line, "shape %s %d %d", &name, &in, &gen); err == nil {
			results[name] = [2]int{in, gen}
		}
	}
	for _, tc := range []struct {
		shape   string
		refused bool
	}{{"diamond14", false}, {"chain2000", false}, {"diamond40", true}} {
		r, ok := results[tc.shape]
		switch {
		case !ok:
			t.Errorf("%s: no result from the child:\n%s", tc.shape, out)
		case tc.refused && r[1] != -1:
			t.Errorf("%s: generated %d lines, want it refused", tc.shape, r[1])
		case !tc.refused && (r[1] < 0 || r[1] > 150*r[0]):
			t.Errorf("%s: %d schema lines gave %d lines of Go, want at most 150 per line", tc.shape, r[0], r[1])
		}
	}
}

// boundedChild generates each shape and prints its sizes.
func boundedChild() {
	for _, tc := range []struct {
		name string
		src  string
	}{{"diamond14", diamond(14)}, {"chain2000", chain(2000)}, {"diamond40", diamond(40)}} {
		out, err := generateText(tc.src)
		lines := bytes.Count(out, []byte("\n"))
		if err != nil {
			lines = -1
		}
		fmt.Printf("shape %s %d %d\n", tc.name, strings.Count(tc.src, "\n"), lines)
	}
}

// TestGenerationLinear: ten times the messages, about ten times the
// code, per message the same handful of lines.
func TestGenerationLinear(t *testing.T) {
	small, err := generateText(messages(50))
	if err != nil {
		t.Fatal(err)
	}
	large, err := generateText(messages(500))
	if err != nil {
		t.Fatal(err)
	}
	ratio := float64(bytes.Count(large, []byte("\n"))) / float64(bytes.Count(small, []byte("\n")))
	if ratio < 9 || ratio > 11 {
		t.Errorf("500 messages gave %.1f times the lines of 50", ratio)
	}
}

// BenchmarkGenerate generates a family of N events of five-field
// structs; the figures in BENCHMARKS.md come from it.
func BenchmarkGenerate(b *testing.B) {
	for _, n := range []int{100, 1000, 10000} {
		src := messages(n)
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			b.ReportAllocs()
			var lines int
			for b.Loop() {
				out, err := generateText(src)
				if err != nil {
					b.Fatal(err)
				}
				lines = bytes.Count(out, []byte("\n"))
			}
			b.ReportMetric(float64(lines)/float64(n), "lines/msg")
		})
	}
}
