package main

import (
	"encoding/hex"
	"strconv"
	"strings"
	"time"

	"github.com/cngen/cngen/codec"
	"github.com/cngen/cngen/dsl/model"
	"github.com/cngen/cngen/runtime/cnimpl"
)

// The time columns of listen: the wall clock to the microsecond in text,
// RFC 3339 with nanoseconds in JSON.
const (
	textTime = "15:04:05.000000"
	jsonTime = time.RFC3339Nano
)

// textOf writes a decoded value on one line, for a person: path=value
// for every leaf, the path the field names from the payload down, where
// a switch union's arm stands for the union (fork.child_pid rather than
// event_data.fork.child_pid); enums and flags by name, text quoted when
// it needs to be, bytes in hex.
func textOf(v codec.Value) string {
	var b strings.Builder
	writeText(&b, "", v)
	return b.String()
}

func writeText(b *strings.Builder, path string, v codec.Value) {
	t := v.Type
	switch t.Kind {
	case model.KindStruct:
		for i, f := range t.Fields {
			if f.Type.Kind == model.KindPad || i >= len(v.Fields) {
				continue
			}
			writeText(b, join(path, f.Name), v.Fields[i])
		}
		return
	case model.KindSwitch:
		if v.Arm != nil && len(v.Elems) > 0 {
			writeText(b, join(parent(path), v.Arm.Name), v.Elems[0])
		}
		return
	case model.KindArray, model.KindSlice:
		if leafElems(t.Elem) {
			var parts []string
			for _, e := range v.Elems {
				parts = append(parts, leafText(e))
			}
			leaf(b, path, "["+strings.Join(parts, " ")+"]")
			return
		}
		for i, e := range v.Elems {
			writeText(b, path+"["+strconv.Itoa(i)+"]", e)
		}
		return
	}
	leaf(b, path, leafText(v))
}

// leafElems reports element types an array prints in one bracket.
func leafElems(t *model.Type) bool {
	switch t.Kind {
	case model.KindInt, model.KindEnum, model.KindFlags, model.KindBool:
		return true
	}
	return false
}

func leaf(b *strings.Builder, path, text string) {
	if b.Len() > 0 {
		b.WriteByte(' ')
	}
	if path != "" {
		b.WriteString(path)
		b.WriteByte('=')
	}
	b.WriteString(text)
}

// leafText is a scalar, text or bytes value.
func leafText(v codec.Value) string {
	t := v.Type
	switch t.Kind {
	case model.KindInt:
		if t.Int.Signed {
			return strconv.FormatInt(v.Int64(), 10)
		}
		return strconv.FormatUint(v.Bits, 10)
	case model.KindEnum, model.KindFlags:
		return codec.Spell(t, v.Bits)
	case model.KindBool:
		return strconv.FormatBool(v.Bool)
	case model.KindCString:
		return string(appendTextField(nil, string(cnimpl.CutNUL(v.Bytes))))
	case model.KindString:
		return string(appendTextField(nil, v.Text))
	case model.KindBytes, model.KindUnion:
		if len(v.Bytes) == 0 {
			return `""`
		}
		return hex.EncodeToString(v.Bytes)
	}
	return "?"
}

func join(path, name string) string {
	switch {
	case name == "":
		return path
	case path == "":
		return name
	}
	return path + "." + name
}

// parent is path without its last element.
func parent(path string) string {
	if i := strings.LastIndexByte(path, '.'); i >= 0 {
		return path[:i]
	}
	return ""
}
