// Package model is the checked form of a .cn schema: every name resolved,
// every value computed, every type laid out as GCC lays out the same C
// type on x86-64 and arm64 (size, alignment and the offset of every
// field). It is what every back end reads: the Go emitter, the C emitter,
// the wire plan and the generic codec built on it, lint and the breaking
// change checker.
//
// The model is target-neutral. It keeps the names as the schema writes
// them and holds no Go or C spelling: each emitter computes its own names,
// once. It depends on nothing but [source], not on the parser, so that a
// program can hold a model (to decode messages with it, say) without the
// grammar.
//
// A model is made by package check from a syntax tree and is never
// modified afterwards. Slices are in declaration order, so that walking
// them is deterministic.
package model
