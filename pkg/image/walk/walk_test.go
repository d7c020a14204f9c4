package walk

import (
	"archive/tar"
	"bytes"
	"context"
	"io/fs"
	"os"
	"slices"
	"strings"
	"testing"
)

// member is one tar entry for a test layer.
type member struct {
	name string
	typ  byte
	mode int64
	body string
	link string
}

func file(name, body string) member {
	return member{name: name, typ: tar.TypeReg, mode: 0o644, body: body}
}
func exe(name, body string) member {
	return member{name: name, typ: tar.TypeReg, mode: 0o755, body: body}
}
func dir(name string) member { return member{name: name, typ: tar.TypeDir, mode: 0o755} }
func symlink(name, target string) member {
	return member{name: name, typ: tar.TypeSymlink, mode: 0o777, link: target}
}
func hardlink(name, target string) member {
	return member{name: name, typ: tar.TypeLink, mode: 0o755, link: target}
}
func withMode(m member, mode int64) member { m.mode = mode; return m }
func whiteout(dirName, name string) member {
	return file(strings.TrimSuffix(dirName, "/")+"/.wh."+name, "")
}
func opaqueMarker(dirName string) member {
	return file(strings.TrimSuffix(dirName, "/")+"/.wh..wh..opq", "")
}

func tarOf(t testing.TB, ms ...member) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, m := range ms {
		h := &tar.Header{Name: m.name, Typeflag: m.typ, Mode: m.mode, Linkname: m.link, Size: int64(len(m.body)), Uid: 0, Gid: 0}
		if m.typ != tar.TypeReg {
			h.Size = 0
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if m.typ == tar.TypeReg {
			if _, err := tw.Write([]byte(m.body)); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func read(t testing.TB, idx int, opts Options, ms ...member) *Layer {
	t.Helper()
	l, err := ReadLayer(context.Background(), idx, bytes.NewReader(tarOf(t, ms...)), opts)
	if err != nil {
		t.Fatalf("ReadLayer: %v", err)
	}
	return l
}

func squash(t testing.TB, layers ...[]member) *View {
	t.Helper()
	var ls []*Layer
	for i, ms := range layers {
		ls = append(ls, read(t, i, Options{}, ms...))
	}
	return Squash(ls)
}

func TestSquashWhiteoutsAndOpaque(t *testing.T) {
	v := squash(t,
		[]member{dir("etc/"), file("etc/passwd", "root"), file("root/.ssh/id_rsa", "key"), dir("app/"), file("app/a", "1"), file("app/b", "2"), file("keep", "k")},
		[]member{whiteout("root/.ssh", "id_rsa"), opaqueMarker("app"), file("app/c", "3")},
		[]member{file("etc/passwd", "root2")},
	)
	for _, p := range []string{"/etc/passwd", "/app/c", "/keep"} {
		if _, ok := v.Get(p); !ok {
			t.Errorf("%s missing from the squashed view", p)
		}
	}
	for _, p := range []string{"/root/.ssh/id_rsa", "/app/a", "/app/b"} {
		if _, ok := v.Get(p); ok {
			t.Errorf("%s should have been removed", p)
		}
	}
	if e, _ := v.Get("/etc/passwd"); e.Layer != 2 {
		t.Errorf("/etc/passwd from layer %d, want 2", e.Layer)
	}
	got := map[string]string{}
	for _, h := range v.Hidden {
		got[h.Path] = h.How + "@" + string(rune('0'+h.By)) + " from " + string(rune('0'+h.Layer))
	}
	want := map[string]string{
		"/root/.ssh/id_rsa": "deleted@1 from 0",
		"/app/a":            "deleted@1 from 0",
		"/app/b":            "deleted@1 from 0",
		"/etc/passwd":       "replaced@2 from 0",
	}
	for p, w := range want {
		if got[p] != w {
			t.Errorf("hidden %s = %q, want %q", p, got[p], w)
		}
	}
	if len(got) != len(want) {
		t.Errorf("hidden = %v, want exactly %v", got, want)
	}
}

func TestSquashNearestRemoverIsNamed(t *testing.T) {
	v := squash(t,
		[]member{file("secret", "s")},
		[]member{whiteout("", "secret")},
		[]member{file("secret", "again")},
		[]member{whiteout("", "secret")},
	)
	if _, ok := v.Get("/secret"); ok {
		t.Fatal("/secret should be deleted")
	}
	for _, h := range v.Hidden {
		if h.Layer == 0 && h.By != 1 {
			t.Errorf("layer-0 copy removed by %d, want 1", h.By)
		}
		if h.Layer == 2 && h.By != 3 {
			t.Errorf("layer-2 copy removed by %d, want 3", h.By)
		}
	}
	if len(v.Hidden) != 2 {
		t.Errorf("hidden = %d entries, want 2", len(v.Hidden))
	}
}

func TestSquashFileReplacesDirectory(t *testing.T) {
	v := squash(t,
		[]member{dir("opt/tool/"), file("opt/tool/bin", "x")},
		[]member{file("opt/tool", "now a file")},
	)
	if e, ok := v.Get("/opt/tool"); !ok || e.Type != File {
		t.Fatalf("/opt/tool should be the upper file")
	}
	if _, ok := v.Get("/opt/tool/bin"); ok {
		t.Fatal("/opt/tool/bin survived its parent becoming a file")
	}
	// The same layer may whiteout and recreate content in one directory:
	// its own entries are not hidden by its own opaque marker.
	v = squash(t,
		[]member{file("d/old", "o")},
		[]member{opaqueMarker("d"), file("d/new", "n")},
	)
	if _, ok := v.Get("/d/new"); !ok {
		t.Error("/d/new hidden by its own layer's opaque marker")
	}
	if _, ok := v.Get("/d/old"); ok {
		t.Error("/d/old not hidden by the opaque marker above it")
	}
}

func TestResolveSymlinksInsideRoot(t *testing.T) {
	v := squash(t, []member{
		dir("bin/"), exe("bin/busybox", "#!x"),
		symlink("bin/sh", "busybox"),
		symlink("usr/bin/env", "../../bin/busybox"),
		symlink("lib64/ld-linux-x86-64.so.2", "/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2"),
		symlink("escape", "../../../../bin/busybox"),
		symlink("loop1", "loop2"), symlink("loop2", "loop1"),
		symlink("dangling", "/nowhere"),
		symlink("libdir", "/usr/lib"), exe("usr/lib/tool", "t"),
		hardlink("bin/hl", "bin/busybox"),
	})
	cases := []struct {
		in, want string
		ok       bool
	}{
		{"/bin/sh", "/bin/busybox", true},
		{"/usr/bin/env", "/bin/busybox", true},
		{"/escape", "/bin/busybox", true}, // ".." stops at the image root, as in a chroot
		{"/lib64/ld-linux-x86-64.so.2", "", false},
		{"/loop1", "", false},
		{"/dangling", "", false},
		{"/libdir/tool", "/usr/lib/tool", true},
		{"/bin/hl", "/bin/hl", true},
	}
	for _, c := range cases {
		got, e, ok := v.Resolve(c.in)
		if ok != c.ok || ok && got != c.want {
			t.Errorf("Resolve(%s) = %q, %v; want %q, %v", c.in, got, ok, c.want, c.ok)
		}
		if ok && c.in == "/bin/hl" && e.Path != "/bin/busybox" {
			t.Errorf("hardlink resolved to entry %s, want the target's facts", e.Path)
		}
	}
}

func TestReadLayerCaptureCapAndSkips(t *testing.T) {
	big := strings.Repeat("x", 100)
	l := read(t, 3, Options{Capture: func(p string, _ int64) bool { return strings.HasPrefix(p, "/etc/") }, MaxFileBytes: 10},
		file("./etc/passwd", "root:x:0:0::/root:/bin/sh\n"),
		file("etc/big", big),
		file("usr/share/doc", "not captured"),
		file("../../etc/shadow", "escape"),
		file("a/../../../x", "escape too"),
		exe("usr/bin/script", "#!/bin/sh -e\necho hi\n"),
		withMode(exe("usr/bin/su", "x"), 0o4755),
	)
	byPath := map[string]*Entry{}
	for _, e := range l.Entries {
		byPath[e.Path] = e
		if e.Layer != 3 {
			t.Errorf("%s: layer %d, want 3", e.Path, e.Layer)
		}
	}
	if e := byPath["/etc/passwd"]; e == nil || string(e.Content) != "root:x:0:0" || !e.Truncated {
		t.Errorf("/etc/passwd capture = %+v (cap 10 bytes)", e)
	}
	if e := byPath["/usr/share/doc"]; e == nil || e.Content != nil {
		t.Errorf("uncaptured file kept content: %+v", e)
	}
	if byPath["/usr/bin/script"].Shebang != "/bin/sh -e" {
		t.Errorf("shebang = %q", byPath["/usr/bin/script"].Shebang)
	}
	if m := byPath["/usr/bin/su"].Mode; m&fs.ModeSetuid == 0 || ModeString(m) != "4755" {
		t.Errorf("setuid mode lost: %v (%s)", m, ModeString(m))
	}
	var unsafe, truncated int
	for _, s := range l.Skipped {
		switch {
		case strings.Contains(s.Reason, "escapes"):
			unsafe++
		case strings.Contains(s.Reason, "read cap"):
			truncated++
		}
	}
	if unsafe != 2 || truncated != 2 {
		t.Errorf("skipped = %+v; want 2 unsafe paths and 2 capped files", l.Skipped)
	}
	if _, ok := byPath["/etc/shadow"]; ok {
		t.Error("a path escaping the root was taken as /etc/shadow")
	}
}

func TestReadLayerCorruptStream(t *testing.T) {
	data := tarOf(t, file("a", strings.Repeat("a", 4096)), file("b", "b"))
	_, err := ReadLayer(context.Background(), 0, bytes.NewReader(data[:1500]), Options{})
	if err == nil {
		t.Fatal("truncated layer read without error")
	}
	_, err = ReadLayer(context.Background(), 0, strings.NewReader("this is not a tar archive at all, just text that goes on and on"+strings.Repeat(".", 600)), Options{})
	if err == nil {
		t.Fatal("garbage read as a layer")
	}
}

func TestReadLayerEntryCap(t *testing.T) {
	var ms []member
	for i := 0; i < 20; i++ {
		ms = append(ms, file("f"+string(rune('a'+i)), ""))
	}
	if _, err := ReadLayer(context.Background(), 0, bytes.NewReader(tarOf(t, ms...)), Options{MaxEntries: 10}); err == nil {
		t.Fatal("entry cap not enforced")
	}
}

func TestReadLayerELF(t *testing.T) {
	bin, err := os.ReadFile("/bin/true")
	if err != nil {
		t.Skip("no /bin/true on this machine")
	}
	l := read(t, 0, Options{ELF: true}, member{name: "bin/true", typ: tar.TypeReg, mode: 0o755, body: string(bin)}, hardlink("bin/also-true", "bin/true"))
	e := l.Entries[0]
	if e.ELF == nil || e.ELF.Interpreter == "" {
		t.Fatalf("ELF facts of the host's /bin/true not read: %+v", e.ELF)
	}
	if h := l.Entries[1]; h.ELF != e.ELF {
		t.Error("hardlink did not inherit its target's ELF facts")
	}
	// Without ELF reading, nothing is parsed.
	l = read(t, 0, Options{}, member{name: "bin/true", typ: tar.TypeReg, mode: 0o755, body: string(bin)})
	if l.Entries[0].ELF != nil {
		t.Error("ELF parsed although disabled")
	}
}

func FuzzReadLayer(f *testing.F) {
	f.Add(tarOf(f, file("etc/passwd", "root"), symlink("a", "../b"), whiteout("x", "y"), opaqueMarker("z")))
	f.Add([]byte("garbage"))
	for _, s := range fuzzSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		l, err := ReadLayer(context.Background(), 0, bytes.NewReader(data), Options{ELF: true, Capture: func(string, int64) bool { return true }, MaxFileBytes: 64})
		if err != nil {
			return
		}
		// The scanning path, with captures off and on.
		sc := &recScanner{got: map[string]string{}, truncated: map[string]bool{}, skip: "/skip/"}
		for _, capture := range []func(string, int64) bool{nil, func(p string, _ int64) bool { return len(p)%2 == 0 }} {
			if _, err := ReadLayer(context.Background(), 0, bytes.NewReader(data), Options{ELF: true, Capture: capture, Scan: sc, MaxFileBytes: 64}); err != nil {
				t.Fatalf("the scanning read failed where the plain one did not: %v", err)
			}
		}
		v := Squash([]*Layer{l, l})
		for _, p := range v.Paths() {
			v.Resolve(p)
		}
	})
}

// recScanner records what ReadLayer offers it.
type recScanner struct {
	skip      string
	got       map[string]string
	truncated map[string]bool
}

func (r *recScanner) Want(p string, _ int64) bool { return !strings.HasPrefix(p, r.skip) }
func (r *recScanner) Scan(e *Entry, data []byte, truncated bool) {
	r.got[e.Path] = string(data) // copied: data is reused
	r.truncated[e.Path] = truncated
}

func TestReadLayerScan(t *testing.T) {
	elf := "\x7fELF\x02\x01\x01\x00" + strings.Repeat("x", 100)
	long := strings.Repeat("0123456789", 5) // 50 bytes, cap 32
	sc := &recScanner{skip: "/usr/share/doc/", got: map[string]string{}, truncated: map[string]bool{}}
	l := read(t, 0, Options{Scan: sc, MaxFileBytes: 32, Capture: func(p string, _ int64) bool { return p == "/etc/passwd" }, ELF: true},
		file("etc/passwd", "root:x:0:0::/root:/bin/sh\n"),
		exe("app/run.sh", "#!/bin/sh\necho token\n"),
		file("app/long.txt", long),
		exe("app/bin", elf),
		file("app/latin1.txt", "caf\xe9 au lait"),
		file("app/utf8.txt", "café au lait"),
		file("app/empty", ""),
		file("usr/share/doc/README", "docs"),
		file("app/after.txt", "short"),
	)
	want := map[string]string{
		"/etc/passwd":    "root:x:0:0::/root:/bin/sh\n",
		"/app/run.sh":    "#!/bin/sh\necho token\n",
		"/app/long.txt":  long[:32],
		"/app/utf8.txt":  "café au lait",
		"/app/after.txt": "short",
	}
	if len(sc.got) != len(want) {
		t.Errorf("scanned %v, want %v", sc.got, want)
	}
	for p, w := range want {
		if sc.got[p] != w {
			t.Errorf("%s: scanned %q, want %q", p, sc.got[p], w)
		}
	}
	if !sc.truncated["/app/long.txt"] || sc.truncated["/app/run.sh"] {
		t.Errorf("truncated = %v", sc.truncated)
	}
	st := l.Scan
	if st.Files != 5 || st.Binary != 2 || st.Truncated != 1 || st.TruncatedBytes != 18 || st.BinaryBytes != int64(len(elf)+len("caf\xe9 au lait")) {
		t.Errorf("stats = %+v", st)
	}
	byPath := map[string]*Entry{}
	for _, e := range l.Entries {
		byPath[e.Path] = e
	}
	if byPath["/app/run.sh"].Shebang != "/bin/sh" {
		t.Errorf("scanning lost the shebang: %+v", byPath["/app/run.sh"])
	}
	// The binary's headers are still read forward from the stream (this
	// one is a stub, so reading them fails and says so).
	if !slices.ContainsFunc(l.Skipped, func(s Skip) bool { return s.Path == "/app/bin" && strings.Contains(s.Reason, "ELF") }) {
		t.Errorf("skipped = %+v, want the stub ELF's headers tried", l.Skipped)
	}
	if byPath["/app/long.txt"].Content != nil {
		t.Error("scanned content was kept")
	}
	if !slices.ContainsFunc(l.Skipped, func(s Skip) bool { return s.Path == "/app/long.txt" && strings.Contains(s.Reason, "read cap") }) {
		t.Errorf("skipped = %+v, want /app/long.txt as partly read", l.Skipped)
	}
}

func TestLooksBinary(t *testing.T) {
	for _, c := range []struct {
		head     string
		complete bool
		want     bool
	}{
		{"plain text\n", true, false},
		{"", true, false},
		{"{\"a\": 1}", true, false},
		{"caf\xc3\xa9", true, false},
		{"caf\xc3", false, false}, // a rune cut by the 8 KiB window
		{"caf\xc3", true, true},   // a file that ends mid-rune
		{"caf\xe9 au lait", true, true},
		{"text\x00more", true, true},
		{"\x89PNG\r\n\x1a\n", true, true},
		{"%PDF-1.4\n%ascii only\n", true, true},
		{"PK\x03\x04\x14", true, true},
		{"\xca\xfe\xba\xbe", true, true},
		{"BZh91AY&SY", true, true},
		{"BZh is a word", true, false},
		{"!<arch>\n", true, true},
		{"GIF89a", true, true},
	} {
		if got := LooksBinary([]byte(c.head), c.complete); got != c.want {
			t.Errorf("LooksBinary(%q, %v) = %v, want %v", c.head, c.complete, got, c.want)
		}
	}
}
