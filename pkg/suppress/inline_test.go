package suppress

import (
	"strings"
	"testing"
)

func TestParseAndMatch(t *testing.T) {
	src := `# hardline ignore-file=HL1004 reason="init comes from the platform"
FROM alpine:3.20
# a normal comment
# hardline ignore=HL1001,build-deps-in-final reason="legacy image, tracked in JIRA-12"

RUN apk add gcc \
  # hardline ignore=HL1009
  && make
# HARDLINE ignore=HL1005
CMD echo hi
RUN <<EOF
# hardline ignore=HL1001
EOF
USER root
`
	spans := []Span{{2, 2}, {6, 8}, {10, 10}, {11, 13}, {14, 14}}
	dirs, probs := Parse([]byte(src), spans)
	if len(probs) != 0 {
		t.Fatalf("unexpected problems: %+v", probs)
	}
	if len(dirs) != 3 {
		t.Fatalf("want 3 directives (file, RUN, CMD), got %d: %+v", len(dirs), dirs)
	}
	if !dirs[0].File || dirs[0].Reason != "init comes from the platform" {
		t.Errorf("file directive parsed wrong: %+v", dirs[0])
	}
	if dirs[1].Target != 6 || dirs[1].Reason != "legacy image, tracked in JIRA-12" || len(dirs[1].Rules) != 2 {
		t.Errorf("line directive parsed wrong: %+v", dirs[1])
	}
	if dirs[2].Target != 10 {
		t.Errorf("upper-case HARDLINE directive should target line 10: %+v", dirs[2])
	}
	cases := []struct {
		id, name string
		line     int
		want     bool
	}{
		{"HL1001", "run-as-root", 6, true},
		{"HL1002", "build-deps-in-final", 6, true}, // by name
		{"HL1001", "run-as-root", 14, false},       // the heredoc line is not a directive
		{"HL1004", "no-init", 99, true},            // file-wide
		{"HL1005", "shell-form-entrypoint", 10, true},
		{"HL1005", "shell-form-entrypoint", 6, false},
		{"HL1009", "secret-build-arg", 6, false}, // comment inside a continuation is part of the RUN
	}
	for _, c := range cases {
		if got := Match(dirs, c.id, c.name, c.line) != nil; got != c.want {
			t.Errorf("Match(%s, line %d) = %v, want %v", c.id, c.line, got, c.want)
		}
	}
}

func TestProblems(t *testing.T) {
	for _, src := range []string{
		"# hardline ignore=\nFROM a\n",
		"# hardline ignor=HL1001\nFROM a\n",
		"# hardline reason=\"x\"\nFROM a\n",
		"# hardline ignore=HL1001 reason=\"unterminated\nFROM a\n",
		"# hardline ignore HL1001\nFROM a\n",
		"# hardline nonsense=1\nFROM a\n",
	} {
		dirs, probs := Parse([]byte(src), []Span{{2, 2}})
		if len(dirs) != 0 || len(probs) != 1 {
			t.Errorf("%q: want exactly one problem and no directive, got %+v %+v", src, dirs, probs)
		}
	}
	// Owned, time-boxed waivers live in .hardline.yaml; the error says so.
	for _, key := range []string{"owner", "EXPIRES"} {
		dirs, probs := Parse([]byte("# hardline ignore=HL1001 reason=\"x\" "+key+"=2030-01-01\nFROM a\n"), []Span{{2, 2}})
		if len(dirs) != 0 || len(probs) != 1 || !strings.Contains(probs[0].Msg, strings.ToLower(key)+"= is not supported") || !strings.Contains(probs[0].Msg, ".hardline.yaml") {
			t.Errorf("%s=: got %+v %+v", key, dirs, probs)
		}
	}
	dirs, probs := Parse([]byte("FROM a\n# hardline ignore=HL1001\n"), []Span{{1, 1}})
	if len(dirs) != 0 || len(probs) != 1 || !strings.Contains(probs[0].Msg, "not followed") {
		t.Errorf("trailing directive: got %+v %+v", dirs, probs)
	}
	// Not ours: must be neither a directive nor a problem.
	dirs, probs = Parse([]byte("# hardliner ignore=x\n# hardline-ish\n# hardline scans this file\n# Hardline\nFROM a\n"), []Span{{5, 5}})
	if len(dirs)+len(probs) != 0 {
		t.Errorf("foreign comments misread: %+v %+v", dirs, probs)
	}
}

func FuzzParse(f *testing.F) {
	f.Add("# hardline ignore=HL1001 reason=\"x\"\nFROM a\n")
	f.Add("# hardline ignore-file=*\n")
	f.Fuzz(func(t *testing.T, s string) {
		Parse([]byte(s), []Span{{2, 3}, {5, 5}})
	})
}
