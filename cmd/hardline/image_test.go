package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"debug/elf"
	"encoding/binary"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

// imgSecret is a made-up GitHub-format token, never a real one.
const imgSecret = "ghp_Wq3x8LmN5pR7tV9wY1aB4cD6eF0gH2jK4mZ1"

// loaderELF is the header of an executable whose loader is interp: enough
// for the loader check, impossible to run.
func loaderELF(t *testing.T, interp string) []byte {
	t.Helper()
	var buf bytes.Buffer
	hdr := elf.Header64{Type: uint16(elf.ET_DYN), Machine: uint16(elf.EM_X86_64), Version: uint32(elf.EV_CURRENT), Phoff: 64, Ehsize: 64, Phentsize: 56, Phnum: 1}
	copy(hdr.Ident[:], elf.ELFMAG)
	hdr.Ident[elf.EI_CLASS], hdr.Ident[elf.EI_DATA], hdr.Ident[elf.EI_VERSION] = byte(elf.ELFCLASS64), byte(elf.ELFDATA2LSB), byte(elf.EV_CURRENT)
	ph := elf.Prog64{Type: uint32(elf.PT_INTERP), Off: 120, Filesz: uint64(len(interp) + 1), Memsz: uint64(len(interp) + 1), Align: 1}
	_ = binary.Write(&buf, binary.LittleEndian, hdr)
	_ = binary.Write(&buf, binary.LittleEndian, ph)
	buf.WriteString(interp + "\x00")
	return buf.Bytes()
}

type imgFile struct {
	name string
	body []byte
	mode int64
	link string
}

func imgLayer(t *testing.T, files ...imgFile) v1.Layer {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, f := range files {
		h := &tar.Header{Name: f.name, Mode: f.mode, Typeflag: tar.TypeReg, Size: int64(len(f.body))}
		if f.link != "" {
			h.Typeflag, h.Linkname, h.Size = tar.TypeSymlink, f.link, 0
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write(f.body); err != nil {
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

// musllikeImage is a small musl-style image: a musl loader, a shell, a
// glibc binary that cannot run, root, no init, a token in Env.
func musllikeImage(t *testing.T) v1.Image {
	t.Helper()
	base := imgLayer(t,
		imgFile{name: "lib/ld-musl-x86_64.so.1", body: []byte("musl"), mode: 0o755},
		imgFile{name: "bin/busybox", body: loaderELF(t, "/lib/ld-musl-x86_64.so.1"), mode: 0o755},
		imgFile{name: "bin/sh", link: "/bin/busybox"},
		imgFile{name: "etc/passwd", body: []byte("root:x:0:0:root:/root:/bin/sh\n"), mode: 0o644},
		imgFile{name: "etc/os-release", body: []byte("ID=alpine\nVERSION_ID=3.20.3\n"), mode: 0o644},
	)
	app := imgLayer(t, imgFile{name: "usr/local/bin/app", body: loaderELF(t, "/lib64/ld-linux-x86-64.so.2"), mode: 0o755})
	img := linuxImage(t, v1.Config{Env: []string{"PATH=/usr/local/bin:/usr/bin:/bin", "GITHUB_TOKEN=" + imgSecret}, Entrypoint: []string{"app"}},
		[]v1.History{{CreatedBy: "ADD rootfs.tar / # buildkit"}, {CreatedBy: "COPY app /usr/local/bin/app # buildkit"}},
		base, app)
	return img
}

// imageInputs writes img as a docker-archive, a gzipped docker-archive and
// an OCI layout in dir, returning the refs to scan each.
// linuxImage stacks layers on an empty image and gives it cfg and history,
// as a linux/amd64 image.
func linuxImage(t testing.TB, cfg v1.Config, history []v1.History, layers ...v1.Layer) v1.Image {
	t.Helper()
	img, err := mutate.AppendLayers(empty.Image, layers...)
	if err != nil {
		t.Fatal(err)
	}
	cf, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	cf = cf.DeepCopy()
	cf.OS, cf.Architecture = "linux", "amd64"
	cf.Config = cfg
	cf.History = history
	if img, err = mutate.ConfigFile(img, cf); err != nil {
		t.Fatal(err)
	}
	return img
}

func imageInputs(t *testing.T, dir string, img v1.Image) map[string]string {
	t.Helper()
	archive := filepath.Join(dir, "app.tar")
	tag, _ := name.NewTag("example.com/app:1")
	if err := tarball.WriteToFile(archive, tag, img); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(archive)
	if err != nil {
		t.Fatal(err)
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	_, _ = zw.Write(raw)
	_ = zw.Close()
	gzPath := filepath.Join(dir, "app.tar.gz")
	if err := os.WriteFile(gzPath, gz.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	lp, err := layout.Write(filepath.Join(dir, "layout"), empty.Index)
	if err != nil {
		t.Fatal(err)
	}
	if err := lp.AppendImage(img, layout.WithAnnotations(map[string]string{"org.opencontainers.image.ref.name": "1"})); err != nil {
		t.Fatal(err)
	}
	return map[string]string{"docker-archive": "app.tar", "gzipped": "app.tar.gz", "oci-layout": "oci:layout:1", "layout-dir": "layout"}
}

type imageReport struct {
	Findings []struct {
		RuleID      string `json:"rule_id"`
		Message     string `json:"message"`
		File        string `json:"file"`
		Fingerprint string `json:"fingerprint"`
		Image       *struct {
			Name  string `json:"name"`
			Layer int    `json:"layer"`
			Path  string `json:"path"`
		} `json:"image"`
	} `json:"findings"`
	Errors []struct {
		File    string `json:"file"`
		Message string `json:"message"`
	} `json:"errors"`
}

func TestImageEveryInputGivesSameFindings(t *testing.T) {
	schema := compileSchema(t, filepath.Join(pkgDir, "../../docs/schema/findings.v1.json"))
	dir := workdir(t)
	refs := imageInputs(t, dir, musllikeImage(t))
	var want []string
	for _, kind := range []string{"docker-archive", "gzipped", "oci-layout", "layout-dir"} {
		r := hl(t, "image", "--no-config", "-f", "json", refs[kind])
		wantCode(t, r, 1)
		validate(t, schema, []byte(r.out))
		var rep imageReport
		if err := json.Unmarshal([]byte(r.out), &rep); err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, f := range rep.Findings {
			got = append(got, f.RuleID+" "+f.Fingerprint)
			if f.Image == nil || f.File != refs[kind] {
				t.Errorf("%s: finding %s without image ref or with file %q", kind, f.RuleID, f.File)
			}
		}
		slices.Sort(got)
		ids := strings.Join(got, "\n")
		for _, id := range []string{"HL1001", "HL1004", "HL1006", "HL1007"} {
			if !strings.Contains(ids, id+" ") {
				t.Errorf("%s: no %s in\n%s", kind, id, ids)
			}
		}
		if want == nil {
			want = got
		} else if !slices.Equal(got, want) {
			t.Errorf("%s: findings/fingerprints differ from the docker-archive's:\n%v\nvs\n%v", kind, got, want)
		}
		if strings.Contains(r.out+r.err, imgSecret) {
			t.Errorf("%s: the token leaked", kind)
		}
	}
}

func TestImageSARIFAndText(t *testing.T) {
	dir := workdir(t)
	refs := imageInputs(t, dir, musllikeImage(t))
	r := hl(t, "image", "--no-config", "-f", "sarif", refs["docker-archive"])
	wantCode(t, r, 1)
	validate(t, sarifSchema(t), []byte(r.out))
	log := parseSARIF(t, []byte(r.out))
	if len(log.Runs) != 1 || len(log.Runs[0].Results) == 0 {
		t.Fatalf("no SARIF results: %s", r.out)
	}
	for _, res := range log.Runs[0].Results {
		if len(res.Locations) != 1 || res.Locations[0].PhysicalLocation.ArtifactLocation.URI != "app.tar" {
			t.Errorf("%s: locations %+v", res.RuleID, res.Locations)
		}
	}
	text := hl(t, "image", "--no-config", refs["docker-archive"])
	wantCode(t, text, 1)
	if !strings.Contains(text.out, "HL1006") || !strings.Contains(text.out, "/usr/local/bin/app") || strings.Contains(text.out, imgSecret) {
		t.Errorf("text report:\n%s", text.out)
	}
}

func TestImageErrorsAndOtherInputsStillScanned(t *testing.T) {
	dir := workdir(t)
	refs := imageInputs(t, dir, musllikeImage(t))
	raw, err := os.ReadFile(filepath.Join(dir, "app.tar"))
	if err != nil {
		t.Fatal(err)
	}
	write(t, dir, "cut.tar", string(raw[:len(raw)/2]))
	write(t, dir, "notimage.tar", strings.Repeat("not a tar archive\n", 100))
	r := hl(t, "image", "--no-config", "-f", "json", "missing.tar", "cut.tar", "notimage.tar", refs["docker-archive"])
	wantCode(t, r, 2)
	var rep imageReport
	if err := json.Unmarshal([]byte(r.out), &rep); err != nil {
		t.Fatal(err)
	}
	files := map[string]bool{}
	for _, e := range rep.Errors {
		files[e.File] = true
		if strings.Contains(e.Message, "\n") {
			t.Errorf("multi-line error: %q", e.Message)
		}
	}
	for _, f := range []string{"missing.tar", "cut.tar", "notimage.tar"} {
		if !files[f] {
			t.Errorf("no error for %s: %+v", f, rep.Errors)
		}
	}
	if len(rep.Findings) == 0 {
		t.Error("the good image was not reported")
	}
	if n := strings.Count(strings.TrimSpace(r.err), "\n") + 1; n != 3 {
		t.Errorf("stderr should hold the three input errors, one line each:\n%s", r.err)
	}
}

func TestImageUsageErrors(t *testing.T) {
	workdir(t)
	for _, args := range [][]string{
		{"image", "--no-config", "--platform", "linux", "x.tar"},
		{"image", "--no-config", "--max-file-size", "lots", "x.tar"},
		{"image", "--no-config", "--ignore-base", "x.tar"},
		{"image", "--no-config", "-f", "xml", "x.tar"},
		{"image", "--no-config"},
	} {
		r := hl(t, args...)
		if r.code != 2 || r.out != "" && !strings.Contains(r.out, "Usage") {
			t.Errorf("%v: %s", args, r)
		}
	}
}

func TestFactsCommand(t *testing.T) {
	dir := workdir(t)
	refs := imageInputs(t, dir, musllikeImage(t))
	r := hl(t, "facts", "image", refs["oci-layout"])
	wantCode(t, r, 0)
	var doc struct {
		Kind string `json:"kind"`
		Libc struct {
			Kind string `json:"kind"`
		} `json:"libc"`
		Exec struct {
			Path             string `json:"path"`
			InterpreterFound bool   `json:"interpreter_found"`
		} `json:"exec"`
	}
	if err := json.Unmarshal([]byte(r.out), &doc); err != nil {
		t.Fatalf("%v\n%s", err, r.out)
	}
	if doc.Kind != "image" || doc.Libc.Kind != "musl" || doc.Exec.Path != "/usr/local/bin/app" || doc.Exec.InterpreterFound {
		t.Errorf("facts = %+v", doc)
	}
	if strings.Contains(r.out, imgSecret) {
		t.Error("facts print the token")
	}
	write(t, dir, "Dockerfile", "FROM alpine:3.20\nUSER 10001\n")
	r = hl(t, "facts", "dockerfile", "Dockerfile")
	wantCode(t, r, 0)
	if !strings.Contains(r.out, `"kind": "dockerfile"`) {
		t.Errorf("dockerfile facts:\n%s", r.out)
	}
	wantCode(t, hl(t, "facts", "image", "missing.tar"), 2)
	wantCode(t, hl(t, "facts", "dockerfile", "missing"), 2)
}

func TestImageWindowsIsNotJudged(t *testing.T) {
	dir := workdir(t)
	img := musllikeImage(t)
	cf, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	cf = cf.DeepCopy()
	cf.OS = "windows"
	if img, err = mutate.ConfigFile(img, cf); err != nil {
		t.Fatal(err)
	}
	refs := imageInputs(t, dir, img)
	r := hl(t, "image", "--no-config", "-v", refs["docker-archive"])
	wantCode(t, r, 0)
	if !strings.Contains(r.out, "Windows image") || strings.Contains(r.out, "HL10") {
		t.Errorf("want a warning and no findings:\n%s", r.out)
	}
}

func TestImageSecretScanFlags(t *testing.T) {
	dir := workdir(t)
	refs := imageInputs(t, dir, musllikeImage(t))
	wantCode(t, hl(t, "image", "--no-config", "--secret-skip", "relative/path", refs["docker-archive"]), 2)
	wantCode(t, hl(t, "image", "--no-config", "--secret-skip", "/srv/testdata/**", "--no-file-secrets", refs["docker-archive"]), 1)
	wantCode(t, hl(t, "image", "--no-config", "--no-default-secret-skips", refs["docker-archive"]), 1)
	write(t, dir, ".hardline.yaml", "secrets:\n  allow:\n    - rules: [generic-api-kee]\n      reason: typo\n")
	r := hl(t, "image", refs["docker-archive"])
	wantCode(t, r, 2)
	if !strings.Contains(r.err+r.out, ".hardline.yaml:3") || !strings.Contains(r.err+r.out, "generic-api-kee") {
		t.Errorf("unknown allow-list rule not reported at its line:\n%s", r)
	}
	write(t, dir, ".hardline.yaml", "secrets:\n  allow:\n    - rules: [generic-api-key, HL1007]\n      reason: fixtures\n")
	wantCode(t, hl(t, "image", refs["docker-archive"]), 1)
}

// The decompression bounds are flags: a limit below the image's size stops
// it with a one-line error (exit 2) that names the layer, and a malformed
// size is a usage error.
func TestImageSizeLimitFlags(t *testing.T) {
	dir := workdir(t)
	refs := imageInputs(t, dir, musllikeImage(t))
	r := hl(t, "image", "--no-config", "--max-layer-size", "1KiB", refs["docker-archive"])
	wantCode(t, r, 2)
	if out := r.out + r.err; !strings.Contains(out, "app.tar: layer ") || !strings.Contains(out, "more than 1 KiB uncompressed, over the limit") {
		t.Errorf("layer limit: %s", r)
	}
	r = hl(t, "image", "--no-config", "--max-image-size", "2KiB", refs["docker-archive"])
	wantCode(t, r, 2)
	if out := r.out + r.err; !strings.Contains(out, "layers are more than 2 KiB uncompressed, over the limit") {
		t.Errorf("image limit: %s", r)
	}
	wantCode(t, hl(t, "image", "--no-config", "--max-layer-size", "lots", refs["docker-archive"]), 2)
	// The defaults let a normal image through.
	wantCode(t, hl(t, "image", "--no-config", refs["docker-archive"]), 1)

	// report and baseline create read images with the same flags and
	// bounds as image.
	r = hl(t, "report", "--no-config", "--framework", "nist-800-190", "-f", "json", "--image", refs["docker-archive"], "--max-layer-size", "1KiB")
	wantCode(t, r, 2)
	if !strings.Contains(r.out+r.err, "more than 1 KiB uncompressed, over the limit") {
		t.Errorf("report --max-layer-size: %s", r)
	}
	r = hl(t, "baseline", "create", "--no-config", "-o", filepath.Join(dir, "b.json"), "--image", refs["docker-archive"], "--max-image-size", "2KiB")
	wantCode(t, r, 2)
	if !strings.Contains(r.out+r.err, "more than 2 KiB uncompressed, over the limit") {
		t.Errorf("baseline create --max-image-size: %s", r)
	}
	for _, cmd := range [][]string{
		{"report", "--framework", "nist-800-190", "--image", refs["docker-archive"]},
		{"baseline", "create", "-o", filepath.Join(dir, "b.json"), "--image", refs["docker-archive"]},
	} {
		r = hl(t, append(cmd, "--no-config", "--max-file-size", "lots")...)
		wantCode(t, r, 2)
		if !strings.Contains(r.err, "--max-file-size") {
			t.Errorf("%s: bad size not named: %s", cmd[0], r)
		}
	}
}
