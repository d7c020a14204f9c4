package policy

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/hardline-dev/hardline/pkg/dockerfile"
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

// TestSplitCompilersGiveIdenticalResults: splitting the embedded rules over
// two compilers must not change a single result.
func TestSplitCompilersGiveIdenticalResults(t *testing.T) {
	one, err := New(context.Background(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	two, err := New(context.Background(), Options{Compilers: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(two.compilers) != 2 {
		t.Fatalf("want 2 compilers, got %d", len(two.compilers))
	}
	files, _ := filepath.Glob("../../testdata/rules/*/*.Dockerfile")
	if len(files) == 0 {
		t.Fatal("no fixtures found")
	}
	total := 0
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := dockerfile.Parse(f, src, dockerfile.Options{})
		if err != nil {
			continue
		}
		a, errA := one.Evaluate(context.Background(), "dockerfile", doc, nil)
		b, errB := two.Evaluate(context.Background(), "dockerfile", doc, nil)
		if (errA == nil) != (errB == nil) || len(a) != len(b) {
			t.Fatalf("%s: single %d results (%v), split %d (%v)", f, len(a), errA, len(b), errB)
		}
		for i := range a {
			if compareResults(a[i], b[i]) != 0 {
				t.Fatalf("%s: result %d differs: %+v vs %+v", f, i, a[i], b[i])
			}
		}
		total += len(a)
	}
	if total == 0 {
		t.Fatal("fixtures produced no results to compare")
	}
}

// TestSplitCompilersOnlyForEmbeddedRules: custom rules may refer to each
// other's packages, so they always share one compiler.
func TestSplitCompilersOnlyForEmbeddedRules(t *testing.T) {
	e, err := New(context.Background(), Options{Compilers: 2, ExtraDirs: []string{"../../examples/custom-rules"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(e.compilers) != 1 {
		t.Fatalf("a rule set with custom rules was split over %d compilers", len(e.compilers))
	}
}
