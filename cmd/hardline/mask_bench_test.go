package main

import (
	"io"
	"testing"

	"github.com/hardline-dev/hardline/pkg/dockerfile"
)

// BenchmarkPrintJSON prints the facts of a long secret-free Dockerfile (full
// of quotes and line continuations), then of one with a secret written as
// is and one with a quote-split secret.
func BenchmarkPrintJSON(b *testing.B) {
	for _, c := range []struct{ name, secret string }{
		{"secret-free", ""},
		{"exact", "RUN mysql -uroot -pXk9vQ2mT7wLp4z -e 'select 1'\n"},
		{"quote-split", "RUN mysql -uroot -p\"Xk9vQ2\"mT7wLp4z -e 'select 1'\n"},
	} {
		src := []byte("FROM debian:12\n")
		for range 40 {
			src = append(src, "RUN set -eux; \\\n\tapt-get update; \\\n\tapt-get install -y \"ca-certificates\" 'curl' gnupg; \\\n\trm -rf /var/lib/apt/lists/*\n"...)
		}
		src = append(src, c.secret+"USER 10001\n"...)
		doc, err := dockerfile.Parse("Dockerfile", src, dockerfile.Options{})
		if err != nil {
			b.Fatal(err)
		}
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				if err := printJSON(streams{out: io.Discard}, doc, doc.Redactions()...); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
