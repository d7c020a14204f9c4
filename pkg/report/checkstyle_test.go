package report

import (
	"encoding/xml"
	"strings"
	"testing"

	"github.com/hardline-dev/hardline/pkg/finding"
)

type csDoc struct {
	XMLName xml.Name `xml:"checkstyle"`
	Version string   `xml:"version,attr"`
	Files   []struct {
		Name   string `xml:"name,attr"`
		Errors []struct {
			Line     string `xml:"line,attr"`
			Column   string `xml:"column,attr"`
			Severity string `xml:"severity,attr"`
			Message  string `xml:"message,attr"`
			Source   string `xml:"source,attr"`
		} `xml:"error"`
	} `xml:"file"`
}

func parseCheckstyle(t *testing.T, doc string) csDoc {
	t.Helper()
	var d csDoc
	dec := xml.NewDecoder(strings.NewReader(doc))
	dec.Strict = true
	if err := dec.Decode(&d); err != nil {
		t.Fatalf("checkstyle output is not well-formed: %v\n%s", err, doc)
	}
	return d
}

func TestCheckstyleContent(t *testing.T) {
	out := render(t, "checkstyle", sampleRun(), Options{})
	if !strings.HasPrefix(out, xml.Header) || !strings.HasSuffix(out, "</checkstyle>\n") {
		t.Errorf("declaration or trailing newline missing:\n%s", out)
	}
	d := parseCheckstyle(t, out)
	if d.Version == "" || len(d.Files) != 2 || d.Files[0].Name != "Dockerfile" || d.Files[1].Name != "app/Dockerfile" {
		t.Fatalf("files = %+v", d.Files)
	}
	var got []string
	for _, e := range d.Files[0].Errors {
		got = append(got, strings.Join([]string{e.Line, e.Column, e.Severity, e.Source, e.Message}, "|"))
	}
	want := []string{
		// The suppressed HL1002 is left out.
		"2|5|info|hardline.HL1003|apk add keeps its cache in the layer",
		"4|1|error|hardline.HL1001|Final image runs as root: USER root",
		// File-level: line 0, no column.
		"0||info|hardline.HL1010|No HEALTHCHECK instruction",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if e := d.Files[1].Errors; len(e) != 1 || e[0].Line != "3" || e[0].Severity != "error" || e[0].Source != "hardline.input-error" || e[0].Message != "unknown instruction: FORM" {
		t.Errorf("input error = %+v", e)
	}
}

func TestCheckstyleSeveritiesAndImages(t *testing.T) {
	want := map[finding.Severity]string{finding.Info: "info", finding.Low: "info", finding.Medium: "warning", finding.High: "error", finding.Critical: "error"}
	for sev, w := range want {
		run := oneFinding("FROM x\n", finding.Finding{Severity: sev})
		if got := parseCheckstyle(t, render(t, "checkstyle", run, Options{})).Files[0].Errors[0].Severity; got != w {
			t.Errorf("%s -> %s, want %s", sev, got, w)
		}
	}
	// An image finding is on the image (whole file, with where in the
	// image); a mapped one on its Dockerfile line, which gets a <file>.
	d := parseCheckstyle(t, render(t, "checkstyle", imageRun(), Options{}))
	if len(d.Files) != 2 || d.Files[0].Name != "app.tar" || d.Files[1].Name != "Dockerfile" {
		t.Fatalf("files = %+v", d.Files)
	}
	if e := d.Files[0].Errors[0]; e.Line != "0" || !strings.HasSuffix(e.Message, "(image configuration)") {
		t.Errorf("image finding = %+v", e)
	}
	if e := d.Files[1].Errors[0]; e.Line != "3" || e.Column != "1" || e.Message != "netdiag is setuid" {
		t.Errorf("mapped finding = %+v", e)
	}
}

func TestCheckstyleDeterministicAndClean(t *testing.T) {
	a := render(t, "checkstyle", sampleRun(), Options{})
	run := sampleRun()
	run.Rules = nil
	run.Duration = 0
	if render(t, "checkstyle", run, Options{}) != a {
		t.Error("checkstyle output depends on rules or duration")
	}
	// A clean input is listed with no errors: consumers count it checked.
	run.Findings, run.Errors = nil, nil
	d := parseCheckstyle(t, render(t, "checkstyle", run, Options{}))
	if len(d.Files) != 2 || len(d.Files[0].Errors)+len(d.Files[1].Errors) != 0 {
		t.Errorf("clean run = %+v", d)
	}
	// Markup in messages is escaped, control characters neutralised.
	run = oneFinding("FROM x\n", finding.Finding{Message: `a <b> & "c"` + "\x07"})
	d = parseCheckstyle(t, render(t, "checkstyle", run, Options{}))
	if m := d.Files[0].Errors[0].Message; m != `a <b> & "c"`+"\ufffd" {
		t.Errorf("message = %q", m)
	}
}

func TestCheckstyleMatchesXSD(t *testing.T) {
	for name, run := range map[string]*Run{"sample": sampleRun(), "image": imageRun(), "empty": {FailOn: finding.Low}} {
		if err := xmllintValidate(t, checkstyleXSD, render(t, "checkstyle", run, Options{})); err != nil {
			t.Errorf("%s: checkstyle violates %s: %v", name, checkstyleXSD, err)
		}
	}
	good := render(t, "checkstyle", sampleRun(), Options{})
	bad := strings.Replace(good, `severity="error"`, `severity="high"`, 1)
	if bad == good || xmllintValidate(t, checkstyleXSD, bad) == nil {
		t.Error("the XSD accepted severity high")
	}
}
