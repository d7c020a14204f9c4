package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/hardline-dev/hardline/pkg/lint"
	"github.com/hardline-dev/hardline/pkg/policy"
)

func TestVersionFormats(t *testing.T) {
	workdir(t)
	r := hl(t, "version")
	wantCode(t, r, 0)
	if !regexp.MustCompile(`(?m)^go: go1\.\d+\S* \w+/\w+$`).MatchString(r.out) ||
		!regexp.MustCompile(`(?m)^rules: sha256:[0-9a-f]{12} \(\d+ built-in rules\)$`).MatchString(r.out) {
		t.Errorf("version text:\n%s", r.out)
	}
	j := hl(t, "version", "--format", "json")
	wantCode(t, j, 0)
	var v versionInfo
	if err := json.Unmarshal([]byte(j.out), &v); err != nil {
		t.Fatalf("%v\n%s", err, j.out)
	}
	if v.Version == "" || v.GoVersion == "" || v.Platform == "" || v.RulesVersion != rulesVersion() || v.Commit == "" {
		t.Errorf("version json: %+v", v)
	}
	// The count is by file convention; it must agree with what the engine loads.
	eng, err := policy.New(context.Background(), policy.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if v.RuleCount != len(eng.Rules()) || v.RuleCount == 0 {
		t.Errorf("rule_count %d, the engine loads %d rules", v.RuleCount, len(eng.Rules()))
	}
	bad := hl(t, "version", "--format", "xml")
	wantCode(t, bad, 2)
	if !strings.Contains(bad.err, "text or json") {
		t.Errorf("bad format error: %q", bad.err)
	}
}

func TestCompletionScripts(t *testing.T) {
	workdir(t)
	for shell, want := range map[string]string{
		"bash":       "__start_hardline",
		"zsh":        "#compdef hardline",
		"fish":       "complete -c hardline",
		"powershell": "Register-ArgumentCompleter",
	} {
		r := hl(t, "completion", shell)
		wantCode(t, r, 0)
		if !strings.Contains(r.out, want) {
			t.Errorf("%s completion lacks %q", shell, want)
		}
	}
	wantCode(t, hl(t, "completion", "tcsh"), 2)
	wantCode(t, hl(t, "completion"), 2)

	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("bash not installed")
	}
	script := hl(t, "completion", "bash").out
	// The script must load in a plain bash and register the completion.
	cmd := exec.Command(bash, "--norc", "-c", `source /dev/stdin && complete -p hardline`)
	cmd.Stdin = strings.NewReader(script)
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "__start_hardline") || strings.Contains(string(out), "error") {
		t.Errorf("bash could not load the completion script: %v\n%s", err, out)
	}
}

func TestCompletionValues(t *testing.T) {
	workdir(t)
	complete := func(args ...string) []string {
		t.Helper()
		r := hl(t, append([]string{"__complete"}, args...)...)
		wantCode(t, r, 0)
		var out []string
		for _, l := range strings.Split(strings.TrimSpace(r.out), "\n") {
			if !strings.HasPrefix(l, ":") {
				out = append(out, strings.SplitN(l, "\t", 2)[0])
			}
		}
		return out
	}
	has := func(got []string, want ...string) {
		t.Helper()
		for _, w := range want {
			if !contains(got, w) {
				t.Errorf("completions %v lack %q", got, w)
			}
		}
	}
	has(complete("lint", "--format", ""), "text", "json", "sarif")
	has(complete("image", "-f", ""), "text", "json", "sarif")
	if got := complete("version", "--format", ""); strings.Join(got, ",") != "text,json" {
		t.Errorf("version --format completions: %v", got)
	}
	has(complete("lint", "--fail-on", ""), "none", "info", "low", "medium", "high", "critical")
	has(complete("image", "--platform", ""), "linux/amd64", "linux/arm64")
	has(complete("lint", "--tags", "secrets,"), "secrets,user", "secrets,init")
	has(complete("lint", "--"), "--quiet", "--format", "--fail-on", "--no-color")
	has(complete(""), "lint", "image", "version", "completion")
	for _, flag := range []string{"--rules", "--cache-dir"} {
		r := hl(t, "__complete", "lint", flag, "")
		if !strings.Contains(r.out, fmt.Sprintf(":%d\n", cobra.ShellCompDirectiveFilterDirs)) {
			t.Errorf("lint %s completes %q, want directories", flag, r.out)
		}
	}
}

func TestQuiet(t *testing.T) {
	dir := workdir(t)
	write(t, dir, "Dockerfile", rootDF)
	write(t, dir, "clean/Dockerfile", cleanDF)

	r := hl(t, "lint", "--no-config", "-q", "Dockerfile")
	wantCode(t, r, 1)
	if r.out != "" || r.err != "" {
		t.Errorf("--quiet with findings printed:\nstdout %q\nstderr %q", r.out, r.err)
	}
	r = hl(t, "lint", "--no-config", "--quiet", "clean")
	wantCode(t, r, 0)
	if r.out != "" || r.err != "" {
		t.Errorf("--quiet, clean, printed: %q %q", r.out, r.err)
	}
	// Nothing found is not an error: quiet too.
	r = hl(t, "lint", "--no-config", "-q", t.TempDir())
	wantCode(t, r, 0)
	if r.out+r.err != "" {
		t.Errorf("--quiet, no Dockerfiles, printed: %q", r.out+r.err)
	}
	// Errors are still said, on stderr, with the exit status.
	write(t, dir, "bad.Dockerfile", "FROM alpine\nCOPY --bogus=1 a b\nONBUILD ONBUILD RUN x\n")
	r = hl(t, "lint", "--no-config", "-q", "bad.Dockerfile", "missing/Dockerfile")
	wantCode(t, r, 2)
	if r.out != "" || !strings.Contains(r.err, "missing/Dockerfile") {
		t.Errorf("--quiet with errors: stdout %q, stderr %q", r.out, r.err)
	}
	// A report asked for is still written.
	r = hl(t, "lint", "--no-config", "-q", "-f", "json", "Dockerfile")
	wantCode(t, r, 1)
	if !strings.Contains(r.out, `"HL1001"`) {
		t.Errorf("--quiet -f json wrote no report: %q", r.out)
	}
	r = hl(t, "lint", "--no-config", "-q", "-o", "report.txt", "Dockerfile")
	wantCode(t, r, 1)
	if b, err := os.ReadFile(filepath.Join(dir, "report.txt")); err != nil || r.out != "" || !strings.Contains(string(b), "HL1001") {
		t.Errorf("--quiet -o: stdout %q", r.out)
	}
	r = hl(t, "lint", "--no-config", "-q", "-v", "Dockerfile")
	wantCode(t, r, 2)
	if !strings.Contains(r.err, "hardline lint --help") {
		t.Errorf("usage error does not point at the command's help: %q", r.err)
	}
}

func TestProgressEnabled(t *testing.T) {
	env := func(kv ...string) func(string) string {
		return func(k string) string {
			for i := 0; i+1 < len(kv); i += 2 {
				if kv[i] == k {
					return kv[i+1]
				}
			}
			return ""
		}
	}
	tty := streams{errIsTerminal: true}
	for _, tc := range []struct {
		name  string
		s     streams
		quiet bool
		env   func(string) string
		want  bool
	}{
		{"terminal", tty, false, env(), true},
		{"pipe", streams{}, false, env(), false},
		{"quiet", tty, true, env(), false},
		{"CI", tty, false, env("CI", "true"), false},
		{"dumb terminal", tty, false, env("TERM", "dumb"), false},
	} {
		if got := progressEnabled(tc.s, tc.quiet, tc.env); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}

type lockedBuffer struct {
	mu chan struct{}
	b  bytes.Buffer
}

func newLockedBuffer() *lockedBuffer { return &lockedBuffer{mu: make(chan struct{}, 1)} }
func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu <- struct{}{}
	defer func() { <-l.mu }()
	return l.b.Write(p)
}
func (l *lockedBuffer) String() string {
	l.mu <- struct{}{}
	defer func() { <-l.mu }()
	return l.b.String()
}

func TestProgressLine(t *testing.T) {
	// Quick scans stay silent: nothing drawn before the delay, nothing to clear.
	var quick bytes.Buffer
	p := newProgress(&quick, time.Hour, time.Millisecond)
	p.image(lint.ImageProgress{Ref: "app.tar", Step: lint.StepOpen})
	time.Sleep(20 * time.Millisecond)
	p.finish()
	if quick.Len() != 0 {
		t.Errorf("progress drew before its delay: %q", quick.String())
	}

	w := newLockedBuffer()
	p = newProgress(w, 0, 5*time.Millisecond)
	p.image(lint.ImageProgress{Ref: "app.tar", Step: lint.StepLayers, Layers: 3, Bytes: 3 << 30})
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(w.String(), "reading 3 layers (3.0 GiB)") && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	p.image(lint.ImageProgress{Ref: strings.Repeat("registry.example.com/very/long/", 5) + "name:1", Step: lint.StepRules})
	time.Sleep(30 * time.Millisecond)
	p.finish()
	p.finish() // idempotent
	out := w.String()
	if !strings.HasPrefix(out, "\r\x1b[Khardline: app.tar: reading 3 layers (3.0 GiB) … 0s") {
		t.Errorf("progress line: %q", out)
	}
	if !strings.HasSuffix(out, "\r\x1b[K") {
		t.Errorf("progress line not cleared at the end: %q", out)
	}
	for _, line := range strings.Split(out, "\r\x1b[K") {
		if n := len([]rune(line)); n > progressWidth {
			t.Errorf("line of %d runes would wrap: %q", n, line)
		}
	}
	// Redraws only when the text changes (throttled by interval too).
	if n := strings.Count(out, "reading 3 layers"); n != 1 {
		t.Errorf("unchanged line drawn %d times", n)
	}
	var nilProgress *progress
	nilProgress.image(lint.ImageProgress{})
	nilProgress.finish()
}

// Pipes never get progress, whatever the scan takes.
func TestImageNoProgressInPipes(t *testing.T) {
	dir := workdir(t)
	refs := imageInputs(t, dir, musllikeImage(t))
	r := hl(t, "image", "--no-config", refs["docker-archive"])
	if strings.Contains(r.err, "\r") || strings.Contains(r.err, "\x1b[K") {
		t.Errorf("progress escapes on a non-terminal stderr: %q", r.err)
	}
}

// Every command a user can run shows examples in its --help; commands that
// only group others list those instead.
func TestHelpHasExamples(t *testing.T) {
	root := newRootCmd(streams{in: strings.NewReader(""), out: &bytes.Buffer{}, err: &bytes.Buffer{}})
	if root.Example == "" {
		t.Error("hardline --help has no examples")
	}
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if c.Runnable() && !c.HasSubCommands() && !c.Hidden && c.Name() != "help" && strings.TrimSpace(c.Example) == "" {
			t.Errorf("%q has no examples in its --help", c.CommandPath())
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}
