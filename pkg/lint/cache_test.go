package lint

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hardline-dev/hardline/pkg/config"
	"github.com/hardline-dev/hardline/pkg/diskcache"
	"github.com/hardline-dev/hardline/pkg/dockerfile"
	"github.com/hardline-dev/hardline/pkg/finding"
)

// countingStore is an in-memory Store that counts what it serves.
type countingStore struct {
	mu         sync.Mutex
	m          map[string][]byte
	hits, puts int
}

func (s *countingStore) Get(k string) ([]byte, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.m[k]
	if ok {
		s.hits++
	}
	return v, ok
}

func (s *countingStore) Put(k string, v []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m == nil {
		s.m = map[string][]byte{}
	}
	s.m[k] = v
	s.puts++
}

// cacheInputs are the rule fixtures, the examples and (when ../shared is
// there) every fifth corpus file: parse errors, warnings, secrets, masked
// sources and suppressed findings all occur among them.
func cacheInputs(t *testing.T) []Input {
	t.Helper()
	var in []Input
	for _, dir := range []string{"../../testdata/rules", "../../examples"} {
		err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
			if err == nil && d.Type().IsRegular() && strings.Contains(strings.ToLower(d.Name()), "dockerfile") {
				in = append(in, Input{Path: p})
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if _, err := os.Stat(corpusDir); err == nil {
		for i, c := range corpusInputs(t) {
			if i%5 == 0 {
				in = append(in, c)
			}
		}
	} else {
		t.Logf("corpus not available (%v): fixtures and examples only", err)
	}
	// Results that are errors are cached too.
	return append(in,
		Input{Path: "no-image.Dockerfile", Data: []byte("FROM\n")},
		Input{Path: "no-from.Dockerfile", Data: []byte("RUN true\n")})
}

// withoutContext is r with every finding's Context cleared: the cache does
// not keep it (it holds raw instruction text, and only feeds fingerprints,
// which are kept).
func withoutContext(r FileResult) FileResult {
	r.Findings = append([]finding.Finding(nil), r.Findings...)
	for i := range r.Findings {
		r.Findings[i].Context = ""
	}
	return r
}

// TestCacheGivesWhatLintingComputes: a run that stores and a run that only
// reads return exactly what a run without a cache returns, file by file.
func TestCacheGivesWhatLintingComputes(t *testing.T) {
	inputs := cacheInputs(t)
	ctx := context.Background()
	eng := testEngine(t)
	want := New(Options{Engine: eng}).Lint(ctx, inputs)

	dir, err := diskcache.Open(filepath.Join(t.TempDir(), "cache"))
	if err != nil {
		t.Fatal(err)
	}
	opts := Options{Engine: eng, Cache: dir, CacheSalt: []byte("test")}
	cold := New(opts).Lint(ctx, inputs)
	warm := New(opts).Lint(ctx, inputs)
	hits, misses := dir.Stats()
	if hits != int64(len(inputs)) || misses != int64(len(inputs)) {
		t.Fatalf("%d inputs: %d hits, %d misses; want one miss (first run) and one hit (second run) each", len(inputs), hits, misses)
	}
	var withFindings, masked, errs int
	for i := range inputs {
		w := want.Files[i]
		if !reflect.DeepEqual(cold.Files[i], w) {
			t.Errorf("%s: the storing run differs from linting without a cache", inputs[i].Path)
		}
		w = withoutContext(w)
		if !reflect.DeepEqual(warm.Files[i], w) {
			t.Errorf("%s: the cached result differs from linting without a cache:\n got %+v\nwant %+v", inputs[i].Path, warm.Files[i], w)
		}
		if len(w.Findings) > 0 {
			withFindings++
		}
		if len(w.Errors) > 0 {
			errs++
		}
		src := inputs[i].Data
		if src == nil {
			src, _ = os.ReadFile(inputs[i].Path)
		}
		if !bytes.Equal(src, w.Source) {
			masked++
		}
	}
	// The comparison must have covered the cases that matter.
	if withFindings == 0 || masked == 0 || errs == 0 {
		t.Fatalf("inputs cover too little: %d with findings, %d with masked sources, %d with errors", withFindings, masked, errs)
	}
}

// TestCacheKeyCoversEverythingAResultDependsOn: changing any one input of a
// result is a miss, and the result is the new one.
func TestCacheKeyCoversEverythingAResultDependsOn(t *testing.T) {
	ctx := context.Background()
	eng := testEngine(t)
	src := []byte("FROM alpine:3.20 AS build\nARG BASE\nRUN apk add --no-cache curl\nFROM build\nCMD [\"app\"]\n")
	store := &countingStore{}
	dir := t.TempDir()
	cfgFor := func(yaml string) *config.Config {
		c, err := config.Parse(filepath.Join(dir, ".hardline.yaml"), []byte(yaml))
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	base := Options{Engine: eng, Cache: store, CacheSalt: []byte("a"), Config: cfgFor("")}
	path := filepath.Join(dir, "Dockerfile")
	run := func(o Options, path string, src []byte) FileResult {
		return New(o).LintOne(ctx, Input{Path: path, Data: src})
	}
	first := run(base, path, src)
	if len(first.Findings) == 0 {
		t.Fatal("no findings: the test needs some")
	}
	if run(base, path, src); store.hits != 1 {
		t.Fatalf("same inputs: %d hits, want 1", store.hits)
	}
	variants := map[string]func() (Options, string, []byte){
		"content": func() (Options, string, []byte) { return base, path, append(src, "USER 1000\n"...) },
		"path":    func() (Options, string, []byte) { return base, filepath.Join(dir, "other.Dockerfile"), src },
		"salt": func() (Options, string, []byte) {
			o := base
			o.CacheSalt = []byte("b")
			return o, path, src
		},
		"config": func() (Options, string, []byte) {
			o := base
			o.Config = cfgFor("rules:\n  disable: [HL1001]\n")
			return o, path, src
		},
		"build args": func() (Options, string, []byte) {
			o := base
			o.BuildArgs = map[string]string{"BASE": "x"}
			return o, path, src
		},
		"target": func() (Options, string, []byte) {
			o := base
			o.Target = "build"
			return o, path, src
		},
		"tags": func() (Options, string, []byte) {
			o := base
			o.Tags = []string{"init"}
			return o, path, src
		},
	}
	for name, v := range variants {
		o, p, s := v()
		before := store.hits
		got := run(o, p, s)
		if store.hits != before {
			t.Errorf("%s changed: served from the cache", name)
		}
		uncached := o
		uncached.Cache = nil
		if want := run(uncached, p, s); !reflect.DeepEqual(got, want) {
			t.Errorf("%s changed: result differs from linting without a cache", name)
		}
	}
}

// TestCacheWaiverLapse: a waiver that lapses overnight changes the key, so
// yesterday's suppressed finding is not served today.
func TestCacheWaiverLapse(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	cfg, err := config.Parse(filepath.Join(dir, ".hardline.yaml"), []byte("ignore:\n  - rules: [HL1001]\n    reason: migrating\n    expires: 2026-11-22\n"))
	if err != nil {
		t.Fatal(err)
	}
	store := &countingStore{}
	in := Input{Path: filepath.Join(dir, "Dockerfile"), Data: []byte("FROM debian:12\nCMD [\"app\"]\n")}
	lintOn := func(day time.Time) *FileResult {
		cfg.Now = func() time.Time { return day }
		fr := New(Options{Engine: testEngine(t), Config: cfg, Cache: store}).LintOne(ctx, in)
		for i := range fr.Findings {
			if fr.Findings[i].RuleID == "HL1001" {
				return &fr
			}
		}
		t.Fatal("no HL1001 finding")
		return nil
	}
	last := time.Date(2026, 11, 22, 23, 0, 0, 0, time.UTC)
	if fr := lintOn(last); !suppressedHL1001(fr) {
		t.Fatal("waiver not applied on its last day")
	}
	if fr := lintOn(last); !suppressedHL1001(fr) || store.hits != 1 {
		t.Fatalf("same day: %d hits, want 1", store.hits)
	}
	if fr := lintOn(last.Add(2 * time.Hour)); suppressedHL1001(fr) {
		t.Fatal("the lapsed waiver's suppression was served from the cache")
	}
}

func suppressedHL1001(fr *FileResult) bool {
	for _, f := range fr.Findings {
		if f.RuleID == "HL1001" {
			return f.Suppressed != nil
		}
	}
	return false
}

// TestCacheBadEntriesAndFailedRuns: an entry that does not decode is a
// miss (and is replaced); a run whose rules could not be evaluated is not
// stored.
func TestCacheBadEntriesAndFailedRuns(t *testing.T) {
	eng := testEngine(t)
	store := &countingStore{}
	in := Input{Path: "Dockerfile", Data: []byte("FROM debian:12\nRUN apt-get update\n")}
	l := New(Options{Engine: eng, Cache: store})
	want := New(Options{Engine: eng}).LintOne(context.Background(), in)

	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	if fr := l.LintOne(cancelled, in); len(fr.Errors) == 0 {
		t.Fatal("no error from a cancelled evaluation")
	}
	if store.puts != 0 {
		t.Fatalf("a failed evaluation was stored (%d puts)", store.puts)
	}
	key := l.cacheKey(in.Path, in.Data)
	for _, junk := range [][]byte{nil, []byte("garbage"), bytes.Repeat([]byte{0xff}, 100)} {
		store.m = map[string][]byte{key: junk}
		if got := l.LintOne(context.Background(), in); !reflect.DeepEqual(got, want) {
			t.Fatalf("entry %q: result differs from linting without a cache", junk)
		}
		if bytes.Equal(store.m[key], junk) {
			t.Fatalf("entry %q was not replaced", junk)
		}
	}
	// An entry for another path under the same key (a collision, or a
	// tampered cache) is not used.
	other := New(Options{Engine: eng, Cache: store}).LintOne(context.Background(), Input{Path: "elsewhere/Dockerfile", Data: in.Data})
	store.m[key] = store.m[l.cacheKey("elsewhere/Dockerfile", in.Data)]
	if got := l.LintOne(context.Background(), in); got.File != in.Path || reflect.DeepEqual(got, other) {
		t.Fatal("an entry naming another file was used")
	}
}

// TestCacheHoldsNoSecret: entries hold masked sources and messages only.
func TestCacheHoldsNoSecret(t *testing.T) {
	root := t.TempDir()
	dir, err := diskcache.Open(root)
	if err != nil {
		t.Fatal(err)
	}
	src := []byte(allowDockerfile)
	doc, err := dockerfile.Parse("Dockerfile", src, dockerfile.Options{})
	if err != nil {
		t.Fatal(err)
	}
	values := doc.Redactions()
	if len(values) == 0 {
		t.Fatal("the Dockerfile holds no detected secret")
	}
	fr := New(Options{Engine: testEngine(t), Cache: dir}).LintOne(context.Background(), Input{Path: "Dockerfile", Data: src})
	if len(fr.Findings) == 0 {
		t.Fatal("no findings")
	}
	var files int
	err = filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		files++
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, v := range values {
			if bytes.Contains(b, []byte(v)) {
				t.Errorf("cache entry %s holds a secret value (%d chars)", filepath.Base(p), len(v))
			}
		}
		return nil
	})
	if err != nil || files == 0 {
		t.Fatalf("walking the cache: %v, %d files", err, files)
	}
}
