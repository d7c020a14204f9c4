package policy

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/storage"
	"github.com/open-policy-agent/opa/v1/storage/inmem"
	"github.com/open-policy-agent/opa/v1/topdown"
	"github.com/open-policy-agent/opa/v1/topdown/print"

	"github.com/hardline-dev/hardline/pkg/finding"
)

// DefaultTimeout is the per-document evaluation budget when Options.Timeout
// is zero. Builtin rules take well under a millisecond per document; the
// budget only exists to stop runaway custom rules.
const DefaultTimeout = 5 * time.Second

// ErrTimeout is wrapped by Evaluate errors caused by the evaluation budget.
var ErrTimeout = errors.New("evaluation budget exceeded")

// Options configure New and RunTests.
type Options struct {
	// ExtraDirs are --rules directories of custom rules following the same
	// convention. Their _test.rego files are only used by RunTests.
	ExtraDirs []string
	// Builtin is the builtin rule tree; nil means the rules embedded in the
	// binary (rules.FS). Tests pass an fstest.MapFS.
	Builtin fs.FS
	// NoBuiltin loads only ExtraDirs.
	NoBuiltin bool
	// Timeout is the evaluation budget for one document (all rules
	// together); zero means DefaultTimeout.
	Timeout time.Duration
	// Print receives the output of print() calls in rules. When nil, print
	// calls are removed at compile time so that they cost nothing.
	Print io.Writer
	// Compilers splits the embedded rules over this many compilers, each
	// with the shared library, compiled concurrently. Compilation is most of
	// a one-file run, so 2 makes such runs faster on two cores; evaluation
	// then computes the library once per compiler, so batch runs should
	// keep the default (1). Custom rules always use one compiler, since a
	// custom rule may refer to another's package.
	Compilers int
	// Kinds restricts the engine to rules for these input kinds (nil: all).
	// Only the embedded rules are pruned: what cannot run for these kinds
	// is not compiled (see prune). Evaluate refuses other kinds.
	Kinds []string
	// Data is made available to rules as data.hardline.config (settings
	// from .hardline.yaml such as trusted registries); nil means empty.
	Data map[string]any

	// keepLibrary compiles every library rule into every compiler: tests
	// compare pruneLibrary against it.
	keepLibrary bool
	// fromSource ignores the precompiled rules: tests compare the two.
	fromSource bool
}

// Result is one element of a rule's deny set.
type Result struct {
	// Rule points into the engine's rule table; treat it as read-only.
	Rule     *finding.Rule
	Message  string
	Location finding.Location
	// Stage is the stage index the rule reported, -1 when absent.
	Stage int
	Key   string
	// Layer and History are the image layer and history entry an image
	// rule reported (-1 when absent); Path is the file in the image.
	Layer   int
	History int
	Path    string
}

// Engine is a compiled rule set. It is safe for concurrent use.
type Engine struct {
	rules    []finding.Rule // sorted by ID
	examples map[string]Examples
	warnings []string
	timeout  time.Duration
	setName  string

	// Evaluating all selected rules in one query lets OPA compute the
	// shared library values (final-chain instructions, install operations
	// ...) once per document instead of once per rule, which is most of the
	// evaluation cost. Queries are prepared lazily per selection; a run
	// uses one selection, so this is prepared once per process.
	compilers []*ast.Compiler
	ruleComp  []int // compiler index of each rule, parallel to rules
	store     storage.Store
	print     io.Writer
	groupsMu  sync.Mutex
	groups    map[string]*groupQuery
	kinds     []string // nil: all

	// One query per rule serves the error path (naming the rule that
	// failed), so they are prepared on first use, not at start-up.
	packages    []ast.Ref // parallel to rules; nil for rules left out
	queriesOnce sync.Once
	queries     []rego.PreparedEvalQuery // parallel to rules
	queriesErr  error
}

// groupQuery evaluates the deny sets of several rules, one query per
// compiler that holds some of them.
type groupQuery struct {
	parts []groupPart
}

// groupPart is one prepared query; vars[k] is the query variable bound to
// rules[idx[k]].deny.
type groupPart struct {
	pq   rego.PreparedEvalQuery
	idx  []int
	vars []string
}

// New loads, validates and compiles the rule set once (or reads the
// embedded rules precompiled). Queries are prepared when first evaluated.
// All problems are reported together in a *LoadError.
func New(ctx context.Context, opts Options) (*Engine, error) {
	// Only the rules embedded in this binary are trusted to have passed
	// every compiler check at test time.
	trusted := opts.Builtin == nil && !opts.NoBuiltin && len(opts.ExtraDirs) == 0
	var cs *compiledSet
	if trusted && opts.Print == nil && !opts.keepLibrary && !opts.fromSource {
		// A blob that does not match (or cannot be read) means compiling
		// from source, as without it.
		if pc, ok, err := fromPrecompiled(opts.Kinds, opts.Compilers); err == nil && ok {
			cs = pc
		}
	}
	if cs == nil {
		var err error
		if cs, err = compileSource(opts, trusted); err != nil {
			return nil, err
		}
	}

	e := &Engine{
		examples:  map[string]Examples{},
		warnings:  cs.warnings,
		timeout:   cmp.Or(opts.Timeout, DefaultTimeout),
		setName:   setName(opts),
		compilers: cs.compilers,
		ruleComp:  cs.ruleComp,
		print:     opts.Print,
		groups:    map[string]*groupQuery{},
		kinds:     opts.Kinds,
	}
	settings := opts.Data
	if settings == nil {
		settings = map[string]any{}
	}
	e.store = inmem.NewFromObjectWithOpts(map[string]any{"hardline": map[string]any{"config": settings}}, inmem.OptRoundTripOnWrite(true))
	for i, m := range cs.rules {
		e.rules = append(e.rules, m.rule)
		if m.examples != (Examples{}) {
			e.examples[m.rule.ID] = m.examples
		}
		var pkg ast.Ref
		if cs.dropped == nil || !cs.dropped[i] {
			pkg = m.module.mod.Package.Path
		}
		e.packages = append(e.packages, pkg)
	}
	return e, nil
}

// ruleQueries prepares the per-rule queries once. Preparing only compiles
// the queries; it runs without the caller's deadline so that an evaluation
// budget running out cannot leave a cached error behind.
func (e *Engine) ruleQueries(ctx context.Context) ([]rego.PreparedEvalQuery, error) {
	ctx = context.WithoutCancel(ctx)
	e.queriesOnce.Do(func() {
		caps := sandboxCapabilities()
		qs := make([]rego.PreparedEvalQuery, len(e.rules))
		for i, pkg := range e.packages {
			if pkg == nil {
				continue
			}
			pq, err := prepare(ctx, e.compilers[e.ruleComp[i]], e.store, caps, pkg, e.print)
			if err != nil {
				e.queriesErr = fmt.Errorf("policy: preparing %s (%s): %w", e.rules[i].ID, e.rules[i].File, err)
				return
			}
			qs[i] = pq
		}
		e.queries = qs
	})
	return e.queries, e.queriesErr
}

// compileSource loads, parses and compiles the rule sources.
func compileSource(opts Options, trusted bool) (*compiledSet, error) {
	srcs, err := sourcesFor(opts)
	if err != nil {
		return nil, err
	}
	rs := load(srcs, false)
	if len(rs.problems) > 0 {
		return nil, &LoadError{Problems: rs.problems}
	}
	cs := &compiledSet{rules: rs.rules, warnings: rs.warnings}
	if trusted && len(opts.Kinds) > 0 {
		cs.dropped = prune(rs, opts.Kinds)
		if len(rs.problems) > 0 {
			return nil, &LoadError{Problems: rs.problems}
		}
	}
	n := 1
	if trusted {
		n = max(1, min(opts.Compilers, len(rs.rules)))
	}
	printEnabled := opts.Print != nil
	pruneLib := trusted && !opts.keepLibrary
	cs.compilers, cs.ruleComp, err = splitCompile(rs.modules, rs.rules, n, true, func(mods []*sourceModule) (*ast.Compiler, error) {
		if pruneLib {
			pruneLibrary(mods)
		}
		return compile(mods, printEnabled, trusted)
	})
	if err != nil {
		return nil, err
	}
	return cs, nil
}

// splitCompile compiles the modules in n compilers concurrently: rule i
// (in ID order) goes to compiler i%n, and every compiler gets the library
// modules; with ownLib each compiler gets its own copies of them, for a
// compileFn that prunes them in place. It returns the compilers and each
// rule's compiler index.
func splitCompile(mods []*sourceModule, rules []ruleMeta, n int, ownLib bool, compileFn func([]*sourceModule) (*ast.Compiler, error)) ([]*ast.Compiler, []int, error) {
	if n <= 1 {
		c, err := compileFn(mods)
		if err != nil {
			return nil, nil, err
		}
		return []*ast.Compiler{c}, make([]int, len(rules)), nil
	}
	part := map[*sourceModule]int{}
	ruleComp := make([]int, len(rules))
	for i, m := range rules {
		if m.module != nil {
			part[m.module] = i % n
		}
		ruleComp[i] = i % n
	}
	groups := make([][]*sourceModule, n)
	for _, sm := range mods {
		if p, isRule := part[sm]; isRule {
			groups[p] = append(groups[p], sm)
			continue
		}
		for p := range groups {
			groups[p] = append(groups[p], sm)
		}
	}
	compilers := make([]*ast.Compiler, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for p := range groups {
		wg.Add(1)
		go func() {
			defer wg.Done()
			own := make([]*sourceModule, len(groups[p]))
			for i, sm := range groups[p] {
				cp := *sm
				if _, isRule := part[sm]; !isRule && ownLib {
					cp.mod = sm.mod.Copy()
				}
				own[i] = &cp
			}
			compilers[p], errs[p] = compileFn(own)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, nil, err
		}
	}
	return compilers, ruleComp, nil
}

// compile compiles modules in one sandboxed, strict compiler.
func compile(mods []*sourceModule, printEnabled, trusted bool) (*ast.Compiler, error) {
	c := newCompiler(printEnabled)
	if trusted {
		// The embedded rules pass every check in `make test` (RunTests and
		// TestBuiltinRulesPassAllCompilerChecks compile them with all
		// stages); re-running the pure validation stages on every start
		// cost a fifth of a single-Dockerfile run. Custom rules always get
		// the full set.
		c = c.WithSkipStages(trustedSkipStages(printEnabled)...)
	}
	return compileWith(mods, c)
}

// compileWith compiles modules in the compiler c.
func compileWith(mods []*sourceModule, c *ast.Compiler) (*ast.Compiler, error) {
	modules := make(map[string]*ast.Module, len(mods))
	for _, sm := range mods {
		modules[sm.name] = sm.mod
	}
	c.Compile(modules)
	if c.Failed() {
		return nil, &LoadError{Problems: astErrorLines("", c.Errors)}
	}
	return c, nil
}

// validationOnlyStages only report errors; they do not rewrite the modules
// that evaluation runs.
var validationOnlyStages = []ast.StageID{
	ast.StageCheckUnusedImports,
	ast.StageCheckKeywordOverrides,
	ast.StageCheckDuplicateImports,
	ast.StageCheckVoidCalls,
	ast.StageCheckRuleConflicts,
	ast.StageCheckUndefinedFuncs,
	ast.StageCheckRecursion,
	ast.StageCheckTypes,
	ast.StageCheckDeprecatedBuiltins,
	ast.StageBuildRequiredCapabilities,
}

// noOpForBuiltinStages rewrite constructs the embedded rules do not use
// (template strings, rego.metadata calls, with, test tracing) or build
// what only skipped stages read (SetGraph feeds the recursion and type
// checks; the safety check of heads only reports). On the embedded rules
// each is a no-op that still walks every rule: together about a fifth of
// compilation. TestTrustedStageSkipsAreNoOps compiles the embedded rules
// with and without them and requires identical modules, so a rule that
// starts using one of these constructs fails `make test` instead of
// evaluating differently.
var noOpForBuiltinStages = []ast.StageID{
	ast.StageRewriteTemplateStrings,
	ast.StageParseMetadataBlocks,
	ast.StageRewriteRegoMetadataCalls,
	ast.StageSetGraph,
	ast.StageRewriteWithValues,
	ast.StageCheckSafetyRuleHeads,
	ast.StageRewriteTestRulesForTracing,
}

// trustedSkipStages are the stages skipped for the embedded rules. Print
// calls are only erased when printing is off; with it on they must be
// rewritten, so that stage stays.
func trustedSkipStages(printEnabled bool) []ast.StageID {
	stages := slices.Concat(validationOnlyStages, noOpForBuiltinStages)
	if !printEnabled {
		stages = append(stages, ast.StageRewritePrintCalls)
	}
	return stages
}

func newCompiler(printEnabled bool) *ast.Compiler {
	return ast.NewCompiler().
		WithCapabilities(sandboxCapabilities()).
		WithStrict(true).
		WithDefaultRegoVersion(ast.RegoV1).
		WithEnablePrintStatements(printEnabled)
}

// prepare builds the query data.<pkg>.deny against the shared compiler.
// Preparing per rule (instead of one query over data.hardline.rules) lets
// Evaluate skip disabled rules and rules for the other input kind entirely
// and attribute errors and timeouts to one rule; see BenchmarkEvaluate.
func prepare(ctx context.Context, c *ast.Compiler, store storage.Store, caps *ast.Capabilities, pkg ast.Ref, w io.Writer) (rego.PreparedEvalQuery, error) {
	q := ast.NewBody(ast.NewExpr(ast.NewTerm(pkg.Append(ast.StringTerm("deny")))))
	args := []func(*rego.Rego){
		rego.ParsedQuery(q),
		rego.Compiler(c),
		rego.Store(store),
		rego.Capabilities(caps),
		rego.SetRegoVersion(ast.RegoV1),
		rego.Strict(true),
	}
	if w != nil {
		args = append(args, rego.EnablePrintStatements(true), rego.PrintHook(topdown.NewPrintHook(w)))
	} else {
		args = append(args, rego.PrintHook(discardPrint{}))
	}
	return rego.New(args...).PrepareForEval(ctx)
}

// discardPrint drops print output should a print call survive compilation.
type discardPrint struct{}

func (discardPrint) Print(print.Context, string) error { return nil }

func setName(opts Options) string {
	var parts []string
	if !opts.NoBuiltin {
		parts = append(parts, "builtin rules")
	}
	if len(opts.ExtraDirs) > 0 {
		parts = append(parts, "custom rules from "+strings.Join(opts.ExtraDirs, ", "))
	}
	return strings.Join(parts, " and ")
}

// Rules returns the metadata of every loaded rule, sorted by ID.
func (e *Engine) Rules() []finding.Rule { return slices.Clone(e.rules) }

// Examples returns the bad/good examples of the rules that have them, keyed
// by rule ID.
func (e *Engine) Examples() map[string]Examples {
	out := make(map[string]Examples, len(e.examples))
	for k, v := range e.examples {
		out[k] = v
	}
	return out
}

// Warnings are non-fatal metadata problems of custom rules (unknown tags or
// keys, missing description), one "file:line: message" each.
func (e *Engine) Warnings() []string { return slices.Clone(e.warnings) }

// Evaluate runs the rules that apply to kind and are enabled against one
// input document. enabled nil means each rule's metadata default. input may
// be an ast.Value, raw JSON ([]byte or json.RawMessage) or anything that
// encoding/json can marshal. Results are sorted by rule ID, location,
// message and key.
func (e *Engine) Evaluate(ctx context.Context, kind string, input any, enabled func(finding.Rule) bool) ([]Result, error) {
	if !slices.Contains(inputKinds, kind) {
		return nil, fmt.Errorf("policy: unknown input kind %q (want %s)", kind, strings.Join(inputKinds, " or "))
	}
	if e.kinds != nil && !slices.Contains(e.kinds, kind) {
		return nil, fmt.Errorf("policy: this engine was built for %s input only", strings.Join(e.kinds, ", "))
	}
	var selected []int
	for i := range e.rules {
		r := &e.rules[i]
		if !slices.Contains(r.Inputs, kind) {
			continue
		}
		if enabled == nil && !r.Enabled || enabled != nil && !enabled(*r) {
			continue
		}
		selected = append(selected, i)
	}
	if len(selected) == 0 {
		return nil, nil
	}
	value, err := toValue(input)
	if err != nil {
		return nil, fmt.Errorf("policy: converting %s input: %w", kind, err)
	}

	parent := ctx
	ctx, cancel := context.WithTimeoutCause(ctx, e.timeout, ErrTimeout)
	defer cancel()
	out, err := e.evalGroup(ctx, selected, value)
	if err == nil && ctx.Err() != nil {
		err = ctx.Err()
	}
	if err != nil {
		if perr := parent.Err(); perr != nil {
			return nil, fmt.Errorf("policy: evaluating rules: %w", perr)
		}
		// Evaluate rule by rule, with a fresh budget, to name the rule that
		// failed or ran away. This only happens on the error path.
		return e.evalEach(parent, kind, selected, value)
	}
	sortResults(out)
	return slices.CompactFunc(out, func(a, b Result) bool { return compareResults(a, b) == 0 }), nil
}

// evalGroup evaluates the selected rules in one query.
func (e *Engine) evalGroup(ctx context.Context, selected []int, value ast.Value) (out []Result, err error) {
	g, err := e.group(ctx, selected)
	if err != nil {
		return nil, err
	}
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("evaluation panicked: %v", p)
		}
	}()
	for _, part := range g.parts {
		rs, err := part.pq.Eval(ctx, rego.EvalParsedInput(value))
		if err != nil {
			return nil, err
		}
		if len(rs) == 0 {
			continue
		}
		for k, i := range part.idx {
			rule := &e.rules[i]
			res, err := decodeDeny(rule, rs[0].Bindings[part.vars[k]])
			if err != nil {
				return nil, fmt.Errorf("policy: rule %s (%s): %w", rule.ID, rule.File, err)
			}
			out = append(out, res...)
		}
	}
	return out, nil
}

// group returns the prepared query for a selection of rules.
func (e *Engine) group(ctx context.Context, selected []int) (*groupQuery, error) {
	var key strings.Builder
	for _, i := range selected {
		fmt.Fprintf(&key, "%d,", i)
	}
	e.groupsMu.Lock()
	defer e.groupsMu.Unlock()
	if g, ok := e.groups[key.String()]; ok {
		return g, nil
	}
	g := &groupQuery{}
	for c := range e.compilers {
		var idx []int
		for _, i := range selected {
			if e.ruleComp[i] == c {
				idx = append(idx, i)
			}
		}
		if len(idx) == 0 {
			continue
		}
		part, err := e.preparePart(ctx, e.compilers[c], idx)
		if err != nil {
			return nil, err
		}
		g.parts = append(g.parts, part)
	}
	e.groups[key.String()] = g
	return g, nil
}

// preparePart prepares one query binding the deny sets of rules idx, all
// held by compiler c.
func (e *Engine) preparePart(ctx context.Context, c *ast.Compiler, idx []int) (groupPart, error) {
	part := groupPart{idx: idx}
	body := make(ast.Body, 0, len(idx))
	for k, i := range idx {
		v := fmt.Sprintf("__hardline_r%d", k)
		part.vars = append(part.vars, v)
		// v = data.<pkg>.deny; a partial set is always defined (possibly
		// empty), so one rule without findings never hides the others.
		body = append(body, ast.Equality.Expr(ast.VarTerm(v), ast.NewTerm(e.packages[i].Append(ast.StringTerm("deny")))))
	}
	args := []func(*rego.Rego){
		rego.ParsedQuery(body),
		rego.Compiler(c),
		rego.Store(e.store),
		rego.Capabilities(sandboxCapabilities()),
		rego.SetRegoVersion(ast.RegoV1),
		rego.Strict(true),
	}
	if e.print != nil {
		args = append(args, rego.EnablePrintStatements(true), rego.PrintHook(topdown.NewPrintHook(e.print)))
	} else {
		args = append(args, rego.PrintHook(discardPrint{}))
	}
	pq, err := rego.New(args...).PrepareForEval(ctx)
	if err != nil {
		return part, fmt.Errorf("policy: preparing rule query: %w", err)
	}
	part.pq = pq
	return part, nil
}

// evalEach evaluates rules one at a time; used to attribute an error.
func (e *Engine) evalEach(ctx context.Context, kind string, selected []int, value ast.Value) ([]Result, error) {
	parent := ctx
	ctx, cancel := context.WithTimeoutCause(ctx, e.timeout, ErrTimeout)
	defer cancel()
	var out []Result
	for _, i := range selected {
		rule := &e.rules[i]
		rs, err := e.evalRule(ctx, i, value)
		if err == nil && ctx.Err() != nil {
			err = ctx.Err()
		}
		if err != nil {
			if perr := parent.Err(); perr != nil {
				return nil, fmt.Errorf("policy: evaluating rule %s: %w", rule.ID, perr)
			}
			if errors.Is(context.Cause(ctx), ErrTimeout) {
				return nil, fmt.Errorf("policy: %s: %w: %s document took longer than %s (stopped in rule %s from %s)",
					e.setName, ErrTimeout, kind, e.timeout, rule.ID, rule.File)
			}
			return nil, fmt.Errorf("policy: rule %s (%s): %w", rule.ID, rule.File, err)
		}
		res, err := decodeDeny(rule, rs)
		if err != nil {
			return nil, fmt.Errorf("policy: rule %s (%s): %w", rule.ID, rule.File, err)
		}
		out = append(out, res...)
	}
	sortResults(out)
	return slices.CompactFunc(out, func(a, b Result) bool { return compareResults(a, b) == 0 }), nil
}

// evalRule evaluates one prepared query. OPA does not recover panics in
// builtins; a crafted input must not take the process down with it.
func (e *Engine) evalRule(ctx context.Context, i int, value ast.Value) (v any, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("evaluation panicked: %v", p)
		}
	}()
	qs, err := e.ruleQueries(ctx)
	if err != nil {
		return nil, err
	}
	rs, err := qs[i].Eval(ctx, rego.EvalParsedInput(value))
	if err != nil {
		return nil, err
	}
	if len(rs) == 0 || len(rs[0].Expressions) == 0 {
		return nil, nil // deny undefined: no findings
	}
	return rs[0].Expressions[0].Value, nil
}

// toValue converts the input document once per Evaluate call; every rule
// then shares the same AST value. Typed documents are converted by reflection
// (fromGo) instead of ast.InterfaceToValue, whose JSON round trip through a
// generic any tree cost about as much as evaluating the rules; raw JSON is
// decoded directly.
func toValue(input any) (ast.Value, error) {
	switch x := input.(type) {
	case json.RawMessage:
		return ast.ValueFromReader(bytes.NewReader(x))
	case []byte:
		return ast.ValueFromReader(bytes.NewReader(x))
	case ast.Value:
		return x, nil
	case map[string]any, []any:
		return ast.InterfaceToValue(input)
	}
	return fromGo(input)
}

// decodeDeny validates and converts the elements of a deny set.
func decodeDeny(rule *finding.Rule, v any) ([]Result, error) {
	if v == nil {
		return nil, nil
	}
	elems, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("deny evaluated to %s, want a set of objects", typeName(v))
	}
	out := make([]Result, 0, len(elems))
	for _, el := range elems {
		obj, ok := el.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("deny element %s is not an object", brief(el))
		}
		msg, ok := obj["msg"].(string)
		if !ok || strings.TrimSpace(msg) == "" {
			return nil, fmt.Errorf("deny element %s has no msg string", brief(el))
		}
		r := Result{Rule: rule, Message: msg, Stage: -1, Layer: -1, History: -1}
		if loc, ok := obj["location"]; ok && loc != nil {
			l, err := decodeLocation(loc)
			if err != nil {
				return nil, fmt.Errorf("deny element %s: %w", brief(el), err)
			}
			r.Location = l
		}
		if st, ok := obj["stage"]; ok && st != nil {
			n, err := intField(st)
			if err != nil || n < -1 {
				return nil, fmt.Errorf("deny element %s: stage must be a stage index", brief(el))
			}
			r.Stage = n
		}
		for _, f := range []struct {
			name string
			dst  *int
		}{{"layer", &r.Layer}, {"history", &r.History}} {
			if v, ok := obj[f.name]; ok && v != nil {
				n, err := intField(v)
				if err != nil || n < -1 {
					return nil, fmt.Errorf("deny element %s: %s must be an index", brief(el), f.name)
				}
				*f.dst = n
			}
		}
		if p, ok := obj["path"]; ok && p != nil {
			s, isStr := p.(string)
			if !isStr {
				return nil, fmt.Errorf("deny element %s: path must be a string", brief(el))
			}
			r.Path = s
		}
		if k, ok := obj["key"]; ok && k != nil {
			s, isStr := k.(string)
			if !isStr {
				return nil, fmt.Errorf("deny element %s: key must be a string", brief(el))
			}
			r.Key = s
		}
		out = append(out, r)
	}
	return out, nil
}

func decodeLocation(v any) (finding.Location, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return finding.Location{}, fmt.Errorf("location must be an object")
	}
	var l finding.Location
	for _, f := range []struct {
		name string
		dst  *int
	}{{"start_line", &l.StartLine}, {"start_column", &l.StartColumn}, {"end_line", &l.EndLine}, {"end_column", &l.EndColumn}} {
		raw, ok := m[f.name]
		if !ok || raw == nil {
			continue
		}
		n, err := intField(raw)
		if err != nil || n < 0 {
			return finding.Location{}, fmt.Errorf("location.%s must be a non-negative integer", f.name)
		}
		*f.dst = n
	}
	return l, nil
}

// intField accepts the json.Number values OPA produces (and plain Go ints
// for robustness) when they hold an integer that fits an int.
func intField(v any) (int, error) {
	switch n := v.(type) {
	case json.Number:
		i, err := n.Int64()
		if err != nil || int64(int(i)) != i {
			return 0, fmt.Errorf("not an integer: %s", n)
		}
		return int(i), nil
	case int:
		return n, nil
	case int64:
		if int64(int(n)) != n {
			return 0, fmt.Errorf("out of range")
		}
		return int(n), nil
	case float64:
		if n != float64(int(n)) {
			return 0, fmt.Errorf("not an integer: %v", n)
		}
		return int(n), nil
	}
	return 0, fmt.Errorf("not a number: %s", typeName(v))
}

// brief renders a deny element for an error message, shortened so that a
// huge element does not flood the terminal.
func brief(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("%v", v)
	}
	const max = 120
	if len(b) > max {
		return string(b[:max]) + "…"
	}
	return string(b)
}

func compareResults(a, b Result) int {
	return cmp.Or(
		strings.Compare(a.Rule.ID, b.Rule.ID),
		cmp.Compare(a.Location.StartLine, b.Location.StartLine),
		cmp.Compare(a.Location.StartColumn, b.Location.StartColumn),
		cmp.Compare(a.Layer, b.Layer),
		strings.Compare(a.Path, b.Path),
		strings.Compare(a.Message, b.Message),
		strings.Compare(a.Key, b.Key),
		// The remaining fields only make the order total.
		cmp.Compare(a.Location.EndLine, b.Location.EndLine),
		cmp.Compare(a.Location.EndColumn, b.Location.EndColumn),
		cmp.Compare(a.Stage, b.Stage),
		cmp.Compare(a.History, b.History),
	)
}

func sortResults(rs []Result) { slices.SortFunc(rs, compareResults) }
