package policy

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/open-policy-agent/opa/v1/ast"
)

// LoadError lists every problem found while loading a rule set, one
// "file:line: message" line each, so that an author fixing rules sees all
// of them at once instead of one per run.
type LoadError struct {
	Problems []string
}

func (e *LoadError) Error() string {
	if len(e.Problems) == 1 {
		return "policy: " + e.Problems[0]
	}
	return fmt.Sprintf("policy: %d problems in rules:\n  %s", len(e.Problems), strings.Join(e.Problems, "\n  "))
}

// Package path prefixes, as dotted strings without the leading "data.".
const (
	rulesPrefix = "hardline.rules."
	libPrefix   = "hardline.lib."
)

type moduleKind int

const (
	kindRule moduleKind = iota
	kindLib
	kindTest
)

// sourceModule is one parsed .rego file.
type sourceModule struct {
	name    string // display name, e.g. "rules/run_as_root.rego"
	builtin bool
	kind    moduleKind
	mod     *ast.Module
}

// ruleSet is the loaded, validated (but not compiled) set of modules.
type ruleSet struct {
	modules  []*sourceModule
	rules    []ruleMeta // one per kindRule module, sorted by ID
	warnings []string
	problems []string
}

// source is a tree of .rego files and how to name them in messages.
type source struct {
	fsys    fs.FS
	builtin bool
	// display turns a slash path inside fsys into the name used in messages.
	display func(string) string
}

func sourcesFor(opts Options) ([]source, error) {
	var srcs []source
	if !opts.NoBuiltin {
		b := opts.Builtin
		if b == nil {
			b = defaultBuiltin()
		}
		if b == nil {
			return nil, fmt.Errorf("policy: no builtin rules are embedded in this binary")
		}
		srcs = append(srcs, source{fsys: b, builtin: true, display: func(p string) string { return path.Join("rules", p) }})
	}
	for _, dir := range opts.ExtraDirs {
		if dir == "" {
			return nil, fmt.Errorf("policy: empty --rules directory")
		}
		st, err := os.Stat(dir)
		if err != nil {
			return nil, fmt.Errorf("policy: --rules %s: %w", dir, err)
		}
		if !st.IsDir() {
			return nil, fmt.Errorf("policy: --rules %s: not a directory", dir)
		}
		d := dir
		srcs = append(srcs, source{fsys: os.DirFS(dir), display: func(p string) string { return filepath.Join(d, filepath.FromSlash(p)) }})
	}
	return srcs, nil
}

// load reads, parses and classifies every .rego file of the sources and
// validates metadata. Problems are collected, not returned early.
func load(srcs []source, withTests bool) *ruleSet {
	rs := &ruleSet{}
	caps := sandboxCapabilities()
	popts := ast.ParserOptions{
		Capabilities:      caps,
		ProcessAnnotation: true,
		RegoVersion:       ast.RegoV1,
	}
	// Walk first, parse concurrently, then classify in file order: parsing
	// is a third of start-up and the files are independent.
	type pending struct {
		src    source
		name   string
		isTest bool
		text   string
		mod    *ast.Module
		err    error
	}
	var files []*pending
	for _, src := range srcs {
		n := 0
		err := fs.WalkDir(src.fsys, ".", func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				base := d.Name()
				if p != "." && (strings.HasPrefix(base, ".") || base == "testdata") {
					return fs.SkipDir
				}
				return nil
			}
			if !strings.HasSuffix(p, ".rego") {
				return nil
			}
			isTest := strings.HasSuffix(p, "_test.rego")
			if !isTest {
				n++
			}
			if isTest && !withTests {
				return nil
			}
			name := src.display(p)
			b, err := fs.ReadFile(src.fsys, p)
			if err != nil {
				rs.problems = append(rs.problems, fmt.Sprintf("%s: %v", name, err))
				return nil
			}
			files = append(files, &pending{src: src, name: name, isTest: isTest, text: string(b)})
			return nil
		})
		if err != nil {
			rs.problems = append(rs.problems, fmt.Sprintf("%s: %v", src.display("."), err))
			continue
		}
		if n == 0 && !src.builtin {
			rs.problems = append(rs.problems, fmt.Sprintf("%s: no .rego rules found", src.display(".")))
		}
	}
	var wg sync.WaitGroup
	next := make(chan *pending)
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for f := range next {
				f.mod, f.err = ast.ParseModuleWithOpts(f.name, f.text, popts)
			}
		}()
	}
	for _, f := range files {
		next <- f
	}
	close(next)
	wg.Wait()
	for _, f := range files {
		name, m := f.name, f.mod
		if f.err != nil {
			rs.problems = append(rs.problems, astErrorLines(name, f.err)...)
			continue
		}
		if m == nil { // empty file
			rs.problems = append(rs.problems, name+": file contains no package")
			continue
		}
		sm := &sourceModule{name: name, builtin: f.src.builtin, mod: m, kind: kindTest}
		pkg := packageName(m)
		if !f.isTest {
			switch {
			case strings.HasPrefix(pkg, rulesPrefix):
				sm.kind = kindRule
			case strings.HasPrefix(pkg, libPrefix):
				sm.kind = kindLib
			default:
				rs.problems = append(rs.problems, fmt.Sprintf("%s: package %s is outside %s* and %s*", locString(m.Package.Location), pkg, rulesPrefix, libPrefix))
				continue
			}
		} else if !strings.HasPrefix(pkg, rulesPrefix) && !strings.HasPrefix(pkg, libPrefix) {
			rs.problems = append(rs.problems, fmt.Sprintf("%s: test package %s is outside %s* and %s*", locString(m.Package.Location), pkg, rulesPrefix, libPrefix))
			continue
		}
		rs.problems = append(rs.problems, checkDeniedCalls(m)...)
		rs.modules = append(rs.modules, sm)
	}
	rs.validate()
	return rs
}

// validate extracts rule metadata and checks the cross-file invariants:
// unique packages, IDs and names.
func (rs *ruleSet) validate() {
	pkgFile := map[string]string{}
	idFile := map[string]string{}
	nameFile := map[string]string{}
	for _, sm := range rs.modules {
		if sm.kind != kindRule {
			continue
		}
		pkg := packageName(sm.mod)
		if prev, dup := pkgFile[pkg]; dup {
			rs.problems = append(rs.problems, fmt.Sprintf("%s: package %s is already defined in %s (one rule per file)", locString(sm.mod.Package.Location), pkg, prev))
			continue
		}
		pkgFile[pkg] = sm.name
		m, problems, warnings := extractMeta(sm)
		rs.problems = append(rs.problems, problems...)
		rs.warnings = append(rs.warnings, warnings...)
		if len(problems) > 0 {
			continue
		}
		if prev, dup := idFile[m.rule.ID]; dup {
			rs.problems = append(rs.problems, fmt.Sprintf("%s: duplicate rule id %s (also used by %s)", m.idLoc, m.rule.ID, prev))
			continue
		}
		if prev, dup := nameFile[m.rule.Name]; dup {
			rs.problems = append(rs.problems, fmt.Sprintf("%s: duplicate rule name %s (also used by %s)", m.idLoc, m.rule.Name, prev))
			continue
		}
		idFile[m.rule.ID] = sm.name
		nameFile[m.rule.Name] = sm.name
		rs.rules = append(rs.rules, m)
	}
	slices.SortFunc(rs.rules, func(a, b ruleMeta) int { return strings.Compare(a.rule.ID, b.rule.ID) })
}

// packageName is the dotted package path without "data.".
func packageName(m *ast.Module) string {
	return strings.TrimPrefix(m.Package.Path.String(), "data.")
}

// astErrorLines renders parser/compiler errors as "file:line: message".
func astErrorLines(file string, err error) []string {
	var errs ast.Errors
	var one *ast.Error
	switch {
	case errors.As(err, &errs):
	case errors.As(err, &one):
		errs = ast.Errors{one}
	default:
		return []string{fmt.Sprintf("%s: %v", file, err)}
	}
	out := make([]string, 0, len(errs))
	for _, e := range errs {
		loc := file
		if e.Location != nil {
			loc = locString(e.Location)
		}
		out = append(out, fmt.Sprintf("%s: %s", loc, e.Message))
	}
	return out
}
