package syntax

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/alecthomas/participle/v2/lexer"

	"github.com/cngen/cngen/dsl/source"
)

// token is one token of the file other than white space and comments.
type token struct {
	kind     lexer.TokenType
	text     string
	pos, end source.Pos
}

// lexed is a file split into tokens, with its comments apart. Parse keeps
// it to complete the tree and to explain syntax errors.
type lexed struct {
	filename string
	src      []byte
	toks     []token
	comments []*Comment
	eof      source.Pos
}

var (
	symbols                     = cnLexer.Symbols()
	tDoc, tComment, tWhitespace = symbols["DocComment"], symbols["Comment"], symbols["Whitespace"]
	tIdent, tPunct              = symbols["Ident"], symbols["Punct"]
)

// scan lexes the file once before parsing: it collects the tokens and the
// comments, and refuses what the parser would explain badly or could not
// survive: a character no token starts with, a C block comment, and
// nesting deeper than maxNesting.
func scan(filename string, src []byte) (*lexed, error) {
	lx := &lexed{filename: filename, src: src}
	lex, err := cnLexer.LexString(filename, string(src))
	if err != nil {
		return nil, lx.errorAt(source.Pos{Filename: filename, Line: 1, Column: 1}, err.Error())
	}
	var nest nesting
	for {
		tok, err := lex.Next()
		if err != nil {
			return nil, lx.lexError(err)
		}
		if tok.EOF() {
			lx.eof = source.Pos(tok.Pos)
			return lx, nil
		}
		if err := lx.add(tok, &nest); err != nil {
			return nil, err
		}
	}
}

// add files one token from the lexer.
func (lx *lexed) add(tok lexer.Token, nest *nesting) error {
	pos := source.Pos(tok.Pos)
	switch tok.Type {
	case tWhitespace:
		return nil
	case tDoc, tComment:
		text := strings.TrimRight(tok.Value, " \t\r")
		lx.comments = append(lx.comments, &Comment{Pos: pos, EndPos: advance(pos, text), Text: text, Doc: tok.Type == tDoc})
		return nil
	}
	if !nest.step(tok) {
		return lx.errorAt(pos, "nesting deeper than "+strconv.Itoa(maxNesting)+" levels")
	}
	if tok.Value == "*" && len(lx.toks) > 0 {
		// `/` then `*` is never an expression: no operand starts with `*`.
		if prev := lx.toks[len(lx.toks)-1]; prev.text == "/" && prev.end.Offset == pos.Offset {
			return lx.errorAt(prev.pos, `unexpected "/*": .cn has no block comments; write // for a comment and /// for a doc comment`)
		}
	}
	lx.toks = append(lx.toks, token{kind: tok.Type, text: tok.Value, pos: pos, end: advance(pos, tok.Value)})
	return nil
}

// advance is the position just after text, which holds no newline, when
// it starts at pos.
func advance(pos source.Pos, text string) source.Pos {
	pos.Offset += len(text)
	pos.Column += utf8.RuneCountInString(text)
	return pos
}

// lexError explains a character that starts no token.
func (lx *lexed) lexError(err error) error {
	perr, ok := err.(interface{ Position() lexer.Position })
	if !ok {
		return lx.errorAt(lx.lastPos(), "unexpected character")
	}
	pos := source.Pos(perr.Position())
	if pos.Filename == "" {
		pos.Filename = lx.filename
	}
	if pos.Offset < 0 || pos.Offset >= len(lx.src) {
		return lx.errorAt(pos, "unexpected character")
	}
	r, size := utf8.DecodeRune(lx.src[pos.Offset:])
	switch {
	case r == ';':
		return lx.errorAt(pos, lx.semicolon())
	case r == utf8.RuneError && size == 1:
		return lx.errorAt(pos, fmt.Sprintf("unexpected byte 0x%02x", lx.src[pos.Offset]))
	}
	return lx.errorAt(pos, fmt.Sprintf("unexpected character %q", string(r)))
}

func (lx *lexed) lastPos() source.Pos {
	if len(lx.toks) == 0 {
		return source.Pos{Filename: lx.filename, Line: 1, Column: 1}
	}
	return lx.toks[len(lx.toks)-1].pos
}

// errorAt is a syntax error at pos.
func (lx *lexed) errorAt(pos source.Pos, msg string) error {
	return source.ErrorList{{Pos: pos, Msg: "syntax error: " + msg}}
}

// maxNesting bounds how deeply brackets, array prefixes ([2][3]u8) and
// unary operators may nest. The parser recurses on each, and a schema is
// read by linters in CI: a hostile file must get an error, not exhaust the
// stack. Real schemas nest a handful of levels.
const maxNesting = 100

// nesting follows how deeply the tokens so far nest.
type nesting struct {
	depth, chain, unary int
	prev                string
}

// step takes the next token and reports whether the nesting is still
// within maxNesting.
func (n *nesting) step(tok lexer.Token) bool {
	v := tok.Value
	if tok.Type == tPunct {
		switch {
		case v == "(" || v == "{" || v == "[":
			n.depth++
		case v == ")" || v == "}" || v == "]":
			n.depth--
		}
		switch {
		case v == "[" && n.prev == "]":
			n.chain++
		case v == "-" || v == "~":
			n.unary++
		}
	}
	if v != "[" && v != "]" && n.prev == "]" {
		n.chain = 0
	}
	if v != "-" && v != "~" {
		n.unary = 0
	}
	n.prev = v
	return n.depth <= maxNesting && n.chain <= maxNesting && n.unary <= maxNesting
}
