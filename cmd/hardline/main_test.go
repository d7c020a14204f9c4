package main

// End-to-end tests of the CLI through run(), in process. Every test that
// lints works in its own t.TempDir() and t.Chdir()s into it, so that config
// discovery (.hardline.yaml in the working directory or a parent) never picks
// up anything from the repository. Because t.Chdir and t.Setenv are used, the
// tests in this package are not parallel.

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// pkgDir is the package directory (the test's initial working directory),
// captured before any test changes directory.
var pkgDir string

func TestMain(m *testing.M) {
	wd, err := os.Getwd()
	if err != nil {
		panic(err)
	}
	pkgDir = wd
	os.Exit(m.Run())
}

// ---------------------------------------------------------------------------
// Fixtures

// cleanDF is clean of every built-in rule: a non-root distroless base, an
// init as PID 1, exec form.
const cleanDF = `FROM gcr.io/distroless/static-debian12:nonroot
COPY tini-static /tini
COPY app /app
ENTRYPOINT ["/tini", "--", "/app"]
`

// rootDF has exactly one finding: HL1001 (high) on line 4.
const rootDF = `FROM gcr.io/distroless/static-debian12:nonroot
COPY tini-static /tini
COPY app /app
USER root
ENTRYPOINT ["/tini", "--", "/app"]
`

// argBaseDF: HL1001 with the default base (alpine defaults to root), clean
// with a distroless :nonroot base passed as a build argument.
const argBaseDF = `ARG BASE=alpine:3.20
FROM ${BASE}
COPY tini-static /tini
COPY app /app
ENTRYPOINT ["/tini", "--", "/app"]
`

// multiDF is clean as built (final stage distroless); building only the
// builder stage ships root and a toolchain (HL1001, HL1002).
const multiDF = `FROM alpine:3.20 AS builder
RUN apk add --no-cache build-base
COPY . /src
RUN make -C /src

FROM gcr.io/distroless/static-debian12:nonroot
COPY tini-static /tini
COPY --from=builder /src/app /app
ENTRYPOINT ["/tini", "--", "/app"]
`

// supDF is rootDF with its only finding suppressed inline.
const supDF = `FROM gcr.io/distroless/static-debian12:nonroot
COPY tini-static /tini
COPY app /app
# hardline ignore=HL1001 reason="entrypoint drops privileges"
USER root
ENTRYPOINT ["/tini", "--", "/app"]
`

const acmeRule = `# METADATA
# title: Docker API port exposed
# description: |
#   Exposing port 2375 suggests an unauthenticated Docker API in the container.
# custom:
#   id: ACME001
#   name: acme-no-ssh-port
#   severity: medium
#   tags: [network]
#   inputs: [dockerfile]
#   remediation: |
#     Remove EXPOSE 2375; never serve the Docker API without TLS.
package hardline.rules.acme_no_ssh_port

deny contains r if {
	some i, s in input.stages
	some instr in s.instructions
	instr.cmd == "expose"
	contains(instr.original, "2375")
	r := {"msg": "port 2375 is exposed", "location": instr.location, "stage": i}
}
`

const phoneHomeRule = `# METADATA
# title: Phones home
# description: |
#   Sends a request somewhere.
# custom:
#   id: ACME002
#   name: acme-phone-home
#   severity: low
#   tags: [network]
#   inputs: [dockerfile]
#   remediation: |
#     None.
package hardline.rules.acme_phone_home

deny contains r if {
	resp := http.send({"method": "GET", "url": "http://127.0.0.1:9/x"})
	r := {"msg": sprintf("%v", [resp.status_code])}
}
`

// ---------------------------------------------------------------------------
// Helpers

type result struct {
	code     int
	out, err string
}

func (r result) String() string {
	return "exit " + strconv.Itoa(r.code) + "\n--- stdout:\n" + r.out + "\n--- stderr:\n" + r.err
}

type runOpts struct {
	stdin    string
	terminal bool
}

func hl(t *testing.T, args ...string) result {
	t.Helper()
	return hlWith(t, runOpts{}, args...)
}

func hlWith(t *testing.T, o runOpts, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, streams{
		in:            strings.NewReader(o.stdin),
		out:           &out,
		err:           &errb,
		outIsTerminal: o.terminal,
	})
	return result{code: code, out: out.String(), err: errb.String()}
}

// workdir makes a fresh temporary directory the working directory.
func workdir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	t.Chdir(dir)
	// t.TempDir may be reached through a symlink; use what Getwd reports so
	// that comparisons with paths the tool prints hold.
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	return wd
}

func write(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func wantCode(t *testing.T, r result, code int) {
	t.Helper()
	if r.code != code {
		t.Fatalf("want exit %d, got %s", code, r)
	}
}

type jsonReport struct {
	Summary struct {
		Files      int            `json:"files"`
		Findings   int            `json:"findings"`
		Suppressed int            `json:"suppressed"`
		Errors     int            `json:"errors"`
		BySeverity map[string]int `json:"by_severity"`
		FailOn     string         `json:"fail_on"`
		Failed     bool           `json:"failed"`
	} `json:"summary"`
	Findings []struct {
		RuleID      string   `json:"rule_id"`
		Severity    string   `json:"severity"`
		Tags        []string `json:"tags"`
		Message     string   `json:"message"`
		File        string   `json:"file"`
		Fingerprint string   `json:"fingerprint"`
		Location    struct {
			StartLine int `json:"start_line"`
		} `json:"location"`
		Suppressed *struct {
			Kind   string `json:"kind"`
			Reason string `json:"reason"`
			Source string `json:"source"`
		} `json:"suppressed"`
	} `json:"findings"`
	Errors []struct {
		File    string `json:"file"`
		Line    int    `json:"line"`
		Message string `json:"message"`
	} `json:"errors"`
	Files []string `json:"files"`
}

func parseJSON(t *testing.T, s string) jsonReport {
	t.Helper()
	var r jsonReport
	if err := json.Unmarshal([]byte(s), &r); err != nil {
		t.Fatalf("report is not JSON: %v\n%s", err, s)
	}
	return r
}

func ruleIDs(r jsonReport) []string {
	var ids []string
	for _, f := range r.Findings {
		ids = append(ids, f.RuleID)
	}
	return ids
}

func compileSchema(t *testing.T, abs string) *jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	sch, err := c.Compile(abs)
	if err != nil {
		t.Fatalf("compile %s: %v", abs, err)
	}
	return sch
}

func validate(t *testing.T, sch *jsonschema.Schema, doc []byte) {
	t.Helper()
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		t.Fatalf("not JSON: %v\n%s", err, doc)
	}
	if err := sch.Validate(inst); err != nil {
		t.Fatalf("document does not validate: %v\n%s", err, doc)
	}
}

// ---------------------------------------------------------------------------
// Exit codes

func TestExitCodes(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
		// want are substrings of stdout+stderr.
		want []string
	}{
		{"clean", []string{"lint", "clean.Dockerfile"}, 0, []string{"no findings in 1 file", "passed (fail-on low)"}},
		{"finding at default fail-on", []string{"lint", "root.Dockerfile"}, 1, []string{"root.Dockerfile:4:1", "HL1001", "failed: 1 at or above low"}},
		{"fail-on high reached", []string{"lint", "--fail-on", "high", "root.Dockerfile"}, 1, nil},
		{"fail-on critical not reached", []string{"lint", "--fail-on", "critical", "root.Dockerfile"}, 0, []string{"HL1001", "passed (fail-on critical)"}},
		{"fail-on none", []string{"lint", "--fail-on", "none", "root.Dockerfile"}, 0, []string{"HL1001", "passed (fail-on none)"}},
		{"fail-on none still fails on input errors", []string{"lint", "--fail-on", "none", "bad.Dockerfile"}, 2, []string{"failed: input errors"}},
		{"unknown flag", []string{"lint", "--bogus", "root.Dockerfile"}, 2, []string{"unknown flag: --bogus"}},
		{"unknown format", []string{"lint", "--format", "xml", "root.Dockerfile"}, 2, []string{`unknown --format "xml"`}},
		{"bad fail-on", []string{"lint", "--fail-on", "severe", "root.Dockerfile"}, 2, []string{"--fail-on", "severe"}},
		{"build-arg with empty name", []string{"lint", "--build-arg", "=x", "root.Dockerfile"}, 2, []string{"NAME=value"}},
		{"no path", []string{"lint"}, 2, nil},
		{"unknown command", []string{"frobnicate"}, 2, []string{"unknown command"}},
		{"unparseable Dockerfile", []string{"lint", "bad.Dockerfile"}, 2, []string{"bad.Dockerfile:3: unknown instruction"}},
		{"unknown target", []string{"lint", "--target", "nope", "multi.Dockerfile"}, 2, []string{"multi.Dockerfile", `"nope"`}},
		{"malformed inline suppression", []string{"lint", "badsup.Dockerfile"}, 2, []string{"badsup.Dockerfile:4:", "unterminated"}},
		{"rules dir missing", []string{"lint", "--rules", "no-such-dir", "root.Dockerfile"}, 2, []string{"no-such-dir"}},
		{"input is a directory of nothing", []string{"lint", "--fail-on", "low", "empty"}, 0, []string{"no Dockerfiles found under empty"}},
	}
	dir := workdir(t)
	write(t, dir, "clean.Dockerfile", cleanDF)
	write(t, dir, "root.Dockerfile", rootDF)
	write(t, dir, "multi.Dockerfile", multiDF)
	write(t, dir, "bad.Dockerfile", "FROM alpine:3.20\nRUN true\nFORM scratch\n")
	write(t, dir, "badsup.Dockerfile", strings.Replace(supDF, `reason="entrypoint drops privileges"`, `reason="unterminated`, 1))
	if err := os.Mkdir(filepath.Join(dir, "empty"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := hl(t, tc.args...)
			wantCode(t, r, tc.code)
			all := r.out + r.err
			for _, w := range tc.want {
				if !strings.Contains(all, w) {
					t.Errorf("output lacks %q:\n%s", w, r)
				}
			}
		})
	}
}

func TestMissingFileStillReportsOthers(t *testing.T) {
	dir := workdir(t)
	write(t, dir, "root.Dockerfile", rootDF)
	r := hl(t, "lint", "missing/Dockerfile", "root.Dockerfile")
	wantCode(t, r, 2)
	for _, w := range []string{"error: missing/Dockerfile: no such file or directory", "root.Dockerfile:4:1", "HL1001", "1 error"} {
		if !strings.Contains(r.out, w) {
			t.Errorf("stdout lacks %q:\n%s", w, r)
		}
	}
	j := parseJSON(t, hl(t, "lint", "-f", "json", "missing/Dockerfile", "root.Dockerfile").out)
	if !slices.Equal(j.Files, []string{"root.Dockerfile"}) || j.Summary.Errors != 1 || !j.Summary.Failed ||
		!slices.Equal(ruleIDs(j), []string{"HL1001"}) {
		t.Errorf("json: files %v, errors %d, failed %v, findings %v", j.Files, j.Summary.Errors, j.Summary.Failed, ruleIDs(j))
	}
}

func TestParseErrorDoesNotStopOtherFiles(t *testing.T) {
	dir := workdir(t)
	write(t, dir, "a/Dockerfile", "FROM alpine:3.20\nRUN true\nFORM scratch\n")
	write(t, dir, "b/Dockerfile", rootDF)
	r := hl(t, "lint", "-f", "json", "a/Dockerfile", "b/Dockerfile")
	wantCode(t, r, 2)
	j := parseJSON(t, r.out)
	if len(j.Errors) != 1 || j.Errors[0].File != "a/Dockerfile" || j.Errors[0].Line != 3 || !strings.Contains(j.Errors[0].Message, "unknown instruction") {
		t.Errorf("errors: %+v", j.Errors)
	}
	if !slices.Equal(ruleIDs(j), []string{"HL1001"}) || j.Findings[0].File != "b/Dockerfile" {
		t.Errorf("findings of the good file: %+v", j.Findings)
	}
}

func TestConfigErrors(t *testing.T) {
	tests := []struct {
		name, config string
		want         []string
	}{
		{"unknown key", "fail-on: low\nrules:\n  disabel: [HL1004]\n", []string{".hardline.yaml:3:", "disabel"}},
		{"unknown rule", "rules:\n  disable: [HL9999]\n", []string{".hardline.yaml:2:", "unknown rule HL9999"}},
		{"unknown rule in ignore", "ignore:\n  - rules: [not-a-rule]\n    reason: x\n", []string{"not-a-rule"}},
		{"bad fail-on", "fail-on: sometimes\n", []string{".hardline.yaml", "fail-on"}},
		{"ignore without reason", "ignore:\n  - rules: [HL1001]\n", []string{".hardline.yaml", "reason"}},
		{"missing rules dir", "rules-dirs: [policies]\n", []string{"policies", ".hardline.yaml"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := workdir(t)
			write(t, dir, "Dockerfile", cleanDF)
			write(t, dir, ".hardline.yaml", tc.config)
			r := hl(t, "lint", "Dockerfile")
			wantCode(t, r, 2)
			for _, w := range tc.want {
				if !strings.Contains(r.err, w) {
					t.Errorf("stderr lacks %q:\n%s", w, r)
				}
			}
			// --no-config ignores the broken file.
			wantCode(t, hl(t, "lint", "--no-config", "Dockerfile"), 0)
		})
	}
}

func TestConfigFailOnAndFlagOverride(t *testing.T) {
	dir := workdir(t)
	write(t, dir, "Dockerfile", rootDF)
	write(t, dir, ".hardline.yaml", "fail-on: critical\n")
	wantCode(t, hl(t, "lint", "Dockerfile"), 0)
	wantCode(t, hl(t, "lint", "--fail-on", "high", "Dockerfile"), 1)
	// Found from a subdirectory too (nearest parent).
	sub := filepath.Join(dir, "sub")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Chdir(sub)
	wantCode(t, hl(t, "lint", "../Dockerfile"), 0)
	wantCode(t, hl(t, "lint", "--no-config", "../Dockerfile"), 1)
}

// ---------------------------------------------------------------------------
// stdin

func TestStdin(t *testing.T) {
	workdir(t)
	r := hlWith(t, runOpts{stdin: rootDF}, "lint", "-")
	wantCode(t, r, 1)
	if !strings.Contains(r.out, "-:4:1  HIGH  HL1001") {
		t.Errorf("stdin finding not reported as -:\n%s", r)
	}
	r = hlWith(t, runOpts{stdin: rootDF}, "lint", "--stdin-filename", "svc/Dockerfile", "-")
	wantCode(t, r, 1)
	if !strings.Contains(r.out, "svc/Dockerfile:4:1  HIGH  HL1001") || strings.Contains(r.out, "-:4:1") {
		t.Errorf("--stdin-filename not used:\n%s", r)
	}
	// The source line is still shown (stdin content is kept for snippets).
	if !strings.Contains(r.out, "4 | USER root") {
		t.Errorf("no snippet for stdin:\n%s", r)
	}
	j := parseJSON(t, hlWith(t, runOpts{stdin: rootDF}, "lint", "-f", "json", "--stdin-filename", "svc/Dockerfile", "-").out)
	if !slices.Equal(j.Files, []string{"svc/Dockerfile"}) || len(j.Findings) != 1 || j.Findings[0].File != "svc/Dockerfile" {
		t.Errorf("json for stdin: files %v findings %+v", j.Files, j.Findings)
	}
	wantCode(t, hlWith(t, runOpts{stdin: cleanDF}, "lint", "-"), 0)
}

// ---------------------------------------------------------------------------
// Directory walk

func TestDirectoryWalk(t *testing.T) {
	dir := workdir(t)
	for _, name := range []string{
		"Dockerfile",
		"Containerfile",
		"api/x.Dockerfile",
		"web/Dockerfile.prod",
		"web/dockerfile", // any case
		"vendor/lib/Dockerfile",
		"node_modules/pkg/Dockerfile",
		".git/Dockerfile",
		"Dockerfile.dockerignore",
		"api/x.Dockerfile.dockerignore",
		"README.md",
		"notes.txt",
	} {
		write(t, dir, name, cleanDF)
	}
	files := func(r result) []string {
		t.Helper()
		wantCode(t, r, 0)
		return parseJSON(t, r.out).Files
	}
	want := []string{"Containerfile", "Dockerfile", "api/x.Dockerfile", "vendor/lib/Dockerfile", "web/Dockerfile.prod", "web/dockerfile"}
	if got := files(hl(t, "lint", "-f", "json", ".")); !slices.Equal(got, want) {
		t.Errorf("walk of .:\n got %v\nwant %v", got, want)
	}
	// A directory given by name is walked the same way, paths keep the prefix.
	if got := files(hl(t, "lint", "-f", "json", "web")); !slices.Equal(got, []string{"web/Dockerfile.prod", "web/dockerfile"}) {
		t.Errorf("walk of web: %v", got)
	}
	// Files named explicitly are linted whatever their name, and only once.
	if got := files(hl(t, "lint", "-f", "json", "notes.txt", "Dockerfile", "./Dockerfile")); !slices.Equal(got, []string{"notes.txt", "Dockerfile"}) {
		t.Errorf("explicit files: %v", got)
	}

	write(t, dir, ".hardline.yaml", "exclude: [\"vendor/**\", \"**/*.prod\"]\n")
	want = []string{"Containerfile", "Dockerfile", "api/x.Dockerfile", "web/dockerfile"}
	if got := files(hl(t, "lint", "-f", "json", ".")); !slices.Equal(got, want) {
		t.Errorf("walk with exclude:\n got %v\nwant %v", got, want)
	}
	// Excluded paths named explicitly are still linted.
	if got := files(hl(t, "lint", "-f", "json", "vendor/lib/Dockerfile")); !slices.Equal(got, []string{"vendor/lib/Dockerfile"}) {
		t.Errorf("explicit excluded file: %v", got)
	}
}

// ---------------------------------------------------------------------------
// JSON

func TestJSONReport(t *testing.T) {
	schema := compileSchema(t, filepath.Join(pkgDir, "../../docs/schema/findings.v1.json"))
	dir := workdir(t)
	write(t, dir, "root.Dockerfile", rootDF)
	write(t, dir, "sup.Dockerfile", supDF)
	write(t, dir, "noinit.Dockerfile", strings.Replace(cleanDF, `"/tini", "--", `, "", 1))
	write(t, dir, "bad.Dockerfile", "FROM alpine:3.20\nFORM x\n")
	args := []string{"lint", "-f", "json", "root.Dockerfile", "sup.Dockerfile", "noinit.Dockerfile", "bad.Dockerfile"}
	r1 := hl(t, args...)
	wantCode(t, r1, 2)
	r2 := hl(t, args...)
	if r1.out != r2.out {
		t.Errorf("two runs differ:\n%s\n---\n%s", r1.out, r2.out)
	}
	// With a machine format, stderr carries exactly the input errors.
	if strings.TrimSpace(r1.err) != "hardline: bad.Dockerfile:2: unknown instruction: FORM (did you mean FROM?)" {
		t.Errorf("stderr should hold the one input error, got: %q", r1.err)
	}
	validate(t, schema, []byte(r1.out))
	if !strings.HasSuffix(r1.out, "}\n") {
		t.Errorf("report does not end with a newline")
	}

	j := parseJSON(t, r1.out)
	s := j.Summary
	// root: HL1001 (high); sup: HL1001 suppressed; noinit: HL1004 (medium); bad: error.
	if s.Files != 4 || s.Findings != 2 || s.Suppressed != 1 || s.Errors != 1 || !s.Failed || s.FailOn != "low" {
		t.Errorf("summary: %+v", s)
	}
	if s.BySeverity["high"] != 1 || s.BySeverity["medium"] != 1 || s.BySeverity["critical"]+s.BySeverity["low"]+s.BySeverity["info"] != 0 {
		t.Errorf("by_severity: %v", s.BySeverity)
	}
	if len(j.Findings) != s.Findings+s.Suppressed {
		t.Errorf("findings array has %d entries, summary says %d + %d suppressed", len(j.Findings), s.Findings, s.Suppressed)
	}
	seen := map[string]bool{}
	for _, f := range j.Findings {
		if !regexp.MustCompile(`^[0-9a-f]{16,}$`).MatchString(f.Fingerprint) {
			t.Errorf("%s in %s: bad fingerprint %q", f.RuleID, f.File, f.Fingerprint)
		}
		if seen[f.Fingerprint] {
			t.Errorf("duplicate fingerprint %s", f.Fingerprint)
		}
		seen[f.Fingerprint] = true
	}
}

func TestFingerprintsIgnoreLineShifts(t *testing.T) {
	dir := workdir(t)
	write(t, dir, "Dockerfile", rootDF)
	a := parseJSON(t, hl(t, "lint", "-f", "json", "Dockerfile").out)
	write(t, dir, "Dockerfile", "# a comment\n\n"+rootDF)
	b := parseJSON(t, hl(t, "lint", "-f", "json", "Dockerfile").out)
	if len(a.Findings) != 1 || len(b.Findings) != 1 {
		t.Fatalf("want one finding each: %v / %v", ruleIDs(a), ruleIDs(b))
	}
	if a.Findings[0].Location.StartLine == b.Findings[0].Location.StartLine {
		t.Fatalf("the line did not move")
	}
	if a.Findings[0].Fingerprint != b.Findings[0].Fingerprint {
		t.Errorf("fingerprint changed when lines moved: %s -> %s", a.Findings[0].Fingerprint, b.Findings[0].Fingerprint)
	}
	write(t, dir, "Dockerfile", strings.Replace(rootDF, "USER root", "USER 0", 1))
	c := parseJSON(t, hl(t, "lint", "-f", "json", "Dockerfile").out)
	if len(c.Findings) != 1 || c.Findings[0].Fingerprint == a.Findings[0].Fingerprint {
		t.Errorf("editing the offending instruction should change the fingerprint: %+v", c.Findings)
	}
}

// ---------------------------------------------------------------------------
// SARIF

func sarifSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	p := filepath.Join(pkgDir, "../../../shared/schemas/sarif-schema-2.1.0.json")
	if _, err := os.Stat(p); err != nil {
		t.Skipf("SARIF 2.1.0 schema not available at %s (%v); skipping SARIF schema validation", p, err)
	}
	return compileSchema(t, p)
}

type sarifLog struct {
	Runs []struct {
		OriginalURIBaseIDs map[string]map[string]any `json:"originalUriBaseIds"`
		Tool               struct {
			Driver struct {
				Rules []struct {
					ID string `json:"id"`
				} `json:"rules"`
			} `json:"driver"`
		} `json:"tool"`
		Results []struct {
			RuleID  string `json:"ruleId"`
			Message struct {
				Text string `json:"text"`
			} `json:"message"`
			PartialFingerprints map[string]string `json:"partialFingerprints"`
			Locations           []struct {
				PhysicalLocation struct {
					ArtifactLocation struct {
						URI       string `json:"uri"`
						URIBaseID string `json:"uriBaseId"`
					} `json:"artifactLocation"`
				} `json:"physicalLocation"`
			} `json:"locations"`
			Suppressions []struct {
				Kind          string         `json:"kind"`
				Justification string         `json:"justification"`
				Properties    map[string]any `json:"properties"`
			} `json:"suppressions"`
		} `json:"results"`
		Invocations []struct {
			ExecutionSuccessful bool `json:"executionSuccessful"`
		} `json:"invocations"`
	} `json:"runs"`
}

func parseSARIF(t *testing.T, data []byte) sarifLog {
	t.Helper()
	var l sarifLog
	if err := json.Unmarshal(data, &l); err != nil {
		t.Fatalf("SARIF is not JSON: %v\n%s", err, data)
	}
	if len(l.Runs) != 1 {
		t.Fatalf("want one run, got %d", len(l.Runs))
	}
	return l
}

func TestSARIFToFile(t *testing.T) {
	schema := sarifSchema(t)
	dir := workdir(t)
	write(t, dir, "svc/Dockerfile", rootDF)
	write(t, dir, "my app/Dockerfile", supDF)
	r := hl(t, "lint", "--format", "sarif", "-o", "out/hardline.sarif", "svc", "my app")
	// -o into a directory that does not exist is an error, not a crash.
	wantCode(t, r, 2)
	if err := os.Mkdir(filepath.Join(dir, "out"), 0o755); err != nil {
		t.Fatal(err)
	}
	r = hl(t, "lint", "--format", "sarif", "-o", "out/hardline.sarif", "svc", "my app")
	wantCode(t, r, 1)
	if r.out != "" {
		t.Errorf("report went to stdout as well as -o:\n%s", r.out)
	}
	data, err := os.ReadFile(filepath.Join(dir, "out/hardline.sarif"))
	if err != nil {
		t.Fatal(err)
	}
	validate(t, schema, data)
	// No temporary files left behind.
	if left, _ := filepath.Glob(filepath.Join(dir, "out", ".hardline-*")); len(left) > 0 {
		t.Errorf("temporary files left behind: %v", left)
	}

	run := parseSARIF(t, data).Runs[0]
	if _, ok := run.OriginalURIBaseIDs["%SRCROOT%"]; !ok {
		t.Errorf("originalUriBaseIds lacks %%SRCROOT%%: %v", run.OriginalURIBaseIDs)
	}
	if uri, ok := run.OriginalURIBaseIDs["%SRCROOT%"]["uri"]; ok {
		t.Errorf("%%SRCROOT%% declares a uri (%v); it must not reveal the local checkout path", uri)
	}
	if len(run.Results) != 2 {
		t.Fatalf("want 2 results (one suppressed), got %d", len(run.Results))
	}
	var uris []string
	suppressed := 0
	for _, res := range run.Results {
		if res.PartialFingerprints["hardline/v1"] == "" {
			t.Errorf("result %s has no partialFingerprints[hardline/v1]: %v", res.RuleID, res.PartialFingerprints)
		}
		if len(res.Locations) != 1 {
			t.Fatalf("result %s: want one location", res.RuleID)
		}
		al := res.Locations[0].PhysicalLocation.ArtifactLocation
		if al.URIBaseID != "%SRCROOT%" {
			t.Errorf("uri %s: uriBaseId %q", al.URI, al.URIBaseID)
		}
		uris = append(uris, al.URI)
		if len(res.Suppressions) > 0 {
			suppressed++
			if res.Suppressions[0].Kind != "inSource" || res.Suppressions[0].Justification != "entrypoint drops privileges" {
				t.Errorf("suppression: %+v", res.Suppressions[0])
			}
		}
	}
	sort.Strings(uris)
	if !slices.Equal(uris, []string{"my%20app/Dockerfile", "svc/Dockerfile"}) {
		t.Errorf("uris: %v", uris)
	}
	if suppressed != 1 {
		t.Errorf("want 1 suppressed result, got %d", suppressed)
	}
	if bytes.Contains(data, []byte(dir)) {
		t.Errorf("SARIF contains the working directory %s", dir)
	}

	// Deterministic.
	r = hl(t, "lint", "--format", "sarif", "svc", "my app")
	if r.out != string(data) {
		t.Errorf("SARIF on stdout differs from the -o file")
	}
}

func TestSARIFInputErrors(t *testing.T) {
	schema := sarifSchema(t)
	dir := workdir(t)
	write(t, dir, "Dockerfile", "FROM alpine:3.20\nFORM x\n")
	r := hl(t, "lint", "-f", "sarif", "-o", "r.sarif", "Dockerfile")
	wantCode(t, r, 2)
	data, err := os.ReadFile(filepath.Join(dir, "r.sarif"))
	if err != nil {
		t.Fatalf("the report must be written even on input errors: %v", err)
	}
	validate(t, schema, data)
	run := parseSARIF(t, data).Runs[0]
	if len(run.Invocations) != 1 || run.Invocations[0].ExecutionSuccessful {
		t.Errorf("invocations: %+v", run.Invocations)
	}
}

func TestOutputFileUntouchedOnUsageError(t *testing.T) {
	dir := workdir(t)
	write(t, dir, "Dockerfile", rootDF)
	for _, tc := range []struct {
		name   string
		args   []string
		config string
	}{
		{"bad fail-on", []string{"--fail-on", "bogus"}, ""},
		{"bad format", []string{"--format", "xml"}, ""},
		{"bad build-arg", []string{"--build-arg", "=nope"}, ""},
		{"missing rules dir", []string{"--rules", "nope"}, ""},
		{"bad config", nil, "nope: 1\n"},
		{"config names unknown rule", nil, "rules:\n  disable: [HL9999]\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.config != "" {
				write(t, dir, ".hardline.yaml", tc.config)
				t.Cleanup(func() { os.Remove(filepath.Join(dir, ".hardline.yaml")) })
			}
			existing := write(t, dir, "existing.sarif", "OLD REPORT")
			fresh := filepath.Join(dir, "fresh.sarif")
			for _, out := range []string{existing, fresh} {
				format := []string{"--format", "sarif"}
				if tc.name == "bad format" {
					format = nil
				}
				args := append(append(append([]string{"lint"}, format...), tc.args...), "-o", out, "Dockerfile")
				wantCode(t, hl(t, args...), 2)
			}
			if b, err := os.ReadFile(existing); err != nil || string(b) != "OLD REPORT" {
				t.Errorf("existing -o file changed: %q, %v", b, err)
			}
			if _, err := os.Stat(fresh); !os.IsNotExist(err) {
				t.Errorf("-o file created on a usage error (stat: %v)", err)
			}
		})
	}
}

// ---------------------------------------------------------------------------
// Paths in reports

// docs/output-formats.md: `file` is relative to the working directory when
// the input is below it, otherwise absolute; JSON and SARIF contain no
// absolute paths of the working directory.
func TestReportPathsBelowWorkdirAreRelative(t *testing.T) {
	dir := workdir(t)
	abs := write(t, dir, "svc/Dockerfile", rootDF)
	j := parseJSON(t, hl(t, "lint", "-f", "json", abs).out)
	if !slices.Equal(j.Files, []string{"svc/Dockerfile"}) {
		t.Errorf("absolute input below the working directory: files = %v, want [svc/Dockerfile]", j.Files)
	}
	sarif := hl(t, "lint", "-f", "sarif", abs).out
	if strings.Contains(sarif, dir) {
		t.Errorf("SARIF contains the working directory %s", dir)
	}
	// The same file named twice, differently, is linted once.
	j = parseJSON(t, hl(t, "lint", "-f", "json", abs, "svc/Dockerfile").out)
	if len(j.Files) != 1 {
		t.Errorf("one file named twice: files = %v", j.Files)
	}
}

func TestReportPathsOutsideWorkdirAreAbsolute(t *testing.T) {
	dir := workdir(t)
	outside := write(t, dir, "outside/Dockerfile", rootDF)
	if err := os.Mkdir(filepath.Join(dir, "repo"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Chdir(filepath.Join(dir, "repo"))
	j := parseJSON(t, hl(t, "lint", "-f", "json", "../outside/Dockerfile").out)
	if !slices.Equal(j.Files, []string{filepath.ToSlash(outside)}) {
		t.Errorf("input outside the working directory: files = %v, want [%s]", j.Files, filepath.ToSlash(outside))
	}
	l := parseSARIF(t, []byte(hl(t, "lint", "-f", "sarif", "../outside/Dockerfile").out))
	if len(l.Runs[0].Results) != 1 {
		t.Fatalf("want one result")
	}
	al := l.Runs[0].Results[0].Locations[0].PhysicalLocation.ArtifactLocation
	if !strings.HasPrefix(al.URI, "file:///") || al.URIBaseID != "" {
		t.Errorf("input outside the working directory: uri %q uriBaseId %q, want an absolute file:// URI without a base", al.URI, al.URIBaseID)
	}
}

// ---------------------------------------------------------------------------
// Suppressions

func TestInlineSuppression(t *testing.T) {
	dir := workdir(t)
	write(t, dir, "Dockerfile", supDF)
	r := hl(t, "lint", "Dockerfile")
	wantCode(t, r, 0)
	if !strings.Contains(r.out, "no findings in 1 file, 1 suppressed; passed") {
		t.Errorf("summary does not count the suppressed finding:\n%s", r)
	}
	if strings.Contains(r.out, "HL1001") {
		t.Errorf("suppressed finding shown without --verbose:\n%s", r)
	}
	r = hl(t, "lint", "-v", "Dockerfile")
	if !strings.Contains(r.out, "HL1001") || !strings.Contains(r.out, "(suppressed: entrypoint drops privileges)") {
		t.Errorf("--verbose does not show the suppressed finding:\n%s", r)
	}
	j := parseJSON(t, hl(t, "lint", "-f", "json", "Dockerfile").out)
	if j.Summary.Findings != 0 || j.Summary.Suppressed != 1 || j.Summary.Failed || len(j.Findings) != 1 {
		t.Fatalf("json summary %+v, findings %v", j.Summary, ruleIDs(j))
	}
	s := j.Findings[0].Suppressed
	if s == nil || s.Kind != "inline" || s.Reason != "entrypoint drops privileges" || s.Source != "Dockerfile:4" {
		t.Errorf("suppressed: %+v", s)
	}

	// By rule name, case-insensitive, with comments in between.
	write(t, dir, "Dockerfile", strings.Replace(supDF, "ignore=HL1001 reason=\"entrypoint drops privileges\"",
		"ignore=Run-As-Root reason=\"x\"\n# another comment\n", 1))
	wantCode(t, hl(t, "lint", "Dockerfile"), 0)

	// A directive for another rule does not suppress this one.
	write(t, dir, "Dockerfile", strings.Replace(supDF, "ignore=HL1001", "ignore=HL1004", 1))
	wantCode(t, hl(t, "lint", "Dockerfile"), 1)
}

func TestIgnoreFileSuppression(t *testing.T) {
	dir := workdir(t)
	write(t, dir, "Dockerfile", rootDF+"# hardline ignore-file=run-as-root reason=\"platform drops privileges\"\n")
	r := hl(t, "lint", "Dockerfile")
	wantCode(t, r, 0)
	if !strings.Contains(r.out, "1 suppressed") {
		t.Errorf("summary:\n%s", r)
	}
}

func TestConfigIgnoreWithPathGlob(t *testing.T) {
	dir := workdir(t)
	write(t, dir, "legacy/a/Dockerfile", rootDF)
	write(t, dir, "app/Dockerfile", rootDF)
	write(t, dir, ".hardline.yaml", `ignore:
  - rules: [HL1001]
    paths: ["legacy/**"]
    reason: "legacy images are rebuilt as non-root in Q3"
`)
	r := hl(t, "lint", "-f", "json", ".")
	wantCode(t, r, 1)
	j := parseJSON(t, r.out)
	if j.Summary.Findings != 1 || j.Summary.Suppressed != 1 {
		t.Fatalf("summary: %+v", j.Summary)
	}
	for _, f := range j.Findings {
		switch f.File {
		case "legacy/a/Dockerfile":
			if f.Suppressed == nil || f.Suppressed.Kind != "config" || f.Suppressed.Reason != "legacy images are rebuilt as non-root in Q3" {
				t.Errorf("legacy finding: suppressed = %+v", f.Suppressed)
			}
		case "app/Dockerfile":
			if f.Suppressed != nil {
				t.Errorf("app finding suppressed: %+v", f.Suppressed)
			}
		default:
			t.Errorf("unexpected file %s", f.File)
		}
	}
	// Only legacy: exit 0.
	wantCode(t, hl(t, "lint", "legacy"), 0)
}

// docs/output-formats.md: JSON and SARIF contain no absolute paths of the
// working directory. The source of a configuration suppression is the
// configuration file found by walking up from the working directory, which is
// an absolute path.
func TestConfigSuppressionSourceIsNotAbsolute(t *testing.T) {
	dir := workdir(t)
	write(t, dir, "legacy/Dockerfile", rootDF)
	write(t, dir, ".hardline.yaml", "ignore:\n  - rules: [HL1001]\n    reason: accepted\n")
	for _, format := range []string{"json", "sarif"} {
		r := hl(t, "lint", "-f", format, "legacy/Dockerfile")
		wantCode(t, r, 0)
		if strings.Contains(r.out, dir) {
			t.Errorf("%s report contains the working directory %s:\n%s", format, dir, grepLines(r.out, dir))
		}
	}
	j := parseJSON(t, hl(t, "lint", "-f", "json", "legacy/Dockerfile").out)
	if len(j.Findings) != 1 || j.Findings[0].Suppressed == nil || j.Findings[0].Suppressed.Source != ".hardline.yaml:2" {
		t.Errorf("want suppressed.source %q, got %+v", ".hardline.yaml:2", j.Findings[0].Suppressed)
	}
}

func grepLines(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// ---------------------------------------------------------------------------
// --tags, --build-arg, --target

func TestTags(t *testing.T) {
	dir := workdir(t)
	secret := "Xk9mP2vQ" + "7wLr4tZs8BnY"
	write(t, dir, "Dockerfile", strings.Replace(rootDF, "COPY app /app", "COPY app /app\nENV DB_PASSWORD="+secret, 1))
	all := parseJSON(t, hl(t, "lint", "-f", "json", "Dockerfile").out)
	if !slices.Contains(ruleIDs(all), "HL1001") || !slices.Contains(ruleIDs(all), "HL1007") {
		t.Fatalf("without --tags: %v", ruleIDs(all))
	}
	r := hl(t, "lint", "-f", "json", "--tags", "secrets", "Dockerfile")
	wantCode(t, r, 1)
	j := parseJSON(t, r.out)
	if !slices.Equal(ruleIDs(j), []string{"HL1007"}) {
		t.Errorf("--tags secrets: %v", ruleIDs(j))
	}
	for _, f := range j.Findings {
		if !slices.Contains(f.Tags, "secrets") {
			t.Errorf("%s has no secrets tag: %v", f.RuleID, f.Tags)
		}
	}
	// Only the selected rules are listed in SARIF.
	l := parseSARIF(t, []byte(hl(t, "lint", "-f", "sarif", "--tags", "user", "Dockerfile").out))
	var ids []string
	for _, rule := range l.Runs[0].Tool.Driver.Rules {
		ids = append(ids, rule.ID)
	}
	if !slices.Equal(ids, []string{"HL1001"}) {
		t.Errorf("--tags user: SARIF rules %v", ids)
	}
	// Tags combine with OR and are comma-separated.
	j = parseJSON(t, hl(t, "lint", "-f", "json", "--tags", "user,secrets", "Dockerfile").out)
	if got := ruleIDs(j); !slices.Contains(got, "HL1001") || !slices.Contains(got, "HL1007") {
		t.Errorf("--tags user,secrets: %v", got)
	}
}

// A misspelt tag selects no rule at all, so the run passes silently. The tag
// vocabulary is closed (pkg/policy/tags.go) precisely so that typos can be
// caught; like unknown rules in the configuration, it should be a usage error.
func TestUnknownTagIsUsageError(t *testing.T) {
	dir := workdir(t)
	write(t, dir, "Dockerfile", rootDF)
	r := hl(t, "lint", "--tags", "secert", "Dockerfile")
	if r.code != 2 || !strings.Contains(r.err, "secert") {
		t.Errorf("lint --tags secert: want exit 2 naming the tag, got %s", r)
	}
	r = hl(t, "rules", "list", "--tags", "secert")
	if r.code != 2 || !strings.Contains(r.err, "secert") {
		t.Errorf("rules list --tags secert: want exit 2 naming the tag, got %s", r)
	}
}

func TestBuildArgChangesOutcome(t *testing.T) {
	dir := workdir(t)
	write(t, dir, "Dockerfile", argBaseDF)
	r := hl(t, "lint", "-f", "json", "Dockerfile")
	wantCode(t, r, 1)
	if got := ruleIDs(parseJSON(t, r.out)); !slices.Equal(got, []string{"HL1001"}) {
		t.Errorf("default base: %v", got)
	}
	r = hl(t, "lint", "--build-arg", "BASE=gcr.io/distroless/static:nonroot", "Dockerfile")
	wantCode(t, r, 0)
	// An unrelated build arg changes nothing; the last value of a repeated one wins.
	wantCode(t, hl(t, "lint", "--build-arg", "OTHER=1", "Dockerfile"), 1)
	wantCode(t, hl(t, "lint", "--build-arg", "BASE=gcr.io/distroless/static:nonroot", "--build-arg", "BASE=alpine:3.20", "Dockerfile"), 1)
}

func TestTargetChangesFinalStage(t *testing.T) {
	dir := workdir(t)
	write(t, dir, "Dockerfile", multiDF)
	wantCode(t, hl(t, "lint", "Dockerfile"), 0)
	r := hl(t, "lint", "-f", "json", "--target", "builder", "Dockerfile")
	wantCode(t, r, 1)
	got := ruleIDs(parseJSON(t, r.out))
	sort.Strings(got)
	if !slices.Equal(got, []string{"HL1001", "HL1002"}) {
		t.Errorf("--target builder: %v", got)
	}
}

// ---------------------------------------------------------------------------
// Secrets never leak

// secretValue is a deterministic random-looking string; the repository holds
// no literal credential.
func secretValue(seed uint32, n int, alphabet string) string {
	x := seed*2654435761 + 1
	b := make([]byte, n)
	for i := range b {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		b[i] = alphabet[int(x%uint32(len(alphabet)))]
	}
	return string(b)
}

func TestSecretsNeverLeak(t *testing.T) {
	const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	const b64 = alnum + "+/"
	dbPassword := secretValue(1, 20, alnum)
	curlPassword := secretValue(2, 20, alnum)
	urlPassword := secretValue(3, 20, alnum)
	awsSecret := secretValue(4, 40, b64)
	pemBody := secretValue(5, 64, b64)
	pem := "-----BEGIN " + "RSA PRIVATE" + " KEY-----\n" + pemBody + "\n-----END " + "RSA PRIVATE" + " KEY-----"

	df := "FROM alpine:3.20\n" +
		"ENV DB_PASSWORD=" + dbPassword + "\n" +
		"RUN curl -fsS -u admin:" + curlPassword + " https://example.com/artifact -o /a\n" +
		"RUN git clone https://deploy:" + urlPassword + "@git.example.com/team/repo.git /src\n" +
		"ENV AWS_SECRET_ACCESS_KEY=" + awsSecret + "\n" +
		"RUN <<EOF\nmkdir -p /root/.ssh\ncat > /root/.ssh/id_rsa <<'KEY'\n" + pem + "\nKEY\nEOF\n" +
		"USER 10001\n"
	dir := workdir(t)
	write(t, dir, "Dockerfile", df)

	secretsList := map[string]string{
		"ENV password":   dbPassword,
		"curl -u":        curlPassword,
		"URL userinfo":   urlPassword,
		"AWS secret key": awsSecret,
		"PEM body":       pemBody,
	}
	// Everything but the 4-character masked prefix is secret: no 8-character
	// window of it may appear anywhere.
	checkNoLeak := func(t *testing.T, where, text string) {
		t.Helper()
		for name, v := range secretsList {
			for i := 4; i+8 <= len(v); i++ {
				if strings.Contains(text, v[i:i+8]) {
					t.Errorf("%s leaks the %s (%q found)", where, name, v[i:i+8])
					break
				}
			}
		}
	}

	rText := hl(t, "lint", "--verbose", "Dockerfile")
	rJSON := hl(t, "lint", "-f", "json", "Dockerfile")
	rSARIF := hl(t, "lint", "-f", "sarif", "-o", "out.sarif", "Dockerfile")
	for _, r := range []result{rText, rJSON, rSARIF} {
		wantCode(t, r, 1)
	}
	sarifData, err := os.ReadFile(filepath.Join(dir, "out.sarif"))
	if err != nil {
		t.Fatal(err)
	}
	checkNoLeak(t, "text stdout", rText.out)
	checkNoLeak(t, "text stderr", rText.err)
	checkNoLeak(t, "json stdout", rJSON.out)
	checkNoLeak(t, "json stderr", rJSON.err)
	checkNoLeak(t, "sarif stdout+stderr", rSARIF.out+rSARIF.err)
	checkNoLeak(t, "sarif file", string(sarifData))

	// The secrets were found, and shown masked.
	var sarifMsgs []string
	for _, res := range parseSARIF(t, sarifData).Runs[0].Results {
		sarifMsgs = append(sarifMsgs, res.Message.Text)
	}
	var jsonMsgs []string
	j := parseJSON(t, rJSON.out)
	for _, f := range j.Findings {
		jsonMsgs = append(jsonMsgs, f.Message)
	}
	for name, v := range map[string]string{"ENV password": dbPassword, "URL userinfo": urlPassword, "AWS secret key": awsSecret, "curl -u": curlPassword} {
		masked := v[:4] + "…"
		for where, text := range map[string]string{"text": rText.out, "json": strings.Join(jsonMsgs, "\n"), "sarif": strings.Join(sarifMsgs, "\n")} {
			if !strings.Contains(text, masked) {
				t.Errorf("%s output lacks the masked %s %q", where, name, masked)
			}
		}
	}
	ids := ruleIDs(j)
	if !slices.Contains(ids, "HL1007") || !slices.Contains(ids, "HL1008") {
		t.Errorf("secret rules did not fire: %v", ids)
	}
	pemFound := false
	for _, f := range j.Findings {
		if f.RuleID == "HL1008" && strings.Contains(strings.ToLower(f.Message), "private key") {
			pemFound = true
		}
	}
	if !pemFound {
		t.Errorf("the private key was not reported: %v", jsonMsgs)
	}
}

// ---------------------------------------------------------------------------
// Colour

func TestNoColor(t *testing.T) {
	dir := workdir(t)
	write(t, dir, "Dockerfile", rootDF)
	const esc = "\x1b["
	t.Setenv("NO_COLOR", "")
	// Positive control: a terminal gets colour.
	if r := hlWith(t, runOpts{terminal: true}, "lint", "Dockerfile"); !strings.Contains(r.out, esc) {
		t.Fatalf("no colour on a terminal without NO_COLOR; the other cases prove nothing:\n%q", r.out)
	}
	if r := hlWith(t, runOpts{terminal: false}, "lint", "Dockerfile"); strings.Contains(r.out+r.err, esc) {
		t.Errorf("ANSI escapes written to a non-terminal:\n%q", r.out)
	}
	if r := hlWith(t, runOpts{terminal: true}, "lint", "--no-color", "Dockerfile"); strings.Contains(r.out+r.err, esc) {
		t.Errorf("ANSI escapes despite --no-color:\n%q", r.out)
	}
	if r := hlWith(t, runOpts{terminal: true}, "lint", "-o", "report.txt", "Dockerfile"); r.code != 1 {
		t.Errorf("lint -o: %s", r)
	} else if b, _ := os.ReadFile(filepath.Join(dir, "report.txt")); !strings.Contains(string(b), "HL1001") || strings.Contains(string(b), esc) {
		t.Errorf("text report file: %q", b)
	}
	t.Setenv("NO_COLOR", "1")
	if r := hlWith(t, runOpts{terminal: true}, "lint", "Dockerfile"); strings.Contains(r.out+r.err, esc) {
		t.Errorf("ANSI escapes despite NO_COLOR=1:\n%q", r.out)
	}
}

// ---------------------------------------------------------------------------
// rules, version

func TestRulesList(t *testing.T) {
	workdir(t)
	r := hl(t, "rules", "list")
	wantCode(t, r, 0)
	lines := strings.Split(strings.TrimRight(r.out, "\n"), "\n")
	if !strings.HasPrefix(lines[0], "ID") || !strings.Contains(lines[0], "SEVERITY") {
		t.Errorf("header: %q", lines[0])
	}
	want := []string{"HL1001", "HL1002", "HL1003", "HL1004", "HL1005", "HL1006", "HL1007", "HL1008", "HL1009", "HL1010"}
	for _, id := range want {
		if !strings.Contains(r.out, "\n"+id+" ") {
			t.Errorf("text list lacks %s:\n%s", id, r.out)
		}
	}

	r = hl(t, "rules", "list", "--format", "json")
	wantCode(t, r, 0)
	var rules []struct {
		ID       string   `json:"id"`
		Name     string   `json:"name"`
		Severity string   `json:"severity"`
		Tags     []string `json:"tags"`
		Controls []struct {
			Framework string `json:"framework"`
			ID        string `json:"id"`
		} `json:"controls"`
		Enabled bool `json:"enabled"`
	}
	if err := json.Unmarshal([]byte(r.out), &rules); err != nil {
		t.Fatalf("rules list json: %v\n%s", err, r.out)
	}
	var ids []string
	for _, rule := range rules {
		ids = append(ids, rule.ID)
		// Style rules evidence no control; every other rule must name one.
		if len(rule.Tags) == 0 || (len(rule.Controls) == 0 && !slices.Contains(rule.Tags, "style")) || rule.Name == "" || rule.Severity == "" {
			t.Errorf("rule %s lacks tags, controls, name or severity: %+v", rule.ID, rule)
		}
		for _, c := range rule.Controls {
			if c.Framework == "" || c.ID == "" {
				t.Errorf("rule %s: empty control %+v", rule.ID, c)
			}
		}
	}
	for _, id := range want {
		if !slices.Contains(ids, id) {
			t.Errorf("json list lacks %s: %v", id, ids)
		}
	}

	r = hl(t, "rules", "list", "--format", "json", "--tags", "secrets")
	wantCode(t, r, 0)
	rules = nil
	if err := json.Unmarshal([]byte(r.out), &rules); err != nil {
		t.Fatal(err)
	}
	ids = nil
	for _, rule := range rules {
		ids = append(ids, rule.ID)
	}
	if !slices.Equal(ids, []string{"HL1007", "HL1008", "HL1009", "HL1010"}) {
		t.Errorf("--tags secrets: %v", ids)
	}

	// Configuration is reflected: disabled rules are marked, overrides shown.
	dir, _ := os.Getwd()
	write(t, dir, ".hardline.yaml", "rules:\n  disable: [HL1004]\n  severity:\n    run-as-root: critical\n")
	r = hl(t, "rules", "list")
	wantCode(t, r, 0)
	if !regexp.MustCompile(`(?m)^HL1004\s+no-init \(off\)`).MatchString(r.out) || !regexp.MustCompile(`(?m)^HL1001\s+run-as-root\s+critical`).MatchString(r.out) {
		t.Errorf("configuration not reflected:\n%s", r.out)
	}
	wantCode(t, hl(t, "rules", "list", "--format", "yaml"), 2)
}

func TestRulesTest(t *testing.T) {
	workdir(t)
	r := hl(t, "rules", "test", "--no-config")
	wantCode(t, r, 0)
	lines := strings.Split(strings.TrimRight(r.out, "\n"), "\n")
	last := lines[len(lines)-1]
	m := regexp.MustCompile(`^(\d+) passed, 0 failed$`).FindStringSubmatch(last)
	if m == nil || m[1] == "0" {
		t.Errorf("last line %q, want \"N passed, 0 failed\" with N > 0:\n%s", last, r)
	}
}

func TestRulesDoc(t *testing.T) {
	dir := workdir(t)
	out := filepath.Join(dir, "docs", "rules")
	r := hl(t, "rules", "doc", "-o", out)
	wantCode(t, r, 0)
	if _, err := os.Stat(filepath.Join(out, "README.md")); err != nil {
		t.Fatalf("no index written: %v\n%s", err, r)
	}
	if _, err := os.Stat(filepath.Join(out, "HL1001.md")); err != nil {
		t.Fatalf("no HL1001 page: %v", err)
	}
	wantCode(t, hl(t, "rules", "doc", "-o", out, "--check"), 0)

	f, err := os.OpenFile(filepath.Join(out, "HL1003.md"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString("\nlocal edit\n"); err != nil {
		t.Fatal(err)
	}
	f.Close()
	r = hl(t, "rules", "doc", "-o", out, "--check")
	wantCode(t, r, 1)
	if !strings.Contains(r.err, "HL1003.md") {
		t.Errorf("--check does not name the stale page:\n%s", r)
	}
	// --check never writes.
	if b, _ := os.ReadFile(filepath.Join(out, "HL1003.md")); !strings.Contains(string(b), "local edit") {
		t.Errorf("--check rewrote the page")
	}
	wantCode(t, hl(t, "rules", "doc", "--check"), 2)
}

// The committed docs/rules must match the rule metadata (what `make
// docs-check` checks). Regenerate with `make docs`.
func TestRepoRuleDocsUpToDate(t *testing.T) {
	r := hl(t, "rules", "doc", "-o", filepath.Join(pkgDir, "../../docs/rules"), "--check", "--no-config")
	if r.code != 0 {
		t.Errorf("docs/rules is stale or missing; run 'make docs':\n%s", r)
	}
}

func TestVersion(t *testing.T) {
	r := hl(t, "version")
	wantCode(t, r, 0)
	lines := strings.Split(strings.TrimSuffix(r.out, "\n"), "\n")
	if len(lines) != 4 || !strings.HasPrefix(lines[0], "hardline ") || !strings.HasPrefix(lines[1], "commit: ") ||
		!strings.HasPrefix(lines[2], "go: go1.") ||
		!regexp.MustCompile(`^rules: sha256:[0-9a-f]{12} \(\d+ built-in rules\)$`).MatchString(lines[3]) {
		t.Errorf("version output:\n%s", r.out)
	}
	wantCode(t, hl(t, "version", "extra"), 2)
}

// ---------------------------------------------------------------------------
// Custom rules

func TestCustomRules(t *testing.T) {
	dir := workdir(t)
	write(t, dir, "policies/no_ssh_port.rego", acmeRule)
	write(t, dir, "Dockerfile", strings.Replace(cleanDF, "ENTRYPOINT", "EXPOSE 2375\nHEALTHCHECK NONE\nENTRYPOINT", 1))
	wantCode(t, hl(t, "lint", "Dockerfile"), 0)

	r := hl(t, "lint", "-f", "json", "--rules", "policies", "Dockerfile")
	wantCode(t, r, 1)
	j := parseJSON(t, r.out)
	if !slices.Equal(ruleIDs(j), []string{"ACME001"}) || j.Findings[0].Location.StartLine != 4 || j.Findings[0].Severity != "medium" {
		t.Errorf("custom rule findings: %+v", j.Findings)
	}
	// Listed, and selectable by tag; --no-builtin-rules leaves only it.
	r = hl(t, "rules", "list", "--rules", "policies", "--no-builtin-rules")
	wantCode(t, r, 0)
	if !strings.Contains(r.out, "ACME001") || strings.Contains(r.out, "HL1001") {
		t.Errorf("rules list --no-builtin-rules:\n%s", r.out)
	}
	// rules-dirs in the configuration, relative to the file.
	write(t, dir, ".hardline.yaml", "rules-dirs: [policies]\nrules:\n  severity:\n    ACME001: high\n")
	j = parseJSON(t, hl(t, "lint", "-f", "json", "Dockerfile").out)
	if !slices.Equal(ruleIDs(j), []string{"ACME001"}) || j.Findings[0].Severity != "high" {
		t.Errorf("custom rule via config: %+v", j.Findings)
	}
}

func TestCustomRuleHTTPSendRefused(t *testing.T) {
	dir := workdir(t)
	write(t, dir, "evil/phone_home.rego", phoneHomeRule)
	write(t, dir, "Dockerfile", cleanDF)
	for _, args := range [][]string{
		{"lint", "--rules", "evil", "Dockerfile"},
		{"rules", "list", "--rules", "evil"},
	} {
		r := hl(t, args...)
		wantCode(t, r, 2)
		if !strings.Contains(r.err, "phone_home.rego") || !strings.Contains(r.err, "http.send") {
			t.Errorf("%v: message should name the file and http.send:\n%s", args, r)
		}
		if r.out != "" {
			t.Errorf("%v: nothing should be reported on stdout:\n%s", args, r.out)
		}
	}
}

// A secret finding hides its source line, but another rule's finding on the
// same line (here HL1002 on a RUN that also curls with a password) echoes the
// line, password included. With --tags build-deps the secret rules do not even
// run, so nothing marks the line as sensitive. Text output must never echo a
// credential, whichever rules ran.
func TestSecretNotEchoedBySnippetOfOtherFinding(t *testing.T) {
	const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	pw := secretValue(6, 20, alnum)
	dir := workdir(t)
	write(t, dir, "Dockerfile", "FROM alpine:3.20\n"+
		"RUN apk add --no-cache build-base && curl -fsS -u admin:"+pw+" https://example.com/a -o /a\n"+
		"USER 10001\n"+
		"ENTRYPOINT [\"/sbin/tini\", \"--\", \"/a\"]\n")
	for _, args := range [][]string{
		{"lint", "Dockerfile"},
		{"lint", "-v", "Dockerfile"},
		{"lint", "--tags", "build-deps", "Dockerfile"},
	} {
		r := hl(t, args...)
		wantCode(t, r, 1)
		if !strings.Contains(r.out, "HL1002") {
			t.Fatalf("%v: HL1002 did not fire; the test proves nothing:\n%s", args, r)
		}
		if strings.Contains(r.out+r.err, pw[4:]) {
			t.Errorf("%v: the password is echoed:\n%s", args, strings.ReplaceAll(grepLines(r.out, pw[4:]), pw, "<PASSWORD>"))
		}
	}
}

// TestOutputToDeviceIsWrittenInPlace guards against replacing a device or
// FIFO with a regular file when -o names one (the report is normally written
// to a temporary file and renamed into place).
func TestOutputToDeviceIsWrittenInPlace(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "out.fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	df := filepath.Join(dir, "Dockerfile")
	if err := os.WriteFile(df, []byte("FROM scratch\nUSER 10001\nCOPY app /app\nENTRYPOINT [\"/app\"]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	got := make(chan []byte, 1)
	go func() {
		b, _ := os.ReadFile(fifo) // blocks until the writer opens and closes the FIFO
		got <- b
	}()
	code := run(context.Background(), []string{"lint", "--no-config", "-f", "json", "-o", fifo, df}, streams{in: strings.NewReader(""), out: io.Discard, err: io.Discard})
	if code == exitError {
		t.Fatalf("exit %d", code)
	}
	// Without the fix the FIFO is renamed over and the reader never
	// returns; fail instead of hanging the whole test binary.
	select {
	case b := <-got:
		if !strings.Contains(string(b), `"schema_version"`) {
			t.Fatalf("FIFO did not receive the report: %q", b)
		}
	case <-time.After(time.Minute):
		t.Fatal("the report never reached the FIFO")
	}
	st, err := os.Lstat(fifo)
	if err != nil || st.Mode()&os.ModeNamedPipe == 0 {
		t.Fatalf("FIFO was replaced: %v %v", st.Mode(), err)
	}
}

// TestWarningsReachEveryFormat: a base image that depends on an ARG without a
// value cannot be resolved; the user must be told, in every format, and it
// must not change the exit status.
func TestWarningsReachEveryFormat(t *testing.T) {
	schema := compileSchema(t, filepath.Join(pkgDir, "../../docs/schema/findings.v1.json"))
	dir := workdir(t)
	write(t, dir, "Dockerfile", "ARG BASE\nFROM ${BASE}\nUSER 10001\n")

	r := hl(t, "lint", "--no-config", "-f", "json", "Dockerfile")
	validate(t, schema, []byte(r.out))
	var doc struct {
		Warnings []struct {
			File    string `json:"file"`
			Line    int    `json:"line"`
			Message string `json:"message"`
		} `json:"warnings"`
	}
	if err := json.Unmarshal([]byte(r.out), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Warnings) == 0 || doc.Warnings[0].File != "Dockerfile" || doc.Warnings[0].Line != 2 || !strings.Contains(doc.Warnings[0].Message, "BASE") {
		t.Fatalf("want a warning about BASE at Dockerfile:2, got %+v", doc.Warnings)
	}
	if r.code == exitError {
		t.Fatalf("a warning must not be an input error: %s", r)
	}

	text := hl(t, "lint", "--no-config", "Dockerfile")
	if strings.Contains(text.out, "warning: Dockerfile:2") || !strings.Contains(text.out, "(-v shows them)") {
		t.Errorf("text without -v should only count warnings:\n%s", text.out)
	}
	verbose := hl(t, "lint", "--no-config", "-v", "Dockerfile")
	if !strings.Contains(verbose.out, "warning: Dockerfile:2") {
		t.Errorf("text with -v should show the warning:\n%s", verbose.out)
	}

	sarifOut := hl(t, "lint", "--no-config", "-f", "sarif", "Dockerfile")
	if !strings.Contains(sarifOut.out, `"level": "warning"`) || !strings.Contains(sarifOut.out, "BASE") {
		t.Errorf("SARIF should carry the warning as a tool notification:\n%s", sarifOut.out)
	}
}

// TestCustomRuleCannotLeakSecrets: a custom rule that prints raw ENV values
// and RUN text must still only ever show masked secrets, in every format.
func TestCustomRuleCannotLeakSecrets(t *testing.T) {
	dir := workdir(t)
	envPW := "hunter2" + "hunter2XyZ"
	runPW := "S3cr3t" + "Passw0rd!"
	write(t, dir, "Dockerfile", "FROM alpine:3.20\nENV DB_PASSWORD="+envPW+"\n"+
		"RUN curl -u admin:"+runPW+" https://example.com/file -o /f\n")
	write(t, dir, "rules/leak.rego", `# METADATA
# title: Prints raw values
# description: A careless custom rule.
# custom:
#   id: LEAK001
#   name: leak-raw-values
#   severity: low
#   tags: [secrets]
#   inputs: [dockerfile]
#   controls:
#     nist-800-190: ["4.1.4"]
#   remediation: Do not print raw values.
package hardline.rules.leak_raw_values

deny contains {"msg": sprintf("env %s is set to %s", [e.key, e.value])} if {
	some s in input.stages
	some i in s.instructions
	some e in object.get(i, "env", [])
}

deny contains {"msg": sprintf("run: %s", [i.original])} if {
	some s in input.stages
	some i in s.instructions
	i.cmd == "run"
}
`)
	for _, format := range []string{"text", "json", "sarif"} {
		r := hl(t, "lint", "--no-config", "--no-builtin-rules", "--rules", "rules", "-v", "-f", format, "Dockerfile")
		all := r.out + r.err
		if !strings.Contains(all, "LEAK001") {
			t.Fatalf("%s: custom rule did not run: %s", format, r)
		}
		for _, v := range []string{envPW, runPW} {
			if strings.Contains(all, v) {
				t.Errorf("%s output contains a secret value:\n%s", format, all)
			}
		}
		if !strings.Contains(all, "hunt…") {
			t.Errorf("%s: want the masked form in the output:\n%s", format, all)
		}
	}
}

// TestCLIEdges covers small contracts: build args from the environment,
// errors on stderr for machine formats, inline ignores of unknown rules.
func TestCLIEdges(t *testing.T) {
	dir := workdir(t)
	write(t, dir, "Dockerfile", "ARG BASE=alpine:3.20\nFROM ${BASE}\nENTRYPOINT [\"/sbin/tini\", \"--\", \"/app\"]\n")

	// --build-arg NAME takes the value from the environment, as docker build
	// does: a nonroot distroless base removes the run-as-root finding; unset,
	// the Dockerfile's default (alpine, root) applies.
	r := hl(t, "lint", "--no-config", "-f", "json", "--build-arg", "BASE", "Dockerfile")
	if !strings.Contains(r.out, `"HL1001"`) {
		t.Fatalf("unset BASE should keep the alpine default and its HL1001: %s", r)
	}
	t.Setenv("BASE", "gcr.io/distroless/static:nonroot")
	r = hl(t, "lint", "--no-config", "-f", "json", "--build-arg", "BASE", "Dockerfile")
	if r.code == exitError || strings.Contains(r.out, `"HL1001"`) {
		t.Fatalf("BASE from the environment was not applied: %s", r)
	}

	// Errors reach stderr when the report goes to a file or is JSON.
	write(t, dir, "bad.Dockerfile", "FROM alpine:3.20\nFORM x\n")
	r = hl(t, "lint", "--no-config", "-f", "sarif", "-o", "out.sarif", "bad.Dockerfile", "Dockerfile")
	wantCode(t, r, exitError)
	if !strings.Contains(r.err, "bad.Dockerfile:2:") {
		t.Errorf("want the input error on stderr, got %q", r.err)
	}

	// An inline ignore naming a rule that does not exist is an error.
	write(t, dir, "typo.Dockerfile", "FROM alpine:3.20\n# hardline ignore=HL9999 reason=\"typo\"\nUSER root\n")
	r = hl(t, "lint", "--no-config", "typo.Dockerfile")
	wantCode(t, r, exitError)
	if !strings.Contains(r.out, `unknown rule "HL9999"`) {
		t.Errorf("want an unknown-rule error naming HL9999:\n%s", r)
	}
}
