package policy

import (
	"fmt"
	"slices"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
)

// imageLib is the library only image branches use.
var imageLib = ast.MustParseRef("data.hardline.lib.image")

// prune drops what an engine restricted to kinds can never evaluate, so that
// it is neither compiled nor prepared: rule modules for other input kinds,
// and, without images, the image library and every rule of a shared module
// that depends on it. Compiling the image branches made a one-Dockerfile
// run 60% slower, and a pre-commit hook never evaluates them.
//
// It returns, per rule (parallel to rs.rules), whether the rule was dropped.
// Rule metadata is kept either way: configuration still names those rules.
//
// Dropping is by dependency, so a deny branch meant for Dockerfiles that
// happened to call an image-library helper vanishes with the image branches.
// A rule left with no deny branch at all is reported as a problem in rs;
// a partial loss can only be seen by comparing findings, which
// TestPrunedEngineAgrees does on the fixtures and the corpus.
func prune(rs *ruleSet, kinds []string) []bool {
	dropped := make([]bool, len(rs.rules))
	gone := map[*sourceModule]bool{}
	for i, m := range rs.rules {
		if !slices.ContainsFunc(m.rule.Inputs, func(k string) bool { return slices.Contains(kinds, k) }) {
			dropped[i] = true
			gone[m.module] = true
		}
	}
	if !slices.Contains(kinds, KindImage) {
		for _, sm := range rs.modules {
			if sm.kind == kindLib && sm.mod.Package.Path.Equal(imageLib) {
				gone[sm] = true
				continue
			}
			if gone[sm] {
				continue
			}
			stripImports(sm.mod, imageLib)
			if sm.kind == kindRule && !slices.ContainsFunc(sm.mod.Rules, func(r *ast.Rule) bool { return ruleName(r) == "deny" }) {
				rs.problems = append(rs.problems, fmt.Sprintf("%s: every deny branch uses the image library, so the rule never fires for %s input; give it a branch for that input or drop it from inputs", locString(sm.mod.Package.Location), strings.Join(kinds, ", ")))
			}
		}
	}
	kept := rs.modules[:0:0]
	for _, sm := range rs.modules {
		if gone[sm] {
			continue
		}
		if sm.kind == kindRule {
			keepReachable(sm.mod)
		}
		kept = append(kept, sm)
	}
	rs.modules = kept
	return dropped
}

// keepReachable drops the rules of a rule module that deny does not use,
// directly or through other rules of the module: after stripImports these
// are the helpers of removed branches. No built-in module refers to
// another rule module's rules, so deny is the only root.
func keepReachable(mod *ast.Module) {
	byName := map[ast.Var][]*ast.Rule{}
	for _, r := range mod.Rules {
		byName[ruleName(r)] = append(byName[ruleName(r)], r)
	}
	reach := map[ast.Var]bool{"deny": true}
	queue := []ast.Var{"deny"}
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		for _, r := range byName[n] {
			ast.WalkVars(r, func(v ast.Var) bool {
				if _, isRule := byName[v]; isRule && !reach[v] {
					reach[v] = true
					queue = append(queue, v)
				}
				return false
			})
		}
	}
	kept := mod.Rules[:0:0]
	for _, r := range mod.Rules {
		if reach[ruleName(r)] {
			kept = append(kept, r)
		}
	}
	mod.Rules = kept
}

// stripImports removes the imports of lib from mod and, to a fixpoint, every
// rule that refers to it through an alias or a full reference, or to a rule
// name of the module whose rules have all been removed. A rule partly
// removed (one deny branch of several) keeps its name.
func stripImports(mod *ast.Module, lib ast.Ref) {
	aliases := map[ast.Var]bool{}
	imports := mod.Imports[:0:0]
	for _, imp := range mod.Imports {
		ref, ok := imp.Path.Value.(ast.Ref)
		if ok && ref.HasPrefix(lib) {
			name := imp.Alias
			if name == "" {
				name = ast.Var(ref[len(ref)-1].Value.(ast.String))
			}
			aliases[name] = true
			continue
		}
		imports = append(imports, imp)
	}
	if len(aliases) == 0 {
		return
	}
	mod.Imports = imports
	removed := map[ast.Var]bool{}
	for {
		var removedNow []ast.Var
		kept := mod.Rules[:0:0]
		for _, r := range mod.Rules {
			if refersTo(r, lib, aliases, removed) {
				removedNow = append(removedNow, ruleName(r))
				continue
			}
			kept = append(kept, r)
		}
		mod.Rules = kept
		present := map[ast.Var]bool{}
		for _, r := range kept {
			present[ruleName(r)] = true
		}
		// A name none of whose rules survive is gone; rules that refer to
		// it must go too, which may empty more names.
		added := false
		for _, v := range removedNow {
			if !present[v] && !removed[v] {
				removed[v] = true
				added = true
			}
		}
		if !added {
			return
		}
	}
}

func ruleName(r *ast.Rule) ast.Var {
	if ref := r.Head.Ref(); len(ref) > 0 {
		if v, ok := ref[0].Value.(ast.Var); ok {
			return v
		}
	}
	return r.Head.Name
}

func refersTo(r *ast.Rule, lib ast.Ref, aliases, removed map[ast.Var]bool) bool {
	found := false
	ast.WalkRefs(r, func(ref ast.Ref) bool {
		if ref.HasPrefix(lib) {
			found = true
		}
		return found
	})
	if found {
		return true
	}
	ast.WalkVars(r, func(v ast.Var) bool {
		if aliases[v] || removed[v] {
			found = true
		}
		return found
	})
	return found
}

// libRule names the rules of one name in one library package.
type libRule struct {
	pkg  string // package path, e.g. "data.hardline.lib.hardening"
	name ast.Var
}

// pruneLibrary drops, from the library modules among mods, every rule that
// no rule module of mods uses, directly or through other library rules.
// With the embedded rules split over two compilers, each compiler otherwise
// compiles the whole library (~1,500 lines) for the half of the rules it
// holds. Library modules must be this compiler's own copies: their rules
// are removed in place.
//
// The analysis is conservative: a reference it cannot resolve to one rule
// (a dynamic key into a library package, a package used as a value, a
// reference to data.hardline.lib itself) keeps the whole package, or the
// whole library.
func pruneLibrary(mods []*sourceModule) {
	libs := map[string][]*sourceModule{}
	var libPaths []ast.Ref
	for _, sm := range mods {
		if sm.kind != kindLib {
			continue
		}
		p := sm.mod.Package.Path.String()
		if _, seen := libs[p]; !seen {
			libPaths = append(libPaths, sm.mod.Package.Path)
		}
		libs[p] = append(libs[p], sm)
	}
	if len(libs) == 0 {
		return
	}
	byRule := map[libRule][]*ast.Rule{}
	ruleMod := map[*ast.Rule]*sourceModule{}
	for p, sms := range libs {
		for _, sm := range sms {
			for _, r := range sm.mod.Rules {
				k := libRule{p, ruleName(r)}
				byRule[k] = append(byRule[k], r)
				ruleMod[r] = sm
			}
		}
	}

	u := libUses{libs: libs, libPaths: libPaths, rules: byRule, reached: map[libRule]bool{}, wholePkg: map[string]bool{}}
	for _, sm := range mods {
		if sm.kind == kindLib {
			continue
		}
		for _, r := range sm.mod.Rules {
			u.walk(sm, r)
		}
	}
	for len(u.queue) > 0 && !u.all {
		k := u.queue[0]
		u.queue = u.queue[1:]
		for _, r := range byRule[k] {
			u.walk(ruleMod[r], r)
		}
	}
	if u.all {
		return
	}
	for p, sms := range libs {
		for _, sm := range sms {
			kept := sm.mod.Rules[:0:0]
			for _, r := range sm.mod.Rules {
				if u.wholePkg[p] || u.reached[libRule{p, ruleName(r)}] {
					kept = append(kept, r)
				}
			}
			sm.mod.Rules = kept
		}
	}
}

// libUses collects the library rules reachable from a set of rules.
type libUses struct {
	libs     map[string][]*sourceModule
	libPaths []ast.Ref
	rules    map[libRule][]*ast.Rule
	reached  map[libRule]bool
	queue    []libRule
	wholePkg map[string]bool // packages used as a whole
	all      bool            // something refers to the library as a whole
}

func (u *libUses) use(k libRule) {
	if _, exists := u.rules[k]; !exists || u.reached[k] {
		return
	}
	u.reached[k] = true
	u.queue = append(u.queue, k)
}

func (u *libUses) keepPackage(p string) {
	for k := range u.rules {
		if k.pkg == p {
			u.use(k)
		}
	}
}

// walk records what rule r of module sm refers to: references through the
// module's import aliases or data, and bare names of rules of its own
// package (a local variable of the same name only keeps a rule too many).
func (u *libUses) walk(sm *sourceModule, r *ast.Rule) {
	aliases := map[ast.Var]ast.Ref{}
	for _, imp := range sm.mod.Imports {
		ref, ok := imp.Path.Value.(ast.Ref)
		if !ok {
			continue
		}
		name := imp.Alias
		if name == "" {
			last, isStr := ref[len(ref)-1].Value.(ast.String)
			if !isStr {
				continue
			}
			name = ast.Var(last)
		}
		aliases[name] = ref
	}
	own := sm.mod.Package.Path.String()
	var vis *ast.GenericVisitor
	vis = ast.NewGenericVisitor(func(x any) bool {
		switch v := x.(type) {
		case ast.Ref:
			u.ref(v, aliases, own)
			// A call at the head (lib.f(x).field) is a use of its
			// function; a variable head was handled by ref.
			if _, isVar := v[0].Value.(ast.Var); !isVar {
				vis.Walk(v[0])
			}
			for _, t := range v[1:] {
				vis.Walk(t)
			}
			return true
		case ast.Var:
			u.ref(ast.Ref{ast.VarTerm(string(v))}, aliases, own)
		}
		return false
	})
	vis.Walk(r)
	// The visitor skips the terms of a ref head (`a[x] := ...`).
	for rr := r; rr != nil; rr = rr.Else {
		for _, t := range rr.Head.Ref()[1:] {
			vis.Walk(t)
		}
	}
}

func (u *libUses) ref(ref ast.Ref, aliases map[ast.Var]ast.Ref, own string) {
	head, ok := ref[0].Value.(ast.Var)
	if !ok {
		return
	}
	var full ast.Ref
	switch {
	case aliases[head] != nil:
		full = aliases[head].Concat(ref[1:])
	case head.Equal(ast.DefaultRootDocument.Value):
		full = ref
	default:
		if _, isLib := u.libs[own]; isLib {
			u.use(libRule{own, head})
		}
		return
	}
	for _, lp := range u.libPaths {
		if !full.HasPrefix(lp) {
			continue
		}
		p := lp.String()
		if len(full) > len(lp) {
			if name, isStr := full[len(lp)].Value.(ast.String); isStr {
				u.use(libRule{p, ast.Var(name)})
				return
			}
		}
		u.wholePkg[p] = true
		u.keepPackage(p)
		return
	}
	// Not inside a library package: data, data.hardline, data.hardline.lib
	// or a dynamic key on the way to one stand for all of them.
	gp := full.GroundPrefix()
	for _, lp := range u.libPaths {
		if lp.HasPrefix(gp) {
			u.all = true
			return
		}
	}
}
