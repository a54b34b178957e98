package model

import (
	"math/big"
	"strconv"

	"github.com/cngen/cngen/dsl/source"
)

// Pos is a position in a .cn file.
type Pos = source.Pos

// Schema is a checked .cn file: every name resolved, every type laid out
// as GCC lays it out on x86-64 and arm64. It holds no target-language
// naming; emitters compute their own names from the names as written.
//
// Slices are in declaration order, so walking them is deterministic.
type Schema struct {
	File    string // the file name as given to the parser
	Package string // the package clause
	// PackagePos is where the package clause is.
	PackagePos Pos
	Doc        []string
	Consts     []*Const
	Types      []*Type // every named type, in declaration order
	Families   []*Family
	// Warnings are what the schema was accepted with but probably does not
	// mean, such as a doc comment that documents nothing.
	Warnings source.ErrorList
}

// Const is a named integer constant.
type Const struct {
	Name  string
	Pos   Pos
	Doc   []string
	Value *big.Int // exact; in [-2^63, 2^64-1]
	// Text is Value in the base the schema wrote it in (0xe00003c7).
	Text string
}

// Kind says what a Type is.
type Kind int

const (
	KindInt     Kind = iota + 1 // u8 … i64 in host, big or little order
	KindBool                    // one byte, 0 or 1
	KindEnum                    // closed value set over an integer (Int)
	KindFlags                   // bit set over an integer (Int)
	KindStruct                  // fields in order, C layout
	KindUnion                   // plain C union: every field at offset 0
	KindSwitch                  // union whose variant a selector value picks
	KindArray                   // [N]T
	KindCString                 // cstring[N]: N bytes, NUL-padded text
	KindString                  // string (NUL-terminated) or string[f] / string[N]
	KindBytes                   // bytes (rest), bytes[f] or bytes[N]
	KindSlice                   // []T (rest) or [f]T
	KindPad                     // pad N: N zero bytes
)

var kindNames = [...]string{
	KindInt: "int", KindBool: "bool", KindEnum: "enum", KindFlags: "flags",
	KindStruct: "struct", KindUnion: "union", KindSwitch: "switch",
	KindArray: "array", KindCString: "cstring", KindString: "string",
	KindBytes: "bytes", KindSlice: "slice", KindPad: "pad",
}

func (k Kind) String() string {
	if k > 0 && int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "kind?"
}

// Order is the byte order of an integer on the wire.
type Order int

const (
	Host   Order = iota // the host's order, as netlink uses
	Big                 // forced big endian (…be)
	Little              // forced little endian (…le)
)

// IntType describes an integer type.
type IntType struct {
	Bits   int // 8, 16, 32 or 64
	Signed bool
	Order  Order
}

// Name is the type as written in .cn: u32, i16be, u64le.
func (t IntType) Name() string {
	s := "u"
	if t.Signed {
		s = "i"
	}
	s += itoa(t.Bits)
	switch t.Order {
	case Big:
		s += "be"
	case Little:
		s += "le"
	}
	return s
}

// Type is a laid-out type. Named declarations (enum, flags, struct, union,
// switch union) are shared by pointer between every use; anonymous types
// (arrays, sized fields, inline structs in a switch) are made per use.
type Type struct {
	Kind Kind
	Name string // as declared; "" for anonymous types
	Pos  Pos    // where it is declared or written
	Doc  []string

	// Size is the fixed size in bytes; for a variable-size type it is the
	// size of the fixed part (the least number of bytes it can take), and
	// for a switch union it is the C size (largest variant, rounded up).
	Size  int
	Align int
	// Variable is true when the encoded length depends on the value:
	// string, bytes, []T, sized forms, and structs ending in or
	// containing one of these.
	Variable bool

	// KindInt, and the underlying integer of KindEnum and KindFlags.
	Int IntType
	// KindEnum, KindFlags.
	Values []*Value

	// KindStruct, KindUnion: fields in order. For a union, each field is a
	// variant at offset 0.
	Fields       []*Field
	Packed       bool
	DeclaredSize int // `size N`; 0 when absent

	// KindSwitch.
	Selector *Type      // the enum or flags type whose value picks a variant
	Variants []*Variant // in declaration order; Default is not among them
	Default  *Variant   // `default =>`, or nil

	// KindArray, KindSlice: the element.
	Elem *Type
	// KindArray, KindCString, KindPad, and fixed bytes[N]/string[N]: the
	// length (elements for arrays, bytes otherwise).
	Len int
	// KindSlice, KindBytes, KindString sized by an earlier field: that
	// field, holding an element count ([f]T) or a byte count.
	LenField *Field
}

// Fixed reports whether the type always encodes to exactly Size bytes.
func (t *Type) Fixed() bool { return !t.Variable }

// Value is one member of an enum or flags type.
type Value struct {
	Name  string
	Pos   Pos
	Doc   []string
	Value *big.Int // fits the underlying integer type
	// Text is Value in the base the schema wrote it in.
	Text string
}

// Field is a member of a struct or plain union.
type Field struct {
	Name string
	Pos  Pos
	Doc  []string
	Type *Type

	// Offset is the byte offset from the start of the enclosing type.
	// Dynamic is true when it is not constant because an earlier field
	// has a variable size; Offset is then the offset the field would have
	// if every earlier variable field were empty, and decoders align a
	// running cursor to Align instead.
	Offset  int
	Dynamic bool
	Size    int // Type.Size
	Align   int // effective alignment: the type's, raised by align(N), 1 when packed
	// AlignAttr is the N of `align(N)`, or 0.
	AlignAttr int

	// Selector is the earlier field of the same struct whose value picks
	// the variant when Type.Kind is KindSwitch.
	Selector *Field
	// LengthOf lists the later fields whose size this field holds; the
	// encoder fills it in.
	LengthOf []*Field
}

// Variant is one arm of a switch union.
type Variant struct {
	Pos  Pos
	Doc  []string
	Case *Value // the selector value; nil for default
	Type *Type  // the payload
}

// Name is the name of the selector value, or "default".
func (v *Variant) Name() string {
	if v.Case == nil {
		return "default"
	}
	return v.Case.Name
}

// Sender says whom a family accepts incoming messages from.
type Sender int

const (
	SenderAny    Sender = iota // any port
	SenderKernel               // only source port 0
)

func (s Sender) String() string {
	if s == SenderKernel {
		return "kernel"
	}
	return "any"
}

// Family is a connector message family: one idx, messages by val.
type Family struct {
	Name string
	Pos  Pos
	Doc  []string
	Idx  uint32
	// IdxText is Idx in the base the schema wrote it in (0x123).
	IdxText string
	// Groups are the multicast groups of the family's events. Without a
	// group line it is [Idx] when Idx is a group number (1..MaxGroup), as
	// the kernel does; empty otherwise (events are then unicast only).
	Groups   []uint32
	Sender   Sender
	Messages []*Message
}

// MsgKind is how a message travels.
type MsgKind int

const (
	Send  MsgKind = iota + 1 // client → peer, one-way
	Event                    // peer → client
	Call                     // client → peer, reply peer → client with the same seq and ack+1
)

func (k MsgKind) String() string {
	switch k {
	case Send:
		return "send"
	case Event:
		return "event"
	case Call:
		return "call"
	}
	return "msgkind?"
}

// Direction of a message relative to the client.
type Direction int

const (
	Out Direction = iota + 1 // client → peer
	In                       // peer → client
)

func (d Direction) String() string {
	if d == Out {
		return "out"
	}
	return "in"
}

// Message is one (val, direction) use inside a family.
type Message struct {
	Name string
	Pos  Pos
	Doc  []string
	Kind MsgKind
	Val  uint32
	// ValText is Val in the base the schema wrote it in.
	ValText string
	Type    *Type // send/call request, or event payload
	Reply   *Type // call only
	// Error is, for a call that declares one (`error FIELD`), the
	// integer field of its reply struct that tells how the call went: 0
	// for success, else an errno (a negative value is a negated errno, as
	// the kernel writes them). nil when the call declares none.
	Error *Field
	// Groups are, for an event, the multicast groups it is broadcast
	// to: those its group clause names, else the family's first group;
	// empty when the family has no group (the event is then unicast
	// only), and for other messages.
	Groups []uint32
	// GroupsGiven reports an event's own group clause.
	GroupsGiven bool
}

// Directions lists the directions the message occupies: send → out,
// event → in, call → out (request) and in (reply).
func (m *Message) Directions() []Direction {
	switch m.Kind {
	case Send:
		return []Direction{Out}
	case Event:
		return []Direction{In}
	}
	return []Direction{Out, In}
}

// MaxMsgSize is CONNECTOR_MAX_MSG_SIZE: the largest cn_msg data.
const MaxMsgSize = 16384

// MaxGroup is the highest multicast group a connector (or usersock)
// socket has: the kernel gives these sockets 32 groups, and joining a
// higher one fails with EINVAL.
const MaxGroup = 32

// CNNetlinkUsers is CN_NETLINK_USERS: idx values below it are assigned by
// the kernel.
const CNNetlinkUsers = 11

func itoa(n int) string { return strconv.Itoa(n) }

// String writes the type as .cn would: its name when it has one, else the
// construct (u32, [4]u8, cstring[16], bytes[len], []fork_event, pad 3).
func (t *Type) String() string {
	if t == nil {
		return "<nil>"
	}
	if t.Name != "" {
		return t.Name
	}
	length := func() string {
		if t.LenField != nil {
			return "[" + t.LenField.Name + "]"
		}
		if t.Len > 0 {
			return "[" + itoa(t.Len) + "]"
		}
		return ""
	}
	switch t.Kind {
	case KindInt:
		return t.Int.Name()
	case KindBool:
		return "bool"
	case KindArray, KindSlice:
		if t.Kind == KindSlice && t.LenField == nil {
			return "[]" + t.Elem.String()
		}
		return length() + t.Elem.String()
	case KindCString:
		return "cstring" + length()
	case KindString:
		return "string" + length()
	case KindBytes:
		return "bytes" + length()
	case KindPad:
		return "pad " + itoa(t.Len)
	case KindStruct:
		return "struct {…}"
	}
	return t.Kind.String()
}
