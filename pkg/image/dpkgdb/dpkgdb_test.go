package dpkgdb

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"
)

// statusFixture is modelled on a Debian 12 status file: continuation lines
// in Description and Conffiles, a removed package whose conffiles remain,
// a binNMU whose Source carries the source version, Multi-Arch, Essential,
// alternatives with architecture qualifiers, a folded Depends field and a
// half-installed package.
const statusFixture = `Package: base-files
Essential: yes
Status: install ok installed
Priority: required
Section: admin
Installed-Size: 340
Maintainer: Santiago Vila <sanvila@debian.org>
Architecture: amd64
Multi-Arch: foreign
Version: 12.4+deb12u8
Replaces: base, dpkg (<= 1.15.0), miscutils
Provides: base
Pre-Depends: awk
Breaks: debian-security-support (<< 2019.04.25), initscripts (<< 2.88dsf-13.3), sendfile (<< 2.1b.20080616-5.2~)
Conffiles:
 /etc/debian_version 7a85db7b8e37e2a4ca5e1d0c5db4e91a
 /etc/dpkg/origins/debian 731423fa8ba067262f8ef37882d1e742
 /etc/host.conf 4eb63731c9f5e30903ac4fc07a7fe3d6
Description: Debian base system miscellaneous files
 This package contains the basic filesystem hierarchy of a Debian system, and
 several important miscellaneous files, such as /etc/debian_version,
 /etc/host.conf, /etc/issue, /etc/motd, /etc/profile, and others,
 and the text of several common licenses in use on Debian systems.
Homepage: https://tracker.debian.org/pkg/base-files

Package: libc6
Status: install ok installed
Priority: optional
Section: libs
Installed-Size: 13001
Maintainer: GNU Libc Maintainers <debian-glibc@lists.debian.org>
Architecture: amd64
Multi-Arch: same
Source: glibc
Version: 2.36-9+deb12u9
Replaces: libc6-amd64
Depends: libgcc-s1
Recommends: libidn2-0 (>= 2.0.5~)
Suggests: glibc-doc, debconf | debconf-2.0, libc-l10n, locales, libnss-nis, libnss-nisplus
Conffiles:
 /etc/ld.so.conf.d/x86_64-linux-gnu.conf d4e7a7b88a71b5ffd9e2644e71a0cfab
Description: GNU C Library: Shared libraries
 Contains the standard libraries that are used by nearly all programs on
 the system.
 .
 This package includes shared versions of the standard C library.

Package: libexpat1
Status: install ok installed
Priority: optional
Section: libs
Installed-Size: 421
Maintainer: Laszlo Boszormenyi (GCS) <gcs@debian.org>
Architecture: amd64
Multi-Arch: same
Source: expat (2.5.0-1+deb12u1)
Version: 2.5.0-1+deb12u1+b1
Depends: libc6 (>= 2.34)
Description: XML parsing C library - runtime library
 This package contains the runtime, shared library of expat.

Package: rsyslog
Status: deinstall ok config-files
Priority: optional
Section: admin
Installed-Size: 1895
Maintainer: Michael Biebl <biebl@debian.org>
Architecture: amd64
Version: 8.2302.0-1
Conffiles:
 /etc/logrotate.d/rsyslog 49e5e5e5c31b2a0f3f5b9c6e0e8c1b4a
 /etc/rsyslog.conf 9cdba1e8e2dd5e8e9f6d1a1e4a7d6f0e
Description: reliable system and kernel logging daemon
 Rsyslog is a multi-threaded implementation of syslogd.

Package: debconf
Status: install ok installed
Priority: important
Section: admin
Installed-Size: 512
Maintainer: Debconf Developers <debconf-devel@lists.alioth.debian.org>
Architecture: all
Multi-Arch: foreign
Version: 1.5.82
Replaces: debconf-tiny
Provides: debconf-2.0
Pre-Depends: perl-base (>= 5.20.1-3~)
Depends: debconf-i18n | debconf-english,
 perl:any,
 libc6 (>= 2.34) [amd64], libc6 (>= 2.17) <!stage1>
Description: Debian configuration management system
 Debconf is a configuration management system for debian packages.

package: half
status: install reinstreq half-installed
version: 1.0
architecture: arm64
`

func TestParseStatusFixture(t *testing.T) {
	pkgs, err := ParseStatus(strings.NewReader(statusFixture))
	if err != nil {
		t.Fatal(err)
	}
	want := []Package{
		{
			Name: "base-files", Version: "12.4+deb12u8", Arch: "amd64", Source: "base-files", SourceVersion: "12.4+deb12u8",
			Status: "install ok installed", Section: "admin", Priority: "required", MultiArch: "foreign", Essential: true,
			PreDepends: []string{"awk"}, Provides: []string{"base"}, Installed: true,
		},
		{
			Name: "libc6", Version: "2.36-9+deb12u9", Arch: "amd64", Source: "glibc", SourceVersion: "2.36-9+deb12u9",
			Status: "install ok installed", Section: "libs", Priority: "optional", MultiArch: "same",
			Depends: []string{"libgcc-s1"}, Installed: true,
		},
		{
			Name: "libexpat1", Version: "2.5.0-1+deb12u1+b1", Arch: "amd64", Source: "expat", SourceVersion: "2.5.0-1+deb12u1",
			Status: "install ok installed", Section: "libs", Priority: "optional", MultiArch: "same",
			Depends: []string{"libc6"}, Installed: true,
		},
		{
			Name: "rsyslog", Version: "8.2302.0-1", Arch: "amd64", Source: "rsyslog", SourceVersion: "8.2302.0-1",
			Status: "deinstall ok config-files", Section: "admin", Priority: "optional",
		},
		{
			Name: "debconf", Version: "1.5.82", Arch: "all", Source: "debconf", SourceVersion: "1.5.82",
			Status: "install ok installed", Section: "admin", Priority: "important", MultiArch: "foreign",
			Depends:    []string{"debconf-i18n", "debconf-english", "perl", "libc6"},
			PreDepends: []string{"perl-base"}, Provides: []string{"debconf-2.0"}, Installed: true,
		},
		{
			Name: "half", Version: "1.0", Arch: "arm64", Source: "half", SourceVersion: "1.0",
			Status: "install reinstreq half-installed",
		},
	}
	if len(pkgs) != len(want) {
		t.Fatalf("got %d packages, want %d: %+v", len(pkgs), len(want), pkgs)
	}
	for i := range want {
		if !reflect.DeepEqual(pkgs[i], want[i]) {
			t.Errorf("package %d\n got %#v\nwant %#v", i, pkgs[i], want[i])
		}
	}
}

// A distroless status.d file: no Status field, so installed.
func TestParseStatusD(t *testing.T) {
	in := `Package: libssl3
Version: 3.0.15-1~deb12u1
Architecture: amd64
Maintainer: Debian OpenSSL Team <pkg-openssl-devel@alioth-lists.debian.net>
Installed-Size: 6320
Depends: libc6 (>= 2.34)
Section: libs
Priority: optional
Multi-Arch: same
Homepage: https://www.openssl.org/
Description: Secure Sockets Layer toolkit - shared libraries
 This package is part of the OpenSSL project's implementation of the SSL
 and TLS cryptographic protocols for secure communication over the
 Internet.
Source: openssl
`
	pkgs, err := ParseStatus(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []Package{{
		Name: "libssl3", Version: "3.0.15-1~deb12u1", Arch: "amd64", Source: "openssl", SourceVersion: "3.0.15-1~deb12u1",
		Section: "libs", Priority: "optional", MultiArch: "same", Depends: []string{"libc6"}, Installed: true,
	}}
	if !reflect.DeepEqual(pkgs, want) {
		t.Fatalf("got  %#v\nwant %#v", pkgs, want)
	}
}

func TestIsInstalled(t *testing.T) {
	for status, want := range map[string]bool{
		"":                                 true,
		"install ok installed":             true,
		"hold ok installed":                true,
		"deinstall ok config-files":        false,
		"purge ok not-installed":           false,
		"install ok unpacked":              false,
		"install ok half-configured":       false,
		"install ok triggers-pending":      false,
		"install reinstreq half-installed": false,
		"installed":                        false,
	} {
		if got := isInstalled(status); got != want {
			t.Errorf("isInstalled(%q) = %v", status, got)
		}
	}
}

func TestRelationNames(t *testing.T) {
	for in, want := range map[string][]string{
		"":                                    nil,
		"libc6 (>= 2.34), libc6 (<< 2.37)":    {"libc6"},
		"debconf (>= 0.5) | debconf-2.0":      {"debconf", "debconf-2.0"},
		"perl:any, python3:native (>= 3.11)":  {"perl", "python3"},
		"foo [amd64 arm64], bar <!nocheck>":   {"foo", "bar"},
		"a,,b , | c":                          {"a", "b", "c"},
		"libc6(>=2.34)":                       {"libc6"},
		"  spaced\t(= 1)  ,\n\tnewline (= 2)": {"spaced", "newline"},
	} {
		if got := relationNames(in); !reflect.DeepEqual(got, want) {
			t.Errorf("relationNames(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDamagedInput(t *testing.T) {
	in := "Package: a\r\nVersion: 1\r\n\r\n" + // CRLF
		" orphan continuation\n" + // continuation without a field
		"no colon here\n:empty name\nPackage: b\nPackage: ignored-duplicate\nVersion: 2\n" +
		"Description: " + strings.Repeat("x", maxLine+5) + "\n continued after an overlong line\n" +
		"Depends: c\n\t\n" + // tab-only separator line
		"Version: 3\n\n" + // no Package: dropped
		"Package: tail" // no final newline
	pkgs, err := ParseStatus(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range pkgs {
		names = append(names, p.Name+"="+p.Version+"/"+strings.Join(p.Depends, ","))
	}
	want := []string{"a=1/", "b=2/c", "tail=/"}
	if !reflect.DeepEqual(names, want) {
		t.Fatalf("got %q want %q", names, want)
	}
}

func TestFieldCapped(t *testing.T) {
	var b strings.Builder
	b.WriteString("Package: big\nDepends: a\n")
	line := " , " + strings.Repeat("x", 1000) + "\n"
	for b.Len() < 2*maxField {
		b.WriteString(line)
	}
	pkgs, err := ParseStatus(strings.NewReader(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	if len(pkgs) != 1 || len(pkgs[0].Depends) != 2 {
		t.Fatalf("got %+v", pkgs)
	}
}

func TestListCapped(t *testing.T) {
	var b strings.Builder
	b.WriteString("Package: p\nDepends: ")
	for i := range maxList + 10 {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("d" + strconv.Itoa(i))
	}
	pkgs, err := ParseStatus(strings.NewReader(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	if got := len(pkgs[0].Depends); got != maxList {
		t.Fatalf("len = %d", got)
	}
}

func TestTooManyPackages(t *testing.T) {
	pkgs, err := ParseStatus(strings.NewReader(strings.Repeat("Package: p\n\n", MaxPackages+3)))
	if !errors.Is(err, ErrTooLarge) || len(pkgs) != MaxPackages {
		t.Fatalf("err %v, %d packages", err, len(pkgs))
	}
}

func TestReadError(t *testing.T) {
	boom := errors.New("boom")
	pkgs, err := ParseStatus(io.MultiReader(strings.NewReader("Package: a\n\nPackage: b\n"), iotest.ErrReader(boom)))
	if !errors.Is(err, boom) || len(pkgs) != 2 {
		t.Fatalf("err %v, %+v", err, pkgs)
	}
	var got []string
	ParseFileList(io.MultiReader(strings.NewReader("/x\n/y"), iotest.ErrReader(boom)), func(p string) { got = append(got, p) })
	if !reflect.DeepEqual(got, []string{"/x", "/y"}) {
		t.Fatalf("ParseFileList before the error: %q", got)
	}
}

func TestParseFileList(t *testing.T) {
	in := "/.\n/bin\n/bin/ls\n\n/usr/share/doc/with space\r\n/" + strings.Repeat("x", maxPath) + "\n/usr/lib/last"
	var got []string
	ParseFileList(strings.NewReader(in), func(p string) { got = append(got, p) })
	want := []string{"/bin", "/bin/ls", "/usr/share/doc/with space", "/usr/lib/last"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %q want %q", got, want)
	}
}

func TestJSON(t *testing.T) {
	b, err := json.Marshal(Package{Name: "a", Version: "1", Installed: true})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(b), `{"name":"a","version":"1","essential":false,"installed":true}`; got != want {
		t.Fatalf("got %s want %s", got, want)
	}
}

// The machine running the tests is Debian in CI: its own database is a
// large real sample. Only invariants are checked because it changes.
func TestHostStatus(t *testing.T) {
	data, err := os.ReadFile("/var/lib/dpkg/status")
	if err != nil {
		t.Skip("no /var/lib/dpkg/status on this machine")
	}
	pkgs, err := ParseStatus(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if want := bytes.Count(data, []byte("\nPackage: ")) + boolInt(bytes.HasPrefix(data, []byte("Package: "))); len(pkgs) != want {
		t.Fatalf("parsed %d packages, file has %d", len(pkgs), want)
	}
	byName := map[string]Package{}
	for _, p := range pkgs {
		if p.Version == "" || p.Arch == "" || p.Status == "" || p.Source == "" || p.SourceVersion == "" {
			t.Errorf("incomplete %+v", p)
		}
		for _, d := range append(append([]string{}, p.Depends...), p.PreDepends...) {
			if d == "" || strings.ContainsAny(d, " (),|:[<") {
				t.Errorf("%s: bad dependency name %q", p.Name, d)
			}
		}
		byName[p.Name] = p
	}
	libc := byName["libc6"]
	if libc.Source != "glibc" || !libc.Installed || libc.MultiArch != "same" {
		t.Errorf("libc6 = %+v", libc)
	}
	if dpkg := byName["dpkg"]; !dpkg.Essential || !dpkg.Installed {
		t.Errorf("dpkg = %+v", dpkg)
	}
	t.Logf("%d packages on this host", len(pkgs))

	list, err := os.Open(filepath.Join("/var/lib/dpkg/info", "libc6:"+libc.Arch+".list"))
	if err != nil {
		t.Logf("no libc6 file list: %v", err)
		return
	}
	defer list.Close()
	var paths []string
	ParseFileList(list, func(p string) { paths = append(paths, p) })
	found := false
	for _, p := range paths {
		if !strings.HasPrefix(p, "/") || p == "/." {
			t.Errorf("bad path %q", p)
		}
		found = found || strings.HasSuffix(p, "/libc.so.6")
	}
	if !found {
		t.Errorf("libc6 list (%d paths) lacks libc.so.6", len(paths))
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func FuzzParseStatus(f *testing.F) {
	f.Add([]byte(statusFixture))
	f.Add([]byte("Package: a\nDepends: b (>= 1) | c:any [x] <y>, d\n e\n\nPackage: f\nStatus: x y installed\n"))
	if data, err := os.ReadFile("/var/lib/dpkg/status"); err == nil {
		// The first few paragraphs: the whole file is too big to mutate
		// quickly.
		if len(data) > 16<<10 {
			data = data[:16<<10]
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		pkgs, err := ParseStatus(bytes.NewReader(data))
		if err != nil && !errors.Is(err, ErrTooLarge) {
			t.Fatalf("unexpected error %v", err)
		}
		for _, p := range pkgs {
			if p.Name == "" {
				t.Fatal("package without a name")
			}
			if p.Installed != isInstalled(p.Status) {
				t.Fatal("Installed disagrees with Status")
			}
			seen := map[string]bool{}
			for _, d := range p.Depends {
				if d == "" || seen[d] || strings.ContainsAny(d, " \t\n,|([<:") {
					t.Fatalf("bad dependency %q in %q", d, p.Depends)
				}
				seen[d] = true
			}
		}
		ParseFileList(bytes.NewReader(data), func(p string) {
			if p == "" || p == "/." || strings.Contains(p, "\n") {
				t.Fatalf("bad path %q", p)
			}
		})
	})
}
