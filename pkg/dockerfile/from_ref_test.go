package dockerfile

import (
	"testing"

	"github.com/hardline-dev/hardline/pkg/baseimage"
)

// TestPulledImageRefs: COPY --from and RUN --mount from that name an image
// carry the parsed reference (the build pulls it like a base image); stage
// names, stage indexes, scratch and invalid names do not.
func TestPulledImageRefs(t *testing.T) {
	src := `FROM golang:1.22 AS builder
RUN --mount=type=cache,target=/root/.cache go build -o /out/app .

FROM debian:bookworm-slim
COPY --from=builder /out/app /app
COPY --from=0 /out/app /app2
copy --from=nginx:1.27 /etc/nginx/nginx.conf /etc/nginx/
COPY --from=ghcr.io/acme/tools@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef /bin/tool /bin/
COPY --from=scratch /x /x
COPY --from=Not_A:Valid::Ref /y /y
RUN --mount=from=alpine:latest,source=/etc/apk,target=/mnt cat /mnt/repositories
RUN --mount=type=bind,from=builder,source=/out,target=/mnt ls /mnt
`
	doc, err := Parse("Dockerfile", []byte(src), Options{})
	if err != nil {
		t.Fatal(err)
	}
	type pulled struct{ from, kind, registry, repo, tag, digest string }
	entry := func(from, kind string, ref *baseimage.Ref) pulled {
		p := pulled{from: from, kind: kind}
		if ref != nil {
			p.registry, p.repo, p.tag, p.digest = ref.Registry, ref.Repository, ref.Tag, ref.Digest
		}
		return p
	}
	var got []pulled
	for _, s := range doc.Stages {
		for _, in := range s.Instructions {
			if c := in.Copy; c != nil && c.From != "" {
				got = append(got, entry(c.From, c.FromKind, c.FromRef))
			}
			if in.Run == nil {
				continue
			}
			for _, m := range in.Run.Mounts {
				if m.From == "" {
					if m.FromRef != nil {
						t.Errorf("mount without from has a reference: %+v", m.FromRef)
					}
					continue
				}
				got = append(got, entry(m.From, m.FromKind, m.FromRef))
			}
		}
	}
	want := []pulled{
		{from: "builder", kind: "stage"},
		{from: "0", kind: "stage"},
		{from: "nginx:1.27", kind: "image", registry: "docker.io", repo: "library/nginx", tag: "1.27"},
		{from: "ghcr.io/acme/tools@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", kind: "image", registry: "ghcr.io", repo: "acme/tools", digest: "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"},
		{from: "scratch", kind: "image"},
		{from: "Not_A:Valid::Ref", kind: "image"},
		{from: "alpine:latest", kind: "image", registry: "docker.io", repo: "library/alpine", tag: "latest"},
		{from: "builder", kind: "stage"},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d references %+v, want %d", len(got), got, len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("reference %d: got %+v, want %+v", i, got[i], want[i])
		}
	}
}
