package shellcmd

import (
	"strings"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/syntax"
)

// span marks bytes of a rendered word (or here-document) that are not its
// value but the source text of an expansion left unevaluated: `$(curl …)`,
// `<(…)`, `$((…))`, an unknown `${X}`. The shell replaces that text at run
// time, so a slash inside it is no path separator, and when the word is the
// script of a nested `sh -c` the text is not code the author wrote there.
// inherited marks text that an enclosing script's expansion produces (see
// walker.outer).
type span struct {
	start, end int
	inherited  bool
}

// spanAt returns the index of the span containing byte i, or -1.
func spanAt(sp []span, i int) int {
	for k, s := range sp {
		if i >= s.start && i < s.end {
			return k
		}
	}
	return -1
}

// fieldBuilder accumulates the fields a word expands to. have records that
// the current field exists even if empty, as for `""`. spans, when not nil,
// runs parallel to fields (nil entries for fields without unevaluated text);
// it is allocated only once a field has some.
type fieldBuilder struct {
	fields   []string
	spans    [][]span
	cur      strings.Builder
	curSpans []span
	have     bool
}

func (fb *fieldBuilder) add(s string) {
	fb.cur.WriteString(s)
	fb.have = true
}

// addUnevaluated adds the source text of an expansion left unevaluated.
func (fb *fieldBuilder) addUnevaluated(s string, inherited bool) {
	if s != "" {
		n := fb.cur.Len()
		fb.curSpans = append(fb.curSpans, span{n, n + len(s), inherited})
	}
	fb.add(s)
}

// addSplit adds the unquoted expansion of a known variable, which the shell
// splits on IFS whitespace: ARG PKGS="curl git" then `apk add $PKGS` installs
// two packages.
func (fb *fieldBuilder) addSplit(s string) {
	for i := 0; i < len(s); {
		if isIFS(s[i]) {
			if fb.have {
				fb.flush()
			}
			for i < len(s) && isIFS(s[i]) {
				i++
			}
			continue
		}
		j := i
		for j < len(s) && !isIFS(s[j]) {
			j++
		}
		fb.add(s[i:j])
		i = j
	}
}

func (fb *fieldBuilder) flush() {
	if fb.curSpans != nil || fb.spans != nil {
		for len(fb.spans) < len(fb.fields) {
			fb.spans = append(fb.spans, nil)
		}
		fb.spans = append(fb.spans, fb.curSpans)
		fb.curSpans = nil
	}
	fb.fields = append(fb.fields, fb.cur.String())
	fb.cur.Reset()
	fb.have = false
}

func (fb *fieldBuilder) join() string {
	s, _ := fb.joinSpans()
	return s
}

// joinSpans is join with the spans of the joined text.
func (fb *fieldBuilder) joinSpans() (string, []span) {
	if fb.have || len(fb.fields) == 0 {
		fb.flush()
	}
	if len(fb.fields) == 1 {
		return fb.fields[0], fieldSpans(fb.spans, 0)
	}
	return strings.Join(fb.fields, " "), joinedSpans(fb.fields, fb.spans, 0, len(fb.fields))
}

// fieldSpans returns the spans of field i (nil when it has none).
func fieldSpans(spans [][]span, i int) []span {
	if i >= 0 && i < len(spans) {
		return spans[i]
	}
	return nil
}

// joinedSpans returns the spans of strings.Join(fields[from:to], " ").
func joinedSpans(fields []string, spans [][]span, from, to int) []span {
	var out []span
	off := 0
	for i := from; i < to; i++ {
		for _, s := range fieldSpans(spans, i) {
			out = append(out, span{s.start + off, s.end + off, s.inherited})
		}
		off += len(fields[i]) + 1
	}
	return out
}

func isIFS(b byte) bool { return b == ' ' || b == '\t' || b == '\n' }

// fields expands an argument word into zero or more fields.
func (w *walker) fields(word *syntax.Word, c ctx) []string {
	f, _ := w.appendFields(nil, nil, word, c)
	return f
}

// appendFields appends the fields of word to dst, saving the per-word
// slice in the hot path of building argv. dstSpans is nil or parallel to
// dst, and so is the spans result.
func (w *walker) appendFields(dst []string, dstSpans [][]span, word *syntax.Word, c ctx) ([]string, [][]span) {
	if word == nil {
		return dst, dstSpans
	}
	if len(word.Parts) == 1 {
		if l, ok := word.Parts[0].(*syntax.Lit); ok {
			if dstSpans != nil {
				dstSpans = append(dstSpans, nil)
			}
			return append(dst, unescapeUnquoted(l.Value)), dstSpans
		}
	}
	fb := fieldBuilder{fields: dst, spans: dstSpans}
	w.parts(word.Parts, false, true, &fb, c)
	if fb.have {
		fb.flush()
	}
	return fb.fields, fb.spans
}

// literal expands a word where no field splitting happens (assignment
// values, redirect targets, case subjects).
func (w *walker) literal(word *syntax.Word, c ctx) string {
	if word == nil {
		return ""
	}
	fb := fieldBuilder{}
	w.parts(word.Parts, false, false, &fb, c)
	return fb.join()
}

func (w *walker) parts(parts []syntax.WordPart, quoted, split bool, fb *fieldBuilder, c ctx) {
	for _, p := range parts {
		w.part(p, quoted, split, fb, c)
	}
}

// part renders one word part; quoted tells whether it sits inside double
// quotes (different escapes), split whether expansions are field-split.
func (w *walker) part(p syntax.WordPart, quoted, split bool, fb *fieldBuilder, c ctx) {
	if !w.enter() {
		return
	}
	defer w.leave()
	if w.inheritedPart(p, fb) {
		return
	}
	switch x := p.(type) {
	case *syntax.Lit:
		if quoted {
			fb.add(unescapeDouble(x.Value))
		} else {
			fb.add(unescapeUnquoted(x.Value))
		}
	case *syntax.SglQuoted:
		if x.Dollar {
			fb.add(ansiC(x.Value))
		} else {
			fb.add(x.Value)
		}
	case *syntax.DblQuoted:
		fb.have = true
		for _, q := range x.Parts {
			w.part(q, true, false, fb, c)
		}
	case *syntax.ParamExp:
		w.param(x, split && !quoted, fb, c)
	case *syntax.CmdSubst:
		w.inexact = true
		w.stmts(x.Stmts, ctx{cond: c.cond})
		fb.addUnevaluated(w.srcText(x), false)
	case *syntax.ProcSubst:
		w.inexact = true
		w.stmts(x.Stmts, ctx{cond: c.cond})
		fb.addUnevaluated(w.srcText(x), false)
	case *syntax.ArithmExp:
		w.inexact = true
		w.arithm(x.X, c)
		fb.addUnevaluated(w.srcText(x), false)
	default:
		// Extended globs and anything newer: keep the source text.
		fb.add(w.srcText(p))
	}
}

// inheritedPart renders a part of a nested script that starts in text the
// enclosing script's expansions produce (walker.outer) and reports whether
// it did: such a substitution was run by the enclosing walk already, and
// the value of such an expansion is only known at run time, so the part is
// kept as written.
func (w *walker) inheritedPart(p syntax.WordPart, fb *fieldBuilder) bool {
	if len(w.outer) == 0 {
		return false
	}
	switch p.(type) {
	case *syntax.CmdSubst, *syntax.ProcSubst, *syntax.ArithmExp, *syntax.ParamExp:
	default:
		return false
	}
	if spanAt(w.outer, int(p.Pos().Offset())) < 0 {
		return false
	}
	w.inexact = true
	fb.addUnevaluated(w.srcText(p), true)
	return true
}

func (w *walker) param(pe *syntax.ParamExp, split bool, fb *fieldBuilder, c ctx) {
	if pe.Param == nil {
		w.inexact = true
		fb.addUnevaluated(w.srcText(pe), false)
		return
	}
	name := pe.Param.Value
	special := !isName(name)
	if !special {
		w.addVar(name)
	}
	simple := !pe.Excl && !pe.Length && !pe.Width && !pe.IsSet && pe.Flags == nil &&
		pe.NestedParam == nil && pe.Index == nil && len(pe.Modifiers) == 0 &&
		pe.Slice == nil && pe.Repl == nil && pe.Names == 0
	if special || !simple {
		w.opaqueParam(pe, split, fb, c)
		return
	}
	val, known := w.get(name)
	if pe.Exp == nil {
		if !known {
			w.inexact = true
			fb.addUnevaluated("${"+name+"}", false)
			return
		}
		w.addValue(val, split, fb)
		return
	}
	op := pe.Exp.Op
	switch op {
	case syntax.DefaultUnsetOrNull, syntax.DefaultUnset,
		syntax.AlternateUnsetOrNull, syntax.AlternateUnset,
		syntax.AssignUnsetOrNull, syntax.AssignUnset,
		syntax.ErrorUnsetOrNull, syntax.ErrorUnset:
	default:
		w.opaqueParam(pe, split, fb, c)
		return
	}
	arg := w.literal(pe.Exp.Word, c)
	if !known {
		w.inexact = true
		fb.addUnevaluated("${"+name+op.String()+arg+"}", false)
		return
	}
	switch op {
	case syntax.DefaultUnsetOrNull, syntax.AssignUnsetOrNull:
		if val == "" {
			val = arg
		}
	case syntax.AlternateUnsetOrNull:
		if val != "" {
			val = arg
		}
	case syntax.AlternateUnset:
		val = arg
	}
	// `-`, `=`, `?`, `:?` on a set variable yield its value.
	w.addValue(val, split, fb)
}

func (w *walker) addValue(val string, split bool, fb *fieldBuilder) {
	if split {
		fb.addSplit(val)
	} else {
		fb.add(val)
	}
}

// opaqueParam handles expansions we do not evaluate by hand (${#X}, ${X%y},
// ${X/a/b}, ${X:0:3}, $1, ...). When every variable involved is known, the
// expand package evaluates it; otherwise its source text is kept.
func (w *walker) opaqueParam(pe *syntax.ParamExp, split bool, fb *fieldBuilder, c ctx) {
	before := w.inexact
	w.inexact = false
	w.paramSubwords(pe, c)
	inner := w.inexact
	w.inexact = before
	if !inner && pe.Param != nil && isName(pe.Param.Value) && pe.Flags == nil && pe.NestedParam == nil && !pe.Excl {
		if _, ok := w.get(pe.Param.Value); ok {
			cfg := &expand.Config{Env: walkerEnv{w}}
			if s, err := expand.Literal(cfg, &syntax.Word{Parts: []syntax.WordPart{pe}}); err == nil {
				w.addValue(s, split, fb)
				return
			}
		}
	}
	w.inexact = true
	fb.addUnevaluated(w.srcText(pe), false)
}

// paramSubwords walks the words nested in a parameter expansion for their
// variables and substitutions; w.inexact reports whether any is unknown.
func (w *walker) paramSubwords(pe *syntax.ParamExp, c ctx) {
	if pe.Index != nil {
		w.arithm(pe.Index, c)
	}
	if pe.Slice != nil {
		w.arithm(pe.Slice.Offset, c)
		w.arithm(pe.Slice.Length, c)
	}
	if pe.Repl != nil {
		w.literal(pe.Repl.Orig, c)
		w.literal(pe.Repl.With, c)
	}
	if pe.Exp != nil {
		w.literal(pe.Exp.Word, c)
	}
	if pe.Index != nil || pe.Slice != nil {
		// Arithmetic may name variables bare; let expand see only words
		// we have checked, so treat these as not statically known.
		w.inexact = true
	}
}

// walkerEnv exposes the walker's known variables to the expand package.
type walkerEnv struct{ w *walker }

func (e walkerEnv) Get(name string) expand.Variable {
	if v, ok := e.w.get(name); ok {
		return expand.Variable{Set: true, Kind: expand.String, Str: v}
	}
	return expand.Variable{}
}

func (e walkerEnv) Each(func(string, expand.Variable) bool) {}

func unescapeUnquoted(s string) string {
	if strings.IndexByte(s, '\\') < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
			if s[i] == '\n' {
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// unescapeDouble applies the few escapes valid inside double quotes.
func unescapeDouble(s string) string {
	return unescapeSome(s, "$`\"\\\n")
}

func unescapeHeredoc(s string) string {
	return unescapeSome(s, "$`\\\n")
}

func unescapeSome(s, set string) string {
	if strings.IndexByte(s, '\\') < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) && strings.IndexByte(set, s[i+1]) >= 0 {
			i++
			if s[i] == '\n' {
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// ansiC decodes the common escapes of bash $'...' strings; rarer ones
// (\x, \u, octal) are left as written.
func ansiC(s string) string {
	if strings.IndexByte(s, '\\') < 0 {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' || i+1 == len(s) {
			b.WriteByte(s[i])
			continue
		}
		i++
		switch s[i] {
		case 'n':
			b.WriteByte('\n')
		case 't':
			b.WriteByte('\t')
		case 'r':
			b.WriteByte('\r')
		case '\\', '\'', '"':
			b.WriteByte(s[i])
		default:
			b.WriteByte('\\')
			b.WriteByte(s[i])
		}
	}
	return b.String()
}
