package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hardline-dev/hardline/pkg/finding"
)

func TestParseFull(t *testing.T) {
	cfg, err := Parse("/repo/.hardline.yaml", []byte(`
fail-on: medium
rules:
  disable: [HL1004]
  enable: [style-rule]
  severity:
    run-as-root: critical
rules-dirs: [policies]
base-images:
  - name: corp-base
    match: {images: ["registry.corp/base"]}
    distro: alpine
    libc: musl
ignore:
  - rules: [HL1001]
    paths: ["legacy/**"]
    reason: "legacy images are rebuilt in Q3"
exclude: ["third_party/**"]
`))
	if err != nil {
		t.Fatal(err)
	}
	root := &finding.Rule{ID: "HL1001", Name: "run-as-root", Severity: finding.High, Enabled: true}
	init := &finding.Rule{ID: "HL1004", Name: "no-init", Enabled: true}
	style := &finding.Rule{ID: "HL9001", Name: "style-rule", Enabled: false}
	if cfg.Enabled(init) || !cfg.Enabled(root) || !cfg.Enabled(style) {
		t.Error("enable/disable not applied")
	}
	if cfg.SeverityFor(root) != finding.Critical {
		t.Error("severity override by name not applied")
	}
	if got := cfg.RulesDirPaths(); len(got) != 1 || got[0] != filepath.Join("/repo", "policies") {
		t.Errorf("rules dirs not resolved against the config dir: %v", got)
	}
	if s := cfg.Suppression(root, "/repo/legacy/app/Dockerfile"); s == nil || s.Kind != "config" || s.Reason == "" {
		t.Errorf("ignore not applied: %+v", s)
	}
	if cfg.Suppression(root, "/repo/new/Dockerfile") != nil || cfg.Suppression(init, "/repo/legacy/Dockerfile") != nil {
		t.Error("ignore applied too widely")
	}
	if !cfg.Excluded("/repo/third_party/x/Dockerfile") || cfg.Excluded("/repo/app/Dockerfile") {
		t.Error("exclude globs wrong")
	}
	b, err := cfg.BaseImagesYAML()
	if err != nil || !strings.Contains(string(b), "corp-base") {
		t.Errorf("base-images not preserved: %q %v", b, err)
	}
}

func TestParseErrorsAreLocated(t *testing.T) {
	cases := map[string]string{
		"fail-on: sometimes\n":                 "fail-on",
		"rules:\n  disabel: [HL1001]\n":        `:2: unknown key "disabel"`,
		"ignore:\n  - rules: [HL1001]\n":       "reason is required",
		"rules:\n  severity: {HL1001: huge}\n": "rules.severity.HL1001",
		"exclude: ['[']\n":                     "invalid path glob",
		"rules: [\n":                           ".hardline.yaml",
	}
	for src, want := range cases {
		_, err := Parse(".hardline.yaml", []byte(src))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v, want it to mention %q", src, err, want)
		}
	}
	if _, err := Parse(".hardline.yaml", []byte("\n")); err != nil {
		t.Errorf("empty config rejected: %v", err)
	}
}

func TestFindWalksUp(t *testing.T) {
	root := t.TempDir()
	deep := filepath.Join(root, "a", "b", "c")
	if err := os.MkdirAll(deep, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "a", ".hardline.yml"), []byte("fail-on: high\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := Find(deep)
	if err != nil || got != filepath.Join(root, "a", ".hardline.yml") {
		t.Fatalf("Find = %q, %v", got, err)
	}
	if _, err := Load(filepath.Join(root, "nope.yaml")); err == nil || !strings.Contains(err.Error(), "not found") {
		t.Fatalf("missing file: %v", err)
	}
}

func TestLineOf(t *testing.T) {
	cfg, err := Parse(".hardline.yaml", []byte("fail-on: low\nrules:\n  disable: [HL1001, \"HL9999\"] # HL4242 in a comment\n  severity:\n    run-as-root: high\n"))
	if err != nil {
		t.Fatal(err)
	}
	for word, want := range map[string]int{"HL9999": 3, "HL1001": 3, "run-as-root": 5, "HL4242": 0, "HL999": 0} {
		if got := cfg.LineOf(word); got != want {
			t.Errorf("LineOf(%q) = %d, want %d", word, got, want)
		}
	}
}
