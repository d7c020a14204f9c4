package main

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/hardline-dev/hardline/pkg/baseimage"
	"github.com/hardline-dev/hardline/pkg/finding"
	"github.com/hardline-dev/hardline/pkg/lint"
	"github.com/hardline-dev/hardline/pkg/policy"
	"github.com/hardline-dev/hardline/pkg/report"
	"github.com/hardline-dev/hardline/pkg/secrets"
)

type lintFlags struct {
	commonFlags
	format        string
	output        string
	failOn        string
	buildArgs     []string
	target        string
	tags          []string
	noColor       bool
	verbose       bool
	quiet         bool
	stdinFilename string
	category      string
	waivers       waiverState // --baseline, waiver expiry (baseline.go)
	cache         cacheFlags
}

func newLintCmd(s streams) *cobra.Command {
	var f lintFlags
	cmd := &cobra.Command{
		Use:   "lint [flags] PATH...",
		Short: "Lint Dockerfiles",
		Long: `Lint Dockerfiles. PATH may be a file, a directory (walked for Dockerfile,
Containerfile, *.Dockerfile and Dockerfile.* in any case), or - for standard input.

Exit status: 0 when no finding is at or above --fail-on, 1 when one is,
2 on a usage error or when an input could not be read or parsed (the other
inputs are still linted and reported).`,
		Example: `  hardline lint Dockerfile services/*/Dockerfile
  hardline lint --format sarif -o hardline.sarif .
  hardline lint --format json --build-arg BASE=alpine:3.20 --target runtime Dockerfile
  cat Dockerfile | hardline lint -
  hardline lint --tags secrets,user --fail-on high .`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runLint(cmd, s, &f, args)
		},
	}
	fl := cmd.Flags()
	f.registerReport(cmd)
	fl.StringArrayVar(&f.buildArgs, "build-arg", nil, "set a build-time variable, as docker build does (NAME=value, or NAME to take it from the environment; repeatable)")
	fl.StringVar(&f.target, "target", "", "lint as if building this stage (default: the last stage)")
	fl.StringVar(&f.stdinFilename, "stdin-filename", "", "name to report for standard input (default: -)")
	f.register(cmd)
	f.cache.register(cmd)
	return cmd
}

// registerReport adds the flags every command that reports findings shares:
// format, output, the failure threshold, tag selection, colour, verbosity.
func (f *lintFlags) registerReport(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVarP(&f.format, "format", "f", "text", "output format: "+strings.Join(report.Formats(), ", "))
	fl.StringVarP(&f.output, "output", "o", "", "write the report to this file instead of standard output")
	fl.StringVar(&f.failOn, "fail-on", "", "lowest severity that makes the exit status 1: info, low, medium, high, critical, none (default low)")
	fl.StringSliceVar(&f.tags, "tags", nil, "only run rules with any of these tags (comma-separated; see 'hardline rules list')")
	fl.BoolVar(&f.noColor, "no-color", false, "disable colour (also: NO_COLOR environment variable)")
	fl.BoolVarP(&f.verbose, "verbose", "v", false, "also show suppressed findings in text output")
	fl.BoolVarP(&f.quiet, "quiet", "q", false, "print only errors: no text report, summary or progress (the exit status tells the outcome; -o and machine formats are still written)")
	cmd.MarkFlagsMutuallyExclusive("quiet", "verbose")
	fl.StringVar(&f.category, "category", "", "SARIF run category (automationDetails.id; default hardline/lint or hardline/image): give each upload that must not replace another its own")
	fl.StringVar(&f.waivers.baselinePath, "baseline", "", "report the findings this baseline file accepts as suppressed: only new ones fail (see 'hardline baseline create')")
}

// oneFileMemoryLimit is the heap size at which a one- or two-file run,
// which otherwise does not collect garbage, starts collecting.
const oneFileMemoryLimit = 256 << 20

func runLint(cmd *cobra.Command, s streams, f *lintFlags, args []string) error {
	start := time.Now()
	// Compiling rules and building facts allocate many short-lived objects
	// while the live heap stays small (tens of MB even for thousands of
	// files): collecting a quarter as often cut a one-file run from ~80 to
	// ~65 ms and corpus CPU by ~10% (docs/performance.md). GOGC still wins.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	if !contains(report.Formats(), f.format) {
		return fail(exitError, "unknown --format %q (want %s)", f.format, strings.Join(report.Formats(), ", "))
	}
	buildArgs, err := parseBuildArgs(f.buildArgs)
	if err != nil {
		return err
	}
	cfg, err := f.loadConfig()
	if err != nil {
		return err
	}
	if err := f.waivers.prepare(cfg); err != nil {
		return err
	}
	failOnName := f.failOn
	if failOnName == "" {
		failOnName = orDefault(cfg.FailOn, "low")
	}
	failOn, err := finding.ParseSeverity(failOnName)
	if err != nil {
		return fail(exitError, "--fail-on: %v", err)
	}
	inputs, discoverErrs := lint.Discover(args, cfg.Excluded)
	if err := readStdin(s, inputs, f.stdinFilename); err != nil {
		return err
	}
	if len(inputs) == 0 && len(discoverErrs) == 0 && !f.quiet {
		fmt.Fprintf(s.err, "hardline: no Dockerfiles found under %s (directories are searched for Dockerfile, Containerfile, *.Dockerfile and Dockerfile.*; name a file to lint it whatever its name)\n", strings.Join(args, ", "))
	}

	// Compiling the rules is most of a one-file run; load the secret rule
	// set and the base-image table on another core meanwhile (both are
	// lazily initialised and safe to warm concurrently).
	go func() {
		secrets.Default().Prepare()
		baseimage.Default()
	}()
	// With one or two inputs (a pre-commit hook, an editor), compiling the
	// rules dominates: split it over two cores. Batch runs keep a single
	// compiler, which evaluates the shared library once per document.
	compilers := 1
	if len(inputs) <= 2 && runtime.GOMAXPROCS(0) >= 2 {
		compilers = 2
	}
	// Such a run lives for tens of milliseconds with a live heap of a few
	// MB; collecting at all cost ~20% of its CPU. The memory limit keeps a
	// pathological input bounded: the collector starts when the heap
	// nears it. Batches keep GOGC=400, which holds the corpus at ~170 MB.
	if len(inputs) <= 2 && os.Getenv("GOGC") == "" && os.Getenv("GOMEMLIMIT") == "" {
		debug.SetGCPercent(-1)
		debug.SetMemoryLimit(oneFileMemoryLimit)
	}
	eng, err := f.engine(cmd.Context(), cfg, compilers, policy.KindDockerfile)
	if err != nil {
		return err
	}
	if err := checkTags(eng, f.tags); err != nil {
		return err
	}
	table, err := baseImages(cfg)
	if err != nil {
		return err
	}

	opts := lint.Options{Engine: eng, Config: cfg, BuildArgs: buildArgs, Target: f.target, BaseImages: table, Tags: f.tags}
	cache := f.cache.open(s.err)
	if cache != nil {
		salt, err := cacheSalt(&f.commonFlags, cfg)
		if err != nil {
			return fail(exitError, "--cache: %v", err)
		}
		opts.Cache, opts.CacheSalt = cache, salt
	}
	l := lint.New(opts)
	res := l.Lint(cmd.Context(), inputs)
	if cache != nil {
		_ = cache.Prune(cacheMaxAge)
	}

	run := &report.Run{
		Tool:     toolInfo(),
		FailOn:   failOn,
		Category: "hardline/lint",
		Sources:  map[string][]byte{},
		Duration: time.Since(start),
	}
	for _, r := range eng.Rules() {
		if l.Enabled(r) && contains(r.Inputs, "dockerfile") {
			r.Severity = cfg.SeverityFor(&r)
			run.Rules = append(run.Rules, r)
		}
	}
	for _, e := range discoverErrs {
		run.Errors = append(run.Errors, report.InputError{File: e.File, Line: e.Line, Message: e.Message})
	}
	for _, fr := range res.Files {
		run.Files = append(run.Files, fr.File)
		run.Sources[fr.File] = fr.Source
		run.Findings = append(run.Findings, fr.Findings...)
		for _, e := range fr.Errors {
			run.Errors = append(run.Errors, report.InputError{File: e.File, Line: e.Line, Message: e.Message})
		}
		for _, w := range fr.Warnings {
			run.Warnings = append(run.Warnings, report.InputError{File: w.File, Line: w.Line, Message: w.Message})
		}
	}

	return finishRun(s, f, run)
}

// finishRun writes the report and turns its summary into the exit status.
func finishRun(s streams, f *lintFlags, run *report.Run) error {
	f.waivers.apply(run)
	if f.waivers.collect != nil {
		return f.waivers.collect(run)
	}
	// --quiet drops the text report on standard output, and nothing else:
	// a report asked for with -o or a machine format is data, not chatter.
	if quietText := f.quiet && f.format == report.FormatText && f.output == ""; !quietText {
		if err := writeReport(s, f, run); err != nil {
			return err
		}
	}
	if !f.quiet {
		f.waivers.printNotes(s, f)
	}
	// Text on standard output already shows errors; for machine formats and
	// files, say them on stderr too, so a CI log explains exit status 2.
	if f.format != "text" || f.output != "" || f.quiet {
		for _, e := range run.Errors {
			if e.Line > 0 {
				fmt.Fprintf(s.err, "hardline: %s:%d: %s\n", e.File, e.Line, e.Message)
			} else {
				fmt.Fprintf(s.err, "hardline: %s: %s\n", e.File, e.Message)
			}
		}
	}
	// The exit status must agree with what the report says.
	switch sum := report.Summarize(run); {
	case sum.Errors > 0:
		return &exitCode{code: exitError}
	case sum.Failed:
		return &exitCode{code: exitFindings}
	}
	return nil
}

func writeReport(s streams, f *lintFlags, run *report.Run) error {
	color := f.format == "text" && f.output == "" && s.outIsTerminal && !f.noColor && os.Getenv("NO_COLOR") == ""
	opts := report.Options{Color: color, Verbose: f.verbose, Category: f.category}
	// report.Write renders the whole report before writing it, so an error
	// never leaves half a report behind.
	return writeOutput(s.out, f.output, func(w io.Writer) error { return report.Write(w, f.format, run, opts) })
}

// parseBuildArgs reads --build-arg values as docker build does: a bare NAME
// takes its value from the environment and is ignored when it is unset.
func parseBuildArgs(list []string) (map[string]string, error) {
	out := map[string]string{}
	for _, ba := range list {
		k, v, ok := strings.Cut(ba, "=")
		if k == "" {
			// The value may be a credential: never echo it.
			return nil, fail(exitError, "--build-arg with an empty name (%q): want NAME=value or NAME", secrets.Mask(v))
		}
		if !ok {
			if v, ok = os.LookupEnv(k); !ok {
				continue
			}
		}
		out[k] = v
	}
	return out, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// readStdin reads standard input into the input named "-", if any, within
// the Dockerfile size limit; name, when set, replaces "-" in reports.
func readStdin(s streams, inputs []lint.Input, name string) error {
	for i := range inputs {
		if inputs[i].Path != "-" {
			continue
		}
		data, err := io.ReadAll(io.LimitReader(s.in, lint.MaxFileSize+1))
		if err != nil {
			return fail(exitError, "reading standard input: %v", err)
		}
		if len(data) > lint.MaxFileSize {
			return fail(exitError, "standard input is larger than the %d-byte limit for a Dockerfile", lint.MaxFileSize)
		}
		inputs[i].Data = data
		if name != "" {
			inputs[i].Path = lint.DisplayPath(name)
		}
	}
	return nil
}
