package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hardline-dev/hardline/pkg/compliance"
)

func parseCompliance(t *testing.T, out string) compliance.Report {
	t.Helper()
	var rep compliance.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("not a compliance report: %v\n%s", err, out)
	}
	return rep
}

func controlRow(t *testing.T, rep compliance.Report, id string) compliance.ControlResult {
	t.Helper()
	for _, c := range rep.Controls {
		if c.ID == id {
			return c
		}
	}
	t.Fatalf("no control %s in %s", id, rep.Framework.ID)
	return compliance.ControlResult{}
}

// wantExitMatchesSummary: the exit status says what the report says.
func wantExitMatchesSummary(t *testing.T, r result, rep compliance.Report) {
	t.Helper()
	want := 0
	switch {
	case rep.Summary.InputErrors > 0:
		want = 2
	case rep.Summary.Fail > 0:
		want = 1
	}
	wantCode(t, r, want)
}

func TestReportDockerfile(t *testing.T) {
	dir := workdir(t)
	write(t, dir, "Dockerfile", rootDF)
	r := hl(t, "report", "--no-config", "--framework", "cis-docker-1.6.0", "-f", "json", "Dockerfile")
	rep := parseCompliance(t, r.out)
	wantCode(t, r, 1)
	wantExitMatchesSummary(t, r, rep)
	c := controlRow(t, rep, "4.1")
	if c.Status != compliance.Fail || len(c.Findings) != 1 || c.Findings[0].Location != "Dockerfile:4:1" || c.Findings[0].RuleID != "HL1001" {
		t.Errorf("4.1 = %s %+v, want FAIL by HL1001 at Dockerfile:4:1", c.Status, c.Findings)
	}
	if len(c.Facts) != 1 || c.Facts[0].Facts[0].Value != "root" {
		t.Errorf("4.1 facts %+v, want user root", c.Facts)
	}
	if c := controlRow(t, rep, "4.10"); c.Status != compliance.Pass || len(c.Passed) != 1 {
		t.Errorf("4.10 = %s, want PASS", c.Status)
	}
	sum := sha256.Sum256([]byte(rootDF))
	if len(rep.Inputs) != 1 || rep.Inputs[0].SHA256 != hex.EncodeToString(sum[:]) || rep.Inputs[0].Kind != "dockerfile" {
		t.Errorf("inputs %+v, want the Dockerfile's sha256", rep.Inputs)
	}
	if rep.Tool.Name != "hardline" || !strings.HasPrefix(rep.Tool.RulesVersion, "sha256:") || rep.Framework.CatalogDigest == "" {
		t.Errorf("tool/framework identity missing: %+v %+v", rep.Tool, rep.Framework)
	}
}

const imageOnlyRule = `# METADATA
# title: Image-only check
# description: |
#   Reads image facts only.
# custom:
#   id: ACME100
#   name: acme-image-only
#   severity: low
#   tags: [permissions]
#   inputs: [image]
#   controls:
#     cis-docker-1.6.0: ["4.8"]
#   remediation: |
#     Nothing to do.
package hardline.rules.acme_image_only

deny contains r if {
	input.kind == "image"
	some f in input.setuid
	r := {"msg": sprintf("%s is setuid", [f.path]), "path": f.path}
}
`

// A control whose only rules check images cannot be judged on Dockerfiles.
func TestReportImageOnlyRulesNotApplicable(t *testing.T) {
	dir := workdir(t)
	write(t, dir, "Dockerfile", rootDF)
	write(t, dir, "rules/acme_image_only.rego", imageOnlyRule)
	r := hl(t, "report", "--no-config", "--no-builtin-rules", "--rules", "rules", "--framework", "cis-docker-1.6.0", "-f", "json", "Dockerfile")
	rep := parseCompliance(t, r.out)
	wantCode(t, r, 0)
	if c := controlRow(t, rep, "4.8"); c.Status != compliance.NotApplicable || !strings.Contains(c.Reason, "image") {
		t.Errorf("4.8 = %s (%s), want NOT_APPLICABLE naming images", c.Status, c.Reason)
	}
	// Without built-in rules, what they evidence is left to an auditor.
	if c := controlRow(t, rep, "4.1"); c.Status != compliance.Manual {
		t.Errorf("4.1 = %s, want MANUAL", c.Status)
	}
}

func TestReportWaivers(t *testing.T) {
	dir := workdir(t)
	write(t, dir, "Dockerfile", rootDF)
	write(t, dir, ".hardline.yaml", "ignore:\n  - rules: [HL1001]\n    reason: entrypoint drops privileges\n    owner: platform-team\n    expires: 2999-12-31\n")
	r := hl(t, "report", "--framework", "nist-800-190", "-f", "json", "Dockerfile")
	rep := parseCompliance(t, r.out)
	wantExitMatchesSummary(t, r, rep)
	found := false
	for _, c := range rep.Controls {
		for _, w := range c.Waivers {
			if w.RuleID == "HL1001" {
				found = true
				if w.Waiver.Owner != "platform-team" || w.Waiver.Expires != "2999-12-31" || w.Waiver.Reason != "entrypoint drops privileges" || w.Waiver.Expired {
					t.Errorf("waiver %+v", w.Waiver)
				}
			}
		}
		for _, f := range c.Findings {
			if f.RuleID == "HL1001" {
				t.Errorf("%s: the waived HL1001 finding fails the control", c.ID)
			}
		}
	}
	if !found {
		t.Error("the waived finding is not shown as accepted risk")
	}
	// Expired: the configuration no longer suppresses it, so it fails.
	write(t, dir, ".hardline.yaml", "ignore:\n  - rules: [HL1001]\n    reason: entrypoint drops privileges\n    owner: platform-team\n    expires: 2001-02-03\n")
	r = hl(t, "report", "--framework", "cis-docker-1.6.0", "-f", "json", "Dockerfile")
	rep = parseCompliance(t, r.out)
	wantCode(t, r, 1)
	if c := controlRow(t, rep, "4.1"); c.Status != compliance.Fail {
		t.Errorf("4.1 under an expired waiver = %s, want FAIL", c.Status)
	}
}

func TestReportInputErrors(t *testing.T) {
	dir := workdir(t)
	write(t, dir, "good/Dockerfile", cleanDF)
	write(t, dir, "bad/Dockerfile", "FROM alpine:3.20\nFORM x\n")
	r := hl(t, "report", "--no-config", "--framework", "cis-docker-1.6.0", "-f", "json", "good/Dockerfile", "bad/Dockerfile", "missing/Dockerfile")
	rep := parseCompliance(t, r.out)
	wantCode(t, r, 2)
	if rep.Summary.InputErrors != 2 || len(rep.Inputs) != 3 {
		t.Fatalf("inputs %+v summary %+v", rep.Inputs, rep.Summary)
	}
	c := controlRow(t, rep, "4.1")
	if c.Status != compliance.Error || len(c.Errors) != 2 || len(c.Passed) != 1 || c.Passed[0].Input != "good/Dockerfile" {
		t.Errorf("4.1 = %s errors %+v passed %+v, want ERROR with the good input still assessed", c.Status, c.Errors, c.Passed)
	}
	if !strings.Contains(r.err, "bad/Dockerfile:2") || !strings.Contains(r.err, "missing/Dockerfile") {
		t.Errorf("stderr does not name the failed inputs:\n%s", r.err)
	}
}

func TestReportDeterministic(t *testing.T) {
	dir := workdir(t)
	write(t, dir, "Dockerfile", rootDF)
	t.Setenv("SOURCE_DATE_EPOCH", "1767225600")
	for _, format := range compliance.Formats() {
		a := hl(t, "report", "--no-config", "--framework", "nist-800-190", "-f", format, "Dockerfile")
		b := hl(t, "report", "--no-config", "--framework", "nist-800-190", "-f", format, "Dockerfile")
		if a.out != b.out || a.out == "" {
			t.Errorf("%s: two runs differ", format)
		}
		if !strings.Contains(a.out, "2026-01-01T00:00:00Z") {
			t.Errorf("%s: SOURCE_DATE_EPOCH not used as the assessment time", format)
		}
	}
	t.Setenv("SOURCE_DATE_EPOCH", "yesterday")
	wantCode(t, hl(t, "report", "--no-config", "--framework", "nist-800-190", "Dockerfile"), 2)
}

func TestReportTimeIsInjectable(t *testing.T) {
	dir := workdir(t)
	write(t, dir, "Dockerfile", cleanDF)
	old := reportNow
	reportNow = func() time.Time { return time.Date(2030, 5, 6, 7, 8, 9, 999, time.FixedZone("X", 3600)) }
	t.Cleanup(func() { reportNow = old })
	r := hl(t, "report", "--no-config", "--framework", "nist-800-190", "-f", "json", "Dockerfile")
	if rep := parseCompliance(t, r.out); rep.Generated.Format(time.RFC3339Nano) != "2030-05-06T06:08:09Z" {
		t.Errorf("generated %v, want the injected time in UTC, whole seconds", rep.Generated)
	}
}

func TestReportEscapesHostilePaths(t *testing.T) {
	dir := workdir(t)
	bad := "<script>alert(1)<"
	write(t, dir, filepath.Join(bad, "Dockerfile"), rootDF)
	r := hl(t, "report", "--no-config", "--framework", "cis-docker-1.6.0", "-f", "html", "-o", "out.html", ".")
	wantCode(t, r, 1)
	html, err := os.ReadFile(filepath.Join(dir, "out.html"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(html), "<script>") || !strings.Contains(string(html), "&lt;script&gt;alert(1)&lt;/Dockerfile") {
		t.Errorf("hostile directory name not escaped in HTML")
	}
}

func TestReportImage(t *testing.T) {
	dir := workdir(t)
	refs := imageInputs(t, dir, musllikeImage(t))
	write(t, dir, "Dockerfile", cleanDF)
	// An OCI layout has a manifest digest (a docker save archive has none).
	r := hl(t, "report", "--no-config", "--framework", "cis-docker-1.6.0", "-f", "json", "Dockerfile", "--image", refs["oci-layout"])
	rep := parseCompliance(t, r.out)
	wantExitMatchesSummary(t, r, rep)
	if len(rep.Inputs) != 2 || rep.Inputs[1].Kind != "image" || !strings.HasPrefix(rep.Inputs[1].Digest, "sha256:") {
		t.Fatalf("inputs %+v", rep.Inputs)
	}
	// The configuration digest (image ID) identifies the image in every
	// form: the docker save archive, which has no manifest digest, shows it.
	img := musllikeImage(t)
	id, err := img.ConfigName()
	if err != nil {
		t.Fatal(err)
	}
	if rep.Inputs[1].ConfigDigest != id.String() {
		t.Errorf("OCI layout config digest %q, want %s", rep.Inputs[1].ConfigDigest, id)
	}
	r = hl(t, "report", "--no-config", "--framework", "cis-docker-1.6.0", "-f", "md", "--image", refs["docker-archive"])
	if !strings.Contains(r.out, "| image | app.tar | config "+id.String()+" |") {
		t.Errorf("docker save archive not identified by its config digest:\n%s", r.out)
	}
	// The image runs as root (no config User); the Dockerfile does not.
	imgName := rep.Inputs[1].Name
	c := controlRow(t, rep, "4.1")
	if c.Status != compliance.Fail || len(c.Findings) == 0 || c.Findings[0].Input != imgName || c.Findings[0].Image != imgName {
		t.Errorf("4.1 = %s %+v, want FAIL on the image", c.Status, c.Findings)
	}
	// The image's ENV token: a secret finding located in the image config.
	c = controlRow(t, rep, "4.10")
	if c.Status != compliance.Fail || !strings.Contains(c.Findings[0].Location, imgName) {
		t.Errorf("4.10 = %s %+v", c.Status, c.Findings)
	}
	if strings.Contains(r.out, imgSecret) {
		t.Fatal("the report prints a secret value")
	}
	// An image that cannot be opened is an ERROR input, the rest assessed.
	r = hl(t, "report", "--no-config", "--framework", "cis-docker-1.6.0", "-f", "json", "Dockerfile", "--image", "nope.tar")
	rep = parseCompliance(t, r.out)
	wantCode(t, r, 2)
	if rep.Summary.InputErrors != 1 || rep.Inputs[1].Name != "nope.tar" || len(rep.Inputs[1].Errors) != 1 {
		t.Errorf("inputs %+v", rep.Inputs)
	}
	if c := controlRow(t, rep, "4.8"); c.Status != compliance.Error {
		t.Errorf("4.8 (image-only rule) = %s, want ERROR", c.Status)
	}
}

func TestReportUsageErrors(t *testing.T) {
	dir := workdir(t)
	write(t, dir, "Dockerfile", cleanDF)
	for _, args := range [][]string{
		{"report", "Dockerfile"},
		{"report", "--framework", "pci-dss", "Dockerfile"},
		{"report", "--framework", "nist-800-190", "-f", "pdf", "Dockerfile"},
		{"report", "--framework", "nist-800-190"},
	} {
		r := hl(t, args...)
		wantCode(t, r, 2)
		if r.out != "" {
			t.Errorf("%v: usage error wrote a report", args)
		}
	}
}
