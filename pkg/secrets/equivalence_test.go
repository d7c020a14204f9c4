package secrets

import (
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
)

// TestAnchoredEqualsRegexp checks the speed-ups against the plain
// semantics: for every rule with a keyword present, the matches found by
// anchoring/windows must equal those of the rule's regexp run over the
// whole text (as gitleaks does), on synthetic secrets and on the corpus.
func TestAnchoredEqualsRegexp(t *testing.T) {
	texts := []string{
		dockerfileSample(),
		mixedText(64 << 10),
		"k AKIA" + randFrom(upperB32, 16, 1) + " ghp_" + randFrom(alnum, 36, 2) + "\napi_key = \"" + randFrom(alnum, 32, 3) + "\"\n" +
			"curl -u bob:" + randFrom(alnum, 12, 4) + " https://x\ncurl -H 'Authorization: Bearer " + randFrom(alnum, 30, 5) + "' x\n" +
			pemKey("EC PRIVATE KEY") + "//r/:_authToken=" + randFrom(alnum, 30, 6) + "\n password = " + randFrom(alnum, 14, 7) + "\n" +
			"xoxb-1234567890-1234567890-" + randFrom(alnum, 20, 8) + " SG." + randFrom(alnum, 66, 9) + " sk_live_" + randFrom(alnum, 30, 10),
	}
	if files, _ := filepath.Glob("/work/shared/corpus/files/*/*/Dockerfile"); len(files) > 0 {
		for _, f := range files[:min(len(files), 200)] {
			if b, err := os.ReadFile(f); err == nil {
				texts = append(texts, string(b))
			}
		}
	}
	rs := Default().ruleSet()
	total := 0
	for _, text := range texts {
		lower := asciiLower(text)
		perRule := map[int32][]acHit{}
		for _, h := range rs.ac.scan(lower, nil) {
			for _, ri := range rs.kwRules[h.kw] {
				perRule[ri] = append(perRule[ri], h)
			}
		}
		for ri, hits := range perRule {
			r := rs.rules[ri]
			r.prepare()
			if r.custom != nil || r.bad {
				continue
			}
			got := spans(r.run(text, lower, hits, rs, nil))
			var want [][2]int
			re := r.re
			if re == nil {
				re = mustCompile(t, r.regexSrc)
			}
			for _, m := range re.FindAllStringSubmatchIndex(text, -1) {
				for _, c := range r.evaluate(text, m, rs.global, nil) {
					want = append(want, [2]int{c.start, c.end})
				}
			}
			total += len(want)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("rule %s: fast path %v, plain regexp %v (text %.60q…)", r.id, got, want, strings.TrimSpace(text))
			}
		}
	}
	if total < 8 {
		t.Errorf("only %d reference matches: the comparison is not exercising the rules", total)
	}
	t.Logf("%d matches compared", total)
}

func spans(cs []candidate) [][2]int {
	var out [][2]int
	for _, c := range cs {
		out = append(out, [2]int{c.start, c.end})
	}
	return out
}

func mustCompile(t *testing.T, src string) *regexp.Regexp {
	t.Helper()
	re, err := regexp.Compile(src)
	if err != nil {
		t.Fatal(err)
	}
	return re
}
