package syntax

import (
	"slices"
	"strings"
)

// Hints for schemas written the way a C header declares its structs:
// `__u32 pid;`, `char comm[16];`. A struct copied from a header is the
// most likely first draft of a .cn file.

// semicolon is the message for a `;`, which no .cn token starts with.
func (lx *lexed) semicolon() string {
	msg := `unexpected ";": .cn writes no semicolons, and a field as name type`
	if hint := lx.cDecl(len(lx.toks)); hint != "" {
		msg += ": " + hint
	}
	return msg
}

// cDecl suggests the .cn spelling of the C declaration ending just before
// token end: `TYPE NAME` or `TYPE NAME[LEN]`.
func (lx *lexed) cDecl(end int) string {
	if lx.textAt(end-1) == "]" {
		open := lx.matchingOpen(end - 1)
		if open < 2 || !lx.isIdent(open-1) || !lx.isIdent(open-2) {
			return ""
		}
		return lx.arrayHint(open-2, lx.lengthText(open, end-1))
	}
	if !lx.isIdent(end-1) || !lx.isIdent(end-2) {
		return ""
	}
	typ, name := lx.toks[end-2].text, lx.toks[end-1].text
	if !lx.isType(typ) || builtinTypes[name] {
		return ""
	}
	return "write " + name + " " + cnType(typ)
}

// cArray suggests the .cn spelling of `TYPE NAME[LEN]` when token i, a
// `[`, follows two names in a struct or union body.
func (lx *lexed) cArray(i int, open []opener) string {
	if lx.textAt(i) != "[" || len(open) == 0 || !lx.isIdent(i-1) || !lx.isIdent(i-2) {
		return ""
	}
	if k := open[len(open)-1].keyword; k != "struct" && k != "union" {
		return ""
	}
	end := lx.matchingClose(i)
	if end < 0 {
		return lx.arrayHint(i-2, "N")
	}
	return lx.arrayHint(i-2, lx.lengthText(i, end))
}

// arrayHint suggests a field for the two names at k and k+1 and an array
// length. They are C's TYPE NAME, unless the second is a .cn type and the
// first is not: then the array suffix was put after a .cn field.
func (lx *lexed) arrayHint(k int, length string) string {
	typ, name := lx.toks[k].text, lx.toks[k+1].text
	if builtinTypes[name] && !lx.isType(typ) {
		typ, name = name, typ
	}
	if typ == "char" {
		return "write " + name + " cstring[" + length + "] for text or " + name + " [" + length + "]u8 for bytes"
	}
	return "write " + name + " [" + length + "]" + cnType(typ)
}

func (lx *lexed) isIdent(k int) bool { return k >= 0 && k < len(lx.toks) && lx.toks[k].kind == tIdent }

// matchingOpen is the index of the `[` that the `]` at token k closes, or
// -1.
func (lx *lexed) matchingOpen(k int) int {
	depth := 0
	for j := k; j >= 0; j-- {
		switch lx.toks[j].text {
		case "]":
			depth++
		case "[":
			if depth--; depth == 0 {
				return j
			}
		}
	}
	return -1
}

// matchingClose is the index of the `]` that closes the `[` at token k,
// or -1.
func (lx *lexed) matchingClose(k int) int {
	depth := 0
	for j := k; j < len(lx.toks); j++ {
		switch lx.toks[j].text {
		case "[":
			depth++
		case "]":
			if depth--; depth == 0 {
				return j
			}
		}
	}
	return -1
}

// lengthText is the source between the brackets at tokens open and close,
// on one line, or N when it is not simple enough to quote.
func (lx *lexed) lengthText(open, close int) string {
	text := string(lx.src[lx.toks[open].end.Offset:lx.toks[close].pos.Offset])
	text = strings.Join(strings.Fields(text), " ")
	if text == "" || len(text) > 40 || strings.Contains(text, "//") {
		return "N"
	}
	return text
}

// isType reports whether name looks like a type: a .cn or C type, or a
// type the file declares.
func (lx *lexed) isType(name string) bool {
	if builtinTypes[name] || cTypeNames[name] != "" {
		return true
	}
	for k := 0; k+1 < len(lx.toks); k++ {
		if lx.toks[k+1].text == name && lx.toks[k].text != "family" && declKeywords[lx.toks[k].text] {
			return true
		}
	}
	return false
}

// cnType is the .cn spelling of a type name.
func cnType(name string) string {
	if t := cTypeNames[name]; t != "" {
		return t
	}
	return name
}

// CType returns the .cn spelling of a type name of C, the kernel or Go
// (__u32 → u32, char → u8), and whether it is one.
func CType(name string) (string, bool) {
	t, ok := cTypeNames[name]
	return t, ok
}

// BuiltinTypes returns the names of the built-in types: the integers of
// every width and byte order, and bool, sorted.
func BuiltinTypes() []string {
	out := make([]string, 0, len(builtinTypes))
	for n := range builtinTypes {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}

// builtinTypes are the .cn integer types and bool.
var builtinTypes = func() map[string]bool {
	m := map[string]bool{"bool": true, "u8": true, "i8": true}
	for _, s := range []string{"u", "i"} {
		for _, bits := range []string{"16", "32", "64"} {
			m[s+bits], m[s+bits+"be"], m[s+bits+"le"] = true, true, true
		}
	}
	return m
}()

// cTypeNames maps the type spellings of C, the kernel and Go to .cn's,
// for the hints here and the checker's on an undefined type ([CType]).
var cTypeNames = map[string]string{
	"uint8_t": "u8", "uint16_t": "u16", "uint32_t": "u32", "uint64_t": "u64",
	"int8_t": "i8", "int16_t": "i16", "int32_t": "i32", "int64_t": "i64",
	"__u8": "u8", "__u16": "u16", "__u32": "u32", "__u64": "u64",
	"__s8": "i8", "__s16": "i16", "__s32": "i32", "__s64": "i64",
	"__be16": "u16be", "__be32": "u32be", "__be64": "u64be",
	"__le16": "u16le", "__le32": "u32le", "__le64": "u64le",
	"uint8": "u8", "uint16": "u16", "uint32": "u32", "uint64": "u64",
	"int8": "i8", "int16": "i16", "int32": "i32", "int64": "i64",
	"byte": "u8", "char": "u8", "int": "i32", "unsigned": "u32", "short": "i16",
	"long": "i64", "pid_t": "i32", "__kernel_pid_t": "i32", "_Bool": "bool",
}
