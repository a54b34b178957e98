// Package docs holds the user documentation; its test keeps the examples
// in it true.
package docs

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/cngen/cngen/dsl/check"
)

// TestLanguageExamples checks every ```cn block of language.md.
func TestLanguageExamples(t *testing.T) {
	src, err := os.ReadFile("language.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := cnBlocks(string(src))
	if len(blocks) < 6 {
		t.Fatalf("found %d cn blocks, want at least 6", len(blocks))
	}
	for _, b := range blocks {
		name := fmt.Sprintf("language.md:%d", b.line)
		// Offset lines so that positions point into language.md.
		text := strings.Repeat("\n", b.line) + b.text
		if _, err := check.Load(name, []byte(text)); err != nil {
			t.Errorf("example at line %d does not check:\n%v", b.line, err)
		}
	}
}

type block struct {
	line int // line of the opening fence
	text string
}

func cnBlocks(md string) []block {
	var out []block
	var cur *block
	for i, line := range strings.Split(md, "\n") {
		switch {
		case cur == nil && strings.TrimSpace(line) == "```cn":
			cur = &block{line: i + 1}
		case cur != nil && strings.TrimSpace(line) == "```":
			out = append(out, *cur)
			cur = nil
		case cur != nil:
			cur.text += line + "\n"
		}
	}
	return out
}
