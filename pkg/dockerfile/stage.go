package dockerfile

import (
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/util/suggest"

	"github.com/hardline-dev/hardline/pkg/baseimage"
	"github.com/hardline-dev/hardline/pkg/secrets"
)

const scratchImage = "scratch"

var (
	posixShell   = []string{"/bin/sh", "-c"}
	windowsShell = []string{"cmd", "/S", "/C"}
)

// instrCtx is what an instruction needs to know about where it runs.
type instrCtx struct {
	stage int
	bs    *buildState
	// trigger is set for ONBUILD triggers: they run in a downstream build,
	// so they are not expanded, do not change this stage's state and do not
	// add dependencies.
	trigger bool
	image   baseimage.Info
	// lint is the stage's state for BuildKit's checks.
	lint *stageLint
}

func (c *instrCtx) scope() vars {
	if c.trigger {
		return noVars
	}
	return c.bs.vars
}

func (b *builder) buildStage(i int) error {
	rs := b.raw[i]
	loc := b.src.location(rs.node.StartLine, rs.node.EndLine)
	st := Stage{
		Index:        i,
		Name:         rs.from.Name,
		Location:     loc,
		Instructions: []Instruction{},
	}
	st.Base = b.baseRef(i, rs, loc)
	b.lintFrom(rs)

	var bs *buildState
	switch {
	case st.Base.Stage >= 0:
		parent := b.doc.Stages[st.Base.Stage]
		st.Image = parent.Image
		bs = b.states[st.Base.Stage].clone()
		b.deps[i] = append(b.deps[i], st.Base.Stage)
	case st.Base.Scratch:
		st.Image = baseimage.Scratch()
	case st.Base.Ref != nil:
		st.Image = b.table.Lookup(*st.Base.Ref)
	default:
		st.Image = baseimage.Info{Known: false}
	}
	if bs == nil {
		windows := st.Image.Family == "windows"
		sh := posixShell
		if windows {
			sh = windowsShell
		}
		bs = newBuildState(sh, windows)
		bs.imageEnv = !st.Base.Scratch
	}
	ctx := &instrCtx{stage: i, bs: bs, image: st.Image, lint: &stageLint{}}
	// BuildKit tracks "CMD was set" per stage, not per chain: an ENTRYPOINT
	// resets an inherited CMD unless this stage set one before it.
	cmdSet := false
	for idx, rc := range rs.cmds {
		in := b.instruction(ctx, rc.node, rc.cmd, idx, &cmdSet)
		if b.fatal != nil {
			return b.fatal
		}
		st.Instructions = append(st.Instructions, in)
	}
	st.Runtime = bs.runtime
	b.states[i] = bs
	b.doc.Stages = append(b.doc.Stages, st)
	return nil
}

// baseRef evaluates the FROM reference with the global scope, as BuildKit
// does (stage-level ARGs are not visible on FROM lines).
func (b *builder) baseRef(i int, rs rawStage, loc Location) BaseRef {
	ref := BaseRef{Raw: rs.from.BaseName, Stage: -1, Platform: rs.from.Platform}
	b.beginExpansion()
	ref.Resolved = b.expand(rs.from.BaseName, b.global)
	ref.Unresolved = b.unresolved || strings.TrimSpace(ref.Resolved) == ""
	b.endExpansion(loc, nil)
	if rs.from.Platform != "" {
		b.beginExpansion()
		b.expand(rs.from.Platform, b.global)
		b.endExpansion(loc, nil)
	}
	if ref.Unresolved {
		b.warn(loc, "base image %q cannot be resolved: it depends on an ARG without a value (pass it with --build-arg)", ref.Raw)
		return ref
	}
	// FROM <stage> only sees stages defined before it; with duplicate
	// names the closest earlier one wins, as in BuildKit's addState.
	for j := i - 1; j >= 0; j-- {
		if n := b.raw[j].from.Name; n != "" && strings.EqualFold(n, ref.Resolved) {
			ref.Stage = j
			return ref
		}
	}
	if ref.Resolved == scratchImage {
		ref.Scratch = true
		return ref
	}
	r, err := baseimage.ParseRef(ref.Resolved)
	if err != nil {
		b.warn(loc, "base image %q is not a valid image reference: %v", ref.Resolved, err)
		return ref
	}
	ref.Ref = &r
	return ref
}

// instruction builds the facts of one instruction and applies its effect to
// the stage state.
func (b *builder) instruction(ctx *instrCtx, node *parser.Node, cmd any, idx int, cmdSet *bool) Instruction {
	loc := b.src.location(node.StartLine, node.EndLine)
	in := Instruction{
		Index:    idx,
		Cmd:      strings.ToLower(node.Value),
		Original: node.Original,
		Location: loc,
		Flags:    node.Flags,
		Args:     nodeArgs(node),
	}
	in.Expanded = in.Args
	in.Heredocs = b.heredocs(node)
	bs := ctx.bs
	b.beginExpansion()

	switch c := cmd.(type) {
	case *instructions.EnvCommand:
		in.Args, in.Expanded, in.Env = b.keyValues(ctx, c.Env)
		if !ctx.trigger {
			for _, kv := range in.Env {
				bs.vars[kv.Key] = kv.Value
				bs.runtime.Env[kv.Key] = kv.Value
			}
		}
		for _, kv := range c.Env {
			b.checkValue(kv.Key, kv.Value, b.source(ctx, "env"), ctx.stage, idx, node)
		}
	case *instructions.LabelCommand:
		in.Args, in.Expanded, in.Env = b.keyValues(ctx, c.Labels)
		for _, kv := range c.Labels {
			b.checkValue(kv.Key, kv.Value, b.source(ctx, "label"), ctx.stage, idx, node)
		}
	case *instructions.ArgCommand:
		in.Arg, in.Expanded = b.args(ctx, c, loc, node, idx)
	case *instructions.RunCommand:
		b.run(ctx, &in, c, node)
	case *instructions.CopyCommand:
		in.Copy = b.copyCmd(ctx, &in, &c.SourcesAndDest, c.From, c.Chown, c.Chmod, c.Link, true)
	case *instructions.AddCommand:
		in.Copy = b.copyCmd(ctx, &in, &c.SourcesAndDest, "", c.Chown, c.Chmod, c.Link, false)
		// A remote source with credentials is recorded in the image history.
		for _, s := range in.Copy.Sources {
			if strings.Contains(s, "://") {
				b.wordSecrets(ctx, &in, node, []string{s}, false, "add")
			}
		}
	case *instructions.UserCommand:
		in.User = b.user(ctx, &in, c.User)
		if !ctx.trigger {
			bs.runtime.User = &EffectiveUser{UserSpec: *in.User, Stage: ctx.stage, Location: loc}
		}
	case *instructions.CmdCommand:
		in.Form = form(c.PrependShell)
		in.Exec = b.exec(c.PrependShell, c.CmdLine, bs.runtime.Shell, ctx.stage, loc)
		b.wordSecrets(ctx, &in, node, c.CmdLine, c.PrependShell, "cmd")
		if !ctx.trigger {
			bs.runtime.Cmd = in.Exec
			*cmdSet = true
		}
	case *instructions.EntrypointCommand:
		in.Form = form(c.PrependShell)
		in.Exec = b.exec(c.PrependShell, c.CmdLine, bs.runtime.Shell, ctx.stage, loc)
		b.wordSecrets(ctx, &in, node, c.CmdLine, c.PrependShell, "entrypoint")
		if !ctx.trigger {
			bs.runtime.Entrypoint = in.Exec
			if !*cmdSet {
				bs.runtime.Cmd = nil
			}
		}
	case *instructions.ShellCommand:
		in.Exec = b.exec(false, c.Shell, nil, ctx.stage, loc)
		if !ctx.trigger {
			bs.runtime.Shell = slices.Clone(c.Shell)
			bs.shellSet = true
		}
	case *instructions.WorkdirCommand:
		in.Expanded = b.expandAll(ctx, in.Args)
		p := c.Path
		if len(in.Expanded) == 1 {
			p = in.Expanded[0]
		}
		in.Workdir = resolveWorkdir(bs.runtime.Workdir, p)
		if !ctx.trigger {
			bs.runtime.Workdir = in.Workdir
		}
	case *instructions.HealthCheckCommand:
		in.Health = healthcheck(c, ctx.stage, loc)
		if t := in.Health.Test; len(t) > 1 {
			// ["CMD-SHELL", "curl …"] or ["CMD", "curl", …]
			b.wordSecrets(ctx, &in, node, t[1:], t[0] == "CMD-SHELL", "healthcheck")
		}
		if !ctx.trigger {
			bs.runtime.Health = in.Health
		}
	case *instructions.ExposeCommand:
		in.Expanded, in.Expose = b.expose(ctx, in.Args, loc)
		if !ctx.trigger {
			bs.runtime.Expose = append(bs.runtime.Expose, in.Expose...)
		}
	case *instructions.VolumeCommand, *instructions.StopSignalCommand:
		in.Expanded = b.expandAll(ctx, in.Args)
	case *instructions.OnbuildCommand:
		in.OnBuild = b.onbuild(ctx, node, idx)
	case *instructions.MaintainerCommand:
		// Nothing beyond the generic fields.
	}
	if !ctx.trigger {
		b.lintInstruction(ctx, node, cmd, &in)
	}
	b.endExpansion(loc, bs)
	return in
}

func (b *builder) source(ctx *instrCtx, s string) string {
	if ctx.trigger {
		return "onbuild"
	}
	return s
}

func form(prependShell bool) string {
	if prependShell {
		return "shell"
	}
	return "exec"
}

// nodeArgs returns the arguments of an AST node as written, mirroring
// the unexported helper of BuildKit's instructions package.
func nodeArgs(node *parser.Node) []string {
	out := []string{}
	for n := node.Next; n != nil; n = n.Next {
		switch len(n.Children) {
		case 0:
			out = append(out, n.Value)
		case 1:
			out = append(out, n.Children[0].Value)
			out = append(out, nodeArgs(n.Children[0])...)
		}
	}
	return out
}

func (b *builder) expandAll(ctx *instrCtx, args []string) []string {
	if ctx.trigger {
		return args
	}
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = b.expand(a, ctx.bs.vars)
	}
	return out
}

// keyValues handles ENV and LABEL pairs. BuildKit expands all pairs of one
// instruction against the scope before the instruction (so `ENV A=1 B=$A`
// sees the previous A), and only then applies them.
func (b *builder) keyValues(ctx *instrCtx, kvs instructions.KeyValuePairs) (args, expanded []string, out []KeyValue) {
	args = make([]string, len(kvs))
	expanded = make([]string, len(kvs))
	out = make([]KeyValue, len(kvs))
	for i, kv := range kvs {
		k, v := kv.Key, kv.Value
		if !ctx.trigger {
			k = b.expand(kv.Key, ctx.bs.vars)
			v = b.expand(kv.Value, ctx.bs.vars)
		}
		args[i] = kv.Key + "=" + kv.Value
		expanded[i] = k + "=" + v
		out[i] = KeyValue{Key: k, Raw: kv.Value, Value: v}
	}
	return args, expanded, out
}

// args declares stage ARGs with BuildKit's dispatchArg precedence: a
// --build-arg wins, then the default (expanded in the stage scope, seeing
// the ARGs before it on the same line), then the global value for a bare
// `ARG NAME`.
func (b *builder) args(ctx *instrCtx, c *instructions.ArgCommand, loc Location, node *parser.Node, idx int) ([]ArgDecl, []string) {
	decls := make([]ArgDecl, 0, len(c.Args))
	expanded := make([]string, 0, len(c.Args))
	for _, kv := range c.Args {
		d := ArgDecl{Name: kv.Key, HasDefault: kv.Value != nil, Location: loc}
		d.SensitiveName = secrets.IsCredentialKey(kv.Key)
		if kv.Value != nil {
			d.Default = *kv.Value
		}
		if ctx.trigger {
			d.Value, d.Defined = d.Default, d.HasDefault
		} else {
			if v, ok := b.opts.BuildArgs[kv.Key]; ok {
				d.Value, d.Defined, d.Overridden = v, true, true
			} else if kv.Value != nil {
				b.lintUnmatched = b.lintUnmatched[:0]
				d.Value, d.Defined = b.expand(*kv.Value, ctx.bs.vars), true
				// dispatchArg checks each default before declaring its
				// ARG, so `ARG X=${X:-y}` reports X.
				b.lintUndefined(b.instrLinter(node), node, ctx.bs)
			} else if v, ok := b.global[kv.Key]; ok {
				d.Value, d.Defined = v, true
			}
			if d.Defined {
				ctx.bs.vars[kv.Key] = d.Value
			}
			ctx.bs.declareArg(kv.Key, d.Defined)
		}
		e := kv.Key
		if kv.Value != nil {
			e += "=" + d.Value
			if ctx.trigger {
				e = kv.Key + "=" + *kv.Value
			}
		}
		expanded = append(expanded, e)
		decls = append(decls, d)
		if d.HasDefault {
			b.checkValue(kv.Key, d.Default, b.source(ctx, "arg"), ctx.stage, idx, node)
		}
	}
	return decls, expanded
}

func (b *builder) user(ctx *instrCtx, in *Instruction, raw string) *UserSpec {
	in.Expanded = b.expandAll(ctx, in.Args)
	u := &UserSpec{Raw: raw, Value: raw, Unresolved: b.unresolved}
	if len(in.Expanded) == 1 {
		u.Value = in.Expanded[0]
	}
	u.User, u.Group, _ = strings.Cut(u.Value, ":")
	if ctx.trigger && strings.Contains(raw, "$") {
		u.Unresolved = true
	}
	return u
}

// exec builds an Exec for CMD, ENTRYPOINT (with the SHELL in force for the
// shell form) or SHELL.
func (b *builder) exec(prependShell bool, cmdline []string, sh []string, stage int, loc Location) *Exec {
	e := &Exec{Form: form(prependShell), Args: slices.Clone(cmdline), Stage: stage, Location: loc}
	if e.Args == nil {
		e.Args = []string{}
	}
	if prependShell {
		e.Argv = append(slices.Clone(sh), strings.Join(cmdline, " "))
	} else {
		e.Argv = slices.Clone(e.Args)
	}
	return e
}

func healthcheck(c *instructions.HealthCheckCommand, stage int, loc Location) *Healthcheck {
	h := &Healthcheck{Stage: stage, Location: loc}
	if c.Health == nil || len(c.Health.Test) == 0 {
		return h
	}
	if c.Health.Test[0] == "NONE" {
		h.None = true
		return h
	}
	h.Test = slices.Clone(c.Health.Test)
	return h
}

// resolveWorkdir joins a relative WORKDIR onto the current one (or "/"),
// like BuildKit's NormalizeWorkdir for Linux targets. Windows drive paths
// are kept as written.
func resolveWorkdir(current, p string) string {
	if len(p) >= 2 && p[1] == ':' && isLetter(p[0]) {
		return p
	}
	if strings.HasPrefix(p, "/") {
		return path.Clean(p)
	}
	if current == "" {
		current = "/"
	}
	return path.Join(current, p)
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

func (b *builder) expose(ctx *instrCtx, args []string, loc Location) ([]string, []Port) {
	expanded := make([]string, 0, len(args))
	ports := make([]Port, 0, len(args))
	for _, a := range args {
		words := []string{a}
		if !ctx.trigger {
			words = b.expandWords(a, ctx.bs.vars)
		}
		for _, w := range words {
			expanded = append(expanded, w)
			p, ok := parsePort(w)
			p.Raw, p.Stage, p.Location = a, ctx.stage, loc
			if !ok && !ctx.trigger {
				b.warn(loc, "EXPOSE %q is not a valid port or port range", a)
			}
			ports = append(ports, p)
		}
	}
	return expanded, ports
}

// parsePort parses "80", "80/udp" and "8000-8010/tcp". Unparseable values
// give port 0 so rules can tell them apart.
func parsePort(s string) (Port, bool) {
	p := Port{Protocol: "tcp"}
	num, proto, hasProto := strings.Cut(s, "/")
	if hasProto {
		proto = strings.ToLower(proto)
		switch proto {
		case "tcp", "udp", "sctp":
			p.Protocol = proto
		default:
			return p, false
		}
	}
	lo, hi, isRange := strings.Cut(num, "-")
	start, err := strconv.Atoi(lo)
	if err != nil || start < 0 || start > 65535 {
		return p, false
	}
	end := start
	if isRange {
		end, err = strconv.Atoi(hi)
		if err != nil || end < start || end > 65535 {
			return p, false
		}
	}
	p.Port, p.EndPort = start, end
	return p, true
}

// copyCmd handles COPY and ADD. Expansion is delegated to the typed
// command's own Expand, so exactly the fields BuildKit expands are expanded.
func (b *builder) copyCmd(ctx *instrCtx, in *Instruction, sd *instructions.SourcesAndDest, from, chown, chmod string, link, isCopy bool) *Copy {
	cp := &Copy{From: from, FromStage: -1, Chown: chown, Chmod: chmod, Link: link}
	srcs := slices.Clone(sd.SourcePaths)
	dest := sd.DestPath
	if !ctx.trigger {
		scope := ctx.bs.vars
		for i := range srcs {
			srcs[i] = b.expand(srcs[i], scope)
		}
		dest = b.expand(dest, scope)
		cp.Chown = b.expand(chown, scope)
		cp.Chmod = b.expand(chmod, scope)
		exp := make([]string, len(in.Args))
		for i, a := range in.Args {
			if strings.Contains(a, "<<") && parser.MustParseHeredoc(a) != nil {
				exp[i] = a
			} else {
				exp[i] = b.expand(a, scope)
			}
		}
		in.Expanded = exp
	}
	if srcs == nil {
		srcs = []string{}
	}
	cp.Sources, cp.Dest = srcs, dest

	if isCopy && from != "" {
		b.resolveFrom(ctx, cp, in.Location)
	}
	for _, h := range in.Heredocs {
		b.scanText(h.Content, b.source(ctx, "copy-heredoc"), ctx.stage, in.Index, func(line, col int) Location {
			return b.src.lineSpan(h.StartLine+line-1, col)
		})
	}
	return cp
}

// pulledRef parses the image a COPY --from or RUN --mount=from pulls; nil
// when it is not a valid reference (BuildKit fails the build on it) or is
// "scratch", which only FROM understands.
func pulledRef(from string) *baseimage.Ref {
	if from == scratchImage {
		return nil
	}
	r, err := baseimage.ParseRef(from)
	if err != nil {
		return nil
	}
	return &r
}

func (b *builder) resolveFrom(ctx *instrCtx, cp *Copy, loc Location) {
	if strings.Contains(cp.From, "$") {
		cp.FromKind = "variable"
		if !ctx.trigger {
			b.warn(loc, "COPY --from=%s: variable expansion is not supported for --from (BuildKit rejects it)", cp.From)
		}
		return
	}
	i, ok := b.resolveStageRef(cp.From, true)
	if !ok {
		cp.FromKind = "missing-index"
		if !ctx.trigger {
			b.warn(loc, "COPY --from=%s: there is no stage with that index", cp.From)
		}
		return
	}
	if i < 0 {
		cp.FromKind = "image"
		cp.FromRef = pulledRef(cp.From)
		cp.StageSuggestion = b.suggestStage(ctx, cp.From, loc)
		return
	}
	if i == ctx.stage && !ctx.trigger {
		cp.FromKind = "self"
		b.warn(loc, "COPY --from=%s refers to the stage itself", cp.From)
		return
	}
	cp.FromKind = "stage"
	cp.FromStage = i
	if !ctx.trigger {
		b.deps[ctx.stage] = append(b.deps[ctx.stage], i)
	}
}

// suggestStage warns when a --from / from= value that is treated as an image
// is a near miss of a stage name: a typo silently pulls an image instead.
// It returns the stage name suggested, or "".
func (b *builder) suggestStage(ctx *instrCtx, ref string, loc Location) string {
	if ctx.trigger || strings.ContainsAny(ref, "/:@.") {
		return ""
	}
	names := make([]string, 0, len(b.stageNames))
	for n := range b.stageNames {
		names = append(names, n)
	}
	slices.Sort(names)
	if m, ok := suggest.Search(strings.ToLower(ref), names, true); ok {
		b.warn(loc, "%q is not a stage of this Dockerfile and is used as an image name (did you mean stage %q?)", ref, m)
		return m
	}
	return ""
}

// heredocs returns the here-documents of an instruction with the line of
// their first body line. BuildKit's AST only records where the whole
// instruction ends, so the lines are counted back from there: the bodies
// and their terminators are the last lines of the instruction, in order.
func (b *builder) heredocs(node *parser.Node) []Heredoc {
	if len(node.Heredocs) == 0 {
		return nil
	}
	total := 0
	for _, h := range node.Heredocs {
		total += strings.Count(h.Content, "\n") + 1
	}
	line := node.EndLine - total + 1
	out := make([]Heredoc, 0, len(node.Heredocs))
	for _, h := range node.Heredocs {
		content := h.Content
		if h.Chomp {
			content = parser.ChompHeredocContent(content)
		}
		out = append(out, Heredoc{Name: h.Name, Content: content, Expand: h.Expand, StartLine: line})
		line += strings.Count(h.Content, "\n") + 1
	}
	return out
}

// onbuild parses the trigger of an ONBUILD instruction as an instruction
// of its own. Problems in the trigger are warnings: BuildKit only checks
// them when a downstream build runs the trigger.
func (b *builder) onbuild(ctx *instrCtx, node *parser.Node, idx int) *Instruction {
	if node.Next == nil || len(node.Next.Children) != 1 {
		return nil
	}
	sub := *node.Next.Children[0]
	sub.Heredocs = node.Heredocs
	sub.StartLine, sub.EndLine = node.StartLine, node.EndLine
	loc := b.src.location(node.StartLine, node.EndLine)
	loc.StartColumn = triggerColumn(b.src.line(node.StartLine), loc.StartColumn)

	tctx := &instrCtx{stage: ctx.stage, bs: ctx.bs.clone(), trigger: true, image: ctx.image}
	cmd, err := instructions.ParseInstruction(&sub)
	saved := b.saveExpansion()
	var in Instruction
	if err != nil {
		b.warn(loc, "ONBUILD trigger is invalid: %s", errorMessage(err))
		in = Instruction{Index: idx, Cmd: strings.ToLower(sub.Value), Original: sub.Original, Flags: sub.Flags, Args: nodeArgs(&sub)}
		in.Expanded = in.Args
		in.Heredocs = b.heredocs(&sub)
	} else {
		cmdSet := false
		in = b.instruction(tctx, &sub, cmd, idx, &cmdSet)
	}
	b.restoreExpansion(saved)
	in.Location = loc
	return &in
}

type expansionState struct {
	undefined     []string
	unresolved    bool
	expandErr     bool
	lintUnmatched []string
}

func (b *builder) saveExpansion() expansionState {
	return expansionState{undefined: slices.Clone(b.undefined), unresolved: b.unresolved, expandErr: b.expandErr, lintUnmatched: slices.Clone(b.lintUnmatched)}
}

func (b *builder) restoreExpansion(s expansionState) {
	b.undefined, b.unresolved, b.expandErr, b.lintUnmatched = s.undefined, s.unresolved, s.expandErr, s.lintUnmatched
}

// triggerColumn finds the column of the trigger keyword after "ONBUILD".
func triggerColumn(line string, fallback int) int {
	i := len(line) - len(strings.TrimLeft(line, " \t"))
	if len(line) < i+7 || !strings.EqualFold(line[i:i+7], "onbuild") {
		return fallback
	}
	j := i + 7
	for j < len(line) && (line[j] == ' ' || line[j] == '\t') {
		j++
	}
	if j >= len(line) || j == i+7 {
		return fallback
	}
	return len([]rune(line[:j])) + 1
}
