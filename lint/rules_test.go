package lint

// ruleTests are the cases of TestRules: each schema fires its rule on
// the lines of its want comments, with a message matching the regexp,
// and nowhere else. Every rule has cases that fire and cases that do not.
//
// A want comment would be part of an inline ignore's reason, so the
// cases of the rules about ignores list their expectations in want
// instead, as "line: regexp".
var ruleTests = []struct {
	rule, name, src string
	want            []string
}{
	// naming
	{"naming", "every kind of name", `package p
const maxLen = 4 // want "constant maxLen is neither snake_case nor UPPER_SNAKE: write MAX_LEN"
enum Color : u8 { red = 1  Green = 2 } // want "enum Color is not snake_case: write color" // want "entry Color.Green is not snake_case: write green"
struct PingReq { // want "struct PingReq is not snake_case: write ping_req"
    fooBar u32 // want "field PingReq.fooBar is not snake_case: write foo_bar"
    _x u8 // want "field PingReq._x is not snake_case: write x"
}
union u switch Color { red => struct { Inner u8 } } // want "field u.red.Inner is not snake_case: write inner"
/// Echo.
family Echo idx 0x100 { // want "family Echo is not snake_case: write echo"
    /// Ping.
    send Ping val 1 PingReq // want "message Ping is not snake_case: write ping"
}
`, nil},
	{"naming", "snake and upper snake", `package p
const MAX_LEN = 4
const min_len = 1
enum color : u8 { red = 1  green2 = 2 }
struct ping_req { foo_bar u32  be16 u16be }
family echo idx 0x100 { send ping val 1 ping_req }
`, nil},

	// implicit-padding
	{"implicit-padding", "between and after", `package p
struct s {
    a u8
    b u32 // want "struct s: 3 bytes of implicit padding before b \(offsets 1 to 4\): declare it, e.g. .reserved pad 3."
    c u8 // want "struct s: 3 bytes of implicit padding after c, at the end \(offsets 9 to 12\)"
}
union v switch k { a => struct { x u16  y u8 } } // want "struct v.a: 1 byte of implicit padding after y"
enum k : u8 { a = 1 }
`, nil},
	{"implicit-padding", "explicit pad, packed, variable tail", `package p
struct s { a u8  reserved pad 3  b u32 }
struct t packed { a u8  b u32 }
struct u { a u32  b u8  rest bytes }
struct w { n u8  data bytes[n]  after u32 }
`, nil},

	// packed-misaligned
	{"packed-misaligned", "misaligned scalars and structs", `package p
struct pair { a u16  b u16 }
struct s packed {
    a u8
    b u32 // want "packed struct s: b \(u32\) is at offset 1, not a multiple of its natural alignment 4: reorder the fields or pad it to offset 4"
    c pair // want "c \(pair\) is at offset 5, not a multiple of its natural alignment 2"
}
`, nil},
	{"packed-misaligned", "aligned or not packed", `package p
struct s packed { a u32  b u16  c u8  d u8 }
struct t packed { a u8  b u32 align(4) }
struct u { a u8  b u32 }
struct v packed { a u8  n u8  data bytes[n]  after u32 }
`, nil},

	// enum-value-collision
	{"enum-value-collision", "partly overlapping masks", `package p
flags f : u8 {
    a = 1  b = 2  c = 4
    ab_mask = 0x3
    bc_mask = 0x6 // want "flags f: bc_mask \(0x6\) and ab_mask \(0x3\) share bits 0x2, but neither holds the other"
}
`, nil},
	{"enum-value-collision", "nested masks and enums", `package p
flags f : u8 { a = 1  b = 2  c = 4  ab_mask = 0x3  all = 0x7 }
enum e : u8 { x = 3  y = 6 }
`, nil},

	// flags-single-bit
	{"flags-single-bit", "counting values and stray bits", `package p
flags f : u16 {
    a = 1
    b = 2
    c = 3 // want "flags f: c = 0x3 has 2 bits set \(it equals a\|b\): give it a bit of its own, or declare a mask \(name it c_mask"
    d = 0x30 // want "flags f: d = 0x30 has 2 bits set: give"
}
flags g : i8 { minus = -1 } // want "g: minus = 0xff has 8 bits set"
`, nil},
	{"flags-single-bit", "bits, zero and declared masks", `package p
flags f : u16 {
    none = 0  a = 1  b = 2  c = 4
    all = 0x7
    rw_mask = 0x3
    /// reserved is a mask of bits no entry names.
    reserved = 0xff00
    bc_all = 0x6
}
enum e : u8 { x = 3 }
`, nil},

	// reserved-idx
	{"reserved-idx", "user families below 11", `package p
family a idx 5 { send x val 1 u32 } // want "family a: idx 5 is below CN_NETLINK_USERS \(11\), where the kernel's own connector users are: write sender kernel"
family b idx 0 { sender any } // want "family b: idx 0 is below"
`, nil},
	{"reserved-idx", "kernel mirrors and user idx", `package p
family a idx 5 { sender kernel  send x val 1 u32 }
family b idx 11 { send x val 1 u32 }
`, nil},

	// kernel-idx-collision
	{"kernel-idx-collision", "a kernel (idx, val) and a kernel group", `package p
family kvp idx 9 {
    send x val 1 u32 // want "family kvp: message x at \(idx 9, val 1\) is the kernel's Hyper-V KVP connector \(CN_KVP_IDX, CN_KVP_VAL\): write sender kernel"
    send y val 2 u32
}
family bb idx 5 { send z val 7 u32 } // want "message z at \(idx 5, val 7\) is the kernel's BlackBoard connector \(CN_IDX_BB\)"
family mine idx 0x100 { group 1, 20 } // want "family mine: group 1 is the multicast group of the kernel's process events connector \(idx 1\): choose a group above 10"
`, nil},
	{"kernel-idx-collision", "mirrors, own groups, user space", `package p
family proc idx 1 { group 1  sender kernel  send c val 1 u32  event e val 1 u32 }
family w1 idx 3 { sender kernel  event x val 1 u32 }
family dm idx 7 { send other val 2 u32 }
family mine idx 0x100 { group 11, 32  send x val 1 u32 }
`, nil},

	// message-size
	{"message-size", "lengths that pass the limit", `package p
struct big { n u16  data bytes[n] }
struct rec { id u64  n u8  items [n]big }
/// f.
family f idx 0x100 {
    send a val 1 big // want "send a: with n at its largest, 65535, the payload takes 65537 bytes, more than a connector message carries \(16384\); n must stay at most 16382"
    call b val 2 u32 -> rec // want "call b reply: with n at its largest, 255, the payload takes 16711945 bytes.*n must stay at most 0"
}
`, nil},
	{"message-size", "small lengths and tails", `package p
struct small { n u8  data bytes[n] }
struct tail { id u32  rest bytes }
struct text { id u32  s string }
struct more { id u32  rest []u32 }
family f idx 0x100 { send a val 1 small  send b val 2 tail  event c val 3 text  send d val 4 [16]u64  send e val 5 more }
`, nil},

	// switch-default
	{"switch-default", "no default", `package p
enum op : u8 { a = 1  b = 2 }
union body switch op { a => u32  b => u64 } // want "switch union body has no default: a value of op without a case fails to decode; add .default => bytes."
`, nil},
	{"switch-default", "with default", `package p
enum op : u8 { a = 1  b = 2 }
union body switch op { a => u32  default => bytes }
union plain { a u32  b u64 }
`, nil},

	// missing-doc
	{"missing-doc", "undocumented family and message", `package p
family f idx 0x100 { // want "family f has no /// doc comment"
    send a val 1 u32 // want "message a of family f has no /// doc comment"
    /// b is documented.
    send b val 2 u32
}
`, nil},
	{"missing-doc", "documented", `package p
/// f is documented.
family f idx 0x100 {
    send a val 1 u32 /// a too.
}
struct undocumented { a u32 }
`, nil},

	// unused-type
	{"unused-type", "unreached types", `package p
struct used { a u32 }
struct lonely { a u32 } // want "struct lonely is used by no message of the file"
enum e : u8 { x = 1 } // want "enum e is used by no message"
struct holder { k e } // want "struct holder is used by no message"
family f idx 0x100 { send a val 1 used }
`, nil},
	{"unused-type", "reached through fields, arms and elements, or no family", `package p
enum op : u8 { a = 1 }
struct elem { x u16 }
struct arm { y u32 }
union body switch op { a => arm  default => bytes }
struct msg { o op  items [2]elem  b body(o) }
family f idx 0x100 { call a val 1 u32 -> []msg }
`, nil},
	{"unused-type", "a file without families", `package p
struct lonely { a u32 }
`, nil},

	// u64-align
	{"u64-align", "offsets and strides", `package p
struct s {
    a u32
    b u64 // want "struct s: b is at offset 8 on x86-64 but 4 on i386: its type aligns to 8 on x86-64 but 4 on i386: write align\(8\) on it"
    c u32
}
struct inner { x u32  y u64  z u32 } // want "struct inner: y is at offset 8 on x86-64 but 4 on i386"
struct after { i inner  j u32 } // want "struct after: j is at offset 24 on x86-64 but 16 on i386: after i, whose type inner has another size on i386"
struct outer { a u8  i inner } // want "struct outer: i is at offset 8 on x86-64 but 4 on i386: its type aligns"
struct nested { h half  n u32 } // half is 24 bytes on both: align(8) on x raises its alignment
struct half { x u64 align(8)  y u32  z u64 } // want "struct half: z is at offset 16 on x86-64 but 12 on i386"
struct list { items [2]inner } // want "items repeats inner, which is 24 bytes on x86-64 but 16 on i386"
family f idx 0x100 { event e val 1 []inner } // want "payload of f.e repeats inner"
`, nil},
	{"u64-align", "aligned, packed, or only the size differs", `package p
struct s { a u32  b u64 align(8)  c u32 }
struct t { a u32  b u32  c u64 }
struct u { a u64  b u32 }
struct v packed { a u8  b u64 }
struct w { a u8  e wide }
enum wide : u32 { x = 1 }
struct proc_event { what u32  cpu u32  timestamp_ns u64 align(8)  rest bytes }
`, nil},

	// length-field-width
	{"length-field-width", "narrow lengths", `package p
struct s {
    n u8 // want "struct s: length field n \(u8\) counts at most 255, but data could hold 16383 bytes in a connector message: a longer value does not encode"
    data bytes[n]
}
struct item { a u32 }
struct t {
    m i8 // want "length field m \(i8\) counts at most 127, but a and b could hold 2047 each"
    a [m]item
    b [m]item
    c bytes[4]
}
`, nil},
	{"length-field-width", "wide enough", `package p
struct s { n u16  data bytes[n] }
struct big { blob [128]u8 }
struct t { n u8  items [n]big }
struct u { n u32  text string[n] }
`, nil},

	// kernel-string-nul
	{"kernel-string-nul", "strings from the kernel", `package p
struct rec { id u32  name string } // want "field name is a NUL-terminated string in event e from the kernel"
struct many { names []string } // want "field names is a NUL-terminated string in the reply of call r from the kernel"
enum op : u8 { a = 1 }
union body switch op { a => u32  default => string } // want "case default of body is a NUL-terminated string in event s from the kernel"
struct sw { o op  b body(o) }
family k idx 0x100 {
    sender kernel
    event e val 1 rec
    event l val 2 string // want "family k: message l from the kernel is a NUL-terminated string"
    call r val 3 u32 -> many
    event s val 4 sw
    event e2 val 5 rec
}
`, nil},
	{"kernel-string-nul", "user peers, requests and bounded text", `package p
struct rec { id u32  name string }
struct safe { n u16  name string[n]  comm cstring[16]  rest bytes }
family k idx 0x100 {
    sender kernel
    send out val 1 rec
    call ask val 2 rec -> safe
}
family u idx 0x101 { event e val 1 rec }
`, nil},

	// bad-ignore
	{"bad-ignore", "no reason, unknown or meta rules", `package p
// cngen:lint-ignore switch-default
struct s { a u8  b u32 } // cngen:lint-ignore implicit-padding
// cngen:lint-ignore no-such-rule because
// cngen:lint-ignore unused-ignore because
// cngen:lint-ignore
`, []string{
		"2: cngen:lint-ignore switch-default has no reason",
		"3: cngen:lint-ignore implicit-padding has no reason",
		`4: unknown rule "no-such-rule"`,
		"5: unused-ignore cannot be silenced inline",
		"6: names no rule",
	}},
	{"bad-ignore", "with reasons", `package p
// cngen:lint-ignore implicit-padding the C header pads here
struct s { a u8  b u32 }
/// cngen:lint-ignore is text in a doc comment, not an ignore.
struct t { a u32 }
// cngen:lint-ignores is not the marker
`, nil},

	// unused-ignore
	{"unused-ignore", "silencing nothing", `package p
// cngen:lint-ignore implicit-padding no padding here
struct s { a u32  b u32 }
// cngen:lint-ignore implicit-padding,packed-misaligned one of two is used
struct t { a u8  b u32 }
// cngen:lint-ignore implicit-padding two lines above is too far

struct u { a u8  b u32 }
`, []string{
		"2: cngen:lint-ignore implicit-padding silences nothing on this line or the next",
		"4: cngen:lint-ignore packed-misaligned silences nothing",
		"6: implicit-padding silences nothing",
	}},
	{"unused-ignore", "each silencing its finding", `package p
// cngen:lint-ignore implicit-padding the line below
struct s { a u8  b u32 }
struct t { a u8  b u32 } // cngen:lint-ignore implicit-padding this line
struct u { // cngen:lint-ignore implicit-padding the line after a trailing comment
    a u8  b u32
}
`, nil},
}
