package report

import (
	"os"
	"strings"
	"testing"

	"github.com/hardline-dev/hardline/pkg/finding"
)

// The OASIS schema lives in the shared data folder beside the checkout; a
// fresh clone does not have it.
const sarifSchema = "../../../shared/schemas/sarif-schema-2.1.0.json"

func requireSARIFSchema(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(sarifSchema); err != nil {
		t.Skipf("SARIF 2.1.0 schema not found at %s (the shared/ folder beside the repo checkout); skipping schema validation", sarifSchema)
	}
}

func TestSARIFMatchesOASISSchema(t *testing.T) {
	requireSARIFSchema(t)
	sch := compileSchema(t, sarifSchema)
	runs := map[string]*Run{
		"sample": sampleRun(),
		"empty":  {FailOn: finding.Low},
		"odd paths": oneFinding("FROM x\n", finding.Finding{
			File:     "/abs/dir with space/Dockerfile",
			Location: finding.Location{StartLine: 1, StartColumn: 0, EndLine: 0, EndColumn: 0},
		}),
		"unlisted rule, dev version": func() *Run {
			r := sampleRun()
			r.Rules = nil
			r.Tool.Version = "dev"
			r.Tool.InformationURI = ""
			return r
		}(),
	}
	for name, run := range runs {
		t.Run(name, func(t *testing.T) {
			out := render(t, "sarif", run, Options{})
			if err := validateAgainst(t, sch, out); err != nil {
				t.Fatalf("SARIF violates the OASIS schema: %v\n%s", err, out)
			}
		})
	}

	// Guard against a vacuous check: the validator must reject what
	// GitHub would reject.
	bad := strings.Replace(render(t, "sarif", sampleRun(), Options{}), `"level": "error"`, `"level": "high"`, 1)
	if err := validateAgainst(t, sch, bad); err == nil {
		t.Fatal("schema accepted an invalid level")
	}
	bad = strings.Replace(render(t, "sarif", sampleRun(), Options{}), `"startLine": 4`, `"startLine": 0`, 1)
	if err := validateAgainst(t, sch, bad); err == nil {
		t.Fatal("schema accepted startLine 0")
	}
}

func TestSARIFGitHubFields(t *testing.T) {
	out := render(t, "sarif", sampleRun(), Options{})
	doc := decode(t, out)

	if at(t, doc, "version") != "2.1.0" || len(at(t, doc, "runs").([]any)) != 1 {
		t.Fatal("want one SARIF 2.1.0 run")
	}
	run := at(t, doc, "runs", 0)
	driver := at(t, run, "tool", "driver")
	if at(t, driver, "name") != "hardline" || at(t, driver, "version") != "v1.4.2" ||
		at(t, driver, "semanticVersion") != "1.4.2" ||
		at(t, driver, "informationUri") != "https://github.com/hardline-dev/hardline" {
		t.Errorf("driver = %v", driver)
	}
	if at(t, driver, "properties", "commit") != "abc1234" || at(t, driver, "properties", "rulesVersion") != "2026.11" {
		t.Errorf("driver properties = %v", at(t, driver, "properties"))
	}

	// Every evaluated rule is listed, sorted by ID, including one that
	// produced no result.
	rules := at(t, driver, "rules").([]any)
	var ids []string
	for _, r := range rules {
		ids = append(ids, at(t, r, "id").(string))
	}
	if got := strings.Join(ids, ","); got != "HL1001,HL1002,HL1003,HL1010,HL1099" {
		t.Fatalf("rule ids = %s", got)
	}
	root := rules[0]
	checks := map[string][2]any{
		"name":                   {at(t, root, "name"), "run-as-root"},
		"shortDescription":       {at(t, root, "shortDescription", "text"), "Final image runs as root"},
		"fullDescription":        {at(t, root, "fullDescription", "text"), "A container running as root turns any escape into host root."},
		"helpUri":                {at(t, root, "helpUri"), finding.DocsBaseURL + "HL1001.md"},
		"level":                  {at(t, root, "defaultConfiguration", "level"), "error"},
		"security-severity":      {at(t, root, "properties", "security-severity"), "8.0"},
		"precision":              {at(t, root, "properties", "precision"), "high"},
		"medium level":           {at(t, rules[1], "defaultConfiguration", "level"), "warning"},
		"medium severity":        {at(t, rules[1], "properties", "security-severity"), "5.5"},
		"explicit helpUri":       {at(t, rules[1], "helpUri"), "https://example.test/HL1002"},
		"low level":              {at(t, rules[2], "defaultConfiguration", "level"), "note"},
		"info severity":          {at(t, rules[4], "properties", "security-severity"), "1.0"},
		"info level":             {at(t, rules[4], "defaultConfiguration", "level"), "note"},
		"description fallback":   {at(t, rules[2], "fullDescription", "text"), "apk add without --no-cache"},
		"custom rule has no uri": {has(rules[4], "helpUri"), false},
	}
	for name, c := range checks {
		if c[0] != c[1] {
			t.Errorf("%s = %v, want %v", name, c[0], c[1])
		}
	}
	if tags := tagsOf(t, root); tags != "least-privilege,security" {
		t.Errorf("HL1001 tags = %s", tags)
	}
	// "security" already present is not duplicated.
	if tags := tagsOf(t, rules[1]); tags != "supply-chain,security" {
		t.Errorf("HL1002 tags = %s", tags)
	}
	help := at(t, root, "help").(map[string]any)
	for _, want := range []string{"A container running as root", "Switch to an unprivileged user", "nist-800-190:4.1.1"} {
		if !strings.Contains(help["text"].(string), want) {
			t.Errorf("help.text lacks %q: %q", want, help["text"])
		}
	}
	if md := help["markdown"].(string); !strings.Contains(md, "**Remediation**") || !strings.Contains(md, "- cis-docker 4.1") {
		t.Errorf("help.markdown = %q", md)
	}

	results := at(t, run, "results").([]any)
	if len(results) != 4 {
		t.Fatalf("want 4 results (suppressed included), got %d", len(results))
	}
	// ruleIndex must point at the rule with the result's ruleId.
	for i, r := range results {
		idx := int(at(t, r, "ruleIndex").(float64))
		if at(t, rules[idx], "id") != at(t, r, "ruleId") {
			t.Errorf("result %d: ruleIndex %d is %v, ruleId %v", i, idx, at(t, rules[idx], "id"), at(t, r, "ruleId"))
		}
	}

	sup, apk, root0, health := results[0], results[1], results[2], results[3]
	if at(t, sup, "suppressions", 0, "kind") != "inSource" ||
		at(t, sup, "suppressions", 0, "justification") != "pinned by digest upstream" {
		t.Errorf("suppressions = %v", at(t, sup, "suppressions"))
	}
	if has(root0, "suppressions") {
		t.Error("unsuppressed result has suppressions")
	}
	if at(t, root0, "level") != "error" || at(t, root0, "message", "text") != "Final image runs as root: USER root" {
		t.Errorf("result = %v", root0)
	}
	if at(t, root0, "partialFingerprints", "hardline/v1") != "fp-root" {
		t.Errorf("partialFingerprints = %v", at(t, root0, "partialFingerprints"))
	}
	if at(t, root0, "properties", "stage") != 0.0 || at(t, root0, "properties", "stageName") != "final" {
		t.Errorf("properties = %v", at(t, root0, "properties"))
	}
	phys := at(t, root0, "locations", 0, "physicalLocation")
	if at(t, phys, "artifactLocation", "uri") != "Dockerfile" || at(t, phys, "artifactLocation", "uriBaseId") != "%SRCROOT%" {
		t.Errorf("artifactLocation = %v", at(t, phys, "artifactLocation"))
	}
	// Inclusive end column 9 becomes SARIF's exclusive 10.
	for k, want := range map[string]float64{"startLine": 4, "startColumn": 1, "endLine": 4, "endColumn": 10} {
		if got := at(t, phys, "region", k); got != want {
			t.Errorf("region.%s = %v, want %v", k, got, want)
		}
	}
	if got := at(t, apk, "locations", 0, "physicalLocation", "region", "endLine"); got != 3.0 {
		t.Errorf("multi-line endLine = %v", got)
	}
	// File-level: a location without a region (SARIF lines start at 1).
	if hp := at(t, health, "locations", 0, "physicalLocation"); has(hp, "region") {
		t.Errorf("file-level finding has a region: %v", hp)
	}
	if at(t, health, "level") != "note" {
		t.Errorf("low result level = %v", at(t, health, "level"))
	}

	if !has(at(t, run, "originalUriBaseIds"), "%SRCROOT%") {
		t.Error("originalUriBaseIds lacks %SRCROOT%")
	}
	if has(at(t, run, "originalUriBaseIds", "%SRCROOT%"), "uri") {
		t.Error("%SRCROOT% must not embed a machine-specific path")
	}
	if at(t, run, "automationDetails", "id") != "hardline/lint/" {
		t.Errorf("automationDetails.id = %v", at(t, run, "automationDetails", "id"))
	}

	inv := at(t, run, "invocations", 0)
	if at(t, inv, "executionSuccessful") != false {
		t.Error("executionSuccessful must be false with input errors")
	}
	note := at(t, inv, "toolExecutionNotifications", 0)
	if at(t, note, "level") != "error" || at(t, note, "message", "text") != "unknown instruction: FORM" ||
		at(t, note, "locations", 0, "physicalLocation", "artifactLocation", "uri") != "app/Dockerfile" ||
		at(t, note, "locations", 0, "physicalLocation", "region", "startLine") != 3.0 {
		t.Errorf("notification = %v", note)
	}

	for _, banned := range []string{"Time", "timeUtc", "guid"} {
		if strings.Contains(out, banned) {
			t.Errorf("SARIF contains %q, which breaks determinism", banned)
		}
	}
}

func tagsOf(t *testing.T, rule any) string {
	t.Helper()
	var s []string
	for _, v := range at(t, rule, "properties", "tags").([]any) {
		s = append(s, v.(string))
	}
	return strings.Join(s, ",")
}

func TestSARIFDeterministic(t *testing.T) {
	a := render(t, "sarif", sampleRun(), Options{})
	run := sampleRun()
	// The policy engine's rule order must not leak into rule indexes.
	for i, j := 0, len(run.Rules)-1; i < j; i, j = i+1, j-1 {
		run.Rules[i], run.Rules[j] = run.Rules[j], run.Rules[i]
	}
	run.Duration = 0
	if b := render(t, "sarif", run, Options{}); a != b {
		t.Fatal("SARIF output depends on rule order or duration")
	}
	if !strings.HasSuffix(a, "}\n") {
		t.Fatal("no trailing newline")
	}
}

func TestSARIFEdgeCases(t *testing.T) {
	// No errors: the invocation succeeded. No category: a default one.
	// A finding whose rule was not listed gets a synthesised descriptor.
	run := sampleRun()
	run.Errors = nil
	run.Category = ""
	run.Rules = run.Rules[:1]
	run.Tool.Version = "dev"
	doc := decode(t, render(t, "sarif", run, Options{}))
	r := at(t, doc, "runs", 0)
	if at(t, r, "invocations", 0, "executionSuccessful") != true {
		t.Error("executionSuccessful should be true")
	}
	if n := len(at(t, r, "invocations", 0, "toolExecutionNotifications").([]any)); n != 0 {
		t.Errorf("%d notifications without errors", n)
	}
	if at(t, r, "automationDetails", "id") != "hardline/" {
		t.Errorf("default category = %v", at(t, r, "automationDetails", "id"))
	}
	if has(at(t, r, "tool", "driver"), "semanticVersion") {
		t.Error(`"dev" claimed as a semantic version`)
	}
	rules := at(t, r, "tool", "driver", "rules").([]any)
	if len(rules) != 4 {
		t.Fatalf("want 4 rules (1 listed + 3 synthesised), got %d", len(rules))
	}
	for i, res := range at(t, r, "results").([]any) {
		idx := int(at(t, res, "ruleIndex").(float64))
		if idx < 0 || at(t, rules[idx], "id") != at(t, res, "ruleId") {
			t.Errorf("result %d has a dangling ruleIndex %d", i, idx)
		}
	}

	// Category given with a trailing slash is not doubled; external
	// suppressions are "external".
	run = sampleRun()
	run.Category = "hardline/image/"
	run.Findings[0].Suppressed = &finding.Suppression{Kind: "baseline", Source: ".hardline-baseline.json"}
	doc = decode(t, render(t, "sarif", run, Options{}))
	r = at(t, doc, "runs", 0)
	if at(t, r, "automationDetails", "id") != "hardline/image/" {
		t.Errorf("automationDetails.id = %v", at(t, r, "automationDetails", "id"))
	}
	s := at(t, r, "results", 0, "suppressions", 0)
	if at(t, s, "kind") != "external" || has(s, "justification") || at(t, s, "properties", "source") != ".hardline-baseline.json" {
		t.Errorf("baseline suppression = %v", s)
	}
}

func TestArtifactURI(t *testing.T) {
	cases := []struct {
		in, uri string
		rel     bool
	}{
		{"Dockerfile", "Dockerfile", true},
		{"./docker/Dockerfile.prod", "docker/Dockerfile.prod", true},
		{"dir with space/Dockerfile", "dir%20with%20space/Dockerfile", true},
		{"alpine:3.20", "./alpine:3.20", true}, // not a URI scheme
		{"/home/u/x/Dockerfile", "file:///home/u/x/Dockerfile", false},
		{"C:/src/Dockerfile", "file:///C:/src/Dockerfile", false},
	}
	for _, c := range cases {
		uri, rel := artifactURI(c.in)
		if uri != c.uri || rel != c.rel {
			t.Errorf("artifactURI(%q) = %q, %v; want %q, %v", c.in, uri, rel, c.uri, c.rel)
		}
	}
}

func TestSARIFRegion(t *testing.T) {
	cases := []struct {
		name string
		loc  finding.Location
		want map[string]float64 // absent keys must be absent
	}{
		{"line only", finding.Location{StartLine: 7}, map[string]float64{"startLine": 7}},
		{"full span", finding.Location{StartLine: 2, StartColumn: 3, EndLine: 5, EndColumn: 1},
			map[string]float64{"startLine": 2, "startColumn": 3, "endLine": 5, "endColumn": 2}},
		{"end before start dropped", finding.Location{StartLine: 4, StartColumn: 8, EndLine: 4, EndColumn: 2},
			map[string]float64{"startLine": 4, "startColumn": 8, "endLine": 4}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			run := oneFinding("x\n", finding.Finding{Location: c.loc})
			doc := decode(t, render(t, "sarif", run, Options{}))
			reg := at(t, doc, "runs", 0, "results", 0, "locations", 0, "physicalLocation", "region").(map[string]any)
			for _, k := range []string{"startLine", "startColumn", "endLine", "endColumn"} {
				want, ok := c.want[k]
				got, present := reg[k]
				if ok != present || (ok && got != want) {
					t.Errorf("%s = %v (present %v), want %v (present %v)", k, got, present, want, ok)
				}
			}
		})
	}
}

// Options.Category (the --category flag) overrides the command's category;
// every form of it gives one run with a stable, slash-terminated id.
func TestSARIFCategoryOption(t *testing.T) {
	cases := []struct {
		runCat, optCat, want string
	}{
		{"hardline/lint", "", "hardline/lint/"},
		{"hardline/lint", "dockerfiles/services", "dockerfiles/services/"},
		{"hardline/lint", "  images/app/ ", "images/app/"},
		{"", "", "hardline/"},
		{"", "/", "hardline/"},
		{"hardline/image", "/", "hardline/image/"},
	}
	for _, c := range cases {
		run := sampleRun()
		run.Category = c.runCat
		out := render(t, "sarif", run, Options{Category: c.optCat})
		doc := decode(t, out)
		if n := len(at(t, doc, "runs").([]any)); n != 1 {
			t.Fatalf("%d runs", n)
		}
		if got := at(t, doc, "runs", 0, "automationDetails", "id"); got != c.want {
			t.Errorf("run %q, option %q: id = %v, want %s", c.runCat, c.optCat, got, c.want)
		}
		if again := render(t, "sarif", run, Options{Category: c.optCat}); again != out {
			t.Errorf("run %q, option %q: output not stable", c.runCat, c.optCat)
		}
	}
	// The category only changes SARIF.
	for _, f := range []string{"json", "junit", "gitlab", "checkstyle"} {
		if render(t, f, sampleRun(), Options{}) != render(t, f, sampleRun(), Options{Category: "x"}) {
			t.Errorf("%s depends on the category", f)
		}
	}
}
