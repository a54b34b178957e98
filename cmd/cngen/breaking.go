package main

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/cngen/cngen/breaking"
	"github.com/cngen/cngen/dsl/check"
	"github.com/cngen/cngen/dsl/model"
	"github.com/cngen/cngen/dsl/source"
	"github.com/cngen/cngen/report"
)

const breakingArgs = "--against OLD [-format text|json|github] NEW..."

// breakingFormats are the ways findings are written, by -format.
var breakingFormats = map[string]func(io.Writer, []report.Finding) error{
	"text":   report.Text,
	"json":   report.JSON,
	"github": report.GitHub,
}

// runBreaking compares the schemas NEW with the version --against names
// and writes the findings to stdout: errReported (exit 1) when one is an
// error, a usage error (exit 2) for a bad command line. Schema errors of
// either version go to stderr, as check reports them.
func runBreaking(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("breaking", breakingArgs, stderr)
	against := fs.String("against", "", "the `OLD` version: a .cn file, a directory, a pattern, or git:REF for the NEW paths at git revision REF")
	format := fs.String("format", "text", "write findings in `FORMAT`: text, json, or github (workflow commands that annotate a pull request)")
	paths, help, err := schemaFlags(fs, args)
	if help || err != nil {
		return err
	}
	write, ok := breakingFormats[*format]
	switch {
	case !ok:
		return usageError{fmt.Sprintf("-format %s: want text, json or github", *format)}
	case *against == "":
		return usageError{"--against OLD is required: a .cn file, a directory, a pattern or git:REF"}
	}
	findings, err := compareVersions(*against, paths, stderr)
	if err != nil {
		return err
	}
	if err := write(stdout, findings); err != nil {
		return err
	}
	if report.Errors(findings) > 0 {
		return errReported
	}
	return nil
}

// compareVersions loads both versions and compares them; schema errors
// of either, and of the Go either generates, are reported to stderr.
func compareVersions(against string, paths []string, stderr io.Writer) ([]report.Finding, error) {
	olds, oldErrs, err := loadOld(against, paths)
	if err != nil {
		return nil, err
	}
	news, errs := loadAll(paths)
	if err := reportErrors(stderr, append(oldErrs.Errors(), errs...)); err != nil {
		return nil, err // the old version's warnings are its past: only its errors stop the comparison
	}
	findings, err := breaking.Compare(models(olds), models(news))
	var list source.ErrorList
	if errors.As(err, &list) {
		return nil, reportErrors(stderr, list)
	}
	return findings, err
}

func models(ls []loaded) []*model.Schema {
	out := make([]*model.Schema, len(ls))
	for i, l := range ls {
		out[i] = l.schema
	}
	return out
}

// loadOld loads the old version: the schemas a file, directory or
// pattern names, or with git:REF each new path as it is at REF.
func loadOld(against string, newPaths []string) ([]loaded, source.ErrorList, error) {
	if ref, ok := strings.CutPrefix(against, "git:"); ok {
		return loadGit(ref, newPaths)
	}
	root := against
	if r, ok := strings.CutSuffix(against, "..."); ok {
		root = cmp.Or(strings.TrimSuffix(r, "/"), ".")
	}
	if _, err := os.Stat(root); err != nil {
		return nil, nil, usageError{fmt.Sprintf("--against %s: %v", against, unwrapPath(err))}
	}
	paths, err := expand([]string{against})
	if err != nil {
		return nil, nil, err
	}
	olds, errs := loadAll(paths)
	return olds, errs, nil
}

// loadGit loads each of paths as it is at git revision ref of the
// repository that holds it, named ref:path. A path that does not exist at
// ref is a new schema, with no old version.
func loadGit(ref string, paths []string) ([]loaded, source.ErrorList, error) {
	if ref == "" {
		return nil, nil, usageError{"--against git:REF: name a revision, such as git:HEAD or git:origin/main"}
	}
	r := &gitRevision{ref: ref, verified: map[string]bool{}, roots: map[string]string{}}
	var out []loaded
	var errs source.ErrorList
	for _, p := range paths {
		src, found, err := r.show(p)
		if err != nil {
			return nil, nil, err
		}
		if !found {
			continue
		}
		name := ref + ":" + p
		s, err := check.Load(name, src)
		if err != nil {
			errs = append(errs, schemaErrors(err)...)
			continue
		}
		out = append(out, loaded{path: name, schema: s})
	}
	return out, errs, nil
}

// gitRevision reads files at one revision, in whichever repository holds
// each.
type gitRevision struct {
	ref      string
	verified map[string]bool   // repository roots where ref names a commit
	roots    map[string]string // directory → the root of its repository
}

// show returns the content of path at the revision, and false when the
// path does not exist there.
func (r *gitRevision) show(path string) ([]byte, bool, error) {
	top, rel, err := r.repoPath(path)
	if err != nil {
		return nil, false, err
	}
	if !r.verified[top] {
		if _, err := git(top, "rev-parse", "--verify", "--quiet", r.ref+"^{commit}"); err != nil {
			return nil, false, fmt.Errorf("--against git:%s: not a revision of the repository at %s", r.ref, top)
		}
		r.verified[top] = true
	}
	obj := r.ref + ":" + rel
	if _, err := git(top, "cat-file", "-e", obj); err != nil {
		return nil, false, nil
	}
	src, err := git(top, "show", obj)
	return src, err == nil, err
}

// repoPath finds the repository that holds path and path relative to its
// root, as git show takes it.
func (r *gitRevision) repoPath(path string) (top, rel string, err error) {
	dir, err := filepath.Abs(filepath.Dir(path))
	if err == nil {
		dir, err = filepath.EvalSymlinks(dir) // git prints the root with links resolved
	}
	if err != nil {
		return "", "", fmt.Errorf("--against git: %s: %w", path, unwrapPath(err))
	}
	top, ok := r.roots[dir]
	if !ok {
		out, err := git(dir, "rev-parse", "--show-toplevel")
		if err != nil {
			return "", "", fmt.Errorf("--against git: %s is not in a git repository: %w", path, err)
		}
		top = strings.TrimSpace(string(out))
		r.roots[dir] = top
	}
	rel, err = filepath.Rel(top, filepath.Join(dir, filepath.Base(path)))
	return top, filepath.ToSlash(rel), err
}

// git runs git in dir and returns its output; a failure carries what git
// wrote to stderr.
func git(dir string, args ...string) ([]byte, error) {
	cmd := exec.Command("git", append([]string{"-C", dir}, args...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		if msg := strings.TrimSpace(stderr.String()); msg != "" {
			return nil, fmt.Errorf("git %s: %s", args[0], msg)
		}
		return nil, fmt.Errorf("git %s: %w", args[0], err)
	}
	return out, nil
}
