package image

import (
	"archive/tar"
	"bytes"
	"context"
	"debug/elf"
	"encoding/binary"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"

	"github.com/hardline-dev/hardline/pkg/dockerfile"
	"github.com/hardline-dev/hardline/pkg/image/source"
)

const alpineRootfs = "../../../shared/rootfs/alpine-minirootfs-3.20.3-x86_64.tar.gz"

// Made-up credentials in the formats the detector knows; never real.
const (
	fakeGitHubToken = "ghp_Zq8x3LmN5pR7tV9wY1aB4cD6eF0gH2jK4mQ6"
	fakePassword    = "Vx7#kP2m!Qz9rT4w"
)

type tf struct {
	name string
	body []byte
	mode int64
	typ  byte
	link string
}

func testLayer(t testing.TB, files ...tf) v1.Layer {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, f := range files {
		typ := f.typ
		if typ == 0 {
			typ = tar.TypeReg
		}
		mode := f.mode
		if mode == 0 {
			mode = 0o644
		}
		h := &tar.Header{Name: f.name, Typeflag: typ, Mode: mode, Linkname: f.link}
		if typ == tar.TypeReg {
			h.Size = int64(len(f.body))
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if typ == tar.TypeReg {
			if _, err := tw.Write(f.body); err != nil {
				t.Fatal(err)
			}
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

// minimalELF returns a 64-bit little-endian executable header with a
// PT_INTERP naming interp and no dynamic section: enough for the loader
// check, and impossible to execute.
func minimalELF(t testing.TB, interp string) []byte {
	t.Helper()
	var buf bytes.Buffer
	const ehsize, phsize = 64, 56
	interpOff := uint64(ehsize + phsize)
	hdr := elf.Header64{
		Type: uint16(elf.ET_DYN), Machine: uint16(elf.EM_X86_64), Version: uint32(elf.EV_CURRENT),
		Phoff: ehsize, Ehsize: ehsize, Phentsize: phsize, Phnum: 1,
	}
	copy(hdr.Ident[:], elf.ELFMAG)
	hdr.Ident[elf.EI_CLASS] = byte(elf.ELFCLASS64)
	hdr.Ident[elf.EI_DATA] = byte(elf.ELFDATA2LSB)
	hdr.Ident[elf.EI_VERSION] = byte(elf.EV_CURRENT)
	ph := elf.Prog64{Type: uint32(elf.PT_INTERP), Flags: uint32(elf.PF_R), Off: interpOff, Filesz: uint64(len(interp) + 1), Memsz: uint64(len(interp) + 1), Align: 1}
	if err := binary.Write(&buf, binary.LittleEndian, hdr); err != nil {
		t.Fatal(err)
	}
	if err := binary.Write(&buf, binary.LittleEndian, ph); err != nil {
		t.Fatal(err)
	}
	buf.WriteString(interp)
	buf.WriteByte(0)
	return buf.Bytes()
}

// writeLayout saves img as an OCI layout in a test directory and opens it
// the way the CLI does.
func openImage(t testing.TB, img v1.Image) *source.Image {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "layout")
	p, err := layout.Write(dir, empty.Index)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.AppendImage(img); err != nil {
		t.Fatal(err)
	}
	si, err := source.Open(context.Background(), "oci:"+dir, source.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { si.Close() })
	return si
}

func build(t testing.TB, img v1.Image, opts Options) *Document {
	t.Helper()
	doc, err := Build(context.Background(), openImage(t, img), opts)
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	return doc
}

func withConfig(t testing.TB, img v1.Image, cfg v1.Config, history []v1.History) v1.Image {
	t.Helper()
	cf, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	cf = cf.DeepCopy()
	cf.Config = cfg
	cf.History = history
	cf.OS, cf.Architecture = "linux", "amd64"
	out, err := mutate.ConfigFile(img, cf)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func rsaKeyPEM() []byte {
	// The PEM armour and a long base64 body are what detectors look for;
	// this body is random text, not a key.
	body := strings.Repeat("MIIEowIBAAKCAQEAu9Zq3kXh7Lr0pT2nV5wY8bC1dF4gH6jK9mN2qS5tW8zA3cE6\n", 12)
	return []byte("-----BEGIN RSA PRIVATE KEY-----\n" + body + "-----END RSA PRIVATE KEY-----\n")
}

func alpineImage(t testing.TB) v1.Image {
	t.Helper()
	if _, err := os.Stat(alpineRootfs); err != nil {
		t.Skip("../shared not found: real-image fixtures skipped (" + alpineRootfs + ")")
	}
	base, err := tarball.LayerFromFile(alpineRootfs)
	if err != nil {
		t.Fatal(err)
	}
	app := testLayer(t,
		tf{name: "usr/local/bin/app", body: minimalELF(t, "/lib64/ld-linux-x86-64.so.2"), mode: 0o755},
		tf{name: "usr/local/bin/ok", body: minimalELF(t, "/lib/ld-musl-x86_64.so.1"), mode: 0o755},
	)
	key := testLayer(t, tf{name: "root/.ssh/id_rsa", body: rsaKeyPEM(), mode: 0o600})
	del := testLayer(t, tf{name: "root/.ssh/.wh.id_rsa"}, tf{name: "data/", typ: tar.TypeDir, mode: 0o777}, tf{name: "usr/bin/suid", body: []byte("x"), mode: 0o4755})
	img, err := mutate.AppendLayers(empty.Image, base, app, key, del)
	if err != nil {
		t.Fatal(err)
	}
	return withConfig(t, img, v1.Config{
		Env:        []string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "GITHUB_TOKEN=" + fakeGitHubToken},
		Entrypoint: []string{"app"},
		Cmd:        []string{"--serve"},
		WorkingDir: "/srv",
	}, []v1.History{
		{CreatedBy: "ADD alpine-minirootfs-3.20.3-x86_64.tar.gz / # buildkit"},
		{CreatedBy: `CMD ["/bin/sh"]`, EmptyLayer: true},
		{CreatedBy: "ENV GITHUB_TOKEN=" + fakeGitHubToken, EmptyLayer: true},
		{CreatedBy: "COPY app ok /usr/local/bin/ # buildkit"},
		{CreatedBy: "COPY id_rsa /root/.ssh/id_rsa # buildkit"},
		{CreatedBy: "RUN |1 DB_PASSWORD=" + fakePassword + " /bin/sh -c rm /root/.ssh/id_rsa && mkdir -m 777 /data # buildkit"},
		{CreatedBy: `ENTRYPOINT ["app"]`, EmptyLayer: true},
	})
}

func TestBuildAlpineImage(t *testing.T) {
	doc := build(t, alpineImage(t), Options{})
	if doc.Kind != "image" || doc.SchemaVersion != SchemaVersion || doc.Image.Transport != "oci-layout" {
		t.Errorf("header = %q %q %q", doc.Kind, doc.SchemaVersion, doc.Image.Transport)
	}
	if doc.OS == nil || doc.OS.ID != "alpine" || doc.OS.VersionID != "3.20.3" {
		t.Errorf("os = %+v", doc.OS)
	}
	if doc.Libc.Kind != "musl" || doc.Libc.GlibcLibrary {
		t.Errorf("libc = %+v", doc.Libc)
	}
	if doc.Packages.Manager != "apk" || len(doc.Packages.List) != 14 {
		t.Errorf("packages = %s with %d entries, want apk with 14", doc.Packages.Manager, len(doc.Packages.List))
	}
	for _, p := range doc.Packages.List {
		if p.Layer != 0 {
			t.Errorf("package %s attributed to layer %d, want 0", p.Name, p.Layer)
		}
	}
	if !doc.User.UIDKnown || doc.User.UID != 0 || doc.User.Name != "root" {
		t.Errorf("user = %+v", doc.User)
	}
	x := doc.Exec
	if x.Path != "/usr/local/bin/app" || !x.Found || x.Kind != "elf" || x.Interpreter != "/lib64/ld-linux-x86-64.so.2" || x.InterpreterFound || x.Runnable || x.Layer != 1 {
		t.Errorf("exec = %+v", x)
	}
	if !slices.Equal(x.Argv, []string{"app", "--serve"}) || !x.FromEntrypoint {
		t.Errorf("argv = %v", x.Argv)
	}
	elfs := map[string]ELFFile{}
	for _, e := range doc.ELF {
		elfs[e.Path] = e
	}
	if e := elfs["/usr/local/bin/app"]; e.InterpreterFound || !e.NeedsGlibc {
		t.Errorf("glibc binary on musl: %+v", e)
	}
	if e := elfs["/usr/local/bin/ok"]; !e.InterpreterFound || !e.NeedsMusl {
		t.Errorf("musl binary: %+v", e)
	}
	if e, ok := elfs["/bin/busybox"]; !ok || !e.InterpreterFound || !slices.Contains(e.Needed, "libc.musl-x86_64.so.1") {
		t.Errorf("real busybox: %+v", e)
	}
	if len(doc.Programs["sh"]) == 0 || doc.Programs["sh"][0].Path != "/bin/sh" {
		t.Errorf("programs[sh] = %+v", doc.Programs["sh"])
	}
	if len(doc.CredentialFiles) != 1 {
		t.Fatalf("credential files = %+v", doc.CredentialFiles)
	}
	cf := doc.CredentialFiles[0]
	if cf.Path != "/root/.ssh/id_rsa" || cf.Kind != "ssh-private-key" || cf.Layer != 2 || cf.RemovedIn != 3 {
		t.Errorf("credential file = %+v", cf)
	}
	if len(doc.Setuid) != 1 || doc.Setuid[0].Path != "/usr/bin/suid" || doc.Setuid[0].Mode != "4755" {
		t.Errorf("setuid = %+v", doc.Setuid)
	}
	var ww []string
	for _, w := range doc.WorldWritable {
		ww = append(ww, w.Path)
	}
	if !slices.Contains(ww, "/data") || slices.Contains(ww, "/tmp") {
		t.Errorf("world-writable = %v (want /data, not the sticky /tmp)", ww)
	}
	// History: aligned to layers, build args parsed and masked.
	if h := doc.History[5]; h.Layer != 3 || h.Instruction != "RUN" || len(h.BuildArgs) != 1 || !h.BuildArgs[0].Secret {
		t.Errorf("history[5] = %+v", h)
	}
	if doc.Layers[3].History != 5 || doc.Layers[0].History != 0 {
		t.Errorf("layers→history = %d, %d", doc.Layers[3].History, doc.Layers[0].History)
	}
	sources := map[string]int{}
	for _, s := range doc.Secrets {
		sources[s.Source]++
	}
	if sources["env"] != 1 || sources["history-arg"] != 1 || sources["file"] != 1 || sources["history"] != 0 {
		t.Errorf("secret sources = %v (the history ENV duplicates the config Env and is reported once)", sources)
	}
	// No secret value anywhere in the document; both in the redactions.
	raw, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []string{fakeGitHubToken, fakePassword, "MIIEowIBAAKCAQEA"} {
		if bytes.Contains(raw, []byte(v)) {
			t.Errorf("document contains a secret value %q…", v[:6])
		}
	}
	for _, v := range []string{fakeGitHubToken, fakePassword} {
		if !slices.Contains(doc.Redactions(), v) {
			t.Errorf("redactions miss %q…", v[:6])
		}
	}
}

func TestBuildCorrelatesDockerfile(t *testing.T) {
	img := alpineImage(t)
	src := []byte(`FROM alpine:3.20
ENV GITHUB_TOKEN=x
COPY app ok /usr/local/bin/
COPY id_rsa /root/.ssh/id_rsa
ARG DB_PASSWORD
RUN rm /root/.ssh/id_rsa && mkdir -m 777 /data
ENTRYPOINT ["app"]
`)
	df, err := dockerfile.Parse("Dockerfile", src, dockerfile.Options{})
	if err != nil {
		t.Fatal(err)
	}
	doc := build(t, img, Options{Dockerfile: df})
	if doc.Dockerfile == nil || doc.Dockerfile.BaseHistory != 2 {
		t.Fatalf("dockerfile ref = %+v, want 2 base history entries", doc.Dockerfile)
	}
	want := map[int]int{2: 2, 3: 3, 4: 4, 5: 6, 6: 7}
	for h, line := range want {
		loc := doc.History[h].Location
		if loc == nil || loc.StartLine != line || doc.History[h].Origin != "own" {
			t.Errorf("history[%d] → %+v (%s), want line %d", h, loc, doc.History[h].Origin, line)
		}
	}
	if doc.Layers[0].Origin != "base" || doc.Layers[3].Origin != "own" {
		t.Errorf("layer origins = %q, %q", doc.Layers[0].Origin, doc.Layers[3].Origin)
	}
}

func TestBuildDebianStyleFacts(t *testing.T) {
	status := `Package: libc6
Status: install ok installed
Priority: optional
Architecture: amd64
Version: 2.36-9+deb12u9

Package: gcc-12
Status: install ok installed
Architecture: amd64
Source: gcc-12
Version: 12.2.0-14
Depends: cpp-12 (= 12.2.0-14), libc6 (>= 2.36)

Package: oldpkg
Status: deinstall ok config-files
Architecture: amd64
Version: 1
`
	base := testLayer(t,
		tf{name: "etc/os-release", typ: tar.TypeSymlink, link: "../usr/lib/os-release"},
		tf{name: "usr/lib/os-release", body: []byte("ID=debian\nVERSION_ID=\"12\"\nPRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n")},
		tf{name: "etc/passwd", body: []byte("root:x:0:0:root:/root:/bin/bash\nadmin:x:0:0::/root:/bin/sh\napp:x:10001:10001::/home/app:/bin/sh\n")},
		tf{name: "etc/group", body: []byte("root:x:0:\napp:x:10001:\n")},
		tf{name: "var/lib/dpkg/status", body: []byte(strings.SplitN(status, "\nPackage: gcc-12", 2)[0] + "\n")},
		tf{name: "lib64/ld-linux-x86-64.so.2", typ: tar.TypeSymlink, link: "/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2"},
		tf{name: "lib/x86_64-linux-gnu/ld-linux-x86-64.so.2", body: []byte("loader"), mode: 0o755},
		tf{name: "lib/x86_64-linux-gnu/libc.so.6", body: []byte("libc"), mode: 0o755},
		tf{name: "usr/bin/passwd", body: []byte("x"), mode: 0o4755},
		tf{name: "var/lib/dpkg/info/passwd.list", body: []byte("/.\n/usr\n/usr/bin/passwd\n")},
		tf{name: "usr/lib/python3/dist-packages/orjson-3.10.dist-info/WHEEL", body: []byte("Wheel-Version: 1.0\nTag: cp311-cp311-manylinux_2_17_x86_64\nTag: cp311-cp311-manylinux2014_x86_64\n")},
		tf{name: "home/app/.npmrc", body: []byte("//registry.npmjs.org/:_authToken=${NPM_TOKEN}\n")},
		tf{name: "home/app/.docker/config.json", body: []byte(`{"auths":{"registry.example.com":{"auth":"dXNlcjpWeDdrUDJtUXo5clQ0dw=="}}}`)},
	)
	tools := testLayer(t, tf{name: "var/lib/dpkg/status", body: []byte(status)}, tf{name: "usr/bin/gcc-12", body: []byte("x"), mode: 0o755})
	img, err := mutate.AppendLayers(empty.Image, base, tools)
	if err != nil {
		t.Fatal(err)
	}
	img = withConfig(t, img, v1.Config{User: "admin", Cmd: []string{"bash"}}, nil)
	doc := build(t, img, Options{})
	if doc.OS == nil || doc.OS.ID != "debian" {
		t.Errorf("os through a symlink = %+v", doc.OS)
	}
	if doc.Libc.Kind != "glibc" || !doc.Libc.GlibcLibrary || !slices.Contains(doc.Libc.Loaders, "/lib64/ld-linux-x86-64.so.2") {
		t.Errorf("libc = %+v", doc.Libc)
	}
	got := map[string]int{}
	for _, p := range doc.Packages.List {
		got[p.Name] = p.Layer
	}
	if len(got) != 2 || got["libc6"] != 0 || got["gcc-12"] != 1 {
		t.Errorf("packages → layers = %v, want libc6@0 and gcc-12@1 (not the config-files remnant)", got)
	}
	if !doc.User.UIDKnown || doc.User.UID != 0 || doc.User.Spec != "admin" {
		t.Errorf("user admin should resolve to uid 0: %+v", doc.User)
	}
	if len(doc.Setuid) != 1 || doc.Setuid[0].Package != "passwd" {
		t.Errorf("setuid ownership = %+v", doc.Setuid)
	}
	if len(doc.Wheels) != 1 || !doc.Wheels[0].Manylinux || doc.Wheels[0].Musllinux {
		t.Errorf("wheels = %+v", doc.Wheels)
	}
	if len(doc.CredentialFiles) != 1 || doc.CredentialFiles[0].Kind != "docker-config-auth" || doc.CredentialFiles[0].RemovedIn != -1 {
		t.Errorf("credential files = %+v (the .npmrc only names ${NPM_TOKEN})", doc.CredentialFiles)
	}
	if len(doc.Warnings) != 0 {
		t.Errorf("warnings = %v", doc.Warnings)
	}
}

func TestParseCreatedBy(t *testing.T) {
	cases := []struct {
		in, instr, text string
		args            [][2]string
	}{
		{"RUN |2 A=1 B=two /bin/sh -c make all # buildkit", "RUN", "make all", [][2]string{{"A", "1"}, {"B", "two"}}},
		{"/bin/sh -c #(nop)  CMD [\"sh\"]", "CMD", `["sh"]`, nil},
		{"/bin/sh -c #(nop) ADD file:abc123 in / ", "ADD", "file:abc123 in /", nil},
		{"|1 PASSWORD=a b c /bin/sh -c echo", "RUN", "echo", [][2]string{{"PASSWORD", "a b c"}}},
		{"RUN |2 A=1 MSG=hello world /bin/bash -o pipefail -c make # buildkit", "RUN", "make", [][2]string{{"A", "1"}, {"MSG", "hello world"}}},
		// Without a known shell after the arguments the last value ends at
		// its first space; the command is not eaten.
		{"|1 A=x y /usr/bin/zsh -c make", "RUN", "y /usr/bin/zsh -c make", [][2]string{{"A", "x"}}},
		// The command may itself run a shell: the arguments end at the first.
		{"|1 A=x /bin/sh -c /bin/sh -c make", "RUN", "/bin/sh -c make", [][2]string{{"A", "x"}}},
		{"|2 X=a b Y=c /bin/sh -c echo", "RUN", "echo", [][2]string{{"X", "a b"}, {"Y", "c"}}},
		{"/bin/sh -c apt-get update", "RUN", "apt-get update", nil},
		{"COPY . /app # buildkit", "COPY", ". /app", nil},
		{"ENV PATH=/usr/local/bin:/usr/bin", "ENV", "PATH=/usr/local/bin:/usr/bin", nil},
	}
	for _, c := range cases {
		p := parseCreatedBy(c.in)
		if p.instruction != c.instr || p.text != c.text || !slices.Equal(p.args, c.args) {
			t.Errorf("parseCreatedBy(%q) = %q %q %v; want %q %q %v", c.in, p.instruction, p.text, p.args, c.instr, c.text, c.args)
		}
	}
}

func TestBuildEntrypointDropsPrivileges(t *testing.T) {
	script := "#!/bin/sh\nset -e\nif [ \"$1\" = serve ]; then\n  chown -R app /data\n  exec gosu app \"$@\"\nfi\nexec \"$@\"\n"
	cases := []struct {
		name  string
		files []tf
		drops bool
		tools []string
	}{
		{"gosu present", []tf{{name: "usr/local/bin/gosu", body: []byte("x"), mode: 0o755}}, true, []string{"gosu"}},
		{"gosu named but absent", nil, false, []string{"gosu"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			files := append([]tf{
				{name: "bin/sh", body: []byte("x"), mode: 0o755},
				{name: "usr/local/bin/docker-entrypoint.sh", body: []byte(script), mode: 0o755},
				{name: "usr/local/bin/setpriv", body: []byte("x"), mode: 0o755}, // present but not used
			}, c.files...)
			img, err := mutate.AppendLayers(empty.Image, testLayer(t, files...))
			if err != nil {
				t.Fatal(err)
			}
			img = withConfig(t, img, v1.Config{Entrypoint: []string{"docker-entrypoint.sh"}, Cmd: []string{"serve"}}, nil)
			x := build(t, img, Options{}).Exec
			if x.Kind != "script" || x.Interpreter != "/bin/sh" || !x.Runnable {
				t.Fatalf("exec = %+v", x)
			}
			if x.DropsPrivileges != c.drops || !slices.Equal(x.DropTools, c.tools) {
				t.Errorf("drops = %v %v, want %v %v", x.DropsPrivileges, x.DropTools, c.drops, c.tools)
			}
		})
	}
}

func TestBuildConfigCommandLineSecrets(t *testing.T) {
	img, err := mutate.AppendLayers(empty.Image, testLayer(t, tf{name: "bin/sh", body: []byte("x"), mode: 0o755}))
	if err != nil {
		t.Fatal(err)
	}
	img = withConfig(t, img, v1.Config{
		Cmd:         []string{"sh", "-c", "curl -fsS -u deploy:" + fakePassword + " https://example.com/hook && exec app"},
		Healthcheck: &v1.HealthConfig{Test: []string{"CMD-SHELL", "curl -u deploy:" + fakePassword + " localhost"}},
	}, []v1.History{{CreatedBy: "BusyBox 1.36.1 (glibc), Debian 12"}})
	doc := build(t, img, Options{})
	names := map[string]bool{}
	for _, s := range doc.Secrets {
		if s.Source == "config" {
			names[s.Name] = true
		}
	}
	if !names["Cmd"] || !names["Healthcheck"] {
		t.Errorf("config secrets = %+v", doc.Secrets)
	}
	raw, _ := json.Marshal(doc)
	if bytes.Contains(raw, []byte(fakePassword)) {
		t.Error("the config's command line keeps the password")
	}
	if doc.Config.Healthcheck.Test[0] != "CMD-SHELL" || len(doc.Config.Cmd) != 3 {
		t.Errorf("masking changed the shape: %q %q", doc.Config.Healthcheck.Test, doc.Config.Cmd)
	}
	if doc.History[0].Instruction != "" {
		t.Errorf("free-text history classified as %q", doc.History[0].Instruction)
	}
}

type sourceImage = source.Image

func openRef(ref string) (*source.Image, error) {
	return source.Open(context.Background(), ref, source.Options{})
}

// Debian 12 merges /usr: the layer holds /usr/bin/su while dpkg's list
// names /bin/su. Ownership must see through the /bin symlink.
func TestBuildOwnershipThroughMergedUsr(t *testing.T) {
	l := testLayer(t,
		tf{name: "bin", typ: tar.TypeSymlink, link: "usr/bin"},
		tf{name: "usr/bin/su", body: []byte("x"), mode: 0o4755},
		tf{name: "usr/local/bin/mine", body: []byte("x"), mode: 0o4755},
		tf{name: "var/lib/dpkg/status", body: []byte("Package: util-linux\nStatus: install ok installed\nVersion: 2.38\n")},
		tf{name: "var/lib/dpkg/info/util-linux.list", body: []byte("/.\n/bin\n/bin/su\n")},
	)
	img, err := mutate.AppendLayers(empty.Image, l)
	if err != nil {
		t.Fatal(err)
	}
	doc := build(t, withConfig(t, img, v1.Config{}, nil), Options{})
	owners := map[string]string{}
	for _, f := range doc.Setuid {
		owners[f.Path] = f.Package
	}
	if owners["/usr/bin/su"] != "util-linux" || owners["/usr/local/bin/mine"] != "" || len(owners) != 2 {
		t.Errorf("setuid owners = %v", owners)
	}
}

func TestBuildCorrelationNeedsMatchingText(t *testing.T) {
	src := []byte("FROM python:3.12-slim\nCOPY requirements.txt /srv/\nRUN pip install -r /srv/requirements.txt\nENTRYPOINT [\"gunicorn\"]\n")
	df, err := dockerfile.Parse("Dockerfile.other", src, dockerfile.Options{})
	if err != nil {
		t.Fatal(err)
	}
	doc := build(t, alpineImage(t), Options{Dockerfile: df})
	for _, h := range doc.History {
		if h.Origin != "" || h.Location != nil {
			t.Errorf("history %d mapped to an unrelated Dockerfile: %q %+v", h.Index, h.Origin, h.Location)
		}
	}
	if doc.Dockerfile == nil || doc.Dockerfile.Matched != 0 || len(doc.Warnings) == 0 {
		t.Errorf("want a no-match warning; ref %+v, warnings %v", doc.Dockerfile, doc.Warnings)
	}
}

func TestBuildSquashedHistoryIsNotAttributed(t *testing.T) {
	img, err := mutate.AppendLayers(empty.Image, testLayer(t, tf{name: "bin/sh", body: []byte("x"), mode: 0o755}))
	if err != nil {
		t.Fatal(err)
	}
	// buildah bud --squash: one layer, credited to the last entry.
	img = withConfig(t, img, v1.Config{}, []v1.History{
		{CreatedBy: "/bin/sh -c #(nop) ADD file:abc in / ", EmptyLayer: true},
		{CreatedBy: "|1 TOKEN=" + fakePassword + " /bin/sh -c echo $TOKEN > /dev/null", EmptyLayer: true},
		{CreatedBy: `/bin/sh -c #(nop) ENTRYPOINT ["/bin/sh"]`},
	})
	doc := build(t, img, Options{})
	if doc.Layers[0].History != -1 || doc.History[2].Layer != -1 {
		t.Errorf("squashed layer attributed: layer→%d, history→%d", doc.Layers[0].History, doc.History[2].Layer)
	}
	var sources []string
	for _, s := range doc.Secrets {
		sources = append(sources, s.Source)
	}
	// The build argument is reported once, as a build argument, not again
	// as part of the RUN that reads it through $TOKEN.
	if !slices.Equal(sources, []string{"history-arg"}) {
		t.Errorf("secret sources = %v, want [history-arg]", sources)
	}
}
