// Package lint holds the style and portability rules of .cn schemas and
// the engine that runs them, as buf lint does for protobuf: `cngen lint`
// is its command line. The rules are documented, each with an example
// that fires it and one that does not, in docs/lint.md.
//
// # Rules
//
// Each [Rule] has a stable ID (naming, implicit-padding, u64-align…), a
// default severity, a summary and a help text. A rule reads the checked
// model and its wire plan, never the syntax tree: what it reports is
// about the schema's meaning, not its spelling. [Lint] runs them on one
// schema and returns [report.Finding] values, sorted by position.
//
// # Configuration
//
// A [Config] (cngen.yaml, found by [FindConfig] upward from a schema's
// directory, the nearest winning) sets severities, excludes schemas and
// turns rules off for some paths. An inline comment
//
//	// cngen:lint-ignore RULE reason
//
// silences RULE on its own line and the next; the reason is required.
// Ignores without one, and ignores that silence nothing, are findings
// themselves (bad-ignore, unused-ignore).
//
// # Baselines
//
// A [Baseline] records the findings of a day, keyed by file, rule and
// message, never by line, so that lint reports only new ones.
package lint
