package lint

import (
	"archive/tar"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"

	"github.com/hardline-dev/hardline/pkg/finding"
)

const alpineRootfs = "../../../shared/rootfs/alpine-minirootfs-3.20.3-x86_64.tar.gz"

// A made-up token in GitHub's format; not a real credential.
const fakeToken = "ghp_Zq8x3LmN5pR7tV9wY1aB4cD6eF0gH2jK4mQ6"

// linuxImage stacks layers on an empty image and gives it cfg and history,
// as a linux/amd64 image.
func linuxImage(tb testing.TB, cfg v1.Config, history []v1.History, layers ...v1.Layer) v1.Image {
	tb.Helper()
	img, err := mutate.AppendLayers(empty.Image, layers...)
	if err != nil {
		tb.Fatal(err)
	}
	cf, err := img.ConfigFile()
	if err != nil {
		tb.Fatal(err)
	}
	cf = cf.DeepCopy()
	cf.OS, cf.Architecture = "linux", "amd64"
	cf.Config = cfg
	cf.History = history
	if img, err = mutate.ConfigFile(img, cf); err != nil {
		tb.Fatal(err)
	}
	return img
}

func memLayer(t *testing.T, files map[string]string, modes map[string]int64) v1.Layer {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, n := range sortedKeys(files) {
		mode := int64(0o644)
		if m, ok := modes[n]; ok {
			mode = m
		}
		if strings.HasSuffix(n, "/") {
			if err := tw.WriteHeader(&tar.Header{Name: n, Typeflag: tar.TypeDir, Mode: mode}); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := tw.WriteHeader(&tar.Header{Name: n, Typeflag: tar.TypeReg, Mode: mode, Size: int64(len(files[n]))}); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write([]byte(files[n])); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	l, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil })
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func sortedKeys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j] < out[j-1]; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// testImage is the real Alpine minirootfs plus an application layer that
// leaves a credential file, a setuid copy of a file and a world-writable
// directory, run as root without an init: a docker-archive in a test dir.
func testImage(t *testing.T) string {
	t.Helper()
	if _, err := os.Stat(alpineRootfs); err != nil {
		t.Skip("../shared not found: real-image tests skipped")
	}
	base, err := tarball.LayerFromFile(alpineRootfs)
	if err != nil {
		t.Fatal(err)
	}
	app := memLayer(t, map[string]string{
		"srv/app.sh":            "#!/bin/sh\nexec sleep 1\n",
		"srv/data/":             "",
		"usr/local/bin/su":      "not really su",
		"root/.git-credentials": "https://deploy:" + "Vx7kP2mQz9rT4wLp" + "@git.example.com\n",
	}, map[string]int64{"srv/app.sh": 0o755, "srv/data/": 0o777, "usr/local/bin/su": 0o4755})
	img := linuxImage(t, v1.Config{
		Env:        []string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "GITHUB_TOKEN=" + fakeToken},
		Entrypoint: []string{"/srv/app.sh"},
	},
		[]v1.History{
			{CreatedBy: "ADD alpine-minirootfs-3.20.3-x86_64.tar.gz / # buildkit"},
			{CreatedBy: `CMD ["/bin/sh"]`, EmptyLayer: true},
			{CreatedBy: "ENV GITHUB_TOKEN=" + fakeToken, EmptyLayer: true},
			{CreatedBy: "COPY . / # buildkit"},
			{CreatedBy: `ENTRYPOINT ["/srv/app.sh"]`, EmptyLayer: true},
		},
		base, app)
	path := filepath.Join(t.TempDir(), "app.tar")
	tag, _ := name.NewTag("example.com/app:1")
	if err := tarball.WriteToFile(path, tag, img); err != nil {
		t.Fatal(err)
	}
	return path
}

func byRule(fs []finding.Finding) map[string][]finding.Finding {
	m := map[string][]finding.Finding{}
	for _, f := range fs {
		m[f.RuleID] = append(m[f.RuleID], f)
	}
	return m
}

func TestLintImageFindings(t *testing.T) {
	path := testImage(t)
	l := New(Options{Engine: testEngine(t)})
	ir := l.LintImage(context.Background(), path, ImageOptions{})
	if len(ir.Errors) > 0 {
		t.Fatalf("errors: %+v", ir.Errors)
	}
	got := byRule(ir.Findings)
	for _, id := range []string{"HL1001", "HL1004", "HL1007", "HL1010", "HL1011", "HL1012"} {
		if len(got[id]) == 0 {
			t.Errorf("no %s finding; got %v", id, keys(got))
		}
	}
	for _, id := range []string{"HL1002", "HL1003", "HL1006"} {
		if len(got[id]) > 0 {
			t.Errorf("unexpected %s: %s", id, got[id][0].Message)
		}
	}
	raw, _ := json.Marshal(ir.Findings)
	for _, secret := range []string{fakeToken, "Vx7kP2mQz9rT4wLp"} {
		if bytes.Contains(raw, []byte(secret)) {
			t.Errorf("a finding carries a secret value %s…", secret[:4])
		}
	}
	for _, f := range ir.Findings {
		if f.Image == nil || f.File != ir.File || f.Fingerprint == "" {
			t.Errorf("%s: image ref %+v, file %q", f.RuleID, f.Image, f.File)
		}
	}
	if f := got["HL1010"]; len(f) > 0 && (f[0].Image.Layer != 1 || f[0].Image.Path != "/root/.git-credentials") {
		t.Errorf("HL1010 image ref = %+v", f[0].Image)
	}
	// The same image scanned again gives the same fingerprints: baselines
	// depend on it.
	again := l.LintImage(context.Background(), path, ImageOptions{})
	for i := range ir.Findings {
		if ir.Findings[i].Fingerprint != again.Findings[i].Fingerprint {
			t.Fatalf("fingerprint changed between runs for %s", ir.Findings[i].RuleID)
		}
	}
}

func TestLintImageDockerfileCorrelation(t *testing.T) {
	path := testImage(t)
	df := filepath.Join(t.TempDir(), "Dockerfile")
	src := "FROM alpine:3.20\nENV GITHUB_TOKEN=set-at-build\n# hardline ignore=HL1012 reason=\"scratch space\"\nCOPY . /\nENTRYPOINT [\"/srv/app.sh\"]\n"
	if err := os.WriteFile(df, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	l := New(Options{Engine: testEngine(t)})
	ir := l.LintImage(context.Background(), path, ImageOptions{Dockerfile: df, IgnoreBase: true})
	if len(ir.Errors) > 0 {
		t.Fatalf("errors: %+v", ir.Errors)
	}
	got := byRule(ir.Findings)
	for _, id := range []string{"HL1010", "HL1011"} {
		for _, f := range got[id] {
			if f.File != DisplayPath(df) || f.Location.StartLine != 4 || f.Image.Origin != "own" || f.Suppressed != nil {
				t.Errorf("%s → %s:%d origin %q suppressed %v; want the COPY on line 4, own, not suppressed", id, f.File, f.Location.StartLine, f.Image.Origin, f.Suppressed)
			}
		}
	}
	for _, f := range got["HL1012"] {
		if f.Suppressed == nil || f.Suppressed.Kind != "inline" {
			t.Errorf("HL1012 at line %d not suppressed by the inline comment: %+v", f.Location.StartLine, f.Suppressed)
		}
	}
	// Findings in the base image's layer are marked inherited and, with
	// IgnoreBase, suppressed.
	for _, fs := range got {
		for _, f := range fs {
			if f.Image.Origin == "base" && (f.Suppressed == nil || f.Suppressed.Kind != "base-image") {
				t.Errorf("%s from the base image not suppressed: %+v", f.RuleID, f.Suppressed)
			}
		}
	}
}

func TestLintImageErrors(t *testing.T) {
	l := New(Options{Engine: testEngine(t)})
	dir := t.TempDir()
	missing := filepath.Join(dir, "nope.tar")
	ir := l.LintImage(context.Background(), missing, ImageOptions{})
	if len(ir.Errors) != 1 || !strings.Contains(ir.Errors[0].Error(), "nope.tar") || strings.Contains(ir.Errors[0].Message, "\n") {
		t.Errorf("missing archive: %+v", ir.Errors)
	}
	if _, err := os.Stat(alpineRootfs); err == nil {
		good := testImage(t)
		data, err := os.ReadFile(good)
		if err != nil {
			t.Fatal(err)
		}
		cut := filepath.Join(dir, "cut.tar")
		if err := os.WriteFile(cut, data[:len(data)/2], 0o644); err != nil {
			t.Fatal(err)
		}
		ir = l.LintImage(context.Background(), cut, ImageOptions{})
		if len(ir.Errors) != 1 || len(ir.Findings) != 0 || strings.Contains(ir.Errors[0].Message, "\n") {
			t.Errorf("truncated archive: errors %+v, %d findings", ir.Errors, len(ir.Findings))
		}
	}
	bad := filepath.Join(dir, "Dockerfile")
	if err := os.WriteFile(bad, []byte("FROM alpine\nRUN echo hi\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	ir = l.LintImage(context.Background(), missing, ImageOptions{Dockerfile: filepath.Join(dir, "missing.Dockerfile")})
	if len(ir.Errors) != 1 || !strings.Contains(ir.Errors[0].File, "missing.Dockerfile") {
		t.Errorf("missing Dockerfile: %+v", ir.Errors)
	}
}

func keys(m map[string][]finding.Finding) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
