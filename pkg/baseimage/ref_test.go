package baseimage

import (
	"errors"
	"strings"
	"testing"
)

const testDigest = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

func TestParseRef(t *testing.T) {
	tests := []struct {
		in   string
		want Ref
	}{
		{"alpine", Ref{Registry: "docker.io", Repository: "library/alpine", Name: "alpine"}},
		{"alpine:3.20", Ref{Registry: "docker.io", Repository: "library/alpine", Tag: "3.20", Name: "alpine"}},
		{"docker.io/library/python:3.12-slim", Ref{Registry: "docker.io", Repository: "library/python", Tag: "3.12-slim", Name: "python"}},
		{"docker.io/python:3.12", Ref{Registry: "docker.io", Repository: "library/python", Tag: "3.12", Name: "python"}},
		{"index.docker.io/library/python", Ref{Registry: "docker.io", Repository: "library/python", Name: "python"}},
		{"index.docker.io/python", Ref{Registry: "docker.io", Repository: "library/python", Name: "python"}},
		{"registry-1.docker.io/library/node:20", Ref{Registry: "docker.io", Repository: "library/node", Tag: "20", Name: "node"}},
		{"Docker.IO/library/redis", Ref{Registry: "docker.io", Repository: "library/redis", Name: "redis"}},
		{"bitnami/redis:7.2", Ref{Registry: "docker.io", Repository: "bitnami/redis", Tag: "7.2", Name: "bitnami/redis"}},
		{"docker.io/bitnami/redis", Ref{Registry: "docker.io", Repository: "bitnami/redis", Name: "bitnami/redis"}},
		// An explicit library/ namespace with a deeper path stays as is.
		{"library/foo/bar", Ref{Registry: "docker.io", Repository: "library/foo/bar", Name: "library/foo/bar"}},
		{"gcr.io/distroless/static-debian12:nonroot", Ref{Registry: "gcr.io", Repository: "distroless/static-debian12", Tag: "nonroot", Name: "gcr.io/distroless/static-debian12"}},
		{"GCR.io/distroless/base", Ref{Registry: "gcr.io", Repository: "distroless/base", Name: "gcr.io/distroless/base"}},
		{"cgr.dev/chainguard/python:latest-dev", Ref{Registry: "cgr.dev", Repository: "chainguard/python", Tag: "latest-dev", Name: "cgr.dev/chainguard/python"}},
		{"img@" + testDigest, Ref{Registry: "docker.io", Repository: "library/img", Digest: testDigest, Name: "img"}},
		{"python:3.12@" + testDigest, Ref{Registry: "docker.io", Repository: "library/python", Tag: "3.12", Digest: testDigest, Name: "python"}},
		{"localhost:5000/app:1", Ref{Registry: "localhost:5000", Repository: "app", Tag: "1", Name: "localhost:5000/app"}},
		{"localhost/app", Ref{Registry: "localhost", Repository: "app", Name: "localhost/app"}},
		{"registry:5000/ns/app", Ref{Registry: "registry:5000", Repository: "ns/app", Name: "registry:5000/ns/app"}},
		{"registry:5000/ns/app:v1.2@" + testDigest, Ref{Registry: "registry:5000", Repository: "ns/app", Tag: "v1.2", Digest: testDigest, Name: "registry:5000/ns/app"}},
		{"[::1]:5000/app", Ref{Registry: "[::1]:5000", Repository: "app", Name: "[::1]:5000/app"}},
		{"10.0.0.1:5000/team/app", Ref{Registry: "10.0.0.1:5000", Repository: "team/app", Name: "10.0.0.1:5000/team/app"}},
		// Without '.', ':' or "localhost" the first component is a Hub namespace.
		{"registry/ns/app", Ref{Registry: "docker.io", Repository: "registry/ns/app", Name: "registry/ns/app"}},
		// "localhost:5000" alone is image "localhost" with tag "5000", as in Docker.
		{"localhost:5000", Ref{Registry: "docker.io", Repository: "library/localhost", Tag: "5000", Name: "localhost"}},
		{"ns/a.b_c__d-e---f", Ref{Registry: "docker.io", Repository: "ns/a.b_c__d-e---f", Name: "ns/a.b_c__d-e---f"}},
		{"my_org/my__app-x.y", Ref{Registry: "docker.io", Repository: "my_org/my__app-x.y", Name: "my_org/my__app-x.y"}},
		{"python:3.12-SLIM", Ref{Registry: "docker.io", Repository: "library/python", Tag: "3.12-SLIM", Name: "python"}},
		{"alpine:_x", Ref{Registry: "docker.io", Repository: "library/alpine", Tag: "_x", Name: "alpine"}},
		{"alpine:" + strings.Repeat("a", 128), Ref{Registry: "docker.io", Repository: "library/alpine", Tag: strings.Repeat("a", 128), Name: "alpine"}},
		// Public Docker Hub mirrors keep their registry but match as Hub images.
		{"mirror.gcr.io/library/python:3.12", Ref{Registry: "mirror.gcr.io", Repository: "library/python", Tag: "3.12", Name: "python"}},
		{"mirror.gcr.io/bitnami/redis", Ref{Registry: "mirror.gcr.io", Repository: "bitnami/redis", Name: "bitnami/redis"}},
		{"public.ecr.aws/docker/library/node:20-alpine", Ref{Registry: "public.ecr.aws", Repository: "docker/library/node", Tag: "20-alpine", Name: "node"}},
		{"public.ecr.aws/amazonlinux/amazonlinux:2", Ref{Registry: "public.ecr.aws", Repository: "amazonlinux/amazonlinux", Tag: "2", Name: "public.ecr.aws/amazonlinux/amazonlinux"}},
		{"scratch", Ref{Registry: "docker.io", Repository: "library/scratch", Name: "scratch"}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseRef(tt.in)
			if err != nil {
				t.Fatalf("ParseRef(%q): %v", tt.in, err)
			}
			if got != tt.want {
				t.Errorf("ParseRef(%q)\n got %+v\nwant %+v", tt.in, got, tt.want)
			}
			// The normalised form must parse back to the same Ref.
			again, err := ParseRef(got.String())
			if err != nil || again != got {
				t.Errorf("round trip via %q: %+v, %v", got.String(), again, err)
			}
		})
	}
}

func TestParseRefInvalid(t *testing.T) {
	tests := []struct{ in, why string }{
		{"", "empty"},
		{"Alpine", "upper-case repository"},
		{"docker.io/Library/python", "upper-case namespace"},
		{"myorg/MyApp:1", "upper-case repository"},
		{"alpine:", "empty tag"},
		{"alpine@", "empty digest"},
		{"alpine:-x", "tag starting with '-'"},
		{"alpine:.x", "tag starting with '.'"},
		{"alpine:a b", "space in tag"},
		{"alpine:" + strings.Repeat("a", 129), "tag too long"},
		{"alpine@sha256:abc", "short digest"},
		{"alpine@md5:0123456789abcdef0123456789abcdef", "unknown digest algorithm"},
		{"alpine@" + testDigest + "@" + testDigest, "two digests"},
		{"a//b", "empty path component"},
		{"/alpine", "leading slash"},
		{"alpine/", "trailing slash"},
		{"-alpine", "leading separator"},
		{"alpine-", "trailing separator"},
		{"a..b", "double dot"},
		{"a___b", "triple underscore"},
		{"a-.b", "mixed separators"},
		{"gcr.io/", "registry without repository"},
		{"gcr.io:/x", "empty port"},
		{"gcr.io:abc/x", "non-numeric port"},
		{"gcr.io:123456/x", "port too long"},
		{"gcr..io/x", "empty host label"},
		{"-gcr.io/x", "host label starting with '-'"},
		{"my_registry.io/x", "underscore in host"},
		{"[::1/x", "unterminated IPv6"},
		{"[zz]:5000/x", "bad IPv6"},
		{"https://gcr.io/x", "URL scheme"},
		{"${BASE}:${TAG}", "unexpanded ARG"},
		{"python 3", "space"},
		{"pyth\u00f6n", "non-ASCII"},
		{"alpine:3.20\n", "trailing newline"},
		{strings.Repeat("a", 256), "repository too long"},
	}
	for _, tt := range tests {
		t.Run(tt.why, func(t *testing.T) {
			got, err := ParseRef(tt.in)
			if err == nil {
				t.Fatalf("ParseRef(%q) = %+v, want error (%s)", tt.in, got, tt.why)
			}
			if !errors.Is(err, ErrInvalidRef) {
				t.Errorf("error %v does not wrap ErrInvalidRef", err)
			}
			if got != (Ref{}) {
				t.Errorf("ParseRef(%q) returned non-zero Ref %+v with error", tt.in, got)
			}
		})
	}
}

func FuzzParseRef(f *testing.F) {
	for _, s := range []string{
		"alpine", "alpine:3.20", "docker.io/library/python:3.12-slim",
		"gcr.io/distroless/static-debian12:nonroot", "img@" + testDigest,
		"localhost:5000/app:1", "registry:5000/ns/app", "[::1]:5000/a",
		"mirror.gcr.io/library/x", "public.ecr.aws/docker/library/y:z",
		"a//b", "A", ":", "@", "a:b:c", "a@b@c", "a/b:c/d",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ref, err := ParseRef(s)
		if err != nil {
			return
		}
		if ref.Name == "" || ref.Registry == "" || ref.Repository == "" {
			t.Fatalf("ParseRef(%q) = %+v: empty component", s, ref)
		}
		if ref.Registry != strings.ToLower(ref.Registry) {
			t.Fatalf("ParseRef(%q): registry %q not lower-cased", s, ref.Registry)
		}
		again, err := ParseRef(ref.String())
		if err != nil || again != ref {
			t.Fatalf("ParseRef(%q) = %+v; round trip via %q = %+v, %v", s, ref, ref.String(), again, err)
		}
		// Lookup must not panic on anything ParseRef accepts.
		_ = Default().Lookup(ref)
	})
}
