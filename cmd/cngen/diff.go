package main

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
)

// The unified diff of cngen fmt -d, written here rather than taken from a
// dependency or from a diff program that may not be installed: Myers'
// O(ND) line diff, printed as diff -u prints it, so that patch -p1
// applies it.

// diffContext is how many unchanged lines a hunk shows around a change.
const diffContext = 3

// unifiedDiff is the diff from old to new of the file at path, with the
// headers --- a/path and +++ b/path; nothing when they are equal.
func unifiedDiff(path string, old, new []byte) []byte {
	if bytes.Equal(old, new) {
		return nil
	}
	a, b := diffLines(old), diffLines(new)
	var out bytes.Buffer
	fmt.Fprintf(&out, "--- a/%s\n+++ b/%s\n", path, path)
	for _, h := range diffHunks(editScript(a, b), diffContext) {
		h.write(&out, a, b)
	}
	return out.Bytes()
}

// diffLines cuts text after every newline; the last line lacks one when
// the text does not end with a newline, which makes it differ from the
// same line with one, as diff has it.
func diffLines(text []byte) []string {
	var lines []string
	for s := string(text); s != ""; {
		i := strings.IndexByte(s, '\n') + 1
		if i == 0 {
			i = len(s)
		}
		lines = append(lines, s[:i])
		s = s[i:]
	}
	return lines
}

// lineOp is what an edit does with a line.
type lineOp byte

const (
	keepLine   lineOp = ' '
	deleteLine lineOp = '-'
	insertLine lineOp = '+'
)

// lineEdit is one step of an edit script: keep a[i] (which is b[j]),
// delete a[i], or insert b[j]. Both i and j are where the step stands in
// a and in b, which is what a hunk's @@ line counts from.
type lineEdit struct {
	kind lineOp
	i, j int
}

// maxEdits bounds the space editScript takes, O(D²) for D edits. A diff
// of more edits, such as a file of CRLF lines, every one of which
// changes, is instead the lines between the first and the last change
// replaced: no shorter, but in linear space.
const maxEdits = 1000

// editScript is a shortest edit script from a to b, by Myers' greedy
// algorithm. trace[d][k+d] is the furthest x that d edits reach on
// diagonal k = x-y, which is what walking back needs.
func editScript(a, b []string) []lineEdit {
	var trace [][]int
	for d := 0; d <= maxEdits; d++ {
		v := make([]int, 2*d+1)
		for k := -d; k <= d; k += 2 {
			x := 0
			if d > 0 {
				x, _ = stepStart(trace[d-1], d, k)
			}
			for x < len(a) && x-k < len(b) && a[x] == b[x-k] {
				x++
			}
			v[k+d] = x
			if x >= len(a) && x-k >= len(b) {
				return backtrack(append(trace, v), a, b)
			}
		}
		trace = append(trace, v)
	}
	return replaceMiddle(a, b)
}

// replaceMiddle is the edit script that keeps the lines a and b start
// and end with and replaces all between.
func replaceMiddle(a, b []string) []lineEdit {
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	var script []lineEdit
	for i := range pre {
		script = append(script, lineEdit{keepLine, i, i})
	}
	for i := pre; i < len(a)-suf; i++ {
		script = append(script, lineEdit{deleteLine, i, pre})
	}
	for j := pre; j < len(b)-suf; j++ {
		script = append(script, lineEdit{insertLine, len(a) - suf, j})
	}
	for n := suf; n > 0; n-- {
		script = append(script, lineEdit{keepLine, len(a) - n, len(b) - n})
	}
	return script
}

// stepStart is where edit d on diagonal k starts, given prev, the row of
// step d-1: one down from diagonal k+1 (an insertion), or one right from
// k-1 (a deletion), whichever got further; down says which.
func stepStart(prev []int, d, k int) (x int, down bool) {
	if k == -d || k != d && prev[k-2+d] < prev[k+d] {
		return prev[k+d], true
	}
	return prev[k-2+d] + 1, false
}

// backtrack walks trace from the end of both texts to their start and
// returns the edits in order.
func backtrack(trace [][]int, a, b []string) []lineEdit {
	var rev []lineEdit
	x, y := len(a), len(b)
	for d := len(trace) - 1; d >= 0; d-- {
		k := x - y
		sx, down := 0, false
		if d > 0 {
			sx, down = stepStart(trace[d-1], d, k)
		}
		for ; x > sx; x, y = x-1, y-1 {
			rev = append(rev, lineEdit{keepLine, x - 1, y - 1})
		}
		switch {
		case d == 0:
		case down:
			y--
			rev = append(rev, lineEdit{insertLine, x, y})
		default:
			x--
			rev = append(rev, lineEdit{deleteLine, x, y})
		}
	}
	slices.Reverse(rev)
	return rev
}

// line is the text of the line e keeps, deletes or inserts.
func (e lineEdit) line(a, b []string) string {
	if e.kind == insertLine {
		return b[e.j]
	}
	return a[e.i]
}

// diffHunk is a run of edits with the kept lines around them.
type diffHunk struct {
	script []lineEdit
}

// diffHunks groups the changes of script with up to context kept lines
// around each; changes fewer than 2*context+1 kept lines apart share a
// hunk, as in diff -u.
func diffHunks(script []lineEdit, context int) []diffHunk {
	var out []diffHunk
	for start := 0; start < len(script); {
		first := nextChange(script, start)
		if first == len(script) {
			break
		}
		last := first // the last change of the hunk
		for n := nextChange(script, last+1); n < len(script) && n-last-1 <= 2*context; n = nextChange(script, n+1) {
			last = n
		}
		lo, hi := max(first-context, start), min(last+1+context, len(script))
		out = append(out, diffHunk{script[lo:hi]})
		start = hi
	}
	return out
}

// nextChange is the index of the first edit at or after i that is not a
// kept line, or len(script).
func nextChange(script []lineEdit, i int) int {
	for i < len(script) && script[i].kind == keepLine {
		i++
	}
	return i
}

// write prints h: its @@ line, then each line after its mark.
func (h diffHunk) write(out *bytes.Buffer, a, b []string) {
	var na, nb int
	for _, e := range h.script {
		if e.kind != insertLine {
			na++
		}
		if e.kind != deleteLine {
			nb++
		}
	}
	first := h.script[0]
	fmt.Fprintf(out, "@@ -%s +%s @@\n", hunkRange(first.i, na), hunkRange(first.j, nb))
	for _, e := range h.script {
		line := e.line(a, b)
		out.WriteByte(byte(e.kind))
		out.WriteString(line)
		if !strings.HasSuffix(line, "\n") {
			out.WriteString("\n\\ No newline at end of file\n")
		}
	}
}

// hunkRange is a hunk's range of lines in one file, from 0-based start,
// as diff -u writes it: "l,n", just "l" for one line, and for none the
// line before the place, "l,0".
func hunkRange(start, n int) string {
	switch n {
	case 0:
		return fmt.Sprintf("%d,0", start)
	case 1:
		return fmt.Sprintf("%d", start+1)
	}
	return fmt.Sprintf("%d,%d", start+1, n)
}
