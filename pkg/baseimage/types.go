// Package baseimage holds hardline's knowledge about well-known base images:
// distro family, C library and package manager, keyed by image name and tag.
// The knowledge is data (knowledge.yaml, embedded), documented in
// docs/base-images.md, and can be extended or overridden from configuration.
package baseimage

// Ref is a parsed image reference.
type Ref struct {
	Registry   string `json:"registry"`   // e.g. "docker.io", "gcr.io"
	Repository string `json:"repository"` // e.g. "library/alpine", "distroless/static-debian12"
	Tag        string `json:"tag,omitempty"`
	Digest     string `json:"digest,omitempty"`
	// Name is the short familiar form used for matching: "alpine" for
	// docker.io/library/alpine, "bitnami/redis" for other Docker Hub
	// repositories (also through the mirror.gcr.io and
	// public.ecr.aws/docker mirrors), "gcr.io/distroless/static" otherwise.
	Name string `json:"name"`
}

// Info is what is known about an image.
type Info struct {
	// Known is false when no knowledge entry matched.
	Known bool `json:"known"`
	// Distro is the distribution id, the os-release ID where one exists
	// (alpine, debian, ubuntu, rhel, centos, rocky, almalinux, fedora, ol,
	// amzn, opensuse-leap, sles, arch, photon, azurelinux, wolfi, ...), or
	// distroless, busybox, scratch, windows; empty when unknown.
	Distro string `json:"distro,omitempty"`
	// Family groups distros sharing tooling: alpine, debian, rhel, suse,
	// arch, photon (Photon OS, Azure Linux), wolfi, busybox, windows, none.
	Family string `json:"family,omitempty"`
	// Libc is glibc, musl, uclibc, none (no libc: scratch, static images,
	// Windows), or "" when unknown.
	Libc string `json:"libc,omitempty"`
	// PackageManager is apk, apt, dnf, yum, microdnf, tdnf, zypper, pacman,
	// none (the image has no package manager), or "" when unknown.
	PackageManager string `json:"package_manager,omitempty"`
	// User is the image's default user when known to differ from root
	// (e.g. "65532" for distroless :nonroot); empty means root/unknown.
	User string `json:"user,omitempty"`
	// Shell is false when the image has no /bin/sh (scratch, distroless).
	Shell *bool `json:"shell,omitempty"`
	// Runtime is the language runtime the image is built around
	// (node, python, go, java, ruby, php, dotnet, rust, perl, erlang,
	// elixir, haskell, julia, r), if any.
	Runtime string `json:"runtime,omitempty"`
	// Entry names the knowledge entry that matched (for explanations).
	Entry string `json:"entry,omitempty"`
}
