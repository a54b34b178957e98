package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// expand turns command-line arguments into schema paths, in order and
// without repeats, as the Go tools treat packages: a FILE.cn is itself; a
// directory is the .cn files in it; DIR/... (./... for the working
// directory) is every .cn file below DIR, but in directories named
// testdata or starting with . or _, which hold what tools must not read
// (the error corpus, fixtures). A pattern that matches nothing is a usage
// error, as is an argument that is none of these.
func expand(args []string) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	add := func(p string) {
		if p = filepath.Clean(p); !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	for _, a := range args {
		found, err := matches(a)
		if err != nil {
			return nil, err
		}
		if len(found) == 0 {
			return nil, usageError{fmt.Sprintf("%s: matched no .cn files", a)}
		}
		for _, p := range found {
			add(p)
		}
	}
	return out, nil
}

// matches is what one argument names.
func matches(arg string) ([]string, error) {
	if root, ok := strings.CutSuffix(arg, "..."); ok {
		root = strings.TrimSuffix(root, "/")
		if root == "" {
			root = "."
		}
		if info, err := os.Stat(root); err != nil || !info.IsDir() {
			return nil, usageError{fmt.Sprintf("%s: %s is not a directory", arg, root)}
		}
		return walk(root)
	}
	info, err := os.Stat(arg)
	switch {
	case err == nil && info.IsDir():
		return dirSchemas(arg)
	case strings.HasSuffix(arg, ".cn"):
		return []string{arg}, nil // a missing file is reported with the schemas' errors
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		return nil, err
	}
	return nil, usageError{fmt.Sprintf("%s: not a .cn file, a directory or a pattern", arg)}
}

// dirSchemas is the .cn files of dir, sorted.
func dirSchemas(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range entries {
		if !e.IsDir() && strings.HasSuffix(e.Name(), ".cn") {
			out = append(out, filepath.Join(dir, e.Name()))
		}
	}
	return out, nil
}

// walk is every .cn file below root, in lexical order, but in skipped
// directories.
func walk(root string) ([]string, error) {
	var out []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && p != root && skipped(d.Name()) {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(p, ".cn") {
			out = append(out, p)
		}
		return nil
	})
	slices.Sort(out)
	return out, err
}

func skipped(dir string) bool {
	return dir == "testdata" || strings.HasPrefix(dir, ".") || strings.HasPrefix(dir, "_")
}
