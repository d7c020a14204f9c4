package lint

import (
	"strings"
	"testing"

	"github.com/hardline-dev/hardline/pkg/dockerfile"
)

// maskBenchDockerfile is a long Dockerfile full of quotes and
// backslash-newlines; secret, when not empty, is one RUN line more.
func maskBenchDockerfile(secret string) []byte {
	var b strings.Builder
	b.WriteString("FROM debian:12\nENV LANG=C.UTF-8\n")
	for i := range 40 {
		b.WriteString("RUN set -eux; \\\n\tapt-get update; \\\n\tapt-get install -y --no-install-recommends \"ca-certificates\" 'curl' gnupg; \\\n")
		b.WriteString("\techo \"step " + strings.Repeat("x", i%7) + "\" > /etc/step; \\\n\trm -rf /var/lib/apt/lists/*\n")
	}
	b.WriteString(secret)
	b.WriteString("USER 10001\n")
	return []byte(b.String())
}

// BenchmarkMaskSource masks a Dockerfile's source with the values its own
// parse found: none (the common case), one written as is, one the shell
// splits with quotes.
func BenchmarkMaskSource(b *testing.B) {
	for _, c := range []struct{ name, secret string }{
		{"secret-free", ""},
		{"exact", "RUN mysql -uroot -pXk9vQ2mT7wLp4z -e 'select 1'\n"},
		{"quote-split", "RUN mysql -uroot -p\"Xk9vQ2\"mT7wLp4z -e 'select 1'\n"},
	} {
		src := maskBenchDockerfile(c.secret)
		doc, err := dockerfile.Parse("Dockerfile", src, dockerfile.Options{})
		if err != nil {
			b.Fatal(err)
		}
		vals := doc.Redactions()
		if (c.secret == "") != (len(vals) == 0) {
			b.Fatalf("%s: %d values found", c.name, len(vals))
		}
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				MaskSource(src, vals)
			}
		})
	}
}
