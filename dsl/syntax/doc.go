// Package syntax reads .cn files into a syntax tree and prints the tree
// back. The tree holds the declarations as written, with the extent of
// every node, every comment, and nothing resolved: package check builds
// the model from it without modifying it. The grammar is a participle
// grammar ([File] and the node types under it).
//
// # The tree
//
// Every node has a Pos, where its first token starts, and an EndPos, just
// after its last token; a node that matched no token (the absent length of
// bytes) has both at the end of the token before it. [Parse] also fills
// what the grammar does not: [File.Comments], every // and /// comment in
// source order; [File.Tokens], where every other token stands; the Doc
// fields; and [File.Warnings].
//
// # Comments and docs
//
// A comment runs from // to the end of its line. One that starts with
// exactly three slashes, ///, is a doc comment; a line of four or more
// slashes is a plain comment, so that a ruler documents nothing. A doc
// comment documents a node that has a Doc field (a package clause,
// declaration, field, enum value, variant or message) by two rules:
//
//   - A block is one or more consecutive lines that hold nothing but a ///
//     comment. A block documents the node that starts with the first token
//     after it, when that token is on the line directly below the block.
//     When several nodes start on that line the first takes it: in
//     `a u8  b u8` the block above documents a. A blank line or a // line
//     between the block and the node detaches it.
//   - A /// comment directly after a node on the same line, `a u8 /// the
//     count`, documents that node. When several nodes precede it on the
//     line (`a u8  b u8 /// x`, or `struct s { a u8 } /// x`), it documents
//     the one that ends last, right before it: b, and s.
//
// A node's Doc is the text of its block, then of its trailing comment, one
// string a line, with the /// and one space after it removed. A // comment
// never becomes a doc.
//
// A /// comment that documents nothing under these rules, for instance a
// block followed by a blank line, by the closing } of a body or by the end
// of the file, or one after an opening {, stays in File.Comments and gets a
// warning (severity [source.SevWarning]) at the start of its block. Warnings
// do not make Parse fail.
//
// # Formatting
//
// [Format] prints a tree in the one layout that `cngen fmt` writes, and
// printing its output again changes nothing:
//
//   - Four spaces indent each level of braces. The package clause comes
//     first; top-level declarations are separated by one blank line, but
//     for a run of one-line declarations of one sort (constants; enums and
//     flags; structs; unions; families) that the source writes on
//     consecutive lines, which stays together.
//   - Inside a body, one blank line stands where the source has one or
//     more, but none after { or before }.
//   - A body that the source writes on one line stays on one line, with
//     one space inside the braces and two between members:
//     `enum op : u32 { listen = 1  ignore = 2 }`. An empty body is {}. Any
//     other body has one member per line.
//   - In a run of consecutive fields, enum values or messages, one per
//     line, the columns are aligned with spaces as gofmt aligns them: the
//     name, the type, align(N); the name, = value; the kind, the name,
//     val N, the type, -> reply. Trailing comments align too. A blank line,
//     a line holding only a comment, or another kind of line ends a run.
//   - Tokens are printed as written (0x2a stays hex, parentheses stay);
//     binary operators get one space each side and a comma one after;
//     unary operators, brackets and parentheses get none inside.
//   - Every comment is printed once, in its order, between the same two
//     tokens as in the source: after the token it followed on its line, or
//     on a line of its own, indented as the code around it, keeping one
//     blank line before and after where the source had one. A comment
//     inside a member breaks the member's line; the member continues on
//     the next line, indented once more.
//
// Formatting keeps the tree, the comments and the docs: the text printed
// parses into an equal tree, but for positions.
//
// # Errors
//
// A syntax error is a [source.ErrorList] of one error, "syntax error: …",
// at the offending token, in the words of the language reference. The
// mistakes most made get a hint: a misspelt keyword lists what may come
// there and suggests the nearest; a C declaration (`u32 a;`, `char
// comm[16]`, /* */) gets its .cn spelling; a file that ends inside a body
// names the body and where it opened.
package syntax
