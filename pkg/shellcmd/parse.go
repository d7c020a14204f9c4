package shellcmd

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"

	"mvdan.cc/sh/v3/syntax"
)

const (
	// maxShellDepth bounds how many `sh -c` levels are unwrapped; each
	// level is a fresh parse, so hostile input could otherwise recurse
	// without limit.
	maxShellDepth = 8
	// maxBracketDepth is checked before parsing because the parser
	// recurses per nesting level and a stack overflow in Go is fatal, not
	// a recoverable panic. Real scripts stay far below it.
	maxBracketDepth = 1000
	// maxWalkDepth bounds our own recursion over the AST (keywords such as
	// if/while nest without brackets, so the pre-scan does not see them).
	maxWalkDepth = 5000
	// maxNestedScripts and maxExpandBytes bound the work one call can do:
	// a variable whose value runs itself twice (eval "$X"; eval "$X") would
	// otherwise grow exponentially within the depth limit, and a large
	// ARG expanded many times could exhaust memory.
	maxNestedScripts = 512
	maxExpandBytes   = 16 << 20
)

var parserPool = sync.Pool{New: func() any {
	return syntax.NewParser(syntax.Variant(syntax.LangBash))
}}

// Parse parses script (POSIX/bash, as in a Dockerfile RUN) and returns its
// simple commands in execution order. lookup resolves a variable's value when
// known (ARG/ENV in scope); unknown variables stay as "${NAME}" in Argv.
// lookup may be nil.
func Parse(script string, lookup func(name string) (string, bool)) (res Result) {
	defer func() {
		// Defence in depth: one odd RUN line must not take the whole lint
		// run down. The fuzz target calls parse directly so that bugs are
		// still found rather than hidden here.
		if r := recover(); r != nil {
			res = Result{Error: fmt.Sprintf("internal error: %v", r)}
		}
	}()
	return parse(script, lookup)
}

func parse(script string, lookup func(name string) (string, bool)) Result {
	w := newWalker(lookup)
	w.script(script, 0, ctx{}, nil)
	return w.result()
}

// FromArgv handles exec-form RUN ["prog","a","b"]: one command, whose words
// are used verbatim since no shell expands them. When argv is directly a
// shell invocation (sh|bash|ash|dash -c SCRIPT, also /bin/sh -ec etc.) SCRIPT
// is parsed instead and only its commands are returned; when the shell sits
// behind a wrapper (sudo sh -c ...) the wrapper command is kept too, as Parse
// does.
func FromArgv(argv []string, lookup func(name string) (string, bool)) (res Result) {
	defer func() {
		if r := recover(); r != nil {
			res = Result{Error: fmt.Sprintf("internal error: %v", r)}
		}
	}()
	return fromArgv(argv, lookup)
}

func fromArgv(argv []string, lookup func(name string) (string, bool)) Result {
	w := newWalker(lookup)
	if len(argv) == 0 {
		return w.result()
	}
	cmd, _ := w.newCommand(append([]string(nil), argv...), nil, nil, nil, 1, ctx{})
	if len(cmd.Wrappers) == 0 {
		if loc, ok := nestedScript(cmd.Name, cmd.Args); ok {
			w.script(loc.text(cmd.Args), 0, ctx{}, nil)
			return w.result()
		}
	}
	w.emit(cmd, wordSpans{}, ctx{})
	return w.result()
}

// ctx is the execution context handed down the AST.
type ctx struct {
	cond       bool
	pipe       *pipeSlot
	wrappers   []string   // from an enclosing `time` clause
	redirs     []Redirect // from enclosing compound commands
	redirSpans [][]span   // nil or parallel to redirs: unevaluated text of here-documents
}

// wordSpans locates the unevaluated text in a command's words: argv is nil
// or parallel to Command.Argv, redirs nil or parallel to Command.Redirects
// (here-document bodies).
type wordSpans struct {
	argv, redirs [][]span
}

// pipeline ids are allocated when the first command of the pipeline is
// emitted, so that ids increase in emission order even when a command
// substitution inside the first element runs (and is emitted) earlier.
type pipeline struct{ id int }

type pipeSlot struct {
	p        *pipeline
	pos, len int
}

// varState is a script-local shell variable; known=false shadows the
// caller's lookup when the script sets the variable to something we cannot
// evaluate (a loop variable, a conditional or computed assignment).
type varState struct {
	val   string
	known bool
}

type walker struct {
	lookup   func(string) (string, bool)
	src      string
	lineBase int
	local    map[string]varState
	vars     map[string]struct{}
	cmds     []Command
	nextPipe int
	depth    int
	shells   int
	nested   int // nested scripts parsed so far
	expanded int // bytes of variable values substituted so far
	err      string
	lastLine int // of the statement being walked, for errors
	// outer marks the text of src that the enclosing script's expansions
	// produce when src is a nested script (`bash -c "$(curl …)"`): that
	// walk already ran their substitutions, and the shell parses their
	// output, unknown here, as part of the nested script.
	outer []span
	// inexact is set while rendering a word when part of it could not be
	// evaluated statically (unknown variable, command substitution, ...).
	inexact bool
}

func newWalker(lookup func(string) (string, bool)) *walker {
	return &walker{lookup: lookup}
}

func (w *walker) result() Result {
	r := Result{Commands: w.cmds, Error: w.err}
	if r.Commands == nil {
		r.Commands = []Command{}
	}
	for i := range r.Commands {
		r.Commands[i].Text = strings.Join(r.Commands[i].Argv, " ")
	}
	if len(w.vars) > 0 {
		r.Vars = make([]string, 0, len(w.vars))
		for v := range w.vars {
			r.Vars = append(r.Vars, v)
		}
		sort.Strings(r.Vars)
	}
	return r
}

func (w *walker) setErr(line int, msg string) {
	if w.err == "" {
		w.err = fmt.Sprintf("line %d: %s", line, oneLine(msg))
	}
}

// script parses src and walks it; lineBase is added to the parser's line
// numbers so nested scripts report lines of the outermost text. outer marks
// the text of src an enclosing script's expansions produce (walker.outer).
func (w *walker) script(src string, lineBase int, c ctx, outer []span) {
	if d, line := bracketDepth(src); d > maxBracketDepth {
		w.setErr(lineBase+line, "nesting too deep")
		return
	}
	p := parserPool.Get().(*syntax.Parser)
	f, err := p.Parse(strings.NewReader(src), "")
	// The parser keeps no reference to the returned tree (it resets its
	// batches on each Parse), so it can go back to the pool right away.
	parserPool.Put(p)
	if err != nil {
		w.setErr(lineBase+errLine(err), errText(err))
	}
	if f == nil {
		return
	}
	oldSrc, oldBase, oldLocal, oldOuter := w.src, w.lineBase, w.local, w.outer
	w.src, w.lineBase, w.local, w.outer = src, lineBase, nil, outer
	w.stmts(f.Stmts, c)
	w.src, w.lineBase, w.local, w.outer = oldSrc, oldBase, oldLocal, oldOuter
}

func errLine(err error) int {
	var pe syntax.ParseError
	if errors.As(err, &pe) {
		return int(pe.Pos.Line())
	}
	var le syntax.LangError
	if errors.As(err, &le) {
		return int(le.Pos.Line())
	}
	return 0
}

func errText(err error) string {
	var pe syntax.ParseError
	if errors.As(err, &pe) {
		return pe.Text
	}
	msg := err.Error()
	// LangError and others render as "line:col: text"; the position is
	// already in our prefix.
	if i := strings.Index(msg, ": "); i >= 0 && strings.IndexFunc(msg[:i], func(r rune) bool {
		return (r < '0' || r > '9') && r != ':' && r != '?'
	}) < 0 {
		msg = msg[i+2:]
	}
	return msg
}

func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\n' || r == '\r' {
			return ' '
		}
		return r
	}, s)
}

// bracketDepth returns the deepest bracket nesting in s, ignoring quoting
// so that nothing can hide nesting from the check, and the line where it is
// reached.
func bracketDepth(s string) (maxDepth, line int) {
	depth, ln := 0, 1
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '(', '{', '[':
			depth++
			if depth > maxDepth {
				maxDepth, line = depth, ln
			}
		case ')', '}', ']':
			if depth > 0 {
				depth--
			}
		case '\n':
			ln++
		}
	}
	return maxDepth, line
}

func (w *walker) enter() bool {
	w.depth++
	if w.depth > maxWalkDepth {
		w.setErr(w.lastLine, "nesting too deep")
		return false
	}
	return true
}

func (w *walker) leave() { w.depth-- }

func (w *walker) line(p syntax.Pos) int {
	if l := int(p.Line()); l > 0 {
		return w.lineBase + l
	}
	return 0
}

func (w *walker) srcText(n syntax.Node) string {
	start, end := n.Pos(), n.End()
	if !start.IsValid() || !end.IsValid() {
		return ""
	}
	s, e := int(start.Offset()), int(end.Offset())
	if s < 0 || e > len(w.src) || s > e {
		return ""
	}
	return w.src[s:e]
}

func (w *walker) stmts(list []*syntax.Stmt, c ctx) {
	for _, s := range list {
		w.stmt(s, c)
	}
}

func (w *walker) stmt(s *syntax.Stmt, c ctx) {
	if s == nil {
		return
	}
	if l := w.line(s.Pos()); l > 0 {
		w.lastLine = l
	}
	if !w.enter() {
		return
	}
	defer w.leave()
	if call, ok := s.Cmd.(*syntax.CallExpr); ok {
		w.call(call, s.Redirs, c)
		return
	}
	if len(s.Redirs) > 0 {
		rs, sp := w.redirects(s.Redirs, c)
		c.redirSpans = appendSpans(c.redirSpans, len(c.redirs), sp, len(rs))
		c.redirs = append(append([]Redirect(nil), c.redirs...), rs...)
	}
	switch x := s.Cmd.(type) {
	case *syntax.BinaryCmd:
		w.binary(s, x, c)
	case *syntax.Subshell:
		w.stmts(x.Stmts, c)
	case *syntax.Block:
		w.stmts(x.Stmts, c)
	case *syntax.IfClause:
		w.stmts(x.Cond, c)
		body := c
		body.cond = true
		w.stmts(x.Then, body)
		for e := x.Else; e != nil; e = e.Else {
			w.stmts(e.Cond, body)
			w.stmts(e.Then, body)
		}
	case *syntax.WhileClause:
		w.stmts(x.Cond, c)
		body := c
		body.cond = true
		w.stmts(x.Do, body)
	case *syntax.ForClause:
		switch l := x.Loop.(type) {
		case *syntax.WordIter:
			for _, word := range l.Items {
				w.fields(word, c)
			}
			if l.Name != nil {
				w.setLocal(l.Name.Value, "", false)
			}
		case *syntax.CStyleLoop:
			w.arithm(l.Init, c)
			w.arithm(l.Cond, c)
			w.arithm(l.Post, c)
		}
		body := c
		body.cond = true
		w.stmts(x.Do, body)
	case *syntax.CaseClause:
		w.literal(x.Word, c)
		body := c
		body.cond = true
		for _, item := range x.Items {
			if item == nil {
				continue
			}
			for _, p := range item.Patterns {
				w.literal(p, body)
			}
			w.stmts(item.Stmts, body)
		}
	case *syntax.FuncDecl:
		// A function body only runs if the function is called.
		w.stmt(x.Body, ctx{cond: true})
	case *syntax.ArithmCmd:
		w.arithm(x.X, c)
	case *syntax.TestClause:
		w.test(x.X, c)
	case *syntax.DeclClause:
		w.decl(x, c)
	case *syntax.LetClause:
		args := make([]string, 0, len(x.Exprs)+1)
		args = append(args, "let")
		for _, e := range x.Exprs {
			w.arithm(e, c)
			args = append(args, w.srcText(e))
		}
		cmd, _ := w.newCommand(args, nil, nil, c.redirs, w.line(x.Pos()), c)
		w.emit(cmd, wordSpans{}, c)
	case *syntax.TimeClause:
		inner := c
		inner.wrappers = append(append([]string(nil), c.wrappers...), "time")
		w.stmt(x.Stmt, inner)
	case *syntax.CoprocClause:
		w.stmt(x.Stmt, c)
	case *syntax.TestDecl:
		w.stmt(x.Body, ctx{cond: true})
	}
}

func isPipe(op syntax.BinCmdOperator) bool {
	return op == syntax.Pipe || op == syntax.PipeAll
}

// binary flattens the left-leaning chains the parser builds for `a | b | c`
// and `a && b || c` iteratively, so long chains cost no recursion.
func (w *walker) binary(s *syntax.Stmt, b *syntax.BinaryCmd, c ctx) {
	pipe := isPipe(b.Op)
	var rev []*syntax.Stmt
	cur := s
	for {
		bc, ok := cur.Cmd.(*syntax.BinaryCmd)
		if !ok || isPipe(bc.Op) != pipe || (cur != s && (len(cur.Redirs) > 0 || cur.Negated)) {
			rev = append(rev, cur)
			break
		}
		rev = append(rev, bc.Y)
		cur = bc.X
		if cur == nil {
			break
		}
	}
	n := len(rev)
	if pipe {
		p := &pipeline{id: -1}
		for i := n - 1; i >= 0; i-- {
			ec := c
			ec.pipe = &pipeSlot{p: p, pos: n - 1 - i, len: n}
			w.stmt(rev[i], ec)
		}
		return
	}
	for i := n - 1; i >= 0; i-- {
		ec := c
		if i < n-1 {
			// Everything right of the first && / || depends on an exit status.
			ec.cond = true
		}
		w.stmt(rev[i], ec)
	}
}

func (w *walker) call(x *syntax.CallExpr, redirs []*syntax.Redirect, c ctx) {
	var assigns map[string]string
	type pending struct {
		name, val string
		exact     bool
	}
	var sets []pending
	for _, a := range x.Assigns {
		if a == nil || a.Name == nil {
			continue
		}
		w.inexact = false
		val := w.assignValue(a, c)
		if assigns == nil {
			assigns = make(map[string]string, len(x.Assigns))
		}
		assigns[a.Name.Value] = val
		sets = append(sets, pending{a.Name.Value, val, !w.inexact && a.Index == nil && a.Array == nil})
	}
	argv := make([]string, 0, len(x.Args))
	var argvSpans [][]span
	for _, word := range x.Args {
		argv, argvSpans = w.appendFields(argv, argvSpans, word, c)
	}
	rs, rsSpans := w.redirects(redirs, c)
	if len(x.Args) == 0 {
		// A bare assignment sets shell variables for the rest of the script.
		for _, p := range sets {
			w.setLocal(p.name, p.val, p.exact && !c.cond && c.pipe == nil)
		}
		return
	}
	if len(argv) == 0 {
		// Every word expanded to nothing (e.g. an empty known variable).
		return
	}
	line := w.line(x.Pos())
	if len(c.redirs) > 0 {
		rsSpans = appendSpans(c.redirSpans, len(c.redirs), rsSpans, len(rs))
		rs = append(append([]Redirect(nil), c.redirs...), rs...)
	}
	cmd, inherited := w.newCommand(argv, argvSpans, assigns, rs, line, c)
	if inherited {
		// The program is text an enclosing script's substitution or
		// variable produces: the shell parses that output as code of this
		// script, so neither the command nor its name is known.
		return
	}
	w.emit(cmd, wordSpans{argv: argvSpans, redirs: rsSpans}, c)
}

// appendSpans returns the spans parallel to the concatenation of a list of
// n items with spans a and one of m items with spans b (nil when neither
// has any).
func appendSpans(a [][]span, n int, b [][]span, m int) [][]span {
	if a == nil && b == nil {
		return nil
	}
	out := make([][]span, n+m)
	copy(out, a)
	copy(out[n:], b)
	return out
}

func (w *walker) assignValue(a *syntax.Assign, c ctx) string {
	switch {
	case a.Array != nil:
		for _, el := range a.Array.Elems {
			if el != nil && el.Value != nil {
				w.literal(el.Value, c)
			}
		}
		w.inexact = true
		return w.srcText(a.Array)
	case a.Value != nil:
		v := w.literal(a.Value, c)
		if a.Append {
			if old, ok := w.get(a.Name.Value); ok {
				return old + v
			}
			w.inexact = true
		}
		return v
	}
	return ""
}

func (w *walker) decl(x *syntax.DeclClause, c ctx) {
	variant := "declare"
	if x.Variant != nil {
		variant = x.Variant.Value
	}
	argv := []string{variant}
	for _, a := range x.Args {
		if a == nil {
			continue
		}
		w.inexact = false
		switch {
		case a.Name == nil && a.Value != nil:
			argv, _ = w.appendFields(argv, nil, a.Value, c)
		case a.Name != nil && a.Naked:
			argv = append(argv, a.Name.Value)
		case a.Name != nil:
			val := w.assignValue(a, c)
			argv = append(argv, a.Name.Value+"="+val)
			w.setLocal(a.Name.Value, val, !w.inexact && !c.cond && a.Index == nil && a.Array == nil)
		}
	}
	cmd, _ := w.newCommand(argv, nil, nil, c.redirs, w.line(x.Pos()), c)
	w.emit(cmd, wordSpans{}, c)
}

// redirects renders a command's redirections, with the spans of their
// here-document bodies (nil or parallel to the result).
func (w *walker) redirects(redirs []*syntax.Redirect, c ctx) ([]Redirect, [][]span) {
	if len(redirs) == 0 {
		return nil, nil
	}
	out := make([]Redirect, 0, len(redirs))
	var spans [][]span
	for _, r := range redirs {
		if r == nil {
			continue
		}
		op := r.Op.String()
		if r.N != nil {
			op = r.N.Value + op
		}
		rd := Redirect{Op: op}
		if r.Word != nil {
			rd.Target = w.literal(r.Word, c)
		}
		if r.Hdoc != nil {
			var sp []span
			rd.Heredoc, sp = w.heredoc(r, c)
			if sp != nil && spans == nil {
				spans = make([][]span, len(redirs))
			}
			if sp != nil {
				spans[len(out)] = sp
			}
		}
		out = append(out, rd)
	}
	if spans != nil {
		spans = spans[:len(out)]
	}
	return out, spans
}

// heredoc renders a here-document body, with the spans of its unevaluated
// text. With a quoted delimiter the body is literal; the parser then hands it
// over as one literal part.
func (w *walker) heredoc(r *syntax.Redirect, c ctx) (string, []span) {
	quoted := r.Word != nil && wordQuoted(r.Word)
	var b strings.Builder
	var spans []span
	for _, part := range r.Hdoc.Parts {
		if l, ok := part.(*syntax.Lit); ok {
			if quoted {
				b.WriteString(l.Value)
			} else {
				b.WriteString(unescapeHeredoc(l.Value))
			}
			continue
		}
		fb := fieldBuilder{}
		w.part(part, true, false, &fb, c)
		text, sp := fb.joinSpans()
		for _, s := range sp {
			spans = append(spans, span{s.start + b.Len(), s.end + b.Len(), s.inherited})
		}
		b.WriteString(text)
	}
	if r.Op == syntax.DashHdoc {
		// The parser keeps the tabs that <<- tells the shell to strip.
		return stripLeadingTabs(b.String(), spans)
	}
	return b.String(), spans
}

// stripLeadingTabs removes the tabs that start each line of s and moves the
// spans of s with the text.
func stripLeadingTabs(s string, spans []span) (string, []span) {
	var b strings.Builder
	b.Grow(len(s))
	var cutBefore []int // bytes removed before offset i, when there are spans to move
	if len(spans) > 0 {
		cutBefore = make([]int, len(s)+1)
	}
	lineStart, cut := true, 0
	for i := 0; i < len(s); i++ {
		if cutBefore != nil {
			cutBefore[i] = cut
		}
		if lineStart && s[i] == '\t' {
			cut++
			continue
		}
		lineStart = s[i] == '\n'
		b.WriteByte(s[i])
	}
	if cutBefore == nil {
		return b.String(), nil
	}
	cutBefore[len(s)] = cut
	out := make([]span, len(spans))
	for k, sp := range spans {
		out[k] = span{sp.start - cutBefore[sp.start], sp.end - cutBefore[sp.end], sp.inherited}
	}
	return b.String(), out
}

func wordQuoted(word *syntax.Word) bool {
	for _, p := range word.Parts {
		switch x := p.(type) {
		case *syntax.SglQuoted, *syntax.DblQuoted:
			return true
		case *syntax.Lit:
			if strings.Contains(x.Value, `\`) {
				return true
			}
		}
	}
	return false
}

func (w *walker) test(e syntax.TestExpr, c ctx) {
	if e == nil || !w.enter() {
		return
	}
	defer w.leave()
	switch x := e.(type) {
	case *syntax.BinaryTest:
		w.test(x.X, c)
		w.test(x.Y, c)
	case *syntax.UnaryTest:
		w.test(x.X, c)
	case *syntax.ParenTest:
		w.test(x.X, c)
	case *syntax.Word:
		w.literal(x, c)
	}
}

// arithm records the variables and runs the substitutions of an arithmetic
// expression; bare names are variable references there too.
func (w *walker) arithm(e syntax.ArithmExpr, c ctx) {
	if e == nil || !w.enter() {
		return
	}
	defer w.leave()
	switch x := e.(type) {
	case *syntax.BinaryArithm:
		w.arithm(x.X, c)
		w.arithm(x.Y, c)
	case *syntax.UnaryArithm:
		w.arithm(x.X, c)
	case *syntax.ParenArithm:
		w.arithm(x.X, c)
	case *syntax.FlagsArithm:
		w.arithm(x.X, c)
	case *syntax.Word:
		if lit := x.Lit(); lit != "" {
			if isName(lit) {
				w.addVar(lit)
			}
			return
		}
		w.literal(x, c)
	}
}

func (w *walker) addVar(name string) {
	if !isName(name) {
		return
	}
	if w.vars == nil {
		w.vars = make(map[string]struct{})
	}
	w.vars[name] = struct{}{}
}

func (w *walker) setLocal(name, val string, known bool) {
	if w.local == nil {
		w.local = make(map[string]varState)
	}
	w.local[name] = varState{val: val, known: known}
}

// get resolves a variable: script-local assignments first, then the
// caller's ARG/ENV lookup.
func (w *walker) get(name string) (string, bool) {
	if v, ok := w.local[name]; ok {
		w.expanded += len(v.val)
		if w.expanded > maxExpandBytes {
			return "", false
		}
		return v.val, v.known
	}
	if w.lookup == nil {
		return "", false
	}
	v, ok := w.lookup(name)
	if ok {
		w.expanded += len(v)
		if w.expanded > maxExpandBytes {
			return "", false
		}
	}
	return v, ok
}

func isName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch {
		case ch == '_', ch >= 'a' && ch <= 'z', ch >= 'A' && ch <= 'Z':
		case ch >= '0' && ch <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}

// newCommand builds a Command from expanded argv, stripping wrappers.
// argvSpans is nil or parallel to argv; inherited reports that the program's
// name is text an enclosing script's expansion produces (programName).
func (w *walker) newCommand(argv []string, argvSpans [][]span, assigns map[string]string, redirs []Redirect, line int, c ctx) (cmd Command, inherited bool) {
	u := unwrap(argv)
	start, wrappers, extra := u.start, u.wrappers, u.assigns
	if len(extra) > 0 {
		if assigns == nil {
			assigns = make(map[string]string, len(extra))
		}
		for _, kv := range extra {
			assigns[kv[0]] = kv[1]
		}
	}
	if len(c.wrappers) > 0 {
		wrappers = append(append([]string(nil), c.wrappers...), wrappers...)
	}
	args := argv[start+1:]
	if len(args) == 0 {
		args = []string{}
	}
	name, inherited := programName(argv[start], fieldSpans(argvSpans, start))
	return Command{
		Argv:        argv,
		Name:        name,
		Args:        args,
		Wrappers:    wrappers,
		RunAs:       u.runAs,
		Assigns:     assigns,
		Redirects:   redirs,
		Line:        line,
		Conditional: c.cond,
	}, inherited
}

// programName is the base name of a program word, as baseName, except that
// slashes inside unevaluated text (`"$(curl -L https://h/i.sh)"`,
// `${X:-/usr/bin/python}`) do not separate it: the shell replaces that text
// before looking the program up. inherited reports that the name is all text
// an enclosing script's expansion produces (walker.outer).
func programName(word string, sp []span) (name string, inherited bool) {
	if len(sp) == 0 {
		return baseName(word), false
	}
	name = word
	for i := len(word); ; {
		j := strings.LastIndexByte(word[:i], '/')
		if j < 0 {
			break
		}
		if k := spanAt(sp, j); k >= 0 {
			i = sp[k].start
			continue
		}
		if j < len(word)-1 {
			name = word[j+1:]
		}
		break
	}
	from := len(word) - len(name)
	for _, s := range sp {
		if s.inherited && s.start <= from && s.end >= len(word) {
			return name, true
		}
	}
	return name, false
}

// emit appends cmd with its pipeline slot, then the commands of the script
// it runs when it is a shell invocation. sp locates the unevaluated text of
// cmd's words and here-documents, which the nested script inherits.
func (w *walker) emit(cmd Command, sp wordSpans, c ctx) {
	if c.pipe != nil {
		if c.pipe.p.id < 0 {
			c.pipe.p.id = w.nextPipe
			w.nextPipe++
		}
		cmd.Pipeline, cmd.PipePos, cmd.PipeLen = c.pipe.p.id, c.pipe.pos, c.pipe.len
	} else {
		cmd.Pipeline, cmd.PipePos, cmd.PipeLen = w.nextPipe, 0, 1
		w.nextPipe++
	}
	w.cmds = append(w.cmds, cmd)
	var script string
	var outer []span
	loc, ok := nestedScript(cmd.Name, cmd.Args)
	base := cmd.Line - 1
	if ok {
		script = loc.text(cmd.Args)
		// Args are the end of Argv.
		outer = loc.spans(cmd.Args, sp.argv[min(len(sp.argv), len(cmd.Argv)-len(cmd.Args)):])
	} else {
		// `sh <<EOF` runs the here-document; its body starts on the next line.
		var r int
		script, r, ok = stdinScript(cmd)
		outer = fieldSpans(sp.redirs, r)
		base = cmd.Line
	}
	if !ok || w.shells >= maxShellDepth {
		return
	}
	if w.nested >= maxNestedScripts {
		w.setErr(cmd.Line, "too many nested scripts")
		return
	}
	w.nested++
	w.shells++
	w.script(script, max(base, 0), ctx{cond: c.cond}, outer)
	w.shells--
}

// stdinScript returns the here-document a shell reads its script from when
// it is given no script operand, and the index of its redirection.
func stdinScript(cmd Command) (string, int, bool) {
	if !shells[cmd.Name] {
		return "", -1, false
	}
	for _, a := range cmd.Args {
		if a == "--" {
			break
		}
		if !strings.HasPrefix(a, "-") && !strings.HasPrefix(a, "+") {
			return "", -1, false // a script file
		}
	}
	for i := len(cmd.Redirects) - 1; i >= 0; i-- {
		r := cmd.Redirects[i]
		switch r.Op {
		case "<<", "<<-", "0<<", "0<<-":
			return r.Heredoc, i, true
		case "<", "0<", "<<<", "0<<<":
			return "", -1, false // the last stdin redirect wins
		}
	}
	return "", -1, false
}
