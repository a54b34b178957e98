package main

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeSchemas writes name → text into a fresh directory and returns the
// paths, in the order given.
func writeSchemas(t *testing.T, files ...string) []string {
	t.Helper()
	dir := t.TempDir()
	var paths []string
	for i := 0; i < len(files); i += 2 {
		p := filepath.Join(dir, files[i])
		if err := os.WriteFile(p, []byte(files[i+1]), 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	return paths
}

// TestCheckReportsWhatGenRefuses: every schema that gen refuses, check
// refuses too, with the same positioned messages and exit status, and
// the path printed once.
func TestCheckReportsWhatGenRefuses(t *testing.T) {
	tests := []struct {
		name  string
		files []string
		want  []string // substrings of stderr, one per line in order
	}{
		{"size-0 repetition", []string{"e.cn", "package e\nstruct empty {}\nstruct s { xs []empty }\n"},
			[]string{"e.cn:3:15: []empty repeats empty, which takes no bytes"}},
		{"enum value against a struct", []string{"c.cn", "package c\nenum color : u8 { red = 1 }\nstruct color_red { x u8 }\n"},
			[]string{"c.cn:2:19: value color.red: Go name ColorRed is already taken by struct color_red"}},
		{"message constants", []string{"m.cn", "package m\nstruct s { a u8 }\nfamily f idx 20 {\n  send one val 1 s\n  send one_ val 2 s\n}\n"},
			[]string{"m.cn:5:3: the client method of send one_ of family f: Go name One is already taken", "m.cn:5:3: the val constant of message one_ of family f: Go name FOneVal is already taken"}},
		{"underscores", []string{"u.cn", "package u\nstruct id { x u8 }\nstruct i_d { x u8 }\n"},
			[]string{"u.cn:3:1: struct i_d: Go name ID is already taken by struct id"}},
		{"keyword package", []string{"k.cn", "package type\nstruct s { a u8 }\n"},
			[]string{`k.cn:1:1: package type: "type" is a Go keyword`}},
		{"two schemas of one package", []string{"a.cn", "package p\nstruct msg { a u8 }\n", "b.cn", "package p\nstruct msg { b u8 }\n"},
			[]string{"b.cn:2:1: struct msg: Go name Msg is already taken by struct msg (struct msg at ", "a.cn:2:1)"}},
		{"a missing file does not hide another's error", []string{"empty.cn", "package e\nstruct empty {}\nstruct s { xs []empty }\n", "gone.cn", ""},
			[]string{"empty.cn:3:15: []empty repeats empty", "gone.cn: cannot read the schema: no such file or directory"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			paths := writeSchemas(t, tc.files...)
			if tc.name == "a missing file does not hide another's error" {
				os.Remove(paths[1])
			}
			for _, cmd := range []string{"check", "gen"} {
				_, stderr, err := runCLI(append([]string{cmd}, paths...)...)
				if !errors.Is(err, errReported) {
					t.Fatalf("%s: err = %v, want the errors reported (exit 1)", cmd, err)
				}
				rest := stderr
				for _, w := range tc.want {
					i := strings.Index(rest, w)
					if i < 0 {
						t.Errorf("%s: stderr lacks %q (in order):\n%s", cmd, w, stderr)
						break
					}
					rest = rest[i+len(w):]
				}
				for _, line := range strings.Split(strings.TrimSpace(stderr), "\n") {
					if dir := filepath.Dir(paths[0]); strings.Count(line, dir) > 1 && !strings.Contains(line, " at ") {
						t.Errorf("%s: the path is printed twice: %s", cmd, line)
					}
				}
			}
			for _, p := range paths {
				if _, err := os.Stat(p + ".go"); err == nil {
					t.Errorf("gen wrote %s.go although the set does not generate", p)
				}
			}
		})
	}
}

// TestWarningsPass: a warning is printed, and the schema is accepted.
func TestWarningsPass(t *testing.T) {
	paths := writeSchemas(t, "w.cn", "package w\nstruct s {\n    a u8\n    /// documents nothing\n}\n")
	for _, cmd := range []string{"check", "gen"} {
		_, stderr, err := runCLI(cmd, paths[0])
		if err != nil || !strings.Contains(stderr, "w.cn:4:5: warning: doc comment documents nothing") {
			t.Errorf("%s: err %v, stderr %q: want success with the warning", cmd, err, stderr)
		}
	}
}

// TestNumbersAsWritten: numbers keep the base the schema wrote, in
// messages and in describe.
func TestNumbersAsWritten(t *testing.T) {
	paths := writeSchemas(t, "n.cn", "package n\nstruct s { a u8 }\nfamily a idx 0x1234 { send m val 0x10 s }\nfamily b idx 0x1234 { send m val 0b11 s }\n")
	_, stderr, _ := runCLI("check", paths[0])
	if !strings.Contains(stderr, "family b: idx 0x1234 is already used") {
		t.Errorf("check: %s", stderr)
	}
	ok := writeSchemas(t, "o.cn", "package o\nstruct s { a u8 }\nconst MASK = 0xff00 | 0x1\nfamily a idx 0x1234 { send m val 0x10 s }\n")
	out, _, err := runCLI("describe", ok[0])
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"family a idx 0x1234 ", "val 0x10", "const MASK = 0xff01 (65281)"} {
		if !strings.Contains(out, want) {
			t.Errorf("describe lacks %q:\n%s", want, out)
		}
	}
}

// TestCommandLine: help and usage of every command, version, and usage
// errors printed once.
func TestCommandLine(t *testing.T) {
	for _, c := range commands {
		out, _, err := runCLI("help", c.name)
		if err != nil || !strings.HasPrefix(out, "usage: cngen "+c.name) {
			t.Errorf("help %s: %v\n%s", c.name, err, out)
		}
		if c.name == "help" || c.name == "version" {
			continue
		}
		_, stderr, err := runCLI(c.name, "-h")
		if err != nil || !strings.HasPrefix(stderr, "usage: cngen "+c.name) {
			t.Errorf("%s -h: %v\n%s", c.name, err, stderr)
		}
	}
	for _, args := range [][]string{{"version"}, {"-version"}} {
		if out, _, err := runCLI(args...); err != nil || out != "cngen (devel)\n" {
			t.Errorf("%v: %q, %v", args, out, err)
		}
	}
	_, stderr, err := runCLI("gen", "-pkg", "bad-name", writeSchemas(t, "p.cn", "package p\n")[0])
	var u usageError
	if !errors.As(err, &u) || stderr != "" {
		t.Errorf("-pkg bad-name: err %v, stderr %q: want one usage error, printed by main only", err, stderr)
	}
	_, stderr, err = runCLI("check", "-zap", "x.cn")
	if !errors.As(err, &u) || strings.Contains(stderr, "flag provided but not defined") {
		t.Errorf("a bad flag: err %v, stderr %q: the flag package must not print the error too", err, stderr)
	}
}

// TestPatterns: files, directories and DIR/... name schemas as the Go
// tools name packages; testdata is skipped.
func TestPatterns(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"a.cn", "sub/b.cn", "sub/testdata/bad.cn", "_skip/c.cn", "sub/notes.txt"} {
		p := filepath.Join(dir, f)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("package p\nstruct "+strings.TrimSuffix(filepath.Base(f), ".cn")+"_t { a u8 }\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{dir + "/..."}, []string{"a.cn", "sub/b.cn"}},
		{[]string{filepath.Join(dir, "sub")}, []string{"sub/b.cn"}},
		{[]string{filepath.Join(dir, "a.cn"), dir}, []string{"a.cn"}},
	} {
		got, err := expand(tc.args)
		if err != nil {
			t.Fatal(err)
		}
		var rel []string
		for _, p := range got {
			r, _ := filepath.Rel(dir, p)
			rel = append(rel, filepath.ToSlash(r))
		}
		if strings.Join(rel, " ") != strings.Join(tc.want, " ") {
			t.Errorf("expand(%v) = %v, want %v", tc.args, rel, tc.want)
		}
	}
	if _, err := expand([]string{filepath.Join(dir, "sub", "testdata", "...") + "x"}); err == nil {
		t.Error("a pattern that matches nothing is no error")
	}
	if _, err := expand([]string{filepath.Join(dir, "sub", "notes.txt")}); err == nil {
		t.Error("a non-.cn file is no error")
	}
}
