package baseimage

import (
	"strings"
	"testing"

	"github.com/bmatcuk/doublestar/v4"
)

// want is the expected subset of Info. Shell: "" = nil, "y" = true, "n" = false.
type want struct {
	distro, family, libc, pm, user, runtime, shell, entry string
}

func check(t *testing.T, ref string, got Info, w want) {
	t.Helper()
	shell := ""
	if got.Shell != nil {
		shell = map[bool]string{true: "y", false: "n"}[*got.Shell]
	}
	g := want{got.Distro, got.Family, got.Libc, got.PackageManager, got.User, got.Runtime, shell, w.entry}
	if w.entry != "" {
		g.entry = got.Entry
	}
	if g != w {
		t.Errorf("Lookup(%s)\n got %+v (entry %q)\nwant %+v", ref, g, got.Entry, w)
	}
	if !got.Known {
		t.Errorf("Lookup(%s): Known = false", ref)
	}
}

func TestLookupDefault(t *testing.T) {
	tests := []struct {
		ref  string
		want want
	}{
		// Distributions.
		{"alpine", want{distro: "alpine", family: "alpine", libc: "musl", pm: "apk", entry: "alpine"}},
		{"alpine:3.20", want{distro: "alpine", family: "alpine", libc: "musl", pm: "apk"}},
		{"debian:bookworm-slim", want{distro: "debian", family: "debian", libc: "glibc", pm: "apt"}},
		{"debian:12", want{distro: "debian", family: "debian", libc: "glibc", pm: "apt", entry: "debian"}},
		{"ubuntu:24.04", want{distro: "ubuntu", family: "debian", libc: "glibc", pm: "apt"}},
		{"ubuntu:jammy", want{distro: "ubuntu", family: "debian", libc: "glibc", pm: "apt"}},
		{"centos:7", want{distro: "centos", family: "rhel", libc: "glibc", pm: "yum"}},
		{"quay.io/centos/centos:stream9", want{distro: "centos", family: "rhel", libc: "glibc", pm: "dnf"}},
		{"rockylinux:9", want{distro: "rocky", family: "rhel", libc: "glibc", pm: "dnf"}},
		{"rockylinux:9-minimal", want{distro: "rocky", family: "rhel", libc: "glibc", pm: "microdnf"}},
		{"almalinux:9-minimal", want{distro: "almalinux", family: "rhel", libc: "glibc", pm: "microdnf"}},
		{"almalinux/9-micro", want{distro: "almalinux", family: "rhel", libc: "glibc", pm: "none"}},
		{"fedora:40", want{distro: "fedora", family: "rhel", libc: "glibc", pm: "dnf"}},
		{"oraclelinux:9", want{distro: "ol", family: "rhel", libc: "glibc", pm: "dnf"}},
		{"oraclelinux:9-slim", want{distro: "ol", family: "rhel", libc: "glibc", pm: "microdnf", entry: "oraclelinux-slim"}},
		{"oraclelinux:7-slim", want{distro: "ol", family: "rhel", libc: "glibc", pm: "yum"}},
		{"amazonlinux:2", want{distro: "amzn", family: "rhel", libc: "glibc", pm: "yum"}},
		{"amazonlinux:2023", want{distro: "amzn", family: "rhel", libc: "glibc", pm: "dnf"}},
		{"amazonlinux", want{distro: "amzn", family: "rhel", libc: "glibc", pm: "dnf"}},
		{"public.ecr.aws/amazonlinux/amazonlinux:2.0.20240131.0", want{distro: "amzn", family: "rhel", libc: "glibc", pm: "yum"}},
		{"registry.access.redhat.com/ubi9/ubi-minimal:9.4", want{distro: "rhel", family: "rhel", libc: "glibc", pm: "microdnf"}},
		{"registry.access.redhat.com/ubi9/ubi", want{distro: "rhel", family: "rhel", libc: "glibc", pm: "dnf"}},
		{"registry.access.redhat.com/ubi9", want{distro: "rhel", family: "rhel", libc: "glibc", pm: "dnf"}},
		{"registry.access.redhat.com/ubi7/ubi", want{distro: "rhel", family: "rhel", libc: "glibc", pm: "yum"}},
		{"registry.access.redhat.com/ubi9/ubi-micro", want{distro: "rhel", family: "rhel", libc: "glibc", pm: "none"}},
		{"registry.access.redhat.com/ubi9/python-311", want{distro: "rhel", family: "rhel", libc: "glibc", pm: "dnf", user: "1001", runtime: "python"}},
		{"registry.access.redhat.com/ubi9/nodejs-20-minimal", want{distro: "rhel", family: "rhel", libc: "glibc", pm: "microdnf", user: "1001", runtime: "node"}},
		{"opensuse/leap:15.6", want{distro: "opensuse-leap", family: "suse", libc: "glibc", pm: "zypper"}},
		{"opensuse/tumbleweed", want{distro: "opensuse-tumbleweed", family: "suse", libc: "glibc", pm: "zypper"}},
		{"registry.suse.com/bci/bci-micro:15.6", want{distro: "sles", family: "suse", libc: "glibc", pm: "none"}},
		{"archlinux:base", want{distro: "arch", family: "arch", libc: "glibc", pm: "pacman"}},
		{"photon:5.0", want{distro: "photon", family: "photon", libc: "glibc", pm: "tdnf"}},
		{"busybox", want{distro: "busybox", family: "busybox", libc: "glibc", pm: "none", shell: "y"}},
		{"busybox:1.36-musl", want{distro: "busybox", family: "busybox", libc: "musl", pm: "none", shell: "y"}},
		{"busybox:uclibc", want{distro: "busybox", family: "busybox", libc: "uclibc", pm: "none", shell: "y"}},
		{"busybox:glibc", want{distro: "busybox", family: "busybox", libc: "glibc", pm: "none", shell: "y"}},

		// Distroless.
		{"gcr.io/distroless/static-debian12", want{distro: "distroless", family: "debian", libc: "none", pm: "none", shell: "n", entry: "distroless"}},
		{"gcr.io/distroless/static-debian12:nonroot", want{distro: "distroless", family: "debian", libc: "none", pm: "none", user: "65532", shell: "n"}},
		{"gcr.io/distroless/base-debian12:debug", want{distro: "distroless", family: "debian", libc: "glibc", pm: "none", shell: "y"}},
		{"gcr.io/distroless/cc-debian12:debug-nonroot", want{distro: "distroless", family: "debian", libc: "glibc", pm: "none", user: "65532", shell: "y"}},
		{"gcr.io/distroless/java21-debian12", want{distro: "distroless", family: "debian", libc: "glibc", pm: "none", runtime: "java", shell: "n"}},
		{"gcr.io/distroless/python3-debian12:nonroot", want{distro: "distroless", family: "debian", libc: "glibc", pm: "none", user: "65532", runtime: "python", shell: "n"}},
		{"gcr.io/distroless/nodejs22-debian12", want{distro: "distroless", family: "debian", libc: "glibc", pm: "none", runtime: "node", shell: "n"}},

		// Wolfi / Chainguard.
		{"cgr.dev/chainguard/wolfi-base", want{distro: "wolfi", family: "wolfi", libc: "glibc", pm: "apk", shell: "y"}},
		{"cgr.dev/chainguard/static", want{distro: "wolfi", family: "wolfi", libc: "none", pm: "none", user: "65532", shell: "n"}},
		{"cgr.dev/chainguard/python:latest", want{distro: "wolfi", family: "wolfi", libc: "glibc", pm: "none", user: "65532", runtime: "python", shell: "n"}},
		{"cgr.dev/chainguard/python:latest-dev", want{distro: "wolfi", family: "wolfi", libc: "glibc", pm: "apk", runtime: "python", shell: "y"}},
		{"cgr.dev/chainguard/node:20-dev", want{distro: "wolfi", family: "wolfi", libc: "glibc", pm: "apk", runtime: "node", shell: "y"}},
		{"cgr.dev/chainguard/jre", want{distro: "wolfi", family: "wolfi", libc: "glibc", pm: "none", user: "65532", runtime: "java", shell: "n"}},

		// Language images.
		{"python:3.12", want{distro: "debian", family: "debian", libc: "glibc", pm: "apt", runtime: "python", entry: "python"}},
		{"python:3.12-slim", want{distro: "debian", family: "debian", libc: "glibc", pm: "apt", runtime: "python", entry: "variant-slim"}},
		{"python:3.12-alpine3.20", want{distro: "alpine", family: "alpine", libc: "musl", pm: "apk", runtime: "python", entry: "variant-alpine"}},
		{"python:3.12-windowsservercore-ltsc2022", want{distro: "windows", family: "windows", libc: "none", pm: "none", runtime: "python"}},
		{"docker.io/library/python:3.12-slim-bookworm", want{distro: "debian", family: "debian", libc: "glibc", pm: "apt", runtime: "python"}},
		{"index.docker.io/library/python", want{distro: "debian", family: "debian", libc: "glibc", pm: "apt", runtime: "python"}},
		{"mirror.gcr.io/library/python:3.12-alpine", want{distro: "alpine", family: "alpine", libc: "musl", pm: "apk", runtime: "python"}},
		{"node:20-alpine", want{distro: "alpine", family: "alpine", libc: "musl", pm: "apk", runtime: "node", entry: "variant-alpine"}},
		{"node:20", want{distro: "debian", family: "debian", libc: "glibc", pm: "apt", runtime: "node"}},
		{"node:20-bookworm-slim", want{distro: "debian", family: "debian", libc: "glibc", pm: "apt", runtime: "node"}},
		{"golang:1.22", want{distro: "debian", family: "debian", libc: "glibc", pm: "apt", runtime: "go"}},
		{"golang:1.22-alpine", want{distro: "alpine", family: "alpine", libc: "musl", pm: "apk", runtime: "go"}},
		{"golang:1.22-nanoserver-ltsc2022", want{distro: "windows", family: "windows", libc: "none", pm: "none", user: "ContainerUser", runtime: "go"}},
		{"ruby:3.3-slim", want{distro: "debian", family: "debian", libc: "glibc", pm: "apt", runtime: "ruby"}},
		{"php:8.3-fpm-alpine", want{distro: "alpine", family: "alpine", libc: "musl", pm: "apk", runtime: "php"}},
		{"php:8.3-apache", want{distro: "debian", family: "debian", libc: "glibc", pm: "apt", runtime: "php"}},
		{"composer:2", want{distro: "alpine", family: "alpine", libc: "musl", pm: "apk", runtime: "php"}},
		{"rust:1.80", want{distro: "debian", family: "debian", libc: "glibc", pm: "apt", runtime: "rust"}},
		{"perl:5.40-slim", want{distro: "debian", family: "debian", libc: "glibc", pm: "apt", runtime: "perl"}},
		{"elixir:1.17", want{distro: "debian", family: "debian", libc: "glibc", pm: "apt", runtime: "elixir"}},
		{"elixir:1.17-alpine", want{distro: "alpine", family: "alpine", libc: "musl", pm: "apk", runtime: "elixir"}},
		{"erlang:27", want{distro: "debian", family: "debian", libc: "glibc", pm: "apt", runtime: "erlang"}},
		{"haskell:9", want{distro: "debian", family: "debian", libc: "glibc", pm: "apt", runtime: "haskell"}},
		{"julia:1.10", want{distro: "debian", family: "debian", libc: "glibc", pm: "apt", runtime: "julia"}},
		{"r-base:4.4.1", want{distro: "debian", family: "debian", libc: "glibc", pm: "apt", runtime: "r"}},

		// Java.
		{"openjdk:17", want{distro: "ol", family: "rhel", libc: "glibc", pm: "microdnf", runtime: "java"}},
		{"openjdk:11-jre-slim", want{distro: "debian", family: "debian", libc: "glibc", pm: "apt", runtime: "java"}},
		{"openjdk:8", want{distro: "debian", family: "debian", libc: "glibc", pm: "apt", runtime: "java", entry: "openjdk-8-11"}},
		{"openjdk:8-jdk-alpine", want{distro: "alpine", family: "alpine", libc: "musl", pm: "apk", runtime: "java"}},
		{"eclipse-temurin:21", want{distro: "ubuntu", family: "debian", libc: "glibc", pm: "apt", runtime: "java"}},
		{"eclipse-temurin:21-jre-alpine", want{distro: "alpine", family: "alpine", libc: "musl", pm: "apk", runtime: "java"}},
		{"eclipse-temurin:21-jdk-ubi9-minimal", want{distro: "rhel", family: "rhel", libc: "glibc", pm: "microdnf", runtime: "java"}},
		{"amazoncorretto:21", want{distro: "amzn", family: "rhel", libc: "glibc", pm: "yum", runtime: "java"}},
		{"amazoncorretto:21-al2023", want{distro: "amzn", family: "rhel", libc: "glibc", pm: "dnf", runtime: "java"}},
		{"amazoncorretto:25", want{distro: "amzn", family: "rhel", libc: "glibc", pm: "dnf", runtime: "java"}},
		{"amazoncorretto:21-alpine", want{distro: "alpine", family: "alpine", libc: "musl", pm: "apk", runtime: "java"}},
		{"maven:3.9-eclipse-temurin-21", want{distro: "ubuntu", family: "debian", libc: "glibc", pm: "apt", runtime: "java"}},
		{"maven:3.9-amazoncorretto-21", want{distro: "amzn", family: "rhel", libc: "glibc", pm: "yum", runtime: "java"}},
		{"maven:3.9-amazoncorretto-21-debian", want{distro: "debian", family: "debian", libc: "glibc", pm: "apt", runtime: "java"}},
		{"gradle:8-jdk21-alpine", want{distro: "alpine", family: "alpine", libc: "musl", pm: "apk", runtime: "java"}},

		// .NET and Windows.
		{"mcr.microsoft.com/dotnet/aspnet:8.0", want{distro: "debian", family: "debian", libc: "glibc", pm: "apt", runtime: "dotnet"}},
		{"mcr.microsoft.com/dotnet/sdk:10.0", want{distro: "ubuntu", family: "debian", libc: "glibc", pm: "apt", runtime: "dotnet"}},
		{"mcr.microsoft.com/dotnet/runtime:8.0-alpine", want{distro: "alpine", family: "alpine", libc: "musl", pm: "apk", runtime: "dotnet"}},
		{"mcr.microsoft.com/dotnet/runtime-deps:8.0-jammy-chiseled", want{distro: "ubuntu", family: "debian", libc: "glibc", pm: "none", user: "1654", shell: "n"}},
		{"mcr.microsoft.com/dotnet/aspnet:8.0-azurelinux3.0-distroless", want{distro: "azurelinux", family: "photon", libc: "glibc", pm: "none", user: "1654", runtime: "dotnet", shell: "n"}},
		{"mcr.microsoft.com/dotnet/sdk:8.0-azurelinux3.0", want{distro: "azurelinux", family: "photon", libc: "glibc", pm: "tdnf", runtime: "dotnet"}},
		{"mcr.microsoft.com/windows/servercore:ltsc2022", want{distro: "windows", family: "windows", libc: "none", pm: "none"}},
		{"mcr.microsoft.com/windows/nanoserver:ltsc2022", want{distro: "windows", family: "windows", libc: "none", pm: "none", user: "ContainerUser"}},

		// Applications.
		{"nginx:1.27", want{distro: "debian", family: "debian", libc: "glibc", pm: "apt"}},
		{"nginx:1.27-alpine-slim", want{distro: "alpine", family: "alpine", libc: "musl", pm: "apk", entry: "variant-alpine"}},
		{"nginxinc/nginx-unprivileged:1.27-alpine", want{distro: "alpine", family: "alpine", libc: "musl", pm: "apk", user: "101"}},
		{"nginxinc/nginx-unprivileged", want{distro: "debian", family: "debian", libc: "glibc", pm: "apt", user: "101"}},
		{"httpd:2.4", want{distro: "debian", family: "debian", libc: "glibc", pm: "apt"}},
		{"postgres:16-alpine", want{distro: "alpine", family: "alpine", libc: "musl", pm: "apk"}},
		{"redis:7", want{distro: "debian", family: "debian", libc: "glibc", pm: "apt"}},
		{"mysql:8.4", want{distro: "ol", family: "rhel", libc: "glibc", pm: "microdnf"}},
		{"mysql:8.0-debian", want{distro: "debian", family: "debian", libc: "glibc", pm: "apt"}},
		{"mariadb:11", want{distro: "ubuntu", family: "debian", libc: "glibc", pm: "apt"}},
		{"mongo:7", want{distro: "ubuntu", family: "debian", libc: "glibc", pm: "apt"}},
		{"traefik:v3.1", want{distro: "alpine", family: "alpine", libc: "musl", pm: "apk"}},
		{"caddy:2", want{distro: "alpine", family: "alpine", libc: "musl", pm: "apk"}},
		{"haproxy:3.0", want{distro: "debian", family: "debian", libc: "glibc", pm: "apt", user: "haproxy"}},
		{"haproxy:2.2-alpine", want{distro: "alpine", family: "alpine", libc: "musl", pm: "apk"}},
		{"bash:5.2", want{distro: "alpine", family: "alpine", libc: "musl", pm: "apk"}},
		{"docker:dind", want{distro: "alpine", family: "alpine", libc: "musl", pm: "apk"}},
		{"docker:27-dind-rootless", want{distro: "alpine", family: "alpine", libc: "musl", pm: "apk", user: "rootless"}},
		{"bitnami/redis:7.2", want{distro: "debian", family: "debian", libc: "glibc", pm: "apt", user: "1001"}},
		{"docker.io/bitnami/postgresql:16-debian-12", want{distro: "debian", family: "debian", libc: "glibc", pm: "apt", user: "1001"}},
		{"bitnami/minideb:bookworm", want{distro: "debian", family: "debian", libc: "glibc", pm: "apt"}},
		{"public.ecr.aws/bitnami/redis:7.2", want{distro: "debian", family: "debian", libc: "glibc", pm: "apt", user: "1001"}},
		// Bitnami language runtimes and tools set no USER.
		{"bitnami/node:22", want{distro: "debian", family: "debian", libc: "glibc", pm: "apt", entry: "bitnami"}},
		{"bitnami/python:3.12-debian-12", want{distro: "debian", family: "debian", libc: "glibc", pm: "apt"}},
		{"docker.io/bitnami/php-fpm:8.3", want{distro: "debian", family: "debian", libc: "glibc", pm: "apt"}},
		{"bitnami/kubectl:1.30", want{distro: "debian", family: "debian", libc: "glibc", pm: "apt", user: "1001"}},

		// Jupyter Docker Stacks run as jovyan (uid 1000).
		{"quay.io/jupyter/base-notebook:2024-05-27", want{distro: "ubuntu", family: "debian", libc: "glibc", pm: "apt", user: "1000", runtime: "python", entry: "jupyter-docker-stacks"}},
		{"quay.io/jupyter/docker-stacks-foundation", want{distro: "ubuntu", family: "debian", libc: "glibc", pm: "apt", user: "1000", runtime: "python"}},
		{"jupyter/scipy-notebook:ubuntu-22.04", want{distro: "ubuntu", family: "debian", libc: "glibc", pm: "apt", user: "1000", runtime: "python"}},
		{"jupyter/datascience-notebook:python-3.11", want{distro: "ubuntu", family: "debian", libc: "glibc", pm: "apt", user: "1000", runtime: "python"}},

		// LinuxServer.io: root, s6-overlay drops privileges; distro only for the base images.
		{"lscr.io/linuxserver/nginx:1.26.1", want{user: "", shell: "y", entry: "linuxserver"}},
		{"linuxserver/plex", want{shell: "y", entry: "linuxserver"}},
		{"ghcr.io/linuxserver/baseimage-alpine:3.20", want{distro: "alpine", family: "alpine", libc: "musl", pm: "apk", shell: "y"}},
		{"lscr.io/linuxserver/baseimage-alpine-nginx:3.20", want{distro: "alpine", family: "alpine", libc: "musl", pm: "apk", shell: "y"}},
		{"lscr.io/linuxserver/baseimage-ubuntu:noble", want{distro: "ubuntu", family: "debian", libc: "glibc", pm: "apt", shell: "y"}},
		{"lscr.io/linuxserver/baseimage-debian:bookworm", want{distro: "debian", family: "debian", libc: "glibc", pm: "apt", shell: "y"}},

		// Tag-only variants apply to images nobody knows.
		{"mycorp/app:1.4-alpine", want{distro: "alpine", family: "alpine", libc: "musl", pm: "apk"}},
		{"ghcr.io/acme/tool:2-bookworm", want{distro: "debian", family: "debian", libc: "glibc", pm: "apt"}},
		{"ghcr.io/acme/tool:2-ubuntu22.04", want{distro: "ubuntu", family: "debian", libc: "glibc", pm: "apt"}},
	}
	tab := Default()
	for _, tt := range tests {
		t.Run(tt.ref, func(t *testing.T) {
			ref, err := ParseRef(tt.ref)
			if err != nil {
				t.Fatal(err)
			}
			check(t, tt.ref, tab.Lookup(ref), tt.want)
		})
	}
}

func TestLookupUnknown(t *testing.T) {
	tab := Default()
	for _, s := range []string{"mycorp/app:1.2", "ghcr.io/acme/tool", "registry:5000/ns/app", "ubuntu-like/thing:1"} {
		ref, err := ParseRef(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := tab.Lookup(ref); got.Known || got != (Info{}) {
			t.Errorf("Lookup(%s) = %+v, want zero Info", s, got)
		}
	}
	if got := tab.Lookup(Ref{}); got.Known {
		t.Errorf("Lookup(zero Ref) = %+v, want unknown", got)
	}
}

func TestLookupDigestOnly(t *testing.T) {
	// Pinned by digest only: the tag is unknown, not "latest", so
	// tag-scoped entries (amazonlinux-2, corretto on AL2) must not apply.
	ref, err := ParseRef("amazonlinux@" + testDigest)
	if err != nil {
		t.Fatal(err)
	}
	check(t, ref.String(), Default().Lookup(ref), want{distro: "amzn", family: "rhel", libc: "glibc", pm: "dnf"})
	ref, _ = ParseRef("amazoncorretto@" + testDigest)
	check(t, ref.String(), Default().Lookup(ref), want{distro: "amzn", family: "rhel", libc: "glibc", pm: "dnf", runtime: "java"})
	// ...whereas untagged means latest, which for corretto is 8 on AL2.
	ref, _ = ParseRef("amazoncorretto")
	check(t, ref.String(), Default().Lookup(ref), want{distro: "amzn", family: "rhel", libc: "glibc", pm: "yum", runtime: "java"})
}

func TestLookupHandBuiltRef(t *testing.T) {
	// Other packages may build a Ref without Name; Lookup derives it.
	got := Default().Lookup(Ref{Registry: "docker.io", Repository: "library/node", Tag: "20-alpine"})
	check(t, "hand-built node", got, want{distro: "alpine", family: "alpine", libc: "musl", pm: "apk", runtime: "node"})
}

func TestScratch(t *testing.T) {
	s := Scratch()
	if !s.Known || s.Distro != "scratch" || s.Family != "none" || s.Libc != "none" ||
		s.PackageManager != "none" || s.Shell == nil || *s.Shell {
		t.Errorf("Scratch() = %+v", s)
	}
	ref, _ := ParseRef("scratch")
	got := Default().Lookup(ref)
	if got.Distro != "scratch" || got.Shell == nil || *got.Shell {
		t.Errorf("Lookup(scratch) = %+v, want Scratch()", got)
	}
	// Returned pointers are fresh: mutating one result must not leak.
	*s.Shell = true
	if *Scratch().Shell {
		t.Error("Scratch() shares its Shell pointer")
	}
}

func TestLookupDoesNotShareShell(t *testing.T) {
	tab := Default()
	ref, _ := ParseRef("gcr.io/distroless/static")
	a := tab.Lookup(ref)
	*a.Shell = true
	if b := tab.Lookup(ref); *b.Shell {
		t.Error("Lookup result shares Shell with the table")
	}
}

func TestOverrides(t *testing.T) {
	yes := true
	overrides, err := ParseEntries([]byte(`
- name: our-node
  match: {images: ["registry.corp.example/base/node"]}
  distro: alpine
  family: alpine
  libc: musl
  package_manager: apk
  runtime: node
  user: "1000"
- name: python-nonroot
  match: {images: ["python"], tags: ["*-corp"]}
  user: "10001"
- name: node
  match: {images: ["node"]}
  runtime: node
  notes: "replaces the shipped node entry, so no distro default any more"
- name: alpine-root
  match: {tags: ["*alpine*"], images: ["nginxinc/nginx-unprivileged"]}
  user: root
`))
	if err != nil {
		t.Fatal(err)
	}
	overrides = append(overrides, Entry{Name: "shell-everywhere", Match: Match{Registries: []string{"registry.corp.example"}}, Shell: &yes})
	base := Default()
	tab := base.With(overrides)

	tests := []struct {
		ref  string
		want want
	}{
		// A private image only the override knows.
		{"registry.corp.example/base/node:20", want{distro: "alpine", family: "alpine", libc: "musl", pm: "apk", user: "1000", runtime: "node", shell: "y", entry: "our-node"}},
		// Override supplies only user; defaults fill the rest.
		{"python:3.12-corp", want{distro: "debian", family: "debian", libc: "glibc", pm: "apt", user: "10001", runtime: "python", entry: "python"}},
		// Same name replaces the shipped entry: node without a variant has
		// no distro now, and Entry falls back to the first match.
		{"node:20", want{runtime: "node", entry: "node"}},
		{"node:20-alpine", want{distro: "alpine", family: "alpine", libc: "musl", pm: "apk", runtime: "node", entry: "variant-alpine"}},
		// Explicit root beats the shipped user 101, reported as "".
		{"nginxinc/nginx-unprivileged:alpine", want{distro: "alpine", family: "alpine", libc: "musl", pm: "apk"}},
		{"nginxinc/nginx-unprivileged:1.27", want{distro: "debian", family: "debian", libc: "glibc", pm: "apt", user: "101"}},
	}
	for _, tt := range tests {
		ref, err := ParseRef(tt.ref)
		if err != nil {
			t.Fatal(err)
		}
		check(t, tt.ref, tab.Lookup(ref), tt.want)
	}

	// The base table is unchanged.
	ref, _ := ParseRef("node:20")
	check(t, "node:20 (base)", base.Lookup(ref), want{distro: "debian", family: "debian", libc: "glibc", pm: "apt", runtime: "node"})
	if n, m := len(tab.Entries()), len(base.Entries())+len(overrides)-1; n != m {
		t.Errorf("With: %d entries, want %d (one replaced)", n, m)
	}
	if got := tab.Entries()[0].Name; got != "our-node" {
		t.Errorf("overrides must come first, got %q", got)
	}
	if base.With(nil) != base {
		t.Error("With(nil) should return the same table")
	}
}

func TestEntriesIsACopy(t *testing.T) {
	tab := Default()
	es := tab.Entries()
	es[0].Name = "mutated"
	es[0].Match.Images[0] = "mutated"
	if e := tab.Entries()[0]; e.Name == "mutated" || e.Match.Images[0] == "mutated" {
		t.Error("Entries() exposes the table's storage")
	}
}

func TestDefaultKnowledgeValid(t *testing.T) {
	es := Default().Entries()
	if len(es) < 80 {
		t.Errorf("only %d entries in knowledge.yaml", len(es))
	}
	if err := ValidateEntries(es); err != nil {
		t.Error(err)
	}
	// Entry names appear in Info.Entry explanations and in config
	// overrides (same name replaces), so keep them uniform.
	for _, e := range es {
		if strings.ToLower(e.Name) != e.Name || strings.Contains(e.Name, "_") {
			t.Errorf("entry name %q: use lower-case kebab-case", e.Name)
		}
	}
}

func TestParseEntriesErrors(t *testing.T) {
	tests := []struct {
		name, yaml, wantErr string
	}{
		{"unknown libc", `[{name: a, match: {images: [x]}, libc: muscl}]`, `libc "muscl" is not one of glibc, musl, uclibc, none`},
		{"unknown family", `[{name: a, match: {images: [x]}, family: deb}]`, `family "deb" is not one of`},
		{"unknown package manager", `[{name: a, match: {images: [x]}, package_manager: brew}]`, `package_manager "brew" is not one of`},
		{"empty match", `[{name: a, match: {}, distro: x}]`, `match needs at least one of images, tags, registries`},
		{"missing match", `[{name: a, distro: x}]`, `match needs at least one of`},
		{"empty pattern", `[{name: a, match: {images: [""]}, distro: x}]`, `match.images: empty pattern`},
		{"bad glob", `[{name: a, match: {tags: ["[a-"]}, distro: x}]`, `match.tags: invalid glob "[a-"`},
		{"upper-case pattern", `[{name: a, match: {images: [Python]}, distro: x}]`, `pattern "Python" must be lower case`},
		{"missing name", `[{match: {images: [x]}, distro: x}]`, `name is required`},
		{"duplicate name", `[{name: a, match: {images: [x]}, distro: x}, {name: a, match: {images: [y]}, distro: y}]`, `entry 2 ("a"): duplicate name (also entry 1)`},
		{"no fields", `[{name: a, match: {images: [x]}, notes: hi}]`, `supplies no field`},
		{"bad distro token", `[{name: a, match: {images: [x]}, distro: "Debian 12"}]`, `distro "Debian 12" must be a lower-case identifier`},
		{"unknown key", "- name: a\n  match: {images: [x]}\n  pakage_manager: apt\n", `field pakage_manager not found`},
		{"unknown match key", `[{name: a, match: {image: [x]}, distro: x}]`, `field image not found`},
		{"not a list", `name: a`, `cannot unmarshal`},
		{"bad shell", `[{name: a, match: {images: [x]}, shell: maybe}]`, `cannot unmarshal`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseEntries([]byte(tt.yaml))
			if err == nil {
				t.Fatalf("ParseEntries succeeded, want error containing %q", tt.wantErr)
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("error %q does not contain %q", err, tt.wantErr)
			}
		})
	}

	// All problems are reported at once, not just the first.
	_, err := ParseEntries([]byte(`[{name: a, match: {}, libc: x, family: y}]`))
	if err == nil || strings.Count(err.Error(), "\n") < 2 {
		t.Errorf("want three joined errors, got %v", err)
	}
}

func TestParseEntriesEmpty(t *testing.T) {
	for _, in := range []string{"", "# only a comment\n", "[]"} {
		es, err := ParseEntries([]byte(in))
		if err != nil || len(es) != 0 {
			t.Errorf("ParseEntries(%q) = %v, %v; want empty, nil", in, es, err)
		}
	}
}

func TestWithUnvalidatedBadPattern(t *testing.T) {
	// With cannot return an error; a bad glob must just never match.
	tab := Default().With([]Entry{{Name: "bad", Match: Match{Images: []string{"[node"}}, Distro: "x"}})
	ref, _ := ParseRef("node")
	if got := tab.Lookup(ref); got.Distro != "debian" {
		t.Errorf("Lookup(node) with a bad override = %+v", got)
	}
}

func BenchmarkLookup(b *testing.B) {
	tab := Default()
	refs := make([]Ref, 0, 4)
	for _, s := range []string{"node:20-alpine", "gcr.io/distroless/static-debian12:nonroot", "mycorp/app:1", "python:3.12-slim"} {
		r, err := ParseRef(s)
		if err != nil {
			b.Fatal(err)
		}
		refs = append(refs, r)
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		_ = tab.Lookup(refs[i%len(refs)])
	}
}

func BenchmarkParseRef(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		_, _ = ParseRef("docker.io/library/python:3.12-slim")
	}
}

// BenchmarkParseKnowledge is the one-off cost the first Lookup pays.
func BenchmarkParseKnowledge(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseEntries(knowledgeYAML); err != nil {
			b.Fatal(err)
		}
	}
}

// The compiled fast paths (literal, "*x*", "x*", "*x") must agree exactly
// with doublestar.Match, which defines the documented semantics.
func TestCompiledPatternsAgreeWithDoublestar(t *testing.T) {
	pats := []string{"*", "**", "*a*", "a*", "*a", "a", "*/*", "a/*", "*-slim*", "slim-*", "*-dev",
		"gcr.io/distroless/**", "gcr.io/distroless/static*", "ubi*", "*-ubi*minimal*", "x{a,b}", "[ab]*"}
	for _, e := range Default().Entries() {
		pats = append(pats, e.Match.Images...)
		pats = append(pats, e.Match.Tags...)
		pats = append(pats, e.Match.Registries...)
	}
	subjects := []string{"", "a", "ab", "ba", "a/b", "b/a", "/a", "a/", "slim", "3.12-slim", "3.12-slim-bookworm",
		"slim-bookworm", "latest-dev", "dev", "ubi9", "21-ubi9-minimal", "ubuntu", "20-alpine", "alpine/git",
		"gcr.io/distroless/static", "gcr.io/distroless/static-debian12", "gcr.io/distroless/static/x",
		"gcr.io/distroless", "python", "docker.io/library/python", "cgr.dev/chainguard/python", "xa", "xb", "7-slim"}
	for _, p := range pats {
		c := compilePatterns([]string{p})
		for _, s := range subjects {
			want, err := doublestar.Match(p, s)
			if err != nil {
				t.Fatalf("pattern %q: %v", p, err)
			}
			if got := c.match(s); got != want {
				t.Errorf("pattern %q on %q: compiled %v, doublestar %v", p, s, got, want)
			}
		}
	}
}
