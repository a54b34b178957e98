// Package wire is the wire plan of a checked schema: the decoding and
// encoding rules of the .cn language, computed once per type as data,
// for every back end to read. The Go emitter turns a plan into straight
// code, the generic codec ([github.com/cngen/cngen/codec]) interprets
// it, and the C emitter, lint and the breaking-change checker read the
// same facts, so that no rule is derived twice. The plan is
// target-neutral: it names things as the schema does.
//
// # Decoding
//
// A [Layout] describes a struct, a plain union, a switch union or a
// message payload. Decoding a struct walks its fields in order:
//
//   - A [Run] is a maximal sequence of fields at constant offsets whose
//     types are rigid (fixed size, no choice inside: integers, bool,
//     enums, flags, cstring[N], bytes[N], pad N, plain unions, arrays and
//     structs of those). A run is decoded after one length check: the
//     buffer must hold Run.Need bytes from the start of the struct. The
//     loads that follow need no further check. Trailing padding is not
//     needed; explicit pad fields are.
//   - A buffer shorter than a run needs is reported at the field the
//     [Layout.Spans] table names: the first field whose bytes end past
//     the buffer. A span of a nested struct hands the question on to the
//     nested layout, so the error names the innermost field ("short buffer
//     in proc_event.event_data.fork.child_pid at offset 28"). The table
//     holds the layout's own fields only, so it grows with the schema as
//     written, not with its flattened leaves.
//   - Every other field is decoded alone, at its constant offset or, after
//     a variable-size field, at a cursor aligned to the field's alignment.
//     A field of a struct or switch union type is decoded by that type's
//     own rules on the bytes from its offset on, and its errors are placed
//     inside the field (path and offset grow); any other type is a leaf,
//     whose short buffer names the field itself.
//   - A switch union decodes only the [Arm] its selector's value picks
//     ([Layout.Pick]): the case with that value, else the default, else an
//     unknown-value error naming the selector's value and the union field.
//     It needs only the bytes of that arm; the cursor moves past the
//     union's C size, or past the arm when that is longer. An enum field
//     that selects a union with a default ([Field.Open]) accepts every
//     value, so that a schema stays readable when the kernel adds one, and
//     the value is kept, so that it encodes unchanged.
//   - Variable tails: `bytes` and `[]T` take the rest of the buffer (a
//     rest that is not a whole number of fixed T is short at the first
//     incomplete element); `string` ends at its NUL, which must be there;
//     `bytes[f]`, `string[f]` and `[f]T` take what the value of the
//     earlier field f says ([Field.LenField]), and a negative length is an
//     error. string[f] text stops at a NUL inside its bytes.
//   - Bytes beyond what the layout needs are accepted. A variable struct
//     uses max(cursor, Size) bytes of the buffer (at most all of it); a
//     record in a []T starts where the one before it ended.
//   - Enum values outside the declared set (but for Open fields) and bool
//     bytes other than 0 or 1 are errors at the field.
//
// # Encoding
//
// Encoding appends exactly the bytes decoding reads, with zeros in every
// padding byte: the leading fields at constant offsets of fixed size,
// switch unions included ([Layout.Window]), are stored into one block of
// zeros; the rest are appended in order, each after zeros up to its
// alignment, and the struct is filled with zeros up to its Size. A length
// field holds the length of the fields it sizes ([Field.LengthOf]), which
// must agree and fit. A switch union encodes the arm its selector picks
// and zeros up to its size; an unknown selector value without a default,
// an enum value outside its set (but for Open fields), and text holding a
// NUL are errors at the field.
package wire
