package report

import (
	"bytes"
	"encoding/xml"

	"github.com/hardline-dev/hardline/pkg/finding"
)

// Checkstyle's XML output is what reviewdog (-f=checkstyle) and Jenkins
// warnings-ng read from linters of every language: a <file> per input with
// an <error> per problem.
type checkstyleDoc struct {
	XMLName xml.Name         `xml:"checkstyle"`
	Version string           `xml:"version,attr"`
	Files   []checkstyleFile `xml:"file"`
}

type checkstyleFile struct {
	Name   string            `xml:"name,attr"`
	Errors []checkstyleError `xml:"error"`
}

// checkstyleError: line 0 means the whole file (as checkstyle itself
// reports file-level checks); column is left out when unknown.
type checkstyleError struct {
	Line     int    `xml:"line,attr"`
	Column   int    `xml:"column,attr,omitempty"`
	Severity string `xml:"severity,attr"`
	Message  string `xml:"message,attr"`
	Source   string `xml:"source,attr"`
}

// checkstyleVersion is the report format version checkstyle writes and its
// consumers accept.
const checkstyleVersion = "4.3"

// checkstyleSeverity maps onto checkstyle's error/warning/info like SARIF's
// levels, so both tools gate the same findings.
func checkstyleSeverity(s finding.Severity) string {
	switch {
	case s >= finding.High:
		return "error"
	case s == finding.Medium:
		return "warning"
	default:
		return "info"
	}
}

// writeCheckstyle lists every scanned input (a clean one as an empty
// <file>), its unsuppressed findings and its input errors (source
// "hardline.input-error"). Suppressed findings are left out: checkstyle has
// no suppressed state and consumers would report them as live.
func writeCheckstyle(buf *bytes.Buffer, run *Run) error {
	doc := checkstyleDoc{Version: checkstyleVersion}
	index := map[string]int{}
	get := func(name string) *checkstyleFile {
		i, ok := index[name]
		if !ok {
			i = len(doc.Files)
			index[name] = i
			doc.Files = append(doc.Files, checkstyleFile{Name: name})
		}
		return &doc.Files[i]
	}
	for _, f := range run.Files {
		get(f)
	}
	for i := range run.Findings {
		f := &run.Findings[i]
		if f.Suppressed != nil {
			continue
		}
		msg := oneLine(firstNonEmpty(f.Message, f.Title, f.RuleID))
		if where := imageText(f.Image); where != "" && f.Location.StartLine == 0 {
			msg += " (" + where + ")"
		}
		e := checkstyleError{
			Line:     max(f.Location.StartLine, 0),
			Severity: checkstyleSeverity(f.Severity),
			Message:  msg,
			Source:   "hardline." + f.RuleID,
		}
		if e.Line > 0 {
			e.Column = max(f.Location.StartColumn, 0)
		}
		cf := get(f.File)
		cf.Errors = append(cf.Errors, e)
	}
	for _, ie := range run.Errors {
		cf := get(ie.File)
		cf.Errors = append(cf.Errors, checkstyleError{
			Line:     max(ie.Line, 0),
			Severity: "error",
			Message:  oneLine(firstNonEmpty(ie.Message, "input error")),
			Source:   "hardline.input-error",
		})
	}
	return writeXML(buf, doc)
}
