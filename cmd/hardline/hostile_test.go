package main

import (
	"archive/tar"
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

// noCrash fails when the output of a run shows a panic or a Go runtime
// trace, and checks that exit 2 comes with one-line errors.
func noCrash(t *testing.T, r result) {
	t.Helper()
	for _, s := range []string{"panic", "goroutine ", "internal error", "runtime error"} {
		if strings.Contains(r.out, s) || strings.Contains(r.err, s) {
			t.Fatalf("output mentions %q: %.2000s", s, r)
		}
	}
	switch r.code {
	case 0, 1:
	case 2:
		// The text report carries errors as "error: …" lines; the other
		// formats (and -o) write "hardline: …" lines to stderr.
		var errs []string
		for _, l := range strings.Split(r.out+"\n"+r.err, "\n") {
			if strings.HasPrefix(l, "error: ") || strings.HasPrefix(l, "hardline: ") {
				errs = append(errs, l)
			}
		}
		if len(errs) == 0 {
			t.Fatalf("exit 2 without an error line: %.2000s", r)
		}
		for _, l := range errs {
			if len(l) > 2000 {
				t.Errorf("an error line of %d bytes", len(l))
			}
		}
	default:
		t.Fatalf("exit %d", r.code)
	}
}

// TestHostileDockerfilesCLI runs hostile Dockerfiles through run(): each
// gives findings or a `file:line: message` error with exit 2, never a
// crash; and the well-formed file linted with them is still reported.
func TestHostileDockerfilesCLI(t *testing.T) {
	garbage := make([]byte, 64<<10)
	if _, err := rand.Read(garbage); err != nil {
		t.Fatal(err)
	}
	var doubling strings.Builder
	doubling.WriteString("ARG D0=xx\n")
	for i := 1; i <= 40; i++ {
		doubling.WriteString("ARG D" + itoa(i) + "=${D" + itoa(i-1) + "}${D" + itoa(i-1) + "}\n")
	}
	doubling.WriteString("FROM alpine:3.20\nARG D40\nRUN echo $D40\n")
	cases := map[string]struct {
		src      string
		wantCode int // -1: 1 or 2 both fine
		wantErr  string
	}{
		"garbage":              {string(garbage), 2, "garbage.Dockerfile:"},
		"long line":            {"FROM alpine:3.20\nRUN echo " + strings.Repeat("a", 10<<20) + "\n", 2, "long-line.Dockerfile:"},
		"NUL bytes":            {"FROM alpine:3.20\nRUN echo \x00\x00\n", -1, ""},
		"invalid UTF-8":        {"FROM alpine:3.20\nRUN echo \xff\xfe\xc3\x28\nUSER \xc0\xaf\n", -1, ""},
		"unterminated heredoc": {"FROM alpine:3.20\nRUN <<EOF\necho never closed\n", -1, ""},
		"CRLF and BOM":         {"\xef\xbb\xbfFROM alpine:3.20\r\nUSER root\r\n", 1, ""},
		"ARG doubling":         {doubling.String(), 1, ""},
		"empty":                {"", 2, "empty.Dockerfile: "},
	}
	dir := workdir(t)
	write(t, dir, "ok.Dockerfile", rootDF)
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			file := strings.ReplaceAll(strings.ToLower(name), " ", "-") + ".Dockerfile"
			write(t, dir, file, c.src)
			start := time.Now()
			r := hl(t, "lint", "--no-config", file, "ok.Dockerfile")
			if d := time.Since(start); d > 60*time.Second {
				t.Errorf("took %v", d)
			}
			noCrash(t, r)
			if c.wantCode >= 0 && r.code != c.wantCode {
				t.Errorf("exit %d, want %d: %.1000s", r.code, c.wantCode, r)
			}
			if c.wantErr != "" && !strings.Contains(r.out+r.err, c.wantErr) {
				t.Errorf("no error naming %q: %.1000s", c.wantErr, r)
			}
			if !strings.Contains(r.out, "ok.Dockerfile:4:1") {
				t.Errorf("the good file's finding is missing: %.1000s", r)
			}
			if len(r.out)+len(r.err) > 1<<20 {
				t.Errorf("%d bytes of output", len(r.out)+len(r.err))
			}
		})
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

// TestHostileCustomRulesCLI: custom rules that reach for the network or
// the runtime are refused at load, naming the file and line; a rule that
// would run forever is stopped by the evaluation budget. Exit 2 either way.
func TestHostileCustomRulesCLI(t *testing.T) {
	dir := workdir(t)
	write(t, dir, "Dockerfile", rootDF)
	header := func(id string) string {
		return "# METADATA\n# title: Evil\n# description: Evil.\n# custom:\n#   id: " + id +
			"\n#   name: acme-evil\n#   severity: low\n#   tags: [network]\n#   inputs: [dockerfile]\n#   remediation: None.\npackage hardline.rules.acme_evil\n\n"
	}
	for name, c := range map[string]struct{ body, want string }{
		"http.send":          {"deny contains {\"msg\": sprintf(\"%v\", [r])} if {\n\tr := http.send({\"method\": \"GET\", \"url\": \"http://127.0.0.1:9/\"})\n}\n", "evil.rego:14: builtin http.send is not allowed in hardline rules"},
		"net.lookup_ip_addr": {"deny contains {\"msg\": \"m\"} if {\n\tcount(net.lookup_ip_addr(\"example.com\")) > 0\n}\n", "evil.rego:14: builtin net.lookup_ip_addr is not allowed in hardline rules"},
		"opa.runtime":        {"deny contains {\"msg\": m} if {\n\tm := json.marshal(opa.runtime())\n}\n", "evil.rego:14: builtin opa.runtime is not allowed in hardline rules"},
		"endless":            {"deny contains {\"msg\": \"m\"} if {\n\tsome i in numbers.range(1, 1e7)\n\tsome j in numbers.range(1, 1e7)\n\ti * j < 0\n}\n", "evaluation budget exceeded"},
	} {
		t.Run(name, func(t *testing.T) {
			rules := filepath.Join(dir, strings.ReplaceAll(name, ".", "-"))
			write(t, rules, "evil.rego", header("ACME"+strconv.Itoa(900+len(name)))+c.body)
			start := time.Now()
			r := hl(t, "lint", "--no-config", "--rules", rules, "Dockerfile")
			if d := time.Since(start); d > 60*time.Second {
				t.Errorf("took %v", d)
			}
			noCrash(t, r)
			if r.code != 2 {
				t.Fatalf("exit %d, want 2: %s", r.code, r)
			}
			if !strings.Contains(r.out+r.err, c.want) {
				t.Errorf("the output does not say %q: %s", c.want, r)
			}
		})
	}
}

// TestParseErrorDoesNotPrintSecret: a Dockerfile whose bad line holds a
// credential fails to parse, and the error names the line without it.
func TestParseErrorDoesNotPrintSecret(t *testing.T) {
	const secret = "ghp_" + "Zq7RmT2vX9wK4pL8nB3cD6fH1jY5sA0eG2uI"
	dir := workdir(t)
	for name, src := range map[string]string{
		"healthcheck": "FROM alpine:3.20\nHEALTHCHECK --interval=" + secret + " CMD true\n",
		"onbuild":     "FROM alpine:3.20\nONBUILD FROM " + secret + "\n",
		"mount":       "FROM alpine:3.20\nRUN --mount=type=secret,id=x,bogus=" + secret + " true\n",
		"from":        "FROM alpine:3.20 AS " + secret + " x\n",
	} {
		t.Run(name, func(t *testing.T) {
			write(t, dir, "Dockerfile", src)
			for _, args := range [][]string{
				{"lint", "--no-config", "-f", "text", "Dockerfile"},
				{"lint", "--no-config", "-f", "json", "Dockerfile"},
				{"lint", "--no-config", "-f", "sarif", "-o", "out.sarif", "Dockerfile"},
				{"facts", "dockerfile", "Dockerfile"},
			} {
				r := hl(t, args...)
				if strings.Contains(r.out+r.err, secret[4:20]) {
					t.Errorf("%v: the secret is printed: %s", args, r)
				}
				if r.code != 2 {
					t.Errorf("%v: exit %d, want 2", args, r.code)
				}
			}
		})
	}
}

// hostileLayer writes tar members as given: names are not cleaned, so that
// they can climb out of the root.
func hostileLayer(t *testing.T, members ...tar.Header) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, h := range members {
		body := h.Linkname
		if h.Typeflag == tar.TypeReg {
			h.Linkname = ""
			h.Size = int64(len(body))
		}
		if err := tw.WriteHeader(&h); err != nil {
			t.Fatal(err)
		}
		if h.Typeflag == tar.TypeReg {
			if _, err := io.WriteString(tw, body); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// reg is a regular file whose content travels in Linkname (see hostileLayer).
func reg(name, content string, mode int64) tar.Header {
	return tar.Header{Name: name, Typeflag: tar.TypeReg, Mode: mode, Linkname: content}
}

// snapshot lists every path under root with its size and mode, skipping
// the subtrees in skip.
func snapshot(t *testing.T, root string, skip ...string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		for _, s := range skip {
			if p == s {
				return filepath.SkipDir
			}
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		out = append(out, p+" "+info.Mode().String()+" "+itoa64(info.Size()))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(out)
	return out
}

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }

// TestHostileImageSubprocess scans a hostile image with the real binary,
// with its working directory, HOME and TMPDIR in a fresh directory: entries
// that climb out of the root, absolute names, symlinks out of the root and
// in a loop, a hardlink to nothing, and scripts and an entrypoint that
// would write a marker file if anything ran them. Afterwards the marker
// must not exist, nothing but the report may have been written, and the
// scan must have ended with findings or a clean error.
func TestHostileImageSubprocess(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	root := t.TempDir()
	bin := filepath.Join(root, "bin", "hardline")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	for _, d := range []string{"cwd", "home", "tmp", "watch"} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	nonce := make([]byte, 8)
	_, _ = rand.Read(nonce)
	marker := filepath.Join(root, "watch", "executed-"+hex.EncodeToString(nonce))
	script := "#!/bin/sh\ntouch " + marker + "\n"
	climb := strings.Repeat("../", 40) + strings.TrimPrefix(filepath.Join(root, "watch", "escaped"), "/")

	layer0 := hostileLayer(t,
		reg("bin/sh", script, 0o755),
		reg("bin/evil.sh", script, 0o755),
		reg("usr/local/bin/app", script, 0o4755),
		reg("etc/passwd", "root:x:0:0:root:/root:/bin/sh\n", 0o644),
		reg(climb, script, 0o755),
		reg("/"+strings.TrimPrefix(marker, "/"), script, 0o755),
		reg("a/../../../../"+strings.TrimPrefix(marker, "/")+"-2", script, 0o755),
		tar.Header{Name: "etc/shadow-link", Typeflag: tar.TypeSymlink, Linkname: "../../../../../../etc/shadow"},
		tar.Header{Name: "root/host", Typeflag: tar.TypeSymlink, Linkname: "/"},
		tar.Header{Name: "loop/a", Typeflag: tar.TypeSymlink, Linkname: "b"},
		tar.Header{Name: "loop/b", Typeflag: tar.TypeSymlink, Linkname: "a"},
		tar.Header{Name: "usr/bin/missing-hardlink", Typeflag: tar.TypeLink, Linkname: "does/not/exist"},
		tar.Header{Name: "usr/bin/outside-hardlink", Typeflag: tar.TypeLink, Linkname: "../../../etc/passwd"},
		tar.Header{Name: "etc/profile.d/", Typeflag: tar.TypeDir, Mode: 0o777},
	)
	l0, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(layer0)), nil })
	if err != nil {
		t.Fatal(err)
	}
	img := linuxImage(t, v1.Config{Entrypoint: []string{"/bin/evil.sh"}, Cmd: []string{"sh", "-c", "touch " + marker},
		Healthcheck: &v1.HealthConfig{Test: []string{"CMD-SHELL", "touch " + marker}}, OnBuild: []string{"RUN touch " + marker}},
		[]v1.History{{CreatedBy: "/bin/sh -c touch " + marker}},
		l0)
	archive := filepath.Join(root, "cwd", "evil.tar")
	tag, _ := name.NewTag("example.com/evil:1")
	if err := tarball.WriteToFile(archive, tag, img); err != nil {
		t.Fatal(err)
	}

	before := snapshot(t, root, filepath.Join(root, "bin"))
	for _, args := range [][]string{
		{"image", "--no-config", "-f", "json", "-o", "report.json", "evil.tar"},
		{"image", "--no-config", "-v", "evil.tar"},
		{"facts", "image", "evil.tar"},
	} {
		cmd := exec.Command(bin, args...)
		cmd.Dir = filepath.Join(root, "cwd")
		cmd.Env = []string{"HOME=" + filepath.Join(root, "home"), "TMPDIR=" + filepath.Join(root, "tmp"),
			"PATH=" + filepath.Join(root, "watch") + ":/usr/bin:/bin", "DOCKER_CONFIG=" + filepath.Join(root, "home", ".docker")}
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		r := result{code: code, out: stdout.String(), err: stderr.String()}
		noCrash(t, r)
		if args[0] == "image" && code != 1 {
			t.Errorf("%v: exit %d, want 1 (findings): %.2000s", args, code, r)
		}
		if args[0] == "facts" && (code != 0 || !strings.Contains(r.out, "escapes the image root")) {
			t.Errorf("%v: exit %d, want the facts with the escaping entries skipped: %.2000s", args, code, r)
		}
	}
	for _, p := range []string{marker, marker + "-2", filepath.Join(root, "watch", "escaped")} {
		if _, err := os.Lstat(p); err == nil {
			t.Errorf("%s exists: something from the image was executed or extracted", p)
		}
	}
	after := snapshot(t, root, filepath.Join(root, "bin"))
	var added []string
	for _, p := range after {
		if !containsString(before, p) && !strings.HasPrefix(p, filepath.Join(root, "cwd", "report.json")+" ") {
			added = append(added, p)
		}
	}
	var removed []string
	for _, p := range before {
		if !containsString(after, p) {
			removed = append(removed, p)
		}
	}
	if len(added) > 0 || len(removed) > 0 {
		t.Errorf("the scan changed the file system: added %q, removed %q", added, removed)
	}
	if _, err := os.Stat(filepath.Join(root, "cwd", "report.json")); err != nil {
		t.Errorf("the report was not written: %v", err)
	}
}

func containsString(list []string, s string) bool {
	i := sort.SearchStrings(list, s)
	return i < len(list) && list[i] == s
}

// TestCorruptLayerErrorHidesSecretPath: a layer that breaks off inside a
// file whose name holds a credential fails the image with an error that
// does not print the credential.
func TestCorruptLayerErrorHidesSecretPath(t *testing.T) {
	const secret = "ghp_" + "Hk3mP9qR2sT5vW8xY1zA4bC7dE0fG6hJ2kL5"
	full := hostileLayer(t, reg("home/app/"+secret+"/token.txt", strings.Repeat("x", 4096), 0o644),
		reg("srv/"+secret, strings.Repeat("y", 4096), 0o644))
	cut := full[:512+1000] // inside the first file's content
	for caseName, data := range map[string][]byte{"truncated": cut, "truncated second": full[:512*2+4096+200]} {
		t.Run(caseName, func(t *testing.T) {
			l, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil })
			if err != nil {
				t.Fatal(err)
			}
			img, err := mutate.AppendLayers(empty.Image, l)
			if err != nil {
				t.Fatal(err)
			}
			dir := workdir(t)
			tag, _ := name.NewTag("example.com/corrupt:1")
			if err := tarball.WriteToFile(filepath.Join(dir, "c.tar"), tag, img); err != nil {
				t.Fatal(err)
			}
			for _, format := range []string{"text", "json", "sarif"} {
				r := hl(t, "image", "--no-config", "-v", "-f", format, "c.tar")
				noCrash(t, r)
				if r.code != 2 {
					t.Errorf("%s: exit %d, want 2: %s", format, r.code, r)
				}
				if strings.Contains(r.out+r.err, secret[4:20]) {
					t.Errorf("%s: the secret in the path is printed: %s", format, r)
				}
			}
		})
	}
}
