package lint

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/hardline-dev/hardline/pkg/config"
	"github.com/hardline-dev/hardline/pkg/dockerfile"
	"github.com/hardline-dev/hardline/pkg/finding"
	"github.com/hardline-dev/hardline/pkg/image"
	"github.com/hardline-dev/hardline/pkg/image/source"
	"github.com/hardline-dev/hardline/pkg/policy"
	"github.com/hardline-dev/hardline/pkg/secrets"
	"github.com/hardline-dev/hardline/pkg/suppress"
)

// ImageOptions configure LintImage.
type ImageOptions struct {
	Source source.Options
	// MaxFileBytes caps per-file content reads (0: the default).
	MaxFileBytes int64
	// Dockerfile is the path of the Dockerfile the image was built from;
	// findings are then reported at its lines where history allows.
	Dockerfile string
	// IgnoreBase marks findings that come from the base image's layers as
	// suppressed (they are still reported, and never fail the run).
	IgnoreBase bool
	// Workers bounds concurrent layer reads (0: GOMAXPROCS).
	Workers int
	// NoFileScan turns off scanning file content for secrets; SkipPaths
	// replaces the default skip list when non-nil (see image.Options).
	NoFileScan bool
	SkipPaths  []string
	// Progress, when set, is told each time the scan of an image enters a
	// new step. It is called on the scanning goroutine and must return
	// quickly; the CLI draws a status line from it.
	Progress func(ImageProgress)
}

// ImageProgress says where the scan of one image is.
type ImageProgress struct {
	Ref  string
	Step ImageStep
	// Layers and Bytes are the image's layer count and the sum of its
	// layer blob sizes as stored (compressed), known from StepLayers on;
	// Bytes is 0 when a source does not say (the daemon's export).
	Layers int
	Bytes  int64
}

// ImageStep is a step of LintImage, in the order they happen.
type ImageStep int

const (
	StepOpen   ImageStep = iota // resolving the reference, reading manifest and config
	StepLayers                  // reading every layer (most of the time on large images)
	StepRules                   // evaluating the rules
)

func (s ImageStep) String() string {
	switch s {
	case StepOpen:
		return "opening"
	case StepLayers:
		return "reading layers"
	case StepRules:
		return "evaluating rules"
	}
	return "scanning"
}

// ImageResult is the outcome for one image.
type ImageResult struct {
	FileResult
	// DockerfileSource is the correlated Dockerfile's content, for
	// reporters that show source lines.
	Dockerfile       string
	DockerfileSource []byte
	Document         *image.Document
}

// LintImage scans one image. Problems with the image (unreadable archive,
// registry errors, a corrupt layer) become one InputError naming ref.
func (l *Linter) LintImage(ctx context.Context, ref string, opts ImageOptions) (ir ImageResult) {
	ir.File = ref
	defer func() {
		if p := recover(); p != nil {
			ir.Findings = nil
			ir.Errors = append(ir.Errors, InputError{File: ref, Message: fmt.Sprintf("internal error while scanning (please report): %v", p)})
		}
	}()
	var df *dockerfile.Document
	var dirs []suppress.Directive
	var idx contextIndex
	if opts.Dockerfile != "" {
		dfPath := DisplayPath(opts.Dockerfile)
		src, err := readLimited(opts.Dockerfile)
		if err != nil {
			ir.Errors = append(ir.Errors, InputError{File: dfPath, Message: err.Error()})
			return ir
		}
		df, err = dockerfile.Parse(dfPath, src, dockerfile.Options{BuildArgs: l.opts.BuildArgs, Target: l.opts.Target, BaseImages: l.opts.BaseImages})
		if err != nil {
			var de *dockerfile.Error
			if errors.As(err, &de) {
				ir.Errors = append(ir.Errors, InputError{File: dfPath, Line: de.Line, Message: redact(de.Msg)})
			} else {
				ir.Errors = append(ir.Errors, InputError{File: dfPath, Message: redact(err.Error())})
			}
			return ir
		}
		ir.Dockerfile, ir.DockerfileSource = dfPath, MaskSource(src, df.Redactions())
		var probs []suppress.Problem
		dirs, probs = suppress.Parse(src, spans(df))
		for _, p := range probs {
			ir.Errors = append(ir.Errors, InputError{File: dfPath, Line: p.Line, Message: p.Msg})
		}
		idx = newContextIndex(df)
	}

	progress := func(p ImageProgress) {
		if opts.Progress != nil {
			p.Ref = ref
			opts.Progress(p)
		}
	}
	progress(ImageProgress{Step: StepOpen})
	img, err := source.Open(ctx, ref, opts.Source)
	if err != nil {
		// The reference itself may hold a credential (a path or a tag).
		ir.Errors = append(ir.Errors, InputError{File: redact(ref), Message: redact(trimRef(err.Error(), ref))})
		return ir
	}
	defer img.Close()
	ir.File = img.Name
	if opts.Progress != nil {
		var size int64
		for _, l := range img.Layers {
			if l.Size > 0 {
				size += l.Size
			}
		}
		progress(ImageProgress{Step: StepLayers, Layers: len(img.Layers), Bytes: size})
	}
	doc, err := image.Build(ctx, img, image.Options{MaxFileBytes: opts.MaxFileBytes, Workers: opts.Workers, Dockerfile: df, NoFileSecrets: opts.NoFileScan, SkipPaths: opts.SkipPaths})
	if err != nil {
		ir.Errors = append(ir.Errors, InputError{File: img.Name, Message: redact(trimRef(err.Error(), ref))})
		return ir
	}
	ir.Document = doc
	for _, w := range doc.Warnings {
		ir.Warnings = append(ir.Warnings, InputError{File: img.Name, Message: redactKnown(w, doc.Redactions())})
	}
	ir.Warnings = append(ir.Warnings, skippedWarnings(img.Name, doc.Skipped)...)
	if sc := doc.Scan; sc.Enabled && sc.BinarySkipped+sc.PathSkipped+sc.Truncated > 0 {
		// Say how much content the secret scan did not read, so that no
		// secret findings is not mistaken for a full search.
		ir.Warnings = append(ir.Warnings, InputError{File: img.Name, Message: fmt.Sprintf(
			"secret scan read %d text files (%s); not scanned: %d binary files (%s), %d files under skip paths (%s), %d files past --max-file-size (%s)",
			sc.FilesScanned, mb(sc.BytesScanned), sc.BinarySkipped, mb(sc.BinaryBytes), sc.PathSkipped, mb(sc.PathSkippedBytes), sc.Truncated, mb(sc.TruncatedBytes))})
	}
	if doc.Image.OS == "windows" {
		// The image checks are about Linux: users, ELF, package databases.
		// Saying nothing would read as a clean bill of health.
		ir.Warnings = append(ir.Warnings, InputError{File: img.Name, Message: "a Windows image: hardline's image checks are for Linux images, so none were run"})
		return ir
	}
	progress(ImageProgress{Step: StepRules, Layers: len(doc.Layers)})
	results, err := l.opts.Engine.Evaluate(ctx, policy.KindImage, doc, l.enabled)
	if err != nil {
		ir.Errors = append(ir.Errors, InputError{File: img.Name, Message: err.Error()})
		return ir
	}
	for _, r := range results {
		ir.Findings = append(ir.Findings, l.imageFinding(r, doc, img.Name, ir.Dockerfile, dirs, idx, opts))
	}
	finding.Assign(ir.Findings)
	sort.SliceStable(ir.Findings, func(i, j int) bool { return finding.Less(&ir.Findings[i], &ir.Findings[j]) })
	return ir
}

func (l *Linter) imageFinding(r policy.Result, doc *image.Document, name, dfPath string, dirs []suppress.Directive, idx contextIndex, opts ImageOptions) finding.Finding {
	f := finding.Finding{
		RuleID:      r.Rule.ID,
		RuleName:    r.Rule.Name,
		Title:       r.Rule.Title,
		Severity:    l.cfg.SeverityFor(r.Rule),
		Tags:        r.Rule.Tags,
		Controls:    r.Rule.Controls,
		Message:     redactKnown(r.Message, doc.Redactions()),
		Remediation: r.Rule.Remediation,
		HelpURI:     r.Rule.HelpURI,
		File:        name,
		Stage:       -1,
		Key:         r.Key,
		Context:     r.Path,
	}
	ref := &finding.ImageRef{Name: name, Digest: doc.Image.Digest, Layer: r.Layer, History: r.History, Path: r.Path}
	// A layer names its history entry and the other way round; either
	// leads to the Dockerfile instruction when the image was correlated.
	if ref.History < 0 && ref.Layer >= 0 && ref.Layer < len(doc.Layers) {
		ref.History = doc.Layers[ref.Layer].History
	}
	if ref.Layer < 0 && ref.History >= 0 && ref.History < len(doc.History) {
		ref.Layer = doc.History[ref.History].Layer
	}
	if ref.Layer >= 0 && ref.Layer < len(doc.Layers) {
		ref.LayerDigest = doc.Layers[ref.Layer].DiffID
		ref.Origin = doc.Layers[ref.Layer].Origin
	}
	if ref.History >= 0 && ref.History < len(doc.History) {
		h := doc.History[ref.History]
		if h.Origin != "" {
			ref.Origin = h.Origin
		}
		if h.Location != nil && dfPath != "" {
			f.File = dfPath
			f.Location = finding.Location(*h.Location)
			f.Context = idx.at(h.Location.StartLine) + "\x00" + r.Path
		}
	}
	f.Image = ref
	if config.IsSecretRule(f.Tags) {
		f.Secret = imageSecret(doc, r, ref)
	}
	switch {
	case f.File == dfPath && dfPath != "":
		if d := suppress.Match(dirs, f.RuleID, f.RuleName, f.Location.StartLine); d != nil {
			f.Suppressed = &finding.Suppression{Kind: "inline", Reason: d.Reason, Source: fmt.Sprintf("%s:%d", dfPath, d.Line)}
		}
	}
	if f.Suppressed == nil {
		if s := l.cfg.Suppression(r.Rule, f.File); s != nil {
			f.Suppressed = s
		} else if s := l.cfg.SecretSuppression(&f); s != nil {
			f.Suppressed = s
		} else if opts.IgnoreBase && ref.Origin == "base" {
			f.Suppressed = &finding.Suppression{Kind: "base-image", Reason: "inherited from the base image (--ignore-base)"}
		}
	}
	return f
}

// imageSecret finds the secret of the image document an image finding is
// about: the one its key names, else one that is where the finding is (the
// same file in the image, the same history entry, or the name the key
// gives, e.g. a build argument's) and whose masked value the message shows.
func imageSecret(doc *image.Document, r policy.Result, ref *finding.ImageRef) *finding.SecretRef {
	var cands []secretCandidate
	add := func(m secrets.Match, name string, history, layer int, path string) {
		placed := false
		switch {
		case path != "" && (path == r.Path || path == ref.Path):
			placed = layer < 0 || ref.Layer < 0 || layer == ref.Layer
		case path == "" && history >= 0 && (history == r.History || history == ref.History):
			placed = true
		case name != "" && name == r.Key:
			placed = true
		}
		cands = append(cands, secretCandidate{
			match:  m,
			keyed:  keyNamesFingerprint(r.Key, m.Fingerprint),
			placed: placed,
			quoted: m.Masked != "" && strings.Contains(r.Message, m.Masked),
		})
	}
	for _, s := range doc.Secrets {
		name := s.Name
		if name == "" {
			name = s.Key
		}
		add(s.Match, name, s.History, s.Layer, s.Path)
	}
	for _, c := range doc.CredentialFiles {
		add(c.Secret, "", -1, c.Layer, c.Path)
	}
	return pickSecret(cands)
}

func mb(n int64) string { return fmt.Sprintf("%.1f MB", float64(n)/1e6) }

// maxSkippedShown bounds the per-file "not fully checked" warnings; the
// rest are counted.
const maxSkippedShown = 10

// skippedWarnings says what was not (fully) read, so that a clean result is
// not mistaken for a complete one.
func skippedWarnings(name string, skipped []image.Skipped) []InputError {
	var out []InputError
	for i, s := range skipped {
		if i == maxSkippedShown {
			out = append(out, InputError{File: name, Message: fmt.Sprintf("%d more files were not fully checked", len(skipped)-maxSkippedShown)})
			break
		}
		out = append(out, InputError{File: name, Message: fmt.Sprintf("layer %d: %s: %s", s.Layer, s.Path, s.Reason)})
	}
	return out
}

// trimRef drops a leading "ref: " from an error that already names the ref,
// since InputError prefixes the file itself.
func trimRef(msg, ref string) string {
	if len(msg) > len(ref)+2 && msg[:len(ref)] == ref && msg[len(ref):len(ref)+2] == ": " {
		return msg[len(ref)+2:]
	}
	return msg
}
