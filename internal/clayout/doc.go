// Package clayout checks the layout in a [model.Schema] against the C
// compiler: the model claims the size and alignment of every type and the
// offset, size and alignment of every field as GCC lays them out, and this
// package lets gcc say whether that is true.
//
// It is test machinery, not part of the product: [CSource] mirrors the
// model as C declarations plus a main that prints what gcc computed, and
// [Check] compiles and runs that program and compares every number with
// the model. [CheckProbes] does the same for numbers a test chooses
// itself, e.g. against a system header such as <linux/cn_proc.h>.
//
// A test calls it as
//
//	gcc, err := exec.LookPath("gcc")
//	if err != nil {
//		t.Skipf("no C compiler: %v", err)
//	}
//	ms, err := clayout.Check(schema, gcc)
//	if err != nil {
//		t.Fatal(err)
//	}
//	for _, m := range ms {
//		t.Errorf("C layout: %v", m) // "proc_event.timestamp_ns: offset: model 4, gcc 8"
//	}
//
// # How the model maps to C
//
// Integers of every byte order become the fixed-width C integer of their
// size (u16be is uint16_t); bool is uint8_t; enums and flags are typedefs
// of their underlying integer. cstring[N], bytes[N] and pad N
// are char or unsigned char arrays; [N]T is an array. Structs and unions
// are C structs and unions, __attribute__((packed)) when packed, and
// align(N) becomes __attribute__((aligned(N))) on the member. A switch
// union becomes a C union with one member per variant, named after the
// selector value; an inline variant struct becomes a named C struct.
//
// Variable-size fields have no C size. The last field of a struct, when it
// is bytes, string or a repeated []T (sized or not), becomes a flexible
// array member (T x[]); as a switch variant (default => bytes), or as the
// only field, it is a zero-length array (T x[0]), which adds its alignment
// but no size. A field whose
// offset the model marks Dynamic cannot be expressed at all: the struct
// ends before it, only the fields before it are checked, and the struct's
// own size and alignment (and those of every type holding it, and of the
// members of such types) are left unchecked. So that the truncated struct
// still sits where the model says inside other types, it carries the
// model's alignment as an aligned attribute.
//
// # What is checked
//
// For every enum, flags, struct, union and switch union (named, or inline
// in a switch): sizeof and _Alignof. For every member emitted: offsetof,
// and, unless it is a flexible array, sizeof and __alignof__ (the
// member's effective alignment: 1 in a packed type, raised by aligned).
// For members of nested structs and unions: offsetof of the whole path
// from the outermost type, e.g. proc_event.event_data.fork.child_tgid.
// And what the wire plan derives from the layout: the padding of every
// fixed struct (sizeof less its members' sizes, against the plan's gaps)
// and the bytes a decoder needs of every rigid one (the end of its last
// member with bytes, against the plan's Need).
//
// The program prints one line per number, "path what value", in the
// order of the probes. It includes no headers (it declares printf and takes its
// integer types from GCC's predefined __UINT32_TYPE__ and friends), so
// schema names cannot collide with library macros; names that are C
// keywords or predefined macros get a trailing underscore.
package clayout
