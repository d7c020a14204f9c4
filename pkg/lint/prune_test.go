package lint

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/hardline-dev/hardline/pkg/policy"
)

// TestPrunedEngineAgrees guards the Dockerfile-only engine `hardline lint`
// uses: dropping the image branches before compiling must not change a
// single Dockerfile finding, on the rule fixtures, the examples and (when
// present) the whole corpus.
func TestPrunedEngineAgrees(t *testing.T) {
	pruned, err := policy.New(context.Background(), policy.Options{Kinds: []string{policy.KindDockerfile}, Compilers: 2})
	if err != nil {
		t.Fatalf("pruned engine: %v", err)
	}
	var inputs []Input
	for _, pattern := range []string{"../../testdata/rules/*/*.Dockerfile", "../../examples/*/Dockerfile"} {
		files, _ := filepath.Glob(pattern)
		for _, f := range files {
			inputs = append(inputs, Input{Path: f})
		}
	}
	if _, err := os.Stat(corpusDir); err == nil {
		inputs = append(inputs, corpusInputs(t)...)
	} else {
		t.Log("../shared corpus not found: comparing fixtures and examples only")
	}
	if len(inputs) < 50 {
		t.Fatalf("only %d inputs found", len(inputs))
	}
	render := func(r *Result) []string {
		var out []string
		for _, f := range r.Files {
			for _, fd := range f.Findings {
				out = append(out, fmt.Sprintf("%s %s %d:%d %s %s %s", f.File, fd.RuleID, fd.Location.StartLine, fd.Location.StartColumn, fd.Key, fd.Fingerprint, fd.Message))
			}
		}
		return out
	}
	full := render(New(Options{Engine: testEngine(t)}).Lint(context.Background(), inputs))
	got := render(New(Options{Engine: pruned}).Lint(context.Background(), inputs))
	if len(full) < 100 {
		t.Fatalf("only %d findings: the comparison would prove little", len(full))
	}
	if !slices.Equal(full, got) {
		for i := 0; i < max(len(full), len(got)); i++ {
			var a, b string
			if i < len(full) {
				a = full[i]
			}
			if i < len(got) {
				b = got[i]
			}
			if a != b {
				t.Fatalf("first difference at %d:\n full:   %s\n pruned: %s", i, a, b)
			}
		}
	}
	if _, err := pruned.Evaluate(context.Background(), policy.KindImage, map[string]any{}, nil); err == nil {
		t.Error("a Dockerfile-only engine evaluated an image document")
	}
}
