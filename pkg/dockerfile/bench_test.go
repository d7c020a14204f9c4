package dockerfile

import (
	"os"
	"testing"
)

// benchDockerfile is a realistic multi-stage Dockerfile (~40 lines).
const benchDockerfile = `# syntax=docker/dockerfile:1
ARG GO_VERSION=1.22
ARG ALPINE_VERSION=3.20

FROM golang:${GO_VERSION}-alpine${ALPINE_VERSION} AS build
ARG VERSION=dev
ARG TARGETOS TARGETARCH
WORKDIR /src
RUN apk add --no-cache git make gcc musl-dev
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod \
    go mod download
COPY . .
RUN --mount=type=cache,target=/go/pkg/mod \
    --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 GOOS=${TARGETOS} GOARCH=${TARGETARCH} \
    go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" \
      -o /out/server ./cmd/server

FROM build AS test
RUN go vet ./... && go test -race ./...

FROM alpine:${ALPINE_VERSION} AS runtime
RUN apk add --no-cache ca-certificates tzdata \
 && addgroup -S app \
 && adduser -S -G app -h /home/app app \
 && rm -rf /var/cache/apk/*
ENV APP_HOME=/home/app \
    PORT=8080
WORKDIR ${APP_HOME}
COPY --from=build --chown=app:app /out/server /usr/local/bin/server
COPY <<EOF /etc/server.yaml
listen: ":${PORT}"
log_level: info
EOF
USER app:app
EXPOSE ${PORT}/tcp
HEALTHCHECK --interval=30s --timeout=3s CMD wget -qO- http://127.0.0.1:${PORT}/healthz || exit 1
ENTRYPOINT ["/usr/local/bin/server"]
CMD ["--config", "/etc/server.yaml"]
`

func BenchmarkParse(b *testing.B) {
	src := []byte(benchDockerfile)
	b.ReportAllocs()
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		if _, err := Parse("Dockerfile", src, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseCorpus(b *testing.B) {
	files := corpusFiles(b)
	srcs := make([][]byte, len(files))
	for i, f := range files {
		var err error
		if srcs[i], err = os.ReadFile(f); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		for _, src := range srcs {
			_, _ = Parse("Dockerfile", src, Options{})
			n++
		}
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "files/s")
}
