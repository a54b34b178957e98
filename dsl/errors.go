package dsl

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Error is one problem in a schema, at a position, with an optional related
// position ("previous declaration at x.cn:4:2").
type Error struct {
	Pos     Pos
	Msg     string
	Related *Related
}

// Related points at a second position that explains an Error.
type Related struct {
	Pos Pos
	Msg string // e.g. "previous declaration"
}

func (e *Error) Error() string {
	s := posString(e.Pos) + ": " + e.Msg
	if e.Related != nil {
		s += " (" + e.Related.Msg + " at " + posString(e.Related.Pos) + ")"
	}
	return s
}

func posString(p Pos) string {
	if p.Filename == "" {
		return fmt.Sprintf("%d:%d", p.Line, p.Column)
	}
	return fmt.Sprintf("%s:%d:%d", p.Filename, p.Line, p.Column)
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

// add records an error at pos.
func (l *ErrorList) add(pos Pos, format string, args ...any) *Error {
	e := &Error{Pos: pos, Msg: fmt.Sprintf(format, args...)}
	*l = append(*l, e)
	return e
}

// sortUnique sorts by file, line, column and message and drops exact
// repeats.
func (l ErrorList) sortUnique() ErrorList {
	slices.SortStableFunc(l, func(a, b *Error) int {
		return cmp.Or(
			cmp.Compare(a.Pos.Filename, b.Pos.Filename),
			cmp.Compare(a.Pos.Line, b.Pos.Line),
			cmp.Compare(a.Pos.Column, b.Pos.Column),
			cmp.Compare(a.Msg, b.Msg),
		)
	})
	return slices.CompactFunc(l, func(a, b *Error) bool {
		return a.Error() == b.Error()
	})
}

// err returns the list as an error, or nil when it is empty.
func (l ErrorList) err() error {
	if len(l) == 0 {
		return nil
	}
	return l.sortUnique()
}
