package main

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/hardline-dev/hardline/pkg/baseimage"
	"github.com/hardline-dev/hardline/pkg/compliance"
	"github.com/hardline-dev/hardline/pkg/controls"
	"github.com/hardline-dev/hardline/pkg/dockerfile"
	"github.com/hardline-dev/hardline/pkg/finding"
	"github.com/hardline-dev/hardline/pkg/image"
	"github.com/hardline-dev/hardline/pkg/lint"
)

// reportNow is the assessment time; tests replace it. SOURCE_DATE_EPOCH
// (the reproducible-builds convention) overrides it for users who need
// byte-identical reports.
var reportNow = time.Now

type reportFlags struct {
	commonFlags
	framework string
	format    string
	output    string
	images    []string
	buildArgs []string
	target    string
	imageReadFlags
}

func newReportCmd(s streams) *cobra.Command {
	var f reportFlags
	cmd := &cobra.Command{
		Use:   "report --framework ID [flags] [PATH...] [--image IMAGE]...",
		Short: "Assess Dockerfiles and images against a compliance framework",
		Long: `Assess Dockerfiles and built images against a compliance catalog and write
one row per control: PASS, PASS_WITH_WAIVERS, FAIL, MANUAL, NOT_APPLICABLE or
ERROR, with the evidence (findings and their locations, or the rules that
passed and key facts), waivers with their reason, owner and expiry, a summary
and what was scanned (file SHA-256 digests, image digests, tool and rule
versions, time).

PATH arguments are Dockerfiles or directories, as for 'hardline lint' (- for
standard input). Images are given with --image, in any form 'hardline image'
accepts, so that a file name is never mistaken for an image or the other way
round.

Frameworks: ` + strings.Join(controls.IDs(), ", ") + `.
Formats: json, md, html (one self-contained file, printable), oscal (OSCAL
1.1.3 assessment results).

Exit status: 0 when no control fails, 1 when one does, 2 on a usage error or
when an input could not be analysed (the others are still assessed and the
affected controls say ERROR).`,
		Example: `  hardline report --framework nist-800-190 --format html -o audit.html Dockerfile --image app.tar
  hardline report --framework cis-docker-1.6.0 --format json .
  hardline report --framework cis-docker-1.7.0 --format oscal -o ar.json --image registry.example.com/app:1.4`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runReport(cmd, s, &f, args)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.framework, "framework", "", "catalog to assess against: "+strings.Join(controls.IDs(), ", ")+" (required)")
	fl.StringVarP(&f.format, "format", "f", "md", "output format: "+strings.Join(compliance.Formats(), ", "))
	fl.StringVarP(&f.output, "output", "o", "", "write the report to this file instead of standard output")
	fl.StringArrayVar(&f.images, "image", nil, "an image to assess, in any form 'hardline image' accepts (repeatable)")
	fl.StringArrayVar(&f.buildArgs, "build-arg", nil, "set a build-time variable for the Dockerfiles (NAME=value, or NAME to take it from the environment; repeatable)")
	fl.StringVar(&f.target, "target", "", "assess the Dockerfiles as if building this stage (default: the last stage)")
	f.registerImage(fl, "with --image: ")
	f.register(cmd)
	return cmd
}

func runReport(cmd *cobra.Command, s streams, f *reportFlags, args []string) error {
	if f.framework == "" {
		return fail(exitError, "--framework is required (one of %s)", strings.Join(controls.IDs(), ", "))
	}
	cat, err := controls.Get(f.framework)
	if err != nil {
		return fail(exitError, "--framework: %v", err)
	}
	if !contains(compliance.Formats(), f.format) {
		return fail(exitError, "unknown --format %q (want %s)", f.format, strings.Join(compliance.Formats(), ", "))
	}
	if len(args) == 0 && len(f.images) == 0 {
		return fail(exitError, "nothing to assess: give Dockerfiles or directories, and/or --image")
	}
	now, err := assessmentTime()
	if err != nil {
		return err
	}
	opts, err := f.options()
	if err != nil {
		return err
	}
	buildArgs, err := parseBuildArgs(f.buildArgs)
	if err != nil {
		return err
	}
	cfg, err := f.loadConfig()
	if err != nil {
		return err
	}
	eng, err := f.engine(cmd.Context(), cfg, 1)
	if err != nil {
		return err
	}
	table, err := baseImages(cfg)
	if err != nil {
		return err
	}
	l := lint.New(lint.Options{Engine: eng, Config: cfg, BuildArgs: buildArgs, Target: f.target, BaseImages: table})

	var scanned []compliance.Scanned
	if len(args) > 0 {
		inputs, discoverErrs := lint.Discover(args, cfg.Excluded)
		if err := readStdin(s, inputs, ""); err != nil {
			return err
		}
		for _, e := range discoverErrs {
			scanned = append(scanned, compliance.Scanned{Input: compliance.Input{Kind: compliance.KindDockerfile, Name: e.File, Errors: []string{e.Error()}}})
		}
		if len(inputs) == 0 && len(discoverErrs) == 0 {
			return fail(exitError, "no Dockerfiles found under %s", strings.Join(args, ", "))
		}
		res := l.Lint(cmd.Context(), inputs)
		for i, fr := range res.Files {
			sc := compliance.Scanned{Input: compliance.Input{Kind: compliance.KindDockerfile, Name: fr.File}, Findings: fr.Findings}
			for _, e := range fr.Errors {
				sc.Errors = append(sc.Errors, e.Error())
			}
			if raw := rawDockerfile(inputs[i]); raw != nil {
				sum := sha256.Sum256(raw)
				sc.SHA256 = hex.EncodeToString(sum[:])
				if len(fr.Errors) == 0 {
					sc.Facts = dockerfileFacts(fr.File, raw, buildArgs, f.target, table)
				}
			}
			scanned = append(scanned, sc)
		}
	}
	for _, ref := range f.images {
		ir := l.LintImage(cmd.Context(), ref, opts)
		sc := compliance.Scanned{Input: compliance.Input{Kind: compliance.KindImage, Name: ir.File}, Findings: ir.Findings}
		for _, e := range ir.Errors {
			sc.Errors = append(sc.Errors, e.Error())
		}
		if doc := ir.Document; doc != nil {
			sc.Digest = doc.Image.Digest
			sc.ConfigDigest = doc.Image.ConfigDigest
			sc.Facts = imageFacts(doc)
			if doc.Image.Format == "oci" && doc.Config.Healthcheck == nil {
				sc.Conditions = append(sc.Conditions, controls.CondNoHealthcheckField)
			}
		}
		scanned = append(scanned, sc)
	}

	var enabled []finding.Rule
	all := eng.Rules()
	for _, r := range all {
		if l.Enabled(r) {
			r.Severity = cfg.SeverityFor(&r)
			enabled = append(enabled, r)
		}
	}
	t := toolInfo()
	rep, err := compliance.Assess(compliance.Options{
		Catalog: cat, Rules: enabled, AllRules: all, Inputs: scanned, Now: now,
		Tool: compliance.Tool{Name: t.Name, Version: t.Version, Commit: t.Commit, RulesVersion: t.RulesVersion, URI: t.InformationURI},
	})
	if err != nil {
		return fail(exitError, "%v", err)
	}
	if err := writeComplianceReport(s, f, rep); err != nil {
		return err
	}
	if f.output != "" || f.format != compliance.FormatMarkdown {
		for _, in := range rep.Inputs {
			for _, e := range in.Errors {
				fmt.Fprintf(s.err, "hardline: %s\n", e)
			}
		}
	}
	switch {
	case rep.Summary.InputErrors > 0:
		return &exitCode{code: exitError}
	case rep.Summary.Fail > 0:
		return &exitCode{code: exitFindings}
	}
	return nil
}

// assessmentTime is now, or SOURCE_DATE_EPOCH when set.
func assessmentTime() (time.Time, error) {
	if v := os.Getenv("SOURCE_DATE_EPOCH"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			return time.Time{}, fail(exitError, "SOURCE_DATE_EPOCH=%q is not a Unix time", v)
		}
		return time.Unix(n, 0).UTC(), nil
	}
	return reportNow().UTC().Truncate(time.Second), nil
}

// rawDockerfile returns the bytes a Dockerfile input was linted from, for
// its digest; nil when it cannot be read again.
func rawDockerfile(in lint.Input) []byte {
	if in.Data != nil {
		return in.Data
	}
	fh, err := os.Open(filepath.FromSlash(in.Path))
	if err != nil {
		return nil
	}
	defer fh.Close()
	data, err := io.ReadAll(io.LimitReader(fh, lint.MaxFileSize+1))
	if err != nil || len(data) > lint.MaxFileSize {
		return nil
	}
	return data
}

// dockerfileFacts are the final stage's effective settings. Secret-bearing
// values never reach them: only the user, base image, healthcheck,
// entrypoint and ports are read, from the parsed (masked) facts.
func dockerfileFacts(name string, src []byte, buildArgs map[string]string, target string, table *baseimage.Table) map[string]string {
	doc, err := dockerfile.Parse(name, src, dockerfile.Options{BuildArgs: buildArgs, Target: target, BaseImages: table})
	if err != nil || doc.FinalStage < 0 || doc.FinalStage >= len(doc.Stages) {
		return nil
	}
	st := doc.Stages[doc.FinalStage]
	facts := map[string]string{}
	rt := st.Runtime
	switch {
	case rt.User != nil:
		facts["user"] = rt.User.Value
	case st.Image.User != "":
		facts["user"] = st.Image.User + " (base image default)"
	default:
		facts["user"] = "not set (root unless the base image sets one)"
	}
	root := st
	if len(st.Chain) > 0 && st.Chain[0] >= 0 && st.Chain[0] < len(doc.Stages) {
		root = doc.Stages[st.Chain[0]]
	}
	switch {
	case root.Base.Scratch:
		facts["base_image"] = "scratch"
	case root.Base.Resolved != "":
		facts["base_image"] = root.Base.Resolved
	}
	switch {
	case rt.Health == nil:
		facts["healthcheck"] = "not set"
	case rt.Health.None:
		facts["healthcheck"] = "NONE (disabled)"
	default:
		facts["healthcheck"] = strings.Join(rt.Health.Test, " ")
	}
	switch {
	case rt.Entrypoint != nil:
		facts["entrypoint"] = strings.Join(rt.Entrypoint.Argv, " ")
	case rt.Cmd != nil:
		facts["entrypoint"] = strings.Join(rt.Cmd.Argv, " ")
	}
	var ports []string
	for _, p := range rt.Expose {
		ports = append(ports, p.Raw)
	}
	facts["exposed_ports"] = orDefault(strings.Join(ports, ", "), "none")
	return facts
}

func imageFacts(doc *image.Document) map[string]string {
	facts := map[string]string{}
	switch u := doc.User; {
	case u.Spec == "":
		facts["user"] = "not set (root)"
	case u.UIDKnown:
		facts["user"] = fmt.Sprintf("%s (uid %d)", u.Spec, u.UID)
	default:
		facts["user"] = u.Spec
	}
	switch hc := doc.Config.Healthcheck; {
	case hc == nil && doc.Image.Format == "oci":
		facts["healthcheck"] = "not recorded (OCI configuration has no healthcheck field)"
	case hc == nil:
		facts["healthcheck"] = "not set"
	default:
		facts["healthcheck"] = strings.Join(hc.Test, " ")
	}
	if len(doc.Exec.Argv) > 0 {
		facts["entrypoint"] = strings.Join(doc.Exec.Argv, " ")
	}
	facts["exposed_ports"] = orDefault(strings.Join(doc.Config.ExposedPorts, ", "), "none")
	return facts
}

// writeComplianceReport writes like 'hardline lint -o' (see writeOutput).
func writeComplianceReport(s streams, f *reportFlags, rep *compliance.Report) error {
	return writeOutput(s.out, f.output, func(w io.Writer) error { return compliance.Write(w, f.format, rep) })
}
