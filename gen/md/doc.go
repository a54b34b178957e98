// Package md is the Markdown back end: it turns a checked .cn schema
// ([model.Schema]) and its wire plan ([wire.Plan]) into one Markdown
// file, the documentation cngen doc writes beside the schema as
// FILE.cn.md. Like the Go back end it derives no layout itself: offsets,
// sizes, padding and arms come from the model and the plan.
//
// # The document
//
// [Generate] writes, in declaration order: the package doc; the
// constants with their values as the schema writes them (0xe00003c7);
// each enum and flags type with its values and docs; each struct, plain
// union and switch union with its size and alignment, a byte-layout
// diagram and a table of its fields (offset, size, type as .cn writes
// it, doc), the arms of a switch union with a section and a diagram for
// each arm whose type has no section of its own (an inline struct, a
// u32, bytes); and each family with its idx, groups and sender, a table
// of its messages (kind, name, val, direction, payload, reply, doc) and
// a diagram of every payload that is not a declared struct or union.
// Type names link to their sections, with the anchors GitHub gives
// headings. Output is deterministic and holds no date, and no path but
// the schema's base name.
//
// # Diagrams
//
// [Diagram] draws a layout as RFC 791 draws a header, in ASCII, for a
// ```text block:
//
//   - 32 bits a row, two columns a bit, under a ruler numbering the bits
//     of the row (0…31, 8 a byte, in memory order), with the byte offset
//     of each row in a gutter on the left. Every line of a diagram has the
//     same width, so that the columns line up in any monospace font.
//   - Every field is a box at its offset and of its size, labelled with
//     its name, centred. A box that crosses a row boundary is split there;
//     its pieces are one box where they share columns (the edge between
//     them is left open), else each is labelled, the later "(cont.)".
//   - Implicit padding, the gaps of [wire.Layout.Gaps], is a box labelled
//     "padding"; an explicit pad field is labelled "NAME (pad)". Bytes
//     past the end of the type are left blank, without walls.
//   - A variable field (bytes, string, []T, sized fields, a struct or
//     switch union with a variable part) is drawn over its fixed part, at
//     least one byte, run on to the end of its row, and labelled
//     "NAME ..."; the bottom edge of that last row is dashed (+- - -+):
//     the field runs on past what is drawn.
//   - Fields at run-time offsets (after a variable field, model
//     Field.Dynamic) follow a row of : ":  ... run-time offset, aligned
//     to N ...  :", and are drawn from that cursor. A new : row starts
//     after every variable field and before a field aligned more than the
//     row says, whose padding depends on where the cursor is.
//   - A plain or switch union is one box of its C size: its members share
//     the bytes. A struct field of switch type is such a box; a note under
//     the diagram lists the arms the selector picks from.
//   - A field of size 0 has no bytes to draw: a note names it.
//   - More than 6 full rows of one box are drawn as their first two rows,
//     a ~ row and their last.
//   - A label longer than its box is cut to fit and ends in ~; the table
//     under the diagram has the full name.
package md
