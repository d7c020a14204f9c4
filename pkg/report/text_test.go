package report

import (
	"strings"
	"sync"
	"testing"

	"github.com/hardline-dev/hardline/pkg/finding"
)

func TestTextGolden(t *testing.T) {
	want := `Dockerfile:2:5  LOW  HL1003 apk-no-cache  apk add keeps its cache in the layer
  2 | RUN apk add curl \
    |     ^^^^^^^^^^^^^^
    | …
  fix: Use apk add --no-cache.

Dockerfile:4:1  HIGH  HL1001 run-as-root  Final image runs as root: USER root
  4 | USER root
    | ^^^^^^^^^
  fix: Switch to an unprivileged user

Dockerfile  LOW  HL1010 no-healthcheck  No HEALTHCHECK instruction

error: app/Dockerfile:3: unknown instruction: FORM

3 findings (1 high, 2 low) in 2 files, 1 suppressed, 1 error; failed: 3 at or above low
`
	got := render(t, "text", sampleRun(), Options{})
	if got != want {
		t.Fatalf("text output mismatch\n--- got ---\n%s\n--- want ---\n%s", got, want)
	}
	// Lines other than the findings' own must never be echoed.
	for _, leak := range []string{"CMD", "FROM alpine", "rm -rf", "RUN true"} {
		if strings.Contains(got, leak) {
			t.Errorf("output contains unrelated source text %q", leak)
		}
	}
}

func TestTextVerboseShowsSuppressed(t *testing.T) {
	got := render(t, "text", sampleRun(), Options{Verbose: true})
	wantHeader := "Dockerfile:1:6  MEDIUM  HL1002 latest-tag  alpine:latest is not pinned  (suppressed: pinned by digest upstream)\n" +
		"  1 | FROM alpine:latest\n" +
		"    |      ^^^^^^^^^^^^^\n"
	if !strings.Contains(got, wantHeader) {
		t.Fatalf("verbose output lacks the suppressed finding:\n%s", got)
	}
	if !strings.Contains(got, "(took 1.234s)") {
		t.Errorf("verbose summary lacks the duration:\n%s", got)
	}
	// The suppressed finding is still not counted as a finding.
	if !strings.Contains(got, "3 findings (1 high, 2 low)") {
		t.Errorf("suppressed finding counted:\n%s", got)
	}

	quiet := render(t, "text", sampleRun(), Options{})
	if strings.Contains(quiet, "HL1002") || strings.Contains(quiet, "took") {
		t.Errorf("non-verbose output shows suppressed finding or duration:\n%s", quiet)
	}
}

func TestTextColor(t *testing.T) {
	colored := render(t, "text", sampleRun(), Options{Color: true})
	if !strings.Contains(colored, "\x1b[") {
		t.Fatalf("Color: true produced no ANSI escapes:\n%q", colored)
	}
	if !strings.Contains(colored, "\x1b[31;1mHIGH\x1b[0;22m") {
		t.Errorf("high severity is not red bold:\n%q", colored)
	}
	if !strings.Contains(colored, "\x1b[36mLOW\x1b[0m") {
		t.Errorf("low severity is not cyan:\n%q", colored)
	}
	plain := render(t, "text", sampleRun(), Options{Color: false})
	if strings.Contains(plain, "\x1b") {
		t.Fatalf("Color: false produced escapes:\n%q", plain)
	}
	// Stripping the escapes must give exactly the plain rendering, i.e.
	// color never changes layout.
	if strip := stripANSI(colored); strip != plain {
		t.Fatalf("colored output differs from plain beyond escapes\n--- stripped ---\n%s\n--- plain ---\n%s", strip, plain)
	}
}

// Colored and plain reports written at the same time must not affect each
// other (run with -race): the reporter never touches color.NoColor.
func TestTextColorConcurrent(t *testing.T) {
	var wg sync.WaitGroup
	errs := make(chan string, 40)
	for i := 0; i < 20; i++ {
		for _, c := range []bool{true, false} {
			wg.Add(1)
			go func(c bool) {
				defer wg.Done()
				var b strings.Builder
				if err := Write(&b, "text", sampleRun(), Options{Color: c}); err != nil {
					errs <- err.Error()
					return
				}
				if strings.Contains(b.String(), "\x1b[") != c {
					errs <- "color leaked between concurrent writers"
				}
			}(c)
		}
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Fatal(e)
	}
}

func stripANSI(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == 0x1b && i+1 < len(s) && s[i+1] == '[' {
			j := i + 2
			for j < len(s) && s[j] != 'm' {
				j++
			}
			i = j
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func oneFinding(src string, f finding.Finding) *Run {
	if f.File == "" {
		f.File = "Dockerfile"
	}
	if f.RuleID == "" {
		f.RuleID, f.RuleName = "HL2000", "test-rule"
	}
	if f.Message == "" {
		f.Message = "msg"
	}
	return &Run{
		Findings: []finding.Finding{f},
		Files:    []string{f.File},
		Sources:  map[string][]byte{f.File: []byte(src)},
		FailOn:   finding.High,
	}
}

// snippet returns the echoed source line and caret line of a one-finding
// text report.
func snippet(t *testing.T, run *Run) (line, carets string) {
	t.Helper()
	out := strings.Split(render(t, "text", run, Options{}), "\n")
	if len(out) < 3 || !strings.Contains(out[1], " | ") || !strings.Contains(out[2], " | ") {
		t.Fatalf("no snippet in:\n%s", strings.Join(out, "\n"))
	}
	return out[1], out[2]
}

func TestTextTabsKeepCaretAligned(t *testing.T) {
	// Columns count characters: "\tRUN\tcurl" has "curl" at columns 6-9.
	run := oneFinding("FROM x\n\tRUN\tcurl -k https://x\n", finding.Finding{
		Location: finding.Location{StartLine: 2, StartColumn: 6, EndLine: 2, EndColumn: 9},
	})
	line, carets := snippet(t, run)
	if strings.Contains(line, "\t") {
		t.Fatalf("tab echoed verbatim: %q", line)
	}
	want := strings.Index(line, "curl")
	got := strings.Index(carets, "^")
	if want < 0 || got != want {
		t.Fatalf("caret at %d, curl at %d\n%s\n%s", got, want, line, carets)
	}
	if n := strings.Count(carets, "^"); n != 4 {
		t.Fatalf("underline has %d carets, want 4\n%s\n%s", n, line, carets)
	}
}

func TestTextNonASCIIColumns(t *testing.T) {
	run := oneFinding("LABEL maintainer=\"Zoë\" x=y\n", finding.Finding{
		Location: finding.Location{StartLine: 1, StartColumn: 24, EndLine: 1, EndColumn: 26},
	})
	line, carets := snippet(t, run)
	// Compare in characters, not bytes: ë is two bytes.
	li, ci := strings.Index(line, "x=y"), strings.Index(carets, "^")
	if li < 0 || ci < 0 {
		t.Fatalf("missing text or caret\n%s\n%s", line, carets)
	}
	wantCol := len([]rune(line[:li]))
	gotCol := len([]rune(carets[:ci]))
	if gotCol != wantCol {
		t.Fatalf("caret at char %d, want %d\n%s\n%s", gotCol, wantCol, line, carets)
	}
}

func TestTextControlCharactersNeutralised(t *testing.T) {
	run := oneFinding("RUN echo \x1b[2Jpwned\n", finding.Finding{
		Message:  "bad \x1b]0;title\x07 message",
		Location: finding.Location{StartLine: 1, StartColumn: 1, EndLine: 1, EndColumn: 3},
	})
	run.Findings[0].RuleID = "HL2000"
	out := render(t, "text", run, Options{})
	if strings.ContainsAny(out, "\x1b\x07") {
		t.Fatalf("control characters reached the terminal: %q", out)
	}
}

func TestTextSecretLineHidden(t *testing.T) {
	run := oneFinding("FROM x\nENV AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n", finding.Finding{
		Tags:     []string{"secrets"},
		Message:  "AWS secret access key in ENV (wJal…(40 chars))",
		Location: finding.Location{StartLine: 2, StartColumn: 5, EndLine: 2, EndColumn: 67},
	})
	out := render(t, "text", run, Options{})
	if strings.Contains(out, "bPxRfiCYEXAMPLEKEY") {
		t.Fatalf("secret value echoed:\n%s", out)
	}
	if !strings.Contains(out, "  2 | (source line hidden: it may contain a secret)\n") {
		t.Fatalf("no hidden-line note:\n%s", out)
	}
}

func TestTextNoSnippet(t *testing.T) {
	cases := map[string]*Run{
		"file-level": oneFinding("FROM x\n", finding.Finding{Message: "file-level problem"}),
		"no source": func() *Run {
			r := oneFinding("", finding.Finding{Location: finding.Location{StartLine: 1, StartColumn: 1}})
			r.Sources = nil // e.g. stdin already consumed
			return r
		}(),
		"line out of range": oneFinding("FROM x\n", finding.Finding{Location: finding.Location{StartLine: 9, StartColumn: 1}}),
	}
	for name, run := range cases {
		t.Run(name, func(t *testing.T) {
			out := render(t, "text", run, Options{})
			if strings.Contains(out, " | ") {
				t.Fatalf("unexpected snippet:\n%s", out)
			}
		})
	}
	out := render(t, "text", cases["file-level"], Options{})
	if !strings.HasPrefix(out, "Dockerfile  INFO  HL2000 test-rule  file-level problem\n") {
		t.Fatalf("file-level header wrong:\n%s", out)
	}
}

func TestTextWholeLineAndClamping(t *testing.T) {
	// No columns: underline the line's content, not its indentation.
	line, carets := snippet(t, oneFinding("  USER root  \n", finding.Finding{
		Location: finding.Location{StartLine: 1},
	}))
	if strings.Index(carets, "^") != strings.Index(line, "USER") || strings.Count(carets, "^") != len("USER root") {
		t.Fatalf("whole-line underline wrong\n%s\n%s", line, carets)
	}
	// A span past the end of the line gets one caret after the text.
	line, carets = snippet(t, oneFinding("USER root\n", finding.Finding{
		Location: finding.Location{StartLine: 1, StartColumn: 40, EndLine: 1, EndColumn: 50},
	}))
	if strings.Count(carets, "^") != 1 || strings.Index(carets, "^") != len(line) {
		t.Fatalf("clamped caret wrong\n%q\n%q", line, carets)
	}
	// CRLF sources do not leak a carriage return.
	line, _ = snippet(t, oneFinding("USER root\r\nCMD x\r\n", finding.Finding{
		Location: finding.Location{StartLine: 1, StartColumn: 1, EndLine: 1, EndColumn: 4},
	}))
	if strings.Contains(line, "\r") {
		t.Fatalf("carriage return echoed: %q", line)
	}
}

func TestTextEmptyRun(t *testing.T) {
	got := render(t, "text", &Run{FailOn: finding.Low}, Options{})
	if want := "no findings in 0 files; passed (fail-on low)\n"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
	run := &Run{Files: []string{"a", "b", "c", "d"}, FailOn: finding.Critical + 1}
	if got, want := render(t, "text", run, Options{}), "no findings in 4 files; passed (fail-on none)\n"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}

func TestTextSummaryWording(t *testing.T) {
	run := sampleRun()
	run.FailOn = finding.Critical
	run.Errors = nil
	out := render(t, "text", run, Options{})
	if !strings.HasSuffix(out, "3 findings (1 high, 2 low) in 2 files, 1 suppressed; passed (fail-on critical)\n") {
		t.Fatalf("summary:\n%s", out)
	}
	run.Findings = run.Findings[2:3]
	run.Errors = []InputError{{File: "x", Message: "a"}, {Message: "b"}}
	out = render(t, "text", run, Options{})
	if !strings.HasSuffix(out, "1 finding (1 high) in 2 files, 2 errors; failed: input errors\n") {
		t.Fatalf("summary:\n%s", out)
	}
	if !strings.Contains(out, "error: x: a\n") || !strings.Contains(out, "error: b\n") {
		t.Fatalf("error lines without line / file:\n%s", out)
	}
}

func TestTextFileOrder(t *testing.T) {
	run := sampleRun()
	// Input order wins over finding order; an unlisted file comes last.
	run.Files = []string{"b/Dockerfile", "Dockerfile"}
	run.Errors = nil
	run.Findings = append(run.Findings,
		finding.Finding{RuleID: "HL1001", Severity: finding.High, Message: "in b", File: "b/Dockerfile"},
		finding.Finding{RuleID: "HL1001", Severity: finding.High, Message: "in image", File: "alpine:3.20"})
	out := render(t, "text", run, Options{})
	ib, id, ii := strings.Index(out, "in b"), strings.Index(out, "Dockerfile:2:5"), strings.Index(out, "in image")
	if ib < 0 || ib >= id || id >= ii {
		t.Fatalf("files out of order (b=%d dockerfile=%d image=%d):\n%s", ib, id, ii, out)
	}
}

func TestFixHint(t *testing.T) {
	cases := map[string]string{
		"Create an unprivileged user (or use one the base image provides) and switch\nto it with USER before CMD. Example:\n\n    USER 10001": "Create an unprivileged user (or use one the base image provides) and switch to it with USER before CMD.",
		"Use the exec (JSON array) form so the application receives signals:\n\n    CMD [\"app\"]":                                            "Use the exec (JSON array) form so the application receives signals",
		"Pin versions.":                     "Pin versions.",
		"":                                  "",
		"Version 1.2.3 is fine. Then more.": "Version 1.2.3 is fine.",
		"Pull through the mirror, e.g. FROM registry/x. More.": "Pull through the mirror, e.g. FROM registry/x.",
	}
	for in, want := range cases {
		if got := fixHint(in); got != want {
			t.Errorf("fixHint(%q) = %q, want %q", in, got, want)
		}
	}
}
