//go:build e2e

package main

// End-to-end tests of `hardline image` against real images (docs/testing.md):
// five images built from testdata/e2e/*/Dockerfile with buildah (no daemon:
// vfs storage, chroot isolation, a storage root per image under a temporary
// directory), exported through every input path hardline reads (docker-archive
// plain and gzipped, OCI layout, OCI archive) and pushed to a real registry
// (Debian's docker-registry, i.e. distribution v2) with a self-signed
// certificate and htpasswd basic auth; then the hardline binary runs against
// each of them.
//
// Run with `make e2e` or
//
//	go test -tags e2e -count=1 -timeout 20m -run '^TestE2E' ./cmd/hardline
//
// Needs root, ../shared, buildah, docker-registry, debootstrap and htpasswd
// (apache2-utils). Without them the tests skip, unless HARDLINE_E2E_REQUIRE=1
// (CI sets it), which makes missing tools a failure. HARDLINE_E2E_KEEP=1 keeps
// the work directory (images, exports, logs) for inspection.
//
// The fixture is built once per test binary run and shared by TestE2EHarness
// (the builds, exports and registry themselves, checked with
// go-containerregistry and plain HTTP) and TestE2EImages (hardline's
// findings). The package's TestMain lives in main_test.go, so the fixture is
// torn down by the last e2e test selected by -run/-skip/-count rather than by
// TestMain; a fixture a crashed run left behind is swept by the next one.

import (
	"archive/tar"
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"debug/elf"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// ---------------------------------------------------------------------------
// The images

const (
	e2eRequireEnv = "HARDLINE_E2E_REQUIRE"
	e2eKeepEnv    = "HARDLINE_E2E_KEEP"
	e2eTag        = "1"
	e2eRegUser    = "e2e"

	e2eAlpineTarball = "alpine-minirootfs-3.20.3-x86_64.tar.gz"
	// e2eDebianBase is the base tarball's name in the build contexts;
	// e2eDebianCache its name in the cache directory (bump the suffix when
	// the recipe in e2eDebianBaseTar changes).
	e2eDebianBase  = "debian-bookworm-minbase.tar"
	e2eDebianCache = "debian-bookworm-minbase-amd64-v1.tar"
)

type e2eBase int

const (
	e2eBaseAlpine e2eBase = iota
	e2eBaseDebian
)

type e2eImageSpec struct {
	name string
	base e2eBase
	// layers is the number of filesystem layers: with --layers buildah
	// commits one per ADD, COPY and RUN.
	layers int
	// gzip: also export a gzipped docker-archive; registry: also push to
	// the registry; truncated: also make a docker-archive cut in half.
	gzip, registry, truncated bool
}

var e2eImageSpecs = []e2eImageSpec{
	{name: "alpine-bad", base: e2eBaseAlpine, layers: 7, gzip: true, registry: true, truncated: true},
	{name: "alpine-glibc", base: e2eBaseAlpine, layers: 2, gzip: true},
	{name: "alpine-good", base: e2eBaseAlpine, layers: 2, gzip: true},
	{name: "debian-bad", base: e2eBaseDebian, layers: 2},
	{name: "debian-good", base: e2eBaseDebian, layers: 3, registry: true},
}

// e2eWant is a rule that must be reported, with substrings one of its
// findings' messages must contain. Several entries may name the same rule.
type e2eWant struct {
	rule     string
	contains []string
}

// e2eExpectations: per image, rules that must and must not be reported by
// `hardline image`, whatever the input path.
var e2eExpectations = map[string]struct {
	must    []e2eWant
	mustNot []string
	// exactly maps a rule to the number of findings it must give.
	exactly map[string]int
}{
	"alpine-bad": {
		must: []e2eWant{
			{rule: "HL1001"}, // no USER
			{rule: "HL1004"}, // sh -c sleep as PID 1
			{rule: "HL1007", contains: []string{"GITHUB_TOKEN"}}, // ENV in the config
			{rule: "HL1009", contains: []string{"DB_PASSWORD"}},  // ARG in RUN history
			{rule: "HL1010", contains: []string{"/root/.ssh/id_rsa"}},
			{rule: "HL1010", contains: []string{"/root/.npmrc"}},
			{rule: "HL1011", contains: []string{"/usr/local/bin/busybox-suid"}},
			{rule: "HL1012", contains: []string{"/data/tmp"}},
		},
		mustNot: []string{"HL1002", "HL1003", "HL1006"},
	},
	"alpine-glibc": {
		must: []e2eWant{
			{rule: "HL1001"},
			{rule: "HL1004"},
			{rule: "HL1006", contains: []string{"/usr/local/bin/busybox-glibc", "ld-linux-x86-64.so.2"}},
		},
		mustNot: []string{"HL1002", "HL1003", "HL1007", "HL1008", "HL1009", "HL1010", "HL1011", "HL1012"},
	},
	"alpine-good": {
		mustNot: []string{"HL1001", "HL1002", "HL1003", "HL1006", "HL1007", "HL1008", "HL1009", "HL1010", "HL1011", "HL1012"},
	},
	"debian-bad": {
		must: []e2eWant{
			{rule: "HL1001"},
			{rule: "HL1002", contains: []string{"gcc"}},
			{rule: "HL1002", contains: []string{"libc6-dev"}},
			{rule: "HL1004"},
		},
		// Debian's own setuid files (su, mount, umount, passwd, unix_chkpwd;
		// /bin/su in dpkg's lists is /usr/bin/su on merged-/usr bookworm)
		// are owned by packages: one grouped finding, none per file.
		mustNot: []string{"HL1003", "HL1006", "HL1007", "HL1008", "HL1009", "HL1010", "HL1012"},
		exactly: map[string]int{"HL1011": 1},
	},
	"debian-good": {
		mustNot: []string{"HL1001", "HL1002", "HL1003", "HL1004", "HL1006", "HL1007", "HL1008", "HL1009", "HL1010", "HL1012"},
		exactly: map[string]int{"HL1011": 1},
	},
}

// ---------------------------------------------------------------------------
// The fixture

type e2eSecrets struct {
	githubToken, dbPassword, npmToken string
	privateKey                        []byte // PEM, PKCS #1
	registryPass                      string
}

// values are the raw secrets that must never appear in hardline's output:
// the tokens, the password, every line of the private key's body and the
// registry password (plain and as the Docker config stores it).
func (s e2eSecrets) values() []string {
	v := []string{s.githubToken, s.dbPassword, s.npmToken, s.registryPass,
		base64.StdEncoding.EncodeToString([]byte(e2eRegUser + ":" + s.registryPass))}
	for _, line := range strings.Split(string(s.privateKey), "\n") {
		if len(line) >= 16 && !strings.HasPrefix(line, "-----") {
			v = append(v, line)
		}
	}
	return v
}

func (s e2eSecrets) redact(text string) string {
	for _, v := range s.values() {
		text = strings.ReplaceAll(text, v, "<redacted>")
	}
	return text
}

type e2eImage struct {
	spec     e2eImageSpec
	localRef string // in its buildah storage: localhost/e2e/NAME:1
	storage  string // buildah --root/--runroot parent, removed after the exports

	dockerArchive, dockerArchiveGz, truncated string
	ociDir, ociArchive                        string
	ociDigest                                 string // manifest digest in ociDir
	registryRef                               string // 127.0.0.1:PORT/e2e/NAME:1
}

type e2eRegistry struct {
	host     string // 127.0.0.1:PORT
	certFile string
	cmd      *exec.Cmd
	done     chan struct{}
	logFile  string
}

type e2eEnv struct {
	repoRoot, shared, work string
	secrets                e2eSecrets
	images                 map[string]*e2eImage
	reg                    *e2eRegistry
	// dockerConfigCreds holds config.json with the registry's credentials;
	// dockerConfigEmpty holds none.
	dockerConfigCreds, dockerConfigEmpty string

	binStarted bool
	binDone    chan struct{}
	bin        string
	binErr     error

	mu      sync.Mutex
	timings []string
}

func (e *e2eEnv) timing(what string, start time.Time) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.timings = append(e.timings, fmt.Sprintf("%-40s %6.1fs", what, time.Since(start).Seconds()))
}

var e2eState struct {
	mu        sync.Mutex
	env       *e2eEnv
	skip      string
	err       error
	tried     bool
	remaining int // e2e test runs still to come
	logged    bool
}

// e2eSetup returns the shared fixture, building it on first use. It skips
// the test when a prerequisite is missing (fails instead when
// HARDLINE_E2E_REQUIRE=1), and tears the fixture down after the last e2e
// test of the run.
func e2eSetup(t *testing.T) *e2eEnv {
	t.Helper()
	st := &e2eState
	st.mu.Lock()
	defer st.mu.Unlock()
	if !st.tried && st.remaining <= 0 {
		st.remaining = e2eExpectedRuns()
	}
	t.Cleanup(func() { e2eRelease(t) })
	if !st.tried {
		st.tried = true
		start := time.Now()
		st.env, st.skip, st.err = e2eBuildEnv(t)
		if st.env != nil {
			st.env.timing("fixture total", start)
		}
	}
	if st.skip != "" {
		t.Skip(st.skip)
	}
	if st.err != nil {
		t.Fatal(st.err)
	}
	if !st.logged {
		st.logged = true
		t.Logf("e2e fixture in %s; wall times:\n  %s", st.env.work, strings.Join(st.env.timings, "\n  "))
	}
	return st.env
}

// e2eRelease tears the fixture down after the last expected e2e test run, or
// at once when -failfast will stop the run after a failure.
func e2eRelease(t *testing.T) {
	st := &e2eState
	st.mu.Lock()
	defer st.mu.Unlock()
	st.remaining--
	failfast := false
	if f := flag.Lookup("test.failfast"); f != nil {
		failfast = f.Value.String() == "true"
	}
	if st.remaining > 0 && !(failfast && t.Failed()) {
		return
	}
	if st.env != nil {
		if err := st.env.teardown(); err != nil {
			t.Errorf("e2e teardown: %v", err)
		}
	}
	// A later run (a higher -count than computed, say) builds afresh.
	st.env, st.skip, st.err, st.tried, st.logged, st.remaining = nil, "", nil, false, false, 0
}

// e2eExpectedRuns is how many of the e2e tests -run, -skip and -count select.
func e2eExpectedRuns() int {
	val := func(name string) string {
		if f := flag.Lookup(name); f != nil {
			return f.Value.String()
		}
		return ""
	}
	count, err := strconv.Atoi(val("test.count"))
	if err != nil || count < 1 {
		count = 1
	}
	n := 0
	for _, name := range []string{"TestE2EHarness", "TestE2EImages"} {
		if e2eSelected(name, val("test.run"), val("test.skip")) {
			n++
		}
	}
	return max(n, 1) * count
}

// e2eSelected mirrors how the testing package matches a top-level test:
// against the first slash-separated element of -run, and skipped by -skip
// only when -skip has a single element.
func e2eSelected(name, run, skip string) bool {
	match := func(pat string) bool {
		re, err := regexp.Compile(pat)
		return err != nil || re.MatchString(name)
	}
	if run != "" {
		if !match(e2eSplitPattern(run)[0]) {
			return false
		}
	}
	if skip != "" {
		if els := e2eSplitPattern(skip); len(els) == 1 && match(els[0]) {
			return false
		}
	}
	return true
}

func e2eSplitPattern(p string) []string {
	var out []string
	depth, start := 0, 0
	for i := 0; i < len(p); i++ {
		switch p[i] {
		case '[', '(':
			depth++
		case ']', ')':
			depth--
		case '\\':
			i++
		case '/':
			if depth == 0 {
				out = append(out, p[start:i])
				start = i + 1
			}
		}
	}
	return append(out, p[start:])
}

// e2eBuildEnv builds the whole fixture. It returns a skip message when a
// prerequisite is missing and HARDLINE_E2E_REQUIRE is not 1.
func e2eBuildEnv(t *testing.T) (*e2eEnv, string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return nil, "", err
	}
	repoRoot, err := e2eFindRepoRoot(wd)
	if err != nil {
		return nil, "", err
	}
	shared := filepath.Join(filepath.Dir(repoRoot), "shared")
	for _, p := range []string{
		filepath.Join("rootfs", e2eAlpineTarball),
		filepath.Join("images", "busybox-glibc", "index.json"),
	} {
		if _, err := os.Stat(filepath.Join(shared, p)); err != nil {
			return nil, fmt.Sprintf("e2e: %s is absent (%v); the image tests need the shared test data beside the checkout", filepath.Join(shared, p), err), nil
		}
	}
	require := os.Getenv(e2eRequireEnv) == "1"
	var missing []string
	if runtime.GOOS != "linux" || runtime.GOARCH != "amd64" {
		missing = append(missing, "linux/amd64 (the Alpine minirootfs and BusyBox images are x86_64; running on "+runtime.GOOS+"/"+runtime.GOARCH+")")
	}
	if os.Geteuid() != 0 {
		missing = append(missing, "root (debootstrap and buildah's chroot isolation need it)")
	}
	for _, tool := range []string{"buildah", "docker-registry", "debootstrap", "htpasswd", "tar", "gzip", "go"} {
		if _, err := exec.LookPath(tool); err != nil {
			missing = append(missing, tool)
		}
	}
	if len(missing) > 0 {
		msg := "e2e: missing prerequisites: " + strings.Join(missing, ", ") +
			" (on Debian: apt-get install buildah docker-registry debootstrap apache2-utils; see docs/testing.md)"
		if require {
			return nil, "", errors.New(msg + "; " + e2eRequireEnv + "=1 makes this a failure")
		}
		return nil, msg, nil
	}

	e2eSweepStale(t)
	work, err := os.MkdirTemp("", "hardline-e2e-")
	if err != nil {
		return nil, "", err
	}
	if err := os.WriteFile(filepath.Join(work, "owner.pid"), []byte(strconv.Itoa(os.Getpid())), 0o644); err != nil {
		return nil, "", err
	}
	e := &e2eEnv{repoRoot: repoRoot, shared: shared, work: work, images: map[string]*e2eImage{}, binDone: make(chan struct{})}
	if err := e.build(t); err != nil {
		err = fmt.Errorf("e2e fixture: %w", err)
		if terr := e.teardown(); terr != nil {
			err = fmt.Errorf("%w; teardown: %v", err, terr)
		}
		return nil, "", err
	}
	return e, "", nil
}

func e2eFindRepoRoot(dir string) (string, error) {
	for d := dir; ; d = filepath.Dir(d) {
		if b, err := os.ReadFile(filepath.Join(d, "go.mod")); err == nil && bytes.Contains(b, []byte("module github.com/hardline-dev/hardline\n")) {
			return d, nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("no hardline go.mod above %s", dir)
		}
	}
}

func (e *e2eEnv) build(t *testing.T) error {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	for _, d := range []string{"logs", "tmp", "out", "docker-config-empty", "docker-config"} {
		if err := os.MkdirAll(filepath.Join(e.work, d), 0o755); err != nil {
			return err
		}
	}
	// buildah push refuses a REGISTRY_AUTH_FILE that does not exist.
	if err := os.WriteFile(filepath.Join(e.work, "tmp", "buildah-auth.json"), []byte(`{"auths":{}}`), 0o600); err != nil {
		return err
	}
	e.dockerConfigEmpty = filepath.Join(e.work, "docker-config-empty")
	e.dockerConfigCreds = filepath.Join(e.work, "docker-config")
	var err error
	if e.secrets, err = e2eMakeSecrets(); err != nil {
		return err
	}

	// hardline itself, in the background: only TestE2EImages needs it.
	e.binStarted = true
	go func() {
		defer close(e.binDone)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
		defer cancel()
		start := time.Now()
		e.bin = filepath.Join(e.work, "hardline")
		e.binErr = e.run(ctx, "go-build", e.repoRoot, nil, "go", "build", "-o", e.bin, "./cmd/hardline")
		e.timing("go build ./cmd/hardline", start)
	}()

	start := time.Now()
	if err := e.startRegistry(ctx); err != nil {
		return fmt.Errorf("registry: %w", err)
	}
	e.timing("registry up", start)

	// The Debian base is cached across runs; debootstrap when it is not.
	debDone := make(chan struct{})
	var debPath string
	var debErr error
	go func() {
		defer close(debDone)
		start := time.Now()
		var cached bool
		debPath, cached, debErr = e.debianBase(ctx)
		switch {
		case debErr != nil:
		case cached:
			e.timing("debian base (cached)", start)
		default:
			e.timing("debian base (debootstrap + tar)", start)
		}
	}()

	// Pipelines (build, exports, push) in parallel, but few at a time: vfs
	// copies a whole root filesystem per step and more than two of them
	// thrash the disk instead of overlapping.
	jobs := 2
	if n, err := strconv.Atoi(os.Getenv("HARDLINE_E2E_JOBS")); err == nil && n > 0 {
		jobs = n
	}
	sem := make(chan struct{}, jobs)
	var wg sync.WaitGroup
	errs := make([]error, len(e2eImageSpecs))
	for i, spec := range e2eImageSpecs {
		img := &e2eImage{spec: spec, localRef: "localhost/e2e/" + spec.name + ":" + e2eTag,
			storage: filepath.Join(e.work, "buildah", spec.name)}
		e.images[spec.name] = img
		wg.Add(1)
		go func() {
			defer wg.Done()
			base := filepath.Join(e.shared, "rootfs", e2eAlpineTarball)
			if spec.base == e2eBaseDebian {
				<-debDone
				if debErr != nil {
					errs[i] = fmt.Errorf("%s: no Debian base: %w", spec.name, debErr)
					return
				}
				base = debPath
			}
			sem <- struct{}{}
			defer func() { <-sem }()
			errs[i] = e.buildImage(ctx, img, base)
		}()
	}
	wg.Wait()
	<-debDone
	if err := errors.Join(errs...); err != nil {
		return err
	}
	// The exports are all the tests need; vfs storage is large.
	for _, img := range e.images {
		if err := e2eSafeRemoveAll(img.storage); err != nil {
			return err
		}
	}
	return nil
}

func e2eMakeSecrets() (e2eSecrets, error) {
	const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	const lower = "abcdefghijklmnopqrstuvwxyz0123456789"
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return e2eSecrets{}, err
	}
	return e2eSecrets{
		githubToken:  "ghp_" + e2eRandom(36, alnum),
		dbPassword:   e2eRandom(8, alnum) + "-" + e2eRandom(8, alnum) + "-" + e2eRandom(8, alnum),
		npmToken:     "npm_" + e2eRandom(36, lower),
		privateKey:   pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}),
		registryPass: e2eRandom(24, alnum),
	}, nil
}

func e2eRandom(n int, alphabet string) string {
	b := make([]byte, n)
	for i := range b {
		x, err := rand.Int(rand.Reader, big.NewInt(int64(len(alphabet))))
		if err != nil {
			panic(err)
		}
		b[i] = alphabet[x.Int64()]
	}
	return string(b)
}

// run runs a command, its output going to logs/<log>.log; on failure the
// error carries the output's tail, secrets redacted.
func (e *e2eEnv) run(ctx context.Context, log, dir string, env []string, name string, args ...string) error {
	lf, err := os.OpenFile(filepath.Join(e.work, "logs", log+".log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	defer lf.Close()
	var buf bytes.Buffer
	fmt.Fprintf(lf, "$ %s %s\n", name, e.secrets.redact(strings.Join(args, " ")))
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = env
	cmd.Stdout = io.MultiWriter(lf, &buf)
	cmd.Stderr = cmd.Stdout
	// Let debootstrap and buildah unmount what they mounted.
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = 30 * time.Second
	if err := cmd.Run(); err != nil {
		lines := strings.Split(strings.TrimRight(buf.String(), "\n"), "\n")
		if len(lines) > 40 {
			lines = lines[len(lines)-40:]
		}
		return fmt.Errorf("%s %s: %w (log: %s)\n%s", name, e.secrets.redact(strings.Join(args, " ")), err,
			lf.Name(), e.secrets.redact(strings.Join(lines, "\n")))
	}
	return nil
}

// buildahEnv keeps buildah's temporary files in the work directory and away
// from the user's registry credentials. (As root, buildah still updates
// /var/lib/containers/cache/blob-info-cache-v1.boltdb; no flag moves it.)
func (e *e2eEnv) buildahEnv() []string {
	return append(os.Environ(), "TMPDIR="+filepath.Join(e.work, "tmp"),
		"REGISTRY_AUTH_FILE="+filepath.Join(e.work, "tmp", "buildah-auth.json"))
}

func (e *e2eEnv) buildah(ctx context.Context, img *e2eImage, log string, args ...string) error {
	global := []string{"--root", filepath.Join(img.storage, "root"), "--runroot", filepath.Join(img.storage, "runroot"), "--storage-driver", "vfs"}
	return e.run(ctx, img.spec.name+"."+log, e.work, e.buildahEnv(), "buildah", append(global, args...)...)
}

// buildImage prepares the build context, builds, and exports the image to
// every format.
func (e *e2eEnv) buildImage(ctx context.Context, img *e2eImage, base string) error {
	name := img.spec.name
	bctx := filepath.Join(e.work, "context", name)
	if err := os.MkdirAll(bctx, 0o755); err != nil {
		return err
	}
	df, err := os.ReadFile(filepath.Join(e.repoRoot, "testdata", "e2e", name, "Dockerfile"))
	if err != nil {
		return err
	}
	df = bytes.ReplaceAll(df, []byte("@@GITHUB_TOKEN@@"), []byte(e.secrets.githubToken))
	if bytes.Contains(df, []byte("@@")) {
		return fmt.Errorf("%s: Dockerfile has a placeholder the test does not fill", name)
	}
	files := map[string][]byte{"Dockerfile": df}
	var buildArgs []string
	switch name {
	case "alpine-bad":
		files["id_rsa"] = e.secrets.privateKey
		files[".npmrc"] = []byte("//registry.npmjs.org/:_authToken=" + e.secrets.npmToken + "\n")
		buildArgs = []string{"--build-arg", "DB_PASSWORD=" + e.secrets.dbPassword}
	case "alpine-glibc":
		bb, err := e2eExtractFromLayout(filepath.Join(e.shared, "images", "busybox-glibc"), "bin/busybox")
		if err != nil {
			return fmt.Errorf("%s: busybox from the glibc image: %w", name, err)
		}
		files["busybox-glibc"] = bb
	}
	for f, b := range files {
		mode := fs.FileMode(0o644)
		if f == "busybox-glibc" {
			mode = 0o755
		}
		if err := os.WriteFile(filepath.Join(bctx, f), b, mode); err != nil {
			return err
		}
	}
	baseName := e2eAlpineTarball
	if img.spec.base == e2eBaseDebian {
		baseName = e2eDebianBase
	}
	if err := e2eCopyFile(base, filepath.Join(bctx, baseName)); err != nil {
		return err
	}

	start := time.Now()
	args := []string{"bud", "--layers", "--isolation", "chroot", "--network", "host", "-t", img.localRef}
	args = append(args, buildArgs...)
	if err := e.buildah(ctx, img, "build", append(args, bctx)...); err != nil {
		return err
	}
	e.timing("build "+name, start)

	start = time.Now()
	out := filepath.Join(e.work, "out")
	img.dockerArchive = filepath.Join(out, name+".docker.tar")
	img.ociDir = filepath.Join(out, name+".oci")
	img.ociArchive = filepath.Join(out, name+".oci.tar")
	for _, dest := range []string{
		"docker-archive:" + img.dockerArchive + ":e2e/" + name + ":" + e2eTag,
		"oci:" + img.ociDir + ":" + e2eTag,
		"oci-archive:" + img.ociArchive + ":" + e2eTag,
	} {
		if err := e.buildah(ctx, img, "push", "push", img.localRef, dest); err != nil {
			return err
		}
	}
	if img.ociDigest, err = e2eLayoutDigest(img.ociDir, e2eTag); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	if img.spec.gzip {
		if err := e.run(ctx, name+".gzip", out, nil, "gzip", "-k", "-f", img.dockerArchive); err != nil {
			return err
		}
		img.dockerArchiveGz = img.dockerArchive + ".gz"
	}
	if img.spec.truncated {
		b, err := os.ReadFile(img.dockerArchive)
		if err != nil {
			return err
		}
		img.truncated = filepath.Join(out, name+".truncated.tar")
		if err := os.WriteFile(img.truncated, b[:len(b)/2], 0o644); err != nil {
			return err
		}
	}
	e.timing("export "+name, start)

	if img.spec.registry {
		start = time.Now()
		img.registryRef = e.reg.host + "/e2e/" + name + ":" + e2eTag
		if err := e.buildah(ctx, img, "push", "push", "--tls-verify=false", "--creds", e2eRegUser+":"+e.secrets.registryPass,
			img.localRef, "docker://"+img.registryRef); err != nil {
			return err
		}
		e.timing("registry push "+name, start)
	}
	return nil
}

func e2eCopyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// e2eExtractFromLayout returns a regular file (following a hard link) from
// the single layer of a single-image OCI layout.
func e2eExtractFromLayout(dir, name string) ([]byte, error) {
	idx, err := layout.ImageIndexFromPath(dir)
	if err != nil {
		return nil, err
	}
	im, err := idx.IndexManifest()
	if err != nil {
		return nil, err
	}
	if len(im.Manifests) != 1 {
		return nil, fmt.Errorf("%s: %d manifests, want 1", dir, len(im.Manifests))
	}
	img, err := idx.Image(im.Manifests[0].Digest)
	if err != nil {
		return nil, err
	}
	want := name
	for range 2 { // second pass when name is a hard link
		var found []byte
		link := ""
		err := e2eWalkLayers(img, func(_ int, h *tar.Header, r io.Reader) error {
			if e2eClean(h.Name) != want {
				return nil
			}
			switch h.Typeflag {
			case tar.TypeReg:
				b, err := io.ReadAll(r)
				found = b
				return err
			case tar.TypeLink:
				link = e2eClean(h.Linkname)
			}
			return nil
		})
		switch {
		case err != nil:
			return nil, err
		case found != nil:
			return found, nil
		case link != "":
			want = link
		default:
			return nil, fmt.Errorf("%s not in %s", want, dir)
		}
	}
	return nil, fmt.Errorf("%s: hard link chain too long", name)
}

func e2eClean(name string) string {
	return strings.TrimPrefix(strings.TrimPrefix(filepath.Clean("/"+name), "/"), "./")
}

// e2eWalkLayers calls fn for every entry of every layer, in layer order.
func e2eWalkLayers(img v1.Image, fn func(layer int, h *tar.Header, r io.Reader) error) error {
	layers, err := img.Layers()
	if err != nil {
		return err
	}
	for i, l := range layers {
		rc, err := l.Uncompressed()
		if err != nil {
			return err
		}
		tr := tar.NewReader(rc)
		for {
			h, err := tr.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				rc.Close()
				return fmt.Errorf("layer %d: %w", i, err)
			}
			if err := fn(i, h, tr); err != nil {
				rc.Close()
				return err
			}
		}
		rc.Close()
	}
	return nil
}

func e2eLayoutDigest(dir, tag string) (string, error) {
	idx, err := layout.ImageIndexFromPath(dir)
	if err != nil {
		return "", err
	}
	im, err := idx.IndexManifest()
	if err != nil {
		return "", err
	}
	for _, m := range im.Manifests {
		if m.Annotations["org.opencontainers.image.ref.name"] == tag {
			return m.Digest.String(), nil
		}
	}
	return "", fmt.Errorf("%s: no manifest tagged %q", dir, tag)
}

// debianBase returns the cached debootstrap tarball, making it first when
// needed: $XDG_CACHE_HOME or $HOME/.cache, /hardline-e2e/.
func (e *e2eEnv) debianBase(ctx context.Context) (path string, cached bool, err error) {
	cacheDir, err := os.UserCacheDir()
	if err != nil {
		return "", false, err
	}
	cacheDir = filepath.Join(cacheDir, "hardline-e2e")
	path = filepath.Join(cacheDir, e2eDebianCache)
	if fi, err := os.Stat(path); err == nil && fi.Size() > 50<<20 {
		return path, true, nil
	}
	if err := os.MkdirAll(cacheDir, 0o755); err != nil {
		return "", false, err
	}
	mirror := e2eDebianMirror()
	target := filepath.Join(e.work, "debootstrap")
	for attempt := 1; ; attempt++ {
		err = e.run(ctx, "debootstrap", e.work, nil, "debootstrap", "--variant=minbase", "bookworm", target, mirror)
		if err == nil || attempt == 2 || ctx.Err() != nil {
			break
		}
		if rerr := e2eSafeRemoveAll(target); rerr != nil {
			return "", false, rerr
		}
	}
	if err != nil {
		return "", false, err
	}
	// What an image base should not carry: the host's resolver and name,
	// device nodes (debootstrap creates them; image bases have an empty
	// /dev), downloaded packages and package lists.
	for _, glob := range []string{"etc/resolv.conf", "etc/hostname", "dev/*", "var/cache/apt/archives/*.deb",
		"var/cache/apt/*.bin", "var/lib/apt/lists/*_*"} {
		matches, _ := filepath.Glob(filepath.Join(target, glob))
		for _, m := range matches {
			if err := e2eSafeRemoveAll(m); err != nil {
				return "", false, err
			}
		}
	}
	tmp := path + ".tmp-" + strconv.Itoa(os.Getpid())
	if err := e.run(ctx, "debootstrap-tar", e.work, nil, "tar", "--numeric-owner", "-C", target, "-cf", tmp, "."); err != nil {
		os.Remove(tmp)
		return "", false, err
	}
	if err := os.Rename(tmp, path); err != nil {
		return "", false, err
	}
	return path, false, e2eSafeRemoveAll(target)
}

// e2eDebianMirror is the bookworm mirror from the machine's APT sources
// (HARDLINE_E2E_DEBIAN_MIRROR overrides).
func e2eDebianMirror() string {
	if m := os.Getenv("HARDLINE_E2E_DEBIAN_MIRROR"); m != "" {
		return m
	}
	const fallback = "http://deb.debian.org/debian"
	b, err := os.ReadFile("/etc/apt/sources.list.d/debian.sources")
	if err != nil {
		return fallback
	}
	for _, stanza := range strings.Split(string(b), "\n\n") {
		var uri string
		bookworm := false
		for _, line := range strings.Split(stanza, "\n") {
			k, v, ok := strings.Cut(line, ":")
			if !ok {
				continue
			}
			switch strings.TrimSpace(k) {
			case "URIs":
				uri = strings.Fields(v)[0]
			case "Suites":
				bookworm = slices.Contains(strings.Fields(v), "bookworm")
			}
		}
		if bookworm && uri != "" {
			return uri
		}
	}
	return fallback
}

// e2eSafeRemoveAll removes a directory tree unless something is mounted
// inside it: debootstrap bind-mounts the host's /dev into its target in a
// container, and a killed run can leave such mounts behind. It detaches
// those mounts first and refuses if any remain.
func e2eSafeRemoveAll(dir string) error {
	mounts := func() []string {
		b, err := os.ReadFile("/proc/self/mountinfo")
		if err != nil {
			return nil
		}
		var under []string
		for _, line := range strings.Split(string(b), "\n") {
			f := strings.Fields(line)
			if len(f) > 4 && (f[4] == dir || strings.HasPrefix(f[4], dir+"/")) {
				under = append(under, f[4])
			}
		}
		sort.Sort(sort.Reverse(sort.StringSlice(under))) // deepest first
		return under
	}
	for _, m := range mounts() {
		_ = syscall.Unmount(m, syscall.MNT_DETACH)
	}
	if left := mounts(); len(left) > 0 {
		return fmt.Errorf("not removing %s: still mounted inside: %s", dir, strings.Join(left, ", "))
	}
	return os.RemoveAll(dir)
}

// e2eSweepStale removes fixtures of e2e runs whose process is gone.
func e2eSweepStale(t *testing.T) {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), "hardline-e2e-*"))
	for _, d := range dirs {
		b, err := os.ReadFile(filepath.Join(d, "owner.pid"))
		if err != nil {
			continue
		}
		pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
		if err != nil || pid <= 0 || syscall.Kill(pid, 0) != syscall.ESRCH {
			continue
		}
		if err := e2eSafeRemoveAll(d); err != nil {
			t.Logf("stale e2e fixture: %v", err)
		} else {
			t.Logf("removed the fixture of an earlier run that did not clean up: %s", d)
		}
	}
}

func (e *e2eEnv) teardown() error {
	var errs []error
	if e.reg != nil && e.reg.cmd != nil && e.reg.cmd.Process != nil {
		_ = e.reg.cmd.Process.Kill()
		select {
		case <-e.reg.done:
		case <-time.After(10 * time.Second):
			errs = append(errs, errors.New("registry did not exit"))
		}
	}
	if e.binStarted {
		<-e.binDone
	}
	if os.Getenv(e2eKeepEnv) == "1" {
		fmt.Fprintf(os.Stderr, "e2e: %s=1: keeping %s\n", e2eKeepEnv, e.work)
		return errors.Join(errs...)
	}
	if err := e2eSafeRemoveAll(e.work); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// ---------------------------------------------------------------------------
// The registry

func (e *e2eEnv) startRegistry(ctx context.Context) error {
	dir := filepath.Join(e.work, "registry")
	if err := os.MkdirAll(filepath.Join(dir, "storage"), 0o755); err != nil {
		return err
	}
	certFile, keyFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := e2eSelfSignedCert(certFile, keyFile); err != nil {
		return err
	}
	htpasswd, err := exec.CommandContext(ctx, "htpasswd", "-Bbn", e2eRegUser, e.secrets.registryPass).Output()
	if err != nil {
		return fmt.Errorf("htpasswd: %w", err)
	}
	htpasswdFile := filepath.Join(dir, "htpasswd")
	if err := os.WriteFile(htpasswdFile, bytes.TrimSpace(htpasswd), 0o600); err != nil {
		return err
	}
	var lastErr error
	for range 3 { // the free port can be taken before the registry binds it
		port, err := e2eFreePort()
		if err != nil {
			return err
		}
		reg := &e2eRegistry{host: "127.0.0.1:" + strconv.Itoa(port), certFile: certFile, done: make(chan struct{}),
			logFile: filepath.Join(e.work, "logs", "registry.log")}
		config := filepath.Join(dir, "config.yml")
		yml := fmt.Sprintf(`version: 0.1
log:
  level: info
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: %q
  delete:
    enabled: true
http:
  addr: %q
  secret: %q
  tls:
    certificate: %q
    key: %q
auth:
  htpasswd:
    realm: hardline-e2e
    path: %q
`, filepath.Join(dir, "storage"), reg.host, e2eRandom(32, "abcdef0123456789"), certFile, keyFile, htpasswdFile)
		if err := os.WriteFile(config, []byte(yml), 0o644); err != nil {
			return err
		}
		if err := reg.start(config); err != nil {
			return err
		}
		e.reg = reg
		if lastErr = reg.waitReady(ctx, 30*time.Second); lastErr == nil {
			return e.writeDockerConfig()
		}
		_ = reg.cmd.Process.Kill()
		<-reg.done
		e.reg = nil
	}
	return lastErr
}

// start runs the registry with Pdeathsig from a goroutine locked to its OS
// thread (the signal follows the thread that forked), so that the registry
// dies with the test binary even when the run never reaches its teardown.
func (r *e2eRegistry) start(config string) error {
	logf, err := os.Create(r.logFile)
	if err != nil {
		return err
	}
	started := make(chan error, 1)
	go func() {
		runtime.LockOSThread() // never unlocked: the thread exits with the goroutine
		defer close(r.done)
		defer logf.Close()
		r.cmd = exec.Command("docker-registry", "serve", config)
		r.cmd.Stdout, r.cmd.Stderr = logf, logf
		r.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
		if err := r.cmd.Start(); err != nil {
			started <- err
			return
		}
		started <- nil
		_ = r.cmd.Wait()
	}()
	return <-started
}

// waitReady polls /v2/ until the registry answers 401 (auth required).
func (r *e2eRegistry) waitReady(ctx context.Context, timeout time.Duration) error {
	client, err := e2eHTTPClient(r.certFile)
	if err != nil {
		return err
	}
	deadline := time.Now().Add(timeout)
	for {
		select {
		case <-r.done:
			log, _ := os.ReadFile(r.logFile)
			return fmt.Errorf("docker-registry exited:\n%s", log)
		default:
		}
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "https://"+r.host+"/v2/", nil)
		resp, err := client.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusUnauthorized {
				return nil
			}
			err = fmt.Errorf("GET /v2/: %s", resp.Status)
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(r.logFile)
			return fmt.Errorf("registry not ready after %s: %w\n%s", timeout, err, log)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func (e *e2eEnv) writeDockerConfig() error {
	auth := base64.StdEncoding.EncodeToString([]byte(e2eRegUser + ":" + e.secrets.registryPass))
	cfg, err := json.Marshal(map[string]any{"auths": map[string]any{e.reg.host: map[string]string{"auth": auth}}})
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(e.dockerConfigCreds, "config.json"), cfg, 0o600)
}

func e2eFreePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// e2eSelfSignedCert writes a self-signed certificate for 127.0.0.1 that is
// its own CA, so that it can serve as SSL_CERT_FILE.
func e2eSelfSignedCert(certFile, keyFile string) error {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		return err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: "hardline e2e registry", Organization: []string{"hardline e2e"}},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
		DNSNames:              []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return err
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return err
	}
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644); err != nil {
		return err
	}
	return os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600)
}

// e2eHTTPClient trusts only the given CA certificate (none: the system's).
func e2eHTTPClient(caFile string) (*http.Client, error) {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.Proxy = nil
	if caFile != "" {
		b, err := os.ReadFile(caFile)
		if err != nil {
			return nil, err
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(b) {
			return nil, fmt.Errorf("%s: no certificate", caFile)
		}
		tr.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	}
	return &http.Client{Transport: tr, Timeout: 2 * time.Minute}, nil
}

// ---------------------------------------------------------------------------
// TestE2EHarness: the images, exports and registry are what the hardline
// assertions assume. Independent of `hardline image`.

func TestE2EHarness(t *testing.T) {
	e := e2eSetup(t)
	for _, spec := range e2eImageSpecs {
		t.Run(spec.name, func(t *testing.T) {
			img := e.images[spec.name]
			exports := e.openExports(t, img)
			ref := exports[0]
			refCfg := e2eConfig(t, ref.name, ref.img)
			refDigest, err := ref.img.ConfigName()
			if err != nil {
				t.Fatal(err)
			}
			for _, x := range exports {
				cfg := e2eConfig(t, x.name, x.img)
				layers, err := x.img.Layers()
				if err != nil {
					t.Fatalf("%s: %v", x.name, err)
				}
				if len(layers) != spec.layers || len(cfg.RootFS.DiffIDs) != spec.layers {
					t.Errorf("%s: %d layers, %d diff_ids; want %d", x.name, len(layers), len(cfg.RootFS.DiffIDs), spec.layers)
				}
				nonEmpty := 0
				for _, h := range cfg.History {
					if !h.EmptyLayer {
						nonEmpty++
					}
				}
				if nonEmpty != len(layers) {
					t.Errorf("%s: %d non-empty history entries for %d layers", x.name, nonEmpty, len(layers))
				}
				if !slices.Equal(cfg.RootFS.DiffIDs, refCfg.RootFS.DiffIDs) {
					t.Errorf("%s: diff_ids differ from %s", x.name, ref.name)
				}
				if d, err := x.img.ConfigName(); err != nil || d != refDigest {
					t.Errorf("%s: config digest %v (%v), %s has %v", x.name, d, err, ref.name, refDigest)
				}
			}
			e2eCheckContent(t, e, spec.name, ref.img, refCfg)
			if img.registryRef != "" {
				e.checkRegistry(t, img, refCfg, refDigest)
			}
		})
	}
	t.Run("history-of-alpine-bad", func(t *testing.T) {
		img, err := tarball.ImageFromPath(e.images["alpine-bad"].dockerArchive, nil)
		if err != nil {
			t.Fatal(err)
		}
		cfg := e2eConfig(t, "docker-archive", img)
		var hist []string
		recorded := false
		for _, h := range cfg.History {
			hist = append(hist, fmt.Sprintf("empty_layer=%-5v created_by=%q comment=%q", h.EmptyLayer, e.secrets.redact(h.CreatedBy), h.Comment))
			if strings.Contains(h.CreatedBy, "DB_PASSWORD="+e.secrets.dbPassword) {
				recorded = true
			}
		}
		t.Logf("alpine-bad history (secrets redacted):\n  %s", strings.Join(hist, "\n  "))
		if !recorded {
			t.Errorf("the DB_PASSWORD build argument is not recorded in any created_by; hardline's HL1009 has nothing to find")
		}
		if !slices.Contains(cfg.Config.Env, "GITHUB_TOKEN="+e.secrets.githubToken) {
			t.Errorf("GITHUB_TOKEN is not in the config's Env")
		}
	})
}

type e2eExport struct {
	name string
	img  v1.Image
}

// openExports opens every export of an image with go-containerregistry
// (docker-archive first).
func (e *e2eEnv) openExports(t *testing.T, img *e2eImage) []e2eExport {
	t.Helper()
	var out []e2eExport
	da, err := tarball.ImageFromPath(img.dockerArchive, nil)
	if err != nil {
		t.Fatalf("docker-archive: %v", err)
	}
	out = append(out, e2eExport{"docker-archive", da})
	if img.dockerArchiveGz != "" {
		gz, err := tarball.Image(func() (io.ReadCloser, error) {
			f, err := os.Open(img.dockerArchiveGz)
			if err != nil {
				return nil, err
			}
			zr, err := gzip.NewReader(f)
			if err != nil {
				f.Close()
				return nil, err
			}
			return e2eReadCloser{zr, f}, nil
		}, nil)
		if err != nil {
			t.Fatalf("gzipped docker-archive: %v", err)
		}
		out = append(out, e2eExport{"docker-archive.gz", gz})
	}
	li, err := e2eLayoutImage(img.ociDir, img.ociDigest)
	if err != nil {
		t.Fatalf("oci layout: %v", err)
	}
	out = append(out, e2eExport{"oci", li})
	// oci-archive: a tar of an OCI layout.
	dir := t.TempDir()
	if err := e2eUntar(img.ociArchive, dir); err != nil {
		t.Fatalf("oci-archive: %v", err)
	}
	d, err := e2eLayoutDigest(dir, e2eTag)
	if err != nil {
		t.Fatalf("oci-archive: %v", err)
	}
	ai, err := e2eLayoutImage(dir, d)
	if err != nil {
		t.Fatalf("oci-archive: %v", err)
	}
	out = append(out, e2eExport{"oci-archive", e2eVerifyBlobs(t, ai)})
	return out
}

type e2eReadCloser struct {
	io.Reader
	f *os.File
}

func (r e2eReadCloser) Close() error { return r.f.Close() }

func e2eLayoutImage(dir, digest string) (v1.Image, error) {
	idx, err := layout.ImageIndexFromPath(dir)
	if err != nil {
		return nil, err
	}
	h, err := v1.NewHash(digest)
	if err != nil {
		return nil, err
	}
	return idx.Image(h)
}

// e2eVerifyBlobs checks every layer's digest against the manifest.
func e2eVerifyBlobs(t *testing.T, img v1.Image) v1.Image {
	t.Helper()
	layers, err := img.Layers()
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range layers {
		rc, err := l.Compressed()
		if err != nil {
			t.Fatalf("layer %d: %v", i, err)
		}
		h := sha256.New()
		_, err = io.Copy(h, rc)
		rc.Close()
		if err != nil {
			t.Fatalf("layer %d: %v", i, err)
		}
		want, _ := l.Digest()
		if got := "sha256:" + hex.EncodeToString(h.Sum(nil)); got != want.String() {
			t.Fatalf("layer %d: digest %s, manifest says %s", i, got, want)
		}
	}
	if _, err := img.ConfigFile(); err != nil {
		t.Fatal(err)
	}
	return img
}

func e2eUntar(archive, dir string) error {
	f, err := os.Open(archive)
	if err != nil {
		return err
	}
	defer f.Close()
	tr := tar.NewReader(f)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		p := filepath.Join(dir, e2eClean(h.Name))
		switch h.Typeflag {
		case tar.TypeDir:
			if err := os.MkdirAll(p, 0o755); err != nil {
				return err
			}
		case tar.TypeReg:
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				return err
			}
			w, err := os.Create(p)
			if err != nil {
				return err
			}
			if _, err := io.Copy(w, tr); err != nil {
				w.Close()
				return err
			}
			if err := w.Close(); err != nil {
				return err
			}
		}
	}
}

func e2eConfig(t *testing.T, what string, img v1.Image) *v1.ConfigFile {
	t.Helper()
	cfg, err := img.ConfigFile()
	if err != nil {
		t.Fatalf("%s: config: %v", what, err)
	}
	return cfg
}

// e2eCheckContent checks that each image holds what its Dockerfile says:
// the facts the hardline assertions rely on.
func e2eCheckContent(t *testing.T, e *e2eEnv, name string, img v1.Image, cfg *v1.ConfigFile) {
	t.Helper()
	type entry struct {
		layer int
		hdr   tar.Header
		data  []byte
	}
	wanted := map[string]bool{
		"root/.ssh/id_rsa": true, "root/.ssh/.wh.id_rsa": true, "root/.npmrc": true,
		"usr/local/bin/busybox-suid": true, "data/tmp": true, "usr/local/bin/busybox-glibc": true,
		"lib/ld-musl-x86_64.so.1": true, "lib64/ld-linux-x86-64.so.2": true, "etc/passwd": true,
		"var/lib/dpkg/status": true, "usr/bin/tini": true, "usr/bin/gcc": true,
	}
	seen := map[string][]entry{}
	err := e2eWalkLayers(img, func(layer int, h *tar.Header, r io.Reader) error {
		n := e2eClean(h.Name)
		if !wanted[n] {
			return nil
		}
		en := entry{layer: layer, hdr: *h}
		if h.Typeflag == tar.TypeReg && (n == "etc/passwd" || n == "var/lib/dpkg/status" || n == "usr/local/bin/busybox-glibc" || n == "root/.npmrc") {
			b, err := io.ReadAll(r)
			if err != nil {
				return err
			}
			en.data = b
		}
		seen[n] = append(seen[n], en)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	last := func(n string) *entry {
		if es := seen[n]; len(es) > 0 {
			return &es[len(es)-1]
		}
		return nil
	}
	passwdHasApp := func() bool {
		p := last("etc/passwd")
		return p != nil && bytes.Contains(p.data, []byte("\napp:x:10001:"))
	}
	dpkgHas := func(pkg string) bool {
		s := last("var/lib/dpkg/status")
		return s != nil && bytes.Contains(s.data, []byte("Package: "+pkg+"\nStatus: install ok installed\n"))
	}
	switch name {
	case "alpine-bad":
		key, wh := last("root/.ssh/id_rsa"), last("root/.ssh/.wh.id_rsa")
		if key == nil || wh == nil || wh.layer <= key.layer {
			t.Errorf("want /root/.ssh/id_rsa in one layer and its whiteout in a later one; got %v and %v", key, wh)
		}
		if n := last("root/.npmrc"); n == nil || !bytes.Contains(n.data, []byte(e.secrets.npmToken)) {
			t.Errorf("/root/.npmrc missing or without the token")
		}
		if s := last("usr/local/bin/busybox-suid"); s == nil || s.hdr.Mode&04000 == 0 {
			t.Errorf("/usr/local/bin/busybox-suid missing or not setuid: %v", s)
		}
		if d := last("data/tmp"); d == nil || d.hdr.Typeflag != tar.TypeDir || d.hdr.Mode&0o7777 != 0o777 {
			t.Errorf("/data/tmp missing or not mode 0777: %v", d)
		}
		if cfg.Config.User != "" || !slices.Equal(cfg.Config.Entrypoint, []string{"/bin/sh", "-c", "sleep 1"}) {
			t.Errorf("config: user %q, entrypoint %q", cfg.Config.User, cfg.Config.Entrypoint)
		}
	case "alpine-glibc":
		bb := last("usr/local/bin/busybox-glibc")
		if bb == nil {
			t.Fatal("/usr/local/bin/busybox-glibc missing")
		}
		if interp, err := e2eELFInterp(bb.data); err != nil || interp != "/lib64/ld-linux-x86-64.so.2" {
			t.Errorf("busybox-glibc interpreter %q (%v)", interp, err)
		}
		if last("lib/ld-musl-x86_64.so.1") == nil || last("lib64/ld-linux-x86-64.so.2") != nil {
			t.Errorf("want the musl loader and no glibc loader")
		}
	case "alpine-good":
		if !passwdHasApp() || cfg.Config.User != "10001" {
			t.Errorf("want user app with UID 10001 and USER 10001; config user %q", cfg.Config.User)
		}
	case "debian-bad":
		for _, p := range []string{"gcc", "libc6-dev"} {
			if !dpkgHas(p) {
				t.Errorf("dpkg database lacks installed %s", p)
			}
		}
		if last("usr/bin/gcc") == nil || cfg.Config.User != "" || !slices.Equal(cfg.Config.Cmd, []string{"bash"}) {
			t.Errorf("want /usr/bin/gcc, no USER, CMD bash; config user %q cmd %q", cfg.Config.User, cfg.Config.Cmd)
		}
	case "debian-good":
		if !dpkgHas("tini") || last("usr/bin/tini") == nil || dpkgHas("gcc") {
			t.Errorf("want tini installed and no gcc")
		}
		if !passwdHasApp() || cfg.Config.User != "10001" ||
			!slices.Equal(cfg.Config.Entrypoint, []string{"/usr/bin/tini", "--"}) || !slices.Equal(cfg.Config.Cmd, []string{"sleep", "1"}) {
			t.Errorf("config: user %q entrypoint %q cmd %q", cfg.Config.User, cfg.Config.Entrypoint, cfg.Config.Cmd)
		}
	}
}

func e2eELFInterp(b []byte) (string, error) {
	f, err := elf.NewFile(bytes.NewReader(b))
	if err != nil {
		return "", err
	}
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			s, err := io.ReadAll(p.Open())
			return strings.TrimRight(string(s), "\x00"), err
		}
	}
	return "", errors.New("no PT_INTERP")
}

// checkRegistry pulls the image over HTTPS with basic auth, verifies every
// blob's digest, and checks what the registry refuses.
func (e *e2eEnv) checkRegistry(t *testing.T, img *e2eImage, refCfg *v1.ConfigFile, refConfigDigest v1.Hash) {
	t.Helper()
	client, err := e2eHTTPClient(e.reg.certFile)
	if err != nil {
		t.Fatal(err)
	}
	repo, tag, _ := strings.Cut(strings.TrimPrefix(img.registryRef, e.reg.host+"/"), ":")
	base := "https://" + e.reg.host + "/v2/" + repo
	type response struct {
		Status     string
		StatusCode int
		Header     http.Header
	}
	get := func(url string, auth bool, accept ...string) (response, []byte) {
		t.Helper()
		req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, url, nil)
		if err != nil {
			t.Fatal(err)
		}
		if auth {
			req.SetBasicAuth(e2eRegUser, e.secrets.registryPass)
		}
		for _, a := range accept {
			req.Header.Add("Accept", a)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("GET %s: %v", url, err)
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatalf("GET %s: %v", url, err)
		}
		return response{resp.Status, resp.StatusCode, resp.Header}, body
	}
	accept := []string{"application/vnd.oci.image.manifest.v1+json", "application/vnd.docker.distribution.manifest.v2+json"}

	if resp, _ := get(base+"/manifests/"+tag, false, accept...); resp.StatusCode != http.StatusUnauthorized ||
		!strings.HasPrefix(resp.Header.Get("WWW-Authenticate"), "Basic ") {
		t.Errorf("without credentials: %s, WWW-Authenticate %q; want 401 and Basic", resp.Status, resp.Header.Get("WWW-Authenticate"))
	}
	// The system trust store does not know the certificate: that is what
	// --insecure-registry or SSL_CERT_FILE are for.
	sys, _ := e2eHTTPClient("")
	if resp, err := sys.Get("https://" + e.reg.host + "/v2/"); err == nil {
		resp.Body.Close()
		t.Errorf("the system trust store accepts the self-signed certificate")
	} else if !strings.Contains(err.Error(), "certificate") {
		t.Errorf("system trust store: %v; want a certificate error", err)
	}

	resp, body := get(base+"/manifests/"+tag, true, accept...)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("manifest: %s\n%s", resp.Status, body)
	}
	if d := resp.Header.Get("Docker-Content-Digest"); d != e2eSHA256(body) {
		t.Errorf("manifest digest header %s, body %s", d, e2eSHA256(body))
	}
	m, err := v1.ParseManifest(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("registry manifest %s (%s), %d layers", resp.Header.Get("Content-Type"), e2eSHA256(body), len(m.Layers))
	if m.Config.Digest != refConfigDigest {
		t.Errorf("registry config %s, exports have %s", m.Config.Digest, refConfigDigest)
	}
	if len(m.Layers) != img.spec.layers {
		t.Errorf("registry manifest has %d layers, want %d", len(m.Layers), img.spec.layers)
	}
	for _, d := range append([]v1.Descriptor{m.Config}, m.Layers...) {
		resp, blob := get(base+"/blobs/"+d.Digest.String(), true)
		if resp.StatusCode != http.StatusOK || e2eSHA256(blob) != d.Digest.String() || int64(len(blob)) != d.Size {
			t.Errorf("blob %s: %s, %d bytes, digest %s", d.Digest, resp.Status, len(blob), e2eSHA256(blob))
		}
		if d.Digest == m.Config.Digest {
			cfg, err := v1.ParseConfigFile(bytes.NewReader(blob))
			if err != nil || !slices.Equal(cfg.RootFS.DiffIDs, refCfg.RootFS.DiffIDs) {
				t.Errorf("registry config: %v, diff_ids differ from the exports", err)
			}
		}
	}
}

func e2eSHA256(b []byte) string {
	s := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(s[:])
}

// ---------------------------------------------------------------------------
// TestE2EImages: `hardline image` against every image through every input.

type e2eResult struct {
	args           []string
	code           int
	stdout, stderr string
}

func (r e2eResult) String() string {
	return fmt.Sprintf("hardline %s\nexit %d\n--- stdout:\n%s\n--- stderr:\n%s", strings.Join(r.args, " "), r.code, r.stdout, r.stderr)
}

type e2eReport struct {
	Summary struct {
		Files    int  `json:"files"`
		Findings int  `json:"findings"`
		Errors   int  `json:"errors"`
		Failed   bool `json:"failed"`
	} `json:"summary"`
	Findings []struct {
		RuleID      string `json:"rule_id"`
		RuleName    string `json:"rule_name"`
		Message     string `json:"message"`
		File        string `json:"file"`
		Severity    string `json:"severity"`
		Fingerprint string `json:"fingerprint"`
		Location    struct {
			StartLine int `json:"start_line"`
		} `json:"location"`
	} `json:"findings"`
	Errors []struct {
		File    string `json:"file"`
		Message string `json:"message"`
	} `json:"errors"`
	Files []string `json:"files"`
}

// hardline runs the binary from the repository root with no Docker
// credentials (DOCKER_CONFIG is an empty directory) unless env says
// otherwise, and checks that no secret reaches its output.
func (e *e2eEnv) hardline(t *testing.T, env []string, args ...string) e2eResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, e.bin, args...)
	cmd.Dir = e.repoRoot
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if k != "DOCKER_CONFIG" && k != "SSL_CERT_FILE" && k != "SSL_CERT_DIR" && !strings.HasPrefix(k, "HARDLINE_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, "DOCKER_CONFIG="+e.dockerConfigEmpty)
	cmd.Env = append(cmd.Env, env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	r := e2eResult{args: args}
	err := cmd.Run()
	r.stdout, r.stderr = out.String(), errb.String()
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee) && ee.Exited():
		r.code = ee.ExitCode()
	case err != nil:
		t.Fatalf("hardline %s: %v", strings.Join(args, " "), err)
	}
	for _, s := range e.secrets.values() {
		if strings.Contains(r.stdout, s) || strings.Contains(r.stderr, s) {
			t.Errorf("a raw secret value is in the output of hardline %s", e.secrets.redact(strings.Join(args, " ")))
			break
		}
	}
	return r
}

type e2eInput struct {
	name string
	args []string
	env  []string
}

// inputs lists every way to hand hardline the same image. The variants that
// exercise option parsing rather than another reader (a digest, --platform,
// the registry: prefix) run on the small Alpine images only.
func (e *e2eEnv) inputs(img *e2eImage) []e2eInput {
	small := img.spec.base == e2eBaseAlpine
	in := []e2eInput{
		{name: "docker-archive-file", args: []string{img.dockerArchive}},
		{name: "docker-archive-transport", args: []string{"docker-archive:" + img.dockerArchive}},
	}
	if img.dockerArchiveGz != "" {
		in = append(in, e2eInput{name: "docker-archive-gzip", args: []string{img.dockerArchiveGz}})
	}
	in = append(in, e2eInput{name: "oci-layout-tag", args: []string{"oci:" + img.ociDir + ":" + e2eTag}})
	if small {
		in = append(in,
			e2eInput{name: "oci-layout-digest", args: []string{"oci:" + img.ociDir + "@" + img.ociDigest}},
			e2eInput{name: "oci-layout-platform", args: []string{"--platform", "linux/amd64", "oci:" + img.ociDir + ":" + e2eTag}},
		)
	}
	in = append(in,
		e2eInput{name: "oci-layout-dir", args: []string{img.ociDir}},
		e2eInput{name: "oci-archive-transport", args: []string{"oci-archive:" + img.ociArchive}},
		e2eInput{name: "oci-archive-file", args: []string{img.ociArchive}},
	)
	if img.registryRef != "" {
		creds := []string{"DOCKER_CONFIG=" + e.dockerConfigCreds}
		in = append(in, e2eInput{name: "registry-insecure", args: []string{"--insecure-registry", e.reg.host, img.registryRef}, env: creds})
		if small {
			in = append(in, e2eInput{name: "registry-transport", args: []string{"--insecure-registry", e.reg.host, "registry:" + img.registryRef}, env: creds})
		}
		in = append(in, e2eInput{name: "registry-ssl-cert-file", args: []string{img.registryRef}, env: append(creds, "SSL_CERT_FILE="+e.reg.certFile)})
	}
	return in
}

var e2eSchemas struct {
	once            sync.Once
	findings, sarif *jsonschema.Schema
	err             error
}

func (e *e2eEnv) schemas(t *testing.T) (findings, sarif *jsonschema.Schema) {
	t.Helper()
	s := &e2eSchemas
	s.once.Do(func() {
		c := jsonschema.NewCompiler()
		if s.findings, s.err = c.Compile(filepath.Join(e.repoRoot, "docs", "schema", "findings.v1.json")); s.err != nil {
			return
		}
		s.sarif, s.err = c.Compile(filepath.Join(e.shared, "schemas", "sarif-schema-2.1.0.json"))
	})
	if s.err != nil {
		t.Fatal(s.err)
	}
	return s.findings, s.sarif
}

func e2eValidate(t *testing.T, sch *jsonschema.Schema, what string, doc []byte) {
	t.Helper()
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err == nil {
		err = sch.Validate(inst)
	}
	if err != nil {
		t.Fatalf("%s does not validate: %v\n%.4000s", what, err, doc)
	}
}

// report parses and validates a JSON report of a run without input errors.
func (e *e2eEnv) report(t *testing.T, r e2eResult) e2eReport {
	t.Helper()
	if r.code != 0 && r.code != 1 {
		t.Fatalf("want exit 0 or 1:\n%s", r)
	}
	fsch, _ := e.schemas(t)
	e2eValidate(t, fsch, "JSON report", []byte(r.stdout))
	var rep e2eReport
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatalf("JSON report: %v\n%s", err, r)
	}
	if rep.Summary.Errors != 0 || len(rep.Errors) != 0 || len(rep.Files) != 1 {
		t.Errorf("want one input and no errors: files %q, errors %+v", rep.Files, rep.Errors)
	}
	if want := map[bool]int{false: 0, true: 1}[rep.Summary.Failed]; r.code != want {
		t.Errorf("exit %d with summary.failed %v", r.code, rep.Summary.Failed)
	}
	return rep
}

func e2eCheckExpectations(t *testing.T, image string, rep e2eReport) {
	t.Helper()
	exp := e2eExpectations[image]
	for _, w := range exp.must {
		ok := false
		for _, f := range rep.Findings {
			if f.RuleID == w.rule && e2eContainsAll(f.Message, w.contains) {
				ok = true
				break
			}
		}
		if !ok {
			t.Errorf("%s: want a %s finding whose message contains %q", image, w.rule, w.contains)
		}
	}
	counts := map[string]int{}
	for _, f := range rep.Findings {
		counts[f.RuleID]++
		if slices.Contains(exp.mustNot, f.RuleID) {
			t.Errorf("%s: unexpected %s %s: %s", image, f.RuleID, f.RuleName, f.Message)
		}
	}
	for rule, n := range exp.exactly {
		if counts[rule] != n {
			t.Errorf("%s: %d %s findings, want %d", image, counts[rule], rule, n)
		}
	}
	if t.Failed() {
		var got []string
		for _, f := range rep.Findings {
			got = append(got, f.RuleID+" "+f.Message)
		}
		t.Logf("%s findings:\n  %s", image, strings.Join(got, "\n  "))
	}
}

func e2eContainsAll(s string, subs []string) bool {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return false
		}
	}
	return true
}

func e2eFingerprints(rep e2eReport) []string {
	var s []string
	for _, f := range rep.Findings {
		s = append(s, f.RuleID+" "+f.Fingerprint)
	}
	sort.Strings(s)
	return slices.Compact(s)
}

// e2eLinesMentioning counts the lines of stdout and stderr that contain sub
// (case-insensitive).
func e2eLinesMentioning(r e2eResult, sub string) int {
	n := 0
	for _, line := range strings.Split(r.stdout+"\n"+r.stderr, "\n") {
		if strings.Contains(strings.ToLower(line), strings.ToLower(sub)) {
			n++
		}
	}
	return n
}

func TestE2EImages(t *testing.T) {
	e := e2eSetup(t)
	<-e.binDone
	if e.binErr != nil {
		t.Fatalf("building hardline: %v", e.binErr)
	}

	for _, spec := range e2eImageSpecs {
		t.Run(spec.name, func(t *testing.T) {
			t.Parallel()
			img := e.images[spec.name]
			var first []string
			var firstName string
			for _, in := range e.inputs(img) {
				t.Run(in.name, func(t *testing.T) {
					r := e.hardline(t, in.env, append([]string{"image", "--no-config", "-f", "json"}, in.args...)...)
					rep := e.report(t, r)
					e2eCheckExpectations(t, spec.name, rep)
					fp := e2eFingerprints(rep)
					if first == nil {
						first, firstName = fp, in.name
					} else if !slices.Equal(fp, first) {
						t.Errorf("(rule_id, fingerprint) differ from %s:\n  %s: %q\n  %s: %q", firstName, in.name, fp, firstName, first)
					}
				})
			}
		})
	}

	// Every format, to standard output and to a file: no raw secret.
	t.Run("secrets-never-printed", func(t *testing.T) {
		t.Parallel()
		img := e.images["alpine-bad"]
		_, ssch := e.schemas(t)
		for _, format := range []string{"text", "json", "sarif"} {
			r := e.hardline(t, nil, "image", "--no-config", "--no-color", "-f", format, img.dockerArchive)
			if r.code != 1 {
				t.Errorf("-f %s: want exit 1:\n%s", format, r)
			}
			if format == "sarif" {
				e2eValidate(t, ssch, "SARIF", []byte(r.stdout))
			}
			out := filepath.Join(t.TempDir(), "report."+format)
			r = e.hardline(t, nil, "image", "--no-config", "-f", format, "-o", out, img.dockerArchive)
			b, err := os.ReadFile(out)
			if err != nil {
				t.Fatalf("-o %s: %v\n%s", out, err, r)
			}
			for _, s := range e.secrets.values() {
				if bytes.Contains(b, []byte(s)) {
					t.Errorf("-f %s -o FILE: a raw secret value is in the report", format)
					break
				}
			}
		}
	})

	t.Run("dockerfile-mapping", func(t *testing.T) {
		t.Parallel()
		const df = "testdata/e2e/debian-bad/Dockerfile"
		line := e2eLineOf(t, filepath.Join(e.repoRoot, df), "RUN apt-get")
		r := e.hardline(t, nil, "image", "--no-config", "-f", "json", "--dockerfile", df, e.images["debian-bad"].dockerArchive)
		rep := e.report(t, r)
		n := 0
		for _, f := range rep.Findings {
			if f.RuleID != "HL1002" {
				continue
			}
			n++
			if f.File != df || f.Location.StartLine != line {
				t.Errorf("HL1002 at %s:%d, want %s:%d: %s", f.File, f.Location.StartLine, df, line, f.Message)
			}
		}
		if n == 0 {
			t.Errorf("no HL1002 finding:\n%s", r)
		}
	})

	t.Run("input-errors", func(t *testing.T) {
		t.Parallel()
		bad := e.images["alpine-bad"]
		missing := filepath.Join(e.work, "out", "does-not-exist.tar")

		r := e.hardline(t, nil, "image", "--no-config", missing)
		if r.code != 2 || e2eLinesMentioning(r, "does-not-exist.tar") != 1 {
			t.Errorf("missing file: want exit 2 and one line naming it:\n%s", r)
		}

		r = e.hardline(t, nil, "image", "--no-config", bad.truncated)
		if r.code != 2 || e2eLinesMentioning(r, filepath.Base(bad.truncated)) != 1 {
			t.Errorf("truncated archive: want exit 2 and one line naming the file:\n%s", r)
		}
		r = e.hardline(t, nil, "image", "--no-config", "-f", "json", bad.truncated)
		var rep e2eReport
		if err := json.Unmarshal([]byte(r.stdout), &rep); r.code != 2 || err != nil || len(rep.Errors) != 1 ||
			!strings.Contains(rep.Errors[0].File, filepath.Base(bad.truncated)) || strings.Contains(rep.Errors[0].Message, "\n") {
			t.Errorf("truncated archive, -f json: want exit 2 and one one-line error naming the file (%v):\n%s", err, r)
		}

		// Registry without credentials (DOCKER_CONFIG has none).
		r = e.hardline(t, nil, "image", "--no-config", "--insecure-registry", e.reg.host, bad.registryRef)
		if r.code != 2 || e2eLinesMentioning(r, "unauthorized") != 1 {
			t.Errorf("registry without credentials: want exit 2 and one line mentioning unauthorized:\n%s", r)
		}
		// Registry with credentials but neither --insecure-registry nor a
		// trusted certificate.
		r = e.hardline(t, []string{"DOCKER_CONFIG=" + e.dockerConfigCreds}, "image", "--no-config", bad.registryRef)
		if r.code != 2 || e2eLinesMentioning(r, "certificate") != 1 {
			t.Errorf("untrusted registry certificate: want exit 2 and one line mentioning the certificate:\n%s", r)
		}
	})
}

func e2eLineOf(t *testing.T, path, prefix string) int {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		if strings.HasPrefix(sc.Text(), prefix) {
			return n
		}
	}
	t.Fatalf("%s: no line starts with %q", path, prefix)
	return 0
}
