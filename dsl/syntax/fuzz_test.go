package syntax

import (
	"bytes"
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/cngen/cngen/dsl/source"
)

// FuzzParse feeds arbitrary text to the parser: it must never panic,
// every error must be a positioned syntax error in the user's terms, and
// whatever parses must survive formatting (see roundTrip).
func FuzzParse(f *testing.F) {
	for _, cf := range corpus(f) {
		f.Add(cf.src)
	}
	f.Add([]byte("package p\nstruct s { a [n]u8 n u8 } /// x\n/// y\n"))
	f.Add([]byte("package p\nconst A = (1 << 3) | ~0 & -5 % 3 ^ 2 / 1 // c\n"))
	f.Add([]byte("package p\nstruct s { u32 a; char c[4] }"))
	f.Fuzz(func(t *testing.T, src []byte) {
		file, err := Parse("fuzz.cn", src)
		if err != nil {
			checkErrors(t, src, err)
			return
		}
		for _, w := range file.Warnings {
			checkPos(t, src, w)
		}
		roundTrip(t, "fuzz.cn", file)
	})
}

// checkErrors checks that err is a non-empty ErrorList of syntax errors
// positioned in src, worded for the user.
func checkErrors(t *testing.T, src []byte, err error) {
	t.Helper()
	var list source.ErrorList
	if !errors.As(err, &list) || len(list) == 0 {
		t.Fatalf("error %v (%T) is not a non-empty ErrorList", err, err)
	}
	for _, e := range list {
		checkPos(t, src, e)
		if !strings.HasPrefix(e.Msg, "syntax error: ") {
			t.Fatalf("error not worded as a syntax error: %q", e.Msg)
		}
		if leak := leaked(src, e.Msg); leak != "" {
			t.Fatalf("error %q leaks %q", e.Msg, leak)
		}
	}
}

func checkPos(t *testing.T, src []byte, e *source.Error) {
	t.Helper()
	p := e.Pos
	if p.Filename != "fuzz.cn" || p.Line < 1 || p.Column < 1 || p.Offset < 0 || p.Offset > len(src) {
		t.Fatalf("%q has no position in the file: %+v", e.Msg, p)
	}
}

var (
	quoted = regexp.MustCompile(`"(?:[^"\\]|\\.)*"`)
	// internals are words of the parser's, not the user's: grammar node
	// and token names, Go's nil, participle's <token> names.
	internals = regexp.MustCompile(`<nil>|<[a-z]+>|\bsyntax\.\w+|\b(?:File|PackageClause|Decl|ConstDecl|EnumDecl|EnumEntry|` +
		`StructDecl|UnionDecl|VariantDecl|FieldDecl|TypeExpr|ArrayType|SizedType|InlineStruct|TypeRef|Ident|` +
		`FamilyDecl|FamilyItem|MessageDecl|Expr|BinOp|Unary|Primary|Int|Punct|Shift|Arrow|DocComment|Comment|` +
		`Whitespace|lexer|participle|reflect)\b`)
)

// leaked is the first internal word of msg, outside quotes, that the
// user's source does not hold (the source may name a field Expr).
func leaked(src []byte, msg string) string {
	for _, w := range internals.FindAllString(quoted.ReplaceAllString(msg, `""`), -1) {
		if !bytes.Contains(src, []byte(w)) {
			return w
		}
	}
	return ""
}
