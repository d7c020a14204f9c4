//go:build e2e

package main

// End-to-end tests of where users run hardline (docs/ci.md): the pre-commit
// hooks under the real pre-commit, the GitHub Action's script and the
// example workflows (actionlint), the GitLab template's commands, and
// hardline's own image (cmd/hardline/Containerfile) built with buildah and
// scanned by hardline. Run with `make e2e`. Missing tools skip, unless
// HARDLINE_E2E_REQUIRE=1, which makes them failures.

import (
	"archive/tar"
	"bytes"
	"context"
	"debug/elf"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"gopkg.in/yaml.v3"
)

const actionlintModule = "github.com/rhysd/actionlint/cmd/actionlint@v1.7.12"

// integRequire skips (or, with HARDLINE_E2E_REQUIRE=1, fails) when a tool is missing.
func integRequire(t *testing.T, tools ...string) {
	t.Helper()
	var missing []string
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			missing = append(missing, tool)
		}
	}
	if len(missing) == 0 {
		return
	}
	msg := "missing " + strings.Join(missing, ", ") + " (on Debian: apt-get install " + strings.Join(missing, " ") + "; see docs/testing.md)"
	if os.Getenv(e2eRequireEnv) == "1" {
		t.Fatal(msg + "; " + e2eRequireEnv + "=1 makes this a failure")
	}
	t.Skip(msg)
}

// integHardline builds the binary as `make build` does, into the test's
// temporary directory (the Go build cache makes every build after the first
// a link).
func integHardline(t *testing.T) (bin, repo string) {
	t.Helper()
	repo, err := e2eFindRepoRoot(pkgDir)
	if err != nil {
		t.Fatal(err)
	}
	bin = filepath.Join(t.TempDir(), "bin", "hardline")
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags", "-X main.version=e2e", "-o", bin, "./cmd/hardline")
	cmd.Dir = repo
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin, repo
}

type integResult struct {
	code        int
	out, stderr string
	took        time.Duration
}

func integRun(t *testing.T, dir string, env []string, name string, args ...string) integResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	start := time.Now()
	err := cmd.Run()
	r := integResult{out: out.String(), stderr: errb.String(), took: time.Since(start)}
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee) && ee.Exited():
		r.code = ee.ExitCode()
	case err != nil:
		t.Fatalf("%s %s: %v\n%s%s", name, strings.Join(args, " "), err, r.out, r.stderr)
	}
	return r
}

func integMustRun(t *testing.T, dir string, env []string, name string, args ...string) integResult {
	t.Helper()
	r := integRun(t, dir, env, name, args...)
	if r.code != 0 {
		t.Fatalf("%s %s: exit %d\n%s%s", name, strings.Join(args, " "), r.code, r.out, r.stderr)
	}
	return r
}

const (
	integBadDF  = "FROM alpine:3.20\nRUN apk add --no-cache curl\nCMD [\"curl\", \"--version\"]\n"
	integGoodDF = "FROM alpine:3.20\nRUN apk add --no-cache curl tini \\\n && adduser -D -u 10001 app\nUSER 10001\nHEALTHCHECK NONE\nENTRYPOINT [\"/sbin/tini\", \"--\"]\nCMD [\"curl\", \"--version\"]\n"
)

// ---------------------------------------------------------------------------
// pre-commit

// integSnapshot copies the checkout as it is now (tracked and untracked
// files, uncommitted changes included, ignored files not) into a new git
// repository with one commit, which pre-commit can use as a hook source.
// The checkout itself is never touched.
func integSnapshot(t *testing.T, repo, dst string) string {
	t.Helper()
	ls := integMustRun(t, repo, nil, "git", "ls-files", "-z", "--cached", "--others", "--exclude-standard")
	for _, f := range strings.Split(strings.TrimRight(ls.out, "\x00"), "\x00") {
		st, err := os.Lstat(filepath.Join(repo, f))
		if err != nil || !st.Mode().IsRegular() {
			continue // deleted in the working tree, or not a file
		}
		b, err := os.ReadFile(filepath.Join(repo, f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dst, f)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dst, f), b, st.Mode().Perm()); err != nil {
			t.Fatal(err)
		}
	}
	git := integGitEnv()
	integMustRun(t, dst, git, "git", "init", "-q", "-b", "main")
	integMustRun(t, dst, git, "git", "add", "-A")
	integMustRun(t, dst, git, "git", "commit", "-q", "-m", "snapshot of the hardline checkout under test")
	return strings.TrimSpace(integMustRun(t, dst, git, "git", "rev-parse", "HEAD").out)
}

func integGitEnv() []string {
	return []string{"GIT_AUTHOR_NAME=e2e", "GIT_AUTHOR_EMAIL=e2e@example.invalid", "GIT_COMMITTER_NAME=e2e",
		"GIT_COMMITTER_EMAIL=e2e@example.invalid", "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1"}
}

func TestE2EPreCommit(t *testing.T) {
	integRequire(t, "pre-commit", "git", "go")
	bin, repo := integHardline(t)
	work := t.TempDir()
	src := filepath.Join(work, "hardline-src")
	rev := integSnapshot(t, repo, src)

	gomodcache := strings.TrimSpace(integMustRun(t, repo, nil, "go", "env", "GOMODCACHE").out)
	env := append(integGitEnv(),
		"PRE_COMMIT_HOME="+filepath.Join(work, "pre-commit-cache"),
		// pre-commit's golang language sets GOPATH to its environment; the
		// shared module cache only saves downloading the dependencies again.
		"GOMODCACHE="+gomodcache)

	for _, hook := range []string{"hardline", "hardline-system"} {
		t.Run(hook, func(t *testing.T) {
			env := env
			if hook == "hardline-system" {
				// The installed binary; the golang hook must build its own.
				env = append(env[:len(env):len(env)], "PATH="+filepath.Dir(bin)+string(os.PathListSeparator)+os.Getenv("PATH"))
			}
			user := filepath.Join(work, "user-"+hook)
			if err := os.MkdirAll(filepath.Join(user, "svc"), 0o755); err != nil {
				t.Fatal(err)
			}
			cfg := fmt.Sprintf("repos:\n  - repo: %s\n    rev: %s\n    hooks:\n      - id: %s\n", src, rev, hook)
			write(t, user, ".pre-commit-config.yaml", cfg)
			write(t, user, "README.md", "# a project\n\nFROM alpine\n")
			integMustRun(t, user, env, "git", "init", "-q", "-b", "main")
			integMustRun(t, user, env, "git", "add", "-A")
			integMustRun(t, user, env, "git", "commit", "-q", "-m", "init")

			start := time.Now()
			integMustRun(t, user, env, "pre-commit", "install", "--install-hooks")
			t.Logf("%s: pre-commit install --install-hooks took %v", hook, time.Since(start).Round(time.Millisecond))

			// A bad Dockerfile under a name pre-commit's dockerfile type misses.
			write(t, user, "svc/Containerfile", integBadDF)
			integMustRun(t, user, env, "git", "add", "-A")
			r := integRun(t, user, env, "git", "commit", "-m", "add service")
			if r.code == 0 {
				t.Fatalf("commit of a bad Containerfile passed:\n%s%s", r.out, r.stderr)
			}
			all := r.out + r.stderr
			for _, want := range []string{"Failed", "svc/Containerfile:1:1", "HL1001 run-as-root", "fix:"} {
				if !strings.Contains(all, want) {
					t.Errorf("commit output lacks %q:\n%s", want, all)
				}
			}
			if strings.Contains(all, "\x1b[") {
				t.Errorf("colour escapes in pre-commit's log:\n%q", all)
			}
			// README.md says FROM but is no Dockerfile: never passed to hardline.
			if strings.Contains(all, "README.md") {
				t.Errorf("the hook ran on README.md:\n%s", all)
			}

			write(t, user, "svc/Containerfile", integGoodDF)
			integMustRun(t, user, env, "git", "add", "-A")
			r = integRun(t, user, env, "git", "commit", "-m", "add service")
			if r.code != 0 || !strings.Contains(r.out+r.stderr, "Passed") {
				t.Fatalf("commit of a fixed Containerfile: exit %d\n%s%s", r.code, r.out, r.stderr)
			}

			// Whole-process time of the hook on one Dockerfile, as a user
			// waits for it (pre-commit startup included), and hardline alone.
			var hookTimes, hlTimes []time.Duration
			for range 5 {
				hookTimes = append(hookTimes, integMustRun(t, user, env, "pre-commit", "run", hook, "--files", "svc/Containerfile").took)
				hlTimes = append(hlTimes, integMustRun(t, user, env, bin, "lint", "svc/Containerfile").took)
			}
			t.Logf("%s on one Dockerfile, 5 runs: pre-commit run %v; hardline lint alone %v", hook, integRound(hookTimes), integRound(hlTimes))
		})
	}
}

func integRound(ds []time.Duration) []string {
	var out []string
	for _, d := range ds {
		out = append(out, d.Round(time.Millisecond).String())
	}
	return out
}

// The hooks' file patterns, as pre-commit applies them (Python's re, which
// agrees with Go's RE2 on these patterns): every Dockerfile name hardline
// walks for, in any case, and nothing else.
func TestE2EPreCommitPatterns(t *testing.T) {
	repo, err := e2eFindRepoRoot(pkgDir)
	if err != nil {
		t.Fatal(err)
	}
	var hooks []struct {
		ID, Files, Exclude string
		Types              []string
		Language           string
	}
	b, err := os.ReadFile(filepath.Join(repo, ".pre-commit-hooks.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(b, &hooks); err != nil {
		t.Fatal(err)
	}
	if len(hooks) != 2 || hooks[0].ID != "hardline" || hooks[0].Language != "golang" || hooks[1].ID != "hardline-system" || hooks[1].Language != "system" {
		t.Fatalf("hooks: %+v", hooks)
	}
	for _, h := range hooks {
		files, exclude := regexp.MustCompile(h.Files), regexp.MustCompile(h.Exclude)
		sel := func(p string) bool { return files.MatchString(p) && !exclude.MatchString(p) }
		for _, p := range []string{"Dockerfile", "svc/Containerfile", "dockerfile", "DOCKERFILE", "a/b/app.Dockerfile",
			"Dockerfile.prod", "x.containerfile", "Containerfile.dev", "build/Dockerfile.alpine-3.20"} {
			if !sel(p) {
				t.Errorf("%s: %s not selected", h.ID, p)
			}
		}
		for _, p := range []string{"README.md", "Dockerfile.md", "docs/dockerfile.go", "Dockerfile.j2", ".dockerignore",
			"app.dockerignore", "Dockerfile~", "notadockerfile", "Dockerfiles/readme", "dockerfile.rego"} {
			if sel(p) {
				t.Errorf("%s: %s selected", h.ID, p)
			}
		}
	}
}

// ---------------------------------------------------------------------------
// GitHub Action

type integAction struct {
	Inputs  map[string]struct{ Default string } `yaml:"inputs"`
	Outputs map[string]struct{ Value string }   `yaml:"outputs"`
	Runs    struct {
		Using string `yaml:"using"`
		Steps []struct {
			ID   string            `yaml:"id"`
			Uses string            `yaml:"uses"`
			Run  string            `yaml:"run"`
			Env  map[string]string `yaml:"env"`
		} `yaml:"steps"`
	} `yaml:"runs"`
}

var integExprRE = regexp.MustCompile(`\$\{\{\s*([^}]*?)\s*\}\}`)

// runActionStep runs the action's "run" step as the runner would: bash, its
// env with the inputs substituted, GITHUB_OUTPUT, and hardline on PATH.
func runActionStep(t *testing.T, a *integAction, bin, dir string, inputs map[string]string) (integResult, map[string]string) {
	t.Helper()
	for k := range inputs {
		if _, ok := a.Inputs[k]; !ok {
			t.Fatalf("the action has no input %q", k)
		}
	}
	var step *struct {
		ID   string            `yaml:"id"`
		Uses string            `yaml:"uses"`
		Run  string            `yaml:"run"`
		Env  map[string]string `yaml:"env"`
	}
	for i := range a.Runs.Steps {
		if a.Runs.Steps[i].ID == "run" {
			step = &a.Runs.Steps[i]
		}
	}
	if step == nil {
		t.Fatal("action.yml has no step with id run")
	}
	out := filepath.Join(t.TempDir(), "github-output")
	env := []string{"GITHUB_OUTPUT=" + out, "PATH=" + filepath.Dir(bin) + string(os.PathListSeparator) + os.Getenv("PATH"), "NO_COLOR=1"}
	for k, v := range step.Env {
		v = integExprRE.ReplaceAllStringFunc(v, func(m string) string {
			expr := integExprRE.FindStringSubmatch(m)[1]
			name, ok := strings.CutPrefix(expr, "inputs.")
			if !ok {
				t.Fatalf("unexpected expression %s in the run step's env", m)
			}
			if val, ok := inputs[name]; ok {
				return val
			}
			return a.Inputs[name].Default
		})
		env = append(env, k+"="+v)
	}
	if integExprRE.MatchString(step.Run) {
		t.Errorf("the run script splices an expression into shell code: %v", integExprRE.FindAllString(step.Run, -1))
	}
	r := integRun(t, dir, env, "bash", "-e", "-c", step.Run)
	outputs := map[string]string{}
	b, _ := os.ReadFile(out)
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(line, "="); ok {
			outputs[k] = v
		}
	}
	return r, outputs
}

func TestE2EGitHubAction(t *testing.T) {
	integRequire(t, "bash")
	bin, repo := integHardline(t)
	var a integAction
	b, err := os.ReadFile(filepath.Join(repo, ".github/actions/hardline/action.yml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(b, &a); err != nil {
		t.Fatal(err)
	}
	if a.Runs.Using != "composite" {
		t.Fatalf("runs.using = %q", a.Runs.Using)
	}
	for _, in := range []string{"paths", "image", "format", "output", "fail-on", "config", "version", "category", "args"} {
		if _, ok := a.Inputs[in]; !ok {
			t.Errorf("input %s missing", in)
		}
	}
	if !strings.Contains(a.Outputs["sarif"].Value, "steps.run.outputs.sarif") {
		t.Errorf("output sarif: %q", a.Outputs["sarif"].Value)
	}

	dir := t.TempDir()
	write(t, dir, "svc/Dockerfile", integBadDF)
	write(t, dir, "ok/Dockerfile", integGoodDF)
	write(t, dir, "evil $(touch pwned)/Dockerfile", integGoodDF)

	t.Run("findings", func(t *testing.T) {
		r, out := runActionStep(t, &a, bin, dir, map[string]string{"paths": "svc\nok", "category": "hardline/dockerfiles"})
		if r.code != 1 || out["exit-code"] != "1" {
			t.Fatalf("exit %d, outputs %v\n%s%s", r.code, out, r.out, r.stderr)
		}
		if out["sarif"] != filepath.Join(dir, "hardline.sarif") || out["report"] != out["sarif"] {
			t.Fatalf("outputs %v", out)
		}
		var log struct {
			Runs []struct {
				AutomationDetails struct{ ID string }       `json:"automationDetails"`
				Results           []struct{ RuleID string } `json:"results"`
			} `json:"runs"`
		}
		sb, err := os.ReadFile(out["sarif"])
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(sb, &log); err != nil {
			t.Fatal(err)
		}
		if len(log.Runs) != 1 || log.Runs[0].AutomationDetails.ID != "hardline/dockerfiles/" || len(log.Runs[0].Results) == 0 {
			t.Errorf("SARIF: %d runs, %+v", len(log.Runs), log.Runs)
		}
		if !strings.Contains(r.out, "::error title=hardline::") {
			t.Errorf("no error annotation:\n%s", r.out)
		}
	})
	t.Run("clean, odd path names are data", func(t *testing.T) {
		r, out := runActionStep(t, &a, bin, dir, map[string]string{"paths": "ok", "format": "json", "output": "out/r.json", "args": "--tags user,init"})
		// out/ does not exist: the report cannot be written, and no output names it.
		if r.code != 2 || out["exit-code"] != "2" || out["report"] != "" {
			t.Fatalf("unwritable output: exit %d, outputs %v", r.code, out)
		}
		if err := os.MkdirAll(filepath.Join(dir, "out"), 0o755); err != nil {
			t.Fatal(err)
		}
		r, out = runActionStep(t, &a, bin, dir, map[string]string{"paths": "ok", "format": "json", "output": "out/r.json", "args": "--tags user,init"})
		if r.code != 0 || out["exit-code"] != "0" || out["sarif"] != "" || out["report"] != filepath.Join(dir, "out/r.json") {
			t.Fatalf("exit %d, outputs %v\n%s%s", r.code, out, r.out, r.stderr)
		}
		r, _ = runActionStep(t, &a, bin, dir, map[string]string{"paths": "evil $(touch pwned)", "output": ""})
		if _, err := os.Stat(filepath.Join(dir, "pwned")); err == nil {
			t.Fatal("a path input ran as shell code")
		}
		if r.code != 2 { // split on whitespace: "evil" and "$(touch" do not exist
			t.Errorf("exit %d\n%s%s", r.code, r.out, r.stderr)
		}
	})
	t.Run("image", func(t *testing.T) {
		refs := imageInputs(t, dir, musllikeImage(t))
		r, out := runActionStep(t, &a, bin, dir, map[string]string{"image": refs["docker-archive"], "fail-on": "none", "output": "image.sarif"})
		if r.code != 0 || out["sarif"] != filepath.Join(dir, "image.sarif") {
			t.Fatalf("exit %d, outputs %v\n%s%s", r.code, out, r.out, r.stderr)
		}
		if sb, _ := os.ReadFile(out["sarif"]); !bytes.Contains(sb, []byte(`"id": "hardline/image/"`)) && !bytes.Contains(sb, []byte(`"id":"hardline/image/"`)) {
			t.Errorf("image SARIF lacks the default category")
		}
	})
	t.Run("actionlint", func(t *testing.T) { integActionlint(t, repo) })
}

// integActionlint checks the workflows docs/ci.md shows, with the action's
// metadata in place so that their `with:` inputs are checked against it.
func integActionlint(t *testing.T, repo string) {
	integRequire(t, "go")
	doc, err := os.ReadFile(filepath.Join(repo, "docs/ci.md"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	integMustRun(t, dir, integGitEnv(), "git", "init", "-q")
	action, err := os.ReadFile(filepath.Join(repo, ".github/actions/hardline/action.yml"))
	if err != nil {
		t.Fatal(err)
	}
	write(t, dir, ".github/actions/hardline/action.yml", string(action))
	blocks := regexp.MustCompile("(?s)```yaml\n# (\\.github/workflows/[^\n]+)\n(.*?)```").FindAllStringSubmatch(string(doc), -1)
	if len(blocks) < 2 {
		t.Fatalf("docs/ci.md shows %d workflows, want the two examples", len(blocks))
	}
	for _, m := range blocks {
		wf := regexp.MustCompile(`hardline-dev/hardline/\.github/actions/hardline@\S+`).ReplaceAllString(m[2], "./.github/actions/hardline")
		if wf == m[2] {
			t.Errorf("%s does not use the action", m[1])
		}
		write(t, dir, m[1], wf)
	}
	args := []string{"run", actionlintModule, "-color=false"}
	r := integRun(t, dir, []string{"GOFLAGS=-mod=mod"}, "go", args...)
	if r.code != 0 {
		t.Errorf("actionlint:\n%s%s", r.out, r.stderr)
	}
	// A wrong input name must be caught, or the check above proves nothing.
	write(t, dir, ".github/workflows/bad.yml", "on: push\njobs:\n  j:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: ./.github/actions/hardline\n        with:\n          pathz: .\n")
	if r := integRun(t, dir, []string{"GOFLAGS=-mod=mod"}, "go", args...); r.code == 0 || !strings.Contains(r.out, "pathz") {
		t.Errorf("actionlint accepted an unknown input:\n%s%s", r.out, r.stderr)
	}
}

// ---------------------------------------------------------------------------
// GitLab

func TestE2EGitLabTemplate(t *testing.T) {
	integRequire(t, "sh")
	bin, repo := integHardline(t)
	b, err := os.ReadFile(filepath.Join(repo, ".gitlab/hardline.gitlab-ci.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var tpl map[string]any
	if err := yaml.Unmarshal(b, &tpl); err != nil {
		t.Fatal(err)
	}
	type job struct {
		Variables    map[string]string `yaml:"variables"`
		BeforeScript []any             `yaml:"before_script"`
		Script       []string          `yaml:"script"`
		Artifacts    struct {
			Reports struct{ Codequality string } `yaml:"reports"`
			Paths   []string                     `yaml:"paths"`
		} `yaml:"artifacts"`
	}
	var doc struct {
		Variables map[string]string `yaml:"variables"`
		Lint      job               `yaml:"hardline"`
		Image     job               `yaml:".hardline-image"`
	}
	if err := yaml.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	write(t, dir, "svc/Dockerfile", integBadDF)
	refs := imageInputs(t, dir, musllikeImage(t))
	for _, tc := range []struct {
		name     string
		job      job
		vars     map[string]string
		wantCode int
	}{
		{"hardline", doc.Lint, map[string]string{}, 1},
		{"hardline fail-on none", doc.Lint, map[string]string{"HARDLINE_FAIL_ON": "none"}, 0},
		{".hardline-image", doc.Image, map[string]string{"HARDLINE_IMAGE": refs["docker-archive"], "HARDLINE_FAIL_ON": "critical"}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := []string{"PATH=" + filepath.Dir(bin) + string(os.PathListSeparator) + os.Getenv("PATH"), "NO_COLOR=1"}
			for _, vs := range []map[string]string{doc.Variables, tc.job.Variables, tc.vars} {
				for k, v := range vs {
					env = append(env, k+"="+v)
				}
			}
			if len(tc.job.Script) != 3 || tc.job.Artifacts.Reports.Codequality == "" {
				t.Fatalf("job: %+v", tc.job)
			}
			code := 0
			for _, line := range tc.job.Script {
				r := integRun(t, dir, env, "sh", "-c", line)
				if r.code != 0 {
					code = r.code
					if strings.Contains(r.stderr, "unknown") || r.code == 2 {
						t.Errorf("%s: exit %d\n%s%s", line, r.code, r.out, r.stderr)
					}
				}
			}
			if code != tc.wantCode {
				t.Errorf("job exit %d, want %d", code, tc.wantCode)
			}
			var cq []map[string]any
			cqb, err := os.ReadFile(filepath.Join(dir, tc.job.Artifacts.Reports.Codequality))
			if err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(cqb, &cq); err != nil || len(cq) == 0 {
				t.Errorf("code quality report: %v, %d entries", err, len(cq))
			}
			for _, p := range tc.job.Artifacts.Paths {
				if _, err := os.Stat(filepath.Join(dir, p)); err != nil {
					t.Errorf("artifact %s: %v", p, err)
				}
			}
			for _, p := range tc.job.Artifacts.Paths {
				_ = os.Remove(filepath.Join(dir, p))
			}
		})
	}
}

// ---------------------------------------------------------------------------
// hardline's own image

func TestE2EOwnImage(t *testing.T) {
	integRequire(t, "buildah")
	if os.Geteuid() != 0 {
		if os.Getenv(e2eRequireEnv) == "1" {
			t.Fatal("building hardline's image with buildah's chroot isolation needs root")
		}
		t.Skip("building hardline's image with buildah's chroot isolation needs root")
	}
	bin, repo := integHardline(t)
	work := t.TempDir()
	bctx := filepath.Join(work, "context")
	if err := os.MkdirAll(bctx, 0o755); err != nil {
		t.Fatal(err)
	}
	for src, dst := range map[string]string{bin: "hardline", "/etc/ssl/certs/ca-certificates.crt": "ca-certificates.crt"} {
		b, err := os.ReadFile(src)
		if err != nil {
			t.Fatalf("%v (the image needs the host's CA bundle: apt-get install ca-certificates)", err)
		}
		if err := os.WriteFile(filepath.Join(bctx, dst), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	bu := []string{"--root", filepath.Join(work, "root"), "--runroot", filepath.Join(work, "runroot"), "--storage-driver", "vfs"}
	env := []string{"BUILDAH_ISOLATION=chroot", "REGISTRY_AUTH_FILE=" + filepath.Join(work, "auth.json")}
	write(t, work, "auth.json", `{"auths":{}}`)
	integMustRun(t, repo, env, "buildah", append(bu, "bud", "-q", "--layers", "--format", "docker", "--isolation", "chroot",
		"--build-arg", "VERSION=e2e", "--build-arg", "REVISION=0123abc", "-f", "cmd/hardline/Containerfile", "-t", "localhost/hardline:e2e", bctx)...)
	archive := filepath.Join(work, "hardline-image.tar")
	integMustRun(t, repo, env, "buildah", append(bu, "push", "-q", "localhost/hardline:e2e", "docker-archive:"+archive+":localhost/hardline:e2e")...)
	t.Cleanup(func() { _ = exec.Command("buildah", append(bu, "rm", "-a")...).Run() })

	// With the repository's .hardline.yaml: nothing fails, and whatever is
	// suppressed is waived there with a reason.
	checkWaived := func(what string, r integResult) {
		t.Helper()
		if r.code != 0 {
			t.Fatalf("%s: exit %d\n%s%s", what, r.code, r.out, r.stderr)
		}
		var rep struct {
			Findings []struct {
				RuleID     string `json:"rule_id"`
				Suppressed *struct {
					Kind, Reason, Source string
				} `json:"suppressed"`
			} `json:"findings"`
		}
		if err := json.Unmarshal([]byte(r.out), &rep); err != nil {
			t.Fatal(err)
		}
		for _, f := range rep.Findings {
			if f.Suppressed == nil || f.Suppressed.Kind != "config" || len(f.Suppressed.Reason) < 40 || !strings.HasPrefix(f.Suppressed.Source, ".hardline.yaml") {
				t.Errorf("%s: %s is not waived in .hardline.yaml with a reason: %+v", what, f.RuleID, f.Suppressed)
			}
		}
		t.Logf("%s: %d findings, all waived in .hardline.yaml", what, len(rep.Findings))
	}
	checkWaived("lint", integRun(t, repo, nil, bin, "lint", "-f", "json", "cmd/hardline/Containerfile"))
	checkWaived("image", integRun(t, repo, nil, bin, "image", "-f", "json", "--dockerfile", "cmd/hardline/Containerfile", archive))
	// Without the waivers the lint is not clean, so the check above had something to check.
	if r := integRun(t, repo, nil, bin, "lint", "--no-config", "-q", "cmd/hardline/Containerfile"); r.code != 1 {
		t.Errorf("lint --no-config: exit %d, want 1 (HL1004)", r.code)
	}

	// The facts: non-root numeric user, a static ELF entrypoint, no libc.
	var facts struct {
		Config struct {
			User       string
			Entrypoint []string
			Labels     map[string]string
		}
		User struct {
			UID      int  `json:"uid"`
			UIDKnown bool `json:"uid_known"`
		}
		Exec struct {
			Kind     string
			Runnable bool
		}
		Libc struct{ Kind string }
		ELF  []struct {
			Path, Interpreter string
			Needed            []string
		} `json:"elf"`
	}
	r := integMustRun(t, repo, nil, bin, "facts", "image", archive)
	if err := json.Unmarshal([]byte(r.out), &facts); err != nil {
		t.Fatal(err)
	}
	if facts.User.UID != 65532 || !facts.User.UIDKnown || facts.Config.User != "65532:65532" {
		t.Errorf("user: %+v / %q", facts.User, facts.Config.User)
	}
	if fmt.Sprint(facts.Config.Entrypoint) != "[/usr/local/bin/hardline]" || facts.Exec.Kind != "elf" || !facts.Exec.Runnable {
		t.Errorf("entrypoint %v, exec %+v", facts.Config.Entrypoint, facts.Exec)
	}
	if facts.Libc.Kind != "none" || len(facts.ELF) != 0 {
		t.Errorf("libc %q, dynamic ELF files %+v: the image should hold one static binary", facts.Libc.Kind, facts.ELF)
	}
	for k, v := range map[string]string{"org.opencontainers.image.version": "e2e", "org.opencontainers.image.revision": "0123abc",
		"org.opencontainers.image.source": "https://github.com/hardline-dev/hardline"} {
		if facts.Config.Labels[k] != v {
			t.Errorf("label %s = %q, want %q", k, facts.Config.Labels[k], v)
		}
	}

	// The layers themselves: no shell, and an ELF without interpreter or
	// shared libraries (facts aside, checked with debug/elf).
	img, err := tarball.ImageFromPath(archive, nil)
	if err != nil {
		t.Fatal(err)
	}
	layers, err := img.Layers()
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]bool{}
	var entry []byte
	for _, l := range layers {
		rc, err := l.Uncompressed()
		if err != nil {
			t.Fatal(err)
		}
		tr := tar.NewReader(rc)
		for {
			h, err := tr.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			name := "/" + strings.TrimPrefix(filepath.Clean("/"+h.Name), "/")
			files[name] = true
			if name == "/usr/local/bin/hardline" {
				entry, _ = io.ReadAll(tr)
				if h.Uid != 0 || h.Mode&0o022 != 0 {
					t.Errorf("the binary is owned by %d with mode %o: want root-owned, not writable by others", h.Uid, h.Mode)
				}
			}
		}
		rc.Close()
	}
	for _, sh := range []string{"/bin/sh", "/bin/bash", "/bin/busybox", "/usr/bin/sh"} {
		if files[sh] {
			t.Errorf("the image has %s", sh)
		}
	}
	if !files["/etc/ssl/certs/ca-certificates.crt"] {
		t.Error("no CA bundle in the image")
	}
	ef, err := elf.NewFile(bytes.NewReader(entry))
	if err != nil {
		t.Fatalf("entrypoint is not ELF: %v", err)
	}
	for _, p := range ef.Progs {
		if p.Type == elf.PT_INTERP || p.Type == elf.PT_DYNAMIC {
			t.Errorf("the entrypoint is dynamically linked (%v)", p.Type)
		}
	}
	t.Logf("image: %d layers, files %v", len(layers), integKeys(files))
}

func integKeys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
