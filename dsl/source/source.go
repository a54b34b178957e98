// Package source holds what every stage of cngen shares about a .cn file:
// positions in it, the errors reported at them, and the measure of a near
// miss that their hints use. The syntax tree, the
// checked model, the wire plan and every back end (the Go emitter, the C
// emitter, the generic codec) speak of a schema in these terms, so that a
// message reads the same whichever stage found the problem, and none of
// them depends on the parser library's types.
package source

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Pos is a position in a .cn file: the file name as given to the parser,
// the byte offset, and the line and column, both 1-based. The zero Pos is
// no position.
type Pos struct {
	Filename string
	Offset   int
	Line     int
	Column   int
}

// IsValid reports whether p is a position at all.
func (p Pos) IsValid() bool { return p.Line > 0 }

// String is file:line:col, line:col without a file name, or the file name
// alone for a position in no line (a file that cannot be read).
func (p Pos) String() string {
	if p.Line == 0 && p.Filename != "" {
		return p.Filename
	}
	if p.Filename == "" {
		return strconv.Itoa(p.Line) + ":" + strconv.Itoa(p.Column)
	}
	return p.Filename + ":" + strconv.Itoa(p.Line) + ":" + strconv.Itoa(p.Column)
}

// Compare orders positions by file, line and column.
func Compare(a, b Pos) int {
	return cmp.Or(
		cmp.Compare(a.Filename, b.Filename),
		cmp.Compare(a.Line, b.Line),
		cmp.Compare(a.Column, b.Column),
	)
}

// Severity says whether a finding stops generation.
type Severity int

const (
	// SevError: the schema is refused.
	SevError Severity = iota
	// SevWarning: the schema is accepted, but something in it is
	// probably not what its author meant.
	SevWarning
)

// Error is one problem in a schema, at a position, with an optional related
// position ("previous declaration at x.cn:4:2").
type Error struct {
	Pos      Pos
	Msg      string
	Related  *Related
	Severity Severity
}

// Related points at a second position that explains an Error.
type Related struct {
	Pos Pos
	Msg string // e.g. "previous declaration"
}

// Error is file:line:col: message, with the related position in
// parentheses; a warning says so after the position.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Pos.String())
	b.WriteString(": ")
	if e.Severity == SevWarning {
		b.WriteString("warning: ")
	}
	b.WriteString(e.Msg)
	if e.Related != nil {
		b.WriteString(" (" + e.Related.Msg + " at " + e.Related.Pos.String() + ")")
	}
	return b.String()
}

// ErrorList is every error of a run, sorted by position. It is returned as
// an error only when it is not empty.
type ErrorList []*Error

func (l ErrorList) Error() string {
	switch len(l) {
	case 0:
		return "no errors"
	case 1:
		return l[0].Error()
	}
	var b strings.Builder
	for i, e := range l {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.Error())
	}
	return b.String()
}

// Unwrap lets errors.As find the individual errors.
func (l ErrorList) Unwrap() []error {
	out := make([]error, len(l))
	for i, e := range l {
		out[i] = e
	}
	return out
}

// Add records an error at pos and returns it, so that a Related can be
// set.
func (l *ErrorList) Add(pos Pos, format string, args ...any) *Error {
	e := &Error{Pos: pos, Msg: fmt.Sprintf(format, args...)}
	*l = append(*l, e)
	return e
}

// Warn records a warning at pos.
func (l *ErrorList) Warn(pos Pos, format string, args ...any) *Error {
	e := l.Add(pos, format, args...)
	e.Severity = SevWarning
	return e
}

// Sort sorts by file, line, column and message, and drops exact repeats.
func (l ErrorList) Sort() ErrorList {
	slices.SortStableFunc(l, func(a, b *Error) int {
		return cmp.Or(Compare(a.Pos, b.Pos), cmp.Compare(a.Msg, b.Msg))
	})
	return slices.CompactFunc(l, func(a, b *Error) bool {
		return a.Error() == b.Error()
	})
}

// Errors returns the errors of l, without its warnings.
func (l ErrorList) Errors() ErrorList {
	var out ErrorList
	for _, e := range l {
		if e.Severity == SevError {
			out = append(out, e)
		}
	}
	return out
}

// Warnings returns the warnings of l.
func (l ErrorList) Warnings() ErrorList {
	var out ErrorList
	for _, e := range l {
		if e.Severity == SevWarning {
			out = append(out, e)
		}
	}
	return out
}

// Err returns the errors of l, sorted, as an error, or nil when it holds
// none. Warnings do not make an error.
func (l ErrorList) Err() error {
	if errs := l.Errors(); len(errs) > 0 {
		return errs.Sort()
	}
	return nil
}

// EditDistance is the number of single-character insertions, deletions,
// substitutions and swaps of neighbours that turn a into b (the optimal
// string alignment distance): strcut is one edit from struct, u23 one
// from u32. Hints of the form "did you mean …?" rank candidates by it;
// it takes time len(a)×len(b), so callers bound what they compare.
func EditDistance(a, b string) int {
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(a)][len(b)]
}
