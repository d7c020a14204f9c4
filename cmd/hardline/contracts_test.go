package main

// Output contracts of the machine formats, through run() like every CLI
// test here: the same input gives the same bytes, every format validates
// against its schema and agrees with the others about what was found, and
// every command keeps its exit codes.

import (
	"encoding/json"
	"encoding/xml"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// machineFormats are the formats whose bytes are a contract (text is not).
var machineFormats = []string{"json", "sarif", "junit", "gitlab", "checkstyle"}

// contractCleanDF is clean of every built-in rule, including the ones that
// are quiet for cleanDF's purposes elsewhere (a health check).
const contractCleanDF = cleanDF + `HEALTHCHECK CMD ["/app", "-health"]
`

// sharedDir is a folder of the shared data beside the checkout.
func sharedDir(t *testing.T, sub string) string {
	t.Helper()
	p := filepath.Join(pkgDir, "../../../shared", sub)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("%s not available (the shared/ folder beside the checkout): %v", p, err)
	}
	return p
}

// lintFixture writes Dockerfiles with findings of several rules, a
// suppressed one, a clean one, one that does not parse and one holding a
// credential, plus (when ../shared is there) real Dockerfiles from the
// corpus, so that file order, rule order and concurrency all matter.
func lintFixture(t *testing.T, withCorpus bool) (dir string, args []string) {
	t.Helper()
	dir = workdir(t)
	write(t, dir, "a/root.Dockerfile", rootDF)
	write(t, dir, "a/sup.Dockerfile", supDF)
	write(t, dir, "b/clean.Dockerfile", contractCleanDF)
	write(t, dir, "b/multi.Dockerfile", multiDF)
	write(t, dir, "c/bad.Dockerfile", "FROM alpine:3.20\nRUN true\nFORM scratch\n")
	write(t, dir, "c/secret.Dockerfile", "FROM python:3.12-alpine\nENV DATABASE_PASSWORD=Xk9mQ2pL7vR4tY8wZ3nB5cD\nRUN apk add build-base\nCMD [\"python\", \"app.py\"]\n")
	args = []string{"a", "b", "c"}
	if withCorpus {
		if root := filepath.Join(pkgDir, "../../../shared/corpus/files"); dirExists(root) {
			var files []string
			_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
				if err == nil && !d.IsDir() {
					files = append(files, p)
				}
				return nil
			})
			sort.Strings(files)
			// A spread of 16 files over the corpus' repositories.
			for i := 0; i < len(files); i += max(len(files)/16, 1) {
				rel, _ := filepath.Rel(root, files[i])
				data, err := os.ReadFile(files[i])
				if err != nil {
					t.Fatal(err)
				}
				write(t, dir, filepath.Join("corpus", rel), string(data))
			}
			args = append(args, "corpus")
		}
	}
	return dir, args
}

func dirExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}

// cleanImage has nothing any built-in rule reports: a numeric non-root
// user that exists, tini as PID 1, a health check. A new image rule that
// fires here needs the fixture to grow whatever the rule asks for.
func cleanImage(t *testing.T) v1.Image {
	t.Helper()
	base := imgLayer(t,
		imgFile{name: "lib/ld-musl-x86_64.so.1", body: []byte("musl"), mode: 0o755},
		imgFile{name: "etc/passwd", body: []byte("root:x:0:0:root:/root:/sbin/nologin\napp:x:10001:10001::/home/app:/sbin/nologin\n"), mode: 0o644},
		imgFile{name: "etc/group", body: []byte("root:x:0:\napp:x:10001:\n"), mode: 0o644},
		imgFile{name: "etc/os-release", body: []byte("ID=alpine\nVERSION_ID=3.20.3\n"), mode: 0o644},
		imgFile{name: "sbin/tini", body: loaderELF(t, "/lib/ld-musl-x86_64.so.1"), mode: 0o755},
	)
	app := imgLayer(t, imgFile{name: "app/server", body: loaderELF(t, "/lib/ld-musl-x86_64.so.1"), mode: 0o755})
	img := linuxImage(t, v1.Config{
		Env:         []string{"PATH=/usr/local/bin:/usr/bin:/bin"},
		User:        "10001:10001",
		Entrypoint:  []string{"/sbin/tini", "--", "/app/server"},
		Healthcheck: &v1.HealthConfig{Test: []string{"CMD", "/app/server", "-health"}},
	},
		[]v1.History{{CreatedBy: "ADD rootfs.tar / # buildkit"}, {CreatedBy: "COPY server /app/server # buildkit"}},
		base, app)
	return img
}

// ---------------------------------------------------------------------------
// (a) determinism and (b) validity: each format is run twice, once to
// standard output and once with -o, and both must be the same bytes; then
// the report is validated and compared with the JSON report.

func TestContractLint(t *testing.T) {
	_, args := lintFixture(t, true)
	checkAllFormats(t, append([]string{"lint", "--no-config"}, args...), exitError, true)
}

func TestContractImage(t *testing.T) {
	dir := workdir(t)
	refs := imageInputs(t, dir, musllikeImage(t))
	// A missing image adds an input error to every report.
	checkAllFormats(t, []string{"image", "--no-config", refs["docker-archive"], "missing.tar"}, exitError, true)
}

func TestContractImageClean(t *testing.T) {
	dir := workdir(t)
	refs := imageInputs(t, dir, cleanImage(t))
	checkAllFormats(t, []string{"image", "--no-config", refs["oci-layout"]}, exitOK, false)
}

func TestContractBusyBox(t *testing.T) {
	p := sharedDir(t, "images/busybox-glibc")
	workdir(t)
	checkAllFormats(t, []string{"image", "--no-config", p}, exitFindings, false)
}

// firstDiff shows where two reports part, not both in full.
func firstDiff(a, b string) string {
	la, lb := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < len(la) && i < len(lb); i++ {
		if la[i] != lb[i] {
			return "line " + strconv.Itoa(i+1) + ":\n- " + la[i] + "\n+ " + lb[i]
		}
	}
	return "lengths differ: " + strconv.Itoa(len(la)) + " vs " + strconv.Itoa(len(lb)) + " lines"
}

// tally is what a report says, read back from the format itself.
type tally struct {
	findings   int // unsuppressed findings
	suppressed int // -1: the format leaves them out
	errors     int // -1: the format has no place for them
	failed     bool
}

// checkAllFormats runs cmd in every machine format, validates each report
// and checks that they agree with the JSON report and the exit status.
// With twice, each format runs a second time with -o, which must write the
// same bytes.
func checkAllFormats(t *testing.T, cmd []string, code int, twice bool) {
	t.Helper()
	out := map[string]string{}
	for _, f := range machineFormats {
		args := append(append([]string{}, cmd...), "-f", f)
		r := hl(t, args...)
		wantCode(t, r, code)
		out[f] = r.out
		if strings.Contains(r.out+r.err, imgSecret) {
			t.Errorf("%s: the token leaked", f)
		}
		if !twice {
			continue
		}
		wantCode(t, hl(t, append(args, "-o", "report.out")...), code)
		b, err := os.ReadFile("report.out")
		if err != nil {
			t.Fatal(err)
		}
		if string(b) != r.out {
			t.Errorf("%s: a second run (with -o) wrote different bytes:\n%s", f, firstDiff(r.out, string(b)))
		}
	}
	var want tally
	t.Run("json", func(t *testing.T) {
		validate(t, compileSchema(t, filepath.Join(pkgDir, "../../docs/schema/findings.v1.json")), []byte(out["json"]))
		rep := parseJSON(t, out["json"])
		want = tally{rep.Summary.Findings, rep.Summary.Suppressed, rep.Summary.Errors, rep.Summary.Failed}
		if want.failed != (code != exitOK) {
			t.Errorf("summary.failed = %v with exit %d", want.failed, code)
		}
	})
	t.Run("sarif", func(t *testing.T) {
		got := sarifTally(t, out["sarif"])
		if got.findings+got.suppressed != want.findings+want.suppressed || got.suppressed != want.suppressed || got.errors != want.errors {
			t.Errorf("SARIF says %+v, JSON %+v", got, want)
		}
		validate(t, sarifSchema(t), []byte(out["sarif"]))
	})
	t.Run("gitlab", func(t *testing.T) {
		validate(t, compileSchema(t, filepath.Join(pkgDir, "../../testdata/report/gitlab-codequality.schema.json")), []byte(out["gitlab"]))
		var issues []struct {
			Fingerprint string `json:"fingerprint"`
		}
		if err := json.Unmarshal([]byte(out["gitlab"]), &issues); err != nil {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		for _, is := range issues {
			if seen[is.Fingerprint] {
				t.Errorf("duplicate fingerprint %s: GitLab would drop an entry", is.Fingerprint)
			}
			seen[is.Fingerprint] = true
		}
		if len(issues) != want.findings {
			t.Errorf("GitLab has %d issues, JSON %d unsuppressed findings", len(issues), want.findings)
		}
	})
	t.Run("checkstyle", func(t *testing.T) {
		got := checkstyleTally(t, out["checkstyle"])
		if got.findings != want.findings || got.errors != want.errors {
			t.Errorf("checkstyle says %+v, JSON %+v", got, want)
		}
		xmllintContract(t, "checkstyle.xsd", out["checkstyle"])
	})
	t.Run("junit", func(t *testing.T) {
		got := junitTally(t, out["junit"])
		if got.errors != want.errors {
			t.Errorf("JUnit has %d error testcases, JSON %d input errors", got.errors, want.errors)
		}
		// A testcase fails when a finding reaches --fail-on, so failures
		// exist whenever findings set the exit status, and never on a pass.
		if code == exitFindings && got.findings == 0 || code == exitOK && got.findings != 0 {
			t.Errorf("JUnit has %d failing testcases with exit %d", got.findings, code)
		}
		xmllintContract(t, "junit.xsd", out["junit"])
	})
}

func sarifTally(t *testing.T, doc string) tally {
	t.Helper()
	var l struct {
		Runs []struct {
			AutomationDetails struct {
				ID string `json:"id"`
			} `json:"automationDetails"`
			Results []struct {
				Suppressions []any `json:"suppressions"`
			} `json:"results"`
			Invocations []struct {
				Notifications []struct {
					Level string `json:"level"`
				} `json:"toolExecutionNotifications"`
			} `json:"invocations"`
		} `json:"runs"`
	}
	if err := json.Unmarshal([]byte(doc), &l); err != nil {
		t.Fatalf("SARIF is not JSON: %v", err)
	}
	if len(l.Runs) != 1 || len(l.Runs[0].Invocations) != 1 {
		t.Fatalf("want one run with one invocation, got %d runs", len(l.Runs))
	}
	if id := l.Runs[0].AutomationDetails.ID; id != "hardline/lint/" && id != "hardline/image/" {
		t.Errorf("automationDetails.id = %q", id)
	}
	var c tally
	for _, r := range l.Runs[0].Results {
		if len(r.Suppressions) > 0 {
			c.suppressed++
		} else {
			c.findings++
		}
	}
	for _, n := range l.Runs[0].Invocations[0].Notifications {
		if n.Level == "error" {
			c.errors++
		}
	}
	return c
}

func checkstyleTally(t *testing.T, doc string) tally {
	t.Helper()
	var d struct {
		XMLName xml.Name `xml:"checkstyle"`
		Version string   `xml:"version,attr"`
		Files   []struct {
			Name   string `xml:"name,attr"`
			Errors []struct {
				Line     *int   `xml:"line,attr"`
				Severity string `xml:"severity,attr"`
				Message  string `xml:"message,attr"`
				Source   string `xml:"source,attr"`
			} `xml:"error"`
		} `xml:"file"`
	}
	dec := xml.NewDecoder(strings.NewReader(doc))
	dec.Strict = true
	if err := dec.Decode(&d); err != nil {
		t.Fatalf("checkstyle is not well-formed: %v", err)
	}
	if d.Version == "" {
		t.Error("no checkstyle version")
	}
	c := tally{suppressed: -1}
	for _, f := range d.Files {
		if f.Name == "" {
			t.Error("<file> without a name")
		}
		for _, e := range f.Errors {
			if e.Line == nil || *e.Line < 0 || e.Message == "" || !strings.HasPrefix(e.Source, "hardline.") {
				t.Errorf("%s: malformed <error> %+v", f.Name, e)
			}
			switch e.Severity {
			case "error", "warning", "info":
			default:
				t.Errorf("%s: severity %q", f.Name, e.Severity)
			}
			if e.Source == "hardline.input-error" {
				c.errors++
			} else {
				c.findings++
			}
		}
	}
	return c
}

// junitTally counts failing and error testcases, checking on the way the
// counts consumers take on trust.
func junitTally(t *testing.T, doc string) tally {
	t.Helper()
	type outcome struct {
		Message string `xml:"message,attr"`
	}
	var d struct {
		XMLName  xml.Name `xml:"testsuites"`
		Tests    int      `xml:"tests,attr"`
		Failures int      `xml:"failures,attr"`
		Errors   int      `xml:"errors,attr"`
		Skipped  int      `xml:"skipped,attr"`
		Suites   []struct {
			Name     string `xml:"name,attr"`
			Tests    int    `xml:"tests,attr"`
			Failures int    `xml:"failures,attr"`
			Errors   int    `xml:"errors,attr"`
			Skipped  int    `xml:"skipped,attr"`
			Cases    []struct {
				Name     string    `xml:"name,attr"`
				Failures []outcome `xml:"failure"`
				Errors   []outcome `xml:"error"`
				Skipped  []outcome `xml:"skipped"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	dec := xml.NewDecoder(strings.NewReader(doc))
	dec.Strict = true
	if err := dec.Decode(&d); err != nil {
		t.Fatalf("JUnit is not well-formed: %v", err)
	}
	var c tally
	var tests, skipped int
	for _, s := range d.Suites {
		var f, e, sk int
		for _, tc := range s.Cases {
			f += len(tc.Failures)
			e += len(tc.Errors)
			sk += len(tc.Skipped)
		}
		if s.Tests != len(s.Cases) || s.Failures != f || s.Errors != e || s.Skipped != sk {
			t.Errorf("suite %s: counts %d/%d/%d/%d, testcases %d/%d/%d/%d", s.Name, s.Tests, s.Failures, s.Errors, s.Skipped, len(s.Cases), f, e, sk)
		}
		c.findings += f
		c.errors += e
		tests += len(s.Cases)
		skipped += sk
	}
	if d.Tests != tests || d.Failures != c.findings || d.Errors != c.errors || d.Skipped != skipped {
		t.Errorf("testsuites counts %d/%d/%d/%d do not add up", d.Tests, d.Failures, d.Errors, d.Skipped)
	}
	return c
}

// xmllintContract validates against an XSD of testdata/report with
// libxml2's xmllint (Debian: libxml2-utils).
func xmllintContract(t *testing.T, xsd, doc string) {
	t.Helper()
	xmllint, err := exec.LookPath("xmllint")
	if err != nil {
		t.Skip("xmllint not installed (apt-get install libxml2-utils); skipping XSD validation")
	}
	p := filepath.Join(t.TempDir(), "report.xml")
	if err := os.WriteFile(p, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(xmllint, "--noout", "--nonet", "--schema", filepath.Join(pkgDir, "../../testdata/report", xsd), p).CombinedOutput(); err != nil {
		t.Errorf("report violates %s: %v\n%s", xsd, err, out)
	}
}

// ---------------------------------------------------------------------------
// (c) exit codes: what main_test.go and image_test.go do not already cover

func TestContractExitCodes(t *testing.T) {
	dir := workdir(t)
	write(t, dir, "clean.Dockerfile", contractCleanDF)
	write(t, dir, "root.Dockerfile", rootDF)
	write(t, dir, "bad.Dockerfile", "FROM alpine:3.20\nFORM x\n")
	refs := imageInputs(t, dir, musllikeImage(t))
	if err := os.Mkdir(filepath.Join(dir, "clean"), 0o755); err != nil {
		t.Fatal(err)
	}
	clean := imageInputs(t, filepath.Join(dir, "clean"), cleanImage(t))
	cleanTar := filepath.Join("clean", clean["docker-archive"])

	// A custom rule directory whose Rego test fails, and one that does not
	// compile.
	write(t, dir, "rules-failing/acme.rego", acmeRule)
	write(t, dir, "rules-failing/acme_test.rego", "package hardline.rules.acme_no_ssh_port_test\n\nimport data.hardline.rules.acme_no_ssh_port as rule\n\ntest_always_wrong if {\n\tcount(rule.deny) == 1 with input as {\"stages\": []}\n}\n")
	write(t, dir, "rules-broken/broken.rego", "package hardline.rules.broken\n\ndeny contains r if {\n")

	tests := []struct {
		name string
		args []string
		code int
	}{
		{"image clean", []string{"image", "--no-config", cleanTar}, exitOK},
		{"image findings", []string{"image", "--no-config", refs["docker-archive"]}, exitFindings},
		{"image bad input", []string{"image", "--no-config", "bad.Dockerfile"}, exitError},
		{"image findings below fail-on", []string{"image", "--no-config", "--fail-on", "none", refs["docker-archive"]}, exitOK},
		{"image bad --dockerfile", []string{"image", "--no-config", "--dockerfile", "missing/Dockerfile", refs["docker-archive"]}, exitError},
		{"facts dockerfile with findings", []string{"facts", "dockerfile", "root.Dockerfile"}, exitOK},
		{"facts dockerfile unparseable", []string{"facts", "dockerfile", "bad.Dockerfile"}, exitError},
		{"facts image not an image", []string{"facts", "image", "bad.Dockerfile"}, exitError},
		{"facts unknown subcommand", []string{"facts", "container", "x"}, exitError},
		{"rules unknown subcommand", []string{"rules", "frob"}, exitError},
		{"facts alone shows help", []string{"facts"}, exitOK},
		{"report unknown framework", []string{"report", "--framework", "iso-27001", "clean.Dockerfile"}, exitError},
		{"baseline create unknown flag", []string{"baseline", "create", "--frob"}, exitError},
		{"rules list extra argument", []string{"rules", "list", "extra"}, exitError},
		{"rules list bad rules dir", []string{"rules", "list", "--rules", "rules-broken"}, exitError},
		{"rules test failing test", []string{"rules", "test", "--no-config", "--rules", "rules-failing", "--no-builtin-rules"}, exitFindings},
		{"rules test broken rule", []string{"rules", "test", "--no-config", "--rules", "rules-broken", "--no-builtin-rules"}, exitError},
		{"rules doc bad rules dir", []string{"rules", "doc", "--rules", "rules-broken"}, exitError},
		{"version bad flag", []string{"version", "--bogus"}, exitError},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			wantCode(t, hl(t, tc.args...), tc.code)
		})
	}

	// Every format gives the same exit status: CI gates must not depend on
	// the report format. (Images: TestContractImage* run every format.)
	for _, f := range append([]string{"text"}, machineFormats...) {
		for _, c := range []struct {
			args []string
			code int
		}{
			{[]string{"lint", "--no-config", "clean.Dockerfile"}, exitOK},
			{[]string{"lint", "--no-config", "root.Dockerfile"}, exitFindings},
			{[]string{"lint", "--no-config", "bad.Dockerfile", "root.Dockerfile"}, exitError},
		} {
			args := append(append([]string{}, c.args...), "-f", f)
			if r := hl(t, args...); r.code != c.code {
				t.Errorf("%v: exit %d, want %d\n%s", args, r.code, c.code, r)
			}
		}
	}
}
