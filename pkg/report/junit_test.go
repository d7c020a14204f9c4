package report

import (
	"encoding/json"
	"encoding/xml"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hardline-dev/hardline/pkg/finding"
)

// The contract XSDs and the Code Quality schema live in the repository.
const (
	junitXSD      = "../../testdata/report/junit.xsd"
	checkstyleXSD = "../../testdata/report/checkstyle.xsd"
	gitlabSchema  = "../../testdata/report/gitlab-codequality.schema.json"
)

// Decoding models, independent of the writer's types so that a renamed
// attribute or element is caught.
type jxSuites struct {
	XMLName  xml.Name  `xml:"testsuites"`
	Name     string    `xml:"name,attr"`
	Tests    int       `xml:"tests,attr"`
	Failures int       `xml:"failures,attr"`
	Errors   int       `xml:"errors,attr"`
	Skipped  int       `xml:"skipped,attr"`
	Suites   []jxSuite `xml:"testsuite"`
}

type jxSuite struct {
	Name       string `xml:"name,attr"`
	Tests      int    `xml:"tests,attr"`
	Failures   int    `xml:"failures,attr"`
	Errors     int    `xml:"errors,attr"`
	Skipped    int    `xml:"skipped,attr"`
	Properties []struct {
		Name  string `xml:"name,attr"`
		Value string `xml:"value,attr"`
	} `xml:"properties>property"`
	Cases []jxCase `xml:"testcase"`
}

type jxCase struct {
	Name      string     `xml:"name,attr"`
	Classname string     `xml:"classname,attr"`
	File      string     `xml:"file,attr"`
	Failures  []jxResult `xml:"failure"`
	Errors    []jxResult `xml:"error"`
	Skipped   []jxResult `xml:"skipped"`
	SystemOut string     `xml:"system-out"`
}

type jxResult struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

func parseJUnit(t *testing.T, doc string) jxSuites {
	t.Helper()
	var s jxSuites
	dec := xml.NewDecoder(strings.NewReader(doc))
	dec.Strict = true
	if err := dec.Decode(&s); err != nil {
		t.Fatalf("JUnit output is not well-formed: %v\n%s", err, doc)
	}
	return s
}

// checkJUnitCounts verifies what consumers trust without recounting: every
// count equals the testcases it summarises, each testcase has at most one
// outcome and a unique name in its suite.
func checkJUnitCounts(t *testing.T, s jxSuites) {
	t.Helper()
	var tt, tf, te, ts int
	for _, su := range s.Suites {
		var f, e, sk int
		names := map[string]bool{}
		for _, c := range su.Cases {
			if names[c.Name] {
				t.Errorf("suite %s: duplicate testcase %q", su.Name, c.Name)
			}
			names[c.Name] = true
			if n := len(c.Failures) + len(c.Errors) + len(c.Skipped); n > 1 {
				t.Errorf("suite %s, case %s: %d outcome elements", su.Name, c.Name, n)
			}
			f += len(c.Failures)
			e += len(c.Errors)
			sk += len(c.Skipped)
		}
		if su.Tests != len(su.Cases) || su.Failures != f || su.Errors != e || su.Skipped != sk {
			t.Errorf("suite %s counts tests=%d failures=%d errors=%d skipped=%d, testcases say %d/%d/%d/%d",
				su.Name, su.Tests, su.Failures, su.Errors, su.Skipped, len(su.Cases), f, e, sk)
		}
		tt, tf, te, ts = tt+su.Tests, tf+su.Failures, te+su.Errors, ts+su.Skipped
	}
	if s.Tests != tt || s.Failures != tf || s.Errors != te || s.Skipped != ts {
		t.Errorf("testsuites counts %d/%d/%d/%d, suites add up to %d/%d/%d/%d", s.Tests, s.Failures, s.Errors, s.Skipped, tt, tf, te, ts)
	}
}

func suiteNamed(t *testing.T, s jxSuites, name string) jxSuite {
	t.Helper()
	for _, su := range s.Suites {
		if su.Name == name {
			return su
		}
	}
	t.Fatalf("no testsuite %q", name)
	return jxSuite{}
}

func caseNamed(t *testing.T, su jxSuite, name string) jxCase {
	t.Helper()
	for _, c := range su.Cases {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("suite %s: no testcase %q", su.Name, name)
	return jxCase{}
}

func caseNames(su jxSuite) string {
	var n []string
	for _, c := range su.Cases {
		n = append(n, c.Name)
	}
	return strings.Join(n, ",")
}

func TestJUnitContent(t *testing.T) {
	out := render(t, "junit", sampleRun(), Options{})
	if !strings.HasPrefix(out, `<?xml version="1.0" encoding="UTF-8"?>`) || !strings.HasSuffix(out, "</testsuites>\n") {
		t.Errorf("want an XML declaration and a trailing newline:\n%s", out)
	}
	doc := parseJUnit(t, out)
	checkJUnitCounts(t, doc)
	if doc.Name != "hardline" || len(doc.Suites) != 2 || doc.Suites[0].Name != "Dockerfile" || doc.Suites[1].Name != "app/Dockerfile" {
		t.Fatalf("suites = %+v", doc.Suites)
	}

	df := doc.Suites[0]
	// Every evaluated rule is a testcase on a scanned input, sorted by ID.
	if got := caseNames(df); got != "HL1001 run-as-root,HL1002 latest-tag,HL1003 apk-no-cache,HL1010 no-healthcheck,HL1099 never-fires" {
		t.Errorf("testcases = %s", got)
	}
	root := caseNamed(t, df, "HL1001 run-as-root")
	if root.Classname != "Dockerfile" || root.File != "Dockerfile" || len(root.Failures) != 1 {
		t.Fatalf("HL1001 = %+v", root)
	}
	f := root.Failures[0]
	if f.Message != "Final image runs as root: USER root" || f.Type != "high" {
		t.Errorf("failure attrs = %q / %q", f.Message, f.Type)
	}
	for _, want := range []string{"Dockerfile:4:1  HIGH  HL1001 run-as-root", "fix: Switch to an unprivileged user", "help: " + finding.DocsBaseURL + "HL1001.md", "fingerprint: fp-root"} {
		if !strings.Contains(f.Text, want) {
			t.Errorf("failure text lacks %q:\n%s", want, f.Text)
		}
	}
	// The only finding of HL1002 is suppressed: skipped, with the reason.
	latest := caseNamed(t, df, "HL1002 latest-tag")
	if len(latest.Skipped) != 1 || len(latest.Failures) != 0 || latest.Skipped[0].Message != "suppressed: pinned by digest upstream" {
		t.Errorf("suppressed rule = %+v", latest)
	}
	if !strings.Contains(latest.SystemOut, "suppressed (inline): pinned by digest upstream") || !strings.Contains(latest.SystemOut, "help: https://example.test/HL1002") {
		t.Errorf("suppressed finding not described:\n%s", latest.SystemOut)
	}
	// A file-level finding has no line in its position.
	health := caseNamed(t, df, "HL1010 no-healthcheck")
	if len(health.Failures) != 1 || !strings.HasPrefix(health.Failures[0].Text, "Dockerfile  LOW  HL1010") {
		t.Errorf("file-level finding = %+v", health)
	}
	// A rule without findings passes; a custom rule has no help line.
	never := caseNamed(t, df, "HL1099 never-fires")
	if len(never.Failures)+len(never.Errors)+len(never.Skipped) != 0 || never.SystemOut != "" {
		t.Errorf("rule without findings = %+v", never)
	}

	// The file that did not parse claims no passing rule, only its error.
	bad := doc.Suites[1]
	if len(bad.Cases) != 1 || bad.Cases[0].Name != "input error at line 3" || len(bad.Cases[0].Errors) != 1 {
		t.Fatalf("errored input = %+v", bad)
	}
	if e := bad.Cases[0].Errors[0]; e.Message != "unknown instruction: FORM" || e.Type != "input-error" || e.Text != "app/Dockerfile:3: unknown instruction: FORM" {
		t.Errorf("error = %+v", e)
	}
	if doc.Tests != 6 || doc.Failures != 3 || doc.Errors != 1 || doc.Skipped != 1 {
		t.Errorf("totals = %d/%d/%d/%d", doc.Tests, doc.Failures, doc.Errors, doc.Skipped)
	}
	props := map[string]string{}
	for _, p := range df.Properties {
		props[p.Name] = p.Value
	}
	if props["hardline.version"] != "v1.4.2" || props["hardline.rules_version"] != "2026.11" || props["hardline.fail_on"] != "low" {
		t.Errorf("properties = %v", props)
	}
}

// Findings below --fail-on do not fail their testcase, so that the failure
// count agrees with the exit status; they stay visible in system-out.
func TestJUnitFailOn(t *testing.T) {
	run := sampleRun()
	run.FailOn = finding.High
	run.Errors = nil
	doc := parseJUnit(t, render(t, "junit", run, Options{}))
	checkJUnitCounts(t, doc)
	if doc.Failures != 1 {
		t.Errorf("failures = %d, want only HL1001 (high)", doc.Failures)
	}
	apk := caseNamed(t, doc.Suites[0], "HL1003 apk-no-cache")
	if len(apk.Failures) != 0 || !strings.Contains(apk.SystemOut, "1 finding below --fail-on high") || !strings.Contains(apk.SystemOut, "Dockerfile:2:5  LOW  HL1003") {
		t.Errorf("below-threshold finding = %+v", apk)
	}

	run.FailOn = finding.Critical + 1 // --fail-on none
	doc = parseJUnit(t, render(t, "junit", run, Options{}))
	if doc.Failures != 0 || Summarize(run).Failed {
		t.Errorf("--fail-on none: %d failures", doc.Failures)
	}
}

func TestJUnitSeveralFindingsOneRule(t *testing.T) {
	run := sampleRun()
	run.Errors = nil
	extra := run.Findings[2] // HL1001
	extra.Location = finding.Location{StartLine: 5, StartColumn: 1, EndLine: 5, EndColumn: 9}
	extra.Message = "CMD runs as root too"
	extra.Severity = finding.Critical
	extra.Fingerprint = "fp-root-2"
	suppressed := run.Findings[2]
	suppressed.Message = "accepted"
	suppressed.Fingerprint = "fp-root-3"
	suppressed.Suppressed = &finding.Suppression{Kind: "config", Reason: "legacy image"}
	run.Findings = append(run.Findings, extra, suppressed)
	doc := parseJUnit(t, render(t, "junit", run, Options{}))
	checkJUnitCounts(t, doc)
	c := caseNamed(t, doc.Suites[0], "HL1001 run-as-root")
	if len(c.Failures) != 1 {
		t.Fatalf("want one failure element, got %+v", c)
	}
	f := c.Failures[0]
	if f.Message != "2 findings; first: Final image runs as root: USER root" || f.Type != "critical" {
		t.Errorf("failure attrs = %q / %q", f.Message, f.Type)
	}
	if strings.Count(f.Text, "HL1001 run-as-root") != 2 || !strings.Contains(f.Text, "Dockerfile:5:1  CRITICAL") || strings.Contains(f.Text, "accepted") {
		t.Errorf("failure text:\n%s", f.Text)
	}
	if !strings.Contains(c.SystemOut, "1 suppressed finding") || !strings.Contains(c.SystemOut, "legacy image") {
		t.Errorf("system-out:\n%s", c.SystemOut)
	}
}

func imageRun() *Run {
	run := &Run{
		Tool:     Tool{Name: "hardline", Version: "v1.4.2"},
		Rules:    sampleRules()[:2],
		Files:    []string{"app.tar"},
		FailOn:   finding.Low,
		Category: "hardline/image",
		Findings: []finding.Finding{
			{
				RuleID: "HL1001", RuleName: "run-as-root", Severity: finding.High, Message: "config User is empty: the container runs as root",
				File: "app.tar", Stage: -1, Fingerprint: "fp-img-root",
				Image: &finding.ImageRef{Name: "app.tar", Digest: "sha256:abc", Layer: -1, History: -1},
			},
			{
				RuleID: "HL1002", RuleName: "latest-tag", Severity: finding.Medium, Message: "netdiag is setuid",
				File: "Dockerfile", Location: finding.Location{StartLine: 3, StartColumn: 1, EndLine: 3, EndColumn: 20},
				Stage: -1, Fingerprint: "fp-img-df",
				Image: &finding.ImageRef{Name: "app.tar", Layer: 3, LayerDigest: "sha256:def", History: 5, Path: "/usr/local/bin/netdiag", Origin: "own"},
			},
		},
	}
	return run
}

// Image findings belong to the image's suite even when they point at a
// Dockerfile line; the Dockerfile gets no suite of rules it never ran.
func TestJUnitImage(t *testing.T) {
	doc := parseJUnit(t, render(t, "junit", imageRun(), Options{}))
	checkJUnitCounts(t, doc)
	if len(doc.Suites) != 1 || doc.Suites[0].Name != "app.tar" {
		t.Fatalf("suites = %+v", doc.Suites)
	}
	su := doc.Suites[0]
	root := caseNamed(t, su, "HL1001 run-as-root")
	if len(root.Failures) != 1 || !strings.HasPrefix(root.Failures[0].Text, "app.tar  HIGH") || !strings.Contains(root.Failures[0].Text, "in image: image configuration") {
		t.Errorf("config finding = %+v", root)
	}
	df := caseNamed(t, su, "HL1002 latest-tag")
	if len(df.Failures) != 1 || !strings.Contains(df.Failures[0].Text, "Dockerfile:3:1  MEDIUM") ||
		!strings.Contains(df.Failures[0].Text, "in image: layer 3, /usr/local/bin/netdiag, from the Dockerfile") {
		t.Errorf("mapped finding = %+v", df)
	}
	var digest bool
	for _, p := range su.Properties {
		digest = digest || p.Name == "hardline.image_digest" && p.Value == "sha256:abc"
	}
	if !digest {
		t.Errorf("no image digest property: %+v", su.Properties)
	}
}

// Messages quote Dockerfile text: markup, a CDATA terminator and control
// characters must neither break the document nor be lost.
func TestJUnitHostileText(t *testing.T) {
	run := sampleRun()
	run.Findings[2].Message = "USER <root> & \"x\" ]]> done\x01\x1b[31m"
	run.Files[0] = "dir/<Docker&file>"
	for i := range run.Findings {
		run.Findings[i].File = run.Files[0]
	}
	out := render(t, "junit", run, Options{})
	doc := parseJUnit(t, out)
	su := suiteNamed(t, doc, "dir/<Docker&file>")
	c := caseNamed(t, su, "HL1001 run-as-root")
	if len(c.Failures) != 1 || !strings.Contains(c.Failures[0].Text, "USER <root> & \"x\" ]]> done\ufffd\ufffd[31m") ||
		c.Failures[0].Message != "USER <root> & \"x\" ]]> done\ufffd\ufffd[31m" {
		t.Errorf("hostile message not carried faithfully: %+v", c.Failures)
	}
	if strings.ContainsAny(out, "\x01\x1b") {
		t.Error("control characters reached the XML")
	}
	if xmlSafe("a\x00b\uFFFEc\U0001F600\t") != "a\ufffdb\ufffdc\U0001F600\t" {
		t.Errorf("xmlSafe = %q", xmlSafe("a\x00b\uFFFEc\U0001F600\t"))
	}
}

func TestJUnitDeterministic(t *testing.T) {
	a := render(t, "junit", sampleRun(), Options{})
	run := sampleRun()
	for i, j := 0, len(run.Rules)-1; i < j; i, j = i+1, j-1 {
		run.Rules[i], run.Rules[j] = run.Rules[j], run.Rules[i]
	}
	run.Duration *= 7
	if b := render(t, "junit", run, Options{}); a != b {
		t.Fatalf("JUnit output depends on rule order or duration:\n%s\nvs\n%s", a, b)
	}
	if strings.Contains(a, "time=") || strings.Contains(a, "timestamp") {
		t.Error("JUnit report carries a time")
	}
}

func TestJUnitEmptyRun(t *testing.T) {
	doc := parseJUnit(t, render(t, "junit", &Run{FailOn: finding.Low}, Options{}))
	if doc.Tests != 0 || len(doc.Suites) != 0 {
		t.Errorf("empty run = %+v", doc)
	}
	// A clean input with rules: all testcases pass.
	run := sampleRun()
	run.Findings, run.Errors, run.Files = nil, nil, []string{"Dockerfile"}
	doc = parseJUnit(t, render(t, "junit", run, Options{}))
	checkJUnitCounts(t, doc)
	if doc.Tests != 5 || doc.Failures+doc.Errors+doc.Skipped != 0 {
		t.Errorf("clean run = %d tests, %d failures", doc.Tests, doc.Failures)
	}
}

// xmllintValidate validates doc against an XSD with libxml2's xmllint
// (Debian: libxml2-utils); Go has no XSD validator.
func xmllintValidate(t *testing.T, xsd, doc string) error {
	t.Helper()
	xmllint, err := exec.LookPath("xmllint")
	if err != nil {
		t.Skip("xmllint not installed (apt-get install libxml2-utils); skipping XSD validation")
	}
	p := filepath.Join(t.TempDir(), "doc.xml")
	if err := os.WriteFile(p, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(xmllint, "--noout", "--nonet", "--schema", xsd, p).CombinedOutput()
	if err != nil {
		return &xsdError{string(out)}
	}
	return nil
}

type xsdError struct{ out string }

func (e *xsdError) Error() string { return e.out }

func TestJUnitMatchesXSD(t *testing.T) {
	for name, run := range map[string]*Run{"sample": sampleRun(), "image": imageRun(), "empty": {FailOn: finding.Low}} {
		if err := xmllintValidate(t, junitXSD, render(t, "junit", run, Options{})); err != nil {
			t.Errorf("%s: JUnit violates %s: %v", name, junitXSD, err)
		}
	}
	// The schema must be able to reject: two outcomes in one testcase, a
	// missing count, duplicate testcase names.
	good := render(t, "junit", sampleRun(), Options{})
	for name, bad := range map[string]string{
		"two outcomes":   strings.Replace(good, "</failure>", "</failure><skipped message=\"x\"></skipped>", 1),
		"missing count":  strings.Replace(good, `<testsuite name="Dockerfile" tests="5"`, `<testsuite name="Dockerfile"`, 1),
		"duplicate case": strings.Replace(good, `name="HL1003 apk-no-cache"`, `name="HL1001 run-as-root"`, 1),
	} {
		if bad == good {
			t.Fatalf("%s: mutation did not apply", name)
		}
		if err := xmllintValidate(t, junitXSD, bad); err == nil {
			t.Errorf("%s: the XSD accepted an invalid report", name)
		}
	}
}

// junitparser (Debian: python3-junitparser) is a JUnit reader used by CI
// tooling; what it reads back must be what hardline meant.
func TestJUnitReadByJunitparser(t *testing.T) {
	// Debian's package serves the system interpreter, which a version
	// manager's python3 on PATH may shadow.
	py := ""
	for _, cand := range []string{"python3", "/usr/bin/python3"} {
		if p, err := exec.LookPath(cand); err == nil && exec.Command(p, "-c", "import junitparser").Run() == nil {
			py = p
			break
		}
	}
	if py == "" {
		t.Skip("no python3 with junitparser (apt-get install python3-junitparser); skipping")
	}
	p := filepath.Join(t.TempDir(), "junit.xml")
	if err := os.WriteFile(p, []byte(render(t, "junit", sampleRun(), Options{})), 0o644); err != nil {
		t.Fatal(err)
	}
	const script = `
import json, sys
from junitparser import JUnitXml, Failure, Error, Skipped
xml = JUnitXml.fromfile(sys.argv[1])
out = []
for suite in xml:
    for case in suite:
        kinds = [type(r).__name__ for r in case.result]
        out.append([suite.name, case.name, case.classname, kinds, [r.message for r in case.result]])
print(json.dumps({"tests": xml.tests, "failures": xml.failures, "errors": xml.errors, "skipped": xml.skipped, "cases": out}))
`
	raw, err := exec.Command(py, "-c", script, p).Output()
	if err != nil {
		t.Fatalf("junitparser could not read the report: %v", err)
	}
	var got struct {
		Tests, Failures, Errors, Skipped int
		Cases                            [][]any
	}
	if err := json.Unmarshal(raw, &got); err != nil {
		t.Fatalf("%v: %s", err, raw)
	}
	if got.Tests != 6 || got.Failures != 3 || got.Errors != 1 || got.Skipped != 1 || len(got.Cases) != 6 {
		t.Errorf("junitparser read %s", raw)
	}
	want := map[string]string{
		"HL1001 run-as-root":    `["Failure"]`,
		"HL1002 latest-tag":     `["Skipped"]`,
		"HL1099 never-fires":    `[]`,
		"input error at line 3": `["Error"]`,
	}
	for _, c := range got.Cases {
		kinds, _ := json.Marshal(c[3])
		if w, ok := want[c[1].(string)]; ok && string(kinds) != w {
			t.Errorf("%v: results %s, want %s", c[1], kinds, w)
		}
	}
}
