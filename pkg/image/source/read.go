package source

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"runtime"
	"strings"
	"sync"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"golang.org/x/sync/errgroup"
)

type layerFunc func(ctx context.Context, l Layer, r io.Reader) (any, error)

// ReadLayers reads every layer's uncompressed tar stream once and returns fn's results in layer
// order (bottom first). fn may stop reading early: ReadLayers drains the rest, because it
// verifies each stream's digest against the layer's diff_id. The reader passed to fn is valid
// only until fn returns.
//
// workers bounds how many layers are read at once from random-access sources (registries,
// layouts, plain tar archives); workers < 1 means GOMAXPROCS. Compressed archives and the
// Docker daemon's export are read sequentially in a single pass (see streamSource); for the
// daemon, fn may then be called with Layer.Index -1 and an empty DiffID for a blob whose layer
// is not known until the end of the stream, and for blobs that turn out not to be layers, whose
// results are dropped.
//
// Layers with the same diff_id are read once; each of them gets that one result. The first
// error cancels the rest and is returned as a *LayerError naming the layer; errors reading a
// single-pass stream as a whole are returned as they are. Errors do not repeat the image's
// name: callers prefix it. Once a ReadLayers on a registry image has been cancelled, that image
// cannot download any more; Close it.
func ReadLayers[T any](ctx context.Context, img *Image, workers int, fn func(ctx context.Context, l Layer, r io.Reader) (T, error)) ([]T, error) {
	if img == nil || fn == nil {
		return nil, errors.New("ReadLayers: nil image or function")
	}
	if ctx == nil {
		ctx = context.Background()
	}
	wrapped := func(ctx context.Context, l Layer, r io.Reader) (any, error) { return fn(ctx, l, r) }
	var (
		vals []any
		err  error
	)
	switch {
	case img.random != nil:
		vals, err = readRandom(ctx, img, workers, wrapped)
	case img.stream != nil:
		vals, err = readStream(ctx, img, wrapped)
	default:
		return nil, errors.New("the image is closed")
	}
	if err != nil {
		if cerr := ctx.Err(); cerr != nil {
			return nil, cerr
		}
		return nil, err
	}
	out := make([]T, len(vals))
	for i, v := range vals {
		if v != nil {
			out[i] = v.(T)
		}
	}
	return out, nil
}

func readRandom(ctx context.Context, img *Image, workers int, fn layerFunc) ([]any, error) {
	if workers < 1 {
		workers = runtime.GOMAXPROCS(0)
	}
	if img.abort != nil {
		// Registry reads run under the image's own context (ggcr binds one when the image is
		// fetched); cancelling it is the only way to interrupt a stalled download.
		stop := context.AfterFunc(ctx, img.abort)
		defer stop()
	}
	n := len(img.Layers)
	lim := img.readLimits()
	vals := make([]any, n)
	first := make(map[string]int, n)
	var unique []int
	for i, l := range img.Layers {
		if _, ok := first[l.DiffID]; !ok {
			first[l.DiffID] = i
			unique = append(unique, i)
		}
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(workers)
	for _, i := range unique {
		g.Go(func() error {
			if err := gctx.Err(); err != nil {
				return err
			}
			l := img.Layers[i]
			rc, err := img.random(gctx, i)
			if err != nil {
				return layerError(l, err)
			}
			defer rc.Close()
			v, _, err := consume(gctx, l, rc, fn, img.verify, lim)
			if err != nil {
				return layerError(l, err)
			}
			vals[i] = v
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	for i, l := range img.Layers {
		vals[i] = vals[first[l.DiffID]]
	}
	return vals, nil
}

func layerError(l Layer, err error) error {
	var le *LayerError
	if errors.As(err, &le) {
		return err
	}
	return &LayerError{Index: l.Index, DiffID: l.DiffID, Err: err}
}

// consume decompresses one layer blob, hands it to fn, drains what fn left and returns fn's
// result. With digest set it also returns the digest of the uncompressed stream, and when l.DiffID
// is set a different digest is an error. The uncompressed stream is cut off at lim's bounds.
func consume(ctx context.Context, l Layer, raw io.Reader, fn layerFunc, digest bool, lim readLimits) (v any, sum string, err error) {
	defer func() {
		// fn runs on goroutines the caller cannot recover on, and decompressors see hostile
		// input; a panic becomes this layer's error instead of ending the process.
		if p := recover(); p != nil {
			v, sum, err = nil, "", fmt.Errorf("internal error: panic: %v", p)
		}
	}()
	if strings.Contains(l.MediaType, "+encrypted") {
		return nil, "", fmt.Errorf("encrypted layers (%s) are not supported", l.MediaType)
	}
	alg := "sha256"
	if a, _, ok := strings.Cut(l.DiffID, ":"); ok {
		alg = a
	}
	var h hash.Hash
	if digest {
		if h, err = v1.Hasher(alg); err != nil {
			return nil, "", fmt.Errorf("unsupported diff_id algorithm %q", alg)
		}
	}
	ur, closeDec, err := decompress(raw)
	if err != nil {
		return nil, "", fmt.Errorf("decompressing: %w", err)
	}
	defer closeDec()
	lr := newLayerReader(ctx, newLimitReader(ur, lim.layer, lim.image, "the layer is"), h)
	defer lr.stop()
	v, ferr := fn(ctx, l, lr)
	if lr.err != nil {
		// The read error is the cause; fn's error, if any, is its consequence.
		return nil, "", lr.err
	}
	if ferr != nil {
		return nil, "", ferr
	}
	if _, err := io.Copy(io.Discard, lr); err != nil {
		return nil, "", err
	}
	if h == nil {
		return v, "", nil
	}
	sum = alg + ":" + hex.EncodeToString(lr.sum())
	if l.DiffID != "" && sum != l.DiffID {
		return nil, sum, ErrDiffIDMismatch
	}
	return v, sum, nil
}

// hashChunk is the unit handed to the hashing goroutine.
const hashChunk = 1 << 20

var chunkPool = sync.Pool{New: func() any { return make([]byte, hashChunk) }}

// layerReader remembers the first read error and stops when the context is done. When it
// hashes, the hash runs on its own goroutine one chunk behind the reader: without SHA CPU
// extensions SHA-256 costs about as much as everything else in a scan, and this way the two
// overlap on two cores instead of adding up.
type layerReader struct {
	ctx context.Context
	r   io.Reader
	err error

	h      hash.Hash
	chunks chan []byte
	done   chan struct{}
	buf    []byte // the chunk being served
	off    int
	tail   error // what the underlying reader said after buf
}

func newLayerReader(ctx context.Context, r io.Reader, h hash.Hash) *layerReader {
	lr := &layerReader{ctx: ctx, r: r, h: h}
	if h != nil {
		lr.chunks = make(chan []byte, 2)
		lr.done = make(chan struct{})
		go func() {
			defer close(lr.done)
			for b := range lr.chunks {
				h.Write(b)
				chunkPool.Put(b[:cap(b)]) //nolint:staticcheck // a slice header per 1 MiB chunk is noise
			}
		}()
	}
	return lr
}

func (lr *layerReader) Read(p []byte) (int, error) {
	if err := lr.ctx.Err(); err != nil {
		return 0, err
	}
	if lr.h == nil {
		n, err := lr.r.Read(p)
		lr.note(err)
		return n, err
	}
	if lr.off == len(lr.buf) {
		if lr.buf != nil {
			lr.chunks <- lr.buf
			lr.buf, lr.off = nil, 0
		}
		if lr.tail != nil {
			return 0, lr.tail
		}
		b := chunkPool.Get().([]byte)
		n, err := io.ReadFull(lr.r, b)
		if errors.Is(err, io.ErrUnexpectedEOF) {
			err = io.EOF
		}
		lr.note(err)
		lr.tail = err
		lr.buf, lr.off = b[:n], 0
		if n == 0 {
			lr.chunks <- lr.buf
			lr.buf = nil
			return 0, err
		}
	}
	n := copy(p, lr.buf[lr.off:])
	lr.off += n
	return n, nil
}

func (lr *layerReader) note(err error) {
	if err != nil && !errors.Is(err, io.EOF) && lr.err == nil {
		lr.err = err
	}
}

// sum waits for the hashing goroutine and returns the digest of everything read.
func (lr *layerReader) sum() []byte {
	lr.stop()
	return lr.h.Sum(nil)
}

// stop hands the last chunk to the hasher and ends its goroutine; it is idempotent.
func (lr *layerReader) stop() {
	if lr.chunks == nil {
		return
	}
	if lr.buf != nil {
		lr.chunks <- lr.buf[:lr.off]
		lr.buf = nil
	}
	close(lr.chunks)
	<-lr.done
	lr.chunks = nil
}
