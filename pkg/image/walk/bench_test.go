package walk

import (
	"archive/tar"
	"bytes"
	"context"
	"fmt"
	"os"
	"testing"
)

// benchLayer is a layer of 2,000 files: text, binaries copied from the
// host (real ELF headers when available) and a few captured files.
func benchLayer(b *testing.B) []byte {
	b.Helper()
	elfBody, err := os.ReadFile("/bin/true")
	if err != nil {
		elfBody = bytes.Repeat([]byte{0x7f}, 32<<10)
	}
	text := bytes.Repeat([]byte("lorem ipsum dolor sit amet\n"), 1500)
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for i := 0; i < 2000; i++ {
		body, name := text, fmt.Sprintf("usr/share/doc/f%04d.txt", i)
		if i%4 == 0 {
			body, name = elfBody, fmt.Sprintf("usr/lib/lib%04d.so", i)
		}
		if err := tw.WriteHeader(&tar.Header{Name: name, Typeflag: tar.TypeReg, Mode: 0o755, Size: int64(len(body))}); err != nil {
			b.Fatal(err)
		}
		if _, err := tw.Write(body); err != nil {
			b.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

func BenchmarkReadLayer(b *testing.B) {
	data := benchLayer(b)
	opts := Options{ELF: true, Capture: func(p string, _ int64) bool { return p == "/usr/share/doc/f0001.txt" }}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ReadLayer(context.Background(), 0, bytes.NewReader(data), opts); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSquash(b *testing.B) {
	data := benchLayer(b)
	var layers []*Layer
	for i := 0; i < 5; i++ {
		l, err := ReadLayer(context.Background(), i, bytes.NewReader(data), Options{})
		if err != nil {
			b.Fatal(err)
		}
		layers = append(layers, l)
	}
	b.ReportAllocs()
	for b.Loop() {
		v := Squash(layers)
		for _, p := range v.Paths()[:100] {
			v.Resolve(p)
		}
	}
}
