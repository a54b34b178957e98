package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/cngen/cngen/lint"
	"github.com/cngen/cngen/report"
)

const lintArgs = "[-format text|json|github|sarif] [-config FILE] [-baseline FILE] [-write-baseline FILE] FILE.cn|DIR|PATTERN..."

// lintOptions are the flags of cngen lint.
type lintOptions struct {
	format, config, baseline, writeBaseline string
}

func lintFlags(fs *flag.FlagSet) *lintOptions {
	o := &lintOptions{}
	fs.StringVar(&o.format, "format", "text", "output `format`: text, json, github (workflow annotations) or sarif (SARIF 2.1.0)")
	fs.StringVar(&o.config, "config", "", "read the configuration from `FILE` instead of the "+lint.ConfigName+" nearest to each schema")
	fs.StringVar(&o.baseline, "baseline", "", "report only the findings that the baseline `FILE` does not hold")
	fs.StringVar(&o.writeBaseline, "write-baseline", "", "write today's findings to the baseline `FILE` and report nothing")
	return o
}

func runLint(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("lint", lintArgs, stderr)
	o := lintFlags(fs)
	paths, help, err := schemaFlags(fs, args)
	if help || err != nil {
		return err
	}
	write, ok := writers[o.format]
	if !ok {
		fs.Usage()
		return usageError{fmt.Sprintf("lint: unknown format %q: want text, json, github or sarif", o.format)}
	}
	found, schemaErr, err := lintPaths(paths, o.config, stderr)
	if err != nil {
		return err
	}
	if o.writeBaseline != "" {
		if schemaErr != nil {
			return schemaErr // a baseline of the schemas that check would be incomplete
		}
		return writeBaseline(o.writeBaseline, found)
	}
	return o.output(stdout, write, found, schemaErr)
}

// output writes the findings that the baseline, if any, does not hold,
// and returns the exit status: errReported when a schema did not check
// or an error is among them.
func (o *lintOptions) output(stdout io.Writer, write func(io.Writer, []report.Finding) error, found []report.Finding, schemaErr error) error {
	if o.baseline != "" {
		var err error
		if found, err = filterBaseline(o.baseline, found); err != nil {
			return err
		}
	}
	if err := write(stdout, found); err != nil {
		return err
	}
	if schemaErr != nil || report.Errors(found) > 0 {
		return errReported
	}
	return nil
}

// writers write the findings in each format.
var writers = map[string]func(io.Writer, []report.Finding) error{
	"text":   report.Text,
	"json":   report.JSON,
	"github": report.GitHub,
	"sarif":  func(w io.Writer, fs []report.Finding) error { return report.SARIF(w, sarifTool(), fs) },
}

// lintPaths lints the schemas that their configurations do not exclude,
// in argument order. The schemas that do not check are reported to
// stderr as the other commands do (schemaErr is then errReported).
func lintPaths(paths []string, configFile string, stderr io.Writer) (found []report.Finding, schemaErr, err error) {
	configs, err := lint.NewConfigs(configFile)
	if err != nil {
		return nil, nil, err
	}
	cfg := map[string]*lint.Config{}
	var kept []string
	for _, p := range paths {
		c, err := configs.For(p)
		if err != nil {
			return nil, nil, err
		}
		if !c.Excluded(p) {
			cfg[p] = c
			kept = append(kept, p)
		}
	}
	schemas, errs := loadAll(kept)
	schemaErr = reportErrors(stderr, errs)
	for _, l := range schemas {
		found = append(found, lint.Lint(l.tree, l.schema, cfg[l.path])...)
	}
	return found, schemaErr, nil
}

// writeBaseline records the findings in the baseline file, keyed by
// paths relative to its directory.
func writeBaseline(file string, found []report.Finding) error {
	var b bytes.Buffer
	if err := lint.WriteBaseline(&b, filepath.Dir(file), found); err != nil {
		return err
	}
	return os.WriteFile(file, b.Bytes(), 0o644)
}

func filterBaseline(file string, found []report.Finding) ([]report.Finding, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := lint.ReadBaseline(f, filepath.Dir(file))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return b.Filter(found), nil
}

// lintDocs is where the rules are documented, each under a heading
// named by its ID.
const (
	cngenURI = "https://github.com/cngen/cngen"
	lintDocs = cngenURI + "/blob/main/docs/lint.md#"
)

// sarifTool describes cngen lint and its rules to SARIF readers.
func sarifTool() report.Tool {
	t := report.Tool{Name: "cngen", Version: buildVersion(), InformationURI: cngenURI}
	for _, r := range lint.Rules() {
		t.Rules = append(t.Rules, report.Rule{ID: r.ID, Summary: r.Summary, Help: r.Help,
			HelpURI: lintDocs + r.ID, Severity: r.Severity})
	}
	return t
}
