package lint

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestIsDockerfileName(t *testing.T) {
	yes := []string{"Dockerfile", "dockerfile", "DOCKERFILE", "Containerfile", "api.Dockerfile", "api.dockerfile", "Dockerfile.prod", "dockerfile.dev", "Containerfile.arm64", "x.containerfile", "Dockerfile.alpine", "Dockerfile.3.12", "Dockerfile.ubuntu-22.04"}
	no := []string{"dockerfile.go", "dockerfile.rego", "dockerfile.vim", "Dockerfile.tmpl", "Dockerfile.j2", "Dockerfile.md", "Dockerfile.swp", "dockerfile.bak", "Dockerfile~", ".#Dockerfile", "Dockerfile.dockerignore", "api.Dockerfile.dockerignore", "Dockerfiles", "MyDockerfile", "docker-compose.yml", "README.md", ".dockerignore", "Dockerfile_old"}
	for _, n := range yes {
		if !IsDockerfileName(n) {
			t.Errorf("%s should be a Dockerfile", n)
		}
	}
	for _, n := range no {
		if IsDockerfileName(n) {
			t.Errorf("%s should not be a Dockerfile", n)
		}
	}
}

func TestDiscover(t *testing.T) {
	dir := t.TempDir()
	for _, p := range []string{
		"Dockerfile", "svc/a/Dockerfile", "svc/b/build.Dockerfile", "svc/b/Dockerfile.dockerignore",
		"node_modules/x/Dockerfile", ".git/Dockerfile", "vendor/Dockerfile", "docs/notes.txt",
	} {
		full := filepath.Join(dir, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte("FROM scratch\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	explicit := filepath.Join(dir, "docs", "notes.txt")
	excluded := func(p string) bool { return strings.Contains(filepath.ToSlash(p), "/vendor") }
	inputs, errs := Discover([]string{dir, explicit, filepath.Join(dir, "missing"), filepath.Join(dir, "Dockerfile"), "-", "-"}, excluded)
	var got []string
	for _, in := range inputs {
		rel := in.Path
		if in.Path != "-" {
			rel, _ = filepath.Rel(dir, in.Path)
		}
		got = append(got, filepath.ToSlash(rel))
	}
	want := "Dockerfile svc/a/Dockerfile svc/b/build.Dockerfile docs/notes.txt -"
	if strings.Join(got, " ") != want {
		t.Errorf("discovered %v, want %s", got, want)
	}
	if len(errs) != 1 || !strings.Contains(errs[0].File, "missing") || errs[0].Message != "no such file or directory" {
		t.Errorf("want one missing-path error, got %+v", errs)
	}
}

func TestReadLimited(t *testing.T) {
	dir := t.TempDir()
	small := filepath.Join(dir, "Dockerfile")
	if err := os.WriteFile(small, []byte("FROM scratch\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if b, err := readLimited(small); err != nil || string(b) != "FROM scratch\n" {
		t.Fatalf("readLimited = %q, %v", b, err)
	}
	big := filepath.Join(dir, "big")
	if err := os.WriteFile(big, make([]byte, MaxFileSize+1), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := readLimited(big); err == nil || !strings.Contains(err.Error(), "limit") {
		t.Fatalf("oversized file: %v", err)
	}
	if _, err := readLimited(dir); err == nil || err.Error() != "is a directory" {
		t.Fatalf("directory: %v", err)
	}
	if _, err := readLimited(filepath.Join(dir, "missing")); err == nil || err.Error() != "no such file or directory" {
		t.Fatalf("missing: %v", err)
	}
}
