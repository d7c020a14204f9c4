package dockerfile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"
)

// corpusDir holds real-world Dockerfiles collected from public
// repositories; it lives outside the module and may be absent.
const corpusDir = "/work/shared/corpus/files"

func corpusFiles(tb testing.TB) []string {
	tb.Helper()
	if _, err := os.Stat(corpusDir); err != nil {
		tb.Skipf("corpus not available at %s (%v); skipping", corpusDir, err)
	}
	var files []string
	err := filepath.WalkDir(corpusDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	sort.Strings(files)
	return files
}

// reasonRE strips the specifics (names, numbers, quoted values) from an
// error message so failures can be grouped by kind.
var reasonRE = regexp.MustCompile(`"[^"]*"|'[^']*'|\d+|: [^ ]+$`)

func TestCorpus(t *testing.T) {
	files := corpusFiles(t)
	sch := compileSchema(t)
	var ok, failed, warnings, secretsFound int
	reasons := map[string][]string{}
	var elapsedParse time.Duration
	warnKinds := map[string]int{}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(corpusDir, f)
		t0 := time.Now()
		doc, err := Parse(rel, src, Options{})
		if err != nil {
			var pe *Error
			if !errors.As(err, &pe) {
				t.Errorf("%s: error is %T, want *Error: %v", rel, err, err)
				continue
			}
			if strings.HasPrefix(pe.Msg, "internal error") {
				t.Errorf("%s: %v", rel, err)
			}
			elapsedParse += time.Since(t0)
			failed++
			reason := reasonRE.ReplaceAllString(pe.Msg, "…")
			reasons[reason] = append(reasons[reason], err.Error())
			continue
		}
		ok++
		warnings += len(doc.Warnings)
		for _, w := range doc.Warnings {
			warnKinds[reasonRE.ReplaceAllString(w.Message, "…")]++
		}
		secretsFound += len(doc.Secrets)
		elapsedParse += time.Since(t0)
		assertNoNulls(t, rel, doc)
		validate(t, sch, rel, doc)
	}
	elapsed := elapsedParse
	t.Logf("corpus: %d files, %d parsed, %d rejected, %d warnings, %d secrets, %v (%.0f files/s)",
		len(files), ok, failed, warnings, secretsFound, elapsed.Round(time.Millisecond), float64(len(files))/elapsed.Seconds())
	keys := make([]string, 0, len(reasons))
	for k := range reasons {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return len(reasons[keys[i]]) > len(reasons[keys[j]]) })
	for _, k := range keys {
		t.Logf("  %4d × %s  (e.g. %s)", len(reasons[k]), k, reasons[k][0])
	}
	kinds := make([]string, 0, len(warnKinds))
	for k := range warnKinds {
		kinds = append(kinds, k)
	}
	sort.Slice(kinds, func(i, j int) bool { return warnKinds[kinds[i]] > warnKinds[kinds[j]] })
	for _, k := range kinds {
		t.Logf("  warning %4d × %s", warnKinds[k], k)
	}
}
