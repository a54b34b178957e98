package lint

import (
	"github.com/cngen/cngen/dsl/model"
	"github.com/cngen/cngen/dsl/source"
)

var reservedIdxRule = &Rule{
	ID:       "reserved-idx",
	Severity: source.SevError,
	Summary:  "A family with an idx below 11 (CN_NETLINK_USERS) does not say sender kernel.",
	Help: "idx values below CN_NETLINK_USERS (11) belong to the kernel's own connector users (proc, w1, " +
		"dm-log-userspace, Hyper-V…). A schema there speaks to the kernel, whose messages come from port 0: " +
		"`sender kernel` makes the runtime refuse the same messages from any process, which could " +
		"otherwise forge them. A family served from user space takes an idx of 11 or more.",
	check: checkReservedIdx,
}

func checkReservedIdx(p *pass) {
	for _, f := range p.schema.Families {
		if f.Idx < model.CNNetlinkUsers && f.Sender != model.SenderKernel {
			p.report(f.Pos, "family %s: idx %d is below CN_NETLINK_USERS (%d), where the kernel's own connector users are: write sender kernel, or give it an idx of %d or more",
				f.Name, f.Idx, model.CNNetlinkUsers, model.CNNetlinkUsers)
		}
	}
}

// kernelFamily is one connector user the kernel registers
// (include/uapi/linux/connector.h).
type kernelFamily struct {
	name     string
	idx, val uint32 // val 0: the header defines no val (BB)
	macros   string
}

var kernelFamilies = []kernelFamily{
	{"process events", 1, 1, "CN_IDX_PROC, CN_VAL_PROC"},
	{"CIFS", 2, 1, "CN_IDX_CIFS, CN_VAL_CIFS"},
	{"w1", 3, 1, "CN_W1_IDX, CN_W1_VAL"},
	{"v86d (uvesafb)", 4, 1, "CN_IDX_V86D, CN_VAL_V86D_UVESAFB"},
	{"BlackBoard", 5, 0, "CN_IDX_BB"},
	{"DST", 6, 1, "CN_DST_IDX, CN_DST_VAL"},
	{"device mapper userspace log", 7, 1, "CN_IDX_DM, CN_VAL_DM_USERSPACE_LOG"},
	{"DRBD", 8, 1, "CN_IDX_DRBD, CN_VAL_DRBD"},
	{"Hyper-V KVP", 9, 1, "CN_KVP_IDX, CN_KVP_VAL"},
	{"Hyper-V VSS", 10, 1, "CN_VSS_IDX, CN_VSS_VAL"},
}

func kernelAt(idx uint32) *kernelFamily {
	for i := range kernelFamilies {
		if kernelFamilies[i].idx == idx {
			return &kernelFamilies[i]
		}
	}
	return nil
}

var kernelIdxRule = &Rule{
	ID:       "kernel-idx-collision",
	Severity: source.SevError,
	Summary:  "A message takes the (idx, val) of a kernel connector user without sender kernel, or a family multicasts on a kernel family's group.",
	Help: "The kernel assigns idx 1 to 10 (proc 1, CIFS 2, w1 3, v86d 4, BB 5, DST 6, dm 7, DRBD 8, " +
		"Hyper-V KVP 9 and VSS 10, each with val 1 but BB, which has none). A message at one of those " +
		"(idx, val) pairs reaches that user's callback in the kernel, and the kernel's messages there are " +
		"taken for the family's own, unless the family is a mirror of the kernel's and says sender kernel. " +
		"The kernel multicasts a family's events on the group equal to its idx, so a family that lists " +
		"group 1 to 10 for another idx shares the group of a kernel family: its listeners get the kernel's " +
		"events, and the kernel family's listeners get its own.",
	check: checkKernelIdx,
}

func checkKernelIdx(p *pass) {
	for _, f := range p.schema.Families {
		if k := kernelAt(f.Idx); k != nil && f.Sender != model.SenderKernel {
			for _, m := range f.Messages {
				if k.val == 0 || m.Val == k.val {
					p.report(m.Pos, "family %s: message %s at (idx %d, val %d) is the kernel's %s connector (%s): write sender kernel if the family mirrors it, or move to an idx of %d or more",
						f.Name, m.Name, f.Idx, m.Val, k.name, k.macros, model.CNNetlinkUsers)
				}
			}
		}
		p.kernelGroups(f)
	}
}

// kernelGroups reports the groups of f that the kernel's families
// multicast on. The groups of a family without a group line are [idx]:
// those are its own.
func (p *pass) kernelGroups(f *model.Family) {
	for _, g := range f.Groups {
		if k := kernelAt(g); k != nil && g != f.Idx {
			p.report(f.Pos, "family %s: group %d is the multicast group of the kernel's %s connector (idx %d): choose a group above %d",
				f.Name, g, k.name, k.idx, len(kernelFamilies))
		}
	}
}

var missingDocRule = &Rule{
	ID:       "missing-doc",
	Severity: source.SevWarning,
	Summary:  "A family or a message has no /// doc comment.",
	Help: "A family's doc comment becomes the doc of its generated client and server, a message's the doc " +
		"of its methods: without one, the generated API says nothing of who answers, when events come, or " +
		"what a call does. Schemas that mirror a kernel header often have nothing to add, hence a warning.",
	check: checkMissingDoc,
}

func checkMissingDoc(p *pass) {
	for _, f := range p.schema.Families {
		if len(f.Doc) == 0 {
			p.report(f.Pos, "family %s has no /// doc comment", f.Name)
		}
		for _, m := range f.Messages {
			if len(m.Doc) == 0 {
				p.report(m.Pos, "message %s of family %s has no /// doc comment", m.Name, f.Name)
			}
		}
	}
}

var kernelStringRule = &Rule{
	ID:       "kernel-string-nul",
	Severity: source.SevError,
	Summary:  "A NUL-terminated string arrives from the kernel, which need not terminate it.",
	Help: "A `string` ends at its NUL, and a decoder refuses a message where the NUL is missing: the " +
		"whole event is lost. The rule looks at what a family with sender kernel sends to the client (its " +
		"events and the replies of its calls), through structs, unions, arrays and slices: the kernel's " +
		"connector users fill text with memcpy or strscpy into lengths they count themselves, and a " +
		"cn_msg.len that stops before the NUL is a common slip there. string[f] (text bounded by a length " +
		"field, ending at a NUL inside it or at its end) or bytes read the same text safely. cstring[N] is " +
		"not reported: decoders take all N bytes when no NUL is among them, and keep the bytes, so the " +
		"value encodes back unchanged.",
	check: checkKernelStrings,
}

func checkKernelStrings(p *pass) {
	seen := map[source.Pos]bool{}
	for _, f := range p.schema.Families {
		if f.Sender != model.SenderKernel {
			continue
		}
		for _, m := range f.Messages {
			t := m.Type
			if m.Kind == model.Call {
				t = m.Reply
			} else if m.Kind != model.Event {
				continue
			}
			if nulString(t) {
				p.report(m.Pos, "family %s: message %s from the kernel is a NUL-terminated string, refused when the kernel leaves out the NUL: use string[f] or bytes", f.Name, m.Name)
			}
			p.kernelStrings(t, m, seen, map[*model.Type]bool{})
		}
	}
}

// kernelStrings reports the NUL-terminated string fields and switch
// cases inside t, once each (seen holds their positions); visited stops
// the walk at types already walked for m.
func (p *pass) kernelStrings(t *model.Type, m *model.Message, seen map[source.Pos]bool, visited map[*model.Type]bool) {
	if visited[t] {
		return
	}
	visited[t] = true
	for _, f := range t.Fields {
		if nulString(f.Type) && !seen[f.Pos] {
			seen[f.Pos] = true
			p.report(f.Pos, "field %s is a NUL-terminated string in %s from the kernel, refused when the kernel leaves out the NUL: use string[f] or bytes", f.Name, received(m))
		}
		p.kernelStrings(f.Type, m, seen, visited)
	}
	for _, v := range variants(t) {
		if nulString(v.Type) && !seen[v.Pos] {
			seen[v.Pos] = true
			p.report(v.Pos, "case %s of %s is a NUL-terminated string in %s from the kernel, refused when the kernel leaves out the NUL: use string[f] or bytes", v.Name(), t.Name, received(m))
		}
		p.kernelStrings(v.Type, m, seen, visited)
	}
	if t.Elem != nil {
		p.kernelStrings(t.Elem, m, seen, visited)
	}
}

// received names what the client receives of m: "event e", "the reply
// of call r".
func received(m *model.Message) string {
	if m.Kind == model.Call {
		return "the reply of call " + m.Name
	}
	return "event " + m.Name
}

// nulString reports a NUL-terminated string, alone or as the element of
// an array or slice.
func nulString(t *model.Type) bool {
	for t.Elem != nil {
		t = t.Elem
	}
	return t.Kind == model.KindString && t.LenField == nil && t.Len == 0
}

// variants returns the arms of a switch union, the default last.
func variants(t *model.Type) []*model.Variant {
	if t.Default == nil {
		return t.Variants
	}
	return append(t.Variants[:len(t.Variants):len(t.Variants)], t.Default)
}
