// Package gen is the Go back end: it turns checked .cn schemas
// ([model.Schema]) into Go source files, emitted with jennifer from their
// wire plans ([wire.Plan]) and formatted with go/format. It derives no
// decoding or encoding rule itself: the plan says what each type needs,
// and gen writes it out as straight code. The generated code imports
// [github.com/cngen/cngen/runtime/cnimpl] for the helpers only generated
// code uses, and [github.com/cngen/cngen/runtime/cn] for its errors and the
// client, dispatch and sending its typed glue wraps.
//
// # The Go back end's rules
//
// [Check] reports what [Package] would refuse, without generating: a
// package clause that is not a Go package name, and two things that end
// up with one Go name, in one schema or across the schemas of one package.
// cngen check runs it, so that it accepts exactly what cngen gen
// generates.
//
// # Names
//
// Go names are computed once per [Generate], before anything is emitted:
// [GoName] turns every .cn name into an exported CamelCase name
// (parent_pid → ParentPID). Two things that end up with one Go name — two
// fields, a type and a constant, a field and a generated method such as
// Size — are an error naming both, with positions, never broken code.
//
// # Generated code
//
// For each schema:
//
//   - const: an untyped constant, ProcEventAll = 0xe00003c7.
//   - enum e : u32: type E uint32, constants EListen E = 1, String
//     (the constant's name, or E(7)), and a closed value set: decoding or
//     encoding any other value in a field is an error naming the value
//     and field, but for a field that selects a switch union with a
//     default. Enums have no codec methods of their own: they travel in
//     the structs that hold them (a message of enum type, in a wrapper).
//   - flags: the same type and constants; String joins the names of the
//     bits set, widest masks first, then the bits left in hex
//     (EventFork|0x100000). Any bit pattern decodes.
//   - struct: a Go struct with the fields in order (pad fields left out),
//     the schema's /// docs as comments, and Size, AppendBinary,
//     MarshalBinary and UnmarshalBinary (for a variable struct, over an
//     unexported decode that also returns the bytes used). Length fields
//     stay in the struct for reading; the encoder fills them from the
//     fields they size. Beside it, its short-buffer table, a
//     cnimpl.Layout.
//   - cstring[N]: a helper type CStringN [N]byte, once per N, with String
//     (text up to the first NUL) and Set (an error when the text and its
//     NUL do not fit, or the text holds a NUL).
//   - plain union u { a T  b U }: type U [size]byte with A() / SetA per
//     member (returning an error where decoding or encoding the member can
//     fail). SetA zeroes the union first.
//   - switch union: a Go struct with one field per case, named after the
//     case (None, Fork, …; an inline struct becomes the type UnionCase),
//     and Default for `default =>`. The selector lives in the enclosing
//     struct, whose codec decodes and encodes the union in line when it
//     is the one field of the schema holding it; a union held by several
//     fields has unexported decode, appendFor and sizeFor methods taking
//     the selector value, which they call. Only the selected variant is
//     decoded or encoded; encoding zero-fills the rest of the union.
//   - family: ID constants (ProcIdx, ProcGroup or ProcGroups,
//     ProcControlVal …) and the typed glue below.
//   - const _ = cnimpl.GeneratedCodeVersion2: the version handshake. The
//     file builds only against a runtime that supports the API it calls;
//     a mismatch fails the build naming the version (see
//     [cnimpl.GeneratedCodeVersion2]).
//   - a func _() of stringer-style guards over the declared constants,
//     enum values and `size N` declarations.
//
// # Typed glue
//
// Per family with messages, each piece only when the family has messages
// of that direction (no empty interfaces), for family echo of
// golden/echo:
//
//	type EchoClient struct{ … }             // over a *cn.Client
//	func NewEchoClient(ep cn.Endpoint, d *cn.Dispatcher, peer uint32, opts ...cn.ClientOption) *EchoClient
//	func (c *EchoClient) Ping(ctx context.Context, req *PingReq) (*PingReply, error) // per call
//	func (c *EchoClient) Stop(msg *Shutdown) error                                  // per send
//	func (c *EchoClient) Subscribe(h EchoHandler) error                             // with events
//	func (c *EchoClient) Unsubscribe() error
//
//	type EchoHandler interface {            // per event: what a client receives
//		Tick(r *cn.Request, ev *Tick)
//		Log(r *cn.Request, ev string)
//	}
//	func RegisterEcho(d *cn.Dispatcher, h EchoHandler) error
//
//	type EchoServer interface {             // per call and send: what the peer receives
//		Ping(r *cn.Request, req *PingReq) (*PingReply, error)
//		Stop(r *cn.Request, msg *Shutdown)
//	}
//	func RegisterEchoServer(d *cn.Dispatcher, srv EchoServer) error
//
//	type EchoEvents struct{ … }             // the peer's event sender
//	func NewEchoEvents(out cn.Sender) *EchoEvents
//	func (e *EchoEvents) Tick(ev *Tick, to cn.Addr) error  // to a port and/or group
//	func (e *EchoEvents) BroadcastTick(ev *Tick) error     // to the family's first group
//
// A client talks to one peer: a port, or the kernel for a family declared
// `sender kernel`, whose constructor then takes no port. A call sends the
// request and waits, until ctx is done, for the reply with the same seq
// and ack+1 from that port ([cn.Dispatcher.Call]; d must be serving ep);
// any number of calls may wait at once. Subscribe registers a Handler on
// d and joins the family's groups on ep; Register<Family> registers one
// without joining. Handlers of a `sender kernel` family are registered
// with [cn.KernelOnly]: a message from any port but 0, as the datagram's
// source address says, is counted in Stats.Rejected and never reaches
// them. A server method's error, or a reply that does not encode, sends
// no reply and is counted in Stats.Failed. Broadcast methods send to the
// family's first group only, so that a client that joined all of them
// gets each event once. The server and event sender of a family the
// kernel serves (sender kernel) are the kernel's side: they are generated
// only with [Options].KernelPeer (cngen gen -kernel-peer), for a fake
// kernel in tests (cntest's Bus.Kernel).
//
// Payloads keep their Go types: *T for a declared struct or union, and the
// Go type itself for anything else (an enum, string, []byte, uint32, []T
// …), carried through the runtime by an unexported wrapper struct with
// the codec of a struct of that one field (the wire plan's payload
// layout). Handlers
// and servers get a payload valid until they return. Every method is a
// line or two over the runtime ([cn.Client], [cn.On], [cn.OnCall],
// [cn.Register], [cn.SendBinary]): the logic is written once, there.
//
// Go names of the glue are claimed like the rest: a message whose method
// would collide with a generated one (Subscribe, BroadcastTick) or a type
// named like a glue type (echo_client) is an error with positions.
//
// # Stubs
//
// [GenerateStubs] writes a skeleton implementing each Handler, and each
// Server of a family not served by the kernel, with TODO bodies that
// compile (a call answers with an error until written). cngen gen -stubs
// writes it to [StubsFile] beside the generated file, once: the user owns
// it from then on.
//
// # Codecs
//
// Decoders never panic and never read past the buffer; a short buffer is a
// [cn.DecodeError] naming the innermost field and its offset; bytes beyond
// the layout are accepted; a union needs only its variant's bytes.
// Decoding into a reused value allocates nothing: slices are reused and an
// unchanged string is kept. Fields at constant offsets are read with
// binary.NativeEndian (or the forced order) after one length check per run
// of fields; only when that check fails does the slow path ask the type's
// short-buffer table which field to name, so the fast path carries no
// per-field checks. Small nested structs and a switch union held by one
// field are decoded in line, within a fixed budget (inline.go), so the
// generated decoder runs as fast as a hand-written one and the code grows
// with the schema as written, not with its flattened leaves. After a
// variable field, a cursor aligned to each field's alignment takes over.
//
// Encoders append to a buffer, write zeros into every padding byte and
// fill length fields, failing (with a [cn.EncodeError] naming the field)
// on values that could not be decoded back: an unknown enum value, text
// with a NUL, a length too large for its field, sized fields sharing a
// length field that disagree. On failure they return the buffer cut back
// to its length on entry. Fields at constant offsets are stored with
// PutUintN, byte stores and copies into one window of zeros that
// [cnimpl.Extend] appends at once, nested fixed structs and the selected
// variant of a switch union included, as the decoder loads them: a
// fixed-size type grows the buffer once and checks no bounds per field,
// and its padding is zero even in a reused buffer with other bytes in its
// spare capacity. A variable variant gives the window back from the
// union's offset and appends itself; after a variable field, fields are
// appended one by one.
//
// string[f] is f bytes of text: the encoder writes no NUL, and the decoder
// stops at a NUL inside the f bytes, if there is one. string (unsized) is
// NUL-terminated. The elements of []T and [f]T follow each other with no
// padding, each taking the bytes its own layout says.
package gen
