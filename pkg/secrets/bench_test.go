package secrets

import (
	"bytes"
	"encoding/base64"
	"math/rand"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// dockerfileSample is a realistic official-image style Dockerfile: GPG
// fingerprints, checksums, URLs, long RUN scripts, and one planted secret.
func dockerfileSample() string {
	return `FROM debian:bookworm-slim
ENV PYTHON_VERSION=3.12.2
ENV GPG_KEY=7169605F62C751356D054A26A821E680E5FA6305
ENV PYTHON_SHA256=be28112dac813d2053545c14bf13a16401a21877f1a69eb6ea5d84c4a0f3d870
ARG API_TOKEN
ENV DB_PASSWORD_FILE=/run/secrets/db
RUN set -eux; \
	savedAptMark="$(apt-mark showmanual)"; \
	apt-get update; \
	apt-get install -y --no-install-recommends dpkg-dev gcc gnupg libbz2-dev libc6-dev libdb-dev libexpat1-dev libffi-dev libgdbm-dev liblzma-dev libncursesw5-dev libreadline-dev libsqlite3-dev libssl-dev make tk-dev uuid-dev wget xz-utils zlib1g-dev; \
	wget -O python.tar.xz "https://www.python.org/ftp/python/${PYTHON_VERSION%%[a-z]*}/Python-$PYTHON_VERSION.tar.xz"; \
	echo "$PYTHON_SHA256 *python.tar.xz" | sha256sum -c -; \
	wget -O python.tar.xz.asc "https://www.python.org/ftp/python/${PYTHON_VERSION%%[a-z]*}/Python-$PYTHON_VERSION.tar.xz.asc"; \
	GNUPGHOME="$(mktemp -d)"; export GNUPGHOME; \
	gpg --batch --keyserver hkps://keys.openpgp.org --recv-keys "$GPG_KEY"; \
	gpg --batch --verify python.tar.xz.asc python.tar.xz; \
	gpgconf --kill all; \
	rm -rf "$GNUPGHOME" python.tar.xz.asc; \
	mkdir -p /usr/src/python; \
	tar --extract --directory /usr/src/python --strip-components=1 --file python.tar.xz; \
	rm python.tar.xz; \
	cd /usr/src/python; \
	gnuArch="$(dpkg-architecture --query DEB_BUILD_GNU_TYPE)"; \
	./configure --build="$gnuArch" --enable-loadable-sqlite-extensions --enable-optimizations --enable-option-checking=fatal --enable-shared --with-lto --with-ensurepip; \
	nproc="$(nproc)"; \
	make -j "$nproc"; \
	make install; \
	curl -fsSL -H "Authorization: Bearer $GITHUB_TOKEN" https://api.github.com/repos/x/y/releases; \
	find /usr/local -depth \( \( -type d -a \( -name test -o -name tests -o -name idle_test \) \) -o \( -type f -a \( -name '*.pyc' -o -name '*.pyo' -o -name 'libpython*.a' \) \) \) -exec rm -rf '{}' + ; \
	ldconfig; \
	python3 --version
RUN echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > ~/.npmrc
COPY --from=builder /app /app
HEALTHCHECK CMD curl -f http://localhost:8080/health || exit 1
USER app
CMD ["python3", "-m", "app"]
`
}

// mixedText builds ~size bytes of shell, config, prose and base64-ish data
// with credential-ish words sprinkled in, the way image layers look.
func mixedText(size int) string {
	r := rand.New(rand.NewSource(1))
	parts := []string{
		dockerfileSample(),
		"export PATH=/usr/local/bin:$PATH\nexport API_URL=https://api.example.com/v1\n",
		"[database]\nhost = db\nport = 5432\nuser = app\npassword_file = /run/secrets/db\n",
		"The access token is refreshed by the auth service; keys are rotated monthly.\n",
		"key: value\nsecretName: app-secrets\ntokenizer: bert-base\n",
		"{\"name\": \"pkg\", \"version\": \"1.2.3\", \"integrity\": \"sha512-" + strings.Repeat("Ab9+", 22) + "==\"}\n",
	}
	var sb strings.Builder
	for sb.Len() < size {
		sb.WriteString(parts[r.Intn(len(parts))])
		b := make([]byte, 64)
		for i := range b {
			b[i] = "abcdefghijklmnopqrstuvwxyz0123456789 _-=\n"[r.Intn(41)]
		}
		sb.Write(b)
		sb.WriteByte('\n')
	}
	return sb.String()
}

func BenchmarkScanText(b *testing.B) {
	d := Default()
	for _, bc := range []struct {
		name string
		text string
	}{
		{"dockerfile", dockerfileSample()},
		{"mixed-1MB", mixedText(1 << 20)},
	} {
		d.ScanText(bc.text) // warm up: load rules, compile triggered regexps
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(bc.text)))
			for b.Loop() {
				d.ScanText(bc.text)
			}
		})
	}
}

// ---------------------------------------------------------------------------
// Throughput and start-up on realistic and adversarial inputs (issue #4;
// numbers in docs/performance.md, "Secrets"). Run on one core:
//
//	go test ./pkg/secrets -run '^$' -bench 'Init|Throughput' -cpu 1 -benchtime 5x
//
// Inputs that live outside the repository (the shared corpus, this
// machine's /usr/share/doc and /usr/local/go/src) are skipped when absent.

// benchCorpus is every file of the shared corpus, concatenated ("" when the
// corpus is absent).
func benchCorpus() string {
	var sb strings.Builder
	for _, f := range corpusFileList() {
		sb.WriteString(f)
		sb.WriteByte('\n')
	}
	return sb.String()
}

// imageTextRoots are directories whose text files resemble what image layers
// hold: package documentation, licences, changelogs and source code.
var imageTextRoots = []string{"/usr/share/doc", "/usr/local/go/src"}

// imageTextFiles reads text files (no NUL byte in the first 8 KiB, not
// gzip-compressed) from imageTextRoots in walk order, up to limit bytes in
// all; the last file is cut to fit.
func imageTextFiles(limit int) []string {
	var files []string
	total := 0
	for _, root := range imageTextRoots {
		_ = filepath.WalkDir(root, func(p string, e os.DirEntry, err error) error {
			if total >= limit {
				return filepath.SkipAll
			}
			if err == nil && e.Type().IsRegular() && !strings.HasSuffix(p, ".gz") {
				if b, ok := readText(p); ok {
					b = b[:min(len(b), limit-total)]
					files = append(files, b)
					total += len(b)
				}
			}
			return nil
		})
	}
	return files
}

// readText returns a file's content unless it is empty, unreadable or
// binary (a NUL byte in the first 8 KiB).
func readText(p string) (string, bool) {
	b, err := os.ReadFile(p)
	if err != nil || len(b) == 0 || bytes.IndexByte(b[:min(len(b), 8192)], 0) >= 0 {
		return "", false
	}
	return string(b), true
}

// minifiedJS builds ~size bytes shaped like a minified JavaScript bundle:
// lines of tens of kilobytes, dense with identifiers that are also
// detector keywords (token, key, auth, secret, password, apiKey …), short
// quoted strings, numbers and the odd base64 data URI. Deterministic.
func minifiedJS(size int) string {
	r := rand.New(rand.NewSource(7))
	idents := []string{"e", "t", "n", "r", "o", "i", "a", "s", "u", "c", "l", "d", "f", "p", "h",
		"token", "accessToken", "refreshToken", "apiKey", "authKey", "key", "keys", "secret",
		"clientSecret", "password", "passwordConfirm", "auth", "authorization", "bearer",
		"credentials", "session", "user", "value", "state", "props", "children", "createElement",
		"useEffect", "useState", "then", "catch", "length", "push", "map", "filter", "reduce"}
	word := func() string { return idents[r.Intn(len(idents))] }
	pieces := []func() string{
		func() string { return "function(" + word() + "," + word() + "){return " + word() + "." + word() + "}" },
		func() string { return "var " + word() + "=" + word() + "." + word() + "||{};" },
		func() string { return word() + ":\"" + randFrom(lowerAN, 3+r.Intn(10), r.Int63()) + "\"," },
		func() string { return "if(" + word() + "[" + word() + "]===" + word() + ")" },
		func() string { return "headers:{Authorization:\"Bearer \"+" + word() + "}," },
		func() string { return "{key:" + word() + ",token:" + word() + ",password:" + word() + "}" },
		func() string { return strconv.Itoa(r.Intn(100000)) + ";" },
		func() string { return "\"" + word() + "-" + word() + "\"," },
		func() string {
			return "url(\"data:image/png;base64," + randFrom(b64, 200+r.Intn(600), r.Int63()) + "\")"
		},
		func() string { return "a.secret=" + word() + ";a.apiKey=" + word() + "(\"x\");" },
	}
	var sb strings.Builder
	line := 0
	for sb.Len() < size {
		sb.WriteString(pieces[r.Intn(len(pieces))]())
		line++
		if line%3000 == 0 { // ~50-100 KB lines
			sb.WriteByte('\n')
		}
	}
	return sb.String()
}

// randomBase64 is n bytes of base64 of random data, as one line (wrap 0) or
// wrapped at wrap columns (76 for MIME, 64 for PEM).
func randomBase64(n, wrap int) string {
	r := rand.New(rand.NewSource(9))
	raw := make([]byte, n*3/4+3)
	r.Read(raw)
	s := base64.StdEncoding.EncodeToString(raw)[:n]
	if wrap <= 0 {
		return s
	}
	var sb strings.Builder
	for i := 0; i < len(s); i += wrap {
		sb.WriteString(s[i:min(len(s), i+wrap)])
		sb.WriteByte('\n')
	}
	return sb.String()
}

// throughputInputs are the inputs of BenchmarkThroughput, built once.
var throughputInputs = sync.OnceValue(func() []struct{ name, text string } {
	in := []struct{ name, text string }{}
	if c := benchCorpus(); c != "" {
		in = append(in, struct{ name, text string }{"corpus-concat", c})
	}
	if t := strings.Join(imageTextFiles(50<<20), "\n"); t != "" {
		in = append(in, struct{ name, text string }{"image-text-50MB", t})
	}
	in = append(in,
		struct{ name, text string }{"minified-js-4MB", minifiedJS(4 << 20)},
		struct{ name, text string }{"base64-1MB-oneline", randomBase64(1<<20, 0)},
		struct{ name, text string }{"base64-1MB-76col", randomBase64(1<<20, 76)},
	)
	return in
})

// BenchmarkThroughput is ScanText's steady state (rules loaded, every
// regexp the input needs already compiled) on whole inputs of each kind.
func BenchmarkThroughput(b *testing.B) {
	d := Default()
	for _, in := range throughputInputs() {
		b.Run(in.name, func(b *testing.B) {
			d.ScanText(in.text) // warm up: load rules, compile triggered regexps
			b.SetBytes(int64(len(in.text)))
			for b.Loop() {
				d.ScanText(in.text)
			}
		})
	}
}

// BenchmarkThroughputPerFile scans one file at a time, as the facts
// builders do: per-call overhead (lower-casing, the keyword pass,
// allocation) is paid per file, and a rule that has to search a whole input
// (see docs/performance.md, "Secrets") only searches the files that hold its
// keyword.
func BenchmarkThroughputPerFile(b *testing.B) {
	sets := []struct {
		name  string
		files func() []string
	}{
		{"corpus", corpusFileList},
		{"image-text-50MB", func() []string { return imageTextFiles(50 << 20) }},
	}
	d := Default()
	for _, set := range sets {
		b.Run(set.name, func(b *testing.B) {
			files := set.files()
			if len(files) == 0 {
				b.Skip("input not available on this machine")
			}
			total := 0
			for _, f := range files {
				total += len(f)
				d.ScanText(f)
			}
			b.SetBytes(int64(total))
			for b.Loop() {
				for _, f := range files {
					d.ScanText(f)
				}
			}
		})
	}
}

// corpusFileList is the corpus, one string per file (nil when absent).
func corpusFileList() []string {
	var files []string
	_ = filepath.WalkDir(corpusDir, func(p string, e os.DirEntry, err error) error {
		if err == nil && e.Type().IsRegular() {
			if data, rerr := os.ReadFile(p); rerr == nil {
				files = append(files, string(data))
			}
		}
		return nil
	})
	return files
}

// BenchmarkInit measures what the first scan of a process pays, with a
// fresh detector every iteration:
//
//   - load: parse gitleaks' TOML, convert the rules, build the keyword
//     automaton (Prepare; nothing is compiled).
//   - first-scan-dockerfile / first-scan-corpus: load plus the first
//     ScanText, which compiles the regexps (and anchored plans) of the
//     rules whose keywords occur in the text.
//   - compile-all: load plus preparing every rule, i.e. what eager
//     compilation would cost at start-up.
func BenchmarkInit(b *testing.B) {
	b.Run("load", func(b *testing.B) {
		for b.Loop() {
			d := &Detector{core: &core{}}
			d.Prepare()
		}
	})
	b.Run("first-scan-dockerfile", func(b *testing.B) {
		text := dockerfileSample()
		for b.Loop() {
			d := &Detector{core: &core{}}
			d.ScanText(text)
		}
	})
	if c := benchCorpus(); c != "" {
		b.Run("first-scan-corpus", func(b *testing.B) {
			for b.Loop() {
				d := &Detector{core: &core{}}
				d.ScanText(c)
			}
		})
	}
	b.Run("compile-all", func(b *testing.B) {
		for b.Loop() {
			rs := loadRules()
			for _, r := range rs.rules {
				r.prepare()
			}
		}
	})
}

// TestInitIsLazy pins the start-up design the Init numbers rely on: loading
// compiles nothing, and a scan compiles only the rules whose keywords it
// saw.
func TestInitIsLazy(t *testing.T) {
	d := &Detector{core: &core{}}
	d.Prepare()
	rs := d.ruleSet()
	compiled := func() (n int) {
		for _, r := range rs.rules {
			if r.re != nil || r.anchor != nil {
				n++
			}
		}
		return n
	}
	if n := compiled(); n != 0 {
		t.Fatalf("%d rules compiled by Prepare; loading should compile nothing", n)
	}
	d.ScanText(dockerfileSample())
	n := compiled()
	if n == 0 || n > len(rs.rules)/4 {
		t.Errorf("a Dockerfile scan compiled %d of %d rules; want a few", n, len(rs.rules))
	}
	t.Logf("%d rules; a typical Dockerfile compiles %d", len(rs.rules), n)
}
