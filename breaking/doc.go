// Package breaking compares two versions of a set of checked .cn schemas
// and reports what the change breaks, as cngen breaking does in CI: the
// wire format (category WIRE), read from the two versions' wire plans,
// and the Go API that cngen gen generates from them (category API), read
// from the generated code itself. docs/breaking.md states every rule with
// its reason; this comment says how the comparison is organised.
//
// # Matching
//
// A schema of the old version is matched with the schema of the new one
// that has its package clause and file base name; then, within a package
// clause, the one old and the one new schema left unmatched, if there is
// exactly one of each (a file renamed); then the one old and the one new
// schema left overall (two files named on the command line). An old
// schema left over is removed. Families are matched by name (or, when
// the name is gone, by idx), messages by family and name (or, when the
// name is gone, by kind and val if the payloads compare without an
// error), types by name: renames the wire does not see.
//
// # Readers and writers
//
// Every message has a writer and a reader, and each may be built from
// either version: a WIRE finding is an error when a message written by
// one version is refused or misread by a reader built from the other,
// whichever side was upgraded first. Additions are the exception, as the
// language means them to be: a reader built from the old schema ignores
// bytes appended to a message, refuses an enum value or union arm it has
// never heard of, and never sees a message or family it does not know;
// such findings are warnings, saying what a reader of the other version
// sees. The one receiver that does not decode by cngen's rules is the
// kernel: a send or call request to a `sender kernel` family whose length
// changes is an error, because kernel callbacks check exact lengths.
//
// # Walking layouts
//
// Payloads are compared through the wire plan ([wire.Plan.Payload]),
// field by field in step: fields pair by name, then an unpaired new field
// with an unpaired old one at the same offset (a rename, which the wire
// does not see); each pair is compared for its offset, order, type, size,
// length field and selector, and each kind of type by its own rules
// (integers by width, order and signedness; enums and flags by value;
// switch unions arm by arm through [wire.Layout.Pick], so that a
// selector value is followed to the arm it picks in each version). A
// field's place says whether it ends the message, which decides whether
// its growth is an append (a warning) or moves what follows it (an
// error). Types that no message carries are compared by name on their
// own, from their declarations.
//
// # The Go API
//
// Each version's Go packages are generated with [gen.Package] (the
// schemas of one directory and package clause make one package), parsed
// with go/parser, and their exported declarations compared by name and
// printed type: types, struct fields, methods (with their receivers),
// interface methods, functions (parameter names aside), constants (type
// and value) and variables. A finding is placed at the schema node the
// Go name comes from ([gen.GoName] of the names as written), else at the
// package clause.
package breaking
