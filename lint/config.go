package lint

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/cngen/cngen/dsl/source"
)

// ConfigName is the name of the configuration file that lint looks for
// in each schema's directory and the directories above it.
const ConfigName = "cngen.yaml"

// Config is a lint configuration, as cngen.yaml writes it:
//
//	rules:                    # severities: error, warning or off
//	  missing-doc: off
//	exclude:                  # schemas not linted
//	  - third_party
//	exceptions:               # rules that do not apply to some schemas
//	  - paths: [golden/**]
//	    rules: [u64-align]
//	    reason: the golden corpus covers layouts lint advises against
//
// Paths are globs relative to the directory of the file. The zero
// Config, and a nil *Config, are the defaults.
type Config struct {
	Path       string // the file it was read from
	dir        string // absolute: where its globs start
	levels     map[string]string
	exclude    []string
	exceptions []exception
}

type exception struct {
	paths []string
	rules []string
}

// configFile is the YAML form of a Config.
type configFile struct {
	Rules      map[string]string `yaml:"rules"`
	Exclude    []string          `yaml:"exclude"`
	Exceptions []struct {
		Paths  []string `yaml:"paths"`
		Rules  []string `yaml:"rules"`
		Reason string   `yaml:"reason"`
	} `yaml:"exceptions"`
}

// LoadConfig reads the configuration file at path.
func LoadConfig(file string) (*Config, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	return ParseConfig(file, data)
}

// ParseConfig parses the configuration data read from file, whose
// directory its globs are relative to. Unknown keys, rules and
// severities, bad globs and exceptions without a reason are errors.
func ParseConfig(file string, data []byte) (*Config, error) {
	var cf configFile
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&cf); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	dir, err := filepath.Abs(filepath.Dir(file))
	if err != nil {
		return nil, err
	}
	c := &Config{Path: file, dir: dir, levels: cf.Rules}
	if err := c.build(&cf); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return c, nil
}

func (c *Config) build(cf *configFile) error {
	for id, level := range cf.Rules {
		if err := knownRule(id); err != nil {
			return fmt.Errorf("rules: %w", err)
		}
		if level != "error" && level != "warning" && level != "off" {
			return fmt.Errorf("rules: %s: severity %q, want error, warning or off", id, level)
		}
	}
	var err error
	if c.exclude, err = globs("exclude", cf.Exclude); err != nil {
		return err
	}
	for i := range cf.Exceptions {
		x, err := exceptionOf(i, cf)
		if err != nil {
			return err
		}
		c.exceptions = append(c.exceptions, x)
	}
	return nil
}

// exceptionOf validates the i-th exception of cf.
func exceptionOf(i int, cf *configFile) (exception, error) {
	e := cf.Exceptions[i]
	where := fmt.Sprintf("exceptions[%d]", i)
	x := exception{rules: e.Rules}
	var err error
	if x.paths, err = globs(where+".paths", e.Paths); err != nil {
		return x, err
	}
	if len(x.paths) == 0 || len(x.rules) == 0 || strings.TrimSpace(e.Reason) == "" {
		return x, fmt.Errorf("%s: an exception needs paths, rules and a reason", where)
	}
	for _, id := range x.rules {
		if err := knownRule(id); err != nil {
			return x, fmt.Errorf("%s.rules: %w", where, err)
		}
	}
	return x, nil
}

func knownRule(id string) error {
	if lookup(id) == nil {
		return fmt.Errorf("unknown rule %q", id)
	}
	return nil
}

// globs cleans and validates the patterns of a list.
func globs(where string, patterns []string) ([]string, error) {
	var out []string
	for _, p := range patterns {
		p = path.Clean(strings.TrimPrefix(filepath.ToSlash(p), "/"))
		for _, seg := range strings.Split(p, "/") {
			if _, err := path.Match(seg, ""); err != nil {
				return nil, fmt.Errorf("%s: bad pattern %q", where, p)
			}
		}
		out = append(out, p)
	}
	return out, nil
}

// FindConfig returns the ConfigName file nearest to dir: in dir or the
// nearest directory above it; "" when there is none.
func FindConfig(dir string) (string, error) {
	d, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for {
		p := filepath.Join(d, ConfigName)
		if info, err := os.Stat(p); err == nil && !info.IsDir() {
			return p, nil
		}
		parent := filepath.Dir(d)
		if parent == d {
			return "", nil
		}
		d = parent
	}
}

// Excluded reports whether the configuration excludes the schema file.
func (c *Config) Excluded(file string) bool {
	return c != nil && matchAny(c.exclude, c.rel(file))
}

// rel is file relative to the configuration's directory, slash-separated.
func (c *Config) rel(file string) string { return relTo(c.dir, file) }

// settings are the rules of one schema: severities, and the rules its
// exceptions turn off.
type settings struct {
	levels map[string]string
	off    map[string]bool
}

func (c *Config) settings(file string) settings {
	if c == nil {
		return settings{}
	}
	s := settings{levels: c.levels, off: map[string]bool{}}
	rel := c.rel(file)
	for _, x := range c.exceptions {
		if matchAny(x.paths, rel) {
			for _, id := range x.rules {
				s.off[id] = true
			}
		}
	}
	return s
}

// severity is the severity r reports at, and whether it runs at all.
func (s settings) severity(r *Rule) (source.Severity, bool) {
	if r == nil || s.off[r.ID] {
		return 0, false
	}
	switch s.levels[r.ID] {
	case "off":
		return 0, false
	case "error":
		return source.SevError, true
	case "warning":
		return source.SevWarning, true
	}
	return r.Severity, true
}

func matchAny(patterns []string, rel string) bool {
	return slices.ContainsFunc(patterns, func(p string) bool { return matchGlob(p, rel) })
}

// matchGlob reports whether the slash-separated pattern matches rel or
// a directory above it: *, ? and [...] match within a path element as in
// path.Match, and ** matches any number of elements.
func matchGlob(pattern, rel string) bool {
	return matchElems(strings.Split(pattern, "/"), strings.Split(rel, "/"))
}

func matchElems(p, s []string) bool {
	switch {
	case len(p) == 0:
		return true // p named s itself, or a directory above it
	case p[0] == "**":
		for i := range len(s) + 1 {
			if matchElems(p[1:], s[i:]) {
				return true
			}
		}
		return false
	case len(s) == 0:
		return false
	}
	ok, _ := path.Match(p[0], s[0])
	return ok && matchElems(p[1:], s[1:])
}

// Configs finds the configuration of each schema, reading each file
// once: the one given, or else the nearest ConfigName above the schema.
type Configs struct {
	fixed *Config
	found map[string]*Config // by directory searched from
	read  map[string]*Config // by file
}

// NewConfigs returns the configurations to use: the file's for every
// schema when file is not "", else the nearest to each schema.
func NewConfigs(file string) (*Configs, error) {
	cs := &Configs{found: map[string]*Config{}, read: map[string]*Config{}}
	if file == "" {
		return cs, nil
	}
	c, err := LoadConfig(file)
	cs.fixed = c
	return cs, err
}

// For returns the configuration of the schema file, nil for the
// defaults.
func (cs *Configs) For(file string) (*Config, error) {
	if cs.fixed != nil {
		return cs.fixed, nil
	}
	dir := filepath.Dir(file)
	if c, ok := cs.found[dir]; ok {
		return c, nil
	}
	p, err := FindConfig(dir)
	if err != nil {
		return nil, err
	}
	c, err := cs.load(p)
	if err != nil {
		return nil, err
	}
	cs.found[dir] = c
	return c, nil
}

// load reads the configuration file p once; "" is the defaults.
func (cs *Configs) load(p string) (*Config, error) {
	if c, ok := cs.read[p]; ok || p == "" {
		return c, nil
	}
	c, err := LoadConfig(p)
	if err != nil {
		return nil, err
	}
	cs.read[p] = c
	return c, nil
}
