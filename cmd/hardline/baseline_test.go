package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// hlb runs the CLI as run() does, with the baseline command registered
// even where main.go does not (yet) add it.
func hlb(t *testing.T, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	s := streams{in: strings.NewReader(""), out: &out, err: &errb}
	root := newRootCmd(s)
	if c, _, err := root.Find([]string{"baseline"}); err != nil || c == root {
		root.AddCommand(newBaselineCmd(s))
	}
	root.SetArgs(args)
	code := exitOK
	if err := root.ExecuteContext(context.Background()); err != nil {
		var ec *exitCode
		if errors.As(err, &ec) {
			if ec.msg != "" {
				errb.WriteString("hardline: " + ec.msg + "\n")
			}
			code = ec.code
		} else {
			errb.WriteString("hardline: " + err.Error() + "\n")
			code = exitError
		}
	}
	return result{code: code, out: out.String(), err: errb.String()}
}

// baselineDF has three findings on an Alpine base: run-as-root (FROM line),
// no init and shell form (CMD line).
const baselineDF = `FROM alpine:3.20
COPY app /app
CMD /app --serve
`

// baselineDFShifted is baselineDF with lines inserted above every finding
// and one new problem (a toolchain left in the image).
const baselineDFShifted = `# syntax=docker/dockerfile:1
# a comment that moves every line down

FROM alpine:3.20
LABEL org.opencontainers.image.title=app
RUN apk add --no-cache build-base
COPY app /app

CMD /app --serve
`

type baselineReport struct {
	Summary struct {
		Findings   int  `json:"findings"`
		Suppressed int  `json:"suppressed"`
		Failed     bool `json:"failed"`
	} `json:"summary"`
	Findings []struct {
		RuleID      string `json:"rule_id"`
		File        string `json:"file"`
		Fingerprint string `json:"fingerprint"`
		Location    struct {
			StartLine int `json:"start_line"`
		} `json:"location"`
		Suppressed *struct {
			Kind   string `json:"kind"`
			Reason string `json:"reason"`
			Source string `json:"source"`
		} `json:"suppressed"`
	} `json:"findings"`
	Warnings []struct {
		File    string `json:"file"`
		Line    int    `json:"line"`
		Message string `json:"message"`
	} `json:"warnings"`
}

func parseBaselineReport(t *testing.T, s string) baselineReport {
	t.Helper()
	var r baselineReport
	if err := json.Unmarshal([]byte(s), &r); err != nil {
		t.Fatalf("report is not JSON: %v\n%s", err, s)
	}
	return r
}

type baselineFile struct {
	SchemaVersion string `json:"schema_version"`
	Findings      []struct {
		Fingerprint string `json:"fingerprint"`
		RuleID      string `json:"rule_id"`
		File        string `json:"file"`
		Image       string `json:"image"`
		Message     string `json:"message"`
	} `json:"findings"`
}

func readBaselineFile(t *testing.T, path string) baselineFile {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var b baselineFile
	if err := json.Unmarshal(data, &b); err != nil {
		t.Fatalf("%s is not JSON: %v\n%s", path, err, data)
	}
	return b
}

func TestBaselineSurvivesLineShiftsAndReportsOnlyNewFindings(t *testing.T) {
	dir := workdir(t)
	write(t, dir, "Dockerfile", baselineDF)
	before := parseBaselineReport(t, hl(t, "lint", "-f", "json", "Dockerfile").out)
	if before.Summary.Findings < 2 {
		t.Fatalf("the fixture needs several findings: %+v", before)
	}

	r := hlb(t, "baseline", "create", ".")
	wantCode(t, r, 0)
	if !strings.Contains(r.out, "wrote .hardline-baseline.json: ") || !strings.Contains(r.out, "from 1 Dockerfile") {
		t.Errorf("create says:\n%s", r)
	}
	b := readBaselineFile(t, filepath.Join(dir, ".hardline-baseline.json"))
	if b.SchemaVersion != "hardline.baseline/v1" || len(b.Findings) != before.Summary.Findings {
		t.Fatalf("baseline has %d entries (want %d): %+v", len(b.Findings), before.Summary.Findings, b)
	}
	for _, e := range b.Findings {
		if e.File != "Dockerfile" || e.RuleID == "" || e.Message == "" || !regexp.MustCompile(`^[0-9a-f]{32}$`).MatchString(e.Fingerprint) {
			t.Errorf("entry %+v", e)
		}
	}

	// Unchanged: everything is accepted, exit 0.
	r = hl(t, "lint", "--baseline", ".hardline-baseline.json", "Dockerfile")
	wantCode(t, r, 0)
	if !strings.Contains(r.out, "in the baseline, not shown; -v shows them)") || strings.Contains(r.err, "baseline") || strings.Contains(r.out, "HL1001") {
		t.Errorf("text with a baseline:\n%s", r)
	}

	// Lines inserted above every finding, and one new problem.
	write(t, dir, "Dockerfile", baselineDFShifted)
	r = hl(t, "lint", "-f", "json", "--baseline", ".hardline-baseline.json", "Dockerfile")
	wantCode(t, r, 1)
	rep := parseBaselineReport(t, r.out)
	var counted []string
	for _, f := range rep.Findings {
		if f.Suppressed == nil {
			counted = append(counted, f.RuleID)
			// Other rules may also object to the new RUN, but nothing
			// else may count.
			if f.Location.StartLine != 6 {
				t.Errorf("%s at line %d counts: only the new RUN on line 6 should", f.RuleID, f.Location.StartLine)
			}
			continue
		}
		if f.Suppressed.Kind != "baseline" || f.Suppressed.Source != ".hardline-baseline.json" {
			t.Errorf("%s: suppressed %+v", f.RuleID, f.Suppressed)
		}
		if f.Location.StartLine < 4 {
			t.Errorf("%s at line %d: the lines did not move, the test proves nothing", f.RuleID, f.Location.StartLine)
		}
	}
	if !slices.Contains(counted, "HL1002") || rep.Summary.Suppressed != before.Summary.Findings {
		t.Errorf("want the new HL1002 counted and %d baselined, got %v, summary %+v", before.Summary.Findings, counted, rep.Summary)
	}
	// Without the baseline the old findings count again.
	without := parseBaselineReport(t, hl(t, "lint", "-f", "json", "Dockerfile").out)
	if without.Summary.Findings != before.Summary.Findings+len(counted) {
		t.Errorf("without the baseline: %+v", without.Summary)
	}

	// -v shows the baselined findings, marked.
	r = hl(t, "lint", "-v", "--baseline", ".hardline-baseline.json", "Dockerfile")
	wantCode(t, r, 1)
	if !strings.Contains(r.out, "(suppressed: accepted in the baseline)") || strings.Contains(r.err, "not shown") {
		t.Errorf("verbose text:\n%s", r)
	}

	// SARIF: baselined results carry an external suppression.
	r = hl(t, "lint", "-f", "sarif", "--baseline", ".hardline-baseline.json", "Dockerfile")
	wantCode(t, r, 1)
	validate(t, sarifSchema(t), []byte(r.out))
	if !strings.Contains(r.out, `"kind": "external"`) || !strings.Contains(r.out, `"hardlineKind": "baseline"`) {
		t.Errorf("SARIF has no baseline suppression:\n%s", r.out)
	}
}

func TestBaselineCountsFixedEntriesOfScannedInputsOnly(t *testing.T) {
	dir := workdir(t)
	write(t, dir, "a/Dockerfile", baselineDF)
	write(t, dir, "b/Dockerfile", baselineDF)
	wantCode(t, hlb(t, "baseline", "create", "-o", "base.json", "a", "b"), 0)

	// Linting one directory: the other's entries are not "fixed".
	r := hl(t, "lint", "--baseline", "base.json", "a")
	wantCode(t, r, 0)
	if strings.Contains(r.err, "fixed") {
		t.Errorf("entries of an input that was not scanned counted as fixed:\n%s", r)
	}

	// Fix the CMD of a: its two CMD findings are fixed.
	write(t, dir, "a/Dockerfile", strings.Replace(baselineDF, "CMD /app --serve", `ENTRYPOINT ["/sbin/tini", "--", "/app"]`, 1))
	r = hl(t, "lint", "--no-config", "--baseline", "base.json", "a", "b")
	if !strings.Contains(r.err, "match nothing any more (fixed)") {
		t.Errorf("fixed entries not reported:\n%s", r)
	}
	m := regexp.MustCompile(`(\d+) entries of baseline`).FindStringSubmatch(r.err)
	if m == nil || m[1] == "0" {
		t.Fatalf("no fixed count:\n%s", r)
	}

	// Rewriting the baseline drops them and says so.
	r = hlb(t, "baseline", "create", "-o", "base.json", "a", "b")
	wantCode(t, r, 0)
	if !strings.Contains(r.out, "(0 added, "+m[1]+" dropped since the previous baseline)") {
		t.Errorf("refresh:\n%s", r)
	}
	r = hl(t, "lint", "--baseline", "base.json", "a", "b")
	wantCode(t, r, 0)
	if strings.Contains(r.err, "fixed") {
		t.Errorf("after the refresh:\n%s", r)
	}
}

func TestBaselineFileIsDeterministicAndMasked(t *testing.T) {
	dir := workdir(t)
	token := "ghp_" + "Zq3x8LmN5pR7tV9wY1aB4cD6eF0gH2jK4mQ7"
	write(t, dir, "x/Dockerfile", baselineDF+"ENV GITHUB_TOKEN="+token+"\n")
	write(t, dir, "y/Dockerfile", baselineDF)
	wantCode(t, hlb(t, "baseline", "create", "-o", "one.json", "x", "y"), 0)
	wantCode(t, hlb(t, "baseline", "create", "-o", "two.json", "y", "x/Dockerfile"), 0)
	wantCode(t, hlb(t, "baseline", "create", "-o", "one.json", "x", "y"), 0)
	one, _ := os.ReadFile(filepath.Join(dir, "one.json"))
	two, _ := os.ReadFile(filepath.Join(dir, "two.json"))
	if !bytes.Equal(one, two) || len(one) == 0 {
		t.Errorf("baselines differ with input order:\n%s\nvs\n%s", one, two)
	}
	if bytes.Contains(one, []byte(token)) || bytes.Contains(one, []byte(token[4:20])) {
		t.Errorf("the token is in the baseline:\n%s", one)
	}
	if !bytes.HasSuffix(one, []byte("}\n")) || !bytes.Contains(one, []byte("\n  \"findings\": [\n    {\n")) {
		t.Errorf("not pretty-printed:\n%s", one)
	}
	b := readBaselineFile(t, filepath.Join(dir, "one.json"))
	var keys []string
	secretSeen := false
	for _, e := range b.Findings {
		keys = append(keys, e.File+"\x00"+e.RuleID+"\x00"+e.Fingerprint)
		if e.RuleID == "HL1007" {
			secretSeen = true
		}
	}
	if !slices.IsSorted(keys) {
		t.Errorf("entries not sorted: %q", keys)
	}
	if !secretSeen {
		t.Errorf("the secret finding is not in the baseline: %+v", b)
	}
	st, err := os.Stat(filepath.Join(dir, "one.json"))
	if err != nil || st.Mode().Perm() != 0o644 {
		t.Errorf("mode %v, %v", st.Mode(), err)
	}
}

func TestBaselineBadFileIsUsageError(t *testing.T) {
	dir := workdir(t)
	write(t, dir, "Dockerfile", baselineDF)
	write(t, dir, "garbage.json", "{\"schema_version\": \"hardline.baseline/v1\", \"findings\": [")
	write(t, dir, "report.json", hl(t, "lint", "-f", "json", "Dockerfile").out)
	write(t, dir, "nover.json", `{"findings": []}`)
	write(t, dir, "v2.json", `{"schema_version": "hardline.baseline/v2", "findings": []}`)
	write(t, dir, "badfp.json", `{"schema_version": "hardline.baseline/v1", "findings": [{"fingerprint": "xyz"}]}`)
	for file, want := range map[string]string{
		"missing.json": "baseline missing.json: not found",
		"garbage.json": "baseline garbage.json: not a hardline baseline: invalid JSON",
		"report.json":  "baseline report.json: is a findings report, not a baseline",
		"nover.json":   "baseline nover.json: not a hardline baseline: no schema_version",
		"v2.json":      `baseline v2.json: schema_version "hardline.baseline/v2" is not supported`,
		"badfp.json":   "baseline badfp.json: findings[0]: fingerprint",
		".":            "baseline .: is a directory",
	} {
		for _, cmd := range [][]string{{"lint", "Dockerfile"}, {"image", "app.tar"}} {
			r := hl(t, append([]string{cmd[0], "--baseline", file}, cmd[1:]...)...)
			wantCode(t, r, 2)
			if strings.Count(r.err, "\n") != 1 || !strings.Contains(r.err, want) || r.out != "" {
				t.Errorf("%s --baseline %s: want one line with %q:\n%s", cmd[0], file, want, r)
			}
		}
	}
}

func TestBaselineCreateRefusesOnInputErrors(t *testing.T) {
	dir := workdir(t)
	write(t, dir, "Dockerfile", baselineDF)
	r := hlb(t, "baseline", "create", "Dockerfile", "missing/Dockerfile")
	wantCode(t, r, 2)
	if !strings.Contains(r.err, "missing/Dockerfile") || !strings.Contains(r.err, "baseline not written") {
		t.Errorf("input error:\n%s", r)
	}
	if _, err := os.Stat(filepath.Join(dir, ".hardline-baseline.json")); err == nil {
		t.Error("a baseline was written despite the input error")
	}
	wantCode(t, hlb(t, "baseline", "create"), 2)
	wantCode(t, hlb(t, "baseline", "create", "--no-such-flag", "."), 2)
}

func TestBaselineImages(t *testing.T) {
	dir := workdir(t)
	refs := imageInputs(t, dir, musllikeImage(t))
	r := hlb(t, "baseline", "create", "--image", refs["docker-archive"])
	wantCode(t, r, 0)
	if !strings.Contains(r.out, "from 1 image") {
		t.Errorf("create:\n%s", r)
	}
	b := readBaselineFile(t, filepath.Join(dir, ".hardline-baseline.json"))
	if len(b.Findings) == 0 {
		t.Fatal("empty image baseline")
	}
	for _, e := range b.Findings {
		if e.Image != "app.tar" {
			t.Errorf("image entry %+v", e)
		}
	}
	if raw, _ := os.ReadFile(filepath.Join(dir, ".hardline-baseline.json")); bytes.Contains(raw, []byte(imgSecret)) {
		t.Error("the image's token is in the baseline")
	}
	// The same image read another way has the same fingerprints.
	for _, kind := range []string{"docker-archive", "oci-layout", "layout-dir"} {
		r := hl(t, "image", "-f", "json", "--baseline", ".hardline-baseline.json", refs[kind])
		wantCode(t, r, 0)
		rep := parseBaselineReport(t, r.out)
		if rep.Summary.Findings != 0 || rep.Summary.Suppressed != len(b.Findings) {
			t.Errorf("%s: %+v", kind, rep.Summary)
		}
		if strings.Contains(r.err, "fixed") {
			t.Errorf("%s: stale entries reported:\n%s", kind, r.err)
		}
	}
	// Dockerfiles and images in one baseline.
	write(t, dir, "Dockerfile", baselineDF)
	r = hlb(t, "baseline", "create", "-o", "both.json", "Dockerfile", "--image", refs["docker-archive"])
	wantCode(t, r, 0)
	if !strings.Contains(r.out, "from 1 Dockerfile and 1 image") {
		t.Errorf("create both:\n%s", r)
	}
	wantCode(t, hl(t, "lint", "--baseline", "both.json", "Dockerfile"), 0)
	wantCode(t, hl(t, "image", "--baseline", "both.json", refs["oci-layout"]), 0)
	// A Dockerfile-only baseline does not cover the image.
	wantCode(t, hlb(t, "baseline", "create", "-o", "df.json", "Dockerfile"), 0)
	wantCode(t, hl(t, "image", "--baseline", "df.json", refs["docker-archive"]), 1)
}

// The runs use --tags user (HL1001 only among rootDF's findings), so that
// rules added later do not change the exit codes.
func TestWaiverExpiry(t *testing.T) {
	dir := workdir(t)
	write(t, dir, "Dockerfile", rootDF)
	today := time.Now().UTC()
	soon := today.AddDate(0, 0, 5).Format("2006-01-02")

	// In force, owned: suppressed, the source names the entry's line.
	write(t, dir, ".hardline.yaml", "fail-on: low\nignore:\n  - rules: [HL1001]\n    reason: drops privileges in the entrypoint\n    owner: platform-team\n    expires: 2999-12-31\n")
	r := hl(t, "lint", "--tags", "user", "-f", "json", "Dockerfile")
	wantCode(t, r, 0)
	rep := parseBaselineReport(t, r.out)
	if len(rep.Findings) != 1 || rep.Findings[0].Suppressed == nil || rep.Findings[0].Suppressed.Source != ".hardline.yaml:3" || len(rep.Warnings) != 0 {
		t.Errorf("active waiver: %+v", rep)
	}

	// Expired: the finding counts, and the warning names the line.
	write(t, dir, ".hardline.yaml", "ignore:\n  - rules: [HL1001]\n    reason: drops privileges in the entrypoint\n    owner: platform-team\n    expires: 2001-02-03\n")
	r = hl(t, "lint", "--tags", "user", "-f", "json", "Dockerfile")
	wantCode(t, r, 1)
	rep = parseBaselineReport(t, r.out)
	if rep.Summary.Findings != 1 || rep.Findings[0].Suppressed != nil {
		t.Errorf("expired waiver still suppresses: %+v", rep)
	}
	if len(rep.Warnings) != 1 || rep.Warnings[0].File != ".hardline.yaml" || rep.Warnings[0].Line != 2 ||
		!strings.Contains(rep.Warnings[0].Message, "waiver for HL1001 (owner platform-team) expired on 2001-02-03: 1 finding counts again") {
		t.Errorf("expired warning: %+v", rep.Warnings)
	}
	if !strings.Contains(r.err, "hardline: .hardline.yaml:2: waiver for HL1001 (owner platform-team) expired on 2001-02-03") {
		t.Errorf("no note on stderr:\n%s", r.err)
	}
	text := hl(t, "lint", "--tags", "user", "Dockerfile")
	wantCode(t, text, 1)
	if !strings.Contains(text.err, "expired on 2001-02-03") {
		t.Errorf("text run does not say why the finding counts:\n%s", text)
	}
	// A baseline does not extend the deadline.
	wantCode(t, hlb(t, "baseline", "create", "--tags", "user", "--no-config", "."), 0)
	wantCode(t, hl(t, "lint", "--tags", "user", "--no-config", "--baseline", ".hardline-baseline.json", "Dockerfile"), 0)
	wantCode(t, hl(t, "lint", "--tags", "user", "--baseline", ".hardline-baseline.json", "Dockerfile"), 1)
	// And a baseline written under the expired waiver leaves the finding out.
	wantCode(t, hlb(t, "baseline", "create", "--tags", "user", "-o", "under-expired.json", "."), 0)
	if b := readBaselineFile(t, filepath.Join(dir, "under-expired.json")); len(b.Findings) != 0 {
		t.Errorf("baseline accepted a finding of a lapsed waiver: %+v", b)
	}

	// Expiring soon: still suppressed, with a warning.
	write(t, dir, ".hardline.yaml", "ignore:\n  - rules: [run-as-root]\n    reason: drops privileges in the entrypoint\n    expires: "+soon+"\n")
	r = hl(t, "lint", "--tags", "user", "-f", "json", "Dockerfile")
	wantCode(t, r, 0)
	rep = parseBaselineReport(t, r.out)
	if len(rep.Warnings) != 1 || !strings.Contains(rep.Warnings[0].Message, "waiver for run-as-root expires on "+soon) {
		t.Errorf("expiring waiver: %+v", rep.Warnings)
	}

	// Validation errors point at the line.
	for src, want := range map[string]string{
		"ignore:\n  - rules: [HL1001]\n    reason: x\n    expires: 2025-02-30\n": `.hardline.yaml:4: ignore[0]: expires "2025-02-30" is not a date`,
		"ignore:\n  - rules: [HL1001]\n    reason: x\n    owner: \"\"\n":         ".hardline.yaml:4: ignore[0]: owner is empty",
		"ignore:\n  - rules: [HL1001]\n    images: ['[']\n    reason: x\n":       `.hardline.yaml:3: ignore[0]: invalid image glob "["`,
		"ignore:\n  - rules: [HL1001]\n    reason: x\n  - rules: [HL1004]\n":     ".hardline.yaml:4: ignore[1]: a reason is required",
	} {
		write(t, dir, ".hardline.yaml", src)
		r := hl(t, "lint", "--tags", "user", "Dockerfile")
		wantCode(t, r, 2)
		if !strings.Contains(r.err, want) {
			t.Errorf("%q: want %q in\n%s", src, want, r.err)
		}
	}
}

func TestWaiverImageGlob(t *testing.T) {
	dir := workdir(t)
	refs := imageInputs(t, dir, musllikeImage(t))
	write(t, dir, ".hardline.yaml", "ignore:\n  - rules: [HL1001]\n    images: [\"oci:layout:*\"]\n    reason: runs as a non-root UID in the pod spec\n    owner: team-a\n")
	count := func(ref string) (suppressed bool) {
		r := hl(t, "image", "-f", "json", ref)
		for _, f := range parseBaselineReport(t, r.out).Findings {
			if f.RuleID == "HL1001" {
				if f.Suppressed != nil && (f.Suppressed.Kind != "config" || f.Suppressed.Source != ".hardline.yaml:2") {
					t.Errorf("%s: %+v", ref, f.Suppressed)
				}
				return f.Suppressed != nil
			}
		}
		t.Fatalf("%s: no HL1001", ref)
		return false
	}
	if !count(refs["oci-layout"]) {
		t.Error("the image glob did not waive the image's finding")
	}
	if count(refs["docker-archive"]) {
		t.Error("the image glob waived another image")
	}
	// An images-only waiver never touches Dockerfiles.
	write(t, dir, "oci:layout:1/Dockerfile", rootDF)
	r := hl(t, "lint", "--tags", "user", "-f", "json", "oci:layout:1/Dockerfile")
	if rep := parseBaselineReport(t, r.out); rep.Summary.Findings != 1 {
		t.Errorf("images glob applied to a Dockerfile: %+v", rep)
	}
}
