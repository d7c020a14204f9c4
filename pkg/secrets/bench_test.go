package secrets

import (
	"math/rand"
	"strings"
	"testing"
)

// dockerfileSample is a realistic official-image style Dockerfile: GPG
// fingerprints, checksums, URLs, long RUN scripts, and one planted secret.
func dockerfileSample() string {
	return `FROM debian:bookworm-slim
ENV PYTHON_VERSION=3.12.2
ENV GPG_KEY=7169605F62C751356D054A26A821E680E5FA6305
ENV PYTHON_SHA256=be28112dac813d2053545c14bf13a16401a21877f1a69eb6ea5d84c4a0f3d870
ARG API_TOKEN
ENV DB_PASSWORD_FILE=/run/secrets/db
RUN set -eux; \
	savedAptMark="$(apt-mark showmanual)"; \
	apt-get update; \
	apt-get install -y --no-install-recommends dpkg-dev gcc gnupg libbz2-dev libc6-dev libdb-dev libexpat1-dev libffi-dev libgdbm-dev liblzma-dev libncursesw5-dev libreadline-dev libsqlite3-dev libssl-dev make tk-dev uuid-dev wget xz-utils zlib1g-dev; \
	wget -O python.tar.xz "https://www.python.org/ftp/python/${PYTHON_VERSION%%[a-z]*}/Python-$PYTHON_VERSION.tar.xz"; \
	echo "$PYTHON_SHA256 *python.tar.xz" | sha256sum -c -; \
	wget -O python.tar.xz.asc "https://www.python.org/ftp/python/${PYTHON_VERSION%%[a-z]*}/Python-$PYTHON_VERSION.tar.xz.asc"; \
	GNUPGHOME="$(mktemp -d)"; export GNUPGHOME; \
	gpg --batch --keyserver hkps://keys.openpgp.org --recv-keys "$GPG_KEY"; \
	gpg --batch --verify python.tar.xz.asc python.tar.xz; \
	gpgconf --kill all; \
	rm -rf "$GNUPGHOME" python.tar.xz.asc; \
	mkdir -p /usr/src/python; \
	tar --extract --directory /usr/src/python --strip-components=1 --file python.tar.xz; \
	rm python.tar.xz; \
	cd /usr/src/python; \
	gnuArch="$(dpkg-architecture --query DEB_BUILD_GNU_TYPE)"; \
	./configure --build="$gnuArch" --enable-loadable-sqlite-extensions --enable-optimizations --enable-option-checking=fatal --enable-shared --with-lto --with-ensurepip; \
	nproc="$(nproc)"; \
	make -j "$nproc"; \
	make install; \
	curl -fsSL -H "Authorization: Bearer $GITHUB_TOKEN" https://api.github.com/repos/x/y/releases; \
	find /usr/local -depth \( \( -type d -a \( -name test -o -name tests -o -name idle_test \) \) -o \( -type f -a \( -name '*.pyc' -o -name '*.pyo' -o -name 'libpython*.a' \) \) \) -exec rm -rf '{}' + ; \
	ldconfig; \
	python3 --version
RUN echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > ~/.npmrc
COPY --from=builder /app /app
HEALTHCHECK CMD curl -f http://localhost:8080/health || exit 1
USER app
CMD ["python3", "-m", "app"]
`
}

// mixedText builds ~size bytes of shell, config, prose and base64-ish data
// with credential-ish words sprinkled in, the way image layers look.
func mixedText(size int) string {
	r := rand.New(rand.NewSource(1))
	parts := []string{
		dockerfileSample(),
		"export PATH=/usr/local/bin:$PATH\nexport API_URL=https://api.example.com/v1\n",
		"[database]\nhost = db\nport = 5432\nuser = app\npassword_file = /run/secrets/db\n",
		"The access token is refreshed by the auth service; keys are rotated monthly.\n",
		"key: value\nsecretName: app-secrets\ntokenizer: bert-base\n",
		"{\"name\": \"pkg\", \"version\": \"1.2.3\", \"integrity\": \"sha512-" + strings.Repeat("Ab9+", 22) + "==\"}\n",
	}
	var sb strings.Builder
	for sb.Len() < size {
		sb.WriteString(parts[r.Intn(len(parts))])
		b := make([]byte, 64)
		for i := range b {
			b[i] = "abcdefghijklmnopqrstuvwxyz0123456789 _-=\n"[r.Intn(41)]
		}
		sb.Write(b)
		sb.WriteByte('\n')
	}
	return sb.String()
}

func BenchmarkScanText(b *testing.B) {
	d := Default()
	for _, bc := range []struct {
		name string
		text string
	}{
		{"dockerfile", dockerfileSample()},
		{"mixed-1MB", mixedText(1 << 20)},
	} {
		d.ScanText(bc.text) // warm up: load rules, compile triggered regexps
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(bc.text)))
			for b.Loop() {
				d.ScanText(bc.text)
			}
		})
	}
}
