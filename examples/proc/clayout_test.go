package proc_test

import (
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"github.com/cngen/cngen/dsl/check"
	"github.com/cngen/cngen/dsl/model"
	"github.com/cngen/cngen/internal/clayout"
)

// The kernel's header for the proc connector, from linux-libc-dev.
const cnProcHeader = "/usr/include/linux/cn_proc.h"

func loadProcSchema(t *testing.T) *model.Schema {
	t.Helper()
	src, err := os.ReadFile("proc.cn")
	if err != nil {
		t.Fatal(err)
	}
	s, err := check.Load("proc.cn", src)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return s
}

func lookGCC(t *testing.T) string {
	t.Helper()
	gcc, err := exec.LookPath("gcc")
	if err != nil {
		t.Skipf("no C compiler to check layouts with: %v", err)
	}
	return gcc
}

// kernelVariant maps a variant of the schema's event_data to the member
// of the kernel's union event_data, where the names differ.
var kernelVariant = map[string]string{"none": "ack", "uid": "id", "gid": "id"}

// kernelMembers is every member of struct proc_event in the 6.1 header,
// as a path from the struct. The model must have each.
var kernelMembers = []string{
	"what", "cpu", "timestamp_ns", "event_data",
	"event_data.ack", "event_data.ack.err",
	"event_data.fork", "event_data.fork.parent_pid", "event_data.fork.parent_tgid",
	"event_data.fork.child_pid", "event_data.fork.child_tgid",
	"event_data.exec", "event_data.exec.process_pid", "event_data.exec.process_tgid",
	"event_data.id", "event_data.id.process_pid", "event_data.id.process_tgid",
	"event_data.id.r", "event_data.id.r.ruid", "event_data.id.r.rgid",
	"event_data.id.e", "event_data.id.e.euid", "event_data.id.e.egid",
	"event_data.sid", "event_data.sid.process_pid", "event_data.sid.process_tgid",
	"event_data.ptrace", "event_data.ptrace.process_pid", "event_data.ptrace.process_tgid",
	"event_data.ptrace.tracer_pid", "event_data.ptrace.tracer_tgid",
	"event_data.comm", "event_data.comm.process_pid", "event_data.comm.process_tgid",
	"event_data.comm.comm",
	"event_data.coredump", "event_data.coredump.process_pid", "event_data.coredump.process_tgid",
	"event_data.coredump.parent_pid", "event_data.coredump.parent_tgid",
	"event_data.exit", "event_data.exit.process_pid", "event_data.exit.process_tgid",
	"event_data.exit.exit_code", "event_data.exit.exit_signal",
	"event_data.exit.parent_pid", "event_data.exit.parent_tgid",
}

// TestCLayoutKernelHeader compares the model of proc.cn with the kernel's
// own <linux/cn_proc.h>, as gcc reads it: the layout of struct proc_event
// and every member, the structs the header names like the schema, the
// PROC_EVENT_* and PROC_CN_MCAST_* values, and CN_IDX_PROC/CN_VAL_PROC.
// What the installed header lacks (Debian's 6.1 has no struct proc_input
// and no PROC_EVENT_NONZERO_EXIT) is compared with the kernel's documented
// values instead.
func TestCLayoutKernelHeader(t *testing.T) {
	gcc := lookGCC(t)
	text, err := os.ReadFile(cnProcHeader)
	if err != nil {
		t.Skipf("no kernel header (install linux-libc-dev): %v", err)
	}
	hdr := string(text)
	s := loadProcSchema(t)
	k := &kernelProbes{hdr: hdr, paths: map[string]bool{}}

	pe := namedType(t, s, "proc_event")
	k.add("proc_event", "size", "sizeof(struct proc_event)", pe.Size)
	k.add("proc_event", "align", "_Alignof(struct proc_event)", pe.Align)
	k.members(t, pe, "proc_event", "", 0)
	for _, m := range kernelMembers {
		variant, _, _ := strings.Cut(strings.TrimPrefix(m, "event_data."), ".")
		if variant == "coredump" && !k.has("coredump_proc_event") {
			continue
		}
		if !k.paths[m] {
			t.Errorf("the model has no member for the kernel's proc_event.%s", m)
		}
	}

	// Structs the header declares under the schema's names.
	for _, st := range s.Types {
		if st.Kind != model.KindStruct || !k.hasStruct(st.Name) {
			continue
		}
		c := "struct " + st.Name
		k.add(st.Name, "size", "sizeof("+c+")", st.Size)
		k.add(st.Name, "align", "_Alignof("+c+")", st.Align)
		for _, f := range st.Fields {
			k.add(st.Name+"."+f.Name, "offset", fmt.Sprintf("offsetof(%s, %s)", c, f.Name), f.Offset)
			k.add(st.Name+"."+f.Name, "size", fmt.Sprintf("sizeof(((%s *)0)->%s)", c, f.Name), f.Size)
		}
	}
	if !k.hasStruct("proc_input") {
		checkProcInputFacts(t, namedType(t, s, "proc_input"))
	}

	k.values(t, namedType(t, s, "event"), "PROC_EVENT_")
	k.values(t, namedType(t, s, "mcast_op"), "PROC_CN_MCAST_")
	k.consts(t, s)
	k.family(t, s)

	ms, err := clayout.CheckProbes(gcc, "#include <stddef.h>\n#include <linux/connector.h>\n#include <linux/cn_proc.h>\n", k.probes)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		t.Errorf("kernel header: %v", m)
	}
}

// kernelProbes collects probes of the kernel header.
type kernelProbes struct {
	hdr    string
	probes []clayout.Probe
	paths  map[string]bool // kernel member paths of proc_event probed
}

func (k *kernelProbes) add(path, what, expr string, want int) {
	k.probes = append(k.probes, clayout.Probe{Path: path, What: what, Expr: expr, Want: want})
}

// has reports whether the header mentions the identifier.
func (k *kernelProbes) has(ident string) bool {
	return regexp.MustCompile(`\b` + ident + `\b`).MatchString(k.hdr)
}

// hasStruct reports whether the header defines struct name.
func (k *kernelProbes) hasStruct(name string) bool {
	return regexp.MustCompile(`\bstruct\s+` + name + `\s*\{`).MatchString(k.hdr)
}

// members probes every member of t, a member of struct proc_event at the
// kernel path cpath (the model path key) and offset base.
func (k *kernelProbes) members(t *testing.T, typ *model.Type, key, cpath string, base int) {
	join := func(name string) string {
		if cpath == "" {
			return name
		}
		return cpath + "." + name
	}
	switch typ.Kind {
	case model.KindStruct, model.KindUnion:
		for _, f := range typ.Fields {
			k.member(t, key+"."+f.Name, join(f.Name), base+f.Offset, f.Size, f.Type)
		}
	case model.KindSwitch:
		for _, v := range typ.Variants {
			name := v.Name()
			if kn, ok := kernelVariant[name]; ok {
				name = kn
			}
			if !k.has(name+"_proc_event") && !k.hasMember(name) {
				t.Logf("%s: the header has no member %s: not compared", cnProcHeader, join(name))
				continue
			}
			k.member(t, key+"."+v.Name(), join(name), base, v.Type.Size, v.Type)
		}
	}
}

// hasMember reports whether the header declares a member called name:
// "} name;" as anonymous structs end.
func (k *kernelProbes) hasMember(name string) bool {
	return regexp.MustCompile(`\}\s*` + name + `\s*;`).MatchString(k.hdr)
}

func (k *kernelProbes) member(t *testing.T, key, cpath string, off, size int, typ *model.Type) {
	k.paths[cpath] = true
	k.add(key, "offset", "offsetof(struct proc_event, "+cpath+")", off)
	k.add(key, "size", "sizeof(((struct proc_event *)0)->"+cpath+")", size)
	k.members(t, typ, key, cpath, off)
}

// values compares the values of an enum or flags type with the header's
// constants prefix+NAME, in both directions.
func (k *kernelProbes) values(t *testing.T, typ *model.Type, prefix string) {
	model := map[string]bool{}
	for _, v := range typ.Values {
		c := prefix + strings.ToUpper(v.Name)
		model[c] = true
		if !k.has(c) {
			checkValueFact(t, c, v.Value.Int64())
			continue
		}
		k.add(typ.Name+"."+v.Name, "value", c, int(v.Value.Int64()))
	}
	for _, c := range regexp.MustCompile(`\b`+prefix+`[A-Z_]+\b`).FindAllString(k.hdr, -1) {
		if !model[c] && !k.isMacro(c) {
			t.Errorf("%s has %s, which %s lacks", cnProcHeader, c, typ.Name)
		}
	}
}

func (k *kernelProbes) isMacro(name string) bool {
	return regexp.MustCompile(`#\s*define\s+` + name + `\b`).MatchString(k.hdr)
}

// consts compares the schema's constants with the header's macros of the
// same name.
func (k *kernelProbes) consts(t *testing.T, s *model.Schema) {
	for _, c := range s.Consts {
		if k.isMacro(c.Name) {
			k.add(c.Name, "value", c.Name, int(c.Value.Int64()))
			continue
		}
		if c.Name != "PROC_EVENT_ALL" {
			t.Logf("%s: no macro %s: not compared", cnProcHeader, c.Name)
			continue
		}
		// Since 6.6 the header defines it as every event bit, NONE aside.
		var all int64
		for _, v := range namedType(t, s, "event").Values {
			all |= v.Value.Int64()
		}
		if c.Value.Int64() != all {
			t.Errorf("PROC_EVENT_ALL = %#x, want every event bit %#x", c.Value.Int64(), all)
		}
	}
}

// family compares the proc family's idx and the val of its messages with
// <linux/connector.h>.
func (k *kernelProbes) family(t *testing.T, s *model.Schema) {
	for _, f := range s.Families {
		if f.Name != "proc" {
			continue
		}
		k.add("family proc", "idx", "CN_IDX_PROC", int(f.Idx))
		for _, m := range f.Messages {
			k.add("family proc."+m.Name, "val", "CN_VAL_PROC", int(m.Val))
		}
		return
	}
	t.Error("proc.cn has no family proc")
}

// checkProcInputFacts compares proc_input with the kernel's definition
// (include/uapi/linux/cn_proc.h since 6.6), for headers that predate it:
// struct proc_input { enum proc_cn_mcast_op mcast_op; enum proc_cn_event
// event_type; }, 8 bytes.
func checkProcInputFacts(t *testing.T, pi *model.Type) {
	t.Logf("%s has no struct proc_input: comparing with the 6.6 definition", cnProcHeader)
	type fact struct {
		name         string
		offset, size int
	}
	want := []fact{{"mcast_op", 0, 4}, {"event_type", 4, 4}}
	if pi.Size != 8 || pi.Align != 4 || len(pi.Fields) != len(want) {
		t.Fatalf("proc_input: size %d, align %d, %d fields; want 8, 4, 2", pi.Size, pi.Align, len(pi.Fields))
	}
	for i, f := range pi.Fields {
		if got := (fact{f.Name, f.Offset, f.Size}); got != want[i] {
			t.Errorf("proc_input field %d: %+v, want %+v", i, got, want[i])
		}
	}
}

// checkValueFact compares a value the header lacks with the kernel's.
func checkValueFact(t *testing.T, name string, got int64) {
	facts := map[string]int64{"PROC_EVENT_NONZERO_EXIT": 0x20000000}
	want, ok := facts[name]
	if !ok {
		t.Errorf("%s lacks %s, and its value is not known otherwise", cnProcHeader, name)
		return
	}
	t.Logf("%s lacks %s: comparing with the kernel's %#x", cnProcHeader, name, want)
	if got != want {
		t.Errorf("%s = %#x, want %#x", name, got, want)
	}
}

func namedType(t *testing.T, s *model.Schema, name string) *model.Type {
	t.Helper()
	for _, typ := range s.Types {
		if typ.Name == name {
			return typ
		}
	}
	t.Fatalf("proc.cn has no type %s", name)
	return nil
}
