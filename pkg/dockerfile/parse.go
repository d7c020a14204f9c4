// Package dockerfile builds hardline's facts document (the Rego input) for a
// Dockerfile: BuildKit's own parser and instruction model provide the syntax,
// and this package replays BuildKit's dispatch semantics (ARG/ENV scoping,
// stage inheritance, runtime configuration) without building anything.
package dockerfile

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/linter"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/frontend/dockerfile/shell"

	"github.com/hardline-dev/hardline/pkg/baseimage"
	"github.com/hardline-dev/hardline/pkg/secrets"
)

// Options control how a Dockerfile is interpreted.
type Options struct {
	// BuildArgs are --build-arg overrides.
	BuildArgs map[string]string
	// Target is the --target stage name ("" = last stage).
	Target string
	// BaseImages is the base-image knowledge; nil means baseimage.Default().
	BaseImages *baseimage.Table
	// Secrets is the credential detector; nil means secrets.Default().
	Secrets *secrets.Detector
}

// Error is a fatal problem with a Dockerfile, located at a line.
type Error struct {
	File string
	// Line is 1-based; 0 when the problem has no line (empty input,
	// unknown --target).
	Line int
	Msg  string
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return e.File + ":" + strconv.Itoa(e.Line) + ": " + e.Msg
	}
	return e.File + ": " + e.Msg
}

// Parse builds the facts document for one Dockerfile. name is the display
// path ("-" for stdin). Every failure is returned as an *Error; undefined
// variables, shell syntax errors and similar non-fatal problems are recorded
// in Document.Warnings instead.
func Parse(name string, src []byte, opts Options) (doc *Document, err error) {
	// The BuildKit packages are not written for hostile input; a linter
	// must report, not crash, whatever file it is pointed at.
	defer func() {
		if r := recover(); r != nil {
			doc, err = nil, &Error{File: name, Msg: fmt.Sprintf("internal error while parsing: %v", r)}
		}
	}()
	b := &builder{name: name, opts: opts}
	return b.build(src)
}

// rawStage is a FROM and the typed instructions that follow it.
type rawStage struct {
	from *instructions.Stage
	node *parser.Node
	cmds []rawCmd
}

type rawCmd struct {
	node *parser.Node
	cmd  any
}

type builder struct {
	name    string
	opts    Options
	src     *sourceText
	lex     *shell.Lex // BuildKit's expansion, with the file's escape token
	unquote *shell.Lex // quote removal only: unset variables stay as written
	table   *baseimage.Table
	det     *secrets.Detector
	// vals receives the values of the latest scan, one per match, in
	// order (see scanned); they are only compared, never stored.
	vals []string
	doc  *Document

	raw []rawStage
	// stageNames maps lower-cased stage names to the last stage with that
	// name, which is how BuildKit resolves COPY --from and mount from=.
	stageNames map[string]int
	global     vars
	states     []*buildState // state at the end of each stage
	deps       [][]int
	secretList []SecretFact

	// fatal is the first error found while dispatching (invalid RUN
	// --mount options, which BuildKit only checks at that point).
	fatal *Error

	// Per-instruction expansion bookkeeping, reset by beginExpansion.
	undefined  []string
	unresolved bool
	expandErr  bool

	// lint runs BuildKit's checks (lint.go); lintUnmatched are the
	// variables the current instruction's expansion could not resolve, as
	// BuildKit's UndefinedVar sees them.
	lint               *linter.Linter
	lintUnmatched      []string
	lintBaseEnvUnknown bool
	suggestLeft        int
}

func (b *builder) errorf(line int, format string, args ...any) *Error {
	return &Error{File: b.name, Line: line, Msg: cleanMessage(fmt.Sprintf(format, args...))}
}

func (b *builder) warn(loc Location, format string, args ...any) {
	b.doc.Warnings = append(b.doc.Warnings, Warning{Message: cleanMessage(fmt.Sprintf(format, args...)), Location: loc})
}

func (b *builder) build(src []byte) (*Document, error) {
	b.table = b.opts.BaseImages
	if b.table == nil {
		b.table = baseimage.Default()
	}
	det := b.opts.Secrets
	if det == nil {
		det = secrets.Default()
	}
	// The facts never hold a secret value, but a custom rule can read raw
	// instruction text; record the exact values so callers can mask them in
	// anything a rule prints.
	redact := map[string]bool{}
	b.det = det.WithCollector(func(v string) {
		redact[v] = true
		b.vals = append(b.vals, v)
	})
	defer func() {
		if b.doc != nil {
			b.doc.redactions = sortedRedactions(redact)
		}
	}()
	src = normalizeSource(src)
	b.src = newSourceText(src)

	res, err := parser.Parse(bytes.NewReader(src))
	if err != nil {
		return nil, b.errorf(errorLine(err), "%s", errorMessage(err))
	}
	b.lex = shell.NewLex(res.EscapeToken)
	b.unquote = shell.NewLex(res.EscapeToken)
	b.unquote.SkipUnsetEnv = true

	buildArgs := make(map[string]string, len(b.opts.BuildArgs))
	for k, v := range b.opts.BuildArgs {
		buildArgs[k] = v
	}
	b.doc = &Document{
		SchemaVersion: SchemaVersion,
		Kind:          "dockerfile",
		File:          strings.ReplaceAll(b.name, `\`, "/"),
		Escape:        string(res.EscapeToken),
		BuildArgs:     buildArgs,
		Target:        b.opts.Target,
		GlobalArgs:    []ArgDecl{},
		Stages:        []Stage{},
		Secrets:       []SecretFact{},
		Warnings:      []Warning{},
		Lint:          []LintWarning{},
	}
	b.newLinter(src)
	b.lintParserWarnings(res.Warnings)
	if _, cmdline, _, ok := parser.DetectSyntax(src); ok {
		b.doc.Syntax = cmdline
	}
	for _, w := range res.Warnings {
		line := 0
		if w.Location != nil {
			line = w.Location.Start.Line
		}
		b.warn(b.src.location(line, line), "%s", w.Short)
	}

	globalArgs, err := b.split(res.AST)
	if err != nil {
		return nil, err
	}
	b.lintStages()
	b.lintDefaultBaseNames(globalArgs)
	final := len(b.raw) - 1
	if b.opts.Target != "" {
		i, ok := b.stageNames[strings.ToLower(b.opts.Target)]
		if !ok {
			return nil, b.errorf(0, "target stage %q could not be found", b.opts.Target)
		}
		final = i
	}
	b.doc.FinalStage = final

	b.buildGlobalScope(globalArgs)
	b.states = make([]*buildState, len(b.raw))
	b.deps = make([][]int, len(b.raw))
	for i := range b.raw {
		if err := b.buildStage(i); err != nil {
			return nil, err
		}
	}
	b.buildGraph()
	b.deriveStageFacts()
	b.doc.Secrets = dedupeSecrets(b.secretList)
	b.finishLint()
	return b.doc, nil
}

// split type-checks every instruction with BuildKit's instructions package
// and groups them by stage, as instructions.Parse does, but keeps the AST
// nodes for locations and raw arguments.
func (b *builder) split(ast *parser.Node) ([]rawCmd, error) {
	var global []rawCmd
	b.stageNames = map[string]int{}
	for _, n := range ast.Children {
		// The linter hook reports MaintainerDeprecated, StageNameCasing,
		// FromAsCasing and (when enabled) InvalidDefinitionDescription.
		cmd, err := instructions.ParseInstructionWithLinter(n, b.lint)
		if err != nil {
			line := errorLine(err)
			if line == 0 {
				line = n.StartLine
			}
			return nil, b.errorf(line, "%s", errorMessage(err))
		}
		switch c := cmd.(type) {
		case *instructions.Stage:
			if c.Name != "" {
				b.stageNames[c.Name] = len(b.raw)
			}
			b.raw = append(b.raw, rawStage{from: c, node: n})
		case *instructions.ArgCommand:
			if len(b.raw) == 0 {
				global = append(global, rawCmd{node: n, cmd: c})
				continue
			}
			b.raw[len(b.raw)-1].cmds = append(b.raw[len(b.raw)-1].cmds, rawCmd{node: n, cmd: c})
		default:
			if len(b.raw) == 0 {
				return nil, b.errorf(n.StartLine, "%s instruction before the first FROM: no build stage in current context", strings.ToUpper(n.Value))
			}
			b.raw[len(b.raw)-1].cmds = append(b.raw[len(b.raw)-1].cmds, rawCmd{node: n, cmd: c})
		}
	}
	if len(b.raw) == 0 {
		line := 0
		if len(ast.Children) > 0 {
			line = ast.Children[0].StartLine
		}
		return nil, b.errorf(line, "no FROM instruction: a Dockerfile needs at least one build stage")
	}
	return global, nil
}

// buildGlobalScope evaluates the ARGs before the first FROM the way
// BuildKit's buildMetaArgs does: platform ARGs are predefined, a
// --build-arg replaces the default of a declared ARG, defaults are expanded
// in order with what is declared so far, and an ARG without default or
// override is declared but has no value.
func (b *builder) buildGlobalScope(global []rawCmd) {
	b.global = vars{}
	for _, kv := range platformArgs {
		v := kv[1]
		if o, ok := b.opts.BuildArgs[kv[0]]; ok {
			v = o
		}
		b.global[kv[0]] = v
	}
	target := b.opts.Target
	if target == "" {
		target = "default"
	}
	b.global["TARGETSTAGE"] = target

	for _, rc := range global {
		c := rc.cmd.(*instructions.ArgCommand)
		loc := b.src.location(rc.node.StartLine, rc.node.EndLine)
		for _, kv := range c.Args {
			d := ArgDecl{Name: kv.Key, HasDefault: kv.Value != nil, Location: loc}
			d.SensitiveName = secrets.IsCredentialKey(kv.Key)
			if kv.Value != nil {
				d.Default = *kv.Value
			}
			b.beginExpansion()
			switch v, ok := b.opts.BuildArgs[kv.Key]; {
			case ok:
				d.Value, d.Defined, d.Overridden = v, true, true
			case kv.Value != nil:
				d.Value, d.Defined = b.expand(*kv.Value, b.global), true
			}
			b.endExpansion(loc, nil)
			if d.Defined {
				b.global[kv.Key] = d.Value
			}
			b.doc.GlobalArgs = append(b.doc.GlobalArgs, d)
			if d.HasDefault {
				b.checkValue(kv.Key, d.Default, "arg", -1, -1, rc.node)
			}
		}
	}
}

// beginExpansion starts collecting the variables an instruction could not
// resolve, so that each is reported once per instruction.
func (b *builder) beginExpansion() {
	b.undefined = b.undefined[:0]
	b.unresolved = false
	b.expandErr = false
	b.lintUnmatched = b.lintUnmatched[:0]
}

// expand resolves word with BuildKit's lexer in scope. Unlike BuildKit,
// which fails the build, expansion errors (${X:?msg}, bad substitutions)
// leave the word as written so the rest of the file is still analysed.
func (b *builder) expand(word string, scope vars) string {
	// Most words have nothing to expand or unquote; skip the lexer for them.
	if !strings.ContainsAny(word, "$\"'\\`") {
		return word
	}
	res, err := b.lex.ProcessWordWithMatches(word, &budgetVars{v: scope, left: maxExpansion})
	if err != nil {
		b.expandErr = true
		b.unresolved = true
		return word
	}
	b.noteUnmatched(word, res.Unmatched)
	b.noteLintUnmatched(res)
	return res.Result
}

// expandWords is expand with word splitting (EXPOSE).
func (b *builder) expandWords(word string, scope vars) []string {
	if !strings.ContainsAny(word, "$\"'\\`") {
		return []string{word}
	}
	words, err := b.lex.ProcessWords(word, &budgetVars{v: scope, left: maxExpansion})
	if err != nil {
		b.expandErr = true
		b.unresolved = true
		return []string{word}
	}
	// ProcessWords does not report unmatched names; run the capturing
	// variant for the bookkeeping.
	if res, err := b.lex.ProcessWordWithMatches(word, &budgetVars{v: scope, left: maxExpansion}); err == nil {
		b.noteUnmatched(word, res.Unmatched)
		b.noteLintUnmatched(res)
	}
	return words
}

func (b *builder) noteUnmatched(word string, unmatched map[string]struct{}) {
	for name := range unmatched {
		if isBareRef(word, name) {
			b.unresolved = true
			if !slices.Contains(b.undefined, name) {
				b.undefined = append(b.undefined, name)
			}
		}
	}
}

// endExpansion records warnings for the variables collected since
// beginExpansion. Names declared by an ARG without value are not reported:
// like BuildKit's UndefinedVar check, hardline assumes they are supplied
// with --build-arg at build time.
func (b *builder) endExpansion(loc Location, bs *buildState) {
	slices.Sort(b.undefined)
	for _, name := range b.undefined {
		if bs != nil && bs.declared(name) {
			continue
		}
		if bs == nil && isDeclaredGlobal(b.doc.GlobalArgs, name) {
			continue
		}
		if bs != nil && bs.imageEnv {
			b.warn(loc, "variable %q is not defined in the Dockerfile; unless the base image sets it, it expands to an empty string", name)
		} else {
			b.warn(loc, "variable %q is not defined; it expands to an empty string", name)
		}
	}
	if b.expandErr {
		b.warn(loc, "variable substitution failed; the value is kept as written")
	}
}

func isDeclaredGlobal(args []ArgDecl, name string) bool {
	for _, a := range args {
		if a.Name == name {
			return true
		}
	}
	return false
}

// unquoteRaw removes quoting from a value as written without expanding
// variables, so that secret fingerprints match the value the shell sees
// while `${TOKEN}` references are not mistaken for literal credentials.
func (b *builder) unquoteRaw(s string) string {
	if !strings.ContainsAny(s, "\"'\\`") {
		return s
	}
	v, _, err := b.unquote.ProcessWord(s, noVars)
	if err != nil {
		return s
	}
	return v
}

// resolveStageRef resolves a COPY --from / mount from= value: a stage name
// (case-insensitive, any stage, as BuildKit builds the dependency graph
// after reading all stages) or, when numeric is set, a stage index.
func (b *builder) resolveStageRef(ref string, numeric bool) (int, bool) {
	if i, ok := b.stageNames[strings.ToLower(ref)]; ok {
		return i, true
	}
	if numeric {
		if n, err := strconv.Atoi(ref); err == nil {
			if n >= 0 && n < len(b.raw) {
				return n, true
			}
			return -1, false
		}
	}
	return -1, true
}

// buildGraph fills Chain, IsFinal, InFinalChain, DependsOn and
// NeededByFinal once every stage is known.
func (b *builder) buildGraph() {
	stages := b.doc.Stages
	final := b.doc.FinalStage
	for i := range stages {
		if p := stages[i].Base.Stage; p >= 0 && p < i {
			stages[i].Chain = append(slices.Clone(stages[p].Chain), i)
		} else {
			stages[i].Chain = []int{i}
		}
		d := b.deps[i]
		slices.Sort(d)
		d = slices.Compact(d)
		if d == nil {
			d = []int{}
		}
		stages[i].DependsOn = d
	}
	stages[final].IsFinal = true
	for _, c := range stages[final].Chain {
		stages[c].InFinalChain = true
	}
	// Dependencies may point forward (COPY --from=<later stage>) and even
	// form cycles, which BuildKit rejects at build time; the visited check
	// keeps the walk finite.
	queue := []int{final}
	for len(queue) > 0 {
		i := queue[0]
		queue = queue[1:]
		if stages[i].NeededByFinal {
			continue
		}
		stages[i].NeededByFinal = true
		queue = append(queue, stages[i].DependsOn...)
	}
}

// errorLine extracts the first line of a BuildKit location error.
func errorLine(err error) int {
	var le *parser.LocationError
	if errors.As(err, &le) {
		for _, rs := range le.Locations {
			for _, r := range rs {
				if r.Start.Line > 0 {
					return r.Start.Line
				}
			}
		}
	}
	return 0
}

// errorMessage is the BuildKit error text without location wrappers.
func errorMessage(err error) string {
	var le *parser.LocationError
	if errors.As(err, &le) && le.Unwrap() != nil {
		return le.Unwrap().Error()
	}
	return err.Error()
}

// cleanMessage makes a message safe to print: the instruction keyword of a
// binary file can contain control bytes and be arbitrarily long.
func cleanMessage(s string) string {
	const max = 300
	clean := true
	for _, r := range s {
		if r == utf8.RuneError || (unicode.IsControl(r) && r != '\t') {
			clean = false
			break
		}
	}
	if !clean {
		var sb strings.Builder
		for i := 0; i < len(s); {
			r, size := utf8.DecodeRuneInString(s[i:])
			switch {
			case r == utf8.RuneError && size <= 1:
				fmt.Fprintf(&sb, `\x%02x`, s[i])
			case unicode.IsControl(r) && r != '\t':
				q := strconv.QuoteRune(r)
				sb.WriteString(q[1 : len(q)-1])
			default:
				sb.WriteString(s[i : i+size])
			}
			i += size
		}
		s = sb.String()
	}
	if len(s) > max {
		cut := max
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return s
}
