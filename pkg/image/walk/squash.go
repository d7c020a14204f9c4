package walk

import (
	"path"
	"sort"
	"strings"
)

// Hidden is an entry that ships in a layer but is not in the squashed view.
type Hidden struct {
	*Entry
	// By is the layer that deleted (whiteout, opaque directory) or
	// replaced it.
	By int
	// How is "deleted" or "replaced".
	How string
}

// View is the merged result of all layers.
type View struct {
	files map[string]*Entry
	// dirs are the ancestors of every squashed path: layer tars often omit
	// parent directory entries, which the runtime creates implicitly.
	dirs map[string]bool
	// sorted caches Paths.
	sorted []string
	// Hidden lists shipped entries that a later layer deleted or replaced,
	// ordered by layer then path.
	Hidden []Hidden
}

// Squash merges layers (bottom first) the way a container runtime stacks
// them. It works top-down so that every decision only needs the layers
// above: an entry is hidden when an upper layer whited it out, made one of
// its ancestors opaque or a non-directory, or put something at its path.
func Squash(layers []*Layer) *View {
	v := &View{files: map[string]*Entry{}}
	whiteout := map[string]int{} // path → layer; hides the path and below
	opaque := map[string]int{}   // dir → layer; hides what is below the dir
	for i := len(layers) - 1; i >= 0; i-- {
		l := layers[i]
		for _, e := range l.Entries {
			if by, ok := hiddenBy(e.Path, whiteout, opaque); ok {
				v.Hidden = append(v.Hidden, Hidden{Entry: e, By: by, How: "deleted"})
				continue
			}
			if up, ok := v.files[e.Path]; ok {
				if up.Type == Dir && e.Type == Dir {
					continue // the upper directory's metadata wins; nothing is lost
				}
				v.Hidden = append(v.Hidden, Hidden{Entry: e, By: up.Layer, How: "replaced"})
				continue
			}
			v.files[e.Path] = e
		}
		// This layer's deletions apply to the layers below it only, and so
		// do its non-directories: a file at /a hides a lower /a/b. Going
		// top-down, a later assignment is a nearer layer, which is the one
		// to name as the remover.
		for _, w := range l.Whiteouts {
			whiteout[w] = l.Index
		}
		for _, d := range l.Opaque {
			opaque[d] = l.Index
		}
		for _, e := range l.Entries {
			if e.Type != Dir {
				opaque[e.Path] = l.Index
			}
		}
	}
	v.dirs = map[string]bool{"/": true}
	for p := range v.files {
		for d := path.Dir(p); !v.dirs[d]; d = path.Dir(d) {
			v.dirs[d] = true
		}
	}
	sort.Slice(v.Hidden, func(a, b int) bool {
		x, y := v.Hidden[a], v.Hidden[b]
		if x.Layer != y.Layer {
			return x.Layer < y.Layer
		}
		return x.Path < y.Path
	})
	return v
}

// hiddenBy reports the nearest upper layer that removes p.
func hiddenBy(p string, whiteout, opaque map[string]int) (int, bool) {
	best, found := -1, false
	note := func(l int) {
		if !found || l < best {
			best, found = l, true
		}
	}
	if l, ok := whiteout[p]; ok {
		note(l)
	}
	for d := path.Dir(p); ; d = path.Dir(d) {
		if l, ok := whiteout[d]; ok {
			note(l)
		}
		if l, ok := opaque[d]; ok {
			note(l)
		}
		if d == "/" {
			break
		}
	}
	return best, found
}

// Get returns the squashed entry at an absolute clean path.
func (v *View) Get(p string) (*Entry, bool) {
	e, ok := v.files[p]
	return e, ok
}

// Len is the number of entries in the squashed view.
func (v *View) Len() int { return len(v.files) }

// Paths returns the squashed paths in sorted order; callers must not
// modify the slice.
func (v *View) Paths() []string {
	if v.sorted != nil {
		return v.sorted
	}
	out := make([]string, 0, len(v.files))
	for p := range v.files {
		out = append(out, p)
	}
	sort.Strings(out)
	v.sorted = out
	return out
}

// Each calls fn for every squashed entry in path order.
func (v *View) Each(fn func(*Entry)) {
	for _, p := range v.Paths() {
		fn(v.files[p])
	}
}

// maxLinks matches the kernel's limit on symlinks followed in one lookup.
const maxLinks = 40

// Resolve follows symlinks (and hardlinks to their target) to the entry a
// process opening p would get, confined to the image root as inside a
// chroot: ".." at the root stays at the root and absolute targets restart
// from the image root. It returns the final path and entry, or false when
// some component does not exist, is not a directory, or links loop.
func (v *View) Resolve(p string) (string, *Entry, bool) {
	links := 0
	return v.resolve(p, &links)
}

func (v *View) resolve(p string, links *int) (string, *Entry, bool) {
	parts := strings.Split(strings.Trim(path.Clean("/"+p), "/"), "/")
	cur := "/"
	for i := 0; i < len(parts); i++ {
		name := parts[i]
		switch name {
		case "", ".":
			continue
		case "..":
			cur = path.Dir(cur)
			continue
		}
		next := path.Join(cur, name)
		e, ok := v.files[next]
		if !ok {
			if !v.dirs[next] {
				return "", nil, false
			}
			e = &Entry{Path: next, Type: Dir, Mode: 0o755, Layer: -1}
		}
		last := i == len(parts)-1
		switch e.Type {
		case Symlink:
			*links++
			if *links > maxLinks {
				return "", nil, false
			}
			target := e.Link
			if !strings.HasPrefix(target, "/") {
				target = path.Join(cur, target)
			}
			rest := strings.Join(parts[i+1:], "/")
			return v.resolve(path.Join(target, rest), links)
		case Hardlink:
			if last {
				if t, ok := v.files[e.Link]; ok && t.Type == File {
					// Report the link's own path, but the target's facts.
					return next, t, true
				}
				return next, e, true
			}
			return "", nil, false
		case Dir:
			cur = next
		default:
			if !last {
				return "", nil, false
			}
			return next, e, true
		}
		if last {
			return next, e, true
		}
	}
	e, ok := v.files[cur]
	if cur == "/" {
		return "/", &Entry{Path: "/", Type: Dir}, true
	}
	return cur, e, ok
}
