package apkdb

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path"
	"reflect"
	"slices"
	"strings"
	"testing"
	"testing/iotest"
)

const alpineRootfs = "../../../../shared/rootfs/alpine-minirootfs-3.20.3-x86_64.tar.gz"

// rootfs reads the real Alpine minirootfs in memory: the installed database
// and the set of non-directory paths in the tarball.
func rootfs(t testing.TB) (db []byte, paths map[string]bool) {
	t.Helper()
	f, err := os.Open(alpineRootfs)
	if errors.Is(err, os.ErrNotExist) {
		t.Skip("../shared not found: real-image fixtures skipped")
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	paths = map[string]bool{}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		name := "/" + path.Clean(strings.TrimPrefix(h.Name, "./"))
		if h.Typeflag != tar.TypeDir {
			paths[name] = true
		}
		if name == "/lib/apk/db/installed" {
			if db, err = io.ReadAll(tr); err != nil {
				t.Fatal(err)
			}
		}
	}
	if db == nil {
		t.Fatal("lib/apk/db/installed not in the minirootfs")
	}
	return db, paths
}

func find(t *testing.T, pkgs []Package, name string) Package {
	t.Helper()
	for _, p := range pkgs {
		if p.Name == name {
			return p
		}
	}
	t.Fatalf("package %q not found", name)
	return Package{}
}

func TestAlpineMinirootfs(t *testing.T) {
	db, paths := rootfs(t)
	pkgs, err := Parse(bytes.NewReader(db))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range pkgs {
		names = append(names, p.Name)
	}
	want := []string{
		"alpine-baselayout", "alpine-baselayout-data", "alpine-keys", "apk-tools", "busybox",
		"busybox-binsh", "ca-certificates-bundle", "libcrypto3", "libssl3", "musl", "musl-utils",
		"scanelf", "ssl_client", "zlib",
	}
	if !reflect.DeepEqual(names, want) {
		t.Fatalf("names\n got %q\nwant %q", names, want)
	}

	bb := find(t, pkgs, "busybox")
	bbWant := Package{
		Name: "busybox", Version: "1.36.1-r29", Arch: "x86_64", Origin: "busybox",
		Description: "Size optimized toolbox of many common UNIX utilities", License: "GPL-2.0-only",
		Depends:  []string{"so:libc.musl-x86_64.so.1"},
		Provides: []string{"cmd:busybox=1.36.1-r29"},
		Replaces: []string{"busybox-initscripts"},
	}
	if !slices.Contains(bb.Files, "/bin/busybox") {
		t.Errorf("busybox files %q lack /bin/busybox", bb.Files)
	}
	bb.Files = nil
	if !reflect.DeepEqual(bb, bbWant) {
		t.Errorf("busybox\n got %#v\nwant %#v", bb, bbWant)
	}

	apk := find(t, pkgs, "apk-tools")
	wantDeps := []string{"musl>=1.2.3_git20230424", "ca-certificates-bundle", "so:libc.musl-x86_64.so.1",
		"so:libcrypto.so.3", "so:libssl.so.3", "so:libz.so.1"}
	if !reflect.DeepEqual(apk.Depends, wantDeps) {
		t.Errorf("apk-tools depends %q", apk.Depends)
	}
	if got := DependName(apk.Depends[0]); got != "musl" {
		t.Errorf("DependName(%q) = %q", apk.Depends[0], got)
	}
	if !slices.Contains(find(t, pkgs, "musl").Files, "/lib/ld-musl-x86_64.so.1") {
		t.Error("musl does not own /lib/ld-musl-x86_64.so.1")
	}
	if got := find(t, pkgs, "libssl3").Origin; got != "openssl" {
		t.Errorf("libssl3 origin %q", got)
	}

	// Every file the database lists ships in the rootfs, and no file is
	// owned twice: this checks the F:/R: path building against reality.
	owner := map[string]string{}
	total := 0
	for _, p := range pkgs {
		if p.Virtual {
			t.Errorf("%s marked virtual", p.Name)
		}
		if p.Version == "" || p.Arch != "x86_64" {
			t.Errorf("%s: version %q arch %q", p.Name, p.Version, p.Arch)
		}
		for _, f := range p.Files {
			total++
			if !paths[f] {
				t.Errorf("%s owns %s, which is not in the rootfs", p.Name, f)
			}
			if o, dup := owner[f]; dup {
				t.Errorf("%s owned by %s and %s", f, o, p.Name)
			}
			owner[f] = p.Name
		}
	}
	if total < 50 {
		t.Errorf("only %d files owned", total)
	}
	t.Logf("%d packages, %d owned files", len(pkgs), total)
}

// A database as `apk add --virtual .build-deps gcc` and a later removal of
// a conflicting package leave it, hand-written after apk-tools 2.14 output.
const fixture = `C:Q1TXnpzt2l2Mwt9CZAVpvnbZ5PDhE=
P:.build-deps
V:20240906.113400
A:noarch
S:0
I:0
T:virtual meta package
U:
L:
D:gcc make !libressl-dev

C:Q1qKcZ+j23xssAXmgQhkOO8dHnbWw=
P:tzdata
V:2024a-r1
A:x86_64
S:451436
I:3493888
T:Timezone data
U:https://www.iana.org/time-zones
L:Public-Domain
o:tzdata
m:Natanael Copa <ncopa@alpinelinux.org>
t:1711390000
c:1234
R:toplevel-file
Z:Q1abc=
F:usr/share/zoneinfo/
R:UTC
a:0:0:644
Z:Q1def=
R:Zulu
Z:Q1ghi=
F:usr/share/zoneinfo/Europe
M:0:0:755
R:Paris
Z:Q1jkl=

P:meta-with-files
V:1-r0
T:virtual meta package
F:etc
R:conf
`

func TestFixture(t *testing.T) {
	pkgs, err := Parse(strings.NewReader(fixture))
	if err != nil {
		t.Fatal(err)
	}
	want := []Package{
		{
			Name: ".build-deps", Version: "20240906.113400", Arch: "noarch",
			Description: "virtual meta package", Depends: []string{"gcc", "make", "!libressl-dev"}, Virtual: true,
		},
		{
			Name: "tzdata", Version: "2024a-r1", Arch: "x86_64", Origin: "tzdata",
			Description: "Timezone data", License: "Public-Domain",
			Files: []string{"/toplevel-file", "/usr/share/zoneinfo/UTC", "/usr/share/zoneinfo/Zulu", "/usr/share/zoneinfo/Europe/Paris"},
		},
		{
			// It has files, so it is not what `apk add --virtual` makes.
			Name: "meta-with-files", Version: "1-r0", Description: "virtual meta package",
			Files: []string{"/etc/conf"},
		},
	}
	if !reflect.DeepEqual(pkgs, want) {
		t.Fatalf("got  %#v\nwant %#v", pkgs, want)
	}
}

func TestDamagedInput(t *testing.T) {
	in := "P:a\r\nV:1\r\n\r\n" + // CRLF line ends
		"P:b\nV:2\nP:c\nV:3\n" + // missing blank line between packages
		"\n \t \n" + // whitespace-only lines separate stanzas too
		"V:no-name\nD:x\n\n" + // no P: → dropped
		"garbage line\nX\n:\nP:d\nT:" + strings.Repeat("x", maxLine+10) + "\nV:4\n" + // overlong line skipped
		"P:e" // no trailing newline
	pkgs, err := Parse(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []Package{
		{Name: "a", Version: "1"}, {Name: "b", Version: "2"}, {Name: "c", Version: "3"},
		{Name: "d", Version: "4"}, {Name: "e"},
	}
	if !reflect.DeepEqual(pkgs, want) {
		t.Fatalf("got  %#v\nwant %#v", pkgs, want)
	}
}

func TestEmpty(t *testing.T) {
	pkgs, err := Parse(strings.NewReader(""))
	if err != nil || len(pkgs) != 0 {
		t.Fatalf("got %v, %v", pkgs, err)
	}
}

func TestReadError(t *testing.T) {
	boom := errors.New("boom")
	r := io.MultiReader(strings.NewReader("P:a\nV:1\n\nP:b\n"), iotest.ErrReader(boom))
	pkgs, err := Parse(r)
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v", err)
	}
	if len(pkgs) != 2 || pkgs[0].Name != "a" || pkgs[1].Name != "b" {
		t.Fatalf("partial result %+v", pkgs)
	}
}

func TestTooManyPackages(t *testing.T) {
	in := strings.Repeat("P:p\n\n", MaxPackages+5)
	pkgs, err := Parse(strings.NewReader(in))
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("err = %v", err)
	}
	if len(pkgs) != MaxPackages {
		t.Fatalf("len = %d", len(pkgs))
	}
}

func TestFileAmplificationCapped(t *testing.T) {
	// One long directory and many one-letter files: without a cap, 200 KB
	// of input would become 800 MB of paths.
	var b strings.Builder
	b.WriteString("P:bomb\nF:" + strings.Repeat("d", 4000) + "\n")
	for range 100_000 {
		b.WriteString("R:x\n")
	}
	b.WriteString("F:" + strings.Repeat("d", maxPath) + "\nR:too-long-to-exist\n")
	b.WriteString("\nP:after\nV:1\n")
	pkgs, err := Parse(strings.NewReader(b.String()))
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("err = %v", err)
	}
	if len(pkgs) != 2 || pkgs[1].Name != "after" || pkgs[0].Virtual {
		t.Fatalf("packages %d", len(pkgs))
	}
	n := 0
	for _, f := range pkgs[0].Files {
		n += len(f)
	}
	if n > maxFileBytes || n < maxFileBytes-maxPath {
		t.Fatalf("kept %d bytes of paths", n)
	}
}

func TestListCapped(t *testing.T) {
	pkgs, err := Parse(strings.NewReader("P:x\nD:" + strings.Repeat("a ", maxList+100) + "\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(pkgs[0].Depends) != maxList {
		t.Fatalf("len = %d", len(pkgs[0].Depends))
	}
}

func TestDependName(t *testing.T) {
	for in, want := range map[string]string{
		"musl":                     "musl",
		"musl>=1.2.3_git20230424":  "musl",
		"alpine-baselayout-data=3": "alpine-baselayout-data",
		"so:libc.musl-x86_64.so.1": "so:libc.musl-x86_64.so.1",
		"cmd:sh":                   "cmd:sh",
		"/bin/sh":                  "/bin/sh",
		"py3-foo<2":                "py3-foo",
		"py3-foo~2.1":              "py3-foo",
		"py3-foo><2":               "py3-foo",
		"busybox@edge":             "busybox",
		"!libressl-dev":            "",
		"!foo>1":                   "",
		"":                         "",
		"  spaced  ":               "spaced",
	} {
		if got := DependName(in); got != want {
			t.Errorf("DependName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestJSON(t *testing.T) {
	b, err := json.Marshal(Package{Name: "a", Version: "1", Files: []string{"/x"}, Virtual: true})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(b), `{"name":"a","version":"1","virtual":true}`; got != want {
		t.Fatalf("got %s want %s", got, want)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(fixture))
	f.Add([]byte("P:a\nF:x\nR:y\n\nP:b\nD:!c d>=1\n"))
	if _, err := os.Stat(alpineRootfs); err == nil {
		db, _ := rootfs(f)
		// Two real stanzas keep the seed small enough to mutate quickly.
		if i := bytes.Index(db, []byte("\n\nC:")); i > 0 {
			if j := bytes.Index(db[i+2:], []byte("\n\nC:")); j > 0 {
				f.Add(db[:i+2+j])
			}
		}
		f.Add(db)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		pkgs, err := Parse(bytes.NewReader(data))
		if err != nil && !errors.Is(err, ErrTooLarge) {
			t.Fatalf("unexpected error %v", err)
		}
		for _, p := range pkgs {
			if p.Name == "" {
				t.Fatal("package without a name")
			}
			if p.Virtual && len(p.Files) > 0 {
				t.Fatal("virtual package with files")
			}
			for _, f := range p.Files {
				if !strings.HasPrefix(f, "/") || len(f) > maxPath {
					t.Fatalf("bad file path %q", f)
				}
			}
			for _, d := range p.Depends {
				_ = DependName(d)
			}
		}
	})
}
