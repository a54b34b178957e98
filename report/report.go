// Package report writes the findings of cngen's CI commands (lint,
// breaking) in the formats a CI system reads: text for people
// (file:line:col: RULE: message), JSON for programs, and GitHub Actions
// workflow commands, which annotate the lines of a pull request. Lint
// adds SARIF, with the metadata of its rules.
package report

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/cngen/cngen/dsl/source"
)

// Finding is one thing a command reports about a schema.
type Finding struct {
	Pos      source.Pos
	Rule     string // a lint rule's ID, or a breaking change's category (WIRE, API)
	Severity source.Severity
	Message  string
}

// Errors counts the findings of error severity.
func Errors(fs []Finding) int {
	n := 0
	for _, f := range fs {
		if f.Severity == source.SevError {
			n++
		}
	}
	return n
}

// Text writes one line a finding: file:line:col: RULE: message, and
// "warning: " before the message of a warning.
func Text(w io.Writer, fs []Finding) error {
	for _, f := range fs {
		sev := ""
		if f.Severity == source.SevWarning {
			sev = "warning: "
		}
		if _, err := fmt.Fprintf(w, "%s: %s: %s%s\n", f.Pos, f.Rule, sev, f.Message); err != nil {
			return err
		}
	}
	return nil
}

// findingJSON is the JSON form of a Finding.
type findingJSON struct {
	File     string `json:"file"`
	Line     int    `json:"line"`
	Column   int    `json:"column"`
	Rule     string `json:"rule"`
	Severity string `json:"severity"`
	Message  string `json:"message"`
}

// Severity is the name of a severity in the JSON and SARIF outputs.
func Severity(s source.Severity) string {
	if s == source.SevWarning {
		return "warning"
	}
	return "error"
}

// JSON writes the findings as one JSON array (empty, not null, when there
// are none), so that a program reads it whole.
func JSON(w io.Writer, fs []Finding) error {
	out := make([]findingJSON, 0, len(fs))
	for _, f := range fs {
		out = append(out, findingJSON{File: f.Pos.Filename, Line: f.Pos.Line, Column: f.Pos.Column,
			Rule: f.Rule, Severity: Severity(f.Severity), Message: f.Message})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// GitHub writes a workflow command a finding, which GitHub Actions shows
// as an annotation on the line:
//
//	::error file=proc.cn,line=31,col=5,title=WIRE::timestamp_ns moved from offset 8 to 12
func GitHub(w io.Writer, fs []Finding) error {
	for _, f := range fs {
		cmd := "error"
		if f.Severity == source.SevWarning {
			cmd = "warning"
		}
		props := []string{"file=" + escapeProperty(f.Pos.Filename)}
		if f.Pos.Line > 0 {
			props = append(props, fmt.Sprintf("line=%d", f.Pos.Line), fmt.Sprintf("col=%d", f.Pos.Column))
		}
		props = append(props, "title="+escapeProperty(f.Rule))
		if _, err := fmt.Fprintf(w, "::%s %s::%s\n", cmd, strings.Join(props, ","), escapeData(f.Message)); err != nil {
			return err
		}
	}
	return nil
}

// escapeData and escapeProperty escape as GitHub's toolkit does for
// workflow commands: the message may not hold %, CR or LF as such, and a
// property value not , or : either.
func escapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

func escapeProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}
