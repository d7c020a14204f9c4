package dockerfile

import (
	"path"
	"slices"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"

	"github.com/hardline-dev/hardline/pkg/pkgops"
	"github.com/hardline-dev/hardline/pkg/shellcmd"
)

// posixShells are the shells whose syntax shellcmd understands. RUN under
// any other SHELL (powershell, cmd) is kept as text only.
var posixShells = map[string]bool{
	"sh": true, "bash": true, "ash": true, "dash": true, "zsh": true,
	"ksh": true, "mksh": true, "busybox": true,
}

func isPOSIXShell(argv0 string) bool {
	base := strings.ToLower(path.Base(strings.ReplaceAll(argv0, `\`, "/")))
	return posixShells[strings.TrimSuffix(base, ".exe")]
}

// scriptLines maps a line of Run.Script back to the Dockerfile.
type scriptLines struct {
	cmdLine int // first line of the instruction
	hdLine  int // first heredoc body line, 0 without heredocs
	// whole is true for `RUN <<EOF`, whose script is the heredoc body only;
	// otherwise line 1 is the command line and the bodies follow it, as in
	// the text BuildKit hands to the shell.
	whole bool
}

func (m scriptLines) line(k int) (line int, inHeredoc bool) {
	if k < 1 {
		k = 1
	}
	switch {
	case m.hdLine == 0:
		return m.cmdLine, false
	case m.whole:
		return m.hdLine + k - 1, true
	case k == 1:
		return m.cmdLine, false
	default:
		return m.hdLine + k - 2, true
	}
}

// run fills the typed part of a RUN instruction.
func (b *builder) run(ctx *instrCtx, in *Instruction, c *instructions.RunCommand, node *parser.Node) {
	scope := ctx.scope()
	r := &Run{BuildArgsInScope: []string{}, URLs: []string{}}
	in.Run = r
	in.Form = form(c.PrependShell)

	// Mount options are only fully parsed once BuildKit's dispatcher hands
	// Expand a word expander; until then GetMounts only knows from=.
	err := c.Expand(func(w string) (string, error) {
		if ctx.trigger {
			return w, nil
		}
		return b.expand(w, scope), nil
	})
	switch {
	case err != nil && ctx.trigger:
		b.warn(in.Location, "ONBUILD RUN --mount: %s", errorMessage(err))
	case err != nil:
		b.fatal = b.errorf(in.Location.StartLine, "RUN --mount: %s", errorMessage(err))
		return
	default:
		for _, m := range instructions.GetMounts(c) {
			r.Mounts = append(r.Mounts, b.mount(ctx, m, in.Location))
		}
	}
	if slices.Contains(c.FlagsUsed, "network") {
		r.Network = instructions.GetNetwork(c)
	}
	if slices.Contains(c.FlagsUsed, "security") {
		r.Security = instructions.GetSecurity(c)
	}

	lines := scriptLines{cmdLine: in.Location.StartLine}
	if len(in.Heredocs) > 0 {
		lines.hdLine = in.Heredocs[0].StartLine
	}
	parse := true
	sh := ctx.bs.runtime.Shell
	switch {
	case !c.PrependShell:
		r.Script = strings.Join(c.CmdLine, " ")
	case len(c.Files) > 0 && len(c.CmdLine) == 1 && parser.MustParseHeredoc(c.CmdLine[0]) != nil:
		// `RUN <<EOF`: BuildKit runs the body itself; with a shebang it is
		// written to a file and executed by that interpreter.
		r.Script = in.Heredocs[0].Content
		lines.whole = true
		if interp, ok := shebang(r.Script); ok && !isPOSIXShell(interp) {
			parse = false
		}
	case len(c.Files) > 0:
		// `RUN <<EOF bash`, `RUN python3 <<EOF`: BuildKit reconstitutes
		// the heredocs and lets the shell process them.
		var sb strings.Builder
		sb.WriteString(strings.Join(c.CmdLine, " "))
		for _, f := range c.Files {
			sb.WriteByte('\n')
			sb.WriteString(f.Data)
			sb.WriteString(f.Name)
		}
		r.Script = sb.String()
	default:
		r.Script = strings.Join(c.CmdLine, " ")
	}
	if c.PrependShell && (len(sh) == 0 || !isPOSIXShell(sh[0])) {
		parse = false
	}
	if c.PrependShell {
		r.Shell = slices.Clone(sh)
	}

	lookup := func(name string) (string, bool) { v, ok := scope[name]; return v, ok }
	var res shellcmd.Result
	switch {
	case !c.PrependShell:
		res = shellcmd.FromArgv(c.CmdLine, lookup)
	case parse:
		res = shellcmd.Parse(r.Script, lookup)
	}
	cf := NewCommandFacts(r.Script, res.Commands)
	r.Commands, r.CommandIndex, r.Piped, r.URLs, r.Packages = cf.Commands, cf.CommandIndex, cf.Piped, cf.URLs, cf.Packages
	r.Vars = res.Vars
	r.ParseError = res.Error
	if res.Error != "" && !ctx.trigger {
		b.warn(in.Location, "RUN: shell syntax error: %s", res.Error)
	}
	if !ctx.trigger {
		for _, v := range r.Vars {
			if ctx.bs.declared(v) {
				r.BuildArgsUsed = append(r.BuildArgsUsed, v)
			}
		}
		r.BuildArgsInScope = ctx.bs.argsWithValue()
	}
	b.runSecrets(ctx, in, lines, node)
}

// CommandFacts are the facts derived from the parsed commands of a RUN
// script. The Dockerfile facts (Run) and the image facts (a RUN recorded in
// the image history) both take them from NewCommandFacts, so that rules can
// judge either with the same helpers. See Run for the meaning of each field.
type CommandFacts struct {
	Commands     []shellcmd.Command
	CommandIndex map[string][]int
	Piped        []int
	URLs         []string
	Packages     []pkgops.Op
}

// NewCommandFacts computes the CommandFacts of script, whose parsed
// commands are cmds (shellcmd.Parse or FromArgv). cmds is modified in place:
// nil argv arrays become empty ones.
func NewCommandFacts(script string, cmds []shellcmd.Command) CommandFacts {
	c := normalizeCommands(cmds)
	return CommandFacts{
		Commands:     c,
		CommandIndex: commandIndex(c),
		Piped:        piped(c),
		URLs:         runURLs(script, c),
		Packages:     packageOps(c),
	}
}

// packageOps computes Run.Packages.
func packageOps(cmds []shellcmd.Command) []pkgops.Op {
	if ops := pkgops.FromCommands(cmds); ops != nil {
		return ops
	}
	return []pkgops.Op{}
}

// normalizeCommands guarantees that argv arrays marshal as [] (rules must
// not trip over null).
func normalizeCommands(cmds []shellcmd.Command) []shellcmd.Command {
	if cmds == nil {
		return []shellcmd.Command{}
	}
	for i := range cmds {
		if cmds[i].Argv == nil {
			cmds[i].Argv = []string{}
		}
		if cmds[i].Args == nil {
			cmds[i].Args = []string{}
		}
	}
	return cmds
}

// commandIndex computes Run.CommandIndex.
func commandIndex(cmds []shellcmd.Command) map[string][]int {
	idx := make(map[string][]int, len(cmds))
	for i, c := range cmds {
		idx[c.Name] = append(idx[c.Name], i)
	}
	return idx
}

// piped computes Run.Piped.
func piped(cmds []shellcmd.Command) []int {
	out := []int{}
	for i, c := range cmds {
		if c.PipePos < c.PipeLen-1 {
			out = append(out, i)
		}
	}
	return out
}

// instructionIndex computes Stage.InstructionIndex.
func instructionIndex(ins []Instruction) map[string][]int {
	idx := make(map[string][]int, 4)
	for i, in := range ins {
		idx[in.Cmd] = append(idx[in.Cmd], i)
	}
	return idx
}

// shebang returns the interpreter of a script starting with "#!",
// looking through /usr/bin/env.
func shebang(script string) (string, bool) {
	if !strings.HasPrefix(script, "#!") {
		return "", false
	}
	first, _, _ := strings.Cut(script[2:], "\n")
	f := strings.Fields(first)
	if len(f) == 0 {
		return "", false
	}
	if path.Base(f[0]) == "env" {
		for _, w := range f[1:] {
			if !strings.HasPrefix(w, "-") {
				return w, true
			}
		}
		return "", false
	}
	return f[0], true
}

func (b *builder) mount(ctx *instrCtx, m *instructions.Mount, loc Location) Mount {
	out := Mount{
		Type:      string(m.Type),
		From:      m.From,
		Source:    m.Source,
		Target:    m.Target,
		ID:        m.CacheID,
		Required:  m.Required,
		FromStage: -1,
	}
	if m.Env != nil {
		out.Env = *m.Env
	}
	if m.Type == instructions.MountTypeSecret {
		// Mirror dispatchSecret: the secret id falls back to the source,
		// then to the target's base name; without target or env the secret
		// is mounted at /run/secrets/<id>.
		if out.ID == "" {
			out.ID = m.Source
		}
		if out.ID == "" && m.Target != "" {
			out.ID = path.Base(m.Target)
		}
		if out.Target == "" && m.Env == nil && out.ID != "" {
			out.Target = "/run/secrets/" + path.Base(out.ID)
		}
	}
	if m.From != "" {
		// BuildKit resolves mount sources by stage name only.
		i, _ := b.resolveStageRef(m.From, false)
		switch {
		case strings.Contains(m.From, "$"):
			out.FromKind = "variable"
		case i == ctx.stage:
			out.FromKind = "self"
		case i >= 0:
			out.FromKind = "stage"
			out.FromStage = i
			if !ctx.trigger {
				b.deps[ctx.stage] = append(b.deps[ctx.stage], i)
			}
		default:
			out.FromKind = "image"
			out.FromRef = pulledRef(m.From)
			out.StageSuggestion = b.suggestStage(ctx, m.From, loc)
		}
	}
	return out
}
