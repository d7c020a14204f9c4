// Package config loads .hardline.yaml: which rules run and how severe they
// are, where extra rules live, base-image knowledge overrides, and
// configuration-level suppressions. It knows nothing about how rules run.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/bmatcuk/doublestar/v4"
	"gopkg.in/yaml.v3"

	"github.com/hardline-dev/hardline/pkg/finding"
)

// FileNames are the names searched for, in order, in each directory.
var FileNames = []string{".hardline.yaml", ".hardline.yml"}

// Config is the parsed configuration. The zero value is the default.
type Config struct {
	// FailOn is the lowest severity that makes `hardline lint` exit 1.
	FailOn string `yaml:"fail-on"`
	Rules  Rules  `yaml:"rules"`
	// RulesDirs are extra directories of custom Rego rules, relative to the
	// configuration file.
	RulesDirs []string `yaml:"rules-dirs"`
	// BaseImages extend or override the built-in base-image knowledge; the
	// entries use the format of pkg/baseimage (see docs/base-images.md).
	BaseImages yaml.Node `yaml:"base-images"`
	// Ignore suppresses findings by rule and path.
	Ignore []Ignore `yaml:"ignore"`
	// Exclude are path globs skipped when walking directories.
	Exclude []string `yaml:"exclude"`
	// Secrets allow-lists secret findings (see secrets.go).
	Secrets Secrets `yaml:"secrets"`
	// TrustedRegistries are the registries base images may come from
	// (host names, optionally with a path prefix such as
	// "ghcr.io/acme"); empty means no allow-list is enforced.
	TrustedRegistries []string `yaml:"trusted-registries"`

	// Path is the file the configuration was read from ("" for defaults).
	Path string `yaml:"-"`
	// Now is the clock waiver expiry is judged by (nil: time.Now); tests
	// and reports that must be reproducible inject a fixed one.
	Now func() time.Time `yaml:"-"`
	// raw is the file's text, to point errors found later (an unknown rule
	// id, known only once rules are loaded) at a line.
	raw []byte
}

// Rules selects and tunes rules by id or name.
type Rules struct {
	Disable  []string          `yaml:"disable"`
	Enable   []string          `yaml:"enable"`
	Severity map[string]string `yaml:"severity"`
}

// Ignore is a configuration-level suppression: a waiver. See waiver.go.
type Ignore struct {
	// Rules are rule ids or names; empty means every rule.
	Rules []string `yaml:"rules"`
	// Paths are doublestar globs matched against the slash-separated path
	// of the scanned file relative to the configuration's directory (for
	// an image finding not on a Dockerfile line: the image as reported).
	Paths []string `yaml:"paths"`
	// Images are doublestar globs matched against the name of the image an
	// image finding is about, as written on the command line (with or
	// without the @digest hardline appends to registry images). With
	// neither Paths nor Images the entry applies everywhere.
	Images []string `yaml:"images"`
	// Reason is required: reviewers and auditors must know why.
	Reason string `yaml:"reason"`
	// Owner is who accepted the risk (free text: a person, team or ticket).
	Owner string `yaml:"owner"`
	// Expires is the last day (YYYY-MM-DD, UTC) the waiver applies; after
	// it the findings count again. Empty means no expiry.
	Expires string `yaml:"expires"`

	// Line is the entry's line in the configuration file (0 when unknown).
	Line int `yaml:"-"`
	// expires is Expires parsed (zero when none).
	expires time.Time
}

// Error is a configuration problem with its location.
type Error struct {
	File string
	Line int
	Msg  string
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Msg)
}

// Find looks for a configuration file in dir and its parents and returns its
// path, or "" when there is none.
func Find(dir string) (string, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for {
		for _, n := range FileNames {
			p := filepath.Join(dir, n)
			if st, err := os.Stat(p); err == nil && !st.IsDir() {
				return p, nil
			}
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", nil
		}
		dir = parent
	}
}

// Load reads and validates the configuration file at path.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, &Error{File: path, Msg: "configuration file not found"}
		}
		return nil, &Error{File: path, Msg: err.Error()}
	}
	return Parse(path, data)
}

// Parse parses configuration data; path is used in error messages and to
// resolve relative paths.
func Parse(path string, data []byte) (*Config, error) {
	c := &Config{Path: path, raw: data}
	if len(bytes.TrimSpace(data)) == 0 {
		return c, nil
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	// Typos in keys must not silently turn a setting off.
	dec.KnownFields(true)
	if err := dec.Decode(c); err != nil {
		return nil, yamlError(path, err)
	}
	if err := c.validate(); err != nil {
		return nil, err
	}
	if len(c.Secrets.Allow) > 0 || len(c.Ignore) > 0 {
		// The node tree gives each entry's line, for errors and for the
		// source of the suppressions it makes.
		var root yaml.Node
		if err := yaml.Unmarshal(data, &root); err != nil {
			return nil, yamlError(path, err)
		}
		if err := c.validateIgnore(&root); err != nil {
			return nil, err
		}
		if err := c.validateSecrets(&root); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// yamlError turns yaml.v3's "yaml: line N: msg" into a located Error.
func yamlError(path string, err error) error {
	var te *yaml.TypeError
	if errors.As(err, &te) && len(te.Errors) > 0 {
		line, msg := splitYAMLLine(te.Errors[0])
		return &Error{File: path, Line: line, Msg: msg}
	}
	line, msg := splitYAMLLine(err.Error())
	return &Error{File: path, Line: line, Msg: msg}
}

// unknownField matches yaml.v3's KnownFields error, which names Go types.
var unknownField = regexp.MustCompile(`field (\S+) not found in type \S+`)

func splitYAMLLine(s string) (int, string) {
	s = strings.TrimPrefix(s, "yaml: ")
	s = unknownField.ReplaceAllString(s, `unknown key "$1"`)
	var line int
	if n, _ := fmt.Sscanf(s, "line %d:", &line); n == 1 {
		if i := strings.Index(s, ":"); i >= 0 {
			return line, strings.TrimSpace(s[i+1:])
		}
	}
	return 0, s
}

func (c *Config) validate() error {
	if c.FailOn != "" {
		if _, err := finding.ParseSeverity(c.FailOn); err != nil {
			return &Error{File: c.Path, Msg: "fail-on: " + err.Error()}
		}
	}
	for id, sev := range c.Rules.Severity {
		if _, err := finding.ParseSeverity(sev); err != nil {
			return &Error{File: c.Path, Msg: fmt.Sprintf("rules.severity.%s: %v", id, err)}
		}
	}
	for _, p := range c.Exclude {
		if !doublestar.ValidatePattern(p) {
			return &Error{File: c.Path, Msg: fmt.Sprintf("exclude: invalid path glob %q", p)}
		}
	}
	return nil
}

// Dir is the directory relative paths in the configuration are resolved
// against: the configuration file's directory, or "." for defaults.
func (c *Config) Dir() string {
	if c.Path == "" {
		return "."
	}
	return filepath.Dir(c.Path)
}

// RulesDirPaths returns RulesDirs resolved against Dir.
func (c *Config) RulesDirPaths() []string {
	out := make([]string, 0, len(c.RulesDirs))
	for _, d := range c.RulesDirs {
		if !filepath.IsAbs(d) {
			d = filepath.Join(c.Dir(), d)
		}
		out = append(out, d)
	}
	return out
}

// PolicyData is what rules see as data.hardline.config: the settings that
// tune rules rather than select them.
func (c *Config) PolicyData() map[string]any {
	trusted := make([]any, 0, len(c.TrustedRegistries))
	for _, r := range c.TrustedRegistries {
		trusted = append(trusted, strings.TrimSuffix(strings.ToLower(strings.TrimSpace(r)), "/"))
	}
	return map[string]any{"trusted_registries": trusted}
}

// BaseImagesYAML returns the base-images section re-encoded as YAML, or nil
// when absent, for pkg/baseimage to parse.
func (c *Config) BaseImagesYAML() ([]byte, error) {
	if c.BaseImages.Kind == 0 {
		return nil, nil
	}
	b, err := yaml.Marshal(&c.BaseImages)
	if err != nil {
		return nil, &Error{File: c.Path, Line: c.BaseImages.Line, Msg: "base-images: " + err.Error()}
	}
	return b, nil
}

// relPath makes file relative to the configuration directory when possible.
func (c *Config) relPath(file string) string {
	abs, err := filepath.Abs(file)
	if err != nil {
		return filepath.ToSlash(file)
	}
	base, err := filepath.Abs(c.Dir())
	if err != nil {
		return filepath.ToSlash(file)
	}
	rel, err := filepath.Rel(base, abs)
	if err != nil || strings.HasPrefix(rel, "..") {
		return filepath.ToSlash(file)
	}
	return filepath.ToSlash(rel)
}

// Excluded reports whether a path found while walking directories matches an
// exclude glob.
func (c *Config) Excluded(path string) bool {
	rel := c.relPath(path)
	for _, p := range c.Exclude {
		if ok, _ := doublestar.Match(p, rel); ok {
			return true
		}
	}
	return false
}

// matchRule reports whether a rule id or name list selects rule r.
func matchRule(list []string, r *finding.Rule) bool {
	for _, s := range list {
		if strings.EqualFold(s, r.ID) || strings.EqualFold(s, r.Name) {
			return true
		}
	}
	return false
}

// Enabled reports whether the configuration turns rule r on. Explicit
// disable wins over enable; otherwise the rule's own default applies.
func (c *Config) Enabled(r *finding.Rule) bool {
	if matchRule(c.Rules.Disable, r) {
		return false
	}
	if matchRule(c.Rules.Enable, r) {
		return true
	}
	return r.Enabled
}

// SeverityFor returns the configured severity of rule r.
func (c *Config) SeverityFor(r *finding.Rule) finding.Severity {
	for k, v := range c.Rules.Severity {
		if strings.EqualFold(k, r.ID) || strings.EqualFold(k, r.Name) {
			if s, err := finding.ParseSeverity(v); err == nil {
				return s
			}
		}
	}
	return r.Severity
}

// Suppression returns the waiver in force that matches a finding of rule r
// in file, or nil. It matches by rule and path only: Waiver, given the whole
// finding, also matches image names. An expired waiver never suppresses.
func (c *Config) Suppression(r *finding.Rule, file string) *finding.Suppression {
	active, _ := c.Waiver(&finding.Finding{RuleID: r.ID, RuleName: r.Name, File: file})
	return active
}

// LineOf returns the first line of the configuration file that mentions
// word as a whole YAML scalar (bare or quoted), or 0.
func (c *Config) LineOf(word string) int { return c.lineOfFrom(word, 1) }

// lineOfFrom is LineOf starting at line from.
func (c *Config) lineOfFrom(word string, from int) int {
	for i, line := range strings.Split(string(c.raw), "\n") {
		if i+1 < from {
			continue
		}
		if j := strings.Index(line, "#"); j >= 0 {
			line = line[:j]
		}
		for _, f := range strings.FieldsFunc(line, func(r rune) bool { return strings.ContainsRune(" \t[],:{}\"'", r) }) {
			if f == word {
				return i + 1
			}
		}
	}
	return 0
}

// KnownRuleRefs returns the rule ids/names the configuration mentions, so the
// caller can reject references to rules that do not exist.
func (c *Config) KnownRuleRefs() []string {
	var out []string
	out = append(out, c.Rules.Disable...)
	out = append(out, c.Rules.Enable...)
	for k := range c.Rules.Severity {
		out = append(out, k)
	}
	for _, ig := range c.Ignore {
		out = append(out, ig.Rules...)
	}
	return out
}

// CacheKey identifies everything a finding's severity, suppression and the
// set of enabled rules can depend on: the file's path and text and, as
// waivers lapse by date, which of them are still in force today. Results
// cached under one key stay valid until it changes.
func (c *Config) CacheKey() []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%d:%s\x00%d:", len(c.Path), c.Path, len(c.raw))
	b.Write(c.raw)
	b.WriteString("\x00lapsed:")
	today := c.today()
	for i := range c.Ignore {
		if c.Ignore[i].expired(today) {
			fmt.Fprintf(&b, "%d,", i)
		}
	}
	return b.Bytes()
}
