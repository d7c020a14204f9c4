package main

import (
	"fmt"
	"os"
	"runtime/debug"
	"strings"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/hardline-dev/hardline/pkg/finding"
	"github.com/hardline-dev/hardline/pkg/image"
	"github.com/hardline-dev/hardline/pkg/image/source"
	"github.com/hardline-dev/hardline/pkg/lint"
	"github.com/hardline-dev/hardline/pkg/policy"
	"github.com/hardline-dev/hardline/pkg/report"
	"github.com/hardline-dev/hardline/pkg/secrets"
)

type imageFlags struct {
	lintFlags
	imageReadFlags
	dockerfile string
	ignoreBase bool
}

// imageReadFlags say how images are read: which platform, from where, within
// which bounds, and how their files are scanned for secrets. image, report
// and baseline create share them, so the three commands read an image the
// same way and describe each flag once.
type imageReadFlags struct {
	platform      string
	insecure      []string
	maxFileBytes  string
	maxLayerBytes string
	maxImageBytes string
	verify        bool
	noFileScan    bool
	secretSkip    []string
	noDefSkips    bool
}

// registerImage adds the flags; commands where images are one input among
// others (report, baseline create) prefix their help with "with --image: ".
func (f *imageReadFlags) registerImage(fl *pflag.FlagSet, prefix string) {
	fl.StringVar(&f.platform, "platform", "", prefix+"platform to pick from a multi-platform image, os/arch[/variant] (default linux/<this machine's architecture>)")
	fl.StringArrayVar(&f.insecure, "insecure-registry", nil, prefix+"registry HOST[:PORT] to reach over plain HTTP or with an untrusted certificate (repeatable)")
	fl.StringVar(&f.maxFileBytes, "max-file-size", "8MiB", prefix+"read at most this much of one file for content checks; larger files are reported as partly checked")
	fl.StringVar(&f.maxLayerBytes, "max-layer-size", "32GiB", prefix+"stop with an error when one layer inflates past this (decompression bombs; docs/limits.md)")
	fl.StringVar(&f.maxImageBytes, "max-image-size", "128GiB", prefix+"stop with an error when all layers together inflate past this")
	fl.BoolVar(&f.noFileScan, "no-file-secrets", false, prefix+"do not scan the content of every file for secrets (well-known credential files are still checked)")
	fl.StringArrayVar(&f.secretSkip, "secret-skip", nil, prefix+"also skip files matching this glob (absolute, doublestar, e.g. '/srv/app/testdata/**') when scanning content for secrets; repeatable; see docs/images.md for the defaults")
	fl.BoolVar(&f.noDefSkips, "no-default-secret-skips", false, prefix+"scan documentation, runtime sources, test folders and CA bundles too (the default skip paths; see docs/images.md); --secret-skip patterns still apply")
	fl.BoolVar(&f.verify, "verify-layers", false, prefix+"check every layer's content against its diff_id (SHA-256 of every byte; registry blobs are always digest-checked)")
}

// options checks the flags and turns them into the options of
// lint.LintImage; the caller adds what is its own (Dockerfile, IgnoreBase,
// Progress).
func (f *imageReadFlags) options() (lint.ImageOptions, error) {
	var opts lint.ImageOptions
	maxFile, err := parseSize(f.maxFileBytes)
	if err != nil {
		return opts, fail(exitError, "--max-file-size: %v", err)
	}
	maxLayer, err := parseSize(f.maxLayerBytes)
	if err != nil {
		return opts, fail(exitError, "--max-layer-size: %v", err)
	}
	maxImage, err := parseSize(f.maxImageBytes)
	if err != nil {
		return opts, fail(exitError, "--max-image-size: %v", err)
	}
	platform, err := parsePlatform(f.platform)
	if err != nil {
		return opts, err
	}
	if err := image.ValidateSkipPaths(f.secretSkip); err != nil {
		return opts, fail(exitError, "--secret-skip: %v", err)
	}
	var skip []string // nil: the defaults
	switch {
	case f.noDefSkips:
		skip = append([]string{}, f.secretSkip...) // non-nil, possibly empty: no defaults
	case len(f.secretSkip) > 0:
		skip = append(append([]string{}, image.DefaultSkipPaths...), f.secretSkip...)
	}
	opts.Source = source.Options{Platform: platform, Insecure: f.insecure, UserAgent: "hardline/" + version, VerifyLayers: f.verify, MaxLayerBytes: maxLayer, MaxImageBytes: maxImage}
	opts.MaxFileBytes = maxFile
	opts.NoFileScan = f.noFileScan
	opts.SkipPaths = skip
	return opts, nil
}

func newImageCmd(s streams) *cobra.Command {
	var f imageFlags
	cmd := &cobra.Command{
		Use:   "image [flags] IMAGE...",
		Short: "Scan built container images",
		Long: `Scan built images: the configuration, the history and every layer, read once
and never extracted to disk. IMAGE is one of

  app.tar                       docker save archive or OCI archive (plain, gzip, zstd, bzip2)
  DIR, oci:DIR[:TAG|@DIGEST]    OCI image layout
  docker-archive:PATH[:REPO:TAG], oci-archive:PATH[:TAG]
  docker-daemon:NAME[:TAG]      through the Docker Engine API (DOCKER_HOST)
  REGISTRY/REPO[:TAG|@DIGEST]   a registry, with your Docker credentials
  registry:REF, docker://REF    a registry, even when REF is also a local path

A registry with a private CA: set SSL_CERT_FILE to its certificate. A local
registry over plain HTTP or with a self-signed certificate: --insecure-registry.

Files deleted by a later layer still ship in the image and are checked too.
With --dockerfile, findings point at the Dockerfile instruction that made the
layer, and findings from the base image's layers are marked as inherited.

Exit status: 0 when no finding is at or above --fail-on, 1 when one is,
2 on a usage error or when an image could not be read (the other images are
still scanned and reported).`,
		Example: `  hardline image app.tar
  hardline image oci:./build/layout:1.0
  hardline image registry.example.com/team/app:1.4 --platform linux/arm64
  hardline image app.tar --dockerfile Dockerfile --format sarif -o hardline.sarif
  hardline image localhost:5000/app:dev --insecure-registry localhost:5000`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runImage(cmd, s, &f, args)
		},
	}
	fl := cmd.Flags()
	f.registerReport(cmd)
	f.registerImage(fl, "")
	fl.StringVar(&f.dockerfile, "dockerfile", "", "the Dockerfile the image was built from: findings point at its lines")
	fl.StringArrayVar(&f.buildArgs, "build-arg", nil, "build argument used for the image, to read --dockerfile as it was built (NAME=value; repeatable)")
	fl.StringVar(&f.target, "target", "", "the --target the image was built with, to read --dockerfile as it was built")
	fl.BoolVar(&f.ignoreBase, "ignore-base", false, "with --dockerfile: report findings from the base image's layers as suppressed (inherited), so they never fail the run")
	f.register(cmd)
	return cmd
}

func runImage(cmd *cobra.Command, s streams, f *imageFlags, args []string) error {
	start := time.Now()
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(200)
	}
	if !contains(report.Formats(), f.format) {
		return fail(exitError, "unknown --format %q (want %s)", f.format, strings.Join(report.Formats(), ", "))
	}
	opts, err := f.options()
	if err != nil {
		return err
	}
	if f.ignoreBase && f.dockerfile == "" {
		return fail(exitError, "--ignore-base needs --dockerfile: without it hardline cannot tell base-image layers from your own")
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
	failOn, err := finding.ParseSeverity(orDefault(f.failOn, orDefault(cfg.FailOn, "low")))
	if err != nil {
		return fail(exitError, "--fail-on: %v", err)
	}
	go secrets.Default().Prepare()
	eng, err := f.engine(cmd.Context(), cfg, 1, policy.KindImage)
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
	l := lint.New(lint.Options{Engine: eng, Config: cfg, BuildArgs: buildArgs, Target: f.target, BaseImages: table, Tags: f.tags})
	opts.Dockerfile = f.dockerfile
	opts.IgnoreBase = f.ignoreBase
	run := &report.Run{
		Tool:     toolInfo(),
		FailOn:   failOn,
		Category: "hardline/image",
		Sources:  map[string][]byte{},
	}
	for _, r := range eng.Rules() {
		if l.Enabled(r) && contains(r.Inputs, "image") {
			r.Severity = cfg.SeverityFor(&r)
			run.Rules = append(run.Rules, r)
		}
	}
	// A status line while large images are read, on a terminal only
	// (progress.go); cleared before the report is written.
	prog := startProgress(s, f.quiet)
	defer prog.finish()
	if prog != nil {
		opts.Progress = prog.image
	}
	// Images are scanned one after another: each already reads its layers
	// on every core.
	for _, ref := range args {
		ir := l.LintImage(cmd.Context(), ref, opts)
		run.Files = append(run.Files, ir.File)
		if ir.Dockerfile != "" {
			run.Sources[ir.Dockerfile] = ir.DockerfileSource
		}
		run.Findings = append(run.Findings, ir.Findings...)
		for _, e := range ir.Errors {
			run.Errors = append(run.Errors, report.InputError{File: e.File, Line: e.Line, Message: e.Message})
		}
		for _, w := range ir.Warnings {
			run.Warnings = append(run.Warnings, report.InputError{File: w.File, Line: w.Line, Message: w.Message})
		}
	}
	prog.finish()
	run.Duration = time.Since(start)
	return finishRun(s, &f.lintFlags, run)
}

// parsePlatform reads --platform; "" means none (the source's default).
func parsePlatform(s string) (*v1.Platform, error) {
	if s == "" {
		return nil, nil
	}
	p, err := v1.ParsePlatform(s)
	if err != nil || p.OS == "" || p.Architecture == "" {
		return nil, fail(exitError, "--platform %q: want os/arch[/variant], e.g. linux/arm64", s)
	}
	return p, nil
}

// parseSize reads 8MiB, 512KiB, 1GB, 1000 (bytes).
func parseSize(s string) (int64, error) {
	t := strings.TrimSpace(strings.ToUpper(s))
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"KIB", 1 << 10}, {"MIB", 1 << 20}, {"GIB", 1 << 30}, {"KB", 1000}, {"MB", 1000 * 1000}, {"GB", 1000 * 1000 * 1000}, {"K", 1 << 10}, {"M", 1 << 20}, {"G", 1 << 30}, {"B", 1}} {
		if strings.HasSuffix(t, u.suffix) {
			t, mult = strings.TrimSpace(strings.TrimSuffix(t, u.suffix)), u.mult
			break
		}
	}
	var n int64
	if _, err := fmt.Sscan(t, &n); err != nil || n <= 0 || fmt.Sprint(n) != t {
		return 0, fmt.Errorf("%q is not a size (e.g. 8MiB, 512KiB)", s)
	}
	if n > (1<<40)/mult {
		return 0, fmt.Errorf("%q is too large", s)
	}
	return n * mult, nil
}
