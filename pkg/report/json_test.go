package report

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/hardline-dev/hardline/pkg/finding"
)

const findingsSchema = "../../docs/schema/findings.v1.json"

func TestJSONDeterministic(t *testing.T) {
	a := render(t, "json", sampleRun(), Options{})
	b := render(t, "json", sampleRun(), Options{})
	if a != b {
		t.Fatal("two JSON writes of the same run differ")
	}
	// Nothing that varies between runs may appear: the duration, or
	// options that only matter to the text format.
	run := sampleRun()
	run.Duration = 0
	if c := render(t, "json", run, Options{Color: true, Verbose: true}); c != a {
		t.Fatal("JSON output depends on Duration or text options")
	}
	if !strings.HasSuffix(a, "}\n") || !strings.HasPrefix(a, "{\n  \"schema_version\"") {
		t.Fatalf("not 2-space indented with trailing newline:\n%s", a)
	}
}

func TestJSONContent(t *testing.T) {
	out := render(t, "json", sampleRun(), Options{})
	doc := decode(t, out)

	if at(t, doc, "schema_version") != "hardline.findings/v1" {
		t.Fatal("schema_version")
	}
	if at(t, doc, "tool", "rules_version") != "2026.11" || at(t, doc, "tool", "commit") != "abc1234" {
		t.Fatal("tool fields")
	}
	sum := at(t, doc, "summary")
	for k, want := range map[string]any{
		"files": 2.0, "findings": 3.0, "suppressed": 1.0, "errors": 1.0, "fail_on": "low", "failed": true,
	} {
		if got := at(t, sum, k); got != want {
			t.Errorf("summary.%s = %v, want %v", k, got, want)
		}
	}
	if at(t, sum, "by_severity", "high") != 1.0 || at(t, sum, "by_severity", "medium") != 0.0 {
		t.Errorf("by_severity = %v", at(t, sum, "by_severity"))
	}

	findings := at(t, doc, "findings").([]any)
	if len(findings) != 4 {
		t.Fatalf("suppressed findings must be listed too; got %d", len(findings))
	}
	sup := findings[0]
	if at(t, sup, "suppressed", "kind") != "inline" || at(t, sup, "suppressed", "source") != "Dockerfile:1" {
		t.Errorf("suppressed = %v", at(t, sup, "suppressed"))
	}
	for _, f := range findings[1:] {
		if has(f, "suppressed") {
			t.Errorf("unsuppressed finding has a suppressed key: %v", f)
		}
	}
	root := findings[2]
	if at(t, root, "severity") != "high" || at(t, root, "stage_name") != "final" ||
		at(t, root, "fingerprint") != "fp-root" || at(t, root, "location", "end_column") != 9.0 ||
		at(t, root, "controls", 1, "framework") != "cis-docker" {
		t.Errorf("run-as-root finding = %v", root)
	}
	// help_uri falls back to the rule's documentation page.
	if got := at(t, root, "help_uri"); got != finding.DocsBaseURL+"HL1001.md" {
		t.Errorf("help_uri = %v", got)
	}
	// Rules without tags still give an array, never null.
	if tags, ok := at(t, findings[1], "tags").([]any); !ok || len(tags) != 0 {
		t.Errorf("tags of untagged finding = %#v", at(t, findings[1], "tags"))
	}
	health := findings[3]
	if at(t, health, "location", "start_line") != 0.0 || at(t, health, "stage") != -1.0 {
		t.Errorf("file-level finding = %v", health)
	}
	if at(t, doc, "errors", 0, "line") != 3.0 || at(t, doc, "files", 1) != "app/Dockerfile" {
		t.Error("errors/files")
	}
}

func TestJSONNoHTMLEscaping(t *testing.T) {
	run := oneFinding("RUN a && b\n", finding.Finding{Message: "use a <pinned> tag && more"})
	out := render(t, "json", run, Options{})
	if !strings.Contains(out, `"use a <pinned> tag && more"`) {
		t.Fatalf("message HTML-escaped:\n%s", out)
	}
}

func TestJSONEmptyRun(t *testing.T) {
	out := render(t, "json", &Run{FailOn: finding.Critical + 1}, Options{})
	if strings.Contains(out, "null") {
		t.Fatalf("null in empty run:\n%s", out)
	}
	doc := decode(t, out)
	for _, k := range []string{"findings", "errors", "files"} {
		if a, ok := at(t, doc, k).([]any); !ok || len(a) != 0 {
			t.Errorf("%s = %#v, want []", k, at(t, doc, k))
		}
	}
	if at(t, doc, "summary", "fail_on") != "none" || at(t, doc, "summary", "failed") != false {
		t.Errorf("summary = %v", at(t, doc, "summary"))
	}
	if err := validateAgainst(t, compileSchema(t, findingsSchema), out); err != nil {
		t.Fatalf("empty run violates schema: %v", err)
	}
}

func TestJSONMatchesSchema(t *testing.T) {
	sch := compileSchema(t, findingsSchema)
	run := sampleRun()
	// Exercise every optional shape: a finding with no rule metadata at
	// all and a finding from a stage-less image input.
	run.Findings = append(run.Findings, finding.Finding{RuleID: "HL9999", File: "alpine:3.20", Stage: -1})
	out := render(t, "json", run, Options{})
	if err := validateAgainst(t, sch, out); err != nil {
		t.Fatalf("output violates docs/schema/findings.v1.json: %v\n%s", err, out)
	}

	// The schema must actually constrain the document: each of these
	// mutations of valid output has to be rejected.
	mutations := map[string]func(m map[string]any){
		"unknown severity": func(m map[string]any) {
			m["findings"].([]any)[0].(map[string]any)["severity"] = "severe"
		},
		"missing failed": func(m map[string]any) { delete(m["summary"].(map[string]any), "failed") },
		"undocumented field": func(m map[string]any) {
			m["findings"].([]any)[1].(map[string]any)["extra"] = 1
		},
		"null tags": func(m map[string]any) {
			m["findings"].([]any)[1].(map[string]any)["tags"] = nil
		},
		"wrong schema_version": func(m map[string]any) { m["schema_version"] = "hardline.findings/v2" },
		"negative line": func(m map[string]any) {
			m["errors"].([]any)[0].(map[string]any)["line"] = -1
		},
	}
	for name, mutate := range mutations {
		t.Run(name, func(t *testing.T) {
			m := decode(t, out)
			mutate(m)
			b, err := json.Marshal(m)
			if err != nil {
				t.Fatal(err)
			}
			if err := validateAgainst(t, sch, string(b)); err == nil {
				t.Fatal("schema accepted an invalid document")
			}
		})
	}
}

// A finding about one secret value carries the secret's fingerprint and
// detector rule (never the value) in JSON and SARIF, and an allowlist
// suppression renders like any other.
func TestSecretRefInJSONAndSARIF(t *testing.T) {
	run := sampleRun()
	run.Findings = append(run.Findings, finding.Finding{
		RuleID: "HL1007", RuleName: "secret-in-env-or-arg", Severity: finding.Critical, Tags: []string{"secrets"},
		Message: "GitHub token: ghp_…(40 chars) hard-coded in ENV GITHUB_TOKEN", File: "Dockerfile",
		Location: finding.Location{StartLine: 2, StartColumn: 5, EndLine: 2, EndColumn: 20}, Stage: 0, Fingerprint: "fp-secret",
		Secret:     &finding.SecretRef{Fingerprint: "3f2a9c0d1e7b4a55", Rule: "github-pat", Masked: "ghp_…(40 chars)"},
		Suppressed: &finding.Suppression{Kind: "allowlist", Reason: "rotated test key", Source: ".hardline.yaml:14"},
	})
	out := render(t, "json", run, Options{})
	if err := validateAgainst(t, compileSchema(t, findingsSchema), out); err != nil {
		t.Fatalf("output violates docs/schema/findings.v1.json: %v\n%s", err, out)
	}
	doc := decode(t, out)
	var got map[string]any
	for _, f := range at(t, doc, "findings").([]any) {
		if at(t, f, "rule_id") == "HL1007" {
			got = f.(map[string]any)
		} else if has(f, "secret") {
			t.Errorf("%v has a secret object", at(t, f, "rule_id"))
		}
	}
	if got == nil {
		t.Fatal("HL1007 finding missing")
	}
	if at(t, got, "secret", "fingerprint") != "3f2a9c0d1e7b4a55" || at(t, got, "secret", "rule") != "github-pat" ||
		at(t, got, "secret", "masked") != "ghp_…(40 chars)" {
		t.Errorf("secret = %v", at(t, got, "secret"))
	}
	if at(t, got, "suppressed", "kind") != "allowlist" || at(t, got, "suppressed", "source") != ".hardline.yaml:14" {
		t.Errorf("suppressed = %v", at(t, got, "suppressed"))
	}

	sarif := decode(t, render(t, "sarif", run, Options{}))
	var res any
	for _, r := range at(t, sarif, "runs", 0, "results").([]any) {
		if at(t, r, "ruleId") == "HL1007" {
			res = r
		}
	}
	if res == nil {
		t.Fatal("HL1007 result missing from SARIF")
	}
	if at(t, res, "properties", "secretFingerprint") != "3f2a9c0d1e7b4a55" || at(t, res, "properties", "secretRule") != "github-pat" {
		t.Errorf("SARIF properties = %v", at(t, res, "properties"))
	}
	if at(t, res, "suppressions", 0, "kind") != "external" || at(t, res, "suppressions", 0, "properties", "hardlineKind") != "allowlist" ||
		at(t, res, "suppressions", 0, "justification") != "rotated test key" {
		t.Errorf("SARIF suppression = %v", at(t, res, "suppressions"))
	}
	// The text report shows the reason like any other suppression.
	if txt := render(t, "text", run, Options{Verbose: true}); !strings.Contains(txt, "(suppressed: rotated test key)") {
		t.Errorf("text report does not show the allowlist reason:\n%s", txt)
	}
}
