// Package docs holds the user documentation; its test keeps the examples
// in it true.
package docs

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/cngen/cngen/dsl/check"
	"github.com/cngen/cngen/dsl/syntax"
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
		if f, err := syntax.Parse(name, []byte(b.text)); err == nil && string(syntax.Format(f)) != b.text {
			t.Errorf("example at line %d is not in the layout cngen fmt writes:\n%s", b.line, syntax.Format(f))
		}
	}
}

// TestReadmeExample: the schema in README.md checks and is formatted.
func TestReadmeExample(t *testing.T) {
	src, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := cnBlocks(string(src))
	if len(blocks) == 0 {
		t.Fatal("README.md has no cn block")
	}
	for _, b := range blocks {
		f, err := syntax.Parse("README.md", []byte(b.text))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := check.Check(f); err != nil {
			t.Errorf("README.md:%d: %v", b.line, err)
		}
		if string(syntax.Format(f)) != b.text {
			t.Errorf("README.md:%d is not in the layout cngen fmt writes", b.line)
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
