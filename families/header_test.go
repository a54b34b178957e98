package families_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/cngen/cngen/dsl/model"
	"github.com/cngen/cngen/families"
	"github.com/cngen/cngen/internal/clayout"
)

// includeDir is where Debian's linux-libc-dev puts the uapi headers.
const includeDir = "/usr/include"

// idMacros are the names <linux/connector.h> gives each family's idx and
// val.
var idMacros = map[string][2]string{
	"proc":    {"CN_IDX_PROC", "CN_VAL_PROC"},
	"w1":      {"CN_W1_IDX", "CN_W1_VAL"},
	"uvesafb": {"CN_IDX_V86D", "CN_VAL_V86D_UVESAFB"},
	"dm":      {"CN_IDX_DM", "CN_VAL_DM_USERSPACE_LOG"},
	"kvp":     {"CN_KVP_IDX", "CN_KVP_VAL"},
	"vss":     {"CN_VSS_IDX", "CN_VSS_VAL"},
}

// subsets are the types a schema declares smaller than the header does,
// on purpose: their size and that of the fields named are not compared.
var subsets = map[string]string{
	"hv_kvp_msg":      "the schema leaves out the ip-info variant and the error view of the header",
	"hv_kvp_msg.body": "the schema leaves out the ip-info variant",
}

// TestHeaders compares each family with the kernel's headers, as gcc
// reads them: idx and val with <linux/connector.h>; then every struct of
// the schema that the family's header declares under the same name, by
// size, alignment and the offset and size of each member the header has
// (members of a union the schema names but C leaves anonymous are looked
// up in the enclosing struct); and every constant the header #defines.
func TestHeaders(t *testing.T) {
	gcc, err := exec.LookPath("gcc")
	if err != nil {
		t.Skipf("no C compiler to read the headers with: %v", err)
	}
	if _, err := os.Stat(filepath.Join(includeDir, "linux/connector.h")); err != nil {
		t.Skipf("no kernel headers (install linux-libc-dev): %v", err)
	}
	for _, f := range families.All() {
		t.Run(f.Name, func(t *testing.T) {
			s, fam, err := f.Load()
			if err != nil {
				t.Fatal(err)
			}
			h := &header{}
			ids := idMacros[f.Name]
			h.add(f.Name, "idx", ids[0], int(fam.Idx))
			for _, m := range fam.Messages {
				h.add(f.Name+"."+m.Name, "val", ids[1], int(m.Val))
			}
			decls := "#include <stddef.h>\n#include <linux/connector.h>\n"
			if f.Header != "" {
				text, err := os.ReadFile(filepath.Join(includeDir, f.Header))
				if err != nil {
					t.Skipf("no %s on this system: %v", f.Header, err)
				}
				h.text = string(text)
				decls += "#include <" + f.Header + ">\n"
				h.schema(s)
				if h.structs == 0 {
					t.Errorf("%s declares no struct of the schema", f.Header)
				}
			}
			ms, err := clayout.CheckProbes(gcc, decls, h.probes)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range ms {
				t.Errorf("%s: %v", f.Header, m)
			}
			t.Logf("%d numbers compared, %d structs", len(h.probes), h.structs)
		})
	}
}

// header collects the probes of one header.
type header struct {
	text    string
	probes  []clayout.Probe
	structs int
}

func (h *header) add(path, what, expr string, want int) {
	h.probes = append(h.probes, clayout.Probe{Path: path, What: what, Expr: expr, Want: want})
}

func (h *header) schema(s *model.Schema) {
	for _, c := range s.Consts {
		if regexp.MustCompile(`(?m)^#define\s+` + c.Name + `\b`).MatchString(h.text) {
			h.add(c.Name, "value", c.Name, int(c.Value.Int64()))
		}
	}
	for _, st := range s.Types {
		body, ok := h.body(st.Name)
		if st.Kind != model.KindStruct || !ok {
			continue
		}
		h.structs++
		c := "struct " + st.Name
		if _, sub := subsets[st.Name]; !sub {
			h.add(st.Name, "size", "sizeof("+c+")", st.Size)
		}
		h.add(st.Name, "align", "_Alignof("+c+")", st.Align)
		h.members(c, st.Name, body, st.Fields, 0)
	}
}

// members probes fields, at base in struct c, that body declares: a
// field the body lacks whose type is a named union stands for an
// anonymous C union, whose members are the struct's.
func (h *header) members(c, path, body string, fields []*model.Field, base int) {
	for _, f := range fields {
		p := path + "." + f.Name
		if f.Name == "" || f.Type.Kind == model.KindPad && !h.declares(body, f.Name) {
			continue
		}
		if !h.declares(body, f.Name) {
			if f.Type.Kind == model.KindUnion || f.Type.Kind == model.KindStruct {
				h.members(c, p, body, f.Type.Fields, base+f.Offset)
			}
			continue
		}
		h.add(p, "offset", fmt.Sprintf("offsetof(%s, %s)", c, f.Name), base+f.Offset)
		if _, sub := subsets[p]; !sub && !f.Type.Variable {
			h.add(p, "size", fmt.Sprintf("sizeof(((%s *)0)->%s)", c, f.Name), f.Size)
		}
	}
}

// declares reports whether a struct body declares a member name.
func (h *header) declares(body, name string) bool {
	return regexp.MustCompile(`[\s*]` + name + `\s*(\[[^]]*\])?\s*;`).MatchString(body)
}

// body returns the text between the braces of struct name's definition.
func (h *header) body(name string) (string, bool) {
	loc := regexp.MustCompile(`\bstruct\s+` + name + `\s*\{`).FindStringIndex(h.text)
	if loc == nil {
		return "", false
	}
	depth := 1
	for i := loc[1]; i < len(h.text); i++ {
		switch h.text[i] {
		case '{':
			depth++
		case '}':
			if depth--; depth == 0 {
				return h.text[loc[1]:i], true
			}
		}
	}
	return "", false
}
