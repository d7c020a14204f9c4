// Package compare checks that the Dockerfile lint warnings hardline records
// as facts (Document.Lint) are the ones BuildKit itself gives for the same
// file. pkg/dockerfile runs only four of BuildKit's checks through
// BuildKit's code; the others are re-run by hardline at the same points of
// its own dispatch replay, because the package that runs them in BuildKit
// (dockerfile2llb) would pull containerd, gRPC and OpenTelemetry into
// hardline. This module runs the real dockerfile2llb.Dockerfile2LLB beside
// dockerfile.Parse and fails on any difference. It is a separate module
// (see README.md); run it from this directory:
//
//	go test -count=1 .                   # inline cases, then the corpus
//	go test -count=1 -run Corpus -v .    # the corpus, with the summary line
package compare

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/moby/buildkit/client/llb/sourceresolver"
	"github.com/moby/buildkit/frontend/dockerfile/dockerfile2llb"
	"github.com/moby/buildkit/frontend/dockerfile/linter"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/frontend/dockerui"
	opspb "github.com/moby/buildkit/solver/pb"
	digest "github.com/opencontainers/go-digest"

	"github.com/hardline-dev/hardline/pkg/dockerfile"
)

// warning is what both sides are compared on. Columns, descriptions and
// URLs are left out: hardline takes the latter two from BuildKit's rule
// definitions, and the columns are not part of what it promises.
type warning struct {
	Rule    string
	Line    int
	Message string
}

func (w warning) String() string { return fmt.Sprintf("%s line %d: %s", w.Rule, w.Line, w.Message) }

func less(a, b warning) int {
	if c := strings.Compare(a.Rule, b.Rule); c != 0 {
		return c
	}
	if a.Line != b.Line {
		return a.Line - b.Line
	}
	return strings.Compare(a.Message, b.Message)
}

// stubResolver answers every image lookup with an empty Linux config, so
// that dockerfile2llb converts without a registry. An empty config means no
// base-image ENV: UndefinedVar then fires where hardline marks the warning
// BaseEnvUnknown, which is what hardline records too.
type stubResolver struct{}

func (stubResolver) ResolveImageConfig(_ context.Context, ref string, _ sourceresolver.Opt) (string, digest.Digest, []byte, error) {
	return ref, "", []byte(`{"architecture":"amd64","os":"linux","config":{}}`), nil
}

// errBuildKitPanic marks a panic inside BuildKit's conversion, which is
// skipped like a conversion error but counted separately.
var errBuildKitPanic = errors.New("panic in dockerfile2llb")

// allLLBCaps is what an up-to-date BuildKit daemon supports (its gateway
// forwarder offers the same set). Without it, a RUN --mount needing a
// capability check dereferences a nil CapSet.
var allLLBCaps = opspb.Caps.CapSet(opspb.Caps.All())

// buildkitWarnings converts src with BuildKit's own frontend and returns
// the warnings its Warn callback received. AllStages makes it check every
// stage, not only those the last one depends on, as hardline does.
func buildkitWarnings(src []byte, buildArgs map[string]string) (ws []warning, err error) {
	defer func() {
		if r := recover(); r != nil {
			ws, err = nil, fmt.Errorf("%w: %v", errBuildKitPanic, r)
		}
	}()
	var mu sync.Mutex
	_, err = dockerfile2llb.Dockerfile2LLB(context.Background(), src, dockerfile2llb.ConvertOpt{
		Config:       dockerui.Config{BuildArgs: buildArgs},
		MetaResolver: stubResolver{},
		LLBCaps:      &allLLBCaps,
		AllStages:    true,
		Warn: func(rule, _, _, msg string, loc []parser.Range) {
			line := 0
			if len(loc) > 0 {
				line = loc[0].Start.Line
			}
			mu.Lock()
			ws = append(ws, warning{rule, line, msg})
			mu.Unlock()
		},
	})
	if err != nil {
		return nil, err
	}
	return dedupe(ws), nil
}

// hardline is the `lint` of hardline's facts document, built the way
// pkg/lint builds it (no target, default base images).
type hardline struct {
	warnings []warning
	// baseEnvUnknown holds the lines of UndefinedVar warnings hardline
	// marks BaseEnvUnknown (the stage's image may define the variable).
	baseEnvUnknown map[int]bool
}

func hardlineWarnings(name string, src []byte, buildArgs map[string]string) (hardline, error) {
	doc, err := dockerfile.Parse(name, src, dockerfile.Options{BuildArgs: buildArgs})
	if err != nil {
		return hardline{}, err
	}
	hl := hardline{warnings: make([]warning, 0, len(doc.Lint)), baseEnvUnknown: map[int]bool{}}
	for _, l := range doc.Lint {
		hl.warnings = append(hl.warnings, warning{l.Rule, l.Location.StartLine, l.Message})
		if l.BaseEnvUnknown {
			hl.baseEnvUnknown[l.Location.StartLine] = true
		}
	}
	hl.warnings = dedupe(hl.warnings)
	return hl, nil
}

// dedupe makes a sorted set: BuildKit reports UndefinedVar once per
// expanded word (`COPY $X $X` warns twice) and hardline keeps one.
func dedupe(ws []warning) []warning {
	slices.SortFunc(ws, less)
	return slices.Compact(ws)
}

// windowsDrivePath is a quoted WORKDIR path that starts with a drive
// letter: `C:\app`, or `C:app` when the Dockerfile's escape character ate
// the backslash. hardline's isAbsWorkdir accepts the same.
var windowsDrivePath = regexp.MustCompile(`"[A-Za-z]:`)

// Reasons a BuildKit-only warning is allowed; the corpus summary counts
// each.
const (
	allowNone         = ""
	allowWindowsPath  = "Windows WORKDIR"
	allowBaseEnvWkdir = "WORKDIR from base-image ENV"
)

// allowedBuildKitOnly is the allow-list of known, intended differences: a
// warning BuildKit gives that hardline deliberately does not. It returns
// the reason, or allowNone. Only this direction is allowed; a warning only
// hardline gives is always a failure. Both entries come from the stub
// resolver, which answers every FROM with an empty Linux image config.
func allowedBuildKitOnly(w warning, hl hardline) string {
	if w.Rule != linter.RuleWorkdirRelativePath.Name {
		return allowNone
	}
	// BuildKit decides whether a WORKDIR is absolute by the stage's
	// platform, which the stub makes Linux, so `WORKDIR C:\app` in a
	// Windows image warns. hardline treats drive-letter paths as absolute
	// whatever the platform: the corpus' Windows Dockerfiles (FROM
	// mcr.microsoft.com/windows/...) build on Windows, where they are.
	if windowsDrivePath.MatchString(w.Message) {
		return allowWindowsPath
	}
	// `WORKDIR $HOME` in a stage built from an image: the stub's image
	// has no ENV, so BuildKit expands the path to "" and warns. The real
	// image usually defines the variable; hardline, which never fetches
	// the image, marks the UndefinedVar on that line BaseEnvUnknown and
	// treats the path as unknown rather than relative (pkg/dockerfile
	// lint.go, WORKDIR case). Real BuildKit with the real image would
	// warn only if the image lacked the variable.
	if hl.baseEnvUnknown[w.Line] {
		return allowBaseEnvWkdir
	}
	return allowNone
}

// diff returns the warnings only BuildKit gives (minus the allow-list),
// only hardline gives, and how many BuildKit-only ones were allowed, by
// reason.
func diff(bk []warning, hl hardline) (onlyBK, onlyHL []warning, allowed map[string]int) {
	allowed = map[string]int{}
	for _, w := range bk {
		if _, found := slices.BinarySearchFunc(hl.warnings, w, less); found {
			continue
		}
		if why := allowedBuildKitOnly(w, hl); why != allowNone {
			allowed[why]++
			continue
		}
		onlyBK = append(onlyBK, w)
	}
	for _, w := range hl.warnings {
		if _, found := slices.BinarySearchFunc(bk, w, less); !found {
			onlyHL = append(onlyHL, w)
		}
	}
	return onlyBK, onlyHL, allowed
}

// ---------------------------------------------------------------------------
// Inline cases: meaningful without the corpus.

// compareSrc runs both sides on one file.
func compareSrc(t *testing.T, src string, buildArgs map[string]string) (bk []warning, hl hardline, onlyBK, onlyHL []warning, allowed map[string]int) {
	t.Helper()
	bk, err := buildkitWarnings([]byte(src), buildArgs)
	if err != nil {
		t.Fatalf("BuildKit: %v", err)
	}
	hl, err = hardlineWarnings("Dockerfile", []byte(src), buildArgs)
	if err != nil {
		t.Fatalf("hardline: %v", err)
	}
	onlyBK, onlyHL, allowed = diff(bk, hl)
	return bk, hl, onlyBK, onlyHL, allowed
}

func TestInline(t *testing.T) {
	type want struct {
		rule string
		line int
		// in is a fragment of the message (the variable, stage or path it
		// names), so that a wrong subject is caught without copying
		// BuildKit's wording.
		in string
	}
	cases := []struct {
		name, src string
		// buildArgs are --build-arg values, given to both sides.
		buildArgs map[string]string
		want      []want // every warning BuildKit gives, and no others
	}{
		{
			// BuildKit checks FROM with the ARG defaults only; without
			// the build arg the conversion itself fails.
			name:      "ARG without default in FROM, value given at build",
			src:       "ARG TAG\nFROM alpine:${TAG}\nRUN true\n",
			buildArgs: map[string]string{"TAG": "3.20"},
			want:      []want{{"InvalidDefaultArgInFrom", 2, "alpine:${TAG}"}},
		},
		{
			name:      "ARG with default in FROM",
			src:       "ARG TAG=3.20\nFROM alpine:${TAG}\nRUN true\n",
			buildArgs: map[string]string{"TAG": "3.21"},
		},
		{
			name:      "ARG with empty default as the whole base name",
			src:       "ARG IMG=\nFROM alpine AS a\nFROM ${IMG} AS b\n",
			buildArgs: map[string]string{"IMG": "busybox"},
			want:      []want{{"InvalidDefaultArgInFrom", 3, "${IMG}"}},
		},
		{
			name: "UndefinedVar, one with a suggestion",
			src:  "FROM alpine\nARG VERSION=1\nENV APP_VERSION=$VERSOIN\nCOPY $SRC_DIR /app\n",
			want: []want{{"UndefinedVar", 3, "did you mean $VERSION"}, {"UndefinedVar", 4, "$SRC_DIR"}},
		},
		{
			name: "UndefinedVar: an ARG before FROM is not in scope after it",
			src:  "ARG DIR=/app\nFROM scratch\nWORKDIR $DIR\n",
			want: []want{{"UndefinedVar", 3, "$DIR"}, {"WorkdirRelativePath", 3, `""`}},
		},
		{
			name: "no UndefinedVar: ARG redeclared in the stage, RUN expands at run time",
			src:  "ARG DIR=/app\nFROM alpine\nARG DIR\nWORKDIR $DIR\nRUN echo $UNSET_AT_BUILD\n",
		},
		{
			name: "FromAsCasing",
			src:  "FROM alpine as build\nRUN true\nFROM build\n",
			want: []want{{"FromAsCasing", 1, "'as'"}},
		},
		{
			name: "no FromAsCasing when the casing agrees",
			src:  "from alpine as build\nrun true\nFROM build AS final\n",
			want: []want{{"ConsistentInstructionCasing", 3, "FROM"}},
		},
		{
			name: "MultipleInstructionsDisallowed reports the earlier ones",
			src:  "FROM alpine\nCMD [\"a\"]\nENTRYPOINT [\"x\"]\nCMD [\"b\"]\nENTRYPOINT [\"y\"]\nCMD [\"c\"]\n",
			want: []want{
				{"MultipleInstructionsDisallowed", 2, "CMD"},
				{"MultipleInstructionsDisallowed", 3, "ENTRYPOINT"},
				{"MultipleInstructionsDisallowed", 4, "CMD"},
			},
		},
		{
			name: "one CMD per stage is allowed",
			src:  "FROM alpine AS a\nCMD [\"a\"]\nFROM alpine\nCMD [\"b\"]\n",
		},
		{
			name: "check directive skips a rule",
			src:  "# check=skip=FromAsCasing\nFROM alpine as build\n",
		},
		{
			name: "relative Linux WORKDIR is compared, not allow-listed",
			src:  "FROM alpine\nWORKDIR app\n",
			want: []want{{"WorkdirRelativePath", 2, `"app"`}},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			bk, _, onlyBK, onlyHL, allowed := compareSrc(t, c.src, c.buildArgs)
			// The expectation is checked against BuildKit, so a case that
			// no longer exercises its rule fails instead of comparing two
			// empty sets.
			if len(bk) != len(c.want) {
				t.Errorf("BuildKit gave %d warnings, want %d: %v", len(bk), len(c.want), bk)
			}
			for _, w := range c.want {
				if !slices.ContainsFunc(bk, func(g warning) bool {
					return g.Rule == w.rule && g.Line == w.line && strings.Contains(g.Message, w.in)
				}) {
					t.Errorf("BuildKit: no %s at line %d mentioning %s; got %v", w.rule, w.line, w.in, bk)
				}
			}
			for _, w := range onlyBK {
				t.Errorf("BuildKit only: %v", w)
			}
			for _, w := range onlyHL {
				t.Errorf("hardline only: %v", w)
			}
			if len(allowed) > 0 {
				t.Errorf("allow-listed differences in a case that should have none: %v", allowed)
			}
		})
	}
}

// TestAllowList pins the allowed differences: each case has one, the
// allow-list accepts it for the right reason, and the warnings around it
// are still compared.
func TestAllowList(t *testing.T) {
	cases := []struct {
		name, src string
		why       string
		n         int
	}{
		{
			name: "drive-letter WORKDIR, default escape and backtick escape",
			src:  "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nWORKDIR C:\\app\nFROM mcr.microsoft.com/windows/nanoserver:ltsc2022\nWORKDIR d:\\\\data\n",
			why:  allowWindowsPath, n: 2,
		},
		{
			name: "backtick escape",
			src:  "# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nWORKDIR C:\\app\n",
			why:  allowWindowsPath, n: 1,
		},
		{
			name: "WORKDIR from a variable the base image may define",
			src:  "FROM alpine\nWORKDIR \"${HOME}\"\nFROM scratch AS s\nWORKDIR /\n",
			why:  allowBaseEnvWkdir, n: 1,
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			bk, hl, onlyBK, onlyHL, allowed := compareSrc(t, c.src, nil)
			if allowed[c.why] != c.n || len(allowed) != 1 || len(onlyBK)+len(onlyHL) != 0 {
				t.Errorf("allowed %v (want %d %q), BuildKit only %v, hardline only %v; BuildKit %v, hardline %v",
					allowed, c.n, c.why, onlyBK, onlyHL, bk, hl.warnings)
			}
		})
	}

	// The same WORKDIR $HOME from scratch has no image ENV to come from:
	// both warn, and nothing is allowed.
	_, _, onlyBK, onlyHL, allowed := compareSrc(t, "FROM scratch\nWORKDIR \"${HOME}\"\n", nil)
	if len(allowed) != 0 || len(onlyBK)+len(onlyHL) != 0 {
		t.Errorf("FROM scratch: allowed %v, BuildKit only %v, hardline only %v", allowed, onlyBK, onlyHL)
	}

	// Only the BuildKit-only direction is allowed.
	win := warning{"WorkdirRelativePath", 2, `Relative workdir "C:\\app" can have unexpected results if the base image changes`}
	if _, onlyHL, _ := diff(nil, hardline{warnings: []warning{win}}); len(onlyHL) != 1 {
		t.Errorf("a hardline-only drive-letter warning was not reported")
	}
	// Nothing else matches.
	env := hardline{baseEnvUnknown: map[int]bool{2: true}}
	for _, w := range []warning{
		{"WorkdirRelativePath", 2, `Relative workdir "app/C:\\x" can have unexpected results if the base image changes`},
		{"UndefinedVar", 2, `Usage of undefined variable '$X' (did you mean "C:\\x"?)`},
		{"UndefinedVar", 2, `Usage of undefined variable '$HOME'`},
	} {
		if why := allowedBuildKitOnly(w, hardline{}); why != allowNone {
			t.Errorf("allow-list matches %v: %s", w, why)
		}
		if w.Rule != "WorkdirRelativePath" {
			if why := allowedBuildKitOnly(w, env); why != allowNone {
				t.Errorf("allow-list matches %v: %s", w, why)
			}
		}
	}
	if why := allowedBuildKitOnly(warning{"WorkdirRelativePath", 3, `Relative workdir ""`}, env); why != allowNone {
		t.Errorf("base-env entry matched a WORKDIR on another line: %s", why)
	}
}

// requiredVersion is the version of mod that the go.mod at path requires.
func requiredVersion(t *testing.T, path, mod string) string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fs := strings.Fields(sc.Text())
		if len(fs) >= 3 && fs[0] == "require" {
			fs = fs[1:]
		}
		if len(fs) >= 2 && fs[0] == mod {
			return fs[1]
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	t.Fatalf("%s does not require %s", path, mod)
	return ""
}

const buildkitModule = "github.com/moby/buildkit"

// TestPinnedToRootVersion fails when this module asks for another BuildKit
// than hardline's root go.mod: the comparison is only meaningful against
// the rule definitions and checks hardline ships with. (Go's -mod=readonly
// default refuses to build when the root requires a newer one, so the
// other direction is caught too.)
func TestPinnedToRootVersion(t *testing.T) {
	here, root := requiredVersion(t, "go.mod", buildkitModule), requiredVersion(t, "../../go.mod", buildkitModule)
	if here != root {
		t.Errorf("%s: this module requires %s, the root go.mod %s; set the same version here and run go mod tidy in this directory",
			buildkitModule, here, root)
	}
}

// ---------------------------------------------------------------------------
// The corpus.

// corpusDir is the shared corpus beside the checkout (/work/shared in
// development sessions and CI); HARDLINE_CORPUS overrides.
func corpusDir() string {
	if d := os.Getenv("HARDLINE_CORPUS"); d != "" {
		return d
	}
	return "../../../shared/corpus/files"
}

func corpusFiles(t *testing.T) (string, []string) {
	t.Helper()
	root := corpusDir()
	if _, err := os.Stat(root); err != nil {
		t.Skipf("corpus not available at %s (%v); set HARDLINE_CORPUS to run the comparison", root, err)
	}
	var files []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() {
			rel, _ := filepath.Rel(root, p)
			files = append(files, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Skipf("corpus at %s is empty", root)
	}
	slices.Sort(files)
	return root, files
}

type fileResult struct {
	readErr, bkErr, hlErr error
	bk                    int // BuildKit's warnings
	onlyBK, onlyHL        []warning
	allowed               map[string]int
}

func TestCorpus(t *testing.T) {
	root, files := corpusFiles(t)
	results := make([]fileResult, len(files))
	var wg sync.WaitGroup
	next := make(chan int)
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for i := range next {
				results[i] = compareFile(root, files[i])
			}
		})
	}
	for i := range files {
		next <- i
	}
	close(next)
	wg.Wait()

	const maxLines = 20
	var lines []string
	more := 0
	add := func(s string) {
		if len(lines) < maxLines {
			lines = append(lines, s)
		} else {
			more++
		}
	}
	var compared, bkErrors, bkPanics, bkWarnings, differing int
	allowed := map[string]int{}
	for i, r := range results {
		f := files[i]
		switch {
		case r.readErr != nil:
			t.Fatal(r.readErr)
		case errors.Is(r.bkErr, errBuildKitPanic):
			// Not hardline's problem, but worth knowing about.
			bkPanics++
			t.Logf("%s: skipped, %v", f, r.bkErr)
			continue
		case r.bkErr != nil:
			// BuildKit refuses to build the file (unknown instruction, bad
			// flag, an ARG with no default in FROM …): it stops before
			// reporting every warning, so there is nothing complete to
			// compare with.
			bkErrors++
			if testing.Verbose() {
				t.Logf("%s: skipped, BuildKit: %v", f, r.bkErr)
			}
			continue
		}
		compared++
		bkWarnings += r.bk
		for why, n := range r.allowed {
			allowed[why] += n
		}
		if r.hlErr != nil {
			differing++
			add(fmt.Sprintf("%s: BuildKit converts it, hardline fails: %v", f, r.hlErr))
			continue
		}
		if len(r.onlyBK)+len(r.onlyHL) == 0 {
			continue
		}
		differing++
		for _, w := range r.onlyBK {
			add(fmt.Sprintf("%s: - %v   (BuildKit only)", f, w))
		}
		for _, w := range r.onlyHL {
			add(fmt.Sprintf("%s: + %v   (hardline only)", f, w))
		}
	}
	t.Logf("%d files: %d compared (%d BuildKit warnings; allowed differences: %d %s, %d %s), "+
		"%d skipped for a BuildKit conversion error, %d for a BuildKit panic; %d files differ",
		len(files), compared, bkWarnings, allowed[allowWindowsPath], allowWindowsPath,
		allowed[allowBaseEnvWkdir], allowBaseEnvWkdir, bkErrors, bkPanics, differing)
	if differing > 0 {
		if more > 0 {
			lines = append(lines, fmt.Sprintf("… and %d more lines", more))
		}
		t.Errorf("hardline's lint facts differ from BuildKit %s on %d files (- BuildKit only, + hardline only):\n  %s\n"+
			"Fix pkg/dockerfile (lint.go mirrors dockerfile2llb), or, for an intended difference, "+
			"extend allowedBuildKitOnly with a comment saying why.",
			requiredVersion(t, "go.mod", buildkitModule), differing, strings.Join(lines, "\n  "))
	}
	// Guards against a vacuous pass (a broken stub that makes BuildKit
	// fail on everything, or a corpus without warnings).
	if compared < len(files)*9/10 {
		t.Errorf("only %d of %d files compared: BuildKit failed on too many", compared, len(files))
	}
	if bkWarnings == 0 {
		t.Errorf("BuildKit gave no warning on the whole corpus")
	}
}

func compareFile(root, name string) fileResult {
	src, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(name)))
	if err != nil {
		return fileResult{readErr: err}
	}
	bk, err := buildkitWarnings(src, nil)
	if err != nil {
		return fileResult{bkErr: err}
	}
	r := fileResult{bk: len(bk)}
	hl, err := hardlineWarnings(name, src, nil)
	if err != nil {
		r.hlErr = err
		return r
	}
	r.onlyBK, r.onlyHL, r.allowed = diff(bk, hl)
	return r
}
