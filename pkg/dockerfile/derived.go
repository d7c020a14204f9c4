package dockerfile

import (
	"regexp"
	"slices"
	"strings"

	"github.com/gobwas/glob"

	"github.com/hardline-dev/hardline/pkg/shellcmd"
)

// Derived facts: answers that several rules need and that are expensive to
// compute in Rego (OPA does not memoise function calls, so a helper called
// per rule and per instruction recomputes the same regex scans many times
// per document). They are plain observations about the Dockerfile; what a
// rule makes of them stays in Rego.

// --- URLs ---------------------------------------------------------------------

var (
	// urlPattern finds scheme://... URLs in a word or in script text.
	urlPattern = regexp.MustCompile(`(?i)[a-z][a-z0-9+.-]*://[^\s"'|;&)<>]+`)
	// varRefPattern finds $NAME and ${...} references in a raw URL.
	varRefPattern = regexp.MustCompile(`\$\{[^}]*\}|\$[A-Za-z_][A-Za-z0-9_]*`)
)

// runURLs computes Run.URLs from the commands and the raw script.
func runURLs(script string, cmds []shellcmd.Command) []string {
	var fromCmds []string
	for _, c := range cmds {
		for _, w := range c.Argv {
			if strings.Contains(w, "://") {
				fromCmds = append(fromCmds, urlPattern.FindAllString(w, -1)...)
			}
		}
	}
	slices.Sort(fromCmds)
	fromCmds = slices.Compact(fromCmds)
	out := slices.Clone(fromCmds)
	if strings.Contains(script, "://") {
		for _, u := range urlPattern.FindAllString(script, -1) {
			if !expandedElsewhere(u, fromCmds) {
				out = append(out, u)
			}
		}
	}
	slices.Sort(out)
	out = slices.Compact(out)
	if out == nil {
		out = []string{}
	}
	return out
}

// expandedElsewhere reports whether the raw URL u is one of the known
// (expanded) URLs, or the unexpanded form of one: its variable references,
// read as `*` in a glob without separators, match a known URL.
func expandedElsewhere(u string, known []string) bool {
	if _, ok := slices.BinarySearch(known, u); ok {
		return true
	}
	if !strings.Contains(u, "$") || len(known) == 0 {
		return false
	}
	g, err := glob.Compile(varRefPattern.ReplaceAllString(u, "*"))
	if err != nil {
		return false
	}
	for _, k := range known {
		if g.Match(k) {
			return true
		}
	}
	return false
}

// --- Windows --------------------------------------------------------------------

var (
	windowsShells = map[string]bool{
		"powershell": true, "powershell.exe": true, "pwsh": true, "pwsh.exe": true, "cmd": true, "cmd.exe": true,
	}
	windowsCommands = map[string]bool{
		"powershell": true, "pwsh": true, "cmd": true, "choco": true, "msiexec": true, "setx": true, "dism": true, "icacls": true,
	}
	mcrWindowsName = regexp.MustCompile(`(?i)^mcr\.microsoft\.com/windows`)
	windowsRefText = regexp.MustCompile(`(windows|nanoserver|servercore|ltsc20[0-9][0-9]|[-:]nano([-.]|$))`)
)

// deriveStageFacts fills the stage facts that need the whole stage graph.
func (b *builder) deriveStageFacts() {
	for i := range b.doc.Stages {
		b.doc.Stages[i].Windows = isWindowsStage(b.doc, i)
		b.doc.Stages[i].InstructionIndex = instructionIndex(b.doc.Stages[i].Instructions)
	}
}

// isWindowsStage computes Stage.Windows (see its documentation).
func isWindowsStage(doc *Document, i int) bool {
	s := &doc.Stages[i]
	if s.Image.Family == "windows" || s.Image.Distro == "windows" {
		return true
	}
	// A base image known to be Linux (or scratch) settles it: the backtick
	// escape, a PowerShell SHELL or a .exe are then style or cross-builds,
	// and must not switch off the Linux rules.
	if s.Image.Known && s.Image.Family != "" {
		return false
	}
	if doc.Escape == "`" {
		return true
	}
	for _, sh := range s.Runtime.Shell {
		if windowsShells[strings.ToLower(slashBase(sh))] {
			return true
		}
	}
	root := s
	if len(s.Chain) > 0 && s.Chain[0] >= 0 && s.Chain[0] < len(doc.Stages) {
		root = &doc.Stages[s.Chain[0]]
	}
	if root.Base.Ref != nil && mcrWindowsName.MatchString(root.Base.Ref.Name) {
		return true
	}
	if windowsRefText.MatchString(strings.ToLower(imageRefText(root.Base))) {
		return true
	}
	for _, c := range s.Chain {
		if c < 0 || c >= len(doc.Stages) {
			continue
		}
		for _, in := range doc.Stages[c].Instructions {
			if in.Cmd != "run" || in.Run == nil {
				continue
			}
			for _, cmd := range in.Run.Commands {
				if isWindowsCommand(cmd.Name) {
					return true
				}
			}
		}
	}
	e := s.Runtime.Entrypoint
	if e == nil {
		e = s.Runtime.Cmd
	}
	if e != nil {
		argv := e.Argv
		if len(argv) == 0 {
			argv = e.Args
		}
		if len(argv) > 0 && isWindowsCommand(slashBase(strings.ReplaceAll(argv[0], `\`, "/"))) {
			return true
		}
	}
	return false
}

func isWindowsCommand(name string) bool {
	n := strings.ToLower(name)
	return windowsCommands[n] || strings.HasSuffix(n, ".exe")
}

// slashBase is the last /-separated element of p after trailing slashes are
// removed ("dist/" -> "dist", "/" -> ""); backslashes are not separators.
func slashBase(p string) string {
	t := strings.TrimRight(p, "/")
	return t[strings.LastIndexByte(t, '/')+1:]
}

// imageRefText is the FROM reference for messages and matching: "scratch",
// else the resolved reference, else the raw one.
func imageRefText(b BaseRef) string {
	switch {
	case b.Scratch:
		return scratchImage
	case b.Resolved != "":
		return b.Resolved
	}
	return b.Raw
}
