package image

import (
	"archive/tar"
	"bytes"
	"io"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"

	"github.com/hardline-dev/hardline/pkg/image/source"
)

// ownedFile is a tar entry with an owner, which testLayer does not set.
type ownedFile struct {
	name     string
	body     string
	mode     int64
	uid, gid int
	typ      byte
	link     string
}

func ownedLayer(t *testing.T, mt types.MediaType, files ...ownedFile) v1.Layer {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, f := range files {
		typ := f.typ
		if typ == 0 {
			typ = tar.TypeReg
		}
		h := &tar.Header{Name: f.name, Typeflag: typ, Mode: f.mode, Uid: f.uid, Gid: f.gid, Linkname: f.link}
		if typ == tar.TypeReg {
			h.Size = int64(len(f.body))
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write([]byte(f.body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	l, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }, tarball.WithMediaType(mt))
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestImageFormat(t *testing.T) {
	for _, c := range []struct {
		types []string
		want  string
	}{
		{[]string{string(types.DockerLayer), string(types.DockerUncompressedLayer)}, "docker"},
		{[]string{string(types.OCILayer), string(types.OCILayerZStd)}, "oci"},
		{[]string{string(types.DockerLayer), string(types.OCILayer)}, ""},
		{[]string{""}, ""},
		{nil, ""},
	} {
		var ls []source.Layer
		for _, mt := range c.types {
			ls = append(ls, source.Layer{MediaType: mt})
		}
		if got := imageFormat(ls); got != c.want {
			t.Errorf("imageFormat(%v) = %q, want %q", c.types, got, c.want)
		}
	}
}

func TestBuildFormatHealthcheckCachesAccountFiles(t *testing.T) {
	base := ownedLayer(t, types.DockerLayer,
		ownedFile{name: "etc/passwd", body: "root:x:0:0::/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n", mode: 0o664, gid: 0},
		ownedFile{name: "etc/shadow", body: "root:*:1::::::\n", mode: 0o640, uid: 1000, gid: 42},
		ownedFile{name: "etc/group", typ: tar.TypeSymlink, link: "/usr/share/base/group"},
		ownedFile{name: "usr/share/base/group", body: "root:x:0:\n", mode: 0o666},
		// An emptied apt cache: only the lock and partial/ remain.
		ownedFile{name: "var/lib/apt/lists/lock", body: "", mode: 0o640},
		ownedFile{name: "var/lib/apt/lists/partial/", typ: tar.TypeDir, mode: 0o700},
		ownedFile{name: "var/cache/apk/APKINDEX.66df.tar.gz", body: "0123456789", mode: 0o644},
	)
	app := ownedLayer(t, types.DockerLayer,
		ownedFile{name: "var/cache/apk/APKINDEX.7c1f.tar.gz", body: "01234567890123456789", mode: 0o644},
		ownedFile{name: "home/app/.cache/pip/http/a/b", body: "wheel-bytes", mode: 0o600, uid: 1000},
		ownedFile{name: "home/app/.cache/pipx/c", body: "not pip's cache", mode: 0o600, uid: 1000},
		ownedFile{name: "root/.npm/_cacache/index-v5/x", body: "{}", mode: 0o644},
		ownedFile{name: "root/.npm/_logs/debug.log", body: "log", mode: 0o644},
	)
	img, err := mutate.AppendLayers(empty.Image, base, app)
	if err != nil {
		t.Fatal(err)
	}
	img = withConfig(t, img, v1.Config{Cmd: []string{"sh"}, Healthcheck: &v1.HealthConfig{Test: []string{"CMD", "true"}}}, nil)
	doc := build(t, img, Options{})
	if doc.Image.Format != FormatDocker {
		t.Errorf("format = %q, want docker", doc.Image.Format)
	}
	if doc.Config.Healthcheck == nil || len(doc.Config.Healthcheck.Test) != 2 {
		t.Errorf("healthcheck = %+v", doc.Config.Healthcheck)
	}
	want := []PackageCache{
		{Path: "/home/app/.cache/pip", Manager: "pip", Files: 1, Bytes: 11, Layer: 1},
		{Path: "/root/.npm/_cacache", Manager: "npm", Files: 1, Bytes: 2, Layer: 1},
		{Path: "/var/cache/apk", Manager: "apk", Files: 2, Bytes: 30, Layer: 1},
	}
	if len(doc.PackageCaches) != len(want) {
		t.Fatalf("package caches = %+v, want %+v", doc.PackageCaches, want)
	}
	for i := range want {
		if doc.PackageCaches[i] != want[i] {
			t.Errorf("package cache %d = %+v, want %+v", i, doc.PackageCaches[i], want[i])
		}
	}
	got := map[string]FileRef{}
	for _, f := range doc.AccountFiles {
		got[f.Path] = f
	}
	if len(got) != 3 {
		t.Fatalf("account files = %+v (gshadow is absent)", doc.AccountFiles)
	}
	if p := got["/etc/passwd"]; p.Mode != "0664" || p.UID != 0 || p.Type != "file" || p.Layer != 0 {
		t.Errorf("/etc/passwd = %+v", p)
	}
	if s := got["/etc/shadow"]; s.Mode != "0640" || s.UID != 1000 || s.GID != 42 {
		t.Errorf("/etc/shadow = %+v", s)
	}
	if g := got["/etc/group"]; g.Mode != "0666" || g.Type != "file" {
		t.Errorf("/etc/group must describe the file its symlink names: %+v", g)
	}
	validateDoc(t, "hygiene image", doc)
}

// An OCI image: the format says so, and an emptied cache is no cache.
func TestBuildOCIFormat(t *testing.T) {
	l := ownedLayer(t, types.OCILayer,
		ownedFile{name: "var/lib/apt/lists/lock", body: "", mode: 0o640},
		ownedFile{name: "var/cache/apt/archives/partial/x.deb", body: "half", mode: 0o644},
		ownedFile{name: "etc/passwd", body: "root:x:0:0::/root:/bin/sh\n", mode: 0o644},
	)
	img, err := mutate.AppendLayers(empty.Image, l)
	if err != nil {
		t.Fatal(err)
	}
	img = mutate.MediaType(img, types.OCIManifestSchema1)
	img = mutate.ConfigMediaType(img, types.OCIConfigJSON)
	img = withConfig(t, img, v1.Config{Cmd: []string{"sh"}}, nil)
	doc := build(t, img, Options{})
	if doc.Image.Format != FormatOCI {
		t.Errorf("format = %q, want oci", doc.Image.Format)
	}
	if len(doc.PackageCaches) != 0 {
		t.Errorf("package caches = %+v, want none", doc.PackageCaches)
	}
	if len(doc.AccountFiles) != 1 || doc.AccountFiles[0].Mode != "0644" {
		t.Errorf("account files = %+v", doc.AccountFiles)
	}
}

func TestCacheRootOf(t *testing.T) {
	for p, want := range map[string]string{
		"/var/cache/apk/APKINDEX.tar.gz":      "/var/cache/apk",
		"/home/u/.cache/pip/x":                "/home/u/.cache/pip",
		"/home/u/x/.cache/pip/x":              "",
		"/home//.cache/pip/x":                 "",
		"/var/cache/apkx/y":                   "",
		"/usr/local/share/.cache/yarn/v6/pkg": "/usr/local/share/.cache/yarn",
		"/var/lib/apt/lists":                  "",
	} {
		got, _, _ := cacheRootOf(p)
		if got != want {
			t.Errorf("cacheRootOf(%q) = %q, want %q", p, got, want)
		}
	}
}
