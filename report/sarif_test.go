package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cngen/cngen/dsl/source"
)

// shape is the part of the SARIF 2.1.0 JSON schema (sarif-schema-2.1.0.json)
// that a log of ours must satisfy: the type of a value, the properties
// an object requires, and the constraints of those it may have.
type shape struct {
	typ      string // object, array, string, integer
	required []string
	props    map[string]*shape
	items    *shape
	enum     []string
	min      *int
	format   string // uri or uri-reference
}

func minimum(n int) *int { return &n }

var (
	str        = &shape{typ: "string"}
	uri        = &shape{typ: "string", format: "uri"}
	uriRef     = &shape{typ: "string", format: "uri-reference"}
	multiText  = &shape{typ: "object", required: []string{"text"}, props: map[string]*shape{"text": str, "markdown": str}}
	level      = &shape{typ: "string", enum: []string{"none", "note", "warning", "error"}}
	descriptor = &shape{typ: "object", required: []string{"id"}, props: map[string]*shape{
		"id": str, "name": str, "shortDescription": multiText, "fullDescription": multiText,
		"help": multiText, "helpUri": uri,
		"defaultConfiguration": {typ: "object", props: map[string]*shape{"level": level}},
	}}
	region = &shape{typ: "object", props: map[string]*shape{
		"startLine": {typ: "integer", min: minimum(1)}, "startColumn": {typ: "integer", min: minimum(1)},
	}}
	physicalShape = &shape{typ: "object", required: []string{"artifactLocation"}, props: map[string]*shape{
		"artifactLocation": {typ: "object", props: map[string]*shape{"uri": uriRef, "uriBaseId": str}},
		"region":           region,
	}}
	result = &shape{typ: "object", required: []string{"message"}, props: map[string]*shape{
		"ruleId": str, "ruleIndex": {typ: "integer", min: minimum(-1)}, "level": level,
		"message":   {typ: "object", required: []string{"text"}, props: map[string]*shape{"text": str}},
		"locations": {typ: "array", items: &shape{typ: "object", props: map[string]*shape{"physicalLocation": physicalShape}}},
	}}
	driver = &shape{typ: "object", required: []string{"name"}, props: map[string]*shape{
		"name": str, "version": str, "informationUri": uri,
		"rules": {typ: "array", items: descriptor},
	}}
	sarifShape = &shape{typ: "object", required: []string{"version", "runs"}, props: map[string]*shape{
		"$schema": uri,
		"version": {typ: "string", enum: []string{"2.1.0"}},
		"runs": {typ: "array", items: &shape{typ: "object", required: []string{"tool"}, props: map[string]*shape{
			"tool":    {typ: "object", required: []string{"driver"}, props: map[string]*shape{"driver": driver}},
			"results": {typ: "array", items: result},
		}}},
	}}
)

// validate returns where v breaks s, as JSON paths.
func validate(path string, v any, s *shape) []string {
	var errs []string
	bad := func(format string, args ...any) { errs = append(errs, path+": "+fmt.Sprintf(format, args...)) }
	switch s.typ {
	case "object":
		obj, ok := v.(map[string]any)
		if !ok {
			bad("not an object")
			return errs
		}
		for _, r := range s.required {
			if _, ok := obj[r]; !ok {
				bad("missing required property %s", r)
			}
		}
		for k, sub := range s.props {
			if pv, ok := obj[k]; ok {
				errs = append(errs, validate(path+"."+k, pv, sub)...)
			}
		}
	case "array":
		arr, ok := v.([]any)
		if !ok {
			bad("not an array")
			return errs
		}
		for i, it := range arr {
			errs = append(errs, validate(fmt.Sprintf("%s[%d]", path, i), it, s.items)...)
		}
	case "integer":
		n, ok := v.(float64)
		if !ok || n != float64(int64(n)) || n < float64(*s.min) {
			bad("%v is not an integer of at least %d", v, *s.min)
		}
	case "string":
		errs = append(errs, validateString(path, v, s)...)
	}
	return errs
}

func validateString(path string, v any, s *shape) []string {
	text, ok := v.(string)
	switch {
	case !ok:
		return []string{path + ": not a string"}
	case s.enum != nil && !slices.Contains(s.enum, text):
		return []string{fmt.Sprintf("%s: %q not one of %v", path, text, s.enum)}
	case s.format != "":
		u, err := url.Parse(text)
		if err != nil || (s.format == "uri" && !u.IsAbs()) {
			return []string{fmt.Sprintf("%s: %q is not a %s", path, text, s.format)}
		}
	}
	return nil
}

var tool = Tool{Name: "cngen", Version: "(devel)", InformationURI: "https://github.com/cngen/cngen", Rules: []Rule{
	{ID: "naming", Summary: "Names are snake_case.", Help: "Long help.", HelpURI: "https://github.com/cngen/cngen/blob/main/docs/lint.md#naming"},
	{ID: "missing-doc", Summary: "Docs.", Help: "More help.", Severity: source.SevWarning},
}}

func sarifLogOf(t *testing.T, fs []Finding) map[string]any {
	t.Helper()
	var b bytes.Buffer
	if err := SARIF(&b, tool, fs); err != nil {
		t.Fatal(err)
	}
	var log map[string]any
	if err := json.Unmarshal(b.Bytes(), &log); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, b.String())
	}
	return log
}

// TestSARIFSchema: the log satisfies the required properties and types
// of SARIF 2.1.0, with findings and without.
func TestSARIFSchema(t *testing.T) {
	sarifFindings := []Finding{
		{Pos: source.Pos{Filename: "golden/a b.cn", Line: 3, Column: 5}, Rule: "naming", Message: "struct S is not snake_case"},
		{Pos: source.Pos{Filename: "/abs/x.cn", Line: 1, Column: 1}, Rule: "missing-doc", Severity: source.SevWarning, Message: "family f has no doc"},
		{Pos: source.Pos{Filename: "unreadable.cn"}, Rule: "other", Message: "no position"},
	}
	for _, fs := range [][]Finding{sarifFindings, nil} {
		log := sarifLogOf(t, fs)
		if errs := validate("$", log, sarifShape); len(errs) > 0 {
			t.Errorf("%d findings: not SARIF 2.1.0:\n%v", len(fs), errs)
		}
	}
}

// TestSARIFContent: the driver and its rules, and each result's rule,
// index, level, message and location.
func TestSARIFContent(t *testing.T) {
	log := sarifLogOf(t, []Finding{
		{Pos: source.Pos{Filename: "golden/a b.cn", Line: 3, Column: 5}, Rule: "naming", Message: "m1"},
		{Pos: source.Pos{Filename: "/abs/x.cn", Line: 1, Column: 2}, Rule: "missing-doc", Severity: source.SevWarning, Message: "m2"},
		{Pos: source.Pos{Filename: "u.cn"}, Rule: "other", Message: "m3"},
	})
	if log["$schema"] != SARIFSchema || log["version"] != "2.1.0" {
		t.Errorf("$schema %v, version %v", log["$schema"], log["version"])
	}
	run := log["runs"].([]any)[0].(map[string]any)
	drv := run["tool"].(map[string]any)["driver"].(map[string]any)
	rules := drv["rules"].([]any)
	r1 := rules[1].(map[string]any)
	if drv["name"] != "cngen" || drv["informationUri"] != tool.InformationURI || len(rules) != 2 ||
		r1["id"] != "missing-doc" || r1["defaultConfiguration"].(map[string]any)["level"] != "warning" ||
		r1["shortDescription"].(map[string]any)["text"] != "Docs." || r1["help"].(map[string]any)["text"] != "More help." {
		t.Errorf("driver: %v", drv)
	}
	var got []string
	for _, r := range run["results"].([]any) {
		res := r.(map[string]any)
		loc := res["locations"].([]any)[0].(map[string]any)["physicalLocation"].(map[string]any)
		got = append(got, fmt.Sprintf("%v %v %v %v %v %v", res["ruleId"], res["ruleIndex"], res["level"],
			res["message"].(map[string]any)["text"], loc["artifactLocation"], loc["region"]))
	}
	want := []string{
		"naming 0 error m1 map[uri:golden/a%20b.cn uriBaseId:%SRCROOT%] map[startColumn:5 startLine:3]",
		"missing-doc 1 warning m2 map[uri:file:///abs/x.cn] map[startColumn:2 startLine:1]",
		"other <nil> error m3 map[uri:u.cn uriBaseId:%SRCROOT%] <nil>",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("results (-want +got):\n%s", diff)
	}
}

// TestSARIFValidatorCatches: the validator itself finds what a broken
// log lacks, so that TestSARIFSchema cannot pass vacuously.
func TestSARIFValidatorCatches(t *testing.T) {
	var log map[string]any
	broken := `{"version": "2.0", "runs": [{"tool": {"driver": {"rules": [{"shortDescription": {}}]}},
		"results": [{"ruleIndex": -2, "level": "fatal", "locations": [{"physicalLocation": {"region": {"startLine": 0}}}]}]}]}`
	if err := json.Unmarshal([]byte(broken), &log); err != nil {
		t.Fatal(err)
	}
	errs := validate("$", log, sarifShape)
	slices.Sort(errs)
	want := []string{
		`$.runs[0].results[0].level: "fatal" not one of [none note warning error]`,
		"$.runs[0].results[0].locations[0].physicalLocation.region.startLine: 0 is not an integer of at least 1",
		"$.runs[0].results[0].locations[0].physicalLocation: missing required property artifactLocation",
		"$.runs[0].results[0].ruleIndex: -2 is not an integer of at least -1",
		"$.runs[0].results[0]: missing required property message",
		"$.runs[0].tool.driver.rules[0].shortDescription: missing required property text",
		"$.runs[0].tool.driver.rules[0]: missing required property id",
		"$.runs[0].tool.driver: missing required property name",
		`$.version: "2.0" not one of [2.1.0]`,
	}
	if diff := cmp.Diff(want, errs); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
