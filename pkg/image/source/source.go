// Package source opens container images from archives, OCI layouts, registries and the Docker
// daemon, and streams their layers' uncompressed tar content without writing anything to disk.
//
// Open resolves a reference to one image (picking by tag, digest or platform where a source holds
// several) and reads its configuration; ReadLayers then hands each layer's tar stream to a
// callback, verifying it against the layer's diff_id. Image content is only ever read: nothing is
// extracted and nothing from the image is executed.
//
// The references Open accepts:
//
//	PATH                                a docker-archive (`docker save`) or OCI image archive, plain
//	                                    or compressed with gzip, zstd or bzip2 (recognised from the
//	                                    content, not the name), or an OCI image layout directory
//	docker-archive:PATH[:REPO:TAG]      a docker-archive; REPO:TAG picks one of several images
//	oci-archive:PATH[:TAG|@DIGEST]      an OCI image archive (a tar of an OCI layout)
//	oci:DIR[:TAG|@DIGEST]               an OCI image layout directory
//	docker-daemon:NAME[:TAG]            the Docker Engine's copy of an image, through its API
//	registry:REF, docker://REF          an image in a registry
//	REF                                 an image in a registry, when no file or directory of that
//	                                    name exists
//
// Without a prefix, anything that exists on disk is read from disk (and is an error when it is
// not an image), as is anything written as a path ("./app", "/tmp/x", "dir/", "app.tar"), which
// must then exist. Everything else is a registry reference. "-" (standard input) is not
// supported.
//
// Registries are reached over HTTPS. Plain HTTP, which would expose the keychain's credentials,
// is only used for loopback hosts (localhost, *.localhost, 127.0.0.0/8, ::1) and for hosts listed
// in Options.Insecure.
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
	// filter: a reference that names a single image is opened whatever its platform (with a
	// note in Image.Warnings when Platform was set and differs), and when Platform is nil an
	// index offering only one image (an export of one platform of a multi-platform image, say)
	// yields that image.
	Platform *v1.Platform
	// Insecure lists registry hosts ("host" or "host:port") reachable over plain HTTP and
	// without TLS verification, like Docker's insecure-registries. Other hosts are only ever
	// reached over plain HTTP when they are loopback.
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
	// MaxLayerBytes bounds one layer's uncompressed tar stream (0: DefaultMaxLayerBytes;
	// negative: no bound). A layer past it fails with an error wrapping ErrTooLarge.
	MaxLayerBytes int64
	// MaxImageBytes bounds the uncompressed bytes of all layers together, and a compressed
	// archive's uncompressed size (0: DefaultMaxImageBytes; negative: no bound).
	MaxImageBytes int64
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
	// Warnings are one-line notes about the image that did not stop Open, such as a platform
	// other than the one asked for.
	Warnings []string

	// Exactly one of random and stream is set.
	random  randomSource
	stream  *streamSource
	closers []func() error
	verify  bool
	// maxLayer and maxImage are Options.MaxLayerBytes and MaxImageBytes, resolved when read.
	maxLayer, maxImage int64
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
//
// ref is one of (see the package documentation for the details):
//
//   - a path to an archive: a docker-archive or OCI image archive, plain or compressed with
//     gzip, zstd or bzip2;
//   - a path to an OCI image layout directory;
//   - docker-archive:PATH[:REPO:TAG], oci-archive:PATH[:TAG|@DIGEST], oci:DIR[:TAG|@DIGEST];
//   - docker-daemon:NAME[:TAG];
//   - registry:REF, docker://REF, or a bare registry reference that names nothing on disk.
//
// "registry:" followed by a number ("registry:2", "registry:5000/team/app") is the reference
// itself, the image or the host called registry, not the prefix.
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
			img.maxLayer, img.maxImage = opts.MaxLayerBytes, opts.MaxImageBytes
			if opts.Platform != nil {
				if w := platformWarning(img, *opts.Platform); w != "" {
					img.Warnings = append(img.Warnings, w)
				}
			}
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
	if ref == "-" {
		return nil, newOpenError(ref, errStdin.Error(), nil)
	}
	plat := defaultPlatform(opts.Platform)
	maxArchive := limitOf(opts.MaxImageBytes, DefaultMaxImageBytes)

	transport, rest, explicit := splitTransport(ref)
	if explicit {
		switch transport {
		case TransportDockerArchive:
			return openArchiveRef(ctx, ref, rest, archiveDocker, plat, opts.Platform != nil, maxArchive)
		case TransportOCIArchive:
			return openArchiveRef(ctx, ref, rest, archiveOCI, plat, opts.Platform != nil, maxArchive)
		case TransportOCILayout:
			return openLayoutRef(ref, rest, plat, opts.Platform != nil)
		case TransportDockerDaemon:
			return openDaemon(ctx, ref, rest, opts)
		case TransportRegistry:
			return openRegistry(ctx, ref, rest, plat, opts)
		}
	}
	return openImplicit(ctx, ref, plat, opts, maxArchive)
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
			if p.prefix == "registry:" && startsWithNumber(r) {
				// "registry:2" is the registry image, "registry:5000/app" an image on the host
				// called registry: neither is the prefix.
				break
			}
			return p.transport, r, true
		}
	}
	return "", ref, false
}

// startsWithNumber reports whether s is what follows "registry" in a reference to the host or
// the image called registry: a port before a '/' ("5000/team/app"), or a numeric tag ("2",
// "2.8.3").
func startsWithNumber(s string) bool {
	first, _, slash := strings.Cut(s, "/")
	if first == "" || first[0] < '0' || first[0] > '9' {
		return false
	}
	if slash {
		return strings.Trim(first, "0123456789") == ""
	}
	tag, _, _ := strings.Cut(first, "@")
	return strings.Trim(tag, "0123456789.") == ""
}

// errStdin is the error for "-": images are opened by path, and a pipe can be read only once
// while an archive may have to be read several times.
var errStdin = errors.New("reading an image from standard input is not supported; save it to a file first (docker save -o app.tar IMAGE)")

// openImplicit guesses the source of a reference without a prefix. Whatever exists on disk is
// read from disk: a layout directory or an archive file, else an error, so that an unrelated file
// is never silently mistaken for, or shadowed by, a registry image. A reference written as a path
// must exist. Anything else is a registry reference.
func openImplicit(ctx context.Context, ref string, plat v1.Platform, opts Options, maxArchive int64) (*Image, error) {
	strict := opts.Platform != nil
	st, statErr := os.Stat(ref)
	switch {
	case statErr == nil && st.IsDir():
		if isLayoutDir(ref) {
			return openLayout(ref, ref, ref, "", "", plat, strict)
		}
		return nil, newOpenError(ref, "not an OCI image layout (no oci-layout file)"+registryHint(ref), nil)
	case statErr == nil && st.Mode().IsRegular():
		img, err := openArchiveFile(ctx, ref, ref, ref, archiveAny, "", plat, strict, maxArchive)
		var nae *notArchiveError
		if errors.As(err, &nae) {
			return nil, newOpenError(ref, nae.msg+registryHint(ref), nil)
		}
		return img, err
	case statErr == nil:
		return nil, newOpenError(ref, "not a regular file or directory"+registryHint(ref), nil)
	case looksLikePath(ref):
		if errors.Is(statErr, os.ErrNotExist) {
			return nil, newOpenError(ref, errNoSuchFile.Error(), statErr)
		}
		return nil, newOpenError(ref, pathErrText(statErr), statErr)
	}
	return openRegistry(ctx, ref, ref, plat, opts)
}

// registryHint points to the registry: prefix when a local path that is no image has a name that
// could also be a registry reference, such as "redis" or "team/app".
func registryHint(ref string) string {
	if looksLikePath(ref) || !parsesAsReference(ref) {
		return ""
	}
	return "; to scan the registry image of that name, use registry:" + ref
}

// archiveExts are the file name endings that mark a reference as an archive's path.
var archiveExts = []string{
	".tar", ".tar.gz", ".tgz", ".tar.zst", ".tar.zstd", ".tzst", ".tar.bz2", ".tbz2", ".tbz", ".tar.xz", ".txz",
}

// looksLikePath reports whether s was evidently meant as a file system path rather than an
// image reference: ".", "..", a path starting with "." or "/" (or a volume on Windows) that
// contains a separator, one ending in a separator, or an archive file name.
func looksLikePath(s string) bool {
	if s == "." || s == ".." {
		return true
	}
	hasSep := strings.Contains(s, "/") || strings.ContainsRune(s, filepath.Separator)
	if hasSep && (strings.HasPrefix(s, ".") || strings.HasPrefix(s, "/") || filepath.IsAbs(s)) {
		return true
	}
	if strings.HasSuffix(s, "/") || strings.HasSuffix(s, string(filepath.Separator)) {
		return true
	}
	for _, ext := range archiveExts {
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

// platformWarning notes that the image opened is not for the platform asked for, which happens
// when the reference names a single image rather than an index to pick from.
func platformWarning(img *Image, want v1.Platform) string {
	if img.Config == nil || img.Config.OS == "" || img.Config.Architecture == "" {
		return ""
	}
	have := v1.Platform{OS: img.Config.OS, Architecture: img.Config.Architecture, Variant: img.Config.Variant}
	if want.OS == "" {
		want.OS = have.OS
	}
	if want.Architecture == "" {
		want.Architecture = have.Architecture
	}
	if platformScore(want, have) > 0 {
		return ""
	}
	why := "the reference names a single-platform image"
	if img.IndexDigest != "" {
		why = "picked from an index entry that gives no platform or another one"
	}
	return fmt.Sprintf("image is %s, not the requested %s (%s)", platformName(have), platformName(want), why)
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
