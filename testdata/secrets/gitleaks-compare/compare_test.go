// Package compare measures hardline's secret detector against gitleaks'
// detector as shipped (detect.NewDetectorDefaultConfig, DetectString), on
// the same inputs, and lists where their findings differ on the shared
// corpus. It is a separate module (see ../README.md); run it from this
// directory:
//
//	go test -run Corpus -v .                          # findings, side by side
//	go test -run '^$' -bench . -cpu 1 -benchtime 3x . # throughput
//
// Secret values are never printed: only rule ids, lines and masked forms.
package compare

import (
	"bytes"
	"encoding/base64"
	"math/rand"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/rs/zerolog"
	"github.com/zricethezav/gitleaks/v8/detect"
	"github.com/zricethezav/gitleaks/v8/logging"

	"github.com/hardline-dev/hardline/pkg/secrets"
)

func init() {
	// gitleaks logs every finding at info level.
	logging.Logger = logging.Logger.Level(zerolog.Disabled)
}

// corpusDir is the shared corpus beside the checkout (CI has it).
func corpusDir() string {
	if d := os.Getenv("HARDLINE_CORPUS"); d != "" {
		return d
	}
	return "../../../../shared/corpus/files"
}

type file struct{ name, text string }

func corpus(tb testing.TB) []file {
	tb.Helper()
	root := corpusDir()
	var out []file
	_ = filepath.WalkDir(root, func(p string, e os.DirEntry, err error) error {
		if err == nil && e.Type().IsRegular() {
			if b, err := os.ReadFile(p); err == nil {
				rel, _ := filepath.Rel(root, p)
				out = append(out, file{filepath.ToSlash(rel), string(b)})
			}
		}
		return nil
	})
	if len(out) == 0 {
		tb.Skipf("corpus not available at %s (set HARDLINE_CORPUS)", root)
	}
	return out
}

func gitleaks(tb testing.TB) *detect.Detector {
	tb.Helper()
	d, err := detect.NewDetectorDefaultConfig()
	if err != nil {
		tb.Fatal(err)
	}
	return d
}

// TestCorpusFindingsSideBySide logs every finding of either detector on
// every corpus file, and which of them the other detector does not report
// at the same line. It never fails: the reviewed verdicts live in
// ../corpus-findings.md.
func TestCorpusFindingsSideBySide(t *testing.T) {
	files := corpus(t)
	gl := gitleaks(t)
	hl := secrets.Default()
	type key struct {
		file string
		line int
	}
	glAt, hlAt := map[key][]string{}, map[key][]string{}
	for _, f := range files {
		for _, m := range hl.ScanText(f.text) {
			hlAt[key{f.name, m.Line}] = append(hlAt[key{f.name, m.Line}], m.Rule+" "+m.Masked)
		}
		for _, g := range gl.DetectString(f.text) {
			// gitleaks' StartLine is 0-based for a bare string.
			k := key{f.name, g.StartLine + 1}
			glAt[k] = append(glAt[k], g.RuleID+" "+secrets.Mask(g.Secret))
		}
	}
	var keys []key
	seen := map[key]bool{}
	for _, m := range []map[key][]string{glAt, hlAt} {
		for k := range m {
			if !seen[k] {
				seen[k] = true
				keys = append(keys, k)
			}
		}
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].file != keys[j].file {
			return keys[i].file < keys[j].file
		}
		return keys[i].line < keys[j].line
	})
	onlyGL, onlyHL, both := 0, 0, 0
	for _, k := range keys {
		g, h := glAt[k], hlAt[k]
		switch {
		case len(g) > 0 && len(h) > 0:
			both++
		case len(g) > 0:
			onlyGL++
		default:
			onlyHL++
		}
		t.Logf("%s:%d  gitleaks=%v  hardline=%v", k.file, k.line, g, h)
	}
	t.Logf("%d files; lines with findings: both %d, gitleaks only %d, hardline only %d", len(files), both, onlyGL, onlyHL)
}

// ---------------------------------------------------------------------------
// Throughput. The generated inputs are the same as pkg/secrets'
// BenchmarkThroughput (same generators and seeds; keep them in sync), so
// the MB/s of both benchmarks compare directly.

const (
	alnum   = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	lowerAN = "abcdefghijklmnopqrstuvwxyz0123456789"
	b64     = alnum + "+/"
)

func randFrom(alphabet string, n int, seed int64) string {
	r := rand.New(rand.NewSource(seed))
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[r.Intn(len(alphabet))]
	}
	return string(b)
}

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
		if line%3000 == 0 {
			sb.WriteByte('\n')
		}
	}
	return sb.String()
}

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

var imageTextRoots = []string{"/usr/share/doc", "/usr/local/go/src"}

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

func readText(p string) (string, bool) {
	b, err := os.ReadFile(p)
	if err != nil || len(b) == 0 || bytes.IndexByte(b[:min(len(b), 8192)], 0) >= 0 {
		return "", false
	}
	return string(b), true
}

type input struct {
	name  string
	files []string // scanned one call per element
}

var inputs = sync.OnceValue(func() []input {
	var in []input
	var c []string
	_ = filepath.WalkDir(corpusDir(), func(p string, e os.DirEntry, err error) error {
		if err == nil && e.Type().IsRegular() {
			if b, err := os.ReadFile(p); err == nil {
				c = append(c, string(b))
			}
		}
		return nil
	})
	if len(c) > 0 {
		in = append(in, input{"corpus-per-file", c}, input{"corpus-concat", []string{strings.Join(c, "\n") + "\n"}})
	}
	// gitleaks takes minutes on 50 MB; 10 MB of the same text is enough.
	if t := imageTextFiles(10 << 20); len(t) > 0 {
		in = append(in, input{"image-text-10MB-per-file", t}, input{"image-text-10MB-concat", []string{strings.Join(t, "\n")}})
	}
	in = append(in,
		input{"minified-js-4MB", []string{minifiedJS(4 << 20)}},
		input{"base64-1MB-oneline", []string{randomBase64(1<<20, 0)}},
		input{"base64-1MB-76col", []string{randomBase64(1<<20, 76)}},
	)
	return in
})

func size(files []string) int64 {
	n := 0
	for _, f := range files {
		n += len(f)
	}
	return int64(n)
}

// BenchmarkGitleaks is gitleaks' detector as-is: NewDetectorDefaultConfig
// once, then DetectString per file.
func BenchmarkGitleaks(b *testing.B) {
	d := gitleaks(b)
	for _, in := range inputs() {
		b.Run(in.name, func(b *testing.B) {
			b.SetBytes(size(in.files))
			for b.Loop() {
				for _, f := range in.files {
					d.DetectString(f)
				}
			}
		})
	}
}

// BenchmarkHardline is secrets.Default().ScanText on the same inputs, after
// one warm-up pass (rules loaded, regexps compiled).
func BenchmarkHardline(b *testing.B) {
	d := secrets.Default()
	for _, in := range inputs() {
		for _, f := range in.files {
			d.ScanText(f)
		}
		b.Run(in.name, func(b *testing.B) {
			b.SetBytes(size(in.files))
			for b.Loop() {
				for _, f := range in.files {
					d.ScanText(f)
				}
			}
		})
	}
}

// BenchmarkGitleaksInit is NewDetectorDefaultConfig plus a first
// DetectString of one Dockerfile (gitleaks compiles every rule up front).
func BenchmarkGitleaksInit(b *testing.B) {
	text := "FROM alpine:3.20\nRUN apk add --no-cache curl\nENV API_KEY=" + randFrom(alnum, 32, 1) + "\n"
	for b.Loop() {
		d := gitleaks(b)
		d.DetectString(text)
	}
}
