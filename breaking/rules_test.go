package breaking

import (
	"bytes"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cngen/cngen/dsl/check"
	"github.com/cngen/cngen/dsl/model"
	"github.com/cngen/cngen/report"
)

// TestRules holds each rule of docs/breaking.md to its exact finding, on
// the smallest pair of schemas that shows it.
func TestRules(t *testing.T) {
	for _, tc := range []struct {
		name, old, new, want string
	}{
		{"groups",
			"package p\nstruct t { n u32 }\nfamily f idx 0x100 { group 20, 21\n event e val 1 t }",
			"package p\nstruct t { n u32 }\nfamily f idx 0x100 { group 21\n event e val 1 t }",
			"new.cn:4:2: WIRE: event f.e: no longer broadcast to group 20: clients built from the new schema miss it from old peers, which still broadcast it there\n" +
				"new.cn:4:2: WIRE: event f.e: now broadcast to group 21, where clients built from the old schema do not look for it (they join 20)\n" +
				"old.cn:3:1: API: var FGroups removed\n"},
		{"event groups",
			"package p\nstruct t { n u32 }\nfamily f idx 0x100 { group 20, 21\n event e val 1 t group 21 }",
			"package p\nstruct t { n u32 }\nfamily f idx 0x100 { group 20, 21\n event e val 1 t }",
			"new.cn:4:2: WIRE: event f.e: no longer broadcast to group 21: clients built from the new schema miss it from old peers, which still broadcast it there\n" +
				"new.cn:4:2: WIRE: event f.e: now broadcast to group 20, where clients built from the old schema do not look for it (they join 21)\n"},
		{"error field",
			"package p\nstruct t { n u32 }\nstruct r { status i32 }\nfamily f idx 0x100 {\n call c val 1 t -> r }",
			"package p\nstruct t { n u32 }\nstruct r { status i32 }\nfamily f idx 0x100 {\n call c val 1 t -> r error status }",
			"new.cn:5:2: WIRE: warning: call f.c: error field status added: clients built from the new schema take a non-zero status from old peers for an errno, and old clients take an error reply for a success\n"},
		{"groups2",
			"package p\nstruct t { n u32 }\nfamily f idx 0x100 { group 20, 21\n event e val 1 t }",
			"package p\nstruct t { n u32 }\nfamily f idx 0x100 { group 22, 20\n event e val 1 t }",
			"new.cn:4:2: WIRE: event f.e: no longer broadcast to group 20: clients built from the new schema miss it from old peers, which still broadcast it there\n" +
				"new.cn:4:2: WIRE: event f.e: now broadcast to group 22, where clients built from the old schema do not look for it (they join 20)\n"},
		{"sender",
			"package p\nstruct t { n u32 }\nfamily f idx 0x100 { sender any\n send e val 1 t }",
			"package p\nstruct t { n u32 }\nfamily f idx 0x100 { sender kernel\n send e val 1 t }",
			"new.cn:3:1: API: func NewFClient changed signature from func(cn.Endpoint, *cn.Dispatcher, uint32, ...cn.ClientOption) *FClient to func(cn.Endpoint, *cn.Dispatcher, ...cn.ClientOption) *FClient\n" +
				"new.cn:3:1: WIRE: family f: sender changed from any to kernel: the peer is the kernel, and a client built from the other version talks to any port\n" +
				"old.cn:3:1: API: func RegisterFServer removed\n" +
				"old.cn:3:1: API: type FServer removed\n"},
		{"reply grown",
			"package p\nstruct q { n u32 }\nstruct r { n u32 }\nfamily f idx 0x100 { call c val 1 q -> r }",
			"package p\nstruct q { n u32 }\nstruct r { n u32  m u32 }\nfamily f idx 0x100 { call c val 1 q -> r }",
			"new.cn:3:19: WIRE: warning: r.m appended at offset 4: readers built from the old schema ignore it, but readers built from the new schema report a short buffer on the 4 bytes an old writer sends\n" +
				"new.cn:4:22: WIRE: warning: call f.c's reply: payload grew from 4 to 8 bytes\n"},
		{"send to call",
			"package p\nstruct q { n u32 }\nfamily f idx 0x100 { send c val 1 q }",
			"package p\nstruct q { n u32 }\nfamily f idx 0x100 { call c val 1 q -> q }",
			"new.cn:3:22: API: interface method FServer.C changed signature from func(*cn.Request, *Q) to func(*cn.Request, *Q) (*Q, error)\n" +
				"new.cn:3:22: API: method (*FClient).C changed signature from func(*Q) error to func(context.Context, *Q) (*Q, error)\n" +
				"new.cn:3:22: WIRE: f.c changed from send to call: a client built from the new schema waits for a reply a peer built from the old one never sends\n"},
		{"widened",
			"package p\nstruct q { n u16 }\nfamily f idx 0x100 { send c val 1 q }",
			"package p\nstruct q { n u32 }\nfamily f idx 0x100 { send c val 1 q }",
			"new.cn:2:12: API: field Q.N changed type from uint16 to uint32\n" +
				"new.cn:2:12: WIRE: q.n widened from u16 to u32\n" +
				"new.cn:3:22: WIRE: warning: send f.c: payload grew from 2 to 4 bytes\n"},
		{"enum to int",
			"package p\nenum e : u32 { a = 0 }\nstruct q { n e }\nfamily f idx 0x100 { send c val 1 q }",
			"package p\nstruct q { n u32 }\nfamily f idx 0x100 { send c val 1 q }",
			"new.cn:2:12: API: field Q.N changed type from E to uint32\n" +
				"new.cn:2:12: WIRE: warning: q.n changed type from enum e to u32: readers built from the old schema refuse values outside e that writers built from the new one may send\n" +
				"old.cn:2:1: API: type E removed\n"},
		{"int to enum",
			"package p\nstruct q { n u32 }\nfamily f idx 0x100 { send c val 1 q }",
			"package p\nenum e : u32 { a = 0 }\nstruct q { n e }\nfamily f idx 0x100 { send c val 1 q }",
			"new.cn:3:12: API: field Q.N changed type from uint32 to E\n" +
				"new.cn:3:12: WIRE: q.n changed type from u32 to enum e: readers built from the new schema refuse values outside it\n"},
		{"flags removed+renamed",
			"package p\nflags e : u32 { a = 1  b = 2  c = 4 }\nstruct q { n e }\nfamily f idx 0x100 { send c val 1 q }",
			"package p\nflags e : u32 { a = 1  bee = 2 }\nstruct q { n e }\nfamily f idx 0x100 { send c val 1 q }",
			"old.cn:2:24: API: const EB removed\n" +
				"old.cn:2:31: API: const EC removed\n" +
				"old.cn:2:31: WIRE: flags e: value c (0x4) removed: writers built from the old schema still send it, and readers built from the new schema have no name for its bits\n"},
		{"array len",
			"package p\nstruct q { n [4]u8  s cstring[8] }\nfamily f idx 0x100 { send c val 1 q }",
			"package p\nstruct q { n [8]u8  s cstring[16] }\nfamily f idx 0x100 { send c val 1 q }",
			"new.cn:2:12: API: field Q.N changed type from [4]uint8 to [8]uint8\n" +
				"new.cn:2:12: WIRE: q.n changed size from [4]u8 to [8]u8\n" +
				"new.cn:2:21: API: field Q.S changed type from CString8 to CString16\n" +
				"new.cn:2:21: WIRE: q.s changed size from cstring[8] to cstring[16]\n" +
				"new.cn:2:21: WIRE: q.s moved from offset 4 to 8\n" +
				"new.cn:3:22: WIRE: warning: send f.c: payload grew from 12 to 24 bytes\n" +
				"old.cn:2:21: API: type CString8 removed\n"},
		{"nested grows middle",
			"package p\nstruct k { a u32 }\nstruct q { key k  v u32 }\nfamily f idx 0x100 { event c val 1 q }",
			"package p\nstruct k { a u32  b u32 }\nstruct q { key k  v u32 }\nfamily f idx 0x100 { event c val 1 q }",
			"new.cn:2:19: WIRE: warning: k.b appended at offset 4, past the 4 bytes of the old k\n" +
				"new.cn:3:12: WIRE: q.key changed size from 4 to 8 bytes (k): what follows it moves\n" +
				"new.cn:3:19: WIRE: q.v moved from offset 4 to 8\n" +
				"new.cn:4:22: WIRE: warning: event f.c: payload grew from 8 to 12 bytes\n"},
		{"elem grows",
			"package p\nstruct k { a u32 }\nstruct q { n u32  items []k }\nfamily f idx 0x100 { event c val 1 q }",
			"package p\nstruct k { a u32  b u32 }\nstruct q { n u32  items []k }\nfamily f idx 0x100 { event c val 1 q }",
			"new.cn:2:19: WIRE: warning: k.b appended at offset 4, past the 4 bytes of the old k\n" +
				"new.cn:3:19: WIRE: q.items[] changed size from 4 to 8 bytes (k): what follows it moves\n"},
		{"nested grows at tail",
			"package p\nstruct k { a u32 }\nstruct q { v u32  key k }\nfamily f idx 0x100 { event c val 1 q }",
			"package p\nstruct k { a u32  b u32 }\nstruct q { v u32  key k }\nfamily f idx 0x100 { event c val 1 q }",
			"new.cn:2:19: WIRE: warning: k.b appended at offset 4: readers built from the old schema ignore it, but readers built from the new schema report a short buffer on the 4 bytes an old writer sends\n" +
				"new.cn:4:22: WIRE: warning: event f.c: payload grew from 8 to 12 bytes\n"},
		{"plain union tail grows",
			"package p\nunion u { a u32  b [4]u8 }\nstruct q { v u32  x u }\nfamily f idx 0x100 { event c val 1 q }",
			"package p\nunion u { a u32  b [8]u8 }\nstruct q { v u32  x u }\nfamily f idx 0x100 { event c val 1 q }",
			"new.cn:2:1: API: type U changed from [4]byte to [8]byte\n" +
				"new.cn:2:18: API: method (*U).B changed signature from func() [4]uint8 to func() [8]uint8\n" +
				"new.cn:2:18: API: method (*U).SetB changed signature from func([4]uint8) to func([8]uint8)\n" +
				"new.cn:2:18: WIRE: q.x.b changed size from [4]u8 to [8]u8\n" +
				"new.cn:3:19: WIRE: warning: q.x grew from 4 to 8 bytes: readers built from the old schema ignore the new bytes, but readers built from the new schema report a short buffer on an old writer's 4\n" +
				"new.cn:4:22: WIRE: warning: event f.c: payload grew from 8 to 12 bytes\n"},
		{"pad to field, field to pad",
			"package p\nstruct q { a u8  r pad 3  b u32  c u32 }\nfamily f idx 0x100 { event c val 1 q }",
			"package p\nstruct q { a u8  x u8  r pad 2  b u32  reserved pad 4 }\nfamily f idx 0x100 { event c val 1 q }",
			"new.cn:2:18: WIRE: warning: q.x added at offset 1, in padding: readers built from the old schema skip it, and readers built from the new schema read zero from an old writer\n" +
				"old.cn:2:34: API: field Q.C removed\n" +
				"old.cn:2:34: WIRE: q.c removed: readers built from the old schema still read it at offset 8\n"},
		{"string to sized",
			"package p\nstruct q { n u8  s string }\nfamily f idx 0x100 { event c val 1 q }",
			"package p\nstruct q { n u8  s string[n] }\nfamily f idx 0x100 { event c val 1 q }",
			"new.cn:2:18: WIRE: q.s: its length now comes from field n, was its NUL\n"},
		{"enum renamed",
			"package p\nenum e : u32 { a = 0  b = 1 }\nstruct q { n e }\nfamily f idx 0x100 { send c val 1 q }",
			"package p\nenum e : u32 { a = 0  bee = 1 }\nstruct q { n e }\nfamily f idx 0x100 { send c val 1 q }",
			"old.cn:2:23: API: const EB removed\n"},
		{"dynamic swap",
			"package p\nstruct q { n u8  a bytes[n]  b bytes[n]  c string[n] }\nfamily f idx 0x100 { event c val 1 q }",
			"package p\nstruct q { n u8  a bytes[n]  c string[n]  b bytes[n] }\nfamily f idx 0x100 { event c val 1 q }",
			"new.cn:2:43: WIRE: q.b reordered: it now comes after a field it came before, and is read from that one's bytes\n"},
		{"standalone",
			"package p\nstruct q { n u8  a u32 }",
			"package p\nstruct q { n u16  a u32 }",
			"new.cn:2:12: API: field Q.N changed type from uint8 to uint16\n" +
				"new.cn:2:12: WIRE: q.n widened from u8 to u16\n"},
		{"u64 payload to struct",
			"package p\nfamily f idx 0x100 { event c val 1 u64 }",
			"package p\nstruct t { n u64 }\nfamily f idx 0x100 { event c val 1 t }",
			"new.cn:3:22: API: field FCIncoming.Payload changed type from uint64 to *T\n" +
				"new.cn:3:22: API: interface method FHandler.C changed signature from func(*cn.Request, uint64) to func(*cn.Request, *T)\n" +
				"new.cn:3:22: API: method (*FEvents).C changed signature from func(uint64, cn.Addr) error to func(*T, cn.Addr) error\n"},
		{"variable appended",
			"package p\nstruct q { n u32 }\nfamily f idx 0x100 { event c val 1 q }",
			"package p\nstruct q { n u32  rest bytes }\nfamily f idx 0x100 { event c val 1 q }",
			"new.cn:2:19: WIRE: warning: q.rest appended at offset 4: readers built from the old schema ignore it, and readers built from the new schema read it empty from an old writer\n"},
		{"string appended",
			"package p\nstruct q { n u32 }\nfamily f idx 0x100 { event c val 1 q }",
			"package p\nstruct q { n u32  s string }\nfamily f idx 0x100 { event c val 1 q }",
			"new.cn:2:19: WIRE: warning: q.s appended at offset 4: readers built from the old schema ignore it, but readers built from the new schema report a short buffer on the 4 bytes an old writer sends\n"},
		{"arm grows",
			"package p\nenum o : u8 { a = 0  b = 1 }\nunion u switch o { a => struct { x u32 }  b => struct { x u64 } }\nstruct q { s o  v u(s) }\nfamily f idx 0x100 { event c val 1 q }",
			"package p\nenum o : u8 { a = 0  b = 1 }\nunion u switch o { a => struct { x u32  y u32 }  b => struct { x u64 } }\nstruct q { s o  v u(s) }\nfamily f idx 0x100 { event c val 1 q }",
			"new.cn:3:41: WIRE: warning: u.a.y appended at offset 4, in padding: readers built from the old schema skip it, and readers built from the new schema read zero from an old writer\n"},
		{"call renamed reply type",
			"package p\nstruct q { n u32 }\nstruct r { n u32 }\nfamily f idx 0x100 { call c val 1 q -> r }",
			"package p\nstruct q { n u32 }\nstruct r2 { n u32 }\nfamily f idx 0x100 { call c val 1 q -> r2 }",
			"new.cn:4:22: API: interface method FServer.C changed signature from func(*cn.Request, *Q) (*R, error) to func(*cn.Request, *Q) (*R2, error)\n" +
				"new.cn:4:22: API: method (*FClient).C changed signature from func(context.Context, *Q) (*R, error) to func(context.Context, *Q) (*R2, error)\n" +
				"old.cn:3:1: API: type R removed\n"},
		{"bool",
			"package p\nstruct q { n u8 }\nfamily f idx 0x100 { event c val 1 q }",
			"package p\nstruct q { n bool }\nfamily f idx 0x100 { event c val 1 q }",
			"new.cn:2:12: API: field Q.N changed type from uint8 to bool\n" +
				"new.cn:2:12: WIRE: q.n changed type from u8 to bool\n"},
		{"val swap",
			"package p\nfamily f idx 0x100 { send a val 1 u32\n send b val 2 u32 }",
			"package p\nfamily f idx 0x100 { send a val 2 u32\n send b val 1 u32 }",
			"new.cn:2:22: API: const FAVal changed value from 1 to 2\n" +
				"new.cn:2:22: WIRE: send f.a: val 2 (client to peer) reused: it was send b's in the old schema, and readers built from the old schema decode it as that\n" +
				"new.cn:2:22: WIRE: send f.a: val changed from 1 to 2: readers built from the other version take it for another message, or drop it\n" +
				"new.cn:3:2: API: const FBVal changed value from 2 to 1\n" +
				"new.cn:3:2: WIRE: send f.b: val 1 (client to peer) reused: it was send a's in the old schema, and readers built from the old schema decode it as that\n" +
				"new.cn:3:2: WIRE: send f.b: val changed from 2 to 1: readers built from the other version take it for another message, or drop it\n"},
		{"family removed",
			"package p\nfamily f idx 0x100 { send a val 1 u32 }\nfamily g idx 0x101 { send a val 1 u32 }",
			"package p\nfamily f idx 0x100 { send a val 1 u32 }",
			"old.cn:3:1: API: const GIdx removed\n" +
				"old.cn:3:1: API: func NewGClient removed\n" +
				"old.cn:3:1: API: func RegisterGServer removed\n" +
				"old.cn:3:1: API: type GClient removed\n" +
				"old.cn:3:1: API: type GServer removed\n" +
				"old.cn:3:1: WIRE: family g removed: peers built from the new schema no longer send or serve its messages\n" +
				"old.cn:3:22: API: const GAVal removed\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, compareText(t, tc.old, tc.new)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// compareText compares two schemas given as text, old.cn and new.cn, and
// returns the text output.
func compareText(t *testing.T, old, new string) string {
	t.Helper()
	o, err := check.Load("old.cn", []byte(old))
	if err != nil {
		t.Fatal(err)
	}
	n, err := check.Load("new.cn", []byte(new))
	if err != nil {
		t.Fatal(err)
	}
	findings, err := Compare([]*model.Schema{o}, []*model.Schema{n})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := report.Text(&b, findings); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestUnionPayload: a plain union sent as it is, not in a struct, is
// compared as a union.
func TestUnionPayload(t *testing.T) {
	got := compareText(t, "package p\nunion u { a u32  b [4]u8 }\nfamily f idx 0x100 { send s val 1 u }\n",
		"package p\nunion u { a u32be  b [8]u8 }\nfamily f idx 0x100 { send s val 1 u }\n")
	want := "new.cn:2:1: API: type U changed from [4]byte to [8]byte\n" +
		"new.cn:2:11: WIRE: u.a changed byte order from u32 (host order) to u32be (big endian)\n" +
		"new.cn:2:20: API: method (*U).B changed signature from func() [4]uint8 to func() [8]uint8\n" +
		"new.cn:2:20: API: method (*U).SetB changed signature from func([4]uint8) to func([8]uint8)\n" +
		"new.cn:2:20: WIRE: u.b changed size from [4]u8 to [8]u8\n" +
		"new.cn:3:22: WIRE: warning: send f.s: payload grew from 4 to 8 bytes\n" +
		"new.cn:3:22: WIRE: warning: u grew from 4 to 8 bytes: readers built from the old schema ignore the new bytes, but readers built from the new schema report a short buffer on an old writer's 4\n"
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestOpenEnum: an enum that only selects a union with a default takes
// every value, so no reader refuses an added one, and a removed one is
// kept with no name.
func TestOpenEnum(t *testing.T) {
	schema := func(values string) string {
		return "package p\nenum op : u8 { " + values + " }\nunion u switch op { a => struct { x u32 }  default => bytes }\n" +
			"struct q { o op  b u(o) }\nfamily f idx 0x100 { event e val 1 q }\n"
	}
	if got := compareText(t, schema("a = 0  b = 1"), schema("a = 0  b = 1  c = 2")); got != "" {
		t.Errorf("added: got %q, want nothing", got)
	}
	want := "old.cn:2:23: API: const OpB removed\n" +
		"old.cn:2:23: WIRE: enum op: value b (1) removed: writers built from the old schema still send it, and readers built from the new schema keep it with no name\n"
	if diff := cmp.Diff(want, compareText(t, schema("a = 0  b = 1"), schema("a = 0"))); diff != "" {
		t.Errorf("removed (-want +got):\n%s", diff)
	}
}

// TestAppendAfterVariable: a field appended after a variable one is
// short for a new reader of any old message, whatever its length.
func TestAppendAfterVariable(t *testing.T) {
	got := compareText(t, "package p\nstruct q { n u8  data bytes[n] }\nfamily f idx 0x100 { event e val 1 q }\n",
		"package p\nstruct q { n u8  data bytes[n]  crc u32 }\nfamily f idx 0x100 { event e val 1 q }\n")
	want := "new.cn:2:33: WIRE: warning: q.crc appended at offset ~4: readers built from the old schema ignore it, but readers built from the new schema report a short buffer on what an old writer sends\n" +
		"new.cn:3:22: WIRE: warning: event f.e: payload grew from 1 to 8 bytes\n"
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestByteBlocks: [N]u8 and bytes[N] are the same bytes and the same Go
// type, [N]byte.
func TestByteBlocks(t *testing.T) {
	a := "package p\nstruct q { a [4]u8 }\nfamily f idx 0x100 { event e val 1 q }\n"
	b := "package p\nstruct q { a bytes[4] }\nfamily f idx 0x100 { event e val 1 q }\n"
	if got := compareText(t, a, b) + compareText(t, b, a); got != "" {
		t.Errorf("got:\n%s", got)
	}
}
