package elfinfo

import (
	"archive/tar"
	"bufio"
	"bytes"
	"compress/gzip"
	"debug/elf"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

const shared = "../../../../shared"

func sharedPath(t testing.TB, rel string) string {
	t.Helper()
	p := filepath.Join(shared, rel)
	if _, err := os.Stat(p); errors.Is(err, os.ErrNotExist) {
		t.Skip("../shared not found: real-image fixtures skipped")
	}
	return p
}

// layerBlob returns the path of the single layer of an OCI image layout.
func layerBlob(t testing.TB, layout string) string {
	t.Helper()
	blob := func(digest string) string {
		return filepath.Join(layout, "blobs", "sha256", strings.TrimPrefix(digest, "sha256:"))
	}
	var index struct {
		Manifests []struct{ Digest string } `json:"manifests"`
	}
	var manifest struct {
		Layers []struct{ Digest string } `json:"layers"`
	}
	readJSON := func(p string, v any) {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, v); err != nil {
			t.Fatal(err)
		}
	}
	readJSON(filepath.Join(layout, "index.json"), &index)
	if len(index.Manifests) != 1 {
		t.Fatalf("%s: %d manifests", layout, len(index.Manifests))
	}
	readJSON(blob(index.Manifests[0].Digest), &manifest)
	if len(manifest.Layers) != 1 {
		t.Fatalf("%s: %d layers", layout, len(manifest.Layers))
	}
	return blob(manifest.Layers[0].Digest)
}

// streamed is one ELF file of a layer: what Read returned while streaming
// it from the tar reader, and the file's full bytes for the cross-check.
type streamed struct {
	name     string
	data     []byte
	info     *Info
	err      error
	consumed int64
}

// streamLayer walks a gzipped tar the way the image scanner does: for each
// regular file it peeks at the magic, hands the tar reader itself to Read,
// then drains the rest. A tee keeps the full bytes for debug/elf.
func streamLayer(t testing.TB, tarGz string, opts Options) []streamed {
	t.Helper()
	f, err := os.Open(tarGz)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	var out []streamed
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		if h.Typeflag != tar.TypeReg {
			continue
		}
		var full bytes.Buffer
		counter := &countingReader{r: io.TeeReader(tr, &full)}
		br := bufio.NewReaderSize(counter, 16)
		magic, _ := br.Peek(4)
		if !IsELF(magic) {
			continue
		}
		info, rerr := Read(br, h.Size, opts)
		// bufio may have read ahead a little beyond what Read asked for.
		consumed := counter.n - int64(br.Buffered())
		if _, err := io.Copy(io.Discard, br); err != nil {
			t.Fatal(err)
		}
		out = append(out, streamed{
			name: path.Clean(strings.TrimPrefix(h.Name, "./")), data: full.Bytes(),
			info: info, err: rerr, consumed: consumed,
		})
	}
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// reference is what debug/elf reports from the full bytes.
type reference struct {
	interp, soname  string
	needed          []string
	runpath, rpath  []string
	class           int
	machine         elf.Machine
	typ             elf.Type
	hasDynamic      bool
	hasInterpHeader bool
}

func referenceOf(t testing.TB, data []byte) reference {
	t.Helper()
	f, err := elf.NewFile(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("debug/elf: %v", err)
	}
	ref := reference{machine: f.Machine, typ: f.Type, class: 32}
	if f.Class == elf.ELFCLASS64 {
		ref.class = 64
	}
	for _, p := range f.Progs {
		switch p.Type {
		case elf.PT_INTERP:
			if !ref.hasInterpHeader {
				b, err := io.ReadAll(p.Open())
				if err != nil {
					t.Fatal(err)
				}
				ref.interp = string(bytes.TrimRight(b, "\x00"))
				ref.hasInterpHeader = true
			}
		case elf.PT_DYNAMIC:
			ref.hasDynamic = true
		}
	}
	if ref.hasDynamic {
		if ref.needed, err = f.ImportedLibraries(); err != nil {
			t.Fatalf("ImportedLibraries: %v", err)
		}
		one := func(tag elf.DynTag) []string {
			v, err := f.DynString(tag)
			if err != nil {
				t.Fatalf("DynString(%v): %v", tag, err)
			}
			return v
		}
		if s := one(elf.DT_SONAME); len(s) > 0 {
			ref.soname = s[0]
		}
		for _, s := range one(elf.DT_RUNPATH) {
			ref.runpath = append(ref.runpath, strings.Split(s, ":")...)
		}
		for _, s := range one(elf.DT_RPATH) {
			ref.rpath = append(ref.rpath, strings.Split(s, ":")...)
		}
	}
	return ref
}

// crossCheck compares a streamed result with debug/elf on the full bytes.
// A result marked NeededIncomplete may lack dynamic strings but must never
// contradict the reference.
func crossCheck(t *testing.T, s streamed) {
	t.Helper()
	if s.err != nil {
		t.Errorf("%s: %v", s.name, s.err)
		return
	}
	ref := referenceOf(t, s.data)
	got := s.info
	if got.Class != ref.class || got.Type != typeName(ref.typ) || got.Machine != "x86_64" || ref.machine != elf.EM_X86_64 {
		t.Errorf("%s: class %d type %s machine %s; debug/elf %d %v %v", s.name, got.Class, got.Type, got.Machine, ref.class, ref.typ, ref.machine)
	}
	if got.Interpreter != ref.interp {
		t.Errorf("%s: interpreter %q, debug/elf %q", s.name, got.Interpreter, ref.interp)
	}
	if got.NeededIncomplete {
		for _, n := range got.Needed {
			if !slices.Contains(ref.needed, n) {
				t.Errorf("%s: incomplete Needed has %q, not in %q", s.name, n, ref.needed)
			}
		}
		if got.Static {
			t.Errorf("%s: Static although incomplete", s.name)
		}
		return
	}
	if !slices.Equal(got.Needed, ref.needed) {
		t.Errorf("%s: needed %q, debug/elf %q", s.name, got.Needed, ref.needed)
	}
	if got.Soname != ref.soname || !slices.Equal(got.RunPath, ref.runpath) || !slices.Equal(got.RPath, ref.rpath) {
		t.Errorf("%s: soname %q runpath %q rpath %q; debug/elf %q %q %q",
			s.name, got.Soname, got.RunPath, got.RPath, ref.soname, ref.runpath, ref.rpath)
	}
	if wantStatic := !ref.hasInterpHeader && len(ref.needed) == 0 && !got.SharedLib; got.Static != wantStatic {
		t.Errorf("%s: static %v", s.name, got.Static)
	}
	if got.SharedLib && got.PIE {
		t.Errorf("%s: both shared library and PIE", s.name)
	}
}

func byName(t *testing.T, files []streamed, name string) streamed {
	t.Helper()
	for _, f := range files {
		if f.name == name {
			return f
		}
	}
	t.Fatalf("%s not found among the ELF files", name)
	return streamed{}
}

// checkFields compares the fields a test cares about; zero fields in want
// other than the booleans are ignored.
func checkFields(t *testing.T, s streamed, want Info) {
	t.Helper()
	if s.err != nil {
		t.Fatalf("%s: %v", s.name, s.err)
	}
	got := *s.info
	if want.Class == 0 {
		want.Class, want.Machine = 64, "x86_64"
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s:\n got %+v\nwant %+v", s.name, got, want)
	}
}

func TestAlpineMinirootfs(t *testing.T) {
	files := streamLayer(t, sharedPath(t, "rootfs/alpine-minirootfs-3.20.3-x86_64.tar.gz"), Options{})
	checkFields(t, byName(t, files, "bin/busybox"), Info{
		Type: "dyn", Interpreter: "/lib/ld-musl-x86_64.so.1", Needed: []string{"libc.musl-x86_64.so.1"},
		PIE: true, RELRO: true, BindNow: true,
	})
	checkFields(t, byName(t, files, "lib/ld-musl-x86_64.so.1"), Info{
		Type: "dyn", Soname: "libc.musl-x86_64.so.1", SharedLib: true, RELRO: true, BindNow: true,
	})
	// libcrypto's dynamic section lies beyond the default 2 MiB prefix,
	// its .dynstr well inside it: the case the prefix exists for.
	crypto := byName(t, files, "lib/libcrypto.so.3")
	checkFields(t, crypto, Info{
		Type: "dyn", Needed: []string{"libc.musl-x86_64.so.1"}, Soname: "libcrypto.so.3", SharedLib: true,
		RELRO: true, BindNow: true,
	})
	// A plugin: no soname, no needed libraries, no interpreter.
	checkFields(t, byName(t, files, "usr/lib/engines-3/capi.so"), Info{
		Type: "dyn", SharedLib: true, RELRO: true, BindNow: true,
	})
	for _, f := range files {
		crossCheck(t, f)
		// Read stops at the end of the last region it needs.
		if f.consumed >= int64(len(f.data)) && len(f.data) > 64<<10 {
			t.Errorf("%s: read all %d bytes", f.name, f.consumed)
		}
	}
	if len(files) < 10 {
		t.Fatalf("only %d ELF files", len(files))
	}
	if c := crypto.consumed; c < 2<<20 || c >= int64(len(crypto.data)) {
		t.Errorf("libcrypto: consumed %d of %d", c, len(crypto.data))
	}
	t.Logf("%d ELF files cross-checked", len(files))
}

func TestBusyboxGlibc(t *testing.T) {
	files := streamLayer(t, layerBlob(t, sharedPath(t, "images/busybox-glibc")), Options{})
	bb := byName(t, files, "bin/[")
	checkFields(t, bb, Info{
		Type: "dyn", Interpreter: "/lib64/ld-linux-x86-64.so.2",
		Needed: []string{"libm.so.6", "libresolv.so.2", "libc.so.6"}, PIE: true, RELRO: true,
	})
	// libc.so.6 can be run, so it has an interpreter, and it is a library.
	checkFields(t, byName(t, files, "lib/libc.so.6"), Info{
		Type: "dyn", Interpreter: "/lib64/ld-linux-x86-64.so.2", Needed: []string{"ld-linux-x86-64.so.2"},
		Soname: "libc.so.6", SharedLib: true, RELRO: true, BindNow: true,
	})
	checkFields(t, byName(t, files, "lib/ld-linux-x86-64.so.2"), Info{
		Type: "dyn", Soname: "ld-linux-x86-64.so.2", SharedLib: true, RELRO: true, BindNow: true,
	})
	for _, f := range files {
		crossCheck(t, f)
	}
	t.Logf("%d ELF files cross-checked", len(files))
}

func TestBusyboxMusl(t *testing.T) {
	files := streamLayer(t, layerBlob(t, sharedPath(t, "images/busybox-musl")), Options{})
	// static-pie: PT_DYNAMIC for self-relocation, no interpreter, nothing
	// needed.
	checkFields(t, byName(t, files, "bin/["), Info{Type: "dyn", Static: true, PIE: true, RELRO: true, BindNow: true})
	for _, f := range files {
		crossCheck(t, f)
	}
}

// With a small prefix, the string tables of most files are passed before
// their dynamic sections are reached. Results must then be marked
// incomplete rather than wrong, and files whose tables are still ahead or
// kept must stay exact.
func TestSmallPrefixIsHonest(t *testing.T) {
	var files []streamed
	for _, p := range []string{
		sharedPath(t, "rootfs/alpine-minirootfs-3.20.3-x86_64.tar.gz"),
		layerBlob(t, sharedPath(t, "images/busybox-glibc")),
	} {
		files = append(files, streamLayer(t, p, Options{PrefixBytes: 4096})...)
	}
	incomplete := 0
	for _, f := range files {
		crossCheck(t, f)
		if f.info != nil && f.info.NeededIncomplete {
			incomplete++
		}
	}
	if incomplete == 0 {
		t.Fatal("no file marked incomplete with a 4 KiB prefix")
	}
	t.Logf("%d of %d files incomplete with a 4 KiB prefix", incomplete, len(files))

	crypto := byName(t, files, "lib/libcrypto.so.3")
	if !crypto.info.NeededIncomplete || crypto.info.Needed != nil || crypto.info.Static {
		t.Errorf("libcrypto with 4 KiB prefix: %+v", crypto.info)
	}
}

// The host's own /bin/ls: glibc, PIE, usually linked against libselinux.
func TestHostBinary(t *testing.T) {
	for _, p := range []string{"/bin/ls", "/usr/bin/true"} {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Logf("%s: %v", p, err)
			continue
		}
		f, err := elf.NewFile(bytes.NewReader(data))
		if err != nil || f.Machine != elf.EM_X86_64 {
			t.Logf("%s: not an x86-64 ELF file", p)
			continue
		}
		info, err := Read(onlyReader{bytes.NewReader(data)}, int64(len(data)), Options{})
		s := streamed{name: p, data: data, info: info, err: err}
		crossCheck(t, s)
		if err == nil && (info.Interpreter == "" || !slices.Contains(info.Needed, "libc.so.6")) {
			t.Errorf("%s: %+v", p, info)
		}
		t.Logf("%s: %+v", p, info)
	}
}

// onlyReader hides every method but Read, so that Read cannot seek.
type onlyReader struct{ r io.Reader }

func (o onlyReader) Read(p []byte) (int, error) { return o.r.Read(p) }
