package policy

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
)

// libRuleNames lists "package.rule" for every library rule of mods.
func libRuleNames(mods []*sourceModule) []string {
	var out []string
	for _, sm := range mods {
		if sm.kind != kindLib {
			continue
		}
		for _, r := range sm.mod.Rules {
			out = append(out, strings.TrimPrefix(sm.mod.Package.Path.String(), "data.")+"."+string(ruleName(r)))
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func parseModules(t *testing.T, kinds map[string]moduleKind, files map[string]string) []*sourceModule {
	t.Helper()
	var mods []*sourceModule
	for name, src := range files {
		m, err := ast.ParseModuleWithOpts(name, src, ast.ParserOptions{RegoVersion: ast.RegoV1})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		mods = append(mods, &sourceModule{name: name, kind: kinds[name], mod: m})
	}
	slices.SortFunc(mods, func(a, b *sourceModule) int { return strings.Compare(a.name, b.name) })
	return mods
}

// TestPruneLibraryReferences: every way a rule can reach a library rule
// keeps it, and what nothing reaches goes.
func TestPruneLibraryReferences(t *testing.T) {
	lib := `package hardline.lib.a

import data.hardline.lib.b as other

used := 1

by_data := 2

transitive := x if x := helper(3)

helper(x) := x + other.from_a

else_target := 4

with_else(x) := 1 if x == 1
else := else_target

unused := 5

unused_fn(x) := x

local_var_name := 6

obj(x) := {"field": x}

keyed[k] := v if {
	some k, v in {"a": 1}
}
`
	libB := `package hardline.lib.b

from_a := 7

from_rule := 8

never := 9
`
	libDyn := `package hardline.lib.dyn

one := 1

two := 2
`
	rule := `package hardline.rules.r

import data.hardline.lib.a
import data.hardline.lib.b as bb

deny contains x if x := a.used
deny contains x if x := data.hardline.lib.a.by_data
deny contains x if x := a.transitive
deny contains x if x := a.with_else(2)
deny contains x if x := bb.from_rule
deny contains x if x := a.keyed.a
deny contains x if x := a.obj(3).field
deny contains x if {
	k := "one"
	x := data.hardline.lib.dyn[k]
}
deny contains x if {
	local_var_name := 1
	x := local_var_name
}
`
	kinds := map[string]moduleKind{"a.rego": kindLib, "b.rego": kindLib, "dyn.rego": kindLib, "r.rego": kindRule}
	mods := parseModules(t, kinds, map[string]string{"a.rego": lib, "b.rego": libB, "dyn.rego": libDyn, "r.rego": rule})
	pruneLibrary(mods)
	got := libRuleNames(mods)
	want := []string{
		"hardline.lib.a.by_data",
		"hardline.lib.a.else_target",
		"hardline.lib.a.helper",
		"hardline.lib.a.keyed",
		// Only used as the head of a reference: a.obj(3).field.
		"hardline.lib.a.obj",
		"hardline.lib.a.transitive",
		"hardline.lib.a.used",
		"hardline.lib.a.with_else",
		"hardline.lib.b.from_a",
		"hardline.lib.b.from_rule",
		// A dynamic key into a package keeps all of it.
		"hardline.lib.dyn.one",
		"hardline.lib.dyn.two",
	}
	if !slices.Equal(got, want) {
		t.Errorf("kept %v\nwant %v", got, want)
	}

	// A rule variable named like a library rule of another package does
	// not keep it: only the library's own package resolves bare names.
	if slices.Contains(got, "hardline.lib.a.local_var_name") {
		t.Error("a local variable of a rule module kept a library rule")
	}

	// The modules must still compile: nothing kept refers to a dropped rule.
	modules := map[string]*ast.Module{}
	for _, sm := range mods {
		modules[sm.name] = sm.mod
	}
	c := newCompiler(false)
	if c.Compile(modules); c.Failed() {
		t.Fatalf("pruned modules do not compile: %v", c.Errors)
	}
}

// TestPruneLibraryKeepsAllOnWholeReferences: a package used as a value, or
// a reference above the library packages, keeps that package or everything.
func TestPruneLibraryKeepsAllOnWholeReferences(t *testing.T) {
	lib := "package hardline.lib.a\n\nx := 1\n\ny := 2\n"
	libB := "package hardline.lib.b\n\nz := 3\n"
	kinds := map[string]moduleKind{"a.rego": kindLib, "b.rego": kindLib, "r.rego": kindRule}
	for _, tc := range []struct {
		name string
		body string
		want []string
	}{
		{"nothing used", `deny contains 1 if true`, nil},
		{"package as a value", `deny contains count(a) if true`, []string{"hardline.lib.a.x", "hardline.lib.a.y"}},
		{"library root", `deny contains count(data.hardline.lib) if true`, []string{"hardline.lib.a.x", "hardline.lib.a.y", "hardline.lib.b.z"}},
		{"data", `deny contains count(data) if true`, []string{"hardline.lib.a.x", "hardline.lib.a.y", "hardline.lib.b.z"}},
		{"dynamic package", `deny contains v if {
	some p in {"a"}
	v := data.hardline.lib[p].x
}`, []string{"hardline.lib.a.x", "hardline.lib.a.y", "hardline.lib.b.z"}},
		{"other data", `deny contains v if v := data.hardline.config.x`, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rule := "package hardline.rules.r\n\nimport data.hardline.lib.a\n\n" + tc.body + "\n"
			mods := parseModules(t, kinds, map[string]string{"a.rego": lib, "b.rego": libB, "r.rego": rule})
			pruneLibrary(mods)
			if got := libRuleNames(mods); !slices.Equal(got, tc.want) {
				t.Errorf("kept %v, want %v", got, tc.want)
			}
		})
	}
}

// TestLibraryPruningKeepsResults: compiling only the library rules each
// compiler's rules use must not change a single result, for Dockerfiles
// (fixtures, examples, a fifth of the corpus when ../shared is present) and
// images (the BusyBox layouts), in every engine configuration lint and
// image use. It also checks that pruning drops something, so that the
// comparison is not between two identical compilations.
func TestLibraryPruningKeepsResults(t *testing.T) {
	ctx := context.Background()
	in := agreementInputs(t)

	for _, cfg := range []Options{
		{Compilers: 1},
		{Compilers: 2},
		{Compilers: 2, Kinds: []string{KindDockerfile}},
	} {
		pruned, err := New(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		full := cfg
		full.keepLibrary = true
		whole, err := New(ctx, full)
		if err != nil {
			t.Fatal(err)
		}
		for c := range pruned.compilers {
			if p, w := countLibRules(pruned.compilers[c]), countLibRules(whole.compilers[c]); p >= w {
				t.Errorf("compilers %d kinds %v: compiler %d kept all %d library rules (pruned: %d)", cfg.Compilers, cfg.Kinds, c, w, p)
			}
		}
		label := fmt.Sprintf("compilers %d kinds %v (full library vs pruned)", cfg.Compilers, cfg.Kinds)
		if total := in.compare(t, label, whole, pruned, cfg.Kinds); total < 100 {
			t.Fatalf("%s: only %d results compared", label, total)
		}
	}
}

func countLibRules(c *ast.Compiler) int {
	n := 0
	for _, m := range c.Modules {
		if strings.HasPrefix(m.Package.Path.String(), "data.hardline.lib.") {
			n += len(m.Rules)
		}
	}
	return n
}
