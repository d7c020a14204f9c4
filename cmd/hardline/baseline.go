package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/hardline-dev/hardline/pkg/config"
	"github.com/hardline-dev/hardline/pkg/finding"
	"github.com/hardline-dev/hardline/pkg/report"
	"github.com/hardline-dev/hardline/pkg/suppress"
)

// waiverState applies what the per-finding hooks of pkg/lint cannot:
// waivers that need the whole finding (image globs, expiry), and
// --baseline. lint and image share it through lintFlags.
type waiverState struct {
	baselinePath string // --baseline
	cfg          *config.Config
	baseline     *suppress.Baseline
	stats        suppress.BaselineStats
	notices      []config.WaiverNotice
	// collect, when set, receives the run instead of a reporter
	// (`hardline baseline create`).
	collect func(*report.Run) error
}

// prepare remembers the configuration and reads --baseline, so that a
// missing or corrupt baseline stops the run before anything is scanned.
func (w *waiverState) prepare(cfg *config.Config) error {
	w.cfg = cfg
	if w.baselinePath == "" {
		return nil
	}
	b, err := suppress.ReadBaseline(w.baselinePath)
	if err != nil {
		return fail(exitError, "%v", err)
	}
	w.baseline = b
	return nil
}

// apply completes waivers, announces lapsed and lapsing ones as warnings,
// and applies the baseline. Waivers come first: a finding a waiver covers
// is reported as waived, not as baselined, and one whose waiver lapsed
// counts even when it is in the baseline.
func (w *waiverState) apply(run *report.Run) {
	if w.cfg != nil {
		w.cfg.ApplyWaivers(run.Findings)
		w.notices = w.cfg.WaiverNotices(run.Findings, config.ExpiringSoon)
		for _, n := range w.notices {
			run.Warnings = append(run.Warnings, report.InputError{File: n.File, Line: n.Line, Message: n.Message})
		}
	}
	if w.baseline != nil {
		w.stats = w.baseline.Apply(run.Findings, run.Files)
	}
}

// printNotes says on standard error what changed the outcome without being
// a finding: lapsed and lapsing waivers, and what the baseline hid.
// Verbose text on standard output already lists the warnings.
func (w *waiverState) printNotes(s streams, f *lintFlags) {
	if !(f.verbose && f.format == report.FormatText && f.output == "") {
		for _, n := range w.notices {
			fmt.Fprintf(s.err, "hardline: %s:%d: %s\n", n.File, n.Line, n.Message)
		}
	}
	if w.baseline == nil {
		return
	}
	var parts []string
	// The text summary already counts what the baseline hid.
	if f.format != report.FormatText {
		parts = append(parts, fmt.Sprintf("%s in baseline %s reported as suppressed", baselineCount(w.stats.Suppressed), w.baseline.Path))
	}
	if w.stats.Fixed > 0 {
		parts = append(parts, fmt.Sprintf("%d entries of baseline %s match nothing any more (fixed): 'hardline baseline create' rewrites it without them", w.stats.Fixed, w.baseline.Path))
	}
	if len(parts) > 0 {
		fmt.Fprintln(s.err, "hardline: "+strings.Join(parts, "; "))
	}
}

func baselineCount(n int) string {
	if n == 1 {
		return "1 finding"
	}
	return fmt.Sprintf("%d findings", n)
}

// baselineFlags are `hardline baseline create`'s: lint's inputs and
// options, and image's behind --image.
type baselineFlags struct {
	imageFlags
	images []string
}

func newBaselineCmd(s streams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "baseline",
		Short: "Accept today's findings so that only new ones fail the build",
		Long: `A baseline is a file of the fingerprints of accepted findings. With
--baseline FILE, 'hardline lint' and 'hardline image' report the findings it
holds as suppressed (they never fail the run; -v, JSON and SARIF still show
them) and fail only on new ones. Fingerprints do not depend on line numbers,
so editing the Dockerfile around a finding keeps it accepted.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newBaselineCreateCmd(s))
	return cmd
}

func newBaselineCreateCmd(s streams) *cobra.Command {
	var f baselineFlags
	cmd := &cobra.Command{
		Use:   "create [flags] [PATH...] [--image IMAGE...]",
		Short: "Write the fingerprints of today's findings to a baseline file",
		Long: `Lint the Dockerfiles under PATH (as 'hardline lint' does) and scan the images
given with --image (as 'hardline image' does), and write the fingerprints of
every finding that counts today to the baseline file (default ` + suppress.DefaultBaselineFile + `).
Findings already suppressed (inline comments, .hardline.yaml waivers and
allow-lists, --ignore-base) are left out, and so are findings of an expired
waiver: a baseline does not extend a waiver's deadline.

Run it again to refresh the file: findings fixed since are dropped and the
file is rewritten in a stable order, so it diffs cleanly in review.
Nothing is written when an input cannot be read (exit status 2).`,
		Example: `  hardline baseline create .
  hardline baseline create -o .hardline-baseline.json Dockerfile --image app.tar
  hardline lint --baseline .hardline-baseline.json .
  hardline image --baseline .hardline-baseline.json app.tar`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runBaselineCreate(cmd, s, &f, args)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&f.output, "output", "o", suppress.DefaultBaselineFile, "baseline file to write")
	fl.StringArrayVar(&f.images, "image", nil, "also scan this image, as 'hardline image' does (repeatable)")
	fl.StringSliceVar(&f.tags, "tags", nil, "only run rules with any of these tags (comma-separated; see 'hardline rules list')")
	fl.StringArrayVar(&f.buildArgs, "build-arg", nil, "set a build-time variable (NAME=value, or NAME to take it from the environment; repeatable)")
	fl.StringVar(&f.target, "target", "", "lint as if building this stage (default: the last stage)")
	fl.StringVar(&f.stdinFilename, "stdin-filename", "", "name to record for standard input (default: -)")
	f.registerImage(fl, "with --image: ")
	fl.StringVar(&f.dockerfile, "dockerfile", "", "with --image: the Dockerfile the images were built from")
	fl.BoolVar(&f.ignoreBase, "ignore-base", false, "with --image and --dockerfile: leave findings from the base image's layers out")
	f.register(cmd)
	return cmd
}

func runBaselineCreate(cmd *cobra.Command, s streams, f *baselineFlags, args []string) error {
	if len(args) == 0 && len(f.images) == 0 {
		return fail(exitError, "nothing to scan: give Dockerfile paths, --image IMAGE, or both")
	}
	if f.output == "" {
		return fail(exitError, "-o: want a file name")
	}
	f.format = report.FormatText // validated by the pipelines; nothing is rendered
	var all []finding.Finding
	var errs []report.InputError
	var dockerfiles, images int
	f.waivers.collect = func(run *report.Run) error {
		all = append(all, run.Findings...)
		errs = append(errs, run.Errors...)
		if strings.HasPrefix(run.Category, "hardline/image") {
			images += len(run.Files)
		} else {
			dockerfiles += len(run.Files)
		}
		return nil
	}
	if len(args) > 0 {
		if err := runLint(cmd, s, &f.lintFlags, args); err != nil {
			return err
		}
	}
	if len(f.images) > 0 {
		if err := runImage(cmd, s, &f.imageFlags, f.images); err != nil {
			return err
		}
	}
	for _, e := range errs {
		if e.Line > 0 {
			fmt.Fprintf(s.err, "hardline: %s:%d: %s\n", e.File, e.Line, e.Message)
		} else {
			fmt.Fprintf(s.err, "hardline: %s: %s\n", e.File, e.Message)
		}
	}
	if len(errs) > 0 {
		// A baseline missing the findings of an unreadable input would
		// report them all as new the next time; refuse instead.
		return fail(exitError, "baseline not written: %d input errors (fix them and run again)", len(errs))
	}
	b := suppress.NewBaseline(all)
	data, err := b.Encode()
	if err != nil {
		return fail(exitError, "encoding the baseline: %v", err)
	}
	change := ""
	if old, err := suppress.ReadBaseline(f.output); err == nil {
		added, dropped := b.Diff(old)
		change = fmt.Sprintf(" (%d added, %d dropped since the previous baseline)", added, dropped)
	} else if _, statErr := os.Stat(f.output); !errors.Is(statErr, fs.ErrNotExist) {
		change = " (the previous file was not a readable baseline and was replaced)"
	}
	if err := writeFileAtomic(f.output, func(w io.Writer) error { _, err := w.Write(data); return err }); err != nil {
		return fail(exitError, "cannot write %s: %v", f.output, err)
	}
	var what []string
	if len(args) > 0 {
		what = append(what, baselinePlural(dockerfiles, "Dockerfile", "Dockerfiles"))
	}
	if len(f.images) > 0 {
		what = append(what, baselinePlural(images, "image", "images"))
	}
	fmt.Fprintf(s.out, "wrote %s: %s from %s%s\n", f.output, baselineCount(len(b.Findings)), strings.Join(what, " and "), change)
	return nil
}

func baselinePlural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
