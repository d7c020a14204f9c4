package lint

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/hardline-dev/hardline/pkg/baseimage"
	"github.com/hardline-dev/hardline/pkg/dockerfile"
)

// secretsCorpusTSV lists every finding of the secrets rules (HL1007–HL1010)
// on the shared corpus, each reviewed in ../../testdata/secrets/
// corpus-findings.md (real credential, test/sample credential or false
// positive).
const secretsCorpusTSV = "../../testdata/secrets/corpus-findings.tsv"

// corpusSecretRow is one line of corpus-findings.tsv. Masked values only:
// the file never holds a secret.
type corpusSecretRow struct {
	file     string // relative to the corpus root, slash-separated
	line     int
	rule     string // HL1007 …
	detector string // pkg/secrets rule, "-" for rules that judge file names
	masked   string // "-" likewise
	verdict  string // real, test-sample, false-positive
}

func (r corpusSecretRow) key() string { return r.file + ":" + strconv.Itoa(r.line) + " " + r.rule }

func readCorpusSecretRows(t *testing.T) []corpusSecretRow {
	t.Helper()
	f, err := os.Open(secretsCorpusTSV)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var rows []corpusSecretRow
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		n++
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, "file\t") {
			continue
		}
		c := strings.Split(line, "\t")
		if len(c) < 6 {
			t.Fatalf("%s:%d: want at least 6 tab-separated columns, got %d", secretsCorpusTSV, n, len(c))
		}
		ln, err := strconv.Atoi(c[1])
		if err != nil {
			t.Fatalf("%s:%d: line %q: %v", secretsCorpusTSV, n, c[1], err)
		}
		switch c[5] {
		case "real", "test-sample", "false-positive":
		default:
			t.Fatalf("%s:%d: verdict %q is not real, test-sample or false-positive", secretsCorpusTSV, n, c[5])
		}
		rows = append(rows, corpusSecretRow{file: c[0], line: ln, rule: c[2], detector: c[3], masked: c[4], verdict: c[5]})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return rows
}

// TestSecretsCorpusFindings lints the shared corpus with the secrets rules
// and compares the findings, as a multiset of (file, line, rule), with the
// reviewed list: a new false positive, a lost true positive or a moved
// finding fails the test. For detector-based findings (HL1007, HL1008) it
// also checks, through the facts, which detector rule matched and the
// masked value, so that a provider match silently turning into a generic
// one (or a different value) is noticed too.
func TestSecretsCorpusFindings(t *testing.T) {
	if _, err := os.Stat(corpusDir); err != nil {
		t.Skipf("corpus not available at %s (%v): it lives in ../shared beside the checkout (CI has it); "+
			"the reviewed secret findings in %s are not checked", corpusDir, err, secretsCorpusTSV)
	}
	want := readCorpusSecretRows(t)
	root, err := filepath.Abs(corpusDir)
	if err != nil {
		t.Fatal(err)
	}
	inputs := corpusInputs(t)
	l := New(Options{Engine: testEngine(t), Tags: []string{"secrets"}})
	res := l.Lint(context.Background(), inputs)

	got := map[string]int{}
	messages := map[string][]string{}
	for _, fr := range res.Files {
		for _, e := range fr.Errors {
			t.Errorf("%s: %s", fr.File, e.Message)
		}
		for _, fd := range fr.Findings {
			abs, err := filepath.Abs(filepath.FromSlash(fd.File))
			if err != nil {
				t.Fatal(err)
			}
			rel, err := filepath.Rel(root, abs)
			if err != nil {
				t.Fatal(err)
			}
			k := corpusSecretRow{file: filepath.ToSlash(rel), line: fd.Location.StartLine, rule: fd.RuleID}.key()
			got[k]++
			messages[k] = append(messages[k], fd.Message)
		}
	}
	wantN := map[string]int{}
	for _, r := range want {
		wantN[r.key()]++
	}
	var diffs []string
	for k, n := range got {
		if n > wantN[k] {
			for _, m := range messages[k] {
				diffs = append(diffs, fmt.Sprintf("NEW  %s (%d reported, %d reviewed): %s", k, n, wantN[k], m))
			}
		}
	}
	for k, n := range wantN {
		if got[k] < n {
			diffs = append(diffs, fmt.Sprintf("LOST %s (%d reviewed, %d reported)", k, n, got[k]))
		}
	}
	sort.Strings(diffs)
	if len(diffs) > 0 {
		t.Errorf("secret findings on the corpus differ from %s:\n  %s\n"+
			"Review each (real credential, test/sample, false positive), then update the .tsv and "+
			"testdata/secrets/corpus-findings.md; a new false positive is better fixed in pkg/secrets or the rule.",
			secretsCorpusTSV, strings.Join(diffs, "\n  "))
	}

	// Detector rule and masked value of the detector-based rows.
	byFile := map[string][]corpusSecretRow{}
	for _, r := range want {
		if r.detector != "-" {
			byFile[r.file] = append(byFile[r.file], r)
		}
	}
	for file, rows := range byFile {
		src, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(file)))
		if err != nil {
			t.Errorf("%s: %v", file, err)
			continue
		}
		doc, err := dockerfile.Parse(file, src, dockerfile.Options{BaseImages: baseimage.Default()})
		if err != nil {
			t.Errorf("%s: %v", file, err)
			continue
		}
		facts := map[string]int{}
		for _, s := range doc.Secrets {
			facts[fmt.Sprintf("%d %s %s", s.Location.StartLine, s.Rule, s.Masked)]++
		}
		for _, r := range rows {
			k := fmt.Sprintf("%d %s %s", r.line, r.detector, r.masked)
			if facts[k] == 0 {
				t.Errorf("%s: no secret fact %q (line, detector rule, masked value); the facts have %v", file, k, facts)
				continue
			}
			facts[k]--
		}
	}
	verdicts := map[string]int{}
	for _, r := range want {
		verdicts[r.verdict]++
	}
	t.Logf("%d reviewed secret findings on %d files: %v", len(want), len(inputs), verdicts)
}
