package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"
)

func main() {
	err := run(os.Args[1:], os.Stdout, os.Stderr)
	if err == nil {
		return
	}
	if !errors.Is(err, errReported) {
		fmt.Fprintf(os.Stderr, "cngen: %v\n", err)
	}
	var u usageError
	if errors.As(err, &u) {
		os.Exit(2)
	}
	os.Exit(1)
}

// usageError is a mistake on the command line: exit status 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// errReported means the errors were already written to stderr (schema
// errors, one per line): exit status 1 without a second message.
var errReported = errors.New("errors reported")

// command is one sub-command: its name, the arguments its usage line
// shows, a line on what it does, and the function that runs it.
type command struct {
	name, args, summary string
	run                 func(args []string, stdout, stderr io.Writer) error
}

// commands are cngen's sub-commands, in the order help lists them.
var commands []command

func init() {
	commands = []command{
		{"gen", genArgs, "generate Go code (FILE.cn.go beside each schema, or in -o DIR)", runGen},
		{"check", checkArgs, "check schemas as gen would, writing nothing (for CI)", runCheck},
		{"fmt", fmtArgs, "print schemas in the canonical layout, or list or rewrite those that are not", runFmt},
		{"lint", lintArgs, "report style and portability problems of schemas, by rule", runLint},
		{"breaking", breakingArgs, "report the wire and Go API changes between two versions of schemas", runBreaking},
		{"doc", docArgs, "write Markdown documentation with byte-layout diagrams (FILE.cn.md beside each schema, or in -o DIR)", runDoc},
		{"describe", describeArgs, "print the checked model: byte layout of every type and family", runDescribe},
		{"decode", decodeArgs, "print a message's payload, read from stdin, as JSON", runDecode},
		{"encode", encodeArgs, "write the payload a JSON value stands for", runEncode},
		{"list", listArgs, "list the kernel's connector families cngen carries", runList},
		{"listen", listenArgs, "print a family's messages as they arrive, decoded with its schema", runListen},
		{"send", sendArgs, "send a message, its payload given as JSON", runSend},
		{"call", callArgs, "send a call and print its decoded reply", runCall},
		{"version", "", "print cngen's version", runVersion},
		{"help", "[COMMAND]", "print this text, or the usage of a command", runHelp},
	}
}

// usage is the text of cngen help.
func usage() string {
	var b strings.Builder
	b.WriteString("usage: cngen <command> [flags] [FILE.cn | DIR | PATTERN]...\n\ncommands:\n")
	for _, c := range commands {
		fmt.Fprintf(&b, "  %-9s %s\n", c.name, c.summary)
	}
	b.WriteString("\nFiles, directories (their .cn files) and patterns ending in /... (the .cn\n" +
		"files below, but in testdata and in directories starting with . or _) name\nthe schemas. " +
		"Run 'cngen help <command>' for the flags of a command.\n")
	return b.String()
}

// run is the whole program: it parses args, does the work, and writes to
// stdout and stderr. It never exits.
func run(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage())
		return usageError{"no command given"}
	}
	name, rest := args[0], args[1:]
	switch name {
	case "-h", "-help", "--help":
		return runHelp(rest, stdout, stderr)
	case "-version", "--version":
		return runVersion(rest, stdout, stderr)
	}
	if c := lookup(name); c != nil {
		return c.run(rest, stdout, stderr)
	}
	fmt.Fprint(stderr, usage())
	return usageError{fmt.Sprintf("unknown command %q", name)}
}

func lookup(name string) *command {
	for i := range commands {
		if commands[i].name == name {
			return &commands[i]
		}
	}
	return nil
}

// runHelp prints the usage of cngen, or of one command with its flags.
func runHelp(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stdout, usage())
		return nil
	}
	c := lookup(args[0])
	if c == nil || len(args) > 1 {
		return usageError{fmt.Sprintf("help %s: no such command", strings.Join(args, " "))}
	}
	if c.name == "help" || c.name == "version" {
		fmt.Fprintf(stdout, "usage: cngen %s %s\n\n%s.\n", c.name, c.args, c.summary)
		return nil
	}
	return c.run([]string{"-h"}, stdout, stdout)
}

// runVersion prints the module version cngen was built from: a release's
// version when installed with go install or go run at one, (devel) when
// built from a checkout.
func runVersion(args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 {
		return usageError{"version takes no arguments"}
	}
	fmt.Fprintf(stdout, "cngen %s\n", buildVersion())
	return nil
}

// buildVersion is the module version cngen was built from, or (devel).
func buildVersion() string {
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" {
		return info.Main.Version
	}
	return "(devel)"
}
