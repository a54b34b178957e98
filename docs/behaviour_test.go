package docs

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/cngen/cngen/codec"
	"github.com/cngen/cngen/dsl/check"
	"github.com/cngen/cngen/dsl/model"
	"github.com/cngen/cngen/dsl/wire"
	"github.com/cngen/cngen/runtime/cn"
)

// example is a checked block of language.md with its generic codec,
// which decodes and encodes by the rules generated code follows (the
// golden tests hold the two to the same results).
type example struct {
	t    *testing.T
	s    *model.Schema
	plan *wire.Plan
	c    *codec.Codec
}

func (e *example) layout(name string) *wire.Layout {
	for _, l := range e.plan.Layouts() {
		if l.Name == name {
			return l
		}
	}
	e.t.Fatalf("no type %s", name)
	return nil
}

func (e *example) field(l *wire.Layout, name string) *wire.Field {
	for _, f := range l.Fields {
		if f.Name == name {
			return f
		}
	}
	e.t.Fatalf("%s has no field %s", l.Name, name)
	return nil
}

// decode decodes b as type name and encodes the value back.
func (e *example) decode(name string, b []byte) (codec.Value, []byte, error) {
	l := e.layout(name)
	v, err := e.c.Decode(l, b)
	if err != nil {
		return v, nil, err
	}
	out, err := e.c.Encode(nil, l, v)
	return v, out, err
}

var ne = binary.NativeEndian

// behaviour says what each example of language.md does, by its package.
var behaviour = map[string]func(e *example){
	"proc": func(e *example) {
		pe := e.layout("proc_event")
		if pe.Type.Size != 40 || e.field(pe, "timestamp_ns").Off != 8 || e.field(pe, "data").Off != 16 {
			e.t.Errorf("proc_event: size %d, timestamp_ns at %d, data at %d; want 40, 8, 16",
				pe.Type.Size, e.field(pe, "timestamp_ns").Off, e.field(pe, "data").Off)
		}
		b := make([]byte, 40)
		ne.PutUint32(b, 0x1) // fork
		ne.PutUint32(b[24:], 1240)
		v, out, err := e.decode("proc_event", b)
		if err != nil || v.Fields[3].Arm.Name != "fork" || v.Fields[3].Elems[0].Fields[2].Int64() != 1240 || !bytes.Equal(out, b) {
			e.t.Errorf("a fork event: %v, child_pid %v, re-encoded %x", err, v, out)
		}
		_, _, err = e.decode("proc_event", b[:20])
		if err == nil || err.Error() != "cn: decode proc_event.data.fork.parent_tgid at offset 20: short buffer: need 4 bytes, have 0" {
			e.t.Errorf("a short fork event: %v", err)
		}
	},
	"consts": func(e *example) {
		got := map[string]string{}
		for _, c := range e.s.Consts {
			got[c.Name] = c.Value.String()
		}
		if got["PAGE"] != "4096" || got["MASK"] != "4095" || got["BOTH"] != "2" {
			e.t.Errorf("constants %v", got)
		}
	},
	"modes": func(e *example) {
		color := e.s.Types[0]
		if codec.Spell(color, 2) != "green" || codec.Spell(color, 9) != "color(9)" {
			e.t.Errorf("enum spelling: %s, %s", codec.Spell(color, 2), codec.Spell(color, 9))
		}
		perm := e.s.Types[1]
		if got := codec.Spell(perm, 0x7|0x10); got != "read|write|exec|0x10" {
			e.t.Errorf("flags spelling %q", got)
		}
		if codec.Spell(perm, 0) != "none" {
			e.t.Errorf("flags zero %q", codec.Spell(perm, 0))
		}
	},
	"layout": func(e *example) {
		h, w, s := e.layout("header"), e.layout("wire"), e.layout("stamped")
		if h.Type.Size != 16 || e.field(h, "value").Off != 8 || w.Type.Size != 9 || e.field(w, "value").Off != 1 ||
			s.Type.Size != 16 || e.field(s, "at").Off != 8 {
			e.t.Errorf("sizes %d %d %d", h.Type.Size, w.Type.Size, s.Type.Size)
		}
		// Padding is written as zeros, whatever the value held.
		b := bytes.Repeat([]byte{0xff}, 16)
		b[0] = 7
		_, out, err := e.decode("header", b)
		if err != nil || !bytes.Equal(out[:8], []byte{7, 0, 0, 0, 0, 0, 0, 0}) {
			e.t.Errorf("header re-encoded %x, %v: want seven zero bytes of padding", out, err)
		}
	},
	"variable": func(e *example) {
		rec := e.layout("record")
		if !e.field(rec, "crc").Dynamic {
			e.t.Error("crc's offset is not marked dynamic")
		}
		// n=2, count=1, data "ab", items {id 5, weight 6}, crc: the
		// lengths come from what they size, and crc aligns to 4.
		b := []byte{2, 0}
		b = ne.AppendUint16(b, 1)
		b = append(b, 'a', 'b')
		b = ne.AppendUint16(b, 5)
		b = append(b, 6, 0, 0, 0) // weight, then padding up to crc at 12
		b = ne.AppendUint32(b, 0xc0ffee)
		v, out, err := e.decode("record", b)
		if err != nil || string(v.Fields[2].Bytes) != "ab" || v.Fields[4].Bits != 0xc0ffee || !bytes.Equal(out, b) {
			e.t.Errorf("record: %v, %+v, re-encoded %x want %x", err, v, out, b)
		}
		if _, _, err := e.decode("text", []byte{1, 0, 0, 0, 'h', 'i'}); !errors.Is(err, cn.ErrNoNUL) {
			e.t.Errorf("text without its NUL: %v", err)
		}
	},
	"unions": func(e *example) {
		// o = 7 has no case: the default keeps the body's bytes, and o
		// keeps 7, so the message encodes back unchanged.
		b := ne.AppendUint16(nil, 7)
		b = ne.AppendUint16(b, 0)
		b = append(b, 0, 0, 0, 0) // padding: the body aligns to 8 (set's u64)
		b = append(b, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16)
		v, out, err := e.decode("request", b)
		if err != nil || v.Fields[0].Bits != 7 || v.Fields[2].Arm.Name != "default" || !bytes.Equal(out, b) {
			e.t.Errorf("o = 7: %v, o %d, arm %v, re-encoded %x want %x", err, v.Fields[0].Bits, v.Fields[2].Arm, out, b)
		}
		// A default shorter than the union is zero-filled to its size.
		if _, out, err := e.decode("request", b[:12]); err != nil || len(out) != 24 || !bytes.Equal(out[:12], b[:12]) {
			e.t.Errorf("a short default re-encoded %x, %v", out, err)
		}
		// get needs only its key: a short union is fine.
		get := ne.AppendUint16(nil, 2)
		get = append(ne.AppendUint16(get, 0), 0, 0, 0, 0) // key at 8
		get = ne.AppendUint32(get, 42)
		if v, _, err := e.decode("request", get); err != nil || v.Fields[2].Elems[0].Fields[0].Bits != 42 {
			e.t.Errorf("get: %v %+v", err, v)
		}
		addr := e.layout("address")
		if addr.Type.Size != 16 {
			e.t.Errorf("address size %d", addr.Type.Size)
		}
	},
	"echo": func(e *example) {
		f := e.s.Families[0]
		if f.Idx != 0x123 || fmt.Sprint(f.Groups) != "[20 21]" || len(f.Messages) != 5 {
			e.t.Errorf("family %+v", f)
		}
		// tick goes to the first group, alarm to the one it names.
		tick, alarm, get := f.Messages[1], f.Messages[3], f.Messages[4]
		if fmt.Sprint(tick.Groups) != "[20]" || tick.GroupsGiven || fmt.Sprint(alarm.Groups) != "[21]" || !alarm.GroupsGiven {
			e.t.Errorf("tick groups %v, alarm groups %v", tick.Groups, alarm.Groups)
		}
		if get.Error == nil || get.Error.Name != "status" || get.Error.Offset != 0 {
			e.t.Errorf("get's error field is %+v", get.Error)
		}
		ping := e.plan.Payload(f.Messages[0], true)
		if ping.Name != "ping_reply" {
			e.t.Errorf("ping's reply is %s", ping.Name)
		}
		stop := e.plan.Payload(f.Messages[2], false)
		if !stop.Payload || stop.Name != "echo.stop" {
			e.t.Errorf("stop's payload is %s (wrapper %v)", stop.Name, stop.Payload)
		}
	},
}

// TestLanguageBehaviour runs what each example of language.md says it
// does; an example with no entry in behaviour fails.
func TestLanguageBehaviour(t *testing.T) {
	src, err := os.ReadFile("language.md")
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, b := range cnBlocks(string(src)) {
		s, err := check.Load("language.md", []byte(strings.Repeat("\n", b.line)+b.text))
		if err != nil {
			continue // TestLanguageExamples reports it
		}
		check, ok := behaviour[s.Package]
		if !ok {
			t.Errorf("language.md:%d: example of package %s has no behaviour test", b.line, s.Package)
			continue
		}
		seen[s.Package] = true
		plan := wire.New(s)
		t.Run(s.Package, func(t *testing.T) { check(&example{t: t, s: s, plan: plan, c: codec.New(plan)}) })
	}
	for pkg := range behaviour {
		if !seen[pkg] {
			t.Errorf("behaviour of %s, an example language.md no longer has", pkg)
		}
	}
}
