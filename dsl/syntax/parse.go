package syntax

import (
	"errors"
	"reflect"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"

	"github.com/cngen/cngen/dsl/source"
)

// cnLexer splits a .cn file into tokens. The parser elides comments;
// scan collects them. A doc comment is /// followed by anything but a
// fourth slash, so that a ruler of slashes (////////) stays a plain
// comment: RE2 has no look-ahead, hence the end-of-line anchor.
var cnLexer = lexer.MustSimple([]lexer.SimpleRule{
	{Name: "DocComment", Pattern: `(?m)///(?:[^/\n][^\n]*)?$`},
	{Name: "Comment", Pattern: `//[^\n]*`},
	{Name: "Int", Pattern: `0[xX][0-9a-fA-F_]+|0[bB][01_]+|0[oO][0-7_]+|[0-9][0-9_]*`},
	{Name: "Ident", Pattern: `[a-zA-Z_][a-zA-Z0-9_]*`},
	{Name: "Arrow", Pattern: `=>|->`},
	{Name: "Shift", Pattern: `<<|>>`},
	{Name: "Punct", Pattern: `[{}()\[\]:=+\-*/%|&^~,]`},
	{Name: "Whitespace", Pattern: `[ \t\r\n]+`},
})

var cnParser = participle.MustBuild[File](
	participle.Lexer(cnLexer),
	participle.Elide("Whitespace", "Comment", "DocComment"),
	participle.UseLookahead(1),
)

// Parse reads the syntax of one .cn file. It never panics; a syntax error
// comes back as an ErrorList with the position of the offending token.
// Warnings, which do not make Parse fail, are in the File's Warnings.
func Parse(filename string, src []byte) (f *File, err error) {
	defer func() {
		// participle is not expected to panic, but a schema linter in CI
		// must never crash on input: turn a surprise into an error.
		if r := recover(); r != nil {
			f = nil
			err = source.ErrorList{{Pos: source.Pos{Filename: filename, Line: 1, Column: 1},
				Msg: "internal parser error: " + toString(r)}}
		}
	}()
	lx, err := scan(filename, src)
	if err != nil {
		return nil, err
	}
	f, err = cnParser.ParseBytes(filename, src)
	if err != nil {
		return nil, lx.parseError(err)
	}
	lx.complete(f)
	return f, nil
}

// complete adds to a parsed tree what the grammar does not fill: the file's
// extent, the comments and tokens, and the docs with their warnings.
func (lx *lexed) complete(f *File) {
	f.Pos.Filename, f.Pos.Line, f.Pos.Column = lx.filename, max(f.Pos.Line, 1), max(f.Pos.Column, 1)
	f.EndPos = lx.eof
	f.Comments = lx.comments
	f.Tokens = make([]Span, len(lx.toks))
	for i, t := range lx.toks {
		f.Tokens[i] = Span{Pos: t.pos, EndPos: t.end}
	}
	walk(reflect.ValueOf(f), fixEmpty)
	attachDocs(f)
}

// fixEmpty gives a node that matched no token (bytes without a length)
// an empty extent where it stands. participle puts its Pos at the next
// token and its EndPos after the previous one, so Pos would follow EndPos.
func fixEmpty(n reflect.Value) {
	pos, end := n.FieldByName("Pos"), n.FieldByName("EndPos")
	if !pos.IsValid() || !end.IsValid() || pos.Type() != posType || end.Type() != posType {
		return
	}
	if end.Interface().(source.Pos).Offset < pos.Interface().(source.Pos).Offset {
		pos.Set(end)
	}
}

var posType = reflect.TypeFor[source.Pos]()

// walk calls visit on every node (struct) of the tree under v, parents
// before children, in field order, which is source order.
func walk(v reflect.Value, visit func(reflect.Value)) {
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			walk(v.Elem(), visit)
		}
	case reflect.Slice:
		for i := range v.Len() {
			walk(v.Index(i), visit)
		}
	case reflect.Struct:
		if v.Type() == posType {
			return
		}
		visit(v)
		for i := range v.NumField() {
			if v.Type().Field(i).Tag.Get("parser") != "" {
				walk(v.Field(i), visit)
			}
		}
	}
}

// parseError turns participle's error into a positioned syntax error in
// the user's terms.
func (lx *lexed) parseError(err error) error {
	var perr participle.Error
	if !errors.As(err, &perr) {
		return source.ErrorList{{Pos: source.Pos{Filename: lx.filename, Line: 1, Column: 1}, Msg: "syntax error: " + err.Error()}}
	}
	pos := source.Pos(perr.Position())
	if pos.Filename == "" {
		pos.Filename = lx.filename
	}
	return source.ErrorList{{Pos: pos, Msg: "syntax error: " + lx.explain(pos, tidyMessage(perr.Message()))}}
}

func toString(r any) string {
	if e, ok := r.(error); ok {
		return e.Error()
	}
	if s, ok := r.(string); ok {
		return s
	}
	return "unknown"
}
