package report

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/hardline-dev/hardline/pkg/finding"
)

type glIssue struct {
	Type        string   `json:"type"`
	CheckName   string   `json:"check_name"`
	Description string   `json:"description"`
	Categories  []string `json:"categories"`
	Content     *struct {
		Body string `json:"body"`
	} `json:"content"`
	Location struct {
		Path  string `json:"path"`
		Lines struct {
			Begin int `json:"begin"`
			End   int `json:"end"`
		} `json:"lines"`
	} `json:"location"`
	Severity    string `json:"severity"`
	Fingerprint string `json:"fingerprint"`
}

func parseGitLab(t *testing.T, doc string) []glIssue {
	t.Helper()
	var is []glIssue
	if err := json.Unmarshal([]byte(doc), &is); err != nil {
		t.Fatalf("not a JSON array: %v\n%s", err, doc)
	}
	return is
}

func TestGitLabContent(t *testing.T) {
	out := render(t, "gitlab", sampleRun(), Options{})
	is := parseGitLab(t, out)
	// The suppressed HL1002 is left out; the others keep report order.
	var got []string
	for _, i := range is {
		got = append(got, i.CheckName+"@"+i.Fingerprint)
	}
	if strings.Join(got, ",") != "HL1003@fp-apk,HL1001@fp-root,HL1010@fp-health" {
		t.Fatalf("issues = %v", got)
	}
	apk, root, health := is[0], is[1], is[2]
	if apk.Location.Path != "Dockerfile" || apk.Location.Lines.Begin != 2 || apk.Location.Lines.End != 3 || apk.Severity != "minor" {
		t.Errorf("multi-line finding = %+v", apk)
	}
	if root.Description != "HL1001 run-as-root: Final image runs as root: USER root" || root.Severity != "critical" || root.Type != "issue" ||
		strings.Join(root.Categories, ",") != "Security" {
		t.Errorf("HL1001 = %+v", root)
	}
	if root.Content == nil || !strings.Contains(root.Content.Body, "USER 10001") || !strings.Contains(root.Content.Body, "("+finding.DocsBaseURL+"HL1001.md)") {
		t.Errorf("body = %+v", root.Content)
	}
	// A file-level finding still has a valid line for GitLab.
	if health.Location.Lines.Begin != 1 || health.Location.Lines.End != 1 {
		t.Errorf("file-level finding lines = %+v", health.Location.Lines)
	}
	// Input errors have no place in the format.
	if strings.Contains(out, "FORM") || strings.Contains(out, "app/Dockerfile") {
		t.Errorf("input error leaked into the Code Quality report:\n%s", out)
	}
	if !strings.HasSuffix(out, "]\n") || strings.Contains(out, `\u0026`) {
		t.Errorf("trailing newline or HTML escaping:\n%s", out)
	}
}

func TestGitLabSeverities(t *testing.T) {
	want := map[finding.Severity]string{finding.Info: "info", finding.Low: "minor", finding.Medium: "major", finding.High: "critical", finding.Critical: "blocker"}
	for sev, w := range want {
		run := oneFinding("FROM x\n", finding.Finding{Severity: sev, Fingerprint: "f"})
		if got := parseGitLab(t, render(t, "gitlab", run, Options{}))[0].Severity; got != w {
			t.Errorf("%s -> %s, want %s", sev, got, w)
		}
	}
}

// Image findings not on a Dockerfile line point at the image, line 1, and
// say where in the image they are.
func TestGitLabImage(t *testing.T) {
	is := parseGitLab(t, render(t, "gitlab", imageRun(), Options{}))
	if len(is) != 2 {
		t.Fatalf("issues = %+v", is)
	}
	cfg, df := is[0], is[1]
	if cfg.Location.Path != "app.tar" || cfg.Location.Lines.Begin != 1 || !strings.HasSuffix(cfg.Description, "(image configuration)") {
		t.Errorf("config finding = %+v", cfg)
	}
	if df.Location.Path != "Dockerfile" || df.Location.Lines.Begin != 3 || strings.Contains(df.Description, "layer") {
		t.Errorf("mapped finding = %+v", df)
	}
}

// GitLab keeps one entry per fingerprint: missing or repeated ones get a
// stable substitute, real ones are passed through.
func TestGitLabFingerprints(t *testing.T) {
	run := sampleRun()
	run.Findings[1].Fingerprint = ""
	run.Findings[3].Fingerprint = "fp-root"
	a := parseGitLab(t, render(t, "gitlab", run, Options{}))
	b := parseGitLab(t, render(t, "gitlab", run, Options{}))
	seen := map[string]bool{}
	for i, is := range a {
		if is.Fingerprint == "" || seen[is.Fingerprint] {
			t.Errorf("issue %d: empty or duplicate fingerprint %q", i, is.Fingerprint)
		}
		seen[is.Fingerprint] = true
		if b[i].Fingerprint != is.Fingerprint {
			t.Errorf("issue %d: substitute fingerprint is not stable", i)
		}
	}
	if a[1].Fingerprint != "fp-root" {
		t.Errorf("the first holder of a fingerprint keeps it: %q", a[1].Fingerprint)
	}
}

func TestGitLabMatchesSchema(t *testing.T) {
	sch := compileSchema(t, gitlabSchema)
	for name, run := range map[string]*Run{"sample": sampleRun(), "image": imageRun(), "empty": {FailOn: finding.Low}} {
		out := render(t, "gitlab", run, Options{})
		if err := validateAgainst(t, sch, out); err != nil {
			t.Errorf("%s: %v\n%s", name, err, out)
		}
	}
	if out := render(t, "gitlab", &Run{FailOn: finding.Low}, Options{}); out != "[]\n" {
		t.Errorf("empty run = %q", out)
	}
	good := render(t, "gitlab", sampleRun(), Options{})
	for name, bad := range map[string]string{
		"line 0":       strings.Replace(good, `"begin": 1,`, `"begin": 0,`, 1),
		"bad severity": strings.Replace(good, `"severity": "critical"`, `"severity": "high"`, 1),
		"no path":      strings.Replace(good, `"path": "Dockerfile",`, ``, 1),
	} {
		if bad == good {
			t.Fatalf("%s: mutation did not apply", name)
		}
		if validateAgainst(t, sch, bad) == nil {
			t.Errorf("%s: schema accepted an invalid report", name)
		}
	}
}
