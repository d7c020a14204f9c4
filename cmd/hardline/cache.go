package main

import (
	"crypto/sha256"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/hardline-dev/hardline/pkg/config"
	"github.com/hardline-dev/hardline/pkg/diskcache"
)

// cacheMaxAge: entries unused this long are removed when a run adds some.
const cacheMaxAge = 30 * 24 * time.Hour

type cacheFlags struct {
	enabled bool
	dir     string
}

func (c *cacheFlags) register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.BoolVar(&c.enabled, "cache", false, "reuse the result of every file unchanged since an earlier run with the same program, rules, configuration and flags (kept in the user cache directory)")
	fl.StringVar(&c.dir, "cache-dir", "", "directory for --cache (implies --cache; default: hardline/ under $XDG_CACHE_HOME or ~/.cache)")
}

// open returns the cache to use, or nil. A cache that cannot be used is
// reported as a warning: linting goes on without it.
func (c *cacheFlags) open(warn io.Writer) *diskcache.Dir {
	if !c.enabled && c.dir == "" {
		return nil
	}
	dir := c.dir
	if dir == "" {
		base, err := os.UserCacheDir()
		if err != nil {
			fmt.Fprintf(warn, "hardline: warning: --cache: no user cache directory (%v); give one with --cache-dir\n", err)
			return nil
		}
		dir = filepath.Join(base, "hardline")
	}
	d, err := diskcache.Open(filepath.Join(dir, "lint-v1"))
	if err != nil {
		fmt.Fprintf(warn, "hardline: warning: cache directory %s: %v; linting without it\n", dir, err)
		return nil
	}
	return d
}

// cacheSalt identifies what a cached result depends on beyond what the
// linter sees: this program (its version, and the executable itself, since
// a development build keeps its version across rebuilds), whether built-in
// rules run, and every file of every custom rules directory. The
// configuration, flags, path and content are part of each key already.
func cacheSalt(f *commonFlags, cfg *config.Config) ([]byte, error) {
	h := sha256.New()
	t := toolInfo()
	fmt.Fprintf(h, "%s %s %s\x00", t.Version, t.Commit, t.RulesVersion)
	if exe, err := os.Executable(); err == nil {
		if st, err := os.Stat(exe); err == nil {
			fmt.Fprintf(h, "%s %d %d\x00", exe, st.Size(), st.ModTime().UnixNano())
		}
	}
	fmt.Fprintf(h, "builtin=%t\x00", !f.noBuiltin)
	for _, dir := range append(cfg.RulesDirPaths(), f.rulesDirs...) {
		fmt.Fprintf(h, "dir %s\x00", dir)
		err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil || !d.Type().IsRegular() {
				return err
			}
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			fmt.Fprintf(h, "%s %d\x00", p, len(b))
			h.Write(b)
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return h.Sum(nil), nil
}
