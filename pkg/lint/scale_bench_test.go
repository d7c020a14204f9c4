package lint

import (
	"archive/tar"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

// Scaling benchmarks (issue #7): 10× and 100× the input must cost about
// 10× and 100×. Each reports a per-unit cost (ns/file, ns/layer) next to
// ns/op, so linear growth shows as a flat per-unit column across the
// sub-benchmarks; docs/performance.md has the numbers. Run them with
// -benchtime 1x or 3x: the largest sizes take seconds per iteration.

// scaleSample is a fixed, sorted sample of real Dockerfiles (the corpus
// when present, else the rule fixtures and examples), read into memory so
// that disk reads stay out of the measurement.
func scaleSample(b *testing.B, n int) []Input {
	b.Helper()
	var paths []string
	if _, err := os.Stat(corpusDir); err == nil {
		_ = filepath.WalkDir(corpusDir, func(p string, d os.DirEntry, err error) error {
			if err == nil && d.Type().IsRegular() {
				paths = append(paths, p)
			}
			return err
		})
	} else {
		for _, pattern := range []string{"../../testdata/rules/*/*.Dockerfile", "../../examples/*/Dockerfile"} {
			m, _ := filepath.Glob(pattern)
			paths = append(paths, m...)
		}
	}
	sort.Strings(paths)
	if len(paths) < n {
		b.Skipf("only %d Dockerfiles found, want %d", len(paths), n)
	}
	// Every 7th file rather than the first n: the corpus is sorted by
	// repository, and a prefix would be one project's Dockerfiles.
	var in []Input
	for i := 0; len(in) < n; i = (i + 7) % len(paths) {
		data, err := os.ReadFile(paths[i])
		if err != nil {
			b.Fatal(err)
		}
		in = append(in, Input{Path: paths[i], Data: data})
	}
	return in
}

// BenchmarkLintScaleFiles lints 1×, 10× and 100× copies of a 20-file sample.
// Copies are distinct inputs to every stage (nothing is cached per content),
// so ns/file should stay flat.
func BenchmarkLintScaleFiles(b *testing.B) {
	sample := scaleSample(b, 20)
	l := New(Options{Engine: testEngine(b)})
	for _, mult := range []int{1, 10, 100} {
		inputs := make([]Input, 0, len(sample)*mult)
		for c := range mult {
			for _, in := range sample {
				in.Path = fmt.Sprintf("copy%d/%s", c, in.Path)
				inputs = append(inputs, in)
			}
		}
		b.Run(fmt.Sprintf("files=%d", len(inputs)), func(b *testing.B) {
			l.Lint(context.Background(), inputs[:min(len(inputs), 20)]) // warm lazily built tables
			b.ResetTimer()
			for b.Loop() {
				res := l.Lint(context.Background(), inputs)
				if len(res.Files) != len(inputs) {
					b.Fatalf("%d results for %d inputs", len(res.Files), len(inputs))
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(inputs)), "ns/file")
		})
	}
}

// scaleLayer is one layer of a synthetic image: files regular files under
// its own directory (a few shell scripts and configs for the content scan,
// the rest small binaries-by-name), one setuid binary, one world-writable
// directory, and a whiteout of the previous layer's first file, so that
// every per-layer code path (walk, squash, whiteouts, facts, rules) runs.
func scaleLayer(b *testing.B, idx, files int) v1.Layer {
	b.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	write := func(h *tar.Header, body []byte) {
		h.Size = int64(len(body))
		if err := tw.WriteHeader(h); err != nil {
			b.Fatal(err)
		}
		if _, err := tw.Write(body); err != nil {
			b.Fatal(err)
		}
	}
	dir := fmt.Sprintf("opt/l%03d/", idx)
	write(&tar.Header{Name: dir, Typeflag: tar.TypeDir, Mode: 0o755}, nil)
	write(&tar.Header{Name: dir + "tmp/", Typeflag: tar.TypeDir, Mode: 0o777}, nil)
	write(&tar.Header{Name: dir + "suid", Typeflag: tar.TypeReg, Mode: 0o4755}, []byte("x"))
	if idx > 0 {
		write(&tar.Header{Name: fmt.Sprintf("opt/l%03d/.wh.f0000", idx-1), Typeflag: tar.TypeReg, Mode: 0o644}, nil)
	}
	for i := range files {
		name := fmt.Sprintf("%sf%04d", dir, i)
		body := []byte("\x7fbin")
		if i%10 == 0 {
			name += ".sh"
			body = fmt.Appendf(nil, "#!/bin/sh\n# layer %d script %d\nexec /usr/bin/app --config /etc/app.conf \"$@\"\n", idx, i)
		}
		write(&tar.Header{Name: name, Typeflag: tar.TypeReg, Mode: 0o755}, body)
	}
	if err := tw.Close(); err != nil {
		b.Fatal(err)
	}
	data := buf.Bytes()
	l, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil })
	if err != nil {
		b.Fatal(err)
	}
	return l
}

// scaleImage writes an OCI layout with layers×files entries (plus a base
// layer with /etc/passwd) and one history entry per layer, and returns its
// reference.
func scaleImage(b *testing.B, layers, files int) string {
	b.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, f := range []struct{ name, body string }{
		{"etc/passwd", "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n"},
		{"etc/group", "root:x:0:\napp:x:1000:\n"},
		{"etc/os-release", "ID=alpine\nVERSION_ID=3.20.3\n"},
	} {
		if err := tw.WriteHeader(&tar.Header{Name: f.name, Typeflag: tar.TypeReg, Mode: 0o644, Size: int64(len(f.body))}); err != nil {
			b.Fatal(err)
		}
		if _, err := io.WriteString(tw, f.body); err != nil {
			b.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		b.Fatal(err)
	}
	baseData := buf.Bytes()
	base, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(baseData)), nil })
	if err != nil {
		b.Fatal(err)
	}
	all := []v1.Layer{base}
	history := []v1.History{{CreatedBy: "ADD rootfs.tar / # buildkit"}}
	for i := range layers {
		all = append(all, scaleLayer(b, i, files))
		history = append(history, v1.History{CreatedBy: fmt.Sprintf("RUN /bin/sh -c install-part %d && chmod 4755 /opt/l%03d/suid # buildkit", i, i)})
	}
	img := linuxImage(b, v1.Config{User: "app", Cmd: []string{"/opt/l000/f0000.sh"}},
		history,
		all...)
	dir := filepath.Join(b.TempDir(), "layout")
	p, err := layout.Write(dir, empty.Index)
	if err != nil {
		b.Fatal(err)
	}
	if err := p.AppendImage(img); err != nil {
		b.Fatal(err)
	}
	return "oci:" + dir
}

// BenchmarkLintImageScaleLayers scans images of 1, 10 and 100 layers of 200
// files each, end to end (open, read and squash layers, facts, content
// scan, rules); ns/layer should stay flat.
func BenchmarkLintImageScaleLayers(b *testing.B) {
	l := New(Options{Engine: testEngine(b)})
	for _, layers := range []int{1, 10, 100} {
		ref := scaleImage(b, layers, 200)
		b.Run(fmt.Sprintf("layers=%d", layers), func(b *testing.B) {
			benchImage(b, l, ref)
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*layers), "ns/layer")
		})
	}
}

// BenchmarkLintImageScaleFiles scans one-layer images of 500, 5,000 and
// 50,000 files; ns/file should stay flat.
func BenchmarkLintImageScaleFiles(b *testing.B) {
	l := New(Options{Engine: testEngine(b)})
	for _, files := range []int{500, 5000, 50000} {
		ref := scaleImage(b, 1, files)
		b.Run(fmt.Sprintf("files=%d", files), func(b *testing.B) {
			benchImage(b, l, ref)
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*files), "ns/file")
		})
	}
}

func benchImage(b *testing.B, l *Linter, ref string) {
	b.Helper()
	// Warm-up outside the timer (b.Loop resets it): the first scan prepares
	// the image rules' query and loads the secret rules.
	l.LintImage(context.Background(), ref, ImageOptions{})
	for b.Loop() {
		ir := l.LintImage(context.Background(), ref, ImageOptions{})
		if len(ir.Errors) > 0 {
			b.Fatalf("%s: %v", ref, ir.Errors)
		}
		if len(ir.Findings) == 0 {
			b.Fatal("no findings: the synthetic image should trigger the setuid and world-writable rules")
		}
	}
}
