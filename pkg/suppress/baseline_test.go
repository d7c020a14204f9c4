package suppress

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hardline-dev/hardline/pkg/finding"
)

func fp(c byte) string { return strings.Repeat(string(c), 32) }

func sampleFindings() []finding.Finding {
	return []finding.Finding{
		{RuleID: "HL1004", File: "b/Dockerfile", Fingerprint: fp('b'), Message: "no init"},
		{RuleID: "HL1001", File: "b/Dockerfile", Fingerprint: fp('a'), Message: "runs as root"},
		{RuleID: "HL1001", File: "a/Dockerfile", Fingerprint: fp('c'), Message: "runs\n  as   root"},
		{RuleID: "HL1002", File: "a/Dockerfile", Fingerprint: fp('d'), Suppressed: &finding.Suppression{Kind: "inline"}},
		{RuleID: "HL1003", File: "a/Dockerfile", Fingerprint: fp('e'), ExpiredWaiver: &finding.Suppression{Kind: "config"}},
		{RuleID: "HL1006", File: "app.tar", Fingerprint: fp('f'), Message: "glibc", Image: &finding.ImageRef{Name: "registry.example.com/app:1@sha256:0123"}},
		// The same image finding in a second image: one entry.
		{RuleID: "HL1006", File: "other.tar", Fingerprint: fp('f'), Message: "glibc", Image: &finding.ImageRef{Name: "other.tar"}},
	}
}

func TestNewBaselineSelectsSortsAndDedupes(t *testing.T) {
	b := NewBaseline(sampleFindings())
	var got []string
	for _, e := range b.Findings {
		got = append(got, e.File+" "+e.RuleID+" "+e.Fingerprint[:1])
	}
	want := []string{"a/Dockerfile HL1001 c", "app.tar HL1006 f", "b/Dockerfile HL1001 a", "b/Dockerfile HL1004 b"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("entries:\n%v\nwant\n%v", got, want)
	}
	if b.Findings[0].Message != "runs as root" {
		t.Errorf("message not flattened: %q", b.Findings[0].Message)
	}
	if b.Findings[1].Image != "registry.example.com/app:1@sha256:0123" {
		t.Errorf("image not recorded: %+v", b.Findings[1])
	}
	// Any input order gives the same bytes.
	rev := sampleFindings()
	for i, j := 0, len(rev)-1; i < j; i, j = i+1, j-1 {
		rev[i], rev[j] = rev[j], rev[i]
	}
	x, err := b.Encode()
	if err != nil {
		t.Fatal(err)
	}
	y, _ := NewBaseline(rev).Encode()
	if !bytes.Equal(x, y) {
		t.Errorf("order-dependent:\n%s\nvs\n%s", x, y)
	}
	// An empty baseline still has a findings array.
	e, _ := NewBaseline(nil).Encode()
	if !bytes.Contains(e, []byte(`"findings": []`)) {
		t.Errorf("empty baseline: %s", e)
	}
	// Round trip.
	back, err := ParseBaseline("b.json", x)
	if err != nil || len(back.Findings) != 4 || !back.Contains(fp('f')) || back.Contains(fp('d')) {
		t.Errorf("round trip: %+v %v", back, err)
	}
}

func TestBaselineMessageIsShortAndNeverASecret(t *testing.T) {
	long := strings.Repeat("word ", 100)
	raw := "ghp_" + "Wq3x8LmN5pR7tV9wY1aB4cD6eF0gH2jK4mZ9"
	b := NewBaseline([]finding.Finding{
		{RuleID: "HL1", File: "f", Fingerprint: fp('1'), Message: long},
		{RuleID: "HL2", File: "f", Fingerprint: fp('2'), Title: "Custom rule", Message: "value " + raw + " found"},
		{RuleID: "HL3", File: "f", Fingerprint: fp('3'), Title: "Only a title"},
	})
	if n := len([]rune(b.Findings[0].Message)); n != maxMessage || !strings.HasSuffix(b.Findings[0].Message, "…") {
		t.Errorf("long message: %d runes %q", n, b.Findings[0].Message)
	}
	if b.Findings[1].Message != "Custom rule" {
		t.Errorf("a message with a raw secret was kept: %q", b.Findings[1].Message)
	}
	if b.Findings[2].Message != "Only a title" {
		t.Errorf("empty message: %q", b.Findings[2].Message)
	}
}

func TestApplyBaseline(t *testing.T) {
	b := NewBaseline(sampleFindings())
	b.Path = "base.json"
	// Today: a's HL1001 is fixed, b's findings are still there, a new one
	// appeared, the image is scanned under a new digest.
	fs := []finding.Finding{
		{RuleID: "HL1001", File: "b/Dockerfile", Fingerprint: fp('a')},
		{RuleID: "HL1004", File: "b/Dockerfile", Fingerprint: fp('b'), Suppressed: &finding.Suppression{Kind: "inline"}},
		{RuleID: "HL1002", File: "b/Dockerfile", Fingerprint: fp('9')},
		{RuleID: "HL1006", File: "registry.example.com/app:1@sha256:4567", Fingerprint: fp('f'), ExpiredWaiver: &finding.Suppression{Kind: "config"}},
	}
	st := b.Apply(fs, []string{"a/Dockerfile", "b/Dockerfile", "registry.example.com/app:1@sha256:4567"})
	if st.Suppressed != 1 || st.Fixed != 1 {
		t.Errorf("stats %+v, want 1 suppressed (b HL1001), 1 fixed (a HL1001)", st)
	}
	if s := fs[0].Suppressed; s == nil || s.Kind != "baseline" || s.Source != "base.json" || s.Reason == "" {
		t.Errorf("baselined finding: %+v", s)
	}
	if fs[1].Suppressed.Kind != "inline" {
		t.Errorf("an inline suppression was replaced: %+v", fs[1].Suppressed)
	}
	if fs[2].Suppressed != nil {
		t.Errorf("a new finding was suppressed: %+v", fs[2].Suppressed)
	}
	if fs[3].Suppressed != nil {
		t.Errorf("a lapsed waiver's finding was baselined: %+v", fs[3].Suppressed)
	}
	// Only a/ scanned: b's entries are not fixed, a's is.
	st = b.Apply(nil, []string{"a/Dockerfile"})
	if st.Fixed != 1 {
		t.Errorf("scope: %+v", st)
	}
	// The image under another digest is in scope; under another name not.
	if st := b.Apply(nil, []string{"registry.example.com/app:1@sha256:89ab"}); st.Fixed != 1 {
		t.Errorf("image scope: %+v", st)
	}
	if st := b.Apply(nil, []string{"registry.example.com/app:2"}); st.Fixed != 0 {
		t.Errorf("image scope, other tag: %+v", st)
	}
	// fs[0] is now suppressed by the baseline itself: a new baseline holds
	// only the new finding.
	added, dropped := NewBaseline(fs).Diff(b)
	if added != 1 || dropped != 4 {
		t.Errorf("diff: +%d -%d", added, dropped)
	}
}

func TestParseBaselineErrors(t *testing.T) {
	good := `{"schema_version": "hardline.baseline/v1", "findings": [{"fingerprint": "` + fp('a') + `", "rule_id": "HL1001", "file": "Dockerfile", "message": "m", "future_field": 1}]}`
	if b, err := ParseBaseline("b.json", []byte(good)); err != nil || !b.Contains(fp('a')) || b.Path != "b.json" {
		t.Fatalf("valid baseline (with an unknown field) rejected: %v", err)
	}
	if b, err := ParseBaseline("b.json", []byte(`{"schema_version": "hardline.baseline/v1", "findings": null}`)); err != nil || b.Findings == nil {
		t.Errorf("null findings: %+v %v", b, err)
	}
	for src, want := range map[string]string{
		"":                          "invalid JSON",
		"[1, 2]":                    "not a hardline baseline",
		`{"schema_version": 3}`:     "not a hardline baseline",
		`{"findings": []}`:          "no schema_version",
		`{"schema_version": "x/2"}`: `schema_version "x/2" is not supported`,
		`{"schema_version": "hardline.findings/v1"}`:                                                   "is a findings report",
		`{"schema_version": "hardline.baseline/v1", "findings": [{"fingerprint": "ABC"}]}`:             `findings[0]: fingerprint "ABC"`,
		`{"schema_version": "hardline.baseline/v1", "findings": [{"fingerprint": "` + fp('A') + `"}]}`: "findings[0]",
		"{\"schema_version\": \"hardline.baseline/v1\",\n\"findings\": [\n":                            "invalid JSON at byte",
	} {
		_, err := ParseBaseline("b.json", []byte(src))
		if err == nil || !strings.Contains(err.Error(), want) || !strings.HasPrefix(err.Error(), "baseline b.json: ") || strings.Contains(err.Error(), "\n") {
			t.Errorf("%q: error %v, want one line with %q", src, err, want)
		}
	}
	dir := t.TempDir()
	if _, err := ReadBaseline(filepath.Join(dir, "none.json")); err == nil || !strings.Contains(err.Error(), "not found") {
		t.Errorf("missing: %v", err)
	}
	if _, err := ReadBaseline(dir); err == nil || !strings.Contains(err.Error(), "is a directory") {
		t.Errorf("directory: %v", err)
	}
	p := filepath.Join(dir, "ok.json")
	if err := os.WriteFile(p, []byte(good), 0o644); err != nil {
		t.Fatal(err)
	}
	if b, err := ReadBaseline(p); err != nil || b.Path != p {
		t.Errorf("read: %v", err)
	}
}

func FuzzParseBaseline(f *testing.F) {
	f.Add([]byte(`{"schema_version": "hardline.baseline/v1", "findings": []}`))
	f.Add([]byte(`{"schema_version": "hardline.baseline/v1", "findings": [{"fingerprint": "` + fp('a') + `"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := ParseBaseline("f", data)
		if err == nil {
			b.Apply([]finding.Finding{{Fingerprint: fp('a')}}, []string{"x"})
		}
	})
}
