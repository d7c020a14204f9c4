package report

import (
	"bytes"
	"encoding/json"

	"github.com/hardline-dev/hardline/pkg/finding"
)

// SchemaVersion identifies the JSON document layout; it changes only on an
// incompatible change. docs/schema/findings.v1.json describes it.
const SchemaVersion = "hardline.findings/v1"

// The JSON document is built from types of its own rather than by encoding
// finding.Finding directly: the wire format is a public contract and must
// not move when someone edits a struct tag in another package. Every field
// is always present (no omitempty) except "suppressed", "image" and
// "secret" on a finding, so consumers can rely on the shape.
type jsonDoc struct {
	SchemaVersion string        `json:"schema_version"`
	Tool          jsonTool      `json:"tool"`
	Summary       jsonSummary   `json:"summary"`
	Findings      []jsonFinding `json:"findings"`
	Errors        []jsonError   `json:"errors"`
	Warnings      []jsonError   `json:"warnings"`
	Files         []string      `json:"files"`
}

type jsonTool struct {
	Name           string `json:"name"`
	Version        string `json:"version"`
	Commit         string `json:"commit"`
	RulesVersion   string `json:"rules_version"`
	InformationURI string `json:"information_uri"`
}

type jsonSummary struct {
	Files      int            `json:"files"`
	Findings   int            `json:"findings"`
	Suppressed int            `json:"suppressed"`
	Errors     int            `json:"errors"`
	BySeverity jsonBySeverity `json:"by_severity"`
	FailOn     string         `json:"fail_on"`
	Failed     bool           `json:"failed"`
}

// jsonBySeverity is a struct, not a map, so that the keys come out from
// most to least severe, as people read them.
type jsonBySeverity struct {
	Critical int `json:"critical"`
	High     int `json:"high"`
	Medium   int `json:"medium"`
	Low      int `json:"low"`
	Info     int `json:"info"`
}

type jsonControl struct {
	Framework string `json:"framework"`
	ID        string `json:"id"`
}

type jsonLocation struct {
	StartLine   int `json:"start_line"`
	StartColumn int `json:"start_column"`
	EndLine     int `json:"end_line"`
	EndColumn   int `json:"end_column"`
}

type jsonSuppression struct {
	Kind    string `json:"kind"`
	Reason  string `json:"reason"`
	Source  string `json:"source"`
	Owner   string `json:"owner,omitempty"`
	Expires string `json:"expires,omitempty"`
}

type jsonFinding struct {
	RuleID      string           `json:"rule_id"`
	RuleName    string           `json:"rule_name"`
	Title       string           `json:"title"`
	Severity    string           `json:"severity"`
	Tags        []string         `json:"tags"`
	Controls    []jsonControl    `json:"controls"`
	Message     string           `json:"message"`
	Remediation string           `json:"remediation"`
	HelpURI     string           `json:"help_uri"`
	File        string           `json:"file"`
	Location    jsonLocation     `json:"location"`
	Stage       int              `json:"stage"`
	StageName   string           `json:"stage_name"`
	Fingerprint string           `json:"fingerprint"`
	Suppressed  *jsonSuppression `json:"suppressed,omitempty"`
	// ExpiredWaiver is the waiver that would have suppressed the finding
	// had it not expired.
	ExpiredWaiver *jsonSuppression `json:"expired_waiver,omitempty"`
	Image         *jsonImage       `json:"image,omitempty"`
	Secret        *jsonSecret      `json:"secret,omitempty"`
}

// jsonSecret names the secret value a finding is about; the value itself
// never leaves hardline.
type jsonSecret struct {
	Fingerprint string `json:"fingerprint"`
	Rule        string `json:"rule"`
	Masked      string `json:"masked"`
}

type jsonImage struct {
	Name        string `json:"name"`
	Digest      string `json:"digest"`
	Layer       int    `json:"layer"`
	LayerDigest string `json:"layer_digest"`
	History     int    `json:"history"`
	Path        string `json:"path"`
	Origin      string `json:"origin"`
}

type jsonError struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Message string `json:"message"`
}

func writeJSON(buf *bytes.Buffer, run *Run) error {
	s := Summarize(run)
	doc := jsonDoc{
		SchemaVersion: SchemaVersion,
		Tool: jsonTool{
			Name:           run.Tool.Name,
			Version:        run.Tool.Version,
			Commit:         run.Tool.Commit,
			RulesVersion:   run.Tool.RulesVersion,
			InformationURI: run.Tool.InformationURI,
		},
		Summary: jsonSummary{
			Files:      s.Files,
			Findings:   s.Findings,
			Suppressed: s.Suppressed,
			Errors:     s.Errors,
			BySeverity: jsonBySeverity{
				Critical: s.BySeverity[finding.Critical],
				High:     s.BySeverity[finding.High],
				Medium:   s.BySeverity[finding.Medium],
				Low:      s.BySeverity[finding.Low],
				Info:     s.BySeverity[finding.Info],
			},
			FailOn: thresholdName(s.FailOn),
			Failed: s.Failed,
		},
		Findings: make([]jsonFinding, 0, len(run.Findings)),
		Errors:   make([]jsonError, 0, len(run.Errors)),
		Warnings: make([]jsonError, 0, len(run.Warnings)),
		Files:    nonNil(run.Files),
	}

	rules := make(map[string]finding.Rule, len(run.Rules))
	for _, r := range run.Rules {
		if _, dup := rules[r.ID]; !dup {
			rules[r.ID] = r
		}
	}
	for _, f := range run.Findings {
		jf := jsonFinding{
			RuleID:      f.RuleID,
			RuleName:    f.RuleName,
			Title:       f.Title,
			Severity:    f.Severity.String(),
			Tags:        nonNil(f.Tags),
			Controls:    make([]jsonControl, 0, len(f.Controls)),
			Message:     f.Message,
			Remediation: f.Remediation,
			HelpURI:     f.HelpURI,
			File:        f.File,
			Location: jsonLocation{
				StartLine:   f.Location.StartLine,
				StartColumn: f.Location.StartColumn,
				EndLine:     f.Location.EndLine,
				EndColumn:   f.Location.EndColumn,
			},
			Stage:       f.Stage,
			StageName:   f.StageName,
			Fingerprint: f.Fingerprint,
		}
		if jf.HelpURI == "" {
			if r, ok := rules[f.RuleID]; ok {
				jf.HelpURI = helpURI(r)
			}
		}
		for _, c := range f.Controls {
			jf.Controls = append(jf.Controls, jsonControl{Framework: c.Framework, ID: c.ID})
		}
		if sp := f.Suppressed; sp != nil {
			js := jsonSuppression(*sp)
			jf.Suppressed = &js
		}
		if ew := f.ExpiredWaiver; ew != nil {
			js := jsonSuppression(*ew)
			jf.ExpiredWaiver = &js
		}
		if im := f.Image; im != nil {
			// A conversion: a field added to ImageRef must join the schema
			// deliberately.
			ji := jsonImage(*im)
			jf.Image = &ji
		}
		if sr := f.Secret; sr != nil {
			js := jsonSecret(*sr)
			jf.Secret = &js
		}
		doc.Findings = append(doc.Findings, jf)
	}
	for _, e := range run.Errors {
		// A conversion, not a literal: a field added to InputError stops
		// this compiling until someone decides whether it joins the schema.
		doc.Errors = append(doc.Errors, jsonError(e))
	}
	for _, w := range run.Warnings {
		doc.Warnings = append(doc.Warnings, jsonError(w))
	}

	enc := json.NewEncoder(buf)
	enc.SetIndent("", "  ")
	// Messages quote Dockerfile content such as "a && b" or "<none>"; HTML
	// escaping would turn those into \u0026 and hurt jq/grep users for no
	// benefit, since this document is never embedded in HTML.
	enc.SetEscapeHTML(false)
	return enc.Encode(doc) // Encode adds the trailing newline
}
