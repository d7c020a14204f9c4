package image

import (
	"path"
	"sort"
	"strings"

	"github.com/hardline-dev/hardline/pkg/image/source"
	"github.com/hardline-dev/hardline/pkg/image/walk"
)

// Image formats (ImageRef.Format).
const (
	FormatDocker = "docker"
	FormatOCI    = "oci"
)

// imageFormat names the format the image's manifest declares, from its
// layers' media types: a Docker v2 manifest lists Docker layer types, an
// OCI manifest OCI ones (docker-archive layers are sniffed as Docker
// types unless Docker 25+'s index.json declares them). The source does not
// expose the manifest's config media type itself, and the layer types are
// set by the same writer. Mixed or unknown types give "": any answer would
// be a guess.
func imageFormat(layers []source.Layer) string {
	docker, oci := false, false
	for _, l := range layers {
		switch {
		case strings.HasPrefix(l.MediaType, "application/vnd.oci.image."):
			oci = true
		case strings.HasPrefix(l.MediaType, "application/vnd.docker.image."):
			docker = true
		}
	}
	switch {
	case docker && !oci:
		return FormatDocker
	case oci && !docker:
		return FormatOCI
	}
	return ""
}

// cacheRoot is a directory package managers keep downloads or indexes in.
type cacheRoot struct {
	dir     string // absolute; "*" stands for one path element (a home directory)
	manager string
}

// cacheRoots are the package-manager caches whose content serves no purpose
// at run time. Lock files and apt's partial/ directory are always there
// (empty) and are not counted.
var cacheRoots = []cacheRoot{
	{"/var/cache/apk", "apk"},
	{"/etc/apk/cache", "apk"},
	{"/var/lib/apt/lists", "apt"},
	{"/var/cache/apt", "apt"},
	{"/var/cache/dnf", "dnf"},
	{"/var/cache/yum", "yum"},
	{"/var/cache/tdnf", "tdnf"},
	{"/var/cache/zypp", "zypper"},
	{"/root/.cache/pip", "pip"},
	{"/home/*/.cache/pip", "pip"},
	{"/root/.cache/uv", "uv"},
	{"/home/*/.cache/uv", "uv"},
	{"/root/.npm/_cacache", "npm"},
	{"/home/*/.npm/_cacache", "npm"},
	{"/usr/local/share/.cache/yarn", "yarn"},
	{"/root/.cache/yarn", "yarn"},
	{"/home/*/.cache/yarn", "yarn"},
}

// cacheRootOf returns the cache directory p is inside (with the home
// directory filled in), or false.
func cacheRootOf(p string) (string, string, bool) {
	for _, r := range cacheRoots {
		pre, rest, wild := strings.Cut(r.dir, "/*/")
		if !wild {
			if strings.HasPrefix(p, r.dir+"/") {
				return r.dir, r.manager, true
			}
			continue
		}
		after, ok := strings.CutPrefix(p, pre+"/")
		if !ok {
			continue
		}
		home, inside, ok := strings.Cut(after, "/")
		if ok && home != "" && strings.HasPrefix(inside, rest+"/") {
			return pre + "/" + home + "/" + rest, r.manager, true
		}
	}
	return "", "", false
}

// cacheNoise is what an emptied cache still holds.
func cacheNoise(p string) bool {
	base := path.Base(p)
	return base == "lock" || strings.Contains(p, "/partial/")
}

func (b *builder) packageCaches() {
	type acc struct {
		c       PackageCache
		byLayer map[int]int64
	}
	found := map[string]*acc{}
	b.view.Each(func(e *walk.Entry) {
		if e.Type != walk.File && e.Type != walk.Hardlink {
			return
		}
		if !strings.HasPrefix(e.Path, "/var/") && !strings.HasPrefix(e.Path, "/root/") &&
			!strings.HasPrefix(e.Path, "/home/") && !strings.HasPrefix(e.Path, "/etc/apk/") &&
			!strings.HasPrefix(e.Path, "/usr/local/share/.cache/") {
			return
		}
		dir, manager, ok := cacheRootOf(e.Path)
		if !ok || cacheNoise(e.Path) {
			return
		}
		a := found[dir]
		if a == nil {
			a = &acc{c: PackageCache{Path: dir, Manager: manager, Layer: -1}, byLayer: map[int]int64{}}
			found[dir] = a
		}
		a.c.Files++
		size := e.Size
		if e.Type == walk.Hardlink {
			size = 0 // the bytes are counted at the link's target
		}
		a.c.Bytes += size
		a.byLayer[e.Layer] += size
	})
	for _, a := range found {
		// The layer that put the most bytes there is the step to fix;
		// the lowest such layer on a tie, so the answer is stable.
		best := int64(-1)
		for l, n := range a.byLayer {
			if n > best || n == best && l < a.c.Layer {
				best, a.c.Layer = n, l
			}
		}
		b.doc.PackageCaches = append(b.doc.PackageCaches, a.c)
	}
	sort.Slice(b.doc.PackageCaches, func(i, j int) bool { return b.doc.PackageCaches[i].Path < b.doc.PackageCaches[j].Path })
}

// accountFilePaths are the account databases a process that can write them
// could use to give itself (or any user) UID 0 or a known password.
var accountFilePaths = []string{"/etc/passwd", "/etc/shadow", "/etc/group", "/etc/gshadow"}

// accountFiles records owner and mode of the account databases, following
// a symlink to the file it names (the mode of a link means nothing).
func (b *builder) accountFiles() {
	for _, p := range accountFilePaths {
		if _, ok := b.view.Get(p); !ok {
			continue
		}
		_, e, ok := b.view.Resolve(p)
		if !ok || e == nil {
			continue
		}
		b.doc.AccountFiles = append(b.doc.AccountFiles, FileRef{
			Path: p, Type: e.Type.String(), Mode: walk.ModeString(e.Mode), UID: e.UID, GID: e.GID, Layer: e.Layer, Package: b.owner[p],
		})
	}
}
