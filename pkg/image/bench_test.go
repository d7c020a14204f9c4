package image

import (
	"context"
	"os"
	"testing"
)

// BenchmarkBuildAlpine measures facts for the real Alpine minirootfs plus a
// few layers (read from an OCI layout, layers gzipped as registries serve
// them). HARDLINE_BENCH_IMAGE=<ref> benchmarks any image instead, e.g. the
// ~1 GB archive docs/performance.md describes.
func BenchmarkBuildAlpine(b *testing.B) {
	ref := os.Getenv("HARDLINE_BENCH_IMAGE")
	var open func() *sourceImage
	if ref == "" {
		if _, err := os.Stat(alpineRootfs); err != nil {
			b.Skip("../shared not found: real-image benchmark skipped")
		}
		img := alpineImage(b)
		si := openImage(b, img)
		open = func() *sourceImage { return si }
	} else {
		open = func() *sourceImage {
			si, err := openRef(ref)
			if err != nil {
				b.Fatal(err)
			}
			return si
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Build(context.Background(), open(), Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
