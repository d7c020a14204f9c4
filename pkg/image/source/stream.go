package source

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
)

// streamSource reads an image from a tar stream that can only be read front to back: a
// compressed archive file, or the daemon's export.
//
// Design. Layer blobs and the manifest that says which blob is which layer come in no useful
// order (docker save sorts members by name, putting manifest.json last), and nothing large may be
// buffered or written to disk. So:
//
//   - Compressed archive files are read twice. Open makes a cheap pass that decompresses the
//     whole file but keeps only small JSON members (manifest.json, index.json, manifests and
//     configs up to 8 MiB), so that Open can report the config and the exact layer list like
//     every other source, and ReadLayers knows each layer's member before its bytes arrive. The
//     price is decompressing the archive twice; re-reading a local file is cheap next to
//     what a scan of the layer content costs.
//   - The daemon's export is not read twice: asking the daemon to export an image is expensive.
//     Open learns the config and diff_ids from the daemon's inspect endpoint instead, and
//     ReadLayers makes the only pass. Blobs named by their diff_id (Docker 25+ with the classic
//     store) are recognised as they arrive; any other blob that looks like a layer (a tar, or
//     compressed) is handed to fn before its role is known, with Layer.Index -1 and an empty
//     DiffID, and hashed. When the stream ends, the manifest it contained orders the results
//     and those of blobs that were not layers are dropped.
type streamSource struct {
	open func(ctx context.Context) (io.ReadCloser, error) // the uncompressed tar stream
	// where words "missing from the …" errors.
	where string

	// complete: paths and urls are known before reading (compressed archives).
	complete bool
	paths    []string
	urls     [][]string

	// For incomplete plans: members known to be layers before the stream says so, and how to
	// resolve the image from the metadata the stream contained.
	known  map[string]int
	finish func(ms *memStore) (*resolved, error)
}

// prescan is Open's metadata pass over a compressed archive.
func prescan(ctx context.Context, open func(context.Context) (io.ReadCloser, error)) (*memStore, error) {
	rc, err := open(ctx)
	if err != nil {
		return nil, archiveReadError(err)
	}
	defer rc.Close()
	ms := newMemStore()
	if err := ms.collect(ctx, tar.NewReader(rc), nil, nil); err != nil {
		if len(ms.members) == 0 && (errors.Is(err, errNotTar) || errors.Is(err, errTruncated)) {
			return nil, &notArchiveError{"compressed, but not a docker-archive or OCI image archive"}
		}
		return nil, err
	}
	return ms, nil
}

var (
	errNotTar    = errors.New("not a tar stream")
	errTruncated = errors.New("the archive is truncated (unexpected end of data)")
)

func archiveReadError(err error) error {
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF):
		return errTruncated
	case errors.Is(err, tar.ErrHeader):
		return fmt.Errorf("%w: %w", errNotTar, err)
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return err
	}
	return fmt.Errorf("reading the archive: %w", err)
}

// collect reads every member of tr once. planned, when set, may consume a member (a known
// layer); small JSON members are kept; other, when set, sees the remaining members after their
// first bytes were read.
func (m *memStore) collect(ctx context.Context, tr *tar.Reader,
	planned func(name string, hdr *tar.Header, r io.Reader) (bool, error),
	other func(name string, hdr *tar.Header, head []byte, r io.Reader) error,
) error {
	count := 0
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return archiveReadError(err)
		}
		if count++; count > maxMembers {
			return fmt.Errorf("the archive has more than %d members, too many for an image archive", maxMembers)
		}
		name := cleanName(hdr.Name)
		if name == "" {
			continue
		}
		switch hdr.Typeflag {
		case tar.TypeSymlink, tar.TypeLink:
			m.links[name] = linkTarget(name, hdr.Linkname, hdr.Typeflag == tar.TypeSymlink)
			continue
		case tar.TypeReg:
		default:
			continue
		}
		if isSparse(hdr) {
			continue
		}
		delete(m.links, name)
		if planned != nil {
			handled, err := planned(name, hdr, tr)
			if err != nil {
				return err
			}
			if handled {
				m.members[name] = &memMember{size: hdr.Size}
				continue
			}
		}
		head := make([]byte, min(hdr.Size, 512))
		if _, err := io.ReadFull(tr, head); err != nil {
			return archiveReadError(err)
		}
		mm := &memMember{size: hdr.Size, head: head[:min(len(head), headLen)]}
		m.members[name] = mm
		if hdr.Size <= maxMetaSize && looksLikeJSON(head) {
			if m.kept+hdr.Size > maxMetaTotal {
				return fmt.Errorf("the archive holds more than %d MiB of JSON metadata", maxMetaTotal>>20)
			}
			data := make([]byte, hdr.Size)
			copy(data, head)
			if _, err := io.ReadFull(tr, data[len(head):]); err != nil {
				return archiveReadError(err)
			}
			mm.data, mm.kept = data, true
			m.kept += hdr.Size
			continue
		}
		if other != nil {
			if err := other(name, hdr, head, tr); err != nil {
				return err
			}
		}
	}
}

// memberResult is what fn made of one member's stream.
type memberResult struct {
	val any
	sum string // digest of the uncompressed content
	err error  // from fn or from reading, for members whose layer was not known yet
}

func readStream(ctx context.Context, img *Image, fn layerFunc) ([]any, error) {
	s := img.stream
	rc, err := s.open(ctx)
	if err != nil {
		return nil, err
	}
	defer rc.Close()

	lim := img.readLimits()
	results := map[string]*memberResult{}
	planned := map[string]int{}
	if s.complete {
		for i, p := range s.paths {
			if _, ok := planned[p]; !ok {
				planned[p] = i
			}
		}
	} else {
		for p, i := range s.known {
			planned[p] = i
		}
	}
	visitPlanned := func(name string, hdr *tar.Header, r io.Reader) (bool, error) {
		i, ok := planned[name]
		if !ok {
			return false, nil
		}
		if _, dup := results[name]; dup {
			return true, nil
		}
		l := img.Layers[i]
		v, sum, err := consume(ctx, l, r, fn, img.verify, lim)
		if err != nil {
			return true, layerError(l, err)
		}
		results[name] = &memberResult{val: v, sum: sum}
		return true, nil
	}
	var other func(string, *tar.Header, []byte, io.Reader) error
	if !s.complete {
		other = func(name string, hdr *tar.Header, head []byte, r io.Reader) error {
			if !looksLikeLayer(head) {
				return nil
			}
			l := Layer{Index: -1, Digest: digestFromPath(name), MediaType: string(sniffLayerType(head)), Size: hdr.Size}
			// Unplanned blobs are identified by their digest: always hashed.
			v, sum, err := consume(ctx, l, io.MultiReader(bytes.NewReader(head), r), fn, true, lim)
			if cerr := ctx.Err(); cerr != nil {
				return cerr
			}
			// An error is only an error once the manifest says this blob is a layer.
			results[name] = &memberResult{val: v, sum: sum, err: err}
			return nil
		}
	}
	ms := newMemStore()
	if err := ms.collect(ctx, tar.NewReader(rc), visitPlanned, other); err != nil {
		if cerr := ctx.Err(); cerr != nil {
			return nil, cerr
		}
		return nil, err
	}

	layers, paths, urls := img.Layers, s.paths, s.urls
	var res *resolved
	if !s.complete {
		if res, err = s.finish(ms); err != nil {
			return nil, err
		}
		layers, paths, urls = res.layers, res.paths, res.urls
	}
	out := make([]any, len(layers))
	for i, l := range layers {
		name := followLinks(ms.links, paths[i], func(n string) bool { _, ok := results[n]; return ok })
		r := results[name]
		switch {
		case r == nil:
			return nil, layerError(l, missingLayerError(paths[i], urls[i], s.where))
		case r.err != nil:
			return nil, layerError(l, r.err)
		case r.sum != "" && r.sum != l.DiffID:
			return nil, layerError(l, ErrDiffIDMismatch)
		}
		out[i] = r.val
	}
	if res != nil {
		res.apply(img)
	}
	return out, nil
}
