package report

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/hardline-dev/hardline/pkg/finding"
)

// JUnit XML has no normative schema; what CI systems read (GitLab's test
// report, Jenkins' junit plugin, GitHub test-report actions) is the common
// subset below. Each input is a testsuite and each (rule, input) a testcase,
// so a test UI shows "HL1001 run-as-root" passing or failing per Dockerfile
// or image. No time or timestamp attributes: nothing here was timed, and
// the report must be byte-identical for identical input.
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string          `xml:"name,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Errors     int             `xml:"errors,attr"`
	Skipped    int             `xml:"skipped,attr"`
	Properties *junitProps     `xml:"properties,omitempty"`
	Cases      []junitTestCase `xml:"testcase"`
}

type junitProps struct {
	Props []junitProp `xml:"property"`
}

type junitProp struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitTestCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	File      string        `xml:"file,attr,omitempty"`
	Skipped   *junitSkipped `xml:"skipped,omitempty"`
	Error     *junitProblem `xml:"error,omitempty"`
	Failure   *junitProblem `xml:"failure,omitempty"`
	SystemOut *junitText    `xml:"system-out,omitempty"`
}

// Multi-line texts are CDATA so that CI logs show them as written rather
// than with every newline escaped as &#xA;.
type junitProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",cdata"`
}

type junitText struct {
	Text string `xml:",cdata"`
}

type junitSkipped struct {
	Message string `xml:"message,attr"`
}

// junitInput collects what one testsuite reports.
type junitInput struct {
	name     string
	scanned  bool // one of run.Files: every evaluated rule ran on it
	findings map[string][]*finding.Finding
	errors   []InputError
}

func writeJUnit(buf *bytes.Buffer, run *Run) error {
	rules := sarifRuleSet(run) // sorted by ID, plus rules only findings name
	byID := ruleIndex(run)
	var order []string
	inputs := map[string]*junitInput{}
	get := func(name string) *junitInput {
		in, ok := inputs[name]
		if !ok {
			in = &junitInput{name: name, findings: map[string][]*finding.Finding{}}
			inputs[name] = in
			order = append(order, name)
		}
		return in
	}
	for _, f := range run.Files {
		get(f).scanned = true
	}
	for i := range run.Findings {
		f := &run.Findings[i]
		in := get(inputOf(f))
		in.findings[f.RuleID] = append(in.findings[f.RuleID], f)
	}
	for _, e := range run.Errors {
		in := get(e.File)
		in.errors = append(in.errors, e)
	}

	doc := junitSuites{Name: "hardline", Suites: make([]junitSuite, 0, len(order))}
	for _, name := range order {
		in := inputs[name]
		s := junitSuite{Name: name}
		s.Properties = junitSuiteProps(run, name)
		for _, r := range rules {
			fs := in.findings[r.ID]
			// A rule "passes" only on an input it really ran on: not on a
			// file that failed to parse, nor on a Dockerfile that only
			// appears because image findings were mapped onto it.
			if len(fs) == 0 && (!in.scanned || len(in.errors) > 0) {
				continue
			}
			s.Cases = append(s.Cases, junitRuleCase(run, name, r, fs, byID))
		}
		s.Cases = append(s.Cases, junitErrorCases(name, in.errors)...)
		for _, c := range s.Cases {
			s.Tests++
			switch {
			case c.Failure != nil:
				s.Failures++
			case c.Error != nil:
				s.Errors++
			case c.Skipped != nil:
				s.Skipped++
			}
		}
		doc.Tests += s.Tests
		doc.Failures += s.Failures
		doc.Errors += s.Errors
		doc.Skipped += s.Skipped
		doc.Suites = append(doc.Suites, s)
	}

	return writeXML(buf, doc)
}

// junitSuiteProps records what produced the suite, so that a test report
// archived by CI still says which hardline and which rule set judged it.
func junitSuiteProps(run *Run, input string) *junitProps {
	var p []junitProp
	add := func(name, value string) {
		if value != "" {
			p = append(p, junitProp{Name: name, Value: value})
		}
	}
	add("hardline.version", run.Tool.Version)
	add("hardline.rules_version", run.Tool.RulesVersion)
	add("hardline.fail_on", thresholdName(run.FailOn))
	for i := range run.Findings {
		if im := run.Findings[i].Image; im != nil && im.Digest != "" && inputOf(&run.Findings[i]) == input {
			add("hardline.image_digest", im.Digest)
			break
		}
	}
	if len(p) == 0 {
		return nil
	}
	return &junitProps{Props: p}
}

// junitRuleCase is the testcase of one rule on one input. It fails when an
// unsuppressed finding reaches --fail-on, so that the failure count agrees
// with hardline's exit status; findings below the threshold and suppressed
// ones are listed in system-out. A rule whose findings are all suppressed
// is skipped, with the reason.
func junitRuleCase(run *Run, input string, r finding.Rule, fs []*finding.Finding, byID map[string]finding.Rule) junitTestCase {
	c := junitTestCase{Name: junitCaseName(r), Classname: input, File: input}
	var failing, below, suppressed []*finding.Finding
	for _, f := range fs {
		switch {
		case f.Suppressed != nil:
			suppressed = append(suppressed, f)
		case f.Severity >= run.FailOn:
			failing = append(failing, f)
		default:
			below = append(below, f)
		}
	}
	var out strings.Builder
	if len(below) > 0 {
		fmt.Fprintf(&out, "%s below --fail-on %s:\n\n", plural(len(below), "finding", "findings"), thresholdName(run.FailOn))
		for _, f := range below {
			out.WriteString(junitFindingText(f, byID))
		}
	}
	if len(suppressed) > 0 {
		fmt.Fprintf(&out, "%s:\n\n", plural(len(suppressed), "suppressed finding", "suppressed findings"))
		for _, f := range suppressed {
			out.WriteString(junitFindingText(f, byID))
		}
	}
	if out.Len() > 0 {
		c.SystemOut = &junitText{Text: xmlSafe(strings.TrimRight(out.String(), "\n"))}
	}

	switch {
	case len(failing) > 0:
		top := failing[0].Severity
		var text strings.Builder
		for _, f := range failing {
			if f.Severity > top {
				top = f.Severity
			}
			text.WriteString(junitFindingText(f, byID))
		}
		msg := oneLine(firstNonEmpty(failing[0].Message, failing[0].Title, failing[0].RuleID))
		if len(failing) > 1 {
			msg = fmt.Sprintf("%d findings; first: %s", len(failing), msg)
		}
		c.Failure = &junitProblem{Message: msg, Type: top.String(), Text: xmlSafe(strings.TrimRight(text.String(), "\n"))}
	case len(below) == 0 && len(suppressed) > 0:
		reasons := make([]string, 0, len(suppressed))
		seen := map[string]bool{}
		for _, f := range suppressed {
			rs := oneLine(firstNonEmpty(f.Suppressed.Reason, f.Suppressed.Kind, "suppressed"))
			if !seen[rs] {
				seen[rs] = true
				reasons = append(reasons, rs)
			}
		}
		c.Skipped = &junitSkipped{Message: "suppressed: " + strings.Join(reasons, "; ")}
	}
	return c
}

func junitCaseName(r finding.Rule) string {
	if r.Name != "" && r.Name != r.ID {
		return r.ID + " " + r.Name
	}
	return r.ID
}

// junitFindingText is one finding as a CI log shows it: where, what, how to
// fix it and where the rule is documented. Messages are already masked;
// source lines are never included.
func junitFindingText(f *finding.Finding, byID map[string]finding.Rule) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s  %s  %s\n", positionText(f.File, f.Location), strings.ToUpper(f.Severity.String()), junitCaseName(finding.Rule{ID: f.RuleID, Name: f.RuleName}))
	b.WriteString(oneLine(firstNonEmpty(f.Message, f.Title, f.RuleID)) + "\n")
	if where := imageText(f.Image); where != "" {
		b.WriteString("in image: " + where + "\n")
	}
	if sp := f.Suppressed; sp != nil {
		b.WriteString("suppressed (" + oneLine(firstNonEmpty(sp.Kind, "suppressed")) + ")")
		if sp.Reason != "" {
			b.WriteString(": " + oneLine(sp.Reason))
		}
		b.WriteString("\n")
	}
	if fix := fixHint(f.Remediation); fix != "" {
		b.WriteString("fix: " + fix + "\n")
	}
	if u := findingHelpURI(f, byID); u != "" {
		b.WriteString("help: " + u + "\n")
	}
	if f.Fingerprint != "" {
		b.WriteString("fingerprint: " + f.Fingerprint + "\n")
	}
	b.WriteString("\n")
	return b.String()
}

// junitErrorCases turns the input's errors into testcases in error, named
// uniquely within the suite: GitLab keeps only the first of equal names.
func junitErrorCases(input string, errs []InputError) []junitTestCase {
	out := make([]junitTestCase, 0, len(errs))
	seen := map[string]int{}
	for _, e := range errs {
		name := "input error"
		if e.Line > 0 {
			name += " at line " + strconv.Itoa(e.Line)
		}
		seen[name]++
		if n := seen[name]; n > 1 {
			name += " (" + strconv.Itoa(n) + ")"
		}
		msg := oneLine(firstNonEmpty(e.Message, "input error"))
		out = append(out, junitTestCase{
			Name: name, Classname: input, File: input,
			Error: &junitProblem{Message: msg, Type: "input-error", Text: xmlSafe(errorText(e))},
		})
	}
	return out
}

// xmlSafe replaces what XML 1.0 cannot carry at all, not even escaped, with
// U+FFFD. encoding/xml does so for attributes and character data but writes
// CDATA as given.
func xmlSafe(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\t' || r == '\n' || r == '\r',
			r >= 0x20 && r <= 0xD7FF,
			r >= 0xE000 && r <= 0xFFFD,
			r >= 0x10000 && r <= 0x10FFFF:
			return r
		}
		return utf8.RuneError
	}, s)
}

// writeXML writes doc as an indented XML document with its declaration.
func writeXML(buf *bytes.Buffer, doc any) error {
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(buf)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	buf.WriteString("\n")
	return nil
}
