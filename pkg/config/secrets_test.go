package config

import (
	"strconv"
	"strings"
	"testing"

	"github.com/hardline-dev/hardline/pkg/finding"
)

const allowYAML = `fail-on: low
secrets:
  allow:
    - fingerprint: 3F2A9C0D1E7B4A55   # upper case is accepted
      reason: "rotated test key, kept for the integration suite"
    - paths: ["test/fixtures/**", "/usr/src/app/testdata/**"]
      rules: [generic-api-key]
      reason: "fixture data"
    - rules: [HL1009]
      paths: ["ci/**"]
      reason: "CI images are never pushed"
`

func secretFinding(rule, file, fp, detector string) *finding.Finding {
	f := &finding.Finding{RuleID: rule, RuleName: "secret-in-env-or-arg", Tags: []string{"secrets"}, File: file}
	if fp != "" {
		f.Secret = &finding.SecretRef{Fingerprint: fp, Rule: detector, Masked: "abcd…(20 chars)"}
	}
	return f
}

func TestSecretAllow(t *testing.T) {
	cfg, err := Parse("/repo/.hardline.yaml", []byte(allowYAML))
	if err != nil {
		t.Fatal(err)
	}
	if got := cfg.Secrets.Allow; len(got) != 3 || got[0].Line != 4 || got[1].Line != 6 || got[2].Line != 9 || got[0].Fingerprint != "3f2a9c0d1e7b4a55" {
		t.Fatalf("entries = %+v", got)
	}
	cases := []struct {
		name string
		f    *finding.Finding
		line int // 0: not allowed
	}{
		{"fingerprint", secretFinding("HL1007", "/repo/app/Dockerfile", "3f2a9c0d1e7b4a55", "github-pat"), 4},
		{"other fingerprint", secretFinding("HL1007", "/repo/app/Dockerfile", "0000000000000000", "github-pat"), 0},
		{"no secret ref never matches a fingerprint", secretFinding("HL1007", "/repo/app/Dockerfile", "", ""), 0},
		{"path and detector rule", secretFinding("HL1008", "/repo/test/fixtures/Dockerfile", "1111111111111111", "generic-api-key"), 6},
		{"detector rule, case-insensitive", secretFinding("HL1008", "/repo/test/fixtures/Dockerfile", "1111111111111111", "Generic-API-Key"), 6},
		{"path but another detector rule", secretFinding("HL1008", "/repo/test/fixtures/Dockerfile", "1111111111111111", "private-key"), 0},
		{"detector rule but another path", secretFinding("HL1008", "/repo/src/Dockerfile", "1111111111111111", "generic-api-key"), 0},
		{"hardline rule and path", secretFinding("HL1009", "/repo/ci/Dockerfile", "", ""), 9},
		{"hardline rule, another path", secretFinding("HL1009", "/repo/app/Dockerfile", "", ""), 0},
	}
	for _, c := range cases {
		s := cfg.SecretSuppression(c.f)
		switch {
		case c.line == 0 && s != nil:
			t.Errorf("%s: allowed by %+v", c.name, s)
		case c.line > 0 && (s == nil || s.Kind != "allowlist" || s.Reason == "" || s.Source != "/repo/.hardline.yaml:"+strconv.Itoa(c.line)):
			t.Errorf("%s: suppression %+v, want allowlist from line %d", c.name, s, c.line)
		}
	}

	// Paths inside an image are matched as they are, next to the
	// finding's file (the image or the correlated Dockerfile).
	img := secretFinding("HL1010", "registry.example.com/app:1@sha256:abc", "2222222222222222", "generic-api-key")
	img.Image = &finding.ImageRef{Path: "/usr/src/app/testdata/keys.env"}
	if s := cfg.SecretSuppression(img); s == nil || s.Source != "/repo/.hardline.yaml:6" {
		t.Errorf("image path not matched: %+v", s)
	}
	img.Image.Path = "/usr/src/app/main.env"
	if s := cfg.SecretSuppression(img); s != nil {
		t.Errorf("image path matched too widely: %+v", s)
	}

	// Only rules tagged secrets are subject to secrets.allow.
	other := secretFinding("HL1007", "/repo/app/Dockerfile", "3f2a9c0d1e7b4a55", "github-pat")
	other.Tags = []string{"least-privilege"}
	if s := cfg.SecretSuppression(other); s != nil {
		t.Errorf("a finding of a rule not tagged secrets was allowed: %+v", s)
	}
}

func TestSecretAllowEverySecretPathNeverTouchesOtherRules(t *testing.T) {
	cfg, err := Parse(".hardline.yaml", []byte("secrets:\n  allow:\n    - paths: ['**']\n      reason: everything\n    - rules: [HL1001, run-as-root]\n      reason: not a secret rule\n"))
	if err != nil {
		t.Fatal(err)
	}
	root := &finding.Finding{RuleID: "HL1001", RuleName: "run-as-root", Tags: []string{"least-privilege"}, File: "Dockerfile"}
	if s := cfg.SecretSuppression(root); s != nil {
		t.Errorf("run-as-root allowed by secrets.allow: %+v", s)
	}
	if s := cfg.SecretSuppression(secretFinding("HL1007", "Dockerfile", "", "")); s == nil || s.Source != ".hardline.yaml:3" {
		t.Errorf("paths: ['**'] did not allow a secret finding: %+v", s)
	}
	var empty Config
	if s := empty.SecretSuppression(secretFinding("HL1007", "Dockerfile", "3f2a9c0d1e7b4a55", "x")); s != nil {
		t.Errorf("default configuration allowed a secret: %+v", s)
	}
}

func TestSecretAllowErrorsAreLocated(t *testing.T) {
	cases := map[string]string{
		// An entry with only a reason would allow every secret.
		"secrets:\n  allow:\n    - reason: trust me\n": `.hardline.yaml:3: secrets.allow[0]: say which secrets`,
		"secrets:\n  allow:\n    - fingerprint: 3f2a9c0d1e7b4a55\n      reason: x\n    - paths: []\n      rules: []\n      reason: y\n": `.hardline.yaml:5: secrets.allow[1]: say which secrets`,
		"secrets:\n  allow:\n    - fingerprint: 3f2a9c0d1e7b4a55\n":                                                                     `.hardline.yaml:3: secrets.allow[0]: a reason is required`,
		"secrets:\n  allow:\n    - fingerprint: 3f2a9c0d1e7b4a55\n      reason: '  '\n":                                                 `.hardline.yaml:3: secrets.allow[0]: a reason is required`,
		"secrets:\n  allow:\n    - rules: [generic-api-key]\n      fingerprnt: 3f2a9c0d1e7b4a55\n      reason: x\n":                     `.hardline.yaml:4: unknown key "fingerprnt"`,
		"secrets:\n  alow:\n    - rules: [generic-api-key]\n":                                                                           `.hardline.yaml:2: unknown key "alow"`,
		"secrets:\n  allow:\n    - reason: x\n      fingerprint: 3f2a9c0d\n":                                                            `.hardline.yaml:4: secrets.allow[0]: fingerprint "3f2a9c0d" is not a secret fingerprint`,
		"secrets:\n  allow:\n    - reason: x\n      fingerprint: 0123456789abcdef0123456789abcdef\n":                                    `.hardline.yaml:4: secrets.allow[0]: "0123456789abcdef0123456789abcdef" is a finding's fingerprint`,
		"secrets:\n  allow:\n    - reason: x\n      paths: ['[']\n":                                                                     `.hardline.yaml:4: secrets.allow[0]: invalid path glob "["`,
		"secrets:\n  allow:\n    - reason: x\n      rules: ['']\n":                                                                      `.hardline.yaml:4: secrets.allow[0]: empty rule id`,
		"secrets:\n  allow: {fingerprint: 3f2a9c0d1e7b4a55}\n":                                                                          `.hardline.yaml:2:`,
	}
	for src, want := range cases {
		_, err := Parse(".hardline.yaml", []byte(src))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v, want it to contain %q", src, err, want)
		}
	}
	// A fingerprint of digits only, or one YAML would read as a number,
	// stays the text written.
	cfg, err := Parse(".hardline.yaml", []byte("secrets:\n  allow:\n    - fingerprint: 1234567890123456\n      reason: x\n    - fingerprint: 3e10000000000000\n      reason: y\n"))
	if err != nil || cfg.Secrets.Allow[0].Fingerprint != "1234567890123456" || cfg.Secrets.Allow[1].Fingerprint != "3e10000000000000" {
		t.Errorf("numeric-looking fingerprints: %+v %v", cfg, err)
	}
}

func TestUnknownSecretAllowRule(t *testing.T) {
	cfg, err := Parse(".hardline.yaml", []byte("rules:\n  disable: [HL1004]\nsecrets:\n  allow:\n    - rules: [HL1007]\n      reason: x\n    - rules: [private-key, HL1004, generic-api-kye]\n      reason: y\n"))
	if err != nil {
		t.Fatal(err)
	}
	known := map[string]bool{"hl1007": true, "hl1004": true, "private-key": true, "generic-api-key": true}
	err = cfg.UnknownSecretAllowRule(func(s string) bool { return known[strings.ToLower(s)] })
	if err == nil || err.Error() != `.hardline.yaml:7: secrets.allow[1]: unknown rule "generic-api-kye": not a hardline rule (see 'hardline rules list') or a secret detector rule` {
		t.Errorf("error = %v", err)
	}
	known["generic-api-kye"] = true
	if err := cfg.UnknownSecretAllowRule(func(s string) bool { return known[strings.ToLower(s)] }); err != nil {
		t.Errorf("all known: %v", err)
	}
	// Detector rule ids are not hardline rules: they stay out of
	// KnownRuleRefs, which the caller checks against the rule engine.
	for _, r := range cfg.KnownRuleRefs() {
		if r == "private-key" || r == "HL1007" {
			t.Errorf("KnownRuleRefs includes secrets.allow rule %q", r)
		}
	}
}
