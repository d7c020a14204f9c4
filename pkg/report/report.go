// Package report renders the findings of one hardline run as human-readable
// text, as a documented JSON document (hardline.findings/v1), as SARIF 2.1.0
// for GitHub code scanning, or in the formats CI systems read natively: JUnit
// XML (test reports), GitLab Code Quality JSON and checkstyle XML (reviewdog,
// Jenkins warnings-ng).
//
// Reporters are pure functions of a Run: they never read the file system or
// the clock, so the machine formats are byte-identical for identical input,
// and the only source text they ever print is the line a finding points at.
package report

import (
	"bytes"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/hardline-dev/hardline/pkg/finding"
)

// Tool identifies the hardline build that produced a report.
type Tool struct {
	Name           string
	Version        string
	Commit         string
	RulesVersion   string
	InformationURI string
}

// InputError is a problem that stopped an input from being analysed (a
// parse failure, an unreadable file). Line is 0 when it is not tied to a
// line.
type InputError struct {
	File    string
	Line    int
	Message string
}

// Run is everything a reporter needs about one invocation.
type Run struct {
	Tool Tool
	// Rules are all rules that were evaluated; SARIF lists them in
	// tool.driver.rules so that GitHub can show rule help even for rules
	// that produced no result.
	Rules []finding.Rule
	// Findings are already sorted and fingerprinted by the caller and may
	// include suppressed ones (Suppressed != nil).
	Findings []finding.Finding
	Errors   []InputError
	// Warnings are problems that did not stop the analysis of an input but
	// may explain a missing finding (an unresolvable base image, a shell
	// syntax error in a RUN). Text shows them with Verbose only.
	Warnings []InputError
	// Files are the inputs scanned, in order; the text format groups by them.
	Files []string
	// Sources maps a file to its content for snippets. Missing entries
	// (stdin already consumed, image inputs) simply mean "no snippet".
	Sources map[string][]byte
	// FailOn is the threshold: an unsuppressed finding at or above it fails
	// the run. A value above finding.Critical means "never fail on findings".
	FailOn finding.Severity
	// Category is the base of SARIF automationDetails.id, e.g. "hardline/lint".
	Category string
	// Duration is only shown by the verbose text format; machine formats
	// leave it out so that they stay deterministic.
	Duration time.Duration
}

// Options tune how a report is rendered. Color and Verbose only affect the
// text format; Category only SARIF.
type Options struct {
	// Color enables ANSI colors. The caller decides (NO_COLOR, --no-color,
	// whether stdout is a terminal); the reporter never inspects the
	// environment.
	Color bool
	// Verbose also shows suppressed findings and the run duration.
	Verbose bool
	// Category overrides Run.Category as the SARIF automationDetails.id
	// (slashes around it are dropped, one is appended). GitHub keeps one analysis
	// per category, so uploads that must not replace each other (two
	// Dockerfile trees, an image and its Dockerfile) need distinct ones.
	// Empty: Run.Category, or "hardline" when that is empty too.
	Category string
}

const (
	FormatText       = "text"
	FormatJSON       = "json"
	FormatSARIF      = "sarif"
	FormatJUnit      = "junit"
	FormatGitLab     = "gitlab"
	FormatCheckstyle = "checkstyle"
)

// Formats lists the accepted values of Write's format argument.
func Formats() []string {
	return []string{FormatText, FormatJSON, FormatSARIF, FormatJUnit, FormatGitLab, FormatCheckstyle}
}

// Write renders run in format to w. The whole report is built in memory
// first so that a rendering error never leaves half a document behind.
func Write(w io.Writer, format string, run *Run, opts Options) error {
	if run == nil {
		return fmt.Errorf("report: nil run")
	}
	if err := validate(run); err != nil {
		return err
	}
	var buf bytes.Buffer
	var err error
	switch strings.ToLower(strings.TrimSpace(format)) {
	case FormatText:
		writeText(&buf, run, opts)
	case FormatJSON:
		err = writeJSON(&buf, run)
	case FormatSARIF:
		err = writeSARIF(&buf, run, opts)
	case FormatJUnit:
		err = writeJUnit(&buf, run)
	case FormatGitLab:
		err = writeGitLab(&buf, run)
	case FormatCheckstyle:
		err = writeCheckstyle(&buf, run)
	default:
		return fmt.Errorf("report: unknown format %q (want %s)", format, strings.Join(Formats(), ", "))
	}
	if err != nil {
		return err
	}
	_, err = w.Write(buf.Bytes())
	return err
}

// validate rejects input that would otherwise produce a document violating
// its own schema (an out-of-range severity has no name and no SARIF level).
func validate(run *Run) error {
	for i, f := range run.Findings {
		if f.Severity < finding.Info || f.Severity > finding.Critical {
			return fmt.Errorf("report: finding %d (%s): invalid severity %d", i, f.RuleID, int(f.Severity))
		}
	}
	for _, r := range run.Rules {
		if r.Severity < finding.Info || r.Severity > finding.Critical {
			return fmt.Errorf("report: rule %s: invalid severity %d", r.ID, int(r.Severity))
		}
	}
	return nil
}

// Summary is the tally shared by all formats, exported so that the command
// can derive its exit code from exactly what the report says.
type Summary struct {
	Files      int
	Findings   int // unsuppressed findings
	Suppressed int
	// Baselined counts the suppressed findings a --baseline file covers.
	Baselined int
	Errors    int
	Warnings  int
	// BySeverity counts unsuppressed findings, indexed by finding.Severity.
	BySeverity [finding.Critical + 1]int
	FailOn     finding.Severity
	// AtOrAboveFailOn counts unsuppressed findings that reach FailOn.
	AtOrAboveFailOn int
	// Failed is true when the run should exit non-zero: a finding reached
	// FailOn or an input could not be analysed.
	Failed bool
}

// Summarize counts run's findings and errors.
func Summarize(run *Run) Summary {
	s := Summary{Files: len(run.Files), Errors: len(run.Errors), Warnings: len(run.Warnings), FailOn: run.FailOn}
	for _, f := range run.Findings {
		if f.Suppressed != nil {
			s.Suppressed++
			if f.Suppressed.Kind == "baseline" {
				s.Baselined++
			}
			continue
		}
		s.Findings++
		if f.Severity >= finding.Info && f.Severity <= finding.Critical {
			s.BySeverity[f.Severity]++
		}
		if f.Severity >= run.FailOn {
			s.AtOrAboveFailOn++
		}
	}
	s.Failed = s.AtOrAboveFailOn > 0 || s.Errors > 0
	return s
}

// thresholdName names a --fail-on value; anything above critical is the
// "none" that finding.ParseSeverity maps there.
func thresholdName(s finding.Severity) string {
	if s > finding.Critical {
		return "none"
	}
	if s < finding.Info {
		return finding.Info.String()
	}
	return s.String()
}

// fileOrder returns the files to report on: the scanned inputs in order,
// then any file that only appears in findings or errors (for instance an
// image reference), in order of first appearance.
func fileOrder(run *Run) []string {
	seen := make(map[string]bool, len(run.Files))
	var out []string
	add := func(f string) {
		if !seen[f] {
			seen[f] = true
			out = append(out, f)
		}
	}
	for _, f := range run.Files {
		add(f)
	}
	for _, f := range run.Findings {
		add(f.File)
	}
	for _, e := range run.Errors {
		add(e.File)
	}
	return out
}

// rulesByID returns the evaluated rules sorted by ID so that SARIF rule
// indexes do not depend on the order the policy engine happened to load
// them in; a duplicate ID keeps its first occurrence.
func rulesByID(rules []finding.Rule) []finding.Rule {
	out := make([]finding.Rule, 0, len(rules))
	seen := make(map[string]bool, len(rules))
	for _, r := range rules {
		if seen[r.ID] {
			continue
		}
		seen[r.ID] = true
		out = append(out, r)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// helpURI is the rule's documentation page. Built-in rules without an
// explicit URI follow the published convention; custom rules have no page
// unless they declare one.
func helpURI(r finding.Rule) string {
	if r.HelpURI != "" {
		return r.HelpURI
	}
	if r.Builtin && r.ID != "" {
		return finding.DocsBaseURL + r.ID + ".md"
	}
	return ""
}

// nonNil makes nil slices encode as [] rather than null.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// ruleIndex maps rule IDs to the evaluated rules (first occurrence wins, as
// in rulesByID), for formats that need a finding's rule metadata.
func ruleIndex(run *Run) map[string]finding.Rule {
	m := make(map[string]finding.Rule, len(run.Rules))
	for _, r := range run.Rules {
		if _, dup := m[r.ID]; !dup {
			m[r.ID] = r
		}
	}
	return m
}

// findingHelpURI is the finding's own help URI, else its rule's page.
func findingHelpURI(f *finding.Finding, rules map[string]finding.Rule) string {
	if f.HelpURI != "" {
		return f.HelpURI
	}
	if r, ok := rules[f.RuleID]; ok {
		return helpURI(r)
	}
	return ""
}

// inputOf is the input a finding belongs to: the image for image findings
// (even when they point at a Dockerfile line), otherwise the file.
func inputOf(f *finding.Finding) string {
	if f.Image != nil && f.Image.Name != "" {
		return f.Image.Name
	}
	return f.File
}

// positionText is file[:line[:column]], as the text format prints it.
func positionText(file string, l finding.Location) string {
	var b strings.Builder
	b.WriteString(oneLine(file))
	if l.StartLine > 0 {
		b.WriteString(":" + strconv.Itoa(l.StartLine))
		if l.StartColumn > 0 {
			b.WriteString(":" + strconv.Itoa(l.StartColumn))
		}
	}
	return b.String()
}

// imageText says where in an image a finding lies ("layer 3, /usr/bin/x,
// from the base image"); empty for Dockerfile findings.
func imageText(im *finding.ImageRef) string {
	if im == nil {
		return ""
	}
	var parts []string
	if im.Layer >= 0 {
		parts = append(parts, "layer "+strconv.Itoa(im.Layer))
	} else {
		parts = append(parts, "image configuration")
	}
	if im.Path != "" {
		parts = append(parts, oneLine(im.Path))
	}
	switch im.Origin {
	case "base":
		parts = append(parts, "from the base image")
	case "own":
		parts = append(parts, "from the Dockerfile")
	}
	return strings.Join(parts, ", ")
}
