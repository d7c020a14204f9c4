package dockerfile

import (
	"cmp"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/linter"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/frontend/dockerfile/shell"
	"github.com/moby/buildkit/util/suggest"

	"github.com/hardline-dev/hardline/pkg/baseimage"
)

// BuildKit's checks live in two places. The rule definitions (names,
// descriptions, URLs, message formats), the skip/experimental/error
// configuration and the checks done while typing instructions
// (MaintainerDeprecated, StageNameCasing, FromAsCasing,
// InvalidDefinitionDescription) are BuildKit's own code, called here through
// its linter package and instructions.ParseInstructionWithLinter. The other
// checks run in dockerfile2llb while it converts the file to LLB, which needs
// an image resolver and pulls in BuildKit's client stack (containerd, gRPC,
// OpenTelemetry); hardline already replays that dispatch without building,
// so it runs those checks at the same points of the replay, with the same
// inputs, and reports them through the same linter.Rule values. Each such
// call site names the dockerfile2llb function it mirrors.

// newLinter builds the file-level linter from the `# check=` directive, as
// dockerfile2llb's newRuleLinter does.
func (b *builder) newLinter(src []byte) {
	cfg := &linter.Config{}
	if raw, _, _, ok := parser.ParseDirective("check", src); ok {
		d := &CheckDirective{Raw: cleanMessage(raw)}
		if c, err := linter.ParseLintOptions(raw); err != nil {
			// BuildKit refuses to build; hardline keeps linting with the
			// default configuration and says why.
			d.Invalid = cleanMessage(err.Error())
			b.warn(Location{}, "# check=%s: %s (BuildKit fails the build; checks run with the default configuration)", raw, err.Error())
		} else {
			cfg = c
			d.Skip, d.SkipAll = c.SkipRules, c.SkipAll
			d.Experimental, d.ExperimentalAll = c.ExperimentalRules, c.ExperimentalAll
			d.Error = c.ReturnAsError
		}
		b.doc.Check = d
	}
	cfg.Warn = b.lintWarn
	b.lint = linter.New(cfg)
	b.suggestLeft = suggestBudget
}

// lintWarn is the linter's LintWarnFunc.
func (b *builder) lintWarn(rule, description, url, msg string, loc []parser.Range) {
	start, end := 0, 0
	for _, r := range loc {
		if start == 0 || (r.Start.Line > 0 && r.Start.Line < start) {
			start = r.Start.Line
		}
		end = max(end, r.End.Line)
	}
	w := LintWarning{
		Rule:        rule,
		Description: description,
		URL:         url,
		Message:     cleanMessage(msg),
		Stage:       -1,
	}
	if start > 0 {
		w.Location = b.src.location(start, end)
	}
	if rule == linter.RuleUndefinedVar.Name && b.lintBaseEnvUnknown {
		w.BaseEnvUnknown = true
	}
	b.doc.Lint = append(b.doc.Lint, w)
}

// instrLinter applies the `# check=` comments directly above an
// instruction, as BuildKit's dispatch does for each command.
func (b *builder) instrLinter(node *parser.Node) *linter.Linter {
	return b.lint.WithMergedConfigFromComments(node.PrevComment)
}

// finishLint assigns stages, drops exact duplicates (BuildKit reports
// UndefinedVar once per expanded word, so `COPY $X $X` would warn twice)
// and sorts the warnings.
func (b *builder) finishLint() {
	lint := b.doc.Lint
	for i := range lint {
		lint[i].Stage = b.stageAtLine(lint[i].Location.StartLine)
	}
	slices.SortStableFunc(lint, func(x, y LintWarning) int {
		return cmp.Or(
			cmp.Compare(x.Location.StartLine, y.Location.StartLine),
			cmp.Compare(x.Location.EndLine, y.Location.EndLine),
			cmp.Compare(x.Rule, y.Rule),
			cmp.Compare(x.Message, y.Message),
		)
	})
	b.doc.Lint = slices.CompactFunc(lint, func(x, y LintWarning) bool { return x == y })
}

// stageAtLine is the stage whose FROM is the last one at or before line.
func (b *builder) stageAtLine(line int) int {
	if line == 0 {
		return -1
	}
	// Stages are in line order: the first stage starting after line, minus one.
	return sort.Search(len(b.raw), func(i int) bool { return b.raw[i].node.StartLine > line }) - 1
}

// lintParserWarnings mirrors toDispatchState: the parser's empty
// continuation warnings become NoEmptyContinuation.
func (b *builder) lintParserWarnings(ws []parser.Warning) {
	for _, w := range ws {
		if w.URL != linter.RuleNoEmptyContinuation.URL || w.Location == nil {
			continue
		}
		b.lint.Run(&linter.RuleNoEmptyContinuation, []parser.Range{*w.Location}, linter.RuleNoEmptyContinuation.Format())
	}
}

var reservedStageNames = map[string]bool{"context": true, "scratch": true}

// lintStages mirrors validateStageNames and validateCommandCasing, which
// dockerfile2llb runs on the typed stages with the file-level linter.
func (b *builder) lintStages() {
	seen := map[string]bool{}
	for _, rs := range b.raw {
		name := rs.from.Name
		if name == "" {
			continue
		}
		if reservedStageNames[name] {
			b.lint.Run(&linter.RuleReservedStageName, rs.node.Location(), linter.RuleReservedStageName.Format(name))
		}
		if seen[name] {
			b.lint.Run(&linter.RuleDuplicateStageName, rs.node.Location(), linter.RuleDuplicateStageName.Format(name))
		}
		seen[name] = true
	}

	// Casing is counted over FROM and the commands of every stage (not the
	// ARGs before the first FROM); mixed-case keywords count for neither.
	lower, upper := 0, 0
	count := func(kw string) {
		switch kw {
		case strings.ToLower(kw):
			lower++
		case strings.ToUpper(kw):
			upper++
		}
	}
	for _, rs := range b.raw {
		count(rs.node.Value)
		for _, rc := range rs.cmds {
			count(rc.node.Value)
		}
	}
	majorityLower := lower > upper
	check := func(n *parser.Node) {
		kw := n.Value
		casing := ""
		switch {
		case majorityLower && strings.ToLower(kw) != kw:
			casing = "lowercase"
		case !majorityLower && strings.ToUpper(kw) != kw:
			casing = "uppercase"
		}
		if casing != "" {
			b.lint.Run(&linter.RuleConsistentInstructionCasing, n.Location(), linter.RuleConsistentInstructionCasing.Format(kw, casing))
		}
	}
	for _, rs := range b.raw {
		check(rs.node)
		for _, rc := range rs.cmds {
			check(rc.node)
		}
	}
}

// lintDefaultBaseNames mirrors validateBaseImagesWithDefaultArgs: every FROM
// must name a valid image (or stage) with the global ARG defaults alone,
// without any --build-arg (platform ARGs keep their overrides, as there).
func (b *builder) lintDefaultBaseNames(global []rawCmd) {
	scope := vars{}
	for _, kv := range platformArgs {
		v := kv[1]
		if o, ok := b.opts.BuildArgs[kv[0]]; ok {
			v = o
		}
		scope[kv[0]] = v
	}
	scope["TARGETSTAGE"] = cmp.Or(b.opts.Target, b.raw[len(b.raw)-1].from.Name, "default")
	for _, rc := range global {
		for _, kv := range rc.cmd.(*instructions.ArgCommand).Args {
			if kv.Value == nil {
				continue
			}
			v, err := b.lex.ProcessWordWithMatches(*kv.Value, &budgetVars{v: scope, left: maxExpansion})
			if err != nil {
				return // BuildKit abandons this check
			}
			scope[kv.Key] = v.Result
		}
	}
	for _, rs := range b.raw {
		res, err := b.lex.ProcessWordWithMatches(rs.from.BaseName, &budgetVars{v: scope, left: maxExpansion})
		if err != nil {
			return
		}
		if _, err := baseimage.ParseRef(res.Result); err != nil {
			b.lint.Run(&linter.RuleInvalidDefaultArgInFrom, rs.node.Location(), linter.RuleInvalidDefaultArgInFrom.Format(rs.from.BaseName))
		}
	}
}

// lintFrom mirrors the checks of buildDispatchStates on a FROM line: ARGs
// used in the base name and platform must be declared globally
// (UndefinedArgInFrom), and the platform should be neither the default
// $TARGETPLATFORM nor a constant.
func (b *builder) lintFrom(rs rawStage) {
	lint := b.lint.WithMergedConfigFromComments(rs.from.Comments)
	loc := rs.node.Location()
	// unusedFromArgsCheckKeys: the global ARGs declared, with or without a
	// value, and everything in the global scope.
	known := map[string]bool{}
	for k := range b.global {
		known[k] = true
	}
	for _, a := range b.doc.GlobalArgs {
		known[a.Name] = true
	}
	keys := slices.Sorted(func(yield func(string) bool) {
		for k := range known {
			if !yield(k) {
				return
			}
		}
	})
	undeclared := func(unmatched map[string]struct{}) {
		for _, name := range slices.Sorted(mapKeys(unmatched)) {
			if known[name] {
				continue
			}
			s, _ := suggest.Search(name, keys, true)
			lint.Run(&linter.RuleUndefinedArgInFrom, loc, linter.RuleUndefinedArgInFrom.Format(name, s))
		}
	}
	if res, err := b.lex.ProcessWordWithMatches(rs.from.BaseName, &budgetVars{v: b.global, left: maxExpansion}); err == nil {
		undeclared(res.Unmatched)
	}
	if rs.from.Platform == "" {
		return
	}
	res, err := b.lex.ProcessWordWithMatches(rs.from.Platform, &budgetVars{v: b.global, left: maxExpansion})
	if err != nil {
		return
	}
	undeclared(res.Unmatched)
	// reportRedundantTargetPlatform
	if len(res.Matched) == 1 && len(res.Unmatched) == 0 {
		if _, ok := res.Matched["TARGETPLATFORM"]; ok && res.Result == b.global["TARGETPLATFORM"] {
			lint.Run(&linter.RuleRedundantTargetPlatform, loc, linter.RuleRedundantTargetPlatform.Format(rs.from.Platform))
		}
	}
	// reportConstPlatformDisallowed
	if len(res.Matched) == 0 && len(res.Unmatched) == 0 {
		if os, arch, ok := parsePlatform(res.Result); ok && !strings.Contains(rs.from.Name, os) && !strings.Contains(rs.from.Name, arch) {
			lint.Run(&linter.RuleFromPlatformFlagConstDisallowed, loc, linter.RuleFromPlatformFlagConstDisallowed.Format(res.Result))
		}
	}
}

func mapKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

var platformPart = regexp.MustCompile(`^[A-Za-z0-9_.-]+$`)

// archAliases are the architecture spellings containerd's platforms.Parse
// normalises (the stage-name comparison uses the normalised form).
var archAliases = map[string]string{
	"x86_64": "amd64", "x86-64": "amd64", "aarch64": "arm64", "armhf": "arm", "armel": "arm",
	"i386": "386", "i486": "386", "i586": "386", "i686": "386",
}

var knownOS = map[string]bool{
	"linux": true, "windows": true, "darwin": true, "freebsd": true, "netbsd": true, "openbsd": true,
	"solaris": true, "illumos": true, "aix": true, "android": true, "ios": true, "plan9": true,
	"dragonfly": true, "js": true, "wasip1": true,
}

// parsePlatform is enough of containerd's platforms.Parse for
// FromPlatformFlagConstDisallowed: an os[/arch[/variant]] specifier, or a
// bare OS or architecture (the other part defaulting to linux/amd64, the
// platform hardline assumes throughout).
func parsePlatform(s string) (os, arch string, ok bool) {
	parts := strings.Split(strings.ToLower(s), "/")
	if len(parts) > 3 {
		return "", "", false
	}
	for _, p := range parts {
		if !platformPart.MatchString(p) {
			return "", "", false
		}
	}
	norm := func(a string) string {
		if n, ok := archAliases[a]; ok {
			return n
		}
		return a
	}
	if len(parts) == 1 {
		if knownOS[parts[0]] {
			return parts[0], "amd64", true
		}
		return "linux", norm(parts[0]), true
	}
	return parts[0], norm(parts[1]), true
}

// --- per-instruction checks (dockerfile2llb dispatch) -----------------------

// nonEnvArgs are the ARGs BuildKit never puts in the environment, so they
// are not reported as undefined.
var nonEnvArgs = map[string]bool{"BUILDKIT_SBOM_SCAN_CONTEXT": true, "BUILDKIT_SBOM_SCAN_STAGE": true}

// lintUndefined mirrors reportUnmatchedVariables: every variable an
// expanded word referenced that is neither in the build environment nor a
// declared build ARG of the stage, whether or not the reference has a
// default (${X:-y} is reported too, as by BuildKit).
func (b *builder) lintUndefined(lint *linter.Linter, node *parser.Node, bs *buildState) {
	if len(b.lintUnmatched) == 0 {
		return
	}
	for _, name := range b.lintUnmatched {
		if bs.declared(name) || nonEnvArgs[name] {
			continue
		}
		s := b.suggestVar(name, bs.vars)
		b.lintBaseEnvUnknown = bs.imageEnv
		lint.Run(&linter.RuleUndefinedVar, node.Location(), linter.RuleUndefinedVar.Format(name, s))
		b.lintBaseEnvUnknown = false
	}
}

// suggestBudget bounds the names UndefinedVar suggestions may look at per
// document: a file with thousands of variables
// otherwise takes quadratic time. Past it, warnings carry no suggestion.
const suggestBudget = 1 << 20

// suggestVar is suggest.Search over the names in scope, as BuildKit
// suggests. Names whose length differs by 3 or more cannot be within the
// edit distance it accepts, so they are skipped before comparing.
func (b *builder) suggestVar(name string, scope vars) string {
	if len(scope) > b.suggestLeft {
		return ""
	}
	b.suggestLeft -= len(scope)
	var cands []string
	for k := range scope {
		if d := len(k) - len(name); d > -3 && d < 3 {
			cands = append(cands, k)
		}
	}
	if len(cands) == 0 {
		return ""
	}
	slices.Sort(cands) // ties go to the first name: keep it deterministic
	s, _ := suggest.Search(name, cands, true)
	return s
}

// secretKeyWord and secretKeyAllow are SecretsUsedInArgOrEnv's test on an
// ARG or ENV name: a credential word as the whole name or as its first or
// last _-separated part, unless a word such as public or file makes it
// harmless (validateNoSecretKey).
var (
	secretKeyWord  = regexp.MustCompile(`(?i)(?:_|^)(?:apikey|auth|credentials?|key|password|pword|passwd|secret|token)(?:_|$)`)
	secretKeyAllow = regexp.MustCompile(`(?i)(?:_|^)(?:public|file|version)(?:_|$)`)
)

func lintSecretKey(lint *linter.Linter, instruction, key string, node *parser.Node) {
	if secretKeyWord.MatchString(key) && !secretKeyAllow.MatchString(key) {
		lint.Run(&linter.RuleSecretsUsedInArgOrEnv, node.Location(), linter.RuleSecretsUsedInArgOrEnv.Format(instruction, key))
	}
}

// stageLint is the per-stage state of dispatchState that the checks use:
// the last CMD, ENTRYPOINT and HEALTHCHECK (instructionTracker, not
// inherited through FROM <stage>).
type stageLint struct {
	cmd, entrypoint, healthcheck *parser.Node
}

// lintUsedOnce mirrors validateUsedOnce: the earlier instruction, which is
// the one that has no effect, is reported.
func lintUsedOnce(lint *linter.Linter, prev **parser.Node, node *parser.Node) {
	if *prev != nil {
		lint.Run(&linter.RuleMultipleInstructionsDisallowed, (*prev).Location(), linter.RuleMultipleInstructionsDisallowed.Format(node.Value))
	}
	*prev = node
}

// lintInstruction runs the dispatch-time checks of one instruction of a
// stage (not of ONBUILD triggers, which run in a downstream build). It is
// called after the instruction's words were expanded and before its effect
// on the build state, except for WORKDIR, whose check needs to know whether
// an earlier WORKDIR was set.
func (b *builder) lintInstruction(ctx *instrCtx, node *parser.Node, cmd any, in *Instruction) {
	lint := b.instrLinter(node)
	bs := ctx.bs
	if _, isArg := cmd.(*instructions.ArgCommand); !isArg {
		b.lintUndefined(lint, node, bs)
	}
	switch c := cmd.(type) {
	case *instructions.EnvCommand:
		for i, kv := range c.Env {
			if kv.NoDelim {
				lint.Run(&linter.RuleLegacyKeyValueFormat, node.Location(), linter.RuleLegacyKeyValueFormat.Format(node.Value))
			}
			lintSecretKey(lint, "ENV", in.Env[i].Key, node)
		}
	case *instructions.LabelCommand:
		for _, kv := range c.Labels {
			if kv.NoDelim {
				lint.Run(&linter.RuleLegacyKeyValueFormat, node.Location(), linter.RuleLegacyKeyValueFormat.Format(node.Value))
			}
		}
	case *instructions.ArgCommand:
		// Undefined variables in defaults are reported by args, as each
		// default is expanded.
		for _, kv := range c.Args {
			lintSecretKey(lint, "ARG", kv.Key, node)
		}
	case *instructions.CmdCommand:
		lintUsedOnce(lint, &ctx.lint.cmd, node)
		if c.PrependShell && !bs.shellSet {
			lint.Run(&linter.RuleJSONArgsRecommended, node.Location(), linter.RuleJSONArgsRecommended.Format(node.Value))
		}
	case *instructions.EntrypointCommand:
		lintUsedOnce(lint, &ctx.lint.entrypoint, node)
		if c.PrependShell && !bs.shellSet {
			lint.Run(&linter.RuleJSONArgsRecommended, node.Location(), linter.RuleJSONArgsRecommended.Format(node.Value))
		}
	case *instructions.HealthCheckCommand:
		lintUsedOnce(lint, &ctx.lint.healthcheck, node)
	case *instructions.WorkdirCommand:
		// Only the first WORKDIR of the chain is checked: fixing it fixes
		// the relative ones after it. A path is absolute for Linux when it
		// starts with '/'; Windows drive and backslash paths are accepted
		// too, so a Windows stage is not misreported.
		p := c.Path
		if len(in.Expanded) == 1 {
			p = in.Expanded[0]
		}
		// A path built from a variable the base image may define
		// (WORKDIR $HOME) is unknown here, not relative.
		unknown := bs.imageEnv && len(b.lintUnmatched) > 0
		if !bs.workdirSet && !unknown && !isAbsWorkdir(p) {
			lint.Run(&linter.RuleWorkdirRelativePath, node.Location(), linter.RuleWorkdirRelativePath.Format(p))
		}
		bs.workdirSet = true
	case *instructions.ExposeCommand:
		for _, w := range in.Expanded {
			lintExpose(lint, node, w)
		}
	}
}

func isAbsWorkdir(p string) bool {
	return strings.HasPrefix(p, "/") || strings.HasPrefix(p, `\`) || (len(p) >= 2 && p[1] == ':' && isLetter(p[0]))
}

// lintExpose mirrors the checks of portSpecs.parsePort: a protocol in
// upper case, and an IP address or host port in an EXPOSE entry.
func lintExpose(lint *linter.Linter, node *parser.Node, raw string) {
	parts := strings.Split(raw, ":")
	var ip, hostPort, container string
	switch n := len(parts); n {
	case 1:
		container = parts[0]
	case 2:
		hostPort, container = parts[0], parts[1]
	default:
		ip, hostPort, container = strings.Join(parts[:n-2], ":"), parts[n-2], parts[n-1]
	}
	port, proto, _ := strings.Cut(container, "/")
	if port == "" {
		return
	}
	switch strings.ToLower(proto) {
	case "", "tcp", "udp", "sctp":
	default:
		return // BuildKit fails the build on an unknown protocol
	}
	if proto != strings.ToLower(proto) {
		lint.Run(&linter.RuleExposeProtoCasing, node.Location(), linter.RuleExposeProtoCasing.Format(raw))
	}
	if ip != "" || hostPort != "" {
		lint.Run(&linter.RuleExposeInvalidFormat, node.Location(), linter.RuleExposeInvalidFormat.Format(raw))
	}
}

// noteLintUnmatched records every variable BuildKit's lexer could not
// resolve in a word, for UndefinedVar (which, unlike hardline's own
// warnings, also counts references that have a default).
func (b *builder) noteLintUnmatched(res shell.ProcessWordResult) {
	for name := range res.Unmatched {
		if !slices.Contains(b.lintUnmatched, name) {
			b.lintUnmatched = append(b.lintUnmatched, name)
		}
	}
	slices.Sort(b.lintUnmatched)
}
