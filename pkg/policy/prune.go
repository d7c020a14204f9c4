package policy

import (
	"slices"

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
			if !gone[sm] {
				stripImports(sm.mod, imageLib)
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
