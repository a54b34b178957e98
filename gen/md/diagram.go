package md

import (
	"strconv"
	"strings"
)

// A diagram is drawn on a grid of 32-bit rows, as RFC 791 draws headers:
// two characters a bit, a wall or corner on every bit boundary and a cell
// between, so that a row is 65 characters wide and every line of a
// diagram has the same width by construction.
const (
	rowBits  = 32
	rowBytes = rowBits / 8
	lineCols = 2*rowBits + 1

	// maxFullRows is the most rows of one box drawn in full; a longer
	// box keeps its first two and its last, and a ~ row stands for the
	// rest, so that a [2048]u8 stays a few lines.
	maxFullRows = 6
)

// box is one thing a diagram draws over the bytes [off, end) of its
// part: a field, a padding gap, or the fixed part of a variable field
// run on to the end of its row.
type box struct {
	off, end int
	label    string
	// open reports a variable size: the box runs on past what is drawn,
	// and the bottom of its last row is dashed.
	open bool
}

// part is boxes placed from one origin: the start of the type, or, for
// the fields after a variable one, a cursor known only at run time and
// aligned to align.
type part struct {
	boxes   []box
	dynamic bool
	align   int
}

type rowKind int

const (
	cellRow   rowKind = iota // bits of boxes
	elidedRow                // full rows of one box, left out
	cursorRow                // where offsets stop being constant
)

// row is one row of the grid: which box each bit belongs to (-1 for
// none: past the end of the type), and the label of each segment, by the
// segment's first bit.
type row struct {
	kind   rowKind
	gutter string // the byte offset of the row, for rows at known offsets
	cells  [rowBits]int
	labels [rowBits]string
	text   string // cursorRow: the note it carries
}

// grid is a diagram before it is drawn.
type grid struct {
	boxes []box
	rows  []*row
}

// draw returns the diagram of parts, one line a string, all of one
// width; nil when there is nothing to draw (a type of size 0).
func draw(parts []part) []string {
	g := &grid{}
	for _, p := range parts {
		g.add(p)
	}
	if len(g.rows) == 0 {
		return nil
	}
	g.elide()
	g.label()
	return g.lines()
}

// add lays out the rows of one part.
func (g *grid) add(p part) {
	if len(p.boxes) == 0 {
		return
	}
	if p.dynamic {
		g.rows = append(g.rows, &row{kind: cursorRow, text: cursorText(p.align)})
	}
	first := len(g.boxes)
	g.boxes = append(g.boxes, p.boxes...)
	end := 0
	for _, b := range p.boxes {
		end = max(end, b.end)
	}
	for r := 0; r*rowBytes < end; r++ {
		rw := &row{}
		if !p.dynamic {
			rw.gutter = strconv.Itoa(r * rowBytes)
		}
		for bit := range rw.cells {
			rw.cells[bit] = boxAt(p.boxes, r*rowBytes+bit/8, first)
		}
		g.rows = append(g.rows, rw)
	}
}

// cursorText is the note of the row before fields at run-time offsets.
func cursorText(align int) string {
	if align > 1 {
		return "... run-time offset, aligned to " + strconv.Itoa(align) + " ..."
	}
	return "... run-time offset ..."
}

// boxAt is the index of the box holding byte off, counted from first, or
// -1.
func boxAt(boxes []box, off, first int) int {
	for i, b := range boxes {
		if b.off <= off && off < b.end {
			return first + i
		}
	}
	return -1
}

// full reports a row wholly inside one box, and which.
func (r *row) full() (int, bool) {
	if r.kind == cursorRow || r.cells[0] < 0 {
		return -1, false
	}
	for _, c := range r.cells {
		if c != r.cells[0] {
			return -1, false
		}
	}
	return r.cells[0], true
}

// elide replaces the middle of every run of more than maxFullRows full
// rows of one box by one ~ row.
func (g *grid) elide() {
	var out []*row
	for i := 0; i < len(g.rows); {
		n := g.fullRun(i)
		if n <= maxFullRows {
			out = append(out, g.rows[i:i+max(n, 1)]...)
			i += max(n, 1)
			continue
		}
		skip := *g.rows[i]
		skip.kind, skip.gutter = elidedRow, ""
		out = append(out, g.rows[i], g.rows[i+1], &skip, g.rows[i+n-1])
		i += n
	}
	g.rows = out
}

// fullRun is the number of full rows of one box from row i on.
func (g *grid) fullRun(i int) int {
	b, ok := g.rows[i].full()
	if !ok {
		return 0
	}
	n := 1
	for i+n < len(g.rows) {
		if c, ok := g.rows[i+n].full(); !ok || c != b {
			break
		}
		n++
	}
	return n
}

// segment is the bits [from, to) of one box in one row.
type segment struct {
	row      *row
	from, to int
}

// label puts the label of each box in one segment of every group of its
// segments that touch: the widest, the middle one of equals. A box whose
// pieces do not touch (a field crossing a row boundary, its two pieces
// side by side) is labelled in each, the later ones marked (cont.).
func (g *grid) label() {
	segs := g.segments()
	for i, b := range g.boxes {
		for n, group := range touching(segs[i]) {
			text := b.label
			if n > 0 {
				text += " (cont.)"
			}
			s := widest(group)
			s.row.labels[s.from] = text
		}
	}
}

// segments lists the segments of every box, row by row.
func (g *grid) segments() [][]segment {
	segs := make([][]segment, len(g.boxes))
	for _, r := range g.rows {
		if r.kind == cursorRow {
			continue
		}
		for from := 0; from < rowBits; {
			to := r.segmentEnd(from)
			if b := r.cells[from]; b >= 0 {
				segs[b] = append(segs[b], segment{r, from, to})
			}
			from = to
		}
	}
	return segs
}

// touching splits the segments of a box, in row order, into groups that
// share columns with the row before.
func touching(segs []segment) [][]segment {
	var groups [][]segment
	for i, s := range segs {
		if i == 0 || s.from >= segs[i-1].to || s.to <= segs[i-1].from {
			groups = append(groups, nil)
		}
		groups[len(groups)-1] = append(groups[len(groups)-1], s)
	}
	return groups
}

// widest is the segment of a group the label goes in: among the widest
// segments of drawn rows, the middle one.
func widest(group []segment) segment {
	var best []segment
	for _, s := range group {
		switch {
		case s.row.kind == elidedRow:
		case len(best) == 0 || s.to-s.from > best[0].to-best[0].from:
			best = []segment{s}
		case s.to-s.from == best[0].to-best[0].from:
			best = append(best, s)
		}
	}
	if len(best) == 0 {
		return group[0]
	}
	return best[(len(best)-1)/2]
}

// lines draws the grid under a ruler of bit positions, with each row's
// byte offset in a gutter on the left.
func (g *grid) lines() []string {
	width := 0
	for _, r := range g.rows {
		width = max(width, len(r.gutter))
	}
	pad := func(gutter, body string) string {
		return strings.Repeat(" ", width-len(gutter)) + gutter + " " + body
	}
	out := []string{pad("", ruler(func(b int) int { return b / 10 }, 10)), pad("", ruler(func(b int) int { return b % 10 }, 1))}
	var above *row
	for _, r := range g.rows {
		out = append(out, pad("", g.border(above, r)), pad(r.gutter, g.content(r)))
		above = r
	}
	return append(out, pad("", g.border(above, nil)))
}

// ruler is a line of one digit of every bit position, every step bits.
func ruler(digit func(bit int) int, step int) string {
	line := blank()
	for b := 0; b < rowBits; b += step {
		line[2*b+1] = byte('0' + digit(b))
	}
	return string(line)
}

func blank() []byte { return []byte(strings.Repeat(" ", lineCols)) }

// cell is the box of bit b of r, -1 outside the row or any box; a cursor
// row and a missing row hold none.
func cell(r *row, b int) int {
	if r == nil || r.kind == cursorRow || b < 0 || b >= rowBits {
		return -1
	}
	return r.cells[b]
}

// wall reports a wall at bit boundary b of r: between two boxes, or a box
// and nothing.
func wall(r *row, b int) bool {
	left, right := cell(r, b-1), cell(r, b)
	return left != right && max(left, right) >= 0
}

// content draws the line of a row: walls, and the labels centred in
// their segments.
func (g *grid) content(r *row) string {
	line := blank()
	if r.kind == cursorRow {
		line[0], line[lineCols-1] = ':', ':'
		place(line, 1, lineCols-1, r.text)
		return string(line)
	}
	mark := byte('|')
	if r.kind == elidedRow {
		mark = '~'
	}
	for b := 0; b <= rowBits; b++ {
		if wall(r, b) {
			line[2*b] = mark
		}
	}
	for from, text := range r.labels {
		if text != "" {
			place(line, 2*from+1, 2*r.segmentEnd(from), text)
		}
	}
	return string(line)
}

// segmentEnd is the bit after the segment of r that starts at from.
func (r *row) segmentEnd(from int) int {
	to := from + 1
	for to < rowBits && r.cells[to] == r.cells[from] {
		to++
	}
	return to
}

// place centres text in line[from:to], cut to fit with a ~ where it is
// cut.
func place(line []byte, from, to int, text string) {
	room := to - from
	if room <= 0 {
		return
	}
	if len(text) > room {
		text = text[:room-1] + "~"
	}
	copy(line[from+(room-len(text))/2:], text)
}

type edge int

const (
	noEdge   edge = iota
	solid         // a box begins or ends here
	openEdge      // a variable box runs on past here
)

// edgeAt is the edge between bit b of above and of below.
func (g *grid) edgeAt(above, below *row, b int) edge {
	up, down := cell(above, b), cell(below, b)
	switch {
	case up == down:
		return noEdge
	case up >= 0 && down < 0 && g.boxes[up].open:
		return openEdge
	}
	return solid
}

// border draws the line between two rows (nil for none): - under every
// bit where a box begins or ends, a + at each bit boundary of a solid
// edge and wherever a wall meets the line, so that a solid edge is
// +-+-+ and an open one +- - -+.
func (g *grid) border(above, below *row) string {
	line := blank()
	for b := 0; b <= rowBits; b++ {
		left, right := g.edgeAt(above, below, b-1), g.edgeAt(above, below, b)
		if right != noEdge {
			line[2*b+1] = '-'
		}
		if left == solid || right == solid || wall(above, b) || wall(below, b) {
			line[2*b] = '+'
		}
	}
	return string(line)
}
