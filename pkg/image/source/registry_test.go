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
	if want := ref + ": TLS certificate not trusted (use --insecure-registry example.com for a local registry)"; err.Error() != want {
		t.Errorf("error = %q\nwant    %q", err, want)
	}
	img := mustOpen(t, ref, Options{Keychain: anonymous, Transport: tr, Insecure: []string{"example.com"}})
	checkImage(t, img, fx)

	// A loopback registry is tried over HTTPS and HTTP at once; the TLS failure still shows.
	host := strings.TrimPrefix(srv.URL, "https://")
	loop := host + "/team/app:1.4"
	push(t, loop, fx.img, remote.WithTransport(srv.Client().Transport))
	err = openErr(t, loop, Options{Keychain: anonymous})
	wantContains(t, err, "TLS certificate not trusted (use --insecure-registry "+host)
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

// TestBareWordPrefersRegistry: a reference that is not written as a path is only taken as a local
// file or directory when that really is an image; otherwise it is a registry reference.
func TestBareWordPrefersRegistry(t *testing.T) {
	srv := httptest.NewServer(quietRegistry())
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "http://")
	fx := newFixture(t, "amd64", 1)
	push(t, host+"/app:1", fx.img)

	dir := t.TempDir()
	t.Chdir(dir)
	if err := os.MkdirAll(filepath.Join(dir, host, "project"), 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, host, "app:1"), []byte("notes, not an image"))
	writeFile(t, filepath.Join(dir, host, "saved"), dockerArchive(t, map[string]v1.Image{"saved:1": fx.img}))

	img := mustOpen(t, host+"/app:1", Options{Keychain: anonymous})
	if img.Transport != TransportRegistry {
		t.Errorf("transport = %q, want registry", img.Transport)
	}
	err := openErr(t, host+"/project", Options{Keychain: anonymous})
	wantContains(t, err, "not found in registry")
	img = mustOpen(t, host+"/saved", Options{Keychain: anonymous})
	if img.Transport != TransportDockerArchive {
		t.Errorf("transport = %q, want docker-archive", img.Transport)
	}
}
