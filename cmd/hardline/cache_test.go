package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLintCache: a second run with --cache-dir serves every file from the
// cache and prints byte for byte what a run without a cache prints, in
// every format; exit codes are the same.
func TestLintCache(t *testing.T) {
	dir := workdir(t)
	write(t, dir, "a/Dockerfile", "FROM debian:12\nRUN apt-get update && apt-get install -y curl\nENV API_TOKEN=ghp_16C7e42F292c6912E7710c838347Ae178B4a\n")
	write(t, dir, "b/Dockerfile", "FROM alpine:3.20\nRUN apk add --no-cache tini\nUSER 1000\nENTRYPOINT [\"/sbin/tini\", \"--\"]\nCMD [\"app\"]\n")
	write(t, dir, "c/Dockerfile", "FROM\n")
	cache := filepath.Join(dir, "cache")
	for _, format := range []string{"text", "json", "sarif", "junit", "gitlab", "checkstyle"} {
		plain := hl(t, "lint", "--no-color", "-f", format, ".")
		cold := hl(t, "lint", "--no-color", "-f", format, "--cache-dir", cache, ".")
		warm := hl(t, "lint", "--no-color", "-f", format, "--cache-dir", cache, ".")
		for name, r := range map[string]result{"storing": cold, "cached": warm} {
			if r.code != plain.code || r.out != plain.out || r.err != plain.err {
				t.Errorf("%s: %s run differs from a run without the cache:\n%s\n--- without:\n%s", format, name, r, plain)
			}
		}
	}
	if plain := hl(t, "lint", "."); plain.code != 2 {
		t.Fatalf("want exit 2 (c/Dockerfile does not parse), got %s", plain)
	}
	entries, err := filepath.Glob(filepath.Join(cache, "lint-v1", "*", "*"))
	if err != nil || len(entries) != 3 {
		t.Fatalf("want 3 cache entries (one per file; flags other than the format are the same), got %d (%v)", len(entries), err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(e)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(b), "16C7e42F292c6912E7710c838347Ae178B4a") {
			t.Errorf("cache entry %s holds the token", e)
		}
	}
}

// TestLintCacheFollowsCustomRules: editing a custom rule invalidates what
// was cached with it.
func TestLintCacheFollowsCustomRules(t *testing.T) {
	dir := workdir(t)
	write(t, dir, "Dockerfile", "FROM debian:12\nEXPOSE 2375\n")
	rule := write(t, dir, "policy/acme.rego", acmeRule)
	cache := filepath.Join(dir, "cache")
	first := hl(t, "lint", "-f", "json", "--no-builtin-rules", "--rules", "policy", "--cache-dir", cache, "Dockerfile")
	if !strings.Contains(first.out, "port 2375 is exposed") {
		t.Fatalf("custom rule did not fire: %s", first)
	}
	if err := os.WriteFile(rule, []byte(strings.Replace(acmeRule, "port 2375 is exposed", "the Docker API port is exposed", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	second := hl(t, "lint", "-f", "json", "--no-builtin-rules", "--rules", "policy", "--cache-dir", cache, "Dockerfile")
	if !strings.Contains(second.out, "the Docker API port is exposed") {
		t.Fatalf("stale result after the rule changed: %s", second)
	}
}

// TestLintCacheUnusable: a cache directory that cannot be created costs a
// warning, not the run.
func TestLintCacheUnusable(t *testing.T) {
	dir := workdir(t)
	write(t, dir, "Dockerfile", "FROM debian:12\n")
	blocker := write(t, dir, "file", "")
	plain := hl(t, "lint", "-f", "json", "Dockerfile")
	r := hl(t, "lint", "-f", "json", "--cache-dir", filepath.Join(blocker, "cache"), "Dockerfile")
	if r.code != plain.code || r.out != plain.out {
		t.Fatalf("output changed with an unusable cache:\n%s\n--- without:\n%s", r, plain)
	}
	if !strings.Contains(r.err, "warning: cache directory") || strings.Count(strings.TrimSpace(r.err), "\n") != 0 {
		t.Fatalf("want a one-line warning, got %q", r.err)
	}
}

// TestLintCacheDefaultDirectory: --cache keeps entries in the user cache
// directory.
func TestLintCacheDefaultDirectory(t *testing.T) {
	dir := workdir(t)
	write(t, dir, "Dockerfile", "FROM debian:12\n")
	t.Setenv("XDG_CACHE_HOME", filepath.Join(dir, "xdg"))
	hl(t, "lint", "--cache", "Dockerfile")
	if entries, _ := filepath.Glob(filepath.Join(dir, "xdg", "hardline", "lint-v1", "*", "*")); len(entries) != 1 {
		t.Fatalf("want 1 entry under $XDG_CACHE_HOME/hardline, got %v", entries)
	}
}
