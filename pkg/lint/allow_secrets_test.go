package lint

import (
	"context"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/hardline-dev/hardline/pkg/config"
	"github.com/hardline-dev/hardline/pkg/finding"
	"github.com/hardline-dev/hardline/pkg/secrets"
)

// Made-up values in the detectors' formats; not real credentials.
const (
	fakeNPMToken = "npm_Zq8x3LmN5pR7tV9wY1aB4cD6eF0gH2jK4mQ6"
	fakeAPIKey   = "Zq8x3LmN5pR7tV9wY1aB"
	fakePassword = "Vx7kP2mQz9rT4wLp"
)

// allowDockerfile has a secret of each Dockerfile source the built-in
// secret rules report, next to a finding of a rule that is not about
// secrets (HL1001: no USER).
const allowDockerfile = "FROM alpine:3.20\n" +
	"ARG NPM_TOKEN\n" +
	"ENV GITHUB_TOKEN=" + fakeToken + " API_KEY=" + fakeAPIKey + "\n" +
	"RUN curl -u admin:" + fakePassword + " https://x.example.com && echo $NPM_TOKEN\n" +
	"COPY .npmrc /root/\n"

// lintWithConfig lints allowDockerfile as file (relative to dir) under the
// configuration yaml, read as dir/.hardline.yaml; it returns the result and
// the source an allowlist suppression from line n names.
func lintWithConfig(t *testing.T, dir, yaml, file string) (FileResult, func(n int) string) {
	t.Helper()
	return lintSourceWithConfig(t, dir, yaml, file, allowDockerfile)
}

func lintSourceWithConfig(t *testing.T, dir, yaml, file, src string) (FileResult, func(n int) string) {
	t.Helper()
	path := filepath.Join(dir, ".hardline.yaml")
	cfg, err := config.Parse(path, []byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	l := New(Options{Engine: testEngine(t), Config: cfg})
	fr := l.LintOne(context.Background(), Input{Path: filepath.Join(dir, file), Data: []byte(src)})
	if len(fr.Errors) > 0 {
		t.Fatalf("errors: %+v", fr.Errors)
	}
	if len(fr.Findings) == 0 {
		t.Fatal("no findings")
	}
	return fr, func(n int) string { return filepath.ToSlash(path) + ":" + strconv.Itoa(n) }
}

func wantAllowed(t *testing.T, f finding.Finding, reason, source string) {
	t.Helper()
	if s := f.Suppressed; s == nil || s.Kind != "allowlist" || s.Reason != reason || s.Source != source {
		t.Errorf("%s at line %d (%s): suppressed %+v, want allowlist %q from %s", f.RuleID, f.Location.StartLine, f.Message, f.Suppressed, reason, source)
	}
}

func wantNotSuppressed(t *testing.T, f finding.Finding) {
	t.Helper()
	if f.Suppressed != nil {
		t.Errorf("%s at line %d (%s) suppressed: %+v", f.RuleID, f.Location.StartLine, f.Message, f.Suppressed)
	}
}

func isSecretFinding(f finding.Finding) bool { return config.IsSecretRule(f.Tags) }

// The built-in rules' Dockerfile findings about one secret value carry its
// fingerprint, detector rule and masked value; the others carry none.
func TestSecretRefOnDockerfileFindings(t *testing.T) {
	fr, _ := lintWithConfig(t, t.TempDir(), "", "Dockerfile")
	want := map[string]string{ // fingerprint → rule id
		secrets.Fingerprint(fakeToken):    "HL1007",
		secrets.Fingerprint(fakeAPIKey):   "HL1007",
		secrets.Fingerprint(fakePassword): "HL1008",
	}
	masked := map[string]string{
		secrets.Fingerprint(fakeToken):    secrets.Mask(fakeToken),
		secrets.Fingerprint(fakeAPIKey):   secrets.Mask(fakeAPIKey),
		secrets.Fingerprint(fakePassword): secrets.Mask(fakePassword),
	}
	seen := map[string]bool{}
	for _, f := range fr.Findings {
		if f.RuleID != "HL1007" && f.RuleID != "HL1008" {
			// HL1009 is about a build argument's name and HL1010 about
			// file names: no secret value, so no secret ref; nor on rules
			// that are not about secrets.
			if f.Secret != nil {
				t.Errorf("%s has a secret ref %+v", f.RuleID, *f.Secret)
			}
			continue
		}
		if f.Secret == nil {
			t.Errorf("%s at line %d has no secret ref", f.RuleID, f.Location.StartLine)
			continue
		}
		sr := *f.Secret
		if want[sr.Fingerprint] != f.RuleID || sr.Masked != masked[sr.Fingerprint] || sr.Rule == "" {
			t.Errorf("%s: secret ref %+v", f.RuleID, sr)
		}
		if !strings.Contains(f.Message, sr.Masked) {
			t.Errorf("%s: message %q does not show the masked value", f.RuleID, f.Message)
		}
		seen[sr.Fingerprint] = true
	}
	if len(seen) != len(want) {
		t.Errorf("found %d of the %d expected secret refs", len(seen), len(want))
	}
}

func TestSecretAllowDockerfileByFingerprint(t *testing.T) {
	fp := secrets.Fingerprint(fakeToken)
	yaml := "fail-on: low\nsecrets:\n  allow:\n    - fingerprint: " + fp + "   # GITHUB_TOKEN\n      reason: rotated test key\n"
	fr, src := lintWithConfig(t, t.TempDir(), yaml, "Dockerfile")
	allowed := 0
	for _, f := range fr.Findings {
		if f.Secret != nil && f.Secret.Fingerprint == fp {
			allowed++
			wantAllowed(t, f, "rotated test key", src(4))
		} else {
			wantNotSuppressed(t, f)
		}
	}
	if allowed != 1 {
		t.Errorf("%d findings allowed, want the ENV GITHUB_TOKEN one", allowed)
	}
}

func TestSecretAllowDockerfileByPath(t *testing.T) {
	yaml := "secrets:\n  allow:\n    - paths: [\"test/fixtures/**\"]\n      reason: fixture data\n"
	dir := t.TempDir()
	fr, src := lintWithConfig(t, dir, yaml, "test/fixtures/Dockerfile")
	rules := map[string]bool{}
	for _, f := range fr.Findings {
		if isSecretFinding(f) {
			rules[f.RuleID] = true
			wantAllowed(t, f, "fixture data", src(3))
		} else {
			wantNotSuppressed(t, f)
		}
	}
	// Every secret rule is subject to a path entry, with or without a
	// secret value.
	for _, id := range []string{"HL1007", "HL1008", "HL1009", "HL1010"} {
		if !rules[id] {
			t.Errorf("no %s finding", id)
		}
	}
	fr, _ = lintWithConfig(t, dir, yaml, "src/Dockerfile")
	for _, f := range fr.Findings {
		wantNotSuppressed(t, f)
	}
}

func TestSecretAllowDockerfileByRule(t *testing.T) {
	yaml := "secrets:\n  allow:\n    - rules: [github-pat]\n      reason: a test token\n    - rules: [secret-build-arg]\n      paths: [\"*\"]\n      reason: build args are test values here\n"
	fr, src := lintWithConfig(t, t.TempDir(), yaml, "Dockerfile")
	var pat, arg int
	for _, f := range fr.Findings {
		switch {
		case f.Secret != nil && f.Secret.Rule == "github-pat":
			pat++
			wantAllowed(t, f, "a test token", src(3))
		case f.RuleID == "HL1009":
			arg++
			wantAllowed(t, f, "build args are test values here", src(5))
		default:
			wantNotSuppressed(t, f)
		}
	}
	if pat != 1 || arg != 1 {
		t.Errorf("%d github-pat and %d HL1009 findings, want one each", pat, arg)
	}
}

// An inline ignore and a configuration ignore come first; secrets.allow
// only decides findings nothing else suppressed.
func TestSecretAllowAfterOtherSuppressions(t *testing.T) {
	yaml := "ignore:\n  - rules: [HL1008]\n    reason: ignored\nsecrets:\n  allow:\n    - paths: [\"**\"]\n      reason: allowed\n"
	src := strings.Replace(allowDockerfile, "ENV ", "# hardline ignore=HL1007 reason=\"inline\"\nENV ", 1)
	fr, _ := lintSourceWithConfig(t, t.TempDir(), yaml, "Dockerfile", src)
	for _, f := range fr.Findings {
		switch {
		case f.RuleID == "HL1007":
			if f.Suppressed == nil || f.Suppressed.Kind != "inline" {
				t.Errorf("HL1007: %+v, want the inline comment", f.Suppressed)
			}
		case f.RuleID == "HL1008":
			if f.Suppressed == nil || f.Suppressed.Kind != "config" {
				t.Errorf("HL1008: %+v, want the ignore entry", f.Suppressed)
			}
		case isSecretFinding(f):
			if f.Suppressed == nil || f.Suppressed.Kind != "allowlist" {
				t.Errorf("%s: %+v, want allowlist", f.RuleID, f.Suppressed)
			}
		default:
			wantNotSuppressed(t, f)
		}
	}
}

// However wide an entry, findings of rules that are not about secrets are
// never affected, even when the entry names them.
func TestSecretAllowNeverTouchesOtherRules(t *testing.T) {
	yaml := "secrets:\n  allow:\n    - paths: [\"**\"]\n      rules: [HL1001, run-as-root, HL1007]\n      reason: wide\n"
	fr, _ := lintWithConfig(t, t.TempDir(), yaml, "Dockerfile")
	n := 0
	for _, f := range fr.Findings {
		if f.RuleID == "HL1007" {
			n++
			if f.Suppressed == nil || f.Suppressed.Kind != "allowlist" {
				t.Errorf("HL1007 not allowed: %+v", f.Suppressed)
			}
			continue
		}
		wantNotSuppressed(t, f)
		if f.RuleID == "HL1001" {
			n++
		}
	}
	if n < 2 {
		t.Errorf("want HL1001 and HL1007 findings, got %d", n)
	}
}

// Configuration mistakes in secrets.allow are errors at their line.
func TestSecretAllowConfigErrors(t *testing.T) {
	for src, want := range map[string]string{
		"fail-on: low\nsecrets:\n  allow:\n    - reason: \"no criteria\"\n":                             ".hardline.yaml:4: secrets.allow[0]: say which secrets",
		"secrets:\n  allow:\n    - fingerprint: 3f2a9c0d1e7b4a55\n      reasn: typo\n      reason: x\n": `.hardline.yaml:4: unknown key "reasn"`,
	} {
		_, err := config.Parse(".hardline.yaml", []byte(src))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v, want %q", src, err, want)
		}
	}
}
