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
	"unicode/utf8"

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
	// Scan counts what Options.Scan was offered and what was left out.
	Scan ScanStats
}

// ScanStats counts the content scan of one layer (Options.Scan).
type ScanStats struct {
	// Files and Bytes are the text files passed to Scanner.Scan and the
	// bytes passed.
	Files int
	Bytes int64
	// Binary and BinaryBytes are wanted files not passed because their
	// start looks binary (see LooksBinary), and their sizes.
	Binary      int
	BinaryBytes int64
	// Truncated files were longer than the read cap: only their first
	// MaxFileBytes were passed; TruncatedBytes is what was left unread.
	Truncated      int
	TruncatedBytes int64
}

// Scanner is offered file content while ReadLayer streams a layer, so that
// content checks need no second pass and keep nothing. Its methods are
// called from ReadLayer's goroutine, one file at a time, in stream order.
type Scanner interface {
	// Want reports whether the content of the regular file at path
	// (absolute, clean) of size bytes should be scanned.
	Want(path string, size int64) bool
	// Scan receives the first min(size, MaxFileBytes) bytes of a wanted file
	// whose first SniffBytes do not look binary; truncated says the file is
	// longer. data is only valid during the call: ReadLayer reuses it.
	Scan(e *Entry, data []byte, truncated bool)
}

// SniffBytes is how much of a file's start LooksBinary judges.
const SniffBytes = 8 << 10

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
	// Scan, when set, is offered the content of every regular file (see
	// Scanner); captured files are offered their captured content.
	Scan Scanner
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
	rd := &reader{opts: opts, maxBytes: maxBytes, stats: &l.Scan}
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
			scanned, err := rd.content(tr, e, h.Size, isSparse(h))
			if err != nil {
				if isStreamError(err) {
					return nil, fmt.Errorf("reading %s: %w", p, err)
				}
				l.Skipped = append(l.Skipped, Skip{Path: p, Layer: index, Reason: err.Error()})
			}
			if e.Truncated || (scanned && h.Size > maxBytes) {
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

// errSparseCap ends reads of a sparse file at the read cap.
var errSparseCap = errors.New("sparse file: content beyond the read cap is not read")

// sparseReader serves the first left bytes of a sparse file, then
// errSparseCap: not io.EOF, so that a parser asking for more reports a
// skipped file rather than a truncated one.
type sparseReader struct {
	r    io.Reader
	left int64
}

func (s *sparseReader) Read(p []byte) (int, error) {
	if s.left <= 0 {
		return 0, errSparseCap
	}
	if int64(len(p)) > s.left {
		p = p[:s.left]
	}
	n, err := s.r.Read(p)
	s.left -= int64(n)
	return n, err
}

// isSparse reports a GNU or PAX sparse member, whose Size counts its holes.
func isSparse(h *tar.Header) bool {
	if h.Typeflag == tar.TypeGNUSparse {
		return true
	}
	for k := range h.PAXRecords {
		if strings.HasPrefix(k, "GNU.sparse.") {
			return true
		}
	}
	return false
}

// reader holds what content reads of one layer share: the options and a
// buffer reused from file to file for scanned content, so that scanning
// allocates at most one MaxFileBytes buffer per layer being read.
type reader struct {
	opts     Options
	maxBytes int64
	stats    *ScanStats
	peek     [512]byte
	buf      []byte
}

// content captures what opts asks for, offers text content to the
// scanner, and reads ELF headers and shebangs from the start of the file,
// consuming as little as it can. scanned reports that the file was passed
// to the scanner.
//
// A sparse file's holes cost nothing in the stream but are served as
// zeros by archive/tar: a 10 GB sparse file holds 10 GB of reading for
// whoever follows it. So its content is read to the cap at most, like a
// captured file's, and an ELF whose headers lie beyond is skipped.
func (rd *reader) content(tr io.Reader, e *Entry, size int64, sparse bool) (scanned bool, err error) {
	opts := rd.opts
	cr := &countingReader{r: tr}
	var src io.Reader = cr
	if sparse {
		src = &sparseReader{r: cr, left: rd.maxBytes}
	}
	want := opts.Scan != nil && opts.Scan.Want(e.Path, size)
	if opts.Capture != nil && opts.Capture(e.Path, size) {
		n := min(size, rd.maxBytes)
		buf := make([]byte, n)
		if _, err := io.ReadFull(src, buf); err != nil {
			return false, streamError{err}
		}
		e.Content = buf
		e.Truncated = size > rd.maxBytes
		if want {
			scanned = rd.offer(e, buf, size)
		}
		return scanned, inspect(e, bytes.NewReader(buf), int64(len(buf)), buf, opts)
	}
	if want {
		// Judge the start first: a binary is not read into the buffer,
		// only streamed past (its ELF headers still read forward).
		k := min(size, SniffBytes, rd.maxBytes)
		head := rd.grow(k, 0)
		if _, err := io.ReadFull(src, head); err != nil {
			return false, streamError{err}
		}
		if LooksBinary(head, k == size) {
			rd.stats.Binary++
			rd.stats.BinaryBytes += size
			err := inspect(e, io.MultiReader(bytes.NewReader(head), src), size, head, opts)
			if cr.err != nil {
				return false, streamError{cr.err}
			}
			return false, err
		}
		n := min(size, rd.maxBytes)
		data := rd.grow(n, k)
		if _, err := io.ReadFull(src, data[k:]); err != nil {
			return false, streamError{err}
		}
		rd.count(n, size)
		opts.Scan.Scan(e, data, size > n)
		return true, inspect(e, bytes.NewReader(data), n, data, opts)
	}
	k := min(int64(len(rd.peek)), size)
	if _, err := io.ReadFull(src, rd.peek[:k]); err != nil {
		return false, streamError{err}
	}
	err = inspect(e, io.MultiReader(bytes.NewReader(rd.peek[:k]), src), size, rd.peek[:k], opts)
	if cr.err != nil {
		return false, streamError{cr.err}
	}
	return false, err
}

// offer passes captured content to the scanner unless it looks binary.
func (rd *reader) offer(e *Entry, data []byte, size int64) bool {
	head := data[:min(len(data), SniffBytes)]
	if LooksBinary(head, int64(len(head)) == size) {
		rd.stats.Binary++
		rd.stats.BinaryBytes += size
		return false
	}
	rd.count(int64(len(data)), size)
	rd.opts.Scan.Scan(e, data, size > int64(len(data)))
	return true
}

func (rd *reader) count(n, size int64) {
	rd.stats.Files++
	rd.stats.Bytes += n
	if size > n {
		rd.stats.Truncated++
		rd.stats.TruncatedBytes += size - n
	}
}

// grow returns the reusable buffer resized to n bytes; its first keep
// bytes are preserved.
func (rd *reader) grow(n, keep int64) []byte {
	if int64(len(rd.buf)) < n {
		nb := make([]byte, max(n, min(2*int64(len(rd.buf)), rd.maxBytes)))
		copy(nb, rd.buf[:keep])
		rd.buf = nb
	}
	return rd.buf[:n]
}

// LooksBinary reports whether a file that starts with head is binary
// rather than text: a NUL byte, invalid UTF-8 (a rune cut at the end of an
// incomplete head excepted), or the signature of a compiled, compressed or
// image format whose first bytes happen to be text (gzip, zip and jar,
// Java class files, compiled Python, PNG, JPEG, GIF, PDF, WebAssembly, …).
// complete says head is the whole file.
func LooksBinary(head []byte, complete bool) bool {
	if len(head) == 0 {
		return false
	}
	for _, m := range binaryMagic {
		if bytes.HasPrefix(head, m) {
			return true
		}
	}
	if bytes.IndexByte(head, 0) >= 0 {
		return true // compiled Python (.pyc), ICO, most executables and archives
	}
	if !complete {
		head = trimPartialRune(head)
	}
	return !utf8.Valid(head)
}

// binaryMagic are signatures of binary formats, for the files whose first
// bytes could pass the NUL and UTF-8 checks.
var binaryMagic = [][]byte{
	[]byte("\x7fELF"),
	[]byte("\x1f\x8b"),         // gzip
	[]byte("PK\x03\x04"),       // zip, jar, wheel, apk
	[]byte("\xca\xfe\xba\xbe"), // Java class, Mach-O fat
	[]byte("\x89PNG"),          // PNG
	[]byte("\xff\xd8\xff"),     // JPEG
	[]byte("GIF87a"), []byte("GIF89a"),
	[]byte("%PDF-"),
	[]byte("\x00asm"),            // WebAssembly
	[]byte("\xfd7zXZ\x00"),       // xz
	[]byte("\x28\xb5\x2f\xfd"),   // zstd
	[]byte("7z\xbc\xaf\x27\x1c"), // 7-Zip
	[]byte("BZh91AY&SY"),         // bzip2 (block size 9, the default)
	[]byte("!<arch>\n"),          // ar: static libraries, .deb
	[]byte("SQLite format 3\x00"),
	[]byte("wOFF"), []byte("wOF2"), // web fonts
}

// trimPartialRune drops an incomplete UTF-8 sequence at the end of b.
func trimPartialRune(b []byte) []byte {
	for i := 1; i <= utf8.UTFMax && i <= len(b); i++ {
		c := b[len(b)-i]
		if c < utf8.RuneSelf {
			return b // ASCII: nothing is cut
		}
		if utf8.RuneStart(c) {
			if !utf8.FullRune(b[len(b)-i:]) {
				return b[:len(b)-i]
			}
			return b
		}
	}
	return b
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
