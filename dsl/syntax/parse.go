package syntax

import (
	"errors"
	"reflect"
	"strings"

	"strconv"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"

	"github.com/cngen/cngen/dsl/source"
)

// cnLexer splits a .cn file into tokens. Comments are dropped by the
// parser; doc comments are collected separately by collectDocs.
var cnLexer = lexer.MustSimple([]lexer.SimpleRule{
	{Name: "DocComment", Pattern: `///[^\n]*`},
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
	docs, err := scan(filename, src)
	if err != nil {
		return nil, syntaxError(filename, err)
	}
	f, err = cnParser.ParseBytes(filename, src)
	if err != nil {
		return nil, syntaxError(filename, err)
	}
	f.Pos.Filename, f.Pos.Line, f.Pos.Column = filename, max(f.Pos.Line, 1), max(f.Pos.Column, 1)
	attachDocs(reflect.ValueOf(f), docs, map[int]bool{})
	return f, nil
}

func syntaxError(filename string, err error) error {
	var perr participle.Error
	if errors.As(err, &perr) {
		pos := perr.Position()
		if pos.Filename == "" {
			pos.Filename = filename
		}
		return source.ErrorList{{Pos: source.Pos(pos), Msg: "syntax error: " + tidyMessage(perr.Message())}}
	}
	return source.ErrorList{{Pos: source.Pos{Filename: filename, Line: 1, Column: 1}, Msg: err.Error()}}
}

// tidyMessage rewrites participle's wording into the user's terms: the
// grammar fragment it expected becomes the one thing that should come
// next, named as the language reference names it.
func tidyMessage(m string) string {
	m = strings.ReplaceAll(m, `unexpected token "<EOF>"`, "unexpected end of file")
	m = strings.ReplaceAll(m, "invalid input text", "unexpected character")
	head, expected, ok := strings.Cut(m, " (expected ")
	if !ok {
		return m
	}
	expected = strings.TrimSuffix(expected, ")")
	return head + " (expected " + firstExpected(expected) + ")"
}

// grammarNames are the grammar's node and token names, as a user would
// say them.
var grammarNames = map[string]string{
	"Expr": "an expression", "TypeExpr": "a type", "TypeRef": "a type name",
	"Ident": "a name", "Int": "a number", "FieldDecl": "a field",
	"EnumEntry": "a value", "VariantDecl": "a variant", "FamilyItem": "a family item",
	"MessageDecl": "a message", "Decl": "a declaration", "Shift": "<< or >>",
	"BinOp": "an operator", "Unary": "an expression", "Primary": "an expression",
}

// firstExpected takes the first element of a participle expectation such
// as `"val" Expr TypeExpr ("->" TypeExpr)?`.
func firstExpected(e string) string {
	e = strings.TrimLeft(e, "(")
	if strings.HasPrefix(e, `"`) {
		if end := strings.Index(e[1:], `"`); end >= 0 {
			return e[:end+2]
		}
		return e
	}
	word := e
	if i := strings.IndexAny(e, " |)?*+"); i >= 0 {
		word = e[:i]
	}
	if name, ok := grammarNames[word]; ok {
		return name
	}
	return word
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

// maxNesting bounds how deeply brackets, array prefixes ([2][3]u8) and
// unary operators may nest. The parser recurses on each, and a schema is
// read by linters in CI: a hostile file must get an error, not exhaust the
// stack. Real schemas nest a handful of levels.
const maxNesting = 100

// nestingError is a file that nests deeper than maxNesting.
type nestingError struct{ pos lexer.Position }

func (e *nestingError) Error() string            { return source.Pos(e.pos).String() + ": " + e.Message() }
func (e *nestingError) Position() lexer.Position { return e.pos }
func (e *nestingError) Message() string {
	return "nesting deeper than " + strconv.Itoa(maxNesting) + " levels"
}

// scan lexes the file once before parsing. It maps each line holding a ///
// comment to its text, with the marker and one following space removed,
// and refuses nesting deeper than maxNesting.
func scan(filename string, src []byte) (map[int]string, error) {
	lex, err := cnLexer.LexString(filename, string(src))
	if err != nil {
		return nil, err
	}
	syms := cnLexer.Symbols()
	docType, punct, ws := syms["DocComment"], syms["Punct"], syms["Whitespace"]
	comment := syms["Comment"]
	docs := map[int]string{}
	depth, chain, unary := 0, 0, 0
	prev := ""
	for {
		tok, err := lex.Next()
		if err != nil {
			return nil, err
		}
		if tok.EOF() {
			return docs, nil
		}
		if tok.Type == ws || tok.Type == comment {
			continue
		}
		if tok.Type == punct {
			switch v := tok.Value; {
			case v == "(" || v == "{" || v == "[":
				depth++
			case v == ")" || v == "}" || v == "]":
				depth--
			}
			switch {
			case tok.Value == "[" && prev == "]":
				chain++
			case tok.Value == "-" || tok.Value == "~":
				unary++
			}
		}
		if tok.Value != "[" && tok.Value != "]" && prev == "]" {
			chain = 0
		}
		if tok.Value != "-" && tok.Value != "~" {
			unary = 0
		}
		if depth > maxNesting || chain > maxNesting || unary > maxNesting {
			return nil, &nestingError{tok.Pos}
		}
		prev = tok.Value
		if tok.Type == docType {
			text := strings.TrimPrefix(tok.Value, "///")
			text = strings.TrimPrefix(text, " ")
			docs[tok.Pos.Line] = strings.TrimRight(text, " \t\r")
		}
	}
}

var posType = reflect.TypeFor[source.Pos]()

// attachDocs walks the tree and gives every node with a Doc field the
// block of /// lines that ends on the line just above the node.
//
// Only the first node on a line takes the block: in `a u8  b u8` the doc
// belongs to a.
func attachDocs(v reflect.Value, docs map[int]string, taken map[int]bool) {
	if len(docs) == 0 {
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			attachDocs(v.Elem(), docs, taken)
		}
	case reflect.Slice:
		for i := range v.Len() {
			attachDocs(v.Index(i), docs, taken)
		}
	case reflect.Struct:
		if doc, pos := v.FieldByName("Doc"), v.FieldByName("Pos"); doc.IsValid() && pos.IsValid() && pos.Type() == posType {
			if line := pos.Interface().(source.Pos).Line; !taken[line] {
				taken[line] = true
				doc.Set(reflect.ValueOf(docAbove(docs, line)))
			}
		}
		for i := range v.NumField() {
			attachDocs(v.Field(i), docs, taken)
		}
	}
}

func docAbove(docs map[int]string, line int) []string {
	first := line
	for {
		if _, ok := docs[first-1]; !ok {
			break
		}
		first--
	}
	if first == line {
		return nil
	}
	out := make([]string, 0, line-first)
	for l := first; l < line; l++ {
		out = append(out, docs[l])
	}
	return out
}
