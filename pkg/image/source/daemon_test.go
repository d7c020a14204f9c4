package source

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

// daemonImage is what the fake daemon knows of one image.
type daemonImage struct {
	inspect []byte
	export  []byte
}

// fakeDaemon serves the three Engine API endpoints the package uses and counts exports.
type fakeDaemon struct {
	mu      sync.Mutex
	images  map[string]daemonImage // by name and by ID
	exports []string
}

func (d *fakeDaemon) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/_ping" {
		_, _ = io.WriteString(w, "OK")
		return
	}
	rest, ok := strings.CutPrefix(r.URL.Path, "/images/")
	i := strings.LastIndexByte(rest, '/')
	if !ok || i < 0 {
		http.NotFound(w, r)
		return
	}
	imgName, op := rest[:i], rest[i+1:]
	d.mu.Lock()
	img, found := d.images[imgName]
	if found && op == "get" {
		d.exports = append(d.exports, imgName)
	}
	d.mu.Unlock()
	if !found {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		_, _ = io.WriteString(w, `{"message":"No such image: `+imgName+`"}`)
		return
	}
	switch op {
	case "json":
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(img.inspect)
	case "get":
		w.Header().Set("Content-Type", "application/x-tar")
		_, _ = w.Write(img.export)
	default:
		http.NotFound(w, r)
	}
}

// startDaemon serves d on a unix socket and returns its DOCKER_HOST. The socket lives in a short
// directory of its own: socket paths are limited to about 100 bytes.
func startDaemon(t *testing.T, d *fakeDaemon) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "hld")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	sock := filepath.Join(dir, "docker.sock")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(d)
	_ = srv.Listener.Close()
	srv.Listener = l
	srv.Start()
	t.Cleanup(srv.Close)
	return "unix://" + sock
}

// inspectOf is the inspect JSON the daemon gives for an image with this config.
func inspectOf(t *testing.T, img v1.Image, tags ...string) (id string, raw []byte) {
	t.Helper()
	rawCfg, err := img.RawConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	var diffIDs []string
	for _, d := range cfg.RootFS.DiffIDs {
		diffIDs = append(diffIDs, d.String())
	}
	id = digestOf(rawCfg)
	raw = mustJSON(t, map[string]any{
		"Id":           id,
		"RepoTags":     tags,
		"Created":      "2024-05-01T10:00:00.123456789Z",
		"Os":           cfg.OS,
		"Architecture": cfg.Architecture,
		"Variant":      cfg.Variant,
		"Config":       cfg.Config,
		"RootFS":       map[string]any{"Type": "layers", "Layers": diffIDs},
	})
	return id, raw
}

func saveStream(t *testing.T, img v1.Image, tag string) []byte {
	t.Helper()
	r, err := name.NewTag(tag)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := tarball.Write(r, img, &buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func (d *fakeDaemon) add(names []string, id string, inspect, export []byte) {
	if d.images == nil {
		d.images = map[string]daemonImage{}
	}
	for _, n := range append(names, id) {
		d.images[n] = daemonImage{inspect: inspect, export: export}
	}
}

// TestDaemon reads a docker-save stream in which blob names say nothing of their role (ggcr's
// tarball writer, like docker before 25): fn sees blobs before knowing their layer.
func TestDaemon(t *testing.T) {
	t.Parallel()
	fx := newFixture(t, "amd64", 3)
	id, inspect := inspectOf(t, fx.img, "app:1.0")
	d := &fakeDaemon{}
	d.add([]string{"app:1.0"}, id, inspect, saveStream(t, fx.img, "app:1.0"))
	host := startDaemon(t, d)

	img := mustOpen(t, "docker-daemon:app:1.0", Options{DockerHost: host})
	if img.Transport != TransportDockerDaemon || img.Name != "docker-daemon:app:1.0" || img.stream == nil {
		t.Errorf("transport %q name %q", img.Transport, img.Name)
	}
	if img.Platform != "linux/amd64" || img.Config.Config.User != "app" || img.RawConfig != nil || len(img.Config.History) != 0 {
		t.Errorf("before reading: platform %q config %+v", img.Platform, img.Config)
	}
	if img.Config.Created.IsZero() {
		t.Error("created time not taken from inspect")
	}

	var mu sync.Mutex
	var indexes []int
	got, err := ReadLayers(context.Background(), img, 4, func(ctx context.Context, l Layer, r io.Reader) ([]byte, error) {
		mu.Lock()
		indexes = append(indexes, l.Index)
		mu.Unlock()
		return io.ReadAll(r)
	})
	if err != nil {
		t.Fatal(err)
	}
	for i := range fx.tars {
		if !bytes.Equal(got[i], fx.tars[i]) {
			t.Errorf("layer %d differs", i)
		}
	}
	t.Logf("fn saw indexes %v", indexes)
	// After the pass the real config replaces the inspect-derived one.
	if len(img.RawConfig) == 0 || len(img.Config.History) != 1 || img.Config.History[0].CreatedBy != "RUN build amd64" {
		t.Errorf("after reading: config %+v", img.Config)
	}
	if len(d.exports) != 1 || d.exports[0] != id {
		t.Errorf("exports = %v, want one export by ID", d.exports)
	}
	checkImage(t, img, fx)
}

// TestDaemonDocker25 reads a Docker 25+ export, whose layers are named by their diff_id, so fn is
// told each layer as it arrives.
func TestDaemonDocker25(t *testing.T) {
	fx := newFixture(t, "arm64", 3)
	id, inspect := inspectOf(t, fx.img, "team/app:2")
	archive, mdigest := docker25Archive(t, fx, "team/app:2")
	d := &fakeDaemon{}
	d.add([]string{"team/app:2"}, id, inspect, archive)
	t.Setenv("DOCKER_HOST", startDaemon(t, d))

	img := mustOpen(t, "docker-daemon:team/app:2", Options{})
	got, err := ReadLayers(context.Background(), img, 1, func(ctx context.Context, l Layer, r io.Reader) (int, error) {
		if l.DiffID != digestOf(fx.tars[l.Index]) {
			t.Errorf("fn told %+v", l)
		}
		_, err := io.Copy(io.Discard, r)
		return l.Index, err
	})
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range got {
		if v != i {
			t.Errorf("results %v", got)
		}
	}
	if img.Digest != mdigest || img.Platform != "linux/arm64/v8" {
		t.Errorf("digest %q platform %q", img.Digest, img.Platform)
	}
	checkImage(t, img, fx)
}

func TestDaemonErrors(t *testing.T) {
	fx := newFixture(t, "amd64", 3)
	id, inspect := inspectOf(t, fx.img, "app:1.0")
	good := [][]byte{layerTar(t, 0, "x"), layerTar(t, 1, "x"), layerTar(t, 2, "x")}
	ids := []string{digestOf(good[0]), digestOf(good[1]), digestOf(good[2])}
	bad := badArchive(t, good, gzipBytes(t, good[0]), ids)
	badInspect := mustJSON(t, map[string]any{"Id": "sha256:" + strings.Repeat("b", 64), "Os": "linux", "Architecture": "amd64",
		"RootFS": map[string]any{"Type": "layers", "Layers": ids}})
	other := newFixture(t, "amd64", 1)

	d := &fakeDaemon{}
	d.add([]string{"app:1.0"}, id, inspect, saveStream(t, fx.img, "app:1.0"))
	d.add([]string{"bad:1"}, "sha256:"+strings.Repeat("b", 64), badInspect, bad)
	liarID := "sha256:" + strings.Repeat("c", 64)
	d.add([]string{"liar:1"}, liarID, bytes.Replace(inspect, []byte(id), []byte(liarID), 1), saveStream(t, other.img, "liar:1"))
	host := startDaemon(t, d)

	err := openErr(t, "docker-daemon:x", Options{DockerHost: host})
	if want := "docker-daemon:x: no such image in the Docker daemon"; err.Error() != want {
		t.Errorf("error = %q", err)
	}

	img := mustOpen(t, "docker-daemon:bad:1", Options{DockerHost: host})
	_, err = ReadLayers(context.Background(), img, 2, readAll)
	var le *LayerError
	if !errors.As(err, &le) || le.Index != 1 || !errors.Is(err, ErrDiffIDMismatch) {
		t.Errorf("err = %v, want layer 1's diff_id mismatch", err)
	}

	img = mustOpen(t, "docker-daemon:liar:1", Options{DockerHost: host})
	_, err = ReadLayers(context.Background(), img, 2, readAll)
	if err == nil || !strings.Contains(err.Error(), "does not contain the inspected image") {
		t.Errorf("err = %v", err)
	}

	sock := filepath.Join(t.TempDir(), "none.sock")
	err = openErr(t, "docker-daemon:app", Options{DockerHost: "unix://" + sock})
	wantContains(t, err, "docker-daemon:app: cannot reach the Docker daemon at unix://"+sock+": dial unix "+sock)

	err = openErr(t, "docker-daemon:../../containers/json", Options{DockerHost: host})
	wantContains(t, err, "not a valid image name or ID")

	err = openErr(t, "docker-daemon:app", Options{DockerHost: "ssh://me@host"})
	wantContains(t, err, "unsupported Docker host \"ssh://me@host\" (use unix:// or tcp://)")

	if _, statErr := os.Stat("/var/run/docker.sock"); errors.Is(statErr, os.ErrNotExist) {
		t.Setenv("DOCKER_HOST", "")
		err = openErr(t, "docker-daemon:app", Options{})
		wantContains(t, err, "docker-daemon:app: cannot reach the Docker daemon at unix:///var/run/docker.sock: ")
	}
}

func TestDaemonTCP(t *testing.T) {
	t.Parallel()
	fx := newFixture(t, "amd64", 2)
	id, inspect := inspectOf(t, fx.img, "app:1.0")
	d := &fakeDaemon{}
	d.add([]string{"app:1.0"}, id, inspect, saveStream(t, fx.img, "app:1.0"))
	srv := httptest.NewServer(d)
	defer srv.Close()
	img := mustOpen(t, "docker-daemon:app:1.0", Options{DockerHost: "tcp://" + strings.TrimPrefix(srv.URL, "http://")})
	checkImage(t, img, fx)
}

// TestDaemonOCIExport: an export with only index.json (no manifest.json), nested as Docker's
// containerd image store writes it.
func TestDaemonOCIExport(t *testing.T) {
	t.Parallel()
	amd, arm := newFixture(t, "amd64", 2), newFixture(t, "arm64", 2)
	dir := filepath.Join(t.TempDir(), "layout")
	p, err := layout.Write(dir, empty.Index)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.AppendIndex(multiPlatformIndex(t, amd, arm)); err != nil {
		t.Fatal(err)
	}
	id, inspect := inspectOf(t, arm.img, "multi:1")
	d := &fakeDaemon{}
	d.add([]string{"multi:1"}, id, inspect, tarDir(t, dir))
	img := mustOpen(t, "docker-daemon:multi:1", Options{DockerHost: startDaemon(t, d)})
	checkImage(t, img, arm)
	if img.Digest != arm.digest(t) || img.IndexDigest == "" {
		t.Errorf("digest %q index %q", img.Digest, img.IndexDigest)
	}
}
