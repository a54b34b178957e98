package syntax

import (
	"bytes"
	"math"
	"strings"
)

// Format prints f in the canonical layout of a .cn file, the layout
// `cngen fmt` writes; the package documentation gives its rules. Printing
// is deterministic, and formatting its output again changes nothing.
//
// The comments printed are those of f.Comments, each put back between the
// two tokens it stood between in the source, as f.Tokens tells; the Doc
// fields are not printed, since their text is in the comments. A tree
// built by hand, without Tokens, prints its comments at the top.
func Format(f *File) []byte {
	p := &printer{f: f, after: make([]int, len(f.Comments))}
	for i, c := range f.Comments {
		p.after[i] = f.tokensBefore(c)
	}
	p.file(f)
	return p.bytes()
}

// printer lays out tokens and comments as lines of cells; aligning the
// cells of consecutive lines waits until every line is known.
type printer struct {
	f     *File
	after []int // after[i] is how many tokens come before comment i
	ci    int   // the next comment to print
	next  int   // the index of the next token to print

	lines  []*line
	cur    *line // the line being written, nil before the first
	indent int
	inline int // depth of bodies being printed on one line

	brk      brk  // what separates the next token from the previous
	prevLine int  // source line where the last token or comment printed ends
	open     bool // nothing printed yet since `{` or the start of the file
}

// line is one output line: its cells are aligned with those of the
// lines around it that have the same class.
type line struct {
	indent  int
	class   class
	cells   []string
	widths  []int // column widths, set by align
	comment bool  // the line ends with a comment
}

// class says which lines align with each other: a run of consecutive
// fields, enum values or messages, one per line.
type class int

const (
	noClass class = iota
	fieldClass
	entryClass
	messageClass
)

// brkKind is how the next token is separated from the previous one.
type brkKind int

const (
	space brkKind = iota
	glue
	twoSpaces
	cell    // a column boundary in an aligned line, else a space
	newline // the next token starts a line
)

// blank says whether a newline break leaves a blank line.
type blank int

const (
	blankSource blank = iota // where the source has one
	blankNever
	blankForce // before the first thing printed, then as in the source
)

type brk struct {
	kind   brkKind
	blank  blank
	class  class // of the line a newline starts
	indent int   // of the line a newline starts
}

// tok prints the next token, after the comments that precede it.
func (p *printer) tok(text string) {
	p.comments(p.next)
	p.separate(p.srcLine(p.next))
	p.write(text)
	p.prevLine = p.srcEndLine(p.next)
	p.next++
	p.brk = brk{kind: space}
	p.open = false
}

// glue and cell change the space before the next token.
func (p *printer) glue() { p.soften(glue) }
func (p *printer) cell() { p.soften(cell) }

func (p *printer) soften(k brkKind) {
	if p.brk.kind == space {
		p.brk.kind = k
	}
}

// separate applies the pending break before a token or comment that
// starts on source line srcLine.
func (p *printer) separate(srcLine int) {
	b := p.brk
	if p.cur != nil && p.cur.comment && b.kind != newline {
		b = brk{kind: newline, blank: blankNever, indent: p.indent + 1} // nothing follows a comment on its line
	}
	if p.cur == nil || b.kind == newline {
		p.startLine(b.indent, b.class, p.blankBefore(b.blank, srcLine))
		if b.blank == blankForce {
			p.brk.blank = blankSource
		}
		return
	}
	switch b.kind {
	case space:
		p.write(" ")
	case twoSpaces:
		p.write("  ")
	case cell:
		if p.inline == 0 && p.cur.class != noClass {
			p.cur.cells = append(p.cur.cells, "")
		} else {
			p.write(" ")
		}
	}
}

// blankBefore decides whether a blank line goes before something that
// starts on source line srcLine: one blank line for one or more in the
// source, none right after `{` or at the start of the file.
func (p *printer) blankBefore(b blank, srcLine int) bool {
	switch b {
	case blankForce:
		return true
	case blankNever:
		return false
	}
	return !p.open && p.prevLine > 0 && srcLine > p.prevLine+1
}

func (p *printer) startLine(indent int, c class, blank bool) {
	if blank && len(p.lines) > 0 {
		p.lines = append(p.lines, &line{})
	}
	p.cur = &line{indent: indent, class: c, cells: []string{""}}
	p.lines = append(p.lines, p.cur)
}

func (p *printer) write(s string) { p.cur.cells[len(p.cur.cells)-1] += s }

// comments prints the comments that come before token k.
func (p *printer) comments(k int) {
	for p.ci < len(p.f.Comments) && p.after[p.ci] <= k {
		p.comment(p.f.Comments[p.ci], p.after[p.ci])
		p.ci++
	}
}

// comment prints c, which follows token after-1. A comment that follows a
// token on its source line stays after it; any other has a line of its
// own. Inside a member (the pending break is not a newline) a comment
// breaks the member's line, which then aligns with nothing, and the member
// goes on indented one level more.
func (p *printer) comment(c *Comment, after int) {
	mid := p.brk.kind != newline
	if mid && p.cur != nil {
		p.cur.class = noClass
	}
	if p.cur != nil && !p.cur.comment && p.followsToken(c, after) {
		// Still on the line of the token before: a `{` stays open.
		p.cur.cells = append(p.cur.cells, c.Text)
	} else {
		p.ownLine(c, mid)
		p.open = false
	}
	p.cur.comment = true
	p.prevLine = c.Pos.Line
	if mid {
		p.brk = brk{kind: newline, blank: blankNever, indent: p.indent + 1}
	}
}

func (p *printer) ownLine(c *Comment, mid bool) {
	b := p.brk
	if b.blank == blankNever {
		b.blank = blankSource // only the `}` itself never follows a blank line
	}
	if mid {
		p.startLine(p.indent+1, noClass, false)
	} else {
		p.startLine(p.indent, noClass, p.blankBefore(b.blank, c.Pos.Line))
	}
	if b.blank == blankForce {
		p.brk.blank = blankSource
	}
	p.write(c.Text)
}

// followsToken reports whether c is on the source line where token
// after-1 ends.
func (p *printer) followsToken(c *Comment, after int) bool {
	return after > 0 && after <= len(p.f.Tokens) && p.f.Tokens[after-1].EndPos.Line == c.Pos.Line
}

func (p *printer) srcLine(k int) int {
	if k < len(p.f.Tokens) {
		return p.f.Tokens[k].Pos.Line
	}
	return 0
}

func (p *printer) srcEndLine(k int) int {
	if k < len(p.f.Tokens) {
		return p.f.Tokens[k].EndPos.Line
	}
	return 0
}

// finish prints the comments after the last token.
func (p *printer) finish(any bool) {
	p.brk = brk{kind: newline}
	if any {
		p.brk.blank = blankForce
	}
	p.comments(math.MaxInt)
}

// bytes aligns the lines and joins them.
func (p *printer) bytes() []byte {
	align(p.lines)
	var b bytes.Buffer
	for _, l := range p.lines {
		l.render(&b)
		b.WriteByte('\n')
	}
	return b.Bytes()
}

func (l *line) render(b *bytes.Buffer) {
	if len(l.cells) == 0 {
		return
	}
	b.WriteString(strings.Repeat("    ", l.indent))
	for i, c := range l.cells {
		b.WriteString(c)
		if i == len(l.cells)-1 {
			break
		}
		pad := 1
		if i < len(l.widths) {
			pad += l.widths[i] - len(c)
		}
		b.WriteString(strings.Repeat(" ", pad))
	}
}

// align sets the column widths of each run of consecutive lines of one
// class and indentation.
func align(lines []*line) {
	for i := 0; i < len(lines); {
		j := i + 1
		for j < len(lines) && lines[i].class != noClass && lines[j].class == lines[i].class && lines[j].indent == lines[i].indent {
			j++
		}
		if lines[i].class != noClass {
			alignColumn(lines[i:j], 0)
		}
		i = j
	}
}

// alignColumn aligns column col as text/tabwriter does: a column block is
// a run of consecutive lines that have a cell after column col, and its
// width is that of its widest cell there.
func alignColumn(run []*line, col int) {
	for i := 0; i < len(run); {
		if len(run[i].cells) <= col+1 {
			i++
			continue
		}
		j, w := i, 0
		for ; j < len(run) && len(run[j].cells) > col+1; j++ {
			w = max(w, len(run[j].cells[col]))
		}
		for _, l := range run[i:j] {
			l.widths = append(l.widths, w)
		}
		alignColumn(run[i:j], col+1)
		i = j
	}
}
