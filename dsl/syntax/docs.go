package syntax

import (
	"reflect"
	"sort"
	"strings"

	"github.com/cngen/cngen/dsl/source"
)

// docNodes indexes the nodes that have a Doc field, by the offset where
// they start and the offset just after they end. Where two share an
// offset, the outer one, met first, is kept. A node is its address, so
// that both walks of the tree agree on it.
type docNodes struct {
	starts, ends map[int]reflect.Value
}

func findDocNodes(f *File) docNodes {
	d := docNodes{starts: map[int]reflect.Value{}, ends: map[int]reflect.Value{}}
	walk(reflect.ValueOf(f), func(n reflect.Value) {
		if doc := n.FieldByName("Doc"); !doc.IsValid() || doc.Type() != docType {
			return
		}
		pos, end := n.FieldByName("Pos").Interface().(source.Pos), n.FieldByName("EndPos").Interface().(source.Pos)
		if _, ok := d.starts[pos.Offset]; !ok {
			d.starts[pos.Offset] = n.Addr()
		}
		if _, ok := d.ends[end.Offset]; !ok {
			d.ends[end.Offset] = n.Addr()
		}
	})
	return d
}

var docType = reflect.TypeFor[[]string]()

// attacher gathers the doc lines of each node before setting them, since
// a node's trailing comment comes after the blocks of the nodes inside it.
type attacher struct {
	f        *File
	nodes    docNodes
	leading  map[any][]string
	trailing map[any]string
}

// attachDocs fills the Doc fields from the /// comments, by the rules of
// the package documentation, and warns about each block of /// comments
// that documents nothing.
func attachDocs(f *File) {
	a := &attacher{f: f, nodes: findDocNodes(f), leading: map[any][]string{}, trailing: map[any]string{}}
	for i := 0; i < len(f.Comments); {
		i = a.take(i)
	}
	walk(reflect.ValueOf(f), func(n reflect.Value) {
		key := n.Addr().Interface()
		doc, ok := a.leading[key]
		if t, has := a.trailing[key]; has {
			doc, ok = append(doc, t), true
		}
		if ok {
			n.FieldByName("Doc").Set(reflect.ValueOf(doc))
		}
	})
}

// take attaches the comment at i, or the block of /// lines starting
// there, and returns the index of the next comment.
func (a *attacher) take(i int) int {
	c := a.f.Comments[i]
	switch {
	case !c.Doc:
		return i + 1
	case a.f.trailing(c):
		if n, ok := a.nodes.ends[a.f.Tokens[a.f.tokensBefore(c)-1].EndPos.Offset]; ok {
			a.trailing[n.Interface()] = docText(c)
		} else {
			a.f.Warnings.Warn(c.Pos, "%s", docNowhere)
		}
		return i + 1
	}
	j := a.f.blockEnd(i)
	n, ok := a.f.documented(a.f.Comments[j-1], a.nodes)
	if !ok {
		a.f.Warnings.Warn(c.Pos, "%s", docNowhere)
		return j
	}
	for _, b := range a.f.Comments[i:j] {
		a.leading[n.Interface()] = append(a.leading[n.Interface()], docText(b))
	}
	return j
}

const docNowhere = "doc comment documents nothing: write /// on the lines directly above a declaration, field, value, variant or message, or after one on its line; write // for a plain comment"

// blockEnd is the end of the block of /// lines that starts at comment i:
// own-line doc comments on consecutive lines.
func (f *File) blockEnd(i int) int {
	j := i + 1
	for j < len(f.Comments) {
		c, prev := f.Comments[j], f.Comments[j-1]
		if !c.Doc || f.trailing(c) || c.Pos.Line != prev.Pos.Line+1 {
			break
		}
		j++
	}
	return j
}

// documented is the node whose doc a block ending with last is: the node
// with a Doc field that starts at the token directly after it, on the
// next line.
func (f *File) documented(last *Comment, nodes docNodes) (reflect.Value, bool) {
	k := f.tokensBefore(last)
	if k >= len(f.Tokens) || f.Tokens[k].Pos.Line != last.Pos.Line+1 {
		return reflect.Value{}, false
	}
	n, ok := nodes.starts[f.Tokens[k].Pos.Offset]
	return n, ok
}

// tokensBefore is how many of the file's tokens come before comment c.
func (f *File) tokensBefore(c *Comment) int {
	return sort.Search(len(f.Tokens), func(i int) bool { return f.Tokens[i].Pos.Offset > c.Pos.Offset })
}

// trailing reports whether comment c follows a token on its line.
func (f *File) trailing(c *Comment) bool {
	k := f.tokensBefore(c)
	return k > 0 && f.Tokens[k-1].EndPos.Line == c.Pos.Line
}

// docText is a doc line: the comment without its marker and one space
// after it.
func docText(c *Comment) string {
	return strings.TrimPrefix(strings.TrimPrefix(c.Text, "///"), " ")
}
