package md

import (
	"strconv"
	"strings"
	"unicode"
)

// slugs gives headings the anchors GitHub gives them: lower case, spaces
// as -, punctuation but - and _ dropped, and -1, -2… after a repeat.
type slugs map[string]int

func (s slugs) next(heading string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(heading) {
		switch {
		case r == ' ':
			b.WriteByte('-')
		case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		}
	}
	slug := b.String()
	n := s[slug]
	s[slug] = n + 1
	if n > 0 {
		slug += "-" + strconv.Itoa(n)
	}
	return slug
}

// code is s as a code span.
func code(s string) string { return "`" + s + "`" }

// link is text linked to anchor, or text alone without one.
func link(text, anchor string) string {
	if anchor == "" {
		return text
	}
	return "[" + text + "](#" + anchor + ")"
}

// escape makes doc text say in Markdown what it says as plain text: the
// characters that would start emphasis, HTML or a heading are escaped;
// code spans and lists, which a doc comment may mean, are kept.
func escape(line string) string {
	var b strings.Builder
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case c == '\\' || c == '*' || c == '<':
			b.WriteByte('\\')
		case c == '_' && !(i > 0 && alnum(line[i-1]) && i+1 < len(line) && alnum(line[i+1])):
			b.WriteByte('\\') // _ inside a word never emphasizes, elsewhere it may
		case (c == '#' || c == '>') && strings.TrimSpace(line[:i]) == "":
			b.WriteByte('\\')
		}
		b.WriteByte(c)
	}
	return b.String()
}

func alnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// docCell is doc text for a table cell: one line.
func docCell(doc []string) string {
	var parts []string
	for _, l := range doc {
		if l = strings.TrimSpace(l); l != "" {
			parts = append(parts, escape(l))
		}
	}
	return strings.Join(parts, " ")
}

// table writes a Markdown table; a | inside a cell is escaped, as GitHub
// needs even in code spans.
func table(b *strings.Builder, header []string, rows [][]string) {
	line := func(cells []string) {
		for _, c := range cells {
			b.WriteString("| " + strings.ReplaceAll(c, "|", `\|`) + " ")
		}
		b.WriteString("|\n")
	}
	line(header)
	b.WriteString(strings.Repeat("|---", len(header)) + "|\n")
	for _, r := range rows {
		line(r)
	}
	b.WriteString("\n")
}

// list joins names as prose: a, b or c.
func list(names []string, last string) string {
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " " + last + " " + names[len(names)-1]
}

// plural is n and the noun, made plural unless n is 1.
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}
