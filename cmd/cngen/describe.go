package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"strings"
	"text/tabwriter"

	"github.com/cngen/cngen/dsl/model"
	"github.com/cngen/cngen/gen"
)

const describeArgs = "[-json | -jsonl] FILE.cn|DIR|PATTERN..."

func runDescribe(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("describe", describeArgs, stderr)
	asJSON := fs.Bool("json", false, "print the models as one JSON document: an array of one object per file")
	asLines := fs.Bool("jsonl", false, "print the models as JSON lines: one object per file, a line each")
	paths, help, err := schemaFlags(fs, args)
	if help || err != nil {
		return err
	}
	if *asJSON && *asLines {
		return usageError{"-json and -jsonl exclude each other"}
	}
	schemas, errs := loadAll(paths)
	if err := reportErrors(stderr, errs); err != nil {
		return err
	}
	var docs []schemaJSON
	for _, l := range schemas {
		docs = append(docs, describeSchema(l.schema))
	}
	switch {
	case *asJSON:
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(docs)
	case *asLines:
		enc := json.NewEncoder(stdout)
		for _, d := range docs {
			if err := enc.Encode(d); err != nil {
				return err
			}
		}
		return nil
	}
	for _, d := range docs {
		printDescription(stdout, d)
	}
	return nil
}

// The JSON shape of `cngen describe -json`. Names are as written in the
// schema; go_name is what `cngen gen` calls the same thing.
type (
	schemaJSON struct {
		File     string       `json:"file"`
		Package  string       `json:"package"`
		Doc      []string     `json:"doc,omitempty"`
		Consts   []constJSON  `json:"consts"`
		Types    []typeJSON   `json:"types"`
		Families []familyJSON `json:"families"`
	}
	constJSON struct {
		Name   string   `json:"name"`
		GoName string   `json:"go_name"`
		Value  *big.Int `json:"value"`
		Text   string   `json:"text"` // as the schema wrote it
		Doc    []string `json:"doc,omitempty"`
	}
	typeJSON struct {
		Name         string        `json:"name,omitempty"`
		GoName       string        `json:"go_name,omitempty"`
		Kind         string        `json:"kind"`
		Size         int           `json:"size"`
		Align        int           `json:"align"`
		Variable     bool          `json:"variable"`
		Packed       bool          `json:"packed,omitempty"`
		DeclaredSize int           `json:"declared_size,omitempty"`
		Underlying   string        `json:"underlying,omitempty"`
		Values       []valueJSON   `json:"values,omitempty"`
		Fields       []fieldJSON   `json:"fields,omitempty"`
		Selector     string        `json:"selector,omitempty"`
		Variants     []variantJSON `json:"variants,omitempty"`
		Doc          []string      `json:"doc,omitempty"`
	}
	valueJSON struct {
		Name   string   `json:"name"`
		GoName string   `json:"go_name"`
		Value  *big.Int `json:"value"`
		Text   string   `json:"text"` // as the schema wrote it
		Doc    []string `json:"doc,omitempty"`
	}
	fieldJSON struct {
		Name     string    `json:"name"`
		GoName   string    `json:"go_name"`
		Type     string    `json:"type"`
		Offset   int       `json:"offset"`
		Size     int       `json:"size"`
		Align    int       `json:"align"`
		Dynamic  bool      `json:"dynamic,omitempty"`
		Selector string    `json:"selector,omitempty"`
		LengthOf []string  `json:"length_of,omitempty"`
		Inline   *typeJSON `json:"inline,omitempty"`
		Doc      []string  `json:"doc,omitempty"`
	}
	variantJSON struct {
		Case   string    `json:"case"`
		Type   string    `json:"type"`
		Size   int       `json:"size"`
		Inline *typeJSON `json:"inline,omitempty"`
		Doc    []string  `json:"doc,omitempty"`
	}
	familyJSON struct {
		Name     string        `json:"name"`
		GoName   string        `json:"go_name"`
		Idx      uint32        `json:"idx"`
		IdxText  string        `json:"idx_text"` // as the schema wrote it: 0x123
		Groups   []uint32      `json:"groups"`
		Sender   string        `json:"sender"`
		Messages []messageJSON `json:"messages"`
		Doc      []string      `json:"doc,omitempty"`
	}
	messageJSON struct {
		Name       string   `json:"name"`
		GoName     string   `json:"go_name"`
		Kind       string   `json:"kind"`
		Val        uint32   `json:"val"`
		ValText    string   `json:"val_text"`
		Directions []string `json:"directions"`
		Type       string   `json:"type"`
		Size       int      `json:"size"`
		Reply      string   `json:"reply,omitempty"`
		Error      string   `json:"error,omitempty"`  // the reply's error field
		Groups     []uint32 `json:"groups,omitempty"` // an event's groups
		Doc        []string `json:"doc,omitempty"`
	}
)

func describeSchema(s *model.Schema) schemaJSON {
	d := schemaJSON{File: s.File, Package: s.Package, Doc: s.Doc,
		Consts: []constJSON{}, Types: []typeJSON{}, Families: []familyJSON{}}
	for _, c := range s.Consts {
		d.Consts = append(d.Consts, constJSON{c.Name, gen.GoName(c.Name), c.Value, c.Text, c.Doc})
	}
	for _, t := range s.Types {
		d.Types = append(d.Types, describeType(t))
	}
	for _, f := range s.Families {
		d.Families = append(d.Families, describeFamily(f))
	}
	return d
}

func describeType(t *model.Type) typeJSON {
	j := typeJSON{Name: t.Name, Kind: t.Kind.String(), Size: t.Size, Align: t.Align,
		Variable: t.Variable, Packed: t.Packed, DeclaredSize: t.DeclaredSize, Doc: t.Doc}
	if t.Name != "" {
		j.GoName = gen.GoName(t.Name)
	}
	switch t.Kind {
	case model.KindEnum, model.KindFlags:
		j.Underlying = t.Int.Name()
		for _, v := range t.Values {
			j.Values = append(j.Values, valueJSON{v.Name, gen.GoName(t.Name + "_" + v.Name), v.Value, v.Text, v.Doc})
		}
	case model.KindSwitch:
		j.Selector = t.Selector.Name
		for _, v := range append(t.Variants, t.Default) {
			if v != nil {
				j.Variants = append(j.Variants, variantJSON{v.Name(), v.Type.String(), v.Type.Size, inline(v.Type), v.Doc})
			}
		}
	}
	for _, f := range t.Fields {
		fj := fieldJSON{Name: f.Name, GoName: gen.GoName(f.Name), Type: f.Type.String(), Offset: f.Offset,
			Size: f.Size, Align: f.Align, Dynamic: f.Dynamic, Inline: inline(f.Type), Doc: f.Doc}
		if f.Selector != nil {
			fj.Selector = f.Selector.Name
		}
		for _, l := range f.LengthOf {
			fj.LengthOf = append(fj.LengthOf, l.Name)
		}
		j.Fields = append(j.Fields, fj)
	}
	return j
}

// inline describes an anonymous struct in place; named types are listed
// once at the top level.
func inline(t *model.Type) *typeJSON {
	if t.Kind != model.KindStruct || t.Name != "" {
		return nil
	}
	j := describeType(t)
	return &j
}

func describeFamily(f *model.Family) familyJSON {
	j := familyJSON{Name: f.Name, GoName: gen.GoName(f.Name), Idx: f.Idx, IdxText: f.IdxText, Groups: f.Groups,
		Sender: f.Sender.String(), Messages: []messageJSON{}, Doc: f.Doc}
	for _, m := range f.Messages {
		mj := messageJSON{Name: m.Name, GoName: gen.GoName(m.Name), Kind: m.Kind.String(), Val: m.Val, ValText: m.ValText,
			Type: m.Type.String(), Size: m.Type.Size, Doc: m.Doc}
		for _, d := range m.Directions() {
			mj.Directions = append(mj.Directions, d.String())
		}
		if m.Reply != nil {
			mj.Reply = m.Reply.String()
		}
		if m.Error != nil {
			mj.Error = m.Error.Name
		}
		mj.Groups = m.Groups
		j.Messages = append(j.Messages, mj)
	}
	return j
}

// printDescription writes the human form: a byte layout table per type.
func printDescription(w io.Writer, d schemaJSON) {
	fmt.Fprintf(w, "# %s (package %s)\n", d.File, d.Package)
	for _, c := range d.Consts {
		if c.Text == c.Value.String() {
			fmt.Fprintf(w, "\nconst %s = %s\n", c.Name, c.Text)
		} else {
			fmt.Fprintf(w, "\nconst %s = %s (%s)\n", c.Name, c.Text, c.Value)
		}
	}
	for _, t := range d.Types {
		printType(w, t, "")
	}
	for _, f := range d.Families {
		fmt.Fprintf(w, "\nfamily %s idx %s groups %v sender %s\n", f.Name, f.IdxText, f.Groups, f.Sender)
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		for _, m := range f.Messages {
			payload := m.Type
			if m.Reply != "" {
				payload += " -> " + m.Reply
			}
			fmt.Fprintf(tw, "  %s\t%s\tval %s\t%s\t%s\n", m.Kind, m.Name, m.ValText, strings.Join(m.Directions, "+"), payload)
		}
		tw.Flush()
	}
}

func printType(w io.Writer, t typeJSON, indent string) {
	size := fmt.Sprintf("%d bytes", t.Size)
	if t.Variable {
		size = fmt.Sprintf("%d+ bytes", t.Size)
	}
	name := t.Name
	if name == "" {
		name = "{…}" // an inline variant struct, shown under its case
	}
	fmt.Fprintf(w, "\n%s%s %s: %s, align %d\n", indent, t.Kind, name, size, t.Align)
	var rows [][3]string // offset, size, "name type"
	for _, v := range t.Values {
		rows = append(rows, [3]string{v.Text, "", v.Name})
	}
	for _, f := range t.Fields {
		off := fmt.Sprint(f.Offset)
		if f.Dynamic {
			off = "~" + off
		}
		typ := f.Type
		if f.Selector != "" {
			typ += "(" + f.Selector + ")"
		}
		rows = append(rows, [3]string{off, fmt.Sprint(f.Size), f.Name + " " + typ})
	}
	printRows(w, indent+"  ", rows)
	for _, v := range t.Variants {
		size := fmt.Sprintf("%d bytes", v.Size)
		if v.Type == "bytes" || v.Type == "string" || strings.HasPrefix(v.Type, "[]") {
			size = "the rest"
		}
		fmt.Fprintf(w, "%s  %s => %s (%s)\n", indent, v.Case, v.Type, size)
		if v.Inline != nil {
			printType(w, *v.Inline, indent+"    ")
		}
	}
}

// printRows writes right-aligned numbers then left-aligned text.
func printRows(w io.Writer, indent string, rows [][3]string) {
	var w0, w1 int
	for _, r := range rows {
		w0, w1 = max(w0, len(r[0])), max(w1, len(r[1]))
	}
	for _, r := range rows {
		if w1 == 0 {
			fmt.Fprintf(w, "%s%*s  %s\n", indent, w0, r[0], r[2])
			continue
		}
		fmt.Fprintf(w, "%s%*s %*s  %s\n", indent, w0, r[0], w1, r[1], r[2])
	}
}
