package lint

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
)

// IsDockerfileName reports whether a file name found while walking a
// directory is a Dockerfile: Dockerfile, Containerfile, *.Dockerfile,
// *.Containerfile, Dockerfile.* and Containerfile.* (any case), except
// BuildKit's per-Dockerfile ignore files (*.dockerignore).
func IsDockerfileName(name string) bool {
	n := strings.ToLower(name)
	if strings.HasSuffix(n, ".dockerignore") || strings.HasSuffix(n, "~") || strings.HasPrefix(n, ".#") {
		return false
	}
	if ext := path.Ext(n); notDockerfileExt[ext] {
		return false
	}
	for _, stem := range []string{"dockerfile", "containerfile"} {
		if n == stem || strings.HasSuffix(n, "."+stem) || strings.HasPrefix(n, stem+".") {
			return true
		}
	}
	return false
}

// notDockerfileExt are extensions that make "dockerfile.<ext>" something
// other than a Dockerfile variant like Dockerfile.dev: documentation, source
// code about Dockerfiles (dockerfile.go, dockerfile.rego, dockerfile.vim),
// configuration, templates that are rendered before building, and editor or
// patch leftovers. Walking a tree must not turn those into parse errors;
// naming such a file explicitly still lints it.
var notDockerfileExt = map[string]bool{}

func init() {
	for _, e := range strings.Fields(`
		.md .txt .rst .adoc .html .htm .pdf
		.swp .swo .bak .orig .rej .tmp .old .log .patch .diff
		.json .yml .yaml .toml .ini .cfg .conf .xml .lock .mod .sum .csv .tsv .env
		.sh .bash .ps1 .bat .cmd .go .rego .py .js .mjs .cjs .ts .tsx .jsx .rb .java .kt .scala .rs
		.c .h .cc .cpp .hpp .cs .php .pl .pm .lua .r .swift .dart .ex .exs .erl .hs .ml .nix .tf .hcl
		.vim .el .nanorc .sublime-syntax .tmlanguage .snippets
		.tmpl .tpl .j2 .jinja .jinja2 .template .mustache .hbs .erb .in
		.png .jpg .jpeg .gif .svg .ico .gz .tgz .xz .zip .tar .whl .jar`) {
		notDockerfileExt[e] = true
	}
}

// skipDirs are never descended into: they hold other people's Dockerfiles
// (dependencies) or VCS metadata.
var skipDirs = map[string]bool{".git": true, ".hg": true, ".svn": true, "node_modules": true}

// Discover expands the command-line paths into inputs. Files named
// explicitly are always linted whatever their name; directories are walked
// for Dockerfile-like names, in lexical order. "-" is standard input and is
// returned as-is. Missing paths become errors; the other paths still count.
func Discover(paths []string, excluded func(string) bool) ([]Input, []InputError) {
	var inputs []Input
	var errs []InputError
	seen := map[string]bool{}
	add := func(p string) {
		dp := DisplayPath(p)
		if seen[dp] {
			return
		}
		seen[dp] = true
		inputs = append(inputs, Input{Path: dp})
	}
	for _, p := range paths {
		if p == "-" {
			// Standard input can be read once.
			if !seen["-"] {
				seen["-"] = true
				inputs = append(inputs, Input{Path: "-"})
			}
			continue
		}
		st, err := os.Stat(p)
		if err != nil {
			errs = append(errs, InputError{File: DisplayPath(p), Message: statMessage(err)})
			continue
		}
		if !st.IsDir() {
			add(p)
			continue
		}
		var found []string
		werr := filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				errs = append(errs, InputError{File: DisplayPath(path), Message: statMessage(err)})
				if d != nil && d.IsDir() {
					return fs.SkipDir
				}
				return nil
			}
			if d.IsDir() {
				if path != p && (skipDirs[d.Name()] || (excluded != nil && excluded(path))) {
					return fs.SkipDir
				}
				return nil
			}
			if d.Type().IsRegular() && IsDockerfileName(d.Name()) && (excluded == nil || !excluded(path)) {
				found = append(found, path)
			}
			return nil
		})
		if werr != nil {
			errs = append(errs, InputError{File: DisplayPath(p), Message: werr.Error()})
		}
		sort.Strings(found)
		for _, f := range found {
			add(f)
		}
	}
	return inputs, errs
}

// DisplayPath is how an input path appears in reports: relative to the
// working directory when it is below it (so reports are the same on every
// machine and SARIF's %SRCROOT% applies), absolute otherwise, slash-separated.
// The same file named two ways gets the same display path.
func DisplayPath(p string) string {
	abs, err := filepath.Abs(p)
	if err != nil {
		return filepath.ToSlash(filepath.Clean(p))
	}
	if wd, err := os.Getwd(); err == nil {
		if rel, err := filepath.Rel(wd, abs); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return filepath.ToSlash(rel)
		}
	}
	return filepath.ToSlash(abs)
}

func statMessage(err error) string {
	switch {
	case os.IsNotExist(err):
		return "no such file or directory"
	case os.IsPermission(err):
		return "permission denied"
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return fmt.Sprint(err)
}
