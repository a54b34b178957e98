// Package families holds the kernel's own connector families as schemas,
// built into every program that imports it, so that cngen's commands work
// on them with no file at hand (cngen listen proc): the process events
// connector, 1-Wire, uvesafb's v86d helper, dm-log-userspace and Hyper-V's
// KVP and VSS.
//
// Each schema is a copy, kept identical by a test, of the one the
// repository generates code from (examples/proc/proc.cn and the golden
// corpus), and is checked against its uapi header where the system has
// one.
package families

import (
	"embed"
	"encoding/binary"
	"fmt"

	"github.com/cngen/cngen/dsl/check"
	"github.com/cngen/cngen/dsl/model"
)

//go:embed schemas/*.cn
var schemas embed.FS

// Family is one kernel connector family.
type Family struct {
	// Name is the family's name in its schema.
	Name string
	// File is the schema's file name, as positions in errors name it.
	File string
	// Header is the uapi header that declares the family's messages, ""
	// when none does (1-Wire's is private to the kernel).
	Header string
	// Summary says in a line what the family carries.
	Summary string
	// Start and Stop are the messages a listener sends the kernel (port
	// 0) to start and to stop receiving the family's events; nil when
	// joining the group is enough.
	Start, Stop *Control
}

// Control is a message to the kernel, under the family's idx and Val.
type Control struct {
	Val  uint32
	Data []byte
}

// procOp is the 4-byte proc_cn_mcast_op alone, the form of a
// subscription to all events that every kernel takes (before Linux 6.6
// the kernel drops a proc_input of any other length).
func procOp(op uint32) *Control {
	return &Control{Val: 1, Data: binary.NativeEndian.AppendUint32(nil, op)}
}

var all = []Family{
	{Name: "proc", File: "proc.cn", Header: "linux/cn_proc.h",
		Summary: "process events: fork, exec, uid/gid, sid, ptrace, comm, coredump, exit",
		Start:   procOp(1), Stop: procOp(2)},
	{Name: "w1", File: "w1.cn",
		Summary: "1-Wire bus: commands to masters and slaves, the kernel's answers and bus events"},
	{Name: "uvesafb", File: "uvesafb.cn", Header: "video/uvesafb.h",
		Summary: "uvesafb's BIOS calls for v86d to run, and their results"},
	{Name: "dm", File: "dmlog.cn", Header: "linux/dm-log-userspace.h",
		Summary: "dm-log-userspace: the mirror log's requests to a log server, and replies"},
	{Name: "kvp", File: "kvp.cn", Header: "linux/hyperv.h",
		Summary: "Hyper-V key/value exchange between host and guest daemon"},
	{Name: "vss", File: "vss.cn", Header: "linux/hyperv.h",
		Summary: "Hyper-V volume shadow copy: freeze, thaw and backup requests"},
}

// All returns every family, in idx order.
func All() []Family { return append([]Family(nil), all...) }

// Lookup returns the family named name.
func Lookup(name string) (Family, bool) {
	for _, f := range all {
		if f.Name == name {
			return f, true
		}
	}
	return Family{}, false
}

// Names lists the families' names, in idx order.
func Names() []string {
	out := make([]string, len(all))
	for i, f := range all {
		out[i] = f.Name
	}
	return out
}

// Source returns the family's schema text.
func (f Family) Source() []byte {
	src, err := schemas.ReadFile("schemas/" + f.File)
	if err != nil {
		panic("families: " + f.File + " is not embedded") // a test holds the table to the files
	}
	return src
}

// Load checks the family's schema and returns it with the family it
// declares.
func (f Family) Load() (*model.Schema, *model.Family, error) {
	s, err := check.Load(f.File, f.Source())
	if err != nil {
		return nil, nil, err
	}
	for _, fam := range s.Families {
		if fam.Name == f.Name {
			return s, fam, nil
		}
	}
	return nil, nil, fmt.Errorf("%s: declares no family %s", f.File, f.Name)
}
