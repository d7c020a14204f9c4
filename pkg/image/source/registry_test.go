package source

import (
	"context"
	"encoding/base64"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

func quietRegistry() http.Handler {
	return registry.New(registry.Logger(log.New(io.Discard, "", 0)))
}

// staticKeychain hands out fixed credentials per registry host.
type staticKeychain map[string]authn.AuthConfig

func (k staticKeychain) Resolve(r authn.Resource) (authn.Authenticator, error) {
	if c, ok := k[r.RegistryStr()]; ok {
		return authn.FromConfig(c), nil
	}
	return authn.Anonymous, nil
}

// anonymous keeps tests away from the machine's own Docker credentials.
var anonymous = staticKeychain{}

func push(t *testing.T, ref string, img v1.Image, opts ...remote.Option) {
	t.Helper()
	r, err := name.ParseReference(ref)
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.Write(r, img, opts...); err != nil {
		t.Fatal(err)
	}
}

func TestRegistry(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(quietRegistry())
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "http://")
	fx := newFixture(t, "amd64", 3)
	ref := host + "/team/app:1.4"
	push(t, ref, fx.img)
	digest := fx.digest(t)

	for _, r := range []string{ref, "docker://" + ref, "registry:" + ref} {
		img := mustOpen(t, r, Options{Keychain: anonymous})
		if img.Transport != TransportRegistry || img.Ref != r || img.Name != ref+"@"+digest || img.Digest != digest {
			t.Errorf("%s: transport %q name %q digest %q", r, img.Transport, img.Name, img.Digest)
		}
		if img.IndexDigest != "" || img.Platform != "linux/amd64" {
			t.Errorf("index %q platform %q", img.IndexDigest, img.Platform)
		}
		for _, l := range img.Layers {
			if l.Size <= 0 || !strings.HasPrefix(l.Digest, "sha256:") || l.MediaType == "" {
				t.Errorf("layer %+v", l)
			}
		}
		checkImage(t, img, fx)
	}

	byDigest := host + "/team/app@" + digest
	img := mustOpen(t, byDigest, Options{Keychain: anonymous})
	if img.Name != byDigest {
		t.Errorf("name = %q", img.Name)
	}
	checkImage(t, img, fx)

	err := openErr(t, host+"/team/app:nope", Options{Keychain: anonymous})
	if want := host + "/team/app:nope: not found in registry"; err.Error() != want {
		t.Errorf("error = %q, want %q", err, want)
	}
	err = openErr(t, host+"/nobody/here:1", Options{Keychain: anonymous})
	wantContains(t, err, "not found in registry")
}

func TestRegistryIndex(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(quietRegistry())
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "http://")
	amd, arm := newFixture(t, "amd64", 2), newFixture(t, "arm64", 3)
	idx := multiPlatformIndex(t, amd, arm)
	ref := host + "/multi:1"
	r, err := name.ParseReference(ref)
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.WriteIndex(r, idx); err != nil {
		t.Fatal(err)
	}
	idxDigest, err := idx.Digest()
	if err != nil {
		t.Fatal(err)
	}

	img := mustOpen(t, ref, Options{Keychain: anonymous, Platform: &v1.Platform{OS: "linux", Architecture: "arm64"}})
	if img.Digest != arm.digest(t) || img.IndexDigest != idxDigest.String() || img.Platform != "linux/arm64/v8" {
		t.Errorf("digest %q index %q platform %q", img.Digest, img.IndexDigest, img.Platform)
	}
	checkImage(t, img, arm)

	if runtime.GOARCH == "amd64" || runtime.GOARCH == "arm64" {
		img = mustOpen(t, ref, Options{Keychain: anonymous})
		if img.Config.Architecture != runtime.GOARCH {
			t.Errorf("default platform picked %s", img.Config.Architecture)
		}
	}

	err = openErr(t, ref, Options{Keychain: anonymous, Platform: &v1.Platform{OS: "linux", Architecture: "s390x"}})
	if want := ref + ": no image for linux/s390x in the index (platforms: linux/amd64, linux/arm64/v8)"; err.Error() != want {
		t.Errorf("error = %q\nwant    %q", err, want)
	}
}

// TestRegistrySinglePlatformWarning: a registry reference naming a single image is opened
// whatever the platform asked for, with a warning when it differs.
func TestRegistrySinglePlatformWarning(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(quietRegistry())
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "http://")
	arm := newFixture(t, "arm64", 1)
	ref := host + "/arm:1"
	push(t, ref, arm.img)

	img := mustOpen(t, ref, Options{Keychain: anonymous, Platform: amd64})
	want := "image is linux/arm64/v8, not the requested linux/amd64 (the reference names a single-platform image)"
	if len(img.Warnings) != 1 || img.Warnings[0] != want {
		t.Errorf("warnings = %q, want %q", img.Warnings, want)
	}
	checkImage(t, img, arm)
	if img := mustOpen(t, ref, Options{Keychain: anonymous, Platform: &v1.Platform{OS: "linux", Architecture: "arm64"}}); len(img.Warnings) != 0 {
		t.Errorf("warnings = %q", img.Warnings)
	}
	if img := mustOpen(t, ref, Options{Keychain: anonymous}); len(img.Warnings) != 0 {
		t.Errorf("no platform asked for, warnings = %q", img.Warnings)
	}
}

// redirectTransport dials addr whatever host a request names, so that a test server can stand
// in for a registry with a real-looking name.
func redirectTransport(addr string) *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.DialContext = func(ctx context.Context, _, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, "tcp", addr)
	}
	return t
}

func TestRegistryTLS(t *testing.T) {
	t.Parallel()
	srv := httptest.NewUnstartedServer(quietRegistry())
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	defer srv.Close()
	fx := newFixture(t, "amd64", 2)

	// httptest's self-signed certificate names example.com.
	tr := redirectTransport(srv.Listener.Addr().String())
	pushTr := tr.Clone()
	pushTr.TLSClientConfig = srv.Client().Transport.(*http.Transport).TLSClientConfig.Clone()
	ref := "example.com/team/app:1.4"
	push(t, ref, fx.img, remote.WithTransport(pushTr))

	err := openErr(t, ref, Options{Keychain: anonymous, Transport: tr})
	if want := ref + ": TLS certificate not trusted (for a private CA set SSL_CERT_FILE to its certificate, or use --insecure-registry example.com to skip verification)"; err.Error() != want {
		t.Errorf("error = %q\nwant    %q", err, want)
	}
	img := mustOpen(t, ref, Options{Keychain: anonymous, Transport: tr, Insecure: []string{"example.com"}})
	checkImage(t, img, fx)

	// A loopback registry is tried over HTTPS and HTTP at once; the TLS failure still shows.
	host := strings.TrimPrefix(srv.URL, "https://")
	loop := host + "/team/app:1.4"
	push(t, loop, fx.img, remote.WithTransport(srv.Client().Transport))
	err = openErr(t, loop, Options{Keychain: anonymous})
	wantContains(t, err, "TLS certificate not trusted (for a private CA set SSL_CERT_FILE to its certificate, or use --insecure-registry "+host+" to skip verification)")
	img = mustOpen(t, loop, Options{Keychain: anonymous, Insecure: []string{host}})
	checkImage(t, img, fx)
}

func TestRegistryPlainHTTP(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(quietRegistry())
	defer srv.Close()
	fx := newFixture(t, "amd64", 1)
	tr := redirectTransport(srv.Listener.Addr().String())
	ref := "plain.test/app:1"
	r, err := name.ParseReference(ref, name.Insecure)
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.Write(r, fx.img, remote.WithTransport(tr)); err != nil {
		t.Fatal(err)
	}
	err = openErr(t, ref, Options{Keychain: anonymous, Transport: tr})
	wantContains(t, err, "the registry speaks plain HTTP (use --insecure-registry plain.test)")
	img := mustOpen(t, ref, Options{Keychain: anonymous, Transport: tr, Insecure: []string{"plain.test"}})
	checkImage(t, img, fx)
}

// basicAuth guards the registry API with one user and records the User-Agent it saw.
func basicAuth(h http.Handler, ua *atomic.Value) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if ua != nil {
			ua.Store(r.UserAgent())
		}
		if u, p, ok := r.BasicAuth(); !ok || u != "user" || p != "s3cret" {
			w.Header().Set("WWW-Authenticate", `Basic realm="test"`)
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		h.ServeHTTP(w, r)
	})
}

func TestRegistryBasicAuth(t *testing.T) {
	t.Parallel()
	var ua atomic.Value
	srv := httptest.NewServer(basicAuth(quietRegistry(), &ua))
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "http://")
	fx := newFixture(t, "amd64", 2)
	ref := host + "/private/app:1"
	push(t, ref, fx.img, remote.WithAuth(&authn.Basic{Username: "user", Password: "s3cret"}))

	err := openErr(t, ref, Options{Keychain: anonymous})
	if want := ref + ": registry denied access (unauthorized); log in with docker login or set DOCKER_CONFIG"; err.Error() != want {
		t.Errorf("error = %q\nwant    %q", err, want)
	}
	wrong := staticKeychain{host: {Username: "user", Password: "nope"}}
	err = openErr(t, ref, Options{Keychain: wrong})
	wantContains(t, err, "registry denied access (unauthorized)")

	good := authn.NewMultiKeychain(staticKeychain{host: {Username: "user", Password: "s3cret"}})
	img := mustOpen(t, ref, Options{Keychain: good, UserAgent: "hardline-test/1"})
	checkImage(t, img, fx)
	if got, _ := ua.Load().(string); !strings.Contains(got, "hardline-test/1") {
		t.Errorf("User-Agent = %q", got)
	}
}

// TestRegistryDockerConfig: with no keychain, credentials come from $DOCKER_CONFIG/config.json.
func TestRegistryDockerConfig(t *testing.T) {
	srv := httptest.NewServer(basicAuth(quietRegistry(), nil))
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "http://")
	fx := newFixture(t, "amd64", 1)
	ref := host + "/private/app:1"
	push(t, ref, fx.img, remote.WithAuth(&authn.Basic{Username: "user", Password: "s3cret"}))

	cfgDir := t.TempDir()
	auth := base64.StdEncoding.EncodeToString([]byte("user:s3cret"))
	writeFile(t, filepath.Join(cfgDir, "config.json"), []byte(`{"auths":{"`+host+`":{"auth":"`+auth+`"}}}`))
	t.Setenv("HOME", t.TempDir()) // so that the DefaultKeychain does not find a real ~/.docker
	t.Setenv("DOCKER_CONFIG", cfgDir)
	t.Setenv("REGISTRY_AUTH_FILE", "")
	t.Setenv("XDG_RUNTIME_DIR", "")

	img := mustOpen(t, ref, Options{})
	checkImage(t, img, fx)

	if err := os.WriteFile(filepath.Join(cfgDir, "config.json"), []byte(`{"auths":{}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	err := openErr(t, ref, Options{})
	wantContains(t, err, "registry denied access (unauthorized)")
}

func TestRegistryReadLayersCancel(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(quietRegistry())
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "http://")
	fx := newFixture(t, "amd64", 2)
	ref := host + "/app:1"
	push(t, ref, fx.img)

	// Open's context ending after Open does not break later reads.
	ctx, cancel := context.WithCancel(context.Background())
	img, err := Open(ctx, ref, Options{Keychain: anonymous})
	cancel()
	if err != nil {
		t.Fatal(err)
	}
	defer img.Close()
	checkImage(t, img, fx)

	ctx, cancel = context.WithCancel(context.Background())
	cancel()
	if _, err := ReadLayers(ctx, img, 2, readAll); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

func TestMatchHost(t *testing.T) {
	t.Parallel()
	list := []string{"localhost:5000", "registry.lan", "http://other.lan:8080/", "[::1]"}
	for host, want := range map[string]bool{
		"localhost:5000": true, "localhost:5001": false, "registry.lan": true, "registry.lan:443": true,
		"other.lan:8080": true, "other.lan": false, "[::1]:5000": true, "example.com": false,
	} {
		if got := matchHost(list, host); got != want {
			t.Errorf("matchHost(%q) = %v", host, got)
		}
	}
}

// TestExistingPathIsLocal: a reference without a prefix that names something on disk is read
// from disk, and is an error when that is not an image, with a pointer to registry: when the
// name could also be a registry reference. A registry image of the same name is still reachable
// with registry: or docker://.
func TestExistingPathIsLocal(t *testing.T) {
	srv := httptest.NewServer(quietRegistry())
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "http://")
	fx := newFixture(t, "amd64", 1)
	push(t, host+"/app:1", fx.img)
	push(t, host+"/project:latest", fx.img)

	dir := t.TempDir()
	t.Chdir(dir)
	for _, d := range []string{filepath.Join(host, "project"), "project", "Docs"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	writeFile(t, filepath.Join(dir, host, "app:1"), []byte("notes, not an image"))
	writeFile(t, filepath.Join(dir, host, "saved"), dockerArchive(t, map[string]v1.Image{"saved:1": fx.img}))
	writeFile(t, filepath.Join(dir, "notanimage.txt"), []byte("hello"))
	writeFile(t, filepath.Join(dir, "Notes"), []byte("hello"))
	writeFile(t, filepath.Join(dir, "empty"), nil)

	const hint = "; to scan the registry image of that name, use registry:"
	for ref, want := range map[string]string{
		host + "/app:1":     "not a docker-archive or OCI image archive" + hint + host + "/app:1",
		host + "/project":   "not an OCI image layout (no oci-layout file)" + hint + host + "/project",
		"notanimage.txt":    "not a docker-archive or OCI image archive" + hint + "notanimage.txt",
		"project":           "not an OCI image layout (no oci-layout file)" + hint + "project",
		"empty":             "empty file, not a docker-archive or OCI image archive" + hint + "empty",
		"Notes":             "not a docker-archive or OCI image archive", // not a valid reference: no hint
		"Docs":              "not an OCI image layout (no oci-layout file)",
		"./notanimage.txt":  "not a docker-archive or OCI image archive", // written as a path: no hint
		"project/":          "not an OCI image layout (no oci-layout file)",
		"nosuchdir/":        "no such file or directory",
		"nosuch/dir/":       "no such file or directory",
		"./nosuchdir":       "no such file or directory",
		"nosuch.tar.bz2":    "no such file or directory",
		"-":                 "reading an image from standard input is not supported; save it to a file first (docker save -o app.tar IMAGE)",
		"docker-archive:-":  "reading an image from standard input is not supported; save it to a file first (docker save -o app.tar IMAGE)",
		"oci-archive:-":     "reading an image from standard input is not supported; save it to a file first (docker save -o app.tar IMAGE)",
		host + "/nosuch:1":  "not found in registry", // nothing on disk: a registry reference
		"docker-daemon:app": "",                      // not checked here
	} {
		if want == "" {
			continue
		}
		err := openErr(t, ref, Options{Keychain: anonymous})
		if err.Error() != ref+": "+want {
			t.Errorf("error = %q\nwant    %q", err, ref+": "+want)
		}
		if strings.Contains(want, "no such file") && !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s: error %v does not wrap os.ErrNotExist", ref, err)
		}
	}

	// With a prefix, only the registry is asked.
	for _, ref := range []string{"registry:Notes", "docker://Notes"} {
		wantContains(t, openErr(t, ref, Options{Keychain: anonymous}), ref+": not a valid image reference")
	}
	for _, ref := range []string{"registry:" + host + "/app:1", "docker://" + host + "/app:1", "registry:" + host + "/project"} {
		img := mustOpen(t, ref, Options{Keychain: anonymous})
		if img.Transport != TransportRegistry {
			t.Errorf("%s: transport = %q, want registry", ref, img.Transport)
		}
		checkImage(t, img, fx)
	}
	img := mustOpen(t, host+"/saved", Options{Keychain: anonymous})
	if img.Transport != TransportDockerArchive {
		t.Errorf("transport = %q, want docker-archive", img.Transport)
	}
}

// privateRegistry is a plain-HTTP registry that wants basic auth and counts the requests that
// reach it, and those that carry credentials.
type privateRegistry struct {
	srv             *httptest.Server
	hits, withCreds atomic.Int32
	counting        atomic.Bool
}

func newPrivateRegistry(t *testing.T) *privateRegistry {
	t.Helper()
	pr := &privateRegistry{}
	guarded := basicAuth(quietRegistry(), nil)
	pr.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if pr.counting.Load() {
			pr.hits.Add(1)
			if r.Header.Get("Authorization") != "" {
				pr.withCreds.Add(1)
			}
		}
		guarded.ServeHTTP(w, r)
	}))
	pr.srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	t.Cleanup(pr.srv.Close)
	return pr
}

// TestRegistryPlainHTTPPrivateAddress: ggcr would fall back to plain HTTP for RFC 1918
// addresses and send the keychain's credentials in clear text; only loopback hosts and insecure
// registries may be reached over plain HTTP.
func TestRegistryPlainHTTPPrivateAddress(t *testing.T) {
	t.Parallel()
	pr := newPrivateRegistry(t)
	fx := newFixture(t, "amd64", 2)
	creds := authn.AuthConfig{Username: "user", Password: "s3cret"}
	loop := strings.TrimPrefix(pr.srv.URL, "http://")
	push(t, loop+"/team/app:1", fx.img, remote.WithAuth(authn.FromConfig(creds)))
	// Every name below reaches the test server, which listens on loopback.
	tr := redirectTransport(pr.srv.Listener.Addr().String())
	pr.counting.Store(true)

	for _, host := range []string{"10.11.12.13:5000", "192.168.77.1:5000", "172.16.5.5:5000", "172.31.0.1", "10.0.0.1"} {
		ref := host + "/team/app:1"
		kc := staticKeychain{host: creds}
		img, err := Open(context.Background(), ref, Options{Keychain: kc, Transport: tr})
		if err == nil {
			_ = img.Close()
		}
		if n := pr.withCreds.Load(); n != 0 {
			t.Fatalf("%s: %d requests with credentials reached the plain-HTTP server", host, n)
		}
		if n := pr.hits.Load(); n != 0 {
			t.Fatalf("%s: %d plain-HTTP requests reached the server", host, n)
		}
		want := ref + ": the registry at " + host + " answered only over plain HTTP; hardline does not send credentials in clear text to non-loopback registries (use --insecure-registry " + host + " if you trust the network)"
		if err == nil || err.Error() != want {
			t.Errorf("error = %v\nwant    %q", err, want)
		}
		// The registry: prefix changes nothing.
		err = openErr(t, "registry:"+ref, Options{Keychain: kc, Transport: tr})
		wantContains(t, err, "answered only over plain HTTP")
		if n := pr.hits.Load(); n != 0 {
			t.Fatalf("%s: %d plain-HTTP requests reached the server", host, n)
		}
	}

	// Listed as insecure, the same registry is used over plain HTTP, with the credentials: the
	// counters above would have seen them.
	for _, insecure := range []string{"10.11.12.13:5000", "10.11.12.13", "http://10.11.12.13:5000"} {
		before := pr.withCreds.Load()
		ref := "10.11.12.13:5000/team/app:1"
		img := mustOpen(t, ref, Options{Keychain: staticKeychain{"10.11.12.13:5000": creds}, Transport: tr, Insecure: []string{insecure}})
		checkImage(t, img, fx)
		if pr.withCreds.Load() == before {
			t.Errorf("Insecure %q: no authenticated request reached the server", insecure)
		}
	}
	// Another host's entry does not cover it.
	err := openErr(t, "10.11.12.13:5000/team/app:1", Options{Keychain: anonymous, Transport: tr, Insecure: []string{"10.11.12.14:5000", "10.11.12.13:5001"}})
	wantContains(t, err, "answered only over plain HTTP")

	// Loopback registries keep working over plain HTTP, whatever their name.
	for _, host := range []string{loop, "localhost:5000", "registry.localhost:5000", "[::1]:5000"} {
		ref := host + "/team/app:1"
		img := mustOpen(t, ref, Options{Keychain: staticKeychain{host: creds}, Transport: tr})
		checkImage(t, img, fx)
	}
}

// TestPlainHTTPGuard covers the guard on its own: plain HTTP to a non-loopback host that is not
// an insecure registry never reaches the wrapped transport, with or without credentials, and
// whatever ggcr does on top (redirects, token requests).
func TestPlainHTTPGuard(t *testing.T) {
	t.Parallel()
	var seen []string
	inner := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		seen = append(seen, r.URL.String())
		return &http.Response{StatusCode: http.StatusOK, Body: http.NoBody, Request: r}, nil
	})
	g := &plainHTTPGuard{inner: inner, insecure: []string{"registry.lan:5000"}}
	for u, allowed := range map[string]bool{
		"https://10.0.0.1/v2/":           true,
		"http://10.0.0.1/v2/":            false,
		"http://192.168.1.5:5000/v2/":    false,
		"http://registry.example.com/x":  false,
		"HTTP://registry.example.com/x":  false,
		"http://registry.lan:5000/v2/":   true,
		"http://registry.lan:5001/v2/":   false,
		"http://127.0.0.1:5000/v2/":      true,
		"http://127.1.2.3/v2/":           true,
		"http://localhost/v2/":           true,
		"http://LOCALHOST:5000/v2/":      true,
		"http://reg.localhost:5000/v2/":  true,
		"http://[::1]:5000/v2/":          true,
		"http://localhost.example.com/x": false,
		"http://[fd00::1]:5000/v2/":      false,
	} {
		seen = nil
		req, err := http.NewRequest(http.MethodGet, u, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.SetBasicAuth("user", "s3cret")
		resp, err := g.RoundTrip(req)
		if resp != nil {
			_ = resp.Body.Close()
		}
		if allowed != (err == nil) || allowed != (len(seen) == 1) {
			t.Errorf("%s: err %v, reached the transport %d times; want allowed=%v", u, err, len(seen), allowed)
		}
		var pe *plainHTTPError
		if !allowed && !errors.As(err, &pe) {
			t.Errorf("%s: err = %v, want a plainHTTPError", u, err)
		}
	}

	// The message once ggcr has flattened the error into text, and for another host.
	flat := errors.New(`Get "https://10.0.0.1/v2/": connection refused; Get "http://10.0.0.1/v2/": ` + (&plainHTTPError{host: "10.0.0.1"}).Error())
	if got, want := registryError(context.Background(), flat, "10.0.0.1").Error(),
		"the registry at 10.0.0.1 answered only over plain HTTP; hardline does not send credentials in clear text to non-loopback registries (use --insecure-registry 10.0.0.1 if you trust the network)"; got != want {
		t.Errorf("error = %q\nwant    %q", got, want)
	}
	redirect := &url.Error{Op: "Get", URL: "http://cdn.example/blob", Err: &plainHTTPError{host: "cdn.example"}}
	wantContains(t, registryError(context.Background(), redirect, "registry.example.com"),
		"the registry registry.example.com sent hardline to cdn.example over plain HTTP", "--insecure-registry cdn.example")
	// A certificate problem over HTTPS is the one to report.
	both := errors.New(`Get "https://10.0.0.1/v2/": tls: failed to verify certificate: x509: certificate signed by unknown authority; Get "http://10.0.0.1/v2/": ` + (&plainHTTPError{host: "10.0.0.1"}).Error())
	wantContains(t, registryError(context.Background(), both, "10.0.0.1"), "TLS certificate not trusted")
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestIsLoopbackHost(t *testing.T) {
	t.Parallel()
	for host, want := range map[string]bool{
		"localhost": true, "localhost:5000": true, "a.b.localhost:1": true, "localhost.": true,
		"127.0.0.1": true, "127.0.0.1:5000": true, "127.255.0.9": true, "[::1]:5000": true, "::1": true,
		"10.0.0.1": false, "192.168.0.1:5000": false, "172.16.0.1": false, "example.com": false,
		"notlocalhost": false, "localhost.evil.com": false, "0.0.0.0": false, "[::]:5000": false, "": false,
	} {
		if got := isLoopbackHost(host); got != want {
			t.Errorf("isLoopbackHost(%q) = %v", host, got)
		}
	}
}
