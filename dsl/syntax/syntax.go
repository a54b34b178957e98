package syntax

import "github.com/cngen/cngen/dsl/source"

// The syntax tree of a .cn file, as participle fills it. It carries syntax
// only: nothing is resolved here, and the checker never mutates it. Every
// node records where it starts (Pos) and the position just after its last
// token (EndPos).
//
// Comments are not part of the grammar: Parse keeps them all on the File
// and attaches /// doc comments to the Doc fields afterwards, by the rules
// of the package documentation.

// File is a whole .cn file.
//
// Its EndPos is the end of the source. Comments, Tokens and Warnings are
// filled by Parse, not by the grammar.
type File struct {
	Pos     source.Pos
	EndPos  source.Pos
	Package *PackageClause `parser:"@@?"`
	Decls   []*Decl        `parser:"@@*"`

	// Comments are every // and /// comment of the file, in source order,
	// whether or not it became a doc.
	Comments []*Comment
	// Tokens are where the file's other tokens stand, in source order.
	// Format uses them to put each comment back between the same two
	// tokens and to keep the source's blank lines and one-line bodies.
	Tokens []Span
	// Warnings are findings that do not stop the file: a /// comment that
	// documents nothing.
	Warnings source.ErrorList
}

// Comment is one // or /// comment. A comment runs to the end of its line.
type Comment struct {
	Pos    source.Pos
	EndPos source.Pos
	Text   string // as written, marker included, without trailing white space
	Doc    bool   // a /// doc comment
}

// Span is where one token stands: its first character and the position
// just after its last.
type Span struct {
	Pos    source.Pos
	EndPos source.Pos
}

// PackageClause is `package name`.
type PackageClause struct {
	Pos    source.Pos
	EndPos source.Pos
	Doc    []string
	Name   string `parser:"'package' @Ident"`
}

// Decl is one top-level declaration.
type Decl struct {
	Pos    source.Pos
	EndPos source.Pos
	Const  *ConstDecl  `parser:"  @@"`
	Enum   *EnumDecl   `parser:"| @@"`
	Struct *StructDecl `parser:"| @@"`
	Union  *UnionDecl  `parser:"| @@"`
	Family *FamilyDecl `parser:"| @@"`
}

// ConstDecl is `const NAME = expr`.
type ConstDecl struct {
	Pos    source.Pos
	EndPos source.Pos
	Doc    []string
	Name   string `parser:"'const' @Ident '='"`
	Value  *Expr  `parser:"@@"`
}

// EnumDecl is `enum name : u32 { … }` or `flags name : u32 { … }`.
type EnumDecl struct {
	Pos     source.Pos
	EndPos  source.Pos
	Doc     []string
	Keyword string       `parser:"@('enum' | 'flags')"`
	Name    string       `parser:"@Ident"`
	Base    *TypeRef     `parser:"':' @@"`
	Entries []*EnumEntry `parser:"'{' @@* '}'"`
}

// EnumEntry is `name = expr`.
type EnumEntry struct {
	Pos    source.Pos
	EndPos source.Pos
	Doc    []string
	Name   string `parser:"@Ident '='"`
	Value  *Expr  `parser:"@@"`
}

// StructDecl is `struct name [packed] [size N] { fields }`.
type StructDecl struct {
	Pos    source.Pos
	EndPos source.Pos
	Doc    []string
	Name   string       `parser:"'struct' @Ident"`
	Packed bool         `parser:"@'packed'?"`
	Size   *Expr        `parser:"('size' @@)?"`
	Fields []*FieldDecl `parser:"'{' @@* '}'"`
}

// UnionDecl is a plain union `union name [packed] [size N] { fields }` or a
// switch union `union name switch sel { variants }`.
type UnionDecl struct {
	Pos      source.Pos
	EndPos   source.Pos
	Doc      []string
	Name     string         `parser:"'union' @Ident"`
	Packed   bool           `parser:"@'packed'?"`
	Size     *Expr          `parser:"('size' @@)?"`
	Selector *TypeRef       `parser:"( 'switch' @@"`
	Variants []*VariantDecl `parser:"  '{' @@* '}'"`
	Fields   []*FieldDecl   `parser:"| '{' @@* '}' )"`
}

// VariantDecl is `case => type` or `default => type` in a switch union.
type VariantDecl struct {
	Pos     source.Pos
	EndPos  source.Pos
	Doc     []string
	Default bool      `parser:"( @'default'"`
	Case    string    `parser:"| @Ident ) '=>'"`
	Type    *TypeExpr `parser:"@@"`
}

// FieldDecl is `name type [align(N)]`.
type FieldDecl struct {
	Pos    source.Pos
	EndPos source.Pos
	Doc    []string
	Name   string    `parser:"@Ident"`
	Type   *TypeExpr `parser:"@@"`
	Align  *Expr     `parser:"('align' '(' @@ ')')?"`
}

// TypeExpr is a type as written at a use.
type TypeExpr struct {
	Pos     source.Pos
	EndPos  source.Pos
	Array   *ArrayType    `parser:"  @@"`
	CString *Expr         `parser:"| 'cstring' '[' @@ ']'"`
	Bytes   *SizedType    `parser:"| 'bytes' @@"`
	String  *SizedType    `parser:"| 'string' @@"`
	Pad     *Expr         `parser:"| 'pad' @@"`
	Struct  *InlineStruct `parser:"| @@"`
	Ref     *TypeRef      `parser:"| @@"`
}

// ArrayType is `[N]T`, `[f]T` or `[]T`.
type ArrayType struct {
	Pos    source.Pos
	EndPos source.Pos
	Len    *Expr     `parser:"'[' @@? ']'"`
	Elem   *TypeExpr `parser:"@@"`
}

// SizedType is the optional `[N]` or `[f]` after bytes and string.
type SizedType struct {
	Pos    source.Pos
	EndPos source.Pos
	Len    *Expr `parser:"('[' @@ ']')?"`
}

// InlineStruct is `struct [packed] { fields }` written as a switch variant.
type InlineStruct struct {
	Pos    source.Pos
	EndPos source.Pos
	Packed bool         `parser:"'struct' @'packed'?"`
	Fields []*FieldDecl `parser:"'{' @@* '}'"`
}

// TypeRef names a type, with an optional selector: `event_data(what)`.
type TypeRef struct {
	Pos      source.Pos
	EndPos   source.Pos
	Name     string `parser:"@Ident"`
	Selector *Ident `parser:"('(' @@ ')')?"`
}

// Ident is a name with its position.
type Ident struct {
	Pos    source.Pos
	EndPos source.Pos
	Name   string `parser:"@Ident"`
}

// FamilyDecl is `family name idx N { items }`.
type FamilyDecl struct {
	Pos    source.Pos
	EndPos source.Pos
	Doc    []string
	Name   string        `parser:"'family' @Ident"`
	Idx    *Expr         `parser:"'idx' @@"`
	Items  []*FamilyItem `parser:"'{' @@* '}'"`
}

// FamilyItem is one line of a family body.
type FamilyItem struct {
	Pos     source.Pos
	EndPos  source.Pos
	Groups  []*Expr      `parser:"  'group' @@ (',' @@)*"`
	Sender  *Ident       `parser:"| 'sender' @@"`
	Message *MessageDecl `parser:"| @@"`
}

// MessageDecl is `send|event NAME val N TYPE` or
// `call NAME val N TYPE -> TYPE`, then, for a call, `error FIELD` (the
// reply's field that carries an errno) and, for an event, `group N, M`
// (the groups it is broadcast to).
type MessageDecl struct {
	Pos    source.Pos
	EndPos source.Pos
	Doc    []string
	Kind   string    `parser:"@('send' | 'event' | 'call')"`
	Name   string    `parser:"@Ident"`
	Val    *Expr     `parser:"'val' @@"`
	Type   *TypeExpr `parser:"@@"`
	Reply  *TypeExpr `parser:"('->' @@)?"`
	Error  *Ident    `parser:"('error' @@)?"`
	Groups []*Expr   `parser:"('group' @@ (',' @@)*)?"`
}

// Expr is an integer constant expression: operands joined by binary
// operators, as written. The checker groups them by C precedence, from
// lowest: | ^ & (<< >>) (+ -) (* / %); unary - and ~ bind tightest.
type Expr struct {
	Pos    source.Pos
	EndPos source.Pos
	Left   *Unary   `parser:"@@"`
	Right  []*BinOp `parser:"@@*"`
}

// BinOp is a binary operator and the operand after it.
type BinOp struct {
	Pos    source.Pos
	EndPos source.Pos
	Op     string `parser:"@('|' | '^' | '&' | Shift | '+' | '-' | '*' | '/' | '%')"`
	Right  *Unary `parser:"@@"`
}

// Unary is `-x`, `~x` or a primary.
type Unary struct {
	Pos     source.Pos
	EndPos  source.Pos
	Op      string   `parser:"(@('-' | '~')"`
	Operand *Unary   `parser:" @@)"`
	Primary *Primary `parser:"| @@"`
}

// Primary is a number, a constant name or a parenthesised expression.
type Primary struct {
	Pos    source.Pos
	EndPos source.Pos
	Number string `parser:"  @Int"`
	Name   string `parser:"| @Ident"`
	Paren  *Expr  `parser:"| '(' @@ ')'"`
}
