package lint

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"path/filepath"
	"slices"

	"github.com/cngen/cngen/report"
)

// A baseline records the findings of a day, so that lint reports only
// the findings that are not in it. A finding is keyed by its file,
// relative to the baseline's directory, its rule and its message, never
// its line, so that editing a schema above a finding keeps it known; each
// entry of a baseline accepts one finding, so a second finding with the
// same key is new.
//
// The file is JSON:
//
//	{"version": 1, "findings": [{"file": "a.cn", "rule": "missing-doc", "message": "…"}]}
type Baseline struct {
	dir  string
	seen map[baselineKey]int
}

type baselineKey struct {
	File    string `json:"file"`
	Rule    string `json:"rule"`
	Message string `json:"message"`
}

type baselineFile struct {
	Version  int           `json:"version"`
	Findings []baselineKey `json:"findings"`
}

const baselineVersion = 1

// WriteBaseline writes fs as the baseline of a file in dir, sorted, so
// that a baseline under version control changes only with its findings.
func WriteBaseline(w io.Writer, dir string, fs []report.Finding) error {
	bf := baselineFile{Version: baselineVersion, Findings: []baselineKey{}}
	for _, f := range fs {
		bf.Findings = append(bf.Findings, key(dir, f))
	}
	slices.SortFunc(bf.Findings, func(a, b baselineKey) int {
		return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Rule, b.Rule), cmp.Compare(a.Message, b.Message))
	})
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(bf)
}

// ReadBaseline reads a baseline written by WriteBaseline for a file in
// dir.
func ReadBaseline(r io.Reader, dir string) (*Baseline, error) {
	var bf baselineFile
	if err := json.NewDecoder(r).Decode(&bf); err != nil {
		return nil, fmt.Errorf("not a baseline: %w", err)
	}
	if bf.Version != baselineVersion {
		return nil, fmt.Errorf("baseline version %d, want %d", bf.Version, baselineVersion)
	}
	b := &Baseline{dir: dir, seen: map[baselineKey]int{}}
	for _, k := range bf.Findings {
		b.seen[k]++
	}
	return b, nil
}

// Filter returns the findings of fs that the baseline does not hold.
func (b *Baseline) Filter(fs []report.Finding) []report.Finding {
	left := maps.Clone(b.seen)
	var out []report.Finding
	for _, f := range fs {
		k := key(b.dir, f)
		if left[k] > 0 {
			left[k]--
			continue
		}
		out = append(out, f)
	}
	return out
}

// key is the baseline key of f in a baseline in dir.
func key(dir string, f report.Finding) baselineKey {
	return baselineKey{File: relTo(dir, f.Pos.Filename), Rule: f.Rule, Message: f.Message}
}

// relTo is file relative to dir, slash-separated; file itself when no
// relative path leads there.
func relTo(dir, file string) string {
	absDir, err1 := filepath.Abs(dir)
	abs, err2 := filepath.Abs(file)
	if err1 != nil || err2 != nil {
		return filepath.ToSlash(file)
	}
	r, err := filepath.Rel(absDir, abs)
	if err != nil {
		return filepath.ToSlash(abs)
	}
	return filepath.ToSlash(r)
}
