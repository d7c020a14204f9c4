package source

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// fixture is an image built in memory together with the uncompressed tar of each layer, which
// is what ReadLayers must reproduce.
type fixture struct {
	img  v1.Image
	tars [][]byte
	arch string
}

type member struct {
	name    string
	data    []byte
	link    string // symlink target when set
	symlink bool
}

func file(name string, data []byte) member { return member{name: name, data: data} }

// tarOf writes members in the given order.
func tarOf(t testing.TB, members ...member) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, m := range members {
		hdr := &tar.Header{Name: m.name, Mode: 0o644, Size: int64(len(m.data)), Typeflag: tar.TypeReg}
		switch {
		case m.symlink:
			hdr = &tar.Header{Name: m.name, Mode: 0o777, Typeflag: tar.TypeSymlink, Linkname: m.link}
		case strings.HasSuffix(m.name, "/"):
			hdr = &tar.Header{Name: m.name, Mode: 0o755, Typeflag: tar.TypeDir}
		}
		if err := tw.WriteHeader(hdr); err != nil {
			t.Fatal(err)
		}
		if hdr.Typeflag == tar.TypeReg {
			if _, err := tw.Write(m.data); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// layerTar is the uncompressed content of a test layer: a couple of files that differ per layer.
func layerTar(t testing.TB, i int, tag string) []byte {
	t.Helper()
	return tarOf(t,
		file(fmt.Sprintf("layer%d/", i), nil),
		file(fmt.Sprintf("layer%d/file.txt", i), []byte(fmt.Sprintf("layer %d of %s\n", i, tag))),
		file("etc/marker", bytes.Repeat([]byte{byte('a' + i%26)}, 700+i)),
	)
}

func opener(b []byte) tarball.Opener {
	return func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
}

func digestOf(b []byte) string {
	sum := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// newFixture builds an image of n gzip layers for linux/arch with a recognisable config.
func newFixture(t testing.TB, arch string, n int, opts ...tarball.LayerOption) fixture {
	t.Helper()
	fx := fixture{arch: arch}
	var layers []v1.Layer
	for i := range n {
		content := layerTar(t, i, arch)
		l, err := tarball.LayerFromOpener(opener(content), opts...)
		if err != nil {
			t.Fatal(err)
		}
		layers = append(layers, l)
		fx.tars = append(fx.tars, content)
	}
	img, err := mutate.AppendLayers(empty.Image, layers...)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	cfg = cfg.DeepCopy()
	cfg.OS, cfg.Architecture = "linux", arch
	if arch == "arm64" {
		cfg.Variant = "v8"
	}
	cfg.Config.User = "app"
	cfg.Config.Env = []string{"PATH=/usr/bin", "ARCH=" + arch}
	cfg.Config.Cmd = []string{"/bin/app", "--serve"}
	cfg.History = []v1.History{{CreatedBy: "RUN build " + arch}}
	if img, err = mutate.ConfigFile(img, cfg); err != nil {
		t.Fatal(err)
	}
	fx.img = img
	return fx
}

func (fx fixture) digest(t testing.TB) string {
	t.Helper()
	d, err := fx.img.Digest()
	if err != nil {
		t.Fatal(err)
	}
	return d.String()
}

func writeFile(t testing.TB, p string, data []byte) string {
	t.Helper()
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func gzipBytes(t testing.TB, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// dockerArchive writes images with their tags as `docker save` would (via ggcr's tarball).
func dockerArchive(t testing.TB, imgs map[string]v1.Image) []byte {
	t.Helper()
	refs := map[name.Reference]v1.Image{}
	for tag, img := range imgs {
		r, err := name.NewTag(tag)
		if err != nil {
			t.Fatal(err)
		}
		refs[r] = img
	}
	var buf bytes.Buffer
	if err := tarball.MultiRefWrite(refs, &buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// ociLayout writes images to a fresh layout with ref.name annotations.
func ociLayout(t testing.TB, dir string, tagged map[string]v1.Image) layout.Path {
	t.Helper()
	p, err := layout.Write(dir, empty.Index)
	if err != nil {
		t.Fatal(err)
	}
	tags := make([]string, 0, len(tagged))
	for tag := range tagged {
		tags = append(tags, tag)
	}
	sort.Strings(tags)
	for _, tag := range tags {
		if err := p.AppendImage(tagged[tag], layout.WithAnnotations(map[string]string{annotationRefName: tag})); err != nil {
			t.Fatal(err)
		}
	}
	return p
}

// multiPlatformIndex makes an index of the fixtures, with platforms in the descriptors.
func multiPlatformIndex(t testing.TB, fxs ...fixture) v1.ImageIndex {
	t.Helper()
	var adds []mutate.IndexAddendum
	for _, fx := range fxs {
		p := &v1.Platform{OS: "linux", Architecture: fx.arch}
		if fx.arch == "arm64" {
			p.Variant = "v8"
		}
		adds = append(adds, mutate.IndexAddendum{Add: fx.img, Descriptor: v1.Descriptor{Platform: p}})
	}
	return mutate.IndexMediaType(mutate.AppendManifests(empty.Index, adds...), types.OCIImageIndex)
}

// tarDir packs a directory (a layout) into a tar, as `tar -C dir -cf - .` would.
func tarDir(t testing.TB, dir string) []byte {
	t.Helper()
	var members []member
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		members = append(members, file("./"+filepath.ToSlash(rel), data))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return tarOf(t, members...)
}

func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// docker25Archive assembles what `docker save` writes since Docker 25 with the classic image
// store: an OCI layout whose layers are uncompressed blobs named by their diff_id, plus
// manifest.json, with members sorted by name. It returns the archive and the manifest digest.
func docker25Archive(t testing.TB, fx fixture, repoTag string) ([]byte, string) {
	t.Helper()
	rawCfg, err := fx.img.RawConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	blobs := map[string][]byte{}
	add := func(b []byte) v1.Hash {
		h, err := v1.NewHash(digestOf(b))
		if err != nil {
			t.Fatal(err)
		}
		blobs[blobPath(h)] = b
		return h
	}
	cfgHash := add(rawCfg)
	m := v1.Manifest{
		SchemaVersion: 2,
		MediaType:     types.OCIManifestSchema1,
		Config:        v1.Descriptor{MediaType: types.OCIConfigJSON, Digest: cfgHash, Size: int64(len(rawCfg))},
	}
	var layerPaths []string
	for _, content := range fx.tars {
		h := add(content)
		m.Layers = append(m.Layers, v1.Descriptor{MediaType: types.OCIUncompressedLayer, Digest: h, Size: int64(len(content))})
		layerPaths = append(layerPaths, blobPath(h))
	}
	rawManifest := mustJSON(t, m)
	mHash := add(rawManifest)
	tag := repoTag[strings.LastIndexByte(repoTag, ':')+1:]
	idx := v1.IndexManifest{
		SchemaVersion: 2,
		MediaType:     types.OCIImageIndex,
		Manifests: []v1.Descriptor{{
			MediaType: types.OCIManifestSchema1, Digest: mHash, Size: int64(len(rawManifest)),
			Annotations: map[string]string{annotationContainerName: "docker.io/library/" + repoTag, annotationRefName: tag},
		}},
	}
	dm := []dockerEntry{{Config: blobPath(cfgHash), RepoTags: []string{repoTag}, Layers: layerPaths}}
	members := []member{
		file("index.json", mustJSON(t, idx)),
		file("manifest.json", mustJSON(t, dm)),
		file("oci-layout", []byte(`{"imageLayoutVersion":"1.0.0"}`)),
		file("repositories", []byte(`{}`)),
	}
	for p, b := range blobs {
		members = append(members, file(p, b))
	}
	sort.Slice(members, func(i, j int) bool { return members[i].name < members[j].name })
	return tarOf(t, members...), mHash.String()
}

// readAll is a ReadLayers callback returning each layer's bytes.
func readAll(_ context.Context, _ Layer, r io.Reader) ([]byte, error) {
	return io.ReadAll(r)
}

// checkImage asserts the layers and their content against the fixture.
func checkImage(t *testing.T, img *Image, fx fixture) {
	t.Helper()
	if len(img.Layers) != len(fx.tars) {
		t.Fatalf("layers = %d, want %d", len(img.Layers), len(fx.tars))
	}
	for i, l := range img.Layers {
		if l.Index != i || l.DiffID != digestOf(fx.tars[i]) {
			t.Errorf("layer %d = %+v, want diff_id %s", i, l, digestOf(fx.tars[i]))
		}
	}
	if img.Config == nil || img.Config.Config.User != "app" || img.Config.Architecture != fx.arch {
		t.Errorf("config = %+v", img.Config)
	}
	if len(img.Config.RootFS.DiffIDs) != len(fx.tars) {
		t.Errorf("config diff_ids = %v", img.Config.RootFS.DiffIDs)
	}
	got, err := ReadLayers(context.Background(), img, 4, readAll)
	if err != nil {
		t.Fatalf("ReadLayers: %v", err)
	}
	if len(got) != len(fx.tars) {
		t.Fatalf("ReadLayers returned %d results, want %d", len(got), len(fx.tars))
	}
	for i := range got {
		if !bytes.Equal(got[i], fx.tars[i]) {
			t.Errorf("layer %d content differs: got %d bytes, want %d", i, len(got[i]), len(fx.tars[i]))
		}
	}
}

func mustOpen(t *testing.T, ref string, opts Options) *Image {
	t.Helper()
	img, err := Open(context.Background(), ref, opts)
	if err != nil {
		t.Fatalf("Open(%q): %v", ref, err)
	}
	t.Cleanup(func() { _ = img.Close() })
	return img
}

func openErr(t *testing.T, ref string, opts Options) error {
	t.Helper()
	img, err := Open(context.Background(), ref, opts)
	if err == nil {
		_ = img.Close()
		t.Fatalf("Open(%q) succeeded, want an error", ref)
	}
	t.Logf("%v", err)
	if strings.ContainsAny(err.Error(), "\n\r") {
		t.Errorf("error is not one line: %q", err)
	}
	if !strings.HasPrefix(err.Error(), ref+": ") {
		t.Errorf("error %q does not start with the reference", err)
	}
	return err
}

func wantContains(t *testing.T, err error, subs ...string) {
	t.Helper()
	for _, s := range subs {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("error %q does not contain %q", err, s)
		}
	}
}

var amd64 = &v1.Platform{OS: "linux", Architecture: "amd64"}
