package main

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// corpus is a case of the breaking package's corpus.
func corpus(c, file string) string { return filepath.Join("../../breaking/testdata", c, file) }

// exitCode is the status main exits with for err.
func exitCode(err error) int {
	var u usageError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &u):
		return 2
	}
	return 1
}

// workflowCommand is GitHub's syntax for an annotation:
// ::error file=F,line=L,col=C,title=T::message, with %, CR and LF escaped
// in the message, and , and : as well in the values.
var workflowCommand = regexp.MustCompile(`^::(error|warning) file=[^,:\r\n]+,line=\d+,col=\d+,title=(WIRE|API)::[^\r\n]+$`)

// textFinding is a finding of the text format.
var textFinding = regexp.MustCompile(`^[^:\s]+:\d+:\d+: (WIRE|API): (warning: )?\S.*$`)

// TestBreakingFormats: each format writes every finding, an error and a
// warning here, in its syntax.
func TestBreakingFormats(t *testing.T) {
	args := []string{"breaking", "--against", corpus("incompatible/kernel_send_grown", "old.cn")}
	newCN := corpus("incompatible/kernel_send_grown", "new.cn")
	t.Run("text", func(t *testing.T) {
		out, stderr, err := runCLI(append(args, newCN)...)
		lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
		if !errors.Is(err, errReported) || stderr != "" || len(lines) != 2 {
			t.Fatalf("err %v, stderr %q, want errReported and 2 lines:\n%s", err, stderr, out)
		}
		for _, l := range lines {
			if !textFinding.MatchString(l) || !strings.HasPrefix(l, newCN+":") {
				t.Errorf("not file:line:col: RULE: message of new.cn: %q", l)
			}
		}
	})
	t.Run("json", func(t *testing.T) {
		out, _, err := runCLI(append(args, "-format", "json", newCN)...)
		var got []struct {
			File, Rule, Severity, Message string
			Line, Column                  int
		}
		if jerr := json.Unmarshal([]byte(out), &got); jerr != nil || !errors.Is(err, errReported) || len(got) != 2 {
			t.Fatalf("err %v, JSON %v, want 2 findings:\n%s", err, jerr, out)
		}
		if got[0].Severity != "warning" || got[1].Severity != "error" || got[1].Rule != "WIRE" || got[1].Line != 14 ||
			!strings.Contains(got[1].Message, "the kernel receives it") || got[1].File != newCN {
			t.Errorf("got %+v", got)
		}
	})
	t.Run("github", func(t *testing.T) {
		out, _, err := runCLI(append(args, "-format", "github", newCN)...)
		lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
		if !errors.Is(err, errReported) || len(lines) != 2 {
			t.Fatalf("err %v, want errReported and 2 lines:\n%s", err, out)
		}
		for _, l := range lines {
			if !workflowCommand.MatchString(l) {
				t.Errorf("not a workflow command: %q", l)
			}
		}
		if !strings.HasPrefix(lines[1], "::error ") || !strings.HasPrefix(lines[0], "::warning ") {
			t.Errorf("severities: %q", lines)
		}
	})
	t.Run("json without findings", func(t *testing.T) {
		same := corpus("compatible/family_added", "old.cn")
		out, _, err := runCLI("breaking", "--against", same, "-format", "json", same)
		if err != nil || out != "[]\n" {
			t.Errorf("err %v, out %q: want an empty array", err, out)
		}
	})
}

// TestBreakingExitStatus: 0 without errors (warnings pass), 1 with a
// breaking change or a schema error in either version, 2 for a usage
// error.
func TestBreakingExitStatus(t *testing.T) {
	bad := writeSchemas(t, "bad.cn", "package p\nstruct s { a nope }\n")[0]
	good := corpus("compatible/family_added", "new.cn")
	for _, tc := range []struct {
		name   string
		args   []string
		status int
		stderr string // a substring of stderr
	}{
		{"compatible", []string{"--against", corpus("compatible/family_added", "old.cn"), good}, 0, ""},
		{"warnings only", []string{"--against", corpus("compatible/event_field_appended", "old.cn"), corpus("compatible/event_field_appended", "new.cn")}, 0, ""},
		{"breaking", []string{"--against", corpus("incompatible/idx_changed", "old.cn"), corpus("incompatible/idx_changed", "new.cn")}, 1, ""},
		{"old schema error", []string{"--against", bad, good}, 1, "bad.cn:2:14: undefined type nope"},
		{"new schema error", []string{"--against", good, bad}, 1, "bad.cn:2:14: undefined type nope"},
		{"no --against", []string{good}, 2, ""},
		{"no NEW", []string{"--against", good}, 2, "usage: cngen breaking"},
		{"bad format", []string{"--against", good, "-format", "xml", good}, 2, ""},
		{"empty git ref", []string{"--against", "git:", good}, 2, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, stderr, err := runCLI(append([]string{"breaking"}, tc.args...)...)
			if got := exitCode(err); got != tc.status || !strings.Contains(stderr, tc.stderr) {
				t.Errorf("exit %d (err %v), stderr %q: want exit %d and stderr holding %q", got, err, stderr, tc.status, tc.stderr)
			}
		})
	}
}

// TestBreakingMissingOld: an --against that names nothing is a usage
// error that says so.
func TestBreakingMissingOld(t *testing.T) {
	dir := t.TempDir()
	good := corpus("compatible/family_added", "new.cn")
	for _, old := range []string{filepath.Join(dir, "gone.cn"), filepath.Join(dir, "gone"), filepath.Join(dir, "empty") + "/..."} {
		_, _, err := runCLI("breaking", "--against", old, good)
		var u usageError
		if !errors.As(err, &u) {
			t.Errorf("--against %s: err %v, want a usage error", old, err)
		}
	}
}

// versions writes the old and new version of schemas into dir/old and
// dir/new, each file as given: old first, then new ("" for none).
func versions(t *testing.T, files map[string][2]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, v := range files {
		for i, side := range []string{"old", "new"} {
			if v[i] == "" {
				continue
			}
			p := filepath.Join(dir, side, name)
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, []byte(v[i]), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	return dir
}

const (
	tickV1 = "package tel\nstruct tick { n u64 }\nfamily tel idx 0x100 { event tick val 1 tick }\n"
	tickV2 = "package tel\nstruct tick { n u32 }\nfamily tel idx 0x100 { event tick val 1 tick }\n"
	pingV1 = "package ping\nstruct ping { id u32 }\nfamily ping idx 0x101 { send ping val 1 ping }\n"
)

// TestBreakingArguments: files, directories and patterns name both
// versions, and schemas pair by package and file name.
func TestBreakingArguments(t *testing.T) {
	dir := versions(t, map[string][2]string{
		"tel.cn":       {tickV1, tickV2},
		"sub/ping.cn":  {pingV1, pingV1},
		"gone/gone.cn": {pingV1, ""},
	})
	old, new := filepath.Join(dir, "old"), filepath.Join(dir, "new")
	for _, tc := range []struct {
		name string
		args []string
		want []string // the files of the findings, relative to dir, in order
	}{
		{"files", []string{"--against", filepath.Join(old, "tel.cn"), filepath.Join(new, "tel.cn")}, []string{"new/tel.cn", "new/tel.cn", "new/tel.cn"}},
		{"directories", []string{"--against", old, new}, []string{"new/tel.cn", "new/tel.cn", "new/tel.cn"}},
		{"file against a directory", []string{"--against", old, filepath.Join(new, "tel.cn")}, []string{"new/tel.cn", "new/tel.cn", "new/tel.cn"}},
		{"patterns", []string{"--against", old + "/...", new + "/..."}, []string{"new/tel.cn", "new/tel.cn", "new/tel.cn", "old/gone/gone.cn"}},
		{"unchanged", []string{"--against", filepath.Join(old, "sub"), filepath.Join(new, "sub")}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, stderr, err := runCLI(append([]string{"breaking", "-format", "json"}, tc.args...)...)
			var got []struct{ File string }
			if jerr := json.Unmarshal([]byte(out), &got); jerr != nil || stderr != "" {
				t.Fatalf("err %v, JSON %v, stderr %q:\n%s", err, jerr, stderr, out)
			}
			var files []string
			for _, f := range got {
				r, _ := filepath.Rel(dir, f.File)
				files = append(files, filepath.ToSlash(r))
			}
			if strings.Join(files, " ") != strings.Join(tc.want, " ") || exitCode(err) != min(1, len(tc.want)) {
				t.Errorf("findings in %v (exit %d), want %v:\n%s", files, exitCode(err), tc.want, out)
			}
		})
	}
}

// TestBreakingGit: git:REF reads each new path at REF, relative to the
// root of its repository, and names it REF:path; a path missing at REF is
// a new schema.
func TestBreakingGit(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed:", err)
	}
	repo := t.TempDir()
	gitRun := func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-c", "user.name=cngen", "-c", "user.email=cngen@example.com", "-c", "commit.gpgsign=false"}, args...)...)
		cmd.Dir = repo
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	write := func(name, src string) {
		t.Helper()
		p := filepath.Join(repo, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	gitRun("init", "-q")
	write("schemas/tel.cn", tickV1)
	gitRun("add", ".")
	gitRun("commit", "-q", "-m", "v1")
	write("schemas/tel.cn", tickV2)
	write("schemas/ping.cn", pingV1)
	gitRun("add", ".")
	gitRun("commit", "-q", "-m", "v2")

	t.Chdir(filepath.Join(repo, "schemas")) // paths as given are relative to a subdirectory of the root
	out, stderr, err := runCLI("breaking", "--against", "git:HEAD~1", ".")
	if !errors.Is(err, errReported) || stderr != "" {
		t.Fatalf("err %v, stderr %q, want errReported:\n%s", err, stderr, out)
	}
	if want := "tel.cn:2:15: API: field Tick.N changed type from uint64 to uint32\n" +
		"tel.cn:2:15: WIRE: tick.n narrowed from u64 to u32\n" +
		"tel.cn:3:24: WIRE: warning: event tel.tick: payload shrank from 8 to 4 bytes\n"; out != want {
		t.Errorf("got:\n%s\nwant:\n%s", out, want)
	}
	if out, _, err := runCLI("breaking", "--against", "git:HEAD", "."); err != nil || out != "" {
		t.Errorf("against HEAD: err %v, out %q: want nothing", err, out)
	}
	write("schemas/ping.cn", "package ping\nstruct ping { id u32 }\nfamily ping idx 0x101 { }\n") // a change not committed
	out, _, err = runCLI("breaking", "--against", "git:HEAD", "ping.cn")
	if !errors.Is(err, errReported) || !strings.Contains(out, "\nHEAD:ping.cn:3:25: WIRE: send ping.ping removed: ") {
		t.Errorf("a removal is placed in the old version, REF:path: err %v\n%s", err, out)
	}
	if _, _, err := runCLI("breaking", "--against", "git:no-such-ref", "tel.cn"); exitCode(err) != 1 || !strings.Contains(err.Error(), "not a revision") {
		t.Errorf("an unknown revision: %v", err)
	}
}
