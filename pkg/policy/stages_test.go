package policy

import (
	"slices"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
)

// TestTrustedStageSkipsAreNoOps guards the stages New skips for the
// embedded rules beyond the validation-only ones: compiled with and without
// them, every module must print identically, for the full and the
// Dockerfile-only (pruned) rule set alike. A rule that starts using a
// construct one of these stages rewrites (a template string, a with
// keyword, rego.metadata, print) fails here.
func TestTrustedStageSkipsAreNoOps(t *testing.T) {
	for _, kinds := range [][]string{nil, {KindDockerfile}} {
		compiled := func(skip []ast.StageID) map[string]string {
			t.Helper()
			srcs, err := sourcesFor(Options{})
			if err != nil {
				t.Fatal(err)
			}
			rs := load(srcs, false)
			if len(rs.problems) > 0 {
				t.Fatalf("load problems: %v", rs.problems)
			}
			if kinds != nil {
				prune(rs, kinds)
			}
			modules := map[string]*ast.Module{}
			for _, sm := range rs.modules {
				modules[sm.name] = sm.mod
			}
			c := newCompiler(false).WithSkipStages(skip...)
			c.Compile(modules)
			if c.Failed() {
				t.Fatalf("kinds %v: %v", kinds, c.Errors)
			}
			out := map[string]string{}
			for name, m := range c.Modules {
				out[name] = m.String()
			}
			return out
		}
		want := compiled(validationOnlyStages)
		got := compiled(trustedSkipStages(false))
		if len(want) < 20 {
			t.Fatalf("only %d modules compiled", len(want))
		}
		for name, w := range want {
			if got[name] != w {
				t.Errorf("kinds %v: %s compiles differently when the trusted stages are skipped:\n--- all stages\n%s\n--- skipped\n%s", kinds, name, w, got[name])
			}
		}
	}
}

// TestStageSkipGuardDetectsRewrites: the comparison above must be able to
// fail. A module using each construct a skipped stage rewrites compiles
// differently with the skip.
func TestStageSkipGuardDetectsRewrites(t *testing.T) {
	srcs := map[string]string{
		"with":     "package hardline.lib.x\n\nk := 1\n\ng := y if {\n\ty := input.a with input as {\"a\": [k]}\n}\n",
		"print":    "package hardline.lib.x\n\ng if {\n\tprint(\"x\")\n}\n",
		"template": "package hardline.lib.x\n\ng := $\"a{input.b}c\"\n",
		"metadata": "package hardline.lib.x\n\n# METADATA\n# title: t\ng := rego.metadata.rule()\n",
	}
	for name, src := range srcs {
		compiled := func(skip []ast.StageID) string {
			m, err := ast.ParseModuleWithOpts(name+".rego", src, ast.ParserOptions{RegoVersion: ast.RegoV1, ProcessAnnotation: true, Capabilities: sandboxCapabilities()})
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			c := newCompiler(false).WithSkipStages(skip...)
			c.Compile(map[string]*ast.Module{name: m})
			if c.Failed() && !slices.Contains(skip, ast.StageRewriteTemplateStrings) {
				t.Fatalf("%s: %v", name, c.Errors)
			}
			return c.Modules[name].String()
		}
		if compiled(validationOnlyStages) == compiled(trustedSkipStages(false)) {
			t.Errorf("%s: skipping the trusted stages left the module unchanged; the guard could not catch it", name)
		}
	}
}
