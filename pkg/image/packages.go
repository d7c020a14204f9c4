package image

import (
	"bytes"
	"path"
	"sort"
	"strings"

	"github.com/hardline-dev/hardline/pkg/image/apkdb"
	"github.com/hardline-dev/hardline/pkg/image/dpkgdb"
	"github.com/hardline-dev/hardline/pkg/image/walk"
)

const (
	apkDB     = "/lib/apk/db/installed"
	dpkgDB    = "/var/lib/dpkg/status"
	dpkgDir   = "/var/lib/dpkg/status.d/"
	dpkgLists = "/var/lib/dpkg/info/"
)

// packages reads the package database of the squashed view and attributes
// each package to the layer that installed it: package managers rewrite
// their whole database in every layer that changes it, so the installing
// layer is the first, going up, from which the package is listed in its
// current version without a gap.
func (b *builder) packages() {
	pk := &b.doc.Packages
	switch {
	case b.hasFile(apkDB):
		pk.Manager = "apk"
		first := b.attribute(apkDB, func(data []byte) map[string]string {
			ps, _ := apkdb.Parse(bytes.NewReader(data))
			m := map[string]string{}
			for _, p := range ps {
				m[p.Name] = p.Version
			}
			return m
		})
		data, _ := b.content(apkDB)
		ps, err := apkdb.Parse(bytes.NewReader(data))
		if err != nil {
			b.warnf("%s: %v", apkDB, err)
		}
		for _, p := range ps {
			deps := append([]string{}, p.Depends...)
			pk.List = append(pk.List, Package{Name: p.Name, Version: p.Version, Arch: p.Arch, Source: p.Origin, Virtual: p.Virtual, Depends: deps, Layer: layerOf(first, p.Name)})
			for _, f := range p.Files {
				b.own(f, p.Name)
			}
		}
	case b.hasFile(dpkgDB):
		pk.Manager = "dpkg"
		first := b.attribute(dpkgDB, func(data []byte) map[string]string {
			ps, _ := dpkgdb.ParseStatus(bytes.NewReader(data))
			m := map[string]string{}
			for _, p := range ps {
				if onDisk(p) {
					m[p.Name] = p.Version
				}
			}
			return m
		})
		data, _ := b.content(dpkgDB)
		ps, err := dpkgdb.ParseStatus(bytes.NewReader(data))
		if err != nil {
			b.warnf("%s: %v", dpkgDB, err)
		}
		for _, p := range ps {
			if onDisk(p) {
				pk.List = append(pk.List, dpkgPackage(p, layerOf(first, p.Name)))
			}
		}
		b.dpkgOwners()
	}
	// Distroless images have no status file but one control file per
	// package in status.d/; each file's layer is its package's layer.
	b.view.Each(func(e *walk.Entry) {
		if !strings.HasPrefix(e.Path, dpkgDir) || e.Content == nil || e.Type != walk.File {
			return
		}
		ps, err := dpkgdb.ParseStatus(bytes.NewReader(e.Content))
		if err != nil {
			b.warnf("%s: %v", e.Path, err)
			return
		}
		if pk.Manager == "" {
			pk.Manager = "dpkg"
		}
		for _, p := range ps {
			if onDisk(p) {
				pk.List = append(pk.List, dpkgPackage(p, e.Layer))
			}
		}
	})
	sort.SliceStable(pk.List, func(i, j int) bool { return pk.List[i].Name < pk.List[j].Name })
}

// onDisk reports whether a package's files are in the image: installed,
// and also the in-between states an interrupted or trigger-pending install
// leaves (unpacked, half-configured, triggers-awaited/pending), whose files
// ship all the same. Removed packages that kept only their configuration
// (config-files) and not-installed ones do not count.
func onDisk(p dpkgdb.Package) bool {
	if p.Installed {
		return true
	}
	f := strings.Fields(p.Status)
	if len(f) != 3 {
		return false
	}
	switch f[2] {
	case "unpacked", "half-configured", "triggers-awaited", "triggers-pending", "half-installed":
		return true
	}
	return false
}

func dpkgPackage(p dpkgdb.Package, layer int) Package {
	deps := append([]string{}, p.Depends...)
	return Package{Name: p.Name, Version: p.Version, Arch: p.Arch, Source: p.Source, Depends: deps, Layer: layer}
}

func (b *builder) hasFile(p string) bool {
	_, _, ok := b.resolved(p)
	return ok
}

// attribute walks the versions of a database file layer by layer and
// returns, per package, the layer from which it has been listed in its
// current version.
func (b *builder) attribute(dbPath string, parse func([]byte) map[string]string) map[string]int {
	type since struct {
		version string
		layer   int
	}
	cur := map[string]since{}
	for _, l := range b.layers {
		var db *walk.Entry
		for _, e := range l.Entries {
			if e.Path == dbPath && e.Type == walk.File && e.Content != nil {
				db = e
			}
		}
		if db == nil {
			continue
		}
		next := map[string]since{}
		for name, v := range parse(db.Content) {
			if s, ok := cur[name]; ok && s.version == v {
				next[name] = s
			} else {
				next[name] = since{v, l.Index}
			}
		}
		cur = next
	}
	out := make(map[string]int, len(cur))
	for n, s := range cur {
		out[n] = s.layer
	}
	return out
}

func layerOf(m map[string]int, name string) int {
	if l, ok := m[name]; ok {
		return l
	}
	return -1
}

// dpkgOwners maps files to the packages whose info/*.list names them.
func (b *builder) dpkgOwners() {
	b.view.Each(func(e *walk.Entry) {
		if !strings.HasPrefix(e.Path, dpkgLists) || !strings.HasSuffix(e.Path, ".list") || e.Content == nil {
			return
		}
		name := strings.TrimSuffix(path.Base(e.Path), ".list")
		name, _, _ = strings.Cut(name, ":") // libc6:amd64.list
		dpkgdb.ParseFileList(bytes.NewReader(e.Content), func(p string) {
			b.own(p, name)
		})
	})
}

// own records that pkg owns p. Package databases name files by the path
// the package shipped them under; on a merged-/usr system (Debian 12:
// /bin → usr/bin) that is /bin/su while the layer holds /usr/bin/su, so
// the path with its directory resolved is recorded too.
func (b *builder) own(p, pkg string) {
	b.owner[p] = pkg
	dir := path.Dir(p)
	if b.dirCache == nil {
		b.dirCache = map[string]string{}
	}
	real, ok := b.dirCache[dir]
	if !ok {
		if rp, e, found := b.view.Resolve(dir); found && e != nil && e.Type == walk.Dir {
			real = rp
		}
		b.dirCache[dir] = real
	}
	if real != "" && real != dir {
		b.owner[path.Join(real, path.Base(p))] = pkg
	}
}
