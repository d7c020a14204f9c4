package diskcache

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

const keyA = "0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9"

func TestPutGet(t *testing.T) {
	d, err := Open(filepath.Join(t.TempDir(), "c"))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := d.Get(keyA); ok {
		t.Fatal("hit in an empty cache")
	}
	d.Put(keyA, []byte("result"))
	got, ok := d.Get(keyA)
	if !ok || string(got) != "result" {
		t.Fatalf("Get = %q, %v", got, ok)
	}
	d.Put(keyA, []byte("newer"))
	if got, _ := d.Get(keyA); string(got) != "newer" {
		t.Fatalf("replaced entry reads %q", got)
	}
	if h, m := d.Stats(); h != 2 || m != 1 {
		t.Fatalf("stats = %d hits, %d misses; want 2, 1", h, m)
	}
	st, err := os.Stat(d.Path())
	if err != nil || st.Mode().Perm() != 0o700 {
		t.Fatalf("cache directory mode %v (%v), want 0700: entries hold parts of linted files", st.Mode().Perm(), err)
	}
}

func TestKeysThatCannotBePaths(t *testing.T) {
	d, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"", "ab", "../../../../etc/passwd", "abcdef/../../x", `ab\cdefgh`, "abcdefgh.tmp"} {
		d.Put(k, []byte("x"))
		if _, ok := d.Get(k); ok {
			t.Errorf("key %q was stored", k)
		}
	}
	var files []string
	_ = filepath.WalkDir(filepath.Dir(d.Path()), func(p string, e os.DirEntry, err error) error {
		if err == nil && !e.IsDir() {
			files = append(files, p)
		}
		return nil
	})
	if len(files) != 0 {
		t.Fatalf("files written for invalid keys: %v", files)
	}
}

func TestUnusableEntriesAreMisses(t *testing.T) {
	d, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	// A directory where the entry should be, and an entry over the bound.
	name, _ := d.file(keyA)
	if err := os.MkdirAll(name, 0o700); err != nil {
		t.Fatal(err)
	}
	if _, ok := d.Get(keyA); ok {
		t.Error("a directory read as an entry")
	}
	big := strings.Repeat("b", 64)
	d.Put(big, make([]byte, MaxEntry+1))
	if _, ok := d.Get(big); ok {
		t.Error("an entry over MaxEntry was stored")
	}
	// One made behind the cache's back is not read either.
	bigName, _ := d.file(big)
	if err := os.MkdirAll(filepath.Dir(bigName), 0o700); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(bigName)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(MaxEntry + 1); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if _, ok := d.Get(big); ok {
		t.Error("an entry file over MaxEntry was read")
	}
}

func TestUnwritableDirectoryCostsNothing(t *testing.T) {
	// Under a regular file nothing can be created, even by root.
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(filepath.Join(file, "cache")); err == nil {
		t.Fatal("Open under a regular file succeeded")
	}
	d := &Dir{path: filepath.Join(file, "cache"), now: time.Now}
	d.Put(keyA, []byte("x")) // must not panic or create anything
	if _, ok := d.Get(keyA); ok {
		t.Fatal("hit from an unusable directory")
	}
	if err := d.Prune(time.Hour); err != nil {
		t.Fatalf("Prune after no write: %v", err)
	}
}

func TestConcurrentWritersOfOneKey(t *testing.T) {
	d, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	want := bytes.Repeat([]byte("0123456789"), 10000)
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 20; j++ {
				d.Put(keyA, want)
				if got, ok := d.Get(keyA); ok && !bytes.Equal(got, want) {
					t.Errorf("read a partial entry (%d bytes)", len(got))
					return
				}
			}
		}()
	}
	wg.Wait()
	leftovers, _ := filepath.Glob(filepath.Join(d.Path(), keyA[:2], ".tmp-*"))
	if len(leftovers) != 0 {
		t.Fatalf("temporary files left: %v", leftovers)
	}
}

func TestPrune(t *testing.T) {
	d, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	d.now = func() time.Time { return now }
	old, fresh := keyA, strings.Repeat("c", 64)
	d.Put(old, []byte("old"))
	d.Put(fresh, []byte("fresh"))
	oldName, _ := d.file(old)
	freshName, _ := d.file(fresh)
	if err := os.Chtimes(oldName, now.Add(-40*24*time.Hour), now.Add(-40*24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(freshName, now.Add(-2*24*time.Hour), now.Add(-2*24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	stale := filepath.Join(d.Path(), "cc", ".tmp-123")
	if err := os.WriteFile(stale, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(stale, now.Add(-2*time.Hour), now.Add(-2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	// A hit refreshes the entry's time: the fresh one, used 2 days ago,
	// is now used today.
	if _, ok := d.Get(fresh); !ok {
		t.Fatal("miss")
	}
	if err := d.Prune(30 * 24 * time.Hour); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(oldName); !os.IsNotExist(err) {
		t.Errorf("entry unused for 40 days survived Prune(30 days): %v", err)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("stale temporary file survived: %v", err)
	}
	st, err := os.Stat(freshName)
	if err != nil {
		t.Fatalf("used entry removed: %v", err)
	}
	if !st.ModTime().Equal(now) {
		t.Errorf("a hit did not refresh the entry's time: %v", st.ModTime())
	}
	// Within a day of the last prune nothing is scanned.
	d.Put(old, []byte("old"))
	if err := os.Chtimes(oldName, now.Add(-40*24*time.Hour), now.Add(-40*24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := d.Prune(30 * 24 * time.Hour); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(oldName); err != nil {
		t.Errorf("pruned again within a day: %v", err)
	}
	// A process that only read does not prune.
	r, err := Open(d.Path())
	if err != nil {
		t.Fatal(err)
	}
	r.now = func() time.Time { return now.Add(48 * time.Hour) }
	if err := r.Prune(30 * 24 * time.Hour); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(oldName); err != nil {
		t.Errorf("a reader pruned: %v", err)
	}
}
