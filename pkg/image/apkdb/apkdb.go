// Package apkdb parses the Alpine package database (/lib/apk/db/installed)
// found in container images, to list the installed packages, what they
// depend on and which files they own.
//
// The database is a sequence of stanzas separated by blank lines; each line
// is a one-letter key, a colon and a value ("P:musl"). Content comes from an
// untrusted image, so the parser skips what it does not understand and caps
// how much it keeps.
package apkdb

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Package is one installed apk package.
type Package struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	Arch    string `json:"arch,omitempty"`
	// Origin is the source package (aport) the package was built from.
	Origin      string `json:"origin,omitempty"`
	Description string `json:"description,omitempty"`
	License     string `json:"license,omitempty"`
	// Depends are as written: names, "so:" and "cmd:" virtual names,
	// version constraints ("musl>=1.2") and conflicts ("!foo"). Use
	// DependName to reduce one to a package name.
	Depends []string `json:"depends,omitempty"`
	// Provides are as written ("so:libz.so.1=1.3.1", "cmd:apk=2.14.4-r0").
	Provides []string `json:"provides,omitempty"`
	// Replaces name packages whose files this one may overwrite.
	Replaces []string `json:"replaces,omitempty"`
	// Files are absolute paths ("/lib/libz.so.1") of the regular files,
	// symlinks and other non-directories the package installed. They are
	// kept for ownership lookups and are too many to serialise.
	Files []string `json:"-"`
	// Virtual is true for a meta package made by `apk add --virtual NAME`:
	// it only exists to group dependencies so they can be removed together,
	// which in a final image usually means that removal was forgotten.
	Virtual bool `json:"virtual"`
}

// Limits on hostile input. Real databases have hundreds of packages and
// tens of thousands of files; a single F: directory followed by many short
// R: lines would otherwise amplify a small input into gigabytes of paths.
const (
	MaxPackages = 100_000
	// maxLine bounds one line; longer lines are skipped whole.
	maxLine = 1 << 20
	// maxList bounds Depends, Provides and Replaces of one package.
	maxList = 10_000
	// maxFiles and maxFileBytes bound the Files of all packages together.
	maxFiles     = 1 << 20
	maxFileBytes = 64 << 20
	// maxPath is Linux's PATH_MAX: no real file has a longer path.
	maxPath = 4096
)

// ErrTooLarge is returned, together with what was parsed up to that point,
// when the database exceeds the parser's limits.
var ErrTooLarge = errors.New("apkdb: database exceeds parser limits")

// virtualDescription is what apk writes as T: for `apk add --virtual`.
const virtualDescription = "virtual meta package"

// Parse reads an installed database. Packages are returned in database
// order. Stanzas without a name are dropped. A read error is returned with
// the packages parsed before it.
func Parse(r io.Reader) ([]Package, error) {
	p := parser{}
	br := bufio.NewReaderSize(r, 64<<10)
	var buf []byte
	for {
		line, tooLong, err := readLine(br, buf)
		buf = line[:0]
		if !tooLong {
			p.line(line)
		}
		if p.err != nil {
			p.flush()
			return p.pkgs, p.err
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			p.flush()
			return p.pkgs, fmt.Errorf("apkdb: %w", err)
		}
	}
	p.flush()
	if p.err == nil && p.filesCapped {
		p.err = fmt.Errorf("%w: more than %d files or %d bytes of paths", ErrTooLarge, maxFiles, maxFileBytes)
	}
	return p.pkgs, p.err
}

type parser struct {
	pkgs []Package
	cur  *Package
	// dir is the current F: directory, without leading or trailing slash.
	dir string
	// hasFiles remembers R: lines even when the file cap dropped them, so
	// that the cap cannot turn a real package into a virtual one.
	hasFiles    bool
	files       int
	fileBytes   int
	filesCapped bool
	err         error
}

func (p *parser) line(line []byte) {
	if n := len(line); n > 0 && line[n-1] == '\r' {
		line = line[:n-1]
	}
	if len(bytes.TrimSpace(line)) == 0 {
		p.flush()
		return
	}
	if len(line) < 2 || line[1] != ':' {
		return
	}
	key, val := line[0], string(line[2:])
	if key == 'P' && p.cur != nil && p.cur.Name != "" {
		// A second name without a blank line in between: a damaged
		// database; starting a new package keeps both.
		p.flush()
	}
	if p.cur == nil {
		if len(p.pkgs) >= MaxPackages {
			p.err = fmt.Errorf("%w: more than %d packages", ErrTooLarge, MaxPackages)
			return
		}
		p.cur = &Package{}
	}
	c := p.cur
	switch key {
	case 'P':
		c.Name = val
	case 'V':
		c.Version = val
	case 'A':
		c.Arch = val
	case 'o':
		c.Origin = val
	case 'T':
		c.Description = val
	case 'L':
		c.License = val
	case 'D':
		c.Depends = appendFields(c.Depends, val)
	case 'p':
		c.Provides = appendFields(c.Provides, val)
	case 'r':
		c.Replaces = appendFields(c.Replaces, val)
	case 'F':
		p.dir = strings.Trim(val, "/")
	case 'R':
		p.hasFiles = true
		p.addFile(val)
	}
}

func (p *parser) addFile(name string) {
	if name == "" || p.filesCapped {
		return
	}
	full := "/" + name
	if p.dir != "" {
		if len(p.dir)+len(name)+2 > maxPath {
			return
		}
		full = "/" + p.dir + "/" + name
	}
	if len(full) > maxPath {
		return
	}
	if p.files >= maxFiles || p.fileBytes+len(full) > maxFileBytes {
		p.filesCapped = true
		return
	}
	p.files++
	p.fileBytes += len(full)
	p.cur.Files = append(p.cur.Files, full)
}

func (p *parser) flush() {
	c := p.cur
	if c != nil && c.Name != "" {
		c.Virtual = !p.hasFiles && c.Description == virtualDescription
		p.pkgs = append(p.pkgs, *c)
	}
	p.cur, p.dir, p.hasFiles = nil, "", false
}

func appendFields(list []string, val string) []string {
	for _, f := range strings.Fields(val) {
		if len(list) >= maxList {
			break
		}
		list = append(list, f)
	}
	return list
}

// DependName reduces a dependency as written in D: to the name it asks
// for: "musl>=1.2.3" → "musl", "so:libc.musl-x86_64.so.1" stays as is,
// "busybox@edge" → "busybox". A conflict ("!foo") asks for nothing and
// yields "".
func DependName(dep string) string {
	dep = strings.TrimSpace(dep)
	if strings.HasPrefix(dep, "!") {
		return ""
	}
	// apk's operators: = < > ~ and their combinations (>=, <=, ><, =~);
	// "@tag" pins a repository.
	if i := strings.IndexAny(dep, "=<>~@"); i >= 0 {
		dep = dep[:i]
	}
	return dep
}

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
