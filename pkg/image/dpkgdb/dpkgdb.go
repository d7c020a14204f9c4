// Package dpkgdb parses the Debian package database found in container
// images: /var/lib/dpkg/status, the per-package files of distroless images
// (/var/lib/dpkg/status.d/*) and the file lists (/var/lib/dpkg/info/*.list),
// to list installed packages and which files they own.
//
// The status files use the deb822 control format: paragraphs separated by
// blank lines, "Field: value" lines, and continuation lines that start with
// a space or tab. Content comes from an untrusted image, so the parser skips
// what it does not understand and caps how much it keeps.
package dpkgdb

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Package is one paragraph of a dpkg status file.
type Package struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	Arch    string `json:"arch,omitempty"`
	// Source and SourceVersion name the source package. dpkg omits them
	// when they equal Name and Version; they are filled in so that callers
	// matching advisories (which are per source package) need no fallback.
	Source        string `json:"source,omitempty"`
	SourceVersion string `json:"source_version,omitempty"`
	// Status is the raw "want flag state" triple ("install ok installed");
	// empty for status.d files, which have none.
	Status    string `json:"status,omitempty"`
	Section   string `json:"section,omitempty"`
	Priority  string `json:"priority,omitempty"`
	MultiArch string `json:"multi_arch,omitempty"`
	Essential bool   `json:"essential"`
	// Depends and PreDepends are package names only: alternatives are
	// flattened, version constraints and architecture qualifiers
	// dropped, duplicates removed (first occurrence kept).
	Depends    []string `json:"depends,omitempty"`
	PreDepends []string `json:"pre_depends,omitempty"`
	// Provides are the virtual package names the package provides.
	Provides []string `json:"provides,omitempty"`
	// Installed is true when the package's files are fully in place
	// (state "installed"), which excludes removed packages whose
	// configuration files remain ("deinstall ok config-files") and
	// half-done operations. A paragraph without Status counts as
	// installed: that is how distroless status.d files look.
	Installed bool `json:"installed"`
}

// Limits on hostile input. Real status files have a few thousand
// paragraphs with lines well under 64 KiB.
const (
	MaxPackages = 100_000
	// maxLine bounds one physical line; longer lines are skipped whole.
	maxLine = 1 << 20
	// maxField bounds a kept field including its continuation lines.
	maxField = 1 << 20
	// maxList bounds Depends, PreDepends and Provides of one package.
	maxList = 10_000
)

// ErrTooLarge is returned, together with what was parsed up to that point,
// when the input exceeds the parser's limits.
var ErrTooLarge = errors.New("dpkgdb: status file exceeds parser limits")

// ParseStatus reads a status file (or one status.d file). Packages are
// returned in file order, removed ones included (see Installed). A read
// error is returned with the packages parsed before it.
func ParseStatus(r io.Reader) ([]Package, error) {
	p := parser{}
	br := bufio.NewReaderSize(r, 64<<10)
	var buf []byte
	for {
		line, tooLong, err := readLine(br, buf)
		buf = line[:0]
		if tooLong {
			// Whatever follows must not be glued onto the field before
			// the skipped line.
			p.field = ""
		} else {
			p.line(line)
		}
		if p.err != nil {
			return p.pkgs, p.err
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			p.flush()
			return p.pkgs, fmt.Errorf("dpkgdb: %w", err)
		}
	}
	p.flush()
	return p.pkgs, p.err
}

// fields are the fields ParseStatus keeps, by lower-cased name: field names
// are case-insensitive in deb822.
var fields = map[string]bool{
	"package": true, "version": true, "architecture": true, "source": true,
	"status": true, "section": true, "priority": true, "essential": true,
	"depends": true, "pre-depends": true, "provides": true, "multi-arch": true,
}

type parser struct {
	pkgs []Package
	// cur holds the kept fields of the current paragraph; first
	// occurrence wins, as in dpkg, which rejects duplicates.
	cur map[string]*strings.Builder
	// field is the kept field that continuation lines extend, "" when
	// the previous field is not kept.
	field string
	err   error
}

func (p *parser) line(line []byte) {
	if n := len(line); n > 0 && line[n-1] == '\r' {
		line = line[:n-1]
	}
	if len(bytes.TrimSpace(line)) == 0 {
		p.flush()
		return
	}
	if line[0] == ' ' || line[0] == '\t' {
		if p.field != "" {
			b := p.cur[p.field]
			if b.Len()+1+len(line) > maxField {
				p.field = ""
				return
			}
			b.WriteByte('\n')
			b.Write(bytes.TrimSpace(line))
		}
		return
	}
	p.field = ""
	if line[0] == '#' {
		// Comments are allowed in some deb822 files; never in status,
		// but skipping them costs nothing.
		return
	}
	colon := bytes.IndexByte(line, ':')
	if colon <= 0 {
		return
	}
	name := strings.ToLower(string(bytes.TrimSpace(line[:colon])))
	if !fields[name] {
		return
	}
	if p.cur == nil {
		if len(p.pkgs) >= MaxPackages {
			p.err = fmt.Errorf("%w: more than %d packages", ErrTooLarge, MaxPackages)
			return
		}
		p.cur = map[string]*strings.Builder{}
	}
	if _, dup := p.cur[name]; dup {
		return
	}
	b := &strings.Builder{}
	b.Write(bytes.TrimSpace(line[colon+1:]))
	p.cur[name] = b
	p.field = name
}

func (p *parser) flush() {
	defer func() { p.cur, p.field = nil, "" }()
	get := func(name string) string {
		if b := p.cur[name]; b != nil {
			return strings.TrimSpace(b.String())
		}
		return ""
	}
	name := get("package")
	if name == "" {
		return
	}
	pkg := Package{
		Name:      name,
		Version:   get("version"),
		Arch:      get("architecture"),
		Status:    get("status"),
		Section:   get("section"),
		Priority:  get("priority"),
		MultiArch: get("multi-arch"),
		Essential: strings.EqualFold(get("essential"), "yes"),
	}
	pkg.Source, pkg.SourceVersion = splitSource(get("source"))
	if pkg.Source == "" {
		pkg.Source = pkg.Name
	}
	if pkg.SourceVersion == "" {
		pkg.SourceVersion = pkg.Version
	}
	pkg.Depends = relationNames(get("depends"))
	pkg.PreDepends = relationNames(get("pre-depends"))
	pkg.Provides = relationNames(get("provides"))
	pkg.Installed = isInstalled(pkg.Status)
	p.pkgs = append(p.pkgs, pkg)
}

// isInstalled reads the state word of "want flag state". The absence of a
// Status field is how distroless writes status.d, where every package is
// installed.
func isInstalled(status string) bool {
	if status == "" {
		return true
	}
	f := strings.Fields(status)
	return len(f) == 3 && f[2] == "installed"
}

// splitSource splits "glibc (2.36-9+deb12u4)" into name and version.
func splitSource(s string) (name, version string) {
	name, rest, found := strings.Cut(s, "(")
	name = strings.TrimSpace(name)
	if found {
		version, _, _ = strings.Cut(rest, ")")
		version = strings.TrimSpace(version)
	}
	return name, version
}

// relationNames reduces a relationship field ("libc6 (>= 2.34), debconf
// (>= 0.5) | debconf-2.0, perl:any") to its package names: libc6, debconf,
// debconf-2.0, perl.
func relationNames(s string) []string {
	if s == "" {
		return nil
	}
	var names []string
	seen := map[string]bool{}
	for _, alt := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '|' }) {
		name := relationName(alt)
		if name == "" || seen[name] {
			continue
		}
		if len(names) >= maxList {
			break
		}
		seen[name] = true
		names = append(names, name)
	}
	return names
}

// relationName returns the package name of one alternative: the leading
// word, cut at the version "(", architecture list "[", build profile "<" or
// architecture qualifier ":".
func relationName(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexAny(s, " \t\n([<:"); i >= 0 {
		s = s[:i]
	}
	return s
}

// ParseFileList calls fn with each path of a dpkg file list
// (/var/lib/dpkg/info/PKG.list, PKG:ARCH.list), in file order. The "/."
// entry dpkg writes for the root directory, empty lines and lines longer
// than any real path are skipped. Paths are passed as written; they are
// absolute in real lists. A read error ends the list: callers read layer
// content before parsing it and see such errors there.
func ParseFileList(r io.Reader, fn func(path string)) {
	br := bufio.NewReaderSize(r, 64<<10)
	var buf []byte
	for {
		line, tooLong, err := readLine(br, buf)
		buf = line[:0]
		if n := len(line); n > 0 && line[n-1] == '\r' {
			line = line[:n-1]
		}
		if !tooLong && len(line) > 0 && len(line) <= maxPath && string(line) != "/." {
			fn(string(line))
		}
		if err != nil {
			return
		}
	}
}

// maxPath is Linux's PATH_MAX: no real file has a longer path.
const maxPath = 4096

// readLine returns the next line without its newline. A line longer than
// maxLine is consumed and reported as tooLong instead of being buffered.
// err is io.EOF together with the last line when the input ends.
func readLine(br *bufio.Reader, buf []byte) (line []byte, tooLong bool, err error) {
	for {
		frag, err := br.ReadSlice('\n')
		if !tooLong {
			if len(buf)+len(frag) > maxLine+1 {
				tooLong, buf = true, buf[:0]
			} else {
				buf = append(buf, frag...)
			}
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if n := len(buf); n > 0 && buf[n-1] == '\n' {
			buf = buf[:n-1]
		}
		return buf, tooLong, err
	}
}
