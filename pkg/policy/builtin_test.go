package policy

import (
	"bytes"
	"context"
	"strings"
	"testing"
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
