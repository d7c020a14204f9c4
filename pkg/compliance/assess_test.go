package compliance

import (
	"strings"
	"testing"
	"time"

	"github.com/hardline-dev/hardline/pkg/controls"
	"github.com/hardline-dev/hardline/pkg/finding"
)

var testNow = time.Date(2026, 3, 14, 9, 26, 53, 0, time.UTC)

func ctl(fw, id string) finding.Control { return finding.Control{Framework: fw, ID: id} }

// testRules mirror the shapes of real rules: both inputs, image only, and a
// rule evidencing a control through the 1.6.0 id only.
func testRules() []finding.Rule {
	return []finding.Rule{
		{ID: "HL1001", Name: "run-as-root", Title: "Runs as root", Severity: finding.High, Inputs: []string{"dockerfile", "image"}, Enabled: true,
			Controls: []finding.Control{ctl("nist-800-190", "4.1.2"), ctl("cis-docker-1.6.0", "4.1")}},
		{ID: "HL1007", Name: "secret-in-env-or-arg", Title: "Secret in ENV", Severity: finding.Critical, Inputs: []string{"dockerfile", "image"}, Enabled: true,
			Controls: []finding.Control{ctl("nist-800-190", "4.1.4"), ctl("cis-docker-1.6.0", "4.10")}},
		{ID: "HL1011", Name: "setuid-setgid-files", Title: "Setuid files", Severity: finding.Medium, Inputs: []string{"image"}, Enabled: true,
			Controls: []finding.Control{ctl("cis-docker-1.6.0", "4.8")}},
		{ID: "HL2006", Name: "no-healthcheck", Title: "No HEALTHCHECK", Severity: finding.Low, Inputs: []string{"dockerfile", "image"}, Enabled: true,
			Controls: []finding.Control{ctl("cis-docker-1.6.0", "4.6"), ctl("cis-docker-1.6.0", "5.27")}},
	}
}

func dockerfileFinding(rule, file string, line int, sup *finding.Suppression) finding.Finding {
	for _, r := range testRules() {
		if r.ID == rule {
			return finding.Finding{RuleID: r.ID, RuleName: r.Name, Severity: r.Severity, Controls: r.Controls, Message: r.Title + " here",
				File: file, Location: finding.Location{StartLine: line, StartColumn: 1}, Fingerprint: rule + file, Suppressed: sup}
		}
	}
	panic(rule)
}

func imageFinding(rule, img string, layer int, path string) finding.Finding {
	f := dockerfileFinding(rule, img, 0, nil)
	f.Location = finding.Location{}
	f.Image = &finding.ImageRef{Name: img, Digest: "sha256:abc", Layer: layer, LayerDigest: "sha256:l" + path, History: layer, Path: path}
	return f
}

func assess(t *testing.T, fw string, rules []finding.Rule, inputs ...Scanned) *Report {
	t.Helper()
	cat, err := controls.Get(fw)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Assess(Options{Catalog: cat, Rules: rules, Inputs: inputs, Now: testNow,
		Tool: Tool{Name: "hardline", Version: "1.2.3", RulesVersion: "sha256:0123456789ab"}})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func row(t *testing.T, rep *Report, id string) ControlResult {
	t.Helper()
	for _, c := range rep.Controls {
		if c.ID == id {
			return c
		}
	}
	t.Fatalf("no control %s", id)
	return ControlResult{}
}

func TestStatusPerControl(t *testing.T) {
	df := Scanned{Input: Input{Kind: KindDockerfile, Name: "Dockerfile", SHA256: "aa", Facts: map[string]string{"user": "root"}},
		Findings: []finding.Finding{dockerfileFinding("HL1001", "Dockerfile", 2, nil)}}
	rep := assess(t, "cis-docker-1.6.0", testRules(), df)

	if c := row(t, rep, "4.1"); c.Status != Fail || len(c.Findings) != 1 || c.Findings[0].Location != "Dockerfile:2:1" {
		t.Errorf("4.1 = %s %+v, want FAIL at Dockerfile:2:1", c.Status, c.Findings)
	}
	if c := row(t, rep, "4.1"); len(c.Facts) != 1 || c.Facts[0].Facts[0] != (Fact{"user", "root"}) {
		t.Errorf("4.1 should show the user fact, got %+v", c.Facts)
	}
	if c := row(t, rep, "4.10"); c.Status != Pass || len(c.Passed) != 1 || c.Passed[0].Input != "Dockerfile" || c.Passed[0].Rules[0] != "HL1007" {
		t.Errorf("4.10 = %s %+v, want PASS with HL1007 on Dockerfile", c.Status, c.Passed)
	}
	if c := row(t, rep, "4.10"); !strings.Contains(c.Reason, "partly automated") {
		t.Errorf("a partial control's PASS must say review remains: %q", c.Reason)
	}
	// HL1011 checks images only and only a Dockerfile was given.
	if c := row(t, rep, "4.8"); c.Status != NotApplicable || !strings.Contains(c.Reason, "image") {
		t.Errorf("4.8 = %s (%s), want NOT_APPLICABLE naming images", c.Status, c.Reason)
	}
	if c := row(t, rep, "4.4"); c.Status != Manual || len(c.Rules) != 0 {
		t.Errorf("4.4 = %s, want MANUAL", c.Status)
	}
	if rep.Summary.Result != Fail || rep.Summary.Fail != 1 || rep.Summary.Findings != 1 {
		t.Errorf("summary %+v", rep.Summary)
	}
	total := 0
	for _, st := range Statuses {
		total += rep.Summary.Count(st)
	}
	if total != rep.Summary.Controls || total != len(rep.Controls) {
		t.Errorf("status counts %d do not add up to %d controls", total, len(rep.Controls))
	}
}

func TestImageEvidenceLocation(t *testing.T) {
	img := Scanned{Input: Input{Kind: KindImage, Name: "app.tar", Digest: "sha256:abc"},
		Findings: []finding.Finding{imageFinding("HL1011", "app.tar", 3, "/usr/bin/su"), imageFinding("HL1001", "app.tar", -1, "")}}
	rep := assess(t, "cis-docker-1.6.0", testRules(), img)
	c := row(t, rep, "4.8")
	if c.Status != Fail || c.Findings[0].Location != "app.tar layer 3 (sha256:l/usr/bin/su) /usr/bin/su" || *c.Findings[0].Layer != 3 {
		t.Errorf("4.8 = %s %+v", c.Status, c.Findings)
	}
	if c := row(t, rep, "4.1"); c.Findings[0].Location != "app.tar config" {
		t.Errorf("config finding location %q", c.Findings[0].Location)
	}
}

func TestWaivers(t *testing.T) {
	inForce := &finding.Suppression{Kind: "config", Reason: "legacy base, tracked in SEC-12", Source: ".hardline.yaml", Owner: "team-a", Expires: "2026-03-14"}
	expired := &finding.Suppression{Kind: "config", Reason: "old", Source: ".hardline.yaml", Owner: "team-b", Expires: "2026-03-13"}
	typo := &finding.Suppression{Kind: "config", Reason: "typo", Expires: "2026-13-01"}
	noExpiry := &finding.Suppression{Kind: "inline", Reason: "fixture", Source: "Dockerfile:1"}

	t.Run("in force on its last day", func(t *testing.T) {
		rep := assess(t, "cis-docker-1.6.0", testRules(), Scanned{Input: Input{Kind: KindDockerfile, Name: "Dockerfile"},
			Findings: []finding.Finding{dockerfileFinding("HL1001", "Dockerfile", 2, inForce)}})
		c := row(t, rep, "4.1")
		if c.Status != PassWithWaivers || len(c.Waivers) != 1 || c.Waivers[0].Waiver.Owner != "team-a" || c.Waivers[0].Waiver.Expired {
			t.Errorf("4.1 = %s %+v, want PASS_WITH_WAIVERS by team-a", c.Status, c.Waivers)
		}
		if rep.Summary.Result != Pass || rep.Summary.Waived != 1 {
			t.Errorf("summary %+v", rep.Summary)
		}
	})
	t.Run("expired", func(t *testing.T) {
		rep := assess(t, "cis-docker-1.6.0", testRules(), Scanned{Input: Input{Kind: KindDockerfile, Name: "Dockerfile"},
			Findings: []finding.Finding{dockerfileFinding("HL1001", "Dockerfile", 2, expired)}})
		c := row(t, rep, "4.1")
		if c.Status != Fail || len(c.Findings) != 1 || !c.Findings[0].Waiver.Expired || !strings.Contains(c.Reason, "expired") {
			t.Errorf("4.1 = %s (%s), want FAIL because the waiver expired", c.Status, c.Reason)
		}
	})
	t.Run("unparsable expiry counts as expired", func(t *testing.T) {
		rep := assess(t, "cis-docker-1.6.0", testRules(), Scanned{Input: Input{Kind: KindDockerfile, Name: "Dockerfile"},
			Findings: []finding.Finding{dockerfileFinding("HL1001", "Dockerfile", 2, typo)}})
		if c := row(t, rep, "4.1"); c.Status != Fail {
			t.Errorf("4.1 = %s, want FAIL", c.Status)
		}
	})
	t.Run("no expiry", func(t *testing.T) {
		rep := assess(t, "cis-docker-1.6.0", testRules(), Scanned{Input: Input{Kind: KindDockerfile, Name: "Dockerfile"},
			Findings: []finding.Finding{dockerfileFinding("HL1001", "Dockerfile", 2, noExpiry)}})
		if c := row(t, rep, "4.1"); c.Status != PassWithWaivers {
			t.Errorf("4.1 = %s, want PASS_WITH_WAIVERS", c.Status)
		}
	})
	t.Run("a waived and an unwaived finding fail", func(t *testing.T) {
		rep := assess(t, "cis-docker-1.6.0", testRules(), Scanned{Input: Input{Kind: KindDockerfile, Name: "Dockerfile"},
			Findings: []finding.Finding{dockerfileFinding("HL1001", "Dockerfile", 2, inForce), dockerfileFinding("HL1001", "Dockerfile", 9, nil)}})
		if c := row(t, rep, "4.1"); c.Status != Fail || len(c.Findings) != 1 || len(c.Waivers) != 1 {
			t.Errorf("4.1 = %s, want FAIL with one finding and one waiver", c.Status)
		}
	})
}

func TestErrorRows(t *testing.T) {
	good := Scanned{Input: Input{Kind: KindDockerfile, Name: "ok/Dockerfile"}}
	bad := Scanned{Input: Input{Kind: KindDockerfile, Name: "bad/Dockerfile", Errors: []string{"bad/Dockerfile:3: unknown instruction: FORM"}}}
	rep := assess(t, "cis-docker-1.6.0", testRules(), good, bad)
	c := row(t, rep, "4.1")
	if c.Status != Error || len(c.Errors) != 1 || c.Errors[0].Input != "bad/Dockerfile" || len(c.Passed) != 1 {
		t.Errorf("4.1 = %s errors %+v passed %+v, want ERROR naming bad/Dockerfile and a pass on ok/Dockerfile", c.Status, c.Errors, c.Passed)
	}
	if rep.Summary.Result != Error || rep.Summary.InputErrors != 1 {
		t.Errorf("summary %+v", rep.Summary)
	}
	// A failure elsewhere is definite: FAIL wins over ERROR.
	failing := Scanned{Input: Input{Kind: KindDockerfile, Name: "f/Dockerfile"}, Findings: []finding.Finding{dockerfileFinding("HL1001", "f/Dockerfile", 1, nil)}}
	rep = assess(t, "cis-docker-1.6.0", testRules(), failing, bad)
	if c := row(t, rep, "4.1"); c.Status != Fail || len(c.Errors) != 1 {
		t.Errorf("4.1 = %s, want FAIL that still lists the error", c.Status)
	}
	// An image error does not touch a Dockerfile-only... rule set: HL1011
	// is image-only, so a failed image makes 4.8 ERROR.
	badImg := Scanned{Input: Input{Kind: KindImage, Name: "missing.tar", Errors: []string{"no such file"}}}
	rep = assess(t, "cis-docker-1.6.0", testRules(), good, badImg)
	if c := row(t, rep, "4.8"); c.Status != Error {
		t.Errorf("4.8 = %s, want ERROR", c.Status)
	}
}

func TestNotApplicableCondition(t *testing.T) {
	oci := Scanned{Input: Input{Kind: KindImage, Name: "oci:layout", Conditions: []string{controls.CondNoHealthcheckField}},
		Findings: []finding.Finding{imageFinding("HL2006", "oci:layout", -1, "")}}
	rep := assess(t, "cis-docker-1.6.0", testRules(), oci)
	c := row(t, rep, "4.6")
	if c.Status != NotApplicable || !strings.Contains(c.Reason, "OCI") || len(c.Findings) != 0 {
		t.Errorf("4.6 = %s (%s), want NOT_APPLICABLE for an OCI config, its finding ignored", c.Status, c.Reason)
	}
	// The condition applies per input: a Dockerfile beside it is judged.
	df := Scanned{Input: Input{Kind: KindDockerfile, Name: "Dockerfile"}}
	rep = assess(t, "cis-docker-1.6.0", testRules(), oci, df)
	if c := row(t, rep, "4.6"); c.Status != Pass || len(c.NotApplicable) != 1 {
		t.Errorf("4.6 = %s, want PASS on the Dockerfile with the image noted as not applicable", c.Status)
	}
	// Other controls are not affected by the condition.
	if c := row(t, rep, "4.8"); c.Status != Pass {
		t.Errorf("4.8 = %s, want PASS", c.Status)
	}
}

func TestDisabledRulesMakeManual(t *testing.T) {
	all := testRules()
	var ran []finding.Rule
	for _, r := range all {
		if r.ID != "HL1007" {
			ran = append(ran, r)
		}
	}
	cat, _ := controls.Get("cis-docker-1.6.0")
	rep, err := Assess(Options{Catalog: cat, Rules: ran, AllRules: all, Now: testNow, Inputs: []Scanned{{Input: Input{Kind: KindDockerfile, Name: "Dockerfile"}}}})
	if err != nil {
		t.Fatal(err)
	}
	if c := row(t, rep, "4.10"); c.Status != Manual || !strings.Contains(c.Reason, "HL1007") {
		t.Errorf("4.10 = %s (%s), want MANUAL naming the disabled HL1007", c.Status, c.Reason)
	}
}

func TestEquivalentFramework(t *testing.T) {
	rules := append(testRules(), finding.Rule{ID: "HL2010", Name: "sshd", Inputs: []string{"dockerfile"}, Enabled: true,
		Controls: []finding.Control{ctl("cis-docker-1.6.0", "5.7")}})
	df := Scanned{Input: Input{Kind: KindDockerfile, Name: "Dockerfile"}, Findings: []finding.Finding{{RuleID: "HL2010", RuleName: "sshd", File: "Dockerfile", Location: finding.Location{StartLine: 4}}}}
	rep := assess(t, "cis-docker-1.7.0", rules, df)
	if c := row(t, rep, "5.6"); c.Status != Fail || c.Equivalent != "5.7" || c.Findings[0].Location != "Dockerfile:4" {
		t.Errorf("1.7.0 5.6 = %s %+v, want FAIL through 1.6.0 5.7", c.Status, c)
	}
	if c := row(t, rep, "5.7"); c.Status != Manual {
		t.Errorf("1.7.0 5.7 (privileged ports) = %s, want MANUAL: the sshd rule is not about it", c.Status)
	}
	if c := row(t, rep, "5.26"); c.Status != Pass || c.Rules[0] != "HL2006" {
		t.Errorf("1.7.0 5.26 = %s %v, want PASS through 1.6.0 5.27", c.Status, c.Rules)
	}
}

func TestNoInputs(t *testing.T) {
	rep := assess(t, "nist-800-190", testRules())
	if c := row(t, rep, "4.1.2"); c.Status != NotApplicable || c.Reason != "nothing was scanned" {
		t.Errorf("4.1.2 = %s (%s)", c.Status, c.Reason)
	}
	if rep.Summary.Result != Pass {
		t.Errorf("result %s", rep.Summary.Result)
	}
}

func TestAssessNeedsTimeAndCatalog(t *testing.T) {
	cat, _ := controls.Get("nist-800-190")
	if _, err := Assess(Options{Catalog: cat}); err == nil {
		t.Error("zero time accepted")
	}
	if _, err := Assess(Options{Now: testNow}); err == nil {
		t.Error("nil catalog accepted")
	}
}
