package walk

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"
)

// chunk is one data region of a sparse file.
type chunk struct {
	off  int64
	data []byte
}

// gnuSparse builds an old-GNU sparse tar member ('S') by hand: archive/tar
// reads sparse files but cannot write them. realSize is the logical size,
// holes included; only the chunks are stored.
func gnuSparse(t testing.TB, name string, realSize int64, chunks ...chunk) []byte {
	t.Helper()
	if len(chunks) > 4 {
		t.Fatal("the header holds four sparse entries")
	}
	hdr := make([]byte, 512)
	copy(hdr[0:100], name)
	octal := func(b []byte, v int64) { copy(b, fmt.Sprintf("%0*o", len(b)-1, v)) }
	base256 := func(b []byte, v int64) {
		clear(b)
		binary.BigEndian.PutUint64(b[len(b)-8:], uint64(v))
		b[0] |= 0x80
	}
	var phys int64
	for _, c := range chunks {
		phys += int64(len(c.data))
	}
	octal(hdr[100:108], 0o755)
	octal(hdr[108:116], 0)
	octal(hdr[116:124], 0)
	base256(hdr[124:136], phys)
	octal(hdr[136:148], 0)
	hdr[156] = tar.TypeGNUSparse
	copy(hdr[257:265], "ustar  \x00")
	for i, c := range chunks {
		e := hdr[386+24*i:]
		base256(e[0:12], c.off)
		base256(e[12:24], int64(len(c.data)))
	}
	base256(hdr[483:495], realSize)
	copy(hdr[148:156], "        ")
	var sum int64
	for _, b := range hdr {
		sum += int64(b)
	}
	copy(hdr[148:156], fmt.Sprintf("%06o\x00 ", sum))
	var out bytes.Buffer
	out.Write(hdr)
	for _, c := range chunks {
		out.Write(c.data)
	}
	if pad := phys % 512; pad != 0 {
		out.Write(make([]byte, 512-pad))
	}
	return out.Bytes()
}

// endOfArchive is the two zero blocks that end a tar.
var endOfArchive = make([]byte, 1024)

// elfPointingAt is a 64-bit little-endian ELF header whose program headers
// lie at off: a parser reading forward must skip to there.
func elfPointingAt(off int64) []byte {
	h := make([]byte, 64)
	copy(h, "\x7fELF\x02\x01\x01")
	binary.LittleEndian.PutUint16(h[16:], 3)  // ET_DYN
	binary.LittleEndian.PutUint16(h[18:], 62) // EM_X86_64
	binary.LittleEndian.PutUint32(h[20:], 1)
	binary.LittleEndian.PutUint64(h[32:], uint64(off)) // e_phoff
	binary.LittleEndian.PutUint16(h[52:], 64)          // e_ehsize
	binary.LittleEndian.PutUint16(h[54:], 56)          // e_phentsize
	binary.LittleEndian.PutUint16(h[56:], 1)           // e_phnum
	return h
}

// within runs fn and fails the test when it has not returned after d: a
// generous bound meant to catch reading gigabytes, not to time the code.
func within(t *testing.T, d time.Duration, fn func()) {
	t.Helper()
	done := make(chan struct{})
	go func() { defer close(done); fn() }()
	select {
	case <-done:
	case <-time.After(d):
		t.Fatalf("still running after %v", d)
	}
}

// allocated reports the bytes allocated by fn.
func allocated(fn func()) uint64 {
	var a, b runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&a)
	fn()
	runtime.ReadMemStats(&b)
	return b.TotalAlloc - a.TotalAlloc
}

// TestSparseFilesAreNotReadThroughTheirHoles: a 10 GB sparse file is 1 KiB
// in the stream and 10 GB of zeros to whoever reads it. Nothing may read
// past the read cap: not the secret scan, not the capture, not the ELF
// reader following a header that points at the end.
func TestSparseFilesAreNotReadThroughTheirHoles(t *testing.T) {
	t.Parallel()
	const tenGB = 10 << 30
	text := []byte("#!/bin/sh\necho hello\n")
	var layer bytes.Buffer
	layer.Write(gnuSparse(t, "data/disk.img", tenGB, chunk{0, text}, chunk{tenGB - 512, []byte("tail")}))
	var lines bytes.Buffer
	for i := 0; lines.Len() < 2<<20; i++ {
		fmt.Fprintf(&lines, "line %d\n", i)
	}
	layer.Write(gnuSparse(t, "data/notes.txt", tenGB, chunk{0, lines.Bytes()}))
	// Following holes runs at memory speed (10 GB in about 0.3 s here); an ELF
	// of a petabyte whose program headers are at its end would take hours.
	layer.Write(gnuSparse(t, "usr/bin/huge", 1<<50, chunk{0, elfPointingAt(1<<50 - 4096)}))
	// A petabyte: reading through it would not end before the test's deadline.
	layer.Write(gnuSparse(t, "data/pb.img", 1<<50, chunk{0, []byte("x")}))
	layer.Write(tarOf(t, file("etc/after", "still read")))
	raw := layer.Bytes()
	if len(raw) > 3<<20 {
		t.Fatalf("the hostile layer is %d bytes; the point is that it is small", len(raw))
	}
	sc := &recScanner{got: map[string]string{}, truncated: map[string]bool{}, skip: "/nothing/"}
	opts := Options{ELF: true, Scan: sc, MaxFileBytes: 1 << 20,
		Capture: func(p string, _ int64) bool { return p == "/data/pb.img" }}
	var l *Layer
	var err error
	alloc := allocated(func() {
		within(t, 60*time.Second, func() { l, err = ReadLayer(context.Background(), 0, bytes.NewReader(raw), opts) })
	})
	if err != nil {
		t.Fatal(err)
	}
	if alloc > 64<<20 {
		t.Errorf("reading a 2 MiB layer allocated %d MiB", alloc>>20)
	}
	got := map[string]*Entry{}
	for _, e := range l.Entries {
		got[e.Path] = e
	}
	if e := got["/data/disk.img"]; e == nil || e.Size != tenGB || e.Type != File {
		t.Fatalf("disk.img: %+v", e)
	}
	if _, ok := sc.got["/data/disk.img"]; ok {
		t.Error("disk.img (text, then zeros) was scanned; its zeros make it binary")
	}
	if s := sc.got["/data/notes.txt"]; !strings.HasPrefix(s, "line 0\n") || len(s) != 1<<20 || !sc.truncated["/data/notes.txt"] {
		t.Errorf("notes.txt scanned %d bytes (truncated %v); want the first MiB", len(s), sc.truncated["/data/notes.txt"])
	}
	if e := got["/data/pb.img"]; e == nil || len(e.Content) != 1<<20 || !e.Truncated || e.Content[0] != 'x' {
		t.Errorf("pb.img capture: %d bytes, truncated %v", len(e.Content), e.Truncated)
	}
	if e := got["/usr/bin/huge"]; e == nil || e.ELF != nil {
		t.Errorf("huge: the ELF headers beyond the cap were read: %+v", e)
	}
	if got["/etc/after"] == nil {
		t.Error("the entry after the sparse files is missing")
	}
	var reasons []string
	for _, s := range l.Skipped {
		if s.Path == "/usr/bin/huge" {
			reasons = append(reasons, s.Reason)
		}
	}
	if len(reasons) != 1 || !strings.Contains(reasons[0], "sparse") {
		t.Errorf("huge: skip reasons %q, want one naming the sparse file", reasons)
	}
}

// TestSparseELFWithinTheCapIsRead: the cap is not a ban; a small sparse
// ELF is parsed like any other.
func TestSparseELFWithinTheCapIsRead(t *testing.T) {
	t.Parallel()
	hdr := elfPointingAt(64)
	ph := make([]byte, 56) // PT_NULL
	layer := append(gnuSparse(t, "bin/small", 1<<16, chunk{0, append(hdr, ph...)}), endOfArchive...)
	l, err := ReadLayer(context.Background(), 0, bytes.NewReader(layer), Options{ELF: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Entries) != 1 || l.Entries[0].ELF == nil || l.Entries[0].Size != 1<<16 {
		t.Fatalf("entries %+v skipped %+v", l.Entries, l.Skipped)
	}
}

// entryStream yields a layer of n empty files without holding it: 512
// bytes of header per file, patched from one template so that making the
// stream costs little next to reading it.
func entryStream(t testing.TB, n int) io.Reader {
	t.Helper()
	var tmpl bytes.Buffer
	tw := tar.NewWriter(&tmpl)
	if err := tw.WriteHeader(&tar.Header{Name: "d000/f0000000", Typeflag: tar.TypeReg, Mode: 0o644, Format: tar.FormatUSTAR}); err != nil {
		t.Fatal(err)
	}
	if err := tw.Flush(); err != nil {
		t.Fatal(err)
	}
	hdr := tmpl.Bytes()[:512]
	return &headerStream{tmpl: hdr, n: n}
}

type headerStream struct {
	tmpl []byte
	n, i int
	buf  []byte
}

func (h *headerStream) Read(p []byte) (int, error) {
	if len(h.buf) == 0 {
		if h.i > h.n {
			return 0, io.EOF
		}
		if h.i == h.n {
			h.buf = endOfArchive
		} else {
			b := append([]byte(nil), h.tmpl...)
			copy(b, fmt.Sprintf("d%03d/f%07d", h.i%1000, h.i))
			copy(b[148:156], "        ")
			var sum int
			for _, c := range b {
				sum += int(c)
			}
			copy(b[148:156], fmt.Sprintf("%06o\x00 ", sum))
			h.buf = b
		}
		h.i++
	}
	n := copy(p, h.buf)
	h.buf = h.buf[n:]
	return n, nil
}

// TestMillionFileLayerIsCapped: the entry cap stops a layer of a million
// tiny files after reading cap+1 headers, with memory to match.
func TestMillionFileLayerIsCapped(t *testing.T) {
	t.Parallel()
	var err error
	alloc := allocated(func() {
		_, err = ReadLayer(context.Background(), 0, entryStream(t, 1_000_000), Options{MaxEntries: 10_000})
	})
	if err == nil || !strings.Contains(err.Error(), "more than 10000 entries") {
		t.Fatalf("err = %v", err)
	}
	if alloc > 64<<20 {
		t.Errorf("stopping at 10,000 entries allocated %d MiB", alloc>>20)
	}
}

// TestManyFileLayerMemory measures what entries cost under the default
// cap, which accepts them: the bound docs/limits.md states (bytes retained
// per entry) is checked here. 250,000 entries keep the test at a few
// seconds; the cost is linear (a million measured 173 bytes per entry, as
// 250,000 do).
func TestManyFileLayerMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("reads a 128 MB tar stream")
	}
	const n = 250_000
	var (
		l      *Layer
		err    error
		before runtime.MemStats
		after  runtime.MemStats
	)
	runtime.GC()
	runtime.ReadMemStats(&before)
	within(t, 60*time.Second, func() { l, err = ReadLayer(context.Background(), 0, entryStream(t, n), Options{}) })
	runtime.GC()
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Entries) != n {
		t.Fatalf("%d entries", len(l.Entries))
	}
	retained := int64(after.HeapInuse) - int64(before.HeapInuse)
	perEntry := retained / n
	t.Logf("%d entries: %d MiB retained, %d bytes per entry, %d MiB allocated in all", n, retained>>20, perEntry, (after.TotalAlloc-before.TotalAlloc)>>20)
	if perEntry > 400 {
		t.Errorf("%d bytes retained per entry; docs/limits.md promises under 400", perEntry)
	}
	runtime.KeepAlive(l)
}

// alpineRootfs is the real Alpine minirootfs in ../shared, when present.
const alpineRootfs = "../../../../shared/rootfs/alpine-minirootfs-3.20.3-x86_64.tar.gz"

// fuzzSeeds are FuzzReadLayer's seeds beyond the hand-written ones: the
// hostile shapes of this file, and the first entries of the real Alpine
// minirootfs (its directories, busybox's ELF headers, symlinks, the apk
// database) re-tarred small enough to mutate quickly.
func fuzzSeeds(t testing.TB) [][]byte {
	seeds := [][]byte{
		append(gnuSparse(t, "bin/sparse", 1<<20, chunk{0, elfPointingAt(1<<20 - 4096)}), endOfArchive...),
		append(gnuSparse(t, "data/x", 1<<16, chunk{0, []byte("#!/bin/sh\n")}, chunk{1 << 15, []byte("tail")}), endOfArchive...),
		tarOf(t, file("../../etc/passwd", "x"), file("/abs/path", "y"), symlink("out", "/../../../etc/shadow"),
			symlink("l1", "l2"), symlink("l2", "l1"), hardlink("h", "missing/target"), whiteout("etc", "passwd")),
	}
	f, err := os.Open(alpineRootfs)
	if err != nil {
		return seeds
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(zr)
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for n := 0; n < 40; n++ {
		h, err := tr.Next()
		if err != nil {
			break
		}
		body, _ := io.ReadAll(io.LimitReader(tr, 4<<10))
		h.Size = int64(len(body))
		if h.Typeflag != tar.TypeReg {
			h.Size, body = 0, nil
		}
		if tw.WriteHeader(h) != nil {
			break
		}
		_, _ = tw.Write(body)
	}
	_ = tw.Close()
	return append(seeds, buf.Bytes())
}
