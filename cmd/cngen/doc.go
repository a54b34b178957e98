// Command cngen turns .cn schemas of netlink connector message families
// into typed Go, and checks, formats, lints, compares and describes them.
//
// # A schema
//
// A .cn file declares the C layout of a family's messages and how they
// travel (docs/language.md is the full reference):
//
//	/// Package echo is a user-defined connector family.
//	package echo
//
//	struct ping_req { id u32  payload bytes }
//	struct ping_reply { id u32  server_time_ns u64  payload bytes }
//	struct tick { n u64 }
//
//	family echo idx 0x123 {
//	    sender any
//	    call  ping val 1 ping_req -> ping_reply
//	    event tick val 2 tick
//	}
//
// # Generating code
//
// Put the schema beside your Go package and a go:generate line in one of
// its files:
//
//	//go:generate go run github.com/cngen/cngen/cmd/cngen gen echo.cn
//
// With the go.mod tool directive (go get -tool github.com/cngen/cngen/cmd/cngen):
//
//	//go:generate go tool cngen gen echo.cn
//
// For every schema, gen writes FILE.cn.go: a Go type per .cn type, structs
// and unions with Size, AppendBinary, MarshalBinary and UnmarshalBinary,
// enums and flags with String, the family's ID constants, compile-time
// guards for the declared values and the runtime version, and per family
// the typed glue over runtime/cn (package gen documents its shape): a
// client, a Handler of events with its Register function, a Server of
// sends and calls with its own, and an event sender. For a family the
// kernel serves (sender kernel), the server and the event sender are the
// kernel's side, written only with -kernel-peer, for tests that stand in
// for the kernel. The output is byte-identical on every run, and a file
// whose content would not change is not rewritten. Schemas given together
// that go into one directory share one Go package: their names are
// checked across all of them, and gen writes none of them unless all
// generate.
//
// A client and a server of family echo, over any cn.Endpoint (a *cn.Conn
// from cn.Dial, or cntest's in-memory one in tests):
//
//	// The server: answer pings, broadcast ticks.
//	var sd cn.Dispatcher
//	echo.RegisterEchoServer(&sd, myServer{}) // Ping(r *cn.Request, req *echo.PingReq) (*echo.PingReply, error)
//	go sd.Serve(ctx, srvConn)
//	echo.NewEchoEvents(srvConn).BroadcastTick(&echo.Tick{N: 1})
//
//	// The client: calls wait for their reply; events reach a Handler.
//	var cd cn.Dispatcher
//	go cd.Serve(ctx, cliConn)
//	c := echo.NewEchoClient(cliConn, &cd, srvConn.Port())
//	c.Subscribe(myHandler{}) // Tick(r *cn.Request, ev *echo.Tick)
//	reply, err := c.Ping(ctx, &echo.PingReq{ID: 1})
//
// # Handler stubs
//
// With -stubs, gen also writes FILE_handlers.go beside FILE.cn.go: a
// skeleton type per Handler and Server interface of the schema's families
// (none for the side of a family that the kernel plays), with TODO bodies
// that compile. It is yours to edit: when the file exists, gen keeps it,
// whatever it holds, and says so ("kept FILE_handlers.go"). Delete it to
// have a fresh one written.
//
// # Commands
//
//	cngen gen [-o DIR] [-pkg NAME] [-kernel-peer] [-stubs] [-v] FILE.cn...
//
// Generate Go. -o writes into DIR instead of beside each schema; -pkg sets
// the Go package name instead of the schema's package clause; -kernel-peer
// also writes the kernel's side of families the kernel serves; -stubs also
// writes FILE_handlers.go unless it exists, printing "wrote FILE" or
// "kept FILE"; -v prints each generated file written. Schemas that would
// put different packages into one directory are refused.
//
//	cngen check [-o DIR] [-pkg NAME] [-kernel-peer] FILE.cn...
//
// Check without writing anything, for CI: the language's rules and the Go
// back end's, over the schemas of each output package as gen would group
// them, so that check accepts a set of files exactly when gen would
// generate it (and the result builds). It prints nothing but warnings
// when every schema is sound.
//
//	cngen fmt [-l] [-d] [-w] FILE.cn...
//
// Print schemas in the canonical layout, the one package syntax documents:
// four spaces a level, one blank line between declarations but in a run of
// one-line declarations of one sort, aligned columns in runs of fields, enum
// values and messages, numbers and parentheses as written, and every comment
// kept in its place. Without flags, fmt writes each schema's formatted text to
// stdout. -l lists the files whose layout differs, one a line; -d prints the
// changes as a unified diff that patch -p1 applies; -w rewrites those files in
// place, keeping their permissions, and leaves the others untouched. The flags
// combine as gofmt's do (-l -w lists and rewrites). fmt reads only the syntax:
// a schema that does not check is formatted all the same, and a syntax error is
// reported as file:line:col: message with exit status 1, while the other files
// are still formatted. A file that differs is not a failure; in CI, fail when
// cngen fmt -l ./... prints anything.
//
//	cngen lint [-format text|json|github|sarif] [-config FILE] [-baseline FILE] [-write-baseline FILE] FILE.cn...
//
// Report style and portability problems, each under a stable rule ID with
// a severity (docs/lint.md lists them with a bad and a good example):
// names, implicit padding, misaligned fields of packed structs, flags that
// are not single bits, kernel-assigned idx values, u64 fields whose offset
// differs on i386, length fields too narrow, kernel strings that may lack
// their NUL, and more. A cngen.yaml found upward from each schema (or
// -config) sets severities, turns rules off, excludes paths and grants
// exceptions with a reason; // cngen:lint-ignore RULE reason on a line or
// the line above silences one finding. -write-baseline records today's
// findings, and -baseline reports only the ones not in it. -format prints
// file:line:col: RULE: message (text), a JSON array, GitHub workflow
// annotations, or SARIF 2.1.0 with the rules' metadata. Exit status 1
// when an error-level finding remains.
//
//	cngen breaking --against OLD [-format text|json|github] FILE.cn...
//
// Report what changed incompatibly between the schemas OLD names (files,
// a directory, a pattern, or git:REF for the same paths at a git revision)
// and the current ones, in two categories: WIRE, per message and
// direction (offsets, sizes, types, enum and flags values, removed
// messages and arms, a changed idx or val, a selector that now picks
// another arm), judged by what the decoders accept (appending a field at
// the end is compatible); and API, the Go identifiers and signatures gen
// generates. docs/breaking.md gives every rule with its reason. Exit
// status 1 on a breaking change; additions, and changes only the new
// version can tell, are warnings.
//
//	cngen describe [-json | -jsonl] FILE.cn...
//
// Print the checked model: every type's size and alignment and every
// field's offset and size (an offset marked ~ is known only at run time,
// after a variable-size field), enum values, and the families with their
// messages, numbers in the base the schema wrote them. With -json, one
// JSON array of an object per file (-jsonl: an object a line): types with name, go_name,
// kind, size, align, variable and fields (name, go_name, type, offset,
// size, align); enum and flags values; switch variants; families with idx,
// groups, sender and messages (kind, val, directions, type, reply).
//
//	cngen doc [-o DIR | -o -] [-v] FILE.cn...
//
// Write Markdown documentation: FILE.cn.md beside each schema, or in
// -o DIR; -o - prints it to stdout. It holds the package doc, the
// constants and enum and flags values as the schema writes them, each
// struct and union with its size, a byte-layout diagram (32 bits a row
// under a bit ruler, byte offsets in a gutter, padding marked, a dashed
// edge where a variable field runs on, a : row where offsets become
// known only at run time) and a table of its fields, each switch
// union's arms, and each family's idx, groups, sender and messages.
// Package gen/md gives the rules. Output is deterministic; -v prints
// each file written, and an unchanged file is not rewritten. Nothing is
// written unless every schema checks.
//
//	cngen version
//	cngen help [COMMAND]
//
// Print the module version cngen was built from ((devel) for a checkout;
// also cngen -version), or the usage of cngen or of one command with its
// flags (also cngen COMMAND -h).
//
// # Working from a schema alone
//
// These commands need no generated code: they interpret the schema (the
// generic codec, package codec, which a differential test holds to the
// generated decoders). A schema is -schema FILE.cn, or the name of a
// family built into cngen (cngen list). Positional arguments and flags
// may come in any order.
//
//	cngen decode (-schema FILE.cn | FAMILY) -type NAME [-hex] < PAYLOAD
//	cngen encode (-schema FILE.cn | FAMILY) -type NAME [-hex] [JSON]
//
// Decode one payload from stdin (raw bytes, or hex text with -hex) and
// print it as JSON; encode a JSON value (the argument, or stdin) and
// write its bytes (hex text with -hex). NAME is a struct or union, or a
// message's payload: FAMILY.MESSAGE, MESSAGE, MESSAGE.reply. The JSON
// has the schema's field names as written, enums and flags by name
// (numbers for values without one), cstring and string as text, bytes
// and plain unions as hex, a switch union as an object keyed by its arm.
// Errors name the field and offset of a short buffer and the value and
// field of an unknown selector. Bytes after the value are reported on
// stderr.
//
//	cngen list [-v]
//
// List the built-in families: proc, w1, uvesafb, dm (dm-log-userspace),
// kvp and vss, with idx, val, group, uapi header and what they carry;
// -v adds their messages. Each is checked against its header in cngen's
// tests.
//
//	cngen listen [FAMILY | -schema FILE.cn [-family NAME]] [-group N] [-json] [-n N] [-duration D] [-proto P] [-rcvbuf BYTES]
//	cngen listen uevent [-json] [-n N] [-duration D] [-udev] [-subsystem S]
//
// Join the family's groups (or -group N) and print every message as it
// arrives: a wall-clock time, the message, its seq and its fields
// (path=value), or with -json a JSON line of time, message, seq, ack,
// from, group and data (as decode prints it). A family whose sender is
// the kernel takes messages from port 0 only: others are counted as
// forged and dropped. Status lines go to stderr: overruns (the socket's
// queue overflowed), messages lost from the gaps in each CPU's sequence
// numbers (for payloads with a cpu field, as proc's), payloads that do
// not decode; and at the end a summary of messages received, decoded,
// malformed, forged and lost. For proc it subscribes with
// PROC_CN_MCAST_LISTEN first and sends PROC_CN_MCAST_IGNORE when it
// stops, at -n, at -duration, on SIGINT and on SIGTERM. -proto usersock
// listens on NETLINK_USERSOCK, a bus between processes.
//
// listen uevent prints the kernel's device events
// (NETLINK_KOBJECT_UEVENT, package runtime/uevent): time, source,
// action, devpath, subsystem, seqnum and the other KEY=VALUE pairs, or
// with -json an object of them with env holding every pair. Only
// datagrams from the kernel (port 0, group 1) are taken; -udev adds
// udev's re-broadcasts (group 2, from root), and -subsystem (repeatable)
// keeps those of the subsystems named. The summary counts datagrams
// received, decoded, malformed, forged and overruns.
//
//	cngen send (FAMILY | -schema FILE.cn [-family NAME]) [-port P] [-group G] [-proto P] MESSAGE [JSON]
//	cngen call (FAMILY | -schema FILE.cn [-family NAME]) [-port P] [-proto P] [-timeout D] MESSAGE [JSON]
//
// Send a message to port P (0, the kernel, by default) and group G,
// its payload a JSON value (the argument, or stdin); call sends a call
// and prints, as JSON, the first message from port P that answers it
// (same seq, ack one more), or fails after -timeout (5s).
//
// # Naming schemas
//
// Every command takes files (FILE.cn), directories (the .cn files in
// them) and patterns DIR/... (every .cn file below DIR, ./... for the
// working directory), as the Go tools take packages; a pattern skips
// directories named testdata or starting with . or _, and one that
// matches nothing is a usage error.
//
// # Errors and exit status
//
// Schema errors are printed to stderr, every error of the run, each file's
// sorted by position, as file:line:col: message; a file that cannot be
// read is an error at its name, and does not hide the errors of the
// others. Warnings (a doc comment that documents nothing) are printed as
// file:line:col: warning: message and do not fail the run. The exit status
// is 0 on success, 1 when a schema has errors or a file cannot be read or
// written, and 2 for a usage error.
package main
