package source

import (
	"errors"
	"fmt"
	"io"
	"sync/atomic"
)

// Decompression bounds. A gzip stream inflates at most ~1,000:1 and zstd or bzip2 far more, so a
// layer of a few megabytes can claim terabytes; without a bound the scan's time is the attacker's
// choice. The defaults sit well above real images (the largest layers seen in practice, CUDA and
// ML framework images, are 5–15 GiB uncompressed) and keep the worst case at minutes, not days.
const (
	// DefaultMaxLayerBytes bounds the uncompressed tar stream of one layer.
	DefaultMaxLayerBytes int64 = 32 << 30
	// DefaultMaxImageBytes bounds the uncompressed bytes of all of an image's layers together,
	// and the uncompressed size of a compressed archive, which Open decompresses once to find
	// its metadata.
	DefaultMaxImageBytes int64 = 128 << 30
)

// ErrTooLarge is wrapped by the errors of a read stopped by MaxLayerBytes or MaxImageBytes.
var ErrTooLarge = errors.New("uncompressed size limit exceeded")

// tooLargeError says which bound was hit, without a byte count from the stream: the stream is
// the attacker's, the limit is ours.
type tooLargeError struct {
	what  string
	limit int64
}

func (e *tooLargeError) Error() string {
	return fmt.Sprintf("%s more than %s uncompressed, over the limit; stopped reading (a decompression bomb, or an image that needs a higher limit)", e.what, byteSize(e.limit))
}

func (e *tooLargeError) Unwrap() error { return ErrTooLarge }

// limitOf maps an Options value to a bound: 0 is the default, negative is none.
func limitOf(v, def int64) int64 {
	switch {
	case v == 0:
		return def
	case v < 0:
		return -1
	}
	return v
}

// budget is an image-wide byte allowance shared by the layers read concurrently.
type budget struct {
	limit int64
	used  atomic.Int64
}

func newBudget(limit int64) *budget {
	if limit < 0 {
		return nil
	}
	return &budget{limit: limit}
}

// limitReader fails once more than limit bytes came out of r (limit < 0: no bound), or once the
// shared image budget is spent. The error is sticky: a caller that ignores it and reads on gets
// it again rather than more data.
type limitReader struct {
	r     io.Reader
	limit int64
	n     int64
	img   *budget
	what  string
	err   error
}

func newLimitReader(r io.Reader, limit int64, img *budget, what string) io.Reader {
	if limit < 0 && img == nil {
		return r
	}
	return &limitReader{r: r, limit: limit, img: img, what: what}
}

func (l *limitReader) Read(p []byte) (int, error) {
	if l.err != nil {
		return 0, l.err
	}
	n, err := l.r.Read(p)
	l.n += int64(n)
	switch {
	case l.limit >= 0 && l.n > l.limit:
		l.err = &tooLargeError{what: l.what, limit: l.limit}
	case l.img != nil && l.img.used.Add(int64(n)) > l.img.limit:
		l.err = &tooLargeError{what: "the image's layers are", limit: l.img.limit}
	}
	if l.err != nil {
		return 0, l.err
	}
	return n, err
}

// byteSize renders a limit the way the flags take it ("32GiB", "512MiB", "1000 bytes").
func byteSize(n int64) string {
	for _, u := range []struct {
		shift uint
		name  string
	}{{40, "TiB"}, {30, "GiB"}, {20, "MiB"}, {10, "KiB"}} {
		if n >= 1<<u.shift && n%(1<<u.shift) == 0 {
			return fmt.Sprintf("%d %s", n>>u.shift, u.name)
		}
	}
	return fmt.Sprintf("%d bytes", n)
}

// readLimits are the bounds one ReadLayers call applies.
type readLimits struct {
	layer int64   // per layer, -1: none
	image *budget // shared by all layers, nil: none
}

func (img *Image) readLimits() readLimits {
	return readLimits{
		layer: limitOf(img.maxLayer, DefaultMaxLayerBytes),
		image: newBudget(limitOf(img.maxImage, DefaultMaxImageBytes)),
	}
}
