// Package diskcache keeps small entries in a directory, one file per key,
// for results that are expensive to compute and cheap to look up again.
//
// It is best effort by design: a directory that cannot be created, an
// entry that cannot be read or written, or one that is truncated or
// corrupt is a miss, never an error, so a cache can only cost speed. The
// caller makes keys from everything a result depends on (SHA-256 in hex)
// and checks what it reads back; this package only stores bytes.
package diskcache

import (
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"
)

// MaxEntry bounds what one entry may hold; larger values are not stored and
// larger files are not read.
const MaxEntry = 16 << 20

// touchAfter: a hit refreshes an entry's modification time (its last use,
// for Prune) at most this often, so hits cost a read, not a write.
const touchAfter = 24 * time.Hour

// pruneMarker is a file whose modification time records the last prune.
const pruneMarker = "last-prune"

// Dir is a cache directory. It is safe for concurrent use, also by several
// processes: entries are written to a temporary file and renamed into place.
type Dir struct {
	path   string
	now    func() time.Time
	hits   atomic.Int64
	misses atomic.Int64
	wrote  atomic.Bool
}

// Open returns the cache in path, creating it (mode 0700: entries may hold
// parts of the files they were computed from) when missing.
func Open(path string) (*Dir, error) {
	if err := os.MkdirAll(path, 0o700); err != nil {
		return nil, err
	}
	return &Dir{path: path, now: time.Now}, nil
}

// Path is the cache's directory.
func (d *Dir) Path() string { return d.path }

// file is the entry's path; the first two characters of the key spread the
// entries over up to 256 subdirectories.
func (d *Dir) file(key string) (string, bool) {
	if len(key) < 8 || strings.ContainsAny(key, `/\.`) {
		return "", false
	}
	return filepath.Join(d.path, key[:2], key), true
}

// Get returns the entry stored under key.
func (d *Dir) Get(key string) ([]byte, bool) {
	name, ok := d.file(key)
	if !ok {
		d.misses.Add(1)
		return nil, false
	}
	f, err := os.Open(name)
	if err != nil {
		d.misses.Add(1)
		return nil, false
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() || st.Size() > MaxEntry {
		d.misses.Add(1)
		return nil, false
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxEntry+1))
	if err != nil || int64(len(data)) != st.Size() {
		d.misses.Add(1)
		return nil, false
	}
	if now := d.now(); now.Sub(st.ModTime()) > touchAfter {
		_ = os.Chtimes(name, now, now)
	}
	d.hits.Add(1)
	return data, true
}

// Put stores data under key, replacing any entry; failures are ignored.
func (d *Dir) Put(key string, data []byte) {
	name, ok := d.file(key)
	if !ok || len(data) > MaxEntry {
		return
	}
	dir := filepath.Dir(name)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return
	}
	tmp, err := os.CreateTemp(dir, ".tmp-*")
	if err != nil {
		return
	}
	_, werr := tmp.Write(data)
	cerr := tmp.Close()
	if werr != nil || cerr != nil || os.Rename(tmp.Name(), name) != nil {
		_ = os.Remove(tmp.Name())
		return
	}
	d.wrote.Store(true)
}

// Stats reports the hits and misses of this process so far.
func (d *Dir) Stats() (hits, misses int64) { return d.hits.Load(), d.misses.Load() }

// Prune removes entries not used for maxAge, and temporary files a killed
// process left behind. It scans the directory at most once a day, and only
// after this process wrote something: a cache that only serves hits does
// not grow.
func (d *Dir) Prune(maxAge time.Duration) error {
	if !d.wrote.Load() {
		return nil
	}
	now := d.now()
	marker := filepath.Join(d.path, pruneMarker)
	if st, err := os.Stat(marker); err == nil && now.Sub(st.ModTime()) < 24*time.Hour {
		return nil
	}
	if err := os.WriteFile(marker, nil, 0o600); err != nil {
		return err
	}
	_ = os.Chtimes(marker, now, now)
	subs, err := os.ReadDir(d.path)
	if err != nil {
		return err
	}
	for _, sub := range subs {
		if !sub.IsDir() || len(sub.Name()) != 2 {
			continue
		}
		dir := filepath.Join(d.path, sub.Name())
		entries, err := os.ReadDir(dir)
		if err != nil {
			continue
		}
		for _, e := range entries {
			info, err := e.Info()
			if err != nil || info.Mode()&fs.ModeType != 0 {
				continue
			}
			age := now.Sub(info.ModTime())
			if age > maxAge || strings.HasPrefix(e.Name(), ".tmp-") && age > time.Hour {
				_ = os.Remove(filepath.Join(dir, e.Name()))
			}
		}
	}
	return nil
}
