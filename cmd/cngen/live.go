package main

// What the commands that work from a schema alone share (decode, encode,
// listen, send, call): the schema, from a file or built in, the type or
// message a command names, and the flags that pick them.

import (
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"os"
	"slices"
	"strings"
	"unicode"

	"github.com/cngen/cngen/codec"
	"github.com/cngen/cngen/dsl/check"
	"github.com/cngen/cngen/dsl/model"
	"github.com/cngen/cngen/dsl/source"
	"github.com/cngen/cngen/dsl/wire"
	"github.com/cngen/cngen/families"
	"github.com/cngen/cngen/runtime/cn"
)

// live is a checked schema with its plan and codec, and the family a
// command works with (nil for decode and encode).
type live struct {
	schema  *model.Schema
	plan    *wire.Plan
	codec   *codec.Codec
	family  *model.Family
	builtin *families.Family // the built-in family, for its control messages
}

// parseInterspersed parses args like the flag package, but lets the
// positional arguments come before, between and after the flags (cngen
// listen proc -json), as the go command does; after -- everything is
// positional.
func parseInterspersed(fs *flag.FlagSet, args []string) (pos []string, help bool, err error) {
	for {
		if help, err := parseFlags(fs, args); help || err != nil {
			return nil, help, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, false, nil
		}
		if len(args) > len(rest) && args[len(args)-len(rest)-1] == "--" {
			return append(pos, rest...), false, nil
		}
		pos, args = append(pos, rest[0]), rest[1:]
	}
}

// loadSchema reads and checks the schema at path. Its errors, one per
// line with their positions, are the error.
func loadSchema(path string) (*model.Schema, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%s: cannot read the schema: %v", path, unwrapPath(err))
	}
	return check.Load(path, src)
}

// newLive makes the live schema of path.
func newLive(s *model.Schema) *live {
	p := wire.New(s)
	return &live{schema: s, plan: p, codec: codec.New(p)}
}

// loadLive resolves what a live command works on: the schema at path
// (-schema) and its family named family (or its only one), or, with no
// path, the built-in family named name. needFamily is false for decode and
// encode, which need a schema only.
func loadLive(path, family, name string, needFamily bool) (*live, error) {
	switch {
	case path != "" && name != "":
		return nil, usageError{fmt.Sprintf("both -schema and the built-in family %s given", name)}
	case path == "" && name == "":
		return nil, usageError{"no schema: give -schema FILE.cn or a built-in family (" + strings.Join(families.Names(), ", ") + ")"}
	}
	if path == "" {
		f, ok := families.Lookup(name)
		if !ok {
			return nil, usageError{fmt.Sprintf("no built-in family %q%s; cngen list shows them", name, didYouMean(name, families.Names()))}
		}
		s, fam, err := f.Load()
		if err != nil {
			return nil, err
		}
		if family != "" && family != fam.Name {
			return nil, usageError{fmt.Sprintf("the built-in %s has no family %s", name, family)}
		}
		l := newLive(s)
		l.family, l.builtin = fam, &f
		return l, nil
	}
	s, err := loadSchema(path)
	if err != nil {
		return nil, err
	}
	l := newLive(s)
	if !needFamily && family == "" {
		return l, nil
	}
	var names []string
	for _, f := range s.Families {
		names = append(names, f.Name)
		if f.Name == family || family == "" && len(s.Families) == 1 {
			l.family = f
		}
	}
	switch {
	case l.family != nil:
		return l, nil
	case family == "" && len(names) == 0:
		return nil, fmt.Errorf("%s declares no family", path)
	case family == "":
		return nil, usageError{fmt.Sprintf("%s declares the families %s: pick one with -family", path, strings.Join(names, ", "))}
	}
	return nil, usageError{fmt.Sprintf("%s declares no family %s%s", path, family, didYouMean(family, names))}
}

// layout finds the type a command names: a declared struct or union, or
// a message's payload as FAMILY.MESSAGE or MESSAGE (MESSAGE.reply for a
// call's reply).
func (l *live) layout(name string) (*wire.Layout, error) {
	var names []string
	for _, lay := range l.plan.Layouts() {
		if t := lay.Type; !lay.Payload && t.Name != "" && t.Kind != model.KindSwitch {
			if t.Name == name {
				return lay, nil
			}
			names = append(names, t.Name)
		}
	}
	var found []*wire.Layout
	for _, f := range l.schema.Families {
		for _, m := range f.Messages {
			for _, reply := range []bool{false, true} {
				if reply && m.Kind != model.Call {
					continue
				}
				short := m.Name
				if reply {
					short += ".reply"
				}
				full := f.Name + "." + short
				names = append(names, full)
				if name == full || name == short {
					found = append(found, l.plan.Payload(m, reply))
				}
			}
		}
	}
	switch len(found) {
	case 1:
		return found[0], nil
	case 0:
		return nil, usageError{fmt.Sprintf("no type or message %q in %s%s (there are %s)", name, l.file(), didYouMean(name, names), strings.Join(names, ", "))}
	}
	return nil, usageError{fmt.Sprintf("message %q is in several families of %s: name it as FAMILY.%s", name, l.file(), name)}
}

func (l *live) file() string { return l.schema.File }

// message finds a message of the family by name.
func (l *live) message(name string) (*model.Message, error) {
	var names []string
	for _, m := range l.family.Messages {
		if m.Name == name {
			return m, nil
		}
		names = append(names, m.Name)
	}
	return nil, usageError{fmt.Sprintf("family %s has no message %q%s (it has %s)", l.family.Name, name, didYouMean(name, names), strings.Join(names, ", "))}
}

// didYouMean is ", did you mean X?" for the candidate nearest to name,
// when one is near enough; "" otherwise.
func didYouMean(name string, candidates []string) string {
	best, dist := "", len(name)/2+1
	for _, c := range candidates {
		if d := source.EditDistance(name, c); d < dist {
			best, dist = c, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(", did you mean %s?", best)
}

// readPayload reads a payload, raw or as hex text.
func readPayload(data []byte, isHex bool) ([]byte, error) {
	if !isHex {
		return data, nil
	}
	text := strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, string(data))
	text = strings.TrimPrefix(strings.TrimPrefix(text, "0x"), "0X")
	b, err := hex.DecodeString(text)
	if err != nil {
		var ie hex.InvalidByteError
		if errors.As(err, &ie) {
			return nil, fmt.Errorf("the input is not hex: %q at character %d of its digits", rune(ie), strings.IndexByte(text, byte(ie))+1)
		}
		return nil, fmt.Errorf("the input is not hex: %v (an odd number of digits?)", err)
	}
	return b, nil
}

// protocols are the netlink protocols -proto names.
var protocols = map[string]int{"connector": cn.ProtoConnector, "usersock": cn.ProtoUsersock}

// protoFlag adds -proto to fs.
func protoFlag(fs *flag.FlagSet) *string {
	return fs.String("proto", "connector", "the netlink protocol: connector (the kernel's families) or usersock (a bus between processes)")
}

// protocol is the number of the protocol -proto named.
func protocol(name string) (int, error) {
	p, ok := protocols[name]
	if !ok {
		names := make([]string, 0, len(protocols))
		for n := range protocols {
			names = append(names, n)
		}
		slices.Sort(names)
		return 0, usageError{fmt.Sprintf("-proto %s: want one of %s", name, strings.Join(names, ", "))}
	}
	return p, nil
}
