package syntax

import (
	"fmt"
	"sort"
	"strings"

	"github.com/cngen/cngen/dsl/source"
)

// tidyMessage rewrites participle's wording into the user's terms: the
// grammar fragment it expected becomes the one thing that should come
// next, named as the language reference names it.
func tidyMessage(m string) string {
	m = strings.ReplaceAll(m, `unexpected token "<EOF>"`, "unexpected end of file")
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
	"ArrayType": "a type", "SizedType": `"["`, "InlineStruct": `"struct"`,
	"PackageClause": `"package"`, "ConstDecl": `"const"`, "EnumDecl": `"enum" or "flags"`,
	"StructDecl": `"struct"`, "UnionDecl": `"union"`, "FamilyDecl": `"family"`,
	"<ident>": "a name", "<int>": "a number", "<shift>": "<< or >>", "<arrow>": "=> or ->",
	"<punct>": "a punctuation mark", "<eof>": "the end of the file",
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
	return "something else"
}

// explain improves participle's message for the mistakes people make
// most: a misspelt keyword, C declarations, a body left open.
func (lx *lexed) explain(pos source.Pos, msg string) string {
	i := lx.tokenAt(pos.Offset)
	open := lx.openBodies(i)
	if i == len(lx.toks) {
		if len(open) > 0 {
			return unclosed(open[len(open)-1], msg)
		}
		return msg
	}
	tok := lx.toks[i]
	if hint := lx.cArray(i, open); hint != "" {
		return `unexpected token "[": a .cn field is name type, with any length in the type: ` + hint
	}
	switch {
	case len(open) == 0 && !strings.Contains(msg, "(expected "):
		return keywordHint(tok.text, topKeywords, "")
	case len(open) > 0 && open[len(open)-1].keyword == "family" && tok.kind == tIdent &&
		strings.HasSuffix(msg, `(expected "}")`):
		return keywordHint(tok.text, familyKeywords, `"}"`)
	}
	return msg
}

// tokenAt is the index of the token at offset, or len(toks) at the end.
func (lx *lexed) tokenAt(offset int) int {
	return sort.Search(len(lx.toks), func(i int) bool { return lx.toks[i].pos.Offset >= offset })
}

// The words that may start a top-level declaration and a family item.
var (
	topKeywords    = []string{"package", "const", "enum", "flags", "struct", "union", "family"}
	familyKeywords = []string{"group", "sender", "send", "event", "call"}
)

// keywordHint lists what may come where word stands, and suggests the
// closest keyword when word looks like a misspelling of one.
func keywordHint(word string, keywords []string, also string) string {
	list := keywords
	if also != "" {
		list = append(list[:len(list):len(list)], also)
	}
	msg := fmt.Sprintf("unexpected token %q (expected %s or %s)", word,
		strings.Join(list[:len(list)-1], ", "), list[len(list)-1])
	if k := closest(word, keywords); k != "" {
		msg += "; did you mean " + k + "?"
	}
	return msg
}

// closest is the keyword one or two edits from word (one for short words),
// or "" when none is that close.
func closest(word string, keywords []string) string {
	best, bestDist := "", max(1, len(word)/3)+1
	for _, k := range keywords {
		if d := source.EditDistance(word, k); d > 0 && d < bestDist {
			best, bestDist = k, d
		}
	}
	return best
}

// opener is a `{` not yet closed: what it opens and where.
type opener struct {
	what    string // "struct s", "inline struct", "the body"
	keyword string // struct, union, enum, flags, family or ""
	pos     source.Pos
}

// openBodies is the stack of bodies open before token i, innermost last.
func (lx *lexed) openBodies(i int) []opener {
	var open []opener
	for k := range min(i, len(lx.toks)) {
		switch lx.toks[k].text {
		case "{":
			open = append(open, lx.opener(k, len(open)))
		case "}":
			if len(open) > 0 {
				open = open[:len(open)-1]
			}
		}
	}
	return open
}

var declKeywords = map[string]bool{"struct": true, "union": true, "enum": true, "flags": true, "family": true}

// opener names the body that the `{` at token k opens, at brace depth
// depth: the nearest keyword before it that is followed by a name, or an
// inline struct inside another body.
func (lx *lexed) opener(k, depth int) opener {
	o := opener{what: "the body", pos: lx.toks[k].pos}
	if depth > 0 && (lx.textAt(k-1) == "struct" || lx.textAt(k-1) == "packed" && lx.textAt(k-2) == "struct") {
		o.what, o.keyword = "inline struct", "struct"
		return o
	}
	for j := k - 1; j >= 0 && lx.toks[j].text != "{" && lx.toks[j].text != "}"; j-- {
		if declKeywords[lx.toks[j].text] && j+1 < k && lx.toks[j+1].kind == tIdent {
			o.what, o.keyword = lx.toks[j].text+" "+lx.toks[j+1].text, lx.toks[j].text
			return o
		}
	}
	return o
}

func (lx *lexed) textAt(k int) string {
	if k < 0 || k >= len(lx.toks) {
		return ""
	}
	return lx.toks[k].text
}

// unclosed is the message for the end of the file inside an open body.
func unclosed(o opener, msg string) string {
	if strings.HasSuffix(msg, `(expected "}")`) {
		return fmt.Sprintf(`%s, opened at %s, is missing its closing "}"`, o.what, o.pos)
	}
	expected := ""
	if _, e, ok := strings.Cut(msg, " (expected "); ok {
		expected = " (expected " + e
	}
	return fmt.Sprintf("unexpected end of file in %s, opened at %s%s", o.what, o.pos, expected)
}
