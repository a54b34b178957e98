package families_test

import (
	"bytes"
	"encoding/binary"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/cngen/cngen/dsl/model"
	"github.com/cngen/cngen/families"
)

var update = flag.Bool("update", false, "copy the schemas from where the repository generates code from them")

// origins are the schemas the embedded ones are copies of.
var origins = map[string]string{
	"proc.cn":    "../examples/proc/proc.cn",
	"w1.cn":      "../golden/w1/w1.cn",
	"uvesafb.cn": "../golden/uvesafb/uvesafb.cn",
	"dmlog.cn":   "../golden/dmlog/dmlog.cn",
	"kvp.cn":     "../golden/kvp/kvp.cn",
	"vss.cn":     "../golden/vss/vss.cn",
}

// TestSchemasFresh holds every embedded schema to its origin, and the
// table of families to the files: go test ./families -update copies them.
func TestSchemasFresh(t *testing.T) {
	files, err := filepath.Glob("schemas/*.cn")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range families.All() {
		names = append(names, f.File)
	}
	for _, p := range files {
		if !slices.Contains(names, filepath.Base(p)) {
			t.Errorf("%s belongs to no family of the table", p)
		}
	}
	for _, f := range families.All() {
		origin, ok := origins[f.File]
		if !ok {
			t.Errorf("%s: no origin", f.File)
			continue
		}
		want, err := os.ReadFile(origin)
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join("schemas", f.File)
		if *update {
			if err := os.WriteFile(path, want, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if got, err := os.ReadFile(path); err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s is not a copy of %s (%v): run go test ./families -update", path, origin, err)
		}
	}
}

// kernelIDs are the idx and val constants of <linux/connector.h>,
// written out for systems without the header.
var kernelIDs = map[string][2]uint32{
	"proc": {1, 1}, "w1": {3, 1}, "uvesafb": {4, 1}, "dm": {7, 1}, "kvp": {9, 1}, "vss": {10, 1},
}

func TestLoad(t *testing.T) {
	if got, want := families.Names(), []string{"proc", "w1", "uvesafb", "dm", "kvp", "vss"}; !slices.Equal(got, want) {
		t.Errorf("Names() = %v, want %v", got, want)
	}
	for _, f := range families.All() {
		s, fam, err := f.Load()
		if err != nil {
			t.Errorf("%s: %v", f.Name, err)
			continue
		}
		if len(s.Warnings) > 0 && f.Name == "proc" {
			t.Errorf("proc: warnings: %v", s.Warnings)
		}
		id := kernelIDs[f.Name]
		if fam.Idx != id[0] || fam.Sender != model.SenderKernel {
			t.Errorf("%s: idx %d sender %v, want the kernel's idx %d", f.Name, fam.Idx, fam.Sender, id[0])
		}
		for _, m := range fam.Messages {
			if m.Val != id[1] {
				t.Errorf("%s.%s: val %d, want %d", f.Name, m.Name, m.Val, id[1])
			}
		}
		if len(fam.Doc) == 0 || f.Summary == "" {
			t.Errorf("%s: no doc or summary", f.Name)
		}
		if got, ok := families.Lookup(f.Name); !ok || got.File != f.File {
			t.Errorf("Lookup(%q) = %v, %v", f.Name, got, ok)
		}
	}
	if _, ok := families.Lookup("cifs"); ok {
		t.Error("Lookup found a family that is not there")
	}
	// All is a copy: callers cannot change the table.
	families.All()[0].Name = "changed"
	if families.All()[0].Name != "proc" {
		t.Error("All returned the table itself")
	}
}

// TestProcControl checks the subscription messages: the 4-byte
// PROC_CN_MCAST_LISTEN and _IGNORE under CN_VAL_PROC.
func TestProcControl(t *testing.T) {
	f, _ := families.Lookup("proc")
	for _, c := range []struct {
		ctl *families.Control
		op  uint32
	}{{f.Start, 1}, {f.Stop, 2}} {
		if c.ctl == nil || c.ctl.Val != 1 || !bytes.Equal(c.ctl.Data, binary.NativeEndian.AppendUint32(nil, c.op)) {
			t.Errorf("control %d: %+v", c.op, c.ctl)
		}
	}
	for _, f := range families.All()[1:] {
		if f.Start != nil || f.Stop != nil {
			t.Errorf("%s: control messages, but the kernel asks for none", f.Name)
		}
	}
}

// TestEmbeddedOnly checks that a family's source does not depend on the
// working directory.
func TestEmbeddedOnly(t *testing.T) {
	t.Chdir(t.TempDir())
	for _, f := range families.All() {
		if _, _, err := f.Load(); err != nil {
			t.Errorf("%s: %v", f.Name, err)
		}
	}
	if _, err := fs.Stat(os.DirFS("."), "schemas"); err == nil {
		t.Fatal("the temporary directory has schemas")
	}
}
