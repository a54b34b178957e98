package check

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/cngen/cngen/dsl/source"
)

// leak matches what a message meant for a schema's author must never
// say: a nil, a Go type, a formatting mistake.
var leak = regexp.MustCompile(`<nil>|%!|\*model\.|\*syntax\.|model\.Type|syntax\.[A-Z]`)

// FuzzParse feeds arbitrary text to the parser and checker: they must never
// panic, and every error must carry a position in the file.
func FuzzParse(f *testing.F) {
	seeds, _ := filepath.Glob("../../golden/*/*.cn")
	more, _ := filepath.Glob("../../golden/testdata/errors/*.cn")
	ex, _ := filepath.Glob("../../examples/*/*.cn")
	all := append(append(seeds, more...), ex...)
	if len(all) < 20 {
		f.Fatalf("found %d seed schemas, want the corpus", len(all))
	}
	for _, p := range all {
		if src, err := os.ReadFile(p); err == nil {
			f.Add(src)
		}
	}
	f.Add([]byte("package p\nstruct s { a [n]u8 n u8 }"))
	f.Add([]byte("package p\nconst A = (1 << 3) | ~0 & -5 % 3 ^ 2 / 1"))
	f.Fuzz(func(t *testing.T, src []byte) {
		s, err := Load("fuzz.cn", src)
		if err == nil {
			if s == nil {
				t.Fatal("nil schema without an error")
			}
			return
		}
		list, ok := err.(source.ErrorList)
		if !ok || len(list) == 0 {
			t.Fatalf("error %v (%T) is not a non-empty ErrorList", err, err)
		}
		for _, e := range list {
			if e.Pos.Filename != "fuzz.cn" || e.Pos.Line < 1 {
				t.Fatalf("error without a position: %q", e.Error())
			}
			if leak.MatchString(e.Msg) {
				t.Fatalf("error speaks of the implementation: %q", e.Error())
			}
		}
	})
}
