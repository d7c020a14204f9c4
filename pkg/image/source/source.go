// Package source opens container images from archives, OCI layouts, registries and the Docker
// daemon, and streams their layers' uncompressed tar content without writing anything to disk.
//
// Open resolves a reference to one image (picking by tag, digest or platform where a source holds
// several) and reads its configuration; ReadLayers then hands each layer's tar stream to a
// callback, verifying it against the layer's diff_id. Image content is only ever read: nothing is
// extracted and nothing from the image is executed.
package source

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/google/go-containerregistry/pkg/authn"
	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// Transport names, as reported in Image.Transport.
const (
	TransportDockerArchive = "docker-archive"
	TransportOCIArchive    = "oci-archive"
	TransportOCILayout     = "oci-layout"
	TransportRegistry      = "registry"
	TransportDockerDaemon  = "docker-daemon"
)

// Options configures Open. The zero value is usable.
type Options struct {
	// Platform picks an image from an index; nil means linux/<runtime.GOARCH>. It is not a
	// filter: a reference that names a single image is opened whatever its platform, and when
	// Platform is nil an index offering only one image (an export of one platform of a
	// multi-platform image, say) yields that image.
	Platform *v1.Platform
	// Insecure lists registry hosts ("host" or "host:port") reachable over plain HTTP and
	// without TLS verification, like Docker's insecure-registries.
	Insecure []string
	// Keychain resolves registry credentials; nil means authn.DefaultKeychain (the Docker
	// config, honouring DOCKER_CONFIG).
	Keychain authn.Keychain
	// Transport carries registry requests; nil means remote.DefaultTransport.
	Transport http.RoundTripper
	// DockerHost is the Docker Engine endpoint ("unix:///path" or "tcp://host:port"); empty
	// means $DOCKER_HOST, else unix:///var/run/docker.sock.
	DockerHost string
	// UserAgent is sent to registries and the Docker daemon when set.
	UserAgent string
	// VerifyLayers checks every layer's uncompressed content against its diff_id. Off,
	// corruption still fails the read (tar structure, gzip CRC, registry blob digests), but a
	// changed byte inside a file of an uncompressed archive goes unnoticed; on, SHA-256 of
	// every byte roughly doubles the CPU of a scan on machines without SHA extensions.
	VerifyLayers bool
}

// Image is an opened image: its configuration and the layers ReadLayers can stream.
//
// For docker-daemon images, Open can only learn the configuration from the daemon's inspect
// data (which carries no history); ReadLayers replaces Config, RawConfig, Digest, Platform and
// the layers' Digest, MediaType and Size with what the exported image says once it has streamed
// past. Do not read those fields while ReadLayers runs on a docker-daemon image.
type Image struct {
	Ref       string // as the user gave it
	Name      string // display name for reports
	Transport string // one of the Transport* constants
	Digest    string // manifest digest "sha256:…" when known, else ""
	// IndexDigest is the digest of the index the image was picked from, when it came from one.
	IndexDigest string
	Platform    string // "linux/amd64" etc., from the config
	Config      *v1.ConfigFile
	RawConfig   []byte
	Layers      []Layer // bottom first, aligned with Config.RootFS.DiffIDs

	// Exactly one of random and stream is set.
	random  randomSource
	stream  *streamSource
	closers []func() error
	verify  bool
	// abort cancels the context registry downloads run under.
	abort func()
}

// Layer describes one layer of an image.
type Layer struct {
	Index     int    // position in Image.Layers, bottom first
	Digest    string // compressed blob digest when known, else ""
	DiffID    string // digest of the uncompressed tar, "sha256:…"
	MediaType string // as declared, or as sniffed for docker-archive; may be ""
	Size      int64  // blob size when known, else -1
}

// randomSource opens layer i's blob as stored (possibly compressed); ReadLayers may call it
// concurrently for different layers.
type randomSource func(ctx context.Context, i int) (io.ReadCloser, error)

// Close releases the files and connections the image holds. It is safe to call more than once.
func (img *Image) Close() error {
	var errs []error
	for i := len(img.closers) - 1; i >= 0; i-- {
		if err := img.closers[i](); err != nil {
			errs = append(errs, err)
		}
	}
	img.closers = nil
	img.random, img.stream = nil, nil
	return errors.Join(errs...)
}

// Open resolves ref to a single image and reads its configuration. Layer content is not read,
// except that a compressed archive is decompressed once to find its metadata. Errors are one
// line and start with ref.
func Open(ctx context.Context, ref string, opts Options) (img *Image, err error) {
	defer func() {
		// The archive and registry parsers come from libraries that are not all hardened
		// against hostile input; a crafted image must produce an error, never a crash.
		if p := recover(); p != nil {
			img, err = nil, newOpenError(ref, fmt.Sprintf("internal error while opening the image: %v", p), nil)
		}
		if err != nil {
			var oe *openError
			if !errors.As(err, &oe) {
				err = newOpenError(ref, err.Error(), err)
			}
		}
		if img != nil {
			img.verify = opts.VerifyLayers
		}
	}()
	if ctx == nil {
		ctx = context.Background()
	}
	if strings.TrimSpace(ref) == "" {
		return nil, newOpenError(ref, "empty image reference", nil)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	plat := defaultPlatform(opts.Platform)

	transport, rest, explicit := splitTransport(ref)
	if explicit {
		switch transport {
		case TransportDockerArchive:
			return openArchiveRef(ctx, ref, rest, archiveDocker, plat, opts.Platform != nil)
		case TransportOCIArchive:
			return openArchiveRef(ctx, ref, rest, archiveOCI, plat, opts.Platform != nil)
		case TransportOCILayout:
			return openLayoutRef(ref, rest, plat, opts.Platform != nil)
		case TransportDockerDaemon:
			return openDaemon(ctx, ref, rest, opts)
		case TransportRegistry:
			return openRegistry(ctx, ref, rest, plat, opts)
		}
	}
	return openImplicit(ctx, ref, plat, opts)
}

// splitTransport recognises the explicit transport prefixes.
func splitTransport(ref string) (transport, rest string, ok bool) {
	prefixes := []struct{ prefix, transport string }{
		{"docker-archive:", TransportDockerArchive},
		{"oci-archive:", TransportOCIArchive},
		{"oci:", TransportOCILayout},
		{"docker-daemon:", TransportDockerDaemon},
		{"registry:", TransportRegistry},
		{"docker://", TransportRegistry},
	}
	for _, p := range prefixes {
		if r, found := strings.CutPrefix(ref, p.prefix); found {
			return p.transport, r, true
		}
	}
	return "", ref, false
}

// openImplicit guesses the source of a reference without a prefix: a layout directory, an
// archive file, or else a registry reference.
func openImplicit(ctx context.Context, ref string, plat v1.Platform, opts Options) (*Image, error) {
	strict := opts.Platform != nil
	st, statErr := os.Stat(ref)
	switch {
	case statErr == nil && st.IsDir():
		if isLayoutDir(ref) {
			return openLayout(ref, ref, ref, "", "", plat, strict)
		}
		// A bare word such as "redis" may well be a project directory as well as an image
		// name; only something written as a path is taken to mean the directory.
		if !looksLikePath(ref) && parsesAsReference(ref) {
			return openRegistry(ctx, ref, ref, plat, opts)
		}
		return nil, newOpenError(ref, "a directory, but not an OCI image layout (no oci-layout file)", nil)
	case statErr == nil && st.Mode().IsRegular():
		img, err := openArchiveFile(ctx, ref, ref, ref, archiveAny, "", plat, strict)
		var nae *notArchiveError
		if errors.As(err, &nae) && !looksLikePath(ref) && parsesAsReference(ref) {
			return openRegistry(ctx, ref, ref, plat, opts)
		}
		return img, err
	case statErr == nil:
		return nil, newOpenError(ref, "not a regular file or directory", nil)
	case looksLikePath(ref):
		if errors.Is(statErr, os.ErrNotExist) {
			return nil, newOpenError(ref, errNoSuchFile.Error(), statErr)
		}
		return nil, newOpenError(ref, pathErrText(statErr), statErr)
	}
	return openRegistry(ctx, ref, ref, plat, opts)
}

// looksLikePath reports whether s was evidently meant as a file system path rather than an
// image reference.
func looksLikePath(s string) bool {
	if s == "." || s == ".." {
		return true
	}
	if strings.Contains(s, "/") && (strings.HasPrefix(s, ".") || strings.HasPrefix(s, "/")) {
		return true
	}
	for _, ext := range []string{".tar", ".tar.gz", ".tgz", ".tar.zst", ".tzst"} {
		if strings.HasSuffix(s, ext) {
			return true
		}
	}
	return false
}

func isLayoutDir(dir string) bool {
	for _, f := range []string{"oci-layout", "index.json"} {
		if st, err := os.Stat(filepath.Join(dir, f)); err == nil && st.Mode().IsRegular() {
			return true
		}
	}
	return false
}

func defaultPlatform(p *v1.Platform) v1.Platform {
	if p != nil {
		return *p
	}
	return v1.Platform{OS: "linux", Architecture: runtime.GOARCH}
}

// pathErrText renders a file system error without repeating the path, which the error's
// prefix already names.
func pathErrText(err error) string {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// openError is the one-line error Open returns: the reference, then what went wrong.
type openError struct {
	ref string
	msg string
	err error
}

func newOpenError(ref, msg string, err error) *openError {
	return &openError{ref: ref, msg: msg, err: err}
}

func (e *openError) Error() string { return oneLine(e.ref + ": " + e.msg) }
func (e *openError) Unwrap() error { return e.err }

// oneLine folds multi-line library and server messages so that every error stays on one line.
func oneLine(s string) string {
	if !strings.ContainsAny(s, "\r\n") {
		return s
	}
	return strings.Join(strings.Fields(s), " ")
}

// LayerError is the error ReadLayers returns for a layer: it names the layer by index and short
// diff_id and wraps the cause.
type LayerError struct {
	Index  int
	DiffID string
	Err    error
}

func (e *LayerError) Error() string {
	return oneLine(fmt.Sprintf("layer %d (%s): %v", e.Index, shortDigest(e.DiffID), e.Err))
}

func (e *LayerError) Unwrap() error { return e.Err }

// ErrDiffIDMismatch is wrapped by the LayerError returned when a layer's content does not hash to
// its diff_id.
var ErrDiffIDMismatch = errors.New("content does not match its diff_id")

// shortDigest abbreviates a digest to Docker's 12 hex digits, enough to find the layer in
// `docker history` or a manifest.
func shortDigest(d string) string {
	alg, hex, ok := strings.Cut(d, ":")
	if !ok {
		alg, hex = "", d
	}
	if len(hex) > 12 {
		hex = hex[:12] + "…"
	}
	if alg == "" {
		return hex
	}
	return alg + ":" + hex
}
