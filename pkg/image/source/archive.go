package source

import (
	"archive/tar"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/layout"
)

type archiveKind int

const (
	archiveAny archiveKind = iota
	archiveDocker
	archiveOCI
)

// notArchiveError marks a file that is no image archive at all, as opposed to a broken one, so
// that the error for a bare word naming an unrelated file can point to the registry: prefix.
type notArchiveError struct{ msg string }

func (e *notArchiveError) Error() string { return e.msg }

// splitPathSelector splits "PATH[:SEL]" or "PATH@DIGEST" where PATH may itself contain ':' or
// '@': the shortest prefix that exists wins. The selector keeps its separator.
func splitPathSelector(rest string) (p, sel string, err error) {
	if _, err := os.Stat(rest); err == nil {
		return rest, "", nil
	}
	for i := 0; i < len(rest); i++ {
		if rest[i] != ':' && rest[i] != '@' {
			continue
		}
		if _, err := os.Stat(rest[:i]); err == nil {
			return rest[:i], rest[i:], nil
		}
	}
	first := rest
	if i := strings.IndexAny(rest, ":@"); i > 0 {
		first = rest[:i]
	}
	if first == "" {
		return "", "", errors.New("missing path")
	}
	if first != rest {
		return "", "", fmt.Errorf("%s: %w", first, errNoSuchFile)
	}
	return "", "", errNoSuchFile
}

// errNoSuchFile reads like the shell's message and still matches fs.ErrNotExist.
var errNoSuchFile error = noSuchFile{}

type noSuchFile struct{}

func (noSuchFile) Error() string        { return "no such file or directory" }
func (noSuchFile) Is(target error) bool { return target == fs.ErrNotExist }

// openArchiveRef opens docker-archive:PATH[:REPO:TAG] and oci-archive:PATH[:TAG|@DIGEST].
func openArchiveRef(ctx context.Context, ref, rest string, kind archiveKind, want v1.Platform, strict bool, maxArchive int64) (*Image, error) {
	if rest == "-" {
		return nil, errStdin
	}
	p, sel, err := splitPathSelector(rest)
	if err != nil {
		return nil, err
	}
	if strings.HasPrefix(sel, "@") && kind == archiveDocker {
		return nil, errors.New("a docker-archive selects images by REPO:TAG, not by digest")
	}
	img, err := openArchiveFile(ctx, ref, p, ref, kind, sel, want, strict, maxArchive)
	var nae *notArchiveError
	if errors.As(err, &nae) {
		return nil, newOpenError(ref, nae.msg, nil)
	}
	return img, err
}

// openArchiveFile opens an image archive: a plain tar is indexed for random access, a compressed
// one is read in single-pass mode. maxArchive bounds a compressed archive's uncompressed size
// (-1: none).
func openArchiveFile(ctx context.Context, ref, p, displayName string, kind archiveKind, sel string, want v1.Platform, strict bool, maxArchive int64) (img *Image, err error) {
	f, err := os.Open(p)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, errNoSuchFile
		}
		return nil, errors.New(pathErrText(err))
	}
	defer func() {
		if err != nil {
			_ = f.Close()
		}
	}()
	st, err := f.Stat()
	if err != nil {
		return nil, errors.New(pathErrText(err))
	}
	if !st.Mode().IsRegular() {
		return nil, errors.New("not a regular file")
	}
	size := st.Size()
	if size == 0 {
		return nil, &notArchiveError{"empty file, not a docker-archive or OCI image archive"}
	}
	head := make([]byte, 512)
	n, err := f.ReadAt(head, 0)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, errors.New(pathErrText(err))
	}
	head = head[:n]

	var (
		store blobStore
		res   *resolved
		kindF archiveKind
	)
	// Each pass over a compressed archive reads the open file from the start, so that the file
	// read by ReadLayers is the one Open checked even if the path is replaced meanwhile.
	openStream := func(context.Context) (io.ReadCloser, error) {
		r, closeDec, err := decompress(io.NewSectionReader(f, 0, size))
		if err != nil {
			return nil, err
		}
		return readCloser{newLimitReader(r, maxArchive, nil, "the archive is"), closeDec}, nil
	}
	comp := compressionOf(head)
	switch {
	case comp == compGzip || comp == compZstd || comp == compBzip2:
		ms, err := prescan(ctx, openStream)
		if err != nil {
			return nil, err
		}
		store = ms
	case comp == compXz:
		return nil, errors.New("xz-compressed archives are not supported; decompress it first")
	case isTarHeader(head):
		ts, err := indexTar(f, size)
		if err != nil {
			return nil, err
		}
		store = ts
	default:
		return nil, &notArchiveError{"not a docker-archive or OCI image archive"}
	}

	if kindF, err = archiveKindOf(store, kind); err != nil {
		return nil, err
	}
	switch kindF {
	case archiveDocker:
		res, err = resolveDocker(store, strings.TrimPrefix(sel, ":"))
	default:
		res, err = resolveOCI(store, parseOCISelector(sel), want, strict, "archive")
	}
	if err != nil {
		return nil, err
	}

	img = &Image{Ref: ref, Name: displayName, Transport: TransportOCIArchive}
	if kindF == archiveDocker {
		img.Transport = TransportDockerArchive
	}
	res.apply(img)
	img.closers = append(img.closers, f.Close)
	switch s := store.(type) {
	case *tarStore:
		img.random = s.layerSource(res)
	case *memStore:
		// The pass in ReadLayers looks for the members that hold the data, not for links to them.
		paths := make([]string, len(res.paths))
		for i, p := range res.paths {
			paths[i] = followLinks(s.links, p, func(n string) bool { _, ok := s.members[n]; return ok })
		}
		img.stream = &streamSource{
			where:    "archive",
			open:     openStream,
			paths:    paths,
			urls:     res.urls,
			complete: true,
		}
	}
	return img, nil
}

func parseOCISelector(sel string) ociSelector {
	switch {
	case strings.HasPrefix(sel, "@"):
		return ociSelector{digest: sel[1:]}
	case strings.HasPrefix(sel, ":"):
		return ociSelector{tag: sel[1:]}
	}
	return ociSelector{}
}

// archiveKindOf tells a docker-archive (manifest.json) from an OCI archive (index.json). Docker
// 25+ writes both; manifest.json wins unless oci-archive: was asked for.
func archiveKindOf(st blobStore, want archiveKind) (archiveKind, error) {
	_, hasManifest := st.size("manifest.json")
	_, hasIndex := st.size("index.json")
	switch want {
	case archiveDocker:
		if !hasManifest {
			if hasIndex {
				return 0, errors.New("no manifest.json: not a docker-archive (it is an OCI archive; use oci-archive:)")
			}
			return 0, errors.New("no manifest.json: not a docker-archive")
		}
		return archiveDocker, nil
	case archiveOCI:
		if !hasIndex {
			return 0, errors.New("no index.json: not an OCI image archive")
		}
		return archiveOCI, nil
	}
	switch {
	case hasManifest:
		return archiveDocker, nil
	case hasIndex:
		return archiveOCI, nil
	}
	return 0, &notArchiveError{"not a docker-archive or OCI image archive"}
}

type readCloser struct {
	io.Reader
	close func()
}

func (r readCloser) Close() error {
	r.close()
	return nil
}

// tarStore indexes a plain tar file so that members can be read at random and concurrently.
type tarStore struct {
	r       io.ReaderAt
	members map[string]tarMember
	links   map[string]string
}

type tarMember struct{ off, size int64 }

// indexTar reads only the tar headers: the section reader is an io.Seeker, so archive/tar seeks
// over member content instead of reading it.
func indexTar(r io.ReaderAt, size int64) (*tarStore, error) {
	sr := io.NewSectionReader(r, 0, size)
	tr := tar.NewReader(sr)
	ts := &tarStore{r: r, members: map[string]tarMember{}, links: map[string]string{}}
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			if len(ts.members) == 0 {
				return nil, &notArchiveError{fmt.Sprintf("not a docker-archive or OCI image archive (%v)", err)}
			}
			return nil, fmt.Errorf("corrupt or truncated tar archive: %w", err)
		}
		if len(ts.members)+len(ts.links) >= maxMembers {
			return nil, fmt.Errorf("the archive has more than %d members, too many for an image archive", maxMembers)
		}
		name := cleanName(hdr.Name)
		if name == "" {
			continue
		}
		switch hdr.Typeflag {
		case tar.TypeSymlink, tar.TypeLink:
			ts.links[name] = linkTarget(name, hdr.Linkname, hdr.Typeflag == tar.TypeSymlink)
			continue
		case tar.TypeReg:
		default:
			continue
		}
		if isSparse(hdr) {
			// The data of a sparse member is not one contiguous section of the file.
			continue
		}
		off, err := sr.Seek(0, io.SeekCurrent)
		if err != nil {
			return nil, err
		}
		if off+hdr.Size > size {
			return nil, fmt.Errorf("truncated tar archive: %s is cut short", name)
		}
		ts.members[name] = tarMember{off: off, size: hdr.Size}
		delete(ts.links, name)
	}
	return ts, nil
}

func isSparse(hdr *tar.Header) bool {
	if hdr.Typeflag == tar.TypeGNUSparse {
		return true
	}
	for k := range hdr.PAXRecords {
		if strings.HasPrefix(k, "GNU.sparse.") {
			return true
		}
	}
	return false
}

func (t *tarStore) lookup(name string) (tarMember, bool) {
	name = followLinks(t.links, name, func(n string) bool { _, ok := t.members[n]; return ok })
	m, ok := t.members[name]
	return m, ok
}

func (t *tarStore) section(name string) (*io.SectionReader, bool) {
	m, ok := t.lookup(name)
	if !ok {
		return nil, false
	}
	return io.NewSectionReader(t.r, m.off, m.size), true
}

func (t *tarStore) readMeta(name string) ([]byte, error) {
	s, ok := t.section(name)
	if !ok {
		return nil, errNotFound
	}
	return readLimited(s, name)
}

func (t *tarStore) size(name string) (int64, bool) {
	m, ok := t.lookup(name)
	return m.size, ok
}

func (t *tarStore) head(name string) []byte {
	s, ok := t.section(name)
	if !ok {
		return nil
	}
	b := make([]byte, headLen)
	n, _ := io.ReadFull(s, b)
	return b[:n]
}

func (t *tarStore) layerSource(res *resolved) randomSource {
	paths, urls := res.paths, res.urls
	return func(_ context.Context, i int) (io.ReadCloser, error) {
		s, ok := t.section(paths[i])
		if !ok {
			return nil, missingLayerError(paths[i], urls[i], "archive")
		}
		return io.NopCloser(s), nil
	}
}

func missingLayerError(p string, urls []string, where string) error {
	if len(urls) > 0 {
		return fmt.Errorf("foreign layer not in the %s (it is downloaded from %s, which is not done for local sources)", where, urls[0])
	}
	return fmt.Errorf("blob %s is missing from the %s", p, where)
}

// openLayoutRef opens oci:DIR[:TAG|@DIGEST].
func openLayoutRef(ref, rest string, want v1.Platform, strict bool) (*Image, error) {
	p, sel, err := splitPathSelector(rest)
	if err != nil {
		return nil, err
	}
	s := parseOCISelector(sel)
	return openLayout(ref, p, ref, s.tag, s.digest, want, strict)
}

func openLayout(ref, dir, displayName, tag, digest string, want v1.Platform, strict bool) (*Image, error) {
	st, err := os.Stat(dir)
	if err != nil {
		return nil, errors.New(pathErrText(err))
	}
	if !st.IsDir() {
		return nil, errors.New("not a directory (an OCI layout is a directory; use oci-archive: for a tar)")
	}
	if !isLayoutDir(dir) {
		return nil, errors.New("not an OCI image layout (no oci-layout file)")
	}
	lp, err := layout.FromPath(dir)
	if err != nil {
		return nil, errors.New("not an OCI image layout (no index.json)")
	}
	if digest != "" {
		if _, err := v1.NewHash(digest); err != nil {
			return nil, fmt.Errorf("invalid digest %s", digest)
		}
	}
	store := dirStore{root: string(lp)}
	res, err := resolveOCI(store, ociSelector{tag: tag, digest: digest}, want, strict, "layout")
	if err != nil {
		return nil, err
	}
	img := &Image{Ref: ref, Name: displayName, Transport: TransportOCILayout}
	res.apply(img)
	layers, paths, urls := res.layers, res.paths, res.urls
	img.random = func(_ context.Context, i int) (io.ReadCloser, error) {
		h, err := v1.NewHash(layers[i].Digest)
		if err != nil {
			return nil, err
		}
		rc, err := lp.Blob(h)
		if errors.Is(err, os.ErrNotExist) {
			return nil, missingLayerError(paths[i], urls[i], "layout")
		}
		if err != nil {
			return nil, errors.New(pathErrText(err))
		}
		return rc, nil
	}
	return img, nil
}
