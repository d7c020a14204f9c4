package lint

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/gob"
	"encoding/hex"
	"hash"
	"sort"

	"github.com/hardline-dev/hardline/pkg/finding"
)

// Store keeps cached results by key; pkg/diskcache implements it. Get and
// Put must be safe for concurrent use; a failing Put is the Store's
// business (a cache can only cost speed, never correctness).
type Store interface {
	Get(key string) ([]byte, bool)
	Put(key string, data []byte)
}

// cacheFormat changes whenever cacheEntry or what goes into a key does.
const cacheFormat = "hardline lint cache 1"

// cacheEntry is what a Store holds for one file; findings come back without
// Context (see store). The source is stored only
// when masking changed it (reporters show masked lines); otherwise the
// file's own bytes, read to compute the key, are used again.
type cacheEntry struct {
	File     string
	Masked   []byte
	Findings []finding.Finding
	Errors   []InputError
	Warnings []InputError
}

// hashField writes b to h with its length, so that fields cannot run into
// each other.
func hashField(h hash.Hash, b []byte) {
	h.Write(binary.BigEndian.AppendUint64(nil, uint64(len(b))))
	h.Write(b)
}

// cacheScope hashes what every file's result depends on in this run: the
// caller's salt and the Linter's options. Computed once per Linter.
func (l *Linter) cacheScope() []byte {
	h := sha256.New()
	hashField(h, []byte(cacheFormat))
	hashField(h, l.opts.CacheSalt)
	hashField(h, l.cfg.CacheKey())
	hashField(h, []byte(l.opts.Target))
	list := func(items []string) {
		sorted := append([]string(nil), items...)
		sort.Strings(sorted)
		hashField(h, binary.BigEndian.AppendUint64(nil, uint64(len(sorted))))
		for _, s := range sorted {
			hashField(h, []byte(s))
		}
	}
	list(l.opts.Tags)
	args := make([]string, 0, len(l.opts.BuildArgs))
	for k, v := range l.opts.BuildArgs {
		args = append(args, k+"="+v)
	}
	list(args)
	return h.Sum(nil)
}

// cacheKey is the key of one file's result: the run's scope, the path
// (findings name it; suppressions and waivers match it) and the content.
func (l *Linter) cacheKey(path string, src []byte) string {
	h := sha256.New()
	h.Write(l.scope)
	hashField(h, []byte(path))
	hashField(h, src)
	return hex.EncodeToString(h.Sum(nil))
}

// cached returns the stored result for key; an entry that does not decode
// or names another file is a miss.
func (l *Linter) cached(key, path string, src []byte) (FileResult, bool) {
	data, ok := l.opts.Cache.Get(key)
	if !ok {
		return FileResult{}, false
	}
	var e cacheEntry
	if gob.NewDecoder(bytes.NewReader(data)).Decode(&e) != nil || e.File != path {
		return FileResult{}, false
	}
	fr := FileResult{File: e.File, Source: src, Findings: e.Findings, Errors: e.Errors, Warnings: e.Warnings}
	if e.Masked != nil {
		fr.Source = e.Masked
	}
	return fr, true
}

// store keeps fr under key.
func (l *Linter) store(key string, fr FileResult, src []byte) {
	e := cacheEntry{File: fr.File, Errors: fr.Errors, Warnings: fr.Warnings}
	// Context is the instruction's raw text, secrets included; it only
	// feeds the fingerprint, computed by now, so it is not written.
	e.Findings = make([]finding.Finding, len(fr.Findings))
	for i, f := range fr.Findings {
		f.Context = ""
		e.Findings[i] = f
	}
	if !bytes.Equal(fr.Source, src) {
		e.Masked = fr.Source
	}
	var buf bytes.Buffer
	if gob.NewEncoder(&buf).Encode(&e) != nil {
		return
	}
	l.opts.Cache.Put(key, buf.Bytes())
}
