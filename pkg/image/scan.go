package image

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/bmatcuk/doublestar/v4"
	"golang.org/x/sync/semaphore"

	"github.com/hardline-dev/hardline/pkg/image/walk"
	"github.com/hardline-dev/hardline/pkg/secrets"
)

// Secrets in file content.
//
// Every regular file of every layer, deleted and replaced ones included, is
// offered to the detector while walk.ReadLayer streams the layer: nothing
// is read twice and no content is kept. Files whose first walk.SniffBytes
// look binary, files under the skip paths, and bytes past the read cap are
// not scanned, and are counted in Document.Scan. Scanning runs on a pool of
// workers fed by the layer readers, so that decompression, tar parsing and
// detection overlap; the bytes in flight are bounded.

// DefaultSkipPaths are the paths whose content is not scanned for secrets
// unless Options.SkipPaths says otherwise: documentation, locales, headers,
// language runtimes' own sources and test suites (Go's standard library
// ships test keys), third-party packages' test suites, the AWS SDK's API
// models and examples (a hundred megabytes of sample tokens),
// package-manager databases and CA certificate bundles (certificates, no
// keys). Patterns are doublestar globs matched against the
// absolute path: "*" stays within a path element, "**" crosses them.
// Neither the content scan nor the credential-file checks look at these
// paths.
var DefaultSkipPaths = []string{
	"/usr/share/doc/**",
	"/usr/share/man/**",
	"/usr/share/info/**",
	"/usr/share/locale/**",
	"/usr/share/i18n/**",
	"/usr/share/zoneinfo/**",
	"/usr/share/common-licenses/**",
	"/usr/include/**",
	"/usr/local/go/src/**",
	"/usr/local/go/test/**",
	"/usr/lib/go*/src/**",
	"/usr/lib/go*/test/**",
	"/usr/share/go*/src/**",
	"/usr/share/go*/test/**",
	"**/pkg/mod/cache/**",
	"**/botocore/data/**",
	"**/awscli/examples/**",
	"**/lib/python*/test/**",
	"**/site-packages/*/test/**",
	"**/site-packages/*/tests/**",
	"**/dist-packages/*/test/**",
	"**/dist-packages/*/tests/**",
	"**/node_modules/*/test/**",
	"**/node_modules/*/tests/**",
	"**/node_modules/@*/*/test/**",
	"**/node_modules/@*/*/tests/**",
	"/etc/ssl/certs/**",
	"/etc/pki/ca-trust/extracted/**",
	"/etc/pki/tls/certs/**",
	"/usr/share/ca-certificates/**",
	"**/ca-certificates.crt",
	"**/ca-bundle.crt",
	"**/cacert.pem",
	"/var/lib/dpkg/**",
	"/var/lib/apt/lists/**",
	"/var/cache/apt/**",
	"/lib/apk/db/**",
	"/var/cache/apk/**",
}

// pathMatcher matches paths against skip patterns. Patterns of the form
// "/literal/dir/**" are prefix tests; the others are doublestar globs,
// tried only when the path contains the pattern's longest literal part.
type pathMatcher struct {
	prefixes []string
	globs    []globPattern
}

type globPattern struct {
	pattern, literal string
}

// compileSkipPaths checks and prepares skip patterns.
func compileSkipPaths(patterns []string) (*pathMatcher, error) {
	m := &pathMatcher{}
	for _, p := range patterns {
		if !strings.HasPrefix(p, "/") && !strings.HasPrefix(p, "**") {
			return nil, fmt.Errorf("skip path %q: patterns match absolute paths; start it with / or **/", p)
		}
		if !doublestar.ValidatePattern(p) {
			return nil, fmt.Errorf("skip path %q: not a valid glob pattern", p)
		}
		if dir, ok := strings.CutSuffix(p, "/**"); ok && !strings.ContainsAny(dir, `*?[{\`) {
			m.prefixes = append(m.prefixes, dir+"/")
			continue
		}
		m.globs = append(m.globs, globPattern{pattern: p, literal: longestLiteral(p)})
	}
	return m, nil
}

// ValidateSkipPaths reports the first pattern that cannot be used as a skip
// path, so that a caller can refuse it before reading an image.
func ValidateSkipPaths(patterns []string) error {
	_, err := compileSkipPaths(patterns)
	return err
}

// longestLiteral is the longest run of p without glob metacharacters.
func longestLiteral(p string) string {
	best := ""
	for _, part := range strings.FieldsFunc(p, func(r rune) bool { return strings.ContainsRune(`*?[]{}\`, r) }) {
		if len(part) > len(best) {
			best = part
		}
	}
	return best
}

func (m *pathMatcher) match(p string) bool {
	for _, pre := range m.prefixes {
		if strings.HasPrefix(p, pre) {
			return true
		}
	}
	for _, g := range m.globs {
		if !strings.Contains(p, g.literal) {
			continue
		}
		if ok, _ := doublestar.Match(g.pattern, p); ok {
			return true
		}
	}
	return false
}

// maxFileMatches bounds the secrets kept per file (distinct values); test
// fixtures and key dumps can hold hundreds.
const maxFileMatches = 10

// maxInFlight bounds the content handed to scan workers and not yet
// scanned (a file larger than this still goes through, alone).
const maxInFlight = 32 << 20

// scanPool runs the detector over file content for all layers of a build.
type scanPool struct {
	ctx    context.Context
	det    *secrets.Detector
	skip   *pathMatcher
	jobs   chan scanJob
	wg     sync.WaitGroup
	sem    *semaphore.Weighted
	mu     sync.Mutex
	layers map[*walk.Layer]*layerScan
	closed bool
}

type scanJob struct {
	ls     *layerScan
	e      *walk.Entry
	text   string
	weight int64
}

// layerScan is the walk.Scanner of one layer and what it found.
type layerScan struct {
	pool       *scanPool
	noise      int
	noiseBytes int64

	mu     sync.Mutex
	files  []fileScan
	values []string // exact values, for the redaction list only
	failed []string // paths whose scan failed (internal error)
	// filtered counts matches dropped by secrets.PlausibleInFile.
	filtered atomic.Int64
}

// lineCursor returns lines of text by number, for numbers that do not
// decrease (the detector's matches are in text order).
type lineCursor struct {
	text string
	n    int // line number at off (0: not started)
	off  int
}

func (c *lineCursor) line(n int) string {
	if c.n == 0 || n < c.n {
		c.n, c.off = 1, 0
	}
	for c.n < n {
		i := strings.IndexByte(c.text[c.off:], '\n')
		if i < 0 {
			return ""
		}
		c.off += i + 1
		c.n++
	}
	rest := c.text[c.off:]
	if i := strings.IndexByte(rest, '\n'); i >= 0 {
		rest = rest[:i]
	}
	return strings.TrimSuffix(rest, "\r")
}

// fileScan is what the content of one file held.
type fileScan struct {
	e       *walk.Entry
	matches []secrets.Match // distinct values, first occurrence each
	dropped int             // distinct values beyond maxFileMatches
	// cred is a credential file recognised by its content (a Google
	// service-account key in any .json file).
	cred     *secrets.Match
	credKind string
}

func newScanPool(ctx context.Context, det *secrets.Detector, skip *pathMatcher, workers int) *scanPool {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	p := &scanPool{
		ctx: ctx, det: det, skip: skip,
		jobs:   make(chan scanJob, 4*workers),
		sem:    semaphore.NewWeighted(maxInFlight),
		layers: map[*walk.Layer]*layerScan{},
	}
	for range workers {
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			for j := range p.jobs {
				j.ls.scan(j)
				p.sem.Release(j.weight)
			}
		}()
	}
	return p
}

// layer returns the scanner for one layer read.
func (p *scanPool) layer() *layerScan { return &layerScan{pool: p} }

// done records which layer a scanner belonged to, once ReadLayer returned.
func (p *scanPool) done(l *walk.Layer, ls *layerScan) {
	p.mu.Lock()
	p.layers[l] = ls
	p.mu.Unlock()
}

// close waits for the queued content to be scanned.
func (p *scanPool) close() {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return
	}
	p.closed = true
	p.mu.Unlock()
	close(p.jobs)
	p.wg.Wait()
}

// Want implements walk.Scanner.
func (ls *layerScan) Want(p string, size int64) bool {
	if size <= 0 {
		return false
	}
	if ls.pool.skip.match(p) {
		ls.noise++
		ls.noiseBytes += size
		return false
	}
	return true
}

// Scan implements walk.Scanner: the content is copied (walk reuses data)
// and queued for a worker.
func (ls *layerScan) Scan(e *walk.Entry, data []byte, _ bool) {
	w := min(int64(len(data)), maxInFlight)
	if err := ls.pool.sem.Acquire(ls.pool.ctx, w); err != nil {
		return // cancelled: ReadLayer reports the context error
	}
	ls.pool.jobs <- scanJob{ls: ls, e: e, text: string(data), weight: w}
}

// scan runs the detector over one file. Exact values go to ls.values and
// nowhere else.
func (ls *layerScan) scan(j scanJob) {
	defer func() {
		// Workers run outside the layer readers' recovery: a detector
		// panic on hostile content costs this file, not the process.
		if p := recover(); p != nil {
			ls.mu.Lock()
			ls.failed = append(ls.failed, j.e.Path)
			ls.mu.Unlock()
		}
	}()
	var vals []string
	collect := func(v string) { vals = append(vals, v) }
	det := ls.pool.det.WithCollector(collect)
	fs := fileScan{e: j.e}
	ms := det.ScanText(j.text)
	byFP := make(map[string]string, len(vals))
	for _, v := range vals {
		byFP[secrets.Fingerprint(v)] = v
	}
	vals = vals[:0]
	seen := map[string]bool{}
	lines := lineCursor{text: j.text}
	for _, m := range ms {
		if seen[m.Fingerprint] {
			continue
		}
		seen[m.Fingerprint] = true
		v := byFP[m.Fingerprint]
		if m.Confidence != secrets.ConfidenceHigh && v != "" && !secrets.PlausibleInFile(j.e.Path, m, v, lines.line(m.Line)) {
			ls.filtered.Add(1)
			continue // not a credential in this context: not reported, not redacted
		}
		if v != "" {
			vals = append(vals, v)
		}
		if len(fs.matches) == maxFileMatches {
			fs.dropped++
			continue
		}
		fs.matches = append(fs.matches, m)
	}
	if strings.HasSuffix(j.e.Path, ".json") && strings.Contains(j.text, "service_account") && strings.Contains(j.text, "private_key") {
		c := checker{det: det, collect: collect}
		if m := c.serviceAccount([]byte(j.text)); m != nil {
			fs.cred, fs.credKind = m, "gcp-service-account"
		}
	}
	if len(fs.matches) == 0 && fs.cred == nil && len(vals) == 0 {
		return
	}
	ls.mu.Lock()
	if len(fs.matches) > 0 || fs.cred != nil {
		ls.files = append(ls.files, fs)
	}
	ls.values = append(ls.values, vals...)
	ls.mu.Unlock()
}

// scanned returns the scan of layer l (nil when content was not scanned).
func (b *builder) scanned(l *walk.Layer) *layerScan {
	if b.pool == nil {
		return nil
	}
	return b.pool.layers[l]
}

// scanFacts fills Document.Scan from the layers' counters.
func (b *builder) scanFacts() {
	s := &b.doc.Scan
	s.SkipPaths = append([]string{}, b.skipPatterns...)
	if b.pool == nil {
		return
	}
	s.Enabled = true
	done := map[*walk.Layer]bool{} // layers with the same diff_id are read once
	for _, l := range b.layers {
		if done[l] {
			continue
		}
		done[l] = true
		st := l.Scan
		s.FilesScanned += st.Files
		s.BytesScanned += st.Bytes
		s.BinarySkipped += st.Binary
		s.BinaryBytes += st.BinaryBytes
		s.Truncated += st.Truncated
		s.TruncatedBytes += st.TruncatedBytes
		if ls := b.scanned(l); ls != nil {
			s.PathSkipped += ls.noise
			s.PathSkippedBytes += ls.noiseBytes
			s.Filtered += int(ls.filtered.Load())
		}
	}
}

// fileSecrets turns what the content scan found into file secrets: one per
// path and value, at the lowest layer that holds it. Values in files an OS
// package owns and in files already reported as credential files are left
// out, but still go to the redaction list, as do values past the per-file
// and per-document caps; values secrets.PlausibleInFile rejected do not.
func (b *builder) fileSecrets() {
	credAt := map[string]bool{} // layer/path of reported credential files
	for _, c := range b.doc.CredentialFiles {
		credAt[fmt.Sprintf("%d\x00%s", c.Layer, c.Path)] = true
	}
	type found struct {
		m     secrets.Match
		path  string
		layer int         // lowest layer holding the value
		top   *walk.Entry // highest layer holding it
	}
	byKey := map[string]*found{}
	var order []string
	dropped := 0
	done := map[*layerScan]bool{} // layers with the same diff_id are read once
	for _, l := range b.layers {
		ls := b.scanned(l)
		if ls == nil || done[ls] {
			continue
		}
		done[ls] = true
		for _, v := range ls.values {
			if v != "" {
				b.redact[v] = true
			}
		}
		for _, p := range ls.failed {
			b.doc.Skipped = append(b.doc.Skipped, Skipped{Path: p, Layer: l.Index, Reason: "internal error while scanning the content for secrets (please report)"})
		}
		for _, fs := range ls.files {
			e := fs.e
			if b.owner[e.Path] != "" {
				b.doc.Scan.PackageOwned += len(fs.matches)
				continue
			}
			if credAt[fmt.Sprintf("%d\x00%s", l.Index, e.Path)] {
				continue
			}
			dropped += fs.dropped
			for _, m := range fs.matches {
				k := e.Path + "\x00" + m.Fingerprint
				f, ok := byKey[k]
				if !ok {
					f = &found{m: m, path: e.Path, layer: l.Index}
					byKey[k] = f
					order = append(order, k)
				}
				f.top = e
			}
		}
	}
	var out []Secret
	for _, k := range order {
		f := byKey[k]
		// The highest entry holding the value is the one that counts: when
		// it is hidden, every lower one is too.
		removed := -1
		if by, ok := b.hiddenBy[f.top]; ok {
			removed = by
		}
		out = append(out, Secret{Match: f.m, Source: "file", Path: f.path, History: -1, Layer: f.layer, RemovedIn: removed})
	}
	slices.SortStableFunc(out, func(x, y Secret) int {
		if c := strings.Compare(x.Path, y.Path); c != 0 {
			return c
		}
		if x.Layer != y.Layer {
			return x.Layer - y.Layer
		}
		if x.Line != y.Line {
			return x.Line - y.Line
		}
		return strings.Compare(x.Fingerprint, y.Fingerprint)
	})
	if len(out) > maxListed {
		b.warnf("%d secrets were found in file content; the first %d are listed", len(out), maxListed)
		out = out[:maxListed]
	}
	if dropped > 0 {
		b.warnf("%d more secrets in files that hold more than %d each are not listed", dropped, maxFileMatches)
	}
	b.doc.Secrets = append(b.doc.Secrets, out...)
	b.doc.Scan.Secrets = len(out)
}

// contentCredentials are credential files recognised by their content
// during the scan (a service-account key named anything .json).
func (b *builder) contentCredentials(l *walk.Layer, add func(e *walk.Entry, kind string, m *secrets.Match)) {
	ls := b.scanned(l)
	if ls == nil {
		return
	}
	for _, fs := range ls.files {
		if fs.cred != nil {
			add(fs.e, fs.credKind, fs.cred)
		}
	}
}
