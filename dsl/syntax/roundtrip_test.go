package syntax

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/cngen/cngen/dsl/source"
)

// corpusFile is one schema of the repository's corpus.
type corpusFile struct {
	name    string
	src     []byte
	mayFail bool // an error case: it need not parse
}

var cnBlock = regexp.MustCompile("(?s)```cn\n(.*?)```")

// corpus is every .cn schema in the repository: the golden packages, the
// error cases, the examples and the cn blocks of the language reference.
func corpus(t testing.TB) []corpusFile {
	var files []corpusFile
	for _, glob := range []string{"../../golden/*/*.cn", "../../golden/testdata/errors/*.cn", "../../examples/*/*.cn"} {
		paths, err := filepath.Glob(glob)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range paths {
			src, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			files = append(files, corpusFile{name: p, src: src, mayFail: filepath.Base(filepath.Dir(p)) == "errors"})
		}
	}
	doc, err := os.ReadFile("../../docs/language.md")
	if err != nil {
		t.Fatal(err)
	}
	for i, m := range cnBlock.FindAllSubmatch(doc, -1) {
		files = append(files, corpusFile{name: "language.md#" + strconv.Itoa(i+1), src: m[1]})
	}
	return files
}

// samePlace compares trees, ignoring positions only: the comments and
// their docs, the number of tokens and the warnings' messages count.
var samePlace = cmpopts.IgnoreTypes(source.Pos{})

// roundTrip formats f, parses the result and formats that again. The
// second tree must equal the first but for positions, every comment must
// stand between the same two tokens and on a line of its own or not as
// before, and the second printing must equal the first.
func roundTrip(t *testing.T, name string, f *File) (out []byte) {
	t.Helper()
	out = Format(f)
	g, err := Parse(name, out)
	if err != nil {
		t.Fatalf("formatted text does not parse: %v\n%s", err, out)
	}
	if diff := cmp.Diff(f, g, samePlace); diff != "" {
		t.Fatalf("tree changed by formatting (-want +got):\n%s\nformatted:\n%s", diff, out)
	}
	if diff := cmp.Diff(commentPlaces(f), commentPlaces(g)); diff != "" {
		t.Fatalf("comments moved (-want +got):\n%s\nformatted:\n%s", diff, out)
	}
	if again := Format(g); string(again) != string(out) {
		t.Fatalf("formatting is not idempotent (-want +got):\n%s", cmp.Diff(string(out), string(again)))
	}
	return out
}

// commentPlace is where a comment stands, in terms that survive
// formatting.
type commentPlace struct {
	Text     string
	After    int  // tokens before it
	Trailing bool // after a token on its line
}

func commentPlaces(f *File) []commentPlace {
	var out []commentPlace
	for _, c := range f.Comments {
		out = append(out, commentPlace{c.Text, f.tokensBefore(c), f.trailing(c)})
	}
	return out
}

func TestRoundTripCorpus(t *testing.T) {
	files := corpus(t)
	var parsed, comments, docs, cnBlocks int
	for _, cf := range files {
		t.Run(cf.name, func(t *testing.T) {
			f, err := Parse(cf.name, cf.src)
			if err != nil {
				if !cf.mayFail {
					t.Fatal(err)
				}
				return
			}
			parsed++
			comments += len(f.Comments)
			docs += countDocs(f)
			if filepath.Ext(cf.name) != ".cn" {
				cnBlocks++
			}
			roundTrip(t, cf.name, f)
		})
	}
	// The test stands on the corpus: make sure there is one, with
	// comments and docs to move about.
	t.Logf("%d files parsed (%d cn blocks), %d comments, %d docs", parsed, cnBlocks, comments, docs)
	if parsed < 20 || cnBlocks < 5 || comments < 100 || docs < 50 {
		t.Errorf("corpus too small: %d files parsed (%d cn blocks), %d comments, %d docs", parsed, cnBlocks, comments, docs)
	}
}

// countDocs counts the nodes that got a doc.
func countDocs(f *File) int {
	n := 0
	for _, doc := range docsOf(f) {
		if len(doc) > 0 {
			n++
		}
	}
	return n
}

// everything is a schema with every construct of the grammar, bodies on
// one line and on several.
const everything = `package p
const A = (1 << 3) | ~0x0f & -5 % 3 ^ 2 / 1
enum e : u8 { a = 1  b = A + 1 }
flags f : u16be {
    x = 0b1  y = 0o2
    z = 4
}
struct s packed size 8 + 8 {
    n u8
    a [2][n]u16 align(2)
    c cstring[4]
    b bytes[n]
    t string[n]
    p pad 1
    r []u8
}
union u size 4 { x u32  y [4]u8 }
union v switch e {
    a => struct packed { k u8  l u8 }
    b => struct {
        m u16
    }
    default => bytes
}
struct w { k e  d v(k)  s string  rest bytes }
family fam idx 0x20 {
    group 1, 2
    sender kernel
    send a val 1 s
    event b val 2 w
    call c val 3 bytes -> s
}
`

// TestCommentsEverywhere puts a comment of each kind after every token
// of a schema with every construct: each must come back from formatting
// in its place, with the docs and warnings it makes.
func TestCommentsEverywhere(t *testing.T) {
	lx, err := scan("e.cn", []byte(everything))
	if err != nil {
		t.Fatal(err)
	}
	inserts := []string{" // c\n", " /// d\n", "\n// c\n", "\n/// d\n", "\n\n/// d\n\n", "\n/// d\n/// e\n"}
	for k, tok := range lx.toks {
		for _, ins := range inserts {
			src := everything[:tok.end.Offset] + ins + everything[tok.end.Offset:]
			f, err := Parse("e.cn", []byte(src))
			if err != nil {
				t.Fatalf("after token %d %q, %q: %v", k, tok.text, ins, err)
			}
			if len(f.Comments) != strings.Count(ins, "//") {
				t.Fatalf("after token %d %q, %q: %d comments", k, tok.text, ins, len(f.Comments))
			}
			roundTrip(t, "e.cn", f)
		}
	}
}
