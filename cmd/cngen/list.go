package main

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/cngen/cngen/dsl/model"
	"github.com/cngen/cngen/families"
)

const listArgs = "[-v]"

// runList prints the built-in families: name, idx, groups, header and
// what each carries; with -v, their messages.
func runList(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("list", listArgs, stderr)
	verbose := fs.Bool("v", false, "also list each family's messages: kind, name, val and payload")
	if help, err := parseFlags(fs, args); help || err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{"list takes no arguments"}
	}
	var fams []*model.Family
	w := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "FAMILY\tIDX\tVAL\tGROUP\tHEADER\tCARRIES")
	for _, f := range families.All() {
		_, fam, err := f.Load()
		if err != nil {
			return err
		}
		fams = append(fams, fam)
		header := f.Header
		if header == "" {
			header = "-"
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\n", f.Name, fam.IdxText, vals(fam), groups(fam), header, f.Summary)
	}
	if err := w.Flush(); err != nil || !*verbose {
		return err
	}
	for _, fam := range fams {
		fmt.Fprintf(stdout, "\n%s (idx %s, sender %s):\n", fam.Name, fam.IdxText, fam.Sender)
		w := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		for _, m := range fam.Messages {
			payload := m.Type.String()
			if m.Kind == model.Call {
				payload += " -> " + m.Reply.String()
			}
			fmt.Fprintf(w, "  %s\t%s\tval %s\t%s\n", m.Kind, m.Name, m.ValText, payload)
		}
		if err := w.Flush(); err != nil {
			return err
		}
	}
	return nil
}

// vals lists the distinct vals of a family's messages.
func vals(f *model.Family) string {
	var out []string
	for _, m := range f.Messages {
		if !slices.Contains(out, m.ValText) {
			out = append(out, m.ValText)
		}
	}
	return strings.Join(out, ",")
}

func groups(f *model.Family) string {
	if len(f.Groups) == 0 {
		return "-"
	}
	var out []string
	for _, g := range f.Groups {
		out = append(out, fmt.Sprint(g))
	}
	return strings.Join(out, ",")
}
