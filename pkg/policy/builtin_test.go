package policy

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
)

// TestEmbeddedRules loads the real builtin rules: whatever the rule authors
// commit must pass validation and compile in the sandbox.
func TestEmbeddedRules(t *testing.T) {
	e, err := New(context.Background(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(e.Rules()) == 0 {
		t.Fatal("no builtin rules embedded")
	}
	for _, r := range e.Rules() {
		if !r.Builtin || r.HelpURI == "" || !strings.HasPrefix(r.File, "rules/") {
			t.Errorf("%s: %+v", r.ID, r)
		}
	}
	if _, err := e.Evaluate(context.Background(), KindDockerfile, map[string]any{}, nil); err != nil {
		t.Errorf("empty document: %v", err)
	}
}

// TestEmbeddedRuleTests runs the builtin rules' Rego tests from the embedded
// FS, as `hardline rules test` does.
func TestEmbeddedRuleTests(t *testing.T) {
	var out bytes.Buffer
	passed, failed, err := RunTests(context.Background(), Options{}, "", &out, false)
	if err != nil {
		t.Fatal(err)
	}
	if failed > 0 || passed == 0 {
		t.Errorf("%d passed, %d failed:\n%s", passed, failed, out.String())
	}
}

// TestBuiltinRulesPassAllCompilerChecks compiles the embedded rules with every
// compiler stage, including the validation stages New skips for them.
func TestBuiltinRulesPassAllCompilerChecks(t *testing.T) {
	srcs, err := sourcesFor(Options{})
	if err != nil {
		t.Fatal(err)
	}
	rs := load(srcs, false)
	if len(rs.problems) > 0 {
		t.Fatalf("load problems: %v", rs.problems)
	}
	modules := map[string]*ast.Module{}
	for _, sm := range rs.modules {
		modules[sm.name] = sm.mod
	}
	c := newCompiler(false)
	c.Compile(modules)
	if c.Failed() {
		t.Fatalf("built-in rules fail a compiler check: %v", c.Errors)
	}
}
