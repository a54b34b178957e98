package golden

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/cngen/cngen/dsl/check"
	"github.com/cngen/cngen/dsl/model"
	"github.com/cngen/cngen/dsl/source"
	"github.com/cngen/cngen/gen"
)

// TestErrors checks every schema in errors/: each `// ERROR "regexp"`
// comment must be matched by an error reported on its line, and every
// reported error must be expected by one. Several regexps may follow one
// ERROR. An error past the last line (end of file) counts as on the last
// line.
func TestErrors(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "errors", "*.cn"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no error cases found: %v", err)
	}
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			want := expectations(t, src)
			err = checkAll(filepath.Base(path), src)
			var list source.ErrorList
			if !errors.As(err, &list) {
				t.Fatalf("checking returned %v, want a source.ErrorList", err)
			}
			lines := strings.Count(string(src), "\n")
			for _, e := range list {
				if strings.Contains(e.Msg, "<nil>") || strings.Contains(e.Msg, "%!") {
					t.Errorf("%s: a message that speaks of the implementation: %s", posPrefix(e.Pos), e.Msg)
				}
				line := min(e.Pos.Line, lines)
				msg := strings.TrimPrefix(e.Error(), posPrefix(e.Pos))
				if !match(want[line], msg) {
					t.Errorf("%s: unexpected error: %s", posPrefix(e.Pos), msg)
				}
			}
			for line, res := range want {
				for _, re := range res {
					if !re.used {
						t.Errorf("%s:%d: missing error matching %q", filepath.Base(path), line, re.re)
					}
				}
			}
		})
	}
}

// checkAll checks a schema as cngen check does: the language's rules,
// then, when they pass, the Go back end's.
func checkAll(name string, src []byte) error {
	s, err := check.Load(name, src)
	if err != nil {
		return err
	}
	return gen.Check([]*model.Schema{s}, gen.Options{})
}

func posPrefix(p model.Pos) string {
	return p.Filename + ":" + strconv.Itoa(p.Line) + ":" + strconv.Itoa(p.Column) + ": "
}

type expectation struct {
	re   *regexp.Regexp
	used bool
}

var errorComment = regexp.MustCompile(`// ERROR (.*)$`)

// expectations reads the ERROR comments of a file, by line.
func expectations(t *testing.T, src []byte) map[int][]*expectation {
	want := map[int][]*expectation{}
	for i, line := range strings.Split(string(src), "\n") {
		m := errorComment.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		rest := strings.TrimSpace(m[1])
		for rest != "" {
			q, err := strconv.QuotedPrefix(rest)
			if err != nil {
				t.Fatalf("line %d: bad ERROR comment: %s", i+1, rest)
			}
			s, _ := strconv.Unquote(q)
			want[i+1] = append(want[i+1], &expectation{re: regexp.MustCompile(s)})
			rest = strings.TrimSpace(rest[len(q):])
		}
	}
	return want
}

// match marks the first unused expectation that msg satisfies.
func match(res []*expectation, msg string) bool {
	for _, e := range res {
		if !e.used && e.re.MatchString(msg) {
			e.used = true
			return true
		}
	}
	return false
}
