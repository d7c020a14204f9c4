package image

import (
	"io/fs"
	"path"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/hardline-dev/hardline/pkg/image/osrelease"
	"github.com/hardline-dev/hardline/pkg/image/passwd"
	"github.com/hardline-dev/hardline/pkg/image/walk"
)

// ProgramNames are the programs whose presence rules ask about: runtimes and
// package managers (node-in-final), compilers (build deps when there is no
// package database), inits and privilege-drop tools (no-init, run-as-root).
var ProgramNames = []string{
	"node", "nodejs", "npm", "npx", "yarn", "yarnpkg", "pnpm", "corepack", "bun", "deno",
	"gcc", "cc", "g++", "c++", "clang", "clang++", "tcc", "make", "cmake", "go", "rustc", "cargo", "ld", "as",
	"tini", "tini-static", "dumb-init", "catatonit", "docker-init", "s6-svscan", "supervisord", "runsvdir", "init",
	"gosu", "su-exec", "setpriv", "s6-setuidgid", "chpst", "runuser", "setuidgid", "sudo", "su",
	"sh", "bash", "ash", "dash", "busybox",
	"apk", "apt-get", "dpkg", "rpm", "pip", "pip3", "python", "python3",
	"curl", "wget",
}

// dropToolRef finds privilege-drop tools invoked in a script: the tool name
// as a command word (start of line or after a shell operator or exec).
var dropToolRef = regexp.MustCompile(`(?m)(?:^|[;&|({]|\bexec|\bthen|\bdo|\belse)\s*(?:[\w./-]*/)?(gosu|su-exec|setpriv|chpst|s6-setuidgid|setuidgid|runuser)\b`)

// defaultPath is what runtimes use when the config sets no PATH.
const defaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

func (b *builder) configPath() string {
	for _, e := range b.doc.Config.Env {
		if e.Name == "PATH" {
			return e.Value
		}
	}
	return defaultPath
}

func (b *builder) osAndUsers() {
	for _, p := range []string{"/etc/os-release", "/usr/lib/os-release"} {
		if data, ok := b.content(p); ok {
			info := osrelease.Parse(data)
			b.doc.OS = &info
			break
		}
	}
	var users []passwd.User
	var groups []passwd.Group
	if data, ok := b.content("/etc/passwd"); ok {
		users = passwd.ParsePasswd(data)
	}
	if data, ok := b.content("/etc/group"); ok {
		groups = passwd.ParseGroup(data)
	}
	for _, u := range users {
		b.doc.Users = append(b.doc.Users, User{Name: u.Name, UID: u.UID, GID: u.GID, Home: u.Home, Shell: u.Shell})
	}
	for _, g := range groups {
		m := g.Members
		if m == nil {
			m = []string{}
		}
		b.doc.Groups = append(b.doc.Groups, Group{Name: g.Name, GID: g.GID, Members: m})
	}
	r := passwd.Resolve(b.doc.Config.User, users, groups)
	b.doc.User = ResolvedUser{Spec: b.doc.Config.User, UID: r.UID, GID: r.GID, UIDKnown: r.UIDKnown, GIDKnown: r.GIDKnown, Name: r.Name, Reason: r.Reason}
}

// libDir reports whether dir is one the dynamic loader searches by default
// or where loaders live (/lib, /lib64, /usr/lib, and their multiarch
// subdirectories).
func libDir(dir string) bool {
	for _, root := range []string{"/lib", "/lib64", "/lib32", "/usr/lib", "/usr/lib64", "/usr/lib32", "/usr/local/lib"} {
		if dir == root {
			return true
		}
		if rest, ok := strings.CutPrefix(dir, root+"/"); ok && !strings.Contains(rest, "/") {
			return true
		}
	}
	return false
}

func (b *builder) libc() {
	l := &b.doc.Libc
	musl, glibc := false, false
	b.view.Each(func(e *walk.Entry) {
		dir, base := path.Split(e.Path)
		dir = path.Clean(dir)
		if !libDir(dir) || e.Type == walk.Dir {
			return
		}
		isMusl := strings.HasPrefix(base, "ld-musl-") && strings.HasSuffix(base, ".so.1")
		isGlibc := strings.HasPrefix(base, "ld-linux") && strings.Contains(base, ".so.") || base == "ld64.so.2" || base == "ld64.so.1"
		if base == "libc.so.6" {
			if _, _, ok := b.resolved(e.Path); ok {
				l.GlibcLibrary = true
			}
		}
		if !isMusl && !isGlibc {
			return
		}
		if _, _, ok := b.resolved(e.Path); !ok {
			return // a dangling loader link runs nothing
		}
		l.Loaders = append(l.Loaders, e.Path)
		musl = musl || isMusl
		glibc = glibc || isGlibc
	})
	switch {
	case musl && glibc:
		l.Kind = "both"
	case musl:
		l.Kind = "musl"
	case glibc:
		l.Kind = "glibc"
	default:
		l.Kind = "none"
	}
}

// binDirs are where programs are looked up: the config PATH, the standard
// directories, and the root (images put /tini there).
func (b *builder) lookupDirs() []string {
	if b.binDirs != nil {
		return b.binDirs
	}
	seen := map[string]bool{}
	var dirs []string
	for _, d := range append(strings.Split(b.configPath(), ":"), strings.Split(defaultPath, ":")...) {
		if d == "" || !strings.HasPrefix(d, "/") {
			continue
		}
		d = path.Clean(d)
		if !seen[d] {
			seen[d] = true
			dirs = append(dirs, d)
		}
	}
	b.binDirs = dirs
	return dirs
}

func (b *builder) programs() {
	want := map[string]bool{}
	for _, n := range ProgramNames {
		want[n] = true
	}
	dirs := append(slices.Clone(b.lookupDirs()), "/")
	for _, dir := range dirs {
		for _, name := range ProgramNames {
			p := path.Join(dir, name)
			if _, ok := b.view.Get(p); !ok {
				continue
			}
			target, e, ok := b.resolved(p)
			if !ok || e.Mode&0o111 == 0 {
				continue
			}
			if e.Path != target { // a hardlink reports its own path
				target = e.Path
			}
			b.doc.Programs[name] = append(b.doc.Programs[name], ProgramPath{Path: p, Target: target, Layer: e.Layer})
		}
	}
}

// exec resolves what the container starts the way runc does: Entrypoint +
// Cmd, argv[0] looked up in the config PATH when it has no slash, relative
// paths against the working directory.
func (b *builder) exec() {
	c := b.doc.Config
	x := &b.doc.Exec
	x.Layer = -1
	x.DropTools = []string{}
	if len(c.Entrypoint) > 0 {
		x.Argv = append(slices.Clone(c.Entrypoint), c.Cmd...)
		x.FromEntrypoint = true
	} else {
		x.Argv = slices.Clone(c.Cmd)
	}
	if x.Argv == nil {
		x.Argv = []string{}
	}
	if len(x.Argv) == 0 {
		return
	}
	x.Program = x.Argv[0]
	var candidates []string
	switch {
	case strings.HasPrefix(x.Program, "/"):
		candidates = []string{x.Program}
	case strings.Contains(x.Program, "/"):
		wd := c.WorkingDir
		if wd == "" {
			wd = "/"
		}
		candidates = []string{path.Join(wd, x.Program)}
	default:
		for _, d := range strings.Split(b.configPath(), ":") {
			if d == "" {
				d = "."
			}
			if !strings.HasPrefix(d, "/") {
				wd := c.WorkingDir
				if wd == "" {
					wd = "/"
				}
				d = path.Join(wd, d)
			}
			candidates = append(candidates, path.Join(d, x.Program))
		}
	}
	for _, p := range candidates {
		_, e, ok := b.resolved(p)
		if !ok {
			continue
		}
		x.Path, x.Found, x.Layer = p, true, e.Layer
		x.Executable = e.Mode&0o111 != 0
		switch {
		case e.ELF != nil:
			x.Kind = "elf"
			x.Interpreter = e.ELF.Interpreter
		case e.Shebang != "":
			x.Kind = "script"
			x.Interpreter, _, _ = strings.Cut(e.Shebang, " ")
		default:
			x.Kind = "other"
		}
		x.InterpreterFound = x.Interpreter == "" || b.exists(x.Interpreter)
		x.Runnable = x.Found && x.Executable && x.InterpreterFound
		if x.Kind == "script" && e.Content != nil {
			for _, m := range dropToolRef.FindAllStringSubmatch(string(e.Content), -1) {
				if !slices.Contains(x.DropTools, m[1]) {
					x.DropTools = append(x.DropTools, m[1])
				}
			}
			sort.Strings(x.DropTools)
			for _, tool := range x.DropTools {
				if len(b.doc.Programs[tool]) > 0 {
					x.DropsPrivileges = true
				}
			}
		}
		if x.Executable {
			break // runc takes the first executable match
		}
	}
}

// exists reports whether p resolves to a regular file in the squashed view.
func (b *builder) exists(p string) bool {
	_, _, ok := b.resolved(p)
	return ok
}

func (b *builder) elfFiles() {
	interp := map[string]bool{}
	b.view.Each(func(e *walk.Entry) {
		if e.ELF == nil || e.Type != walk.File && e.Type != walk.Hardlink {
			return
		}
		info := e.ELF
		f := ELFFile{
			Path:        e.Path,
			Layer:       e.Layer,
			Type:        info.Type,
			SharedLib:   info.SharedLib,
			Machine:     info.Machine,
			Interpreter: info.Interpreter,
			Needed:      append([]string{}, info.Needed...),
		}
		for _, n := range info.Needed {
			switch {
			case n == "libc.so.6" || strings.HasPrefix(n, "ld-linux"):
				f.NeedsGlibc = true
			case strings.HasPrefix(n, "libc.musl-") || strings.HasPrefix(n, "ld-musl-"):
				f.NeedsMusl = true
			}
		}
		if base := path.Base(info.Interpreter); info.Interpreter != "" {
			switch {
			case strings.HasPrefix(base, "ld-musl-"):
				f.NeedsMusl = true
			case strings.HasPrefix(base, "ld-linux") || strings.HasPrefix(base, "ld64.so"):
				f.NeedsGlibc = true
			}
			found, ok := interp[info.Interpreter]
			if !ok {
				found = b.exists(info.Interpreter)
				interp[info.Interpreter] = found
			}
			f.InterpreterFound = found
		}
		if f.Interpreter == "" && !f.NeedsGlibc && !f.NeedsMusl {
			return // static, or a library that needs no libc: nothing to judge
		}
		b.doc.ELF = append(b.doc.ELF, f)
	})
}

func (b *builder) wheels() {
	b.view.Each(func(e *walk.Entry) {
		if !strings.HasSuffix(e.Path, ".dist-info/WHEEL") || e.Content == nil {
			return
		}
		w := Wheel{Path: path.Dir(e.Path), Layer: e.Layer, Tags: []string{}}
		for _, line := range strings.Split(string(e.Content), "\n") {
			v, ok := strings.CutPrefix(strings.TrimSpace(line), "Tag:")
			if !ok {
				continue
			}
			tag := strings.TrimSpace(v)
			parts := strings.Split(tag, "-")
			if len(parts) != 3 || parts[2] == "any" {
				continue
			}
			w.Tags = append(w.Tags, tag)
			if strings.Contains(parts[2], "manylinux") {
				w.Manylinux = true
			}
			if strings.Contains(parts[2], "musllinux") {
				w.Musllinux = true
			}
		}
		if len(w.Tags) > 0 {
			sort.Strings(w.Tags)
			b.doc.Wheels = append(b.doc.Wheels, w)
		}
	})
}

func (b *builder) permissions() {
	b.view.Each(func(e *walk.Entry) {
		ref := func() FileRef {
			return FileRef{Path: e.Path, Type: e.Type.String(), Mode: walk.ModeString(e.Mode), UID: e.UID, GID: e.GID, Layer: e.Layer, Package: b.owner[e.Path]}
		}
		if e.Type == walk.File && e.Mode&(fs.ModeSetuid|fs.ModeSetgid) != 0 {
			b.doc.Setuid = append(b.doc.Setuid, ref())
		}
		if e.Type != walk.File && e.Type != walk.Dir || e.Mode&0o002 == 0 {
			return
		}
		if e.Type == walk.Dir && e.Mode&fs.ModeSticky != 0 {
			return // /tmp-style: anyone may create, only owners may delete
		}
		b.doc.WorldWritable = append(b.doc.WorldWritable, ref())
	})
}
