package report

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/hardline-dev/hardline/pkg/finding"
)

const sampleDockerfile = "FROM alpine:latest\n" +
	"RUN apk add curl \\\n" +
	"    && rm -rf /tmp/x\n" +
	"USER root\n" +
	"CMD [\"sh\"]\n"

func sampleRules() []finding.Rule {
	// Deliberately not in ID order: SARIF must sort them.
	return []finding.Rule{
		{
			ID: "HL1010", Name: "no-healthcheck", Title: "Image has no HEALTHCHECK",
			Description: "Without a HEALTHCHECK the orchestrator cannot tell a hung container from a healthy one.",
			Severity:    finding.Low, Tags: []string{"reliability"}, Builtin: true, Enabled: true,
		},
		{
			ID: "HL1001", Name: "run-as-root", Title: "Final image runs as root",
			Description: "A container running as root turns any escape into host root.",
			Severity:    finding.High, Tags: []string{"least-privilege"},
			Controls:    []finding.Control{{Framework: "nist-800-190", ID: "4.1.1"}, {Framework: "cis-docker", ID: "4.1"}},
			Remediation: "Switch to an unprivileged user:\nUSER 10001", Builtin: true, Enabled: true,
		},
		{
			ID: "HL1002", Name: "latest-tag", Title: "Base image uses the latest tag",
			Severity: finding.Medium, Tags: []string{"supply-chain", "security"}, Builtin: true, Enabled: true,
			HelpURI: "https://example.test/HL1002",
		},
		{
			ID: "HL1003", Name: "apk-no-cache", Title: "apk add without --no-cache",
			Severity: finding.Low, Builtin: true, Enabled: true,
			Remediation: "Use apk add --no-cache.",
		},
		{
			ID: "HL1099", Name: "never-fires", Title: "A rule without findings", Severity: finding.Info,
			Builtin: false,
		},
	}
}

func sampleFindings() []finding.Finding {
	return []finding.Finding{
		{
			RuleID: "HL1002", RuleName: "latest-tag", Title: "Base image uses the latest tag",
			Severity: finding.Medium, Tags: []string{"supply-chain", "security"},
			Message: "alpine:latest is not pinned", File: "Dockerfile",
			Location: finding.Location{StartLine: 1, StartColumn: 6, EndLine: 1, EndColumn: 18},
			Stage:    0, Fingerprint: "fp-latest",
			Suppressed: &finding.Suppression{Kind: "inline", Reason: "pinned by digest upstream", Source: "Dockerfile:1"},
		},
		{
			RuleID: "HL1003", RuleName: "apk-no-cache", Title: "apk add without --no-cache",
			Severity: finding.Low, Message: "apk add keeps its cache in the layer",
			Remediation: "Use apk add --no-cache.", File: "Dockerfile",
			Location: finding.Location{StartLine: 2, StartColumn: 5, EndLine: 3, EndColumn: 20},
			Stage:    0, Fingerprint: "fp-apk",
		},
		{
			RuleID: "HL1001", RuleName: "run-as-root", Title: "Final image runs as root",
			Severity: finding.High, Tags: []string{"least-privilege"},
			Controls: []finding.Control{{Framework: "nist-800-190", ID: "4.1.1"}, {Framework: "cis-docker", ID: "4.1"}},
			Message:  "Final image runs as root: USER root", Remediation: "Switch to an unprivileged user:\nUSER 10001",
			File:     "Dockerfile",
			Location: finding.Location{StartLine: 4, StartColumn: 1, EndLine: 4, EndColumn: 9},
			Stage:    0, StageName: "final", Fingerprint: "fp-root",
		},
		{
			RuleID: "HL1010", RuleName: "no-healthcheck", Title: "Image has no HEALTHCHECK",
			Severity: finding.Low, Tags: []string{"reliability"},
			Message: "No HEALTHCHECK instruction", File: "Dockerfile",
			Stage: -1, Fingerprint: "fp-health",
		},
	}
}

// sampleRun has two files: Dockerfile with findings (one suppressed, one
// file-level, one multi-line) and app/Dockerfile that failed to parse.
func sampleRun() *Run {
	return &Run{
		Tool: Tool{
			Name: "hardline", Version: "v1.4.2", Commit: "abc1234", RulesVersion: "2026.11",
			InformationURI: "https://github.com/hardline-dev/hardline",
		},
		Rules:    sampleRules(),
		Findings: sampleFindings(),
		Errors:   []InputError{{File: "app/Dockerfile", Line: 3, Message: "unknown instruction: FORM"}},
		Files:    []string{"Dockerfile", "app/Dockerfile"},
		Sources: map[string][]byte{
			"Dockerfile":     []byte(sampleDockerfile),
			"app/Dockerfile": []byte("FROM alpine:3.20\nRUN true\nFORM x\n"),
		},
		FailOn:   finding.Low,
		Category: "hardline/lint",
		Duration: 1234 * time.Millisecond,
	}
}

func render(t *testing.T, format string, run *Run, opts Options) string {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, format, run, opts); err != nil {
		t.Fatalf("Write(%s): %v", format, err)
	}
	return buf.String()
}

// compileSchema compiles the JSON schema at path (relative to this package)
// with format assertions on, so that "uri" and friends are really checked.
func compileSchema(t *testing.T, path string) *jsonschema.Schema {
	t.Helper()
	abs, err := filepath.Abs(path)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	sch, err := c.Compile(abs)
	if err != nil {
		t.Fatalf("compile %s: %v", path, err)
	}
	return sch
}

func validateAgainst(t *testing.T, sch *jsonschema.Schema, doc string) error {
	t.Helper()
	inst, err := jsonschema.UnmarshalJSON(strings.NewReader(doc))
	if err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, doc)
	}
	return sch.Validate(inst)
}

func decode(t *testing.T, doc string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(doc), &m); err != nil {
		t.Fatalf("decode: %v\n%s", err, doc)
	}
	return m
}

// at walks decoded JSON by object keys and array indexes and fails the
// test with the path when a step is missing.
func at(t *testing.T, v any, path ...any) any {
	t.Helper()
	cur := v
	for i, p := range path {
		switch k := p.(type) {
		case string:
			m, ok := cur.(map[string]any)
			if !ok {
				t.Fatalf("%v: not an object at step %d", path[:i+1], i)
			}
			cur, ok = m[k]
			if !ok {
				t.Fatalf("%v: missing key %q", path[:i+1], k)
			}
		case int:
			a, ok := cur.([]any)
			if !ok || k >= len(a) {
				t.Fatalf("%v: no index %d", path[:i+1], k)
			}
			cur = a[k]
		}
	}
	return cur
}

func has(v any, key string) bool {
	m, ok := v.(map[string]any)
	if !ok {
		return false
	}
	_, ok = m[key]
	return ok
}

func TestFormats(t *testing.T) {
	got := strings.Join(Formats(), ",")
	if got != "text,json,sarif,junit,gitlab,checkstyle" {
		t.Fatalf("Formats() = %s", got)
	}
	for _, f := range Formats() {
		render(t, f, sampleRun(), Options{})
	}
	// Format names are matched case-insensitively, as CLI users type them.
	render(t, "SARIF", sampleRun(), Options{})
}

func TestWriteRejectsBadInput(t *testing.T) {
	var buf bytes.Buffer
	if err := Write(&buf, "xml", sampleRun(), Options{}); err == nil || !strings.Contains(err.Error(), "text, json, sarif") {
		t.Fatalf("unknown format: err = %v", err)
	}
	if err := Write(&buf, "json", nil, Options{}); err == nil {
		t.Fatal("nil run accepted")
	}
	run := sampleRun()
	run.Findings[0].Severity = finding.Critical + 3
	if err := Write(&buf, "json", run, Options{}); err == nil {
		t.Fatal("out-of-range severity accepted")
	}
	if buf.Len() != 0 {
		t.Fatalf("failed writes produced output: %q", buf.String())
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, os.ErrClosed }

func TestWritePropagatesWriterError(t *testing.T) {
	if err := Write(failingWriter{}, "text", sampleRun(), Options{}); err == nil {
		t.Fatal("writer error swallowed")
	}
}

func TestSummarize(t *testing.T) {
	run := sampleRun()
	s := Summarize(run)
	if s.Files != 2 || s.Findings != 3 || s.Suppressed != 1 || s.Errors != 1 {
		t.Fatalf("counts: %+v", s)
	}
	if s.BySeverity[finding.High] != 1 || s.BySeverity[finding.Low] != 2 || s.BySeverity[finding.Medium] != 0 {
		t.Fatalf("by severity (suppressed medium must not count): %+v", s.BySeverity)
	}
	if s.AtOrAboveFailOn != 3 || !s.Failed {
		t.Fatalf("fail-on low: %+v", s)
	}

	run.FailOn = finding.High
	if s := Summarize(run); s.AtOrAboveFailOn != 1 {
		t.Fatalf("fail-on high: %+v", s)
	}

	// "none" never fails on findings, but input errors still fail.
	run.FailOn = finding.Critical + 1
	if s := Summarize(run); s.AtOrAboveFailOn != 0 || !s.Failed {
		t.Fatalf("fail-on none with errors: %+v", s)
	}
	run.Errors = nil
	if s := Summarize(run); s.Failed {
		t.Fatalf("fail-on none without errors: %+v", s)
	}
	if got := thresholdName(run.FailOn); got != "none" {
		t.Fatalf("thresholdName(none) = %q", got)
	}
}
