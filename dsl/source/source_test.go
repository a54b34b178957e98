package source

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestErrorList(t *testing.T) {
	var l ErrorList
	l.Add(Pos{Filename: "b.cn", Line: 1, Column: 1}, "second file")
	l.Add(Pos{Filename: "a.cn", Line: 3, Column: 2}, "x %d", 1).Related = &Related{Pos: Pos{Filename: "a.cn", Line: 1, Column: 1}, Msg: "previous declaration"}
	l.Warn(Pos{Filename: "a.cn", Line: 2, Column: 5}, "a doc comment that attaches to nothing")
	l.Add(Pos{Filename: "a.cn", Line: 3, Column: 2}, "x %d", 1)
	err := l.Err()
	var got ErrorList
	if !errors.As(err, &got) {
		t.Fatalf("Err() = %v, want an ErrorList", err)
	}
	want := "a.cn:3:2: x 1 (previous declaration at a.cn:1:1)\na.cn:3:2: x 1\nb.cn:1:1: second file"
	if diff := cmp.Diff(want, got.Error()); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if w := l.Warnings(); len(w) != 1 || w[0].Error() != "a.cn:2:5: warning: a doc comment that attaches to nothing" {
		t.Errorf("Warnings() = %v", w)
	}
	var e *Error
	if !errors.As(err, &e) || e.Pos.Filename != "a.cn" {
		t.Errorf("errors.As(*Error) = %v", e)
	}
	if (ErrorList{}).Err() != nil || l.Warnings().Err() != nil {
		t.Error("a list without errors must give a nil error")
	}
}

func TestPos(t *testing.T) {
	for _, tc := range []struct {
		p    Pos
		want string
	}{
		{Pos{Filename: "x.cn", Line: 2, Column: 19}, "x.cn:2:19"},
		{Pos{Line: 4, Column: 1}, "4:1"},
	} {
		if got := tc.p.String(); got != tc.want {
			t.Errorf("%#v.String() = %q, want %q", tc.p, got, tc.want)
		}
	}
	if (Pos{}).IsValid() {
		t.Error("zero Pos is valid")
	}
}

func TestEditDistance(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{"strcut", "struct", 1}, {"u23", "u32", 1}, {"boo", "bool", 1}, {"", "abc", 3}, {"kitten", "sitting", 3}, {"same", "same", 0},
	} {
		if got := EditDistance(tc.a, tc.b); got != tc.want {
			t.Errorf("EditDistance(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}
