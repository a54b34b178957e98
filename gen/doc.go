// Package gen turns a checked .cn schema ([dsl.Schema]) into one Go source
// file, emitted with jennifer and formatted with go/format. The generated
// code imports [github.com/cngen/cngen/runtime/cn] for its errors and a few
// byte helpers.
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
//     encoding any other value is an error naming the value and field.
//   - flags: the same type and constants; String joins the names of the
//     bits set, widest masks first, then the bits left in hex
//     (EventFork|0x100000). Any bit pattern decodes.
//   - struct: a Go struct with the fields in order (pad fields left out),
//     the schema's /// docs as comments, and Size, AppendBinary,
//     MarshalBinary and UnmarshalBinary. Length fields stay in the struct
//     for reading; the encoder fills them from the fields they size.
//   - cstring[N]: a helper type CStringN [N]byte, once per N, with String
//     (text up to the first NUL) and Set (an error when the text and its
//     NUL do not fit, or the text holds a NUL).
//   - plain union u { a T  b U }: type U [size]byte with A() / SetA per
//     member (returning an error where decoding or encoding the member can
//     fail). SetA zeroes the union first.
//   - switch union: a Go struct with one field per case, named after the
//     case (None, Fork, …; an inline struct becomes the type UnionCase),
//     and Default for `default =>`. The selector lives in the enclosing
//     struct; the union has SizeFor, AppendBinaryFor and
//     UnmarshalBinaryFor taking the selector value. Only the selected
//     variant is decoded or encoded; encoding zero-fills the rest of the
//     union.
//   - family: ID constants (ProcIdx, ProcGroup or ProcGroups,
//     ProcKernelOnly, ProcControlVal …), emitted by genFamily, where the
//     typed runtime glue will be added.
//   - a func _() of stringer-style guards over the declared constants,
//     enum values and `size N` declarations.
//
// # Codecs
//
// Decoders never panic and never read past the buffer; a short buffer is a
// [cn.DecodeError] naming the innermost field and its offset; bytes beyond
// the layout are accepted; a union needs only its variant's bytes.
// Decoding into a reused value allocates nothing: slices are reused and an
// unchanged string is kept. Fields at constant offsets are read with
// binary.NativeEndian (or the forced order) after one length check per run
// of fields; nested fixed structs and switch unions are decoded in line, so
// the generated decoder runs about as fast as a hand-written one. After a
// variable field, a cursor aligned to each field's alignment takes over.
//
// Encoders append to a buffer, write zeros into every padding byte and
// fill length fields, failing (with a [cn.EncodeError] naming the field)
// on values that could not be decoded back: an unknown enum value, text
// with a NUL, a length too large for its field, sized fields sharing a
// length field that disagree.
//
// string[f] is f bytes of text: the encoder writes no NUL, and the decoder
// stops at a NUL inside the f bytes, if there is one. string (unsized) is
// NUL-terminated. The elements of []T and [f]T follow each other with no
// padding, each taking the bytes its own layout says.
package gen
