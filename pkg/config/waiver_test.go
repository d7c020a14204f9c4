package config

import (
	"strings"
	"testing"
	"time"

	"github.com/hardline-dev/hardline/pkg/finding"
)

const waiverYAML = `fail-on: low
ignore:
  - rules: [HL1001]
    paths: ["legacy/**"]
    reason: "legacy images are rebuilt in Q3"
    owner: platform-team
    expires: 2026-11-22
  - rules: [HL1001]
    paths: ["legacy/**"]
    reason: "the renewed waiver"
    owner: alice
    expires: 2026-12-31
  - rules: [no-init]
    images: ["registry.example.com/team/*:*", "build/app.tar"]
    reason: "init comes from the pod spec"
  - rules: [HL1004]
    paths: ["old/**"]
    reason: "expired long ago"
    expires: 2020-01-01
`

func clockAt(s string) func() time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return func() time.Time { return t }
}

func mustParse(t *testing.T, src string) *Config {
	t.Helper()
	cfg, err := Parse("/repo/.hardline.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func TestWaiverExpiryBoundary(t *testing.T) {
	cfg := mustParse(t, waiverYAML)
	root := &finding.Finding{RuleID: "HL1001", RuleName: "run-as-root", File: "/repo/legacy/Dockerfile"}
	for _, tc := range []struct {
		now        string
		wantSource string // of the active waiver; "" when none
		wantLapsed string
	}{
		{"2026-11-21T12:00:00Z", "/repo/.hardline.yaml:3", ""},
		{"2026-11-22T00:00:00Z", "/repo/.hardline.yaml:3", ""},
		{"2026-11-22T23:59:59Z", "/repo/.hardline.yaml:3", ""}, // the expiry day is covered
		{"2026-11-23T00:00:00Z", "/repo/.hardline.yaml:8", ""}, // the next entry takes over
		// The date is judged in UTC: 20:00 in New York on the 22nd is the 23rd.
		{"2026-11-22T20:00:00-05:00", "/repo/.hardline.yaml:8", ""},
		// 01:00 on the 23rd in UTC+02:00 is still the 22nd in UTC.
		{"2026-11-23T01:00:00+02:00", "/repo/.hardline.yaml:3", ""},
		{"2026-12-31T23:59:59Z", "/repo/.hardline.yaml:8", ""},
		{"2027-01-01T00:00:00Z", "", "/repo/.hardline.yaml:3"}, // both lapsed: the first is named
	} {
		cfg.Now = clockAt(tc.now)
		active, lapsed := cfg.Waiver(root)
		if got := srcOf(active); got != tc.wantSource {
			t.Errorf("%s: active %q, want %q", tc.now, got, tc.wantSource)
		}
		if got := srcOf(lapsed); got != tc.wantLapsed {
			t.Errorf("%s: lapsed %q, want %q", tc.now, got, tc.wantLapsed)
		}
		// The pipeline hook agrees and never returns a lapsed waiver.
		if got := srcOf(cfg.Suppression(&finding.Rule{ID: "HL1001", Name: "run-as-root"}, root.File)); got != tc.wantSource {
			t.Errorf("%s: Suppression %q, want %q", tc.now, got, tc.wantSource)
		}
	}
	cfg.Now = clockAt("2026-11-20T00:00:00Z")
	active, _ := cfg.Waiver(root)
	if active.Kind != "config" || active.Owner != "platform-team" || active.Expires != "2026-11-22" || active.Reason != "legacy images are rebuilt in Q3" {
		t.Errorf("suppression fields: %+v", active)
	}
}

func srcOf(s *finding.Suppression) string {
	if s == nil {
		return ""
	}
	return s.Source
}

func TestWaiverScope(t *testing.T) {
	cfg := mustParse(t, waiverYAML)
	cfg.Now = clockAt("2026-01-01T00:00:00Z")
	img := func(name, file string) *finding.Finding {
		return &finding.Finding{RuleID: "HL1004", RuleName: "no-init", File: file, Image: &finding.ImageRef{Name: name}}
	}
	for _, tc := range []struct {
		name string
		f    *finding.Finding
		want bool
	}{
		{"registry image by tag", img("registry.example.com/team/app:1.4", "registry.example.com/team/app:1.4"), true},
		{"registry image with digest", img("registry.example.com/team/app:1.4@sha256:abcd", "registry.example.com/team/app:1.4@sha256:abcd"), true},
		{"image mapped to a Dockerfile line", img("registry.example.com/team/app:1.4", "/repo/svc/Dockerfile"), true},
		{"archive", img("build/app.tar", "build/app.tar"), true},
		{"another registry", img("registry.example.com/other/team/app:1", "registry.example.com/other/team/app:1"), false},
		{"a Dockerfile is not an image", &finding.Finding{RuleID: "HL1004", RuleName: "no-init", File: "/repo/build/app.tar"}, false},
		{"another rule", &finding.Finding{RuleID: "HL1005", File: "build/app.tar", Image: &finding.ImageRef{Name: "build/app.tar"}}, false},
	} {
		active, _ := cfg.Waiver(tc.f)
		if (active != nil) != tc.want {
			t.Errorf("%s: waived = %v, want %v", tc.name, active != nil, tc.want)
		}
	}
	// The hook knows no image names: only ApplyWaivers sees them.
	if cfg.Suppression(&finding.Rule{ID: "HL1004", Name: "no-init"}, "registry.example.com/team/app:1.4") != nil {
		t.Error("Suppression matched an image glob against a file")
	}
}

func TestApplyWaiversAndNotices(t *testing.T) {
	cfg := mustParse(t, waiverYAML)
	cfg.Now = clockAt("2026-11-20T10:00:00Z")
	fs := []finding.Finding{
		{RuleID: "HL1001", RuleName: "run-as-root", File: "/repo/legacy/Dockerfile"},
		{RuleID: "HL1001", RuleName: "run-as-root", File: "/repo/legacy/b/Dockerfile"},
		{RuleID: "HL1004", RuleName: "no-init", File: "/repo/old/Dockerfile"},
		{RuleID: "HL1004", RuleName: "no-init", File: "/repo/svc/Dockerfile", Image: &finding.ImageRef{Name: "registry.example.com/team/app:2"}},
		{RuleID: "HL1004", RuleName: "no-init", File: "/repo/new/Dockerfile"},
		{RuleID: "HL1001", RuleName: "run-as-root", File: "/repo/legacy/c/Dockerfile", Suppressed: &finding.Suppression{Kind: "inline"}},
	}
	cfg.ApplyWaivers(fs)
	if fs[0].Suppressed == nil || fs[0].Suppressed.Source != "/repo/.hardline.yaml:3" || fs[1].Suppressed == nil {
		t.Errorf("path waiver: %+v %+v", fs[0].Suppressed, fs[1].Suppressed)
	}
	if fs[2].Suppressed != nil || fs[2].ExpiredWaiver == nil || fs[2].ExpiredWaiver.Source != "/repo/.hardline.yaml:16" || fs[2].ExpiredWaiver.Expires != "2020-01-01" {
		t.Errorf("lapsed waiver: %+v %+v", fs[2].Suppressed, fs[2].ExpiredWaiver)
	}
	if fs[3].Suppressed == nil || fs[3].Suppressed.Source != "/repo/.hardline.yaml:13" {
		t.Errorf("image waiver on a mapped finding: %+v", fs[3].Suppressed)
	}
	if fs[4].Suppressed != nil || fs[4].ExpiredWaiver != nil {
		t.Errorf("unmatched finding touched: %+v", fs[4])
	}
	if fs[5].Suppressed.Kind != "inline" || fs[5].ExpiredWaiver != nil {
		t.Errorf("an inline suppression was replaced: %+v", fs[5])
	}

	notes := cfg.WaiverNotices(fs, ExpiringSoon)
	var got []string
	for _, n := range notes {
		got = append(got, n.Message)
		if n.File != "/repo/.hardline.yaml" {
			t.Errorf("notice file %q", n.File)
		}
	}
	want := []string{
		"waiver for HL1001 (owner platform-team) expires on 2026-11-22 (in 2 days): then 2 findings count again",
		"waiver for HL1004 expired on 2020-01-01: 1 finding counts again (renew it with a later expires date, or fix them)",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("notices:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if notes[0].Line != 3 || notes[0].Expired || notes[1].Line != 16 || !notes[1].Expired {
		t.Errorf("notice lines/kinds: %+v", notes)
	}
}

func TestWaiverNoticeWindow(t *testing.T) {
	src := "ignore:\n  - rules: [HL1001]\n    reason: r\n    expires: 2026-12-01\n"
	used := []finding.Finding{{RuleID: "HL1001", File: "Dockerfile"}}
	for now, want := range map[string]string{
		"2026-11-17T00:00:00Z": "",           // 14 days left: quiet
		"2026-11-18T00:00:00Z": "in 13 days", // within the window
		"2026-11-30T08:00:00Z": "tomorrow",
		"2026-12-01T23:00:00Z": "today is its last day",
		"2026-12-02T00:00:00Z": "expired on 2026-12-01",
	} {
		cfg := mustParse(t, src)
		cfg.Now = clockAt(now)
		fs := append([]finding.Finding(nil), used...)
		cfg.ApplyWaivers(fs)
		notes := cfg.WaiverNotices(fs, ExpiringSoon)
		switch {
		case want == "" && len(notes) != 0:
			t.Errorf("%s: unexpected notice %+v", now, notes)
		case want != "" && (len(notes) != 1 || !strings.Contains(notes[0].Message, want) || notes[0].Line != 2):
			t.Errorf("%s: notices %+v, want one at line 2 with %q", now, notes, want)
		}
	}
	// A waiver nothing used is not announced, lapsed or not.
	cfg := mustParse(t, src)
	cfg.Now = clockAt("2027-01-01T00:00:00Z")
	if notes := cfg.WaiverNotices([]finding.Finding{{RuleID: "HL1004", File: "Dockerfile"}}, ExpiringSoon); len(notes) != 0 {
		t.Errorf("unused waiver announced: %+v", notes)
	}
}

func TestWaiverValidationErrorsAreLocated(t *testing.T) {
	for src, want := range map[string]string{
		"ignore:\n  - rules: [HL1001]\n    reason: r\n    expires: 2026-13-01\n":           `:4: ignore[0]: expires "2026-13-01" is not a date: want YYYY-MM-DD`,
		"ignore:\n  - rules: [HL1001]\n    reason: r\n    expires: 2026-1-5\n":             `:4: ignore[0]: expires "2026-1-5" is not a date`,
		"ignore:\n  - rules: [HL1001]\n    reason: r\n    expires: 2026-02-29\n":           `:4: ignore[0]: expires "2026-02-29"`,
		"ignore:\n  - rules: [HL1001]\n    reason: r\n    expires: 2026-11-22T10:00:00Z\n": `:4: ignore[0]: expires`,
		"ignore:\n  - rules: [HL1001]\n    reason: r\n    expires: \"\"\n":                 `:4: ignore[0]: expires "" is not a date`,
		"ignore:\n  - rules: [HL1001]\n    reason: r\n    owner: \"  \"\n":                 ":4: ignore[0]: owner is empty",
		"ignore:\n  - rules: [HL1001]\n    reason: r\n    owner: \"a\\nb\"\n":              ":4: ignore[0]: owner must be one line",
		"ignore:\n  - reason: r\n  - rules: [HL1001]\n    owner: bob\n":                    ":3: ignore[1]: a reason is required",
		"ignore:\n  - rules: [HL1001]\n    reason: \"   \"\n":                              ":2: ignore[0]: a reason is required",
		"ignore:\n  - rules: [HL1001]\n    reason: r\n    paths: ['[']\n":                  `:4: ignore[0]: invalid path glob "["`,
		"ignore:\n  - rules: [HL1001]\n    reason: r\n    images: ['']\n":                  `:4: ignore[0]: invalid image glob ""`,
		"ignore:\n  - rules: ['']\n    reason: r\n":                                        ":2: ignore[0]: empty rule id",
		"ignore:\n  - rules: [HL1001]\n    reason: r\n    expiry: 2026-01-01\n":            `:4: unknown key "expiry"`,
	} {
		_, err := Parse(".hardline.yaml", []byte(src))
		if err == nil || !strings.Contains(err.Error(), ".hardline.yaml"+want) {
			t.Errorf("%q: error %v, want %q", src, err, want)
		}
	}
	cfg, err := Parse(".hardline.yaml", []byte("ignore:\n  - rules: [HL1001]\n    reason: r\n    owner: \" bob \"\n    expires: \" 2026-01-01 \"\n"))
	if err != nil || cfg.Ignore[0].Owner != "bob" || cfg.Ignore[0].Expires != "2026-01-01" || cfg.Ignore[0].Line != 2 {
		t.Errorf("trimmed owner/expires: %+v %v", cfg, err)
	}
}
