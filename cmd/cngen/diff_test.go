package main

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// lines makes a text of numbered lines from..to, each ending in a newline.
func numberedLines(from, to int) string {
	var b strings.Builder
	for i := from; i <= to; i++ {
		fmt.Fprintf(&b, "%d\n", i)
	}
	return b.String()
}

func TestUnifiedDiff(t *testing.T) {
	tests := []struct {
		name, old, new, want string
	}{{
		name: "equal texts have no diff",
		old:  "a\nb\n", new: "a\nb\n",
		want: "",
	}, {
		name: "a change in the middle, with three lines of context",
		old:  numberedLines(1, 9), new: strings.Replace(numberedLines(1, 9), "5\n", "five\n", 1),
		want: "--- a/f.cn\n+++ b/f.cn\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n",
	}, {
		name: "a line added at the start",
		old:  numberedLines(1, 5), new: "0\n" + numberedLines(1, 5),
		want: "--- a/f.cn\n+++ b/f.cn\n@@ -1,3 +1,4 @@\n+0\n 1\n 2\n 3\n",
	}, {
		name: "a line removed at the end",
		old:  numberedLines(1, 5), new: numberedLines(1, 4),
		want: "--- a/f.cn\n+++ b/f.cn\n@@ -2,4 +2,3 @@\n 2\n 3\n 4\n-5\n",
	}, {
		name: "a missing newline at the end is a change",
		old:  "a\nb", new: "a\nb\n",
		want: "--- a/f.cn\n+++ b/f.cn\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n",
	}, {
		name: "from nothing",
		old:  "", new: "a\nb\n",
		want: "--- a/f.cn\n+++ b/f.cn\n@@ -0,0 +1,2 @@\n+a\n+b\n",
	}, {
		name: "to nothing",
		old:  "a\n", new: "",
		want: "--- a/f.cn\n+++ b/f.cn\n@@ -1 +0,0 @@\n-a\n",
	}, {
		name: "changes seven lines apart make two hunks",
		old:  numberedLines(1, 9), new: "x\n" + numberedLines(2, 8) + "y\n",
		want: "--- a/f.cn\n+++ b/f.cn\n@@ -1,4 +1,4 @@\n-1\n+x\n 2\n 3\n 4\n@@ -6,4 +6,4 @@\n 6\n 7\n 8\n-9\n+y\n",
	}, {
		name: "changes six lines apart share a hunk",
		old:  numberedLines(1, 8), new: "x\n" + numberedLines(2, 7) + "y\n",
		want: "--- a/f.cn\n+++ b/f.cn\n@@ -1,8 +1,8 @@\n-1\n+x\n 2\n 3\n 4\n 5\n 6\n 7\n-8\n+y\n",
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := string(unifiedDiff("f.cn", []byte(tt.old), []byte(tt.new)))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("unifiedDiff (-want +got):\n%s", diff)
			}
		})
	}
}

// TestUnifiedDiffApplies diffs random edits of random texts: applying the
// hunks to the old text must give the new one, and the diff must be as
// short as can be, one line added or removed for each line not in a
// longest common subsequence.
func TestUnifiedDiffApplies(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 500 {
		old := randomLines(r)
		new := randomEdit(r, old)
		d := unifiedDiff("f.cn", []byte(old), []byte(new))
		got, err := applyDiff(old, string(d))
		if err != nil || got != new {
			t.Fatalf("case %d: applying the diff: %v\nold %q\nnew %q\ngot %q\ndiff:\n%s", i, err, old, new, got, d)
		}
		a, b := diffLines([]byte(old)), diffLines([]byte(new))
		if changed, want := changedLines(d), len(a)+len(b)-2*lcsLen(a, b); changed != want {
			t.Fatalf("case %d: %d lines changed, want %d\ndiff:\n%s", i, changed, want, d)
		}
	}
}

// TestUnifiedDiffOfManyEdits: past maxEdits the diff replaces what lies
// between the first and the last change, and still applies.
func TestUnifiedDiffOfManyEdits(t *testing.T) {
	new := numberedLines(1, maxEdits)
	old := "header\n" + strings.ReplaceAll(new, "\n", "\r\n") + "footer\n"
	new = "header\n" + new + "footer\n"
	d := unifiedDiff("f.cn", []byte(old), []byte(new))
	if got, err := applyDiff(old, string(d)); err != nil || got != new {
		t.Fatalf("applying the diff: %v", err)
	}
	if got, want := changedLines(d), 2*maxEdits; got != want {
		t.Errorf("%d lines changed, want %d", got, want)
	}
	if !bytes.HasPrefix(d, []byte("--- a/f.cn\n+++ b/f.cn\n@@ -1,1002 +1,1002 @@\n header\n-1\r\n")) {
		t.Errorf("diff starts %q", d[:60])
	}
}

// randomLines is a few lines from a small alphabet, so that lines repeat,
// sometimes without the final newline.
func randomLines(r *rand.Rand) string {
	var b strings.Builder
	for range r.IntN(30) {
		b.WriteString(string(rune('a'+r.IntN(4))) + "\n")
	}
	s := b.String()
	if s != "" && r.IntN(4) == 0 {
		s = s[:len(s)-1]
	}
	return s
}

// randomEdit replaces, inserts and deletes some lines of s.
func randomEdit(r *rand.Rand, s string) string {
	ls := diffLines([]byte(s))
	for range r.IntN(6) {
		i := r.IntN(len(ls) + 1)
		switch line := string(rune('a'+r.IntN(5))) + "\n"; {
		case r.IntN(3) == 0 && i < len(ls):
			ls = append(ls[:i], ls[i+1:]...)
		case r.IntN(2) == 0 && i < len(ls):
			ls[i] = line
		default:
			ls = append(ls[:i], append([]string{line}, ls[i:]...)...)
		}
	}
	return strings.Join(ls, "")
}

// lcs is the length of a longest common subsequence of a and b.
func lcsLen(a, b []string) int {
	row := make([]int, len(b)+1)
	for i := range a {
		prev := 0 // the cell up and left
		for j := range b {
			up := row[j+1]
			if a[i] == b[j] {
				row[j+1] = prev + 1
			} else {
				row[j+1] = max(row[j+1], row[j])
			}
			prev = up
		}
	}
	return row[len(b)]
}

// changedLines counts the lines a diff removes or adds.
func changedLines(d []byte) int {
	n := 0
	for _, l := range strings.SplitAfter(string(d), "\n") {
		if (strings.HasPrefix(l, "-") || strings.HasPrefix(l, "+")) && !strings.HasPrefix(l, "--- a/") && !strings.HasPrefix(l, "+++ b/") {
			n++
		}
	}
	return n
}

// applyDiff applies a unified diff of one file to old, as patch would,
// checking every context and removed line against old and every hunk's
// counts against its lines.
func applyDiff(old, diff string) (string, error) {
	if diff == "" {
		return old, nil
	}
	body, ok := strings.CutPrefix(diff, "--- a/f.cn\n+++ b/f.cn\n")
	if !ok {
		return "", fmt.Errorf("no --- a/ +++ b/ header")
	}
	src := diffLines([]byte(old))
	var out []string
	next := 0 // the next line of src to copy
	for _, h := range splitHunks(diffLines([]byte(body))) {
		var err error
		if out, next, err = applyHunk(h, src, next, out); err != nil {
			return "", err
		}
	}
	return strings.Join(append(out, src[next:]...), ""), nil
}

// splitHunks cuts the lines of a diff before every @@ line.
func splitHunks(lines []string) [][]string {
	var hunks [][]string
	for _, l := range lines {
		if strings.HasPrefix(l, "@@") || len(hunks) == 0 {
			hunks = append(hunks, nil)
		}
		hunks[len(hunks)-1] = append(hunks[len(hunks)-1], l)
	}
	return hunks
}

// applyHunk applies one hunk, its @@ line and the lines after it: the
// lines of src from next up to it are copied to out first.
func applyHunk(h []string, src []string, next int, out []string) ([]string, int, error) {
	oldStart, oldN, newN, err := parseHunkHeader(h[0])
	if err != nil {
		return nil, 0, err
	}
	if oldN > 0 {
		oldStart-- // a range of none names the line before it
	}
	if oldStart < next || oldStart > len(src) {
		return nil, 0, fmt.Errorf("diffHunk %q out of order", h[0])
	}
	out = append(out, src[next:oldStart]...)
	old, new := hunkSides(h[1:])
	if len(old) != oldN || len(new) != newN {
		return nil, 0, fmt.Errorf("diffHunk %q has %d old and %d new lines", h[0], len(old), len(new))
	}
	if oldStart+oldN > len(src) || strings.Join(src[oldStart:oldStart+oldN], "") != strings.Join(old, "") {
		return nil, 0, fmt.Errorf("diffHunk %q does not match the old text", h[0])
	}
	return append(out, new...), oldStart + oldN, nil
}

// parseHunkHeader reads "@@ -l,n +l,n @@\n".
func parseHunkHeader(h string) (oldStart, oldN, newN int, err error) {
	f := strings.Fields(h)
	if len(f) != 4 || f[0] != "@@" || f[3] != "@@" || !strings.HasPrefix(f[1], "-") || !strings.HasPrefix(f[2], "+") {
		return 0, 0, 0, fmt.Errorf("bad diffHunk header %q", h)
	}
	oldStart, oldN, err1 := parseRange(f[1][1:])
	_, newN, err2 := parseRange(f[2][1:])
	if err1 != nil || err2 != nil {
		return 0, 0, 0, fmt.Errorf("bad diffHunk header %q", h)
	}
	return oldStart, oldN, newN, nil
}

// parseRange reads "l,n", or "l" for one line.
func parseRange(r string) (start, n int, err error) {
	s, c, found := strings.Cut(r, ",")
	if start, err = strconv.Atoi(s); err != nil || !found {
		return start, 1, err
	}
	n, err = strconv.Atoi(c)
	return start, n, err
}

// hunkSides splits a hunk's lines into its old and new side; a
// "\ No newline at end of file" takes the newline off the line before it.
func hunkSides(lines []string) (old, new []string) {
	var last []*[]string // the sides the line before went to
	for _, l := range lines {
		text := l[1:]
		switch l[0] {
		case ' ':
			old, new = append(old, text), append(new, text)
			last = []*[]string{&old, &new}
		case '-':
			old, last = append(old, text), []*[]string{&old}
		case '+':
			new, last = append(new, text), []*[]string{&new}
		case '\\':
			for _, side := range last {
				(*side)[len(*side)-1] = strings.TrimSuffix((*side)[len(*side)-1], "\n")
			}
		}
	}
	return old, new
}

// TestUnifiedDiffPatch feeds a diff of cngen's to patch -p1, when patch
// is installed, which must turn the old file into the new one.
func TestUnifiedDiffPatch(t *testing.T) {
	patch, err := exec.LookPath("patch")
	if err != nil {
		t.Skip("patch is not installed")
	}
	dir := t.TempDir()
	old := numberedLines(1, 20) + "tail"
	new := "0\n" + strings.Replace(numberedLines(1, 20), "10\n", "ten\n", 1)
	if err := os.WriteFile(filepath.Join(dir, "f.cn"), []byte(old), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(patch, "-p1", "--quiet")
	cmd.Dir, cmd.Stdin = dir, bytes.NewReader(unifiedDiff("f.cn", []byte(old), []byte(new)))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("patch: %v\n%s", err, out)
	}
	got, _ := os.ReadFile(filepath.Join(dir, "f.cn"))
	if diff := cmp.Diff(new, string(got)); diff != "" {
		t.Errorf("patched file (-want +got):\n%s", diff)
	}
}
