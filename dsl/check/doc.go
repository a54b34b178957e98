// Package check turns the syntax tree of a .cn file ([syntax.File]) into
// the checked model ([model.Schema]): it resolves names in any order,
// evaluates constant expressions exactly, lays out every type as GCC
// does, and enforces every rule of the language, so that a schema it
// accepts is one every back end can carry. Target rules (Go names and
// their collisions, say) are the back ends' own and are checked by them.
//
// # Errors
//
// Check reports every error it finds in one run, as a [source.ErrorList]
// sorted by position, each with a related position where one helps
// ("previous declaration at x.cn:4:1"), and returns a model only when
// there are none. The syntax tree is never modified.
package check
