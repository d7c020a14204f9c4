package source

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	ggcrcomp "github.com/google/go-containerregistry/pkg/compression"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
	"github.com/klauspost/compress/zstd"
)

func TestDockerArchive(t *testing.T) {
	t.Parallel()
	fx := newFixture(t, "amd64", 3)
	p := writeFile(t, filepath.Join(t.TempDir(), "app.tar"), dockerArchive(t, map[string]v1.Image{"registry.example.com/team/app:1.4": fx.img}))

	for _, ref := range []string{p, "docker-archive:" + p, "docker-archive:" + p + ":registry.example.com/team/app:1.4"} {
		t.Run(ref[:min(len(ref), 20)], func(t *testing.T) {
			img := mustOpen(t, ref, Options{})
			if img.Transport != TransportDockerArchive || img.Name != ref || img.Ref != ref {
				t.Errorf("transport %q name %q", img.Transport, img.Name)
			}
			if img.Digest != "" {
				t.Errorf("a docker-archive has no manifest digest, got %q", img.Digest)
			}
			if img.Platform != "linux/amd64" {
				t.Errorf("platform = %q", img.Platform)
			}
			if img.random == nil {
				t.Error("a plain tar must be random-access")
			}
			for _, l := range img.Layers {
				if l.MediaType != string(types.DockerLayer) || l.Size <= 0 {
					t.Errorf("layer %+v: want a sniffed gzip media type and the blob size", l)
				}
			}
			checkImage(t, img, fx)
		})
	}
}

func TestDockerArchiveSeveralImages(t *testing.T) {
	t.Parallel()
	a, b := newFixture(t, "amd64", 2), newFixture(t, "arm64", 3)
	p := writeFile(t, filepath.Join(t.TempDir(), "two.tar"), dockerArchive(t, map[string]v1.Image{"app:1.0": a.img, "other/app:2.0": b.img}))

	err := openErr(t, p, Options{})
	wantContains(t, err, "holds 2 images", "docker-archive:PATH:REPO:TAG", "tags: app:1.0, other/app:2.0")

	img := mustOpen(t, "docker-archive:"+p+":other/app:2.0", Options{})
	checkImage(t, img, b)
	// docker's normalisation: app:1.0 is index.docker.io/library/app:1.0.
	img = mustOpen(t, "docker-archive:"+p+":docker.io/library/app:1.0", Options{})
	checkImage(t, img, a)

	err = openErr(t, "docker-archive:"+p+":app:9", Options{})
	wantContains(t, err, "no image tagged app:9 in the archive (tags: app:1.0, other/app:2.0)")
}

func TestGzippedDockerArchive(t *testing.T) {
	t.Parallel()
	fx := newFixture(t, "amd64", 4)
	dir := t.TempDir()
	p := writeFile(t, filepath.Join(dir, "app.tar.gz"), gzipBytes(t, dockerArchive(t, map[string]v1.Image{"app:1.0": fx.img})))

	img := mustOpen(t, p, Options{})
	if img.Transport != TransportDockerArchive || img.stream == nil || !img.stream.complete {
		t.Fatalf("transport %q, want single-pass docker-archive", img.Transport)
	}
	checkImage(t, img, fx)
	// A second read makes a second pass.
	checkImage(t, img, fx)
	if img.Config.History[0].CreatedBy != "RUN build amd64" {
		t.Errorf("history = %+v", img.Config.History)
	}

	var zbuf bytes.Buffer
	zw, err := zstd.NewWriter(&zbuf)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := zw.Write(dockerArchive(t, map[string]v1.Image{"app:1.0": fx.img})); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	img = mustOpen(t, writeFile(t, filepath.Join(dir, "app.tar.zst"), zbuf.Bytes()), Options{})
	checkImage(t, img, fx)
}

func TestDocker25Archive(t *testing.T) {
	t.Parallel()
	fx := newFixture(t, "amd64", 3)
	archive, mdigest := docker25Archive(t, fx, "app:1.0")
	dir := t.TempDir()
	p := writeFile(t, filepath.Join(dir, "d25.tar"), archive)

	// Without a prefix manifest.json decides, and index.json supplies the manifest digest.
	img := mustOpen(t, p, Options{})
	if img.Transport != TransportDockerArchive || img.Digest != mdigest {
		t.Errorf("transport %q digest %q, want docker-archive %s", img.Transport, img.Digest, mdigest)
	}
	for i, l := range img.Layers {
		if l.Digest != digestOf(fx.tars[i]) || l.MediaType != string(types.OCIUncompressedLayer) {
			t.Errorf("layer %+v", l)
		}
	}
	checkImage(t, img, fx)

	// The same file read as an OCI archive, by tag and by containerd's full name.
	for _, ref := range []string{"oci-archive:" + p, "oci-archive:" + p + ":1.0", "oci-archive:" + p + ":app:1.0", "oci-archive:" + p + "@" + mdigest} {
		img = mustOpen(t, ref, Options{})
		if img.Transport != TransportOCIArchive || img.Digest != mdigest {
			t.Errorf("%s: transport %q digest %q", ref, img.Transport, img.Digest)
		}
		checkImage(t, img, fx)
	}

	gz := writeFile(t, filepath.Join(dir, "d25.tar.gz"), gzipBytes(t, archive))
	img = mustOpen(t, gz, Options{})
	if img.Digest != mdigest || img.stream == nil {
		t.Errorf("gzipped docker 25 archive: digest %q", img.Digest)
	}
	checkImage(t, img, fx)
}

// TestOldDockerArchive covers the pre-25 layout: <id>/layer.tar, <id>.json configs, and a layer
// shared by two positions stored once and symlinked.
func TestOldDockerArchive(t *testing.T) {
	t.Parallel()
	l0, l1 := layerTar(t, 0, "old"), layerTar(t, 1, "old")
	cfg := v1.ConfigFile{
		OS: "linux", Architecture: "amd64",
		Config: v1.Config{User: "app"},
		RootFS: v1.RootFS{Type: "layers", DiffIDs: []v1.Hash{mustHash(t, digestOf(l0)), mustHash(t, digestOf(l1)), mustHash(t, digestOf(l0))}},
	}
	rawCfg := mustJSON(t, cfg)
	cfgName := strings.TrimPrefix(digestOf(rawCfg), "sha256:") + ".json"
	manifest := mustJSON(t, []dockerEntry{{Config: cfgName, RepoTags: []string{"old:1"}, Layers: []string{"aaa/layer.tar", "bbb/layer.tar", "ccc/layer.tar"}}})
	archive := tarOf(t,
		file(cfgName, rawCfg),
		file("aaa/VERSION", []byte("1.0")),
		file("aaa/layer.tar", l0),
		file("bbb/layer.tar", l1),
		member{name: "ccc/layer.tar", symlink: true, link: "../aaa/layer.tar"},
		file("manifest.json", manifest),
	)
	fx := fixture{tars: [][]byte{l0, l1, l0}, arch: "amd64"}
	dir := t.TempDir()
	for _, p := range []string{
		writeFile(t, filepath.Join(dir, "old.tar"), archive),
		writeFile(t, filepath.Join(dir, "old.tgz"), gzipBytes(t, archive)),
	} {
		img := mustOpen(t, p, Options{})
		for _, l := range img.Layers {
			if l.Digest != "" || l.MediaType != string(types.DockerUncompressedLayer) {
				t.Errorf("layer %+v: want no digest and the uncompressed media type", l)
			}
		}
		var calls atomic.Int32
		got, err := ReadLayers(context.Background(), img, 2, func(ctx context.Context, l Layer, r io.Reader) ([]byte, error) {
			calls.Add(1)
			return readAll(ctx, l, r)
		})
		if err != nil {
			t.Fatal(err)
		}
		if calls.Load() != 2 {
			t.Errorf("fn called %d times, want 2 (identical layers are read once)", calls.Load())
		}
		if !bytes.Equal(got[2], l0) {
			t.Error("the shared layer's result is not repeated")
		}
		checkImage(t, img, fx)
	}
}

func TestOCILayout(t *testing.T) {
	t.Parallel()
	fx := newFixture(t, "amd64", 3)
	other := newFixture(t, "amd64", 1)
	dir := filepath.Join(t.TempDir(), "layout")
	ociLayout(t, dir, map[string]v1.Image{"1.0": fx.img, "latest": other.img})

	img := mustOpen(t, "oci:"+dir+":1.0", Options{})
	if img.Transport != TransportOCILayout || img.Name != "oci:"+dir+":1.0" || img.Digest != fx.digest(t) {
		t.Errorf("transport %q name %q digest %q", img.Transport, img.Name, img.Digest)
	}
	for i, l := range img.Layers {
		if l.MediaType != string(types.DockerLayer) || !strings.HasPrefix(l.Digest, "sha256:") || l.Size <= 0 {
			t.Errorf("layer %d: %+v", i, l)
		}
	}
	checkImage(t, img, fx)

	img = mustOpen(t, "oci:"+dir+"@"+fx.digest(t), Options{})
	checkImage(t, img, fx)

	err := openErr(t, "oci:"+dir+":v2", Options{})
	if want := "oci:" + dir + ":v2: no image tagged v2 in the layout (tags: 1.0, latest)"; err.Error() != want {
		t.Errorf("error = %q\nwant    %q", err, want)
	}
	err = openErr(t, "oci:"+dir, Options{})
	wantContains(t, err, "holds 2 images", "tags: 1.0, latest")
	err = openErr(t, "oci:"+dir+"@sha256:"+strings.Repeat("0", 64), Options{})
	wantContains(t, err, "no manifest sha256:"+strings.Repeat("0", 64))

	// Without a prefix, a directory with an oci-layout file is a layout.
	single := filepath.Join(t.TempDir(), "single")
	ociLayout(t, single, map[string]v1.Image{"1.0": fx.img})
	img = mustOpen(t, single, Options{})
	if img.Transport != TransportOCILayout {
		t.Errorf("transport = %q", img.Transport)
	}
	checkImage(t, img, fx)
}

func TestOCILayoutZstd(t *testing.T) {
	t.Parallel()
	fx := newFixture(t, "amd64", 2, tarball.WithCompression(ggcrcomp.ZStd), tarball.WithMediaType(types.OCILayerZStd))
	dir := filepath.Join(t.TempDir(), "layout")
	ociLayout(t, dir, map[string]v1.Image{"z": fx.img})
	img := mustOpen(t, dir, Options{})
	if img.Layers[0].MediaType != string(types.OCILayerZStd) {
		t.Errorf("media type = %q", img.Layers[0].MediaType)
	}
	checkImage(t, img, fx)
}

// TestOCIIndexes covers buildah's index → manifest and Docker's index → index → manifests, and
// selecting by platform.
func TestOCIIndexes(t *testing.T) {
	t.Parallel()
	amd, arm := newFixture(t, "amd64", 2), newFixture(t, "arm64", 3)
	dir := filepath.Join(t.TempDir(), "layout")
	p, err := layout.Write(dir, empty.Index)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.AppendIndex(multiPlatformIndex(t, amd, arm), layout.WithAnnotations(map[string]string{
		annotationContainerName: "docker.io/library/multi:2", annotationRefName: "2",
	})); err != nil {
		t.Fatal(err)
	}

	img := mustOpen(t, "oci:"+dir+":2", Options{Platform: &v1.Platform{OS: "linux", Architecture: "arm64"}})
	checkImage(t, img, arm)
	if img.Platform != "linux/arm64/v8" || img.Digest != arm.digest(t) || img.IndexDigest == "" {
		t.Errorf("platform %q digest %q index %q", img.Platform, img.Digest, img.IndexDigest)
	}
	img = mustOpen(t, "oci:"+dir+":multi:2", Options{Platform: amd64})
	checkImage(t, img, amd)
	// A platform-specific manifest can be named by digest through the nested index.
	img = mustOpen(t, "oci:"+dir+"@"+arm.digest(t), Options{})
	checkImage(t, img, arm)

	err = openErr(t, "oci:"+dir, Options{Platform: &v1.Platform{OS: "linux", Architecture: "s390x"}})
	wantContains(t, err, "no image for linux/s390x in the index (platforms: linux/amd64, linux/arm64/v8)")

	// An OCI archive of the same layout, plain and gzipped.
	tarred := tarDir(t, dir)
	for _, f := range []string{
		writeFile(t, filepath.Join(t.TempDir(), "multi.tar"), tarred),
		writeFile(t, filepath.Join(t.TempDir(), "multi.tar.gz"), gzipBytes(t, tarred)),
	} {
		img = mustOpen(t, f, Options{Platform: &v1.Platform{OS: "linux", Architecture: "arm64"}})
		if img.Transport != TransportOCIArchive {
			t.Errorf("transport = %q", img.Transport)
		}
		checkImage(t, img, arm)
		img = mustOpen(t, "oci-archive:"+f+":2", Options{Platform: amd64})
		checkImage(t, img, amd)
	}
}

// TestIndexSingleImageWithoutPlatform: an index with one image and no platform information is
// taken whatever the platform asked for; an attestation next to it does not count.
func TestIndexSingleImageWithoutPlatform(t *testing.T) {
	t.Parallel()
	fx := newFixture(t, "ppc64le", 1)
	att := newFixture(t, "unknown", 1)
	idx := mutate.AppendManifests(empty.Index,
		mutate.IndexAddendum{Add: fx.img},
		mutate.IndexAddendum{Add: att.img, Descriptor: v1.Descriptor{
			Platform:    &v1.Platform{OS: "unknown", Architecture: "unknown"},
			Annotations: map[string]string{annotationReferenceType: "attestation-manifest"},
		}},
	)
	dir := filepath.Join(t.TempDir(), "layout")
	p, err := layout.Write(dir, empty.Index)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.AppendIndex(idx); err != nil {
		t.Fatal(err)
	}
	img := mustOpen(t, dir, Options{Platform: amd64})
	checkImage(t, img, fx)
	if want := []string{"image is linux/ppc64le, not the requested linux/amd64 (picked from an index entry that gives no platform or another one)"}; !slices.Equal(img.Warnings, want) {
		t.Errorf("warnings = %q", img.Warnings)
	}
}

func TestOCIArchivePlain(t *testing.T) {
	t.Parallel()
	fx := newFixture(t, "amd64", 3)
	dir := filepath.Join(t.TempDir(), "layout")
	ociLayout(t, dir, map[string]v1.Image{"1.0": fx.img})
	f := writeFile(t, filepath.Join(t.TempDir(), "oci.tar"), tarDir(t, dir))
	img := mustOpen(t, f, Options{})
	if img.Transport != TransportOCIArchive || img.Digest != fx.digest(t) || img.random == nil {
		t.Errorf("transport %q digest %q", img.Transport, img.Digest)
	}
	checkImage(t, img, fx)

	err := openErr(t, "docker-archive:"+f, Options{})
	wantContains(t, err, "not a docker-archive (it is an OCI archive; use oci-archive:)")
}

func TestReadLayersConcurrentInOrder(t *testing.T) {
	t.Parallel()
	fx := newFixture(t, "amd64", 10)
	p := writeFile(t, filepath.Join(t.TempDir(), "ten.tar"), dockerArchive(t, map[string]v1.Image{"ten:1": fx.img}))
	img := mustOpen(t, p, Options{})

	var running, peak atomic.Int32
	got, err := ReadLayers(context.Background(), img, 4, func(_ context.Context, l Layer, r io.Reader) (int, error) {
		n := running.Add(1)
		defer running.Add(-1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		time.Sleep(time.Duration(10-l.Index) * time.Millisecond) // finish out of order
		if _, err := io.Copy(io.Discard, r); err != nil {
			return 0, err
		}
		return l.Index, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range got {
		if v != i {
			t.Fatalf("results out of order: %v", got)
		}
	}
	if peak.Load() > 4 {
		t.Errorf("%d layers read at once with workers=4", peak.Load())
	}
	t.Logf("peak concurrency %d", peak.Load())
}

// TestReadLayersStopEarly: fn may read a few bytes; the rest is drained and still verified.
func TestReadLayersStopEarly(t *testing.T) {
	t.Parallel()
	fx := newFixture(t, "amd64", 3)
	archive := dockerArchive(t, map[string]v1.Image{"app:1": fx.img})
	dir := t.TempDir()
	for _, p := range []string{writeFile(t, filepath.Join(dir, "a.tar"), archive), writeFile(t, filepath.Join(dir, "a.tar.gz"), gzipBytes(t, archive))} {
		img := mustOpen(t, p, Options{})
		got, err := ReadLayers(context.Background(), img, 2, func(_ context.Context, _ Layer, r io.Reader) (string, error) {
			b := make([]byte, 9)
			_, err := io.ReadFull(r, b)
			return string(b), err
		})
		if err != nil {
			t.Fatal(err)
		}
		if got[1] != string(fx.tars[1][:9]) {
			t.Errorf("got %q", got)
		}
	}
}

func TestReadLayersFnError(t *testing.T) {
	t.Parallel()
	fx := newFixture(t, "amd64", 5)
	archive := dockerArchive(t, map[string]v1.Image{"app:1": fx.img})
	dir := t.TempDir()
	boom := errors.New("boom")
	for _, p := range []string{writeFile(t, filepath.Join(dir, "a.tar"), archive), writeFile(t, filepath.Join(dir, "a.tar.gz"), gzipBytes(t, archive))} {
		img := mustOpen(t, p, Options{})
		_, err := ReadLayers(context.Background(), img, 3, func(ctx context.Context, l Layer, r io.Reader) (int, error) {
			if l.Index == 2 {
				return 0, boom
			}
			_, err := io.Copy(io.Discard, r)
			return 0, err
		})
		var le *LayerError
		if !errors.As(err, &le) || le.Index != 2 || !errors.Is(err, boom) {
			t.Fatalf("err = %v, want layer 2's boom", err)
		}
		wantContains(t, err, "layer 2 ("+shortDigest(digestOf(fx.tars[2]))+"): boom")

		// A panicking callback is an error, not a crash.
		_, err = ReadLayers(context.Background(), img, 3, func(ctx context.Context, l Layer, r io.Reader) (int, error) {
			if l.Index == 1 {
				panic("kaboom")
			}
			return 0, nil
		})
		wantContains(t, err, "layer 1 (", "panic: kaboom")
	}
}

func TestReadLayersCancel(t *testing.T) {
	t.Parallel()
	fx := newFixture(t, "amd64", 3)
	p := writeFile(t, filepath.Join(t.TempDir(), "a.tar"), dockerArchive(t, map[string]v1.Image{"app:1": fx.img}))
	img := mustOpen(t, p, Options{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := ReadLayers(ctx, img, 2, readAll); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

// badArchive is a docker-archive whose second layer blob is given raw, with diff_ids from the
// good content.
func badArchive(t *testing.T, good [][]byte, blob1 []byte, diffIDs []string) []byte {
	t.Helper()
	var hashes []v1.Hash
	for _, d := range diffIDs {
		hashes = append(hashes, mustHash(t, d))
	}
	rawCfg := mustJSON(t, v1.ConfigFile{OS: "linux", Architecture: "amd64", RootFS: v1.RootFS{Type: "layers", DiffIDs: hashes}})
	return tarOf(t,
		file("config.json", rawCfg),
		file("l0.tar", good[0]),
		file("l1.tar.gz", blob1),
		file("l2.tar", good[2]),
		file("manifest.json", mustJSON(t, []dockerEntry{{Config: "config.json", Layers: []string{"l0.tar", "l1.tar.gz", "l2.tar"}}})),
	)
}

func mustHash(t testing.TB, s string) v1.Hash {
	t.Helper()
	h, err := v1.NewHash(s)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func TestCorruptLayer(t *testing.T) {
	t.Parallel()
	good := [][]byte{layerTar(t, 0, "x"), layerTar(t, 1, "x"), layerTar(t, 2, "x")}
	ids := []string{digestOf(good[0]), digestOf(good[1]), digestOf(good[2])}
	gz := gzipBytes(t, good[1])
	corrupt := append([]byte(nil), gz...)
	for i := 20; i < len(corrupt)-10; i += 7 {
		corrupt[i] ^= 0x5a
	}
	dir := t.TempDir()
	cases := map[string]struct {
		blob []byte
		ids  []string
		want string
	}{
		"corrupt gzip": {corrupt, ids, "layer 1 (" + shortDigest(ids[1]) + "): "},
		"truncated":    {gz[:len(gz)/2], ids, "layer 1 (" + shortDigest(ids[1]) + "): "},
		"diff_id mismatch": {gzipBytes(t, good[0]), ids,
			"layer 1 (" + shortDigest(ids[1]) + "): content does not match its diff_id"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			archive := badArchive(t, good, c.blob, c.ids)
			for _, p := range []string{
				writeFile(t, filepath.Join(dir, strings.ReplaceAll(name, " ", "_")+".tar"), archive),
				writeFile(t, filepath.Join(dir, strings.ReplaceAll(name, " ", "_")+".tar.gz"), gzipBytes(t, archive)),
			} {
				img := mustOpen(t, p, Options{VerifyLayers: true})
				_, err := ReadLayers(context.Background(), img, 3, readAll)
				if err == nil {
					t.Fatalf("%s: no error", p)
				}
				if name == "diff_id mismatch" {
					// Without verification a well-formed layer with other
					// content reads fine: only the digest can tell.
					if _, err := ReadLayers(context.Background(), mustOpen(t, p, Options{}), 3, readAll); err != nil {
						t.Errorf("%s without VerifyLayers: %v", p, err)
					}
				}
				var le *LayerError
				if !errors.As(err, &le) || le.Index != 1 {
					t.Errorf("%s: err = %v, want a LayerError for layer 1", p, err)
				}
				wantContains(t, err, c.want)
				if name == "diff_id mismatch" && !errors.Is(err, ErrDiffIDMismatch) {
					t.Errorf("err = %v, want ErrDiffIDMismatch", err)
				}
			}
		})
	}
}

func TestForeignLayerMissing(t *testing.T) {
	t.Parallel()
	fx := newFixture(t, "amd64", 2)
	layers, err := fx.img.Layers()
	if err != nil {
		t.Fatal(err)
	}
	img, err := mutate.Append(empty.Image, mutate.Addendum{Layer: layers[0]}, mutate.Addendum{
		Layer: layers[1], MediaType: types.OCIRestrictedLayer, URLs: []string{"https://example.com/layer.tar.gz"},
	})
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "layout")
	p := ociLayout(t, dir, map[string]v1.Image{"f": img})
	d, err := layers[1].Digest()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.RemoveBlob(d); err != nil {
		t.Fatal(err)
	}
	opened := mustOpen(t, dir, Options{})
	_, err = ReadLayers(context.Background(), opened, 2, readAll)
	wantContains(t, err, "layer 1 (", "foreign layer not in the layout", "https://example.com/layer.tar.gz")
}

func TestOpenErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	fx := newFixture(t, "amd64", 2)
	archive := dockerArchive(t, map[string]v1.Image{"app:1": fx.img})
	gz := gzipBytes(t, archive)

	empty := writeFile(t, filepath.Join(dir, "empty.tar"), nil)
	text := writeFile(t, filepath.Join(dir, "app.tar"), []byte("this is not a tar archive, just some text that is long enough\n"))
	truncGz := writeFile(t, filepath.Join(dir, "trunc.tar.gz"), gz[:len(gz)*2/3])
	truncTar := writeFile(t, filepath.Join(dir, "trunc.tar"), archive[:len(archive)-1024-400]) // inside manifest.json
	plainTar := writeFile(t, filepath.Join(dir, "files.tar"), tarOf(t, file("hello.txt", []byte("hi"))))
	gzText := writeFile(t, filepath.Join(dir, "text.tar.gz"), gzipBytes(t, bytes.Repeat([]byte("not a tar "), 100)))
	noLayout := t.TempDir()

	cases := []struct {
		ref  string
		want string
	}{
		{filepath.Join(dir, "missing", "app.tar"), "no such file or directory"},
		{"./definitely-missing/app", "no such file or directory"},
		{"missing-image.tar", "no such file or directory"},
		{"docker-archive:" + filepath.Join(dir, "nope.tar"), "no such file or directory"},
		{"docker-archive:" + filepath.Join(dir, "nope.tar") + ":app:1", "nope.tar: no such file or directory"},
		{"oci:" + filepath.Join(dir, "nolayout"), "no such file or directory"},
		{noLayout, "not an OCI image layout (no oci-layout file)"},
		{noLayout + "/", "not an OCI image layout (no oci-layout file)"},
		{filepath.Join(dir, "nosuchdir") + "/", "no such file or directory"},
		{"-", "reading an image from standard input is not supported"},
		{"oci:" + noLayout, "not an OCI image layout (no oci-layout file)"},
		{"oci:" + text, "not a directory"},
		{empty, "empty file, not a docker-archive or OCI image archive"},
		{text, "not a docker-archive or OCI image archive"},
		{plainTar, "not a docker-archive or OCI image archive"},
		{gzText, "not a docker-archive or OCI image archive"},
		{truncGz, "truncated"},
		{truncTar, "truncated"},
		{"docker-archive:" + text, "not a docker-archive or OCI image archive"},
		{"oci-archive:" + writeFile(t, filepath.Join(dir, "d.tar"), archive), "no index.json: not an OCI image archive"},
		{"Not A Valid//Reference", "not a valid image reference"},
		{"registry:", "missing image reference"},
		{"docker-daemon:", "missing image name"},
		{"", "empty image reference"},
	}
	for _, c := range cases {
		err := openErr(t, c.ref, Options{})
		wantContains(t, err, c.want)
	}
	if err := openErr(t, text, Options{}); err.Error() != text+": not a docker-archive or OCI image archive" {
		t.Errorf("error = %q", err)
	}
	if err := openErr(t, noLayout, Options{}); err.Error() != noLayout+": not an OCI image layout (no oci-layout file)" {
		t.Errorf("error = %q", err)
	}
	if err := openErr(t, "-", Options{}); err.Error() != "-: reading an image from standard input is not supported; save it to a file first (docker save -o app.tar IMAGE)" {
		t.Errorf("error = %q", err)
	}
	if err := openErr(t, "./definitely-missing/app", Options{}); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("error %v does not wrap os.ErrNotExist", err)
	}
}

// TestMemberPathsDoNotMatter: members that would escape an extraction directory are only names
// here, since nothing is extracted.
func TestMemberPathsDoNotMatter(t *testing.T) {
	t.Parallel()
	l0 := layerTar(t, 0, "evil")
	rawCfg := mustJSON(t, v1.ConfigFile{OS: "linux", Architecture: "amd64", Config: v1.Config{User: "app"},
		RootFS: v1.RootFS{Type: "layers", DiffIDs: []v1.Hash{mustHash(t, digestOf(l0))}}})
	archive := tarOf(t,
		file("../../../../tmp/evil", []byte("x")),
		file("/etc/passwd-abs", []byte("x")),
		file("./config.json", rawCfg),
		file("./layer/../layer.tar", l0),
		member{name: "../escape-link", symlink: true, link: "/etc/shadow"},
		file("manifest.json", mustJSON(t, []dockerEntry{{Config: "config.json", Layers: []string{"./layer.tar"}}})),
	)
	dir := t.TempDir()
	for _, p := range []string{writeFile(t, filepath.Join(dir, "evil.tar"), archive), writeFile(t, filepath.Join(dir, "evil.tar.gz"), gzipBytes(t, archive))} {
		img := mustOpen(t, p, Options{})
		checkImage(t, img, fixture{tars: [][]byte{l0}, arch: "amd64"})
	}
	if _, err := os.Stat("/tmp/evil"); err == nil {
		t.Log("note: /tmp/evil exists, but not because of this test")
	}
}

func TestSplitPathSelector(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	withColon := filepath.Join(dir, "a:b")
	if err := os.Mkdir(withColon, 0o755); err != nil {
		t.Fatal(err)
	}
	cases := []struct{ in, p, sel string }{
		{dir, dir, ""},
		{dir + ":1.0", dir, ":1.0"},
		{dir + "@sha256:abc", dir, "@sha256:abc"},
		{withColon, withColon, ""},
		{withColon + ":tag", withColon, ":tag"},
		{dir + ":registry.example.com:5000/app:1", dir, ":registry.example.com:5000/app:1"},
	}
	for _, c := range cases {
		p, sel, err := splitPathSelector(c.in)
		if err != nil || p != c.p || sel != c.sel {
			t.Errorf("splitPathSelector(%q) = %q, %q, %v; want %q, %q", c.in, p, sel, err, c.p, c.sel)
		}
	}
}

func TestLooksLikePath(t *testing.T) {
	t.Parallel()
	for s, want := range map[string]bool{
		"./app": true, "../x/y": true, "/abs/path": true, "app.tar": true, "x.tar.gz": true, "x.tgz": true,
		"x.tar.zst": true, "alpine": false, "alpine:3.20": false, "ghcr.io/org/app:1": false, ".hidden": false,
		"x.tar.bz2": true, "x.tbz2": true, "x.tar.xz": true, "nosuchdir/": true, "a/b/": true, "-": false,
		"team/app": false, "localhost:5000/app": false,
	} {
		if got := looksLikePath(s); got != want {
			t.Errorf("looksLikePath(%q) = %v", s, got)
		}
	}
}

func TestIsTarHeader(t *testing.T) {
	t.Parallel()
	tr := tarOf(t, file("a", []byte("b")))
	if !isTarHeader(tr[:512]) || !isTarHeader(make([]byte, 512)) {
		t.Error("a tar header was not recognised")
	}
	junk := bytes.Repeat([]byte("x"), 512)
	if isTarHeader(junk) || isTarHeader(tr[:100]) {
		t.Error("junk taken for a tar header")
	}
}

func TestPlatformScore(t *testing.T) {
	t.Parallel()
	arm64 := v1.Platform{OS: "linux", Architecture: "arm64"}
	if platformScore(arm64, v1.Platform{OS: "linux", Architecture: "arm64", Variant: "v8"}) == 0 {
		t.Error("arm64/v8 should satisfy arm64")
	}
	if platformScore(arm64, v1.Platform{OS: "linux", Architecture: "amd64"}) != 0 {
		t.Error("amd64 should not satisfy arm64")
	}
	arm := v1.Platform{OS: "linux", Architecture: "arm"}
	v6 := platformScore(arm, v1.Platform{OS: "linux", Architecture: "arm", Variant: "v6"})
	v7 := platformScore(arm, v1.Platform{OS: "linux", Architecture: "arm", Variant: "v7"})
	if v7 <= v6 || v6 == 0 {
		t.Errorf("arm without a variant should prefer v7: v6=%d v7=%d", v6, v7)
	}
	if platformScore(v1.Platform{OS: "linux", Architecture: "arm", Variant: "v6"}, v1.Platform{OS: "linux", Architecture: "arm", Variant: "v7"}) != 0 {
		t.Error("an explicit variant must match")
	}
}

// TestClose: after Close, reading fails cleanly and Close can be repeated.
func TestClose(t *testing.T) {
	t.Parallel()
	fx := newFixture(t, "amd64", 1)
	p := writeFile(t, filepath.Join(t.TempDir(), "a.tar"), dockerArchive(t, map[string]v1.Image{"app:1": fx.img}))
	img, err := Open(context.Background(), p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := img.Close(); err != nil {
		t.Fatal(err)
	}
	if err := img.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadLayers(context.Background(), img, 1, readAll); err == nil {
		t.Error("ReadLayers after Close succeeded")
	}
}

// TestConcurrentReadLayers: two ReadLayers on one random-access image at once.
func TestConcurrentReadLayers(t *testing.T) {
	t.Parallel()
	fx := newFixture(t, "amd64", 4)
	p := writeFile(t, filepath.Join(t.TempDir(), "a.tar"), dockerArchive(t, map[string]v1.Image{"app:1": fx.img}))
	img := mustOpen(t, p, Options{})
	var wg sync.WaitGroup
	for range 3 {
		wg.Go(func() {
			got, err := ReadLayers(context.Background(), img, 2, readAll)
			if err != nil {
				t.Error(err)
				return
			}
			for i := range got {
				if !bytes.Equal(got[i], fx.tars[i]) {
					t.Errorf("layer %d differs", i)
				}
			}
		})
	}
	wg.Wait()
}

func TestSplitTransport(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		in, transport, rest string
		ok                  bool
	}{
		{"registry:ghcr.io/org/app:1", TransportRegistry, "ghcr.io/org/app:1", true},
		{"registry:alpine", TransportRegistry, "alpine", true},
		{"registry:127.0.0.1:5000/app", TransportRegistry, "127.0.0.1:5000/app", true},
		{"registry:10.0.0.1/app", TransportRegistry, "10.0.0.1/app", true},
		{"registry:registry:2", TransportRegistry, "registry:2", true},
		{"docker://registry:2", TransportRegistry, "registry:2", true},
		// The image called registry, and the host called registry: not the prefix.
		{"registry:2", "", "registry:2", false},
		{"registry:2.8.3", "", "registry:2.8.3", false},
		{"registry:2@sha256:" + strings.Repeat("a", 64), "", "registry:2@sha256:" + strings.Repeat("a", 64), false},
		{"registry:5000/team/app:1", "", "registry:5000/team/app:1", false},
		{"docker-archive:app.tar", TransportDockerArchive, "app.tar", true},
		{"oci-archive:app.tar", TransportOCIArchive, "app.tar", true},
		{"oci:dir:1", TransportOCILayout, "dir:1", true},
		{"docker-daemon:app:1", TransportDockerDaemon, "app:1", true},
		{"alpine:3.20", "", "alpine:3.20", false},
	} {
		tr, rest, ok := splitTransport(c.in)
		if tr != c.transport || rest != c.rest || ok != c.ok {
			t.Errorf("splitTransport(%q) = %q, %q, %v; want %q, %q, %v", c.in, tr, rest, ok, c.transport, c.rest, c.ok)
		}
	}
}

// TestPlatformMismatchWarning: an explicit platform does not filter a single image, but a
// different one is noted.
func TestPlatformMismatchWarning(t *testing.T) {
	t.Parallel()
	fx := newFixture(t, "amd64", 1)
	p := writeFile(t, filepath.Join(t.TempDir(), "app.tar"), dockerArchive(t, map[string]v1.Image{"app:1": fx.img}))
	arm64 := &v1.Platform{OS: "linux", Architecture: "arm64"}

	img := mustOpen(t, p, Options{Platform: arm64})
	want := []string{"image is linux/amd64, not the requested linux/arm64 (the reference names a single-platform image)"}
	if !slices.Equal(img.Warnings, want) {
		t.Errorf("warnings = %q\nwant       %q", img.Warnings, want)
	}
	checkImage(t, img, fx)
	for _, opts := range []Options{{}, {Platform: amd64}, {Platform: &v1.Platform{OS: "linux", Architecture: "x86_64"}}} {
		if img := mustOpen(t, p, opts); len(img.Warnings) != 0 {
			t.Errorf("platform %v: warnings %q", opts.Platform, img.Warnings)
		}
	}

	// An OCI layout whose index.json lists the one image.
	armFx := newFixture(t, "arm64", 1)
	dir := filepath.Join(t.TempDir(), "layout")
	ociLayout(t, dir, map[string]v1.Image{"1": armFx.img})
	img = mustOpen(t, dir, Options{Platform: amd64})
	if want := []string{"image is linux/arm64/v8, not the requested linux/amd64 (the reference names a single-platform image)"}; !slices.Equal(img.Warnings, want) {
		t.Errorf("warnings = %q\nwant       %q", img.Warnings, want)
	}
	for _, pl := range []*v1.Platform{arm64, {OS: "linux", Architecture: "arm64", Variant: "v8"}, {OS: "linux", Architecture: "aarch64"}} {
		if img := mustOpen(t, dir, Options{Platform: pl}); len(img.Warnings) != 0 {
			t.Errorf("platform %v: warnings %q", pl, img.Warnings)
		}
	}

	// A multi-platform index is filtered: no warning, and an error when nothing fits.
	amd, arm := newFixture(t, "amd64", 1), newFixture(t, "arm64", 1)
	multi := filepath.Join(t.TempDir(), "multi")
	lp, err := layout.Write(multi, empty.Index)
	if err != nil {
		t.Fatal(err)
	}
	if err := lp.AppendIndex(multiPlatformIndex(t, amd, arm)); err != nil {
		t.Fatal(err)
	}
	if img := mustOpen(t, multi, Options{Platform: arm64}); len(img.Warnings) != 0 || img.Config.Architecture != "arm64" {
		t.Errorf("arch %s, warnings %q", img.Config.Architecture, img.Warnings)
	}
}

func TestPlatformWarning(t *testing.T) {
	t.Parallel()
	image := func(os, arch, variant, index string) *Image {
		return &Image{Config: &v1.ConfigFile{OS: os, Architecture: arch, Variant: variant}, IndexDigest: index}
	}
	for _, c := range []struct {
		img  *Image
		want v1.Platform
		msg  string
	}{
		{image("linux", "amd64", "", ""), v1.Platform{OS: "linux", Architecture: "amd64"}, ""},
		{image("linux", "arm64", "v8", ""), v1.Platform{OS: "linux", Architecture: "arm64"}, ""},
		{image("linux", "arm", "v7", ""), v1.Platform{OS: "linux", Architecture: "arm"}, ""},
		{image("linux", "arm", "v6", ""), v1.Platform{OS: "linux", Architecture: "arm", Variant: "v7"},
			"image is linux/arm/v6, not the requested linux/arm/v7 (the reference names a single-platform image)"},
		{image("windows", "amd64", "", ""), v1.Platform{OS: "linux", Architecture: "amd64"},
			"image is windows/amd64, not the requested linux/amd64 (the reference names a single-platform image)"},
		{image("linux", "ppc64le", "", "sha256:abc"), v1.Platform{OS: "linux", Architecture: "amd64"},
			"image is linux/ppc64le, not the requested linux/amd64 (picked from an index entry that gives no platform or another one)"},
		{image("", "", "", ""), v1.Platform{OS: "linux", Architecture: "amd64"}, ""}, // unknown: nothing to say
		{&Image{}, v1.Platform{OS: "linux", Architecture: "amd64"}, ""},
	} {
		if got := platformWarning(c.img, c.want); got != c.msg {
			t.Errorf("platformWarning(%+v, %v) = %q\nwant %q", c.img.Config, c.want, got, c.msg)
		}
	}
}
