package shellcmd

import (
	"strings"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/syntax"
)

// fieldBuilder accumulates the fields a word expands to. have records that
// the current field exists even if empty, as for `""`.
type fieldBuilder struct {
	fields []string
	cur    strings.Builder
	have   bool
}

func (fb *fieldBuilder) add(s string) {
	fb.cur.WriteString(s)
	fb.have = true
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
	fb.fields = append(fb.fields, fb.cur.String())
	fb.cur.Reset()
	fb.have = false
}

func (fb *fieldBuilder) join() string {
	if fb.have || len(fb.fields) == 0 {
		fb.flush()
	}
	if len(fb.fields) == 1 {
		return fb.fields[0]
	}
	return strings.Join(fb.fields, " ")
}

func isIFS(b byte) bool { return b == ' ' || b == '\t' || b == '\n' }

// fields expands an argument word into zero or more fields.
func (w *walker) fields(word *syntax.Word, c ctx) []string {
	return w.appendFields(nil, word, c)
}

// appendFields appends the fields of word to dst, saving the per-word
// slice in the hot path of building argv.
func (w *walker) appendFields(dst []string, word *syntax.Word, c ctx) []string {
	if word == nil {
		return dst
	}
	if len(word.Parts) == 1 {
		if l, ok := word.Parts[0].(*syntax.Lit); ok {
			return append(dst, unescapeUnquoted(l.Value))
		}
	}
	fb := fieldBuilder{fields: dst}
	w.parts(word.Parts, false, true, &fb, c)
	if fb.have {
		fb.flush()
	}
	return fb.fields
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
		fb.add(w.srcText(x))
	case *syntax.ProcSubst:
		w.inexact = true
		w.stmts(x.Stmts, ctx{cond: c.cond})
		fb.add(w.srcText(x))
	case *syntax.ArithmExp:
		w.inexact = true
		w.arithm(x.X, c)
		fb.add(w.srcText(x))
	default:
		// Extended globs and anything newer: keep the source text.
		fb.add(w.srcText(p))
	}
}

func (w *walker) param(pe *syntax.ParamExp, split bool, fb *fieldBuilder, c ctx) {
	if pe.Param == nil {
		w.inexact = true
		fb.add(w.srcText(pe))
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
			fb.add("${" + name + "}")
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
		fb.add("${" + name + op.String() + arg + "}")
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
	fb.add(w.srcText(pe))
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
