package main

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/cngen/cngen/dsl/syntax"
)

// A schema out of the canonical layout, the same in it, and one in it.
const (
	messy     = "package p\nstruct s {\n  a u8\n  bb u16\n}\n"
	messyFmt  = "package p\n\nstruct s {\n    a  u8\n    bb u16\n}\n"
	messyDiff = "--- a/a.cn\n+++ b/a.cn\n@@ -1,5 +1,6 @@\n package p\n+\n struct s {\n-  a u8\n-  bb u16\n+    a  u8\n+    bb u16\n }\n"
	tidy      = "package q\n\nconst A = 1\nconst B = 2\n"
)

// inDir writes name → text into a fresh directory and makes it the
// working directory, so that the paths cngen prints are short.
func inDir(t *testing.T, files ...string) string {
	t.Helper()
	dir := t.TempDir()
	t.Chdir(dir)
	for i := 0; i < len(files); i += 2 {
		p := filepath.FromSlash(files[i])
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(files[i+1]), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func readString(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// exitStatus is the status main exits with after err.
func exitStatus(err error) int {
	var u usageError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &u):
		return 2
	}
	return 1
}

// TestFmtFlags runs fmt with every combination of -l, -d and -w over a
// schema that needs formatting and one that does not.
func TestFmtFlags(t *testing.T) {
	tests := []struct {
		flags   []string
		stdout  string
		written bool // a.cn was rewritten
	}{
		{nil, messyFmt + tidy, false},
		{[]string{"-l"}, "a.cn\n", false},
		{[]string{"-d"}, messyDiff, false},
		{[]string{"-w"}, "", true},
		{[]string{"-l", "-d"}, "a.cn\n" + messyDiff, false},
		{[]string{"-l", "-w"}, "a.cn\n", true},
		{[]string{"-d", "-w"}, messyDiff, true},
		{[]string{"-l", "-d", "-w"}, "a.cn\n" + messyDiff, true},
	}
	for _, tt := range tests {
		t.Run(strings.Join(append([]string{"fmt"}, tt.flags...), " "), func(t *testing.T) {
			inDir(t, "a.cn", messy, "b.cn", tidy)
			stdout, stderr, err := runCLI(append(append([]string{"fmt"}, tt.flags...), "a.cn", "b.cn")...)
			if err != nil || stderr != "" {
				t.Fatalf("err %v, stderr %q", err, stderr)
			}
			if diff := cmp.Diff(tt.stdout, stdout); diff != "" {
				t.Errorf("stdout (-want +got):\n%s", diff)
			}
			want := messy
			if tt.written {
				want = messyFmt
			}
			if diff := cmp.Diff(want, readString(t, "a.cn")); diff != "" {
				t.Errorf("a.cn (-want +got):\n%s", diff)
			}
			if got := readString(t, "b.cn"); got != tidy {
				t.Errorf("b.cn changed: %q", got)
			}
		})
	}
}

// TestFmtExitStatus: a schema that differs is not a failure with -l or
// -d, as with gofmt; one that cannot be read or parsed exits 1 with its
// error once on stderr; a mistake on the command line exits 2.
func TestFmtExitStatus(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		status int
		stderr string // a regexp stderr must match whole
	}{
		{"formatted", []string{"b.cn"}, 0, ""},
		{"differs, listed", []string{"-l", "a.cn"}, 0, ""},
		{"differs, diffed", []string{"-d", "a.cn"}, 0, ""},
		{"a schema that does not check is formatted", []string{"-l", "unchecked.cn"}, 0, ""},
		{"warnings are not fmt's to print", []string{"orphan.cn"}, 0, ""},
		{"syntax error", []string{"bad.cn"}, 1, `bad\.cn:2:16: syntax error: [^\n]+\n`},
		{"missing file", []string{"-l", "gone.cn"}, 1, "gone.cn: cannot read the schema: no such file or directory\n"},
		{"no schema", []string{"-l"}, 2, `(?s)usage: cngen fmt .*`},
		{"bad flag", []string{"-x", "a.cn"}, 2, `(?s)usage: cngen fmt .*`},
		{"not a schema", []string{"a.txt"}, 2, ""},
		{"a pattern that matches nothing", []string{"none/..."}, 2, ""},
		{"help", []string{"-h"}, 0, `(?s)usage: cngen fmt \[-l\] \[-d\] \[-w\] .*-d\s+print the changes as a unified diff.*-l\s+list the files.*-w\s+rewrite the files.*`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inDir(t, "a.cn", messy, "b.cn", tidy, "none/x.txt", "",
				"unchecked.cn", "package u\nstruct s { a nope }\n",
				"orphan.cn", "package o\n\n/// documents nothing\n\nconst A = 1\n",
				"bad.cn", "package b\nstruct s { a u8; }\n")
			_, stderr, err := runCLI(append([]string{"fmt"}, tt.args...)...)
			if got := exitStatus(err); got != tt.status {
				t.Errorf("exit status %d (err %v), want %d", got, err, tt.status)
			}
			if !regexp.MustCompile(`^(?:` + tt.stderr + `)$`).MatchString(stderr) {
				t.Errorf("stderr %q does not match %q", stderr, tt.stderr)
			}
		})
	}
}

// TestFmtSyntaxErrorInOneOfTwo: the error is reported as the parser
// words it, and the other file is formatted all the same.
func TestFmtSyntaxErrorInOneOfTwo(t *testing.T) {
	const bad = "package b\nstruct s {\n    a u8\n"
	_, perr := syntax.Parse("bad.cn", []byte(bad))
	if perr == nil {
		t.Fatal("the bad schema parses")
	}
	for _, flags := range [][]string{nil, {"-w"}} {
		t.Run(strings.Join(append([]string{"fmt"}, flags...), " "), func(t *testing.T) {
			inDir(t, "bad.cn", bad, "a.cn", messy)
			stdout, stderr, err := runCLI(append(append([]string{"fmt"}, flags...), "bad.cn", "a.cn")...)
			if !errors.Is(err, errReported) {
				t.Errorf("err = %v, want errReported", err)
			}
			if diff := cmp.Diff(perr.Error()+"\n", stderr); diff != "" {
				t.Errorf("stderr (-want +got):\n%s", diff)
			}
			wantOut, wantA := messyFmt, messy
			if flags != nil {
				wantOut, wantA = "", messyFmt
			}
			if diff := cmp.Diff(wantOut, stdout); diff != "" {
				t.Errorf("stdout (-want +got):\n%s", diff)
			}
			if got := readString(t, "a.cn"); got != wantA {
				t.Errorf("a.cn = %q, want %q", got, wantA)
			}
			if got := readString(t, "bad.cn"); got != bad {
				t.Errorf("the bad schema was rewritten: %q", got)
			}
		})
	}
}

// TestFmtWriteTouchesOnlyWhatDiffers: -w leaves a formatted file alone,
// mtime included, and rewrites another with its permissions, through a
// symbolic link to its target, leaving no temporary file behind.
func TestFmtWriteTouchesOnlyWhatDiffers(t *testing.T) {
	dir := inDir(t, "a.cn", messy, "b.cn", tidy, "real/c.cn", messy)
	if err := os.Symlink(filepath.Join("real", "c.cn"), "c.cn"); err != nil {
		t.Fatal(err)
	}
	long := time.Now().Add(-time.Hour).Truncate(time.Second)
	for _, p := range []string{"a.cn", "b.cn"} {
		if err := os.Chtimes(p, long, long); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Chmod("a.cn", 0o600); err != nil {
		t.Fatal(err)
	}
	if _, stderr, err := runCLI("fmt", "-w", "a.cn", "b.cn", "c.cn"); err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	if info, err := os.Stat("b.cn"); err != nil || !info.ModTime().Equal(long) {
		t.Errorf("the formatted file was touched: %v, %v", info.ModTime(), err)
	}
	info, err := os.Stat("a.cn")
	if err != nil || info.Mode().Perm() != 0o600 || readString(t, "a.cn") != messyFmt {
		t.Errorf("a.cn: mode %v, %v, text %q", info.Mode(), err, readString(t, "a.cn"))
	}
	if l, err := os.Lstat("c.cn"); err != nil || l.Mode()&os.ModeSymlink == 0 || readString(t, "real/c.cn") != messyFmt {
		t.Errorf("the link c.cn was replaced, or its target not rewritten: %v", err)
	}
	for _, d := range []string{dir, filepath.Join(dir, "real")} {
		entries, _ := os.ReadDir(d)
		for _, e := range entries {
			if strings.HasPrefix(e.Name(), ".") {
				t.Errorf("a temporary file is left: %s", e.Name())
			}
		}
	}
}

// TestFmtDirectoriesAndPatterns: a directory is its .cn files, a pattern
// the .cn files below it but in testdata and directories starting with .
// or _, and a file named twice is formatted once.
func TestFmtDirectoriesAndPatterns(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"."}, "a.cn\n"},
		{[]string{"sub"}, "sub/b.cn\n"},
		{[]string{"./..."}, "a.cn\nsub/b.cn\nsub/deeper/d.cn\n"},
		{[]string{"sub/..."}, "sub/b.cn\nsub/deeper/d.cn\n"},
		{[]string{"testdata"}, "testdata/t.cn\n"},
		{[]string{"a.cn", ".", "./..."}, "a.cn\nsub/b.cn\nsub/deeper/d.cn\n"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			inDir(t, "a.cn", messy, "tidy.cn", tidy, "sub/b.cn", messy, "sub/deeper/d.cn", messy,
				"sub/deeper/tidy.cn", tidy, "testdata/t.cn", messy, "_skip/x.cn", messy, ".hidden/y.cn", messy)
			stdout, stderr, err := runCLI(append([]string{"fmt", "-l"}, tt.args...)...)
			if err != nil {
				t.Fatalf("%v\n%s", err, stderr)
			}
			if diff := cmp.Diff(filepath.FromSlash(tt.want), stdout); diff != "" {
				t.Errorf("listed (-want +got):\n%s", diff)
			}
		})
	}
}

// TestFmtDiffApplies: for every schema of the corpus with its layout
// undone (indentation and alignment gone), applying the hunks of fmt -d
// to the file gives what fmt prints.
func TestFmtDiffApplies(t *testing.T) {
	paths, err := expand([]string{"../../golden/...", "../../examples/..."})
	if err != nil {
		t.Fatal(err)
	}
	spaces := regexp.MustCompile(`(?m)^ +| {2,}`)
	for _, p := range paths {
		src := spaces.ReplaceAllLiteralString(readString(t, p), " ")
		t.Run(filepath.Base(p), func(t *testing.T) {
			inDir(t, "f.cn", src)
			formatted, _, err := runCLI("fmt", "f.cn")
			if err != nil {
				t.Fatal(err)
			}
			d, _, err := runCLI("fmt", "-d", "f.cn")
			if err != nil || d == "" {
				t.Fatalf("fmt -d: %v, diff %q", err, d)
			}
			got, err := applyDiff(src, d)
			if err != nil {
				t.Fatalf("%v\ndiff:\n%s", err, d)
			}
			if diff := cmp.Diff(formatted, got); diff != "" {
				t.Errorf("patched (-formatted +got):\n%s", diff)
			}
		})
	}
}

// TestFmtLayout: what the canonical layout does with the top level, as
// fmt prints it: a run of one-line declarations of one sort, written on
// consecutive lines, stays together.
func TestFmtLayout(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{{
		name: "a run of constants stays together",
		src:  "package p\nconst A = 1\nconst B = 2 // b\n\n\nconst C = 3\n",
		want: "package p\n\nconst A = 1\nconst B = 2 // b\n\nconst C = 3\n",
	}, {
		name: "so do small structs, and enums with flags",
		src:  "package p\nstruct a { x u8 }\nstruct b { y u8 }\nenum e : u8 { x = 1 }\nflags f : u8 { y = 1 }\n",
		want: "package p\n\nstruct a { x u8 }\nstruct b { y u8 }\n\nenum e : u8 { x = 1 }\nflags f : u8 { y = 1 }\n",
	}, {
		name: "declarations of another sort, on several lines or on one are set apart",
		src:  "package p\nconst A = 1\nstruct a { x u8 }\nstruct b {\n    y u8\n}\nstruct c { z u8 }\nconst B = 2 const C = 3\n",
		want: "package p\n\nconst A = 1\n\nstruct a { x u8 }\n\nstruct b {\n    y u8\n}\n\nstruct c { z u8 }\n\nconst B = 2\n\nconst C = 3\n",
	}, {
		name: "a comment line between them sets them apart",
		src:  "package p\nconst A = 1\n// about B\nconst B = 2\n/// C\nconst C = 3\n",
		want: "package p\n\nconst A = 1\n\n// about B\nconst B = 2\n\n/// C\nconst C = 3\n",
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inDir(t, "f.cn", tt.src)
			got, stderr, err := runCLI("fmt", "f.cn")
			if err != nil {
				t.Fatalf("%v\n%s", err, stderr)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("fmt (-want +got):\n%s", diff)
			}
			inDir(t, "f.cn", got)
			if again, _, _ := runCLI("fmt", "-l", "f.cn"); again != "" {
				t.Errorf("the formatted text is not in the canonical layout")
			}
		})
	}
}

// TestFmtCorpusIsFormatted: every golden and example schema is in the
// canonical layout, so that what users copy from is.
func TestFmtCorpusIsFormatted(t *testing.T) {
	args := []string{"../../golden/...", "../../examples/..."}
	if paths, err := expand(args); err != nil || len(paths) < 15 {
		t.Fatalf("the corpus: %d schemas, %v", len(paths), err)
	}
	stdout, stderr, err := runCLI(append([]string{"fmt", "-l"}, args...)...)
	if err != nil || stdout != "" || stderr != "" {
		t.Errorf("fmt -l of the corpus: %v\nstdout:\n%s\nstderr:\n%s\nrun: cngen fmt -w golden/... examples/...", err, stdout, stderr)
	}
}
