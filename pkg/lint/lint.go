// Package lint runs the Dockerfile pipeline for a set of inputs: read,
// build facts, evaluate rules, turn results into fingerprinted findings and
// apply suppressions. It knows nothing about output formats.
package lint

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/hardline-dev/hardline/pkg/baseimage"
	"github.com/hardline-dev/hardline/pkg/config"
	"github.com/hardline-dev/hardline/pkg/dockerfile"
	"github.com/hardline-dev/hardline/pkg/finding"
	"github.com/hardline-dev/hardline/pkg/policy"
	"github.com/hardline-dev/hardline/pkg/secrets"
	"github.com/hardline-dev/hardline/pkg/suppress"
)

// MaxFileSize bounds what is read from one Dockerfile; real ones are a few
// KB, and anything this large is not a Dockerfile worth parsing.
const MaxFileSize = 8 << 20

// Input is one Dockerfile to lint.
type Input struct {
	// Path is the display path ("-" for standard input).
	Path string
	// Data is the content when already read (standard input); nil means
	// read Path.
	Data []byte
}

// InputError is a one-line problem with one input.
type InputError struct {
	File    string
	Line    int
	Message string
}

func (e InputError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Message)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Message)
}

// Options configure a Linter.
type Options struct {
	Engine     *policy.Engine
	Config     *config.Config // nil means defaults
	BuildArgs  map[string]string
	Target     string
	BaseImages *baseimage.Table // nil means built-in knowledge
	// Tags, when set, restricts evaluation to rules carrying any of them.
	Tags []string
	// Workers bounds concurrency (0 = GOMAXPROCS).
	Workers int
	// Cache, when set, keeps each file's result and reuses it while the
	// file's path and content, the options above and CacheSalt are
	// unchanged (see cache.go).
	Cache Store
	// CacheSalt must identify everything else a result depends on: the
	// program, the rules the Engine holds and the BaseImages table.
	CacheSalt []byte
}

// Linter lints Dockerfiles; it is safe for concurrent use.
type Linter struct {
	opts    Options
	cfg     *config.Config
	enabled func(finding.Rule) bool
	known   map[string]bool // lower-cased rule ids and names
	scope   []byte          // cacheScope, when Options.Cache is set
}

// New prepares a Linter.
func New(opts Options) *Linter {
	cfg := opts.Config
	if cfg == nil {
		cfg = &config.Config{}
	}
	l := &Linter{opts: opts, cfg: cfg, known: map[string]bool{}}
	for _, r := range opts.Engine.Rules() {
		l.known[strings.ToLower(r.ID)] = true
		l.known[strings.ToLower(r.Name)] = true
	}
	tags := map[string]bool{}
	for _, t := range opts.Tags {
		tags[strings.ToLower(strings.TrimSpace(t))] = true
	}
	l.enabled = func(r finding.Rule) bool {
		if !cfg.Enabled(&r) {
			return false
		}
		if len(tags) == 0 {
			return true
		}
		for _, t := range r.Tags {
			if tags[t] {
				return true
			}
		}
		return false
	}
	if opts.Cache != nil {
		l.scope = l.cacheScope()
	}
	return l
}

// Enabled reports whether rule r runs under this Linter's configuration.
func (l *Linter) Enabled(r finding.Rule) bool { return l.enabled(r) }

// FileResult is the outcome for one input.
type FileResult struct {
	File     string
	Source   []byte
	Findings []finding.Finding
	Errors   []InputError
	// Warnings are the facts builder's non-fatal problems (redacted).
	Warnings []InputError
}

// Result is the outcome for all inputs, in input order.
type Result struct {
	Files []FileResult
}

// Lint lints inputs concurrently; results keep input order.
func (l *Linter) Lint(ctx context.Context, inputs []Input) *Result {
	res := &Result{Files: make([]FileResult, len(inputs))}
	workers := l.opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	if workers > len(inputs) {
		workers = len(inputs)
	}
	jobs := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				res.Files[i] = l.LintOne(ctx, inputs[i])
			}
		}()
	}
	for i := range inputs {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	return res
}

// LintOne lints a single input. It never panics on input: a panic anywhere
// below is turned into an error for this file so the other files go on.
func (l *Linter) LintOne(ctx context.Context, in Input) (fr FileResult) {
	fr.File = in.Path
	defer func() {
		if p := recover(); p != nil {
			fr.Findings = nil
			fr.Errors = append(fr.Errors, InputError{File: in.Path, Message: fmt.Sprintf("internal error while linting (please report): %v", p)})
		}
	}()
	src := in.Data
	if src == nil {
		var err error
		src, err = readLimited(in.Path)
		if err != nil {
			fr.Errors = append(fr.Errors, InputError{File: in.Path, Message: err.Error()})
			return fr
		}
	}
	if l.opts.Cache == nil {
		fr, _ = l.lintSource(ctx, in.Path, src)
		return fr
	}
	key := l.cacheKey(in.Path, src)
	if cached, ok := l.cached(key, in.Path, src); ok {
		return cached
	}
	fr, ok := l.lintSource(ctx, in.Path, src)
	if ok {
		l.store(key, fr, src)
	}
	return fr
}

// lintSource lints one Dockerfile's content. ok is false when the result
// depends on more than the content and the Linter's options (the rules
// could not be evaluated: a deadline, a cancelled run, a rule's error) and
// must not be cached.
func (l *Linter) lintSource(ctx context.Context, path string, src []byte) (fr FileResult, ok bool) {
	fr.File = path
	fr.Source = src
	doc, err := dockerfile.Parse(path, src, dockerfile.Options{
		BuildArgs:  l.opts.BuildArgs,
		Target:     l.opts.Target,
		BaseImages: l.opts.BaseImages,
	})
	if err != nil {
		var de *dockerfile.Error
		if errors.As(err, &de) {
			fr.Errors = append(fr.Errors, InputError{File: path, Line: de.Line, Message: redact(de.Msg)})
		} else {
			fr.Errors = append(fr.Errors, InputError{File: path, Message: redact(err.Error())})
		}
		return fr, true
	}
	for _, w := range doc.Warnings {
		fr.Warnings = append(fr.Warnings, InputError{File: path, Line: w.Location.StartLine, Message: redactKnown(w.Message, doc.Redactions())})
	}
	// Reporters show source lines; a value that is a secret only by its
	// position (curl -u user:pw) must not come back through another rule's
	// snippet of the same line.
	fr.Source = MaskSource(src, doc.Redactions())
	results, err := l.opts.Engine.Evaluate(ctx, "dockerfile", doc, l.enabled)
	if err != nil {
		fr.Errors = append(fr.Errors, InputError{File: path, Message: err.Error()})
		return fr, false
	}
	dirs, probs := suppress.Parse(src, spans(doc))
	for _, p := range probs {
		fr.Errors = append(fr.Errors, InputError{File: path, Line: p.Line, Message: p.Msg})
	}
	// A directive naming a rule that does not exist suppresses nothing;
	// it is almost always a typo, so say so instead of silently passing.
	for _, d := range dirs {
		for _, r := range d.Rules {
			if r != "*" && !l.known[strings.ToLower(r)] {
				fr.Errors = append(fr.Errors, InputError{File: path, Line: d.Line, Message: fmt.Sprintf("hardline ignore names unknown rule %q (see 'hardline rules list')", r)})
			}
		}
	}
	idx := newContextIndex(doc)
	for _, r := range results {
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
			File:        path,
			Location:    r.Location,
			Stage:       r.Stage,
			Key:         r.Key,
		}
		if f.Stage >= 0 && f.Stage < len(doc.Stages) {
			f.StageName = doc.Stages[f.Stage].Name
		}
		f.Context = idx.at(f.Location.StartLine)
		if config.IsSecretRule(f.Tags) {
			f.Secret = dockerfileSecret(doc, r)
		}
		if d := suppress.Match(dirs, f.RuleID, f.RuleName, f.Location.StartLine); d != nil {
			f.Suppressed = &finding.Suppression{Kind: "inline", Reason: d.Reason, Source: fmt.Sprintf("%s:%d", path, d.Line)}
		} else if s := l.cfg.Suppression(r.Rule, path); s != nil {
			f.Suppressed = s
		} else if s := l.cfg.SecretSuppression(&f); s != nil {
			f.Suppressed = s
		}
		fr.Findings = append(fr.Findings, f)
	}
	finding.Assign(fr.Findings)
	sort.SliceStable(fr.Findings, func(i, j int) bool { return finding.Less(&fr.Findings[i], &fr.Findings[j]) })
	return fr, true
}

// secretCandidate is a detected secret a finding may be about.
type secretCandidate struct {
	match secrets.Match
	// keyed: the finding's key names the secret's fingerprint; placed: the
	// secret is where the finding is (same line, history entry, file or
	// name); quoted: the finding's message shows the masked value.
	keyed, placed, quoted bool
}

// keyNamesFingerprint reports whether a rule's key identifies the secret
// with fingerprint fp: the key is the fingerprint, or ends with it after
// ":" or "#" (the built-in rules' "path:fingerprint" and "path#fingerprint").
func keyNamesFingerprint(key, fp string) bool {
	if fp == "" || key == "" {
		return false
	}
	if key == fp {
		return true
	}
	return strings.HasSuffix(key, fp) && len(key) > len(fp) && strings.ContainsRune(":#", rune(key[len(key)-len(fp)-1]))
}

// pickSecret chooses the secret a finding is about: the candidates whose
// fingerprint the key names (placed ones first), else those both placed and
// quoted in the message. It returns nil unless they agree on one
// fingerprint; the detector rule is left empty when they disagree on it.
func pickSecret(cands []secretCandidate) *finding.SecretRef {
	var keyed, keyedPlaced, other []secrets.Match
	for _, c := range cands {
		switch {
		case c.keyed && c.placed:
			keyedPlaced = append(keyedPlaced, c.match)
			keyed = append(keyed, c.match)
		case c.keyed:
			keyed = append(keyed, c.match)
		case c.placed && c.quoted:
			other = append(other, c.match)
		}
	}
	set := other
	switch {
	case len(keyedPlaced) > 0:
		set = keyedPlaced
	case len(keyed) > 0:
		set = keyed
	}
	if len(set) == 0 {
		return nil
	}
	ref := &finding.SecretRef{Fingerprint: set[0].Fingerprint, Rule: set[0].Rule, Masked: set[0].Masked}
	for _, m := range set[1:] {
		if m.Fingerprint != ref.Fingerprint {
			return nil // two different values: ambiguous
		}
		if m.Rule != ref.Rule {
			ref.Rule = ""
		}
		if m.Masked != ref.Masked {
			ref.Masked = ""
		}
	}
	if ref.Fingerprint == "" {
		return nil
	}
	return ref
}

// dockerfileSecret finds the secret fact a Dockerfile finding is about: the
// one its key names (on its line, preferably), else the one on its line
// whose masked value its message shows.
func dockerfileSecret(doc *dockerfile.Document, r policy.Result) *finding.SecretRef {
	var cands []secretCandidate
	for _, s := range doc.Secrets {
		cands = append(cands, secretCandidate{
			match:  s.Match,
			keyed:  keyNamesFingerprint(r.Key, s.Fingerprint),
			placed: r.Location.StartLine > 0 && s.Location.StartLine == r.Location.StartLine,
			quoted: s.Masked != "" && strings.Contains(r.Message, s.Masked),
		})
	}
	return pickSecret(cands)
}

func readLimited(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, errors.New(statMessage(err))
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.IsDir() {
		return nil, errors.New("is a directory")
	}
	// Read one byte past the limit to tell "exactly at" from "over".
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, errors.New(statMessage(err))
	}
	if len(data) > MaxFileSize {
		return nil, fmt.Errorf("file is larger than the %d-byte limit for a Dockerfile", MaxFileSize)
	}
	return data, nil
}

// redactKnown masks the secret values the facts builder found in this
// Dockerfile wherever msg spells them (a custom rule may print raw ENV
// values or instruction text, quotes and all), then anything else the
// detector recognises. Built-in rules only ever print masked values.
func redactKnown(msg string, values []string) string {
	return redact(secrets.MaskIn(msg, values))
}

// MaskSource returns src with every secret value replaced by its masked
// form wherever src spells it (src itself when there is nothing to mask).
func MaskSource(src []byte, values []string) []byte {
	if len(values) == 0 {
		return src
	}
	out := secrets.MaskIn(string(src), values)
	if out == string(src) {
		return src
	}
	return []byte(out)
}

// Redact masks anything in msg that the secret detector recognises, and
// the exact values given.
func Redact(msg string, values []string) string { return redactKnown(msg, values) }

// redact masks anything in msg that the secret detector recognises, span
// by span, leaving the text around each value as it was.
func redact(msg string) string { return secrets.Default().Redact(msg) }

// spans lists every instruction's line range (FROM included) in file order,
// for suppression comments to find the instruction they precede.
func spans(doc *dockerfile.Document) []suppress.Span {
	var out []suppress.Span
	for _, s := range doc.Stages {
		out = append(out, suppress.Span{Start: s.Location.StartLine, End: s.Location.EndLine})
		for _, in := range s.Instructions {
			out = append(out, suppress.Span{Start: in.Location.StartLine, End: in.Location.EndLine})
		}
	}
	for _, a := range doc.GlobalArgs {
		out = append(out, suppress.Span{Start: a.Location.StartLine, End: a.Location.EndLine})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Start < out[j].Start })
	return out
}

// contextIndex maps an instruction's start line to its text, which goes into
// fingerprints instead of the line number.
type contextIndex map[int]string

func newContextIndex(doc *dockerfile.Document) contextIndex {
	idx := contextIndex{}
	for _, s := range doc.Stages {
		idx[s.Location.StartLine] = "FROM " + s.Base.Raw + " " + s.Name
		for _, in := range s.Instructions {
			idx[in.Location.StartLine] = in.Original
		}
	}
	return idx
}

func (c contextIndex) at(line int) string { return c[line] }
