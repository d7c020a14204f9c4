package source

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// zeroMember is one gzip member holding 64 MiB of zeros, about 64 KiB
// compressed. gzip readers read concatenated members as one stream, so n
// copies make a bomb of n×64 MiB for n×64 KiB: generated in milliseconds,
// where compressing gigabytes would take the test seconds per gigabyte.
var zeroMember = func() []byte {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	_, _ = zw.Write(make([]byte, 64<<20))
	_ = zw.Close()
	return buf.Bytes()
}()

// gzipBomb is a gzip layer: one tar header declaring a file of n×64 MiB,
// then the zeros that fill it, then the end of the archive.
func gzipBomb(t testing.TB, n int) []byte {
	t.Helper()
	var hdr bytes.Buffer
	tw := tar.NewWriter(&hdr)
	if err := tw.WriteHeader(&tar.Header{Name: "zeros", Typeflag: tar.TypeReg, Mode: 0o644, Size: int64(n) << 26}); err != nil {
		t.Fatal(err)
	}
	out := gzipBytes(t, hdr.Bytes())
	for range n {
		out = append(out, zeroMember...)
	}
	return append(out, gzipBytes(t, make([]byte, 1024))...)
}

// bombArchive is a docker-archive of the given gzip layers with made-up diff_ids: the bomb is
// stopped before any digest could be checked.
func bombArchive(t testing.TB, layers ...[]byte) []byte {
	t.Helper()
	var ids []v1.Hash
	members := []member{}
	var names []string
	for i, l := range layers {
		ids = append(ids, mustHash(t, digestOf([]byte{byte(i)})))
		name := "l" + string(rune('0'+i)) + ".tar.gz"
		names = append(names, name)
		members = append(members, file(name, l))
	}
	cfg := mustJSON(t, v1.ConfigFile{OS: "linux", Architecture: "amd64", RootFS: v1.RootFS{Type: "layers", DiffIDs: ids}})
	members = append(members, file("config.json", cfg),
		file("manifest.json", mustJSON(t, []dockerEntry{{Config: "config.json", Layers: names}})))
	return tarOf(t, members...)
}

// countingLayers reads every layer to its end, counting bytes, as the walker does when it
// skips file content.
func countingLayers(ctx context.Context, img *Image) (int64, error) {
	var total int64
	_, err := ReadLayers(ctx, img, 2, func(_ context.Context, _ Layer, r io.Reader) (int64, error) {
		n, err := io.Copy(io.Discard, r)
		total += n
		return n, err
	})
	return total, err
}

func TestGzipBombStoppedAtLayerLimit(t *testing.T) {
	// Not parallel: it measures allocations, which other tests would add to.
	// 16 GiB of zeros in 16 MiB: the default limit would let it through (it is below 32 GiB and
	// would take the test a minute), so the test sets a small one.
	bomb := gzipBomb(t, 256)
	if len(bomb) > 20<<20 {
		t.Fatalf("bomb is %d bytes", len(bomb))
	}
	dir := t.TempDir()
	p := writeFile(t, filepath.Join(dir, "bomb.tar"), bombArchive(t, bomb))
	const limit = 256 << 20
	img := mustOpen(t, p, Options{MaxLayerBytes: limit})
	var (
		read int64
		err  error
		a, b runtime.MemStats
	)
	runtime.ReadMemStats(&a)
	read, err = countingLayers(context.Background(), img)
	runtime.ReadMemStats(&b)
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("err = %v, want ErrTooLarge", err)
	}
	var le *LayerError
	if !errors.As(err, &le) || le.Index != 0 {
		t.Errorf("err = %v, want a LayerError for layer 0", err)
	}
	wantContains(t, err, "layer 0 (", "the layer is more than 256 MiB uncompressed, over the limit")
	if strings.ContainsAny(err.Error(), "\n\r") {
		t.Errorf("error is not one line: %q", err)
	}
	if read > limit {
		t.Errorf("%d bytes were handed on, past the %d-byte limit", read, limit)
	}
	if alloc := b.TotalAlloc - a.TotalAlloc; alloc > 64<<20 {
		t.Errorf("reading the bomb allocated %d MiB", alloc>>20)
	}
}

func TestImageLimitSpansLayers(t *testing.T) {
	t.Parallel()
	// Three layers of 128 MiB each: every one is under the layer limit, together they are not.
	l := gzipBomb(t, 2)
	p := writeFile(t, filepath.Join(t.TempDir(), "three.tar"), bombArchive(t, l, l[:len(l):len(l)], append([]byte(nil), l...)))
	img := mustOpen(t, p, Options{MaxLayerBytes: 200 << 20, MaxImageBytes: 300 << 20})
	_, err := countingLayers(context.Background(), img)
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("err = %v, want ErrTooLarge", err)
	}
	wantContains(t, err, "the image's layers are more than 300 MiB uncompressed")

	// Each under both bounds: read to the end (and then rejected by the made-up diff_ids only
	// when verifying, which is off).
	img = mustOpen(t, p, Options{MaxLayerBytes: 200 << 20, MaxImageBytes: 400 << 20})
	if _, err := countingLayers(context.Background(), img); err != nil {
		t.Fatalf("under the limits: %v", err)
	}
	// Negative: no bound.
	img = mustOpen(t, p, Options{MaxLayerBytes: -1, MaxImageBytes: -1})
	if _, err := countingLayers(context.Background(), img); err != nil {
		t.Fatalf("unbounded: %v", err)
	}
}

// TestCompressedArchiveBomb: a gzipped archive is decompressed by Open to find its metadata; a
// bomb there is stopped by MaxImageBytes before any layer is read.
func TestCompressedArchiveBomb(t *testing.T) {
	t.Parallel()
	var hdr bytes.Buffer
	tw := tar.NewWriter(&hdr)
	if err := tw.WriteHeader(&tar.Header{Name: "blob", Typeflag: tar.TypeReg, Mode: 0o644, Size: 64 << 26}); err != nil {
		t.Fatal(err)
	}
	data := gzipBytes(t, hdr.Bytes())
	for range 64 {
		data = append(data, zeroMember...)
	}
	p := writeFile(t, filepath.Join(t.TempDir(), "bomb.tar.gz"), data)
	err := openErr(t, p, Options{MaxImageBytes: 128 << 20})
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("err = %v, want ErrTooLarge", err)
	}
	wantContains(t, err, "the archive is more than 128 MiB uncompressed")
}

func TestLimitDefaults(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ v, def, want int64 }{
		{0, DefaultMaxLayerBytes, DefaultMaxLayerBytes},
		{-1, DefaultMaxLayerBytes, -1},
		{-5, DefaultMaxImageBytes, -1},
		{10, DefaultMaxImageBytes, 10},
	} {
		if got := limitOf(c.v, c.def); got != c.want {
			t.Errorf("limitOf(%d) = %d, want %d", c.v, got, c.want)
		}
	}
	if DefaultMaxLayerBytes < 16<<30 || DefaultMaxImageBytes < 4*DefaultMaxLayerBytes {
		t.Error("the defaults must stay above real images (layers of up to ~15 GiB)")
	}
	// A real image read with the zero Options is not limited.
	fx := newFixture(t, "amd64", 3)
	p := writeFile(t, filepath.Join(t.TempDir(), "ok.tar"), dockerArchive(t, map[string]v1.Image{"app:1": fx.img}))
	checkImage(t, mustOpen(t, p, Options{}), fx)
	for _, c := range []struct {
		n    int64
		want string
	}{{32 << 30, "32 GiB"}, {1 << 40, "1 TiB"}, {1536 << 20, "1536 MiB"}, {1000, "1000 bytes"}} {
		if got := byteSize(c.n); got != c.want {
			t.Errorf("byteSize(%d) = %q, want %q", c.n, got, c.want)
		}
	}
}

// TestConfigDigestAlwaysChecked: the config is what every layer is trusted by, so a config that
// does not hash to the digest its name carries is refused without --verify-layers.
func TestConfigDigestAlwaysChecked(t *testing.T) {
	t.Parallel()
	fx := newFixture(t, "amd64", 1)
	dir := t.TempDir()
	archive := dockerArchive(t, map[string]v1.Image{"app:1": fx.img})
	rawCfg, err := fx.img.RawConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	evil := bytes.Replace(rawCfg, []byte(`"User":"app"`), []byte(`"User":"adm"`), 1)
	if bytes.Equal(evil, rawCfg) || len(evil) != len(rawCfg) {
		t.Fatal("the fixture config changed shape")
	}
	// Same length, so the tar structure is unchanged: only the content differs.
	tampered := bytes.Replace(archive, rawCfg, evil, 1)
	if bytes.Equal(tampered, archive) {
		t.Fatal("config not found in the archive")
	}
	p := writeFile(t, filepath.Join(dir, "tampered.tar"), tampered)
	err = openErr(t, p, Options{})
	wantContains(t, err, "does not match the digest in its name")
	p = writeFile(t, filepath.Join(dir, "tampered.tar.gz"), gzipBytes(t, tampered))
	wantContains(t, openErr(t, p, Options{}), "does not match the digest in its name")

	// Docker 25+ names the config blobs/sha256/<hex>.
	d25, _ := docker25Archive(t, fx, "app:1")
	p = writeFile(t, filepath.Join(dir, "d25.tar"), bytes.ReplaceAll(d25, rawCfg, evil))
	wantContains(t, openErr(t, p, Options{}), "does not match the digest in its name")

	// OCI layouts check every metadata blob against its descriptor.
	lay := filepath.Join(dir, "layout")
	ociLayout(t, lay, map[string]v1.Image{"1": fx.img})
	cfgName, err := fx.img.ConfigName()
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(lay, "blobs", "sha256", cfgName.Hex), evil)
	wantContains(t, openErr(t, lay, Options{}), "does not match its digest")

	// A hand-made archive whose config name carries no digest is accepted.
	cfgOK := writeFile(t, filepath.Join(dir, "plain-name.tar"), tarOf(t,
		file("config.json", rawCfg), file("l0.tar", fx.tars[0]),
		file("manifest.json", mustJSON(t, []dockerEntry{{Config: "config.json", Layers: []string{"l0.tar"}}}))))
	mustOpen(t, cfgOK, Options{})
}

// TestEnormousConfig: a config far larger than any real one is refused before it is parsed, and
// reading it costs no more than the cap.
func TestEnormousConfig(t *testing.T) {
	// Not parallel: it measures allocations, which other tests would add to.
	fx := newFixture(t, "amd64", 1)
	// 64 MiB of JSON: a valid config with a huge label.
	huge := mustJSON(t, v1.ConfigFile{OS: "linux", Architecture: "amd64",
		Config: v1.Config{Labels: map[string]string{"x": strings.Repeat("a", 64<<20)}},
		RootFS: v1.RootFS{Type: "layers", DiffIDs: []v1.Hash{mustHash(t, digestOf(fx.tars[0]))}}})
	archive := tarOf(t, file("config.json", huge), file("l0.tar", fx.tars[0]),
		file("manifest.json", mustJSON(t, []dockerEntry{{Config: "config.json", Layers: []string{"l0.tar"}}})))
	dir := t.TempDir()
	for _, p := range []string{
		writeFile(t, filepath.Join(dir, "huge.tar"), archive),
		writeFile(t, filepath.Join(dir, "huge.tar.gz"), gzipBytes(t, archive)),
	} {
		var a, b runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&a)
		err := openErr(t, p, Options{})
		runtime.ReadMemStats(&b)
		wantContains(t, err, "config")
		if !strings.Contains(err.Error(), "too large for image metadata") && !strings.Contains(err.Error(), "larger than") {
			t.Errorf("%s: error %q does not say the config is too large", p, err)
		}
		// The tar and gzip readers stream; only the capped config read allocates much.
		if alloc := b.TotalAlloc - a.TotalAlloc; alloc > 48<<20 {
			t.Errorf("%s: opening allocated %d MiB for a 64 MiB config capped at 8 MiB", p, alloc>>20)
		}
	}
}
