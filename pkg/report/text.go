package report

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/hardline-dev/hardline/pkg/secrets"

	"github.com/fatih/color"

	"github.com/hardline-dev/hardline/pkg/finding"
)

// tabWidth is the tab stop used when echoing source lines. Tabs are
// expanded rather than printed so that the underline lines up whatever the
// terminal's own tab setting is.
const tabWidth = 4

// styles holds one color.Color per role. Each is created locally and told
// explicitly whether to emit escapes, so concurrent reporters with
// different Options never race on the global color.NoColor.
type styles struct {
	sev      [finding.Critical + 1]*color.Color
	location *color.Color
	fix      *color.Color
	dim      *color.Color
	errLabel *color.Color
	failed   *color.Color
	passed   *color.Color
}

func newStyles(enabled bool) *styles {
	mk := func(attrs ...color.Attribute) *color.Color {
		c := color.New(attrs...)
		if enabled {
			c.EnableColor()
		} else {
			c.DisableColor()
		}
		return c
	}
	s := &styles{
		location: mk(color.Bold),
		fix:      mk(color.Faint),
		dim:      mk(color.Faint),
		errLabel: mk(color.FgRed, color.Bold),
		failed:   mk(color.FgRed, color.Bold),
		passed:   mk(color.FgGreen),
	}
	s.sev[finding.Critical] = mk(color.FgRed, color.Bold)
	s.sev[finding.High] = mk(color.FgRed, color.Bold)
	s.sev[finding.Medium] = mk(color.FgYellow)
	s.sev[finding.Low] = mk(color.FgCyan)
	s.sev[finding.Info] = mk(color.Faint)
	return s
}

func (s *styles) severity(sev finding.Severity) *color.Color {
	if sev < finding.Info || sev > finding.Critical {
		return s.dim
	}
	return s.sev[sev]
}

func writeText(buf *bytes.Buffer, run *Run, opts Options) {
	st := newStyles(opts.Color)
	src := newSourceCache(run.Sources)

	byFile := make(map[string][]int)
	for i, f := range run.Findings {
		if f.Suppressed != nil && !opts.Verbose {
			continue
		}
		byFile[f.File] = append(byFile[f.File], i)
	}
	errsByFile := make(map[string][]InputError)
	for _, e := range run.Errors {
		errsByFile[e.File] = append(errsByFile[e.File], e)
	}
	warnsByFile := make(map[string][]InputError)
	if opts.Verbose {
		for _, w := range run.Warnings {
			warnsByFile[w.File] = append(warnsByFile[w.File], w)
		}
	}

	for _, file := range fileOrder(run) {
		// Errors come first in a file's group: a file that failed to parse
		// usually has few or no findings, and the error explains why.
		if errs := errsByFile[file]; len(errs) > 0 {
			for _, e := range errs {
				buf.WriteString(st.errLabel.Sprint("error:") + " " + errorText(e) + "\n")
			}
			buf.WriteString("\n")
		}
		if ws := warnsByFile[file]; len(ws) > 0 {
			for _, w := range ws {
				buf.WriteString(st.dim.Sprint("warning: "+errorText(w)) + "\n")
			}
			buf.WriteString("\n")
		}
		for _, i := range byFile[file] {
			writeFindingText(buf, st, src, &run.Findings[i])
			buf.WriteString("\n")
		}
	}

	buf.WriteString(summaryText(st, Summarize(run), opts, run.Duration, inputNoun(run)))
	buf.WriteString("\n")
}

func errorText(e InputError) string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(oneLine(e.File))
		if e.Line > 0 {
			b.WriteString(":" + strconv.Itoa(e.Line))
		}
		b.WriteString(": ")
	}
	b.WriteString(oneLine(e.Message))
	return b.String()
}

func writeFindingText(buf *bytes.Buffer, st *styles, src *sourceCache, f *finding.Finding) {
	loc := oneLine(f.File)
	if f.Location.StartLine > 0 {
		loc += ":" + strconv.Itoa(f.Location.StartLine)
		if f.Location.StartColumn > 0 {
			loc += ":" + strconv.Itoa(f.Location.StartColumn)
		}
	}
	msg := f.Message
	if msg == "" {
		msg = f.Title
	}
	rule := oneLine(f.RuleID)
	if f.RuleName != "" {
		rule += " " + oneLine(f.RuleName)
	}

	buf.WriteString(st.location.Sprint(loc))
	buf.WriteString("  " + st.severity(f.Severity).Sprint(strings.ToUpper(f.Severity.String())))
	buf.WriteString("  " + rule)
	if msg != "" {
		buf.WriteString("  " + oneLine(msg))
	}
	if f.Suppressed != nil {
		why := f.Suppressed.Reason
		if why == "" {
			why = f.Suppressed.Kind
		}
		buf.WriteString("  " + st.dim.Sprint("(suppressed: "+oneLine(why)+")"))
	}
	buf.WriteString("\n")
	if ew := f.ExpiredWaiver; ew != nil && f.Suppressed == nil {
		l := "waiver expired on " + ew.Expires + " (" + ew.Source
		if ew.Owner != "" {
			l += ", owner " + ew.Owner
		}
		buf.WriteString("  " + st.failed.Sprint(oneLine(l+"): this finding counts again")) + "\n")
	}

	writeSnippet(buf, st, src, f)

	if fix := fixHint(f.Remediation); fix != "" {
		buf.WriteString("  " + st.fix.Sprint("fix: "+fix) + "\n")
	}
}

// writeSnippet echoes the finding's first line with an underline under its
// span. Nothing is printed when the finding has no line, the source is not
// available or the line is out of range: the reporter never shows any other
// part of the file.
func writeSnippet(buf *bytes.Buffer, st *styles, src *sourceCache, f *finding.Finding) {
	l := f.Location
	if l.StartLine < 1 {
		return
	}
	line, ok := src.line(f.File, l.StartLine)
	if !ok {
		return
	}
	num := strconv.Itoa(l.StartLine)
	blank := strings.Repeat(" ", len(num))

	// A secret rule points at the line holding the secret; echoing it
	// would leak the value the secrets package takes care to mask. Any
	// other rule's finding on a line that holds a secret must not echo it
	// either, whether or not a secrets rule ran.
	if isSecretFinding(f) || len(secrets.Default().ScanText(line)) > 0 {
		buf.WriteString("  " + num + " | " + st.dim.Sprint("(source line hidden: it may contain a secret)") + "\n")
		return
	}

	text, starts := expandLine(line)
	runes := len(starts) - 1
	multi := l.EndLine > l.StartLine

	first, last := l.StartColumn, l.EndColumn
	if first < 1 {
		first = firstNonSpace(line)
	}
	if multi || last < 1 {
		last = lastNonSpace(line)
	}
	// Clamp to the line; a span past its end gets a single caret just
	// after the last character rather than vanishing.
	if first > runes+1 {
		first = runes + 1
	}
	if last > runes {
		last = runes
	}
	if last < first {
		last = first
	}
	from := starts[first-1]
	to := from + 1
	if last <= runes {
		to = starts[last]
	}

	buf.WriteString(strings.TrimRight("  "+num+" | "+text, " ") + "\n")
	buf.WriteString("  " + blank + " | " + strings.Repeat(" ", from) +
		st.severity(f.Severity).Sprint(strings.Repeat("^", to-from)) + "\n")
	if multi {
		buf.WriteString("  " + blank + " | …\n")
	}
}

// expandLine makes a source line safe and predictable to print: tabs become
// spaces up to the next tab stop and control characters (which could
// drive the terminal) become U+FFFD. starts[i] is the display column where
// rune i begins; starts[len] is the display width.
func expandLine(line string) (string, []int) {
	var b strings.Builder
	starts := make([]int, 0, len(line)+1)
	col := 0
	for _, r := range line {
		starts = append(starts, col)
		switch {
		case r == '\t':
			n := tabWidth - col%tabWidth
			b.WriteString(strings.Repeat(" ", n))
			col += n
		case unicode.IsControl(r):
			b.WriteRune(utf8.RuneError)
			col++
		default:
			b.WriteRune(r)
			col++
		}
	}
	starts = append(starts, col)
	return b.String(), starts
}

func firstNonSpace(line string) int {
	i := 1
	for _, r := range line {
		if !unicode.IsSpace(r) {
			return i
		}
		i++
	}
	return 1
}

func lastNonSpace(line string) int {
	last, i := 0, 1
	for _, r := range line {
		if !unicode.IsSpace(r) {
			last = i
		}
		i++
	}
	if last == 0 {
		return 1
	}
	return last
}

func isSecretFinding(f *finding.Finding) bool {
	for _, t := range f.Tags {
		switch strings.ToLower(t) {
		case "secret", "secrets":
			return true
		}
	}
	return false
}

// oneLine flattens text for a single output line and neutralises control
// characters, since messages can quote Dockerfile content verbatim.
func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\r' || r == '\t':
			return ' '
		case unicode.IsControl(r):
			return utf8.RuneError
		}
		return r
	}, s)
}

// fixHint is the first sentence of the remediation's first paragraph:
// remediations are wrapped prose followed by a snippet, and a hint cut at
// the first physical line stops mid-sentence.
func fixHint(s string) string {
	para := strings.TrimSpace(s)
	if i := strings.Index(para, "\n\n"); i >= 0 {
		para = para[:i]
	}
	para = strings.Join(strings.Fields(para), " ")
	for i := 0; i+1 < len(para); i++ {
		if (para[i] == '.' || para[i] == ':') && para[i+1] == ' ' && !abbreviation(para[:i]) {
			para = para[:i+1]
			break
		}
	}
	return oneLine(strings.TrimSuffix(para, ":"))
}

// abbreviation reports whether text ends with an abbreviation whose period
// does not end the sentence.
func abbreviation(text string) bool {
	low := strings.ToLower(text)
	for _, a := range []string{"e.g", "i.e", "etc", "vs", "cf"} {
		if strings.HasSuffix(low, a) && (len(low) == len(a) || low[len(low)-len(a)-1] == ' ' || low[len(low)-len(a)-1] == '(') {
			return true
		}
	}
	return false
}

// inputNoun names what a run's inputs are, for the summary line.
func inputNoun(run *Run) [2]string {
	if strings.HasPrefix(run.Category, "hardline/image") {
		return [2]string{"image", "images"}
	}
	return [2]string{"file", "files"}
}

func summaryText(st *styles, s Summary, opts Options, took time.Duration, noun [2]string) string {
	var b strings.Builder
	if s.Findings == 0 {
		b.WriteString("no findings")
	} else {
		b.WriteString(plural(s.Findings, "finding", "findings"))
		var parts []string
		for sev := finding.Critical; sev >= finding.Info; sev-- {
			if n := s.BySeverity[sev]; n > 0 {
				parts = append(parts, fmt.Sprintf("%d %s", n, sev))
			}
		}
		b.WriteString(" (" + strings.Join(parts, ", ") + ")")
	}
	b.WriteString(" in " + plural(s.Files, noun[0], noun[1]))
	if s.Suppressed > 0 {
		fmt.Fprintf(&b, ", %d suppressed", s.Suppressed)
		if s.Baselined > 0 && !opts.Verbose {
			fmt.Fprintf(&b, " (%d in the baseline, not shown; -v shows them)", s.Baselined)
		}
	}
	if s.Warnings > 0 {
		b.WriteString(", " + plural(s.Warnings, "warning", "warnings"))
		if !opts.Verbose {
			b.WriteString(" (-v shows them)")
		}
	}
	if s.Errors > 0 {
		b.WriteString(", " + plural(s.Errors, "error", "errors"))
	}
	b.WriteString("; ")
	switch {
	case s.AtOrAboveFailOn > 0:
		b.WriteString(st.failed.Sprintf("failed: %d at or above %s", s.AtOrAboveFailOn, thresholdName(s.FailOn)))
	case s.Errors > 0:
		b.WriteString(st.failed.Sprint("failed: input errors"))
	default:
		b.WriteString(st.passed.Sprintf("passed (fail-on %s)", thresholdName(s.FailOn)))
	}
	if opts.Verbose && took > 0 {
		b.WriteString(" " + st.dim.Sprintf("(took %s)", took.Round(time.Millisecond)))
	}
	return b.String()
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// sourceCache splits each file into lines at most once per report.
type sourceCache struct {
	sources map[string][]byte
	lines   map[string][]string
}

func newSourceCache(sources map[string][]byte) *sourceCache {
	return &sourceCache{sources: sources, lines: make(map[string][]string)}
}

// line returns line n (1-based) without its line terminator.
func (c *sourceCache) line(file string, n int) (string, bool) {
	lines, ok := c.lines[file]
	if !ok {
		data, have := c.sources[file]
		if !have {
			return "", false
		}
		s := string(data)
		// A final newline terminates the last line; it does not start an
		// empty one.
		s = strings.TrimSuffix(s, "\n")
		if s == "" && len(data) == 0 {
			lines = nil
		} else {
			lines = strings.Split(s, "\n")
		}
		for i := range lines {
			lines[i] = strings.TrimSuffix(lines[i], "\r")
		}
		c.lines[file] = lines
	}
	if n < 1 || n > len(lines) {
		return "", false
	}
	return lines[n-1], true
}
