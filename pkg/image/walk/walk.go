// Package walk reads layer tar streams once each and merges them into the
// two views an image scan needs: the squashed view (what a container sees,
// whiteouts and opaque directories applied) and the shipped-but-hidden
// entries (files a later layer deleted or replaced, still readable by anyone
// holding the image). Nothing is written to disk and nothing is executed;
// only the content of files a caller asks for is kept, up to a cap.
package walk

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"

	"github.com/hardline-dev/hardline/pkg/image/elfinfo"
)

// DefaultMaxFileBytes bounds how much of one captured file is kept.
const DefaultMaxFileBytes = 8 << 20

// DefaultMaxEntries bounds the entries of one layer, so that a hostile tar
// of tiny entries cannot exhaust memory through metadata alone.
const DefaultMaxEntries = 2_000_000

// Type is the kind of a layer entry.
type Type uint8

const (
	File Type = iota
	Dir
	Symlink
	Hardlink
	Other // devices, FIFOs
)

func (t Type) String() string {
	switch t {
	case File:
		return "file"
	case Dir:
		return "dir"
	case Symlink:
		return "symlink"
	case Hardlink:
		return "hardlink"
	}
	return "other"
}

// Entry is one file, directory or link of a layer.
type Entry struct {
	// Path is absolute and clean ("/usr/bin/gcc").
	Path string
	Type Type
	// Mode holds the permission and special bits (fs.ModeSetuid, ...).
	Mode     fs.FileMode
	UID, GID int
	Size     int64
	// Link is the symlink target as stored, or the absolute clean path of a
	// hardlink's target.
	Link  string
	Layer int
	// Content is the captured content (nil unless Options.Capture asked
	// for it); Truncated says it stopped at the cap.
	Content   []byte
	Truncated bool
	// ELF is set for ELF files whose headers could be read.
	ELF *elfinfo.Info
	// Shebang is the interpreter line of a script ("#!/bin/sh -e" → "/bin/sh -e").
	Shebang string
}

// Skip records content that was not read and why.
type Skip struct {
	Path   string
	Layer  int
	Reason string
}

// Layer is what one layer stream held.
type Layer struct {
	Index   int
	Entries []*Entry
	// Whiteouts are paths this layer deletes from the layers below.
	Whiteouts []string
	// Opaque are directories whose lower-layer contents this layer hides.
	Opaque []string
	// Count is the number of tar entries, whiteouts included.
	Count   int
	Skipped []Skip
}

// Options tune ReadLayer.
type Options struct {
	// Capture reports whether the content of the regular file at path
	// (absolute, clean) should be kept. nil keeps none.
	Capture func(path string, size int64) bool
	// MaxFileBytes caps captured content (0: DefaultMaxFileBytes).
	MaxFileBytes int64
	// MaxEntries caps entries per layer (0: DefaultMaxEntries).
	MaxEntries int
	// ELF enables reading ELF headers of regular files.
	ELF bool
}

// ReadLayer reads one uncompressed layer tar stream to its end. index is the
// layer's position, recorded in every entry.
func ReadLayer(ctx context.Context, index int, r io.Reader, opts Options) (*Layer, error) {
	maxBytes := opts.MaxFileBytes
	if maxBytes <= 0 {
		maxBytes = DefaultMaxFileBytes
	}
	maxEntries := opts.MaxEntries
	if maxEntries <= 0 {
		maxEntries = DefaultMaxEntries
	}
	l := &Layer{Index: index}
	tr := tar.NewReader(r)
	byPath := map[string]int{} // index into l.Entries, for duplicates and hardlinks
	var peek [512]byte
	for {
		if l.Count%256 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("reading layer tar: %w", err)
		}
		l.Count++
		if l.Count > maxEntries {
			return nil, fmt.Errorf("layer has more than %d entries", maxEntries)
		}
		p, ok := cleanPath(h.Name)
		if !ok {
			l.Skipped = append(l.Skipped, Skip{Path: h.Name, Layer: index, Reason: "path escapes the image root; ignored"})
			continue
		}
		if p == "/" {
			continue
		}
		dir, base := path.Split(p)
		dir = path.Clean(dir)
		if strings.HasPrefix(base, ".wh.") {
			switch {
			case base == ".wh..wh..opq":
				l.Opaque = append(l.Opaque, dir)
			case strings.HasPrefix(base, ".wh..wh."):
				// aufs bookkeeping (.wh..wh.plnk, .wh..wh.aufs): not content.
			default:
				l.Whiteouts = append(l.Whiteouts, path.Join(dir, strings.TrimPrefix(base, ".wh.")))
			}
			continue
		}
		e := &Entry{
			Path:  p,
			Mode:  fs.FileMode(h.Mode).Perm() | specialBits(h.Mode),
			UID:   h.Uid,
			GID:   h.Gid,
			Size:  h.Size,
			Layer: index,
		}
		switch h.Typeflag {
		case tar.TypeReg, tar.TypeGNUSparse: // archive/tar reports the old TypeRegA as TypeReg
			e.Type = File
		case tar.TypeDir:
			e.Type = Dir
		case tar.TypeSymlink:
			e.Type = Symlink
			e.Link = h.Linkname
		case tar.TypeLink:
			e.Type = Hardlink
			if lp, ok := cleanPath(h.Linkname); ok {
				e.Link = lp
				// A hardlink shares its target's content: inherit what
				// was learned from it when the target is in this layer.
				if i, ok := byPath[lp]; ok {
					t := l.Entries[i]
					e.Size, e.ELF, e.Shebang = t.Size, t.ELF, t.Shebang
					if t.Content != nil {
						e.Content, e.Truncated = t.Content, t.Truncated
					}
				}
			}
		case tar.TypeXHeader, tar.TypeXGlobalHeader, tar.TypeGNULongName, tar.TypeGNULongLink:
			continue // consumed by archive/tar; never seen in practice
		default:
			e.Type = Other
		}
		if e.Type == File && h.Size > 0 {
			if err := readContent(tr, e, h.Size, maxBytes, opts, peek[:]); err != nil {
				if isStreamError(err) {
					return nil, fmt.Errorf("reading %s: %w", p, err)
				}
				l.Skipped = append(l.Skipped, Skip{Path: p, Layer: index, Reason: err.Error()})
			}
			if e.Truncated {
				l.Skipped = append(l.Skipped, Skip{Path: p, Layer: index, Reason: fmt.Sprintf("larger than the %d-byte read cap; only the first %d bytes were checked", maxBytes, maxBytes)})
			}
		}
		if i, dup := byPath[p]; dup {
			// A path repeated in one tar: the later entry wins on extraction.
			l.Entries[i] = e
			continue
		}
		byPath[p] = len(l.Entries)
		l.Entries = append(l.Entries, e)
	}
	return l, nil
}

// streamError marks errors of the layer stream itself (as opposed to a
// file whose content is not a usable ELF), which end the layer.
type streamError struct{ err error }

func (s streamError) Error() string { return s.err.Error() }
func (s streamError) Unwrap() error { return s.err }

func isStreamError(err error) bool {
	var s streamError
	return errors.As(err, &s)
}

// countingReader tells stream failures apart from parse failures: any error
// that comes out of the tar reader is a stream error.
type countingReader struct {
	r   io.Reader
	err error
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if err != nil && err != io.EOF {
		c.err = err
	}
	return n, err
}

// readContent captures what opts asks for and reads ELF headers and
// shebangs from the start of the file, consuming as little as it can.
func readContent(tr io.Reader, e *Entry, size, maxBytes int64, opts Options, peek []byte) error {
	cr := &countingReader{r: tr}
	if opts.Capture != nil && opts.Capture(e.Path, size) {
		n := min(size, maxBytes)
		buf := make([]byte, n)
		if _, err := io.ReadFull(cr, buf); err != nil {
			return streamError{err}
		}
		e.Content = buf
		e.Truncated = size > maxBytes
		return inspect(e, bytes.NewReader(buf), int64(len(buf)), buf, opts)
	}
	k := min(int64(len(peek)), size)
	if _, err := io.ReadFull(cr, peek[:k]); err != nil {
		return streamError{err}
	}
	err := inspect(e, io.MultiReader(bytes.NewReader(peek[:k]), cr), size, peek[:k], opts)
	if cr.err != nil {
		return streamError{cr.err}
	}
	return err
}

// inspect records the ELF headers or the shebang of a file whose first
// bytes are head; r yields the whole file from its start.
func inspect(e *Entry, r io.Reader, size int64, head []byte, opts Options) error {
	if opts.ELF && elfinfo.IsELF(head) {
		info, err := elfinfo.Read(r, size, elfinfo.Options{})
		if err != nil {
			return fmt.Errorf("unreadable ELF headers: %w", err)
		}
		e.ELF = info
		return nil
	}
	if len(head) > 2 && head[0] == '#' && head[1] == '!' {
		line := head[2:]
		if i := bytes.IndexByte(line, '\n'); i >= 0 {
			line = line[:i]
		}
		e.Shebang = strings.TrimSpace(string(line))
	}
	return nil
}

func specialBits(mode int64) fs.FileMode {
	var m fs.FileMode
	if mode&0o4000 != 0 {
		m |= fs.ModeSetuid
	}
	if mode&0o2000 != 0 {
		m |= fs.ModeSetgid
	}
	if mode&0o1000 != 0 {
		m |= fs.ModeSticky
	}
	return m
}

// cleanPath makes a tar member name absolute and clean. Names that climb
// above the root ("../x", "a/../../x") are refused rather than clamped: a
// runtime's extractor rejects them, so they say nothing about the image.
func cleanPath(name string) (string, bool) {
	if name == "" {
		return "", false
	}
	rel := path.Clean(strings.TrimLeft(name, "/"))
	if rel == ".." || strings.HasPrefix(rel, "../") {
		return "", false
	}
	if rel == "." {
		return "/", true
	}
	return "/" + rel, true
}

// ModeString renders permission and special bits as octal ("4755").
func ModeString(m fs.FileMode) string {
	v := uint32(m.Perm())
	if m&fs.ModeSetuid != 0 {
		v |= 0o4000
	}
	if m&fs.ModeSetgid != 0 {
		v |= 0o2000
	}
	if m&fs.ModeSticky != 0 {
		v |= 0o1000
	}
	return fmt.Sprintf("%04o", v)
}
