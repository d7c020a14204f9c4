package dockerfile

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/parser"

	"github.com/hardline-dev/hardline/pkg/secrets"
	"github.com/hardline-dev/hardline/pkg/shellcmd"
)

func (b *builder) addSecret(m secrets.Match, source string, stage, instr int, loc Location) {
	b.secretList = append(b.secretList, SecretFact{Match: m, Source: source, Stage: stage, Location: loc, Instruction: instr})
}

// checkValue runs the key/value detector on an ENV, LABEL or ARG value as
// written (quotes removed, variables not expanded: a `${TOKEN}` reference
// is not a credential, and an ARG default substituted later must keep the
// fingerprint it has here).
func (b *builder) checkValue(key, raw, source string, stage, instr int, node *parser.Node) {
	if raw == "" {
		return
	}
	m := b.det.CheckValue(key, b.unquoteRaw(raw))
	if m == nil {
		return
	}
	b.addSecret(*m, source, stage, instr, b.findInInstruction(node, raw, m.Column))
}

// findInInstruction locates a value written in an instruction's lines so
// the finding points at the value rather than the keyword.
func (b *builder) findInInstruction(node *parser.Node, raw string, col int) Location {
	for l := node.StartLine; l <= node.EndLine && l > 0; l++ {
		text := b.src.line(l)
		if i := strings.Index(text, raw); i >= 0 {
			off := i
			if col > 1 {
				off += col - 1
			}
			if raw[0] == '"' || raw[0] == '\'' {
				off++
			}
			return b.src.lineSpan(l, b.src.column(l, off))
		}
	}
	loc := b.src.location(node.StartLine, node.StartLine)
	return b.src.lineSpan(loc.StartLine, loc.StartColumn)
}

// scanText runs the free-text detector and places each match with at.
func (b *builder) scanText(text, source string, stage, instr int, at func(line, col int) Location) {
	if text == "" {
		return
	}
	for _, m := range b.det.ScanText(text) {
		b.addSecret(m, source, stage, instr, at(m.Line, m.Column))
	}
}

// wordSecrets scans the words of a CMD, ENTRYPOINT, HEALTHCHECK or an ADD
// source as commands (shell form is parsed like a RUN script, so that
// `curl -u user:pass` is seen in context). ScanArgv also runs the text rules
// over the words and merges overlapping hits, so one credential is one fact.
func (b *builder) wordSecrets(ctx *instrCtx, in *Instruction, node *parser.Node, words []string, shell bool, source string) {
	if len(words) == 0 {
		return
	}
	src := b.source(ctx, source)
	place := func(m secrets.Match) Location {
		return b.findMasked(node.StartLine, node.EndLine, m.Masked, in.Location)
	}
	text := strings.Join(words, " ")
	argvs := [][]string{words}
	if shell {
		argvs = nil
		for _, c := range shellcmd.Parse(text, nil).Commands {
			argvs = append(argvs, c.Argv)
		}
	}
	for _, argv := range argvs {
		for _, m := range b.det.ScanArgv(argv) {
			b.addSecret(m, src, ctx.stage, in.Index, place(m))
		}
	}
}

// found is a match with the value it stands for, kept only while the
// matches of one instruction are compared.
type found struct {
	m      secrets.Match
	value  string
	source string
	loc    Location
}

// scanned runs one detector call and pairs each match with its value (the
// collector sees values in match order); values are nil if they don't line
// up, which only disables pruning.
func (b *builder) scanned(ms []secrets.Match) ([]secrets.Match, []string) {
	vals := b.vals
	b.vals = nil
	if len(vals) != len(ms) {
		return ms, nil
	}
	return ms, vals
}

// pruneNested drops a match whose value contains another match's value in
// the same instruction: `curl -u admin:pw` is one credential, reported once
// as its most specific part, although the text rules and the argv rules
// both see it.
func pruneNested(fs []found) []found {
	out := fs[:0:0]
	for i, f := range fs {
		nested := false
		for j, g := range fs {
			if i != j && f.value != "" && g.value != "" && f.value != g.value && strings.Contains(f.value, g.value) {
				nested = true
				break
			}
		}
		if !nested {
			out = append(out, f)
		}
	}
	return out
}

// runSecrets scans a RUN script as text (heredoc bodies included) and the
// argv of every command, whose words carry substituted ARG/ENV values.
func (b *builder) runSecrets(ctx *instrCtx, in *Instruction, lines scriptLines, node *parser.Node) {
	r := in.Run
	src := func(inHeredoc bool) string {
		switch {
		case ctx.trigger:
			return "onbuild"
		case inHeredoc:
			return "heredoc"
		}
		return "run"
	}
	cmdEnd := node.EndLine
	if lines.hdLine > 0 {
		cmdEnd = lines.hdLine - 1
	}
	var all []found
	var cmdMap *joinedMap
	b.vals = nil
	ms, vals := b.scanned(b.det.ScanText(r.Script))
	for i, m := range ms {
		line, hd := lines.line(m.Line)
		var loc Location
		switch {
		case hd:
			loc = b.src.lineSpan(line, m.Column)
		case in.Form == "exec":
			loc = b.findMasked(node.StartLine, cmdEnd, m.Masked, in.Location)
		default:
			if cmdMap == nil {
				cmdMap = b.joinedLines(node, lines)
			}
			loc = cmdMap.locate(b.src, r.Script, m.Column, in.Location)
		}
		all = append(all, found{m: m, value: at(vals, i), source: src(hd), loc: loc})
	}
	for _, c := range r.Commands {
		ms, vals := b.scanned(b.det.ScanArgv(c.Argv))
		for i, m := range ms {
			line, hd := lines.line(c.Line)
			from, to := line, line
			if !hd {
				from, to = node.StartLine, cmdEnd
			}
			all = append(all, found{m: m, value: at(vals, i), source: src(hd), loc: b.findMasked(from, to, m.Masked, b.src.location(line, line))})
		}
	}
	for _, f := range pruneNested(all) {
		b.addSecret(f.m, f.source, ctx.stage, in.Index, f.loc)
	}
}

func at(vals []string, i int) string {
	if i < len(vals) {
		return vals[i]
	}
	return ""
}

// findMasked places a match whose position in the source is not known
// (argv words, exec-form JSON) by searching lines [from, to] for the
// visible prefix of its masked value; fallback is used when not found.
func (b *builder) findMasked(from, to int, masked string, fallback Location) Location {
	prefix, _, _ := strings.Cut(masked, "…")
	if len(prefix) >= 3 {
		for l := from; l <= to && l > 0; l++ {
			if i := strings.Index(b.src.line(l), prefix); i >= 0 {
				return b.src.lineSpan(l, b.src.column(l, i))
			}
		}
	}
	return b.src.lineSpan(fallback.StartLine, fallback.StartColumn)
}

// joinedMap maps byte offsets of an instruction's logical line (its
// physical lines joined the way BuildKit's parser joins continuations) back
// to physical lines.
type joinedMap struct {
	joined string
	segs   []joinedSeg
}

type joinedSeg struct {
	line   int // physical line
	at     int // offset of the segment in joined
	offset int // byte offset of the segment within the physical line
}

// joinedLines rebuilds the logical line of an instruction: leading blanks
// of the first line dropped, comment-only and blank continuation lines
// skipped, and the escape character ending a line removed.
func (b *builder) joinedLines(node *parser.Node, lines scriptLines) *joinedMap {
	end := node.EndLine
	if lines.hdLine > 0 {
		end = lines.hdLine - 1
	}
	esc := b.doc.Escape
	jm := &joinedMap{}
	var sb strings.Builder
	for l := node.StartLine; l <= end && l > 0; l++ {
		text := b.src.line(l)
		off := 0
		if l == node.StartLine {
			off = len(text) - len(strings.TrimLeft(text, " \t"))
		} else {
			t := strings.TrimLeft(text, " \t\v\f")
			if t == "" || t[0] == '#' {
				continue
			}
		}
		seg := text[off:]
		if t := strings.TrimRight(seg, " \t"); strings.HasSuffix(t, esc) && !strings.HasSuffix(t, esc+esc) {
			seg = t[:len(t)-len(esc)]
		}
		jm.segs = append(jm.segs, joinedSeg{line: l, at: sb.Len(), offset: off})
		sb.WriteString(seg)
	}
	jm.joined = sb.String()
	return jm
}

// locate finds the physical position of byte column col (1-based) of
// script inside the logical line; fallback is used when script cannot be
// found (exec form, heredoc reconstitution).
func (jm *joinedMap) locate(src *sourceText, script string, col int, fallback Location) Location {
	first, _, _ := strings.Cut(script, "\n")
	base := strings.LastIndex(jm.joined, first)
	if base < 0 || first == "" || len(jm.segs) == 0 {
		return src.lineSpan(fallback.StartLine, fallback.StartColumn)
	}
	o := base + max(col, 1) - 1
	seg := jm.segs[0]
	for _, s := range jm.segs {
		if s.at > o {
			break
		}
		seg = s
	}
	return src.lineSpan(seg.line, src.column(seg.line, seg.offset+o-seg.at))
}

// sortedRedactions orders values longest first, so that masking a value
// never leaves a longer one that contains it half-masked.
func sortedRedactions(set map[string]bool) []string {
	out := make([]string, 0, len(set))
	for v := range set {
		if v != "" {
			out = append(out, v)
		}
	}
	slices.SortFunc(out, func(a, b string) int { return cmp.Or(cmp.Compare(len(b), len(a)), cmp.Compare(a, b)) })
	return out
}

// declaredSources are where a value is written once and then substituted
// elsewhere by reference.
var declaredSources = map[string]bool{"env": true, "arg": true, "label": true}

// dedupeSecrets keeps one fact per value and instruction, at its earliest
// location. A value declared in ENV/ARG/LABEL is reported there only, not
// again in each RUN it is substituted into (the declaration is what must be
// removed); the same literal written in two instructions is two findings.
func dedupeSecrets(in []SecretFact) []SecretFact {
	slices.SortStableFunc(in, func(a, b SecretFact) int {
		return cmp.Or(
			cmp.Compare(a.Location.StartLine, b.Location.StartLine),
			cmp.Compare(a.Location.StartColumn, b.Location.StartColumn),
		)
	})
	id := func(s SecretFact) string {
		if s.Fingerprint != "" {
			return s.Fingerprint
		}
		return s.Rule + "\x00" + s.Masked
	}
	declared := map[string]bool{}
	for _, s := range in {
		if declaredSources[s.Source] {
			declared[id(s)] = true
		}
	}
	out := make([]SecretFact, 0, len(in))
	seen := make(map[string]bool, len(in))
	for _, s := range in {
		if !declaredSources[s.Source] && declared[id(s)] {
			continue
		}
		key := fmt.Sprintf("%s\x00%d\x00%d", id(s), s.Stage, s.Instruction)
		if seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, s)
	}
	return out
}
