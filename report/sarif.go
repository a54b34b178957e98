package report

import (
	"encoding/json"
	"io"
	"net/url"
	"path/filepath"

	"github.com/cngen/cngen/dsl/source"
)

// SARIF 2.1.0 (OASIS), the format code-scanning services read: one run
// of one tool, whose driver describes its rules, and one result a
// finding. Only what those services show is written.

// SARIFSchema is the JSON schema a SARIF log names.
const SARIFSchema = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"

// Tool is the tool a SARIF log is the run of.
type Tool struct {
	Name           string
	Version        string
	InformationURI string
	Rules          []Rule
}

// Rule is the metadata of one rule: its ID, a one-line summary, a help
// text, where it is documented, and the severity it reports at unless
// configured otherwise.
type Rule struct {
	ID       string
	Summary  string
	Help     string
	HelpURI  string
	Severity source.Severity
}

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool    sarifTool     `json:"tool"`
	Results []sarifResult `json:"results"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version,omitempty"`
	InformationURI string      `json:"informationUri,omitempty"`
	Rules          []sarifRule `json:"rules"`
}

type sarifText struct {
	Text string `json:"text"`
}

type sarifRule struct {
	ID                   string      `json:"id"`
	ShortDescription     sarifText   `json:"shortDescription"`
	FullDescription      sarifText   `json:"fullDescription"`
	Help                 sarifText   `json:"help"`
	HelpURI              string      `json:"helpUri,omitempty"`
	DefaultConfiguration sarifConfig `json:"defaultConfiguration"`
}

type sarifConfig struct {
	Level string `json:"level"`
}

type sarifResult struct {
	RuleID    string          `json:"ruleId"`
	RuleIndex *int            `json:"ruleIndex,omitempty"`
	Level     string          `json:"level"`
	Message   sarifText       `json:"message"`
	Locations []sarifLocation `json:"locations"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysical `json:"physicalLocation"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           *sarifRegion  `json:"region,omitempty"`
}

type sarifArtifact struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId,omitempty"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn,omitempty"`
}

// SARIF writes the findings as a SARIF 2.1.0 log of one run of tool.
func SARIF(w io.Writer, tool Tool, fs []Finding) error {
	index := map[string]int{}
	driver := sarifDriver{Name: tool.Name, Version: tool.Version, InformationURI: tool.InformationURI, Rules: []sarifRule{}}
	for i, r := range tool.Rules {
		index[r.ID] = i
		driver.Rules = append(driver.Rules, sarifRule{ID: r.ID, ShortDescription: sarifText{r.Summary},
			FullDescription: sarifText{r.Help}, Help: sarifText{r.Help}, HelpURI: r.HelpURI,
			DefaultConfiguration: sarifConfig{Severity(r.Severity)}})
	}
	run := sarifRun{Tool: sarifTool{driver}, Results: []sarifResult{}}
	for _, f := range fs {
		res := sarifResult{RuleID: f.Rule, Level: Severity(f.Severity), Message: sarifText{f.Message},
			Locations: []sarifLocation{{PhysicalLocation: physical(f.Pos)}}}
		if i, ok := index[f.Rule]; ok {
			res.RuleIndex = &i
		}
		run.Results = append(run.Results, res)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(sarifLog{Schema: SARIFSchema, Version: "2.1.0", Runs: []sarifRun{run}})
}

// physical is where a finding is: the file as a URI reference (relative
// paths from the root the tool ran in, %SRCROOT%) and its line and
// column, when it has them.
func physical(pos source.Pos) sarifPhysical {
	p := filepath.ToSlash(pos.Filename)
	art := sarifArtifact{URI: (&url.URL{Path: p}).String(), URIBaseID: "%SRCROOT%"}
	if filepath.IsAbs(pos.Filename) {
		art = sarifArtifact{URI: (&url.URL{Scheme: "file", Path: p}).String()}
	}
	loc := sarifPhysical{ArtifactLocation: art}
	if pos.Line > 0 {
		loc.Region = &sarifRegion{StartLine: pos.Line, StartColumn: pos.Column}
	}
	return loc
}
