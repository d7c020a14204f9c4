package source

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// openAndRead opens data as an archive file and reads its layers, for robustness tests: any
// outcome but a panic or a hang is acceptable.
func openAndRead(t testing.TB, dir string, data []byte) { openAndReadWith(t, dir, data, 2) }

// openAndReadWith reads the layers with the given number of workers.
func openAndReadWith(t testing.TB, dir string, data []byte, workers int) {
	p := filepath.Join(dir, "fuzz.tar")
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	img, err := Open(context.Background(), p, Options{Platform: amd64})
	if err != nil {
		if strings.Contains(err.Error(), "internal error") {
			t.Fatalf("Open panicked: %v", err)
		}
		return
	}
	defer img.Close()
	_, err = ReadLayers(context.Background(), img, workers, func(_ context.Context, _ Layer, r io.Reader) (int64, error) {
		return io.Copy(io.Discard, r)
	})
	if err != nil && strings.Contains(err.Error(), "internal error") {
		t.Fatalf("ReadLayers panicked: %v", err)
	}
}

func archiveSeeds(t testing.TB) [][]byte {
	fx := newFixture(t, "amd64", 2)
	docker := dockerArchive(t, map[string]v1.Image{"app:1": fx.img})
	d25, _ := docker25Archive(t, fx, "app:1")
	dir := filepath.Join(t.TempDir(), "layout")
	ociLayout(t, dir, map[string]v1.Image{"1": fx.img})
	oci := tarDir(t, dir)
	return [][]byte{docker, gzipBytes(t, docker), d25, oci, gzipBytes(t, oci)}
}

// TestTruncatedAndFlippedArchives cuts and corrupts valid archives at many places.
func TestTruncatedAndFlippedArchives(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, seed := range archiveSeeds(t) {
		step := max(len(seed)/25, 1)
		for cut := 0; cut < len(seed); cut += step {
			openAndRead(t, dir, seed[:cut])
			flipped := append([]byte(nil), seed...)
			flipped[cut] ^= 0xff
			openAndRead(t, dir, flipped)
		}
	}
}

func FuzzOpenArchive(f *testing.F) {
	for _, s := range archiveSeeds(f) {
		f.Add(s)
	}
	// One directory for every input: the engine runs a worker's inputs one
	// at a time, and a directory made and removed per input was a tenth of
	// an execution's cost.
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		// One layer reader at a time: with two, which broken layer fails
		// first is a race, so the same input covered different code from
		// run to run and the engine kept taking (and minimising) it as new.
		openAndReadWith(t, dir, data, 1)
	})
}
