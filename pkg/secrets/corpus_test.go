package secrets

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// corpusDir holds real-world Dockerfiles shared between hardline's
// developers (read-only, not part of the repository).
const corpusDir = "/work/shared/corpus/files"

// TestCorpus runs ScanText over every Dockerfile of the shared corpus and
// logs hits per rule. It is the false-positive hunt: official images are
// full of GPG fingerprints and checksums that must never be reported, and
// the expected number of hits in this corpus is small (see
// corpusExpectedMax).
//
// Reviewed hits (pinned corpus): jessfraz chromium embeds Chromium's
// public Google API key and client secret (real credentials, reported);
// StefanScherer windows-service passes PASSWORD=B@dP@ssw0rd to msiexec (a
// hard-coded sample password, reported).
func TestCorpus(t *testing.T) {
	if _, err := os.Stat(corpusDir); err != nil {
		t.Skipf("corpus not available at %s (%v); skipping the real-world false-positive check", corpusDir, err)
	}
	var files []string
	err := filepath.WalkDir(corpusDir, func(p string, e os.DirEntry, err error) error {
		if err == nil && !e.IsDir() {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	perRule := map[string]int{}
	total, bytes := 0, 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		bytes += len(b)
		for _, m := range Default().ScanText(string(b)) {
			perRule[m.Rule]++
			total++
			rel, _ := filepath.Rel(corpusDir, f)
			t.Logf("hit %s:%d:%d %s key=%q %s (%s)", rel, m.Line, m.Column, m.Rule, m.Key, m.Masked, m.Confidence)
		}
	}
	rules := make([]string, 0, len(perRule))
	for r := range perRule {
		rules = append(rules, r)
	}
	sort.Strings(rules)
	var sb strings.Builder
	for _, r := range rules {
		sb.WriteString(r)
		sb.WriteString("=")
		sb.WriteString(itoa(perRule[r]))
		sb.WriteString(" ")
	}
	t.Logf("%d files, %d bytes, %d hits: %s", len(files), bytes, total, sb.String())
	if total > corpusExpectedMax {
		t.Errorf("%d hits in the corpus, expected at most %d: new false positives? (see the log)", total, corpusExpectedMax)
	}
}

// corpusExpectedMax leaves a little room above the 3 reviewed hits so
// that a corpus refresh does not break the build, while a rule that starts
// flagging GPG fingerprints or checksums (hundreds of lines) fails loudly.
const corpusExpectedMax = 8

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for n > 0 {
		b = append([]byte{byte('0' + n%10)}, b...)
		n /= 10
	}
	return string(b)
}
