package lint

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/tarball"

	"github.com/hardline-dev/hardline/pkg/config"
	"github.com/hardline-dev/hardline/pkg/finding"
	"github.com/hardline-dev/hardline/pkg/secrets"
)

// lintImageWithConfig scans the image at path under the configuration yaml,
// read as dir/.hardline.yaml.
func lintImageWithConfig(t *testing.T, dir, yaml, path string, opts ImageOptions) (ImageResult, func(n int) string) {
	t.Helper()
	cfgPath := filepath.Join(dir, ".hardline.yaml")
	cfg, err := config.Parse(cfgPath, []byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	l := New(Options{Engine: testEngine(t), Config: cfg})
	ir := l.LintImage(context.Background(), path, opts)
	if len(ir.Errors) > 0 {
		t.Fatalf("errors: %+v", ir.Errors)
	}
	return ir, func(n int) string { return filepath.ToSlash(cfgPath) + ":" + strconv.Itoa(n) }
}

// The credential file and the token in the image's Env carry their
// secret's fingerprint and detector rule.
func TestSecretRefOnImageFindings(t *testing.T) {
	path := testImage(t)
	ir, _ := lintImageWithConfig(t, t.TempDir(), "", path, ImageOptions{})
	got := byRule(ir.Findings)
	var cred []finding.Finding
	for _, f := range got["HL1010"] {
		if f.Image.Path == "/root/.git-credentials" {
			cred = append(cred, f)
		}
	}
	if len(cred) != 1 || cred[0].Secret == nil {
		t.Fatalf("HL1010 for /root/.git-credentials = %+v", cred)
	}
	if s := *cred[0].Secret; s.Fingerprint != secrets.Fingerprint(fakePassword) || s.Rule != "git-credentials" || s.Masked != secrets.Mask(fakePassword) {
		t.Errorf("HL1010 secret ref = %+v", s)
	}
	env := 0
	for _, f := range got["HL1007"] {
		if f.Secret == nil || f.Secret.Fingerprint != secrets.Fingerprint(fakeToken) || f.Secret.Rule != "github-pat" {
			t.Errorf("HL1007 %q: secret ref %+v", f.Message, f.Secret)
		}
		env++
	}
	if env == 0 {
		t.Error("no HL1007 finding")
	}
	for _, f := range ir.Findings {
		if !config.IsSecretRule(f.Tags) && f.Secret != nil {
			t.Errorf("%s has a secret ref", f.RuleID)
		}
	}
}

// The .git-credentials file is allowed by its path inside the image; the
// token in the Env and the findings of other rules are not.
func TestSecretAllowImageByPathInImage(t *testing.T) {
	path := testImage(t)
	yaml := "secrets:\n  allow:\n    - paths: [\"/root/.git-credentials\"]\n      reason: deploy key of the test registry\n"
	ir, src := lintImageWithConfig(t, t.TempDir(), yaml, path, ImageOptions{})
	allowed := 0
	for _, f := range ir.Findings {
		if f.RuleID == "HL1010" && f.Image.Path == "/root/.git-credentials" {
			allowed++
			wantAllowed(t, f, "deploy key of the test registry", src(3))
		} else {
			wantNotSuppressed(t, f)
		}
	}
	if allowed != 1 {
		t.Errorf("%d findings allowed, want the .git-credentials one", allowed)
	}
}

// A fingerprint entry allows the token wherever the image shows it (Env,
// history); a path entry naming a Dockerfile matches the image findings
// reported at its lines.
func TestSecretAllowImageByFingerprintAndDockerfile(t *testing.T) {
	path := testImage(t)
	dir := t.TempDir()
	yaml := "secrets:\n  allow:\n    - fingerprint: " + secrets.Fingerprint(fakeToken) + "\n      reason: revoked token\n" +
		"    - paths: [\"docker/Dockerfile\"]\n      rules: [git-credentials]\n      reason: test image\n"
	ir, src := lintImageWithConfig(t, dir, yaml, path, ImageOptions{})
	for _, f := range ir.Findings {
		if f.RuleID == "HL1007" {
			wantAllowed(t, f, "revoked token", src(3))
		} else {
			wantNotSuppressed(t, f)
		}
	}

	df := filepath.Join(dir, "docker", "Dockerfile")
	if err := os.MkdirAll(filepath.Dir(df), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(df, []byte("FROM alpine:3.20\nENV GITHUB_TOKEN=set-at-build\nCOPY . /\nENTRYPOINT [\"/srv/app.sh\"]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	ir, src = lintImageWithConfig(t, dir, yaml, path, ImageOptions{Dockerfile: df})
	cred := 0
	for _, f := range ir.Findings {
		switch {
		case f.RuleID == "HL1010" && f.Image.Path == "/root/.git-credentials":
			cred++
			if f.Location.StartLine != 3 {
				t.Errorf("HL1010 not reported at the COPY: %s:%d", f.File, f.Location.StartLine)
			}
			wantAllowed(t, f, "test image", src(5))
		case f.RuleID == "HL1007":
			wantAllowed(t, f, "revoked token", src(3))
		default:
			wantNotSuppressed(t, f)
		}
	}
	if cred != 1 {
		t.Errorf("%d HL1010 findings, want 1", cred)
	}
}

// argImage records build arguments with RUN history entries, as BuildKit
// does: NPM_TOKEN with one value, TOKEN2 with two different ones.
func argImage(t *testing.T) string {
	t.Helper()
	other := "npm_Ab3dEf5hIj7lMn9pQr1tUv3xYz5bCd7fGh9k"
	var layers []v1.Layer
	hist := []v1.History{}
	for i, run := range []string{
		"RUN |1 NPM_TOKEN=" + fakeNPMToken + " /bin/sh -c npm ci # buildkit",
		"RUN |1 TOKEN2=" + fakeNPMToken + " /bin/sh -c make # buildkit",
		"RUN |1 TOKEN2=" + other + " /bin/sh -c make test # buildkit",
	} {
		layers = append(layers, memLayer(t, map[string]string{"srv/f" + strconv.Itoa(i): "x\n"}, nil))
		hist = append(hist, v1.History{CreatedBy: run})
	}
	img := linuxImage(t, v1.Config{User: "10001", Entrypoint: []string{"/srv/f0"}},
		hist,
		layers...)
	path := filepath.Join(t.TempDir(), "args.tar")
	tag, _ := name.NewTag("example.com/args:1")
	if err := tarball.WriteToFile(path, tag, img); err != nil {
		t.Fatal(err)
	}
	return path
}

// A build argument recorded with one value is that value's finding; one
// recorded with two values is not tied to either, so only rules and paths
// can allow it.
func TestSecretAllowImageBuildArg(t *testing.T) {
	path := argImage(t)
	fp := secrets.Fingerprint(fakeNPMToken)
	yaml := "secrets:\n  allow:\n    - fingerprint: " + fp + "\n      reason: registry test token\n"
	ir, src := lintImageWithConfig(t, t.TempDir(), yaml, path, ImageOptions{})
	args := byRule(ir.Findings)["HL1009"]
	if len(args) != 2 {
		t.Fatalf("HL1009 findings: %+v", args)
	}
	for _, f := range args {
		switch f.Key {
		case "NPM_TOKEN":
			if f.Secret == nil || f.Secret.Fingerprint != fp || f.Secret.Masked != secrets.Mask(fakeNPMToken) {
				t.Errorf("NPM_TOKEN secret ref = %+v", f.Secret)
			}
			wantAllowed(t, f, "registry test token", src(3))
		case "TOKEN2":
			if f.Secret != nil {
				t.Errorf("TOKEN2 has two values but a secret ref %+v", *f.Secret)
			}
			wantNotSuppressed(t, f)
		default:
			t.Errorf("unexpected HL1009 key %q", f.Key)
		}
	}
	for _, f := range ir.Findings {
		if f.RuleID != "HL1009" {
			wantNotSuppressed(t, f)
		}
	}
}
