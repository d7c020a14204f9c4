package lint

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

const corpusDir = "../../../shared/corpus/files"

func corpusInputs(t testing.TB) []Input {
	t.Helper()
	if _, err := os.Stat(corpusDir); err != nil {
		t.Skipf("corpus not available (%v): it lives in ../shared beside the checkout; CI has it", err)
	}
	var in []Input
	err := filepath.WalkDir(corpusDir, func(p string, d os.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			in = append(in, Input{Path: p})
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return in
}

// TestCorpus lints the 1,364 real Dockerfiles: nothing may crash, every
// error must be a located parse error, and the per-rule counts are logged
// for false-positive review.
func TestCorpus(t *testing.T) {
	inputs := corpusInputs(t)
	l := New(Options{Engine: testEngine(t)})
	res := l.Lint(context.Background(), inputs)
	perRule := map[string]int{}
	reasons := map[string]int{}
	for _, f := range res.Files {
		for _, e := range f.Errors {
			if strings.Contains(e.Message, "internal error") {
				t.Errorf("%s: %s", f.File, e.Message)
			}
			reasons[firstWords(e.Message, 4)]++
		}
		for _, fd := range f.Findings {
			perRule[fd.RuleID]++
		}
	}
	t.Logf("%d files, %d with errors", len(res.Files), countErrFiles(res))
	logCounts(t, "errors by reason", reasons)
	logCounts(t, "findings by rule", perRule)
}

func countErrFiles(r *Result) int {
	n := 0
	for _, f := range r.Files {
		if len(f.Errors) > 0 {
			n++
		}
	}
	return n
}

func firstWords(s string, n int) string {
	f := strings.Fields(s)
	if len(f) > n {
		f = f[:n]
	}
	return strings.Join(f, " ")
}

func logCounts(t *testing.T, title string, m map[string]int) {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	t.Logf("%s:", title)
	for _, k := range keys {
		t.Logf("  %6d  %s", m[k], k)
	}
}

func BenchmarkLintCorpus(b *testing.B) {
	inputs := corpusInputs(b)
	for i := range inputs {
		data, err := os.ReadFile(inputs[i].Path)
		if err != nil {
			b.Fatal(err)
		}
		inputs[i].Data = data
	}
	l := New(Options{Engine: testEngine(b)})
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		l.Lint(context.Background(), inputs)
	}
	b.ReportMetric(float64(len(inputs)*b.N)/b.Elapsed().Seconds(), "files/s")
}
