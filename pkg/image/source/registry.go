package source

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
)

func parsesAsReference(s string) bool {
	_, err := name.ParseReference(s)
	return err == nil
}

func openRegistry(ctx context.Context, ref, rest string, want v1.Platform, opts Options) (img *Image, err error) {
	if rest == "" {
		return nil, errors.New("missing image reference")
	}
	r, err := name.ParseReference(rest)
	if err != nil {
		return nil, referenceError(rest)
	}
	host := r.Context().RegistryStr()
	if matchHost(opts.Insecure, host) {
		if r, err = name.ParseReference(rest, name.Insecure); err != nil {
			return nil, fmt.Errorf("not a valid image reference: %w", err)
		}
	}
	kc := opts.Keychain
	if kc == nil {
		kc = authn.DefaultKeychain
	}
	rt := opts.Transport
	if rt == nil {
		rt = remote.DefaultTransport
	}
	if len(opts.Insecure) > 0 {
		rt = &hostRouter{secure: rt, insecure: skipVerify(rt), hosts: opts.Insecure}
	}
	// ggcr falls back to plain HTTP for private (RFC 1918) addresses as well as loopback ones,
	// with the credentials it holds; Docker only does so for loopback and insecure registries.
	rt = &plainHTTPGuard{inner: rt, insecure: opts.Insecure}

	// ggcr binds a context to an image when it is fetched and uses it for every later layer
	// download. Open's ctx may end as soon as Open returns, so the image gets its own context,
	// tied to ctx only while Open runs and then cancelled by Close (or by a cancelled
	// ReadLayers, see readRandom).
	life, cancel := context.WithCancel(context.WithoutCancel(ctx))
	stop := context.AfterFunc(ctx, cancel)
	defer stop()
	defer func() {
		if err != nil {
			cancel()
		}
	}()
	ropts := []remote.Option{
		remote.WithContext(life),
		remote.WithAuthFromKeychain(kc),
		remote.WithTransport(rt),
		remote.WithPlatform(want),
	}
	if opts.UserAgent != "" {
		ropts = append(ropts, remote.WithUserAgent(opts.UserAgent))
	}

	desc, err := remote.Get(r, ropts...)
	if err != nil {
		return nil, registryError(ctx, err, host)
	}
	strict := opts.Platform != nil
	var (
		rimg        v1.Image
		indexDigest string
	)
	switch {
	case desc.MediaType.IsSchema1():
		return nil, errors.New("schema 1 manifests (a legacy Docker format) are not supported")
	case desc.MediaType.IsIndex():
		indexDigest = desc.Digest.String()
		idx, err := desc.ImageIndex()
		if err != nil {
			return nil, registryError(ctx, err, host)
		}
		if rimg, err = pickRemote(idx, want, strict, 0); err != nil {
			return nil, registryError(ctx, err, host)
		}
	default:
		if rimg, err = desc.Image(); err != nil {
			return nil, registryError(ctx, err, host)
		}
	}
	m, err := rimg.Manifest()
	if err != nil {
		return nil, registryError(ctx, err, host)
	}
	if err := checkConfigType(m.Config.MediaType); err != nil {
		return nil, err
	}
	rawCfg, err := rimg.RawConfigFile()
	if err != nil {
		return nil, registryError(ctx, err, host)
	}
	cfg, err := parseConfig(rawCfg)
	if err != nil {
		return nil, err
	}
	if err := checkLayerCount(len(m.Layers), cfg); err != nil {
		return nil, err
	}
	digest, err := rimg.Digest()
	if err != nil {
		return nil, registryError(ctx, err, host)
	}

	res := &resolved{digest: digest.String(), indexDigest: indexDigest, config: cfg, rawConfig: rawCfg}
	for i, l := range m.Layers {
		res.layers = append(res.layers, Layer{
			Index:     i,
			Digest:    l.Digest.String(),
			DiffID:    cfg.RootFS.DiffIDs[i].String(),
			MediaType: string(l.MediaType),
			Size:      l.Size,
		})
	}
	displayName := rest
	if _, pinned := r.(name.Digest); !pinned {
		displayName = rest + "@" + res.digest
	}
	img = &Image{Ref: ref, Name: displayName, Transport: TransportRegistry}
	res.apply(img)
	descs := m.Layers
	img.random = func(_ context.Context, i int) (io.ReadCloser, error) {
		l, err := rimg.LayerByDigest(descs[i].Digest)
		if err != nil {
			return nil, registryError(life, err, host)
		}
		rc, err := l.Compressed()
		if err != nil {
			if !descs[i].MediaType.IsDistributable() {
				return nil, fmt.Errorf("foreign layer could not be fetched: %w", registryError(life, err, host))
			}
			return nil, registryError(life, err, host)
		}
		return rc, nil
	}
	img.abort = cancel
	img.closers = append(img.closers, func() error { cancel(); return nil })
	return img, nil
}

// pickRemote follows a registry index (and nested indexes) down to the image for the platform.
func pickRemote(idx v1.ImageIndex, want v1.Platform, strict bool, depth int) (v1.Image, error) {
	if depth >= maxNesting {
		return nil, errors.New("indexes are nested too deeply")
	}
	im, err := idx.IndexManifest()
	if err != nil {
		return nil, err
	}
	d, err := pickPlatform(im.Manifests, want, strict, func(v1.Descriptor) bool { return true })
	if err != nil {
		return nil, err
	}
	if d.MediaType.IsIndex() {
		child, err := idx.ImageIndex(d.Digest)
		if err != nil {
			return nil, err
		}
		return pickRemote(child, want, strict, depth+1)
	}
	return idx.Image(d.Digest)
}

// referenceError explains why a reference does not parse: ParseReference only says that it
// does not, while the tag or digest parser it tried names the rule that was broken.
func referenceError(ref string) error {
	var err error
	if strings.Contains(ref, "@") {
		_, err = name.NewDigest(ref)
	} else {
		_, err = name.NewTag(ref)
	}
	if err == nil {
		return errors.New("not a valid image reference")
	}
	return fmt.Errorf("not a valid image reference: %s", strings.TrimSuffix(err.Error(), ": "+ref))
}

// registryError turns registry and transport failures into the few messages a user can act on.
func registryError(ctx context.Context, err error, host string) error {
	if cerr := ctx.Err(); cerr != nil {
		return cerr
	}
	var te *transport.Error
	if errors.As(err, &te) {
		switch {
		case te.StatusCode == http.StatusUnauthorized || te.StatusCode == http.StatusForbidden ||
			hasCode(te, transport.UnauthorizedErrorCode, transport.DeniedErrorCode):
			return errors.New("registry denied access (unauthorized); log in with docker login or set DOCKER_CONFIG")
		case te.StatusCode == http.StatusNotFound ||
			hasCode(te, transport.ManifestUnknownErrorCode, transport.NameUnknownErrorCode, transport.BlobUnknownErrorCode):
			return errors.New("not found in registry")
		case te.StatusCode == http.StatusTooManyRequests || hasCode(te, transport.TooManyRequestsErrorCode):
			return errors.New("the registry refused the request: too many requests (rate limited)")
		}
	}
	// Loopback and private registries are tried over HTTPS and HTTP at once, and ggcr joins the
	// two failures into one plain string: match the text as well as the types.
	msg := err.Error()
	var unknownCA x509.UnknownAuthorityError
	if errors.As(err, &unknownCA) || strings.Contains(msg, "certificate signed by unknown authority") {
		return fmt.Errorf("TLS certificate not trusted (for a private CA set SSL_CERT_FILE to its certificate, or use --insecure-registry %s to skip verification)", host)
	}
	var certErr *tls.CertificateVerificationError
	if errors.As(err, &certErr) {
		return fmt.Errorf("TLS certificate rejected (%w)", certErr.Err)
	}
	if i := strings.Index(msg, "x509: "); i >= 0 {
		return fmt.Errorf("TLS certificate rejected (%s)", msg[i:])
	}
	// After the TLS checks: when HTTPS failed on a certificate, that is the problem to report.
	if refused, ok := refusedPlainHTTP(err); ok {
		return refused.explain(host)
	}
	if strings.Contains(msg, "server gave HTTP response to HTTPS client") {
		return fmt.Errorf("the registry speaks plain HTTP (use --insecure-registry %s)", host)
	}
	var oe *net.OpError
	if errors.As(err, &oe) {
		return fmt.Errorf("cannot reach the registry %s: %w", host, oe)
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		return fmt.Errorf("registry %s: %w", host, ue.Err)
	}
	return err
}

func hasCode(te *transport.Error, codes ...transport.ErrorCode) bool {
	for _, d := range te.Errors {
		for _, c := range codes {
			if d.Code == c {
				return true
			}
		}
	}
	return false
}

// matchHost reports whether host ("name" or "name:port") is in the insecure list; an entry
// without a port covers every port of that name.
func matchHost(list []string, host string) bool {
	hostname := host
	if h, _, err := net.SplitHostPort(host); err == nil {
		hostname = h
	}
	for _, e := range list {
		e = strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(strings.TrimSpace(e), "https://"), "http://"), "/")
		if e == "" {
			continue
		}
		if e == host {
			return true
		}
		if _, _, err := net.SplitHostPort(e); err != nil && strings.Trim(e, "[]") == hostname {
			return true
		}
	}
	return false
}

// hostRouter sends requests for insecure registries through a transport that skips TLS
// verification and everything else (token servers, blob storage redirects) through the normal
// one.
type hostRouter struct {
	secure, insecure http.RoundTripper
	hosts            []string
}

func (h *hostRouter) RoundTrip(req *http.Request) (*http.Response, error) {
	if matchHost(h.hosts, req.URL.Host) {
		return h.insecure.RoundTrip(req)
	}
	return h.secure.RoundTrip(req)
}

// skipVerify clones an *http.Transport with certificate verification off. Other round trippers
// cannot be reconfigured and are used as they are.
func skipVerify(rt http.RoundTripper) http.RoundTripper {
	t, ok := rt.(*http.Transport)
	if !ok {
		return rt
	}
	c := t.Clone()
	if c.TLSClientConfig == nil {
		c.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	// The user listed this host as an insecure registry, as with Docker's insecure-registries.
	c.TLSClientConfig.InsecureSkipVerify = true //nolint:gosec // opted into per host
	return c
}

// plainHTTPGuard refuses plain-HTTP requests to hosts that are neither loopback nor listed as
// insecure registries. ggcr's name.Registry.Scheme allows plain HTTP for RFC 1918 addresses too,
// and its transport then falls back from HTTPS to HTTP with the credentials from the keychain:
// on a shared network, or when an attacker blocks port 443, they would travel in clear text.
// The guard sits below ggcr's authentication, so it sees every request as it would be sent,
// token exchanges and redirects included.
type plainHTTPGuard struct {
	inner    http.RoundTripper
	insecure []string
}

func (g *plainHTTPGuard) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL != nil && strings.EqualFold(req.URL.Scheme, "http") &&
		!isLoopbackHost(req.URL.Host) && !matchHost(g.insecure, req.URL.Host) {
		if req.Body != nil {
			_ = req.Body.Close()
		}
		return nil, &plainHTTPError{host: req.URL.Host}
	}
	return g.inner.RoundTrip(req)
}

// plainHTTPError is what plainHTTPGuard returns for a request it refused.
type plainHTTPError struct{ host string }

// plainHTTPMarker starts plainHTTPError's text, which is all that is left of it when ggcr joins
// the HTTPS and HTTP failures of its ping into one string.
const plainHTTPMarker = "refused a plain-HTTP request to "

func (e *plainHTTPError) Error() string {
	return plainHTTPMarker + e.host + " (not loopback, not an insecure registry)"
}

// explain words the refusal for the user; registry is the host named in the reference.
func (e *plainHTTPError) explain(registry string) error {
	if e.host == "" || e.host == registry {
		return fmt.Errorf("the registry at %s answered only over plain HTTP; hardline does not send credentials in clear text to non-loopback registries (use --insecure-registry %s if you trust the network)", registry, registry)
	}
	// A redirect or a token service on another host.
	return fmt.Errorf("the registry %s sent hardline to %s over plain HTTP; hardline does not send requests in clear text to non-loopback hosts (use --insecure-registry %s if you trust the network)", registry, e.host, e.host)
}

// refusedPlainHTTP finds a plainHTTPError in err, by type or, once ggcr has flattened it, by text.
func refusedPlainHTTP(err error) (*plainHTTPError, bool) {
	var pe *plainHTTPError
	if errors.As(err, &pe) {
		return pe, true
	}
	msg := err.Error()
	i := strings.Index(msg, plainHTTPMarker)
	if i < 0 {
		return nil, false
	}
	h := msg[i+len(plainHTTPMarker):]
	if j := strings.IndexByte(h, ' '); j >= 0 {
		h = h[:j]
	}
	return &plainHTTPError{host: h}, true
}

// isLoopbackHost reports whether host ("name" or "name:port") is localhost, a *.localhost name,
// or a loopback address (127.0.0.0/8, ::1).
func isLoopbackHost(host string) bool {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.ToLower(strings.TrimSuffix(strings.Trim(host, "[]"), "."))
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
