// Package syntax reads .cn files into a syntax tree: the declarations as
// written, with the position of every node, and nothing resolved. The
// grammar is a participle grammar; the tree carries syntax only, and
// package check builds the model from it without modifying it.
package syntax
