package breaking

import (
	"bytes"
	"flag"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cngen/cngen/codec"
	"github.com/cngen/cngen/dsl/check"
	"github.com/cngen/cngen/dsl/model"
	"github.com/cngen/cngen/dsl/wire"
	"github.com/cngen/cngen/report"
)

var update = flag.Bool("update", false, "rewrite the want.txt of every corpus case")

// TestCorpus compares old.cn with new.cn in every directory of
// testdata/compatible and testdata/incompatible, and fails on any
// difference from want.txt, the text output, and on a compatible case
// with an error or an incompatible one without.
func TestCorpus(t *testing.T) {
	for _, class := range []string{"compatible", "incompatible"} {
		dirs, err := filepath.Glob(filepath.Join("testdata", class, "*"))
		if err != nil || len(dirs) == 0 {
			t.Fatalf("no %s cases: %v", class, err)
		}
		for _, dir := range dirs {
			t.Run(class+"/"+filepath.Base(dir), func(t *testing.T) {
				findings := compareCase(t, dir)
				checkWant(t, filepath.Join(dir, "want.txt"), findings)
				switch errs := report.Errors(findings); {
				case class == "compatible" && errs > 0:
					t.Errorf("a compatible change has %d errors", errs)
				case class == "incompatible" && errs == 0:
					t.Error("an incompatible change has no error")
				}
			})
		}
	}
}

// compareCase compares the old.cn and new.cn of dir, named so.
func compareCase(t *testing.T, dir string) []report.Finding {
	t.Helper()
	old, new := load(t, dir, "old.cn"), load(t, dir, "new.cn")
	findings, err := Compare([]*model.Schema{old}, []*model.Schema{new})
	if err != nil {
		t.Fatal(err)
	}
	return findings
}

func load(t *testing.T, dir, name string) *model.Schema {
	t.Helper()
	src, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	s, err := check.Load(name, src)
	if err != nil {
		t.Fatalf("%s:\n%v", dir, err)
	}
	return s
}

// checkWant compares the text output of findings with the file want, or
// rewrites it with -update.
func checkWant(t *testing.T, want string, findings []report.Finding) {
	t.Helper()
	var got bytes.Buffer
	if err := report.Text(&got, findings); err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile(want, got.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	w, err := os.ReadFile(want)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(w), got.String()); diff != "" {
		t.Errorf("%s (-want +got):\n%s", want, diff)
	}
}

// TestCorpusCovers holds the corpus to the cases it must show.
func TestCorpusCovers(t *testing.T) {
	for _, c := range []string{
		"compatible/event_field_appended", "compatible/enum_value_added", "compatible/family_added",
		"incompatible/field_reordered", "incompatible/integer_narrowed", "incompatible/byte_order_changed",
		"incompatible/enum_renumbered", "incompatible/enum_value_removed", "incompatible/val_reused",
		"incompatible/idx_changed", "incompatible/message_removed", "incompatible/union_arm_removed",
		"incompatible/default_removed", "incompatible/selector_picks_other_arm", "incompatible/text_to_bytes",
		"incompatible/fixed_to_variable", "incompatible/api_field_renamed",
	} {
		if _, err := os.Stat(filepath.Join("testdata", c, "want.txt")); err != nil {
			t.Errorf("case %s: %v", c, err)
		}
	}
}

// TestRulesOfOneCategory: an API-only change has no WIRE error, and a
// wire-compatible append no API finding at all.
func TestRulesOfOneCategory(t *testing.T) {
	for _, tc := range []struct {
		dir    string
		absent string
	}{
		{"testdata/incompatible/api_field_renamed", Wire},
		{"testdata/compatible/event_field_appended", API},
	} {
		for _, f := range compareCase(t, tc.dir) {
			if f.Rule == tc.absent && (tc.absent == API || f.Severity == 0) {
				t.Errorf("%s: unexpected %s finding: %s", tc.dir, tc.absent, f.Message)
			}
		}
	}
}

// TestSortedAndPositioned: findings come sorted by position, each with a
// line, in the new schema but for what was removed.
func TestSortedAndPositioned(t *testing.T) {
	findings := compareCase(t, "testdata/incompatible/message_removed")
	for i, f := range findings {
		if !f.Pos.IsValid() {
			t.Errorf("finding without a position: %+v", f)
		}
		if i > 0 && comparePos(findings[i-1], f) > 0 {
			t.Errorf("not sorted: %v before %v", findings[i-1].Pos, f.Pos)
		}
		if strings.Contains(f.Message, "removed") != (f.Pos.Filename == "old.cn") {
			t.Errorf("%s: %s: a removal belongs in the old schema, the rest in the new", f.Pos, f.Message)
		}
	}
}

func comparePos(a, b report.Finding) int {
	switch {
	case a.Pos.Filename != b.Pos.Filename:
		return strings.Compare(a.Pos.Filename, b.Pos.Filename)
	case a.Pos.Line != b.Pos.Line:
		return a.Pos.Line - b.Pos.Line
	}
	return a.Pos.Column - b.Pos.Column
}

// repoSchemas are the schemas of the repository's golden corpus and
// examples, each loaded twice.
func repoSchemas(t *testing.T) (a, b []*model.Schema) {
	t.Helper()
	paths, err := filepath.Glob("../golden/*/*.cn")
	if err != nil {
		t.Fatal(err)
	}
	more, _ := filepath.Glob("../examples/*/*.cn")
	for _, p := range append(paths, more...) {
		src, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		x, errX := check.Load(p, src)
		y, errY := check.Load(p, src)
		if errX != nil || errY != nil {
			t.Fatal(errX, errY)
		}
		a, b = append(a, x), append(b, y)
	}
	return a, b
}

// TestSelfIsCompatible: every schema of the repository compared with
// itself has nothing to report, alone and all at once.
func TestSelfIsCompatible(t *testing.T) {
	a, b := repoSchemas(t)
	for i := range a {
		findings, err := Compare(a[i:i+1], b[i:i+1])
		if err != nil || len(findings) > 0 {
			t.Errorf("%s against itself: %v %v", a[i].File, err, findings)
		}
	}
	if findings, err := Compare(a, b); err != nil || len(findings) > 0 {
		t.Errorf("all against themselves: %v %v", err, findings)
	}
}

// TestAnyPairCompares: any two schemas compare, whatever their layouts,
// without failing; the findings are sorted and placed.
func TestAnyPairCompares(t *testing.T) {
	a, b := repoSchemas(t)
	for _, x := range a {
		for _, y := range b {
			findings, err := Compare([]*model.Schema{x}, []*model.Schema{y})
			if err != nil {
				t.Errorf("%s against %s: %v", x.File, y.File, err)
			}
			for i, f := range findings {
				if !f.Pos.IsValid() || i > 0 && comparePos(findings[i-1], f) > 0 {
					t.Errorf("%s against %s: finding %d unsorted or unplaced: %v", x.File, y.File, i, f)
				}
			}
		}
	}
}

// TestDecodersAgree: the generic codec, which decodes as generated code
// does, refuses a message written by the other version only where the
// comparison has something to say. Each payload's zero value is written
// by one version and read by the other, both ways.
func TestDecodersAgree(t *testing.T) {
	dirs, err := filepath.Glob("testdata/*/*")
	if err != nil {
		t.Fatal(err)
	}
	refused := 0
	for _, dir := range dirs {
		old, new := load(t, dir, "old.cn"), load(t, dir, "new.cn")
		rs := refusals(old, new)
		refused += len(rs)
		if len(rs) > 0 && len(compareCase(t, dir)) == 0 {
			t.Errorf("%s: no finding, but %s", dir, strings.Join(rs, "; "))
		}
	}
	if refused == 0 {
		t.Error("no reader refused anything: the test shows nothing")
	}
}

// refusals lists the payloads of messages in both versions that a
// reader of one version refuses when a writer of the other sends their
// zero value.
func refusals(old, new *model.Schema) []string {
	op, np := wire.New(old), wire.New(new)
	oc, nc := codec.New(op), codec.New(np)
	var out []string
	for _, of := range old.Families {
		for _, om := range of.Messages {
			nm := messageOf(new, of.Name, om.Name)
			if nm == nil || nm.Kind != om.Kind {
				continue
			}
			for _, reply := range []bool{false, true}[:len(om.Directions())] {
				ol, nl := op.Payload(om, reply), np.Payload(nm, reply)
				if err := readAs(nc, nl, oc, ol); err != nil {
					out = append(out, "an old reader of "+nl.Name+": "+err.Error())
				}
				if err := readAs(oc, ol, nc, nl); err != nil {
					out = append(out, "a new reader of "+ol.Name+": "+err.Error())
				}
			}
		}
	}
	return out
}

// readAs writes the zero value of wl with wc and reads it as rl with rc:
// the reader's error, or nil (also when the zero value does not encode).
func readAs(wc *codec.Codec, wl *wire.Layout, rc *codec.Codec, rl *wire.Layout) error {
	b, err := wc.Encode(nil, wl, codec.Zero(wl.Type))
	if err != nil {
		return nil
	}
	_, err = rc.Decode(rl, b)
	return err
}

func messageOf(s *model.Schema, family, name string) *model.Message {
	for _, f := range s.Families {
		if f.Name == family {
			return findMessage(f.Messages, name)
		}
	}
	return nil
}

// docExample is a fenced block of docs/breaking.md that shows the output
// of a corpus case in a format, marked <!-- output: CASE FORMAT -->.
var docExample = regexp.MustCompile("(?s)<!-- output: (\\S+) (\\S+) -->\n```\\w*\n(.*?)```")

// TestDocExamples: the examples of docs/breaking.md are what cngen
// breaking writes for their corpus cases.
func TestDocExamples(t *testing.T) {
	doc, err := os.ReadFile("../docs/breaking.md")
	if err != nil {
		t.Fatal(err)
	}
	writers := map[string]func(io.Writer, []report.Finding) error{"text": report.Text, "json": report.JSON, "github": report.GitHub}
	examples := docExample.FindAllStringSubmatch(string(doc), -1)
	if len(examples) != 3 {
		t.Fatalf("%d examples, want one per format", len(examples))
	}
	for _, ex := range examples {
		var got bytes.Buffer
		if err := writers[ex[2]](&got, compareCase(t, filepath.Join("testdata", ex[1]))); err != nil {
			t.Fatal(ex[1], ex[2], err)
		}
		if diff := cmp.Diff(ex[3], got.String()); diff != "" {
			t.Errorf("docs/breaking.md, %s as %s (-doc +got):\n%s", ex[1], ex[2], diff)
		}
	}
}
